"""The four kinds of agent: Resident, Leader, Organisation, Official (docs/ODD.md §2).

How the kinds fit together:

* every person living in the community is one :class:`Resident`, fixed to one node of the
  social network; their attributes are views onto the model's :class:`~sim.state.ResidentState`
  arrays, so a rule can be read per person here and run vectorised in the submodels; the agents
  and the network space are created on first use (:mod:`sim.roster`);
* :class:`Leader` is a *role* a resident takes on: a separate Mesa agent that points at its
  resident. A resident becomes a leader at set-up or by emergence
  (:func:`sim.leadership.emerge_leaders`), for which training qualifies residents by raising their
  capacity; stepping down removes the Leader agent and the person stays a Resident;
* :class:`Organisation` is a self-organisation founded and run by a leader; its members are the
  residents whose ``organisation`` row holds its id;
* :class:`Official` is a cadre of the residents' committee / party branch or the street-office
  official; officials are not network nodes.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import FixedAgent

from sim.state import AgeGroup, CooperationType

if TYPE_CHECKING:
    from sim.model import CommunityModel


class StateField:
    """Attribute that reads and writes one row of a ResidentState array."""

    def __init__(self, cast=None):
        self.cast = cast

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        value = getattr(agent.model.state, self.name)[agent.idx]
        return self.cast(value) if self.cast else value.item()

    def __set__(self, agent, value):
        getattr(agent.model.state, self.name)[agent.idx] = value


class Resident(FixedAgent):
    """A person living in a courtyard; one network node."""

    interest = StateField()
    efficacy = StateField()
    aspiration = StateField()
    trust = StateField()
    satisfaction = StateField()
    capacity = StateField()
    time_cost = StateField()
    threshold = StateField()
    age_group = StateField(AgeGroup)
    online = StateField(bool)
    cooperation = StateField(CooperationType)
    courtyard = StateField(int)
    household = StateField(int)
    opinion = StateField()
    stake = StateField()
    meetings_attended = StateField(int)
    last_took_part_step = StateField(int)
    rung = StateField(int)

    def __init__(self, model: CommunityModel, idx: int, cell=None):
        super().__init__(model)
        self.idx = idx
        if cell is not None:
            self.cell = cell
        self.leader: Leader | None = None

    @property
    def cell(self):
        """This resident's cell in ``model.space`` (the space is built on first use, see sim.roster)."""
        if self._mesa_cell is None:
            self.model.space  # noqa: B018  (building the space places every resident)
        return self._mesa_cell

    @cell.setter
    def cell(self, cell) -> None:
        FixedAgent.cell.fset(self, cell)

    @property
    def is_leader(self) -> bool:
        """Whether this resident holds the Leader role (``state.is_leader``, written by the role)."""
        return bool(self.model.state.is_leader[self.idx])

    @property
    def organisation(self) -> Organisation | None:
        org_id = int(self.model.state.organisation[self.idx])
        return self.model.organisations_by_id.get(org_id) if org_id >= 0 else None


class Leader(Agent):
    """A resident in the leader role: chairs groups, founds organisations, recruits neighbours."""

    def __init__(self, model: CommunityModel, resident: Resident, influence: float):
        super().__init__(model)
        self.resident = resident
        resident.leader = self
        model.state.set_leader_role(resident.idx, influence)
        self.organisation: Organisation | None = None

    @property
    def influence(self) -> float:
        return float(self.model.state.influence[self.resident.idx])

    def step_down(self) -> None:
        """Leave the role; the person stays a resident. Their organisation loses its founder."""
        self.model.state.set_leader_role(self.resident.idx, None)
        self.resident.leader = None
        if self.organisation is not None:
            self.organisation.leader = None
        self.remove()


class Purpose(Enum):
    RECREATIONAL = "recreational"  # hobby group: dancing, chess, gardening
    PUBLIC_GOOD = "public_good"  # courtyard self-governance, safety patrol, mutual aid


class Organisation(Agent):
    """A residents' self-organisation with a purpose, members and a capacity that decays."""

    def __init__(self, model: CommunityModel, leader: Leader, purpose: Purpose):
        super().__init__(model)
        self.org_id = model.next_organisation_id()
        self.leader: Leader | None = leader
        leader.organisation = self
        self.purpose = purpose
        self.capacity = float(model.state.capacity[leader.resident.idx])
        self.founded_step = model.steps
        # names the organisation in the random streams (sim/streams.py), whatever its id
        self.stream_key = (model.steps << 32) | leader.resident.idx
        self.funds = 0.0
        model.organisations_by_id[self.org_id] = self
        model.state.organisation[leader.resident.idx] = self.org_id

    @property
    def members(self) -> np.ndarray:
        """Row indices of member residents."""
        return np.flatnonzero(self.model.state.organisation == self.org_id)

    @property
    def courtyard(self) -> int:
        return int(self.model.state.courtyard[self.leader.resident.idx]) if self.leader else -1

    def dissolve(self) -> None:
        state = self.model.state
        state.organisation[state.organisation == self.org_id] = -1
        if self.leader is not None:
            self.leader.organisation = None
        del self.model.organisations_by_id[self.org_id]
        self.remove()


class OfficialRole(Enum):
    CADRE = "cadre"  # residents'-committee member or party-branch secretary
    STREET_OFFICE = "street_office"  # the street office above the community


class Official(Agent):
    """Decides what becomes of residents' proposals (:func:`sim.response.officials_respond`)."""

    def __init__(self, model: CommunityModel, role: OfficialRole, responsiveness: float,
                 admin_load: float, openness: float, power_retained: float):
        super().__init__(model)
        self.role = role
        self.responsiveness = responsiveness
        self.admin_load = admin_load
        self.openness = openness
        self.power_retained = power_retained
