"""The experiment's parameters (the ``experiment`` key of the composed config), validated before
anything runs.

:func:`validate_experiment` checks types and ranges with :func:`sim.schema.build`, then that
the experiment can be carried out: known designs, estimators and outcomes; designs that fit the
units, sites and periods (no more treated than units, no batch larger than the pool); a
treatment bundle of known interventions; a power analysis on a configured design. The first
problem raises :class:`sim.schema.ConfigError` naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.config import ModelConfig
from sim.experiments.designs import DESIGN_KINDS, Design, Limits, build_design
from sim.experiments.estimators import ESTIMATORS, POINT_ESTIMATORS
from sim import indicators  # a module reference: sim.indicators imports this package
from sim import ray_backend
from sim.schema import ConfigError, build, param, probability
from sim.provenance import TRAINING_GAIN, assumed, case, setting

# the source of several parameters below
HOUSING_GUESS = assumed("illustrative housing types; the shifts are guesses (docs/experiments.md, Population)")

KINDS = ("communities", "poll")
POLL_DESIGNS = ("groups_by_issue", "deliberate_or_not")
RANKS = {"satisfaction_rank": "satisfaction"}  # outcome -> the measure ranked among all communities
BACKENDS = ("loky", "threading", "multiprocessing", "ray")


@dataclass
class Spread:
    """A normal draw, mean and sd (clipped to the attribute's range)."""

    mean: float = param(0.0, source=assumed("no shift unless set"))
    sd: float = param(0.0, lo=0.0, source=assumed("no spread unless set"))


@dataclass
class HousingProfile:
    """How a housing type shifts a community away from the base community config."""

    weight: float = param(1.0, lo=0.0, doc="relative frequency of the type", source=HOUSING_GUESS)
    elderly_shift: float = param(0.0, lo=-1.0, hi=1.0, doc="added to community.share_elderly", source=HOUSING_GUESS)
    online_shift: float = param(0.0, lo=-1.0, hi=1.0, doc="added to every age group's online access", source=HOUSING_GUESS)
    trust_shift: float = param(0.0, lo=-1.0, hi=1.0, doc="added to community.trust_mean", source=HOUSING_GUESS)
    capacity_shift: float = param(0.0, lo=-1.0, hi=1.0, doc="added to community.capacity_mean", source=HOUSING_GUESS)
    topdown_years_shift: float = param(0.0, doc="added to the years of top-down discussion meetings", source=HOUSING_GUESS)
    ties_within_courtyard: float | None = param(None, lo=0.0, doc="network.courtyard.ties_within_courtyard (null: base)", source=HOUSING_GUESS)


DEFAULT_HOUSING = {  # illustrative profiles (docs/experiments.md, "Population")
    "commodity": HousingProfile(0.45, -0.07, 0.08, -0.05, 0.03, -2.0, 3.0),
    "work_unit": HousingProfile(0.25, 0.10, -0.05, 0.08, 0.0, 3.0, 6.0),
    "affordable": HousingProfile(0.15, 0.0, 0.0, 0.0, -0.05, 0.0, 4.0),
    "village_converted": HousingProfile(0.15, 0.05, -0.15, 0.03, -0.05, 1.0, 5.0),
}


@dataclass
class PopulationConfig:
    """Distributions the communities are drawn from, around the base community config."""

    housing: dict[str, HousingProfile] = field(default_factory=lambda: dict(DEFAULT_HOUSING), metadata={"source": assumed("illustrative housing types; the shifts are guesses (docs/experiments.md, Population)")})
    size_cv: float = param(0.2, lo=0.0, hi=1.0, doc="coefficient of variation of residents (lognormal)", source=assumed("communities differ in size; not in the cases"))
    elderly_sd: float = probability(0.05, "sd of the share of elderly", source=assumed("spread across communities; not in the cases"))
    online_sd: float = probability(0.08, "sd of the shift in online access", source=assumed("spread across communities; not in the cases"))
    trust_sd: float = probability(0.08, "sd of baseline trust", source=assumed("spread across communities; not in the cases"))
    openness_sd: float = probability(0.12, "sd of cadres' openness", source=assumed("spread across communities; not in the cases"))
    topdown_years: Spread = param(Spread(5.0, 4.0), doc="years of top-down discussion meetings (>= 0)", source=assumed("years of top-down meetings across communities; Gulou's ran about 15 years (gulou.legacy_years) where they existed"))
    cadre_age: Spread = param(Spread(45.0, 8.0), doc="age of the community's secretary/director (25-65)", source=assumed("Gulou: young secretaries moved fastest; the ages are guesses"))
    topdown_openness_per_year: float = param(0.015, lo=0.0, doc="openness lost per year of top-down meetings", source=assumed("Gulou: long-run top-down meetings were hardest to move; size is a guess"))
    topdown_efficacy_per_year: float = param(0.01, lo=0.0, doc="residents' efficacy lost per year of them", source=assumed("size is a guess"))
    openness_per_decade_older: float = param(0.05, lo=0.0, doc="openness lost per decade of cadre age over 45", source=assumed("Gulou: young secretaries moved fastest; size is a guess"))
    street_office_sd: float = probability(0.05, "sd of a street office's shift in responsiveness", source=assumed("street offices differ; not in the cases"))


@dataclass
class PollIssue:
    """One issue of a deliberative poll, on a 0..1 policy scale."""

    salience: float = probability(0.5, "how much residents already care: firm views move less", source=assumed("a middling default"))
    centre: float = probability(0.5, "centre of residents' initial views", source=assumed("views centred"))
    informed_view: float = probability(0.5, "where the balanced briefing points", source=assumed("a balanced briefing points to the centre"))


@dataclass
class PollConfig:
    """A deliberative poll (New Haven 2002): participants, groups and issues."""

    n_participants: int = param(320, lo=4, doc="sampled residents (treated and controls)", source=assumed("a demonstration size; New Haven had 1,032 (new_haven.residents)"))
    n_towns: int = param(15, lo=1, doc="towns the participants come from (sites)", source=case("new_haven.towns"))
    design: str = param("groups_by_issue", choices=POLL_DESIGNS,
                        doc="groups_by_issue: everybody is briefed on every issue and deliberates in a group on one issue, "
                            "the treated on treated_issue, the others on the rest; deliberate_or_not: the treated deliberate on "
                            "every issue, the others are only surveyed", source=case("new_haven.groups_per_issue",
                                                                            rule="8 groups on each issue: groups by issue",
                                                                            derive=lambda _: "groups_by_issue"))
    n_groups: int = param(16, lo=1, doc="discussion groups, dealt at random (groups_by_issue: half on the treated issue)", source=case("new_haven.groups"))
    treated_issue: str = param("revenue_sharing", doc="groups_by_issue: the issue the treated groups discuss (a key of issues)", source=setting("which of New Haven's two halves is called treated"))
    n_alternatives: int = param(4, lo=3, doc="policy options per issue, ordered on the scale", source=assumed("enough options for single-peakedness to be tested (List et al. 2013)"))
    briefing_weight: float = probability(0.7, "pull of the briefing at salience 0", source=assumed("low-salience views move a lot (Farrar et al. 2010); size is a guess"))
    ranking_noise: float = param(0.25, lo=0.0, doc="sd of considerations off the policy dimension", source=assumed("not measured"))
    survey_noise: float = param(0.03, lo=0.0, doc="sd of answer noise on the opinion scale", source=assumed("not measured"))
    town_sd: float = probability(0.05, "sd of a town's shift in initial views", source=assumed("towns differ a little; not measured"))
    opinion_concentration: float = param(6.0, lo=0.0, lo_open=True, doc="Beta concentration of views", source=assumed("views spread moderately"))
    issues: dict[str, PollIssue] = field(default_factory=lambda: {
        "airport": PollIssue(0.8, 0.55, 0.5), "revenue_sharing": PollIssue(0.2, 0.7, 0.3)}, metadata={"source": assumed("a salient issue (airport) and a low-salience one (revenue sharing) as in New Haven; saliences and centres are guesses")})


@dataclass
class RandomizationConfig:
    statistic: str = param("difference_in_differences", choices=tuple(POINT_ESTIMATORS),
                           doc="estimator whose estimate is re-computed on each re-drawn assignment", source=setting("estimator of the randomisation test"))
    draws: int = param(1000, lo=19, doc="re-drawn assignments", source=setting("precision of the randomisation test"))


@dataclass
class TruthConfig:
    potential_outcomes: str = param("all", choices=("all", "assigned"),
                                    doc="all: every unit untreated and treated at every start; assigned: only the drawn", source=setting("what the truth is computed on"))
    replications: int = param(200, lo=0, doc="re-drawn assignments for bias, coverage and power of each estimator", source=setting("precision of bias and coverage"))


@dataclass
class PowerConfig:
    design: str | None = param(None, choices=DESIGN_KINDS, doc="design whose size varies (null: no power analysis)", source=setting("analysis choice"))
    estimator: str = param("difference_in_differences", choices=tuple(POINT_ESTIMATORS), source=setting("analysis choice"))
    outcome: str = param("satisfaction", source=setting("analysis choice"))
    n_treated: list[int] = param([], doc="numbers of treated units (clusters for the cluster design)", source=setting("analysis choice"))
    replications: int = param(200, lo=10, source=setting("precision of the power estimate"))
    additive_effects: list[float] = param([], doc="effects added to untreated outcomes (outcome units)", source=setting("analysis choice"))
    target_power: float = param(0.8, lo=0.5, hi=0.99, source=setting("conventional 80% power"))


@dataclass
class InterferenceConfig:
    """Links between the communities of one district (docs/experiments.md, Interference)."""

    enabled: bool = param(False, doc="communities influence each other (off: each community stands alone)", source=setting("analysis choice: the no-interference assumption or not"))
    district_training: bool = param(True, doc="the district trains every street office, controls' included", source=case("gulou.district_training", rule="it happened", derive=lambda _: True))
    district_training_period: int = param(7, lo=1, doc="period of the district training (1-based)", source=case("gulou.district_training", rule="11 July 2015: the third quarter of 2015, period 7 of quarters from 2014", derive=lambda _: 7))
    district_training_week: int = param(2, lo=1, doc="week of the period it is held in", source=case("gulou.district_training", rule="11 July: the second week of the quarter", derive=lambda _: 2))
    openness_gain: float = probability(0.2, "street office: rise in openness from the district training", source=TRAINING_GAIN)
    responsiveness_gain: float = probability(0.15, "street office: rise in responsiveness", source=TRAINING_GAIN)
    fade: float = probability(0.03, "share of the remaining gain lost each week", source=TRAINING_GAIN)
    diffusion: float = probability(0.5, "strength of practice diffusion: a control community whose street office has a treated community runs the bundle's training with its gains x this, from the first treated neighbour's start", source=assumed("Gulou's case-sharing meetings spread practice between neighbouring communities; the strength is a guess"))


TRAINING_PROGRAMMES = ("deliberation_training", "empowerment_training", "most_course")  # what diffuses


@dataclass
class ExperimentConfig:
    name: str = param("experiment", doc="label in the outputs", source=setting("label"))
    kind: str = param("communities", choices=KINDS, doc="units are simulated communities, or poll participants", source=setting("kind of experiment"))
    n_communities: int = param(118, lo=2, source=case("gulou.communities"))
    n_street_offices: int = param(13, lo=1, doc="sites communities belong to (strata, clusters)", source=case("gulou.street_offices"))
    n_periods: int = param(12, lo=2, doc="periods the run is cut into (the panel's time axis)", source=assumed("a quarter per period over the three-year plan"))
    population: PopulationConfig = param(PopulationConfig())
    poll: PollConfig = param(PollConfig())
    treatment: dict[str, Any] = param({}, doc="intervention name -> params; schedule counts from the treated period", source=setting("which programmes are the treatment: chosen per experiment"))
    designs: dict[str, Any] = param({"complete": {}}, choices=DESIGN_KINDS, source=setting("analysis choice"))
    outcomes: list[str] = param(["satisfaction"], source=assumed("Gulou's first outcome: residents' satisfaction"))
    pretest: str = param("satisfaction", doc="outcome whose pre-period value blocks and guides officials", source=case("gulou.pretest"))
    estimators: list[str] = param(["difference_in_means", "difference_in_differences"], choices=tuple(ESTIMATORS), source=setting("analysis choice"))
    confidence: float = param(0.95, lo=0.5, hi=0.999, source=setting("conventional 95%"))
    randomization: RandomizationConfig = param(RandomizationConfig())
    truth: TruthConfig = param(TruthConfig())
    power: PowerConfig = param(PowerConfig())
    interference: InterferenceConfig = param(InterferenceConfig())
    n_jobs: int = param(-1, lo=-1, hi=1024, doc="parallel jobs (joblib; -1: all cores; not 0)", source=setting("parallel jobs"))
    backend: str | None = param(None, choices=BACKENDS, doc="joblib backend (null: joblib's default, loky)", source=setting("parallel backend"))

    @property
    def n_units(self) -> int:
        return self.poll.n_participants if self.kind == "poll" else self.n_communities

    @property
    def n_sites(self) -> int:
        return self.poll.n_towns if self.kind == "poll" else self.n_street_offices

    def limits(self) -> Limits:
        poll = self.kind == "poll"
        return Limits(self.n_units, self.n_sites, self.n_periods, self.n_units // self.n_sites,
                      "experiment.poll.n_participants" if poll else "experiment.n_communities",
                      "experiment.poll.n_towns" if poll else "experiment.n_street_offices")

    def outcome_names(self) -> tuple[str, ...]:
        if self.kind == "poll":
            return tuple(f"{m}_{issue}" for issue in self.poll.issues
                         for m in ("opinion", "support", "single_peaked"))
        return (*indicators.MEASURES, *RANKS)


def validate_experiment(raw: Mapping | None, base: ModelConfig) -> ExperimentConfig:
    """Check the ``experiment`` mapping against :class:`ExperimentConfig` and the base config."""
    from sim.interventions import build_intervention_params

    exp = build(ExperimentConfig, raw, "experiment")
    exp.designs = {kind: build_design(kind, params, "experiment.designs") for kind, params in exp.designs.items()}
    if not exp.designs:
        raise ConfigError("experiment.designs", {}, "needs at least one design; allowed: " + ", ".join(DESIGN_KINDS))
    treatment, exp.treatment = exp.treatment, {}
    for name, params in treatment.items():
        try:
            exp.treatment[name] = build_intervention_params(name, params)
        except ConfigError as error:
            raise ConfigError("experiment.treatment" + error.key.removeprefix("interventions"),
                              error.value, error.allowed) from None
    _check(exp, base)
    return exp


def _check(exp: ExperimentConfig, base: ModelConfig) -> None:
    poll = exp.kind == "poll"
    if exp.n_jobs == 0:
        raise ConfigError("experiment.n_jobs", 0, "must be -1 (all cores) or a number of jobs in [1, 1024]")
    allowed = exp.outcome_names()
    for i, name in enumerate(exp.outcomes):
        if name not in allowed:
            raise ConfigError(f"experiment.outcomes[{i}]", name, "allowed: " + ", ".join(allowed))
    if not exp.outcomes:
        raise ConfigError("experiment.outcomes", [], "needs at least one outcome; allowed: " + ", ".join(allowed))
    if exp.pretest not in allowed:
        raise ConfigError("experiment.pretest", exp.pretest, "allowed: " + ", ".join(allowed))
    if not exp.estimators:
        raise ConfigError("experiment.estimators", [], "needs at least one; allowed: " + ", ".join(ESTIMATORS))
    if poll:
        if exp.n_periods != 2:
            raise ConfigError("experiment.n_periods", exp.n_periods, "must be 2 for a poll: before and after")
        if not exp.poll.issues:
            raise ConfigError("experiment.poll.issues", {}, "needs at least one issue")
        if exp.poll.design == "groups_by_issue":
            if exp.poll.treated_issue not in exp.poll.issues:
                raise ConfigError("experiment.poll.treated_issue", exp.poll.treated_issue,
                                  "allowed: " + ", ".join(exp.poll.issues))
            if len(exp.poll.issues) < 2:
                raise ConfigError("experiment.poll.design", exp.poll.design,
                                  "needs two issues or more (the controls discuss the others); or deliberate_or_not")
            if exp.poll.n_groups < 2:
                raise ConfigError("experiment.poll.n_groups", exp.poll.n_groups,
                                  "must be at least 2 with groups_by_issue (treated and control groups)")
        if exp.treatment:
            raise ConfigError("experiment.treatment", list(exp.treatment),
                              "must be empty for a poll: the treatment is deliberating")
    else:
        if not exp.treatment:
            raise ConfigError("experiment.treatment", {}, "needs at least one intervention; allowed: "
                              + ", ".join(_intervention_names()))
        for name, params in exp.treatment.items():
            if name in base.interventions:
                raise ConfigError(f"experiment.treatment.{name}", name,
                                  "is already switched on for every community in interventions")
            if params.schedule.start > base.steps:
                raise ConfigError(f"experiment.treatment.{name}.schedule.start", params.schedule.start,
                                  f"must be <= steps ({base.steps}): counted from the first treated week, "
                                  "it would never act")
            if name == "street_office_training" and exp.interference.enabled:
                raise ConfigError(f"experiment.treatment.{name}", name, "is the district training of "
                                  "experiment.interference: set it there, or switch interference off")
        if exp.truth.potential_outcomes == "assigned" and exp.truth.replications > 0:
            raise ConfigError("experiment.truth.replications", exp.truth.replications,
                              "must be 0 with truth.potential_outcomes=assigned: re-drawn assignments need "
                              "every community's potential outcomes (potential_outcomes=all)")
        if base.network.kind == "edgelist" and exp.population.size_cv > 0:
            raise ConfigError("experiment.population.size_cv", exp.population.size_cv,
                              "must be 0 with network.kind=edgelist: a surveyed network has a fixed size")
        if base.steps < exp.n_periods:
            raise ConfigError("experiment.n_periods", exp.n_periods, f"must be <= steps ({base.steps})")
        if sum(h.weight for h in exp.population.housing.values()) <= 0:
            raise ConfigError("experiment.population.housing", {k: h.weight for k, h in exp.population.housing.items()},
                              "at least one housing type needs weight > 0")
    _check_interference(exp)
    if exp.n_sites > exp.n_units:
        key = exp.limits().sites_key
        raise ConfigError(key, exp.n_sites, f"must be <= {exp.limits().units_key} ({exp.n_units})")
    lim = exp.limits()
    for kind, design in exp.designs.items():
        design.check(f"experiment.designs.{kind}", lim)
    _check_power(exp, lim)
    if exp.backend == "ray":
        ray_backend.require("experiment.backend", exp.backend)


def _check_interference(exp: ExperimentConfig) -> None:
    i = exp.interference
    if not i.enabled:
        return
    if exp.kind == "poll":
        raise ConfigError("experiment.interference.enabled", True, "must be false for a poll")
    if not 1 <= i.district_training_period <= exp.n_periods:
        raise ConfigError("experiment.interference.district_training_period", i.district_training_period,
                          f"must be in [1, experiment.n_periods ({exp.n_periods})]")
    if i.diffusion > 0 and not any(name in exp.treatment for name in TRAINING_PROGRAMMES):
        raise ConfigError("experiment.interference.diffusion", i.diffusion,
                          "needs a training programme in experiment.treatment to diffuse ("
                          + ", ".join(TRAINING_PROGRAMMES) + "), or diffusion: 0")


def _check_power(exp: ExperimentConfig, lim: Limits) -> None:
    p = exp.power
    if p.design is None:
        return
    if p.design not in exp.designs:
        raise ConfigError("experiment.power.design", p.design, "allowed: the configured designs: "
                          + ", ".join(exp.designs))
    design: Design = exp.designs[p.design]
    if not design.resizable:
        sizeable = ", ".join(k for k, d in exp.designs.items() if d.resizable)
        raise ConfigError("experiment.power.design", p.design,
                          f"the {p.design} design has no single number of treated units to vary; allowed: {sizeable}")
    if p.outcome not in exp.outcomes:
        raise ConfigError("experiment.power.outcome", p.outcome, "allowed: " + ", ".join(exp.outcomes))
    if not p.n_treated:
        raise ConfigError("experiment.power.n_treated", [], "needs at least one number of treated units")
    for i, k in enumerate(p.n_treated):
        try:
            design.resized(k).check(f"experiment.designs.{p.design}", lim)
        except ConfigError as error:
            raise ConfigError(f"experiment.power.n_treated[{i}]", k,
                              f"the {p.design} design cannot treat {k}: {error}") from None


def _intervention_names() -> list[str]:
    from sim.interventions import REGISTRY

    return sorted(REGISTRY)
