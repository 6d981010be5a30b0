"""Cloud deliberation (Gulou, docs/cases.md §Gulou): deliberation in online chat groups per building
(the model's courtyard), which lowers the cost of taking part and reaches younger residents.

While the schedule is active the deliberation mode in force (``model.deliberation_rules.mode``)
is ``mode``: ``cloud`` (only residents with online access are invited, each at the online cost
factor ``deliberation.cloud_cost_factor``; groups are the courtyard chat groups) or ``panoramic``
(online and offline together: the online at the online cost, the others at full cost); see
:mod:`sim.modes`. Outside the schedule the configured mode is back in force. Online access rises
with youth (``community.online_young`` 0.95, ``online_middle`` 0.8, ``online_elderly`` 0.35), so
the young gain most.

``online_share`` (when set) fixes the share of residents in the chat groups when the programme
starts: round(online_share x n) residents are online, the change made by connecting offline
residents (or disconnecting online ones) drawn at random.

Reported: the share of young residents and of online residents among attendees, and attendees per
deliberation day, before and while in force.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, TargetConfig
from sim.schema import param
from sim.provenance import assumed
from sim.modes import ONLINE_MODES
from sim.state import AgeGroup



@dataclass
class CloudDeliberationParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=1), source=assumed("from the first week"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    mode: str = param("cloud", choices=ONLINE_MODES, doc="cloud: online only; panoramic: online and offline", source=assumed("cloud, the online mode Gulou piloted (panoramic never was)"))
    online_share: float | None = param(None, lo=0.0, hi=1.0,
                                       doc="share of residents in the chat groups (null: those with online access)", source=assumed("whoever has online access joins the chat groups"))


class CloudDeliberation(Intervention):
    name = "cloud_deliberation"
    label = {"en": "Cloud deliberation", "zh": "云协商"}
    about = {"en": "Deliberation in online chat groups per building: cheaper to join, reaches the young",
             "zh": "按楼栋在线上群聊中协商：参与成本更低，能吸引年轻人"}
    changes_rules = True
    Params = CloudDeliberationParams
    allowed_targets = ("all",)

    def __init__(self, params: CloudDeliberationParams):
        super().__init__(params)
        self.connected = 0
        self.recorded: set[int] = set()
        # per period ("before", "in_force"): deliberation days, attendees, young, online attendees
        self.tally = {k: np.zeros(4, dtype=np.int64) for k in ("before", "in_force")}

    def record(self, model, step: int) -> None:
        """Count the attendees of ``step`` (the step that has just run) once."""
        if step < 1 or step in self.recorded or not model.is_deliberation_day:
            return
        self.recorded.add(step)
        rows = model.attendees
        period = "in_force" if self.schedule.active(step) else "before"
        young = int((model.state.age_group[rows] == AgeGroup.YOUNG).sum())
        self.tally[period] += (1, len(rows), young, int(model.state.online[rows].sum()))

    def step(self, model) -> None:
        self.record(model, model.steps - 1)
        p, s = self.params, model.state
        if model.steps == self.schedule.start and p.online_share is not None:
            k = int(round(p.online_share * s.n))
            online = np.flatnonzero(s.online)
            if len(online) > k:
                s.online[self.streams.sample("disconnect", online, len(online) - k)] = False
            elif len(online) < k:
                s.online[self.streams.sample("connect", np.flatnonzero(~s.online), k - len(online))] = True
            self.connected = k - len(online)
        in_force = self.schedule.active(model.steps)
        model.deliberation_rules.mode = p.mode if in_force else model.config.deliberation.mode

    def report(self, model) -> dict:
        self.record(model, model.steps)
        out = {"online_share": float(model.state.online.mean()), "connected": self.connected}
        for period, (days, attendees, young, online) in self.tally.items():
            out[f"attendees_per_day_{period}"] = attendees / days if days else None
            out[f"young_share_of_attendees_{period}"] = young / attendees if attendees else None
            out[f"online_share_of_attendees_{period}"] = online / attendees if attendees else None
        return out
