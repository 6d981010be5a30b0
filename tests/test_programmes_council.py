"""Deliberation council (Chengdu rules): election, agenda rights, quorum, majority of members due
to attend, secret vs open ballot, and what its decisions do to issues and rungs."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import validate_config
from sim.interventions.deliberation_council import INQUORATE, PASSED, REJECTED, apportion, quorate, tally
from sim.issues import raise_issue
from sim.ladder import Rung
from sim.modes import eligible
from sim.schema import ConfigError


def council(model):
    (iv,) = [iv for iv in model.interventions if iv.name == "deliberation_council"]
    return iv


# -- the decision rule ----------------------------------------------------------------------------
def test_quorum_is_four_fifths_of_members():
    assert not quorate(16, 21, 0.8)  # 16.8 needed
    assert quorate(17, 21, 0.8)
    assert quorate(24, 30, 0.8) and not quorate(23, 30, 0.8)


def test_a_vote_without_quorum_decides_nothing_even_if_unanimous():
    assert tally(yes=16, present=16, members=21, quorum=0.8, pass_share=0.5) == INQUORATE


def test_passing_needs_at_least_half_of_the_members_due_to_attend():
    """半数以上: at least half of the members due to attend, not of those present."""
    # 17 present: 10 yes is a majority of those present but less than half of the 21 members
    assert tally(yes=10, present=17, members=21, quorum=0.8, pass_share=0.5) == REJECTED
    assert tally(yes=11, present=17, members=21, quorum=0.8, pass_share=0.5) == PASSED
    # exactly half of an even council is at least half
    assert tally(yes=11, present=24, members=24, quorum=0.8, pass_share=0.5) == REJECTED
    assert tally(yes=12, present=24, members=24, quorum=0.8, pass_share=0.5) == PASSED


def test_apportion_gives_every_group_its_floor_then_shares_by_population():
    seats = apportion(12, np.array([100, 50, 50, 10]), floor=2)
    assert seats.sum() == 12 and (seats >= 2).all()
    assert seats[0] == seats.max()
    assert list(apportion(3, np.array([1, 5]), floor=2)) == [1, 2]  # never more seats than residents


# -- election --------------------------------------------------------------------------------------
def test_elected_council_follows_the_seat_rules(make_model):
    model = make_model(community={"n_residents": 600}, interventions={"deliberation_council": {}})
    model.step()  # not yet active: elected at its start, week 2
    model.step()
    c = council(model).council
    groups = model.state.courtyard[c.members] // 3
    n_groups = int(model.state.courtyard.max()) // 3 + 1
    assert c.groups == n_groups
    assert (np.bincount(groups, minlength=n_groups) >= 2).all()  # at least 2 seats per group
    assert c.size >= 21
    assert len(c.cadres) <= c.size // 2
    np.testing.assert_array_equal(np.flatnonzero(model.council_member), c.members)


def test_cadres_never_hold_more_than_half_of_the_seats(make_model):
    model = make_model(officials={"n_cadres": 40}, interventions={"deliberation_council": {
        "cadre_seats": 40, "council_size": 21, "seats_per_group": 2}})
    model.run_for(2)
    c = council(model).council
    assert len(c.cadres) == c.size // 2 and len(c.members) >= c.size - c.size // 2


def test_council_mode_meets_with_the_elected_council(make_model):
    model = make_model(deliberation={"mode": "council"}, interventions={"deliberation_council": {}})
    model.run_for(3)
    c = council(model).council
    invited = np.flatnonzero(eligible(model, "council"))
    assert set(invited) <= set(c.members)


def test_group_council_must_hold_the_group_seats():
    with pytest.raises(ConfigError, match="group_council_min"):
        validate_config({"interventions": {"deliberation_council": {"group_council_min": 1, "seats_per_group": 2}}})


# -- agenda -------------------------------------------------------------------------------------------
def test_a_petition_needs_at_least_ten_residents(make_model):
    only_petitions = {"cadre_items": 0, "tabling_rate": 0.0, "signing_rate": 1.0}
    model = make_model(steps=60, interventions={"deliberation_council": only_petitions})
    model.run_for(60)
    items = council(model).items
    assert items and all(i.source == "petition" and i.signatures >= 10 for i in items)
    strict = make_model(steps=60, interventions={"deliberation_council": {**only_petitions, "petition_min": 10_000}})
    strict.run_for(60)
    assert council(strict).items == [] and council(strict).counts["sittings"] == 0


def test_cadres_table_the_oldest_community_matter_first(make_model):
    model = make_model(interventions={"deliberation_council": {"cadre_items": 1, "tabling_rate": 0.0,
                                                               "petition_min": 10_000}})
    model.run_for(5)
    raise_issue(model, "elderly_care")
    raise_issue(model, "development_plan")
    community = [i for i in model.open_issues() if i.community_wide]
    oldest = min(community, key=lambda i: (i.arisen_step, i.issue_id))
    (item,) = council(model).agenda(model)
    assert item[0] is oldest and item[1] == "cadres"
    model.run_for(30)
    assert all(i.source == "cadres" for i in council(model).items)


# -- sittings ---------------------------------------------------------------------------------------------
def decided_at_sittings(model):
    """Rungs of issues closed on sitting weeks (2, 6, 10, ...) other than by expiry (rung 1)."""
    return [r for step, r in model.decisions if step % 4 == 2 and r != Rung.MANIPULATION]


def test_a_council_without_quorum_decides_nothing(make_model):
    absent = {"member_duty": 0.0, "sitting_cost": 5.0}
    model = make_model(steps=60, officials={"admin_load": 1.0}, interventions={"deliberation_council": absent})
    model.run_for(60)
    iv = council(model)
    assert iv.counts["sittings"] > 5
    assert iv.counts["inquorate"] == iv.counts["sittings"]
    assert iv.counts["passed"] == iv.counts["rejected"] == 0 and iv.items == []
    assert decided_at_sittings(model) == []


def test_a_quorate_council_decides_and_the_decision_is_the_residents_bodys(make_model):
    model = make_model(steps=60, interventions={"deliberation_council": {}})
    model.run_for(60)
    iv = council(model)
    assert iv.counts["sittings"] - iv.counts["inquorate"] > 5
    assert len(iv.items) == iv.counts["passed"] + iv.counts["rejected"] > 5
    for item in iv.items:
        assert item.present >= 0.8 * item.members
        assert (item.outcome == PASSED) == (item.yes >= 0.5 * item.members)
        issue = model.issues[item.issue_id]
        # an elected council deciding within its remit shares power: partnership, not placation
        assert issue.decided_step == item.step and issue.decision_rung == Rung.PARTNERSHIP == item.rung
    assert sorted(decided_at_sittings(model)) == sorted(i.rung for i in iv.items)


def test_council_decisions_reach_delegated_power_when_power_is_returned(make_model):
    model = make_model(steps=40, officials={"power_retained": 0.3}, interventions={"deliberation_council": {}})
    model.run_for(40)
    items = council(model).items
    assert items and all(i.rung == Rung.DELEGATED_POWER for i in items)
    members = council(model).council.members
    assert (model.state.rung[members] >= Rung.DELEGATED_POWER).mean() > 0.5


def test_under_an_open_ballot_members_follow_the_cadres(make_model):
    open_ballot = {"secret_ballot": False, "open_ballot_conformity": 1.0}
    model = make_model(steps=60, officials={"admin_load": 0.0}, interventions={"deliberation_council": open_ballot})
    model.run_for(60)
    items = council(model).items
    assert len(items) > 5
    assert all((i.outcome == PASSED) == i.cadre_line for i in items)
    secret = make_model(steps=60, officials={"admin_load": 0.0}, interventions={"deliberation_council": {}})
    secret.run_for(60)
    assert any((i.outcome == PASSED) != i.cadre_line for i in council(secret).items)


def test_the_party_review_keeps_residents_items_off_the_agenda_of_closed_cadres(make_model):
    closed = make_model(steps=60, officials={"openness": 0.0, "admin_load": 0.0},
                        interventions={"deliberation_council": {}})
    closed.run_for(60)
    iv = council(closed)
    assert iv.counts["items_dropped_in_review"] > 0
    assert {i.source for i in iv.items} == {"cadres"}
    unreviewed = make_model(steps=60, officials={"openness": 0.0, "admin_load": 0.0},
                            interventions={"deliberation_council": {"party_review": False}})
    unreviewed.run_for(60)
    assert {i.source for i in council(unreviewed).items} - {"cadres"}


def test_local_units_sit_on_the_council_and_supervisors_keep_decisions_from_lapsing(make_model):
    lax = make_model(steps=80, officials={"admin_load": 0.0},
                     interventions={"deliberation_council": {"local_unit_seats": 3, "unsupervised_lapse": 1.0}})
    lax.run_for(80)
    iv = council(lax)
    assert iv.council.local_units == 3 and iv.report(lax)["local_unit_members"] == 3
    assert iv.council.size == len(iv.council.members) + len(iv.council.cadres) + 3
    assert iv.counts["passed"] > 0 and iv.counts["lapsed"] == iv.counts["passed"]
    watched = make_model(steps=80, officials={"admin_load": 0.0},
                         interventions={"deliberation_council": {"unsupervised_lapse": 1.0, "supervisors": 10}})
    watched.run_for(80)
    w = council(watched)
    assert w.counts["passed"] > 0 and w.counts["lapsed"] < w.counts["passed"] / 10


def test_the_legacy_meetings_members_keep_their_seats_where_the_meetings_are_entrenched(make_model):
    def kept(years):
        model = make_model(steps=3, officials={"legacy_years": years},
                           interventions={"deliberation_council": {"election_noise": 0.0}})
        model.run_for(3)
        members = council(model).council.members
        return model.legacy_member[members].mean()
    assert kept(40.0) > kept(0.0)
