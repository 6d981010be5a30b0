"""The truth a field experiment never sees: every treated unit is also run untreated from the same
seed, so its effect is known, and so are each estimate's bias and whether its interval covers.

Potential outcomes: Y_it(g) is unit i's outcome in period t when treated from period g
(g = -1: never). A run's weeks before its treatment starts are identical to the untreated run's
(same seed, same draws), so effects before treatment are exactly zero. Estimands:

* ``post`` (difference in means, difference in differences): the average effect on the treated at
  the post-test, ATT_P = mean_{i treated} [Y_iP(g_i) - Y_iP(-1)];
* ``cells`` (two-way fixed effects, Callaway-Sant'Anna): the average effect over treated
  unit-periods, ATT = mean_{(i,t): t >= g_i} [Y_it(g_i) - Y_it(-1)];
* event time e: mean over treated units of Y_i,g_i+e(g_i) - Y_i,g_i+e(-1).

Over re-drawn assignments of a design (:func:`replicate`) the mean bias, the root mean squared
error and the coverage rate of each estimator's interval are measured against the truth of each
draw (the design-based operating characteristics, as in DeclareDesign's ``diagnose``; Blair,
Cooper, Coppock & Humphreys 2019).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from sim.experiments.config import RANKS
from sim.experiments.designs import Design, UnitTable
from sim.experiments.estimators import ESTIMANDS, ESTIMATORS, Context, treated_panel


class OutcomeSource(Protocol):
    """Gives the observed panels for an assignment, and the untreated panels of every unit."""

    def untreated(self) -> dict[str, np.ndarray]: ...

    def observed(self, first: np.ndarray) -> dict[str, np.ndarray]: ...

    def has(self, first: np.ndarray) -> bool: ...


class PotentialOutcomes:
    """Outcome panels of simulated communities, per arm (:mod:`sim.experiments.arms`: the first
    treated period, or a control arm; ``PURE`` = -1 is the untreated counterfactual).

    ``arm_of`` maps an assignment (first treated period per unit, -1 control) to each unit's arm:
    the identity without interference. ``ranks`` are outcomes computed from the observed panel of
    all units together (:data:`sim.experiments.config.RANKS`): in each period, 1 for the highest
    value of the ranked measure, ties sharing their mean rank."""

    def __init__(self, outcomes: tuple[str, ...], n_units: int, n_periods: int, ranks: tuple[str, ...] = (),
                 arm_of: Callable[[np.ndarray], np.ndarray] | None = None):
        self.outcomes, self.n_units, self.n_periods = outcomes, n_units, n_periods
        self.ranks = ranks
        self.arm_of = arm_of or (lambda first: first)
        self.panels: dict[int, dict[str, np.ndarray]] = {}
        self.ran: dict[int, np.ndarray] = {}

    def add(self, unit: int, arm: int, measures: dict[str, np.ndarray]) -> None:
        if arm not in self.panels:
            self.panels[arm] = {o: np.full((self.n_units, self.n_periods), np.nan) for o in self.outcomes}
            self.ran[arm] = np.zeros(self.n_units, dtype=bool)
        for o in self.outcomes:
            self.panels[arm][o][unit] = measures[o]
        self.ran[arm][unit] = True

    def has(self, first: np.ndarray) -> bool:
        arms = self.arm_of(first)
        return all(a in self.ran and self.ran[a][arms == a].all() for a in np.unique(arms))

    def missing(self, first: np.ndarray) -> list[tuple[int, int]]:
        """(unit, arm) pairs the assignment needs that were not run."""
        arms = self.arm_of(first)
        return [(int(i), int(arms[i])) for i in range(self.n_units)
                if arms[i] not in self.ran or not self.ran[int(arms[i])][i]]

    def _with_ranks(self, panels: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        for name in self.ranks:
            panels[name] = rankdata(-panels[RANKS[name]], axis=0, nan_policy="omit")
        return panels

    def untreated(self) -> dict[str, np.ndarray]:
        return self._with_ranks(dict(self.panels[-1]))

    def observed(self, first: np.ndarray) -> dict[str, np.ndarray]:
        arms = self.arm_of(first)
        out = {}
        for o in self.outcomes:
            y = np.empty((self.n_units, self.n_periods))
            for arm in np.unique(arms):
                rows = arms == arm
                y[rows] = self.panels[int(arm)][o][rows]
            out[o] = y
        return self._with_ranks(out)


def true_effect(estimand: str, y: np.ndarray, y0: np.ndarray, first: np.ndarray, post: int) -> float:
    """The estimand's true value for this assignment (see the module docstring)."""
    effect = y - y0
    if estimand == "post":
        treated = (first >= 0) & (first <= post)
        values = effect[treated, post]
    else:
        values = effect[treated_panel(first, y.shape[1]) == 1]
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else float("nan")


