"""Random assignment of leaders to discussion groups (São Tomé and Príncipe 2004, docs/cases.md §São Tomé).

While in force, attending leaders are shuffled and dealt round-robin to the discussion groups
(:func:`sim.deliberation.place_leaders`) instead of sitting with their own courtyard
(self-selection) or being placed by cadres. Humphreys, Masters & Sandbu (2006) report that
random assignment spread leaders' influence across groups instead of concentrating it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.interventions.base import Intervention, InterventionParams, TargetConfig
from sim.schema import param
from sim.provenance import assumed


@dataclass
class RandomLeaderAssignmentParams(InterventionParams):
    """Only a schedule: it reaches every leader who attends while it is in force."""

    target: TargetConfig = param(TargetConfig(kind="leaders"), source=assumed("every leader is dealt at random, as in São Tomé (sao_tome.random_leaders)"))


class RandomLeaderAssignment(Intervention):
    name = "random_leader_assignment"
    label = {"en": "Random assignment of leaders", "zh": "随机分派骨干"}
    about = {"en": "Leaders are dealt to discussion groups at random instead of sitting with their own courtyard",
             "zh": "骨干被随机分到各讨论小组，而不是留在自己的院落"}
    changes_rules = True
    Params = RandomLeaderAssignmentParams
    allowed_targets = ("leaders",)

    def step(self, model) -> None:
        in_force = self.schedule.active(model.steps)
        model.leader_assignment = "random" if in_force else model.config.deliberation.leader_assignment
