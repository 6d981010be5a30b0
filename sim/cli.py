"""The ``sim`` command: compose the config with Hydra, validate it, run, write outputs.

``sim --help`` prints :data:`HELP` (the project's commands, config groups and examples);
Hydra's own help stays reachable with ``sim --hydra-help``; ``sim --version`` prints the
project's version.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import signal
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim import compare
from sim.conf import CONF, known_scenarios, presets, user_scenarios
from sim.config import validate_config
from sim.failures import EXIT_BAD_INPUT, EXIT_FAILED, clean_failed_run, describe_failure
from sim.overrides import composed, resolve, task_overrides
from sim.schema import ConfigError

__all__ = ["CONF", "EXIT_BAD_INPUT", "EXIT_FAILED", "clean_failed_run", "composed", "describe_failure",
           "known_scenarios", "main", "resolve", "task_overrides"]

log = logging.getLogger("sim")
TRACEBACK_ENV = "HYDRA_FULL_ERROR"  # =1: let an unexpected error show its traceback (Hydra's switch)
# launcher presets of sim/conf/hydra/launcher/ (and Hydra's own names) -> (plugin module, extra)
LAUNCHER_EXTRAS = {
    "ray_local": ("hydra_plugins.hydra_ray_launcher", "ray"),
    "ray_cluster": ("hydra_plugins.hydra_ray_launcher", "ray"),
    "ray": ("hydra_plugins.hydra_ray_launcher", "ray"),
    "slurm": ("hydra_plugins.hydra_submitit_launcher", "slurm"),
    "submitit_local": ("hydra_plugins.hydra_submitit_launcher", "slurm"),
    "submitit_slurm": ("hydra_plugins.hydra_submitit_launcher", "slurm"),
}

HELP = """\
usage: sim [-m] [KEY=VALUE ...]      run one community (or, with -m, a sweep) and write its outputs

The model: residents of one urban community decide week by week whether to take part in
deliberation; the outcome is measured on Arnstein's ladder of participation (docs/ODD.md).
Every parameter has a default, a range and a meaning in the dataclasses of sim/config.py;
any of them can be set as KEY=VALUE, e.g. community.n_residents=500 deliberation.mode=cloud.

