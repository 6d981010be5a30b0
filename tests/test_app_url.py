"""The settings travel in the page's address and come back unchanged; a bad address still opens."""

from __future__ import annotations

import copy

from app.settings import Settings
from app.url import settings_from_query, settings_query


def test_the_preset_needs_only_language_scenario_seed_size_and_weeks():
    s = Settings.from_scenario("empowerment_training")
    query = settings_query(s, "zh")
    assert query == "lang=zh&scenario=empowerment_training&seed=42&community.n_residents=300&steps=156"
    back, lang, ignored = settings_from_query(query)
    assert (back, lang, ignored) == (s, "zh", [])


def test_custom_settings_round_trip():
    s = copy.deepcopy(Settings.from_scenario("baseline"))
    s.seed = 9
    s.values.update({"community.n_residents": 120, "officials.openness": 0.55, "deliberation.mode": "cloud"})
    training = s.interventions["empowerment_training"]
    training.on, training.start, training.dose, training.period = True, 20, 40, 26
    s.compare = ("empowerment_training",)
    s = s.clamped()
    back, lang, ignored = settings_from_query("?" + settings_query(s, "en"))
    assert ignored == [] and lang == "en"
    assert back == s


def test_a_scenario_with_its_programmes_switched_off():
    s = copy.deepcopy(Settings.from_scenario("empowerment_training"))
    s.interventions["empowerment_training"].on = False
    query = settings_query(s, "en")
    assert query.endswith("&programmes=")
    back, _, _ = settings_from_query(query)
    assert not any(iv.on for iv in back.interventions.values())


def test_what_cannot_be_read_is_ignored_and_named():
    back, lang, ignored = settings_from_query(
        "lang=fr&scenario=nowhere&seed=-1&community.n_residents=12&officials.openness=high&colour=red"
        "&programmes=nothing:1:2:3&compare=empowerment_training,nothing")
    assert lang is None and back.scenario == "baseline" and back.seed == 42
    assert back.values["community.n_residents"] == 300
    assert ignored == ["scenario=nowhere", "seed=-1", "community.n_residents=12", "officials.openness=high",
                       "colour=red", "programmes=nothing:1:2:3", "compare=nothing"]
    assert back.compare == ("empowerment_training",)
