"""The Hydra callback of the ``sim`` command (``hydra.callbacks.sweep`` in ``sim/conf/sim.yaml``).

* run start: note the run folder, so that a failure inside Hydra itself can be cleaned up;
* multirun start: lock the sweep folder (a second sweep into it is refused, :mod:`sim.sweep.lock`),
  check the command line, the sweep settings and the whole design (every row against the config;
  nothing runs if one is bad), keep a copy of the design in the sweep folder, start the progress
  display;
* job end (in the job's process): record how the job ended, for the progress display;
* multirun end: stop the launcher's idle worker processes, gather every finished job's rows into
  ``results.parquet`` and ``timeseries_long.parquet`` and exit non-zero if a job did not finish:
  status 2 if jobs were refused for bad input, 1 if one failed (full disk, memory, a crash), each
  with its one line.

Hydra turns an exception of a callback into a warning and goes on, so every method here catches
its own errors, prints one line and ends the command with :class:`SystemExit`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hydra.core.utils import JobReturn, JobStatus
from hydra.errors import HydraException
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.schema import ConfigError
from sim.sweep.design_file import check_design, read_design, write_design
from sim.sweep.lock import LOCK, OWNER, lock_sweep, unlock_sweep
from sim.sweep.progress import ProgressMonitor, record_job_end
from sim.sweep.settings import read_settings
from sim.sweep.store import (DONE, JOBS, RESULTS, TIMESERIES_LONG, finished_jobs, gather, read_expected_jobs,
                             write_expected_jobs)

BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"
ACTIVE: dict[str, Any] = {"run_dir": None, "run_dir_existed": True, "sweep_dir": None, "lock": None}


def failed_launch() -> str:
    """After a failure inside Hydra (a config it could not save, a launcher that broke): remove what
    Hydra wrote for the run, or for the sweep's unfinished jobs, and release the sweep folder.
    Returns a note for the error line ("" for a single run)."""
    from sim.failures import clean_failed_run

    if ACTIVE["run_dir"] is not None and not (ACTIVE["run_dir"] / "summary.json").is_file():
        clean_failed_run(ACTIVE["run_dir"])
    sweep_dir = ACTIVE["sweep_dir"]
    if sweep_dir is None:
        return ""
    tidy_unfinished_jobs(sweep_dir)
    unlock_sweep(ACTIVE["lock"], sweep_dir)
    ACTIVE["sweep_dir"] = None
    return (f"the sweep stopped; its {len(finished_jobs(sweep_dir))} finished job(s) are kept in {sweep_dir} "
            "and a rerun of the same command runs only the rest")


def tidy_unfinished_jobs(sweep_dir: Path) -> None:
    """Remove Hydra's record and log from job folders that hold no finished job (no ``runs.done.json``)."""
    from sim.failures import clean_failed_run

    folders = {p.parent for p in sweep_dir.rglob(".hydra")} | {p.parent for p in sweep_dir.rglob("*.log")}
    for job_dir in sorted(folders):
        if job_dir != sweep_dir and not (job_dir / DONE).is_file():
            clean_failed_run(job_dir, "cli")


def stop_workers() -> None:
    """Stop the idle worker processes of joblib's reusable pool (the default launcher's, if this
    process has one) at once: left alone, the exit of the ``sim`` command waits while each worker
    tears down its interpreter (about a second at the end of every sweep)."""
    pool = sys.modules.get("joblib.externals.loky.reusable_executor")  # not imported: no pool
    executor = getattr(pool, "_executor", None)  # loky's module-level pool, None once shut down
    if executor is not None:
        executor.shutdown(wait=False, kill_workers=True)


def _exit(error: BaseException) -> SystemExit:
    from sim.failures import EXIT_BAD_INPUT, EXIT_FAILED, describe_failure

    print(describe_failure(error), file=sys.stderr)
    return SystemExit(EXIT_BAD_INPUT if isinstance(error, ConfigError) else EXIT_FAILED)


