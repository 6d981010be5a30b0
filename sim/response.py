"""Officials respond to the proposals of this step's meetings: adopt, partly adopt, or ignore.

Each issue's proposals are handled by the official in charge (the cadre of the issue's first
courtyard; the street-office official for community-wide issues), who keeps a share
``power_retained`` of the decision. With probability 1 - power_retained the issue is not the
official's alone to decide (a council or residents' body takes it) and its proposals are adopted.
Otherwise the official answers the issue (one answer for all its groups: Chen, Pan & Xu 2016
count responses per request) with probability

    P(respond) = clip(responsiveness * (1 - admin_load) + threat_effect * turnout, 0, 1)

where turnout is the share of the issue's touched residents who attended (the threat of
collective action raises responsiveness, Chen, Pan & Xu 2016); an answered issue's proposal is
adopted, group by group, with probability openness * (1 - |proposal - official_view|), otherwise
adopted in part.
What the response means for residents' power depends on the share of decision power the
official keeps (see the table in :mod:`sim.ladder`): below ``partnership_threshold`` an adopted
proposal is a shared decision, below ``delegation_threshold`` the residents' body decides, and
a delegated proposal whose group includes members of a public-good organisation is carried out
by that organisation (citizen control).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.deliberation import Meetings
from sim.ladder import Response, Rung, meeting_rungs

if TYPE_CHECKING:
    from sim.agents import Official
    from sim.config import OfficialsConfig
    from sim.model import CommunityModel
    from sim.streams import Streams


@dataclass
class Responses:
    """Per discussion group: the response, the power the official kept, and the group's rung."""

    response: np.ndarray
    power_retained: np.ndarray
    carried_out: np.ndarray
    rung: np.ndarray

    @classmethod
    def empty(cls) -> Responses:
        return cls(np.zeros(0, dtype=np.int8), np.zeros(0), np.zeros(0, dtype=bool),
                   np.zeros(0, dtype=np.int8))


def official_in_charge(model: CommunityModel, issue) -> Official:
    if issue.community_wide:
        return model.street_office
    first_courtyard = int(model.state.courtyard[issue.touched[0]])
    return model.cadres[first_courtyard % len(model.cadres)]


OFFICIAL_TRAITS = np.dtype([("responsiveness", float), ("admin_load", float), ("openness", float),
                            ("power_retained", float), ("official_view", float)])
"""Per discussion group: the traits of the official in charge and the issue's official view."""


@dataclass
class Proposals:
    """What reaches officials, per discussion group: ``traits`` (a record array of
    :data:`OFFICIAL_TRAITS`), ``turnout`` (share of the issue's touched residents who attended),
    ``issue_key`` (names the group's issue in the random streams) and ``stream_key`` (names the
    group: the issue's key ^ its number)."""

    traits: np.ndarray
    turnout: np.ndarray
    issue_key: np.ndarray
    stream_key: np.ndarray


def gather_proposals(model: CommunityModel, meetings: Meetings) -> Proposals:
    """Look up, for every group, the official in charge of its issue and the issue's turnout."""
    n = meetings.n_groups
    traits = np.zeros(n, dtype=OFFICIAL_TRAITS)
    turnout = np.zeros(n)
    issue_key = np.zeros(n, dtype=np.uint64)
    stream_key = np.zeros(n, dtype=np.uint64)
    for issue_id in np.unique(meetings.issue_id):
        issue = model.issues[int(issue_id)]
        o = official_in_charge(model, issue)
        sel = meetings.issue_id == issue_id
        traits[sel] = (o.responsiveness, o.admin_load, o.openness, o.power_retained, issue.official_view)
        turnout[sel] = min(1.0, meetings.size[sel].sum() / max(1, len(issue.touched)))
        issue_key[sel] = np.uint64(issue.stream_key)
        stream_key[sel] = np.uint64(issue.stream_key) ^ np.arange(sel.sum(), dtype=np.uint64)
    return Proposals(traits, turnout, issue_key, stream_key)


def officials_respond(meetings: Meetings, proposals: Proposals, public_good_member: np.ndarray,
                      rules: OfficialsConfig, streams: Streams) -> Responses:
    """Decide every proposal (vectorised over groups); groups without a proposal get rung 3.

    ``public_good_member`` holds, per attendee of ``meetings``, whether they belong to a
    public-good organisation; ``rules`` gives threat_effect and the partnership and delegation
    thresholds; who decides and whether officials answer are drawn once per issue (keyed by
    ``proposals.issue_key``), adoption once per group (``proposals.stream_key``).
    """
    n, t, key, issue = meetings.n_groups, proposals.traits, proposals.stream_key, proposals.issue_key
    retained = t["power_retained"]
    residents_decide = streams.uniform("response.who_decides", issue) >= retained
    p_respond = np.clip(t["responsiveness"] * (1 - t["admin_load"]) + rules.threat_effect * proposals.turnout, 0, 1)
    responded = residents_decide | (streams.uniform("response.respond", issue) < p_respond)
    p_adopt = t["openness"] * (1 - np.abs(np.nan_to_num(meetings.proposal) - t["official_view"]))
    adopted = residents_decide | (responded & (streams.uniform("response.adopt", key) < p_adopt))
    response = np.where(adopted, Response.ADOPTED,
                        np.where(responded, Response.PARTLY_ADOPTED, Response.IGNORED)).astype(np.int8)
    carried_out = np.bincount(meetings.member_group, weights=public_good_member, minlength=n) > 0
    rung = meeting_rungs(response, meetings.steered, retained, carried_out,
                         rules.partnership_threshold, rules.delegation_threshold)
    no_proposal = ~meetings.has_proposal
    rung[no_proposal] = Rung.INFORMING
    response[no_proposal] = Response.IGNORED
    return Responses(response, retained.copy(), carried_out & ~no_proposal, rung)
