"""No control of the app can hand the model a value it rejects; scenarios load as the CLI runs them."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from app.settings import (CONTROL_BY_KEY, CONTROLS, DEFAULT_RESIDENTS, Settings, dose_kind, get_key, intervention_defaults,
                          scenario_config)
from sim.cli import known_scenarios
from sim.config import validate_config
from sim.interventions import REGISTRY


def positions(lo, hi, step, kind):
    """The ends, the steps next to them and the middle of a slider."""
    values = {lo, hi, min(hi, lo + step), max(lo, hi - step), lo + round((hi - lo) / step / 2) * step}
    return sorted(int(v) if kind == "int" else float(v) for v in values)


@pytest.fixture(scope="module")
def base():
    return Settings.from_scenario("baseline")


@pytest.mark.parametrize("key", [c.key for c in CONTROLS])
@pytest.mark.parametrize("residents", [50, 500])
def test_every_slider_position_and_choice_is_accepted(base, key, residents):
    s = dataclasses.replace(base, values={**base.values, "community.n_residents": residents}).clamped()
    c = s.control(key)
    values = c.choices if c.kind == "choice" else positions(c.lo, c.hi, c.step, c.kind)
    for value in values:
        cfg = dataclasses.replace(s, values={**s.values, key: value}).clamped().config()
        validate_config(cfg)  # raises ConfigError if the model would refuse it


def test_residents_any_size_from_50_to_500_in_steps_of_10():
    c = CONTROL_BY_KEY["community.n_residents"]
    assert (c.lo, c.hi, c.step) == (50, 500, 10)
    base = Settings.from_scenario("baseline")
    for n in (50, 100, 370, 500):
        s = dataclasses.replace(base, values={**base.values, "community.n_residents": n}).clamped()
        assert s.values["community.n_residents"] == n
        assert validate_config(s.config()).community.n_residents == n


def test_dependent_ranges_are_narrowed():
    s = Settings.from_scenario("baseline")
    s.values["community.n_residents"] = 50
    s.values["leaders.n_initial"] = 200
    assert s.control("leaders.n_initial").hi == 50
    assert s.clamped().values["leaders.n_initial"] == 50


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_programme_setting_is_accepted(base, name):
    """Every position of a programme's start, dose and repeat sliders (after the snapping the
    page applies through ``clamped``) gives a config the model accepts."""
    for residents, steps in ((50, 12), (DEFAULT_RESIDENTS, 156)):
        s = copy.deepcopy(base)
        s.values.update({"community.n_residents": residents, "steps": steps})
        s.interventions[name].on = True
        s = s.clamped()
        validate_config(s.config())
        for field in ("start", "dose", "period"):
            rng = s.programme_range(name, field)
            if rng is None:
                continue
            lo = 0 if field == "period" else rng[0]  # the repeat slider starts at 0 (once)
            kind = "float" if field == "dose" and dose_kind(name, s.interventions[name].base) == "share" else "int"
            for value in sorted({lo, rng[0], (lo + rng[1]) // 2 if kind == "int" else (lo + rng[1]) / 2, rng[1]}):
                t = copy.deepcopy(s)
                setattr(t.interventions[name], field, value)
                cfg = validate_config(t.clamped().config())
                assert name in cfg.interventions


def test_programme_ranges_follow_the_programmes_own_rules(base):
    """The public fund runs a yearly procedure whose last step is in week 50: it cannot repeat sooner."""
    if "community_public_fund" not in REGISTRY:
        pytest.skip("the community public fund programme is not in this build")
    s = copy.deepcopy(base)
    fund = s.interventions["community_public_fund"]
    fund.on = True
    lo, hi, _ = s.programme_range("community_public_fund", "period")
    assert lo > 1 and hi == s.values["steps"]
    fund.period = 2
    assert s.clamped().interventions["community_public_fund"].period == lo


def test_programme_controls_reach_the_config(base):
    s = copy.deepcopy(base)
    training = s.interventions["empowerment_training"]
    training.on, training.start, training.dose, training.period = True, 20, 55, 26
    leaders = s.interventions["random_leader_assignment"]
    leaders.on, leaders.start, leaders.dose = True, 5, 10
    cfg = validate_config(s.config())
    assert (cfg.interventions["empowerment_training"].schedule.start, cfg.interventions["empowerment_training"].target.count,
            cfg.interventions["empowerment_training"].schedule.period) == (20, 55, 26)
    assert (cfg.interventions["random_leader_assignment"].schedule.start,
            cfg.interventions["random_leader_assignment"].schedule.end) == (5, 14)
    leaders.dose = 0
    assert validate_config(s.config()).interventions["random_leader_assignment"].schedule.end is None
    training.on = False
    assert "empowerment_training" not in validate_config(s.config()).interventions


@pytest.mark.parametrize("name", known_scenarios())
def test_a_scenario_loads_its_preset_keeping_size_seed_and_weeks(name):
    keep = Settings.from_scenario("baseline")
    keep.values["community.n_residents"], keep.values["steps"], keep.seed = 120, 40, 9
    s = Settings.from_scenario(name, keep=keep.clamped())
    preset = scenario_config(name)
    cfg = s.config()
    assert (s.seed, cfg["seed"], cfg["community"]["n_residents"], cfg["steps"]) == (9, 9, 120, 40)
    for c in CONTROLS:
        if c.key not in ("community.n_residents", "steps", "leaders.n_initial"):
            assert get_key(cfg, c.key) == get_key(preset, c.key), c.key
    assert set(cfg["interventions"]) == set(preset.get("interventions") or {})
    validate_config(cfg)


def test_baseline_settings_are_the_cli_default_but_smaller():
    cfg = Settings.from_scenario("baseline").config()
    preset = copy.deepcopy(scenario_config("baseline"))
    preset["community"]["n_residents"] = DEFAULT_RESIDENTS
    assert cfg == preset
    assert set(intervention_defaults()) == set(REGISTRY)
    assert np.isclose(cfg["officials"]["power_retained"], 0.9)
