"""Cloud deliberation: the online mode is in force on schedule, costs less, and draws younger
attendees; the share of residents online can be set."""

from __future__ import annotations

import numpy as np
import pytest

from sim.modes import cost_factor
from sim.state import AgeGroup


def cloud(model):
    (iv,) = [iv for iv in model.interventions if iv.name == "cloud_deliberation"]
    return iv


def test_online_mode_is_in_force_only_on_schedule(make_model):
    model = make_model(interventions={"cloud_deliberation": {"schedule": {"start": 4, "end": 9}, "mode": "panoramic"}})
    modes = []
    for _ in range(12):
        model.step()
        modes.append(model.deliberation_rules.mode)
    assert modes == ["snowball"] * 3 + ["panoramic"] * 6 + ["snowball"] * 3
    assert model.config.deliberation.mode == "snowball"  # the run's config is left as it was


def test_taking_part_online_costs_less(make_model):
    model = make_model(interventions={"cloud_deliberation": {}})
    model.step()
    assert cost_factor(model, model.deliberation_rules.mode) == pytest.approx(0.3)
    only_online = make_model(interventions={"cloud_deliberation": {"mode": "panoramic"}})
    only_online.step()
    factor = cost_factor(only_online, "panoramic")
    np.testing.assert_allclose(factor, np.where(only_online.state.online, 0.3, 1.0))


def test_online_share_is_set_when_the_programme_starts(make_model):
    for share in (0.2, 0.95):
        model = make_model(interventions={"cloud_deliberation": {"schedule": {"start": 3}, "online_share": share}})
        before = model.state.online.copy()
        model.run_for(2)
        np.testing.assert_array_equal(model.state.online, before)
        model.step()
        assert model.state.online.sum() == round(share * model.state.n)
        changed = model.state.online != before
        assert (model.state.online[changed] == (share > before.mean())).all()  # only one direction


def test_stat_cloud_draws_more_online_and_younger_attendees(make_model, stat_seed):
    """Same seeds with and without: residents online take part more (it costs them less), and the
    attendees are younger (the offline, mostly elderly, are not in the chat groups)."""
    young, turnout = {}, {}
    for label, ivs in (("offline", {}), ("cloud", {"cloud_deliberation": {}})):
        n_young, n_attendees, n_online, days = 0, 0, 0, 0
        for seed in (stat_seed, stat_seed + 300):
            model = make_model(seed=seed, steps=40, interventions=ivs)
            for _ in range(40):
                model.step()
                if model.is_deliberation_day:
                    n_young += int((model.state.age_group[model.attendees] == AgeGroup.YOUNG).sum())
                    n_attendees += len(model.attendees)
                    n_online += int(model.state.online[model.attendees].sum())
                    days += 1
        young[label] = n_young / n_attendees
        turnout[label] = n_online / days
    assert young["cloud"] > young["offline"] + 0.04, young
    assert turnout["cloud"] > 1.2 * turnout["offline"], turnout


def test_report_splits_attendees_before_and_in_force(make_model):
    model = make_model(steps=40, interventions={"cloud_deliberation": {"schedule": {"start": 17}}})
    model.run_for(40)
    report = cloud(model).report(model)
    assert report["online_share_of_attendees_in_force"] == 1.0  # cloud mode invites only the online
    assert report["online_share_of_attendees_before"] < 1.0
    assert report["attendees_per_day_before"] > 0 and report["attendees_per_day_in_force"] > 0
