"""Community building in six steps (Chengdu, docs/cases.md §Chengdu). The case's steps are (1) draw
residents out with activities and spot active ones, (2) empower them into leaders of
self-organisations, (3) turn hobby groups public-good, (4) public-spirit education through collective
action, (5) use a leverage point, (6) build a multi-party platform; here its step 2 is two
(``empower``, ``organise``). Each has its own schedule; by default they run one after another, a
quarter each, and the platform stays:

1. ``activities`` (weeks 1-12, every 2 weeks): residents of the target are drawn out by community
   activities, each attending with probability ``attendance`` x interest; attending raises interest
   by ``interest_gain``. Residents who attended at least ``spot_after`` activities and whose interest
   is at least ``spot_interest`` are **spotted** as active, public-spirited residents.
2. ``empower`` (weeks 13-24, every 4): up to ``per_round`` spotted non-leaders, most interested
   first, are trained (capacity += ``capacity_gain``, efficacy += ``efficacy_gain``, clipped to 1)
   and become leaders (:func:`sim.leadership.promote`). Without step 1 nobody is spotted.
3. ``organise`` (weeks 25-36, every 4): every leader empowered by step 2 who has no organisation
   founds a hobby group (elders' club, children's group, garden group), joined by up to
   ``seed_members`` activity regulars of the leader's courtyard who belong to none.
4. ``convert`` (weeks 37-48, every 4): each hobby group of the target with at least ``min_size``
   members and a leader turns public-good with probability ``chance`` (courtyard self-governance,
   safety, mutual aid, waste sorting).
5. ``education`` (weeks 49-60, every 4): public-spirit education through the collective action of
   the public-good groups: members' efficacy += ``efficacy_gain``; each free-rider member becomes a
   conditional cooperator with probability ``cooperation_shift`` (Fischbacher, Gächter & Fehr 2001).
6. ``leverage`` (weeks 61-72, every 4): a leverage point (the case's six kinds: services for
   vulnerable groups, managing a public affair, public space, environment, local economy, culture):
   when no issue of ``kind`` is open, the community puts one on its agenda, raised by the leader of
   the largest public-good group, and the public-good groups' members take it up as their own
   (stake 1), so they come to deliberate it.
7. ``platform`` (from week 73): a multi-party deliberation platform with community compacts. While
   in force, facilitation in meetings is at least ``facilitation`` (moderation by the compact's
   rules; ``model.deliberation_rules.facilitation``, back to the configured value after it ends);
   when it opens, cadres' and the street office's openness rise to at least ``openness``.

A step acts on a week its own schedule fires (the platform: is active) while the programme's
``schedule`` is active. ``target`` (all, or courtyards) bounds whom steps 1, 4 and 5 reach.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.agents import Leader, Organisation, Purpose
from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, TargetConfig, select_target
from sim.issues import raise_issue
from sim.leadership import promote
from sim.schema import ConfigError, param, probability
from sim.provenance import assumed
from sim.state import CooperationType
from sim.streams import fold

# the source of several parameters below
STEPS_GUESS = assumed("the case gives the six steps in order, not their timing or effects")


@dataclass
class ActivitiesStep:
    schedule: ScheduleConfig = param(ScheduleConfig(start=1, end=12, period=2), source=STEPS_GUESS)
    attendance: float = probability(0.5, "chance to attend = attendance x interest", source=STEPS_GUESS)
    interest_gain: float = probability(0.02, "rise in interest per activity attended", source=STEPS_GUESS)
    spot_after: int = param(3, lo=1, doc="activities attended before a resident is spotted", source=STEPS_GUESS)
    spot_interest: float = probability(0.4, "interest needed to be spotted", source=STEPS_GUESS)


@dataclass
class EmpowerStep:
    schedule: ScheduleConfig = param(ScheduleConfig(start=13, end=24, period=4), source=STEPS_GUESS)
    per_round: int = param(5, lo=0, doc="spotted residents trained into leaders each round", source=STEPS_GUESS)
    capacity_gain: float = probability(0.3, "rise in capacity (organising, project, fund skills)", source=STEPS_GUESS)
    efficacy_gain: float = probability(0.15, "rise in efficacy", source=STEPS_GUESS)


@dataclass
class OrganiseStep:
    schedule: ScheduleConfig = param(ScheduleConfig(start=25, end=36, period=4), source=STEPS_GUESS)
    seed_members: int = param(5, lo=0, doc="activity regulars who join a new group", source=STEPS_GUESS)


@dataclass
class ConvertStep:
    schedule: ScheduleConfig = param(ScheduleConfig(start=37, end=48, period=4), source=STEPS_GUESS)
    chance: float = probability(0.3, "chance a hobby group turns public-good each round", source=STEPS_GUESS)
    min_size: int = param(3, lo=1, doc="members a hobby group needs to convert", source=STEPS_GUESS)


@dataclass
class EducationStep:
    schedule: ScheduleConfig = param(ScheduleConfig(start=49, end=60, period=4), source=STEPS_GUESS)
    efficacy_gain: float = probability(0.05, "members' rise in efficacy per round", source=STEPS_GUESS)
    cooperation_shift: float = probability(0.2, "chance a free-rider member turns conditional cooperator", source=STEPS_GUESS)


@dataclass
class LeverageStep:
    schedule: ScheduleConfig = param(ScheduleConfig(start=61, end=72, period=4), source=STEPS_GUESS)
    kind: str = param("elderly_care", doc="issue kind of the leverage point (issues.kinds)", source=assumed("services for vulnerable groups, the first of the case's six kinds of leverage point"))


@dataclass
class PlatformStep:
    schedule: ScheduleConfig = param(ScheduleConfig(start=73), source=STEPS_GUESS)
    facilitation: float = probability(0.8, "least facilitation in meetings while in force", source=STEPS_GUESS)
    openness: float = probability(0.7, "least openness of officials once it opens", source=STEPS_GUESS)


STEPS = ("activities", "empower", "organise", "convert", "education", "leverage", "platform")


@dataclass
class SixStepsParams(InterventionParams):
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    activities: ActivitiesStep = param(ActivitiesStep())
    empower: EmpowerStep = param(EmpowerStep())
    organise: OrganiseStep = param(OrganiseStep())
    convert: ConvertStep = param(ConvertStep())
    education: EducationStep = param(EducationStep())
    leverage: LeverageStep = param(LeverageStep())
    platform: PlatformStep = param(PlatformStep())

    def check(self, key, cfg) -> None:
        super().check(key, cfg)
        if self.leverage.kind not in cfg.issues.kinds:
            raise ConfigError(f"{key}.leverage.kind", self.leverage.kind, "allowed: the issue kinds "
                              + ", ".join(cfg.issues.kinds))
        for name in STEPS:
            s = getattr(self, name).schedule
            if s.end is not None and s.end < s.start:
                raise ConfigError(f"{key}.{name}.schedule.end", s.end, f"must be >= schedule.start ({s.start})")


class SixSteps(Intervention):
    name = "six_steps"
    label = {"en": "Community building in six steps", "zh": "社区营造六步法"}
    about = {"en": "Activities, empowered leaders, self-organisations, public-good groups, public spirit, a leverage point, a platform",
             "zh": "活动、赋能骨干、自组织、公益转型、公共精神、撬动点、协商平台"}
    Params = SixStepsParams
    allowed_targets = ("all", "courtyards")

    def __init__(self, params: SixStepsParams):
        super().__init__(params)
        self.activity_count: np.ndarray | None = None
        self.empowered: list[Leader] = []
        self.log: list[tuple[str, int]] = []  # (step, week) each time a step acts
        self.counts = {"attendances": 0, "spotted": 0, "leaders_empowered": 0, "organisations_founded": 0,
                       "organisations_converted": 0, "members_educated": 0, "cooperators_gained": 0,
                       "leverage_points": 0}
        self.platform_open = False

    def step(self, model) -> None:
        if self.activity_count is None:
            self.activity_count = np.zeros(model.state.n, dtype=np.int64)
        week, p = model.steps, self.params
        in_force = self.schedule.active(week)
        for name in STEPS[:-1]:
            if in_force and getattr(p, name).schedule.fires(week):
                getattr(self, name)(model, select_target(model, p.target, self.streams).rows)
                self.log.append((name, week))
        platform = in_force and p.platform.schedule.active(week)
        if platform:
            self.open_platform(model)
            self.log.append(("platform", week))
        rules = model.deliberation_rules
        configured = model.config.deliberation.facilitation
        rules.facilitation = max(configured, p.platform.facilitation) if platform else configured

    # -- the steps --------------------------------------------------------------------------------
    def spotted(self, model) -> np.ndarray:
        a = self.params.activities
        s = model.state
        return np.flatnonzero((self.activity_count >= a.spot_after) & (s.interest >= a.spot_interest))

    def activities(self, model, rows: np.ndarray) -> None:
        a, s = self.params.activities, model.state
        came = rows[self.streams.uniform("activities", rows) < a.attendance * s.interest[rows]]
        self.activity_count[came] += 1
        s.interest[came] = np.minimum(1.0, s.interest[came] + a.interest_gain)
        self.counts["attendances"] += len(came)
        self.counts["spotted"] = len(self.spotted(model))

    def empower(self, model, rows: np.ndarray) -> None:
        e, s = self.params.empower, model.state
        pool = self.spotted(model)
        pool = pool[~s.is_leader[pool]]
        chosen = np.sort(pool[np.argsort(-s.interest[pool], kind="stable")[: e.per_round]])
        s.capacity[chosen] = np.minimum(1.0, s.capacity[chosen] + e.capacity_gain)
        s.efficacy[chosen] = np.minimum(1.0, s.efficacy[chosen] + e.efficacy_gain)
        self.empowered += promote(model, chosen)
        self.counts["leaders_empowered"] += len(chosen)

    def organise(self, model, rows: np.ndarray) -> None:
        seed, s = self.params.organise.seed_members, model.state
        for leader in self.empowered:
            idx = leader.resident.idx
            if leader.organisation is not None or s.organisation[idx] >= 0 or not s.is_leader[idx]:
                continue
            org = Organisation(model, leader, Purpose.RECREATIONAL)
            regulars = np.flatnonzero((self.activity_count > 0) & (s.organisation < 0)
                                      & (s.courtyard == s.courtyard[idx]))
            s.organisation[regulars[:seed]] = org.org_id
            self.counts["organisations_founded"] += 1

    def convert(self, model, rows: np.ndarray) -> None:
        c = self.params.convert
        reached = np.zeros(model.n_courtyards, dtype=bool)
        reached[np.unique(model.state.courtyard[rows])] = True
        for org in model.organisations():
            if (org.purpose is Purpose.RECREATIONAL and org.leader is not None and reached[org.courtyard]
                    and len(org.members) >= c.min_size
                    and self.streams.uniform_one("convert", org.stream_key) < c.chance):
                org.purpose = Purpose.PUBLIC_GOOD
                self.counts["organisations_converted"] += 1

    def education(self, model, rows: np.ndarray) -> None:
        e, s = self.params.education, model.state
        members = rows[model.public_good_member()[rows]]
        s.efficacy[members] = np.minimum(1.0, s.efficacy[members] + e.efficacy_gain)
        free = members[s.cooperation[members] == CooperationType.FREE_RIDER]
        shift = free[self.streams.uniform("education", free) < e.cooperation_shift]
        s.cooperation[shift] = CooperationType.CONDITIONAL_COOPERATOR
        self.counts["members_educated"] += len(members)
        self.counts["cooperators_gained"] += len(shift)

    def leverage(self, model, rows: np.ndarray) -> None:
        kind, s = self.params.leverage.kind, model.state
        groups = [o for o in model.organisations() if o.purpose is Purpose.PUBLIC_GOOD and o.leader is not None]
        if not groups or any(i.kind == kind for i in model.open_issues()):
            return
        largest = max(groups, key=lambda o: (len(o.members), -o.org_id))
        issue = raise_issue(model, kind, stream_key=fold(model.steps, "leverage"),
                            courtyards=np.array([largest.courtyard]))
        issue.raised_by = int(largest.leader.resident.idx)
        members = issue.touched[model.public_good_member()[issue.touched]]
        s.stake[members] = 1.0
        self.counts["leverage_points"] += 1

    def open_platform(self, model) -> None:
        if self.platform_open:
            return
        self.platform_open = True
        for o in [*model.cadres, model.street_office]:
            o.openness = max(o.openness, self.params.platform.openness)

    def report(self, model) -> dict:
        first = {}
        for name, week in self.log:
            first.setdefault(name, week)
        return {**self.counts, **{f"{name}_first_week": first.get(name) for name in STEPS}}
