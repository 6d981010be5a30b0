"""The six deliberation modes of the Gulou experiment (docs/cases.md §Gulou): who is invited, what
taking part costs, and how attendees are split into discussion groups.

=============  ========================================  ====================  ==================
mode           invited (eligible to take part)           cost factor           groups
=============  ========================================  ====================  ==================
snowball       the parties to an open issue              1                     by courtyard
elite          activists: leaders and the most            1                     mixed
               interested residents, with an issue
council        council members, whenever issues are open  1                     mixed
all_member     one representative per household           1                     by courtyard
cloud          parties with online access                 cloud_cost_factor     by courtyard chat
panoramic      the parties to an open issue               cloud factor online,  by courtyard
                                                          1 offline
=============  ========================================  ====================  ==================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import CommunityModel

GROUPED_BY_COURTYARD = {"snowball", "all_member", "cloud", "panoramic"}
ONLINE_MODES = ("cloud", "panoramic")  # deliberation in the courtyards' (buildings') chat groups


def eligible(model: CommunityModel, mode: str) -> np.ndarray:
    """Boolean mask of residents invited to this step's meetings under ``mode``."""
    state = model.state
    has_issue = state.current_issue >= 0
    any_open = bool(model.open_issues())
    if mode in ("snowball", "panoramic"):
        return has_issue
    if mode == "elite":
        activist = state.is_leader | (state.interest >= model.elite_interest_cutoff)
        return has_issue & activist
    if mode == "council":
        return model.council_member & any_open
    if mode == "all_member":
        return model.household_representative & any_open
    if mode == "cloud":
        return has_issue & state.online
    raise ValueError(f"unknown deliberation mode {mode!r}")


def cost_factor(model: CommunityModel, mode: str) -> np.ndarray | float:
    """Multiplier on each resident's time cost: online taking part is cheaper."""
    cloud = model.deliberation_rules.cloud_cost_factor
    if mode == "cloud":
        return cloud
    if mode == "panoramic":
        return np.where(model.state.online, cloud, 1.0)
    return 1.0


def represents_others(model: CommunityModel, mode: str) -> np.ndarray | bool:
    """Council members and household representatives take part on others' behalf (duty)."""
    if mode == "council":
        return model.council_member
    if mode == "all_member":
        return model.household_representative
    return False


def group_key(model: CommunityModel, mode: str, attendees: np.ndarray) -> np.ndarray:
    """Sort key that keeps neighbours together where a mode meets by courtyard."""
    if mode in GROUPED_BY_COURTYARD:
        return model.state.courtyard[attendees]
    return np.zeros(len(attendees), dtype=np.int32)
