"""``sim compare=on``: paired runs with common random numbers, and the mean difference they make.

    sim compare=on scenario=baseline,empowerment_training
    sim compare=on 'interventions=[],[empowerment_training]' compare.replications=40
    sim compare=on officials.responsiveness=0.45,0.7 steps=104 hydra.run.dir=out/resp

The one override whose value lists alternatives (``a,b,...``, as in a Hydra multirun) defines the
arms; the first alternative is the reference. Every arm runs with the same R seeds (replication r
runs with ``SeedSequence(seed, spawn_key=(r,))``'s first word, as ``sweep.common_seeds`` does),
and with common random numbers (sim/streams.py) a pair of runs differs only by what the arms
change. For each indicator and arm, over the R pairs d_r = Y_r(arm) - Y_r(reference):

    mean difference  d = sum_r d_r / R,   standard error  s_d / sqrt(R),
    interval         d -/+ t_{R-1, (1+confidence)/2} s_d / sqrt(R)

(a paired t interval), beside the standard error the same runs would give unpaired,
sqrt(s_a^2 / R + s_ref^2 / R): the gain from pairing. Settings: ``compare.replications`` (R,
default 20, at least 2), ``compare.confidence`` (0.95), ``compare.n_jobs`` (-1: every core).
With ``calibration=<folder of sim calibrate=NAME>`` replication r of every arm also takes the
posterior's draw r of the calibrated parameters, so the interval carries calibration uncertainty
and each pair still shares its parameters and its seed.
Outputs (written completely or not at all, ``summary.json`` last): ``runs.csv`` (one row per run),
``compare.csv`` (one row per arm and indicator) and ``summary.json``; the table is printed.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

from sim.atomic import publish, staged
from sim.schema import ConfigError, build, param

SWITCH = re.compile(r"^compare=(on|true|yes)$")
INDICATORS = ("participation_rate", "ever_attended_share", "community_rung", "mean_efficacy", "mean_trust",
              "mean_satisfaction", "attendance_gini", "proposals_total", "meetings_total", "leaders",
              "organisations_recreational", "organisations_public_good",
              *(f"ladder_{k}" for k in range(1, 9)))


@dataclass
class CompareSettings:
    replications: int = param(20, lo=2, doc="paired runs per arm (seeds)")
    confidence: float = param(0.95, lo=0.5, hi=0.999, doc="level of the paired intervals")
    n_jobs: int = param(-1, lo=-1, doc="parallel runs (-1: every core; 0 is not allowed)")


def is_compare(argv: list[str]) -> bool:
    return any(SWITCH.match(a) for a in argv)


def alternatives(value: str) -> list[str]:
    """Split an override value at commas outside brackets and quotes (``[a],[b]`` -> two values)."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(value):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    return parts + [value[start:]]


@dataclass
class Request:
    settings: CompareSettings
    common: list[str]  # overrides every arm shares
    arms: list[list[str]]  # each arm's own overrides
    labels: list[str]
    outdir: Path
    calibration: str | None = None  # a calibration folder: replication r takes posterior draw r


def parse(argv: list[str]) -> Request:
    """Read the command line (see the module docstring); raises ConfigError on a bad argument."""
    raw, common, varying, outdir, calibration = {}, [], [], None, None
    for arg in argv:
        if SWITCH.match(arg):
            continue
        key, eq, value = arg.partition("=")
        if not eq:
            raise ConfigError("compare", arg, "arguments are key=value overrides")
        if key.startswith("compare."):
            raw[key.removeprefix("compare.")] = _number(value)
        elif key == "hydra.run.dir":
            outdir = Path(value)
        elif key == "calibration":
            calibration = value
        elif key.startswith("hydra") or key in ("experiment", "sweep") or key.startswith(("experiment.", "sweep.")):
            raise ConfigError(key, value, "sim compare=on runs single communities: experiment, sweep and "
                                          "hydra settings other than hydra.run.dir are not allowed")
        elif len(values := alternatives(value)) > 1:
            varying.append((key, values))
        else:
            common.append(arg)
    settings = build(CompareSettings, raw, "compare")
    if settings.n_jobs == 0:
        raise ConfigError("compare.n_jobs", 0, "must be -1 (every core) or a number of parallel runs >= 1")
    if not varying:
        raise ConfigError("compare", " ".join(argv), "name the arms as one override with alternatives, "
                                                      "e.g. scenario=baseline,empowerment_training")
    arms = [[f"{k}={v}" for (k, _), v in zip(varying, combo)] for combo in product(*(v for _, v in varying))]
    labels = [" ".join(a) for a in arms]
    if len(set(labels)) < len(labels):
        raise ConfigError(varying[0][0], ",".join(varying[0][1]), "the arms must differ")
    outdir = outdir or Path("outputs") / "compare" / datetime.now().strftime("%Y-%m-%d/%H-%M-%S")
    return Request(settings, common, arms, labels, outdir, calibration)


