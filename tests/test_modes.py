"""Deliberation modes: who is invited, and how attendees are grouped."""

from __future__ import annotations

import numpy as np
import pytest

from sim import modes

STATIC_LEADERS = {"n_initial": 10, "emergence_rate": 0.0, "stepdown_rate": 0.0}


def run_and_collect(model, steps=40):
    """Attendees and their groups on every deliberation day of the run."""
    days = []
    for _ in range(steps):
        model.step()
        if model.meetings is not None:
            days.append((model.meetings.members.copy(), model.meetings.member_group.copy()))
    assert days, "no meetings"
    return days


@pytest.mark.parametrize("mode, invited", [
    ("cloud", lambda m: m.state.online),
    ("elite", lambda m: m.state.is_leader | (m.state.interest >= m.elite_interest_cutoff)),
    ("council", lambda m: m.council_member),
    ("all_member", lambda m: m.household_representative),
])
def test_only_invited_residents_attend(make_model, mode, invited):
    model = make_model(seed=3, leaders=STATIC_LEADERS, deliberation={"mode": mode})
    mask = invited(model).copy()
    assert mask.any() and not mask.all()
    for members, _ in run_and_collect(model):
        assert mask[members].all()


@pytest.mark.parametrize("mode", sorted(modes.GROUPED_BY_COURTYARD))
def test_courtyard_modes_meet_by_courtyard(make_model, mode):
    model = make_model(seed=4, leaders=STATIC_LEADERS, deliberation={"mode": mode})
    for members, group in run_and_collect(model):
        court = model.state.courtyard[members]
        for g in np.unique(group):
            assert len(np.unique(court[group == g])) == 1


@pytest.mark.parametrize("mode", ["elite", "council"])
def test_mixed_modes_mix_courtyards(make_model, mode):
    model = make_model(seed=4, leaders=STATIC_LEADERS, deliberation={"mode": mode, "council_size": 40})
    mixed = 0
    for members, group in run_and_collect(model):
        court = model.state.courtyard[members]
        mixed += sum(len(np.unique(court[group == g])) > 1 for g in np.unique(group))
    assert mixed > 0


def test_representatives(make_model):
    model = make_model(seed=5, deliberation={"council_size": 21})
    s = model.state
    assert model.council_member.sum() == 21
    reps = np.flatnonzero(model.household_representative)
    np.testing.assert_array_equal(np.sort(s.household[reps]), np.unique(s.household))  # one per household
    assert np.isclose((s.interest >= model.elite_interest_cutoff).mean(), 0.2, atol=0.01)


def test_online_taking_part_is_cheaper(make_model):
    model = make_model(deliberation={"mode": "panoramic", "cloud_cost_factor": 0.3})
    factor = modes.cost_factor(model, "panoramic")
    np.testing.assert_array_equal(factor, np.where(model.state.online, 0.3, 1.0))
    assert modes.cost_factor(model, "cloud") == 0.3 and modes.cost_factor(model, "snowball") == 1.0
