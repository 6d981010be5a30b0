"""Deliberation council under Chengdu's rules (docs/cases.md §Chengdu, "return power, empower,
re-position", 2008-2019). Every number of the rules is a parameter:

* **Residents' groups** are blocks of ``courtyards_per_group`` consecutive courtyards. Each elects
  a residents'-group council of at least ``group_council_min`` members (5). Residents are ranked
  by standing = interest + capacity + 1 (if a leader) + ``incumbent_standing`` x e (if a member of
  the legacy meeting, e its entrenchment, :mod:`sim.entrenchment`: the appointed "mass base" of
  long-running discussion meetings is hard to unseat) + N(0, ``election_noise``), the vote of their
  neighbours; a group council is its top max(``group_council_min``, the group's seats) residents.
* **Community council** of S = max(``council_size``, ``seats_per_group`` x G + k) seats, G groups,
  k = min(``cadre_seats``, n_cadres). Cadres hold c = min(k, floor(``cadre_share_max`` x S)) seats,
  at most half; ``local_unit_seats`` more seats go to local units (驻区单位: schools, firms, agencies
  of the area; third-party members, present at every sitting), counted in S. Of the S - c - u
  resident seats every group gets ``seats_per_group`` (2), the rest go
  to groups in proportion to their residents (largest remainder; never more than a group has
  residents), each filled by the group council's highest-standing members.
  The resident members replace ``model.council_member``, so ``deliberation.mode=council`` meets
  with the elected council. Elections are held when the programme starts and every ``term`` steps.
* **Agenda** (each sitting, at most ``agenda_max`` items, in this order): the party organisation
  and the residents' committee table the ``cadre_items`` oldest open issues, community-wide first;
  a **petition** tables an open issue when at least ``petition_min`` (10) residents holding it sign
  (each signs with probability ``signing_rate`` x interest x stake); a council member tables their
  own open issue with probability ``tabling_rate``. With ``party_review`` every item not tabled by
  the cadres goes through the party organisation's review first and stays on the agenda with
  probability = the mean openness of the cadres on the council.
* **Sitting**: resident members attend as on a deliberation day with the duty of an elected
  office, r = ``member_duty`` in the participation formula (a council-mode representative has
  r = 1; :func:`sim.interventions.procedures.take_part`, cost factor ``sitting_cost``); a cadre
  attends with probability 1 - admin_load. **Quorum**: present >= ``quorum`` x S (4/5); a sitting
  without quorum decides nothing and every item stays open.
* **Vote** on each item's motion (the mean opinion of the residents holding the issue; 0.5 if
  none): a member votes yes with probability 1 - |own view - motion| (resident members' view: their
  opinion on the issue, Beta(2, 2) if it is not theirs; cadres': the officials' view). Under a
  **secret ballot** everyone votes their view; under an open ballot each resident member votes with
  the present cadres' majority with probability ``open_ballot_conformity``; a local unit votes as a
  resident member without a stake. An item **passes** with yes >= ``pass_share`` x S: at least half
  (半数以上) of the members due to attend, not of those present.
* **Results** are published (touched residents read them with probability = interest, rung 3) and
  carried out by the residents' committee: a rejected motion is not executed; a passed one is,
  except that it lapses with probability ``unsupervised_lapse`` x 0.5^``supervisors`` (supervisors,
  监事, check that decisions are carried out). The issue is decided by an elected residents' body
  within its remit, under the party's review of the agenda: shared power, rung 6 (partnership), or
  7 (delegated power) when the official in charge keeps less than ``officials.delegation_threshold``;
  present members reach it, petitioners reach rung 4 (consultation). Members learn (payoff 1 if what
  happened is what they voted for, a lapsed item counting as not passed, else 0), touched residents learn at
  ``attitudes.informed_weight`` (payoff 1 if a motion was carried out, else 0); procedure quality is
  1 under a secret ballot, 0.5 under an open one (Olken 2010).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.attitudes import learn
from sim.habit import record_attendance
from sim.interventions.base import Intervention, InterventionParams, ScheduleConfig, TargetConfig
from sim.interventions.procedures import publish, raise_rungs, take_part
from sim.issues import close_issue
from sim.ladder import Rung
from sim.response import official_in_charge
from sim.schema import ConfigError, param, probability
from sim.provenance import assumed, case

if TYPE_CHECKING:
    from sim.config import ModelConfig
    from sim.model import CommunityModel

INQUORATE, PASSED, REJECTED = "inquorate", "passed", "rejected"


@dataclass
class DeliberationCouncilParams(InterventionParams):
    schedule: ScheduleConfig = param(ScheduleConfig(start=2, period=4), source=assumed("a sitting every four weeks from week 2; the case gives no frequency"))
    target: TargetConfig = param(TargetConfig(kind="all"), source=assumed("the whole community"))
    council_size: int = param(21, lo=1, doc="least number of council members", source=case("chengdu.council_min"))
    courtyards_per_group: int = param(3, lo=1, doc="courtyards per residents' group", source=assumed("the case gives no size of a residents' group"))
    group_council_min: int = param(5, lo=1, doc="least members of a residents'-group council", source=case("chengdu.group_council_min"))
    seats_per_group: int = param(2, lo=0, doc="least council seats per residents' group", source=case("chengdu.seats_per_group"))
    cadre_seats: int = param(5, lo=0, doc="seats cadres stand for", source=assumed("the residents' committee's five cadres (officials.n_cadres) stand"))
    cadre_share_max: float = probability(0.5, "cadres hold at most this share of the seats", source=case("chengdu.cadre_share_max"))
    election_noise: float = param(0.3, lo=0.0, doc="sd of neighbours' judgement of standing", source=assumed("neighbours judge standing roughly"))
    term: int = param(156, lo=1, doc="steps between elections", source=assumed("three years; the case gives no term"))
    agenda_max: int = param(6, lo=1, doc="items per sitting", source=assumed("a sitting can take half a dozen items"))
    cadre_items: int = param(1, lo=0, doc="items the party organisation / residents' committee table", source=assumed("the party organisation or committee tables one item a sitting"))
    petition_min: int = param(10, lo=1, doc="residents who must sign a petition jointly", source=case("chengdu.petition_min"))
    signing_rate: float = probability(0.5, "signing chance = signing_rate x interest x stake", source=assumed("not measured"))
    tabling_rate: float = probability(0.5, "chance a member tables their own open issue", source=assumed("not measured"))
    sitting_cost: float = param(1.0, lo=0.0, doc="time cost of a sitting relative to a meeting", source=assumed("a sitting costs as much as a meeting"))
    member_duty: float = param(3.0, lo=0.0, doc="an elected member's duty (r of the participation formula)", source=assumed("the duty of office outweighs a resident's duty several times"))
    quorum: float = probability(0.8, "share of members who must be present", source=case("chengdu.quorum"))
    pass_share: float = probability(0.5, "an item passes with at least this share of members voting yes", source=case("chengdu.pass_share", note="半数以上, conventionally read as at least half of the members due to attend"))
    party_review: bool = param(True, doc="items not tabled by cadres pass the party organisation's review first", source=case("chengdu.party_review"))
    local_unit_seats: int = param(0, lo=0, doc="seats of local units (third-party members)", source=assumed("the case names local units among council members, not how many; none unless set"))
    supervisors: int = param(0, lo=0, doc="supervisors checking that decisions are carried out", source=assumed("optional (Yishanjun added 2, gulou.supervisors); none unless set"))
    unsupervised_lapse: float = probability(0.2, "chance a passed item is not carried out without supervisors", source=assumed("not measured"))
    incumbent_standing: float = param(1.0, lo=0.0, doc="standing of a legacy meeting's member at entrenchment 1", source=assumed("Gulou: the deeper the legacy meetings' mass base, the harder to change; size is a guess"))
    secret_ballot: bool = param(True, doc="members vote unseen", source=case("chengdu.secret_ballot"))
    open_ballot_conformity: float = probability(0.5, "open ballot: chance to vote with the cadres", source=assumed("only used when the ballot is open; not measured"))

    def check(self, key: str, cfg: ModelConfig) -> None:
        super().check(key, cfg)
        if self.group_council_min < self.seats_per_group:
            raise ConfigError(f"{key}.group_council_min", self.group_council_min,
                              f"must be >= seats_per_group ({self.seats_per_group})")


def quorate(present: int, members: int, quorum: float) -> bool:
    """Quorum: present >= quorum x members."""
    return present >= quorum * members - 1e-9


def tally(yes: int, present: int, members: int, quorum: float, pass_share: float) -> str:
    """The decision rule: no quorum decides nothing; otherwise the item passes with
    yes >= pass_share x members (members due to attend, not those present)."""
    if not quorate(present, members, quorum):
        return INQUORATE
    return PASSED if yes >= pass_share * members - 1e-9 else REJECTED


def apportion(seats: int, population: np.ndarray, floor: int) -> np.ndarray:
    """``floor`` seats per group, the rest in proportion to population (largest remainder, ties to the
    lower group number); no group gets more seats than it has residents."""
    base = np.minimum(floor, population)
    rest = max(0, seats - int(base.sum()))
    quota = rest * population / max(1, population.sum())
    extra = np.floor(quota).astype(np.int64)
    order = np.lexsort((np.arange(len(population)), -(quota - extra)))
    extra[order[: rest - int(extra.sum())]] += 1
    return np.minimum(base + extra, population)


@dataclass
class Item:
    """One vote: what was tabled, by whom, the tally and the outcome."""

    step: int
    issue_id: int
    source: str  # cadres, petition or member
    signatures: int
    yes: int
    present: int
    members: int
    cadre_line: bool | None  # the present cadres' majority (None: no cadre present)
    outcome: str
    rung: int


@dataclass
class Council:
    members: np.ndarray  # resident rows
    cadres: list  # Official agents holding seats
    local_units: int  # seats of local units (third-party members)
    groups: int
    group_council_members: int
    elected_step: int

    @property
    def size(self) -> int:
        return len(self.members) + len(self.cadres) + self.local_units


class DeliberationCouncil(Intervention):
    name = "deliberation_council"
    label = {"en": "Deliberation council", "zh": "协商议事会"}
    about = {"en": "An elected council with agenda rights, quorum and secret ballot",
             "zh": "选举产生的协商议事会，有议程提案权、法定人数和无记名投票"}
    Params = DeliberationCouncilParams
    allowed_targets = ("all",)

    def __init__(self, params: DeliberationCouncilParams):
        super().__init__(params)
        self.council: Council | None = None
        self.counts = {"elections": 0, "sittings": 0, "inquorate": 0, "items_cadres": 0,
                       "items_petition": 0, "items_member": 0, "items_dropped_in_review": 0, "passed": 0,
                       "rejected": 0, "lapsed": 0}
        self.present_shares: list[float] = []
        self.items: list[Item] = []  # every item voted on

    # -- election -----------------------------------------------------------------------------
    def elect(self, model: CommunityModel) -> Council:
        p, s = self.params, model.state
        group = s.courtyard // p.courtyards_per_group
        n_groups = int(group.max()) + 1
        population = np.bincount(group, minlength=n_groups)
        standing = (s.interest + s.capacity + s.is_leader + p.incumbent_standing * model.entrenchment * model.legacy_member
                    + p.election_noise * self.streams.normal("election", np.arange(s.n)))
        n_cadres = min(p.cadre_seats, len(model.cadres))
        size = max(p.council_size, p.seats_per_group * n_groups + n_cadres + p.local_unit_seats)
        cadre_seats = min(n_cadres, int(np.floor(p.cadre_share_max * size + 1e-9)))
        seats = apportion(size - cadre_seats - p.local_unit_seats, population, p.seats_per_group)
        members, group_council = [], 0
        for g in range(n_groups):
            rows = np.flatnonzero(group == g)
            ranked = rows[np.argsort(-standing[rows], kind="stable")]
            group_council += min(len(rows), max(p.group_council_min, int(seats[g])))
            members.append(ranked[: seats[g]])
        council = Council(np.sort(np.concatenate(members)), list(model.cadres[:cadre_seats]), p.local_unit_seats,
                          n_groups, group_council, model.steps)
        model.council_member = np.zeros(s.n, dtype=bool)
        model.council_member[council.members] = True
        self.counts["elections"] += 1
        return council

    # -- agenda ---------------------------------------------------------------------------------
    def agenda(self, model: CommunityModel) -> list[tuple]:
        """(issue, source, petitioners) in tabling order, at most ``agenda_max``."""
        p, s = self.params, model.state
        open_issues = sorted(model.open_issues(), key=lambda i: (not i.community_wide, i.arisen_step, i.issue_id))
        open_ids = {i.issue_id for i in open_issues}
        items = [(issue, "cadres", np.zeros(0, dtype=np.int64)) for issue in open_issues[: p.cadre_items]]
        tabled = {i.issue_id for i, _, _ in items}
        for issue in sorted(open_issues, key=lambda i: i.issue_id):
            if issue.issue_id in tabled:
                continue
            holders = issue.touched[s.current_issue[issue.touched] == issue.issue_id]
            signs = (self.streams.uniform("petition", holders, issue.stream_key)
                     < p.signing_rate * s.interest[holders] * s.stake[holders])
            if signs.sum() >= p.petition_min:
                items.append((issue, "petition", holders[signs]))
                tabled.add(issue.issue_id)
        members = self.council.members
        own = s.current_issue[members]
        wants = (own >= 0) & (self.streams.uniform("tabling", members) < p.tabling_rate)
        for issue_id in np.unique(own[wants]):
            issue = model.issues[int(issue_id)]
            if issue_id not in tabled and issue.issue_id in open_ids:
                items.append((issue, "member", np.zeros(0, dtype=np.int64)))
                tabled.add(int(issue_id))
        if p.party_review and self.council.cadres:
            openness = float(np.mean([o.openness for o in self.council.cadres]))
            kept = [item for item in items if item[1] == "cadres"
                    or self.streams.uniform_one("review", item[0].stream_key) < openness]
            self.counts["items_dropped_in_review"] += len(items) - len(kept)
            items = kept
        return items[: p.agenda_max]

    # -- a sitting --------------------------------------------------------------------------------
    def sit(self, model: CommunityModel) -> None:
        items = self.agenda(model)
        if not items:
            return
        p, s, c = self.params, model.state, self.council
        self.counts["sittings"] += 1
        present = take_part(model, c.members, streams=self.streams, cost=p.sitting_cost, represents=p.member_duty)
        busy = self.streams.uniform("cadre_busy", np.arange(len(c.cadres)))
        cadres = [o for o, u in zip(c.cadres, busy) if u >= o.admin_load]
        n_present = len(present) + len(cadres) + c.local_units
        self.present_shares.append(n_present / c.size)
        record_attendance(s, present, model.steps, model.config.participation)
        if not quorate(n_present, c.size, p.quorum):
            self.counts["inquorate"] += 1
            return
        for issue, source, petitioners in items:
            self.counts[f"items_{source}"] += 1
            self.decide(model, issue, source, present, cadres, petitioners)

    def decide(self, model: CommunityModel, issue, source: str, present: np.ndarray, cadres: list,
               petitioners: np.ndarray) -> None:
        p, s, streams, key = self.params, model.state, self.streams, issue.stream_key
        holders = issue.touched[s.current_issue[issue.touched] == issue.issue_id]
        motion = float(s.opinion[holders].mean()) if len(holders) else 0.5
        own = s.current_issue[present] == issue.issue_id
        view = np.where(own, s.opinion[present], streams.beta("view", present, 2.0, 2.0, key))
        votes = streams.uniform("vote", present, key) < 1 - np.abs(view - motion)
        cadre_votes = streams.uniform("cadre_vote", np.arange(len(cadres)), key) < 1 - abs(issue.official_view - motion)
        cadre_line = bool(cadre_votes.sum() > len(cadres) / 2) if cadres else None
        if not p.secret_ballot and cadres:
            votes = np.where(streams.uniform("conform", present, key) < p.open_ballot_conformity, cadre_line, votes)
        units = self.council.local_units
        unit_votes = streams.uniform("unit_vote", np.arange(units), key) < 1 - np.abs(
            streams.beta("unit_view", np.arange(units), 2.0, 2.0, key) - motion)
        yes = int(votes.sum() + cadre_votes.sum() + unit_votes.sum())
        outcome = tally(yes, len(present) + len(cadres) + units, self.council.size, p.quorum, p.pass_share)
        self.counts[outcome] += 1
        lapse = p.unsupervised_lapse * 0.5 ** p.supervisors
        passed = outcome == PASSED and streams.uniform_one("carried_out", key) >= lapse
        self.counts["lapsed"] += int(outcome == PASSED and not passed)
        o, cfg = official_in_charge(model, issue), model.config.officials
        rung = int(Rung.DELEGATED_POWER if o.power_retained < cfg.delegation_threshold else Rung.PARTNERSHIP)
        procedure = 1.0 if p.secret_ballot else 0.5
        publish(model, issue.touched, self.streams, key)
        raise_rungs(model, petitioners, Rung.CONSULTATION)
        raise_rungs(model, present, rung)
        n = len(present)
        learn(model, present, (votes == passed).astype(float), np.ones(n), np.full(n, procedure), attended=True)
        bystanders = np.setdiff1d(issue.touched, present)
        k = len(bystanders)
        learn(model, bystanders, np.full(k, float(passed)), np.ones(k), np.full(k, procedure), attended=False)
        close_issue(model, issue, Rung(rung))
        self.items.append(Item(model.steps, issue.issue_id, source, len(petitioners), yes,
                               len(present) + len(cadres) + units, self.council.size, cadre_line, outcome, rung))

    # -- the programme ------------------------------------------------------------------------------
    def step(self, model: CommunityModel) -> None:
        if not self.schedule.active(model.steps):
            return
        if self.council is None or model.steps - self.council.elected_step >= self.params.term:
            self.council = self.elect(model)
        if self.schedule.fires(model.steps):
            self.sit(model)

    def report(self, model: CommunityModel) -> dict:
        c = self.council
        shares = self.present_shares
        return {
            **self.counts,
            "members": c.size if c else 0,
            "resident_members": len(c.members) if c else 0,
            "cadre_members": len(c.cadres) if c else 0,
            "local_unit_members": c.local_units if c else 0,
            "supervisors": self.params.supervisors,
            "residents_groups": c.groups if c else 0,
            "group_council_members": c.group_council_members if c else 0,
            "mean_present_share": float(np.mean(shares)) if shares else None,
        }
