"""Community public fund with the nine-step resident procedure (Chengdu, docs/cases.md §Chengdu).

Each time the schedule fires a **fund year** opens with a budget of
``budget_per_100_households`` x households / 100 yuan (urban Chengdu: at least 3,000, later
4,000 yuan per 100 households a year). The nine steps follow on the weeks of the year set in
``procedure`` (each with a time cost relative to a meeting, ``cost``, and the share of the invited
who must take part for the step to carry through, ``min_turnout``):

====================  =====================================  ============================
step                  invited                                rung of those taking part
====================  =====================================  ============================
1 publicise           every resident (reads the notice:      3 informing (readers are
                      probability = interest, no cost)       not counted as participants)
2 collect proposals   household representatives: one         4 consultation
                      household, one ballot naming an area
3 sort and discuss    leaders and council members            4 consultation
4 council vote and    council members, with the duty of      7 delegated power: the
  publish             office r = ``council_duty``;           residents' body decides how
                      ``min_turnout`` is the quorum          the fund is spent
5 hearing             every resident                         4 consultation
6 implement           organisation members (volunteers)      -
7 supervise           residents who cast a ballot            4 consultation
8 evaluate            household representatives              4 consultation
9 archive             nobody (the residents' committee)      -
====================  =====================================  ============================

Residents decide to take part as on a deliberation day (:func:`sim.interventions.procedures.take_part`)
with the step's ``cost`` as cost factor and the fund as a stake of ``fund_stake``; the time spent,
sum of time_cost x cost over participants, is reported. A step short of its ``min_turnout`` stalls
the year: no later step happens, money not yet spent stays unspent, and the year's participants learn
from an outcome of 0 with no response (:func:`sim.attitudes.learn`). Carried through to the archive,
they learn from an adopted outcome (payoff 1, responded, procedure 1): efficacy rises toward 1.

**Ballots**: a representative whose current issue is of a kind in ``issue_areas`` names that area;
otherwise a member of a public-good organisation names ``self_organisations``, of a recreational one
``culture_sport``; anyone else draws an area with probability proportional to ``area_weights``.
The vote allocates the budget to the six areas in proportion to ballots (to ``area_weights`` if
no ballot was cast).

**Implementation** (spent at the implement week; the fund never spends more than an area's
allocation, and allocations sum to the budget):

* ``self_organisations`` to every organisation, ``volunteering`` to public-good ones,
  ``culture_sport`` to recreational ones (any organisation if none of that purpose), split by
  members, into the organisation's ``funds``. Each week an organisation with funds >= ``action_cost``
  spends that on a **collective action**: its capacity += ``action_capacity_gain``, its members'
  efficacy += ``action_efficacy_gain`` (clipped to 1). With no organisation the money stays unspent.
* ``facility_repair`` and ``environment`` pay works of ``works_cost`` each: first the open issues of
  that area (by ``issue_areas``), oldest first, which close as decided through the fund (rung 7; the
  touched residents read the result and learn from an adopted outcome); the remaining works improve
  the courtyards whose households named the area most: their residents' satisfaction +=
  ``works_satisfaction_gain``. Money short of one more work stays unspent.
* ``education_training`` pays courses of ``training_cost`` per trainee, drawn among the year's
  participants (anyone if too few): capacity += ``training_capacity_gain``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import numpy as np

from sim.agents import Purpose
from sim.attitudes import learn
from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, TargetConfig
from sim.interventions.procedures import publish, raise_rungs, take_part
from sim.issues import close_issue
from sim.ladder import Rung
from sim.schema import ConfigError, param, probability
from sim.provenance import assumed, case

# the source of several parameters below
PROCEDURE_GUESS = assumed("weeks, costs and least turnouts of the nine steps are guesses: the case gives the order only")

if TYPE_CHECKING:
    from sim.config import ModelConfig
    from sim.model import CommunityModel

AREAS = ("self_organisations", "volunteering", "facility_repair", "culture_sport", "education_training",
         "environment")
ORGANISATION_AREAS = {"self_organisations": None, "volunteering": Purpose.PUBLIC_GOOD,
                      "culture_sport": Purpose.RECREATIONAL}
WORKS_AREAS = ("facility_repair", "environment")
DEFAULT_ISSUE_AREAS = {"parking": "facility_repair", "facility_repair": "facility_repair",
                       "environment": "environment", "safety": "volunteering", "elderly_care": "volunteering",
                       "development_plan": "education_training"}


@dataclass
class ProcedureStep:
    week: int = param(0, lo=0, doc="week of the fund year (0 = the week it opens)", source=assumed("a step's week within the fund year"))
    cost: float = param(1.0, lo=0.0, doc="time cost relative to attending a meeting", source=assumed("a step costs as much as a meeting"))
    min_turnout: float = probability(0.0, "share of the invited needed to carry the step through", source=assumed("no least turnout"))


@dataclass
class NineSteps:
    """The Chengdu procedure, in order."""

    publicise: ProcedureStep = param(ProcedureStep(0, 0.0, 0.0), source=assumed("the year opens with the notice, read at no cost"))
    collect_proposals: ProcedureStep = param(ProcedureStep(2, 0.3, 0.1), source=PROCEDURE_GUESS)
    sort_and_discuss: ProcedureStep = param(ProcedureStep(4, 1.0, 0.05), source=PROCEDURE_GUESS)
    council_vote: ProcedureStep = param(ProcedureStep(6, 1.0, 0.8), source=assumed("week and cost are guesses"), sources={"min_turnout": case("chengdu.quorum")})
    hearing: ProcedureStep = param(ProcedureStep(8, 1.0, 0.0), source=PROCEDURE_GUESS)
    implement: ProcedureStep = param(ProcedureStep(10, 0.5, 0.0), source=PROCEDURE_GUESS)
    supervise: ProcedureStep = param(ProcedureStep(30, 0.5, 0.0), source=PROCEDURE_GUESS)
    evaluate: ProcedureStep = param(ProcedureStep(46, 0.3, 0.05), source=PROCEDURE_GUESS)
    archive: ProcedureStep = param(ProcedureStep(50, 0.0, 0.0), source=assumed("the year closes before the next opens"))

    def in_order(self) -> list[tuple[str, ProcedureStep]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


@dataclass
class CommunityPublicFundParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=1, period=52), source=assumed("a fund year every 52 weeks: the case's budgets are yearly"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    budget_per_100_households: float = param(4000.0, lo=0.0, doc="yuan a year per 100 households", source=case("chengdu.fund_urban"))
    procedure: NineSteps = param(NineSteps())
    fund_stake: float = probability(0.5, "what the fund is worth to a resident (stake)", source=assumed("the fund matters to a resident half as much as their own issue"))
    council_duty: float = param(3.0, lo=0.0, doc="council members' duty at the vote (r of the participation formula)", source=assumed("the duty of office outweighs a resident's duty several times"))
    area_weights: dict[str, float] = param({a: 1.0 for a in AREAS}, choices=AREAS,
                                           doc="ballot weights of households without a need", source=assumed("the six areas equally likely without a need"))
    issue_areas: dict[str, str] = param(dict(DEFAULT_ISSUE_AREAS), doc="issue kind -> area it asks for", source=assumed("each issue kind asks for the area that pays for it"))
    action_cost: float = param(500.0, lo=0.0, lo_open=True, doc="yuan of one collective action", source=assumed("prices are guesses: the case gives budgets, not prices"))
    action_capacity_gain: float = probability(0.1, "organisation capacity gained by an action", source=assumed("small gains per action"))
    action_efficacy_gain: float = probability(0.02, "members' efficacy gained by an action", source=assumed("small gains per action"))
    works_cost: float = param(2000.0, lo=0.0, lo_open=True, doc="yuan of one repair or environment work", source=assumed("prices are guesses: the case gives budgets, not prices"))
    works_satisfaction_gain: float = probability(0.05, "courtyard residents' satisfaction gain", source=assumed("small gains per work"))
    training_cost: float = param(200.0, lo=0.0, lo_open=True, doc="yuan per trainee", source=assumed("prices are guesses: the case gives budgets, not prices"))
    training_capacity_gain: float = probability(0.05, "trainee's capacity gain", source=assumed("small gains per course"))

    def check(self, key: str, cfg: ModelConfig) -> None:
        super().check(key, cfg)
        weeks = [s.week for _, s in self.procedure.in_order()]
        for (name, step), previous in zip(self.procedure.in_order()[1:], weeks):
            if step.week <= previous:
                raise ConfigError(f"{key}.procedure.{name}.week", step.week,
                                  f"must be later than the step before ({previous})")
        if self.schedule.period is not None and weeks[-1] >= self.schedule.period:
            raise ConfigError(f"{key}.procedure.archive.week", weeks[-1],
                              f"must be < schedule.period ({self.schedule.period}): a year ends before the next")
        if sum(self.area_weights.values()) <= 0:
            raise ConfigError(f"{key}.area_weights", self.area_weights, "at least one weight must be > 0")
        if any(w < 0 for w in self.area_weights.values()):
            raise ConfigError(f"{key}.area_weights", self.area_weights, "weights must be >= 0")
        for kind, area in self.issue_areas.items():
            if area not in AREAS:
                raise ConfigError(f"{key}.issue_areas.{kind}", area, "allowed: " + ", ".join(AREAS))


@dataclass
class FundYear:
    opened: int
    budget: float
    allocation: np.ndarray  # yuan per area (AREAS order)
    spent: np.ndarray
    ballots: np.ndarray  # ballots per area
    ballot_rows: np.ndarray  # representatives who cast a ballot
    ballot_area: np.ndarray  # area index per ballot
    participants: set
    reached: str = "opened"  # last step carried through
    stalled: bool = False
    turnout: dict = field(default_factory=dict)  # step -> share of the invited who took part


class CommunityPublicFund(Intervention):
    name = "community_public_fund"
    label = {"en": "Community public fund", "zh": "社区公益金"}
    about = {"en": "A yearly budget residents spend through a proposal-and-vote procedure",
             "zh": "居民通过提案和表决程序使用的年度预算"}
    Params = CommunityPublicFundParams
    allowed_targets = ("all",)

    def __init__(self, params: CommunityPublicFundParams):
        super().__init__(params)
        self.years: list[FundYear] = []
        self.actions = 0
        self.issues_resolved = 0
        self.courtyard_works = 0
        self.trainees = 0
        self.time_spent = 0.0

    # -- the programme --------------------------------------------------------------------------
    def step(self, model: CommunityModel) -> None:
        if self.schedule.fires(model.steps):
            households = len(np.unique(model.state.household))
            budget = self.params.budget_per_100_households * households / 100
            self.years.append(FundYear(model.steps, budget, np.zeros(len(AREAS)), np.zeros(len(AREAS)),
                                       np.zeros(len(AREAS), dtype=np.int64), np.zeros(0, dtype=np.int64),
                                       np.zeros(0, dtype=np.int64), set()))
        if self.years and not self.years[-1].stalled:
            year = self.years[-1]
            for name, spec in self.params.procedure.in_order():
                if model.steps - year.opened == spec.week:
                    self.procedure_step(model, year, name, spec)
        self.collective_action(model)

    # -- the nine steps ----------------------------------------------------------------------------
    def invited(self, model: CommunityModel, name: str, year: FundYear) -> np.ndarray:
        s = model.state
        if name in ("collect_proposals", "evaluate"):
            return np.flatnonzero(model.household_representative)
        if name == "sort_and_discuss":
            return np.flatnonzero(s.is_leader | model.council_member)
        if name == "council_vote":
            return np.flatnonzero(model.council_member)
        if name == "hearing":
            return np.arange(s.n)
        if name == "implement":
            return np.flatnonzero(s.organisation >= 0)
        if name == "supervise":
            return year.ballot_rows
        return np.zeros(0, dtype=np.int64)  # publicise (notice), archive (cadres)

    def procedure_step(self, model: CommunityModel, year: FundYear, name: str, spec: ProcedureStep) -> None:
        s, p = model.state, self.params
        if name == "publicise":
            takers, invited = publish(model, np.arange(s.n), self.streams, name), s.n
        else:
            rows = self.invited(model, name, year)
            invited = len(rows)
            duty = p.council_duty if name == "council_vote" else 0.0
            takers = take_part(model, rows, streams=self.streams, cost=spec.cost, stake=p.fund_stake,
                               represents=duty, key=name)
        self.time_spent += float((s.time_cost[takers] * spec.cost).sum())
        if name != "publicise":  # readers of the notice are informed, not taking part
            year.participants.update(takers.tolist())
        year.turnout[name] = len(takers) / invited if invited else None
        short = len(takers) < spec.min_turnout * invited - 1e-9 if invited else spec.min_turnout > 0
        if short:
            self.stall(model, year)
            return
        if name == "collect_proposals":
            year.ballot_rows = takers
            year.ballot_area = self.ballot(model, takers)
            year.ballots = np.bincount(year.ballot_area, minlength=len(AREAS))
        elif name == "council_vote":
            raise_rungs(model, takers, Rung.DELEGATED_POWER)
            weights = year.ballots if year.ballots.sum() else np.array([p.area_weights.get(a, 0.0) for a in AREAS])
            year.allocation = year.budget * weights / weights.sum()
        elif name == "implement":
            self.implement(model, year)
        elif name == "archive":
            rows = np.array(sorted(year.participants), dtype=np.int64)
            n = len(rows)
            learn(model, rows, np.ones(n), np.ones(n), np.ones(n), attended=True)
        if name in ("collect_proposals", "sort_and_discuss", "hearing", "supervise", "evaluate"):
            raise_rungs(model, takers, Rung.CONSULTATION)
        year.reached = name

    def stall(self, model: CommunityModel, year: FundYear) -> None:
        year.stalled = True
        rows = np.array(sorted(year.participants), dtype=np.int64)
        n = len(rows)
        learn(model, rows, np.zeros(n), np.zeros(n), np.zeros(n), attended=True)

    def ballot(self, model: CommunityModel, rows: np.ndarray) -> np.ndarray:
        """Area index named by each ballot (see module docstring)."""
        s, p = model.state, self.params
        weights = np.array([p.area_weights.get(a, 0.0) for a in AREAS])
        area = self.streams.categorical("ballot", rows, weights / weights.sum())
        purpose = {org.org_id: org.purpose for org in model.organisations()}
        for k, r in enumerate(rows):
            org = purpose.get(int(s.organisation[r]))
            if org is not None:
                area[k] = AREAS.index("self_organisations" if org is Purpose.PUBLIC_GOOD else "culture_sport")
            issue_id = int(s.current_issue[r])
            if issue_id >= 0 and model.issues[issue_id].kind in p.issue_areas:
                area[k] = AREAS.index(p.issue_areas[model.issues[issue_id].kind])
        return area

    # -- implementation --------------------------------------------------------------------------
    def implement(self, model: CommunityModel, year: FundYear) -> None:
        for k, area in enumerate(AREAS):
            money = year.allocation[k]
            if area in ORGANISATION_AREAS:
                year.spent[k] = self.fund_organisations(model, money, ORGANISATION_AREAS[area])
            elif area in WORKS_AREAS:
                year.spent[k] = self.works(model, year, area, money)
            else:
                year.spent[k] = self.courses(model, year, money)

    def fund_organisations(self, model: CommunityModel, money: float, purpose: Purpose | None) -> float:
        orgs = model.organisations()
        chosen = [o for o in orgs if purpose is None or o.purpose is purpose] or orgs
        if not chosen or money <= 0:
            return 0.0
        size = np.array([len(o.members) for o in chosen], dtype=float)
        for org, share in zip(chosen, size / size.sum()):
            org.funds += money * share
        return money

    def works(self, model: CommunityModel, year: FundYear, area: str, money: float) -> float:
        p, s = self.params, model.state
        n_works = int(money // p.works_cost + 1e-9)
        kinds = {kind for kind, a in p.issue_areas.items() if a == area}
        due = sorted((i for i in model.open_issues() if i.kind in kinds), key=lambda i: (i.arisen_step, i.issue_id))
        for issue in due[:n_works]:
            publish(model, issue.touched, self.streams, issue.stream_key)
            k = len(issue.touched)
            learn(model, issue.touched, np.ones(k), np.ones(k), np.ones(k), attended=False)
            close_issue(model, issue, Rung.DELEGATED_POWER)
            self.issues_resolved += 1
        resolved = min(n_works, len(due))
        asked = year.ballot_rows[year.ballot_area == AREAS.index(area)]
        votes = np.bincount(s.courtyard[asked], minlength=model.n_courtyards)
        improved = np.argsort(-votes, kind="stable")[: n_works - resolved]
        for courtyard in improved:
            rows = model.residents_of(np.array([courtyard]))
            s.satisfaction[rows] = np.minimum(1.0, s.satisfaction[rows] + p.works_satisfaction_gain)
        self.courtyard_works += len(improved)
        return (resolved + len(improved)) * p.works_cost

    def courses(self, model: CommunityModel, year: FundYear, money: float) -> float:
        p, s = self.params, model.state
        n = int(money // p.training_cost + 1e-9)
        pool = np.array(sorted(year.participants), dtype=np.int64)
        if len(pool) < n:
            pool = np.arange(s.n)
        rows = self.streams.sample("course_places", pool, n)
        s.capacity[rows] = np.minimum(1.0, s.capacity[rows] + p.training_capacity_gain)
        self.trainees += len(rows)
        return len(rows) * p.training_cost

    def collective_action(self, model: CommunityModel) -> None:
        p, s = self.params, model.state
        for org in model.organisations():
            if org.funds >= p.action_cost - 1e-9:
                org.funds -= p.action_cost
                org.capacity = min(1.0, org.capacity + p.action_capacity_gain)
                members = org.members
                s.efficacy[members] = np.minimum(1.0, s.efficacy[members] + p.action_efficacy_gain)
                self.actions += 1

    def report(self, model: CommunityModel) -> dict:
        years = self.years
        budget = sum(y.budget for y in years)
        spent = np.sum([y.spent for y in years], axis=0) if years else np.zeros(len(AREAS))
        return {
            "years": len(years),
            "years_carried_through": sum(y.reached == "archive" for y in years),
            "years_stalled": sum(y.stalled for y in years),
            "budget_total": budget,
            "spent_total": float(spent.sum()),
            "unspent_total": budget - float(spent.sum()),
            **{f"spent_{a}": float(x) for a, x in zip(AREAS, spent)},
            "collective_actions": self.actions,
            "issues_resolved": self.issues_resolved,
            "courtyard_works": self.courtyard_works,
            "trainees": self.trainees,
            "resident_time_spent": self.time_spent,
        }
