"""Parameters drawn from a finished calibration: the function scenarios, sweeps, experiments and
comparisons call to carry calibration uncertainty into their results.

    from sim.calibration.posterior import draw_parameters
    overrides = draw_parameters("outputs/2026-12-02/01-00-00", 20, np.random.default_rng(7))
    # [{"participation.intercept": -0.71, "officials.responsiveness": 0.38, ...}, ...]

Each draw is one particle of the last ABC-SMC generation, chosen with chance equal to its
importance weight (with replacement); integer parameters come back rounded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.schema import ConfigError

KEY = "calibration"


def read_posterior(folder: str | Path) -> tuple[pd.DataFrame, dict]:
    """The posterior particles (with ``weight``) and the summary of a finished calibration folder."""
    f = Path(folder)
    if not (f / "summary.json").is_file() or not (f / "posterior.parquet").is_file():
        raise ConfigError(KEY, str(folder), "is not a finished calibration folder (needs summary.json and "
                          "posterior.parquet from `sim calibrate=NAME`)")
    summary = json.loads((f / "summary.json").read_text())
    if "parameters" not in summary or "identity" not in summary:
        raise ConfigError(KEY, str(folder), "its summary.json is not a calibration's (a run or an experiment?)")
    return pd.read_parquet(f / "posterior.parquet"), summary


def draw_parameters(folder: str | Path, n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    """``n`` posterior draws as config overrides (dotted key -> value), chosen by weight."""
    post, summary = read_posterior(folder)
    rows = rng.choice(len(post), size=n, p=post["weight"].to_numpy() / post["weight"].sum())
    draws = []
    for i in rows:
        draw = {}
        for name, info in summary["parameters"].items():
            value = float(post[name].iloc[i])
            draw[name] = int(round(value)) if info.get("integer") else value
        draws.append(draw)
    return draws


def check_overrides(folder: str | Path, overrides: list[str]) -> None:
    """Refuse a command-line override of a parameter the posterior sets (set each in one place)."""
    _, summary = read_posterior(folder)
    for arg in overrides:
        key = arg.lstrip("+~").partition("=")[0]
        if key in summary["parameters"]:
            raise ConfigError(key, arg.partition("=")[2], f"is drawn from the posterior of {KEY}={folder}; "
                              "set it in one place")
