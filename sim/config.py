"""The model's parameters: one dataclass per submodel, each field with its range and meaning.

These classes are the only place a default, range or meaning is written: ``sim/conf`` stores
their defaults in Hydra's ConfigStore (``model_defaults``), so the YAML files there hold only what
a scenario or preset changes. :func:`validate_config` checks a composed config against these
classes (types, ranges, known names, consistency) and returns a :class:`ModelConfig`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.schema import ConfigError, build, param, probability, seed_param
from sim.provenance import assumed, calibrated, case, literature, setting

# the source of several parameters below
NO_SURVEY = assumed("the cases report no survey measures; a low-to-middling level, as the obstacles Gulou names suggest")

DELIBERATION_MODES = ("snowball", "elite", "council", "all_member", "cloud", "panoramic")
NETWORK_KINDS = ("courtyard", "watts_strogatz", "barabasi_albert", "edgelist")
LEADER_ASSIGNMENTS = ("self_selected", "appointed", "random")
ISSUE_SCOPES = ("courtyard", "community")


@dataclass
class CommunityConfig:
    """Who lives in the community (docs/ODD.md §2)."""

    n_residents: int = param(2000, lo=1, hi=10_000_000, doc="residents (network nodes)", source=assumed("a mid-sized urban community; the cases give no residents per community"))
    share_young: float = probability(0.3, "age group under 40", source=assumed("age structure of an urban community; not in the cases"))
    share_elderly: float = probability(0.25, "age group 60 and over", source=assumed("age structure of an urban community; not in the cases"))
    online_young: float = probability(0.95, "share of the young with online access", source=assumed("online access by age; the cases give no figures"))
    online_middle: float = probability(0.8, "share of the middle-aged with online access", source=assumed("online access by age; the cases give no figures"))
    online_elderly: float = probability(0.35, "share of the elderly with online access", source=assumed("online access by age; the cases give no figures"))
    share_conditional_cooperators: float = probability(0.5, "share of conditional cooperators", source=literature("Fischbacher, Gächter & Fehr 2001: about half of subjects are conditional cooperators"))
    share_free_riders: float = probability(0.33, "share of free-riders", source=literature("Fischbacher, Gächter & Fehr 2001: about a third are free-riders"))
    interest_mean: float = probability(0.35, "mean interest in public affairs", source=NO_SURVEY)
    efficacy_mean: float = probability(0.35, "mean sense of efficacy", source=NO_SURVEY)
    trust_mean: float = probability(0.45, "mean trust in officials", source=NO_SURVEY)
    satisfaction_mean: float = probability(0.5, "mean satisfaction with community affairs", source=assumed("midpoint: the cases give a satisfaction ranking, not levels"))
    capacity_mean: float = probability(0.3, "mean skills for taking part", source=NO_SURVEY)
    time_cost_mean: float = param(0.5, lo=0.0, hi=100.0, doc="mean weekly time cost of attending a meeting", source=assumed("scale of costs: a meeting costs half of a full benefit"))
    threshold_mean: float = probability(0.3, "mean Granovetter threshold (share of active neighbours)", source=assumed("Granovetter 1978 gives the threshold mechanism, not its level"))
    initial_belief: float = probability(0.5, "conditional cooperators' first guess of others' turnout", source=assumed("an uninformed first guess: half"))
    initial_habit_mean: float = probability(0.15, "mean habit of taking part at the start (sim/habit.py)", source=calibrated("free_rider_decay and backbone_concentration: the community has met before the run, so a few residents start as regulars"))
    initial_habit_concentration: float = param(2.0, lo=0.01, hi=10_000.0,
                                               doc="Beta concentration of initial habits: low = a few regulars", source=assumed("a skewed spread: most residents have little habit, a few much"))
    attribute_concentration: float = param(8.0, lo=0.01, hi=10_000.0,
                                           doc="Beta concentration of attribute draws", source=assumed("a moderate spread of attributes around their means"))
    residents: str | None = param(None, doc="survey microdata (CSV or Parquet): residents copied from it", source=setting("optional input file of survey microdata"))


@dataclass
class CourtyardNetworkConfig:
    """Households in courtyards, courtyards in the community."""

    household_size: int = param(3, lo=1, hi=50, doc="members per household (all tied)", source=assumed("a typical urban household; not in the cases"))
    households_per_courtyard: int = param(70, lo=1, hi=100_000, source=case("chengdu.jinjiang_courtyards", rule="the default 2,000 residents in households of 3 make as many courtyards as a Jinjiang community has (9.4): 2000 / 3 / 9.4, rounded down to tens (10 courtyards)", derive=lambda per_community: int(2000 / 3 / per_community // 10 * 10)))
    ties_within_courtyard: float = param(4.0, lo=0.0, hi=1000.0, doc="mean extra ties to courtyard neighbours", source=assumed("dense ties among courtyard neighbours"))
    ties_between_courtyards: float = param(1.0, lo=0.0, hi=1000.0, doc="mean ties to other courtyards", source=assumed("few ties across courtyards"))


@dataclass
class WattsStrogatzConfig:
    k: int = param(6, lo=2, hi=1000, doc="ring neighbours", source=assumed("a small-world alternative for robustness checks"))
    p: float = probability(0.1, "rewiring probability", source=assumed("a small-world alternative for robustness checks"))


@dataclass
class BarabasiAlbertConfig:
    m: int = param(3, lo=1, hi=1000, doc="edges from each new node", source=assumed("a scale-free alternative for robustness checks"))


@dataclass
class EdgeListConfig:
    path: str | None = param(None, doc="CSV with columns source,target", source=setting("input file"))
    nodes_path: str | None = param(None, doc="optional CSV: column node, optional courtyard, household", source=setting("input file"))


@dataclass
class NetworkConfig:
    kind: str = param("courtyard", choices=NETWORK_KINDS, source=assumed("households in courtyards, the unit of self-governance in Chengdu (docs/cases.md §Chengdu)"))
    courtyard_size: int = param(210, lo=1, hi=10_000_000, doc="residents per courtyard for non-courtyard kinds", source=assumed("as in the courtyard network: 70 households x 3 members"))
    courtyard: CourtyardNetworkConfig = param(CourtyardNetworkConfig())
    watts_strogatz: WattsStrogatzConfig = param(WattsStrogatzConfig())
    barabasi_albert: BarabasiAlbertConfig = param(BarabasiAlbertConfig())
    edgelist: EdgeListConfig = param(EdgeListConfig())


@dataclass
class IssueKindConfig:
    salience: float = probability(0.5, "how much residents care", source=assumed("a middling default for a kind a user adds"))
    scope: str = param("courtyard", choices=ISSUE_SCOPES, source=assumed("most issues concern a courtyard"))
    weight: float = param(1.0, lo=0.0, hi=1e6, doc="relative frequency", source=assumed("equal frequency for a kind a user adds"))


DEFAULT_ISSUE_KINDS = {
    "parking": IssueKindConfig(0.6, "courtyard", 2.0),
    "safety": IssueKindConfig(0.7, "courtyard", 1.0),
    "environment": IssueKindConfig(0.5, "courtyard", 1.5),
    "facility_repair": IssueKindConfig(0.6, "courtyard", 1.5),
    "elderly_care": IssueKindConfig(0.5, "community", 0.5),
    "development_plan": IssueKindConfig(0.3, "community", 0.3),
}


@dataclass
class IssuesConfig:
    rate: float = param(0.14, lo=0.0, hi=10.0, doc="courtyard issues per step per 1,000 residents (Poisson mean)", source=assumed("the cases give no rate of issues; about one courtyard issue every three to four weeks at 2,000 residents, so a resident's courtyard has an issue about every 34 weeks"))
    community_rate: float = param(0.03, lo=0.0, hi=10.0, doc="community-wide issues per step (Poisson mean)", source=assumed("community-wide issues are rare: one or two a year"))
    courtyards_touched: int = param(1, lo=1, hi=100_000, doc="courtyards a courtyard-scope issue touches", source=assumed("an issue concerns its own courtyard (a courtyard of 70 households: its gate, parking, repairs)"))
    max_age: int = param(12, lo=1, hi=100_000, doc="steps an undiscussed issue stays open before cadres decide alone", source=assumed("about three months before cadres decide alone"))
    kinds: dict[str, IssueKindConfig] = field(default_factory=lambda: dict(DEFAULT_ISSUE_KINDS), metadata={"source": assumed("kinds residents raise in the cases (parking, safety and gates, repairs, elderly care); salience and frequency are guesses: the cases give none")})


@dataclass
class ParticipationConfig:
    """R = pB - C + D (Riker & Ordeshook 1968) plus social influence, P = logistic(beta*U)."""

    beta: float = param(4.0, lo=0.0, hi=100.0, doc="logistic slope", source=assumed("a logistic slope that makes choices neither random nor deterministic"))
    intercept: float = param(-0.8, lo=-100.0, hi=100.0, doc="baseline propensity", source=calibrated("turnout_reading and backbone_concentration: a below-even baseline (residents take part only when their interest is hurt, a Gulou obstacle) giving about 3% of residents per deliberation day"))
    benefit_weight: float = param(2.0, lo=0.0, hi=100.0, source=assumed("weights of R = pB - C + D (Riker & Ordeshook 1968 give the form, not the weights)"))
    cost_weight: float = param(1.0, lo=0.0, hi=100.0, source=assumed("unit weight: costs are the scale of the other terms"))
    capacity_cost_relief: float = probability(0.6, "share of time cost that full capacity removes", source=assumed("skills lower the cost of taking part (Verba, Schlozman & Brady 1995 give the mechanism, not the size)"))
    duty_weight: float = param(0.5, lo=0.0, hi=100.0, doc="civic duty D", source=assumed("weights of R = pB - C + D (Riker & Ordeshook 1968 give the form, not the weights)"))
    social_weight: float = param(0.3, lo=0.0, hi=100.0, doc="Granovetter threshold term", source=calibrated("thresholds_matter with turnout_reading: Granovetter 1978 gives the form, not the weight; 0.3 keeps recently active neighbours' pull from running away"))
    threshold_alpha: float = param(3.0, lo=0.01, hi=100.0, doc="steepness of X^a/(T^a+X^a)", source=assumed("a steep but smooth threshold"))
    leader_weight: float = param(0.6, lo=0.0, hi=100.0, doc="pull of neighbouring leaders (recruitment)", source=assumed("recruitment by leaders (Verba, Schlozman & Brady 1995 give the mechanism, not the size)"))
    organisation_weight: float = param(0.4, lo=0.0, hi=100.0, doc="extra duty of public-good organisation members", source=assumed("members of public-good groups feel more duty; size not measured"))
    belief_rate: float = probability(0.3, "how fast beliefs about others' turnout follow what is seen", source=assumed("beliefs follow observed turnout within a few weeks"))
    courtyard_weight: float = probability(0.5, "weight of courtyard turnout (vs network neighbours') in what is seen", source=assumed("residents see their courtyard and their own ties equally"))
    recent_window: int = param(12, lo=1, hi=100_000, doc="weeks a neighbour who took part counts as active", source=assumed("three monthly deliberation days: a quarter"))
    habit_weight: float = param(1.0, lo=0.0, hi=100.0, doc="pull of the habit of taking part (sim/habit.py)", source=calibrated("backbone_concentration: Gerber, Green & Shachar 2003 and Plutzer 2002 show habit, not its size in this utility"))
    habit_gain: float = probability(0.3, "habit gained per meeting attended: h += gain * (1 - h)", source=assumed("a few meetings make a regular"))
    habit_decay: float = probability(0.013, "weekly fading of the habit (0.013: halves in about a year)", source=assumed("a habit halves in about a year without meetings: 0.987^52 = 0.51"))


@dataclass
class DeliberationConfig:
    mode: str = param("snowball", choices=DELIBERATION_MODES, source=assumed("snowball: started by the parties to an issue, the first of the six Gulou modes"))
    meeting_interval: int = param(4, lo=1, hi=100_000, doc="steps between deliberation days", source=case("gulou.deliberation_day", rule="a month of about 4 weeks: round(52 / 12)", derive=lambda n: round(52 / n)))
    group_size: int = param(12, lo=2, hi=100_000, doc="largest discussion group", source=assumed("a table that can talk; not in the cases"))
    rounds: int = param(3, lo=1, hi=1000, doc="opinion-averaging rounds per meeting", source=assumed("a few exchanges per meeting"))
    susceptibility: float = probability(0.3, "Friedkin-Johnsen weight on the group view", source=assumed("Friedkin-Johnsen form; the weight is not measured"))
    chair_susceptibility: float = probability(0.05, "a chair is a stubborn node", source=assumed("a chair barely moves (stubborn node)"))
    leader_weight: float = param(4.0, lo=0.0, hi=1000.0, doc="extra weight of a leader chair's opinion", source=assumed("a leader chair outweighs a member several times, so leaders move outcomes a lot as in São Tomé (Humphreys, Masters & Sandbu 2006); not fitted"))
    facilitation: float = probability(0.2, "neutral moderation: 1 removes the chair's pull", source=assumed("little neutral moderation; Sandefur et al. 2022 (well moderated, no facilitator effect) is the other end"))
    confidence_bound: float = probability(1.0, "Hegselmann-Krause bound; 1 = listen to all", source=assumed("everyone listens to everyone; Hegselmann-Krause bounds are an option"))
    leader_assignment: str = param("self_selected", choices=LEADER_ASSIGNMENTS, source=assumed("leaders choose themselves where no programme assigns them"))
    cloud_cost_factor: float = probability(0.3, "cost of taking part online relative to offline", source=assumed("online costs less time; the cases give no figure"))
    elite_interest_quantile: float = probability(0.8, "elite mode invites residents above this", source=assumed("the top fifth by interest are the everyday activists"))
    council_size: int = param(21, lo=1, hi=10_000_000, doc="members of the council (council mode)", source=case("chengdu.council_min"))
    steer_share: float = probability(0.25, "chair pull above which a meeting counts as steered", source=assumed("a chair's pull above a quarter of the group view counts as steering"))


@dataclass
class OfficialsConfig:
    n_cadres: int = param(5, lo=1, hi=1000, doc="residents'-committee and party cadres", source=assumed("a residents' committee of five; not in the cases"))
    responsiveness: float = probability(0.4, "base chance to answer an issue, before administrative load", source=calibrated("Chen, Pan & Xu 2016: about a third of local governments respond at baseline; 0.4 x (1 - admin_load 0.3) = 0.28, plus the threat term at the default turnout: officials answer 0.36 of deliberated issues (measured, seeds 1-5)"))
    admin_load: float = probability(0.3, "share of time taken by administrative tasks", source=assumed("cadres overloaded with administrative tasks (a Gulou obstacle); the share is not measured"))
    openness: float = probability(0.5, "openness to deliberation: chance a response adopts", source=assumed("even odds that a response adopts the proposal"))
    power_retained: float = probability(0.9, "share of decision power officials keep", source=assumed("officials keep most power: Gulou residents sit at the informing and consultation rungs (Arnstein 1969)"))
    threat_effect: float = param(0.5, lo=0.0, hi=100.0, doc="rise in response per unit turnout share", source=assumed("collective action raises response (Chen, Pan & Xu 2016 give the direction, not this size)"))
    partnership_threshold: float = probability(0.7, "below this retained power decisions are shared", source=assumed("cut points of Arnstein's rungs on retained power"))
    delegation_threshold: float = probability(0.4, "below this retained power residents decide", source=assumed("cut points of Arnstein's rungs on retained power"))
    legacy_years: float = param(0.0, lo=0.0, hi=100.0, doc="years of top-down discussion meetings before the run (sim/entrenchment.py)", source=setting("a community's history: 0 unless a scenario or an experiment's population sets it (Gulou's ran about 15 years, gulou.legacy_years)"))
    entrenchment_half_years: float = param(10.0, lo=0.0, lo_open=True, hi=1000.0, doc="years of legacy meetings at which their way of working has weight 1/2", source=assumed("Gulou: the longer the discussion meetings had run, the harder to change; the scale is a guess"))
    reversion_rate: float = probability(0.05, "weekly pull of officials' practice back to its starting value, at entrenchment 1", source=assumed("a changed practice of fully entrenched cadres halves its distance to the old one in about 14 weeks; a guess"))


@dataclass
class AttitudesConfig:
    efficacy_rate: float = probability(0.15, "aspiration learning rate", source=assumed("aspiration learning (Bendor, Diermeier & Ting 2003 give the form, not the rate)"))
    aspiration_rate: float = probability(0.05, source=assumed("aspirations move slower than efficacy"))
    trust_rate: float = probability(0.1, source=assumed("trust follows responses within months"))
    satisfaction_rate: float = probability(0.1, source=assumed("satisfaction follows outcomes within months"))
    procedure_weight: float = probability(0.5, "weight of procedure vs outcome", source=assumed("procedure and outcome count equally (Olken 2010: process can matter for satisfaction; no weight given)"))
    informed_weight: float = probability(0.3, "how much touched non-attendees learn", source=assumed("non-attendees learn less than attendees"))


@dataclass
class LeadersConfig:
    n_initial: int = param(40, lo=0, hi=10_000_000, doc="leaders at the start", source=assumed("2% of residents are activists at the start; the cases give no count"))
    influence_mean: float = param(1.0, lo=0.0, hi=100.0, source=assumed("unit of leader influence"))
    emergence_rate: float = probability(0.02, "weekly chance an eligible resident becomes a leader", source=assumed("slow emergence of leaders"))
    emergence_min_meetings: int = param(3, lo=0, hi=100_000, source=assumed("a few meetings before one can lead"))
    emergence_capacity: float = probability(0.55, source=assumed("above-average skills to lead"))
    stepdown_efficacy: float = probability(0.1, source=assumed("a leader with almost no efficacy left steps down"))
    stepdown_rate: float = probability(0.05, source=assumed("weekly chance then"))
    stance_weight: float = probability(0.8, "share of a leader's view on each issue that is their standing stance", source=calibrated("leader_identity_across_issues: Humphreys, Masters & Sandbu 2006 find leader identity explains much of the variation across the questions a leader chaired"))
    proposal_rate: float = probability(0.005, "weekly chance a leader without an open issue raises a courtyard's proposal", source=calibrated("more_leaders_more_participation and turnout_reading: leaders bring residents' proposals (Xiaotaoyuan's rotating resident chairs), about one every four years per leader"))


@dataclass
class OrganisationsConfig:
    founding_rate: float = probability(0.02, "weekly chance a leader without one founds one", source=assumed("slow founding of self-organisations"))
    public_good_share: float = probability(0.2, "share founded as public-good groups", source=assumed("most groups start as hobby groups (Chengdu step 3 turns hobby into public-good groups)"))
    recruit_rate: float = probability(0.1, "weekly chance a member invites a neighbour", source=assumed("groups grow by invitation"))
    conversion_rate: float = probability(0.01, "weekly chance a hobby group turns public-good", source=assumed("hobby groups rarely turn public-good on their own"))
    conversion_min_size: int = param(8, lo=1, hi=100_000, source=assumed("a group needs some size to take on a public task"))
    decay: float = probability(0.02, "weekly capacity loss", source=assumed("capacity wears off without activity"))
    leave_rate: float = probability(0.01, "weekly chance a member leaves", source=assumed("members drift away slowly"))
    min_size: int = param(3, lo=1, hi=100_000, doc="fewer members than this dissolves the group", source=assumed("a group of fewer than three is no group"))
    dissolve_capacity: float = probability(0.05, "capacity below which the group dissolves", source=assumed("a group with almost no capacity dissolves"))
    grace_steps: int = param(26, lo=0, hi=100_000, doc="steps a new group has to reach min_size", source=assumed("half a year to gather members"))


@dataclass
class LadderConfig:
    window: int = param(52, lo=1, hi=100_000, doc="steps of decisions the community rung looks back on", source=assumed("a year of decisions"))


@dataclass
class ModelConfig:
    seed: int = seed_param(42)
    steps: int = param(156, lo=1, hi=100_000, doc="weeks", source=case("gulou.plan_years", rule="weeks of the three-year plan: 52 x 3", derive=lambda n: 52 * n))
    community: CommunityConfig = param(CommunityConfig())
    network: NetworkConfig = param(NetworkConfig())
    issues: IssuesConfig = param(IssuesConfig())
    participation: ParticipationConfig = param(ParticipationConfig())
    deliberation: DeliberationConfig = param(DeliberationConfig())
    officials: OfficialsConfig = param(OfficialsConfig())
    attitudes: AttitudesConfig = param(AttitudesConfig())
    leaders: LeadersConfig = param(LeadersConfig())
    organisations: OrganisationsConfig = param(OrganisationsConfig())
    ladder: LadderConfig = param(LadderConfig())
    interventions: dict[str, Any] = param({}, source=setting("which programmes run: chosen per scenario"))


def validate_config(raw: Mapping | ModelConfig | None) -> ModelConfig:
    """Check a composed config (plain mapping) and return the typed :class:`ModelConfig`."""
    from sim.budget import check_memory
    from sim.interventions import build_intervention_params

    if isinstance(raw, ModelConfig):
        raw = as_plain(raw)
    raw = dict(raw or {})
    interventions = raw.pop("interventions", None) or {}
    cfg = build(ModelConfig, raw)
    if not isinstance(interventions, Mapping):
        raise ConfigError("interventions", interventions, "must be a mapping of name -> parameters")
    cfg.interventions = {name: build_intervention_params(name, params)
                         for name, params in interventions.items()}
    _check_consistency(cfg)
    check_memory(cfg)  # sim/budget.py: refuse before allocating what this machine cannot hold
    return cfg


def as_plain(cfg: ModelConfig) -> dict:
    """The config as plain data (what ``summary.json`` and ``config.yaml`` record)."""
    from dataclasses import asdict

    out = asdict(cfg)
    out["interventions"] = {k: asdict(v) for k, v in cfg.interventions.items()}
    return out


def _check_consistency(cfg: ModelConfig) -> None:
    c = cfg.community
    if c.share_young + c.share_elderly > 1:
        raise ConfigError("community.share_elderly", c.share_elderly,
                          f"share_young + share_elderly must be <= 1 (share_young = {c.share_young})")
    if c.share_conditional_cooperators + c.share_free_riders > 1:
        raise ConfigError("community.share_free_riders", c.share_free_riders,
                          "share_conditional_cooperators + share_free_riders must be <= 1 "
                          f"(share_conditional_cooperators = {c.share_conditional_cooperators})")
    if cfg.leaders.n_initial > c.n_residents:
        raise ConfigError("leaders.n_initial", cfg.leaders.n_initial,
                          f"must be <= community.n_residents ({c.n_residents})")
    if cfg.deliberation.council_size > c.n_residents:
        raise ConfigError("deliberation.council_size", cfg.deliberation.council_size,
                          f"must be <= community.n_residents ({c.n_residents})")
    if c.residents is not None:
        from sim.microdata import read_survey

        read_survey(c.residents)  # refuses a bad file naming its row and column
    if not cfg.issues.kinds:
        raise ConfigError("issues.kinds", {}, "needs at least one issue kind")
    if sum(k.weight for k in cfg.issues.kinds.values()) <= 0:
        raise ConfigError("issues.kinds", {k: v.weight for k, v in cfg.issues.kinds.items()},
                          "at least one kind needs weight > 0")
    o = cfg.officials
    if o.delegation_threshold > o.partnership_threshold:
        raise ConfigError("officials.delegation_threshold", o.delegation_threshold,
                          f"must be <= officials.partnership_threshold ({o.partnership_threshold})")
    net = cfg.network
    if net.watts_strogatz.k % 2:
        raise ConfigError("network.watts_strogatz.k", net.watts_strogatz.k,
                          "must be even (k/2 ring neighbours on each side)")
    if net.kind == "watts_strogatz" and net.watts_strogatz.k >= c.n_residents:
        raise ConfigError("network.watts_strogatz.k", net.watts_strogatz.k,
                          f"must be < community.n_residents ({c.n_residents})")
    if net.kind == "barabasi_albert" and net.barabasi_albert.m >= c.n_residents:
        raise ConfigError("network.barabasi_albert.m", net.barabasi_albert.m,
                          f"must be < community.n_residents ({c.n_residents})")
    if net.kind == "edgelist":
        if not net.edgelist.path:
            raise ConfigError("network.edgelist.path", net.edgelist.path,
                              "network.kind=edgelist needs a CSV file with columns source,target")
        for key in ("path", "nodes_path"):
            p = getattr(net.edgelist, key)
            if p is not None and not Path(p).is_file():
                raise ConfigError(f"network.edgelist.{key}", p, "file not found (or not a regular file)")
    for name, params in cfg.interventions.items():
        params.check(f"interventions.{name}", cfg)
