"""The UNESCO MOST course (Chengdu, 2016; docs/cases.md §Training): a three-day course of lectures,
participatory training, role play and forum theatre for community cadres and staff of social
organisations, measured by questionnaires before and after and by observing participation.

On the step the schedule fires, ``cadres`` cadres (null: every cadre) and ``organisation_staff``
residents are trained together. Staff are taken, in this order, from the leaders of
organisations, other members of public-good then recreational organisations, other leaders, then
the residents with the highest capacity (lowest row first among equals). The course works as
empowerment training (:mod:`sim.interventions.empowerment_training`): cadres gain
``openness_gain`` and ``responsiveness_gain``, staff ``capacity_gain`` and ``efficacy_gain``
(clipped to 1); gains fade by ``fade`` of what remains each week; each group answers the
two-item 5-point questionnaire before, right after and at the end of the run.

**Observation during the course**: each trainee is seen taking an active part in the
participatory sessions with probability equal to the mean of their two raised attributes after
the course (drawn from the programme's measurement stream, so observing never changes the run).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents import Purpose
from sim.interventions.base import InterventionParams, ScheduleConfig, Target, TargetConfig
from sim.interventions.empowerment_training import Cohort, EmpowermentTraining, latent_scores
from sim.schema import ConfigError, param, probability
from sim.provenance import TRAINING_GAIN, assumed, case


@dataclass
class MostCourseParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=13), source=assumed("once, at the end of the first quarter"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    cadres: int | None = param(None, lo=0, doc="cadres trained (null: every cadre)", source=assumed("every cadre of the community; the course's 20 community managers (training.most_managers) came from across Chengdu, not one community"))
    organisation_staff: int = param(10, lo=0, doc="social-organisation staff trained", source=case("training.most_staff"))
    capacity_gain: float = probability(0.3, "staff: rise in capacity right after the course", source=TRAINING_GAIN)
    efficacy_gain: float = probability(0.15, "staff: rise in efficacy right after the course", source=TRAINING_GAIN)
    openness_gain: float = probability(0.2, "cadres: rise in openness to deliberation", source=TRAINING_GAIN)
    responsiveness_gain: float = probability(0.15, "cadres: rise in responsiveness", source=TRAINING_GAIN)
    fade: float = probability(0.03, "share of the remaining gain lost each step", source=TRAINING_GAIN)
    questionnaire_noise: float = param(0.1, lo=0.0, doc="sd of answer noise on the latent scale", source=assumed("the case gives no questionnaire items or results; answer noise is a guess"))

    def check(self, key, cfg) -> None:
        super().check(key, cfg)
        if self.cadres is not None and self.cadres > cfg.officials.n_cadres:
            raise ConfigError(f"{key}.cadres", self.cadres, f"must be <= officials.n_cadres ({cfg.officials.n_cadres})")
        if self.organisation_staff > cfg.community.n_residents:
            raise ConfigError(f"{key}.organisation_staff", self.organisation_staff,
                              f"must be <= community.n_residents ({cfg.community.n_residents})")


def organisation_staff(model, k: int) -> np.ndarray:
    """The ``k`` staff in the order of the module docstring."""
    s = model.state
    org_purpose = {o.org_id: o.purpose for o in model.organisations()}
    org_leader = np.zeros(s.n, dtype=bool)
    org_leader[[o.leader.resident.idx for o in model.organisations() if o.leader is not None]] = True
    public = np.array([org_purpose.get(int(g)) is Purpose.PUBLIC_GOOD for g in s.organisation])
    rank = np.select([org_leader, public, s.organisation >= 0, s.is_leader], [0, 1, 2, 3], default=4)
    order = np.lexsort((np.arange(s.n), -s.capacity, rank))
    return np.sort(order[:k])


class MostCourse(EmpowermentTraining):
    name = "most_course"
    label = {"en": "MOST course", "zh": "MOST 培训课程"}
    about = {"en": "A three-day course for cadres and social-organisation staff, with questionnaires before and after",
             "zh": "面向干部和社会组织人员的三天课程，课前课后问卷"}
    Params = MostCourseParams
    allowed_targets = ("all",)

    def __init__(self, params: MostCourseParams):
        super().__init__(params)
        self.groups: dict[str, list[Cohort]] = {"cadres": [], "staff": []}
        self.observed: dict[str, list[np.ndarray]] = {"cadres": [], "staff": []}

    def apply(self, model, target: Target) -> None:
        p = self.params
        cadres = model.cadres if p.cadres is None else model.cadres[: p.cadres]
        for group, rows, officials, gain in (
                ("cadres", np.zeros(0, dtype=np.int64), list(cadres), (p.openness_gain, p.responsiveness_gain)),
                ("staff", organisation_staff(model, p.organisation_staff), [], (p.efficacy_gain, p.capacity_gain))):
            if not officials and not len(rows):
                continue
            cohort = self.train(model, rows, officials, gain)
            latent = latent_scores(model, cohort).mean(axis=1)
            self.observed[group].append(self.measurement("observed").random(len(latent)) < latent)
            self.groups[group].append(cohort)

    def report(self, model) -> dict:
        """Courses held, trainees, questionnaire means (before, right after, end of run) overall and
        per group, the share observed taking an active part, and the share of the gain still in place."""
        out = {"courses": len({c.step for c in self.cohorts}), "trained": 0}
        scores = {"pre": [], "post": [], "followup": []}
        for group, cohorts in self.groups.items():
            if not cohorts:
                continue
            mine = {"pre": np.concatenate([c.pre for c in cohorts]),
                    "post": np.concatenate([c.post for c in cohorts]),
                    "followup": np.concatenate([self.questionnaire(model, c) for c in cohorts])}
            out[f"{group}_trained"] = len(mine["pre"])
            out["trained"] += len(mine["pre"])
            for when, values in mine.items():
                out[f"{group}_questionnaire_{when}_mean"] = float(values.mean())
                scores[when].append(values)
            out[f"{group}_observed_active_share"] = float(np.concatenate(self.observed[group]).mean())
        for when, values in scores.items():
            out[f"questionnaire_{when}_mean"] = float(np.concatenate(values).mean()) if values else None
        initial = sum(c.initial_gain for c in self.cohorts)
        out["gain_remaining_share"] = sum(float(c.gains.sum()) for c in self.cohorts) / initial if initial > 0 else None
        return out
