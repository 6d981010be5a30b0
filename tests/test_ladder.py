"""Arnstein's ladder: the rung table, shares, the community rung, and residents' rungs in a run."""

from __future__ import annotations

import numpy as np
import pytest

from sim.ladder import Response, Rung, community_rung, ladder_shares, meeting_rungs

I, P, A = Response.IGNORED, Response.PARTLY_ADOPTED, Response.ADOPTED
PARTNERSHIP, DELEGATION = 0.7, 0.4


# response, steered, power retained, carried out by a public-good organisation -> rung
TABLE = [
    (I, True, 0.9, False, Rung.THERAPY),
    (I, True, 0.1, True, Rung.THERAPY),
    (I, False, 0.9, False, Rung.CONSULTATION),
    (I, False, 0.1, True, Rung.CONSULTATION),
    (P, False, 0.9, False, Rung.PLACATION),
    (P, True, 0.9, False, Rung.PLACATION),   # a steered meeting that got a response is not therapy
    (P, False, 0.1, True, Rung.PLACATION),   # partly adopted never shares power
    (A, False, 0.9, False, Rung.PLACATION),  # adopted at the officials' discretion
    (A, False, 0.7, False, Rung.PLACATION),  # at the partnership threshold: still placation
    (A, True, 0.69, False, Rung.PARTNERSHIP),
    (A, False, 0.5, True, Rung.PARTNERSHIP),  # carried out, but power was not delegated
    (A, False, 0.4, False, Rung.PARTNERSHIP),  # at the delegation threshold: shared, not delegated
    (A, False, 0.39, False, Rung.DELEGATED_POWER),
    (A, True, 0.0, False, Rung.DELEGATED_POWER),
    (A, False, 0.2, True, Rung.CITIZEN_CONTROL),
]


@pytest.mark.parametrize("response, steered, power, carried_out, expected", TABLE)
def test_meeting_rung_table(response, steered, power, carried_out, expected):
    rung = meeting_rungs(np.array([response]), np.array([steered]), np.array([power]),
                         np.array([carried_out]), PARTNERSHIP, DELEGATION)
    assert rung.tolist() == [int(expected)]


def test_meeting_rungs_is_vectorised_over_groups():
    cols = list(zip(*TABLE))
    rung = meeting_rungs(np.array(cols[0]), np.array(cols[1]), np.array(cols[2]), np.array(cols[3]),
                         PARTNERSHIP, DELEGATION)
    assert rung.tolist() == [int(r) for r in cols[4]]


def test_rung_groups():
    assert [Rung(r).group for r in range(1, 9)] == (
        ["non-participation"] * 2 + ["tokenism"] * 3 + ["citizen power"] * 3)


def test_ladder_shares():
    rungs = np.array([1, 1, 3, 4, 4, 4, 8, 5], dtype=np.int8)
    shares = ladder_shares(rungs)
    assert len(shares) == 8
    np.testing.assert_allclose(shares, [2 / 8, 0, 1 / 8, 3 / 8, 1 / 8, 0, 0, 1 / 8])
    rng = np.random.default_rng(0)
    for _ in range(20):
        random_rungs = rng.integers(1, 9, size=int(rng.integers(1, 500))).astype(np.int8)
        s = ladder_shares(random_rungs)
        assert s.sum() == pytest.approx(1.0)
        assert (s >= 0).all()


def test_community_rung_is_the_lower_median_of_recent_decisions():
    decisions = [(1, 8), (2, 2), (3, 4), (4, 6), (5, 5)]
    assert community_rung(decisions, now=5, window=52) == 5   # 2 4 5 6 8 -> 5
    assert community_rung(decisions, now=5, window=4) == 4    # steps 2..5: 2 4 5 6 -> lower median 4
    assert community_rung(decisions, now=5, window=2) == 5    # steps 4, 5: 5 6 -> 5
    assert community_rung(decisions, now=5, window=1) == 5    # step 5 only
    assert community_rung(decisions, now=10, window=5) == 1   # (5, 10]: nothing decided -> rung 1
    assert community_rung(decisions, now=10, window=6) == 5   # step 5 is just inside (4, 10]
    assert community_rung([], now=3, window=52) == 1
    assert community_rung([(1, 7), (1, 3)], now=1, window=1) == 3


