"""Global sensitivity of sweep outcomes to the parameters of a Sobol' or Morris design (SALib).

The model is stochastic, so each design row's output is the mean over its replications,
y_i = mean_r Y_ir, and the indices describe how the parameters drive that mean:

* Sobol' (design ``sobol``): first-order S1 = V[E(y|x_i)] / V(y) and total ST = E[V(y|x_~i)] / V(y),
  estimated from Saltelli's sample (Saltelli et al. 2010, Jansen 1999 for ST) with bootstrap
  confidence intervals (SALib ``sobol.analyze``).
* Morris (design ``morris``): mu* = mean |elementary effect| (Campolongo et al. 2007) with a
  bootstrap confidence interval, and sigma, the spread of the effects (interactions or
  non-linearity) (SALib ``morris.analyze``).

``noise_share`` = mean within-row variance / variance of single runs tells how much of an
outcome's spread is run-to-run chance rather than the parameters (0 with one replication).

Sobol' indices from a small sample are noise: each row of the table carries a ``warning`` when
its indices cannot be read (a confidence-interval half-width above ``MAX_HALF_WIDTH``, ST above 1,
or S1 below 0 by more than its interval), and :func:`analyse` sums them up in one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

SENSITIVITY_METHODS = ("sobol", "morris")
MAX_HALF_WIDTH = 0.1  # a Sobol' index known only to +-0.1 or worse cannot rank parameters


class IncompleteDesign(ValueError):
    """Not every row of the design has been run: indices need them all."""


def row_means(results: pd.DataFrame, outcome: str, rows: int) -> tuple[np.ndarray, float]:
    """Mean of ``outcome`` per design row (0 .. rows-1) over its replications, and the noise share."""
    runs = results.dropna(subset=["design_row"])
    grouped = runs.groupby("design_row")[outcome]
    means = grouped.mean().reindex(range(rows))
    if means.isna().any():
        missing = int(means.isna().sum())
        raise IncompleteDesign(f"{missing} of {rows} design rows have no run (or no value of {outcome})")
    total = float(runs[outcome].var(ddof=0))
    within = float(grouped.var(ddof=0).mean())
    return means.to_numpy(dtype=float), (within / total if total > 0 else 0.0)


def sobol_indices(problem: Mapping, y: np.ndarray, second_order: bool = False, seed: int = 0,
                  conf_level: float = 0.95, resamples: int = 1000) -> pd.DataFrame:
    """S1, ST and the half-widths of their confidence intervals, one row per parameter."""
    from SALib.analyze import sobol

    if np.ptp(y) == 0:  # a constant output has no variance to apportion
        zeros = np.zeros(problem["num_vars"])
        return pd.DataFrame({"parameter": problem["names"], "S1": zeros, "S1_conf": zeros, "ST": zeros,
                             "ST_conf": zeros, "warning": ""})
    out = sobol.analyze(dict(problem), y, calc_second_order=second_order, num_resamples=resamples,
                        conf_level=conf_level, seed=seed)
    table = pd.DataFrame({"parameter": problem["names"], "S1": out["S1"], "S1_conf": out["S1_conf"],
                          "ST": out["ST"], "ST_conf": out["ST_conf"]})
    table["warning"] = [sobol_warning(row) for row in table.itertuples()]
    return table


def sobol_warning(row) -> str:
    """Why one parameter's Sobol' indices cannot be read ('' when they can)."""
    reasons = [f"{name} interval +-{half:.2f} wider than +-{MAX_HALF_WIDTH}"
               for name, half in (("S1", row.S1_conf), ("ST", row.ST_conf)) if half > MAX_HALF_WIDTH]
    if row.ST > 1:
        reasons.append(f"ST {row.ST:.2f} above 1")
    if row.S1 + row.S1_conf < 0:
        reasons.append(f"S1 {row.S1:.2f} below 0 beyond its interval")
    return "; ".join(reasons)


def morris_indices(problem: Mapping, x: np.ndarray, y: np.ndarray, levels: int, seed: int = 0,
                   conf_level: float = 0.95, resamples: int = 1000) -> pd.DataFrame:
    """mu, mu*, the half-width of mu*'s confidence interval, and sigma, one row per parameter."""
    from SALib.analyze import morris

    out = morris.analyze(dict(problem), x, y, num_resamples=resamples, conf_level=conf_level,
                         num_levels=levels, seed=seed)
    return pd.DataFrame({"parameter": problem["names"], "mu": out["mu"], "mu_star": out["mu_star"],
                         "mu_star_conf": out["mu_star_conf"], "sigma": out["sigma"]})


def analyse(results: pd.DataFrame, design: pd.DataFrame, info: Mapping[str, Any], outcome: str,
            seed: int = 0) -> dict[str, Any]:
    """Indices of one outcome for a sweep run on a ``sobol`` or ``morris`` design: a table, the
    noise share and ``warning`` ('' or one line saying the Sobol' indices cannot be read).
    ``design`` is the design table (rows in design order)."""
    method = info.get("method")
    if method not in SENSITIVITY_METHODS:
        raise ValueError(f"sensitivity indices need a sobol or morris design, not {method!r}")
    problem = info["problem"]
    y, noise = row_means(results, outcome, len(design))
    if method == "sobol":
        table = sobol_indices(problem, y, bool(info.get("calc_second_order")), seed=seed)
    else:
        x = design[problem["names"]].to_numpy(dtype=float)
        table = morris_indices(problem, x, y, int(info.get("num_levels", 4)), seed=seed)
    warning = ""
    if method == "sobol" and (table["warning"] != "").any():
        warning = (f"{outcome}: Sobol' indices of {int((table['warning'] != '').sum())} of {len(table)} parameters"
                   f" are too uncertain to read (design of {len(design)} rows); use a larger --n or more"
                   " replications before ranking parameters")
    return {"method": method, "outcome": outcome, "table": table, "noise_share": noise, "warning": warning}
