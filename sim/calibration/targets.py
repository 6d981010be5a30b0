"""Observed targets with their uncertainty, and the same statistics computed from a simulated run.

A targets file is YAML (a list under ``targets:``) or CSV (columns ``statistic, step, value, sd``),
one target a row::

    targets:
      - {statistic: participation_rate, value: 0.12, sd: 0.02}   # from summary.json
      - {statistic: participation_rate, step: 24, value: 0.15, sd: 0.03}  # timeseries at week 24
      - {statistic: attendance_gini, value: 0.55, sd: 0.05}

``statistic`` is a numeric indicator of ``summary.json`` (:data:`SUMMARY_STATISTICS`), or, with
``step``, a column of ``timeseries.parquet`` in that week (:data:`TIMESERIES_STATISTICS`), e.g. the
participation of one recorded meeting. ``sd`` is the target's uncertainty (sampling or measurement
error) on the statistic's own scale; the ABC distance measures every target in these units.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from sim.schema import ConfigError

SUMMARY_STATISTICS = ("participation_rate", "ever_attended_share", "community_rung", "mean_efficacy",
                      "mean_trust", "mean_satisfaction", "attendance_gini", "leaders",
                      "organisations_recreational", "organisations_public_good", "proposals_total",
                      "meetings_total")
TIMESERIES_STATISTICS = ("participation_rate", "ever_attended_share", "community_rung", "mean_efficacy",
                         "mean_trust", "mean_satisfaction", "attendance_gini", "leaders",
                         "organisation_members", "organisations_recreational", "organisations_public_good",
                         "proposals", "meetings_held")
KEY = "calibrate.targets"


@dataclass(frozen=True)
class Target:
    statistic: str
    value: float
    sd: float
    step: int | None = None

    @property
    def name(self) -> str:
        return self.statistic if self.step is None else f"{self.statistic}@{self.step}"


def _target(path: Path, i: int, row: dict, steps: int) -> Target:
    unknown = set(row) - {"statistic", "value", "sd", "step"}
    if unknown:
        raise ConfigError(KEY, str(path), f"target {i + 1} has unknown field {sorted(unknown)[0]!r}; "
                          "fields: statistic, value, sd, step")
    statistic, step = row.get("statistic"), row.get("step")
    step = None if step in (None, "") else step
    try:
        step = None if step is None else int(float(step))
        value, sd = float(row.get("value", "nan")), float(row.get("sd", "nan"))
    except (TypeError, ValueError):
        raise ConfigError(KEY, str(path), f"target {i + 1}: value, sd and step must be numbers") from None
    allowed = SUMMARY_STATISTICS if step is None else TIMESERIES_STATISTICS
    if statistic not in allowed:
        raise ConfigError(KEY, str(path), f"target {i + 1}: statistic {statistic!r} is not allowed"
                          f"{'' if step is None else ' with a step'}; allowed: {', '.join(allowed)}")
    if not math.isfinite(value):
        raise ConfigError(KEY, str(path), f"target {i + 1}: value must be a finite number")
    if not (math.isfinite(sd) and sd > 0):
        raise ConfigError(KEY, str(path), f"target {i + 1}: sd must be a number > 0 (its uncertainty)")
    if step is not None and not 1 <= step <= steps:
        raise ConfigError(KEY, str(path), f"target {i + 1}: step {step} must be in [1, {steps}] (steps)")
    return Target(str(statistic), value, sd, step)


def read_targets(path: str | Path, steps: int) -> list[Target]:
    """Targets from a YAML or CSV file; refuses an unknown statistic, a bad number, a duplicate."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(KEY, str(path), "file not found")
    if p.suffix.lower() in (".yaml", ".yml"):
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        rows = data.get("targets") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ConfigError(KEY, str(path), "must hold a list of targets under 'targets:'")
    elif p.suffix.lower() == ".csv":
        with p.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    else:
        raise ConfigError(KEY, str(path), "must be a .yaml, .yml or .csv file")
    if not rows:
        raise ConfigError(KEY, str(path), "holds no targets")
    targets = [_target(p, i, row, steps) for i, row in enumerate(rows)]
    names = [t.name for t in targets]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ConfigError(KEY, str(path), f"target {i + 1}: {name} appears twice")
    return targets


def simulated_statistics(summary: dict, timeseries, targets: list[Target]) -> dict[str, float]:
    """Each target's statistic in one run (``summary`` from :func:`sim.outputs.summarise`)."""
    out = {}
    for t in targets:
        if t.step is None:
            value = summary[t.statistic]
        else:
            value = timeseries[t.statistic].to_numpy()[t.step - 1]
        out[t.name] = float(value)
    return out


def scaled_distance(simulated: dict, observed: dict, sd: dict) -> float:
    """Root mean square of the targets' z-scores: ``sqrt(mean(((s - o) / sd)^2))``."""
    z = [(simulated[k] - observed[k]) / sd[k] for k in observed]
    return float(np.sqrt(np.mean(np.square(z))))
