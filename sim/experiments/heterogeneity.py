"""Effect heterogeneity: each community's true effect, and what in a community goes with it.

With common random numbers (sim/streams.py) a community's treated and untreated runs differ only
by what the treatment causes, so a single community's true effect at the post-test,

    tau_i = Y_iP(g) - Y_iP(-1),

is that community's effect, not noise. For every community run in a treated arm (start period g)
the table holds tau_i beside the community's covariates; the fit regresses tau_i on the
standardised covariates (plus housing-type indicators against the most common type), so each
coefficient is the change in the effect for one standard deviation of the covariate (OLS).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

COVARIATES = ("n_residents", "share_elderly", "online_shift", "trust", "topdown_years", "cadre_age", "openness")


def community_effects(source, communities: list, outcomes: list[str], post: int) -> pd.DataFrame:
    """One row per (community, start period, outcome) run: its true effect at the post-test."""
    from sim.experiments.population import attributes_frame

    attrs = attributes_frame(communities).set_index("unit")
    untreated = source.panels[-1]
    rows = []
    for start in sorted(s for s in source.panels if s >= 0 and s <= post):
        for unit in np.flatnonzero(source.ran[start]):
            for outcome in outcomes:
                rows.append({"unit": int(unit), "first_treated_period": start + 1, "outcome": outcome,
                             "true_effect": float(source.panels[start][outcome][unit, post]
                                                  - untreated[outcome][unit, post])})
    table = pd.DataFrame(rows, columns=["unit", "first_treated_period", "outcome", "true_effect"])
    return table.join(attrs, on="unit")


def fit(table: pd.DataFrame) -> pd.DataFrame:
    """Per outcome and start: OLS of the true effect on standardised covariates and housing type."""
    out = []
    for (outcome, start), g in table.groupby(["outcome", "first_treated_period"], sort=True):
        x_cols, names = [], []
        for c in COVARIATES:
            sd = g[c].std()
            if sd > 0:
                x_cols.append((g[c] - g[c].mean()) / sd)
                names.append(f"{c} (+1 sd)")
        housing = g["housing"].value_counts()
        for h in housing.index[1:]:
            x_cols.append((g["housing"] == h).astype(float))
            names.append(f"housing={h} (vs {housing.index[0]})")
        x = np.column_stack([np.ones(len(g)), *x_cols])
        y = g["true_effect"].to_numpy()
        if len(g) <= x.shape[1]:
            continue  # too few communities to fit every covariate
        beta, *_ = np.linalg.lstsq(x, y, rcond=None)
        resid = y - x @ beta
        r2 = 1 - resid.var() / y.var() if y.var() > 0 else float("nan")
        out += [{"outcome": outcome, "first_treated_period": start, "term": term, "coefficient": float(b),
                 "communities": len(g), "r_squared": float(r2), "sd_true_effect": float(y.std(ddof=1))}
                for term, b in zip(["mean effect (intercept)", *names], beta)]
    return pd.DataFrame(out)


def figure(table: pd.DataFrame, path: Path) -> None:
    """True effect against each covariate, one row of panels per outcome (first start period)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(table["outcome"]))
    first = table["first_treated_period"].min()
    cols = ("n_residents", "share_elderly", "topdown_years", "cadre_age", "housing")
    fig, axes = plt.subplots(len(outcomes), len(cols), figsize=(3 * len(cols), 2.6 * len(outcomes)),
                             squeeze=False)
    for i, outcome in enumerate(outcomes):
        g = table[(table["outcome"] == outcome) & (table["first_treated_period"] == first)]
        for j, c in enumerate(cols):
            ax = axes[i, j]
            if c == "housing":
                types = sorted(g["housing"].unique())
                ax.boxplot([g.loc[g["housing"] == t, "true_effect"] for t in types])
                ax.set_xticks(range(1, len(types) + 1), types, rotation=30, fontsize=7)
            else:
                ax.scatter(g[c], g["true_effect"], s=10, alpha=0.7)
            ax.axhline(0, color="grey", lw=0.5)
            ax.set_xlabel(c.replace("_", " "))
            if j == 0:
                ax.set_ylabel(f"true effect on {outcome}")
    fig.suptitle(f"Each community's true effect at the post-test (treated from period {first})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
