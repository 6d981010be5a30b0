"""``sim experiment=NAME``: the composed config's ``experiment`` key is the experiment, the rest is
the base community config of every community (sim/conf/experiment/NAME.yaml may change both)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from sim.experiments.experiment import execute, format_effects, prepare
from sim.schema import ConfigError


def run_experiment_command(raw: dict, experiment: dict, outdir: Path,
                           fail: Callable[[ConfigError], None]) -> dict:
    """Validate (``fail`` reports a bad key and exits), run, write into ``outdir``, print a table."""
    started = time.perf_counter()
    try:
        plan = prepare(raw, experiment)
    except ConfigError as error:
        fail(error)
    print(f"experiment {plan.exp.name}: {plan.exp.n_units} units, designs {', '.join(plan.exp.designs)}",
          file=sys.stderr)
    summary, results = execute(plan, outdir, progress=sys.stderr)
    print(format_effects(results, outdir, time.perf_counter() - started))
    return summary
