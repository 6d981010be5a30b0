"""The Hydra callback of the ``sim`` command (``hydra.callbacks.sweep`` in ``conf/sim.yaml``).

* multirun start: check the sweep settings and every row of the design against the config
  (nothing runs if one is bad), keep a copy of the design in the sweep folder, start the
  progress display;
* job end (in the job's process): record how the job ended, for the progress display;
* multirun end: gather every job's rows into ``results.parquet`` and ``timeseries_long.parquet``;
  exit with status 2 if a job was refused for bad input (each printed its error).
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
from sim.sweep.progress import ProgressMonitor, record_job_end
from sim.sweep.settings import read_settings
from sim.sweep.store import RESULTS, TIMESERIES_LONG, finished_jobs, gather

BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"


def count_jobs(config: DictConfig) -> int | None:
    """Jobs the basic sweeper will launch (the product of the swept values); None if unknown."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    sweeper = config.hydra.sweeper
    if sweeper.get("_target_") != BASIC_SWEEPER:
        return None
    args = [f"{k}={v}" for k, v in (sweeper.get("params") or {}).items()]
    args += list(config.hydra.overrides.task)
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
    resolvable when a multirun starts)."""
    value = config[key]
    return OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value


class SweepCallback(Callback):
    def __init__(self) -> None:
        self._monitor: ProgressMonitor | None = None

    def __getstate__(self) -> dict:  # jobs in other processes get the callback without the thread
        return {**self.__dict__, "_monitor": None}

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        raw = {key: _plain(config, key) for key in config if key != "hydra"}
        try:
            settings = read_settings(raw.pop("sweep", None))
            for key in ("calibration", "calibration_draws"):  # how runs take posterior draws, not model keys
                raw.pop(key, None)
            if settings.design is not None:
                keep_design(settings.design, raw, sweep_dir)
        except ConfigError as error:
            print(error, file=sys.stderr)
            raise SystemExit(2) from None
        self._monitor = ProgressMonitor(sweep_dir, count_jobs(config))
        self._monitor.start()

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        if config.hydra.mode != RunMode.MULTIRUN or job_return.status != JobStatus.COMPLETED:
            return
        value = job_return.return_value if isinstance(job_return.return_value, dict) else {}
        ending = "refused" if "refused" in value else "skipped" if value.get("skipped") is True else "ran"
        record_job_end(config.hydra.sweep.dir, int(config.hydra.job.num), ending)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        refused = 0
        if self._monitor is not None:
            self._monitor.stop()
            refused = self._monitor.counts()["refused"]
        if refused and not finished_jobs(sweep_dir):
            raise SystemExit(2)  # each refused job printed its error
        info = gather(sweep_dir)
        print(f"results: {sweep_dir / RESULTS} ({info['runs']} runs from {info['jobs']} jobs), "
              f"per step: {sweep_dir / TIMESERIES_LONG}")
        design = info["design"]
        if design and design["rows_missing"]:
            print(f"warning: {design['rows_missing']} of {design['rows']} design rows not run yet "
                  "(sweep.chunk did not cover them)", file=sys.stderr)
        if refused:
            print(f"error: {refused} job(s) refused for bad input (see above); the finished jobs are kept "
                  "and a rerun of the same command after the fix skips them", file=sys.stderr)
            raise SystemExit(2)
