"""Scenario discovery with PRIM, the patient rule induction method (Friedman & Fisher 1999), as
used for scenario discovery by Bryant & Lempert (2010), through ema_workbench (optional).

Question: which region of parameter space reaches the citizen-power rungs? Runs whose community
rung is 6 (partnership) or higher are the cases of interest. PRIM peels the box of parameter
values step by step; of the boxes on its peeling trajectory we report the one with the highest
coverage (share of all cases of interest inside the box) among those with density (share of
runs in the box that are cases of interest) of at least ``min_density``.

PRIM places a box edge between two observed values (e.g. 0.796 between the levels 0.7 and 0.9);
the limits are reported at the data's own thresholds: each edge snapped to the observed value of
the runs closest to it inside the box (``power_retained <= 0.7`` when the data were cut at 0.7).
The box holds the same runs either way; PRIM's own edges stay in ``prim_low`` / ``prim_high``.
"""

from __future__ import annotations

import importlib.util
import logging
import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

CITIZEN_POWER_RUNG = 6


def available() -> bool:
    return importlib.util.find_spec("ema_workbench") is not None


def discover(results: pd.DataFrame, parameters: Sequence[str], min_density: float = 0.8) -> dict[str, Any]:
    """The PRIM box for ``community_rung >= 6`` over the numeric ``parameters``; ``note`` set
    (and no box) when there is nothing to separate."""
    y = (results["community_rung"] >= CITIZEN_POWER_RUNG).to_numpy()
    cases = int(y.sum())
    out: dict[str, Any] = {"cases": cases, "runs": len(y), "min_density": min_density}
    if not parameters:
        return {**out, "note": "no numeric parameter varies"}
    if cases == 0 or cases == len(y):
        return {**out, "note": f"{'no' if cases == 0 else 'every'} run reaches rung {CITIZEN_POWER_RUNG}"}
    x = results[list(parameters)].astype(float).reset_index(drop=True)
    with warnings.catch_warnings():  # ema_workbench warns about optional parts and pandas changes
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
        logging.getLogger("EMA").setLevel(logging.WARNING)
        box = prim.Prim(x, y, peel_alpha=0.05, mass_min=0.05).find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= min_density]
    chosen = int(dense["coverage"].idxmax() if len(dense) else trajectory["density"].idxmax())
    box.select(chosen)
    limits = box.box_lim
    snapped = [snap_to_data(x[p], float(limits.loc[0, p]), float(limits.loc[1, p])) for p in parameters]
    table = pd.DataFrame({"parameter": list(parameters),
                          "low": [low for low, _ in snapped],
                          "high": [high for _, high in snapped],
                          "range_low": [float(x[p].min()) for p in parameters],
                          "range_high": [float(x[p].max()) for p in parameters],
                          "prim_low": [float(limits.loc[0, p]) for p in parameters],
                          "prim_high": [float(limits.loc[1, p]) for p in parameters]})
    table["restricted"] = (table["low"] > table["range_low"]) | (table["high"] < table["range_high"])
    row = trajectory.loc[chosen]
    return {**out, "box": chosen, "coverage": float(row["coverage"]), "density": float(row["density"]),
            "mass": float(row["mass"]), "limits": table, "trajectory": trajectory}


def snap_to_data(values: pd.Series, low: float, high: float) -> tuple[float, float]:
    """The smallest and largest observed values inside [low, high]: the box's edges at the data's
    thresholds (the same runs satisfy low <= x <= high and the snapped limits)."""
    inside = values[(values >= low) & (values <= high)]
    if inside.empty:  # no run inside (cannot happen for a box PRIM chose): keep PRIM's edges
        return low, high
    return float(inside.min()), float(inside.max())


def trajectory_figure(found: dict[str, Any]) -> Figure:
    """Coverage against density of every box on the peeling trajectory; the chosen box ringed."""
    t = found["trajectory"]
    fig = Figure(figsize=(6, 4.5), layout="constrained")
    ax = fig.add_subplot()
    points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    ax.scatter([found["coverage"]], [found["density"]], s=160, facecolors="none", edgecolors="red", lw=1.5,
               label=f"chosen box {found['box']}")
    ax.axhline(found["min_density"], color="grey", lw=0.8, ls="--")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_title(f"PRIM peeling trajectory: runs reaching rung {CITIZEN_POWER_RUNG}+")
    fig.colorbar(points, ax=ax, label="restricted dimensions")
    ax.legend(fontsize=8)
    return fig
