"""Residents decide whether to take part in this step's deliberation meetings.

Utility of taking part, per resident i (docs/mechanisms.md):

    U_i = intercept + w_B * p_i * B_i - w_C * C_i + w_D * D_i + w_S * S_i + w_L * L_i + w_O * O_i
          + w_H * H_i
    P_i = logistic(beta * U_i)

* p_i = (efficacy_i + trust_i) / 2: the chance taking part changes anything (Riker & Ordeshook 1968)
* B_i = stake_i * interest_i: what the issue's outcome is worth to them (council members and
  household representatives count a stake of at least 0.5: they speak for others)
* C_i = time_cost_i * mode_cost_i * (1 - relief * capacity_i): skills make taking part cheaper
  (Verba, Schlozman & Brady 1995)
* D_i: duty by cooperation type (Fischbacher, Gächter & Fehr 2001): a conditional cooperator
  gives what they believe others give, b_i, a free-rider 0, an unconditional cooperator 1;
  representatives add 1. Beliefs start at ``initial_belief`` and follow the turnout the resident
  sees on each deliberation day (:func:`observed_turnout`): b_i <- b_i + belief_rate * (V_i - b_i),
  so where many free-ride, conditional cooperators see little turnout and withdraw faster
  (Fischbacher & Gächter 2010)
* S_i = X_i^a / (T_i^a + X_i^a): Granovetter (1978) threshold, smooth form, where X_i is the share
  of network neighbours who took part in the last ``recent_window`` weeks (recently active, not
  only those invited now); free-riders ignore it
* L_i = min(1, f_i + sum of neighbouring leaders' influence f_j): leaders recruit their neighbours,
  and a leader's own role (influence f_i, 0 for others) obliges them to come
* O_i = 1 for members of a public-good organisation
* H_i: the habit of taking part (:mod:`sim.habit`; Gerber, Green & Shachar 2003)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import modes
from sim.config import ParticipationConfig
from sim.state import CooperationType

if TYPE_CHECKING:
    from sim.model import CommunityModel


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def threshold_pull(active_share, threshold, alpha):
    """Granovetter's smooth threshold X^a / (T^a + X^a)."""
    xa = np.power(active_share, alpha)
    return xa / (np.power(threshold, alpha) + xa + 1e-12)


def duty(cooperation, belief, represents):
    """D by cooperation type: conditional cooperators match their belief, free-riders give nothing."""
    d = np.where(cooperation == CooperationType.CONDITIONAL_COOPERATOR, belief,
                 np.where(cooperation == CooperationType.FREE_RIDER, 0.0, 1.0))
    return d + represents


def participation_probability(cfg: ParticipationConfig, *, efficacy, trust, stake, interest,
                              time_cost, capacity, cooperation, belief, active_share, threshold,
                              leader_pull, public_good_member, mode_cost=1.0, represents=0.0, habit=0.0):
    """P(take part) from the formula in the module docstring; works on arrays and on scalars."""
    p = 0.5 * (efficacy + trust)
    benefit = np.maximum(stake, 0.5 * represents) * interest
    cost = time_cost * mode_cost * (1.0 - cfg.capacity_cost_relief * capacity)
    free_rider = cooperation == CooperationType.FREE_RIDER
    social = np.where(free_rider, 0.0, threshold_pull(active_share, threshold, cfg.threshold_alpha))
    utility = (cfg.intercept + cfg.benefit_weight * p * benefit - cfg.cost_weight * cost
               + cfg.duty_weight * duty(cooperation, belief, represents)
               + cfg.social_weight * social + cfg.leader_weight * leader_pull
               + cfg.organisation_weight * public_good_member + cfg.habit_weight * habit)
    return logistic(cfg.beta * utility)


def neighbour_signals(model: CommunityModel) -> tuple[np.ndarray, np.ndarray]:
    """Share of network neighbours who took part in the last ``recent_window`` weeks, and the
    pull of leaders: one's own role and neighbouring leaders' recruiting."""
    state = model.state
    last = state.last_took_part_step
    recent = (last >= 0) & (model.steps - last <= model.config.participation.recent_window)
    active_share = (model.adjacency @ recent.astype(np.float64)) / np.maximum(model.degree, 1)
    leader_pull = np.minimum(1.0, state.influence + model.adjacency @ state.influence)
    return active_share, leader_pull


def observed_turnout(model: CommunityModel, invited: np.ndarray, takes_part: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """What each resident sees of today's turnout, and whether they saw anything.

    V_i = (1 - w) * N_i + w * Y_i with N_i the share of i's invited network neighbours who came and
    Y_i the share of the other invited residents of i's courtyard who came (w =
    ``courtyard_weight``; w = 0 or 1 when only one of them had anybody invited). A resident with
    nobody invited around them sees nothing and keeps their belief: beliefs follow what others
    do, not how many issues arise.
    """
    s = model.state
    inv, came = invited.astype(np.float64), (invited & takes_part).astype(np.float64)
    near_inv, near_came = model.adjacency @ inv, model.adjacency @ came
    yard_inv = np.bincount(s.courtyard, weights=inv, minlength=model.n_courtyards)[s.courtyard] - inv
    yard_came = np.bincount(s.courtyard, weights=came, minlength=model.n_courtyards)[s.courtyard] - came
    sees_near, sees_yard = near_inv > 0, yard_inv > 0.5
    w = np.where(sees_near & sees_yard, model.config.participation.courtyard_weight, sees_yard.astype(np.float64))
    seen = ((1 - w) * near_came / np.maximum(near_inv, 1) + w * yard_came / np.maximum(yard_inv, 1))
    return seen, sees_near | sees_yard


def decide_participation(model: CommunityModel) -> np.ndarray:
    """Draw who takes part this step among the residents the mode invites; returns their rows."""
    state, mode, cfg = model.state, model.deliberation_rules.mode, model.config.participation
    invited = modes.eligible(model, mode)
    rows = np.flatnonzero(invited)  # the formula is worked out for the invited only

    def at_rows(values):
        return values[rows] if np.ndim(values) else values

    active_share, leader_pull = neighbour_signals(model)
    prob = participation_probability(
        cfg,
        efficacy=state.efficacy[rows], trust=state.trust[rows], stake=state.stake[rows],
        interest=state.interest[rows], time_cost=state.time_cost[rows], capacity=state.capacity[rows],
        cooperation=state.cooperation[rows], belief=state.belief[rows], active_share=active_share[rows],
        threshold=state.threshold[rows], leader_pull=leader_pull[rows],
        public_good_member=model.public_good_member()[rows], mode_cost=at_rows(modes.cost_factor(model, mode)),
        represents=at_rows(np.asarray(modes.represents_others(model, mode), dtype=float)),
        habit=state.habit[rows])
    takes_part = np.zeros(state.n, dtype=bool)
    takes_part[rows] = model.streams.uniform("participation", rows) < prob
    seen, sees = observed_turnout(model, invited, takes_part)
    state.belief[sees] += cfg.belief_rate * (seen[sees] - state.belief[sees])
    state.took_part[:] = takes_part
    return np.flatnonzero(takes_part)
