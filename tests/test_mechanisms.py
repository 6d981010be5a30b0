"""The mechanisms of issue 'validity': habit, observed turnout, recent activity, leader stances,
leaders' proposals, one answer per issue. Each test checks the rule itself, on hand-set state."""

import numpy as np

from sim.config import ParticipationConfig
from sim.habit import fade_habit, record_attendance
from sim.leadership import hold_stances, raise_proposals
from sim.participation import neighbour_signals, observed_turnout, participation_probability
from sim.state import CooperationType


def test_attending_builds_a_habit_that_fades(make_model):
    model = make_model()
    s, cfg = model.state, ParticipationConfig(habit_gain=0.5, habit_decay=0.1)
    s.habit[:] = 0.0
    rows = np.array([0, 1])
    record_attendance(s, rows, step=7, cfg=cfg)
    record_attendance(s, rows[:1], step=8, cfg=cfg)
    np.testing.assert_allclose(s.habit[:3], [0.75, 0.5, 0.0])
    assert s.last_took_part_step[0] == 8 and s.last_took_part_step[1] == 7
    fade_habit(s, cfg)
    np.testing.assert_allclose(s.habit[:3], [0.675, 0.45, 0.0])


def test_habit_raises_the_chance_of_taking_part():
    inputs = dict(efficacy=0.4, trust=0.4, stake=0.5, interest=0.4, time_cost=0.5, capacity=0.3,
                  cooperation=CooperationType.CONDITIONAL_COOPERATOR, belief=0.3, active_share=0.1,
                  threshold=0.3, leader_pull=0.0, public_good_member=0.0)
    p = participation_probability(ParticipationConfig(), habit=np.array([0.0, 0.5, 1.0]), **inputs)
    assert p[0] < p[1] < p[2]
    flat = participation_probability(ParticipationConfig(habit_weight=0.0), habit=np.array([0.0, 1.0]), **inputs)
    assert flat[0] == flat[1]


def test_recently_active_neighbours_count_for_recent_window_weeks(make_model):
    model = make_model(participation={"recent_window": 8})
    s = model.state
    s.last_took_part_step[:] = -1
    nbrs = model.adjacency[0].indices
    s.last_took_part_step[nbrs] = 0  # all of resident 0's neighbours took part in week 0
    model.steps = 8
    assert neighbour_signals(model)[0][0] == 1.0
    model.steps = 9
    assert neighbour_signals(model)[0][0] == 0.0


def test_beliefs_follow_turnout_seen_among_the_invited_not_the_uninvited(make_model):
    model = make_model(participation={"courtyard_weight": 0.5})
    s = model.state
    yard = s.courtyard == s.courtyard[0]
    invited = yard.copy()
    came = np.zeros(s.n, dtype=bool)
    came[np.flatnonzero(yard)[::2]] = True  # half of the courtyard came
    seen, sees = observed_turnout(model, invited, came)
    assert sees[yard].all()
    outside = ~yard & ((model.adjacency @ invited.astype(float)) == 0)
    assert outside.any() and not sees[outside].any()  # nobody invited around them: nothing seen
    assert abs(seen[yard].mean() - 0.5) < 0.1
    nobody = observed_turnout(model, invited, np.zeros(s.n, dtype=bool))[0]
    assert (nobody[yard] == 0).all()


def test_leaders_hold_their_stance_across_issues(make_model):
    model = make_model(leaders={"n_initial": 5, "stance_weight": 1.0})
    s = model.state
    leaders = np.flatnonzero(s.is_leader)
    assert np.isfinite(s.stance[leaders]).all() and np.isnan(s.stance[~s.is_leader]).all()
    rows = np.arange(s.n)
    s.opinion[:] = 0.0
    hold_stances(model, rows)
    np.testing.assert_allclose(s.opinion[leaders], s.stance[leaders])
    assert (s.opinion[~s.is_leader] == 0).all()


def test_leaders_raise_their_own_courtyards_proposals(make_model):
    model = make_model(leaders={"n_initial": 30, "proposal_rate": 1.0}, issues={"rate": 0.0, "community_rate": 0.0})
    s = model.state
    issues = raise_proposals(model)
    assert issues
    for issue in issues:
        assert s.is_leader[issue.raised_by]
        assert set(np.unique(s.courtyard[issue.touched])) == {s.courtyard[issue.raised_by]}
        assert s.stake[issue.raised_by] == 1.0
    none = make_model(leaders={"n_initial": 30, "proposal_rate": 0.0})
    assert raise_proposals(none) == []


def test_more_leaders_raise_more_proposals(make_model):
    counts = []
    for n in (10, 60):
        model = make_model(seed=5, leaders={"n_initial": n, "proposal_rate": 0.05})
        model.run_for(26)
        counts.append(sum(issue.raised_by >= 0 for issue in model.issues.values()))
    assert counts[1] > 2 * counts[0] > 0, counts


def test_officials_answer_an_issue_once_for_all_its_groups(make_model):
    model = make_model(seed=3, issues={"rate": 1.0}, deliberation={"group_size": 3})
    answered = []
    for _ in range(60):
        model.step()
        if model.meetings is None:
            continue
        mf = model.meetings_frame()
        mf = mf[(mf["step"] == model.steps) & (mf["group_size"] >= 2)]
        for _, g in mf.groupby("issue_id"):
            if len(g) >= 2:
                answered.append(len(set(g["response"] > 0)))
    assert answered and max(answered) == 1  # within an issue all groups answered, or none
