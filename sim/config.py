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

DELIBERATION_MODES = ("snowball", "elite", "council", "all_member", "cloud", "panoramic")
NETWORK_KINDS = ("courtyard", "watts_strogatz", "barabasi_albert", "edgelist")
LEADER_ASSIGNMENTS = ("self_selected", "appointed", "random")
ISSUE_SCOPES = ("courtyard", "community")


@dataclass
class CommunityConfig:
    """Who lives in the community (docs/ODD.md §2)."""

    n_residents: int = param(2000, lo=1, hi=10_000_000, doc="residents (network nodes)")
    share_young: float = probability(0.3, "age group under 40")
    share_elderly: float = probability(0.25, "age group 60 and over")
    online_young: float = probability(0.95, "share of the young with online access")
    online_middle: float = probability(0.8, "share of the middle-aged with online access")
    online_elderly: float = probability(0.35, "share of the elderly with online access")
    share_conditional_cooperators: float = probability(0.5, "Fischbacher et al. 2001: about half")
    share_free_riders: float = probability(0.33, "Fischbacher et al. 2001: about a third")
    interest_mean: float = probability(0.35, "mean interest in public affairs")
    efficacy_mean: float = probability(0.35, "mean sense of efficacy")
    trust_mean: float = probability(0.45, "mean trust in officials")
    satisfaction_mean: float = probability(0.5, "mean satisfaction with community affairs")
    capacity_mean: float = probability(0.3, "mean skills for taking part")
    time_cost_mean: float = param(0.5, lo=0.0, hi=100.0, doc="mean weekly time cost of attending a meeting")
    threshold_mean: float = probability(0.3, "mean Granovetter threshold (share of active neighbours)")
    initial_belief: float = probability(0.5, "conditional cooperators' first guess of others' turnout")
    initial_habit_mean: float = probability(0.15, "mean habit of taking part at the start (sim/habit.py)")
    initial_habit_concentration: float = param(2.0, lo=0.01, hi=10_000.0,
                                               doc="Beta concentration of initial habits: low = a few regulars")
    attribute_concentration: float = param(8.0, lo=0.01, hi=10_000.0,
                                           doc="Beta concentration of attribute draws")
    residents: str | None = param(None, doc="survey microdata (CSV or Parquet): residents copied from it")


@dataclass
class CourtyardNetworkConfig:
    """Households in courtyards, courtyards in the community."""

    household_size: int = param(3, lo=1, hi=50, doc="members per household (all tied)")
    households_per_courtyard: int = param(20, lo=1, hi=100_000)
    ties_within_courtyard: float = param(4.0, lo=0.0, hi=1000.0, doc="mean extra ties to courtyard neighbours")
    ties_between_courtyards: float = param(1.0, lo=0.0, hi=1000.0, doc="mean ties to other courtyards")


@dataclass
class WattsStrogatzConfig:
    k: int = param(6, lo=2, hi=1000, doc="ring neighbours")
    p: float = probability(0.1, "rewiring probability")


@dataclass
class BarabasiAlbertConfig:
    m: int = param(3, lo=1, hi=1000, doc="edges from each new node")


@dataclass
class EdgeListConfig:
    path: str | None = param(None, doc="CSV with columns source,target")
    nodes_path: str | None = param(None, doc="optional CSV: column node, optional courtyard, household")


@dataclass
class NetworkConfig:
    kind: str = param("courtyard", choices=NETWORK_KINDS)
    courtyard_size: int = param(60, lo=1, hi=10_000_000, doc="residents per courtyard for non-courtyard kinds")
    courtyard: CourtyardNetworkConfig = param(CourtyardNetworkConfig())
    watts_strogatz: WattsStrogatzConfig = param(WattsStrogatzConfig())
    barabasi_albert: BarabasiAlbertConfig = param(BarabasiAlbertConfig())
    edgelist: EdgeListConfig = param(EdgeListConfig())


@dataclass
class IssueKindConfig:
    salience: float = probability(0.5, "how much residents care")
    scope: str = param("courtyard", choices=ISSUE_SCOPES)
    weight: float = param(1.0, lo=0.0, hi=1e6, doc="relative frequency")


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
    rate: float = param(0.25, lo=0.0, hi=10.0, doc="courtyard issues per step per 1,000 residents (Poisson mean)")
    community_rate: float = param(0.03, lo=0.0, hi=10.0, doc="community-wide issues per step (Poisson mean)")
    courtyards_touched: int = param(2, lo=1, hi=100_000, doc="courtyards a courtyard-scope issue touches")
    max_age: int = param(12, lo=1, hi=100_000, doc="steps an undiscussed issue stays open before cadres decide alone")
    kinds: dict[str, IssueKindConfig] = field(default_factory=lambda: dict(DEFAULT_ISSUE_KINDS))


