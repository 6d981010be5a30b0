"""A social-lab experiment end to end: validate, simulate, assign, estimate, compare with the truth.

1. :func:`prepare` validates the base community config and the ``experiment`` mapping, draws the
   population and builds (and validates) every community's config in every arm it may need:
   a design that cannot be carried out is refused here, before anything runs.
2. :func:`simulate` runs the communities (untreated, and treated from each design's start
   periods) in parallel, or builds the deliberative poll.
3. :func:`assign` draws each design's assignment from its own stream; designs that look at the
   pre-test see the untreated pre-period outcomes (identical in every arm).
4. :func:`analyse` applies every estimator to every design and outcome and puts the truth beside
   each estimate; re-draws the designs for bias, coverage and power.
5. :func:`write_outputs` writes every file into a temporary folder and moves them into place,
   ``summary.json`` last, so a folder with ``summary.json`` holds a complete experiment.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

import sim
from sim.atomic import publish, staged
from sim.progress import ProgressLine
from sim.config import ModelConfig, as_plain, validate_config
from sim.experiments.config import RANKS, ExperimentConfig, validate_experiment
from sim.experiments.designs import Design, UnitTable
from sim.experiments.estimators import ESTIMANDS, ESTIMATORS, Context, event_study, randomization_inference
from sim.experiments.poll import Poll
from sim.experiments.arms import PURE, arm_label, arm_programmes, arms_of, possible_arms
from sim.experiments.population import Community, arm_config, attributes_frame, draw_population
from sim.experiments.power import power_analysis
from sim.experiments.heterogeneity import community_effects
from sim.experiments.heterogeneity import fit as heterogeneity_fit
from sim.experiments.runner import run_arm_groups
from sim.experiments.saturation import over_draws, saturation_effects
from sim.experiments.seeds import generator
from sim.experiments.truth import (OutcomeSource, PotentialOutcomes, operating_characteristics, replicate,
                                   spillover, true_effect, true_event_effects)

OUTPUT_FILES = ("effects.csv", "event_study.csv", "interference.csv", "saturation.csv", "replications.csv",
                "power.csv", "mde.csv", "effect_heterogeneity.csv", "heterogeneity_fit.csv", "panel.parquet",
                "event_study.png", "estimates_vs_truth.png", "replications.png", "power_curve.png",
                "heterogeneity.png", "report.html")


@dataclass
class Plan:
    """A validated experiment, ready to run."""

    exp: ExperimentConfig
    base: ModelConfig
    communities: list[Community] = field(default_factory=list)
    configs: dict[tuple[int, int], ModelConfig] = field(default_factory=dict)  # (unit, arm) -> config

    @property
    def seed(self) -> int:
        return self.base.seed

    @property
    def measures(self) -> tuple[str, ...]:
        """What each run measures: the outcomes and the pre-test, a rank by the measure it ranks."""
        return tuple(dict.fromkeys(RANKS.get(o, o) for o in [*self.exp.outcomes, self.exp.pretest]))

    @property
    def ranks(self) -> tuple[str, ...]:
        return tuple(o for o in dict.fromkeys([*self.exp.outcomes, self.exp.pretest]) if o in RANKS)

    @property
    def site(self) -> np.ndarray:
        return np.array([c.site for c in self.communities])

    def starts(self) -> list[int]:
        """0-based first treated periods any design (or its power analysis) uses."""
        return sorted({p for d in self.exp.designs.values() for p in d.start_periods()})

    def arms(self) -> list[int]:
        """Every arm a community may be run in (:mod:`sim.experiments.arms`), the pure control first."""
        return possible_arms(self.exp, self.starts())


@dataclass
class Arm:
    """One design as carried out: its units' view, the estimators' context and the assignment."""

    kind: str
    design: Design
    units: UnitTable
    ctx: Context
    first: np.ndarray


@dataclass
class Results:
    effects: pd.DataFrame
    events: pd.DataFrame
    panel: pd.DataFrame
    means: pd.DataFrame
    operating: pd.DataFrame | None = None
    power: pd.DataFrame | None = None
    mde: pd.DataFrame | None = None
    heterogeneity: pd.DataFrame | None = None  # each community's true effect and covariates
    heterogeneity_fit: pd.DataFrame | None = None
    interference: pd.DataFrame | None = None  # direct and spillover effects per design and outcome
    saturation: pd.DataFrame | None = None  # contrasts against pure-control sites (saturation design)
    runs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def prepare(base_raw: dict, exp_raw: dict | None) -> Plan:
    """Validate everything; raises :class:`sim.schema.ConfigError` naming the first bad key."""
    base = validate_config(base_raw)
    exp = validate_experiment(exp_raw, base)
    plan = Plan(exp, base)
    if exp.kind == "communities":
        plan.communities = draw_population(exp, base, plan.seed)
        for arm in plan.arms():
            programmes = arm_programmes(arm, exp, base.steps)
            for c in plan.communities:
                plan.configs[(c.unit, arm)] = arm_config(c, exp, programmes, arm_label(arm))
    return plan


def _run(plan: Plan, keys: list[tuple[int, int]], po: PotentialOutcomes, progress: TextIO | None,
         what: str) -> None:
    """Run the (unit, arm) pairs, one task per unit: its arms branch off its untreated run
    (:func:`sim.experiments.runner.run_arms`), and are stored as each unit's task returns."""
    arms: dict[int, list[int]] = {}
    for unit, arm in keys:
        arms.setdefault(unit, []).append(arm)
    groups = ((plan.configs[(unit, PURE)], [plan.configs[(unit, a)] for a in unit_arms])
              for unit, unit_arms in arms.items())
    results = run_arm_groups(groups, plan.measures, plan.exp.n_periods, plan.exp.n_jobs, plan.exp.backend)
    line = ProgressLine(f"experiment {plan.exp.name}", len(keys), what, progress)
    for (unit, unit_arms), measures in zip(arms.items(), results, strict=True):
        for arm, m in zip(unit_arms, measures, strict=True):
            po.add(unit, arm, m)
        line.advance(len(unit_arms))


