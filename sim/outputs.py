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
from sim.ladder import ladder_shares
from sim.model import CommunityModel
from sim.reporters import REPORTERS

OUTPUT_FILES = ("timeseries.parquet", "meetings.parquet", "config.yaml", "summary.json")


def summarise(model: CommunityModel, scenario: str | None = None) -> dict[str, Any]:
    """Final indicators. ``participation_rate`` is the mean share of residents taking part on the
    deliberation days of the last ``ladder.window`` steps; ``ladder`` the shares of residents by
    the highest rung they reached (rungs 1..8)."""
    ts = model.timeseries()
    window = ts[ts["step"] > model.steps - model.config.ladder.window]
    meeting_days = window[window["deliberation_day"] == 1]
    final = ts.iloc[-1] if len(ts) else None
    summary = {
        "version": sim.__version__,
        "scenario": scenario,
        "seed": model.config.seed,
        "steps": int(model.steps),
        "n_residents": int(model.state.n),
        "ladder": [float(x) for x in ladder_shares(model.state.rung)],
        "participation_rate": float(meeting_days["participation_rate"].mean()) if len(meeting_days) else 0.0,
        "ever_attended_share": float((model.state.meetings_attended > 0).mean()),
        "community_rung": REPORTERS["community_rung"](model),
        "proposals_total": int(ts["proposals"].sum()) if final is not None else 0,
        "meetings_total": int(ts["meetings_held"].sum()) if final is not None else 0,
        "interventions": {iv.name: iv.report(model) for iv in model.interventions},
    }
    for key in ("mean_efficacy", "mean_trust", "mean_satisfaction", "attendance_gini",
                "organisations_recreational", "organisations_public_good", "leaders"):
        summary[key] = REPORTERS[key](model)
    distances = model.meetings_frame()["chair_distance"].dropna()
    summary["mean_chair_distance"] = float(distances.mean()) if len(distances) else None
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
