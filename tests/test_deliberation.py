"""Meetings: grouping, chairs, leader placement and the Friedkin-Johnsen discussion."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.agents import Leader
from sim.deliberation import discuss, form_groups, group_issue, pick_chairs, place_leaders
from sim.leadership import promote

NO_NEW_LEADERS = {"emergence_rate": 0.0, "stepdown_rate": 0.0}


# -- form_groups --------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("group_size", [2, 5, 12])
def test_form_groups_respects_keys_and_sizes(seed, group_size):
    rng = np.random.default_rng(seed)
    key = rng.integers(0, 6, size=int(rng.integers(1, 120)))
    group = form_groups(key, group_size, np.random.default_rng(seed + 100).random(len(key)))
    assert group.shape == key.shape
    n_groups = group.max() + 1
    np.testing.assert_array_equal(np.unique(group), np.arange(n_groups))  # contiguous ids
    sizes = np.bincount(group)
    assert sizes.max() <= group_size
    for g in range(n_groups):  # never mixes keys
        assert len(np.unique(key[group == g])) == 1
    for k in np.unique(key):  # fewest groups, balanced sizes
        in_key = group[key == k]
        k_sizes = np.bincount(in_key)[np.unique(in_key)]
        assert len(k_sizes) == -(-len(in_key) // group_size)
        assert k_sizes.max() - k_sizes.min() <= 1


def test_form_groups_empty():
    assert len(form_groups(np.zeros(0, dtype=int), 12, np.zeros(0))) == 0


def test_form_groups_membership_is_random():
    key = np.zeros(40, dtype=int)
    a = form_groups(key, 10, np.random.default_rng(1).random(40))
    b = form_groups(key, 10, np.random.default_rng(2).random(40))
    assert not np.array_equal(a, b)


# -- pick_chairs --------------------------------------------------------------------------------
def test_most_influential_leader_chairs():
    influence = np.zeros(20)
    influence[[3, 5, 7, 11]] = [0.5, 2.0, 1.0, 0.7]
    members = np.array([1, 3, 5, 7, 9, 11, 13])
    group = np.array([0, 0, 0, 1, 1, 2, 3])
    chair = pick_chairs(members, group, 4, influence)
    np.testing.assert_array_equal(chair, [5, 7, 11, -1])


def test_no_leaders_no_chairs():
    chair = pick_chairs(np.arange(6), np.array([0, 0, 1, 1, 2, 2]), 3, np.zeros(6))
    np.testing.assert_array_equal(chair, [-1, -1, -1])


# -- discuss ------------------------------------------------------------------------------------
def _discussion(make_model, opinions, chair_influence=None, **deliberation):
    """One group of residents 0..k-1 with the given opinions; resident 0 chairs if influential."""
    model = make_model(leaders={"n_initial": 0}, deliberation=deliberation)
    k = len(opinions)
    members = np.arange(k)
    model.state.opinion[members] = opinions
    is_chair = np.zeros(k, dtype=bool)
    if chair_influence is not None:
        Leader(model, model.residents[0], chair_influence)
        is_chair[0] = True
    before = model.state.opinion[members].copy()
    after, out = discuss(before, model.state.influence[members], np.zeros(k, dtype=np.int64), is_chair, 1,
                         model.deliberation_rules)
    np.testing.assert_array_equal(model.state.opinion[members], before)  # discuss reads, never writes, its inputs
    return model, before, after, out


OPINIONS = [0.9, 0.1, 0.2, 0.3, 0.25, 0.15, 0.35]


def test_without_chair_the_mean_opinion_is_conserved(make_model):
    _, before, after, out = _discussion(make_model, OPINIONS)
    assert after.mean() == pytest.approx(before.mean(), abs=1e-12)
    assert out["final_mean"][0] == pytest.approx(out["initial_mean"][0], abs=1e-12)
    assert np.isnan(out["chair_opinion"][0]) and not out["steered"][0]
    # and everyone moved toward that mean: the spread shrinks
    assert np.abs(after - before.mean()).max() < np.abs(before - before.mean()).max()


def test_a_leader_chair_pulls_the_group_mean_toward_them(make_model):
    _, before, after, out = _discussion(make_model, OPINIONS, chair_influence=1.0)
    chair = out["chair_opinion"][0]
    initial, final = out["initial_mean"][0], out["final_mean"][0]
    assert initial == pytest.approx(before[1:].mean())
    assert final == pytest.approx(after[1:].mean())
    assert abs(chair - final) < abs(chair - initial) - 0.05
    assert out["steered"][0]  # pulled more than steer_share of the way
    assert abs(after[0] - before[0]) < 0.5 * abs(final - initial)  # the chair is stubborn


def test_more_influential_chairs_pull_harder(make_model):
    pulls = []
    for influence in (0.2, 1.0, 3.0):
        _, _, _, out = _discussion(make_model, OPINIONS, chair_influence=influence)
        pulls.append(out["final_mean"][0] - out["initial_mean"][0])
    assert 0 < pulls[0] < pulls[1] < pulls[2]


def test_full_facilitation_removes_the_chairs_pull(make_model):
    _, before, after, out = _discussion(make_model, OPINIONS, chair_influence=3.0, facilitation=1.0)
    assert out["final_mean"][0] == pytest.approx(out["initial_mean"][0], abs=1e-12)
    assert after[1:].mean() == pytest.approx(before[1:].mean(), abs=1e-12)
    assert not out["steered"][0]


def test_partial_facilitation_weakens_the_pull(make_model):
    pulls = []
    for facilitation in (0.0, 0.5, 0.9):
        _, _, _, out = _discussion(make_model, OPINIONS, chair_influence=1.0, facilitation=facilitation)
        pulls.append(out["final_mean"][0] - out["initial_mean"][0])
    assert pulls[0] > pulls[1] > pulls[2] > 0


def test_confidence_bound_excludes_distant_members(make_model):
    _, before, after, _ = _discussion(make_model, [0.0, 0.05, 0.1, 0.95], confidence_bound=0.5)
    assert after[3] == before[3]  # too far from the group view to listen
    assert after[0] > before[0]


def test_a_lone_chair_keeps_their_opinion_under_full_facilitation(make_model):
    model = make_model(leaders={"n_initial": 0}, deliberation={"facilitation": 1.0})
    model.state.opinion[0] = 0.8
    Leader(model, model.residents[0], 1.0)
    after, out = discuss(model.state.opinion[:1], model.state.influence[:1], np.array([0]), np.array([True]), 1,
                         model.deliberation_rules)
    assert after[0] == pytest.approx(0.8)  # nobody to listen to
    assert out["chair_opinion"][0] == pytest.approx(0.8)


# -- place_leaders / group_issue ----------------------------------------------------------------
def test_random_placement_deals_leaders_round_robin(make_model):
    model = make_model()
    for n_leaders, n_groups in [(3, 10), (10, 10), (23, 7)]:
        group = place_leaders(np.arange(n_leaders), n_groups, "random", model, 0.5, np.ones(n_groups))
        counts = np.bincount(group, minlength=n_groups)
        assert counts.sum() == n_leaders and group.max() < n_groups
        assert counts.max() - counts.min() <= 1


def test_appointed_placement_gives_the_largest_groups_the_closest_leaders(make_model):
    model = make_model()
    leaders = np.array([10, 11, 12])
    model.state.opinion[leaders] = [0.9, 0.52, 0.3]  # distances to view 0.5: 0.4, 0.02, 0.2
    sizes = np.array([4, 12, 7, 9])
    group = place_leaders(leaders, 4, "appointed", model, 0.5, sizes)
    # largest groups first: 1 (12), 3 (9), 2 (7); closest leaders first: 11, 12, 10
    np.testing.assert_array_equal(group, [2, 1, 3])


def _clustered_meeting(make_model, rule):
    """Attendees from all five courtyards; all eight leaders live in courtyard 0."""
    model = make_model(seed=5, leaders={"n_initial": 0})
    s = model.state
    rng = np.random.default_rng(0)
    leaders = np.flatnonzero(s.courtyard == 0)[:8]
    promote(model, leaders)
    others = np.concatenate([rng.choice(np.setdiff1d(np.flatnonzero(s.courtyard == c), leaders), 20,
                                        replace=False) for c in range(5)])
    members = np.sort(np.concatenate([leaders, others]))
    model.leader_assignment = rule
    group, chair = group_issue(model, members, SimpleNamespace(official_view=0.5, stream_key=0))
    leaders_per_group = np.bincount(group, weights=s.is_leader[members], minlength=len(chair))
    return model, members, group, chair, leaders_per_group


def test_self_selected_leaders_stay_in_their_courtyard(make_model):
    model, members, group, chair, per_group = _clustered_meeting(make_model, "self_selected")
    chaired = np.flatnonzero(chair >= 0)
    assert len(chaired) >= 1
    for g in chaired:
        assert (model.state.courtyard[members[group == g]] == 0).all()
    assert per_group.max() >= 3  # 8 leaders crowd into courtyard 0's few groups


def test_random_assignment_spreads_leaders_across_groups(make_model):
    _, _, _, chair_self, per_self = _clustered_meeting(make_model, "self_selected")
    model, members, group, chair, per_random = _clustered_meeting(make_model, "random")
    n_groups = len(chair)
    assert per_random.sum() == 8
    assert per_random.max() <= 1  # 8 leaders, 10 groups: one leader per group at most
    assert (chair >= 0).sum() == min(8, n_groups)
    assert (chair >= 0).mean() > (chair_self >= 0).mean() + 0.3
    assert per_random.std() < per_self.std()
    # groups still are courtyard groups apart from the dealt leaders
    plain = ~model.state.is_leader[members]
    for g in range(n_groups):
        assert len(np.unique(model.state.courtyard[members[plain & (group == g)]])) == 1


# -- whole meetings in a run --------------------------------------------------------------------
def test_without_leaders_discussion_conserves_every_groups_mean(make_model):
    model = make_model(leaders={"n_initial": 0, **NO_NEW_LEADERS})
    model.run_for(52)
    frame = model.meetings_frame()
    assert len(frame) > 20
    assert (frame["chair"] == -1).all()
    assert frame["chair_distance"].isna().all()
    assert not frame["steered"].any()
    np.testing.assert_allclose(frame["final_mean_opinion"], frame["initial_mean_opinion"], atol=1e-12)
    assert model.timeseries()["mean_chair_distance"].isna().all()


def test_leader_chaired_groups_move_toward_the_chair(make_model):
    model = make_model(leaders={"n_initial": 15})
    model.run_for(52)
    f = model.meetings_frame()
    chaired = f[(f["chair"] >= 0) & (f["group_size"] >= 2)]
    assert len(chaired) > 10
    before = (chaired["chair_opinion"] - chaired["initial_mean_opinion"]).abs()
    after = chaired["chair_distance"]
    assert (after <= before + 1e-12).all()
    assert (after < before).mean() > 0.95
    unchaired = f[f["chair"] < 0]
    np.testing.assert_allclose(unchaired["final_mean_opinion"], unchaired["initial_mean_opinion"], atol=1e-12)


def test_full_facilitation_in_a_run(make_model):
    model = make_model(leaders={"n_initial": 15}, deliberation={"facilitation": 1.0})
    model.run_for(52)
    f = model.meetings_frame()
    f = f[f["group_size"] >= 2]
    assert (f["chair"] >= 0).sum() > 10
    np.testing.assert_allclose(f["final_mean_opinion"], f["initial_mean_opinion"], atol=1e-12)
    assert not f["steered"].any()


def test_stat_random_assignment_spreads_clustered_leaders_in_a_run(make_model, stat_seed):
    share = {}
    for rule in ("self_selected", "random"):
        model = make_model(seed=stat_seed, leaders={"n_initial": 0, **NO_NEW_LEADERS},
                           issues={"courtyards_touched": 5}, deliberation={"leader_assignment": rule})
        promote(model, np.flatnonzero(model.state.courtyard == 0)[:10])
        model.run_for(52)
        f = model.meetings_frame()
        f = f[f["group_size"] >= 2]
        assert len(f) > 50
        share[rule] = (f["chair"] >= 0).mean()
    assert share["random"] > share["self_selected"] + 0.2, share


def test_meeting_rows_are_consistent(make_model):
    model = make_model(leaders={"n_initial": 15})
    model.run_for(52)
    f = model.meetings_frame()
    ts = model.timeseries()
    per_step = f[f["group_size"] >= 2].groupby("step").size()
    np.testing.assert_array_equal(ts.set_index("step").loc[per_step.index, "proposals"], per_step.values)
    assert ts["proposals"].sum() == (f["group_size"] >= 2).sum()
    attended = f.groupby("step")["group_size"].sum()
    rate = ts.set_index("step").loc[attended.index, "participation_rate"]
    np.testing.assert_allclose(rate * model.state.n, attended.values)
    assert model.state.meetings_attended.sum() == f["group_size"].sum()
    assert ((f["step"] % model.config.deliberation.meeting_interval) == 0).all()


def test_a_lone_chairs_group_has_no_members_mean(make_model):
    model = make_model(leaders={"n_initial": 0})
    model.state.opinion[0] = 0.8
    Leader(model, model.residents[0], 1.0)
    _, out = discuss(model.state.opinion[:1], model.state.influence[:1], np.array([0]), np.array([True]), 1,
                     model.deliberation_rules)
    assert np.isnan(out["initial_mean"][0]) and np.isnan(out["final_mean"][0])
    assert not out["steered"][0]