def test_residents_rung_is_the_highest_reached_and_never_falls(make_model):
    model = make_model(seed=3)
    s = model.state
    prev = s.rung.copy()
    assert (prev == Rung.MANIPULATION).all()
    seen_now = np.ones(s.n, dtype=np.int8)
    for _ in range(52):
        model.step()
        assert (s.rung >= prev).all()
        np.testing.assert_array_equal(s.rung, np.maximum(prev, s.rung_now))
        seen_now = np.maximum(seen_now, s.rung_now)
        prev = s.rung.copy()
    np.testing.assert_array_equal(s.rung, seen_now)
    assert len(np.unique(s.rung)) >= 3  # the run actually climbed


def test_attendees_get_their_groups_rung_and_others_at_most_informing(make_model):
    model = make_model(seed=2)
    checked = 0
    for _ in range(40):
        model.step()
        if model.meetings is None:
            continue
        frame = model.meetings_frame()
        today = frame[frame["step"] == model.steps]
        group_rung = today["rung"].to_numpy()[model.meetings.member_group]
        got = model.state.rung_now[model.meetings.members]
        # an attendee of a steered, ignored group may still read the published results
        np.testing.assert_array_equal(got, np.where(group_rung < Rung.INFORMING,
                                                    np.maximum(got, group_rung), group_rung))
        assert (got[group_rung < Rung.INFORMING] <= Rung.INFORMING).all()
        others = np.ones(model.state.n, dtype=bool)
        others[model.meetings.members] = False
        assert (model.state.rung_now[others] <= Rung.INFORMING).all()
        checked += 1
    assert checked >= 5


def test_groups_without_a_proposal_are_informing(make_model):
    model = make_model(seed=6, deliberation={"group_size": 2})
    model.run_for(52)
    f = model.meetings_frame()
    lone = f[f["group_size"] < 2]
    assert len(lone) > 0
    assert (lone["rung"] == Rung.INFORMING).all()
    assert (lone["response"] == Response.IGNORED).all()
    assert set(f.loc[f["group_size"] >= 2, "rung"]) <= {2, 4, 5, 6, 7, 8}


def test_timeseries_ladder_shares_sum_to_one(make_model):
    model = make_model(seed=4)
    model.run_for(30)
    ts = model.timeseries()
    shares = ts[[f"rung_{k}" for k in range(1, 9)]]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    np.testing.assert_allclose(shares.iloc[-1].to_numpy(), ladder_shares(model.state.rung))


def test_community_rung_in_the_timeseries_follows_decisions(make_model):
    model = make_model(seed=5)
    model.run_for(60)
    assert model.decisions, "no decisions"
    ts = model.timeseries().set_index("step")
    for step in (10, 30, 60):
        expected = community_rung([d for d in model.decisions if d[0] <= step], step,
                                  model.config.ladder.window)
        assert ts.loc[step, "community_rung"] == expected


def test_power_sharing_officials_reach_higher_rungs(make_model):
    """Officials keeping little power: adopted proposals become delegated power or citizen control."""
    model = make_model(seed=7, officials={"power_retained": 0.1, "openness": 1.0})
    model.run_for(52)
    f = model.meetings_frame()
    adopted = f[(f["response"] == Response.ADOPTED) & (f["group_size"] >= 2)]
    assert len(adopted) > 5
    assert set(adopted["rung"]) <= {Rung.DELEGATED_POWER, Rung.CITIZEN_CONTROL}
    keeping = make_model(seed=7, officials={"power_retained": 0.9, "openness": 1.0})
    keeping.run_for(52)
    g = keeping.meetings_frame()
    assert (g.loc[g["response"] == Response.ADOPTED, "rung"] == Rung.PLACATION).all()
    assert keeping.state.rung.max() <= Rung.PLACATION
