"""The files of a sweep: each job's rows in its own folder, and the gathered tables.

A job writes ``runs.parquet`` (one row per run), ``runs_timeseries.parquet`` (one row per run and
step) and last ``runs.done.json`` (its run ids and timings) into its folder, through a temporary
folder and ``os.replace`` (:mod:`sim.atomic`): a job folder with ``runs.done.json`` holds all of the job's rows, one
without it none. :func:`gather` concatenates the rows of every finished job of a sweep folder
into ``results.parquet`` and ``timeseries_long.parquet`` and describes them in ``sweep.json``
(``complete`` is false, and ``jobs_missing`` lists them, when jobs of the last multirun did not
finish). If gathering fails (e.g. a full disk), the previously gathered tables are removed, so
that no stale table is left looking current; the jobs' own rows are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.atomic import publish, staged
from sim.sweep.rows import ID_COLUMNS

RUNS, RUNS_TIMESERIES, DONE = "runs.parquet", "runs_timeseries.parquet", "runs.done.json"
RESULTS, TIMESERIES_LONG, SWEEP_INFO = "results.parquet", "timeseries_long.parquet", "sweep.json"
DESIGN_INFO = "design.json"
JOBS = ".jobs.json"  # how many jobs the last multirun launched


class NotASweep(ValueError):
    """A folder that is not a sweep folder, or holds no finished job."""


def _with_nullable_rows(frame: pd.DataFrame) -> pd.DataFrame:
    frame["design_row"] = frame["design_row"].astype("Int64")
    return frame


def write_job(job_dir: Path, rows: list[dict], timeseries: list[pd.DataFrame], done: Mapping[str, Any]) -> None:
    """Write a job's rows, completely or not at all (``runs.done.json`` last)."""
    with staged(job_dir) as tmp:
        _with_nullable_rows(pd.DataFrame(rows)).to_parquet(tmp / RUNS, index=False)
        _with_nullable_rows(pd.concat(timeseries, ignore_index=True)).to_parquet(tmp / RUNS_TIMESERIES, index=False)
        (tmp / DONE).write_text(json.dumps(dict(done), indent=1) + "\n")
        publish(tmp, job_dir, (RUNS, RUNS_TIMESERIES, DONE))


def read_done(job_dir: Path) -> dict | None:
    path = job_dir / DONE
    return json.loads(path.read_text()) if path.is_file() else None


def write_expected_jobs(sweep_dir: Path, jobs: int | None) -> None:
    (sweep_dir / JOBS).write_text(json.dumps({"jobs": jobs}) + "\n")


def read_expected_jobs(sweep_dir: Path) -> int | None:
    try:
        jobs = json.loads((sweep_dir / JOBS).read_text())["jobs"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return jobs if isinstance(jobs, int) and not isinstance(jobs, bool) else None


def is_sweep_dir(folder: Path) -> bool:
    """Hydra writes ``multirun.yaml`` into every sweep folder."""
    return (folder / "multirun.yaml").is_file()


def finished_jobs(sweep_dir: Path) -> list[tuple[Path, dict]]:
    """Every finished job folder under ``sweep_dir`` with its record, by job number."""
    found = []
    for marker in sweep_dir.rglob(DONE):
        if any(part.startswith(".") for part in marker.relative_to(sweep_dir).parts):
            continue  # temporary folders
        found.append((marker.parent, json.loads(marker.read_text())))
    return sorted(found, key=lambda item: (item[1]["job"], str(item[0])))


def _concat(paths: list[Path]) -> pd.DataFrame:
    tables = [pq.read_table(p) for p in paths]
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()


def gather(sweep_dir: str | Path, expected_jobs: int | None = None) -> dict[str, Any]:
    """Gather the rows of every finished job into ``results.parquet`` and
    ``timeseries_long.parquet`` (one row per run; the same run found twice is kept once) and write
    ``sweep.json``, each file complete or not at all, ``sweep.json`` last. Returns its contents.
    ``expected_jobs`` (default: what the last multirun recorded) decides ``complete``."""
    sweep_dir = Path(sweep_dir)
    if expected_jobs is None:
        expected_jobs = read_expected_jobs(sweep_dir)
    if not sweep_dir.is_dir() or not is_sweep_dir(sweep_dir):
        raise NotASweep(f"{sweep_dir} is not a sweep folder (no multirun.yaml: made by `sim -m ...`)")
    jobs = finished_jobs(sweep_dir)
    if not jobs:
        raise NotASweep(f"{sweep_dir} holds no finished job (no {DONE} in its job folders)")
    results = _concat([d / RUNS for d, _ in jobs])
    n_rows = len(results)
    results = results.drop_duplicates(subset=["run_id", "design_row"], keep="first")
    parameters = list(dict.fromkeys(p for _, done in jobs for p in done["parameters"]))
    order = list(dict.fromkeys([*ID_COLUMNS, *parameters]))
    results = results[order + [c for c in results.columns if c not in order]]
    results = results.sort_values(["job", "design_row", "replication"], kind="stable", na_position="first")
    timeseries = _concat([d / RUNS_TIMESERIES for d, _ in jobs])
    timeseries = timeseries.drop_duplicates(subset=["run_id", "design_row", "step"], keep="first")
    info: dict[str, Any] = {
        "runs": len(results),
        "jobs": len(jobs),
        "duplicates_dropped": n_rows - len(results),
        "parameters": parameters,
        "replications": int(results.groupby(["point", "root_seed"])["replication"].nunique().max()),
        "design": None,
    }
    if expected_jobs is not None:
        done = {record["job"] for _, record in jobs}
        info["jobs_missing"] = [j for j in range(expected_jobs) if j not in done]
        info["complete"] = not info["jobs_missing"]
    if (sweep_dir / DESIGN_INFO).is_file():
        design = json.loads((sweep_dir / DESIGN_INFO).read_text())
        rows_run = int(results["design_row"].nunique())
        info["design"] = {**design, "rows_run": rows_run, "rows_missing": design["rows"] - rows_run}
    try:
        with staged(sweep_dir) as tmp:
            results.to_parquet(tmp / RESULTS, index=False)
            timeseries.to_parquet(tmp / TIMESERIES_LONG, index=False)
            (tmp / SWEEP_INFO).write_text(json.dumps(info, indent=1) + "\n")
            publish(tmp, sweep_dir, (RESULTS, TIMESERIES_LONG, SWEEP_INFO))
    except BaseException:
        for name in (SWEEP_INFO, RESULTS, TIMESERIES_LONG):  # stale tables must not pass for current
            (sweep_dir / name).unlink(missing_ok=True)
        raise
    return info
