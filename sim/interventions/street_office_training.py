"""Training of the street office (Gulou: all 13 street offices were trained on 11 July 2015, the
controls' streets included; docs/cases.md §Gulou).

On the step the schedule fires, the street office above the community (the official deciding
community-wide issues) gains ``openness_gain`` in openness and ``responsiveness_gain`` in
responsiveness (clipped to 1); the gain fades by ``fade`` of what remains each week, as in
:mod:`sim.interventions.empowerment_training`. An experiment with interference switched on gives
this training to every community of the district, treated or not
(:mod:`sim.experiments.interference`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions.base import InterventionParams, ScheduleConfig, Target, TargetConfig
from sim.interventions.empowerment_training import EmpowermentTraining
from sim.provenance import TRAINING_GAIN, assumed
from sim.schema import param, probability


@dataclass
class StreetOfficeTrainingParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=1), source=assumed("once, in the first week unless set"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the community's street office"))
    openness_gain: float = probability(0.2, "rise in the street office's openness", source=TRAINING_GAIN)
    responsiveness_gain: float = probability(0.15, "rise in the street office's responsiveness", source=TRAINING_GAIN)
    fade: float = probability(0.03, "share of the remaining gain lost each step", source=TRAINING_GAIN)
    questionnaire_noise: float = param(0.1, lo=0.0, doc="sd of answer noise on the latent scale", source=assumed("the case gives no questionnaire; answer noise is a guess"))


class StreetOfficeTraining(EmpowermentTraining):
    name = "street_office_training"
    label = {"en": "Street-office training", "zh": "街道培训"}
    about = {"en": "The district trains the street office above the community",
             "zh": "区里培训社区所在的街道"}
    Params = StreetOfficeTrainingParams
    allowed_targets = ("all",)

    def apply(self, model, target: Target) -> None:
        self.train(model, np.zeros(0, dtype=np.int64), [model.street_office],
                   (self.params.openness_gain, self.params.responsiveness_gain))
