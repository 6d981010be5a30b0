"""A deliberately naive, per-agent reference of :func:`sim.participation.decide_participation`.

This is the participation decision written "the classic Mesa way": every Resident agent runs
its own ``step()``; it walks its neighbours through the Mesa ``Network`` cell it sits on
(``self.cell.neighborhood``), counts how many of them took part in the last ``recent_window``
weeks and adds up the influence of the neighbouring leaders (and its own, if it leads), works
out whether the deliberation mode invites it, computes its probability of taking part, draws its
decision from the model's participation stream and keeps it. An ``observe()`` then looks at who
of the invited neighbours and courtyard residents came and moves the belief, and an
``advance()`` publishes the decisions (phases, like Mesa's old ``SimultaneousActivation``), so
every agent decides from what its neighbours did *before* today, exactly as the vectorised rule
does.

The rules are the same as the vectorised ones (see the docstring of :mod:`sim.participation`);
:func:`python_probability` re-states ``participation_probability`` in plain Python on scalars,
and :func:`numpy_scalar_probability` calls the project's own function on scalars instead.

Random draws: each invited resident draws its own uniform of the stream ``participation``
(``model.streams.uniform("participation", [idx])``, sim/streams.py): a resident's draw does not
depend on who else draws, so with identical inputs the naive step takes the same decisions as
``decide_participation``. :func:`check_agreement` verifies the probabilities (``np.allclose``),
the invitations, the updated beliefs and the decisions, and that neither touches Mesa's rng.

Nothing here changes the ``sim`` package: the per-agent methods are plain functions that take the
Resident as ``self`` and are run with ``AgentSet.do``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

import sim.participation as participation
from sim import modes
from sim.agents import Purpose, Resident
from sim.state import CooperationType

if TYPE_CHECKING:
    from sim.config import ParticipationConfig
    from sim.model import CommunityModel

ProbabilityFn = Callable[..., float]


# -- the formula on one resident ---------------------------------------------------------------
def python_probability(cfg: ParticipationConfig, *, efficacy, trust, stake, interest, time_cost,
                       capacity, cooperation, belief, active_share, threshold, leader_pull,
                       public_good_member, mode_cost, represents, habit) -> float:
    """P(take part) for one resident, in plain Python (same formula as the vectorised rule)."""
    p = 0.5 * (efficacy + trust)
    benefit = max(stake, 0.5 * represents) * interest
    cost = time_cost * mode_cost * (1.0 - cfg.capacity_cost_relief * capacity)
    if cooperation == CooperationType.FREE_RIDER:
        social, duty = 0.0, 0.0
    else:
        xa = active_share ** cfg.threshold_alpha
        social = xa / (threshold ** cfg.threshold_alpha + xa + 1e-12)
        duty = belief if cooperation == CooperationType.CONDITIONAL_COOPERATOR else 1.0
    duty += represents
    utility = (cfg.intercept + cfg.benefit_weight * p * benefit - cfg.cost_weight * cost
               + cfg.duty_weight * duty + cfg.social_weight * social
               + cfg.leader_weight * leader_pull + cfg.organisation_weight * public_good_member
               + cfg.habit_weight * habit)
    z = cfg.beta * utility
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def numpy_scalar_probability(cfg: ParticipationConfig, **inputs) -> float:
    """P(take part) for one resident through the project's own (numpy) function, on scalars."""
    return float(participation.participation_probability(cfg, **inputs))


# -- per-agent step and advance ----------------------------------------------------------------
def invited(self: Resident, mode: str) -> bool:
    """Is this resident invited to today's meetings under ``mode`` (see :mod:`sim.modes`)?"""
    model = self.model
    has_issue = model.state.current_issue[self.idx] >= 0
    if mode in ("snowball", "panoramic"):
        return bool(has_issue)
    if mode == "elite":
        return bool(has_issue and (self.is_leader or self.interest >= model.elite_interest_cutoff))
    if mode == "council":
        return bool(model.council_member[self.idx]) and bool(model.open_issues())
    if mode == "all_member":
        return bool(model.household_representative[self.idx]) and bool(model.open_issues())
    if mode == "cloud":
        return bool(has_issue and self.online)
    raise ValueError(f"unknown deliberation mode {mode!r}")


