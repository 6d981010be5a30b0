"""What the page draws of one week, kept for every week run so the trainer can scrub back.

A :class:`Snapshot` copies the few per-resident arrays the drawing and the legend read (highest
rung, organisation, leader flag, the week's attendees) and the officials' openness, a few hundred
bytes per resident-week. It offers the same attributes :mod:`app.portrayal` reads from a
:class:`sim.model.CommunityModel` (``state``, ``organisations()``, ``attendees``,
``agents_by_type``), so the same code draws the live model and any earlier week. Taking a snapshot
only reads the model: it never draws a random number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from sim.agents import Official


@dataclass(frozen=True)
class Snapshot:
    week: int
    state: SimpleNamespace  # n, rung, organisation, is_leader, plus the attitudes shown on inspection
    attendees: np.ndarray
    is_deliberation_day: bool
    _organisations: tuple = ()
    _officials: tuple = ()
    agents_by_type: dict = field(default_factory=dict)

    @classmethod
    def of(cls, model) -> Snapshot:
        s = model.state
        state = SimpleNamespace(
            n=s.n, rung=s.rung.copy(), organisation=s.organisation.copy(), is_leader=s.is_leader.copy(),
            courtyard=s.courtyard, household=s.household, meetings_attended=s.meetings_attended.copy(),
            interest=s.interest.copy(), efficacy=s.efficacy.copy(), trust=s.trust.copy(), capacity=s.capacity.copy())
        organisations = tuple(SimpleNamespace(org_id=o.org_id, purpose=o.purpose) for o in model.organisations())
        officials = tuple(SimpleNamespace(role=o.role, openness=float(o.openness),
                                          responsiveness=float(o.responsiveness))
                          for o in model.agents_by_type.get(Official, []))
        return cls(int(model.steps), state, np.array(model.attendees, copy=True), bool(model.is_deliberation_day),
                   organisations, officials, {Official: list(officials)})

    def organisations(self) -> list:
        return list(self._organisations)
