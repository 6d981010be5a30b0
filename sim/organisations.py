"""Self-organisations: form, recruit, convert to public-good, decay, dissolve (docs/cases.md §Chengdu; docs/ODD.md §2).

Weekly, in this order:

1. found: a leader without an organisation founds one with probability
   ``founding_rate * capacity``; public-good with probability ``public_good_share``, else recreational;
2. recruit: each member invites one random neighbour with probability ``recruit_rate``; a
   non-member accepts with probability = their interest (first invitation wins);
3. convert: a recreational group of at least ``conversion_min_size`` members turns public-good
   with probability ``conversion_rate * leader efficacy`` (Chengdu step 3: hobby -> public good);
4. decay: capacity <- (1 - decay) * capacity + decay * vitality, where vitality is the leader's
   capacity times min(1, size / conversion_min_size), 0 without a leader; each member leaves with
   probability ``leave_rate * (2 - capacity)``;
5. dissolve: fewer than ``min_size`` members after ``grace_steps``, or capacity below
   ``dissolve_capacity``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents import Leader, Organisation, Purpose

if TYPE_CHECKING:
    from sim.model import CommunityModel


def organisation_sizes(model: CommunityModel) -> np.ndarray:
    """Members per organisation id (index = org_id)."""
    org = model.state.organisation
    return np.bincount(org[org >= 0], minlength=model.organisation_id_counter)


def found_organisations(model: CommunityModel) -> None:
    cfg, s, streams = model.config.organisations, model.state, model.streams
    leaders = [ldr for ldr in model.agents_by_type.get(Leader, []) if ldr.organisation is None]
    if not leaders:
        return
    rows = np.array([ldr.resident.idx for ldr in leaders])
    founds = (s.organisation[rows] < 0) & (streams.uniform("organisations.found", rows)
                                           < cfg.founding_rate * s.capacity[rows])
    public_good = streams.uniform("organisations.purpose", rows[founds]) < cfg.public_good_share
    for leader, public in zip(np.array(leaders, dtype=object)[founds], public_good):
        Organisation(model, leader, Purpose.PUBLIC_GOOD if public else Purpose.RECREATIONAL)


def recruit_members(model: CommunityModel) -> None:
    s, streams, adj = model.state, model.streams, model.adjacency
    members = np.flatnonzero(s.organisation >= 0)
    inviters = members[streams.uniform("organisations.invite", members) < model.config.organisations.recruit_rate]
    inviters = inviters[model.degree[inviters] > 0]
    if len(inviters) == 0:
        return
    whom = streams.uniform("organisations.invitee", inviters)
    pick = adj.indptr[inviters] + (whom * model.degree[inviters]).astype(np.int64)
    invitee = adj.indices[pick]
    accept = (s.organisation[invitee] < 0) & (streams.uniform("organisations.accept", inviters)
                                              < s.interest[invitee])
    invitee, org = invitee[accept], s.organisation[inviters[accept]]
    _, first = np.unique(invitee, return_index=True)
    s.organisation[invitee[first]] = org[first]


def convert_organisations(model: CommunityModel) -> None:
    cfg, s = model.config.organisations, model.state
    sizes = organisation_sizes(model)
    for org in model.organisations():
        if org.purpose is Purpose.RECREATIONAL and org.leader is not None and sizes[org.org_id] >= cfg.conversion_min_size:
            if model.streams.uniform_one("organisations.convert", org.stream_key) < (
                    cfg.conversion_rate * s.efficacy[org.leader.resident.idx]):
                org.purpose = Purpose.PUBLIC_GOOD


def decay_organisations(model: CommunityModel) -> None:
    cfg, s = model.config.organisations, model.state
    sizes = organisation_sizes(model)
    capacity = np.zeros(len(sizes))
    for org in model.organisations():
        vitality = 0.0
        if org.leader is not None:
            vitality = s.capacity[org.leader.resident.idx] * min(1.0, sizes[org.org_id] / cfg.conversion_min_size)
        org.capacity = (1 - cfg.decay) * org.capacity + cfg.decay * vitality
        capacity[org.org_id] = org.capacity
    members = np.flatnonzero(s.organisation >= 0)
    leader_rows = s.is_leader[members]
    p_leave = cfg.leave_rate * (2 - capacity[s.organisation[members]])
    leaving = members[~leader_rows & (model.streams.uniform("organisations.leave", members) < p_leave)]
    s.organisation[leaving] = -1


def dissolve_organisations(model: CommunityModel) -> None:
    cfg = model.config.organisations
    sizes = organisation_sizes(model)
    for org in model.organisations():
        too_small = sizes[org.org_id] < cfg.min_size and model.steps - org.founded_step >= cfg.grace_steps
        if too_small or org.capacity < cfg.dissolve_capacity:
            org.dissolve()


def update_organisations(model: CommunityModel) -> None:
    """One week of the lifecycle in the module docstring."""
    found_organisations(model)
    recruit_members(model)
    convert_organisations(model)
    decay_organisations(model)
    dissolve_organisations(model)