def mode_cost(self: Resident, mode: str) -> float:
    cloud = self.model.config.deliberation.cloud_cost_factor
    if mode == "cloud":
        return cloud
    if mode == "panoramic":
        return cloud if self.online else 1.0
    return 1.0


def represents_others(self: Resident, mode: str) -> float:
    if mode == "council":
        return float(self.model.council_member[self.idx])
    if mode == "all_member":
        return float(self.model.household_representative[self.idx])
    return 0.0


def naive_step(self: Resident, probability: ProbabilityFn = python_probability) -> None:
    """One resident decides whether to take part today (first phase: decide, keep it private)."""
    model = self.model
    state = model.state  # rows the Resident class exposes no attribute for
    cfg = model.config.participation
    mode = model.config.deliberation.mode

    # look around: who of my neighbours took part recently, and which of them lead?
    neighbourhood = self.cell.neighborhood
    degree = len(neighbourhood)
    active = 0
    pull = self.leader.influence if self.leader is not None else 0.0  # my own role obliges me
    for neighbour in neighbourhood.agents:
        last = neighbour.last_took_part_step
        if last >= 0 and model.steps - last <= cfg.recent_window:
            active += 1
        if neighbour.leader is not None:
            pull += neighbour.leader.influence
    active_share = active / max(degree, 1)
    leader_pull = min(1.0, pull)

    belief = float(state.belief[self.idx])
    organisation = self.organisation
    self.naive_probability = probability(
        cfg, efficacy=self.efficacy, trust=self.trust, stake=self.stake, interest=self.interest,
        time_cost=self.time_cost, capacity=self.capacity, cooperation=self.cooperation,
        belief=belief, active_share=active_share, threshold=self.threshold,
        leader_pull=leader_pull,
        public_good_member=float(organisation is not None and organisation.purpose is Purpose.PUBLIC_GOOD),
        mode_cost=mode_cost(self, mode), represents=represents_others(self, mode),
        habit=float(state.habit[self.idx]))
    self.naive_invited = invited(self, mode)
    if self.naive_invited:  # my own draw of the participation stream (see module docstring)
        self.naive_takes_part = bool(model.streams.uniform("participation", [self.idx])[0] < self.naive_probability)
    else:
        self.naive_takes_part = False


def naive_observe(self: Resident) -> None:
    """Second phase: my belief about others' turnout follows who of the invited around me came
    (invited network neighbours, and the other invited residents of my courtyard)."""
    model = self.model
    cfg = model.config.participation
    near_invited = near_came = 0
    for neighbour in self.cell.neighborhood.agents:
        if neighbour.naive_invited:
            near_invited += 1
            near_came += neighbour.naive_takes_part
    yard_invited = yard_came = 0
    for row in model.residents_of([self.courtyard]):
        other = model.residents[int(row)]
        if other is not self and other.naive_invited:
            yard_invited += 1
            yard_came += other.naive_takes_part
    if near_invited == 0 and yard_invited == 0:
        return  # nobody invited around me: nothing seen, belief kept
    if near_invited and yard_invited:
        w = cfg.courtyard_weight
    else:
        w = 1.0 if yard_invited else 0.0
    seen = (1 - w) * near_came / max(near_invited, 1) + w * yard_came / max(yard_invited, 1)
    belief = float(model.state.belief[self.idx])
    model.state.belief[self.idx] = belief + cfg.belief_rate * (seen - belief)


def naive_advance(self: Resident) -> None:
    """Third phase: make today's decision visible to the neighbours."""
    self.model.state.took_part[self.idx] = self.naive_takes_part


def naive_decide_participation(model: CommunityModel,
                               probability: ProbabilityFn = python_probability) -> np.ndarray:
    """Driver: every Resident steps, observes, then advances; returns the rows of those taking part."""
    residents = model.agents_by_type[Resident]
    residents.do(naive_step, probability)
    residents.do(naive_observe)
    residents.do(naive_advance)
    return np.flatnonzero(model.state.took_part)


