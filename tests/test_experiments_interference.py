"""Interference between communities: the exposure mapping, the arms each community is run in, the
direct and spillover truth, and the rank outcome (sim/experiments/arms.py, truth.py)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy.stats import rankdata

from sim.config import validate_config
from sim.experiments.arms import DISTRICT, PURE, arms_of, diffused
from sim.experiments.config import validate_experiment
from sim.experiments.estimators import Context, difference_in_differences
from sim.experiments.experiment import analyse, prepare, simulate
from sim.experiments.truth import PotentialOutcomes, spillover

BASE = {"seed": 3, "steps": 20, "community": {"n_residents": 120}, "leaders": {"n_initial": 6},
        "issues": {"rate": 8.0}, "deliberation": {"council_size": 10}}
EXP = {
    "name": "spill", "n_communities": 8, "n_street_offices": 4, "n_periods": 5,
    "treatment": {"deliberation_training": {"schedule": {"start": 1, "period": 4}, "activists": 10,
                                            "openness_gain": 0.5, "responsiveness_gain": 0.5}},
    "designs": {"complete": {"n_treated": 2, "start_period": 3}, "cluster": {"n_clusters": 1, "start_period": 3}},
    "outcomes": ["satisfaction", "satisfaction_rank"], "estimators": ["difference_in_differences"],
    "truth": {"replications": 3}, "n_jobs": 1,
    "interference": {"enabled": True, "district_training_period": 3, "diffusion": 1.0},
}


def exp_config(**interference):
    raw = copy.deepcopy(EXP)
    raw["interference"].update(interference)
    return validate_experiment(raw, validate_config(BASE))


def test_without_interference_every_control_is_a_pure_control():
    exp = exp_config(enabled=False)
    first = np.array([2, -1, -1, 3, -1, -1])
    np.testing.assert_array_equal(arms_of(first, np.array([0, 0, 1, 1, 2, 2]), exp), first)


def test_controls_are_exposed_through_their_street_office_only():
    site = np.array([0, 0, 0, 1, 1, 2, 2])
    first = np.array([3, -1, -1, 2, -1, -1, -1])
    arms = arms_of(first, site, exp_config())
    np.testing.assert_array_equal(arms, [3, diffused(3), diffused(3), 2, diffused(2), DISTRICT, DISTRICT])
    no_district = arms_of(first, site, exp_config(district_training=False, diffusion=0.0))
    np.testing.assert_array_equal(no_district, [3, PURE, PURE, 2, PURE, PURE, PURE])
    first[1] = 1  # the office's earliest start sets when practice spreads
    assert arms_of(first, site, exp_config())[2] == diffused(1)


def test_spillover_truth_and_the_bias_of_an_estimator_that_assumes_no_interference():
    """Constant effects: direct 1.0 on the treated, 0.3 on controls with a treated neighbour, 0.1
    on the others; the difference in differences estimates the direct effect minus the spillover."""
    n, periods = 40, 4
    site = np.arange(n) % 8
    rng = np.random.default_rng(0)
    y0 = rng.normal(size=(n, 1)) + rng.normal(size=(1, periods))  # unit and period effects only
    first = np.full(n, -1)
    first[[0, 1, 2, 3, 10, 11]] = 2  # offices 0, 1, 2, 3 have treated communities
    arms = arms_of(first, site, exp_config())
    after = np.arange(periods) >= 2
    y = y0 + after * np.select([first >= 0, arms <= diffused(0)], [1.0, 0.3], 0.1)[:, None]
    truth = spillover(y, y0, first, arms, post=periods - 1)
    exposed = (first < 0) & (arms <= diffused(0))
    assert truth["direct_effect"] == pytest.approx(1.0)
    assert truth["spillover_with_treated_neighbours"] == pytest.approx(0.3)
    assert truth["spillover_without"] == pytest.approx(0.1)
    assert truth["controls_with_treated_neighbours"] == exposed.sum()
    share = exposed.sum() / (first < 0).sum()
    assert truth["spillover_on_controls"] == pytest.approx(0.3 * share + 0.1 * (1 - share))
    est = difference_in_differences(y, first, Context(1, periods - 1, np.arange(n)))
    assert est.estimate == pytest.approx(truth["direct_minus_spillover"])


def test_the_rank_is_computed_among_all_communities_of_the_assignment():
    po = PotentialOutcomes(("satisfaction",), 3, 2, ranks=("satisfaction_rank",))
    po.add(0, -1, {"satisfaction": np.array([0.5, 0.5])})
    po.add(1, -1, {"satisfaction": np.array([0.6, 0.4])})
    po.add(2, -1, {"satisfaction": np.array([0.4, 0.6])})
    po.add(2, 0, {"satisfaction": np.array([0.9, 0.9])})
    np.testing.assert_array_equal(po.untreated()["satisfaction_rank"], [[2, 2], [1, 3], [3, 1]])
    observed = po.observed(np.array([-1, -1, 0]))
    np.testing.assert_array_equal(observed["satisfaction_rank"], [[3, 2], [2, 3], [1, 1]])  # 1: the highest
    ranks = rankdata(-observed["satisfaction"], axis=0)
    np.testing.assert_array_equal(observed["satisfaction_rank"], ranks)


@pytest.fixture(scope="module")
def spill():
    plan = prepare(BASE, EXP)
    source, arms, runs = simulate(plan)
    return plan, source, arms, runs, analyse(plan, source, arms)


def test_every_community_runs_in_every_arm_and_the_truth_is_against_the_pure_control(spill):
    plan, source, arms, runs, results = spill
    assert sorted(source.panels) == sorted([PURE, DISTRICT, diffused(2), 2])
    assert runs == 8 * 4
    table = results.interference.set_index(["design", "outcome"])
    assert set(table.index) == {(d, o) for d in ("complete", "cluster") for o in ("satisfaction", "satisfaction_rank")}
    cluster = table.loc[("cluster", "satisfaction")]
    assert cluster["controls_with_treated_neighbours"] == 0  # whole offices: no control has a treated neighbour
    complete = table.loc[("complete", "satisfaction")]
    effects = results.effects.set_index(["design", "outcome", "estimator"])
    row = effects.loc[("complete", "satisfaction", "difference_in_differences")]
    assert row["true_effect"] == pytest.approx(complete["direct_effect"])


def test_with_the_links_switched_off_controls_run_as_pure_controls(spill):
    raw = copy.deepcopy(EXP)
    raw["interference"] = {"enabled": False}
    plan = prepare(BASE, raw)
    source, arms, runs = simulate(plan)
    assert sorted(source.panels) == [PURE, 2] and runs == 8 * 2
    assert analyse(plan, source, arms).interference is None
