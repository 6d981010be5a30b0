"""Where a parameter's value comes from: a :class:`Source` in every field's metadata.

A source is one of five kinds:

* ``case``: a number one of the project's cases states, named by its key in :data:`CASE_FACTS`;
  the default equals that number, or follows from it by the stated ``rule`` (``derive``);
* ``literature``: a published study and what it reports;
* ``calibrated``: set so that the model reproduces a named fact or target;
* ``assumed``: a modelling choice, with the reason for it;
* ``setting``: a setting of the tool (seeds, parallel jobs, file names), not a claim about the world.

``param(..., source=case("chengdu.council_min"))`` records it (:func:`sim.schema.param`);
``python -m sim.parameter_table`` lists every parameter with its source (docs/parameters.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KINDS = ("case", "literature", "calibrated", "assumed", "setting")
CASES = {"gulou": "Gulou", "sao_tome": "São Tomé", "new_haven": "New Haven", "chengdu": "Chengdu",
         "training": "Training"}  # key prefix -> section of docs/cases.md


@dataclass(frozen=True)
class CaseFact:
    """A number as one of the cases states it (``wording``), under its section of docs/cases.md."""

    value: Any
    wording: str

    @staticmethod
    def case_of(key: str) -> str:
        return CASES[key.split(".", 1)[0]]


@dataclass(frozen=True)
class Source:
    """Where a value comes from: ``kind`` (one of :data:`KINDS`) and ``text``.

    ``text`` is the case-fact key (case), the citation and what it reports (literature), the fact
    reproduced (calibrated), the reason (assumed) or what the setting is for (setting). A case
    source may carry a ``rule`` with ``derive`` (fact value -> default) and a ``note``.
    """

    kind: str
    text: str
    rule: str = ""
    note: str = ""
    derive: Callable[[Any], Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"source kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.kind == "case" and self.text not in CASE_FACTS:
            raise ValueError(f"case source {self.text!r} is not a key of CASE_FACTS")
        if not self.text:
            raise ValueError(f"a {self.kind} source needs its text")

    def expected(self) -> Any:
        """The default a case source promises: the fact's value, or ``derive`` of it."""
        value = CASE_FACTS[self.text].value
        return self.derive(value) if self.derive else value

    def describe(self) -> str:
        """One line for the parameter table."""
        if self.kind != "case":
            return self.text
        fact = CASE_FACTS[self.text]
        text = f"{CaseFact.case_of(self.text)} ({self.text}): “{fact.wording}”"
        if self.rule:
            text += f"; rule: {self.rule}"
        if self.note:
            text += f"; {self.note}"
        return text


def case(fact: str, rule: str = "", derive: Callable[[Any], Any] | None = None, note: str = "") -> Source:
    """A number a case states (key of :data:`CASE_FACTS`); ``derive`` turns it into the default."""
    if bool(rule) != (derive is not None):
        raise ValueError(f"case source {fact!r}: a rule needs its derive function and the other way round")
    return Source("case", fact, rule, note, derive)


def literature(citation: str) -> Source:
    """A published study and what it reports, e.g. ``"Fischbacher, Gächter & Fehr 2001: about half"``."""
    return Source("literature", citation)


def calibrated(target: str) -> Source:
    """Set so that the model reproduces the named fact or target."""
    return Source("calibrated", target)


def assumed(why: str) -> Source:
    """A modelling choice; ``why`` says what it rests on."""
    return Source("assumed", why)


def setting(what: str) -> Source:
    """A setting of the tool, not a claim about the world."""
    return Source("setting", what)


