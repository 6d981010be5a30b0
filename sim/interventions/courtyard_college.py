"""Courtyard governance college (Qingyang district, Chengdu, 2018; docs/cases.md §Training): the courtyard
is the "cell", its resident backbones the "nucleus". Backbones are trained in three tiers and
then run a micro-project practicum with supervisors and social workers.

* **Intake** (each time the schedule fires, yearly by default): in every courtyard of the target,
  ``backbones_per_courtyard`` residents not trained by the college before: leaders first (most
  influential first), then the residents with the highest interest x capacity.
* **Tiers**, in order, on the weeks after intake set in ``tiers``: general literacy, participation
  skills, governance skills. A trainee attends each session with probability ``attendance``; one
  who misses a tier drops out. Attending a tier adds its ``efficacy_gain`` and ``capacity_gain``
  (clipped to 1); the gains fade by ``fade`` of what remains each week, as in empowerment training
  (:mod:`sim.interventions.empowerment_training`). Graduates of governance skills who are not
  leaders become leaders (:func:`sim.leadership.promote`).
* **Practicum** (``practicum_week`` after intake; null: none): each graduate runs a micro-project
  in their courtyard, supervised, succeeding with probability min(1, capacity + ``supervision``).
  A success turns the graduate's hobby group public-good, or, if they belong to no group, founds a
  public-good group (courtyard self-governance); up to ``project_volunteers`` neighbours of the
  courtyard who belong to no group join it, most interested first; the courtyard's residents'
  satisfaction rises by
  ``project_satisfaction_gain``; the graduate learns from an adopted outcome (payoff 1), a failure
  from payoff 0 (:func:`sim.attitudes.learn`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.agents import Organisation, Purpose
from sim.attitudes import learn
from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, Target, TargetConfig, select_target
from sim.interventions.empowerment_training import Cohort, add_to_trainees
from sim.leadership import promote
from sim.schema import ConfigError, param, probability
from sim.provenance import TRAINING_GAIN, assumed

# the source of several parameters below
TIERS_GUESS = assumed("weeks and gains of the three tiers are guesses: the case names the tiers, not their timing or effect")


@dataclass
class Tier:
    week: int = param(0, lo=0, doc="week after intake", source=assumed("week of a tier"))
    efficacy_gain: float = probability(0.0, "rise in efficacy", source=assumed("no gain"))
    capacity_gain: float = probability(0.0, "rise in capacity", source=assumed("no gain"))


@dataclass
class Tiers:
    general_literacy: Tier = param(Tier(0, 0.10, 0.05), source=TIERS_GUESS)
    participation_skills: Tier = param(Tier(4, 0.05, 0.15), source=TIERS_GUESS)
    governance_skills: Tier = param(Tier(8, 0.05, 0.15), source=TIERS_GUESS)

    def in_order(self) -> list[tuple[str, Tier]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


@dataclass
class CourtyardCollegeParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=13, period=52), source=assumed("a yearly intake from the end of the first quarter"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("every courtyard"))
    backbones_per_courtyard: int = param(2, lo=1, doc="trainees per courtyard and intake", source=assumed("a couple of backbones per courtyard; the case gives no number"))
    tiers: Tiers = param(Tiers(), source=assumed("the three tiers of the case (training.qingyang_tiers)"))
    attendance: float = probability(0.9, "chance a trainee attends a tier (missing one drops out)", source=assumed("most trainees attend"))
    fade: float = probability(0.01, "share of the remaining gain lost each week", source=TRAINING_GAIN)
    practicum_week: int | None = param(12, lo=0, doc="week after intake of the micro-project (null: none)", source=assumed("the practicum follows the last tier"))
    supervision: float = probability(0.3, "supervisors' and social workers' lift to a project's success", source=assumed("supervisors and social workers lift a project's success; size not measured"))
    project_volunteers: int = param(5, lo=0, doc="neighbours who join the graduate's group through a project", source=assumed("a handful of neighbours join"))
    project_satisfaction_gain: float = probability(0.05, "courtyard residents' satisfaction gain", source=assumed("small gain per project"))

    def check(self, key, cfg) -> None:
        super().check(key, cfg)
        weeks = [t.week for _, t in self.tiers.in_order()]
        for (name, tier), previous in zip(self.tiers.in_order()[1:], weeks):
            if tier.week <= previous:
                raise ConfigError(f"{key}.tiers.{name}.week", tier.week, f"must be later than the tier before ({previous})")
        if self.practicum_week is not None and self.practicum_week <= weeks[-1]:
            raise ConfigError(f"{key}.practicum_week", self.practicum_week,
                              f"must be later than the last tier ({weeks[-1]})")


@dataclass
class Intake:
    step: int
    enrolled: int
    active: np.ndarray  # trainees still in the course
    completed: list  # trainees who attended each tier so far


class CourtyardCollege(Intervention):
    name = "courtyard_college"
    label = {"en": "Courtyard governance college", "zh": "院落治理学院"}
    about = {"en": "Backbones of each courtyard trained in three tiers, then a micro-project practicum",
             "zh": "各院落骨干接受三级培训，然后进行微项目实践"}
    Params = CourtyardCollegeParams
    allowed_targets = ("all", "courtyards")

    def __init__(self, params: CourtyardCollegeParams):
        super().__init__(params)
        self.intakes: list[Intake] = []
        self.cohorts: list[Cohort] = []
        self.trained: np.ndarray | None = None
        self.log: list[tuple[str, int]] = []  # (tier, week) of each session
        self.counts = {"leaders_made": 0, "projects": 0, "projects_succeeded": 0,
                       "public_good_groups_from_projects": 0}

    def step(self, model) -> None:
        for cohort in self.cohorts:
            cohort.gains = cohort.gains + add_to_trainees(model, cohort, -cohort.gains * self.params.fade)
        if self.schedule.fires(model.steps):
            self.apply(model, select_target(model, self.params.target, self.streams))
        for intake in self.intakes:
            week = model.steps - intake.step
            for k, (name, tier) in enumerate(self.params.tiers.in_order()):
                if week == tier.week:
                    self.session(model, intake, k, name, tier)
            if week == self.params.practicum_week:
                self.practicum(model, intake)

    def apply(self, model, target: Target) -> None:
        """A new intake of backbones."""
        s = model.state
        if self.trained is None:
            self.trained = np.zeros(s.n, dtype=bool)
        chosen = []
        for c in np.unique(s.courtyard[target.rows]):
            rows = model.residents_of(np.array([c]))
            rows = rows[~self.trained[rows]]
            score = np.where(s.is_leader[rows], 2.0 + s.influence[rows], s.interest[rows] * s.capacity[rows])
            chosen.append(rows[np.argsort(-score, kind="stable")[: self.params.backbones_per_courtyard]])
        rows = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
        self.trained[rows] = True
        self.intakes.append(Intake(model.steps, len(rows), rows, []))

    def session(self, model, intake: Intake, k: int, name: str, tier: Tier) -> None:
        came = intake.active[self.streams.uniform("attend", intake.active, name) < self.params.attendance]
        intake.active = came
        intake.completed.append(len(came))
        self.log.append((name, model.steps))
        cohort = Cohort(model.steps, came, [], pre=np.zeros(0))
        cohort.gains = add_to_trainees(model, cohort, np.tile((tier.efficacy_gain, tier.capacity_gain), (len(came), 1)))
        self.cohorts.append(cohort)
        if k == len(self.params.tiers.in_order()) - 1:
            new = came[~model.state.is_leader[came]]
            promote(model, new)
            self.counts["leaders_made"] += len(new)

    def practicum(self, model, intake: Intake) -> None:
        p, s = self.params, model.state
        graduates = intake.active
        success = self.streams.uniform("practicum", graduates) < np.minimum(1.0, s.capacity[graduates] + p.supervision)
        for row in graduates[success]:
            org = model.organisations_by_id.get(int(s.organisation[row]))
            resident = model.residents[int(row)]
            if org is None and resident.leader is not None and resident.leader.organisation is None:
                org = Organisation(model, resident.leader, Purpose.PUBLIC_GOOD)
                self.counts["public_good_groups_from_projects"] += 1
            elif org is not None and org.purpose is Purpose.RECREATIONAL:
                org.purpose = Purpose.PUBLIC_GOOD
                self.counts["public_good_groups_from_projects"] += 1
            yard = model.residents_of(np.array([s.courtyard[row]]))
            if org is not None:
                free = yard[s.organisation[yard] < 0]
                s.organisation[free[np.argsort(-s.interest[free], kind="stable")[: p.project_volunteers]]] = org.org_id
            s.satisfaction[yard] = np.minimum(1.0, s.satisfaction[yard] + p.project_satisfaction_gain)
        n = len(graduates)
        learn(model, graduates, success.astype(float), np.ones(n), np.ones(n), attended=True)
        self.counts["projects"] += n
        self.counts["projects_succeeded"] += int(success.sum())

    def report(self, model) -> dict:
        names = [name for name, _ in self.params.tiers.in_order()]
        completed = np.zeros(len(names), dtype=np.int64)
        for intake in self.intakes:
            completed[: len(intake.completed)] += intake.completed
        return {
            "intakes": len(self.intakes),
            "trainees": sum(i.enrolled for i in self.intakes),
            **{f"completed_{name}": int(c) for name, c in zip(names, completed)},
            **self.counts,
        }
