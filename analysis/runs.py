"""Read the files a run writes: ``summary.json`` marks a complete run."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def is_complete_run(folder: Path) -> bool:
    return (folder / "summary.json").is_file()


def load_summary(folder: str | Path) -> dict:
    return json.loads((Path(folder) / "summary.json").read_text())


def load_timeseries(folder: str | Path) -> pd.DataFrame:
    return pd.read_parquet(Path(folder) / "timeseries.parquet")


def summaries(root: str | Path) -> pd.DataFrame:
    """One row per complete run under ``root`` (a run folder or a multirun folder); the eight
    ladder shares become columns ``ladder_1`` .. ``ladder_8``."""
    root = Path(root)
    folders = sorted({p.parent for p in root.rglob("summary.json")})
    if not folders:
        raise FileNotFoundError(f"no complete run (summary.json) under {root}")
    rows = []
    for folder in folders:
        s = load_summary(folder)
        ladder = s.pop("ladder")
        s.pop("interventions", None)
        rows.append({"run": str(folder.relative_to(root)) or ".", **s,
                     **{f"ladder_{k}": v for k, v in enumerate(ladder, start=1)}})
    return pd.DataFrame(rows)