CASE_FACTS: dict[str, CaseFact] = {
    # Gulou, Nanjing, 2015-2018
    "gulou.communities": CaseFact(118, "a district of 118 communities"),
    "gulou.street_offices": CaseFact(13, "all 13 street offices trained on 11 July 2015"),
    "gulou.district_training": CaseFact("2015-07-11", "all 13 street offices were trained on 11 July 2015, the controls' streets included"),
    "gulou.lists": CaseFact(("2015-03/04", "2015-07/08"), "first list of pilots about March-April 2015, second about July-August 2015"),
    "gulou.first_batch": CaseFact(13, "first batch of 13 communities chosen at random, one per street office"),
    "gulou.pilots": CaseFact(27, "27 pilots in total"),
    "gulou.controls": CaseFact(91, "91 controls"),
    "gulou.plan_years": CaseFact(3, "three-year plan (2015-2018)"),
    "gulou.pretest": CaseFact("satisfaction", "the 2014 resident-satisfaction ranking as pre-test"),
    "gulou.modes": CaseFact(6, "choice among six deliberation modes (panoramic never piloted)"),
    "gulou.indicators": CaseFact(70, "evaluation system of 7 first-level and 70 second-level indicators"),
    "gulou.legacy_years": CaseFact(15, "discussion meetings (议事会) had run for about 15 years (since 2000)"),
    "gulou.legacy_meetings": CaseFact((4, 10), "about 4-10 meetings a year"),
    "gulou.deliberation_day": CaseFact(12, "Xiaotaoyuan: the 11th of each month is deliberation day"),
    "gulou.rotating_chairs": CaseFact(30, "chairs rotating among 30+ residents who bring proposals"),
    "gulou.supervisors": CaseFact(2, "Yishanjun added 2 supervisors to its council"),
    "gulou.street_platform": CaseFact(132, "a street platform had 132 members"),
    "gulou.households_per_worker": CaseFact(300, "one social worker “leads 300 households”"),
    "gulou.gate_levy": CaseFact(200, "a building chat group agreed 200 yuan per household for an access gate"),
    # São Tomé, 2004
    "sao_tome.random_leaders": CaseFact(True, "discussion leaders randomly assigned to groups"),
    # New Haven, 2002
    "new_haven.residents": CaseFact(1032, "1,032 residents"),
    "new_haven.towns": CaseFact(15, "residents of 15 towns"),
    "new_haven.groups": CaseFact(16, "randomly assigned to 16 small groups"),
    "new_haven.groups_per_issue": CaseFact(8, "8 groups discussed airport expansion, 8 tax-revenue sharing"),
    # Chengdu, 2008-2019
    "chengdu.group_council_min": CaseFact(5, "residents' group councils of at least 5 elected members"),
    "chengdu.council_min": CaseFact(21, "community council usually at least 21 members"),
    "chengdu.seats_per_group": CaseFact(2, "at least 2 seats per residents' group"),
    "chengdu.cadre_share_max": CaseFact(0.5, "cadres hold at most 50% of the seats"),
    "chengdu.petition_min": CaseFact(10, "10 or more residents jointly may put an item on the agenda"),
    "chengdu.quorum": CaseFact(0.8, "quorum four fifths of the members"),
    "chengdu.pass_share": CaseFact(0.5, "passes with at least half (半数以上, includes half) of members due to attend"),
    "chengdu.secret_ballot": CaseFact(True, "secret ballot"),
    "chengdu.party_review": CaseFact(True, "agenda items go through the party organisation's review first"),
    "chengdu.fund_rural": CaseFact(200_000, "rural fund at least 200,000 yuan a year, later 400,000"),
    "chengdu.fund_urban": CaseFact(4000, "urban fund at least 3,000, later 4,000 yuan per 100 households a year"),
    "chengdu.fund_areas": CaseFact(6, "six spending areas"),
    "chengdu.fund_steps": CaseFact(9, "nine-step procedure"),
    "chengdu.one_household_one_ballot": CaseFact(1, "collect proposals: one household, one ballot"),
    "chengdu.social_organisations": CaseFact(11_000, "about 11,000 social organisations by 2018"),
    "chengdu.social_work_agencies": CaseFact(600, "about 600 social-work agencies by 2018"),
    "chengdu.social_workers": CaseFact(11_890, "11,890 social workers (2018)"),
    "chengdu.social_spending": CaseFact(50_000_000, "at least 50 million yuan a year on social organisations"),
    "chengdu.communities": CaseFact(4000, "4,000-odd communities; over 60% ran community building by 2019"),
    "chengdu.six_steps": CaseFact(6, "community building in six steps"),
    "chengdu.evaluation": CaseFact(53, "participatory evaluation of 6 categories, 53 indicators"),
    "chengdu.jinjiang_courtyards": CaseFact(1065 / 113, "Jinjiang: 1,065 courtyards in 113 communities (about 9-13 per community)"),
    "chengdu.renovation_share": CaseFact(0.6, "renovating a courtyard needs at least 60% of its households"),
    # Training: MOST course (Chengdu 2016), Qingyang college (2018), Jiaxing
    "training.most_days": CaseFact(3, "one 3-day course"),
    "training.most_trainees": CaseFact(30, "30 trainees"),
    "training.most_managers": CaseFact(20, "20 community managers from across the city"),
    "training.most_staff": CaseFact(10, "10 social-organisation staff and young scholars"),
    "training.qingyang_tiers": CaseFact(3, "three tiers: general literacy, participation skills, governance skills"),
    "training.jiaxing_workers": CaseFact(1, "one social worker per village or community (一村一社区一社工)"),
    "training.jiaxing_agencies": CaseFact(200, "about 200 social-work agencies (134 community social-work rooms)"),
    "training.jiaxing_training": CaseFact(42_000, "42,000 person-times of training"),
    "training.jiaxing_cases": CaseFact(2035, "2,035 cases handled"),
}


TRAINING_GAIN = assumed("training effects are real but modest and fade (Philippine civic-leadership training; GoBifo): the size is a guess")
"""The size of a training programme's gain and its fading: the literature gives the direction only."""
