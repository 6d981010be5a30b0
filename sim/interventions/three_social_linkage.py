"""Three-social linkage (三社联动: community, social organisations, social workers; Chengdu and
Jiaxing, docs/cases.md §Chengdu, §Training): the government buys professional services from a social
organisation, whose social workers build residents' capacity and cultivate self-organisations.

Each time the schedule fires a service contract (a year by default) starts: the organisation
puts min(``social_workers``, floor(``yearly_budget`` / ``worker_cost``)) social workers in post.
Worker k covers the k-th share of the target's courtyards (courtyards dealt round-robin). Every
week while the schedule is active, each worker:

* **builds capacity**: holds sessions with ``caseload`` residents of their courtyards drawn at
  random: capacity += ``capacity_gain``, efficacy += ``efficacy_gain`` (clipped to 1; civic
  skills, Verba, Schlozman & Brady 1995);
* **cultivates a self-organisation** with probability ``cultivation_rate``: a leader of their
  courtyards who has none founds one (public-good with probability ``public_good_share``, else a
  hobby group); if every leader there has one, the worker incubates a new leader instead: the
  non-leader with the highest capacity x interest (:func:`sim.leadership.promote`);
* **supports** the organisations led from their courtyards: capacity += ``support_gain``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents import Leader, Organisation, Purpose
from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, Target, TargetConfig, select_target
from sim.leadership import promote
from sim.schema import param, probability
from sim.provenance import assumed


@dataclass
class ThreeSocialLinkageParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=1, period=52), source=assumed("a yearly service contract"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    yearly_budget: float = param(120000.0, lo=0.0, doc="yuan a year the government spends on the services", source=assumed("two workers' cost; the cases give city totals, not a community's contract"))
    worker_cost: float = param(60000.0, lo=0.0, lo_open=True, doc="yuan a year per social worker", source=assumed("not in the cases"))
    social_workers: int = param(2, lo=0, doc="social workers the organisation assigns", source=assumed("Jiaxing: one per community (training.jiaxing_workers); Chengdu: 11,890 for 4,000-odd communities, about 3 (chengdu.social_workers); 2 lies between"))
    caseload: int = param(10, lo=0, doc="residents each worker works with a week", source=assumed("the cases give no caseload (Gulou: one social worker leads 300 households)"))
    capacity_gain: float = probability(0.02, "capacity gained per session", source=assumed("civic skills grow with practice (Verba, Schlozman & Brady 1995); size is a guess"))
    efficacy_gain: float = probability(0.01, "efficacy gained per session", source=assumed("size is a guess"))
    cultivation_rate: float = probability(0.05, "weekly chance a worker cultivates a self-organisation", source=assumed("size is a guess"))
    public_good_share: float = probability(0.5, "share of cultivated organisations set up for the public good", source=assumed("half of cultivated groups serve the public good"))
    support_gain: float = probability(0.01, "weekly capacity gain of the organisations a worker supports", source=assumed("size is a guess"))


class ThreeSocialLinkage(Intervention):
    name = "three_social_linkage"
    label = {"en": "Three-social linkage", "zh": "三社联动"}
    about = {"en": "Social workers bought from a social organisation build residents' capacity",
             "zh": "政府购买社会组织服务，社工提升居民能力"}
    Params = ThreeSocialLinkageParams
    allowed_targets = ("all", "courtyards")

    def __init__(self, params: ThreeSocialLinkageParams):
        super().__init__(params)
        self.patches: list[np.ndarray] = []  # courtyards of each worker in post
        self.contracts = 0
        self.spent = 0.0
        self.sessions = 0
        self.cultivated = 0
        self.incubated = 0

    def step(self, model) -> None:
        if self.schedule.fires(model.steps):
            self.apply(model, select_target(model, self.params.target, self.streams))
        if self.schedule.active(model.steps):
            for patch in self.patches:
                self.work(model, patch)

    def apply(self, model, target: Target) -> None:
        """A new contract: workers in post, courtyards dealt among them."""
        p = self.params
        workers = min(p.social_workers, int(p.yearly_budget // p.worker_cost))
        courtyards = np.unique(model.state.courtyard[target.rows])
        self.patches = [courtyards[k::workers] for k in range(workers)] if len(courtyards) else []
        self.contracts += 1
        self.spent += workers * p.worker_cost

    def work(self, model, patch: np.ndarray) -> None:
        p, s = self.params, model.state
        rows = model.residents_of(patch)
        if len(rows) == 0:
            return
        patch_key = int(patch.min()) if len(patch) else 0
        cases = self.streams.sample("cases", rows, p.caseload, patch_key)
        s.capacity[cases] = np.minimum(1.0, s.capacity[cases] + p.capacity_gain)
        s.efficacy[cases] = np.minimum(1.0, s.efficacy[cases] + p.efficacy_gain)
        self.sessions += len(cases)
        if self.streams.uniform_one("cultivate", patch_key) < p.cultivation_rate:
            self.cultivate(model, rows)
        in_patch = np.isin(np.arange(model.n_courtyards), patch)
        for org in model.organisations():
            if org.leader is not None and in_patch[org.courtyard]:
                org.capacity = min(1.0, org.capacity + p.support_gain)

    def cultivate(self, model, rows: np.ndarray) -> None:
        s = model.state
        here = np.zeros(s.n, dtype=bool)
        here[rows] = True
        free = [ldr for ldr in model.agents_by_type.get(Leader, [])
                if ldr.organisation is None and s.organisation[ldr.resident.idx] < 0 and here[ldr.resident.idx]]
        if free:
            leader = min(free, key=lambda ldr: ldr.resident.idx)
            public = self.streams.uniform_one("purpose", leader.resident.idx) < self.params.public_good_share
            Organisation(model, leader, Purpose.PUBLIC_GOOD if public else Purpose.RECREATIONAL)
            self.cultivated += 1
            return
        candidates = rows[~s.is_leader[rows]]
        if len(candidates):
            best = candidates[np.argmax(s.capacity[candidates] * s.interest[candidates])]
            promote(model, np.array([best]))
            self.incubated += 1

    def report(self, model) -> dict:
        return {
            "contracts": self.contracts,
            "social_workers": len(self.patches),
            "budget_spent": self.spent,
            "sessions": self.sessions,
            "organisations_cultivated": self.cultivated,
            "leaders_incubated": self.incubated,
        }
