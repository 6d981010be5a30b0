"""The ``sim`` command: compose the config with Hydra, validate it, run, write outputs.

    sim                                 the default community
    sim scenario=random_leaders         a preset from scenarios/
    sim deliberation.mode=cloud steps=52
    sim interventions=[empowerment_training] interventions.empowerment_training.target.count=50
    sim -m deliberation.mode=snowball,cloud seed=1,2,3     a Hydra multirun
    sim calibrate=riverside             ABC-SMC calibration to observed targets (conf/calibrate/)
    sim scenario=X calibration=<folder> a scenario over draws from a calibration's posterior
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.config import validate_config
from sim.schema import ConfigError

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "conf"
log = logging.getLogger("sim")


def presets(folder: Path) -> list[str]:
    """Names of the YAML presets in a config-group folder."""
    return sorted(p.stem for p in folder.glob("*.yaml"))


def known_scenarios() -> list[str]:
    return presets(ROOT / "scenarios")


def _names(value: str) -> list[str]:
    """Names in an override value: ``a``, ``a,b`` (a sweep), ``[a,b]``, ``[a],[b]``."""
    return [n for n in re.split(r"[\[\],\s]+", value) if n]


def precheck_arguments(argv: list[str]) -> None:
    """Refuse unknown scenario, intervention, experiment and calibration names before Hydra composes anything."""
    for arg in argv:
        key, _, value = arg.lstrip("+~").partition("=")
        if key == "scenario":
            known = known_scenarios()
        elif key == "interventions":
            from sim.interventions import REGISTRY  # imports Mesa: only when programmes are named

            known = sorted(REGISTRY)
        elif key in ("experiment", "calibrate"):
            known = presets(CONF / key) + ["null"]
        else:
            continue
        for name in _names(value):
            if name not in known:
                raise ConfigError(key, name, "allowed: " + ", ".join(n for n in known if n != "null"))


def fail(error: ConfigError, outdir: Path | None = None, job_name: str | None = None) -> None:
    """Print one clear message, remove what Hydra wrote for this failed run, exit 2.

    Only Hydra's own files (``.hydra/`` and the job log) are removed, and the folder itself only
    if that leaves it empty: a run pointed at an existing folder loses nothing of it.
    """
    print(error, file=sys.stderr)
    if outdir is not None and outdir.is_dir():
        shutil.rmtree(outdir / ".hydra", ignore_errors=True)
        if job_name:
            (outdir / f"{job_name}.log").unlink(missing_ok=True)
        if not any(outdir.iterdir()):
            outdir.rmdir()
    raise SystemExit(2)


@hydra.main(version_base="1.3", config_path=str(CONF), config_name="sim")  # conf/sim.yaml: config.yaml + sweep
def run(cfg: DictConfig) -> dict:
    from sim.model import CommunityModel
    from sim.outputs import summarise, write_outputs
    from sim.sweep.job import is_sweep_job, run_sweep_job

    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    hc = HydraConfig.get()
    outdir = Path(hc.runtime.output_dir)
    raw = OmegaConf.to_container(cfg, resolve=True)
    sweep = raw.pop("sweep", None)  # how a multirun job runs: sim/sweep/job.py
    experiment = raw.pop("experiment", None)  # `sim experiment=NAME`: sim/experiments/command.py
    calibrate = raw.pop("calibrate", None)  # `sim calibrate=NAME`: sim/calibration/command.py
    calibration, draws = raw.pop("calibration", None), raw.pop("calibration_draws", None)
    if calibrate is not None:
        from sim.calibration.command import run_calibrate_command
        return run_calibrate_command(raw, calibrate, outdir, lambda error: fail(error, outdir, hc.job.name))
    if calibration is not None and not is_sweep_job(sweep, hc):  # `calibration=<folder>`: over the posterior
        from sim.calibration.command import run_with_posterior
        return run_with_posterior(raw, experiment, calibration, draws, outdir, hc.runtime.choices.get("scenario"),
                                  list(hc.overrides.task), lambda error: fail(error, outdir, hc.job.name))
    if experiment is not None:
        from sim.experiments.command import run_experiment_command
        return run_experiment_command(raw, experiment, outdir, lambda error: fail(error, outdir, hc.job.name))
    if is_sweep_job(sweep, hc):
        try:
            return run_sweep_job(raw, sweep, hc, calibration)
        except ConfigError as error:
            fail(error, outdir, hc.job.name)
    try:
        model_cfg = validate_config(raw)
        started = time.perf_counter()
        model = CommunityModel(model_cfg)
    except ConfigError as error:
        fail(error, outdir, hc.job.name)
    model.run_for(model_cfg.steps)
    summary = summarise(model, scenario=hc.runtime.choices.get("scenario"))
    write_outputs(model, outdir, summary)
    elapsed = time.perf_counter() - started
    print(format_summary(summary, outdir, elapsed))
    return summary


def format_summary(s: dict, outdir: Path, seconds: float) -> str:
    ladder = " ".join(f"{x:.2f}" for x in s["ladder"])
    return "\n".join([
        f"scenario {s['scenario']}  seed {s['seed']}  {s['n_residents']} residents  {s['steps']} weeks"
        f"  ({seconds:.2f} s)",
        f"  community rung        {s['community_rung']} (Arnstein 1-8)",
        f"  ladder shares 1..8    {ladder}",
        f"  participation rate    {s['participation_rate']:.3f} per deliberation day (last year)",
        f"  ever attended         {s['ever_attended_share']:.3f}",
        f"  efficacy/trust/satisf {s['mean_efficacy']:.2f} / {s['mean_trust']:.2f} / {s['mean_satisfaction']:.2f}",
        f"  organisations         {s['organisations_recreational']} recreational,"
        f" {s['organisations_public_good']} public-good",
        f"  outputs               {outdir}",
    ])


def main() -> None:
    try:
        precheck_arguments(sys.argv[1:])
    except ConfigError as error:
        fail(error)
    run()


if __name__ == "__main__":
    main()
