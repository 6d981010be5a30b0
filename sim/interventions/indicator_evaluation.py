"""The indicator evaluation of deliberation (Gulou: 7 first-level and 70 second-level indicators;
docs/cases.md §Gulou), in a small form: the district scores the community and the cadres answer
to the score.

On each step the schedule fires (every half year by default) the community is scored on three of
the evaluation's indicators over the last ``window`` weeks, each in [0, 1]:

* the share of residents who have attended at least one deliberation meeting;
* the share of decided issues that were answered (decided at rung 5 or above: officials adopted
  the proposal at least in part, or an elected council decided);
* the share of courtyards where residents deliberated (attended a meeting) in the window.

The score S is their mean. Every cadre's responsiveness and openness then rise by
``pressure`` x (1 - S) (clipped to 1): cadres answer to what is measured, the more so the lower the
score. The indicators come from the case; the form and size of the response are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, Target, TargetConfig
from sim.ladder import Rung
from sim.provenance import assumed
from sim.schema import param, probability


@dataclass
class IndicatorEvaluationParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=26, period=26), source=assumed("every half year; the case gives no frequency"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    window: int = param(26, lo=1, doc="weeks the indicators look back", source=assumed("the half year since the last evaluation"))
    pressure: float = probability(0.1, "rise in cadres' responsiveness and openness at score 0", source=assumed("evaluation pressure moves cadres a little; size is a guess"))


def evaluation_score(model, window: int) -> tuple[float, dict[str, float]]:
    """S and its three indicators (see the module docstring)."""
    s = model.state
    since = model.steps - window
    decided = [rung for step, rung in model.decisions if step > since]
    attended = s.last_took_part_step > since
    courtyards = np.unique(s.courtyard[attended])
    parts = {"ever_attended": float((s.meetings_attended > 0).mean()),
             "issues_answered": float(np.mean([r >= Rung.PLACATION for r in decided])) if decided else 0.0,
             "courtyards_deliberating": len(courtyards) / model.n_courtyards}
    return float(np.mean(list(parts.values()))), parts


class IndicatorEvaluation(Intervention):
    name = "indicator_evaluation"
    label = {"en": "Indicator evaluation", "zh": "协商指标考核"}
    about = {"en": "The district scores the community's deliberation; cadres answer to the score",
             "zh": "区里按指标考核社区协商，干部据此改进"}
    Params = IndicatorEvaluationParams
    allowed_targets = ("all",)

    def __init__(self, params: IndicatorEvaluationParams):
        super().__init__(params)
        self.scores: list[float] = []

    def apply(self, model, target: Target) -> None:
        score, _ = evaluation_score(model, self.params.window)
        self.scores.append(score)
        lift = self.params.pressure * (1 - score)
        for o in model.cadres:
            o.responsiveness = min(1.0, o.responsiveness + lift)
            o.openness = min(1.0, o.openness + lift)

    def report(self, model) -> dict:
        return {"evaluations": len(self.scores), "first_score": self.scores[0] if self.scores else None,
                "last_score": self.scores[-1] if self.scores else None}
