"""Administrative load relief (减负增效, "reduce burdens, raise effectiveness"; docs/cases.md §Gulou,
§2.4): community cadres overloaded with administrative tasks were an obstacle the Gulou
authors observed; relief frees their time so they can respond to residents.

Each time the schedule fires, every official reached (default: all) sheds ``load_cut`` of its
administrative load, down to ``floor``:

    admin_load <- min(admin_load, max(floor, admin_load * (1 - load_cut)))

Load is what :func:`sim.response.officials_respond` reads: an official responds with probability
clip(responsiveness x (1 - admin_load) + threat_effect x turnout, 0, 1), so lighter load raises
the response rate (with the defaults 0.45 x 0.7 = 0.315 becomes 0.45 x 0.85 = 0.38 before the
turnout term). Cadres holding council seats attend sittings with probability 1 - admin_load
(:mod:`sim.interventions.deliberation_council`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, Target, TargetConfig
from sim.schema import param, probability
from sim.provenance import assumed


@dataclass
class LoadReliefParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=13), source=assumed("once, at the end of the first quarter"))
    target: TargetConfig = param(TargetConfig(kind="officials"), source=assumed("every official"))
    load_cut: float = probability(0.5, "share of administrative load removed each time it fires", source=assumed("overload is a Gulou obstacle; how much relief removes is not measured"))
    floor: float = probability(0.05, "load that cannot be shed (unless it was lower already)", source=assumed("some administrative load always remains"))


class LoadRelief(Intervention):
    name = "load_relief"
    label = {"en": "Administrative load relief", "zh": "减负增效"}
    about = {"en": "Cadres shed administrative tasks and gain time to respond to residents",
             "zh": "干部减少行政事务，有更多时间回应居民"}
    Params = LoadReliefParams
    allowed_targets = ("officials",)

    def __init__(self, params: LoadReliefParams):
        super().__init__(params)
        self.reliefs = 0

    def apply(self, model, target: Target) -> None:
        p = self.params
        for o in target.officials:
            o.admin_load = min(o.admin_load, max(p.floor, o.admin_load * (1 - p.load_cut)))
        self.reliefs += 1

    def report(self, model) -> dict:
        return {
            "reliefs": self.reliefs,
            "cadres_admin_load": float(np.mean([o.admin_load for o in model.cadres])),
            "street_office_admin_load": float(model.street_office.admin_load),
        }
