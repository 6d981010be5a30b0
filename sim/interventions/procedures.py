"""Rules shared by programmes that run procedures of their own (council sittings, the public
fund's nine steps, courses): who turns up to a procedure step, and what it does to residents'
rungs on Arnstein's ladder.

* :func:`take_part`: the invited residents decide as on a deliberation day
  (:func:`sim.participation.participation_probability`, Riker & Ordeshook 1968 with duty and
  social influence), with the step's time cost as the cost factor m_i and the procedure's stake;
  beliefs and ``took_part`` are not touched (they follow deliberation days only).
* :func:`raise_rungs`: residents' highest rung ``state.rung`` <- max(rung, reached).
* :func:`publish`: results are posted; each resident concerned reads them with probability equal
  to their interest and reaches at least rung 3 (informing), as in
  :meth:`sim.model.CommunityModel.record_rungs`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.ladder import Rung
from sim.participation import neighbour_signals, participation_probability
from sim.streams import Streams

if TYPE_CHECKING:
    from sim.model import CommunityModel


def take_part(model: CommunityModel, invited: np.ndarray, *, streams: Streams, cost: float,
              stake: float | np.ndarray = 0.0, represents: float = 0.0, key: str = "") -> np.ndarray:
    """Rows (ascending) of the ``invited`` rows who take part; one uniform draw per invited row,
    from the programme's ``streams`` (site ``take_part``, ``key`` naming the occasion).

    ``stake`` counts as the resident's stake if it is higher than their current issue's stake.
    """
    invited = np.asarray(invited, dtype=np.int64)
    if len(invited) == 0:
        return invited
    s = model.state
    active_share, leader_pull = neighbour_signals(model)
    prob = participation_probability(
        model.config.participation,
        efficacy=s.efficacy[invited], trust=s.trust[invited],
        stake=np.maximum(s.stake[invited], stake), interest=s.interest[invited],
        time_cost=s.time_cost[invited], capacity=s.capacity[invited],
        cooperation=s.cooperation[invited], belief=s.belief[invited],
        active_share=active_share[invited], threshold=s.threshold[invited],
        leader_pull=leader_pull[invited], public_good_member=model.public_good_member()[invited],
        mode_cost=cost, represents=represents, habit=s.habit[invited])
    return np.sort(invited[streams.uniform("take_part", invited, key) < prob])


def raise_rungs(model: CommunityModel, rows: np.ndarray, rung: int | np.ndarray) -> None:
    """Residents at ``rows`` have reached ``rung`` (one value, or one per row)."""
    s = model.state
    s.rung[rows] = np.maximum(s.rung[rows], np.asarray(rung, dtype=np.int8))


def publish(model: CommunityModel, rows: np.ndarray, streams: Streams, key: int | str = "") -> np.ndarray:
    """Post results to the residents at ``rows``; returns the readers (rung >= 3 informing).
    Each resident reads with chance = interest (programme's stream ``publish``, ``key`` naming
    what is published)."""
    rows = np.asarray(rows, dtype=np.int64)
    readers = rows[streams.uniform("publish", rows, key) < model.state.interest[rows]]
    raise_rungs(model, readers, Rung.INFORMING)
    return readers
