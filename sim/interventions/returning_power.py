"""Returning power (还权赋能, Chengdu 2008-2019, docs/cases.md §Chengdu): officials cede a scheduled share
of their decision power to residents' bodies.

Each time the schedule fires, every official reached (default: all cadres and the street-office
official) cedes ``cede`` of the decision power it keeps, down to ``floor``:

    power_retained <- min(power_retained, max(floor, power_retained - cede))

Power is what :func:`sim.response.officials_respond` reads: with probability 1 - power_retained
the residents' body decides a proposal (it is adopted), so residents' input is decided, not only
heard; and the ladder reads an adopted proposal as partnership (rung 6) once the official keeps
less than ``officials.partnership_threshold`` and as delegated power (7, 8 when a residents'
organisation carries it out) below ``officials.delegation_threshold`` (:mod:`sim.ladder`). With the
defaults (0.9 ceded by 0.1 a quarter from week 13) cadres fall below 0.7 in week 39 and below 0.4
in week 78, stopping at 0.3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, Target, TargetConfig
from sim.schema import param, probability
from sim.provenance import assumed


@dataclass
class ReturningPowerParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=13, period=13), source=assumed("a step every quarter from the end of the first; Chengdu gives no timetable"))
    target: TargetConfig = param(TargetConfig(kind="officials"), source=assumed("every official"))
    cede: float = probability(0.1, "decision power ceded each time the schedule fires", source=assumed("a tenth of power a quarter; not in the case"))
    floor: float = probability(0.3, "officials keep at least this share (unless they kept less already)", source=assumed("officials keep some power (the party organisation reviews every item in Chengdu)"))


class ReturningPower(Intervention):
    name = "returning_power"
    label = {"en": "Returning power", "zh": "还权赋能"}
    about = {"en": "Officials cede a scheduled share of their decision power to residents' bodies",
             "zh": "干部按计划把部分决策权交给居民组织"}
    Params = ReturningPowerParams
    allowed_targets = ("officials",)

    def __init__(self, params: ReturningPowerParams):
        super().__init__(params)
        self.cessions = 0
        self.partnership_step: int | None = None
        self.delegation_step: int | None = None

    def apply(self, model, target: Target) -> None:
        p = self.params
        for o in target.officials:
            o.power_retained = min(o.power_retained, max(p.floor, round(o.power_retained - p.cede, 12)))
        self.cessions += 1
        cfg = model.config.officials
        power = min(o.power_retained for o in model.cadres)
        if self.partnership_step is None and power < cfg.partnership_threshold:
            self.partnership_step = model.steps
        if self.delegation_step is None and power < cfg.delegation_threshold:
            self.delegation_step = model.steps

    def report(self, model) -> dict:
        """Cessions, cadres' mean retained power at the end, and the weeks rungs 6 and 7 opened."""
        return {
            "cessions": self.cessions,
            "cadres_power_retained": float(np.mean([o.power_retained for o in model.cadres])),
            "street_office_power_retained": float(model.street_office.power_retained),
            "partnership_from_step": self.partnership_step,
            "delegation_from_step": self.delegation_step,
        }
