"""The truth beside the estimates: counterfactual runs share the treated runs' past exactly, the true
effects and biases are computed from them, every draw is reproducible, the population and the
periods are what the docs say, and the deliberative poll behaves as documented."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from sim.config import validate_config
from sim.experiments.config import validate_experiment
from sim.experiments.estimators import treated_panel
from sim.experiments.experiment import analyse, prepare, simulate
from sim.experiments.measurement import measure, period_of_step, period_start_step
from sim.indicators import MEASURES
from sim.experiments.poll import Poll, single_peaked
from sim.experiments.population import draw_population
from sim.experiments.truth import PotentialOutcomes, true_effect, true_event_effects

TINY_BASE = {"seed": 5, "steps": 20, "community": {"n_residents": 120}, "leaders": {"n_initial": 6},
             "issues": {"rate": 8.0}, "deliberation": {"council_size": 10}}
TINY = {
    "name": "tiny", "n_communities": 8, "n_street_offices": 4, "n_periods": 5,
    "treatment": {"empowerment_training": {"schedule": {"start": 1, "period": 4}, "target": {"kind": "officials"}}},
    "designs": {"complete": {"n_treated": 3, "start_period": 3},
                "staggered": {"batches": [{"period": 3, "size": 2, "one_per_site": True}, {"period": 4, "size": 2}]}},
    "outcomes": ["satisfaction", "self_governance"], "pretest": "satisfaction",
    "estimators": ["difference_in_means", "difference_in_differences", "twfe", "callaway_santanna",
                   "randomization_inference"],
    "randomization": {"statistic": "callaway_santanna", "draws": 30},
    "truth": {"replications": 4},
    "power": {"design": "complete", "outcome": "satisfaction", "estimator": "difference_in_differences",
              "n_treated": [2, 4], "replications": 10, "additive_effects": [0.01]},
    "n_jobs": 1,
}


@pytest.fixture(scope="module")
def tiny():
    plan = prepare(TINY_BASE, TINY)
    source, arms, runs = simulate(plan)
    return plan, source, arms, runs, analyse(plan, source, arms)


def test_every_community_runs_untreated_and_from_every_start(tiny):
    plan, source, arms, runs, _ = tiny
    assert runs == 8 * 3
    assert sorted(source.panels) == [-1, 2, 3]


def test_counterfactual_runs_share_the_treated_runs_past_exactly(tiny):
    _, source, _, _, _ = tiny
    for start in (2, 3):
        for outcome in source.outcomes:
            np.testing.assert_array_equal(source.panels[start][outcome][:, :start],
                                          source.panels[-1][outcome][:, :start])
    assert not np.array_equal(source.panels[2]["satisfaction"], source.panels[-1]["satisfaction"])


def test_effects_table_puts_the_truth_beside_each_estimate(tiny):
    plan, source, arms, _, results = tiny
    effects = results.effects
    assert len(effects) == 2 * 2 * 5
    np.testing.assert_allclose(effects["bias"], effects["estimate"] - effects["true_effect"])
    covered = (effects["ci_low"] <= effects["true_effect"]) & (effects["true_effect"] <= effects["ci_high"])
    assert (effects["covered"] == covered).all()
    arm = arms["complete"]
    treated = arm.first >= 0
    y, y0 = source.observed(arm.first)["satisfaction"], source.untreated()["satisfaction"]
    row = effects[(effects.design == "complete") & (effects.outcome == "satisfaction")].set_index("estimator")
    assert row.loc["difference_in_means", "true_effect"] == pytest.approx((y - y0)[treated, -1].mean())
    cells = treated_panel(arm.first, 5) == 1
    assert row.loc["callaway_santanna", "true_effect"] == pytest.approx((y - y0)[cells].mean())
    assert row.loc["randomization_inference", "estimate"] == pytest.approx(row.loc["callaway_santanna", "estimate"])


def test_panel_and_event_study_and_replications_have_their_rows(tiny):
    plan, _, arms, _, results = tiny
    panel = results.panel
    assert len(panel) == 2 * 8 * 5
    assert {"design", "unit", "period", "site", "first_treated_period", "treated", "satisfaction",
            "satisfaction_untreated", "housing", "n_residents", "topdown_years", "cadre_age"} <= set(panel.columns)
    staggered = panel[panel.design == "staggered"]
    assert set(staggered["first_treated_period"]) == {0, 3, 4}
    assert (staggered["treated"] == ((staggered["first_treated_period"] > 0)
                                     & (staggered["period"] >= staggered["first_treated_period"]))).all()
    events = results.events
    assert -1 not in set(events["event_time"])
    pre = events[events["event_time"] < -1]
    assert (pre["true_effect"] == 0).all()
    ops = results.operating
    assert set(ops["design"]) == {"complete", "staggered"}
    assert (ops["replications"] == 4).all()
    assert set(results.power["n_treated"]) == {2, 4}
    assert set(results.power["effect"]) == {"none", "additive", "simulated"}


def test_an_experiment_is_reproducible_and_independent_of_the_number_of_jobs(tiny):
    plan, _, _, _, results = tiny
    again = prepare(TINY_BASE, {**TINY, "n_jobs": 2})
    source, arms, _ = simulate(again)
    second = analyse(again, source, arms)
    pd.testing.assert_frame_equal(results.effects, second.effects)
    pd.testing.assert_frame_equal(results.panel, second.panel)
    pd.testing.assert_frame_equal(results.power, second.power)


def test_another_seed_gives_another_population_and_assignment(tiny):
    plan, _, arms, _, _ = tiny
    other = prepare({**TINY_BASE, "seed": 6}, TINY)
    assert [c.seed for c in other.communities] != [c.seed for c in plan.communities]


def test_true_effects_by_event_time():
    y0 = np.zeros((3, 4))
    y = y0 + np.array([[0, 0, 1, 2], [0, 0, 0, 3], [0, 0, 0, 0]], dtype=float)
    first = np.array([2, 3, -1])
    assert true_event_effects(y, y0, first) == {-3: 0.0, -2: 0.0, -1: 0.0, 0: 2.0, 1: 2.0}
    assert true_effect("post", y, y0, first, 3) == 2.5
    assert true_effect("cells", y, y0, first, 3) == 2.0


def test_potential_outcomes_give_each_unit_its_arm():
    po = PotentialOutcomes(("x",), 3, 2)
    for unit in range(3):
        po.add(unit, -1, {"x": np.array([unit, unit])})
    po.add(1, 1, {"x": np.array([1.0, 10.0])})
    first = np.array([-1, 1, -1])
    assert po.has(first) and not po.has(np.array([1, 1, -1]))
    assert po.missing(np.array([1, 1, -1])) == [(0, 1)]
    np.testing.assert_array_equal(po.observed(first)["x"], [[0, 0], [1, 10], [2, 2]])


# -- population, periods, measures -------------------------------------------------------------
def population(n: int, seed: int = 3):
    base = validate_config({"seed": seed})
    exp = validate_experiment({**TINY, "n_communities": n, "n_street_offices": 5}, base)
    return draw_population(exp, base, seed)


def test_a_community_is_the_same_whatever_the_population_size():
    small, large = population(10), population(40)
    for a, b in zip(small, large):
        assert (a.seed, a.housing, a.n_residents, a.openness, a.trust) == (b.seed, b.housing, b.n_residents,
                                                                          b.openness, b.trust)
    assert len({c.seed for c in large}) == 40


def test_population_follows_its_distributions():
    pop = population(1000)
    sites = np.bincount([c.site for c in pop])
    assert sites.max() - sites.min() <= 1
    housing = pd.Series([c.housing for c in pop]).value_counts(normalize=True)
    assert housing["commodity"] == pytest.approx(0.45, abs=0.05)
    assert housing["work_unit"] == pytest.approx(0.25, abs=0.05)
    size = np.array([c.n_residents for c in pop])
    assert size.mean() == pytest.approx(2000, rel=0.03) and size.std() / size.mean() == pytest.approx(0.2, abs=0.03)
    years = np.array([c.topdown_years for c in pop])
    openness = np.array([c.openness for c in pop])
    assert np.corrcoef(years, openness)[0, 1] < -0.2  # long top-down meetings, closed cadres
    work_unit = np.array([c.housing == "work_unit" for c in pop])
    elderly = np.array([c.share_elderly for c in pop])
    assert elderly[work_unit].mean() > elderly[~work_unit].mean() + 0.08
    for c in pop[:20]:
        validate_config(c.config)


@pytest.mark.parametrize("steps, n_periods", [(156, 12), (52, 12), (20, 5), (104, 2), (13, 13)])
def test_periods_cut_the_run_into_near_equal_parts(steps, n_periods):
    period = period_of_step(np.arange(1, steps + 1), steps, n_periods)
    lengths = np.bincount(period)
    assert len(lengths) == n_periods and lengths.max() - lengths.min() <= 1
    for p in range(n_periods):
        assert period[period_start_step(p, steps, n_periods) - 1] == p
        assert p == 0 or period[period_start_step(p, steps, n_periods) - 2] == p - 1


def test_leader_measures_read_the_meetings(make_model):
    model = make_model(steps=52, issues={"rate": 10.0}, deliberation={"leader_assignment": "random"})
    model.run_for(52)
    values = measure(model, ("leader_share", "chair_distance"), 2)
    assert np.all((values["leader_share"] >= 0) & (values["leader_share"] <= 1))
    mf = model.meetings_frame()
    mf = mf[(mf.chair >= 0) & (mf.group_size >= 2) & (mf.step > 26)]
    assert values["chair_distance"][1] == pytest.approx(mf["chair_distance"].mean())
    assert set(measure(model, tuple(MEASURES), 4)) == set(MEASURES)


# -- the deliberative poll ----------------------------------------------------------------------
def poll_for(design):
    from tests.test_experiments_config import composed

    base, exp = composed("new_haven", f"experiment.poll.design={design}")
    exp = validate_experiment(exp, validate_config(base))
    poll = Poll(exp, validate_config(base), 42)
    first = np.where(np.random.default_rng(0).permutation(1032) < 516, 1, -1)
    return poll, first


@pytest.fixture(scope="module")
def poll_and_assignment():
    return poll_for("groups_by_issue")


@pytest.fixture(scope="module")
def deliberate_or_not():
    return poll_for("deliberate_or_not")


def test_poll_opinion_moves_more_on_the_low_salience_issue(deliberate_or_not):
    poll, first = deliberate_or_not
    y, y0 = poll.observed(first), poll.untreated()
    treated = first >= 0
    move = {issue: np.abs(y[f"opinion_{issue}"][treated, 1] - y0[f"opinion_{issue}"][treated, 1]).mean()
            for issue in ("airport", "revenue_sharing")}
    assert move["revenue_sharing"] > 3 * move["airport"]
    support = y["support_revenue_sharing"]
    assert support[treated, 0].mean() - support[treated, 1].mean() > 0.3  # local control loses its majority
    assert support[treated, 1].mean() < 0.5
    for name in y:  # controls are not touched
        np.testing.assert_array_equal(y[name][~treated], y0[name][~treated])


def test_poll_deliberation_makes_rankings_more_single_peaked(deliberate_or_not):
    poll, first = deliberate_or_not
    y = poll.observed(first)
    treated = first >= 0
    gain = {}
    for issue in ("airport", "revenue_sharing"):
        sp = y[f"single_peaked_{issue}"]
        gain[issue] = sp[treated, 1].mean() - sp[treated, 0].mean()
        np.testing.assert_array_equal(sp[~treated, 1], sp[~treated, 0])
    assert gain["revenue_sharing"] > 0.1
    assert gain["revenue_sharing"] > gain["airport"] >= 0


def test_in_groups_by_issue_everybody_is_briefed_and_each_half_discusses_one_issue(poll_and_assignment):
    poll, first = poll_and_assignment
    y, y0 = poll.observed(first), poll.untreated()
    treated = first >= 0
    for name in ("opinion_revenue_sharing", "single_peaked_revenue_sharing"):  # the treated issue:
        np.testing.assert_array_equal(y[name][~treated], y0[name][~treated])  # controls only briefed
    briefed = y["opinion_revenue_sharing"][~treated]
    assert np.mean(briefed[:, 1] - briefed[:, 0]) < -0.1  # the briefing reached the controls too

    def gain(sp, who):
        return sp[who, 1].mean() - sp[who, 0].mean()

    sp = y["single_peaked_revenue_sharing"]  # discussing lines rankings up far more than reading
    assert gain(sp, treated) - gain(sp, ~treated) > 0.1
    sp = y["single_peaked_airport"]  # and the other way round on the other issue
    assert gain(sp, ~treated) > gain(sp, treated)


def test_poll_groups_are_random_but_fixed_by_who_is_in_them(poll_and_assignment):
    poll, first = poll_and_assignment
    treated = np.flatnonzero(first >= 0)
    group = poll.groups(treated, 8)
    assert np.bincount(group).tolist() == [65] * 4 + [64] * 4  # 516 on revenue sharing in 8 balanced groups
    np.testing.assert_array_equal(group, poll.groups(treated.copy(), 8))
    assert not np.array_equal(group, poll.groups(treated[::-1].copy(), 8))
    assert np.bincount(poll.groups(treated[:5], 8)).tolist() == [3, 2]  # never a group of one


def test_single_peaked_rankings():
    u = np.array([[1, 2, 3, 4], [4, 3, 2, 1], [1, 3, 2, 0], [2, 1, 3, 0], [3, 1, 0, 2]], dtype=float)
    assert single_peaked(u).tolist() == [True, True, True, False, False]


def test_poll_experiment_estimates_against_its_truth():
    from tests.test_experiments_config import composed

    base, exp = composed("new_haven", "experiment.truth.replications=3", "experiment.randomization.draws=20",
                         "experiment.power.replications=10")
    exp = copy.deepcopy(exp)
    plan = prepare(base, exp)
    source, arms, runs = simulate(plan)
    results = analyse(plan, source, arms)
    assert runs == 0
    row = results.effects.set_index(["design", "outcome", "estimator"])
    # everybody read the briefing: the effect is the discussion's. Averaging with neutral moderators
    # keeps each group's mean view, but lines rankings up with the policy scale
    assert abs(row.loc[("complete", "opinion_revenue_sharing", "difference_in_differences"), "true_effect"]) < 0.01
    key = ("complete", "single_peaked_revenue_sharing", "difference_in_differences")
    assert row.loc[key, "true_effect"] > 0.1
    assert row.loc[key, "covered"]


# -- common random numbers make per-community truths meaningful --------------------------------------
def test_a_treatment_that_does_nothing_has_a_true_effect_of_exactly_zero_in_every_community():
    no_op = copy.deepcopy(TINY)
    no_op["treatment"] = {"empowerment_training": {
        "schedule": {"start": 1, "period": 4}, "target": {"kind": "residents", "count": 20},
        "capacity_gain": 0.0, "efficacy_gain": 0.0, "openness_gain": 0.0, "responsiveness_gain": 0.0}}
    plan = prepare(TINY_BASE, no_op)
    source, arms, _ = simulate(plan)
    results = analyse(plan, source, arms)
    for start in (2, 3):
        for outcome in source.outcomes:
            np.testing.assert_array_equal(source.panels[start][outcome], source.panels[-1][outcome])
    assert (results.heterogeneity["true_effect"] == 0).all()
    assert (results.effects["true_effect"] == 0).all()


def test_heterogeneity_table_holds_every_treated_run_with_its_covariates(tiny):
    plan, source, _, _, results = tiny
    table = results.heterogeneity
    assert len(table) == 8 * 2 * 2  # communities x starts x outcomes
    assert {"housing", "n_residents", "share_elderly", "topdown_years", "cadre_age"} <= set(table)
    unit, start = 3, 2
    row = table[(table["unit"] == unit) & (table["first_treated_period"] == start + 1)
                & (table["outcome"] == "satisfaction")]
    expected = source.panels[start]["satisfaction"][unit, -1] - source.panels[-1]["satisfaction"][unit, -1]
    assert row["true_effect"].item() == expected
    assert row["n_residents"].item() == plan.communities[unit].n_residents
