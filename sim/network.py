"""The social network: generators and the sparse adjacency (surveyed edge lists: :mod:`sim.edgelist`).

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
from sim.edgelist import read_edgelist


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


def build_network(cfg: ModelConfig, rng: np.random.Generator) -> SocialNetwork:
    """Dispatch on ``network.kind``."""
    n, net = cfg.community.n_residents, cfg.network
    if net.kind == "courtyard":
        return courtyard_network(n, net, rng)
    if net.kind == "watts_strogatz":
        return watts_strogatz_network(n, net, rng)
    if net.kind == "barabasi_albert":
        return barabasi_albert_network(n, net, rng)
    return read_edgelist(net, n)