@dataclass
class ParticipationConfig:
    """R = pB - C + D (Riker & Ordeshook 1968) plus social influence, P = logistic(beta*U)."""

    beta: float = param(4.0, lo=0.0, hi=100.0, doc="logistic slope")
    intercept: float = param(-0.8, lo=-100.0, hi=100.0, doc="baseline propensity")
    benefit_weight: float = param(2.0, lo=0.0, hi=100.0)
    cost_weight: float = param(1.0, lo=0.0, hi=100.0)
    capacity_cost_relief: float = probability(0.6, "share of time cost that full capacity removes")
    duty_weight: float = param(0.5, lo=0.0, hi=100.0, doc="civic duty D")
    social_weight: float = param(0.3, lo=0.0, hi=100.0, doc="Granovetter threshold term")
    threshold_alpha: float = param(3.0, lo=0.01, hi=100.0, doc="steepness of X^a/(T^a+X^a)")
    leader_weight: float = param(0.6, lo=0.0, hi=100.0, doc="pull of neighbouring leaders (recruitment)")
    organisation_weight: float = param(0.4, lo=0.0, hi=100.0, doc="extra duty of public-good organisation members")
    belief_rate: float = probability(0.3, "how fast beliefs about others' turnout follow what is seen")
    courtyard_weight: float = probability(0.5, "weight of courtyard turnout (vs network neighbours') in what is seen")
    recent_window: int = param(12, lo=1, hi=100_000, doc="weeks a neighbour who took part counts as active")
    habit_weight: float = param(1.0, lo=0.0, hi=100.0, doc="pull of the habit of taking part (sim/habit.py)")
    habit_gain: float = probability(0.3, "habit gained per meeting attended: h += gain * (1 - h)")
    habit_decay: float = probability(0.013, "weekly fading of the habit (0.013: halves in about a year)")


@dataclass
class DeliberationConfig:
    mode: str = param("snowball", choices=DELIBERATION_MODES)
    meeting_interval: int = param(4, lo=1, hi=100_000, doc="steps between deliberation days")
    group_size: int = param(12, lo=2, hi=100_000, doc="largest discussion group")
    rounds: int = param(3, lo=1, hi=1000, doc="opinion-averaging rounds per meeting")
    susceptibility: float = probability(0.3, "Friedkin-Johnsen weight on the group view")
    chair_susceptibility: float = probability(0.05, "a chair is a stubborn node")
    leader_weight: float = param(4.0, lo=0.0, hi=1000.0, doc="extra weight of a leader chair's opinion")
    facilitation: float = probability(0.2, "neutral moderation: 1 removes the chair's pull")
    confidence_bound: float = probability(1.0, "Hegselmann-Krause bound; 1 = listen to all")
    leader_assignment: str = param("self_selected", choices=LEADER_ASSIGNMENTS)
    cloud_cost_factor: float = probability(0.3, "cost of taking part online relative to offline")
    elite_interest_quantile: float = probability(0.8, "elite mode invites residents above this")
    council_size: int = param(21, lo=1, hi=10_000_000, doc="members of the council (council mode)")
    steer_share: float = probability(0.25, "chair pull above which a meeting counts as steered")


@dataclass
class OfficialsConfig:
    n_cadres: int = param(5, lo=1, hi=1000, doc="residents'-committee and party cadres")
    responsiveness: float = probability(0.4, "Chen, Pan & Xu 2016: ~1/3 respond at baseline")
    admin_load: float = probability(0.3, "share of time taken by administrative tasks")
    openness: float = probability(0.5, "openness to deliberation: chance a response adopts")
    power_retained: float = probability(0.9, "share of decision power officials keep")
    threat_effect: float = param(0.5, lo=0.0, hi=100.0, doc="rise in response per unit turnout share")
    partnership_threshold: float = probability(0.7, "below this retained power decisions are shared")
    delegation_threshold: float = probability(0.4, "below this retained power residents decide")


@dataclass
class AttitudesConfig:
    efficacy_rate: float = probability(0.15, "aspiration learning rate (Bendor et al. 2003)")
    aspiration_rate: float = probability(0.05)
    trust_rate: float = probability(0.1)
    satisfaction_rate: float = probability(0.1)
    procedure_weight: float = probability(0.5, "weight of procedure vs outcome (Olken 2010)")
    informed_weight: float = probability(0.3, "how much touched non-attendees learn")


@dataclass
class LeadersConfig:
    n_initial: int = param(40, lo=0, hi=10_000_000, doc="leaders at the start")
    influence_mean: float = param(1.0, lo=0.0, hi=100.0)
    emergence_rate: float = probability(0.02, "weekly chance an eligible resident becomes a leader")
    emergence_min_meetings: int = param(3, lo=0, hi=100_000)
    emergence_capacity: float = probability(0.55)
    stepdown_efficacy: float = probability(0.1)
    stepdown_rate: float = probability(0.05)
    stance_weight: float = probability(0.8, "share of a leader's view on each issue that is their standing stance")
    proposal_rate: float = probability(0.005, "weekly chance a leader without an open issue raises a courtyard's proposal")


@dataclass
class OrganisationsConfig:
    founding_rate: float = probability(0.02, "weekly chance a leader without one founds one")
    public_good_share: float = probability(0.2, "share founded as public-good groups")
    recruit_rate: float = probability(0.1, "weekly chance a member invites a neighbour")
    conversion_rate: float = probability(0.01, "weekly chance a hobby group turns public-good")
    conversion_min_size: int = param(8, lo=1, hi=100_000)
    decay: float = probability(0.02, "weekly capacity loss")
    leave_rate: float = probability(0.01, "weekly chance a member leaves")
    min_size: int = param(3, lo=1, hi=100_000, doc="fewer members than this dissolves the group")
    dissolve_capacity: float = probability(0.05, "capacity below which the group dissolves")
    grace_steps: int = param(26, lo=0, hi=100_000, doc="steps a new group has to reach min_size")


@dataclass
class LadderConfig:
    window: int = param(52, lo=1, hi=100_000, doc="steps of decisions the community rung looks back on")


@dataclass
class ModelConfig:
    seed: int = seed_param(42)
    steps: int = param(156, lo=1, hi=100_000, doc="weeks")
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
    interventions: dict[str, Any] = param({})


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
