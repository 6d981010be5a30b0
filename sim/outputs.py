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
from sim.ladder import Rung
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


def format_summary(s: dict, outdir: Path, seconds: float) -> str:
    """The terminal summary of a run: every figure with its unit; the community rung with its
    Arnstein name, group and meaning (sim/ladder.py); definitions in sim/indicators.py."""
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