def spillover(y: np.ndarray, y0: np.ndarray, first: np.ndarray, arms: np.ndarray, post: int) -> dict:
    """Under interference, at the post-test, against the district where nobody is treated (y0):
    the direct effect on the treated, the spillover on the controls (all of them, those whose
    street office has a treated community and the others), and the difference between the two,
    which is what comparing treated and controls estimates when they are otherwise alike."""
    from sim.experiments.arms import DIFFUSED

    effect = y[:, post] - y0[:, post]
    treated, control = (first >= 0) & (first <= post), first < 0
    exposed = control & (arms <= DIFFUSED)

    def mean(mask):
        values = effect[mask]
        values = values[np.isfinite(values)]
        return float(values.mean()) if len(values) else float("nan")

    direct, on_controls = mean(treated), mean(control)
    return {"direct_effect": direct, "spillover_on_controls": on_controls,
            "spillover_with_treated_neighbours": mean(exposed), "controls_with_treated_neighbours": int(exposed.sum()),
            "spillover_without": mean(control & ~exposed), "controls_without": int((control & ~exposed).sum()),
            "direct_minus_spillover": direct - on_controls}


def true_event_effects(y: np.ndarray, y0: np.ndarray, first: np.ndarray) -> dict[int, float]:
    """True average effect e periods after treatment starts (e < 0: before), over treated units."""
    effect = y - y0
    out = {}
    treated = np.flatnonzero(first >= 0)
    n_periods = y.shape[1]
    for e in range(-n_periods + 1, n_periods):
        values = [effect[i, first[i] + e] for i in treated if 0 <= first[i] + e < n_periods]
        values = [v for v in values if np.isfinite(v)]
        if values:
            out[e] = float(np.mean(values))
    return out


def replicate(source: OutcomeSource, design: Design, units: UnitTable, ctx: Context, outcomes: list[str],
              estimators: list[str], rng: np.random.Generator, replications: int) -> pd.DataFrame:
    """Re-draw the design ``replications`` times; per draw, outcome and estimator: the estimate,
    its interval and p-value, and the truth of that draw."""
    y0 = source.untreated()
    rows = []
    for r in range(replications):
        first = design.assign(units, rng)
        observed = source.observed(first)
        for outcome in outcomes:
            y = observed[outcome]
            for name in estimators:
                est = ESTIMATORS[name](y, first, ctx)
                truth = true_effect(ESTIMANDS[name], y, y0[outcome], first, ctx.post)
                rows.append({"replication": r, "outcome": outcome, "estimator": name,
                             "estimate": est.estimate, "std_error": est.std_error, "ci_low": est.ci_low,
                             "ci_high": est.ci_high, "p_value": est.p_value, "true_effect": truth})
    return pd.DataFrame(rows)


def operating_characteristics(reps: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Per outcome and estimator over the replications: mean estimate and truth, bias, RMSE,
    coverage rate of the interval, rejection rate at ``alpha``, mean standard error beside the
    sd of the estimates (are the errors honest?)."""
    def summarise(g: pd.DataFrame) -> pd.Series:
        ok = g.dropna(subset=["estimate", "true_effect"])
        err = ok["estimate"] - ok["true_effect"]
        covered = (ok["ci_low"] <= ok["true_effect"]) & (ok["true_effect"] <= ok["ci_high"])
        return pd.Series({
            "replications": len(ok),
            "mean_estimate": ok["estimate"].mean(),
            "mean_true_effect": ok["true_effect"].mean(),
            "bias": err.mean(),
            "rmse": float(np.sqrt((err ** 2).mean())) if len(ok) else np.nan,
            "coverage": covered.mean() if len(ok) else np.nan,
            "rejection_rate": (ok["p_value"] < alpha).mean() if len(ok) else np.nan,
            "mean_std_error": ok["std_error"].mean(),
            "sd_estimate": ok["estimate"].std(),
        })
    return reps.groupby(["outcome", "estimator"], sort=False)[reps.columns.tolist()].apply(summarise).reset_index()