# -- checking the reference against the vectorised rule ---------------------------------------
@dataclasses.dataclass
class Snapshot:
    """Everything a participation decision reads or writes, to replay it from identical inputs."""

    arrays: dict[str, np.ndarray]
    rng_state: dict
    random_state: tuple

    @classmethod
    def take(cls, model: CommunityModel) -> Snapshot:
        arrays = {f.name: getattr(model.state, f.name).copy()
                  for f in dataclasses.fields(model.state)}
        return cls(arrays, model.rng.bit_generator.state, model.random.getstate())

    def restore(self, model: CommunityModel) -> None:
        for name, values in self.arrays.items():
            target = getattr(model.state, name)
            if target.flags.writeable:  # is_leader is read-only (the Leader role writes it) and unchanged here
                target[...] = values
        model.rng.bit_generator.state = self.rng_state
        model.random.setstate(self.random_state)


def vectorised_decision(model: CommunityModel) -> tuple[np.ndarray, np.ndarray]:
    """Run ``decide_participation`` and capture the probabilities it computed (one per resident;
    NaN for those the mode does not invite: the rule works the formula out for the invited only)."""
    captured = []
    original = participation.participation_probability
    invited = modes.eligible(model, model.config.deliberation.mode)

    def capture(*args, **kwargs):
        out = original(*args, **kwargs)
        full = np.full(model.state.n, np.nan)
        full[invited] = out
        captured.append(full)
        return out

    participation.participation_probability = capture
    try:
        attendees = participation.decide_participation(model)
    finally:
        participation.participation_probability = original
    if len(captured) != 1:
        raise RuntimeError("decide_participation no longer calls participation_probability once; "
                           "update benchmarks/naive_participation.vectorised_decision")
    return attendees, captured[0]


def check_agreement(model: CommunityModel, probability: ProbabilityFn = python_probability,
                    rtol: float = 1e-9, atol: float = 1e-12) -> dict:
    """Decide participation both ways from identical inputs; assert they agree; leave the model
    exactly as it was. Returns a few diagnostics."""
    rows = [r.idx for r in model.agents_by_type[Resident]]
    assert rows == list(range(model.state.n)), "Residents are not in row order"
    before = Snapshot.take(model)
    try:
        invited_vec = modes.eligible(model, model.config.deliberation.mode)
        attendees_vec, prob_vec = vectorised_decision(model)
        belief_vec = model.state.belief.copy()
        rng_after_vec = model.rng.bit_generator.state

        before.restore(model)
        attendees_naive = naive_decide_participation(model, probability)
        residents = model.agents_by_type[Resident]
        prob_naive = np.array([r.naive_probability for r in residents])
        invited_naive = np.array([r.naive_invited for r in residents])
        belief_naive = model.state.belief.copy()
        rng_after_naive = model.rng.bit_generator.state
    finally:
        before.restore(model)

    asked = invited_vec
    assert np.allclose(prob_naive[asked], prob_vec[asked], rtol=rtol, atol=atol), (
        f"probabilities differ: max |diff| = {np.max(np.abs(prob_naive[asked] - prob_vec[asked])):.3g}")
    assert np.array_equal(invited_naive, invited_vec), "invitations differ"
    assert np.allclose(belief_naive, belief_vec, rtol=rtol, atol=atol), "updated beliefs differ"
    assert rng_after_naive == rng_after_vec == before.rng_state, "a rule drew from Mesa's rng"
    assert np.array_equal(attendees_naive, attendees_vec), (
        f"decisions differ for {len(np.setxor1d(attendees_naive, attendees_vec))} residents")
    return {
        "residents": int(model.state.n),
        "invited": int(invited_vec.sum()),
        "attendees": int(len(attendees_vec)),
        "max_abs_prob_diff": float(np.max(np.abs(prob_naive - prob_vec))),
        "mean_probability_invited": float(prob_vec[invited_vec].mean()) if invited_vec.any() else None,
    }
