"""The run behind the page: stepping, errors shown instead of raised, and side-by-side pairs."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from app.live import LiveRun
from app.settings import DRAW_LIMIT, Settings


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


def test_large_communities_are_not_drawn():
    run = LiveRun(settings(residents=DRAW_LIMIT + 60, steps=12))
    assert run.error is None and run.layout is None and not run.drawable
    assert run.step()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_side_by_side_starts_identical_and_parts_when_the_programme_acts(seed):
    s = settings(steps=30, start=8, dose=60)
    s = copy.deepcopy(s)
    s.seed = seed
    s.interventions["empowerment_training"].on = False  # side-by-side switches it on in one panel only
    s.compare = "empowerment_training"
    run = LiveRun(s.clamped())
    with_it, without = (p.model for p in run.panels)
    assert [p.role for p in run.panels] == ["with", "without"]
    assert "empowerment_training" in with_it.config.interventions
    assert "empowerment_training" not in without.config.interventions
    np.testing.assert_array_equal(with_it.adjacency.toarray(), without.adjacency.toarray())
    for _ in range(8):
        run.step()
    a, b = with_it.timeseries(), without.timeseries()
    assert a.iloc[:7].equals(b.iloc[:7])  # identical until the course in week 8
    trained = with_it.interventions[0].trainee_rows()
    assert len(trained) == 60
    assert with_it.state.capacity[trained].mean() > without.state.capacity[trained].mean() + 0.2
