"""One job of a multirun: plan its runs, skip them if its folder already holds them, else run
them and write its rows (and, for a single run, the usual run files)."""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hydra.types import RunMode

from sim.schema import ConfigError
from sim.sweep.plan import plan_job
from sim.sweep.rows import run_row, timeseries_rows
from sim.sweep.settings import SweepSettings, read_settings
from sim.sweep.store import read_done, write_job

log = logging.getLogger("sim.sweep")


def is_sweep_job(sweep: Mapping | None, hc: Any) -> bool:
    """A job of a multirun, or a single run given sweep settings (which :func:`run_sweep_job` refuses)."""
    sweep = sweep or {}
    return hc.mode == RunMode.MULTIRUN or any(sweep.get(f.name, f.default) != f.default
                                              for f in dataclasses.fields(SweepSettings))


def _require_multirun(settings: SweepSettings) -> None:
    for f in dataclasses.fields(SweepSettings):
        value = getattr(settings, f.name)
        if value != f.default:
            raise ConfigError(f"sweep.{f.name}", value, "takes effect in a multirun: add -m")


def _refuse(error: ConfigError, job_dir: Path, hc: Any) -> dict:
    """A job with bad input: print the one-line error and remove what Hydra wrote for it, as a
    single run does (:func:`sim.cli.fail`), but end normally, so that jobs running alongside in
    other processes finish; the multirun then exits with status 2 (:mod:`sim.sweep.callbacks`)."""
    from sim.failures import clean_failed_run

    print(error, file=sys.stderr)
    clean_failed_run(job_dir, hc.job.name)
    return {"job": int(hc.job.num), "refused": str(error)}


def job_failed(error: BaseException, job_dir: Path, hc: Any) -> dict:
    """A job that failed (full disk, memory, a crash): one line naming the job, nothing of it left
    that looks finished, and a normal end so the other jobs go on; the multirun exits with status 1."""
    from sim.failures import clean_failed_run, describe_failure
    from sim.outputs import OUTPUT_FILES

    print(f"job {int(hc.job.num)}: {describe_failure(error)}", file=sys.stderr)
    for name in OUTPUT_FILES:  # a single run's files written before its rows could be
        (job_dir / name).unlink(missing_ok=True)
    clean_failed_run(job_dir, hc.job.name)
    return {"job": int(hc.job.num), "failed": describe_failure(error)}


def run_sweep_job(raw: dict, sweep: Mapping | None, hc: Any, calibration: str | None = None) -> Any:
    """Run the job whose composed config is ``raw`` (without ``sweep``); ``hc`` is its HydraConfig;
    ``calibration``: a calibration folder whose posterior gives each replication its parameters.
    Outside a multirun, sweep settings raise ConfigError; inside one, every failure of the job is
    reported on one line and returned (``refused`` or ``failed``), never raised."""
    settings = read_settings(sweep)
    if hc.mode != RunMode.MULTIRUN:
        _require_multirun(settings)
    job_dir = Path(hc.runtime.output_dir)
    try:
        return _run_job(raw, settings, hc, job_dir, calibration)
    except ConfigError as error:
        return _refuse(error, job_dir, hc)
    except Exception as error:  # noqa: BLE001 - HYDRA_FULL_ERROR=1 keeps the traceback
        if os.environ.get("HYDRA_FULL_ERROR_USER") == "1":
            raise
        return job_failed(error, job_dir, hc)
    except KeyboardInterrupt:
        job_failed(KeyboardInterrupt("interrupted"), job_dir, hc)
        raise


def _run_job(raw: dict, settings: SweepSettings, hc: Any, job_dir: Path, calibration: str | None) -> Any:
    from sim.outputs import format_summary
    from sim.overrides import task_overrides
    from sim.model import CommunityModel
    from sim.outputs import summarise, write_outputs

    job = int(hc.job.num)
    runs = plan_job(raw, task_overrides(hc), settings, calibration)
    ids = [run.run_id for run in runs]
    done = read_done(job_dir)
    if done is not None and done["runs"] != ids:
        raise ConfigError("hydra.sweep.dir", hc.sweep.dir,
                          f"its job folder {job_dir} holds other runs (another config, design or chunking); "
                          "to resume a sweep rerun the same command, else choose a new folder")
    if done is not None:
        log.info("job %d: its %d runs are already done (%s)", job, len(ids), job_dir)
        return {"job": job, "runs": len(ids), "skipped": True}
    scenario = hc.runtime.choices.get("scenario")
    started = time.perf_counter()
    rows, series, model_seconds = [], [], []
    summary: dict = {}
    model = None
    for run in runs:
        t0 = time.perf_counter()
        model = CommunityModel(run.config)
        model.run_for(run.config.steps)
        summary = summarise(model, scenario=scenario)
        model_seconds.append(time.perf_counter() - t0)
        rows.append(run_row(run, job, summary))
        series.append(timeseries_rows(run, model.timeseries()))
    record = {"job": job, "runs": ids, "parameters": list(runs[0].parameters),
              "model_seconds": model_seconds, "seconds": time.perf_counter() - started}
    if settings.single_run:  # the usual run files first, the job's rows (and runs.done.json) last
        write_outputs(model, job_dir, summary)
    write_job(job_dir, rows, series, record)
    if settings.single_run:
        print(format_summary(summary, job_dir, model_seconds[-1]))
        return summary
    log.info("job %d: %d runs in %.1f s", job, len(runs), record["seconds"])
    return {"job": job, "runs": len(ids), "skipped": False}
