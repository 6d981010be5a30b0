"""A run branched off another at a programme's start continues exactly as a run with the programme
from the first week (sim/model.py::CommunityModel.branch), for every programme of the library."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.config import validate_config
from sim.experiments.measurement import measure
from sim.experiments.runner import run_arms, run_community
from sim.indicators import MEASURES
from sim.interventions import REGISTRY
from sim.model import CommunityModel, branch_point

STEPS, START = 40, 15
OUTCOMES = tuple(MEASURES)


def config(small_config, **interventions):
    return validate_config(small_config(steps=STEPS, interventions=interventions,
                                        organisations={"founding_rate": 0.1}, leaders={"emergence_rate": 0.2}))


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_branched_run_equals_a_run_with_the_programme_from_the_start(small_config, name):
    trunk = config(small_config)
    treated = config(small_config, **{name: {"schedule": {"start": START}}})
    assert branch_point(trunk, treated) == START
    fresh = CommunityModel(treated)
    fresh.run_for(STEPS)
    model = CommunityModel(trunk)
    model.run_for(START - 1)
    branched = model.branch(treated)
    branched.run_for(STEPS - branched.steps)
    for field in dataclasses.fields(fresh.state):
        np.testing.assert_array_equal(getattr(fresh.state, field.name), getattr(branched.state, field.name),
                                      err_msg=field.name)
    pd_fresh, pd_branched = fresh.timeseries(), branched.timeseries()
    assert pd_fresh.equals(pd_branched)
    report, branched_report = fresh.interventions[0].report(fresh), branched.interventions[0].report(branched)
    if name == "cloud_deliberation":  # it tallies attendance before its start: a branch has no "before"
        before = {k for k in report if k.endswith("_before")}
        assert before and all(branched_report[k] is None for k in before)
        report, branched_report = ({k: v for k, v in r.items() if k not in before} for r in (report, branched_report))
    assert report == branched_report


def test_run_arms_gives_the_measures_of_separate_runs(small_config):
    trunk = config(small_config)
    arms = [config(small_config, empowerment_training={"schedule": {"start": 10}}),
            trunk,
            config(small_config, deliberation_day={"schedule": {"start": 25}}),
            dataclasses.replace(trunk, seed=trunk.seed + 1)]  # differs from the first week
    assert [branch_point(trunk, a) for a in arms] == [10, STEPS + 1, 25, 1]
    got = run_arms(trunk, arms, OUTCOMES, 4)
    for cfg, measures in zip(arms, got, strict=True):
        expected = run_community(cfg, OUTCOMES, 4)
        for k in OUTCOMES:
            np.testing.assert_array_equal(measures[k], expected[k], err_msg=k)


def test_a_branch_before_the_configs_differ_is_refused(small_config):
    model = CommunityModel(config(small_config))
    model.run_for(12)
    with pytest.raises(ValueError, match="cannot branch at step 12"):
        model.branch(config(small_config, load_relief={"schedule": {"start": 10}}))
