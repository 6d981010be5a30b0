"""Meetings: attendees are split into discussion groups, a chair is placed, opinions move.

Opinion dynamics: weighted averaging (DeGroot 1974) in which the leader chair is a heavy,
stubborn node (as in Friedkin & Johnsen 1990), with a Hegselmann-Krause confidence bound; per
group g and round r:

    m_g = sum_i w_i x_i / sum_i w_i            (members weigh 1, the chair w_c)
    w_c = (1 - facilitation) * (1 + leader_weight * influence_c)
    x_i <- x_i + susceptibility * (m_g - x_i)        if |m_g - x_i| <= confidence_bound
    x_c <- x_c + chair_susceptibility * (m_g - x_c)  (a leader is a heavy, stubborn node)

With facilitation = 1 (a neutral moderator, Sandefur et al. 2022) or no chair, members weigh
equally and the group's mean opinion does not move; with a leader chair it moves toward the
chair (Humphreys, Masters & Sandbu 2006). Each group of two or more sends one proposal: its
final weighted mean opinion. A group is *steered* when the chair started more than
``MIN_STEER_DISTANCE`` from the members' mean and closed at least ``steer_share`` of that gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim import modes
from sim.leadership import hold_stances

MIN_STEER_DISTANCE = 0.05  # a chair who already agrees with the group cannot steer it

if TYPE_CHECKING:
    from sim.config import DeliberationConfig
    from sim.model import CommunityModel


@dataclass
class Meetings:
    """One step's discussion groups (arrays per group) and attendee -> group membership."""

    issue_id: np.ndarray
    size: np.ndarray
    chair: np.ndarray  # resident row of the chair, -1 for none
    chair_opinion: np.ndarray
    initial_mean: np.ndarray  # members' mean opinion before discussion (chair excluded)
    final_mean: np.ndarray  # members' mean opinion after discussion (chair excluded)
    proposal: np.ndarray  # weighted group view sent to officials (NaN: no proposal)
    steered: np.ndarray
    members: np.ndarray  # attendee rows
    member_group: np.ndarray  # group index of each attendee

    @classmethod
    def empty(cls) -> Meetings:
        f, i = np.zeros(0), np.zeros(0, dtype=np.int64)
        return cls(i, i, i, f, f, f, f, np.zeros(0, dtype=bool), i, i)

    @property
    def n_groups(self) -> int:
        return len(self.size)

    @property
    def has_proposal(self) -> np.ndarray:
        return self.size >= 2

    @property
    def chair_distance(self) -> np.ndarray:
        """|chair opinion - group's final mean opinion| (NaN without a chair)."""
        return np.where(self.chair >= 0, np.abs(self.chair_opinion - self.final_mean), np.nan)


