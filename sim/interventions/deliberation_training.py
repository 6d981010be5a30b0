"""Deliberation concept training and case sharing (Gulou, docs/cases.md §Gulou): cadres, building
heads and activists learn the ideas and rules of deliberation, and communities share cases.

On each step the schedule fires (every half year by default), one course trains together:

* the cadres (``cadres``; null: every cadre): openness += ``openness_gain``, responsiveness +=
  ``responsiveness_gain``;
* the building (unit) heads and activists: the community's leaders, then the most interested
  other residents, ``activists`` in all: capacity += ``capacity_gain``, efficacy += ``efficacy_gain``.

It works as empowerment training (:mod:`sim.interventions.empowerment_training`): gains are clipped
to 1, fade by ``fade`` of what remains each week, and each group answers the two-item questionnaire
before, right after and at the end of the run. Where legacy meetings are entrenched the cadres'
gain also drifts back (:mod:`sim.entrenchment`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions.base import InterventionParams, ScheduleConfig, Target, TargetConfig
from sim.interventions.empowerment_training import EmpowermentTraining
from sim.provenance import TRAINING_GAIN, assumed
from sim.schema import ConfigError, param, probability


@dataclass
class DeliberationTrainingParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=1, period=26), source=assumed("a course and a case-sharing meeting every half year; the case gives no frequency"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    cadres: int | None = param(None, lo=0, doc="cadres trained (null: every cadre)", source=assumed("Gulou trained the cadres of every pilot community"))
    activists: int = param(20, lo=0, doc="building heads and activists trained (leaders first)", source=assumed("the case names building and unit heads and activists, not how many"))
    capacity_gain: float = probability(0.3, "heads and activists: rise in capacity", source=TRAINING_GAIN)
    efficacy_gain: float = probability(0.15, "heads and activists: rise in efficacy", source=TRAINING_GAIN)
    openness_gain: float = probability(0.2, "cadres: rise in openness to deliberation", source=TRAINING_GAIN)
    responsiveness_gain: float = probability(0.15, "cadres: rise in responsiveness", source=TRAINING_GAIN)
    fade: float = probability(0.03, "share of the remaining gain lost each step", source=TRAINING_GAIN)
    questionnaire_noise: float = param(0.1, lo=0.0, doc="sd of answer noise on the latent scale", source=assumed("the case gives no questionnaire; answer noise is a guess"))

    def check(self, key, cfg) -> None:
        super().check(key, cfg)
        if self.cadres is not None and self.cadres > cfg.officials.n_cadres:
            raise ConfigError(f"{key}.cadres", self.cadres, f"must be <= officials.n_cadres ({cfg.officials.n_cadres})")
        if self.activists > cfg.community.n_residents:
            raise ConfigError(f"{key}.activists", self.activists,
                              f"must be <= community.n_residents ({cfg.community.n_residents})")


def activists(model, k: int) -> np.ndarray:
    """The ``k`` leaders and most interested residents (leaders first, then by interest, then row)."""
    s = model.state
    order = np.lexsort((np.arange(s.n), -s.interest, ~s.is_leader))
    return np.sort(order[:k])


class DeliberationTraining(EmpowermentTraining):
    name = "deliberation_training"
    label = {"en": "Deliberation training and case sharing", "zh": "协商理念培训与案例分享"}
    about = {"en": "Cadres, building heads and activists learn the ideas and rules of deliberation",
             "zh": "干部、楼栋长和积极分子学习协商的理念和规则"}
    Params = DeliberationTrainingParams
    allowed_targets = ("all",)

    def apply(self, model, target: Target) -> None:
        p = self.params
        cadres = model.cadres if p.cadres is None else model.cadres[: p.cadres]
        for rows, officials, gain in ((np.zeros(0, dtype=np.int64), list(cadres), (p.openness_gain, p.responsiveness_gain)),
                                      (activists(model, p.activists), [], (p.efficacy_gain, p.capacity_gain))):
            if officials or len(rows):
                self.train(model, rows, officials, gain)

    def report(self, model) -> dict:
        out = super().report(model)
        out["courses"] = len({c.step for c in self.cohorts})
        return out
