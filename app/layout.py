"""Node positions for drawing a community: courtyards on a grid, households inside them.

Computed once per community and kept while the run plays (positions depend only on who lives
in which courtyard and household, never on the run). Three levels:

* courtyards sit on a near-square grid, row by row in courtyard order, each a disc of radius
  ``r_c = d * sqrt(H_c) * 0.62`` around its centre (``H_c`` households, ``d`` household spacing);
* household centres fill their courtyard's disc on Vogel's sunflower spiral: household k at
  radius ``d * 0.62 * sqrt(k + 0.5)`` and angle ``k * 137.5°`` (Vogel 1979, an even packing of
  a disc), the spiral turned by a random angle per courtyard;
* a household's m members sit on a small circle around its centre at angles
  ``phi_h + 2 pi j / m``, ``phi_h`` random per household.

The random angles come from a generator seeded with the model's seed through its own
``SeedSequence`` child, so the same seed gives the same picture and drawing never touches the
model's random stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))  # 137.5 degrees
SPIRAL_SCALE = 0.62  # spacing of neighbouring points on Vogel's spiral, in household spacings
LAYOUT_STREAM = 7  # SeedSequence child reserved for drawing (the model uses child 0)


@dataclass(frozen=True)
class Layout:
    positions: np.ndarray  # (n, 2) resident positions
    centres: np.ndarray  # (C, 2) courtyard centres
    radii: np.ndarray  # (C,) courtyard disc radii
    officials: np.ndarray  # (k, 2) positions of the officials' markers, above the courtyards
    bounds: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax


def layout_rng(seed: int) -> np.random.Generator:
    """The drawing's own generator: child ``LAYOUT_STREAM`` of ``SeedSequence(seed)``."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(LAYOUT_STREAM + 1)[LAYOUT_STREAM])


def courtyard_layout(courtyard: np.ndarray, household: np.ndarray, seed: int, n_officials: int = 0,
                     aspect: float = 1.3) -> Layout:
    """Positions of residents (rows of ``courtyard``/``household``) and of ``n_officials`` markers."""
    courtyard = np.asarray(courtyard, dtype=np.int64)
    household = np.asarray(household, dtype=np.int64)
    n = len(courtyard)
    rng = layout_rng(seed)
    if n == 0:
        return Layout(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0), np.zeros((n_officials, 2)),
                      (-1.0, 1.0, -1.0, 1.0))
    n_courtyards = int(courtyard.max()) + 1
    # households in order of first appearance, grouped by courtyard
    order = np.lexsort((np.arange(n), household, courtyard))
    first = np.r_[True, (household[order][1:] != household[order][:-1])
                  | (courtyard[order][1:] != courtyard[order][:-1])]
    house_of_row = np.empty(n, dtype=np.int64)
    house_of_row[order] = np.cumsum(first) - 1  # dense household number, courtyard-major
    house_courtyard = courtyard[order][first]
    house_size = np.bincount(house_of_row)
    member_index = np.empty(n, dtype=np.int64)
    starts = np.flatnonzero(first)
    member_index[order] = np.arange(n) - np.repeat(starts, house_size)

    member_radius = np.where(house_size > 1, 0.18 * np.sqrt(house_size), 0.0)
    spacing = 1.0 + 2 * float(member_radius.max())
    houses_per_courtyard = np.bincount(house_courtyard, minlength=n_courtyards)
    radii = spacing * SPIRAL_SCALE * np.sqrt(np.maximum(houses_per_courtyard, 1)) + spacing * 0.5

    cols = max(1, int(np.ceil(np.sqrt(n_courtyards * aspect))))
    cell = 2 * float(radii.max()) + spacing
    idx = np.arange(n_courtyards)
    centres = np.column_stack([(idx % cols) * cell, -(idx // cols) * cell]).astype(float)

    # household centres on each courtyard's sunflower spiral
    house_rank = np.arange(len(house_size)) - np.searchsorted(house_courtyard, house_courtyard)
    turn = rng.uniform(0, 2 * np.pi, n_courtyards)[house_courtyard]
    r = spacing * SPIRAL_SCALE * np.sqrt(house_rank + 0.5)
    angle = house_rank * GOLDEN_ANGLE + turn
    house_xy = centres[house_courtyard] + np.column_stack([r * np.cos(angle), r * np.sin(angle)])

    # members around their household centre
    phase = rng.uniform(0, 2 * np.pi, len(house_size))[house_of_row]
    a = phase + 2 * np.pi * member_index / house_size[house_of_row]
    rad = member_radius[house_of_row]
    positions = house_xy[house_of_row] + np.column_stack([rad * np.cos(a), rad * np.sin(a)])

    top = float(centres[:, 1].max() + radii.max())
    mid = float(centres[:, 0].min() + centres[:, 0].max()) / 2
    span = max(float(np.ptp(centres[:, 0])), spacing * 1.5 * (n_officials - 1))
    xs = mid + (np.arange(n_officials) - (n_officials - 1) / 2) * span / max(n_officials - 1, 1)
    officials = np.column_stack([xs, np.full(n_officials, top + spacing * 1.5)])
    pad = spacing * 0.8
    xmin = float(min(centres[:, 0].min() - radii.max(), officials[:, 0].min() if n_officials else np.inf)) - pad
    xmax = float(max(centres[:, 0].max() + radii.max(), officials[:, 0].max() if n_officials else -np.inf)) + pad
    ymin = float(centres[:, 1].min() - radii.max()) - pad
    ymax = float(officials[:, 1].max() if n_officials else top) + pad
    return Layout(positions, centres, radii, officials, (xmin, xmax, ymin, ymax))


def model_layout(model) -> Layout:
    """The layout of a :class:`sim.model.CommunityModel`'s residents and officials."""
    from sim.agents import Official

    s = model.state
    n_officials = len(model.agents_by_type.get(Official, []))
    return courtyard_layout(s.courtyard, s.household, model.config.seed, n_officials)
