"""Estimators on synthetic panels with a known injected effect: they recover it within their
intervals at the stated rate, randomization inference has uniform p-values under no effect, and
with staggered timing and growing effects the two-way fixed-effects estimate is biased while the
group-time estimate is not. Cross-checks against statsmodels and linearmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from sim.experiments.designs import Cluster, ClusterParams, Complete, CompleteParams, UnitTable
from sim.experiments.estimators import (ESTIMATORS, POINT_ESTIMATORS, Context, aggregate, callaway_santanna,
                                        difference_in_differences, difference_in_means, event_study,
                                        group_time_effects, randomization_inference, treated_panel, twfe)

N_UNITS, N_PERIODS = 120, 8


def untreated_panel(rng, n=N_UNITS, periods=N_PERIODS, site=None, site_sd=0.0):
    """Unit and period effects, AR(1) noise, and (optionally) a shock per site and period."""
    unit = rng.normal(0, 1.0, n)[:, None]
    period = rng.normal(0, 0.5, periods)[None, :]
    noise = np.zeros((n, periods))
    noise[:, 0] = rng.normal(0, 0.5, n)
    for t in range(1, periods):
        noise[:, t] = 0.5 * noise[:, t - 1] + rng.normal(0, 0.5, n)
    y = unit + period + noise
    if site is not None:
        y += rng.normal(0, site_sd, (site.max() + 1, periods))[site]
    return y


def units(n=N_UNITS, n_sites=12):
    return UnitTable(np.arange(n) % n_sites, np.zeros(n), np.zeros(n))


def coverage_run(rng, estimator, effect=0.3, replications=250):
    design = Complete(CompleteParams(n_treated=40, start_period=4))
    ctx = Context(baseline=2, post=N_PERIODS - 1, cluster=np.arange(N_UNITS))
    hits, estimates = [], []
    for _ in range(replications):
        first = design.assign(units(), rng)
        y = untreated_panel(rng) + effect * treated_panel(first, N_PERIODS)
        est = ESTIMATORS[estimator](y, first, ctx)
        hits.append(est.covers(effect))
        estimates.append(est.estimate)
    return np.mean(hits), np.mean(estimates), np.std(estimates)


@pytest.mark.parametrize("estimator", ["difference_in_means", "difference_in_differences", "twfe", "callaway_santanna"])
def test_stat_each_estimator_recovers_a_constant_effect_at_the_stated_rate(estimator, stat_seed):
    rng = np.random.default_rng([stat_seed, len(estimator)])
    coverage, mean, sd = coverage_run(rng, estimator)
    assert 0.90 <= coverage <= 0.99  # nominal 0.95; 250 draws: sd of the rate ~0.014
    assert abs(mean - 0.3) < 4 * sd / np.sqrt(250)


def test_stat_cluster_robust_errors_are_needed_when_whole_sites_are_assigned(stat_seed):
    """Site shocks: errors clustered by site cover, errors ignoring the sites do not."""
    rng = np.random.default_rng(stat_seed)
    n, n_sites = 160, 40
    table = units(n, n_sites)
    design = Cluster(ClusterParams(n_clusters=16, start_period=4))
    clustered = Context(2, N_PERIODS - 1, table.site)
    naive = Context(2, N_PERIODS - 1, np.arange(n))
    hits = {"clustered": [], "naive": []}
    for _ in range(200):
        first = design.assign(table, rng)
        y = untreated_panel(rng, n, site=table.site, site_sd=0.6) + 0.2 * treated_panel(first, N_PERIODS)
        hits["clustered"].append(callaway_santanna(y, first, clustered).covers(0.2))
        hits["naive"].append(callaway_santanna(y, first, naive).covers(0.2))
    assert np.mean(hits["clustered"]) >= 0.89
    assert np.mean(hits["naive"]) <= 0.80


def test_stat_randomization_p_values_are_uniform_under_no_effect(stat_seed):
    rng = np.random.default_rng(stat_seed)
    design = Complete(CompleteParams(n_treated=20, start_period=4))
    table = units(60)
    ctx = Context(2, N_PERIODS - 1, np.arange(60))
    p = []
    for _ in range(150):
        first = design.assign(table, rng)
        y = untreated_panel(rng, 60)
        p.append(randomization_inference(y, first, ctx, "difference_in_means",
                                         lambda: design.assign(table, rng), 99).p_value)
    p = np.array(p)
    assert stats.kstest(p, "uniform").pvalue > 0.01
    assert 0.01 <= np.mean(p <= 0.05) <= 0.11
    assert p.min() >= 1 / 100  # (1 + count) / (1 + draws)


def test_stat_randomization_interval_covers_a_constant_effect(stat_seed):
    rng = np.random.default_rng(stat_seed)
    design = Complete(CompleteParams(n_treated=20, start_period=4))
    table = units(60)
    ctx = Context(2, N_PERIODS - 1, np.arange(60))
    hits = []
    for _ in range(80):
        first = design.assign(table, rng)
        y = untreated_panel(rng, 60) + 0.4 * treated_panel(first, N_PERIODS)
        est = randomization_inference(y, first, ctx, "difference_in_differences", lambda: design.assign(table, rng), 99)
        hits.append(est.covers(0.4))
        assert est.ci_low < est.estimate < est.ci_high
    assert 0.86 <= np.mean(hits) <= 1.0


def staggered_growing(rng, n=150, periods=10):
    """Cohorts first treated in periods 2, 4 and 6 (0-based) and a never-treated group, a quarter
    each; the effect grows by 0.2 each period of exposure."""
    first = np.array([2, 4, 6, -1])[rng.permutation(n) % 4]
    exposure = np.where(treated_panel(first, periods) == 1, np.arange(periods)[None, :] - first[:, None] + 1, 0)
    effect = 0.2 * exposure
    return untreated_panel(rng, n, periods) + effect, first, effect


def test_stat_twfe_is_biased_with_staggered_growing_effects_and_group_time_effects_are_not(stat_seed):
    rng = np.random.default_rng(stat_seed)
    gaps_twfe, gaps_cs, truths = [], [], []
    for _ in range(40):
        y, first, effect = staggered_growing(rng)
        ctx = Context(1, y.shape[1] - 1, np.arange(len(first)))
        truth = effect[treated_panel(first, y.shape[1]) == 1].mean()
        gaps_twfe.append(twfe(y, first, ctx).estimate - truth)
        gaps_cs.append(callaway_santanna(y, first, ctx).estimate - truth)
        truths.append(truth)
    assert np.mean(gaps_twfe) < -0.25 * np.mean(truths)  # far below the average effect
    assert abs(np.mean(gaps_cs)) < 0.05 * np.mean(truths)


def test_event_study_traces_the_growing_effect():
    rng = np.random.default_rng(5)
    y, first, _ = staggered_growing(rng, n=600)
    events = event_study(y, first, Context(1, y.shape[1] - 1, np.arange(len(first))))
    assert -1 not in events
    for e, est in events.items():
        truth = 0.2 * (e + 1) if e >= 0 else 0.0
        assert abs(est.estimate - truth) < 4 * est.std_error + 0.02, e


# -- agreement with statsmodels / linearmodels and with the definitions ----------------------------
@pytest.fixture
def one_experiment():
    rng = np.random.default_rng(3)
    first = Complete(CompleteParams(40, 4)).assign(units(), rng)
    y = untreated_panel(rng) + 0.3 * treated_panel(first, N_PERIODS)
    return y, first, Context(2, N_PERIODS - 1, np.arange(N_UNITS))


def test_difference_in_means_is_neyman(one_experiment):
    y, first, ctx = one_experiment
    post, d = y[:, ctx.post], first >= 0
    est = difference_in_means(y, first, ctx)
    assert est.estimate == pytest.approx(post[d].mean() - post[~d].mean())
    neyman = np.sqrt(post[d].var(ddof=1) / d.sum() + post[~d].var(ddof=1) / (~d).sum())
    assert est.std_error == pytest.approx(neyman)
    q = stats.t.ppf(0.975, N_UNITS - 2)
    assert (est.ci_low, est.ci_high) == pytest.approx((est.estimate - q * neyman, est.estimate + q * neyman))


def test_difference_in_means_and_differences_match_statsmodels_hc2(one_experiment):
    y, first, ctx = one_experiment
    X = sm.add_constant((first >= 0).astype(float))
    for est, outcome in ((difference_in_means(y, first, ctx), y[:, ctx.post]),
                         (difference_in_differences(y, first, ctx), y[:, ctx.post] - y[:, ctx.baseline])):
        fit = sm.OLS(outcome, X).fit(cov_type="HC2", use_t=True)
        assert (est.estimate, est.std_error, est.p_value) == pytest.approx(
            (fit.params[1], fit.bse[1], fit.pvalues[1]))
        assert (est.ci_low, est.ci_high) == pytest.approx(tuple(fit.conf_int(0.05)[1]))


def test_twfe_errors_match_statsmodels_cluster_on_the_demeaned_panel(one_experiment):
    y, first, _ = one_experiment
    site = np.arange(N_UNITS) % 12
    est = twfe(y, first, Context(2, N_PERIODS - 1, site))

    def demean(a):
        return a - a.mean(1, keepdims=True) - a.mean(0, keepdims=True) + a.mean()

    d = demean(treated_panel(first, N_PERIODS)).ravel()
    fit = sm.OLS(demean(y).ravel(), d[:, None]).fit(
        cov_type="cluster", cov_kwds={"groups": np.repeat(site, N_PERIODS)}, use_t=True)
    assert (est.estimate, est.std_error, est.p_value) == pytest.approx((fit.params[0], fit.bse[0], fit.pvalues[0]))


def test_difference_in_differences_is_the_two_period_twfe(one_experiment):
    y, first, ctx = one_experiment
    two = y[:, [ctx.baseline, ctx.post]]
    ctx2 = Context(0, 1, ctx.cluster)
    first2 = np.where(first >= 0, 1, -1)
    assert difference_in_differences(y, first, ctx).estimate == pytest.approx(twfe(two, first2, ctx2).estimate)
    assert difference_in_differences(y, first, ctx).estimate == pytest.approx(
        callaway_santanna(two, first2, ctx2).estimate)


def test_twfe_matches_linearmodels(one_experiment):
    from linearmodels import PanelOLS

    y, first, ctx = one_experiment
    n, periods = y.shape
    idx = pd.MultiIndex.from_product([range(n), range(periods)], names=["unit", "period"])
    df = pd.DataFrame({"y": y.ravel(), "d": treated_panel(first, periods).ravel()}, index=idx)
    fit = PanelOLS(df["y"], df[["d"]], entity_effects=True, time_effects=True).fit(
        cov_type="clustered", cluster_entity=True)
    est = twfe(y, first, ctx)
    assert est.estimate == pytest.approx(fit.params["d"])
    # linearmodels scales the sandwich by nobs / df_resid (counting the absorbed effects);
    # ours by G / (G - 1), the absorbed unit effects being nested in the clusters
    raw = fit.std_errors["d"] * np.sqrt(fit.df_resid / fit.nobs)
    assert est.std_error == pytest.approx(raw * np.sqrt(n / (n - 1)), rel=1e-6)


def test_group_time_effects_match_their_definition():
    rng = np.random.default_rng(8)
    y, first, _ = staggered_growing(rng)
    panel = group_time_effects(y, first, np.arange(len(first)))
    never = first == -1
    for k, g in enumerate(panel.groups):
        for t in range(y.shape[1]):
            if t == g - 1:
                assert np.isnan(panel.att[k, t])
                continue
            change = y[:, t] - y[:, g - 1]
            assert panel.att[k, t] == pytest.approx(change[first == g].mean() - change[never].mean())


def test_aggregate_influence_function_matches_the_cell_by_cell_formula():
    """The closed form of aggregate() equals summing the per-cell influence functions with weights
    and adding the weights' own influence function term by term (Callaway & Sant'Anna 2021, sec. 4)."""
    rng = np.random.default_rng(9)
    y, first, _ = staggered_growing(rng)
    panel = group_time_effects(y, first, np.arange(len(first)))
    select = np.arange(y.shape[1])[None, :] >= panel.groups[:, None]
    theta, psi = aggregate(panel, select)
    never, p_c = first == -1, (first == -1).mean()
    cells = [(k, t) for k in range(len(panel.groups)) for t in range(y.shape[1]) if select[k, t]]
    p = np.array([panel.share[k] for k, _ in cells])
    w = p / p.sum()
    att = np.array([panel.att[k, t] for k, t in cells])
    member = np.stack([(first == panel.groups[k]).astype(float) for k, _ in cells])
    psi_cells = []
    for k, t in cells:
        g = panel.groups[k]
        change = y[:, t] - y[:, g - 1]
        in_g = first == g
        psi_cells.append(in_g / panel.share[k] * (change - change[in_g].mean())
                         - never / p_c * (change - change[never].mean()))
    dev = member - p[:, None]
    weight_psi = dev / p.sum() - np.outer(p / p.sum() ** 2, dev.sum(axis=0))
    expected = w @ np.stack(psi_cells) + att @ weight_psi
    assert theta == pytest.approx(w @ att)
    np.testing.assert_allclose(psi, expected, atol=1e-10)


def test_point_estimators_are_the_estimators_estimates(one_experiment):
    y, first, ctx = one_experiment
    for name, point in POINT_ESTIMATORS.items():
        assert point(y, first, ctx) == pytest.approx(ESTIMATORS[name](y, first, ctx).estimate)


def test_point_estimators_are_linear_in_the_outcomes(one_experiment):
    """Randomization inference inverts its test by linearity: T(a Y1 + b Y2) = a T(Y1) + b T(Y2)."""
    y, first, ctx = one_experiment
    other = np.random.default_rng(1).normal(size=y.shape)
    for point in POINT_ESTIMATORS.values():
        assert point(2 * y - 3 * other, first, ctx) == pytest.approx(2 * point(y, first, ctx) - 3 * point(other, first, ctx))
        assert point(treated_panel(first, N_PERIODS), first, ctx) == pytest.approx(1.0)


def test_cluster_robust_difference_in_means_is_statsmodels_cr1(one_experiment):
    y, first, _ = one_experiment
    site = np.arange(N_UNITS) % 12
    est = difference_in_means(y, first, Context(2, N_PERIODS - 1, site))
    X = sm.add_constant((first >= 0).astype(float))
    fit = sm.OLS(y[:, -1], X).fit(cov_type="cluster", cov_kwds={"groups": site}, use_t=True)
    assert est.std_error == pytest.approx(fit.bse[1])
    assert est.p_value == pytest.approx(2 * stats.t.sf(abs(est.estimate / est.std_error), 11))


def test_estimators_leave_out_units_with_missing_values(one_experiment):
    y, first, ctx = one_experiment
    holes = y.copy()
    holes[0, 3] = np.nan
    for name in ("twfe", "callaway_santanna"):
        full = ESTIMATORS[name](np.delete(y, 0, axis=0), np.delete(first, 0), Context(2, N_PERIODS - 1, np.arange(N_UNITS - 1)))
        assert ESTIMATORS[name](holes, first, ctx).estimate == pytest.approx(full.estimate)
    assert np.isfinite(difference_in_means(holes, first, ctx).estimate)


def _blocked_panel(rng, n=120, n_blocks=5, block_sd=2.0):
    """A post-test outcome with large differences between blocks, and a stratified assignment."""
    from sim.experiments.designs import Stratified, StratifiedParams

    pretest = rng.normal(size=n)
    table = UnitTable(np.arange(n) % 12, pretest, np.zeros(n))
    design = Stratified(StratifiedParams(n_treated=40, start_period=4, by="pretest", n_strata=n_blocks))
    block = design.blocks(table)
    return table, design, block, block_sd * block.astype(float)


def test_blocked_estimate_and_error_match_a_saturated_regression_with_hc2():
    """Reference: OLS of y on block dummies and block x treatment dummies with HC2 errors gives each
    block's effect with its Neyman variance; the blocked estimate is their n_b/n-weighted sum and
    its variance w' V w."""
    rng = np.random.default_rng(11)
    table, design, block, shift = _blocked_panel(rng)
    first = design.assign(table, rng)
    y = np.tile((shift + rng.normal(size=len(block)) + 0.3 * (first >= 0))[:, None], (1, N_PERIODS))
    ctx = Context(2, N_PERIODS - 1, np.arange(len(block)), block=block)
    est = difference_in_means(y, first, ctx)
    blocks = np.unique(block)
    d = (first >= 0).astype(float)
    X = np.column_stack([(block == b).astype(float) for b in blocks] + [(block == b) * d for b in blocks])
    fit = sm.OLS(y[:, -1], X).fit(cov_type="HC2")
    w = np.array([(block == b).mean() for b in blocks])
    k = len(blocks)
    assert est.estimate == pytest.approx(float(w @ fit.params[k:]), rel=1e-10)
    assert est.std_error == pytest.approx(float(np.sqrt(w @ fit.cov_params()[k:, k:] @ w)), rel=1e-10)


