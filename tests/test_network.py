"""The social network: the four kinds build clean, symmetric, loop-free graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim.config import validate_config
from sim.model import CommunityModel
from sim.network import SocialNetwork, build_network

N = 300


def _cfg(kind, **network):
    return validate_config({"community": {"n_residents": N}, "leaders": {"n_initial": 10},
                            "network": {"kind": kind, **network}})


def _check_clean(net: SocialNetwork, n: int):
    assert net.n == n
    assert len(net.courtyard) == n and len(net.household) == n
    e = net.edges
    assert e.ndim == 2 and e.shape[1] == 2 and len(e) > 0
    assert (e[:, 0] < e[:, 1]).all()                      # stored once, low-high, no self loops
    assert len(np.unique(e, axis=0)) == len(e)            # no duplicates
    assert e.min() >= 0 and e.max() < n
    adj = net.adjacency()
    assert adj.shape == (n, n)
    assert (adj != adj.T).nnz == 0                        # symmetric
    assert adj.diagonal().sum() == 0                      # no self loops
    assert set(np.unique(adj.data)) == {1.0}
    assert adj.nnz == 2 * len(e)
    g = net.graph()
    assert g.number_of_nodes() == n and g.number_of_edges() == len(e)
    assert nx.number_of_selfloops(g) == 0


@pytest.mark.parametrize("kind", ["courtyard", "watts_strogatz", "barabasi_albert"])
def test_generators_build_clean_networks(kind):
    for seed in range(3):
        net = build_network(_cfg(kind), np.random.default_rng(seed))
        _check_clean(net, N)


def test_courtyard_network_is_denser_within_courtyards():
    cfg = _cfg("courtyard")
    net = build_network(cfg, np.random.default_rng(0))
    same = net.courtyard[net.edges[:, 0]] == net.courtyard[net.edges[:, 1]]
    within, between = same.sum(), (~same).sum()
    assert between > 0
    assert within > 3 * between
    # per pair of residents the contrast is far larger
    sizes = np.bincount(net.courtyard)
    pairs_within = (sizes * (sizes - 1) // 2).sum()
    pairs_between = N * (N - 1) // 2 - pairs_within
    assert within / pairs_within > 10 * between / pairs_between


def test_courtyard_network_structure():
    cfg = _cfg("courtyard")
    c = cfg.network.courtyard
    net = build_network(cfg, np.random.default_rng(1))
    np.testing.assert_array_equal(net.household, np.arange(N) // c.household_size)
    np.testing.assert_array_equal(net.courtyard, net.household // c.households_per_courtyard)
    adj = net.adjacency().tolil()
    for h in range(N // c.household_size):  # household members are all tied
        members = np.flatnonzero(net.household == h)
        for i in members:
            for j in members:
                if i != j:
                    assert adj[i, j] == 1


def test_courtyard_ties_scale_with_parameters():
    sparse = build_network(_cfg("courtyard", courtyard={"ties_within_courtyard": 0.0,
                                                        "ties_between_courtyards": 0.0}),
                           np.random.default_rng(0))
    # only household cliques are left: households of 3 give 3 ties each
    assert len(sparse.edges) == (N // 3) * 3
    assert (sparse.household[sparse.edges[:, 0]] == sparse.household[sparse.edges[:, 1]]).all()


def test_watts_strogatz_degree_and_blocks():
    net = build_network(_cfg("watts_strogatz", courtyard_size=50), np.random.default_rng(0))
    assert len(net.edges) == N * 6 // 2  # rewiring keeps the number of ties
    np.testing.assert_array_equal(net.courtyard, np.arange(N) // 50)
    np.testing.assert_array_equal(net.household, np.arange(N) // 3)


@pytest.mark.parametrize("kind", ["courtyard", "watts_strogatz", "barabasi_albert"])
def test_households_sit_inside_one_courtyard(kind):
    net = build_network(_cfg(kind), np.random.default_rng(3))
    household_size = 3
    sizes = np.bincount(net.household)
    assert sizes.max() <= household_size and sizes.min() >= 1
    assert (sizes == household_size).mean() > 0.9
    for h in np.unique(net.household):
        assert len(np.unique(net.courtyard[net.household == h])) == 1


def test_barabasi_albert_has_hubs():
    net = build_network(_cfg("barabasi_albert"), np.random.default_rng(0))
    degree = np.diff(net.adjacency().indptr)
    assert degree.min() >= 3
    assert degree.max() > 5 * np.median(degree)
    size = _cfg("barabasi_albert").network.courtyard_size
    assert sorted(np.bincount(net.courtyard)) == sorted(np.bincount(np.arange(N) // size))


def test_same_seed_same_network_different_seed_different_network():
    cfg = _cfg("courtyard")
    a = build_network(cfg, np.random.default_rng(5))
    b = build_network(cfg, np.random.default_rng(5))
    c = build_network(cfg, np.random.default_rng(6))
    np.testing.assert_array_equal(a.edges, b.edges)
    assert not np.array_equal(a.edges, c.edges)


# -- edge lists ---------------------------------------------------------------------------------
def _write_edge_list(tmp_path, labels, pairs, extra=""):
    path = tmp_path / "ties.csv"
    path.write_text("source,target\n" + "".join(f"{labels[i]},{labels[j]}\n" for i, j in pairs) + extra)
    return path


def test_edge_list_with_string_labels(tmp_path):
    rng = np.random.default_rng(0)
    labels = [f"flat-{k:03d}" for k in range(60)]
    ring = [(i, (i + 1) % 60) for i in range(60)]
    chords = [tuple(p) for p in rng.integers(0, 60, (40, 2))]
    pairs = ring + chords
    # a self-loop and a duplicate tie written the other way round
    path = _write_edge_list(tmp_path, labels, pairs, extra="flat-005,flat-005\nflat-001,flat-000\n")
    model = CommunityModel({"community": {"n_residents": 60}, "leaders": {"n_initial": 5},
                            "network": {"kind": "edgelist", "edgelist": {"path": str(path)}}})
    assert model.node_labels[:3] == ["flat-000", "flat-001", "flat-002"]
    assert sorted(model.node_labels) == labels
    index = {lab: i for i, lab in enumerate(model.node_labels)}
    expected = {tuple(sorted((index[labels[i]], index[labels[j]]))) for i, j in pairs if i != j}
    adj = model.adjacency
    got = {tuple(p) for p in np.argwhere(np.triu(adj.toarray()) > 0).tolist()}
    assert got == expected
    assert (adj != adj.T).nnz == 0 and adj.diagonal().sum() == 0
    assert model.state.n == 60 and len(model.residents) == 60


def test_edge_list_households_from_the_nodes_file(tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\n1,2\n2,3\n3,4\n")
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("node,courtyard,household\n1,A,h1\n2,A,h1\n3,B,h2\n4,B,h3\n")
    model = CommunityModel({
        "community": {"n_residents": 4}, "leaders": {"n_initial": 1}, "deliberation": {"council_size": 2},
        "network": {"kind": "edgelist", "edgelist": {"path": str(ties), "nodes_path": str(nodes)}},
    })
    h = model.state.household
    assert h[0] == h[1] and len({h[1], h[2], h[3]}) == 3
    assert model.household_representative.sum() == 3


def test_edge_list_without_households_makes_everyone_their_own(tmp_path):
    ties = _write_edge_list(tmp_path, ["a", "b", "c"], [(0, 1), (1, 2)])
    model = CommunityModel({"community": {"n_residents": 3}, "leaders": {"n_initial": 1},
                            "deliberation": {"council_size": 2},
                            "network": {"kind": "edgelist", "edgelist": {"path": str(ties)}}})
    assert len(np.unique(model.state.household)) == 3


def test_edge_list_nodes_file_adds_isolates_and_courtyards(tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\nann,bo\nbo,cy\ncy,ann\ndee,eve\n")
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("node,courtyard\nann,north\nbo,north\ncy,south\ndee,south\neve,east\nflo,east\n")
    model = CommunityModel({
        "community": {"n_residents": 6}, "leaders": {"n_initial": 1},
        "deliberation": {"council_size": 3},
        "network": {"kind": "edgelist", "edgelist": {"path": str(ties), "nodes_path": str(nodes)}},
    })
    assert model.node_labels == ["ann", "bo", "cy", "dee", "eve", "flo"]
    assert model.degree.tolist() == [2, 2, 2, 1, 1, 0]     # flo is listed but has no ties
    court = model.state.courtyard
    assert court[0] == court[1] != court[2] == court[3] != court[4] == court[5]
    assert model.n_courtyards == 3
    model.run_for(8)  # and it runs


@pytest.mark.parametrize("kind", ["courtyard", "watts_strogatz", "barabasi_albert"])
def test_every_kind_runs_a_model(kind):
    model = CommunityModel({"seed": 2, "community": {"n_residents": N}, "leaders": {"n_initial": 10},
                            "issues": {"rate": 5.0}, "network": {"kind": kind}})
    model.run_for(12)
    assert model.timeseries()["proposals"].sum() > 0
    np.testing.assert_array_equal(model.degree, np.asarray(model.adjacency.sum(axis=1)).ravel())
    assert model.space is not None and len(model.residents) == N


def test_residents_of_courtyards(make_model):
    model = make_model(seed=2)
    rng = np.random.default_rng(0)
    for _ in range(10):
        chosen = rng.choice(model.n_courtyards, size=int(rng.integers(1, model.n_courtyards + 1)),
                            replace=False)
        np.testing.assert_array_equal(model.residents_of(chosen),
                                      np.flatnonzero(np.isin(model.state.courtyard, chosen)))
    assert len(model.residents_of(np.array([], dtype=int))) == 0


def test_preferential_attachment_gives_each_new_node_m_distinct_earlier_targets():
    from sim.network import preferential_attachment_targets
    n, m = 2000, 4
    targets = preferential_attachment_targets(n, m, np.random.default_rng(1))
    assert targets.shape == (n - m - 1, m)
    source = np.arange(m + 1, n)[:, None]
    assert (targets < source).all() and (targets >= 0).all()
    assert all(len(set(row)) == m for row in targets.tolist())
    # preferential: early nodes collect far more ties than late ones
    counts = np.bincount(targets.ravel(), minlength=n)
    assert counts[:50].mean() > 10 * counts[-500:].mean()


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_watts_strogatz_rewiring_keeps_ties_and_moves_them(p):
    cfg = validate_config({"community": {"n_residents": 200}, "network": {"kind": "watts_strogatz",
                                                                          "watts_strogatz": {"k": 4, "p": p}}})
    net = build_network(cfg, np.random.default_rng(2))
    _check_clean(net, 200)
    assert len(net.edges) == 200 * 2
    ring = np.abs(net.edges[:, 0] - net.edges[:, 1])
    on_ring = np.isin(ring, [1, 2, 198, 199]).mean()
    assert on_ring == 1.0 if p == 0 else on_ring < 1 - p / 2


@pytest.mark.parametrize("kind", ["watts_strogatz", "barabasi_albert"])
def test_large_generators_are_reproducible(kind):
    cfg = validate_config({"community": {"n_residents": 20_000}, "network": {"kind": kind}})
    a, b = (build_network(cfg, np.random.default_rng(9)) for _ in range(2))
    np.testing.assert_array_equal(a.edges, b.edges)
    np.testing.assert_array_equal(a.courtyard, b.courtyard)
