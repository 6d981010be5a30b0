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

import errno
import logging
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim import compare
from sim.config import validate_config
from sim.schema import ConfigError, one_line, shown

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "conf"
log = logging.getLogger("sim")
EXIT_BAD_INPUT, EXIT_FAILED = 2, 1
TRACEBACK_ENV = "HYDRA_FULL_ERROR"  # =1: let an unexpected error show its traceback (Hydra's switch)


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


def describe_failure(error: BaseException) -> str:
    """One line for an error that is not bad input: a full disk, memory, a file system problem, a bug."""
    from hydra.errors import HydraException

    if isinstance(error, ConfigError):
        return str(error)
    if isinstance(error, HydraException):  # e.g. "Could not override 'x'": Hydra's message, on one line
        cause = f" ({error.__cause__})" if error.__cause__ is not None else ""
        text = f"error: {error}{cause}"
    elif isinstance(error, OSError) and error.errno == errno.ENOSPC:
        where = f" writing {error.filename}" if error.filename else ""
        text = f"error: disk full{where} (No space left on device); free some space and rerun"
    elif isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        text = f"error: {error.strerror or type(error).__name__}{where}"
    elif isinstance(error, MemoryError):
        text = "error: out of memory (MemoryError); try fewer residents or steps (sim/budget.py estimates both)"
    else:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        text = f"error: {type(error).__name__}: {first}" if first else f"error: {type(error).__name__}"
    text = one_line(text)
    return text if len(text) <= 300 else text[:297] + "..."


def clean_failed_run(outdir: Path | None, job_name: str | None = None) -> None:
    """Remove what Hydra wrote for a failed run (``.hydra/`` and the job log), and the folder itself
    only if that leaves it empty: a run pointed at an existing folder loses nothing of it."""
    if outdir is None or not outdir.is_dir():
        return
    shutil.rmtree(outdir / ".hydra", ignore_errors=True)
    for name in {job_name or "cli", "cli"}:
        (outdir / f"{name}.log").unlink(missing_ok=True)
    try:
        if not any(outdir.iterdir()):
            outdir.rmdir()
    except OSError:
        pass


def fail(error: BaseException, outdir: Path | None = None, job_name: str | None = None) -> None:
    """Print one clear line, remove what Hydra wrote for this failed run, exit 2 for bad input
    (:class:`ConfigError`) and 1 for anything else."""
    print(describe_failure(error), file=sys.stderr)
    clean_failed_run(outdir, job_name)
    raise SystemExit(EXIT_BAD_INPUT if isinstance(error, ConfigError) else EXIT_FAILED)


def resolve(cfg: DictConfig) -> dict:
    """The composed config as plain data; an interpolation that cannot be resolved
    (``${oc.env:MISSING}``, ``${no_such.key}``, a recursive one) is a ConfigError naming its key."""
    from omegaconf.errors import OmegaConfBaseException

    try:
        return OmegaConf.to_container(cfg, resolve=True)
    except OmegaConfBaseException as error:
        key = getattr(error, "full_key", None) or "config"
        try:
            value = OmegaConf.to_container(cfg, resolve=False)
            for part in key.split("."):
                value = value[part]
        except Exception:  # noqa: BLE001 - the key is enough to name the problem
            value = None
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ConfigError(key, value, f"cannot be resolved ({first})") from None


HYDRA_RECORD = ".hydra"


def save_hydra_record(cfg: DictConfig, outdir: Path) -> None:
    """What Hydra itself would write into ``outdir/.hydra`` (``conf/sim.yaml`` sets
    ``hydra.output_subdir: null`` so that failures here are ours to report)."""
    import hydra.core.utils as hydra_utils

    hydra_cfg = HydraConfig.instance().cfg
    record = outdir / HYDRA_RECORD
    hydra_utils._save_config(cfg, "config.yaml", record)
    hydra_utils._save_config(hydra_cfg, "hydra.yaml", record)
    hydra_utils._save_config(hydra_cfg.hydra.overrides.task, "overrides.yaml", record)


def task_overrides(hc: Any) -> list[str]:
    """The command line's overrides as written (unresolved: an override may hold ``${...}``)."""
    return [str(o) for o in OmegaConf.to_container(hc.overrides.task, resolve=False)]


def composed(cfg: DictConfig, task_overrides: list[str]) -> dict:
    """Resolve the config and apply the command line's rules for null, ``{}`` and ``~``
    (:mod:`sim.overrides`)."""
    from sim.overrides import apply_empty, check_overrides

    empty = check_overrides(task_overrides)
    raw = resolve(cfg)
    apply_empty(raw, empty)
    return raw


@hydra.main(version_base="1.3", config_path=str(CONF), config_name="sim")  # conf/sim.yaml: config.yaml + sweep
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
    from sim.outputs import summarise, write_outputs

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


def format_summary(s: dict, outdir: Path, seconds: float) -> str:
    """The terminal summary of a run: every figure with its unit; the community rung with its
    Arnstein name, group and meaning (sim/ladder.py); definitions in sim/indicators.py."""
    from sim.ladder import Rung  # kept local: this function is the only part of the CLI that reads it

    rung = Rung(s["community_rung"])
    ladder = " ".join(f"{x:.2f}" for x in s["ladder"])
    return "\n".join([
        f"scenario {s['scenario']}  seed {s['seed']}  {s['n_residents']} residents  {s['steps']} weeks"
        f"  ({seconds:.2f} s)",
        f"  programmes            {', '.join(s['interventions']) or 'none'}",
        f"  community rung        {rung.value} of 8, {rung.label} ({rung.group}): lower median rung of the issues"
        " decided in the last ladder.window weeks",
        f"                        {rung.label}: {rung.meaning}",
        f"  ladder shares 1..8    {ladder}  (share of residents by the highest rung each reached)",
        f"  participation rate    {s['participation_rate']:.3f} of residents per deliberation day"
        " (mean over the last ladder.window weeks)",
        f"  ever attended         {s['ever_attended_share']:.3f} of residents (at least one meeting)",
        f"  efficacy/trust/satisf {s['mean_efficacy']:.2f} / {s['mean_trust']:.2f} / {s['mean_satisfaction']:.2f}"
        "  (residents' means, scale 0-1)",
        f"  deliberation          {s['meetings_total']} issues deliberated, {s['meeting_groups_total']} discussion"
        f" groups, {s['proposals_total']} proposals to officials",
        f"  leaders               {s['leaders']} residents",
        f"  organisations         {s['organisations_recreational']} recreational,"
        f" {s['organisations_public_good']} public-good",
        f"  outputs               {outdir}",
        "  one run is one draw of the community's chances: to compare programmes, run paired seeds,",
        "  e.g. sim compare=on scenario=baseline,empowerment_training",
    ])


def terminated(signum, frame) -> None:
    """SIGTERM (``kill``, a scheduler's time limit) ends a run as Ctrl-C does: nothing half-written kept."""
    raise KeyboardInterrupt


def main() -> None:
    """``sim``: every failure ends with one line on stderr and a non-zero status (2 bad input, 1 any
    other failure), Hydra's own ones included; with ``HYDRA_FULL_ERROR=1`` unexpected errors keep
    their traceback."""
    from sim.sweep.callbacks import failed_launch

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
