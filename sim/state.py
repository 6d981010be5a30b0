"""Per-resident hot state as arrays: one row per resident, read by the Resident agents.

Submodels update these arrays vectorised (numpy); a :class:`sim.agents.Resident` is a real Mesa
agent whose attributes are views onto its row, so rules stay readable and sweeps stay fast.
``is_leader`` is read-only: a resident leads exactly while a :class:`sim.agents.Leader` role
points at them (the role writes it through :meth:`ResidentState.set_leader_role`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.config import CommunityConfig


class AgeGroup(IntEnum):
    YOUNG = 0
    MIDDLE = 1
    ELDERLY = 2


class CooperationType(IntEnum):
    """Fischbacher, Gächter & Fehr (2001) types."""

    CONDITIONAL_COOPERATOR = 0  # takes part as much as neighbours do
    FREE_RIDER = 1  # takes part only when their own stake is high
    UNCONDITIONAL_COOPERATOR = 2  # takes part out of duty


def beta_draws(rng: np.random.Generator, mean: float, concentration: float, n: int) -> np.ndarray:
    """Draws in [0, 1] with the given mean: Beta(mean*k, (1-mean)*k)."""
    m = float(np.clip(mean, 1e-3, 1 - 1e-3))
    return rng.beta(m * concentration, (1 - m) * concentration, n)


@dataclass
class ResidentState:
    """Arrays of length n_residents. Attitudes are in [0, 1]; opinion is NaN without an issue;
    ``habit`` is the participant identity of :mod:`sim.habit`; ``stance`` a leader's standing
    position across issues (:mod:`sim.leadership`), NaN for residents who never led."""

    interest: np.ndarray
    efficacy: np.ndarray
    aspiration: np.ndarray
    trust: np.ndarray
    satisfaction: np.ndarray
    capacity: np.ndarray
    time_cost: np.ndarray
    threshold: np.ndarray
    belief: np.ndarray
    habit: np.ndarray
    age_group: np.ndarray
    online: np.ndarray
    cooperation: np.ndarray
    courtyard: np.ndarray
    household: np.ndarray
    opinion: np.ndarray
    current_issue: np.ndarray
    stake: np.ndarray
    is_leader: np.ndarray
    influence: np.ndarray
    stance: np.ndarray
    organisation: np.ndarray
    took_part: np.ndarray
    last_took_part_step: np.ndarray
    meetings_attended: np.ndarray
    rung: np.ndarray
    rung_now: np.ndarray

    def __post_init__(self) -> None:
        # who leads has one writer, the Leader role (sim.agents.Leader): rules read a read-only view
        self._leads = np.array(self.is_leader, dtype=bool)
        self._share_leads()

    def _share_leads(self) -> None:
        self.is_leader = self._leads.view()
        self.is_leader.flags.writeable = False

    def __setstate__(self, state: dict) -> None:
        """A copied or unpickled state keeps ``is_leader`` a view of the role's array (a plain copy
        would give two arrays, and a role change would no longer show)."""
        self.__dict__.update(state)
        self._share_leads()

    def set_leader_role(self, row: int, influence: float | None) -> None:
        """Only :class:`sim.agents.Leader` calls this: ``row`` takes the role with ``influence``, or
        leaves it (``None``: influence back to 0)."""
        self._leads[row] = influence is not None
        self.influence[row] = 0.0 if influence is None else influence

    @property
    def n(self) -> int:
        return len(self.interest)

    @classmethod
    def draw(cls, cfg: CommunityConfig, courtyard: np.ndarray, household: np.ndarray,
             rng: np.random.Generator) -> ResidentState:
        """Draw a population from the community config (docs/ODD.md §2)."""
        n, k = len(courtyard), cfg.attribute_concentration
        age = rng.choice(3, size=n, p=[cfg.share_young, 1 - cfg.share_young - cfg.share_elderly,
                                       cfg.share_elderly]).astype(np.int8)
        online_p = np.array([cfg.online_young, cfg.online_middle, cfg.online_elderly])[age]
        other = 1 - cfg.share_conditional_cooperators - cfg.share_free_riders
        coop = rng.choice(3, size=n, p=[cfg.share_conditional_cooperators, cfg.share_free_riders,
                                        other]).astype(np.int8)
        efficacy = beta_draws(rng, cfg.efficacy_mean, k, n)
        state = cls(
            interest=beta_draws(rng, cfg.interest_mean, k, n),
            efficacy=efficacy,
            aspiration=np.full(n, 0.5),
            trust=beta_draws(rng, cfg.trust_mean, k, n),
            satisfaction=beta_draws(rng, cfg.satisfaction_mean, k, n),
            capacity=beta_draws(rng, cfg.capacity_mean, k, n),
            time_cost=rng.gamma(4.0, cfg.time_cost_mean / 4.0, n),
            threshold=beta_draws(rng, cfg.threshold_mean, k, n),
            belief=np.full(n, cfg.initial_belief),
            habit=np.zeros(n),  # drawn last (below): earlier draws stay as they were
            age_group=age,
            online=rng.random(n) < online_p,
            cooperation=coop,
            courtyard=courtyard.astype(np.int32),
            household=household.astype(np.int32),
            opinion=np.full(n, np.nan),
            current_issue=np.full(n, -1, dtype=np.int32),
            stake=np.zeros(n),
            is_leader=np.zeros(n, dtype=bool),
            influence=np.zeros(n),
            stance=np.full(n, np.nan),
            organisation=np.full(n, -1, dtype=np.int32),
            took_part=np.zeros(n, dtype=bool),
            last_took_part_step=np.full(n, -1, dtype=np.int32),
            meetings_attended=np.zeros(n, dtype=np.int32),
            rung=np.ones(n, dtype=np.int8),
            rung_now=np.ones(n, dtype=np.int8),
        )
        state.habit[:] = beta_draws(rng, cfg.initial_habit_mean, cfg.initial_habit_concentration, n)
        return state
