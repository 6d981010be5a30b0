"""Parameter points of a sweep's results table: which parameters vary, a label per point, and
derived outcomes (the share of residents on the citizen-power rungs)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

LADDER = [f"ladder_{k}" for k in range(1, 9)]
RUNG_NAMES = ["1 manipulation", "2 therapy", "3 informing", "4 consultation", "5 placation",
              "6 partnership", "7 delegated power", "8 citizen control"]
CITIZEN_POWER = "citizen_power_share"  # ladder_6 + ladder_7 + ladder_8 (Arnstein 1969)
COMMUNITY_RUNGS = [f"community_rung_is_{k}" for k in range(1, 9)]  # 1 if the run's community rung is k


def with_derived(results: pd.DataFrame) -> pd.DataFrame:
    """Adds the citizen-power share and, for shares of runs by community rung, one 0/1 column per rung."""
    out = results.copy()
    out[CITIZEN_POWER] = out[["ladder_6", "ladder_7", "ladder_8"]].sum(axis=1)
    for k, col in enumerate(COMMUNITY_RUNGS, start=1):
        out[col] = (out["community_rung"] == k).astype(float)
    return out


def varying(results: pd.DataFrame, parameters: Sequence[str]) -> list[str]:
    """The parameters that take more than one value in the table."""
    return [p for p in parameters if p in results and results[p].nunique(dropna=False) > 1]


def numeric(results: pd.DataFrame, parameters: Sequence[str]) -> list[str]:
    return [p for p in parameters if pd.api.types.is_numeric_dtype(results[p])]


def point_columns(results: pd.DataFrame, parameters: Sequence[str]) -> list[str]:
    """Columns that identify a parameter point: the varying parameters, and the design row."""
    cols = varying(results, parameters)
    if results["design_row"].notna().any():
        cols = ["design_row", *[c for c in cols if c != "design_row"]]
    return cols


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.3g}"
    return str(value)


def label(values: dict) -> str:
    return ", ".join(f"{k.split('.')[-1] if k != 'design_row' else 'row'}={_fmt(v)}" for k, v in values.items()) \
        or "all runs"


def point_table(results: pd.DataFrame, parameters: Sequence[str], outcomes: Sequence[str]) -> pd.DataFrame:
    """One row per point: its parameter values, label, number of runs and mean of each outcome."""
    cols = point_columns(results, parameters)
    if not cols:
        means = results[list(outcomes)].mean().to_frame().T
        means.insert(0, "runs", len(results))
        means.insert(0, "label", "all runs")
        return means
    grouped = results.groupby(cols, dropna=False, sort=True)
    table = grouped[list(outcomes)].mean()
    table.insert(0, "runs", grouped.size())
    table = table.reset_index()
    table.insert(0, "label", [label(dict(zip(cols, row))) for row in table[cols].itertuples(index=False)])
    return table
