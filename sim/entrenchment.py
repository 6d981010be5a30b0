"""Entrenched legacy meetings: cadres' practice drifts back to what it was (docs/mechanisms.md).

Where top-down discussion meetings (议事会: convened and chaired by the secretary or director,
members appointed, no terms) have run for y years (``officials.legacy_years``), the old way of
working has a weight

    e = y / (y + h),    h = ``officials.entrenchment_half_years``

(0 with no legacy meetings, 1/2 after h years). Every week each official's openness,
responsiveness and retained power move back toward the values they had when the run began:

    x <- x + reversion_rate * e * (x_0 - x)

so whatever a programme changes in the cadres' practice (training, returning power, the six
steps' platform) fades faster the longer the legacy meetings ran. The same weight makes the
legacy meeting's appointed members (the "mass base") hard to unseat when a reformed council is
elected (:mod:`sim.interventions.deliberation_council`). Gulou found the communities with the
longest-running, best-rooted discussion meetings the hardest to move; the functional form and the
rates are assumptions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model import CommunityModel

PRACTICE = ("openness", "responsiveness", "power_retained")


def entrenchment(model: CommunityModel) -> float:
    """e = y / (y + h) of the module docstring."""
    o = model.config.officials
    return o.legacy_years / (o.legacy_years + o.entrenchment_half_years) if o.legacy_years > 0 else 0.0


def remember_practice(model: CommunityModel) -> None:
    """Store every official's starting practice (x_0), at set-up."""
    for official in model.officials:
        official.legacy_practice = {name: getattr(official, name) for name in PRACTICE}


def revert_practice(model: CommunityModel) -> None:
    """x <- x + reversion_rate * e * (x_0 - x) for every official and practice (once a week)."""
    pull = model.config.officials.reversion_rate * model.entrenchment
    if pull == 0:
        return
    for official in model.officials:
        for name, start in official.legacy_practice.items():
            value = getattr(official, name)
            setattr(official, name, value + pull * (start - value))
