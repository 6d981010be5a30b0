"""A fixed monthly deliberation day with rotating resident chairs (Gulou, Xiaotaoyuan: the 11th of
each month, chairs rotating among 30+ residents who bring proposals; docs/cases.md §Gulou).

When the programme starts, ``chairs`` residents volunteer as chairs: drawn without replacement with
weight interest (the most interested come forward). While the schedule is active:

* the deliberation day is every ``interval`` weeks (``deliberation_rules.meeting_interval``);
* meetings chaired by residents in turn steer less: facilitation is at least ``chair_facilitation``;
* ``mode`` (when set) is the deliberation mode of the day, e.g. snowball opens the meeting to every
  party to an open issue, where a legacy meeting invited only its appointed members;
* the week of each deliberation day, the chair of the day (the next in the rotation) brings a
  proposal: a courtyard issue of their own courtyard, raised by them, with their stake 1 (as a
  leader's proposal, :func:`sim.leadership.raise_proposals`), unless they already hold an open issue.

Outside the schedule the configured rules are back in force.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, TargetConfig
from sim.issues import raise_issue
from sim.provenance import assumed, case
from sim.schema import ConfigError, param, probability
from sim.config import DELIBERATION_MODES
from sim.streams import fold


@dataclass
class DeliberationDayParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=1), source=assumed("from the first week"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    interval: int = param(4, lo=1, doc="weeks between deliberation days", source=case("gulou.deliberation_day", rule="monthly: round(52 / 12)", derive=lambda n: round(52 / n)))
    chairs: int = param(30, lo=1, doc="residents chairing in rotation", source=case("gulou.rotating_chairs"))
    chair_facilitation: float = probability(0.6, "least facilitation of a meeting chaired by a resident in turn", source=assumed("residents chairing in rotation steer less than cadres; size is a guess"))
    mode: str | None = param("snowball", choices=DELIBERATION_MODES, doc="deliberation mode of the day (null: the mode in force)", source=assumed("open to every party to an open issue"))

    def check(self, key, cfg) -> None:
        super().check(key, cfg)
        if self.chairs > cfg.community.n_residents:
            raise ConfigError(f"{key}.chairs", self.chairs, f"must be <= community.n_residents ({cfg.community.n_residents})")


class DeliberationDay(Intervention):
    name = "deliberation_day"
    label = {"en": "Monthly deliberation day", "zh": "每月协商日"}
    about = {"en": "A fixed day each month; residents chair in turn and bring proposals",
             "zh": "每月固定协商日，居民轮流主持并提出议题"}
    changes_rules = True
    Params = DeliberationDayParams
    allowed_targets = ("all",)

    def __init__(self, params: DeliberationDayParams):
        super().__init__(params)
        self.chair_rows = np.zeros(0, dtype=np.int64)
        self.turn = 0
        self.proposals = 0
        self.days = 0
        self.in_force = False

    def step(self, model) -> None:
        p, s, rules, base = self.params, model.state, model.deliberation_rules, model.config.deliberation
        if not self.schedule.active(model.steps):
            if self.in_force:  # the schedule has just ended: the configured rules are back
                rules.meeting_interval, rules.facilitation, rules.mode = base.meeting_interval, base.facilitation, base.mode
                self.in_force = False
            return
        self.in_force = True
        if not len(self.chair_rows):
            weight = s.interest + 1e-9
            self.chair_rows = self.streams.weighted_sample("chairs", np.arange(s.n), p.chairs, weight)
        rules.meeting_interval = p.interval
        rules.facilitation = max(base.facilitation, p.chair_facilitation)
        if p.mode is not None:
            rules.mode = p.mode
        if model.steps % p.interval:
            return
        self.days += 1
        chair = int(self.chair_rows[self.turn % len(self.chair_rows)])
        self.turn += 1
        kinds = [k for k, spec in model.config.issues.kinds.items() if spec.scope == "courtyard" and spec.weight > 0]
        if s.current_issue[chair] >= 0 or not kinds:
            return
        cdf = np.cumsum([model.config.issues.kinds[k].weight for k in kinds])
        pick = int(np.searchsorted(cdf, self.streams.uniform_one("kind", model.steps) * cdf[-1], side="right"))
        issue = raise_issue(model, kinds[min(pick, len(kinds) - 1)], stream_key=fold(model.steps, "chair", chair),
                            courtyards=np.array([s.courtyard[chair]]))
        issue.raised_by = chair
        s.stake[chair] = 1.0
        self.proposals += 1

    def report(self, model) -> dict:
        return {"deliberation_days": self.days, "chairs": int(len(self.chair_rows)),
                "chairs_proposals": self.proposals}
