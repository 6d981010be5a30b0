"""Resident agents and the Mesa network space, built on first use.

The rules run on the :class:`~sim.state.ResidentState` arrays, so a run never needs one Python
object per resident: at a million residents the Mesa ``Network`` space and the ``Resident`` agents
took about 33 s (under cProfile) and 1.8 GB before the first week. They stay real for anyone who asks:

* ``model.residents[i]`` is resident ``i`` (created the first time it is asked for, e.g. when the
  resident becomes a leader); ``len``, iteration and slicing give every resident in row order;
* ``model.agents_by_type[Resident]`` and ``model.agents`` hold every resident (asking for them
  creates the missing ones; the Resident set is then in row order);
* ``model.space`` is the Mesa ``Network`` of the social network (built on first access, with
  every resident placed in its cell) and ``resident.cell`` builds it when needed.

Creating the agents draws no random numbers, so when (or whether) they are built never changes a run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from mesa.discrete_space import Network

from sim.agents import Resident

if TYPE_CHECKING:
    from mesa.agentset import AbstractAgentSet

    from sim.network import SocialNetwork


class ResidentRoster(Sequence):
    """``roster[i]`` is the Resident agent of row ``i``, created on first use."""

    def __init__(self, model, n: int):
        self._model = model
        self._agents: list[Resident | None] = [None] * n
        self._missing = n
        self.space: Network | None = None

    def __len__(self) -> int:
        return len(self._agents)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        agent = self._agents[i]
        if agent is None:
            i = range(len(self))[i]  # normalise negative indices; IndexError past the end
            agent = self._agents[i] = Resident(self._model, i, self.space[i] if self.space else None)
            self._missing -= 1
        return agent

    def __iter__(self) -> Iterator[Resident]:
        self.create_all()
        return iter(self._agents)

    def create_all(self) -> None:
        """Create every missing resident; Mesa's Resident set is left in row order."""
        if not self._missing:
            return
        existing = [a for a in self._agents if a is not None]
        for i in range(len(self)):
            self[i]
        if existing:  # residents made earlier were registered first: re-insert all in row order
            registered = self._model._agents_by_type[Resident]
            for agent in self._agents:
                registered.remove(agent)
                registered.add(agent)

    def build_space(self, net: SocialNetwork) -> Network:
        """The Mesa ``Network`` of the social network, every resident placed in its cell."""
        if self.space is None:
            space = Network(net.graph(), layout=None, random=self._model.random)
            self.create_all()
            for agent in self._agents:
                agent.cell = space[agent.idx]
            self.space = space
        return self.space


class AgentsByType(Mapping):
    """Mesa's agents-by-type mapping; asking for residents creates the missing ones first."""

    def __init__(self, by_type: dict, roster: ResidentRoster):
        self._by_type = by_type
        self._roster = roster

    def __getitem__(self, agent_type: type) -> AbstractAgentSet:
        if issubclass(agent_type, Resident):
            self._roster.create_all()
        return self._by_type[agent_type]

    def __iter__(self):
        self._roster.create_all()
        return iter(self._by_type)

    def __len__(self) -> int:
        self._roster.create_all()
        return len(self._by_type)


class LazyResidents:
    """Mixin for the model (before ``mesa.Model``): ``residents``, ``space``, ``agents_by_type`` and
    ``agents`` as described in the module docstring. Call :meth:`_roster_for` once in ``__init__``."""

    def _roster_for(self, net: SocialNetwork) -> None:
        self._network = net
        self._residents = ResidentRoster(self, net.n)

    @property
    def residents(self) -> ResidentRoster:
        return self._residents

    @property
    def space(self) -> Network:
        return self._residents.build_space(self._network)

    @property
    def agents_by_type(self) -> AgentsByType:
        return AgentsByType(self._agents_by_type, self._residents)

    @property
    def agents(self):
        self._residents.create_all()
        return self._all_agents
