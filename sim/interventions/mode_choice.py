"""The community chooses its deliberation mode (Gulou: a choice among the modes, five of the six
piloted; docs/cases.md §Gulou), by trying them.

While the schedule is active, the deliberation days first try each mode of ``candidates`` in turn,
``trials`` days each (a day counts when a meeting was held). Then the community keeps the mode that
drew the largest mean share of residents to its trial days (ties: the earlier candidate), for the
rest of the schedule. The cloud mode is deliberation in the courtyards' (buildings') chat groups
(:mod:`sim.modes`). Outside the schedule the configured mode is back in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.config import DELIBERATION_MODES
from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, TargetConfig
from sim.provenance import assumed
from sim.schema import ConfigError, param

PILOTED = ["snowball", "elite", "council", "all_member", "cloud"]  # panoramic was never piloted


@dataclass
class ModeChoiceParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=1), source=assumed("from the first week"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    candidates: list[str] = field(default_factory=lambda: list(PILOTED), metadata={"source": assumed("the five modes Gulou piloted: its six (gulou.modes) but panoramic, never piloted")})
    trials: int = param(2, lo=1, doc="deliberation days each candidate is tried", source=assumed("a mode is judged on a couple of meetings; not in the case"))

    def check(self, key, cfg) -> None:
        super().check(key, cfg)
        if not self.candidates:
            raise ConfigError(f"{key}.candidates", [], "needs at least one mode; allowed: " + ", ".join(DELIBERATION_MODES))
        for i, mode in enumerate(self.candidates):
            if mode not in DELIBERATION_MODES:
                raise ConfigError(f"{key}.candidates[{i}]", mode, "allowed: " + ", ".join(DELIBERATION_MODES))
        if len(set(self.candidates)) < len(self.candidates):
            raise ConfigError(f"{key}.candidates", self.candidates, "each mode at most once")


class ModeChoice(Intervention):
    name = "mode_choice"
    label = {"en": "Choice of deliberation mode", "zh": "协商模式选择"}
    about = {"en": "The community tries the modes and keeps the one residents come to most",
             "zh": "社区试用各种协商模式，保留居民参与最多的一种"}
    changes_rules = True
    Params = ModeChoiceParams
    allowed_targets = ("all",)

    def __init__(self, params: ModeChoiceParams):
        super().__init__(params)
        self.shares: dict[str, list[float]] = {mode: [] for mode in params.candidates}
        self.chosen: str | None = None
        self.in_force = False

    def current(self) -> str:
        """The mode on trial, or the chosen one once every candidate had its trials."""
        if self.chosen is not None:
            return self.chosen
        held = sum(len(v) for v in self.shares.values())
        return self.params.candidates[held // self.params.trials]

    def step(self, model) -> None:
        if not self.schedule.active(model.steps):
            if self.in_force:
                model.deliberation_rules.mode = model.config.deliberation.mode
                self.in_force = False
            return
        self.in_force = True
        model.deliberation_rules.mode = self.current()

    def after_step(self, model) -> None:
        if not self.in_force or self.chosen is not None or not model.is_deliberation_day:
            return
        self.shares[self.current()].append(len(model.attendees) / model.state.n)
        if all(len(v) >= self.params.trials for v in self.shares.values()):
            means = [np.mean(self.shares[m]) for m in self.params.candidates]
            self.chosen = self.params.candidates[int(np.argmax(means))]

    def report(self, model) -> dict:
        return {"chosen_mode": self.chosen,
                **{f"trial_share_{m}": float(np.mean(v)) if v else None for m, v in self.shares.items()}}
