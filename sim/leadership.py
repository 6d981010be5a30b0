"""Leaders: they emerge from active residents, hold standing stances, raise their courtyard's
proposals, and step down when discouraged (docs/ODD.md §2; docs/mechanisms.md).

* Emergence: a non-leader who has attended at least ``emergence_min_meetings`` meetings and
  whose capacity is at least ``emergence_capacity`` becomes a leader with weekly probability
  ``emergence_rate * efficacy`` (civic voluntarism: skills and efficacy make activists,
  Verba, Schlozman & Brady 1995). Training raises capacity and so feeds emergence.
* Stance: a new leader draws a standing position s ~ U(0, 1) once; on every issue that reaches
  them their view is x <- (1 - stance_weight) * x + stance_weight * s, so a leader pulls the
  groups they chair the same way across issues (leader identity explains variation across the
  questions a leader chaired, Humphreys, Masters & Sandbu 2006).
* Proposals: each week a leader with no open issue of their own raises one of their courtyard's
  residents' proposals with probability ``proposal_rate``: a courtyard-scope issue touching their
  courtyard, on which they hold the full stake (activists and backbones bring the residents'
  proposals, as the rotating resident chairs of a monthly deliberation day do in the cases).
  More leaders therefore bring more issues, more meetings and more participation.
* Stepping down: a leader whose efficacy has fallen below ``stepdown_efficacy`` leaves the role
  with weekly probability ``stepdown_rate``.
A new leader's influence is drawn ~ Gamma(4, influence_mean / 4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents import Leader
from sim.issues import raise_issue
from sim.streams import fold

if TYPE_CHECKING:
    from sim.model import CommunityModel


def draw_influence(model: CommunityModel, rows: np.ndarray) -> np.ndarray:
    """Influence ~ Gamma(4, influence_mean / 4), one draw per new leader's row."""
    return model.streams.gamma("leaders.influence", rows, 4.0, model.config.leaders.influence_mean / 4.0)


def promote(model: CommunityModel, rows: np.ndarray) -> list[Leader]:
    """Make the residents at ``rows`` leaders (the Resident agents stay; a Leader role is added);
    a resident who never led before draws their standing stance."""
    influence = draw_influence(model, rows)
    s = model.state
    new = rows[np.isnan(s.stance[rows])]
    s.stance[new] = model.streams.uniform("leaders.stance", new)
    return [Leader(model, model.residents[int(r)], float(f)) for r, f in zip(rows, influence)]


def emerge_leaders(model: CommunityModel) -> list[Leader]:
    cfg, s = model.config.leaders, model.state
    eligible = (~s.is_leader & (s.meetings_attended >= cfg.emergence_min_meetings)
                & (s.capacity >= cfg.emergence_capacity))
    rows = np.flatnonzero(eligible)
    chance = cfg.emergence_rate * s.efficacy[rows]
    return promote(model, rows[model.streams.uniform("leaders.emerge", rows) < chance])


def step_down_leaders(model: CommunityModel) -> int:
    cfg, s = model.config.leaders, model.state
    leaders = list(model.agents_by_type.get(Leader, []))
    if not leaders:
        return 0
    rows = np.array([leader.resident.idx for leader in leaders])
    leaving = ((s.efficacy[rows] < cfg.stepdown_efficacy)
               & (model.streams.uniform("leaders.step_down", rows) < cfg.stepdown_rate))
    for leader in np.array(leaders, dtype=object)[leaving]:
        leader.step_down()
    return int(leaving.sum())


def hold_stances(model: CommunityModel, rows: np.ndarray) -> None:
    """Leaders among ``rows`` (who just got an issue) move their view to their stance:
    x <- (1 - stance_weight) * x + stance_weight * stance."""
    s, w = model.state, model.config.leaders.stance_weight
    leaders = rows[s.is_leader[rows]]
    s.opinion[leaders] = (1 - w) * s.opinion[leaders] + w * s.stance[leaders]


def raise_proposals(model: CommunityModel) -> list:
    """Leaders with no open issue raise their courtyard's proposal with weekly chance
    ``proposal_rate``; each proposal is a courtyard-scope issue of a kind drawn by weight,
    touching the leader's courtyard, with the leader's stake 1."""
    cfg, s = model.config, model.state
    kinds = [k for k, spec in cfg.issues.kinds.items() if spec.scope == "courtyard" and spec.weight > 0]
    if cfg.leaders.proposal_rate == 0 or not kinds:
        return []
    free = np.flatnonzero(s.is_leader & (s.current_issue < 0))
    rows = free[model.streams.uniform("leaders.propose", free) < cfg.leaders.proposal_rate]
    cdf = np.cumsum([cfg.issues.kinds[k].weight for k in kinds])
    pick = np.searchsorted(cdf, model.streams.uniform("leaders.proposal_kind", rows) * cdf[-1], side="right")
    issues = []
    for row, k in zip(rows, np.minimum(pick, len(kinds) - 1)):
        if s.current_issue[row] >= 0:  # a neighbour's proposal this week already reached them
            continue
        issue = raise_issue(model, kinds[k], stream_key=fold(model.steps, "proposal", int(row)),
                            courtyards=np.array([s.courtyard[row]]))
        issue.raised_by = int(row)
        s.stake[row] = 1.0
        issues.append(issue)
    return issues
