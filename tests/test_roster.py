"""Resident agents and the network space are built on first use, and are then complete and real."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.agents import Leader, Resident
from sim.model import CommunityModel

CONFIG = {"seed": 8, "community": {"n_residents": 300}, "leaders": {"n_initial": 6}}


def test_only_leaders_have_agents_until_someone_asks():
    model = CommunityModel(CONFIG)
    created = [a for a in model.residents._agents if a is not None]
    assert sorted(r.idx for r in created) == sorted(ldr.resident.idx for ldr in model.agents_by_type[Leader])
    assert model.residents.space is None


def test_agents_by_type_gives_every_resident_in_row_order():
    model = CommunityModel(CONFIG)
    leader_resident = next(iter(model.agents_by_type[Leader])).resident
    residents = list(model.agents_by_type[Resident])
    assert [r.idx for r in residents] == list(range(model.state.n))
    assert residents[leader_resident.idx] is leader_resident  # the same agent, not a copy
    assert len(model.agents) == model.state.n + len(model.agents_by_type[Leader]) + model.config.officials.n_cadres + 1
    assert len({r.unique_id for r in residents}) == model.state.n


def test_residents_sequence():
    model = CommunityModel(CONFIG)
    n = model.state.n
    assert len(model.residents) == n
    assert model.residents[-1] is model.residents[n - 1] and model.residents[-1].idx == n - 1
    assert [r.idx for r in model.residents[10:13]] == [10, 11, 12]
    model.residents[5].interest = 0.25
    assert model.state.interest[5] == 0.25
    try:
        model.residents[n]
    except IndexError:
        pass
    else:
        raise AssertionError("index past the end must raise IndexError")


def test_space_places_every_resident_on_its_network_node():
    model = CommunityModel(CONFIG)
    early = model.residents[3]
    space = model.space
    assert model.space is space  # built once
    for r in model.residents:
        assert list(r.cell.agents) == [r]
        neighbours = sorted(a.idx for a in r.cell.neighborhood.agents)
        row = model.adjacency.indices[model.adjacency.indptr[r.idx]:model.adjacency.indptr[r.idx + 1]]
        assert neighbours == sorted(row.tolist())
    assert early.cell is space[3]
    late = CommunityModel(CONFIG)
    assert late.residents[4].cell is late.space[4]  # asking for a cell builds the space


def test_building_agents_and_space_does_not_change_the_run():
    plain = CommunityModel(CONFIG)
    plain.run_for(30)
    built = CommunityModel(CONFIG)
    built.space  # noqa: B018
    built.run_for(15)
    list(built.agents_by_type[Resident])
    built.run_for(15)
    pd.testing.assert_frame_equal(plain.timeseries(), built.timeseries())
    np.testing.assert_array_equal(plain.state.rung, built.state.rung)