def simulate(plan: Plan, progress: TextIO | None = None) -> tuple[OutcomeSource, dict[str, Arm], int]:
    """Run what the experiment needs; returns the outcome source, the arms and the number of runs.
    ``progress`` (a stream) gets a line per phase: community runs done / total, elapsed, time left."""
    exp = plan.exp
    if exp.kind == "poll":
        poll = Poll(exp, plan.base, plan.seed)
        return poll, assign(plan, poll), 0
    site = plan.site
    po = PotentialOutcomes(plan.measures, exp.n_units, exp.n_periods, plan.ranks,
                           lambda first: arms_of(first, site, exp))
    untreated = [(c.unit, PURE) for c in plan.communities]
    if exp.truth.potential_outcomes == "all":
        _run(plan, untreated + [(c.unit, a) for a in plan.arms() if a != PURE for c in plan.communities], po,
             progress, "community runs (every community in every arm)")
        return po, assign(plan, po), len(plan.configs)
    _run(plan, untreated, po, progress, "untreated community runs")
    arms = assign(plan, po)
    needed = sorted({pair for arm in arms.values() for pair in po.missing(arm.first)})
    _run(plan, needed, po, progress, "treated community runs the assignments need")
    return po, arms, len(untreated) + len(needed)


def assign(plan: Plan, source: OutcomeSource) -> dict[str, Arm]:
    exp, y0 = plan.exp, source.untreated()
    n = exp.n_units
    if exp.kind == "poll":
        site, willingness = source.town, source.interest
    else:
        site = np.array([c.site for c in plan.communities])
        willingness = np.array([c.openness for c in plan.communities])
    arms = {}
    for kind, design in exp.designs.items():
        units = UnitTable(site, y0[exp.pretest][:, design.baseline], willingness)
        cluster = site if design.clustered else np.arange(n)
        ctx = Context(design.baseline, exp.n_periods - 1, cluster, exp.confidence, design.blocks(units))
        arms[kind] = Arm(kind, design, units, ctx, design.assign(units, generator(plan.seed, "assign", kind)))
    return arms