def test_stat_blocked_errors_are_narrower_and_still_cover_on_a_blocked_variable(stat_seed):
    """With outcomes that differ a lot between blocks, ignoring the blocks gives intervals several
    times too wide (coverage near 1); the blocked errors cover at the nominal rate and are narrower."""
    rng = np.random.default_rng(stat_seed)
    hits, widths, naive_hits, naive_widths = [], [], [], []
    for _ in range(300):
        table, design, block, shift = _blocked_panel(rng)
        first = design.assign(table, rng)
        y = np.tile((shift + rng.normal(size=len(block)) + 0.3 * (first >= 0))[:, None], (1, N_PERIODS))
        blocked = difference_in_means(y, first, Context(2, N_PERIODS - 1, np.arange(len(block)), block=block))
        naive = difference_in_means(y, first, Context(2, N_PERIODS - 1, np.arange(len(block))))
        hits.append(blocked.covers(0.3))
        naive_hits.append(naive.covers(0.3))
        widths.append(blocked.ci_high - blocked.ci_low)
        naive_widths.append(naive.ci_high - naive.ci_low)
    assert 0.92 <= np.mean(hits) <= 0.98  # nominal 0.95; 300 draws: sd of the rate ~0.013
    assert np.mean(naive_hits) > 0.99
    assert np.mean(naive_widths) > 2 * np.mean(widths)


def test_point_estimators_match_the_blocked_estimators():
    rng = np.random.default_rng(5)
    table, design, block, shift = _blocked_panel(rng)
    first = design.assign(table, rng)
    y = rng.normal(size=(len(block), N_PERIODS)) + shift[:, None]
    ctx = Context(2, N_PERIODS - 1, np.arange(len(block)), block=block)
    for name in ("difference_in_means", "difference_in_differences"):
        assert POINT_ESTIMATORS[name](y, first, ctx) == pytest.approx(ESTIMATORS[name](y, first, ctx).estimate, rel=1e-12)
