"""Participation: the probability function (R = pB - C + D + social terms) and who turns up in a run."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import ParticipationConfig
from sim.participation import neighbour_signals, participation_probability
from sim.state import CooperationType

CC, FR, UC = (CooperationType.CONDITIONAL_COOPERATOR, CooperationType.FREE_RIDER,
              CooperationType.UNCONDITIONAL_COOPERATOR)

BASE = dict(efficacy=0.4, trust=0.5, stake=0.8, interest=0.5, time_cost=0.5, capacity=0.3,
            cooperation=CC, belief=0.5, active_share=0.3, threshold=0.3, leader_pull=0.0,
            public_good_member=0.0)


def prob(cfg=None, **kw):
    return participation_probability(cfg or ParticipationConfig(), **{**BASE, **kw})


GRID = np.linspace(0.0, 1.0, 21)


@pytest.mark.parametrize("coop", [CC, FR, UC])
def test_probability_rises_strictly_with_efficacy(coop):
    p = prob(efficacy=GRID, cooperation=np.full(len(GRID), coop))
    assert p.shape == GRID.shape
    assert np.all(np.diff(p) > 0)


def test_scalar_and_array_calls_agree():
    arr = prob(efficacy=GRID)
    scalars = [float(prob(efficacy=e)) for e in GRID]
    np.testing.assert_allclose(arr, scalars, rtol=0, atol=0)
    assert np.all((arr > 0) & (arr < 1))


@pytest.mark.parametrize("name, direction", [
    ("trust", +1),          # p = (efficacy + trust) / 2
    ("stake", +1),          # benefit
    ("interest", +1),       # benefit
    ("capacity", +1),       # skills relieve time cost
    ("time_cost", -1),      # cost
    ("leader_pull", +1),    # leaders recruit neighbours
    ("public_good_member", +1),
    ("belief", +1),         # a conditional cooperator's duty follows their belief
    ("active_share", +1),   # Granovetter threshold
    ("threshold", -1),
])
def test_probability_is_monotone_in_each_driver(name, direction):
    p = prob(**{name: GRID})
    assert np.all(direction * np.diff(p) > 0), f"P(take part) not monotone in {name}"


def test_zero_benefit_makes_efficacy_irrelevant():
    p = prob(efficacy=GRID, stake=0.0)
    np.testing.assert_allclose(p, p[0])


def test_free_riders_ignore_neighbours_and_duty():
    p = prob(active_share=GRID, cooperation=FR)
    np.testing.assert_allclose(p, p[0])
    p_belief = prob(belief=GRID, cooperation=FR)
    np.testing.assert_allclose(p_belief, p_belief[0])


def test_cooperation_types_are_ordered():
    coop = np.array([FR, CC, UC])
    p = prob(cooperation=coop, belief=0.5, active_share=0.4)
    assert p[0] < p[1] < p[2]


def test_logistic_slope_and_intercept():
    cfg = ParticipationConfig()
    flat = ParticipationConfig(beta=0.0)
    np.testing.assert_allclose(prob(flat, efficacy=GRID), 0.5)
    higher = ParticipationConfig(intercept=cfg.intercept + 0.5)
    assert np.all(prob(higher, efficacy=GRID) > prob(cfg, efficacy=GRID))


def test_no_leaders_means_no_leader_pull(make_model):
    model = make_model(leaders={"n_initial": 0})
    _, leader_pull = neighbour_signals(model)
    assert not model.state.is_leader.any()
    assert np.all(leader_pull == 0)


def test_leader_pull_reaches_exactly_the_leaders_and_their_neighbours(make_model):
    model = make_model(leaders={"n_initial": 10})
    _, leader_pull = neighbour_signals(model)
    leader_neighbour = (model.adjacency @ model.state.is_leader.astype(float)) > 0
    assert (leader_neighbour & ~model.state.is_leader).any()
    np.testing.assert_array_equal(leader_pull > 0, leader_neighbour | model.state.is_leader)
    assert np.all(leader_pull <= 1)


def _first_meeting_day_attendees(make_model, seed, efficacy_bump):
    # No step-downs and no organisations, so nothing before the first deliberation day depends on
    # efficacy and both runs draw the same random numbers up to the participation decision.
    model = make_model(seed=seed, leaders={"n_initial": 10, "stepdown_rate": 0.0},
                       organisations={"founding_rate": 0.0})
    model.state.efficacy[:] = np.clip(model.state.efficacy + efficacy_bump, 0, 1)
    interval = model.config.deliberation.meeting_interval
    model.run_for(interval)
    return set(np.flatnonzero(model.state.took_part).tolist())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_raising_efficacy_adds_attendees_on_the_same_draws(make_model, seed):
    low = _first_meeting_day_attendees(make_model, seed, 0.0)
    high = _first_meeting_day_attendees(make_model, seed, 0.3)
    assert low, "no meeting on the first deliberation day; pick another seed"
    assert low <= high
    assert len(high) > len(low)


def test_stat_raising_everyones_efficacy_raises_attendance(make_model, stat_seed):
    """Everyone's efficacy set low or high and held there (no learning) for the whole run."""
    totals = {}
    for efficacy in (0.1, 0.9):
        total = 0
        for seed in (stat_seed, stat_seed + 1000, stat_seed + 2000):
            model = make_model(seed=seed, attitudes={"efficacy_rate": 0.0})
            model.state.efficacy[:] = efficacy
            model.run_for(52)
            total += int(model.state.meetings_attended.sum())
        totals[efficacy] = total
    assert totals[0.9] > 1.1 * totals[0.1], totals


def test_stat_free_riders_attend_less(make_model, stat_seed):
    model = make_model(seed=stat_seed)
    model.run_for(52)
    s = model.state
    mean = {t: s.meetings_attended[s.cooperation == t].mean() for t in (CC, FR, UC)}
    assert (s.cooperation == FR).sum() > 30
    assert mean[FR] < 0.5 * mean[CC], mean
    assert mean[CC] < mean[UC], mean


def test_attendees_are_invited_residents(make_model):
    """Snowball mode: only residents touched by an open issue can take part."""
    from sim import modes
    from sim.participation import decide_participation

    model = make_model(seed=4, issues={"rate": 1.0})
    for _ in range(20):  # until some, but not all, residents have an open issue
        model.step()
        invited = modes.eligible(model, "snowball").copy()
        if invited.any() and not invited.all():
            break
    assert invited.any() and not invited.all()
    rows = decide_participation(model)
    assert len(rows) > 0
    assert invited[rows].all()
    np.testing.assert_array_equal(np.flatnonzero(model.state.took_part), rows)
