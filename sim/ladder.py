"""Arnstein's ladder of citizen participation (Arnstein 1969, docs/ladder.md).

The ladder measures power over decisions, so a rung is read off *what became of an issue's
deliberation*, not off attendance alone. One table serves issues and residents:

==========================================================  ===================
what happened to the issue (power = official's retained      rung
share of decision power)
==========================================================  ===================
decided by cadres alone, nobody took part                    1 manipulation
deliberated, the chair steered the group, then ignored       2 therapy
deliberated, no proposal reached officials                   3 informing
proposal heard, then ignored                                 4 consultation
partly adopted, or adopted while power >= partnership        5 placation
adopted, delegation <= power < partnership (shared)          6 partnership
adopted, power < delegation: the residents' body decides     7 delegated power
delegated and carried out by a residents' organisation       8 citizen control
==========================================================  ===================

(``partnership`` and ``delegation`` are ``officials.partnership_threshold`` and
``officials.delegation_threshold``: officials who keep most power and adopt a proposal at their
discretion are placating, not sharing power.)

Per resident (``state.rung``): the highest rung reached so far. Attending a meeting gives the
issue's rung; a touched resident who did not attend but was told the result gets at most
rung 3 (informing). Residents never involved sit on rung 1: Arnstein's bottom group is
*non-participation*, and decisions were made for them.

Per community: the lower median rung of the issues decided in the last ``ladder.window`` steps
(the power residents typically exercised); rung 1 if nothing was decided in the window.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Rung(IntEnum):
    MANIPULATION = 1
    THERAPY = 2
    INFORMING = 3
    CONSULTATION = 4
    PLACATION = 5
    PARTNERSHIP = 6
    DELEGATED_POWER = 7
    CITIZEN_CONTROL = 8

    @property
    def label(self) -> str:
        """Arnstein's name of the rung, e.g. ``delegated power``."""
        return self.name.lower().replace("_", " ")

    @property
    def meaning(self) -> str:
        """What the rung means for residents' power, in one line."""
        return RUNG_MEANINGS[self]

    @property
    def group(self) -> str:
        if self <= Rung.THERAPY:
            return "non-participation"
        if self <= Rung.PLACATION:
            return "tokenism"
        return "citizen power"


RUNG_MEANINGS = {
    Rung.MANIPULATION: "decisions are made for residents; nobody took part",
    Rung.THERAPY: "residents met but the chair steered them, and nothing came of it",
    Rung.INFORMING: "residents are told what was decided; no proposal reached officials",
    Rung.CONSULTATION: "residents' proposals are heard, then ignored",
    Rung.PLACATION: "proposals are partly adopted or adopted at officials' discretion; officials keep the power",
    Rung.PARTNERSHIP: "proposals are adopted as a decision shared with officials",
    Rung.DELEGATED_POWER: "a residents' body takes the decision",
    Rung.CITIZEN_CONTROL: "residents decide and their own organisation carries it out",
}


class Response(IntEnum):
    """What officials did with a proposal (:func:`sim.response.officials_respond`)."""

    IGNORED = 0
    PARTLY_ADOPTED = 1
    ADOPTED = 2


def meeting_rungs(response: np.ndarray, steered: np.ndarray, power_retained: np.ndarray,
                  carried_out: np.ndarray, partnership: float, delegation: float) -> np.ndarray:
    """Rung of each discussion group's outcome (one entry per group), per the table above."""
    rung = np.full(len(response), int(Rung.CONSULTATION), dtype=np.int8)
    rung[(response == Response.IGNORED) & steered] = Rung.THERAPY
    rung[response == Response.PARTLY_ADOPTED] = Rung.PLACATION
    adopted = response == Response.ADOPTED
    rung[adopted] = Rung.PLACATION
    rung[adopted & (power_retained < partnership)] = Rung.PARTNERSHIP
    delegated = adopted & (power_retained < delegation)
    rung[delegated] = Rung.DELEGATED_POWER
    rung[delegated & carried_out] = Rung.CITIZEN_CONTROL
    return rung


def ladder_shares(rungs: np.ndarray) -> np.ndarray:
    """Share of residents on each rung 1..8 (sums to 1)."""
    counts = np.bincount(rungs, minlength=9)[1:9]
    return counts / max(1, len(rungs))


def community_rung(decisions: list[tuple[int, int]], now: int, window: int) -> int:
    """Lower median rung of decisions taken in (now - window, now]; 1 when there are none."""
    recent = sorted(r for step, r in decisions if step > now - window)
    if not recent:
        return int(Rung.MANIPULATION)
    return int(recent[(len(recent) - 1) // 2])
