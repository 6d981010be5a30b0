"""The drawing's layout: seeded, stable while the run plays, courtyards and households visible."""

from __future__ import annotations

import numpy as np
import pytest

from app.figures import NetworkPicture
from app.layout import courtyard_layout, model_layout
from sim.model import CommunityModel

SMALL = {"community": {"n_residents": 300}, "leaders": {"n_initial": 10}, "issues": {"rate": 5.0}}


def model(seed: int = 1, **network) -> CommunityModel:
    return CommunityModel({**SMALL, "seed": seed, "network": network})


@pytest.mark.parametrize("seed", [1, 7, 123])
def test_same_seed_same_positions_other_seed_other_positions(seed):
    a, b = model_layout(model(seed)), model_layout(model(seed))
    np.testing.assert_array_equal(a.positions, b.positions)
    other = courtyard_layout(model(seed).state.courtyard, model(seed).state.household, seed + 1)
    assert not np.allclose(a.positions, other.positions)
    np.testing.assert_array_equal(a.centres, other.centres)  # the grid does not depend on the seed


def test_positions_do_not_move_while_the_run_plays():
    m = model(2)
    layout = model_layout(m)
    picture = NetworkPicture(m, layout)
    picture.png(m)
    drawn_before = np.concatenate([picture.dots.get_offsets(), picture.stars.get_offsets()])
    for _ in range(30):
        m.step()
    np.testing.assert_array_equal(model_layout(m).positions, layout.positions)
    picture.png(m)
    drawn_after = np.concatenate([picture.dots.get_offsets(), picture.stars.get_offsets()])
    # leaders change, so residents move between the two artists, but every point stays put
    rows = lambda arr: set(map(tuple, np.round(arr, 9)))  # noqa: E731
    assert rows(drawn_after) == rows(drawn_before) == rows(layout.positions)


def test_drawing_never_touches_the_models_random_stream():
    with_layout, without = model(5), model(5)
    state = with_layout.rng.bit_generator.state
    model_layout(with_layout)
    assert with_layout.rng.bit_generator.state == state
    for _ in range(20):
        with_layout.step()
        without.step()
    assert with_layout.timeseries().equals(without.timeseries())


@pytest.mark.parametrize("network", [{}, {"kind": "watts_strogatz"}, {"kind": "barabasi_albert"}])
def test_residents_sit_in_their_own_disjoint_courtyard_disc(network):
    m = model(3, **network)
    layout = model_layout(m)
    c = m.state.courtyard
    distance = np.linalg.norm(layout.positions - layout.centres[c], axis=1)
    assert (distance <= layout.radii[c]).all()
    k = len(layout.centres)
    for i in range(k):
        for j in range(i + 1, k):
            assert np.linalg.norm(layout.centres[i] - layout.centres[j]) > layout.radii[i] + layout.radii[j]
    xmin, xmax, ymin, ymax = layout.bounds
    pts = np.vstack([layout.positions, layout.officials])
    assert (pts[:, 0] > xmin).all() and (pts[:, 0] < xmax).all() and (pts[:, 1] > ymin).all() and (pts[:, 1] < ymax).all()
    assert len(layout.officials) == m.config.officials.n_cadres + 1
    assert (layout.officials[:, 1] > layout.centres[:, 1].max() + layout.radii.max()).all()  # above the courtyards


def test_households_sit_together():
    m = model(4)
    layout = model_layout(m)
    s = m.state
    same = s.household[:, None] == s.household[None, :]
    np.fill_diagonal(same, False)
    d = np.linalg.norm(layout.positions[:, None] - layout.positions[None, :], axis=2)
    neighbours = (s.courtyard[:, None] == s.courtyard[None, :]) & ~same
    np.fill_diagonal(neighbours, False)
    assert d[same].max() < np.median(d[neighbours]) / 3