def analyse(plan: Plan, source: OutcomeSource, arms: dict[str, Arm]) -> Results:
    exp = plan.exp
    y0 = source.untreated()
    effects, events, panels, means, interference = [], [], [], [], []
    for kind, arm in arms.items():
        observed = source.observed(arm.first)
        n_treated = int((arm.first >= 0).sum())
        for outcome in exp.outcomes:
            y = observed[outcome]
            means += _arm_means(kind, outcome, arm, y, y0[outcome])
            if exp.kind == "communities" and exp.interference.enabled:
                exposure = arms_of(arm.first, plan.site, exp)
                interference.append({"design": kind, "outcome": outcome,
                                     **spillover(y, y0[outcome], arm.first, exposure, arm.ctx.post)})
            for name in exp.estimators:
                if name == "randomization_inference":
                    rng = generator(plan.seed, "randomization", kind, outcome)
                    est = randomization_inference(y, arm.first, arm.ctx, exp.randomization.statistic,
                                                  lambda arm=arm, rng=rng: arm.design.assign(arm.units, rng),
                                                  exp.randomization.draws)
                    estimand = ESTIMANDS[exp.randomization.statistic]
                else:
                    est, estimand = ESTIMATORS[name](y, arm.first, arm.ctx), ESTIMANDS[name]
                truth = true_effect(estimand, y, y0[outcome], arm.first, arm.ctx.post)
                effects.append({"design": kind, "outcome": outcome, "estimator": name,
                                **dataclasses.asdict(est), "true_effect": truth, "bias": est.estimate - truth,
                                "covered": est.covers(truth) if np.isfinite(truth) else None,
                                "estimand": "ATT at post-test" if estimand == "post" else "ATT over treated periods",
                                "n_treated": n_treated, "n_units": exp.n_units})
            truth_e = true_event_effects(y, y0[outcome], arm.first)
            for e, est in event_study(y, arm.first, arm.ctx).items():
                events.append({"design": kind, "outcome": outcome, "event_time": e, **dataclasses.asdict(est),
                               "true_effect": truth_e.get(e, np.nan)})
        panels.append(_panel(plan, arm, observed, y0))
    results = Results(pd.DataFrame(effects), pd.DataFrame(events), pd.concat(panels, ignore_index=True),
                      pd.DataFrame(means), interference=pd.DataFrame(interference) if interference else None)
    _replications(plan, source, arms, results)
    _saturation(plan, source, arms, results)
    _power(plan, source, arms, results)
    if exp.kind == "communities":
        own = [o for o in exp.outcomes if o not in RANKS]  # a rank moves with every other community's run
        results.heterogeneity = community_effects(source, plan.communities, own, exp.n_periods - 1)
        results.heterogeneity_fit = heterogeneity_fit(results.heterogeneity)
    return results


def _arm_means(kind: str, outcome: str, arm: Arm, y: np.ndarray, y0: np.ndarray) -> list[dict]:
    """Mean outcome of the treated and the controls at the pre-test and the post-test, and what the
    treated would have had untreated."""
    rows = []
    for name, members in (("treated", arm.first >= 0), ("control", arm.first < 0)):
        rows.append({"design": kind, "outcome": outcome, "arm": name, "units": int(members.sum()),
                     "pre_test": float(np.nanmean(y[members, arm.ctx.baseline])),
                     "post_test": float(np.nanmean(y[members, arm.ctx.post])),
                     "post_test_untreated": float(np.nanmean(y0[members, arm.ctx.post]))})
    return rows