def _number(value: str):
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def compose_arm(overrides: list[str], draw: dict | None = None):
    """The validated model config of one arm (Hydra composes sim/conf/sim.yaml with the overrides), with
    the parameter values of a posterior ``draw`` if given."""
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from sim.cli import CONF
    from sim.config import validate_config

    try:
        with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
            cfg = compose(config_name="sim", overrides=overrides)
        raw = OmegaConf.to_container(cfg, resolve=True)
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError("compare arm", " ".join(overrides), str(error).splitlines()[0]) from None
    raw.pop("sweep", None)
    for key in ("calibration", "calibration_draws"):  # read by main from the command line
        raw.pop(key, None)
    for key in ("experiment", "calibrate"):
        if raw.pop(key, None) is not None:
            raise ConfigError(key, "set", "sim compare=on runs single communities, not experiments or calibrations")
    if draw:
        from sim.sweep.parameters import with_values

        raw = with_values(raw, draw)
    return validate_config(raw)


def replication_seed(seed: int, replication: int) -> int:
    from sim.sweep.seeds import run_seed

    return run_seed(seed, 0, replication, common=True)


def run_one(config, seed: int) -> dict:
    """One run of an arm with the given seed: the summary's indicators."""
    import logging

    from sim.model import CommunityModel
    from sim.outputs import summarise

    logging.getLogger("MESA").setLevel(logging.WARNING)
    model = CommunityModel(dataclasses.replace(config, seed=seed))
    model.run_for(config.steps)
    s = summarise(model)
    row = {k: s[k] for k in INDICATORS if not k.startswith("ladder_")}
    row.update({f"ladder_{k + 1}": share for k, share in enumerate(s["ladder"])})
    return row


def paired_table(runs: pd.DataFrame, labels: list[str], confidence: float) -> pd.DataFrame:
    """Per arm (against the first) and indicator: the paired mean difference and its interval."""
    from scipy import stats

    ref = runs[runs["arm"] == labels[0]].sort_values("replication")
    rows = []
    for label in labels[1:]:
        arm = runs[runs["arm"] == label].sort_values("replication")
        for ind in INDICATORS:
            a, b = arm[ind].to_numpy(float), ref[ind].to_numpy(float)
            d, r = a - b, len(a)
            se = d.std(ddof=1) / np.sqrt(r)
            half = stats.t.ppf((1 + confidence) / 2, r - 1) * se
            rows.append({"arm": label, "reference": labels[0], "indicator": ind, "replications": r,
                         "mean_reference": b.mean(), "mean_arm": a.mean(), "mean_difference": d.mean(),
                         "std_error": se, "ci_low": d.mean() - half, "ci_high": d.mean() + half,
                         "std_error_unpaired": np.sqrt(a.var(ddof=1) / r + b.var(ddof=1) / r)})
    return pd.DataFrame(rows)


def write(outdir: Path, runs: pd.DataFrame, table: pd.DataFrame, summary: dict) -> None:
    """runs.csv, compare.csv, summary.json: completely or not at all (summary last)."""
    with staged(outdir) as tmp:
        runs.to_csv(tmp / "runs.csv", index=False)
        table.to_csv(tmp / "compare.csv", index=False)
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        publish(tmp, outdir, ("runs.csv", "compare.csv", "summary.json"))


def unit(indicator: str) -> str:
    """The unit of a compared indicator (sim/indicators.py); a ladder share is a share of residents."""
    from sim.indicators import unit_of

    return "share of residents" if indicator.startswith("ladder_") else unit_of(indicator)


