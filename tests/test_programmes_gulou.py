"""The Gulou programmes: deliberation training, the monthly deliberation day with rotating chairs,
the choice of mode, the indicator evaluation and the street-office training."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import validate_config
from sim.interventions.indicator_evaluation import evaluation_score
from sim.schema import ConfigError


def programme(model, name):
    return next(iv for iv in model.interventions if iv.name == name)


def test_deliberation_training_trains_cadres_and_activists_leaders_first(make_model):
    model = make_model(steps=2, interventions={"deliberation_training": {"activists": 12, "fade": 0.0}})
    openness = model.cadres[0].openness
    model.run_for(1)
    iv = programme(model, "deliberation_training")
    cadres, activists = iv.cohorts
    assert cadres.officials == model.cadres and model.cadres[0].openness == pytest.approx(openness + 0.2)
    leaders = np.flatnonzero(model.state.is_leader)
    assert set(leaders[:12]) <= set(activists.rows) and len(activists.rows) == 12
    assert iv.report(model)["courses"] == 1


def test_the_deliberation_day_is_monthly_chairs_rotate_and_bring_proposals(make_model):
    model = make_model(steps=40, deliberation={"meeting_interval": 7, "mode": "council"},
                       interventions={"deliberation_day": {"chairs": 5}})
    model.run_for(40)
    iv = programme(model, "deliberation_day")
    assert model.deliberation_rules.meeting_interval == 4 and model.deliberation_rules.mode == "snowball"
    assert model.deliberation_rules.facilitation >= 0.6
    assert iv.days == 10 and len(iv.chair_rows) == 5
    raised = [i.raised_by for i in model.issues.values() if i.raised_by in set(iv.chair_rows.tolist())]
    assert iv.proposals > 0 and len(raised) >= iv.proposals


def test_the_deliberation_days_rules_end_with_its_schedule(make_model):
    model = make_model(steps=30, deliberation={"meeting_interval": 7},
                       interventions={"deliberation_day": {"schedule": {"start": 1, "end": 12}}})
    model.run_for(30)
    assert model.deliberation_rules.meeting_interval == 7 and model.deliberation_rules.mode == "snowball"
    assert model.deliberation_rules.facilitation == model.config.deliberation.facilitation


def test_mode_choice_tries_every_candidate_and_keeps_the_best_attended(make_model):
    model = make_model(steps=80, issues={"rate": 8.0},
                       interventions={"mode_choice": {"candidates": ["elite", "all_member"], "trials": 2}})
    model.run_for(80)
    iv = programme(model, "mode_choice")
    assert all(len(v) == 2 for v in iv.shares.values())
    best = max(iv.params.candidates, key=lambda m: np.mean(iv.shares[m]))
    assert iv.chosen == best == model.deliberation_rules.mode


def test_mode_choice_refuses_unknown_or_repeated_modes():
    for candidates, key in ((["snowball", "smoke_signals"], "interventions.mode_choice.candidates[1]"),
                            (["cloud", "cloud"], "interventions.mode_choice.candidates"),
                            ([], "interventions.mode_choice.candidates")):
        with pytest.raises(ConfigError) as err:
            validate_config({"interventions": {"mode_choice": {"candidates": candidates}}})
        assert err.value.key == key


def test_the_indicator_evaluation_raises_cadres_practice_by_the_shortfall(make_model):
    model = make_model(steps=26, interventions={"indicator_evaluation": {"pressure": 0.2}})
    model.run_for(25)
    before = [o.responsiveness for o in model.cadres]
    score, parts = evaluation_score(model, 26)
    model.run_for(1)
    assert set(parts) == {"ever_attended", "issues_answered", "courtyards_deliberating"}
    assert 0 <= score <= 1
    for o, b in zip(model.cadres, before):
        assert o.responsiveness == pytest.approx(min(1.0, b + 0.2 * (1 - score)))


def test_street_office_training_reaches_the_street_office_only(make_model):
    model = make_model(steps=3, interventions={"street_office_training": {"schedule": {"start": 2}, "fade": 0.0}})
    office, cadre = model.street_office.openness, model.cadres[0].openness
    model.run_for(3)
    assert model.street_office.openness == pytest.approx(office + 0.2)
    assert model.cadres[0].openness == cadre
