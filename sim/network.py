"""The social network: generators, the surveyed-edge-list reader, and the sparse adjacency.

Every generator returns a :class:`SocialNetwork`: the undirected ties between nodes ``0..n-1``,
each resident's courtyard and household, and the node labels (for edge lists).
No layout is computed here; Mesa's ``Network`` space is built with ``layout=None``.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from sim.config import ModelConfig, NetworkConfig
from sim.schema import ConfigError


@dataclass
class SocialNetwork:
    n: int
    edges: np.ndarray  # (m, 2) unique undirected ties, i < j
    courtyard: np.ndarray
    household: np.ndarray
    labels: list | None = None

    @classmethod
    def from_edges(cls, n: int, edges: np.ndarray, courtyard: np.ndarray, household: np.ndarray,
                   labels: list | None = None) -> SocialNetwork:
        """Drop self-ties and duplicates; store each tie once as (low, high)."""
        edges = np.sort(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=1)
        code = np.sort(edges[edges[:, 0] != edges[:, 1]] @ np.array([n, 1], dtype=np.int64))
        code = code[np.r_[True, code[1:] != code[:-1]]] if len(code) else code
        return cls(n, np.column_stack([code // n, code % n]), np.asarray(courtyard),
                   np.asarray(household), labels)

    def graph(self) -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        g.add_edges_from(self.edges.tolist())
        return g

    def adjacency(self) -> sp.csr_matrix:
        """Symmetric 0/1 adjacency in CSR form (for neighbour sums: ``A @ x``)."""
        rows = np.concatenate([self.edges[:, 0], self.edges[:, 1]])
        cols = np.concatenate([self.edges[:, 1], self.edges[:, 0]])
        return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.n, self.n))


def courtyard_network(n: int, cfg: NetworkConfig, rng: np.random.Generator) -> SocialNetwork:
    """Households (all members tied) in courtyards; Poisson ties within and between courtyards."""
    c = cfg.courtyard
    household = np.arange(n) // c.household_size
    courtyard = household // c.households_per_courtyard
    # household cliques: tie each member to the others of the same household
    edges = [np.empty((0, 2), dtype=np.int64)]
    for offset in range(1, c.household_size):
        i = np.arange(n - offset)
        same = household[i] == household[i + offset]
        edges.append(np.column_stack([i[same], i[same] + offset]))
    # courtyard neighbours: each resident makes Poisson(ties/2) ties inside their courtyard
    starts = np.searchsorted(courtyard, np.arange(courtyard.max() + 1))
    sizes = np.bincount(courtyard)
    k_in = rng.poisson(c.ties_within_courtyard / 2, n)
    src = np.repeat(np.arange(n), k_in)
    dst = starts[courtyard[src]] + (rng.random(len(src)) * sizes[courtyard[src]]).astype(np.int64)
    edges.append(np.column_stack([src, dst]))
    # ties across courtyards: uniformly random partners
    k_out = rng.poisson(c.ties_between_courtyards / 2, n)
    src = np.repeat(np.arange(n), k_out)
    edges.append(np.column_stack([src, rng.integers(0, n, len(src))]))
    return SocialNetwork.from_edges(n, np.concatenate(edges), courtyard, household)


def _blocks(n: int, size: int) -> np.ndarray:
    return np.arange(n) // size


def households_within(courtyard: np.ndarray, size: int) -> np.ndarray:
    """Household numbers: consecutive blocks of ``size`` residents inside each courtyard."""
    order = np.argsort(courtyard, kind="stable")
    sorted_c = courtyard[order]
    start = np.searchsorted(sorted_c, sorted_c)  # first position of each resident's courtyard
    household = np.empty(len(courtyard), dtype=np.int64)
    household[order] = sorted_c * len(courtyard) + (np.arange(len(courtyard)) - start) // size
    return pd.factorize(household)[0]


def watts_strogatz_network(n: int, cfg: NetworkConfig, rng: np.random.Generator) -> SocialNetwork:
    """Small world (Watts & Strogatz 1998); courtyards and households are consecutive blocks of
    the ring (``courtyard_size``, ``courtyard.household_size``)."""
    g = nx.watts_strogatz_graph(n, cfg.watts_strogatz.k, cfg.watts_strogatz.p,
                                seed=int(rng.integers(2**31)))
    return SocialNetwork.from_edges(n, np.array(g.edges()), _blocks(n, cfg.courtyard_size),
                                    _blocks(n, cfg.courtyard.household_size))


def barabasi_albert_network(n: int, cfg: NetworkConfig, rng: np.random.Generator) -> SocialNetwork:
    """Preferential attachment (Barabási & Albert 1999); courtyards are random blocks, households
    blocks of ``courtyard.household_size`` within them."""
    g = nx.barabasi_albert_graph(n, cfg.barabasi_albert.m, seed=int(rng.integers(2**31)))
    courtyard = rng.permutation(_blocks(n, cfg.courtyard_size))
    return SocialNetwork.from_edges(n, np.array(g.edges()), courtyard,
                                    households_within(courtyard, cfg.courtyard.household_size))


def _read_csv(key: str, path: str, columns: list[str]) -> pd.DataFrame:
    try:
        df = pd.read_csv(path)
    except Exception as exc:  # unreadable, empty, not CSV
        raise ConfigError(key, path, f"could not be read as CSV ({type(exc).__name__}: {exc})") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ConfigError(key, path, f"needs columns {columns}; found {list(df.columns)}")
    if df[columns].isna().any().any():
        raise ConfigError(key, path, f"has empty cells in columns {columns}")
    return df


def edgelist_network(cfg: NetworkConfig, n_expected: int) -> SocialNetwork:
    """A surveyed network: ``path`` lists ties (source,target); ``nodes_path`` optionally lists
    every resident (column node, optional columns courtyard and household). Node labels may be
    any strings; without a nodes file the residents are the nodes named in the edges."""
    edges = _read_csv("network.edgelist.path", cfg.edgelist.path, ["source", "target"])
    src, dst = edges["source"].astype(str), edges["target"].astype(str)
    if cfg.edgelist.nodes_path:
        nodes = _read_csv("network.edgelist.nodes_path", cfg.edgelist.nodes_path, ["node"])
        labels = list(dict.fromkeys(nodes["node"].astype(str)))
        known = set(labels)
        unknown = sorted((set(src) | set(dst)) - known)
        if unknown:
            raise ConfigError("network.edgelist.path", cfg.edgelist.path,
                              f"names nodes not in network.edgelist.nodes_path: {unknown[:5]}")
    else:
        nodes, labels = None, list(dict.fromkeys(pd.concat([src, dst])))
    if len(labels) != n_expected:
        raise ConfigError("community.n_residents", n_expected,
                          f"the edge list has {len(labels)} residents; set community.n_residents={len(labels)}")
    index = {label: i for i, label in enumerate(labels)}
    pairs = np.column_stack([src.map(index).to_numpy(), dst.map(index).to_numpy()])
    n = len(labels)
    listed = nodes.drop_duplicates("node") if nodes is not None else None
    if listed is not None and "courtyard" in listed.columns:
        courtyard = pd.factorize(listed["courtyard"].astype(str).to_numpy())[0]
    else:
        courtyard = _blocks(n, cfg.courtyard_size)
    if listed is not None and "household" in listed.columns:
        household = pd.factorize(listed["household"].astype(str).to_numpy())[0]
    else:
        household = np.arange(n)  # without survey data, everyone is their own household
    return SocialNetwork.from_edges(n, pairs, courtyard, household, labels)


def build_network(cfg: ModelConfig, rng: np.random.Generator) -> SocialNetwork:
    """Dispatch on ``network.kind``."""
    n, net = cfg.community.n_residents, cfg.network
    if net.kind == "courtyard":
        return courtyard_network(n, net, rng)
    if net.kind == "watts_strogatz":
        return watts_strogatz_network(n, net, rng)
    if net.kind == "barabasi_albert":
        return barabasi_albert_network(n, net, rng)
    return edgelist_network(net, n)
