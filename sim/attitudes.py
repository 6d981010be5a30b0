"""Residents update efficacy, trust and satisfaction from what became of an issue.

For a resident with outcome payoff pi (ignored 0, partly adopted 0.5, adopted 1) and procedure
quality q (half for an unsteered meeting, half for getting any response: "every issue raised
got a response", a Gulou indicator):

    efficacy     <- efficacy + efficacy_rate * (pi - aspiration)       attendees only
    aspiration   <- aspiration + aspiration_rate * (pi - aspiration)   (Bendor, Diermeier & Ting 2003)
    trust        <- trust + trust_rate * (responded - trust)
    satisfaction <- satisfaction + satisfaction_rate * (w * q + (1 - w) * pi - satisfaction)
                                                                       (w = procedure_weight; Olken 2010)

Touched residents who did not attend learn the same way at ``informed_weight`` of the rates
(trust and satisfaction only), from the issue's best outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.deliberation import Meetings
from sim.ladder import Response
from sim.response import Responses

if TYPE_CHECKING:
    from sim.model import CommunityModel

PAYOFF = np.array([0.0, 0.5, 1.0])  # indexed by Response


def learn(model: CommunityModel, rows: np.ndarray, payoff: np.ndarray, responded: np.ndarray,
          procedure: np.ndarray, attended: bool) -> None:
    """Apply the update rules of the module docstring to ``rows``."""
    cfg, s = model.config.attitudes, model.state
    scale = 1.0 if attended else cfg.informed_weight
    if attended:
        gap = payoff - s.aspiration[rows]
        s.efficacy[rows] = np.clip(s.efficacy[rows] + cfg.efficacy_rate * gap, 0, 1)
        s.aspiration[rows] += cfg.aspiration_rate * gap
    s.trust[rows] += scale * cfg.trust_rate * (responded - s.trust[rows])
    target = cfg.procedure_weight * procedure + (1 - cfg.procedure_weight) * payoff
    s.satisfaction[rows] += scale * cfg.satisfaction_rate * (target - s.satisfaction[rows])


def learn_from_meetings(model: CommunityModel, meetings: Meetings, responses: Responses) -> None:
    """Attendees learn from their own group's outcome; touched non-attendees from the issue's best."""
    g = meetings.member_group
    responded = (responses.response != Response.IGNORED).astype(float)
    procedure = 0.5 * (~meetings.steered) + 0.5 * responded
    learn(model, meetings.members, PAYOFF[responses.response[g]], responded[g], procedure[g],
          attended=True)
    state = model.state
    attending = np.zeros(state.n, dtype=bool)
    attending[meetings.members] = True
    for issue_id in np.unique(meetings.issue_id):
        sel = meetings.issue_id == issue_id
        touched = model.issues[int(issue_id)].touched
        bystanders = touched[~attending[touched]]
        best = int(responses.response[sel].max())
        any_response = float(best != Response.IGNORED)
        learn(model, bystanders, np.full(len(bystanders), PAYOFF[best]),
              np.full(len(bystanders), any_response), np.full(len(bystanders), 0.5 * any_response),
              attended=False)


def learn_from_unheard(model: CommunityModel, touched: np.ndarray) -> None:
    """An issue decided without residents: no response, no procedure, a middling outcome."""
    n = len(touched)
    learn(model, touched, np.full(n, 0.5), np.zeros(n), np.zeros(n), attended=False)
