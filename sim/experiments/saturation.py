"""Direct and spillover effects read against pure-control sites: what a randomized saturation
design estimates (Baird, Bohren, McIntosh & Özler 2018).

In a saturation design (:class:`sim.experiments.designs.Saturation`) some sites (street offices)
have no treated unit. When interference stays within a site, as in this project's exposure
mapping (:mod:`sim.experiments.arms`), their units are untouched by the others' treatment, so
for each saturation level s > 0, on change scores ΔY_i = Y_i,post − Y_i,baseline:

* total effect on the treated at s:   T(s) = mean(ΔY | treated, site at s) − mean(ΔY | pure-control site)
* spillover on the untreated at s:    S(s) = mean(ΔY | untreated, site at s) − mean(ΔY | pure-control site)

Each is the slope of an OLS of ΔY on (1, group) over the group and the pure controls, with CR1
errors clustered by site (t with G − 1 df, G the sites of the two groups). A site's level is the
configured saturation nearest to the share of its units treated (the share is rounded to whole
units). The truth of each contrast is the same difference of the true effects at the post-test,
Y − Y(−1), where Y(−1) is the unit in a district where nobody is treated: the pure controls'
own true effect (the district's training, when interference is on) is subtracted too, so T(s)
is the direct effect net of what reaches every control, and S(s) the spillover beyond it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.experiments.designs import Saturation
from sim.experiments.estimators import Context, Estimate, _ever_treated, _regression_effect


def site_levels(treated: np.ndarray, site: np.ndarray, saturations: list[float]) -> np.ndarray:
    """Each unit's site's saturation level: the configured level nearest to the share of the
    site's units ``treated`` (ties to the lower level)."""
    codes = np.unique(site, return_inverse=True)[1]
    share = (np.bincount(codes, weights=treated.astype(float)) / np.bincount(codes))[codes]
    levels = np.sort(np.asarray(saturations, dtype=float))
    return levels[np.argmin(np.abs(share[:, None] - levels[None, :]), axis=1)]


def saturation_effects(y: np.ndarray, y0: np.ndarray, first: np.ndarray, site: np.ndarray, ctx: Context,
                       design: Saturation) -> list[dict]:
    """One row per saturation level above 0 and group (treated, untreated) that has units: the
    estimate of T(s) or S(s) (module docstring), its interval, and its truth."""
    treated = _ever_treated(first, ctx).astype(bool)
    level = site_levels(treated, site, design.params.saturations)
    pure = level == 0
    change = y[:, ctx.post] - y[:, ctx.baseline]
    effect = y[:, ctx.post] - y0[:, ctx.post]
    rows = []
    for s in sorted({float(v) for v in level if v > 0}):
        for group, members in (("treated", treated & (level == s)), ("untreated", ~treated & (level == s))):
            if not members.any():
                continue
            both = members | pure
            est = (_regression_effect(change[both], members[both], site[both], ctx.confidence)
                   if pure.any() else Estimate.missing())
            truth = float(np.nanmean(effect[members]) - np.nanmean(effect[pure])) if pure.any() else float("nan")
            rows.append({"saturation": s, "group": group, "units": int(members.sum()),
                         "pure_controls": int(pure.sum()), "sites": int(len(np.unique(site[members]))),
                         "contrast": ("total effect on the treated" if group == "treated" else
                                      "spillover on the untreated") + " vs pure-control sites",
                         **dataclasses.asdict(est), "true_effect": truth, "bias": est.estimate - truth,
                         "covered": est.covers(truth) if np.isfinite(truth) else None})
    return rows


def over_draws(source, design: Saturation, units, ctx: Context, outcomes: list[str], rng: np.random.Generator,
               replications: int) -> list[dict]:
    """Over ``replications`` re-drawn assignments of the design: per outcome, level and group, the
    mean bias of the contrast against its truth and the coverage rate of its interval."""
    y0 = source.untreated()
    cells: dict[tuple, list[tuple[float, bool]]] = {}
    for _ in range(replications):
        first = design.assign(units, rng)
        observed = source.observed(first)
        for outcome in outcomes:
            for row in saturation_effects(observed[outcome], y0[outcome], first, units.site, ctx, design):
                if np.isfinite(row["estimate"]) and np.isfinite(row["true_effect"]):
                    cells.setdefault((outcome, row["saturation"], row["group"]), []).append(
                        (row["bias"], bool(row["covered"])))
    return [{"outcome": o, "saturation": s, "group": g, "replications": len(v),
             "mean_bias_over_draws": float(np.mean([b for b, _ in v])),
             "coverage_over_draws": float(np.mean([c for _, c in v]))} for (o, s, g), v in cells.items()]