def _replications(plan: Plan, source: OutcomeSource, arms: dict[str, Arm], results: Results) -> None:
    exp = plan.exp
    if exp.truth.replications == 0:
        return
    estimators = [e for e in exp.estimators if e != "randomization_inference"]
    tables = []
    for kind, arm in arms.items():
        reps = replicate(source, arm.design, arm.units, arm.ctx, exp.outcomes, estimators,
                         generator(plan.seed, "replicate", kind), exp.truth.replications)
        table = operating_characteristics(reps, 1 - exp.confidence)
        table.insert(0, "design", kind)
        tables.append(table)
    results.operating = pd.concat(tables, ignore_index=True) if tables else None


def _saturation(plan: Plan, source: OutcomeSource, arms: dict[str, Arm], results: Results) -> None:
    """The saturation design's contrasts for its drawn assignment, with their bias and coverage
    over the re-drawn assignments when ``truth.replications`` > 0 (:mod:`sim.experiments.saturation`)."""
    arm = arms.get("saturation")
    if arm is None:
        return
    exp, y0 = plan.exp, source.untreated()
    observed = source.observed(arm.first)
    rows = [{"outcome": o, **row} for o in exp.outcomes
            for row in saturation_effects(observed[o], y0[o], arm.first, arm.units.site, arm.ctx, arm.design)]
    table = pd.DataFrame(rows)
    if exp.truth.replications > 0 and len(table):
        draws = over_draws(source, arm.design, arm.units, arm.ctx, exp.outcomes,
                           generator(plan.seed, "replicate", "saturation_contrasts"), exp.truth.replications)
        table = table.merge(pd.DataFrame(draws), on=["outcome", "saturation", "group"], how="left")
    results.saturation = table


def _power(plan: Plan, source: OutcomeSource, arms: dict[str, Arm], results: Results) -> None:
    p = plan.exp.power
    if p.design is None:
        return
    arm = arms[p.design]
    curve, mde = power_analysis(source, arm.design, arm.units, arm.ctx, p.outcome, p.estimator, p.n_treated,
                                p.replications, p.additive_effects, p.target_power,
                                lambda k: generator(plan.seed, "power", p.design, k))
    for table in (curve, mde):
        for col, value in (("estimator", p.estimator), ("outcome", p.outcome), ("design", p.design)):
            table.insert(0, col, value)
    results.power, results.mde = curve, mde


def _panel(plan: Plan, arm: Arm, observed: dict[str, np.ndarray], y0: dict[str, np.ndarray]) -> pd.DataFrame:
    """Unit-by-period rows of one design: assignment, observed and untreated outcomes, attributes."""
    exp = plan.exp
    n, n_periods = exp.n_units, exp.n_periods
    unit = np.repeat(np.arange(n), n_periods)
    period = np.tile(np.arange(n_periods), n)
    first = np.repeat(arm.first, n_periods)
    frame = pd.DataFrame({"design": arm.kind, "unit": unit, "period": period + 1,
                          "site": np.repeat(arm.units.site, n_periods),
                          "first_treated_period": np.where(first >= 0, first + 1, 0),
                          "treated": ((first >= 0) & (period >= first)).astype(np.int8)})
    for o in exp.outcomes:
        frame[o] = observed[o].ravel()
        frame[f"{o}_untreated"] = y0[o].ravel()
    if exp.kind == "communities":
        attrs = attributes_frame(plan.communities).drop(columns=["unit", "site"])
    else:
        attrs = pd.DataFrame({"interest": arm.units.willingness})
    return pd.concat([frame, attrs.loc[unit].reset_index(drop=True)], axis=1)


def experiment_as_plain(exp: ExperimentConfig) -> dict[str, Any]:
    out = dataclasses.asdict(dataclasses.replace(exp, designs={}, treatment={}))
    out["designs"] = {k: dataclasses.asdict(d.params) for k, d in exp.designs.items()}
    out["treatment"] = {k: dataclasses.asdict(v) for k, v in exp.treatment.items()}
    return out