Commands
  sim                                     the default community (2,000 residents, 156 weeks)
  sim scenario=NAME                       a scenario preset
  sim 'interventions=[NAME,...]'          switch programmes on (they act in the order listed)
  sim experiment=NAME                     a social-lab experiment over many communities
  sim calibrate=NAME                      ABC-SMC calibration to observed targets (extra 'calibrate')
  sim validate=full                       the model against named stylised facts (validate=quick: a subset)
  sim scenario=NAME calibration=FOLDER    runs over draws from a calibration's posterior
  sim compare=on scenario=A,B             paired runs of two arms on the same seeds
  sim -m KEY=V1,V2 ...                    a multirun (sweep): every combination, one results table
  sim-app                                 the live workshop app (http://localhost:8765)

Config groups
  scenario=        {scenarios}
  interventions=   {interventions}
  experiment=      {experiments}
  calibrate=       {calibrate}
  validate=        {validate}
  hydra/launcher=  {launchers}
                   (with -m; ray_* need the extra 'ray', slurm and submitit_* the extra 'slurm')
Your own scenarios: ./scenarios/NAME.yaml in the working folder (first line '# @package _global_').

Examples
  sim scenario=random_leaders seed=7
  sim 'interventions=[empowerment_training]' interventions.empowerment_training.target.count=50
  sim experiment=gulou_small
  sim -m deliberation.mode=snowball,cloud seed=1,2,3
  sim -m hydra/launcher=slurm sweep.design=design.parquet

Options
  -h, --help        this help
  --version         the version of community-sim
  --hydra-help      Hydra's own options (--cfg job to print the composed config, --info, ...)
Outputs go to outputs/DATE/TIME/ (a multirun: multirun/DATE/TIME/); HYDRA_FULL_ERROR=1 shows tracebacks.
"""


def help_text() -> str:
    """:data:`HELP` with the names of every shipped (and the user's own) preset filled in."""
    from sim.interventions import REGISTRY

    def names(items: list[str]) -> str:
        return textwrap.fill(", ".join(items), width=80, subsequent_indent=" " * 19)

    return HELP.format(scenarios=names(known_scenarios()), interventions=names(sorted(REGISTRY)),
                       experiments=names(presets("experiment")), calibrate=names(presets("calibrate")),
                       validate=names(presets("validate")),
                       launchers=names(presets("hydra/launcher") + ["basic", "submitit_local"]))


def version_text() -> str:
    import sim

    return f"sim (community-sim) {sim.__version__}"


def _names(value: str) -> list[str]:
    """Names in an override value: ``a``, ``a,b`` (a sweep), ``[a,b]``, ``[a],[b]``."""
    return [n for n in re.split(r"[\[\],\s]+", value) if n]


def precheck_arguments(argv: list[str]) -> None:
    """Refuse unknown scenario, intervention, experiment and calibration names, and a cluster launcher
    whose extra is not installed, before Hydra composes anything."""
    for arg in argv:
        key, _, value = arg.lstrip("+~").partition("=")
        if key == "scenario":
            known = known_scenarios()
            clash = set(user_scenarios()) & set(presets("scenario"))
            for name in _names(value):
                if name in clash:
                    raise ConfigError(key, name, f"./scenarios/{name}.yaml has the name of a shipped scenario; "
                                      "rename the file (shipped: " + ", ".join(presets("scenario")) + ")")
        elif key == "interventions":
            from sim.interventions import REGISTRY

            known = sorted(REGISTRY)
        elif key in ("experiment", "calibrate", "validate"):
            known = presets(key) + ["null"]
            if key == "calibrate" and value not in ("", "null") and importlib.util.find_spec("pyabc") is None:
                raise ConfigError(key, value, "needs the extra 'calibrate': pip install 'community-sim[calibrate]'")
        elif key == "hydra/launcher":
            for name in _names(value):
                module, extra = LAUNCHER_EXTRAS.get(name, (None, None))
                if module is not None and importlib.util.find_spec(module) is None:
                    raise ConfigError(key, name, f"needs the extra '{extra}': pip install 'community-sim[{extra}]'")
            continue
        else:
            continue
        for name in _names(value):
            if name not in known:
                raise ConfigError(key, name, "allowed: " + ", ".join(n for n in known if n != "null"))


def fail(error: BaseException, outdir: Path | None = None, job_name: str | None = None) -> None:
    """Print one clear line, remove what Hydra wrote for this failed run, exit 2 for bad input
    (:class:`ConfigError`) and 1 for anything else."""
    print(describe_failure(error), file=sys.stderr)
    clean_failed_run(outdir, job_name)
    raise SystemExit(EXIT_BAD_INPUT if isinstance(error, ConfigError) else EXIT_FAILED)


HYDRA_RECORD = ".hydra"


def save_hydra_record(cfg: DictConfig, outdir: Path) -> None:
    """What Hydra itself would write into ``outdir/.hydra`` (``sim/conf/sim.yaml`` sets
    ``hydra.output_subdir: null`` so that failures here are ours to report)."""
    hydra_cfg = HydraConfig.instance().cfg
    record = outdir / HYDRA_RECORD
    record.mkdir(parents=True, exist_ok=True)
    OmegaConf.save(cfg, record / "config.yaml")
    OmegaConf.save(hydra_cfg, record / "hydra.yaml")
    OmegaConf.save(hydra_cfg.hydra.overrides.task, record / "overrides.yaml")


@hydra.main(version_base="1.3", config_path=str(CONF), config_name="sim")  # sim/conf/sim.yaml: config.yaml + sweep
def run(cfg: DictConfig) -> dict:
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    logging.raiseExceptions = False  # a log line that cannot be written (full disk) is no traceback
    hc = HydraConfig.get()
    outdir = Path(hc.runtime.output_dir)
    try:
        save_hydra_record(cfg, outdir)
    except Exception as error:  # noqa: BLE001 - e.g. a full disk: this run (or job) alone fails
        if hc.mode == RunMode.MULTIRUN:
            from sim.sweep.job import job_failed

            return job_failed(error, outdir, hc)
        fail(error, outdir, hc.job.name)
    try:
        return run_job(cfg, hc, outdir)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM at any point of a single run
        print("interrupted: nothing of this run was kept", file=sys.stderr)
        clean_failed_run(outdir, hc.job.name)
        raise SystemExit(130) from None


def run_job(cfg: DictConfig, hc: Any, outdir: Path) -> dict:
    """What ``run`` does once Hydra's record is saved: a sweep job, an experiment or a single run."""
    from sim.sweep.job import is_sweep_job, run_sweep_job

    try:
        raw = composed(cfg, task_overrides(hc))
        sweep = raw.pop("sweep", None)  # how a multirun job runs: sim/sweep/job.py
        experiment = raw.pop("experiment", None)  # `sim experiment=NAME`: sim/experiments/command.py
        calibrate = raw.pop("calibrate", None)  # `sim calibrate=NAME`: sim/calibration/command.py
        validate = raw.pop("validate", None)  # `sim validate=NAME`: sim/validation/command.py
        calibration, draws = raw.pop("calibration", None), raw.pop("calibration_draws", None)
        multirun_job = is_sweep_job(sweep, hc)
    except ConfigError as error:
        fail(error, outdir, hc.job.name)
    if multirun_job:
        try:
            return run_sweep_job(raw, sweep, hc, calibration)  # in a multirun it reports its own failures
        except ConfigError as error:  # sweep settings outside a multirun
            fail(error, outdir, hc.job.name)
    try:
        if validate is not None:
            from sim.validation.command import run_validate_command
            return run_validate_command(raw, validate, task_overrides(hc), outdir,
                                        lambda error: fail(error, outdir, hc.job.name))
        if calibrate is not None:
            from sim.calibration.command import run_calibrate_command
            return run_calibrate_command(raw, calibrate, outdir, lambda error: fail(error, outdir, hc.job.name))
        if calibration is not None:  # `calibration=<folder>`: runs over the posterior
            from sim.calibration.command import run_with_posterior
            return run_with_posterior(raw, experiment, calibration, draws, outdir, hc.runtime.choices.get("scenario"),
                                      task_overrides(hc), lambda error: fail(error, outdir, hc.job.name))
        if experiment is not None:
            from sim.experiments.command import run_experiment_command
            return run_experiment_command(raw, experiment, outdir, lambda error: fail(error, outdir, hc.job.name))
        return run_once(raw, hc, outdir)
    except Exception as error:  # noqa: BLE001 - every failure ends as one line (HYDRA_FULL_ERROR=1: traceback)
        if os.environ.get(TRACEBACK_ENV + "_USER") == "1":
            raise
        fail(error, outdir, hc.job.name)


def run_once(raw: dict, hc: Any, outdir: Path) -> dict:
    """A single run: validate (memory estimate included), build, run, write the outputs, print."""
    from sim.model import CommunityModel
    from sim.outputs import format_summary, summarise, write_outputs

    from sim.budget import duration, estimate, gib

    model_cfg = validate_config(raw)
    est = estimate(model_cfg)
    log.info("estimate: ~%s of memory, ~%s (sim/budget.py)", gib(est.memory_bytes), duration(est.seconds))
    if est.seconds > 600:
        print(f"note: this run should take ~{duration(est.seconds)} and ~{gib(est.memory_bytes)} of memory "
              "(sim/budget.py estimate)", file=sys.stderr)
    started = time.perf_counter()
    model = CommunityModel(model_cfg)
    model.run_for(model_cfg.steps)
    summary = summarise(model, scenario=hc.runtime.choices.get("scenario"))
    write_outputs(model, outdir, summary)
    elapsed = time.perf_counter() - started
    print(format_summary(summary, outdir, elapsed))
    return summary


def terminated(signum, frame) -> None:
    """SIGTERM (``kill``, a scheduler's time limit) ends a run as Ctrl-C does: nothing half-written kept."""
    raise KeyboardInterrupt


def main() -> None:
    """``sim``: every failure ends with one line on stderr and a non-zero status (2 bad input, 1 any
    other failure), Hydra's own ones included; with ``HYDRA_FULL_ERROR=1`` unexpected errors keep
    their traceback."""
    from sim.sweep.callbacks import failed_launch

    if {"-h", "--help"} & set(sys.argv[1:]):
        print(help_text(), end="")
        return
    if "--version" in sys.argv[1:]:
        print(version_text())
        return
    try:
        precheck_arguments(sys.argv[1:])
        if compare.is_compare(sys.argv[1:]):  # `sim compare=on ...`: paired runs (sim/compare.py)
            compare.main(sys.argv[1:])
            return
    except ConfigError as error:
        fail(error)
    except Exception as error:  # noqa: BLE001 - a comparison that failed while running (full disk, ...)
        if os.environ.get(TRACEBACK_ENV) == "1":
            raise
        print(describe_failure(error), file=sys.stderr)
        raise SystemExit(EXIT_FAILED) from None
    if os.environ.get(TRACEBACK_ENV) == "1":
        os.environ[TRACEBACK_ENV + "_USER"] = "1"
    os.environ[TRACEBACK_ENV] = "1"  # Hydra then raises its errors here instead of printing a trace
    signal.signal(signal.SIGTERM, terminated)  # `kill` cleans up like Ctrl-C
    try:
        run()
    except Exception as error:  # noqa: BLE001 - Hydra's own failures: config save, launcher, sweeper
        if os.environ.get(TRACEBACK_ENV + "_USER") == "1":
            raise
        note = failed_launch()
        print(describe_failure(error) + (f"; {note}" if note else ""), file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT if isinstance(error, ConfigError) else EXIT_FAILED) from None


if __name__ == "__main__":
    main()