def count_jobs(config: DictConfig) -> int | None:
    """Jobs the basic sweeper will launch (the product of the swept values); None if unknown."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    from sim.overrides import task_overrides
    from hydra.core.override_parser.overrides_parser import OverridesParser

    sweeper = config.hydra.sweeper
    if sweeper.get("_target_") != BASIC_SWEEPER:
        return None
    args = [f"{k}={v}" for k, v in (sweeper.get("params") or {}).items()]
    args += task_overrides(config.hydra)
    try:
        overrides = OverridesParser.create().parse_overrides(args)
        return sum(len(batch) for batch in BasicSweeper.split_arguments(overrides, None))
    except HydraException:
        return None


def keep_design(path: str, base: dict, sweep_dir: Path) -> None:
    """Validate every row of the design against ``base`` and copy the design into the sweep
    folder (``design.csv``/``.parquet`` and ``design.json``); a folder already holding another
    design is refused."""
    design = read_design(path)
    check_design(design, base)
    info = {"method": "given", "problem": {"names": design.names}, **design.info,
            "rows": len(design.table), "file": str(path)}
    kept = sweep_dir / f"design{Path(path).suffix}"
    for old in (sweep_dir / "design.csv", sweep_dir / "design.parquet"):
        if old.is_file() and not read_design(old).table.equals(design.table):
            raise ConfigError("sweep.design", path, f"the sweep folder {sweep_dir} was run with another design "
                              f"({old}); choose a new folder (hydra.sweep.dir)")
    design.info = info
    sweep_dir.mkdir(parents=True, exist_ok=True)
    write_design(kept, design)  # and design.json beside it


def _plain(config: DictConfig, key: str) -> Any:
    """A top-level entry as plain data, interpolations resolved (the ``hydra`` node is not yet
    resolvable when a multirun starts); ConfigError naming the key of one that cannot be resolved."""
    from sim.overrides import resolve

    value = config[key] if key in config else None
    return resolve(value) if OmegaConf.is_config(value) else value


class SweepCallback(Callback):
    def __init__(self) -> None:
        self._monitor: ProgressMonitor | None = None

    def __getstate__(self) -> dict:  # jobs in other processes get the callback without the thread
        return {**self.__dict__, "_monitor": None}

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            run_dir = Path(OmegaConf.select(config, "hydra.run.dir"))
        except Exception:  # noqa: BLE001 - Hydra reports a run folder it cannot resolve itself
            return
        ACTIVE["run_dir"], ACTIVE["run_dir_existed"] = run_dir, run_dir.exists()

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        from sim.overrides import task_overrides
        from sim.overrides import check_overrides

        sweep_dir = Path(config.hydra.sweep.dir)
        existed = sweep_dir.exists()
        try:
            ACTIVE["lock"] = lock_sweep(sweep_dir)  # first: nothing of a running sweep is touched
            ACTIVE["sweep_dir"] = sweep_dir
            check_overrides(task_overrides(config.hydra))
            raw = {key: _plain(config, key) for key in config if key != "hydra"}
            settings = read_settings(raw.pop("sweep", None))
            for key in ("calibration", "calibration_draws"):  # how runs take posterior draws, not model keys
                raw.pop(key, None)
            if settings.design is not None:
                keep_design(settings.design, raw, sweep_dir)
            total = count_jobs(config)
            write_expected_jobs(sweep_dir, total)
        except Exception as error:  # noqa: BLE001 - one line and a status, never a warning
            if ACTIVE["sweep_dir"] is not None:
                unlock_sweep(ACTIVE["lock"], sweep_dir)
                if not existed:  # the folder this sweep made, with only its lock in it
                    for name in (LOCK, OWNER, JOBS):
                        (sweep_dir / name).unlink(missing_ok=True)
                    try:
                        sweep_dir.rmdir()
                    except OSError:
                        pass
            ACTIVE["sweep_dir"] = None
            raise _exit(error) from None
        self._monitor = ProgressMonitor(sweep_dir, total)
        self._monitor.start()

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        if config.hydra.mode != RunMode.MULTIRUN or job_return.status != JobStatus.COMPLETED:
            return
        value = job_return.return_value if isinstance(job_return.return_value, dict) else {}
        ending = ("refused" if "refused" in value else "failed" if "failed" in value
                  else "skipped" if value.get("skipped") is True else "ran")
        try:
            record_job_end(config.hydra.sweep.dir, int(config.hydra.job.num), ending)
        except OSError as error:  # the multirun's end finds the job unfinished all the same
            from sim.failures import describe_failure

            print(describe_failure(error), file=sys.stderr)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            stop_workers()  # every job has ended: the exit need not wait for them
            self._end(sweep_dir)
        except SystemExit:
            raise
        except Exception as error:  # noqa: BLE001 - e.g. a full disk while gathering
            raise _exit(error) from None
        finally:
            unlock_sweep(ACTIVE["lock"], sweep_dir)
            ACTIVE["sweep_dir"] = None

    def _end(self, sweep_dir: Path) -> None:
        counts = {"refused": 0, "failed": 0}
        if self._monitor is not None:
            self._monitor.stop()
            counts = self._monitor.counts()
        total = read_expected_jobs(sweep_dir)
        jobs = finished_jobs(sweep_dir)
        done = {record["job"] for _, record in jobs}
        missing = [j for j in range(total) if j not in done] if total is not None else []
        failed = max(counts["failed"], len(missing) - counts["refused"])
        if failed or counts["refused"]:
            tidy_unfinished_jobs(sweep_dir)
        if jobs:
            info = gather(sweep_dir, expected_jobs=total)
            print(f"results: {sweep_dir / RESULTS} ({info['runs']} runs from {info['jobs']} jobs), "
                  f"per step: {sweep_dir / TIMESERIES_LONG}")
            design = info["design"]
            if design and design["rows_missing"]:
                print(f"warning: {design['rows_missing']} of {design['rows']} design rows not run yet "
                      "(sweep.chunk did not cover them)", file=sys.stderr)
        if failed:
            print(f"error: {failed} job(s) did not finish (see above; sweep.json lists them as jobs_missing); the finished "
                  "jobs are kept and a rerun of the same command runs only the rest", file=sys.stderr)
            raise SystemExit(1)
        if counts["refused"]:
            print(f"error: {counts['refused']} job(s) refused for bad input (see above); the finished jobs are "
                  "kept and a rerun of the same command after the fix skips them", file=sys.stderr)
            raise SystemExit(2)
