"""The catalogue of stylised facts ``sim validate`` checks (docs/validation.md).

A :class:`Fact` names its source (a seed case, or a paper), the quantity it measures, the
expected result with its tolerance, and how one seed is measured: ``measure(seed)`` returns the
fact's figures for that seed (a mapping name -> number, e.g. one figure per arm), and
``check(figures)`` decides pass or fail from the figures of every seed (name -> array over seeds).
A *reading* (``check`` None) reports figures without passing or failing: what the model gives
where the sources give no number to hold it to.

The expected values were fixed from the sources before the model was run against them; a fact
that fails is reported as failing, never tuned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.stats import spearmanr

from sim.validation import measures as m

Figures = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Fact:
    name: str
    source_kind: str  # "case" or "literature" (or both, "case; literature")
    source: str
    quantity: str
    expected: str
    measure: Callable[[int], dict[str, float]]
    check: Callable[[Figures], bool] | None  # None: a reading, no pass or fail

    @property
    def is_reading(self) -> bool:
        return self.check is None


@cache
def arm(*overrides: str) -> dict:
    """The composed model config of an arm (cached: Hydra composes each arm once per process)."""
    return m.compose_arm(overrides)


SAO_TOME = ("community.n_residents=1000", "issues.rate=2.0", "steps=104", "deliberation.leader_assignment=random")
LEGACY = "scenario=legacy_discussion_meetings"
REFORM = "interventions=[deliberation_council]"
FREE_RIDER_SHARES = (0.1, 0.33, 0.6)


def _sao_tome_shares(seed: int) -> dict[str, float]:
    return {regime: m.leader_share_of_variance(m.run_model(arm(*SAO_TOME, f"deliberation.facilitation={f}"), seed))
            for regime, f in (("weak facilitation", 0.2), ("neutral facilitation", 1.0))}


def _leader_identity(seed: int) -> dict[str, float]:
    model = m.run_model(arm(*SAO_TOME, "deliberation.facilitation=0.2"), seed)
    return {"chair fixed effects adj. R2": m.chair_fixed_effects_r2(model.meetings_frame())}


def _cascade(seed: int) -> dict[str, float]:
    # resident i joins once i of the 99 others are active: a threshold share halfway between i - 1
    # and i others, so no share ever equals a threshold; resident 0 is the instigator
    uniform = np.r_[0.0, (np.arange(1, 100) - 0.5) / 99]
    moved = uniform.copy()
    moved[1] = 1.5 / 99  # the one resident who joins after the instigator now waits for two
    return {"uniform thresholds": m.threshold_cascade(100, uniform, seed),
            "one threshold moved": m.threshold_cascade(100, moved, seed)}


def _thresholds_matter(seed: int) -> dict[str, float]:
    out = {}
    for label, value in (("thresholds 0.05", 0.05), ("thresholds 0.95", 0.95)):
        model = m.build_model(arm(), seed)
        model.state.threshold[:] = value
        model.run_for(model.config.steps)
        out[label] = m.participation(model)
    out["ratio low/high"] = out["thresholds 0.05"] / out["thresholds 0.95"] if out["thresholds 0.95"] > 0 else np.nan
    return out


def _free_rider_decay(seed: int) -> dict[str, float]:
    return {f"free riders {share}": m.conditional_cooperators_decay(m.run_model(
        arm(f"community.share_free_riders={share}", "community.share_conditional_cooperators=0.35"), seed,
        m.CountingModel)) for share in FREE_RIDER_SHARES}


def _free_rider_check(f: Figures) -> bool:
    shares = np.repeat(FREE_RIDER_SHARES, [len(f[f"free riders {s}"]) for s in FREE_RIDER_SHARES])
    decay = np.concatenate([f[f"free riders {s}"] for s in FREE_RIDER_SHARES])
    ok = np.isfinite(decay)
    rho = spearmanr(shares[ok], decay[ok]).statistic
    return bool(np.nanmean(f["free riders 0.6"]) > np.nanmean(f["free riders 0.1"]) and rho > 0)


def _backbones(seed: int) -> dict[str, float]:
    s = m.run_model(arm(), seed).state
    return {"top 10% share of attendances": m.top_share(s.meetings_attended, 0.1),
            "leaders' attendances per head / others'": m.leader_attendance_ratio(s.meetings_attended, s.is_leader)}


def _legacy(seed: int) -> dict[str, float]:
    out = {}
    for label, base in (("default", ()), ("legacy", (LEGACY,))):
        before, after = m.run_model(arm(*base), seed), m.run_model(arm(*base, REFORM), seed)
        out[f"{label}: participation effect"] = m.participation(after) - m.participation(before)
        out[f"{label}: highest-rung effect"] = m.mean_highest_rung(after) - m.mean_highest_rung(before)
    return out


GULOU_BUNDLE = ("interventions=[deliberation_training,deliberation_council,deliberation_day,mode_choice,indicator_evaluation]",
                "interventions.deliberation_training.schedule.start=53", "interventions.deliberation_council.schedule.start=54",
                "interventions.deliberation_council.local_unit_seats=2", "interventions.deliberation_day.schedule.start=53",
                "interventions.deliberation_day.mode=null", "interventions.mode_choice.schedule.start=53",
                "interventions.indicator_evaluation.schedule.start=78")
LEGACY_YEARS = (5, 25)


def _bundle_by_years(seed: int) -> dict[str, float]:
    out = {}
    for years in LEGACY_YEARS:
        base = (LEGACY, f"officials.legacy_years={years}")
        before, after = m.run_model(arm(*base), seed), m.run_model(arm(*base, *GULOU_BUNDLE), seed)
        out[f"{years} years: satisfaction effect"] = m.late_satisfaction(after) - m.late_satisfaction(before)
        out[f"{years} years: self-governance index effect"] = m.self_governance_index(after) - m.self_governance_index(before)
    return out


def _bundle_by_years_check(f: Figures) -> bool:
    few, many = LEGACY_YEARS
    return all(np.mean(f[f"{many} years: {what} effect"]) < np.mean(f[f"{few} years: {what} effect"])
               for what in ("satisfaction", "self-governance index"))


def _legacy_check(f: Figures) -> bool:
    return all(np.mean(f[f"legacy: {what} effect"]) < np.mean(f[f"default: {what} effect"])
               for what in ("participation", "highest-rung"))


def _responsive(seed: int) -> dict[str, float]:
    low, high = (m.run_model(arm(f"officials.responsiveness={r}"), seed) for r in (0.2, 0.8))
    return {"efficacy gain (0.8 - 0.2)": m.final_mean(high, "mean_efficacy") - m.final_mean(low, "mean_efficacy"),
            "trust gain (0.8 - 0.2)": m.final_mean(high, "mean_trust") - m.final_mean(low, "mean_trust")}


def _responsive_check(f: Figures) -> bool:
    return all(np.mean(v) > 0 and np.mean(v > 0) >= 0.8 for v in f.values())


def _power(seed: int) -> dict[str, float]:
    out = {}
    for power in (0.9, 0.3):
        model = m.run_model(arm(f"officials.power_retained={power}"), seed)
        out[f"community rung, power {power}"] = m.community_rung(model)
        out[f"mean highest rung, power {power}"] = m.mean_highest_rung(model)
    return out


def _power_check(f: Figures) -> bool:
    return all(np.mean(f[f"{what}, power 0.3"]) > np.mean(f[f"{what}, power 0.9"])
               for what in ("community rung", "mean highest rung"))


LEADER_COUNTS = (20, 40, 80)


def _leaders(seed: int) -> dict[str, float]:
    out = {}
    for n in LEADER_COUNTS:
        model = m.run_model(arm(f"leaders.n_initial={n}"), seed)
        out[f"participation, {n} leaders"] = m.participation(model)
        out[f"meetings, {n} leaders"] = m.meetings_total(model)
    return out


def _leaders_check(f: Figures) -> bool:
    return all(np.mean(f[f"{what}, 20 leaders"]) < np.mean(f[f"{what}, 40 leaders"]) < np.mean(f[f"{what}, 80 leaders"])
               for what in ("participation", "meetings"))


def _placement(seed: int) -> dict[str, float]:
    default, legacy = m.run_model(arm(), seed), m.run_model(arm(LEGACY), seed)
    return {"default: community rung": m.community_rung(default), "legacy: community rung": m.community_rung(legacy),
            "default: mean highest rung": m.mean_highest_rung(default),
            "legacy: mean highest rung": m.mean_highest_rung(legacy)}


def _placement_check(f: Figures) -> bool:
    default = np.median(f["default: community rung"])
    return bool(3 <= default <= 4 and np.median(f["legacy: community rung"]) <= default
                and np.mean(f["legacy: mean highest rung"]) < np.mean(f["default: mean highest rung"]))


def _turnout(seed: int) -> dict[str, float]:
    model = m.run_model(arm(), seed, m.CountingModel)
    ts = model.timeseries()
    return {"share of residents per deliberation day": m.participation(model),
            "share of the invited who came": m.turnout_of_invited(model),
            "share who ever attended": float(ts["ever_attended_share"].iloc[-1]),
            "efficacy at the start": float(ts["mean_efficacy"].iloc[0]),
            "efficacy at the end": float(ts["mean_efficacy"].iloc[-1])}


HMS = "Humphreys, Masters & Sandbu 2006 (São Tomé, randomly assigned discussion leaders)"
FACTS: tuple[Fact, ...] = (
    Fact("sao_tome_leader_share", "literature", HMS,
         "share of the between-group variance of group outcomes explained by the chair's view "
         "(leader_share), São Tomé setting: 1,000 residents, 104 weeks, leaders dealt at random",
         ">= 0.30 with weak facilitation (0.2) and <= 0.05 with a neutral moderator (1.0); means over seeds "
         "(neutral regime: Sandefur et al. 2022)",
         _sao_tome_shares, lambda f: bool(np.nanmean(f["weak facilitation"]) >= 0.30
                                          and np.nanmean(f["neutral facilitation"]) <= 0.05)),
    Fact("leader_identity_across_issues", "literature", HMS,
         "adjusted R² of chair fixed effects on the groups' opinion shift, chairs of >= 3 groups, "
         "São Tomé setting with weak facilitation",
         ">= 0.20 (leader identity explains much of the variation across the questions a leader chaired); mean",
         _leader_identity, lambda f: bool(np.nanmean(f["chair fixed effects adj. R2"]) >= 0.20)),
    Fact("granovetter_cascade", "literature", "Granovetter 1978 (threshold models of collective behaviour)",
         "final active share of a crowd of 100 on a complete network, threshold term only (measures.threshold_cascade)",
         ">= 0.95 with thresholds 0, 1, ..., 99 others; <= 0.05 once the threshold of 1 is moved to 2",
         _cascade, lambda f: bool(np.all(f["uniform thresholds"] >= 0.95) and np.all(f["one threshold moved"] <= 0.05))),
    Fact("thresholds_matter", "literature", "Granovetter 1978",
         "participation per deliberation day of the default community with every threshold 0.05 vs every threshold 0.95",
         "ratio of the means low/high >= 1.25",
         _thresholds_matter, lambda f: bool(np.mean(f["thresholds 0.05"]) >= 1.25 * np.mean(f["thresholds 0.95"]))),
    Fact("free_rider_decay", "literature",
         "Fischbacher, Gächter & Fehr 2001; Fischbacher & Gächter 2010 (conditional cooperation)",
         "decay of conditional cooperators' turnout among the invited, 1 - year 3 / year 1, at free-rider shares "
         "0.1, 0.33, 0.6 (conditional cooperators 0.35 throughout)",
         "decay at 0.6 > decay at 0.1 (means) and Spearman(share, decay) over all runs > 0",
         _free_rider_decay, _free_rider_check),
    Fact("backbone_concentration", "case; literature",
         "Gulou and Qingyang cases: courtyard backbones (骨干) and activists carry most activity; "
         "Gerber, Green & Shachar 2003; Plutzer 2002 (habit)",
         "from the meetings each resident attended over 156 weeks of the default community",
         "top 10% of residents supply >= 50% of attendances and leaders attend >= 3x as often per head; means",
         _backbones, lambda f: bool(np.nanmean(f["top 10% share of attendances"]) >= 0.5
                                    and np.nanmean(f["leaders' attendances per head / others'"]) >= 3)),
    Fact("legacy_hardest_to_move", "case",
         "Gulou: communities with long-established top-down discussion meetings were the hardest to move",
         "effect of an elected deliberation council (interventions=[deliberation_council]) on participation and on "
         "residents' mean highest rung, same seed with and without, in the default and the legacy community",
         "effect in the legacy community < effect in the default community, on both; means",
         _legacy, _legacy_check),
    Fact("legacy_years_slow_the_bundle", "case",
         "Gulou: the longer the discussion meetings had run (about 15 years where they existed), the harder to change",
         "effect of the Gulou bundle (deliberation training, reformed council with local units, monthly deliberation "
         "day, mode choice, indicator evaluation; from week 53) on mean satisfaction over the last 13 weeks and on "
         "the last quarter's self-governance index, in the legacy community with 5 and with 25 years of legacy "
         "meetings (officials.legacy_years), same seed with and without",
         "effect with 25 years < effect with 5 years, on both; means",
         _bundle_by_years, _bundle_by_years_check),
    Fact("responsive_officials", "literature",
         "Chen, Pan & Xu 2016 (responsiveness); Bendor, Diermeier & Ting 2003 (aspiration learning)",
         "final mean efficacy and trust with officials.responsiveness 0.8 minus 0.2, same seed",
         "both differences > 0 on average and in >= 80% of seeds",
         _responsive, _responsive_check),
    Fact("retained_power_rung", "case; literature",
         "Chengdu: returning power to residents' councils; Arnstein 1969",
         "community rung and residents' mean highest rung with officials.power_retained 0.3 vs 0.9",
         "both higher at 0.3; means",
         _power, _power_check),
    Fact("more_leaders_more_participation", "case; literature",
         "Chengdu six steps and Qingyang: leaders recruit and bring proposals; Verba, Schlozman & Brady 1995",
         "participation per deliberation day and issues deliberated with 20, 40, 80 leaders at the start",
         "both rise: mean at 20 < mean at 40 < mean at 80",
         _leaders, _leaders_check),
    Fact("arnstein_placement", "case",
         "Gulou: the authors place residents at the informing / consultation rungs; legacy meetings hardest to move",
         "community rung of the default and the legacy community; residents' mean highest rung",
         "default's median rung in {3, 4}; legacy's median rung <= default's; legacy's mean highest rung lower",
         _placement, _placement_check),
    Fact("turnout_reading", "reading",
         "no case gives a turnout figure; the Gulou indicator is the share who attended at least once",
         "turnout per deliberation day (of residents, of the invited), share who ever attended, efficacy start/end",
         "none: reported so it can be read against a community's own records (sim calibrate)",
         _turnout, None),
)

BY_NAME = {fact.name: fact for fact in FACTS}
QUICK = ("sao_tome_leader_share", "granovetter_cascade", "responsive_officials", "retained_power_rung")
