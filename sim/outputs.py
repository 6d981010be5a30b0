"""Run results: the summary of final indicators and the files a run writes.

Files are written into a temporary folder inside the output directory and moved into place
only when all are written; ``summary.json`` moves last, so its presence marks a complete run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import sim
from sim.atomic import publish, staged
from sim.config import as_plain
from sim.indicators import SUMMARY
from sim.model import CommunityModel

OUTPUT_FILES = ("timeseries.parquet", "meetings.parquet", "config.yaml", "summary.json")


def summarise(model: CommunityModel, scenario: str | None = None) -> dict[str, Any]:
    """The run's identity, the programmes' own reports, and every run indicator of
    :mod:`sim.indicators` (e.g. ``participation_rate``: the mean share of residents taking part on
    the deliberation days of the last ``ladder.window`` steps; ``ladder``: the shares of residents
    by the highest rung they reached, rungs 1..8)."""
    ts = model.timeseries()
    summary = {
        "version": sim.__version__,
        "scenario": scenario,
        "seed": model.config.seed,
        "steps": int(model.steps),
        "n_residents": int(model.state.n),
        "interventions": {iv.name: iv.report(model) for iv in model.interventions},
        **{name: value(model, ts) for name, value in SUMMARY.items()},
    }
    return json.loads(json.dumps(summary, default=_plain))


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def write_outputs(model: CommunityModel, outdir: str | Path, summary: dict[str, Any]) -> Path:
    """Write every output file of a run into ``outdir``, completely or not at all."""
    outdir = Path(outdir)
    with staged(outdir) as tmp:
        model.timeseries().to_parquet(tmp / "timeseries.parquet", index=False)
        model.meetings_frame().to_parquet(tmp / "meetings.parquet", index=False)
        (tmp / "config.yaml").write_text(yaml.safe_dump(as_plain(model.config), sort_keys=False))
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        publish(tmp, outdir, OUTPUT_FILES)  # summary.json last
    return outdir