def write_outputs(plan: Plan, results: Results, outdir: Path, seconds: float) -> dict[str, Any]:
    """Write every file, completely or not at all (``summary.json`` last marks completion)."""
    from sim.experiments.report import write_report

    with staged(outdir) as tmp:
        results.effects.to_csv(tmp / "effects.csv", index=False)
        results.events.to_csv(tmp / "event_study.csv", index=False)
        if results.interference is not None:
            results.interference.to_csv(tmp / "interference.csv", index=False)
        if results.saturation is not None:
            results.saturation.to_csv(tmp / "saturation.csv", index=False)
        if results.operating is not None:
            results.operating.to_csv(tmp / "replications.csv", index=False)
        if results.power is not None:
            results.power.to_csv(tmp / "power.csv", index=False)
            results.mde.to_csv(tmp / "mde.csv", index=False)
        if results.heterogeneity is not None:
            results.heterogeneity.to_csv(tmp / "effect_heterogeneity.csv", index=False)
            results.heterogeneity_fit.to_csv(tmp / "heterogeneity_fit.csv", index=False)
        results.panel.to_parquet(tmp / "panel.parquet", index=False)
        write_report(tmp, plan, results)
        summary = {
            "version": sim.__version__, "experiment": plan.exp.name, "kind": plan.exp.kind, "seed": plan.seed,
            "n_units": plan.exp.n_units, "n_periods": plan.exp.n_periods, "runs": results.runs,
            "seconds": round(seconds, 2),
            "files": [name for name in OUTPUT_FILES if (tmp / name).exists()] + ["summary.json"],
            "config": {"experiment": experiment_as_plain(plan.exp), "community": as_plain(plan.base)},
        }
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=_plain) + "\n")
        publish(tmp, outdir, summary["files"])  # summary.json last
    return summary


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def execute(plan: Plan, outdir: str | Path, progress: TextIO | None = None) -> tuple[dict[str, Any], Results]:
    """Simulate, analyse and write a prepared experiment; returns the summary and the results.
    ``progress``: a stream for the progress of the runs (None: quiet)."""
    started = time.perf_counter()
    source, arms, runs = simulate(plan, progress)
    simulated = time.perf_counter()
    results = analyse(plan, source, arms)
    results.runs = runs
    analysed = time.perf_counter()
    summary = write_outputs(plan, results, Path(outdir), analysed - started)
    results.seconds = {"simulation": simulated - started, "analysis": analysed - simulated,
                       "report": time.perf_counter() - analysed}
    return summary, results


def run_experiment(base_raw: dict, exp_raw: dict | None, outdir: str | Path) -> tuple[dict[str, Any], Results]:
    """Validate (raising :class:`sim.schema.ConfigError` before anything runs), then :func:`execute`."""
    return execute(prepare(base_raw, exp_raw), outdir)


def format_effects(results: Results, outdir: Path, seconds: float) -> str:
    """A short table for the terminal."""
    e = results.effects
    wd, wo, we = (max(len(h), e[c].str.len().max()) for h, c in
                  (("design", "design"), ("outcome", "outcome"), ("estimator", "estimator")))
    lines = [f"{'design':<{wd}} {'outcome':<{wo}} {'estimator':<{we}} {'estimate':>9} {'95% CI':>21} "
             f"{'p':>6} {'truth':>9} {'cov':>4}"]
    for r in e.itertuples():
        ci = f"[{r.ci_low:+.4f}, {r.ci_high:+.4f}]"
        lines.append(f"{r.design:<{wd}} {r.outcome:<{wo}} {r.estimator:<{we}} {r.estimate:>+9.4f} {ci:>21} "
                     f"{r.p_value:>6.3f} {r.true_effect:>+9.4f} {'yes' if r.covered else 'no':>4}")
    runs = f"{results.runs} community runs, " if results.runs else ""
    lines.append(f"{runs}{seconds:.1f} s; outputs {outdir}")
    return "\n".join(lines)
