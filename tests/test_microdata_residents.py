"""Residents copied from a survey: scale-up by weight, courtyards, imputation, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import validate_config
from sim.microdata import MicrodataError, draw_residents, read_survey, scale_up
from sim.model import CommunityModel

HEADER = "id,age_group,interest,efficacy,trust,capacity,online"


def write(tmp_path, lines, name="survey.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_scale_up_copies_match_weights(tmp_path):
    path = write(tmp_path, [HEADER + ",weight", "a,1,1,1,1,1,1,1", "b,1,2,2,2,2,1,3", "c,1,3,3,3,3,1,6"])
    source = scale_up(read_survey(path), np.zeros(1000, dtype=np.int32), np.random.default_rng(1))
    assert np.bincount(source).tolist() == [100, 300, 600]  # controlled rounding: exact here


def test_scale_up_rounds_fractional_copies_by_at_most_one(tmp_path):
    path = write(tmp_path, [HEADER + ",weight", "a,1,1,1,1,1,1,1", "b,1,2,2,2,2,1,1", "c,1,3,3,3,3,1,1"])
    survey = read_survey(path)
    for seed in range(5):
        counts = np.bincount(scale_up(survey, np.zeros(100, dtype=np.int32), np.random.default_rng(seed)))
        assert counts.sum() == 100 and set(counts) <= {33, 34}


def test_courtyards_are_filled_from_their_own_respondents(tmp_path):
    lines = [HEADER + ",courtyard", "a,1,5,5,5,5,1,10", "b,3,1,1,1,1,0,20"]
    survey = read_survey(write(tmp_path, lines))
    courtyard = np.repeat([0, 1, 2], 50).astype(np.int32)
    source = scale_up(survey, courtyard, np.random.default_rng(0))
    assert (source[:50] == 0).all() and (source[50:100] == 1).all()  # codes 10, 20 -> courtyards 0, 1
    assert set(source[100:]) == {0, 1}  # a courtyard without respondents draws on the whole sample


def test_more_survey_courtyards_than_network_is_refused(tmp_path):
    lines = [HEADER + ",courtyard"] + [f"r{i},1,3,3,3,3,1,{i}" for i in range(5)]
    with pytest.raises(MicrodataError, match="5 courtyards in the survey but the network has 2"):
        scale_up(read_survey(write(tmp_path, lines)), np.repeat([0, 1], 10).astype(np.int32),
                 np.random.default_rng(0))


def test_model_residents_take_survey_answers(tmp_path):
    path = write(tmp_path, [HEADER + ",satisfaction,cooperation", "a,1,5,4,3,2,1,1,2", "b,3,1,2,3,4,0,5,1"])
    model = CommunityModel({"community": {"n_residents": 300, "residents": str(path)}, "leaders": {"n_initial": 5}})
    s = model.state
    young = s.age_group == 0
    assert young.sum() == 150 and (s.age_group[~young] == 2).all()
    assert np.allclose(s.interest[young], 0.9) and np.allclose(s.interest[~young], 0.1)
    assert np.allclose(s.efficacy[young], 0.7) and np.allclose(s.capacity[~young], 0.7)
    assert np.allclose(s.satisfaction[~young], 0.9)
    assert s.online[young].all() and not s.online[~young].any()
    assert (s.cooperation[young] == 2).all() and (s.cooperation[~young] == 1).all()


def test_missing_answers_are_imputed_from_configured_distributions(tmp_path):
    path = write(tmp_path, [HEADER, "a,3,3,3,,3,", "b,3,3,3,,3,"])
    community = {"n_residents": 3000, "residents": str(path), "trust_mean": 0.8, "online_elderly": 0.2}
    model = CommunityModel({"community": community, "leaders": {"n_initial": 5}})
    s = model.state
    assert s.trust.std() > 0.05  # drawn per resident, not one value per respondent
    assert s.trust.mean() == pytest.approx(0.8, abs=0.02)
    assert s.online.mean() == pytest.approx(0.2, abs=0.03)  # elderly by the survey -> online_elderly


def test_same_seed_same_residents_and_other_seed_other_imputations(tmp_path):
    path = write(tmp_path, [HEADER + ",weight", "a,1,5,,3,2,1,1.5", "b,2,1,2,3,,0,1", "c,3,2,2,2,2,,2"])
    cfg = {"community": {"n_residents": 300, "residents": str(path)}, "leaders": {"n_initial": 5}}
    one, two = CommunityModel(cfg), CommunityModel(cfg)
    for name in ("interest", "efficacy", "capacity", "online", "age_group", "trust"):
        assert np.array_equal(getattr(one.state, name), getattr(two.state, name))
    other = CommunityModel({**cfg, "seed": 7})
    assert not np.array_equal(one.state.efficacy, other.state.efficacy)


def test_draw_residents_uses_only_the_generator_given(tmp_path):
    path = write(tmp_path, [HEADER, "a,1,5,,3,2,1", "b,2,1,2,3,,0"])
    cfg = validate_config({"community": {"n_residents": 120, "residents": str(path)}})
    courtyard, household = np.repeat([0, 1], 60), np.arange(120) // 3
    a = draw_residents(cfg.community, courtyard, household, np.random.default_rng(3))
    b = draw_residents(cfg.community, courtyard, household, np.random.default_rng(3))
    assert np.array_equal(a.efficacy, b.efficacy) and np.array_equal(a.capacity, b.capacity)


def test_worked_example_survey_is_valid_and_runs():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "riverside" / "survey.csv"
    survey = read_survey(path)
    assert survey.n == 300 and survey.table["weight"].nunique() == 2  # elderly over-sampled
    model = CommunityModel({"community": {"residents": str(path)}, "steps": 8})
    model.run_for(8)
    assert model.state.n == 2000
