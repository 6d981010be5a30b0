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


def _pair_code(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """One int64 per undirected pair: low * n + high."""
    return np.minimum(a, b) * n + np.maximum(a, b)


def _in_sorted(values: np.ndarray, sorted_array: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(sorted_array, values)
    return sorted_array[np.minimum(pos, len(sorted_array) - 1)] == values if len(sorted_array) else \
        np.zeros(len(values), dtype=bool)


def watts_strogatz_network(n: int, cfg: NetworkConfig, rng: np.random.Generator,
                           max_rounds: int = 100) -> SocialNetwork:
    """Small world (Watts & Strogatz 1998), vectorised: the ring lattice joins node i to
    i+1 .. i+k/2 (mod n); each tie (i, v) is rewired with probability p to (i, w), w uniform,
    redrawn while w is i itself or already tied to i (as in Watts & Strogatz; all ties are redrawn
    together in rounds, a tie still unplaced after ``max_rounds`` keeps its ring partner if that
    pair is free). Courtyards and households are consecutive blocks of the ring
    (``courtyard_size``, ``courtyard.household_size``)."""
    half, p = cfg.watts_strogatz.k // 2, cfg.watts_strogatz.p
    u = np.tile(np.arange(n, dtype=np.int64), half)
    v = (u + np.repeat(np.arange(1, half + 1, dtype=np.int64), n)) % n
    rewire = rng.random(len(u)) < p
    placed = np.sort(_pair_code(u[~rewire], v[~rewire], n))
    pending = np.flatnonzero(rewire)
    for _ in range(max_rounds):
        if not len(pending):
            break
        w = rng.integers(0, n, len(pending))
        code = _pair_code(u[pending], w, n)
        ok = (w != u[pending]) & ~_in_sorted(code, placed)
        ok[np.flatnonzero(ok)[~_first_occurrence(code[ok])]] = False  # two draws of one new pair
        v[pending[ok]] = w[ok]
        placed = np.sort(np.concatenate([placed, code[ok]]))
        pending = pending[~ok]
    if len(pending):  # still unplaced: keep the ring tie where free, else drop it
        code = _pair_code(u[pending], v[pending], n)
        keep = ~_in_sorted(code, placed) & _first_occurrence(code)
        dropped = pending[~keep]
        u, v = np.delete(u, dropped), np.delete(v, dropped)
    return SocialNetwork.from_edges(n, np.column_stack([u, v]), _blocks(n, cfg.courtyard_size),
                                    _blocks(n, cfg.courtyard.household_size))


def _first_occurrence(values: np.ndarray) -> np.ndarray:
    """True at the first occurrence of each value."""
    first = np.zeros(len(values), dtype=bool)
    first[np.unique(values, return_index=True)[1]] = True
    return first


def preferential_attachment_targets(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """Targets of Barabási-Albert growth, vectorised (after Batagelj & Brandes 2005).

    Growth starts from a star on nodes 0..m (node 0 the centre). Node s = m+1, ..., n-1 ties to m
    distinct earlier nodes, each drawn with probability proportional to degree: a uniform
    position in the list of tie ends so far, which for node s is the star's 2m ends followed,
    for every earlier new node t, by t's m targets and then m copies of t. A position that holds a
    target of t reads t's draw, so targets are resolved by following draws backwards; a repeated
    target is drawn again, as networkx does. Nodes are resolved in chunks (each a quarter of the
    nodes before it), so draws into earlier chunks read final values.
    Returns an (n - m - 1, m) array: row q holds the targets of node m + 1 + q."""
    n_new = max(n - m - 1, 0)
    targets = np.empty((n_new, m), dtype=np.int64)
    start = 0
    while start < n_new:
        stop = min(n_new, start + max(64, start // 4))
        rows = np.arange(start, stop)
        list_length = 2 * m * (rows + 1)  # tie ends before node m + 1 + row
        bound = np.broadcast_to(list_length[:, None], (len(rows), m))
        draw = np.empty(bound.shape, dtype=np.int64)
        redraw = np.ones(bound.shape, dtype=bool)
        while redraw.any():
            draw[redraw] = (rng.random(redraw.sum()) * bound[redraw]).astype(np.int64)
            chunk = _resolve(draw, targets, start, m)
            redraw = np.zeros(draw.shape, dtype=bool)
            for j in range(1, m):
                redraw[:, j] = (chunk[:, :j] == chunk[:, j:j + 1]).any(axis=1)
        targets[start:stop] = chunk
        start = stop
    return targets


def _resolve(draw: np.ndarray, targets: np.ndarray, start: int, m: int) -> np.ndarray:
    """Nodes at list positions ``draw`` for the chunk of rows starting at ``start``: positions in
    the star or on a copy of a new node are read directly; a target of an earlier chunk's row from
    ``targets``; a target of a row in this chunk by following that row's own draw."""
    position = draw.copy()
    node = np.empty_like(draw)
    todo = np.ones(draw.shape, dtype=bool)
    while todo.any():
        pos = position[todo]
        row, offset = np.divmod(pos - 2 * m, 2 * m)
        value = np.where(pos < m, 0, pos - m + 1)  # the star: m ends at 0, then 1..m
        new = pos >= 2 * m
        copy = new & (offset >= m)
        value[copy] = m + 1 + row[copy]
        earlier = new & ~copy & (row < start)
        value[earlier] = targets[row[earlier], offset[earlier]]
        inside = new & ~copy & (row >= start)
        idx = np.flatnonzero(todo)
        done = ~inside
        node[np.unravel_index(idx[done], draw.shape)] = value[done]
        position[np.unravel_index(idx[inside], draw.shape)] = draw[row[inside] - start, offset[inside]]
        todo[np.unravel_index(idx[done], draw.shape)] = False
    return node


def barabasi_albert_network(n: int, cfg: NetworkConfig, rng: np.random.Generator) -> SocialNetwork:
    """Preferential attachment (Barabási & Albert 1999; :func:`preferential_attachment_targets`);
    courtyards are random blocks, households blocks of ``courtyard.household_size`` within them."""
    m = cfg.barabasi_albert.m
    targets = preferential_attachment_targets(n, m, rng)
    star = np.column_stack([np.zeros(m, dtype=np.int64), np.arange(1, m + 1)])
    grown = np.column_stack([np.repeat(np.arange(m + 1, n), m), targets.ravel()])
    courtyard = rng.permutation(_blocks(n, cfg.courtyard_size))
    return SocialNetwork.from_edges(n, np.concatenate([star, grown]), courtyard,
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