def format_table(table: pd.DataFrame, confidence: float) -> str:
    """Per arm, one line per indicator: means, paired difference and its interval, the unit."""
    pct = f"{confidence:.0%} CI"
    width = max(len(i) for i in INDICATORS)
    lines = []
    for label, g in table.groupby("arm", sort=False):
        lines.append(f"{label}  minus  {g['reference'].iloc[0]}  ({g['replications'].iloc[0]} paired runs)")
        lines.append(f"  {'indicator':<{width}} {'reference':>10} {'arm':>10} {'difference':>11} "
                     f"{pct:>23} {'se paired':>10} {'se unpaired':>11}  unit")
        for r in g.itertuples():
            ci = f"[{r.ci_low:+.4f}, {r.ci_high:+.4f}]"
            lines.append(f"  {r.indicator:<{width}} {r.mean_reference:>10.4f} {r.mean_arm:>10.4f} "
                         f"{r.mean_difference:>+11.4f} {ci:>23} {r.std_error:>10.4f} {r.std_error_unpaired:>11.4f}"
                         f"  {unit(r.indicator)}")
    return "\n".join(lines)


@dataclass
class Pairs:
    """Every run of a comparison, composed and validated before any runs: run ``(arm, k)`` takes
    ``configs[(arm, k)]`` with ``seeds[k]`` (and, over a posterior, ``draws[k]``) in every arm."""

    configs: dict[tuple[int, int], object]
    seeds: list[int]
    draws: list[dict]
    root_seed: int


def pair_runs(request: Request) -> Pairs:
    """Compose and validate every arm; over a posterior, every arm's replication k takes draw k."""
    configs = [compose_arm(request.common + arm) for arm in request.arms]
    r = request.settings.replications
    seeds = [replication_seed(configs[0].seed, k) for k in range(r)]
    jobs = [(a, k) for a in range(len(configs)) for k in range(r)]
    runs_of = {(a, k): configs[a] for a, k in jobs}
    draws = [{}] * r
    if request.calibration is not None:
        from sim.calibration.posterior import check_overrides
        from sim.calibration.uncertain import posterior_draws

        check_overrides(request.calibration, request.common + [o for arm in request.arms for o in arm])
        draws = posterior_draws(request.calibration, r, configs[0].seed)
        runs_of = {(a, k): compose_arm(request.common + request.arms[a], draws[k]) for a, k in jobs}
    return Pairs(runs_of, seeds, draws, configs[0].seed)


def run_pairs(pairs: Pairs, request: Request) -> pd.DataFrame:
    """Run every pair (joblib, ``compare.n_jobs``); one row per run: arm, replication, seed, draw, indicators."""
    from joblib import Parallel, delayed

    jobs = list(pairs.configs)
    rows = Parallel(n_jobs=request.settings.n_jobs)(delayed(run_one)(pairs.configs[job], pairs.seeds[job[1]])
                                                    for job in jobs)
    return pd.DataFrame([{"arm": request.labels[a], "replication": k, "seed": pairs.seeds[k], **pairs.draws[k], **row}
                         for (a, k), row in zip(jobs, rows)])


def main(argv: list[str]) -> dict:
    """Parse, compose and validate every arm before any run, run the pairs, write, print."""
    import sim

    started = time.perf_counter()
    request = parse(argv)
    pairs = pair_runs(request)
    print(f"compare: {len(request.arms)} arms x {len(pairs.seeds)} seeds, common random numbers"
          + (f", posterior draws of {request.calibration}" if request.calibration else ""), file=sys.stderr)
    runs = run_pairs(pairs, request)
    table = paired_table(runs, request.labels, request.settings.confidence)
    summary = {"version": sim.__version__, "command": "compare", "arms": request.labels,
               "common_overrides": request.common, "root_seed": pairs.root_seed, "seeds": pairs.seeds,
               "calibration": request.calibration,
               "settings": dataclasses.asdict(request.settings),
               "seconds": round(time.perf_counter() - started, 2),
               "files": ["runs.csv", "compare.csv", "summary.json"]}
    write(request.outdir, runs, table, summary)
    print(format_table(table, request.settings.confidence))
    print(f"{len(runs)} runs, {summary['seconds']:.1f} s; outputs {request.outdir}")
    return summary
