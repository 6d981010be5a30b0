"""``sim calibrate=NAME``: the composed config's ``calibrate`` key is the calibration, the rest is the
base model config (``sim/conf/calibrate/NAME.yaml`` may change both). Rerunning the same command with
``hydra.run.dir=<folder>`` resumes an interrupted calibration in that folder."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from sim.schema import ConfigError


def run_calibrate_command(raw: dict, calibrate: dict, outdir: Path, fail: Callable[[ConfigError], None]) -> dict:
    """Validate (``fail`` reports a bad key and exits), run or resume ABC-SMC, write the outputs."""
    from sim.calibration.abc import run_abc
    from sim.calibration.config import prepare
    from sim.calibration.outputs import write_outputs

    started = time.perf_counter()
    try:
        plan = prepare(raw, calibrate)
        print(f"calibration {plan.settings.name}: {len(plan.priors)} parameters "
              f"({', '.join(p.name for p in plan.priors)}), {len(plan.targets)} targets, "
              f"{plan.settings.population_size} particles x up to {plan.settings.generations} generations",
              file=sys.stderr)
        history = run_abc(plan, outdir)
    except ConfigError as error:
        fail(error)
    summary = write_outputs(plan, history, outdir, started)
    print(format_calibration(summary, outdir))
    return summary


def format_calibration(s: dict, outdir: Path) -> str:
    lines = [f"calibration {s['name']}: {s['generations']} generations, {s['simulations']} simulations, "
             f"epsilon {s['epsilon']:.3g}, {s['seconds']:.0f} s",
             f"  {'parameter':<34}{'mean':>9}{'5%':>9}{'95%':>9}{'shrinkage':>10}"]
    for name, p in s["parameters"].items():
        lines.append(f"  {name:<34}{p['mean']:9.3f}{p['q05']:9.3f}{p['q95']:9.3f}{p['shrinkage']:10.2f}")
    lines.append(f"  posterior-predictive: {s['ppc_inside_90']} of {len(s['targets'])} targets inside the 90% interval")
    lines.append(f"  outputs  {outdir}")
    return "\n".join(lines)


def run_with_posterior(raw: dict, experiment: dict | None, calibration: str, draws: int | None, outdir: Path,
                       scenario: str | None, overrides: list[str], fail: Callable[[ConfigError], None]) -> dict:
    """``sim ... calibration=<folder>``: a scenario or an experiment over ``calibration_draws`` posterior draws."""
    from sim.calibration import uncertain
    from sim.calibration.posterior import check_overrides
    from sim.experiments.experiment import prepare

    try:
        if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
            raise ConfigError("calibration_draws", draws, "must be an integer >= 1")
        n = draws
        check_overrides(calibration, overrides)
        if experiment is None:
            summary = uncertain.run_scenario(raw, calibration, n, outdir, scenario)
            print(uncertain.format_scenario(summary, outdir))
            return summary
        prepare(raw, experiment)  # the experiment itself is checked before any draw runs
        summary = uncertain.run_experiment(raw, experiment, calibration, n, outdir)
    except ConfigError as error:
        fail(error)
    print(f"experiment {summary['experiment']} over {n} posterior draws: {outdir / 'effects_posterior.csv'}")
    return summary
