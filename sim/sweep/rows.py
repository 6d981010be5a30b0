"""What one run adds to a sweep's tables: a row of the results table (ids, seed, parameters,
final outcomes from :func:`sim.outputs.summarise`) and its rows of the long time series."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sim.sweep.plan import PlannedRun

ID_COLUMNS = ("run_id", "job", "point", "design_row", "replication", "seed", "root_seed")
LADDER_COLUMNS = tuple(f"ladder_{k}" for k in range(1, 9))


def _flatten(prefix: str, value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(f"{prefix}.{key}", item))
        return out
    if isinstance(value, list):
        return {prefix: json.dumps(value)}
    return {prefix: value}


def run_row(run: PlannedRun, job: int, summary: Mapping[str, Any]) -> dict[str, Any]:
    """One row of ``results.parquet``: ids, the point's parameters (dotted keys), the summary's
    indicators, the ladder shares as ``ladder_1`` .. ``ladder_8`` and each programme's report as
    ``report.<programme>.<key>``."""
    outcomes = dict(summary)
    ladder = outcomes.pop("ladder")
    reports = outcomes.pop("interventions", {}) or {}
    outcomes.pop("seed", None)
    row: dict[str, Any] = {"run_id": run.run_id, "job": job, "point": run.point, "design_row": run.design_row,
                           "replication": run.replication, "seed": run.seed, "root_seed": run.root_seed}
    row.update(run.parameters)
    for key, value in outcomes.items():  # a swept `steps` or `scenario` is both: the same value
        row.setdefault(key, value)
    row.update(zip(LADDER_COLUMNS, ladder))
    for name, report in reports.items():
        row.update(_flatten(f"report.{name}", report))
    return row


def timeseries_rows(run: PlannedRun, timeseries: pd.DataFrame) -> pd.DataFrame:
    """The run's per-step time series with its ids in front (``timeseries_long.parquet``)."""
    ids = {"run_id": run.run_id, "point": run.point, "design_row": run.design_row,
           "replication": run.replication}
    out = timeseries.copy()
    for i, (key, value) in enumerate(ids.items()):
        out.insert(i, key, value)
    return out
