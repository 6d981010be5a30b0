"""Power and minimum detectable effect by simulation, against the number of treated units
(DeclareDesign's approach: simulate the design many times; Blair et al. 2019).

For each number treated k the design is resized (:meth:`Design.resized`) and re-drawn R times.
Each draw is analysed three ways:

* *no effect*: the estimator on the untreated outcomes of every unit. The sd of these estimates
  over the draws is the design's true standard error SE(k), giving Bloom's minimum detectable
  effect MDE(k) = (z_{1-alpha/2} + z_{power}) SE(k) (Bloom 1995; 2.80 SE at alpha 0.05, 80 % power);
* *additive effect* delta: the untreated outcomes plus delta on treated unit-periods. For these
  linear estimators the estimate shifts by exactly delta and the standard error is unchanged, so
  power(delta) = share of draws with |estimate_0 + delta| above the interval's half-width. The
  simulated MDE is the smallest delta >= 0 with power(delta) >= the target;
* *simulated effect*: the treated units' own simulated outcomes under the bundle: power is the
  share of draws whose p-value is below alpha, beside the mean true effect. It needs the treated
  outcomes of every draw (``truth.potential_outcomes: all``); when even one draw lacks them the row
  is left out, never computed from the draws that happen to have them.

Every row carries ``draws``, the number of re-drawn assignments behind it.

alpha is 1 - ``experiment.confidence``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.experiments.designs import Design, UnitTable
from sim.experiments.estimators import ESTIMANDS, ESTIMATORS, Context
from sim.experiments.truth import OutcomeSource, true_effect


def power_analysis(source: OutcomeSource, design: Design, units: UnitTable, ctx: Context, outcome: str,
                   estimator: str, n_treated: list[int], replications: int, additive: list[float],
                   target: float, rng_for) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Power curve rows (n_treated, effect, effect_size, power) and MDE rows per n_treated.
    ``rng_for(k)`` gives the generator for the draws with k treated."""
    alpha = 1 - ctx.confidence
    estimate = ESTIMATORS[estimator]
    y0 = source.untreated()[outcome]
    curve, mdes = [], []
    for k in n_treated:
        sized, rng = design.resized(k), rng_for(k)
        null_est, half_width, null_se, sim_p, sim_truth = [], [], [], [], []
        every_draw_simulated = True
        for _ in range(replications):
            first = sized.assign(units, rng)
            est = estimate(y0, first, ctx)
            null_est.append(est.estimate)
            half_width.append(est.ci_high - est.estimate)
            null_se.append(est.std_error)
            every_draw_simulated = every_draw_simulated and source.has(first)
            if every_draw_simulated:
                y = source.observed(first)[outcome]
                sim_p.append(estimate(y, first, ctx).p_value)
                sim_truth.append(true_effect(ESTIMANDS[estimator], y, y0, first, ctx.post))
        null_est, half_width = np.array(null_est), np.array(half_width)
        ok = np.isfinite(null_est) & np.isfinite(half_width)
        null_est, half_width = null_est[ok], half_width[ok]

        def power_at(delta: float) -> float:
            return float(np.mean(np.abs(null_est + delta) > half_width)) if len(null_est) else float("nan")

        draws = int(len(null_est))
        curve.append({"n_treated": k, "effect": "none", "effect_size": 0.0, "power": power_at(0.0), "draws": draws})
        for delta in additive:
            curve.append({"n_treated": k, "effect": "additive", "effect_size": delta, "power": power_at(delta),
                          "draws": draws})
        if every_draw_simulated and sim_p:
            p = np.array(sim_p, dtype=float)
            p = p[np.isfinite(p)]
            curve.append({"n_treated": k, "effect": "simulated", "effect_size": float(np.nanmean(sim_truth)),
                          "power": float(np.mean(p < alpha)), "draws": int(len(p))})
        sd = float(null_est.std(ddof=1)) if len(null_est) > 1 else float("nan")
        grid = np.linspace(0, 8 * sd, 801) if np.isfinite(sd) and sd > 0 else np.zeros(0)
        reached = [d for d in grid if power_at(d) >= target]
        mdes.append({"n_treated": k, "replications": int(len(null_est)), "sd_null": sd,
                     "mean_std_error": float(np.nanmean(null_se)) if null_se else float("nan"),
                     "mde_bloom": (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(target)) * sd,
                     "mde_simulated": float(reached[0]) if reached else float("nan")})
    return pd.DataFrame(curve), pd.DataFrame(mdes)
