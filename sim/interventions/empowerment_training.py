"""Empowerment training of residents, leaders or officials (docs/cases.md §Training).

On each step the schedule fires, ``target`` trainees are trained at once (a course):

* residents and leaders: capacity += capacity_gain, efficacy += efficacy_gain (clipped to 1);
* officials: openness += openness_gain, responsiveness += responsiveness_gain.

Training effects are real but modest and fade (civic-leadership training in the Philippines;
GoBifo): each later step (1 - fade) of what remains of a trainee's gain is kept and the rest is
taken off the attribute again (clipped to [0, 1]; the remaining gain is reduced by what was
actually taken off, so it decays as (1 - fade)^k unless the attribute hits 0). A questionnaire like the UNESCO MOST course's is
administered before and after the course and at the end of the run: per trainee the mean of
two 5-point items, round(1 + 4 * (latent + noise)) clipped to 1..5, on efficacy and capacity
(openness and responsiveness for officials).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, Target, TargetConfig
from sim.schema import param, probability
from sim.provenance import TRAINING_GAIN, assumed


@dataclass
class EmpowermentTrainingParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=13), source=assumed("once, at the end of the first quarter"))
    target: TargetConfig = param(TargetConfig(kind="residents", count=30), source=assumed("30 residents, as many as the MOST course's 30 trainees (training.most_trainees), though those came from across Chengdu"))
    capacity_gain: float = probability(0.3, "rise in capacity right after the course", source=TRAINING_GAIN)
    efficacy_gain: float = probability(0.15, "rise in efficacy right after the course", source=TRAINING_GAIN)
    openness_gain: float = probability(0.2, "officials: rise in openness to deliberation", source=TRAINING_GAIN)
    responsiveness_gain: float = probability(0.15, "officials: rise in responsiveness", source=TRAINING_GAIN)
    fade: float = probability(0.03, "share of the remaining gain lost each step", source=TRAINING_GAIN)
    questionnaire_noise: float = param(0.1, lo=0.0, doc="sd of answer noise on the latent scale", source=assumed("the case gives no questionnaire items or results; answer noise is a guess"))


@dataclass
class Cohort:
    """One course: who was trained, their questionnaire scores, and what remains of their gain."""

    step: int
    rows: np.ndarray
    officials: list
    pre: np.ndarray
    post: np.ndarray = field(default_factory=lambda: np.zeros(0))
    initial_gain: float = 0.0
    gains: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))


def latent_scores(model, cohort: Cohort) -> np.ndarray:
    """The two attributes a course raises, one row per trainee."""
    if cohort.officials:
        return np.array([[o.openness, o.responsiveness] for o in cohort.officials]).reshape(-1, 2)
    s = model.state
    return np.column_stack([s.efficacy[cohort.rows], s.capacity[cohort.rows]])


def add_to_trainees(model, cohort: Cohort, delta: np.ndarray) -> np.ndarray:
    """Add ``delta`` (clipped to [0, 1]); returns what was actually added."""
    before = latent_scores(model, cohort)
    after = np.clip(before + delta, 0, 1)
    if cohort.officials:
        for o, (openness, responsiveness) in zip(cohort.officials, after):
            o.openness, o.responsiveness = float(openness), float(responsiveness)
    else:
        model.state.efficacy[cohort.rows] = after[:, 0]
        model.state.capacity[cohort.rows] = after[:, 1]
    return after - before


class EmpowermentTraining(Intervention):
    name = "empowerment_training"
    label = {"en": "Empowerment training", "zh": "赋能培训"}
    about = {"en": "Courses raise trainees' skills and efficacy; the gains fade",
             "zh": "培训提升学员的能力和效能感；效果会逐渐减弱"}
    Params = EmpowermentTrainingParams

    def __init__(self, params: EmpowermentTrainingParams):
        super().__init__(params)
        self.cohorts: list[Cohort] = []
        self.waves = 0  # questionnaires given so far: each wave draws its own measurement stream

    def measurement(self, site: str) -> np.random.Generator:
        """A stream for measuring only (never read by a rule), so measuring never changes the run."""
        self.waves += 1
        return self.streams.child("measurement").generator(site, self.waves)

    def questionnaire(self, model, cohort: Cohort) -> np.ndarray:
        """Each trainee's mean score on two 5-point items (1 = strongly disagree ... 5)."""
        latent = latent_scores(model, cohort)
        noise = self.measurement("questionnaire").normal(0, self.params.questionnaire_noise, latent.shape)
        return np.clip(np.rint(1 + 4 * (latent + noise)), 1, 5).mean(axis=1)

    def step(self, model) -> None:
        for cohort in self.cohorts:  # earlier courses fade
            cohort.gains = cohort.gains + add_to_trainees(model, cohort, -cohort.gains * self.params.fade)
        super().step(model)

    def apply(self, model, target: Target) -> None:
        p = self.params
        gain = (p.openness_gain, p.responsiveness_gain) if target.officials else (p.efficacy_gain, p.capacity_gain)
        self.train(model, target.rows, target.officials, gain)

    def train(self, model, rows: np.ndarray, officials: list, gain: tuple[float, float]) -> Cohort:
        """One course for ``rows`` (residents) or ``officials``: questionnaire, the two gains
        (clipped to 1), questionnaire again; the cohort is kept so its gains fade."""
        cohort = Cohort(model.steps, rows, officials, pre=np.zeros(0))
        cohort.pre = self.questionnaire(model, cohort)
        cohort.gains = add_to_trainees(model, cohort, np.tile(gain, (len(cohort.pre), 1)))
        cohort.initial_gain = float(cohort.gains.sum())
        cohort.post = self.questionnaire(model, cohort)
        self.cohorts.append(cohort)
        return cohort

    def trainee_rows(self) -> np.ndarray:
        """Rows of every resident trained so far (officials excluded)."""
        rows = [c.rows for c in self.cohorts if not c.officials]
        return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)

    def report(self, model) -> dict:
        """Questionnaire means before, right after, and at the end of the run; gain remaining."""
        if not self.cohorts:
            return {"trained": 0, "courses": 0}
        pre = np.concatenate([c.pre for c in self.cohorts])
        post = np.concatenate([c.post for c in self.cohorts])
        follow = np.concatenate([self.questionnaire(model, c) for c in self.cohorts])
        initial = sum(c.initial_gain for c in self.cohorts)
        remaining = sum(float(c.gains.sum()) for c in self.cohorts)

        def mean(a):
            return float(a.mean()) if len(a) else None

        return {
            "trained": int(len(pre)),
            "courses": len(self.cohorts),
            "questionnaire_pre_mean": mean(pre),
            "questionnaire_post_mean": mean(post),
            "questionnaire_followup_mean": mean(follow),
            "gain_remaining_share": remaining / initial if initial > 0 else None,
        }
