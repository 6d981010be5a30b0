"""Entrenched legacy meetings: officials' practice drifts back to its starting value at a rate that
grows with the years the legacy meetings ran (sim/entrenchment.py)."""

from __future__ import annotations

import pytest

TRAIN_CADRES = {"empowerment_training": {"schedule": {"start": 1}, "target": {"kind": "officials"},
                                         "fade": 0.0, "openness_gain": 0.3}}


def openness_after(make_model, years: float, steps: int = 30) -> float:
    model = make_model(steps=steps, officials={"legacy_years": years, "openness": 0.3},
                       interventions=TRAIN_CADRES)
    model.run_for(steps)
    return sum(o.openness for o in model.cadres) / len(model.cadres)


def test_the_weight_of_the_legacy_meetings_is_y_over_y_plus_h(make_model):
    for years, expected in ((0.0, 0.0), (10.0, 0.5), (15.0, 0.6), (30.0, 0.75)):
        model = make_model(officials={"legacy_years": years, "entrenchment_half_years": 10.0})
        assert model.entrenchment == pytest.approx(expected)


def test_without_legacy_meetings_a_trained_practice_stays(make_model):
    assert openness_after(make_model, 0.0) == pytest.approx(0.6)


def test_a_trained_practice_fades_faster_the_longer_the_legacy_meetings_ran(make_model):
    """Training lifts openness 0.3 -> 0.6 in week 1; it then reverts by rate x e a week."""
    short, long = openness_after(make_model, 5.0), openness_after(make_model, 30.0)
    assert 0.3 < long < short < 0.6
    e, rate = 30 / 40, 0.05
    assert long == pytest.approx(0.3 + 0.3 * (1 - rate * e) ** 30, abs=1e-9)
