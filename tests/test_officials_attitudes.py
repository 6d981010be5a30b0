"""Officials' responses to proposals, and what residents learn from them."""

from __future__ import annotations

import numpy as np

from sim.attitudes import PAYOFF
from sim.ladder import Response

# officials decide alone (no residents' body) and only their responsiveness makes them answer
NO_THREAT = {"threat_effect": 0.0, "power_retained": 1.0}


def _first_meeting_day(make_model, seed, **officials):
    model = make_model(seed=seed, officials={**NO_THREAT, **officials})
    model.run_for(model.config.deliberation.meeting_interval)
    frame = model.meetings_frame()
    assert len(frame) > 0, "no meeting on the first deliberation day; pick another seed"
    return frame[frame["group_size"] >= 2].reset_index(drop=True)


def test_more_responsive_officials_answer_every_proposal_the_others_answer(make_model):
    """Same seed, same meetings: responsiveness only changes which proposals get a response."""
    more = 0
    for seed in (1, 2, 3):
        low = _first_meeting_day(make_model, seed, responsiveness=0.2)
        high = _first_meeting_day(make_model, seed, responsiveness=0.8)
        same = ["step", "issue_id", "group_size", "chair", "initial_mean_opinion", "final_mean_opinion"]
        assert low[same].equals(high[same])
        assert (high["response"] >= low["response"]).all()
        more += (high["response"] > Response.IGNORED).sum() - (low["response"] > Response.IGNORED).sum()
    assert more > 0


def test_stat_higher_responsiveness_gives_more_responses(make_model, stat_seed):
    answered = {}
    for r in (0.1, 0.9):
        model = make_model(seed=stat_seed, officials={**NO_THREAT, "responsiveness": r})
        model.run_for(52)
        f = model.meetings_frame()
        f = f[f["group_size"] >= 2]
        assert len(f) > 30
        answered[r] = (f["response"] != Response.IGNORED).mean()
    assert answered[0.9] > answered[0.1] + 0.3, answered


def test_unresponsive_officials_ignore_everything(make_model):
    model = make_model(seed=2, officials={**NO_THREAT, "responsiveness": 0.0})
    model.run_for(40)
    f = model.meetings_frame()
    assert len(f) > 10
    assert (f["response"] == Response.IGNORED).all()
    assert set(f["rung"]) <= {2, 3, 4}


def test_fully_responsive_officials_answer_every_proposal(make_model):
    model = make_model(seed=2, officials={**NO_THREAT, "responsiveness": 1.0, "admin_load": 0.0})
    model.run_for(40)
    f = model.meetings_frame()
    proposals = f[f["group_size"] >= 2]
    assert len(proposals) > 10
    assert (proposals["response"] != Response.IGNORED).all()


def test_closed_officials_never_adopt(make_model):
    model = make_model(seed=2, officials={"responsiveness": 1.0, "admin_load": 0.0, "openness": 0.0,
                                              "power_retained": 1.0})
    model.run_for(40)
    f = model.meetings_frame()
    assert (f["response"] != Response.ADOPTED).all()
    assert (f.loc[f["group_size"] >= 2, "response"] == Response.PARTLY_ADOPTED).all()


def test_threat_of_turnout_raises_responses(make_model):
    """With zero baseline responsiveness only the turnout term can make officials respond."""
    model = make_model(seed=2, officials={"responsiveness": 0.0, "threat_effect": 5.0, "power_retained": 1.0})
    model.run_for(40)
    f = model.meetings_frame()
    assert (f.loc[f["group_size"] >= 2, "response"] != Response.IGNORED).mean() > 0.5


def test_when_officials_keep_no_power_residents_decide(make_model):
    model = make_model(seed=2, officials={"responsiveness": 0.0, "openness": 0.0, "power_retained": 0.0})
    model.run_for(40)
    f = model.meetings_frame()
    proposals = f[f["group_size"] >= 2]
    assert len(proposals) > 10
    assert (proposals["response"] == Response.ADOPTED).all()
    assert set(proposals["rung"]) <= {7, 8}


def test_attendees_learn_from_their_groups_outcome(make_model):
    """efficacy <- efficacy + rate * (payoff - aspiration) for attendees only, exactly."""
    model = make_model(seed=3)
    s, rate = model.state, model.config.attitudes.efficacy_rate
    checked = {Response.IGNORED: 0, Response.PARTLY_ADOPTED: 0, Response.ADOPTED: 0}
    for _ in range(40):
        efficacy, aspiration = s.efficacy.copy(), s.aspiration.copy()
        model.step()
        if model.meetings is None:
            np.testing.assert_array_equal(s.efficacy, efficacy)
            continue
        today = model.meetings_frame().query("step == @model.steps")
        response = today["response"].to_numpy()[model.meetings.member_group]
        rows = model.meetings.members
        gap = PAYOFF[response] - aspiration[rows]
        np.testing.assert_allclose(s.efficacy[rows], np.clip(efficacy[rows] + rate * gap, 0, 1))
        np.testing.assert_allclose(
            s.aspiration[rows], aspiration[rows] + model.config.attitudes.aspiration_rate * gap)
        others = np.setdiff1d(np.arange(s.n), rows)
        np.testing.assert_array_equal(s.efficacy[others], efficacy[others])
        adopted = rows[(response == Response.ADOPTED) & (efficacy[rows] < 1)]
        assert (s.efficacy[adopted] > efficacy[adopted]).all()  # adopted outcomes raise efficacy
        ignored = rows[response == Response.IGNORED]
        assert (s.efficacy[ignored] <= efficacy[ignored]).all()
        for r in checked:
            checked[r] += int((response == r).sum())
    assert min(checked.values()) > 0, checked


