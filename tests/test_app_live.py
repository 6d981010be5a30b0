"""The run behind the page: stepping, errors shown instead of raised, and side-by-side pairs."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from app.live import LiveRun
from app.settings import Settings
from app.side_by_side import paired_configs


def settings(residents=120, steps=30, **training) -> Settings:
    s = Settings.from_scenario("baseline")
    s.values.update({"community.n_residents": residents, "steps": steps, "issues.rate": 5.0,
                     "leaders.n_initial": 8})
    if training:
        iv = s.interventions["empowerment_training"]
        iv.on = True
        for key, value in training.items():
            setattr(iv, key, value)
    return s.clamped()


def test_steps_until_the_last_week_then_stops():
    run = LiveRun(settings(steps=12))
    assert run.error is None and run.week == 0 and run.layout is not None
    while run.step():
        pass
    assert run.week == 12 and run.finished and not run.can_step and run.error is None
    assert len(run.panels[0].model.timeseries()) == 12


def test_same_settings_same_run():
    a, b = LiveRun(settings()), LiveRun(settings())
    for _ in range(20):
        a.step()
        b.step()
    assert a.panels[0].model.timeseries().equals(b.panels[0].model.timeseries())


def test_a_model_error_is_shown_not_raised(monkeypatch):
    run = LiveRun(settings())
    assert run.step()

    def broken():
        raise RuntimeError("rule exploded")

    monkeypatch.setattr(run.panels[0].model, "step", broken)
    assert run.step() is False
    assert "RuntimeError: rule exploded" in run.error and not run.can_step
    assert run.step() is False and run.week == 1  # stays stopped, keeps its last state


def test_a_rejected_config_is_shown_not_raised():
    s = settings()
    s.values["officials.openness"] = 1.5  # only possible by bypassing the controls
    run = LiveRun(s)
    assert run.error.startswith("config error: officials.openness = 1.5 is not allowed")
    assert not run.panels and not run.can_step and run.step() is False


def test_a_model_error_is_logged_with_its_traceback(monkeypatch, caplog):
    run = LiveRun(settings())

    def broken():
        raise RuntimeError("rule exploded")

    monkeypatch.setattr(run.panels[0].model, "step", broken)
    with caplog.at_level("ERROR", logger="app.live"):
        assert run.step() is False
    record = next(r for r in caplog.records if r.name == "app.live")
    assert "week 1" in record.getMessage() and record.exc_info[0] is RuntimeError
    assert isinstance(run.failure, RuntimeError)


def test_every_week_is_kept_for_scrubbing_back():
    run = LiveRun(settings(steps=30))
    rungs = [run.panels[0].model.state.rung.copy()]
    for _ in range(20):
        run.step()
        rungs.append(run.panels[0].model.state.rung.copy())
    assert len(run.panels[0].history) == 21
    assert any((a != b).any() for a, b in zip(rungs, rungs[1:]))  # something changed on the way
    for week in (0, 7, 20):
        (snap,) = run.snapshots(week)
        assert snap.week == week
        np.testing.assert_array_equal(snap.state.rung, rungs[week])
        assert len(run.tables(week)[0]) == week
    assert run.snapshots()[0].week == 20


@pytest.mark.parametrize("bundle", [("empowerment_training",), ("empowerment_training", "random_leader_assignment")])
def test_side_by_side_differs_only_in_the_chosen_bundle(bundle):
    s = settings(steps=30, start=8, dose=60)
    s.interventions["load_relief"].on = True  # not compared: on in both panels
    s.seed = 5
    s.compare = bundle
    s = s.clamped()
    with_cfg, without_cfg = paired_configs(s, s.compare)
    assert with_cfg["seed"] == without_cfg["seed"] == 5
    assert set(with_cfg["interventions"]) - set(without_cfg["interventions"]) == set(bundle)
    assert "load_relief" in with_cfg["interventions"] and "load_relief" in without_cfg["interventions"]
    assert {k: v for k, v in with_cfg.items() if k != "interventions"} == \
        {k: v for k, v in without_cfg.items() if k != "interventions"}
    assert {k: v for k, v in with_cfg["interventions"].items() if k not in bundle} == without_cfg["interventions"]
    run = LiveRun(s)
    assert [p.role for p in run.panels] == ["with", "without"]
    assert all(p.model.config.seed == 5 for p in run.panels)
    assert set(bundle) <= set(run.panels[0].model.config.interventions)
    assert not set(bundle) & set(run.panels[1].model.config.interventions)
    np.testing.assert_array_equal(run.panels[0].model.adjacency.toarray(), run.panels[1].model.adjacency.toarray())


def test_side_by_side_panels_stay_identical_until_the_programme_first_acts():
    """Common random numbers: the two panels show the same community, week for week, until the
    compared programme first changes a resident; from then on they differ by its effect."""
    s = settings(steps=24, start=13, dose=40)
    s.compare = ("empowerment_training",)
    run = LiveRun(s.clamped())
    with_, without = (p.model for p in run.panels)
    while run.week < 12:
        run.step()
        np.testing.assert_array_equal(with_.state.rung, without.state.rung)
        np.testing.assert_array_equal(with_.state.efficacy, without.state.efficacy)
    assert with_.timeseries().equals(without.timeseries())
    run.step()  # week 13: the training changes its trainees
    assert not np.array_equal(with_.state.capacity, without.state.capacity)
