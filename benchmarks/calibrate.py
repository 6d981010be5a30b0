"""Time a calibration: the worked example `sim calibrate=riverside` (the default community of
2,000 residents over 156 weeks, 3 free parameters, 5 targets) on every core, from scratch.

    .venv/bin/python benchmarks/calibrate.py [override ...]     e.g. calibrate.population_size=100

Prints one JSON object: wall time, simulations (ABC and posterior-predictive), generations, final
threshold, and per parameter the posterior mean and 90 % interval beside the value the synthetic
data were made with. Target: <= 15 minutes on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "riverside"))


def main(overrides: list[str]) -> None:
    from make_example import TRUE

    from sim.calibration.abc import run_abc
    from sim.calibration.config import prepare
    from sim.calibration.outputs import write_outputs

    os.chdir(ROOT)
    from sim.conf import CONF

    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose(config_name="sim", overrides=["calibrate=riverside", *overrides])
    raw = OmegaConf.to_container(cfg, resolve=True)
    for key in ("sweep", "calibration", "calibration_draws", "experiment"):
        raw.pop(key, None)
    calibrate = raw.pop("calibrate")
    started = time.perf_counter()
    plan = prepare(raw, calibrate)
    with tempfile.TemporaryDirectory() as folder:
        history = run_abc(plan, Path(folder))
        abc_seconds = time.perf_counter() - started
        summary = write_outputs(plan, history, Path(folder), started)
    print(json.dumps({
        "benchmark": "calibrate riverside", "cores": os.cpu_count(), "n_residents": plan.base.community.n_residents,
        "steps": plan.base.steps, "parameters": len(plan.priors), "targets": len(plan.targets),
        "population_size": plan.settings.population_size, "generations": summary["generations"],
        "abc_simulations": summary["simulations"], "predictive_simulations": plan.settings.posterior_predictive,
        "epsilon": round(summary["epsilon"], 3), "abc_seconds": round(abc_seconds, 1),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "ppc_inside_90": f"{summary['ppc_inside_90']}/{len(plan.targets)}",
        "posterior": {name: {"true": TRUE.get(name), "mean": round(p["mean"], 3), "q05": round(p["q05"], 3),
                             "q95": round(p["q95"], 3), "shrinkage": round(p["shrinkage"], 2)}
                      for name, p in summary["parameters"].items()},
    }, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
