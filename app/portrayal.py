"""How each agent looks in the drawing: colours, rings, markers and sizes.

* Residents are dots filled with the colour of the highest Arnstein rung they have reached
  (Arnstein 1969): an 8-step palette in three groups, reds for non-participation (1-2),
  ochres for tokenism (3-5), greens for citizen power (6-8), lighter to darker within a group;
  every colour has a contrast ratio of at least 3:1 against the courtyard disc and the white
  page (:func:`contrast_ratio`, WCAG 2: ``(L1 + 0.05) / (L2 + 0.05)`` of relative luminances).
* Leaders are stars with a black outline.
* Members of a self-organisation wear a thick ring: purple for a recreational group, blue for a
  public-good group.
* Residents at a meeting this week are drawn larger.
* Officials (residents'-committee cadres as squares, the street office as a diamond) sit in a row
  above the courtyards; their fill goes from grey to teal with their openness to deliberation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.colors import to_rgba, to_rgba_array

from sim.agents import Official, OfficialRole, Purpose
from sim.ladder import Rung

RUNG_COLOURS = (  # each at least 3:1 contrast (WCAG 2) against the courtyard disc and white
    "#7f0000",  # 1 manipulation
    "#d7301f",  # 2 therapy
    "#a38000",  # 3 informing
    "#8a6400",  # 4 consultation
    "#6b4500",  # 5 placation
    "#2f8f3a",  # 6 partnership
    "#1c6b2b",  # 7 delegated power
    "#00441b",  # 8 citizen control
)
MIN_CONTRAST = 3.0  # WCAG 2 minimum for graphical objects
RUNG_GROUPS = (
    ("non_participation", (Rung.MANIPULATION, Rung.THERAPY)),
    ("tokenism", (Rung.INFORMING, Rung.CONSULTATION, Rung.PLACATION)),
    ("citizen_power", (Rung.PARTNERSHIP, Rung.DELEGATED_POWER, Rung.CITIZEN_CONTROL)),
)
RING_COLOURS = {Purpose.RECREATIONAL: "#7b3294", Purpose.PUBLIC_GOOD: "#1f5fbf"}
NO_RING_COLOUR = "#4d4d4d"
LEADER_OUTLINE = "#1a1a1a"
OFFICIAL_CLOSED, OFFICIAL_OPEN = "#bdbdbd", "#00796b"
OFFICIAL_MARKERS = {OfficialRole.CADRE: "s", OfficialRole.STREET_OFFICE: "D"}
COURTYARD_FILL, COURTYARD_EDGE = "#eef2f7", "#9aa8b8"
EDGE_COLOUR = "#8c96a0"


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance: 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB channels."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgba(colour)[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 (none) to 21 (black on white)."""
    dark, light = sorted((relative_luminance(a), relative_luminance(b)))
    return (light + 0.05) / (dark + 0.05)


def rung_colour(rung: int) -> str:
    """Hex colour of rung 1..8."""
    if not 1 <= int(rung) <= 8:
        raise ValueError(f"rung must be 1..8, got {rung}")
    return RUNG_COLOURS[int(rung) - 1]


def rung_colours(rungs: np.ndarray) -> np.ndarray:
    """RGBA rows for an array of rungs 1..8."""
    return to_rgba_array(RUNG_COLOURS)[np.asarray(rungs, dtype=np.int64) - 1]


def rung_group(rung: int) -> str:
    """``non_participation``, ``tokenism`` or ``citizen_power``."""
    return next(group for group, rungs in RUNG_GROUPS if Rung(int(rung)) in rungs)


def rung_counts(rungs: np.ndarray) -> np.ndarray:
    """Residents on each rung 1..8 (highest rung reached)."""
    return np.bincount(np.asarray(rungs, dtype=np.int64), minlength=9)[1:9]


@dataclass(frozen=True)
class ResidentPortrayal:
    face: np.ndarray  # (n, 4) RGBA fill: the highest rung reached
    ring: np.ndarray  # (n, 4) RGBA outline: organisation purpose, or thin grey
    ring_width: np.ndarray  # (n,)
    size: np.ndarray  # (n,) marker area in points^2
    leader: np.ndarray  # (n,) bool: drawn as a star


def portray_residents(model, base_size: float = 22.0) -> ResidentPortrayal:
    """Style of every resident of a :class:`sim.model.CommunityModel` at its current step."""
    s = model.state
    n = s.n
    purpose_of = {org.org_id: org.purpose for org in model.organisations()}
    ring = np.tile(to_rgba_array([NO_RING_COLOUR]), (n, 1))
    ring_width = np.full(n, 0.3)
    members = np.flatnonzero(s.organisation >= 0)
    for purpose, colour in RING_COLOURS.items():
        rows = members[[purpose_of.get(int(o)) is purpose for o in s.organisation[members]]]
        ring[rows] = to_rgba_array([colour])
        ring_width[rows] = 1.8
    leader = s.is_leader.copy()
    ring[leader & (s.organisation < 0)] = to_rgba_array([LEADER_OUTLINE])
    ring_width[leader] = np.maximum(ring_width[leader], 0.6)
    size = np.full(n, base_size)
    size[model.attendees] = base_size * 2.0
    size[leader] *= 5.0
    return ResidentPortrayal(rung_colours(s.rung), ring, ring_width, size, leader)


@dataclass(frozen=True)
class OfficialPortrayal:
    marker: list[str]  # "s" cadre, "D" street office
    face: np.ndarray  # (k, 4) RGBA: grey (closed) to teal (open to deliberation)
    openness: np.ndarray  # (k,)
    responsiveness: np.ndarray  # (k,)


def portray_officials(model) -> OfficialPortrayal:
    officials = list(model.agents_by_type.get(Official, []))
    openness = np.array([o.openness for o in officials], dtype=float)
    responsiveness = np.array([o.responsiveness for o in officials], dtype=float)
    closed, open_ = to_rgba_array([OFFICIAL_CLOSED, OFFICIAL_OPEN])
    face = closed + np.clip(openness, 0, 1)[:, None] * (open_ - closed)
    return OfficialPortrayal([OFFICIAL_MARKERS[o.role] for o in officials], face, openness, responsiveness)
