"""Leaders (a role residents take on and leave) and self-organisations (found, recruit, dissolve)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents import Leader, Organisation, Purpose, Resident

STATIC_LEADERS = {"emergence_rate": 0.0, "stepdown_rate": 0.0}


def leader_rows(model) -> np.ndarray:
    return np.sort([ldr.resident.idx for ldr in model.agents_by_type.get(Leader, [])]).astype(int)


def check_invariants(model):
    s = model.state
    rows = leader_rows(model)
    np.testing.assert_array_equal(np.flatnonzero(s.is_leader), rows)
    np.testing.assert_array_equal(s.influence > 0, s.is_leader)
    for ldr in model.agents_by_type.get(Leader, []):
        assert ldr.resident.leader is ldr
    orgs = model.organisations_by_id
    assert set(model.agents_by_type.get(Organisation, [])) == set(orgs.values())
    assert set(np.unique(s.organisation[s.organisation >= 0]).tolist()) <= set(orgs)
    for org_id, org in orgs.items():
        assert org.org_id == org_id and 0 <= org.capacity <= 1
        if org.leader is not None:
            assert org.leader.organisation is org
            assert s.organisation[org.leader.resident.idx] == org_id


def test_initial_leaders(make_model):
    model = make_model(leaders={"n_initial": 12})
    assert len(model.agents_by_type[Leader]) == 12
    assert model.state.is_leader.sum() == 12
    assert len(model.agents_by_type[Resident]) == model.state.n
    check_invariants(model)


def test_no_initial_leaders(make_model):
    model = make_model(leaders={"n_initial": 0})
    assert len(model.agents_by_type.get(Leader, [])) == 0
    assert not model.state.is_leader.any() and (model.state.influence == 0).all()


def test_invariants_hold_through_a_run(make_model):
    model = make_model(seed=4, leaders={"n_initial": 20, "emergence_rate": 0.2, "stepdown_rate": 0.2,
                                        "stepdown_efficacy": 0.4},
                       organisations={"founding_rate": 0.3, "recruit_rate": 0.3, "conversion_rate": 0.3,
                                      "conversion_min_size": 4, "grace_steps": 4})
    counts = set()
    for _ in range(80):
        model.step()
        check_invariants(model)
        counts.add(len(model.organisations_by_id))
    assert max(counts) > 0  # organisations existed at some point


def test_without_emergence_or_step_down_the_leaders_stay(make_model):
    model = make_model(leaders={"n_initial": 10, **STATIC_LEADERS})
    start = leader_rows(model)
    model.run_for(52)
    np.testing.assert_array_equal(leader_rows(model), start)
    assert (model.timeseries()["leaders"] == 10).all()


def test_leaders_emerge_only_from_active_capable_residents(make_model):
    cfg = {"n_initial": 0, "emergence_rate": 1.0, "emergence_min_meetings": 2,
           "emergence_capacity": 0.3, "stepdown_rate": 0.0}
    model = make_model(seed=3, leaders=cfg)
    s = model.state
    for _ in range(52):
        before = s.is_leader.copy()
        model.step()
        new = s.is_leader & ~before
        # emergence is decided after this step's meetings
        assert (s.meetings_attended[new] >= 2).all()
        assert (s.capacity[new] >= 0.3).all()
    assert s.is_leader.sum() > 5
    eligible_never = (s.meetings_attended < 2) | (s.capacity < 0.3)
    assert not (s.is_leader & eligible_never).any()


def test_discouraged_leaders_step_down_but_stay_residents(make_model):
    model = make_model(leaders={"n_initial": 15, "emergence_rate": 0.0, "stepdown_efficacy": 1.0,
                                "stepdown_rate": 1.0},
                       organisations={"founding_rate": 1.0})
    model.step()
    assert len(model.agents_by_type.get(Leader, [])) == 0
    assert not model.state.is_leader.any() and (model.state.influence == 0).all()
    assert len(model.agents_by_type[Resident]) == model.state.n
    for org in model.organisations():
        assert org.leader is None


def test_organisations_found_public_good_groups(make_model):
    model = make_model(leaders={"n_initial": 20, **STATIC_LEADERS},
                       organisations={"founding_rate": 1.0, "public_good_share": 1.0, "recruit_rate": 0.3,
                                      "min_size": 1})
    model.run_for(10)
    orgs = model.organisations()
    assert len(orgs) >= 5
    assert all(o.purpose is Purpose.PUBLIC_GOOD for o in orgs)
    member = model.state.organisation >= 0
    np.testing.assert_array_equal(model.public_good_member(), member)
    assert member.sum() > len(orgs)  # they recruited


def test_recreational_groups_are_not_public_good(make_model):
    model = make_model(leaders={"n_initial": 20, **STATIC_LEADERS},
                       organisations={"founding_rate": 1.0, "public_good_share": 0.0, "conversion_rate": 0.0,
                                      "min_size": 1})
    model.run_for(10)
    assert model.organisations() and all(o.purpose is Purpose.RECREATIONAL for o in model.organisations())
    assert not model.public_good_member().any()
    assert model.timeseries()["organisations_public_good"].eq(0).all()


def test_without_recruiting_only_founders_are_members(make_model):
    model = make_model(leaders={"n_initial": 20, **STATIC_LEADERS},
                       organisations={"founding_rate": 1.0, "recruit_rate": 0.0, "min_size": 1, "decay": 0.0})
    model.run_for(10)
    members = np.flatnonzero(model.state.organisation >= 0)
    assert len(members) == len(model.organisations()) > 0
    assert model.state.is_leader[members].all()


def test_recruits_are_neighbours_of_members(make_model):
    model = make_model(leaders={"n_initial": 20, **STATIC_LEADERS},
                       organisations={"founding_rate": 1.0, "recruit_rate": 0.5, "leave_rate": 0.0,
                                      "min_size": 1})
    s, adj = model.state, model.adjacency
    grown = False
    for _ in range(15):
        before = s.organisation.copy()
        model.step()
        joined = (before < 0) & (s.organisation >= 0) & ~s.is_leader
        # inviters were members before this step or founded their group this step (as leaders)
        could_invite = np.where((before >= 0) | s.is_leader, s.organisation, -1)
        for r in np.flatnonzero(joined):
            neighbours = adj.indices[adj.indptr[r]:adj.indptr[r + 1]]
            assert (could_invite[neighbours] == s.organisation[r]).any(), \
                "joined an organisation no neighbour belonged to"
            grown = True
    assert grown


def test_groups_that_stay_too_small_dissolve(make_model):
    model = make_model(leaders={"n_initial": 20, **STATIC_LEADERS},
                       organisations={"founding_rate": 1.0, "min_size": 1000, "grace_steps": 0})
    for _ in range(10):
        model.step()
        assert len(model.organisations_by_id) == 0
        assert (model.state.organisation == -1).all()
    assert model.organisation_id_counter > 0  # they were founded, then dissolved
    assert all(ldr.organisation is None for ldr in model.agents_by_type[Leader])


def test_groups_below_the_capacity_floor_dissolve(make_model):
    model = make_model(leaders={"n_initial": 20, **STATIC_LEADERS},
                       organisations={"founding_rate": 1.0, "min_size": 1, "dissolve_capacity": 1.0})
    model.run_for(5)
    assert model.organisation_id_counter > 0 and len(model.organisations_by_id) == 0
    kept = make_model(leaders={"n_initial": 20, **STATIC_LEADERS},
                      organisations={"founding_rate": 1.0, "min_size": 1, "dissolve_capacity": 0.0})
    kept.run_for(5)
    assert len(kept.organisations_by_id) == kept.organisation_id_counter > 0


def test_agent_kinds_and_resident_views(make_model):
    from sim.agents import Official, OfficialRole

    model = make_model(leaders={"n_initial": 10, **STATIC_LEADERS},
                       organisations={"founding_rate": 1.0, "min_size": 1})
    model.run_for(3)
    residents = model.agents_by_type[Resident]
    assert len(residents) == model.state.n
    officials = list(model.agents_by_type[Official])
    assert len(officials) == model.config.officials.n_cadres + 1
    assert sum(o.role is OfficialRole.STREET_OFFICE for o in officials) == 1
    r = model.residents[7]
    assert r.efficacy == model.state.efficacy[7]
    r.efficacy = 0.123  # a view: writes go to the state row
    assert model.state.efficacy[7] == 0.123
    assert r.courtyard == model.state.courtyard[7] and isinstance(r.courtyard, int)
    leader = next(iter(model.agents_by_type[Leader]))
    assert leader.resident.is_leader and leader.influence == model.state.influence[leader.resident.idx]
    if leader.organisation is not None:
        assert leader.resident.organisation is leader.organisation
        assert leader.resident.idx in leader.organisation.members
    assert sum(not res.is_leader for res in model.residents) == model.state.n - 10


def test_who_leads_is_kept_once_by_the_leader_role(make_model):
    from sim.agents import Leader

    model = make_model()
    model.run_for(20)
    rows = sorted(ldr.resident.idx for ldr in model.agents_by_type[Leader])
    assert rows == list(np.flatnonzero(model.state.is_leader))
    assert all(model.residents[r].is_leader for r in rows)
    with pytest.raises(ValueError, match="read-only"):
        model.state.is_leader[0] = True
    leader = model.agents_by_type[Leader][0]
    row = leader.resident.idx
    leader.step_down()
    assert not model.state.is_leader[row] and model.state.influence[row] == 0 and not model.residents[row].is_leader
