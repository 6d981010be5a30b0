"""Habit: taking part makes a resident more likely to take part again; the habit fades.

Per resident i, a participant identity h_i in [0, 1] (``state.habit``, 0 at the start):

    h_i <- h_i + habit_gain * (1 - h_i)     after each meeting i attends
    h_i <- h_i * (1 - habit_decay)          every week

and h_i enters the utility of taking part as ``habit_weight * h_i`` (:mod:`sim.participation`).
With the defaults a habit halves in about a year without meetings, so residents who came
several times form the small core of regulars the cases call backbones (骨干) and activists.

Sources: Gerber, Green & Shachar (2003), voting in one election raises the chance of voting in
the next (habit); Plutzer (2002), turnout as a developmental habit with inertia.
"""

from __future__ import annotations

import numpy as np

from sim.config import ParticipationConfig
from sim.state import ResidentState


def record_attendance(state: ResidentState, attendees: np.ndarray, step: int, cfg: ParticipationConfig) -> None:
    """Attendees' participation history: one more meeting, taken part at ``step``, and their habit
    grows, h <- h + habit_gain * (1 - h)."""
    state.meetings_attended[attendees] += 1
    state.last_took_part_step[attendees] = step
    state.habit[attendees] += cfg.habit_gain * (1.0 - state.habit[attendees])


def fade_habit(state: ResidentState, cfg: ParticipationConfig) -> None:
    """Every resident's habit fades by ``habit_decay`` a week."""
    state.habit *= 1.0 - cfg.habit_decay
