"""Leaders emerge from active residents and step down when discouraged (docs/ODD.md §2; docs/mechanisms.md).

* Emergence: a non-leader who has attended at least ``emergence_min_meetings`` meetings and
  whose capacity is at least ``emergence_capacity`` becomes a leader with weekly probability
  ``emergence_rate * efficacy`` (civic voluntarism: skills and efficacy make activists,
  Verba, Schlozman & Brady 1995). Training raises capacity and so feeds emergence.
* Stepping down: a leader whose efficacy has fallen below ``stepdown_efficacy`` leaves the role
  with weekly probability ``stepdown_rate``.
A new leader's influence is drawn ~ Gamma(4, influence_mean / 4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents import Leader

if TYPE_CHECKING:
    from sim.model import CommunityModel


def draw_influence(model: CommunityModel, rows: np.ndarray) -> np.ndarray:
    """Influence ~ Gamma(4, influence_mean / 4), one draw per new leader's row."""
    return model.streams.gamma("leaders.influence", rows, 4.0, model.config.leaders.influence_mean / 4.0)


def promote(model: CommunityModel, rows: np.ndarray) -> list[Leader]:
    """Make the residents at ``rows`` leaders (the Resident agents stay; a Leader role is added)."""
    influence = draw_influence(model, rows)
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
