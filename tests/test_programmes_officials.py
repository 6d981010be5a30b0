"""Returning power and administrative load relief: officials' state changes on schedule, and what
that does to responses and to the rungs residents can reach."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents import Official
from sim.ladder import Response, Rung
from sim.schema import ConfigError
from sim.config import validate_config

FAST_RETURN = {"schedule": {"start": 5, "period": 5}, "cede": 0.1, "floor": 0.3}


def test_power_is_ceded_on_schedule_down_to_the_floor(make_model):
    model = make_model(interventions={"returning_power": FAST_RETURN})
    officials = list(model.agents_by_type[Official])
    path = []
    for _ in range(40):
        model.step()
        powers = {o.power_retained for o in officials}
        assert len(powers) == 1  # every official cedes alike
        path.append(powers.pop())
    cessions = [min(6, w // 5) for w in range(1, 41)]
    np.testing.assert_allclose(path, [max(0.3, 0.9 - 0.1 * k) for k in cessions], atol=1e-12)
    report = model.interventions[0].report(model)
    assert report["partnership_from_step"] == 15 and report["delegation_from_step"] == 30
    assert report["cadres_power_retained"] == pytest.approx(0.3)


def test_power_already_below_the_floor_is_not_taken_back(make_model):
    model = make_model(officials={"power_retained": 0.2}, interventions={"returning_power": FAST_RETURN})
    model.run_for(20)
    assert all(o.power_retained == pytest.approx(0.2) for o in model.agents_by_type[Official])


def test_only_officials_can_cede_power():
    with pytest.raises(ConfigError, match="target.kind"):
        validate_config({"interventions": {"returning_power": {"target": {"kind": "all"}}}})


def test_rungs_six_to_eight_open_only_after_power_is_returned(make_model):
    model = make_model(steps=80, organisations={"founding_rate": 0.2, "public_good_share": 1.0},
                       interventions={"returning_power": FAST_RETURN})
    model.run_for(80)
    meetings = model.meetings_frame()
    before = meetings[meetings["step"] < 15]  # power >= partnership threshold 0.7 until week 15
    shared = meetings[(meetings["step"] >= 15) & (meetings["step"] < 30)]
    delegated = meetings[meetings["step"] >= 30]
    assert len(before) and (before["rung"] <= Rung.PLACATION).all()
    assert shared["rung"].max() == Rung.PARTNERSHIP
    assert delegated["rung"].max() >= Rung.DELEGATED_POWER
    assert (model.state.rung >= Rung.PARTNERSHIP).any()


def test_stat_returned_power_means_input_is_decided(make_model, stat_seed):
    """With power returned, more proposals are adopted: residents' bodies decide them."""
    adopted = {}
    for label, ivs in (("kept", {}), ("returned", {"returning_power": {"schedule": {"start": 1}, "cede": 0.6}})):
        model = make_model(seed=stat_seed, steps=52, interventions=ivs)
        model.run_for(52)
        adopted[label] = (model.meetings_frame()["response"] == Response.ADOPTED).mean()
    assert adopted["returned"] > adopted["kept"] + 0.2, adopted


# -- load relief ----------------------------------------------------------------------------------
def test_load_is_cut_on_schedule(make_model):
    model = make_model(interventions={"load_relief": {"schedule": {"start": 3, "period": 4, "end": 11},
                                                      "load_cut": 0.5, "floor": 0.05}})
    loads = []
    for _ in range(14):
        model.step()
        loads.append(model.cadres[0].admin_load)
    expected = [0.3, 0.3, 0.15, 0.15, 0.15, 0.15, 0.075, 0.075, 0.075, 0.075, 0.05, 0.05, 0.05, 0.05]
    np.testing.assert_allclose(loads, expected)
    assert model.street_office.admin_load == pytest.approx(0.05)


def test_stat_load_relief_raises_the_response_rate(make_model, stat_seed):
    """Officials keep all power and feel no threat: responses come only from responsiveness x (1 - load)."""
    officials = {"power_retained": 1.0, "threat_effect": 0.0, "admin_load": 0.6}
    answered = {}
    for label, ivs in (("loaded", {}), ("relieved", {"load_relief": {"schedule": {"start": 1}, "load_cut": 1.0,
                                                                      "floor": 0.0}})):
        rates = []
        for seed in (stat_seed, stat_seed + 500):
            model = make_model(seed=seed, steps=52, officials=officials, interventions=ivs)
            model.run_for(52)
            m = model.meetings_frame()
            rates.append((m.loc[m["group_size"] >= 2, "response"] != Response.IGNORED).mean())
        answered[label] = np.mean(rates)
    # expected 0.45 x 0.4 = 0.18 under load, 0.45 once relieved
    assert answered["loaded"] < 0.28 and answered["relieved"] > 0.35, answered
