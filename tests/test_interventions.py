"""Interventions: schedules, targets, empowerment training (gain, fade, questionnaire) and random
leader assignment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.agents import Official
from sim.interventions import REGISTRY
from sim.interventions.base import ScheduleConfig, TargetConfig, select_target
from sim.outputs import summarise


def training(model):
    (iv,) = [iv for iv in model.interventions if iv.name == "empowerment_training"]
    return iv


# -- schedule and target ------------------------------------------------------------------------
def test_registry_holds_both_programmes():
    assert {"empowerment_training", "random_leader_assignment"} <= set(REGISTRY)


def test_schedule_fires_once_by_default():
    s = ScheduleConfig(start=5)
    assert [t for t in range(1, 60) if s.fires(t)] == [5]
    assert not s.active(4) and s.active(5) and s.active(500)


def test_schedule_repeats_every_period_until_end():
    s = ScheduleConfig(start=3, end=20, period=6)
    assert [t for t in range(1, 60) if s.fires(t)] == [3, 9, 15]
    assert [t for t in range(1, 30) if s.active(t)] == list(range(3, 21))


@pytest.mark.parametrize("target, expected", [
    (TargetConfig(kind="all"), lambda m: np.arange(m.state.n)),
    (TargetConfig(kind="courtyards", courtyards=[1, 3]),
     lambda m: np.flatnonzero(np.isin(m.state.courtyard, [1, 3]))),
    (TargetConfig(kind="leaders"), lambda m: np.flatnonzero(m.state.is_leader)),
])
def test_deterministic_targets(make_model, target, expected):
    model = make_model()
    np.testing.assert_array_equal(np.sort(select_target(model, target, model.streams.child("test")).rows), expected(model))


def test_drawn_targets(make_model):
    model = make_model(leaders={"n_initial": 10})
    rows = select_target(model, TargetConfig(kind="residents", count=25), model.streams.child("test")).rows
    assert len(rows) == 25 and len(np.unique(rows)) == 25
    leaders = select_target(model, TargetConfig(kind="leaders", count=4), model.streams.child("test")).rows
    assert len(leaders) == 4 and model.state.is_leader[leaders].all()
    share = select_target(model, TargetConfig(kind="share", share=0.5), model.streams.child("test")).rows
    assert 100 < len(share) < 200
    officials = select_target(model, TargetConfig(kind="officials", count=2), model.streams.child("test")).officials
    assert len(officials) == 2 and all(isinstance(o, Official) for o in officials)


# -- empowerment training -----------------------------------------------------------------------
START = 13
COURSE = {"schedule": {"start": START}, "target": {"kind": "residents", "count": 40},
          "capacity_gain": 0.3, "fade": 0.05}


def test_training_raises_trainees_capacity_then_it_fades(make_model):
    model = make_model(steps=120, interventions={"empowerment_training": COURSE})
    s = model.state
    model.run_for(START - 1)
    before = s.capacity.copy()
    model.step()  # the course
    trainees = training(model).trainee_rows()
    assert len(trainees) == 40
    others = np.setdiff1d(np.arange(s.n), trainees)
    gain = np.minimum(1.0, before[trainees] + 0.3) - before[trainees]
    np.testing.assert_allclose(s.capacity[trainees], before[trainees] + gain)
    assert (s.capacity[trainees] > before[trainees]).all()
    np.testing.assert_array_equal(s.capacity[others], before[others])  # nobody else changes

    model.run_for(10)
    np.testing.assert_allclose(s.capacity[trainees], before[trainees] + gain * 0.95 ** 10)
    model.run_for(90)
    np.testing.assert_allclose(s.capacity[trainees], before[trainees] + gain * 0.95 ** 100)
    assert (s.capacity[trainees] - before[trainees]).max() < 0.02  # faded nearly away
    np.testing.assert_array_equal(s.capacity[others], before[others])


def test_training_raises_efficacy_on_the_day_of_the_course(make_model):
    model = make_model(interventions={"empowerment_training": {**COURSE, "efficacy_gain": 0.2}})
    model.run_for(START - 1)
    before = model.state.efficacy.copy()
    model.step()
    trainees = training(model).trainee_rows()
    # the course acts first in the step; meetings that day may move efficacy a little more
    lifted = model.state.efficacy[trainees] - before[trainees]
    assert np.median(lifted) == pytest.approx(0.2, abs=0.02)


def test_questionnaire_shows_the_course_and_its_fading(make_model):
    steps = 100
    model = make_model(steps=steps, interventions={"empowerment_training": COURSE})
    model.run_for(steps)
    report = summarise(model)["interventions"]["empowerment_training"]
    assert report["trained"] == 40 and report["courses"] == 1
    assert report["questionnaire_post_mean"] > report["questionnaire_pre_mean"] + 0.5
    assert report["questionnaire_followup_mean"] < report["questionnaire_post_mean"]
    assert 1 <= report["questionnaire_pre_mean"] <= 5
    assert 0 < report["gain_remaining_share"] < 0.1


def test_gain_remaining_share_follows_the_fade(make_model):
    """Capacity moves only by training, so what remains of a capacity course is (1 - fade)^weeks."""
    steps = 60
    course = {**COURSE, "efficacy_gain": 0.0}
    model = make_model(steps=steps, interventions={"empowerment_training": course})
    model.run_for(steps)
    report = training(model).report(model)
    assert report["gain_remaining_share"] == pytest.approx(0.95 ** (steps - START), rel=1e-9)


def test_repeated_courses(make_model):
    course = {**COURSE, "schedule": {"start": 5, "period": 10, "end": 30}}
    model = make_model(steps=60, interventions={"empowerment_training": course})
    model.run_for(60)
    iv = training(model)
    assert [c.step for c in iv.cohorts] == [5, 15, 25]
    report = iv.report(model)
    assert report["courses"] == 3 and report["trained"] == 120


def test_training_officials_raises_their_responsiveness(make_model):
    course = {"schedule": {"start": 2}, "target": {"kind": "officials"},
              "openness_gain": 0.2, "responsiveness_gain": 0.15, "fade": 0.0}
    model = make_model(interventions={"empowerment_training": course})
    officials = list(model.agents_by_type[Official])
    before = [(o.openness, o.responsiveness) for o in officials]
    model.run_for(5)
    for o, (openness, resp) in zip(officials, before):
        assert o.openness == pytest.approx(min(1, openness + 0.2))
        assert o.responsiveness == pytest.approx(min(1, resp + 0.15))
    np.testing.assert_array_equal(training(model).trainee_rows(), [])
    report = training(model).report(model)
    assert report["trained"] == len(officials)
    assert report["questionnaire_post_mean"] > report["questionnaire_pre_mean"]


def test_measuring_never_changes_the_run(make_model):
    """The questionnaire draws from its own stream: its noise level cannot alter the simulation."""
    runs = []
    for noise in (0.0, 0.1, 0.9):
        model = make_model(seed=8, interventions={
            "empowerment_training": {**COURSE, "questionnaire_noise": noise}})
        model.run_for(40)
        summarise(model)  # the follow-up questionnaire is taken here
        model.run_for(5)
        runs.append(model.timeseries())
    pd.testing.assert_frame_equal(runs[0], runs[1])
    pd.testing.assert_frame_equal(runs[0], runs[2])


def test_stat_training_everyone_feeds_leader_emergence(make_model, stat_seed):
    """Training lifts capacity over the emergence bar: more residents become leaders."""
    emerged = {}
    for label, iv in (("none", {}), ("trained", {"empowerment_training": {
            "schedule": {"start": 5}, "target": {"kind": "all"}}})):
        total = 0
        for seed in (stat_seed, stat_seed + 1000):
            model = make_model(seed=seed, steps=60, interventions=iv,
                               leaders={"n_initial": 10, "emergence_rate": 0.1})
            ever = model.state.is_leader.copy()
            for _ in range(60):
                model.step()
                ever |= model.state.is_leader
            total += int(ever.sum()) - 10
        emerged[label] = total
    assert emerged["trained"] > 1.5 * emerged["none"] + 5, emerged


# -- random leader assignment -------------------------------------------------------------------
def test_random_assignment_is_in_force_only_on_its_schedule(make_model):
    model = make_model(interventions={"random_leader_assignment": {"schedule": {"start": 3, "end": 8}}})
    rules = []
    for _ in range(12):
        model.step()
        rules.append(model.leader_assignment)
    assert rules == ["self_selected"] * 2 + ["random"] * 6 + ["self_selected"] * 4


def test_random_assignment_from_week_one_equals_the_random_rule(make_model):
    by_programme = make_model(seed=9, interventions={"random_leader_assignment": {}})
    by_rule = make_model(seed=9, deliberation={"leader_assignment": "random"})
    self_selected = make_model(seed=9)
    for model in (by_programme, by_rule, self_selected):
        model.run_for(40)
    pd.testing.assert_frame_equal(by_programme.meetings_frame(), by_rule.meetings_frame())
    pd.testing.assert_frame_equal(by_programme.timeseries(), by_rule.timeseries())
    assert not by_programme.meetings_frame().equals(self_selected.meetings_frame())


def test_programmes_act_in_the_order_listed(make_model):
    ivs = {"random_leader_assignment": {}, "empowerment_training": COURSE}
    model = make_model(interventions=ivs)
    assert [iv.name for iv in model.interventions] == list(ivs)
    model = make_model(interventions=dict(reversed(list(ivs.items()))))
    assert [iv.name for iv in model.interventions] == list(reversed(list(ivs)))


# -- the after-step hook ------------------------------------------------------------------------
def test_after_step_runs_at_the_end_of_every_step_before_the_week_is_recorded(make_model):
    from sim.interventions.base import REGISTRY, Intervention

    seen = []

    class Watcher(Intervention):
        name = "test_after_step_watcher"
        label = {"en": "Watcher", "zh": "观察者"}
        about = {"en": "Records when its hook runs.", "zh": "记录钩子运行的时间。"}

        def after_step(self, model):
            seen.append((model.steps, len(model.datacollector.model_vars["leaders"])))

    try:
        model = make_model()
        model.interventions.append(Watcher(Watcher.Params()))
        model.run_for(3)
    finally:
        del REGISTRY[Watcher.name]
    assert seen == [(1, 0), (2, 1), (3, 2)]  # week k's row is recorded after the hook


def test_the_leader_assignment_in_force_is_kept_once(make_model):
    model = make_model()
    model.leader_assignment = "random"
    assert model.deliberation_rules.leader_assignment == "random"
    assert model.config.deliberation.leader_assignment == "self_selected"  # the config stays as run