def test_stat_open_officials_leave_attendees_more_efficacious(make_model, stat_seed):
    """Every proposal gets a response; only open officials adopt them in full."""
    efficacy = {}
    for openness in (0.0, 1.0):
        model = make_model(seed=stat_seed, officials={"openness": openness, "responsiveness": 1.0,
                                                      "admin_load": 0.0, "power_retained": 1.0})
        before = model.state.efficacy.copy()
        model.run_for(52)
        attended = model.state.meetings_attended > 0
        assert attended.sum() > 50
        efficacy[openness] = (model.state.efficacy - before)[attended].mean()
    # partly adopted (payoff 0.5) matches the starting aspiration of 0.5: efficacy stays put
    assert abs(efficacy[0.0]) < 0.01, efficacy
    assert efficacy[1.0] > efficacy[0.0] + 0.1, efficacy


def test_responses_raise_trust_of_attendees(make_model):
    trust = {}
    for r in (0.0, 1.0):
        model = make_model(seed=5, officials={**NO_THREAT, "responsiveness": r, "admin_load": 0.0})
        model.run_for(52)
        attended = model.state.meetings_attended > 0
        trust[r] = model.state.trust[attended].mean()
    assert trust[1.0] > trust[0.0] + 0.1, trust


def test_trust_and_satisfaction_follow_the_response(make_model):
    """Attendees learn from their group at full rate, touched bystanders from the issue's best
    outcome at informed_weight of the rate (issues never expire here, so nothing else moves)."""
    model = make_model(seed=6, issues={"max_age": 1000})
    s, a = model.state, model.config.attitudes
    w = a.procedure_weight
    days = 0
    for _ in range(40):
        trust, satisfaction = s.trust.copy(), s.satisfaction.copy()
        model.step()
        if model.meetings is None:
            np.testing.assert_array_equal(s.trust, trust)
            continue
        days += 1
        m = model.meetings
        today = model.meetings_frame().query("step == @model.steps")
        response, steered = today["response"].to_numpy(), today["steered"].to_numpy()
        responded = (response != Response.IGNORED).astype(float)
        g = m.member_group
        rows = m.members
        np.testing.assert_allclose(s.trust[rows], trust[rows] + a.trust_rate * (responded[g] - trust[rows]))
        procedure = 0.5 * ~steered[g] + 0.5 * responded[g]
        target = w * procedure + (1 - w) * PAYOFF[response[g]]
        np.testing.assert_allclose(s.satisfaction[rows],
                                   satisfaction[rows] + a.satisfaction_rate * (target - satisfaction[rows]))
        # bystanders touched by exactly one of today's issues
        attended = np.zeros(s.n, dtype=bool)
        attended[rows] = True
        issues = np.unique(m.issue_id)
        touched_by = np.zeros(s.n, dtype=int)
        for i in issues:
            touched_by[model.issues[int(i)].touched] += 1
        for i in issues:
            t = model.issues[int(i)].touched
            by = t[~attended[t] & (touched_by[t] == 1)]
            best = response[m.issue_id == i].max()
            any_response = float(best != Response.IGNORED)
            rate = a.informed_weight * a.trust_rate
            np.testing.assert_allclose(s.trust[by], trust[by] + rate * (any_response - trust[by]))
        untouched = touched_by == 0
        np.testing.assert_array_equal(s.trust[untouched & ~attended], trust[untouched & ~attended])
    assert days >= 5


def test_officials_respond_reads_only_its_explicit_inputs():
    """Named traits per group: an official who keeps no power leaves every decision to residents;
    one who keeps it all and never responds ignores every proposal."""
    from sim.config import OfficialsConfig
    from sim.deliberation import Meetings
    from sim.response import OFFICIAL_TRAITS, Proposals, officials_respond
    from sim.streams import Streams

    n = 4
    meetings = Meetings(issue_id=np.zeros(n, dtype=np.int64), size=np.full(n, 3), chair=np.full(n, -1),
                        chair_opinion=np.full(n, np.nan), initial_mean=np.full(n, 0.5), final_mean=np.full(n, 0.5),
                        proposal=np.full(n, 0.5), steered=np.zeros(n, dtype=bool),
                        members=np.arange(3 * n), member_group=np.repeat(np.arange(n), 3))
    traits = np.zeros(n, dtype=OFFICIAL_TRAITS)
    assert OFFICIAL_TRAITS.names == ("responsiveness", "admin_load", "openness", "power_retained", "official_view")
    rules = OfficialsConfig(threat_effect=0.0)
    proposals = Proposals(traits, np.zeros(n), np.arange(n, dtype=np.uint64), np.arange(n, dtype=np.uint64))
    nobody_organised = np.zeros(3 * n, dtype=bool)
    shared = officials_respond(meetings, proposals, nobody_organised, rules, Streams(1))
    assert (shared.response == Response.ADOPTED).all() and (shared.power_retained == 0).all()
    traits["power_retained"] = 1.0
    kept = officials_respond(meetings, proposals, nobody_organised, rules, Streams(1))
    assert (kept.response == Response.IGNORED).all()