def form_groups(key: np.ndarray, group_size: int, tiebreak: np.ndarray) -> np.ndarray:
    """Split people sharing a key into groups of at most ``group_size``, in random order.

    ``tiebreak`` holds one uniform per person (their place in the queue within a key). Returns a
    group index per person (0..G-1). Groups never mix keys (courtyards).
    """
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((tiebreak, key))
    sorted_key = key[order]
    changes = sorted_key[1:] != sorted_key[:-1]
    run_start = np.concatenate(([0], np.flatnonzero(changes) + 1))
    run_id = np.concatenate(([0], np.cumsum(changes)))
    rank = np.arange(n) - run_start[run_id]
    # balance groups in a run: n_g groups of near-equal size rather than full + remainder
    run_len = np.diff(np.append(run_start, n))[run_id]
    n_groups = -(-run_len // group_size)
    sub = rank * n_groups // run_len
    # in sorted order (run, sub-group) never decreases: number the changes
    new_group = np.concatenate(([False], (run_id[1:] != run_id[:-1]) | (sub[1:] != sub[:-1])))
    group = np.empty(n, dtype=np.int64)
    group[order] = np.cumsum(new_group)
    return group


def place_leaders(leaders: np.ndarray, n_groups: int, rule: str, model: CommunityModel,
                  issue_view: float, group_sizes: np.ndarray, stream_key: int = 0) -> np.ndarray:
    """Group index for each attending leader under the leader-assignment rule.

    * ``random`` (São Tomé): leaders are shuffled and dealt round-robin, so they spread evenly
      (each leader's place in the deal is their own draw; the groups' order is the issue's,
      ``stream_key``);
    * ``appointed``: cadres deal the leaders closest to the officials' view to the largest groups.
    (``self_selected`` leaders are not dealt: they sit in their own courtyard's group.)
    """
    if rule == "random":
        order = np.argsort(model.streams.uniform("leaders.deal", leaders), kind="stable")
        slots = model.streams.generator("leaders.slots", stream_key).permutation(n_groups)
    else:
        order = np.argsort(np.abs(model.state.opinion[leaders] - issue_view), kind="stable")
        slots = np.argsort(-group_sizes, kind="stable")
    group = np.empty(len(leaders), dtype=np.int64)
    group[order] = slots[np.arange(len(leaders)) % n_groups]
    return group


def pick_chairs(members: np.ndarray, group: np.ndarray, n_groups: int,
                influence: np.ndarray) -> np.ndarray:
    """The most influential leader in each group chairs it (-1 where no leader attends)."""
    chair = np.full(n_groups, -1, dtype=np.int64)
    infl = influence[members]
    is_leader = infl > 0
    if not is_leader.any():
        return chair
    idx = np.flatnonzero(is_leader)
    order = idx[np.lexsort((-infl[idx], group[idx]))]
    first = np.r_[True, group[order][1:] != group[order][:-1]]
    chair[group[order][first]] = members[order][first]
    return chair


def group_issue(model: CommunityModel, members: np.ndarray, issue) -> tuple[np.ndarray, np.ndarray]:
    """Form the groups of one issue's attendees; returns (group per member, chair per group)."""
    cfg, state = model.deliberation_rules, model.state
    rule = cfg.leader_assignment
    key = modes.group_key(model, cfg.mode, members)
    queue = model.streams.uniform("groups.queue", members)  # each attendee's place in the queue
    if rule == "self_selected":
        group = form_groups(key, cfg.group_size, queue)
        n_groups = int(group.max()) + 1
    else:
        is_leader = state.is_leader[members]
        group = np.empty(len(members), dtype=np.int64)
        group[~is_leader] = form_groups(key[~is_leader], cfg.group_size, queue[~is_leader])
        n_groups = int(group[~is_leader].max()) + 1 if (~is_leader).any() else 1
        sizes = np.bincount(group[~is_leader], minlength=n_groups)
        group[is_leader] = place_leaders(members[is_leader], n_groups, rule, model,
                                         issue.official_view, sizes, issue.stream_key)
    return group, pick_chairs(members, group, n_groups, state.influence)


def discuss(opinion: np.ndarray, influence: np.ndarray, group: np.ndarray, is_chair: np.ndarray,
            n_groups: int, rules: DeliberationConfig) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Run the opinion rounds of the module docstring on every group at once.

    Per member: ``opinion`` x_i, ``influence`` (read for chairs only), ``group`` (0..n_groups-1)
    and ``is_chair`` (at most one per group); ``rules`` gives facilitation, leader_weight, rounds,
    confidence_bound, susceptibility, chair_susceptibility and steer_share. Returns the members'
    opinions after discussion and, per group, ``chair_opinion`` (after), ``initial_mean`` and
    ``final_mean`` (members' mean, chair excluded), ``proposal`` and ``steered``.
    """
    x = np.asarray(opinion, dtype=float).copy()
    has_chair = np.zeros(n_groups, dtype=bool)
    has_chair[group[is_chair]] = True
    w = np.ones(len(x))
    w[is_chair] = (1 - rules.facilitation) * (1 + rules.leader_weight * influence[is_chair])
    plain = ~is_chair
    n_plain = np.bincount(group[plain], minlength=n_groups)

    def plain_mean(values):  # members' mean, chair excluded; NaN for a chair sitting alone
        total = np.bincount(group[plain], weights=values[plain], minlength=n_groups)
        return np.where(n_plain > 0, total / np.maximum(n_plain, 1), np.nan)

    initial = plain_mean(x)
    total_weight = np.bincount(group, weights=w, minlength=n_groups)
    heard = total_weight > 0  # a neutral moderator sitting alone hears nobody
    m = initial
    for _ in range(rules.rounds):
        m = np.bincount(group, weights=w * x, minlength=n_groups) / np.where(heard, total_weight, 1.0)
        gap = np.where(heard[group], m[group] - x, 0.0)
        listen = np.abs(gap) <= rules.confidence_bound
        rate = np.where(is_chair, rules.chair_susceptibility, rules.susceptibility)
        x = x + rate * gap * listen
    final = plain_mean(x)
    chair_op = np.full(n_groups, np.nan)
    chair_op[group[is_chair]] = x[is_chair]
    d0 = np.abs(np.where(has_chair, chair_op, 0) - initial)
    d1 = np.abs(np.where(has_chair, chair_op, 0) - final)
    steered = has_chair & (d0 > MIN_STEER_DISTANCE) & ((d0 - d1) >= rules.steer_share * d0)
    proposal = np.where(heard, m, np.nan)  # a lone neutral chair makes no proposal
    return x, {"chair_opinion": chair_op, "initial_mean": initial, "final_mean": final,
               "proposal": proposal, "steered": steered}


def attach_to_open_issue(model: CommunityModel, rows: np.ndarray) -> None:
    """Representatives without an issue of their own join a random open issue's meeting, with an
    opinion ~ Beta(2, 2) on it (leaders: moved to their stance, :func:`sim.leadership.hold_stances`)."""
    state = model.state
    loose = rows[state.current_issue[rows] < 0]
    if len(loose) == 0:
        return
    open_ids = np.array([i.issue_id for i in model.open_issues()])
    pick = (model.streams.uniform("representatives.issue", loose) * len(open_ids)).astype(np.int64)
    state.current_issue[loose] = open_ids[pick]
    for issue_id in np.unique(open_ids[pick]):
        model.issues[int(issue_id)].joined.append(loose[open_ids[pick] == issue_id])
    state.opinion[loose] = model.streams.beta("representatives.opinion", loose, 2.0, 2.0)
    hold_stances(model, loose)


def hold_meetings(model: CommunityModel, attendees: np.ndarray) -> Meetings:
    """Group each open issue's attendees and place chairs, then discuss in every group of every
    issue at once (groups never mix issues, so one call of :func:`discuss` serves them all); one
    proposal per group."""
    attach_to_open_issue(model, attendees)
    state = model.state
    issue_of = state.current_issue[attendees]
    order = np.argsort(issue_of, kind="stable")  # attendees by issue, ascending within each
    issue_ids, starts = np.unique(issue_of[order], return_index=True)
    if len(issue_ids) == 0:
        return Meetings.empty()
    members_of, groups, chairs, offset = [], [], [], 0
    for issue_id, members in zip(issue_ids, np.split(attendees[order], starts[1:])):
        group, chair = group_issue(model, members, model.issues[int(issue_id)])
        members_of.append(members)
        groups.append(group + offset)
        chairs.append(chair)
        offset += len(chair)
    members, group, chair = np.concatenate(members_of), np.concatenate(groups), np.concatenate(chairs)
    state.opinion[members], out = discuss(state.opinion[members], state.influence[members], group,
                                          chair[group] == members, len(chair), model.deliberation_rules)
    size = np.bincount(group, minlength=len(chair))
    out["proposal"] = np.where(size >= 2, out["proposal"], np.nan)
    return Meetings(issue_id=np.repeat(issue_ids, [len(c) for c in chairs]), size=size, chair=chair,
                    members=members, member_group=group, **out)
