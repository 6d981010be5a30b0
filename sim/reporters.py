"""Module-level reporters: one function per indicator of the per-step time series.

A weekly reporter takes the model and returns a number; :data:`sim.indicators.REPORTERS` feeds
them to Mesa's DataCollector, so the time series is ``model.datacollector.get_model_vars_dataframe()``
(one row per step). A run reporter takes the finished model and its time series and returns one
value of ``summary.json``. Names, units and meanings are in :mod:`sim.indicators`.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from sim.agents import Leader, Purpose
from sim.ladder import community_rung, ladder_shares


class WeeklyCollector(mesa.DataCollector):
    """Mesa's DataCollector for weekly reporters that return numbers (int, float, bool).

    Mesa deep-copies each value it collects, guarding against a reporter that returns a list or
    array it later changes; a number cannot change, so this collector appends the values as they
    are (the same table; with the cheaper reporters below, a week's row took 80 µs before and
    50 µs after). ``tests/test_reporters.py`` checks that every weekly reporter returns a number.
    """

    def __init__(self, model_reporters: dict):
        super().__init__(model_reporters=model_reporters)
        self._columns = [(self.model_vars[name], reporter) for name, reporter in model_reporters.items()]

    def collect(self, model) -> None:
        self._collection_steps.append(model.time)
        for column, reporter in self._columns:
            column.append(reporter(model))


def gini(values: np.ndarray) -> float:
    """Gini coefficient: sum_i (2i - n - 1) x_(i) / (n * sum x), x sorted ascending; 0 if all zero."""
    x = np.sort(np.asarray(values, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return 0.0
    return float(np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / (n * total))


def gini_of_counts(counts: np.ndarray) -> float:
    """:func:`gini` for non-negative integer counts, without sorting: values tie in blocks, so
    sum_i (2i - n - 1) x_(i) is summed block by block (block of value v spans ranks a+1..a+c)."""
    freq = np.bincount(counts)
    n, values = len(counts), np.arange(len(freq))
    total = float((freq * values).sum())
    if n == 0 or total == 0:
        return 0.0
    before = np.cumsum(freq) - freq  # residents with fewer meetings
    rank_sum = freq * (2 * before + freq + 1)  # sum of 2i over the block's ranks
    return float(np.sum((rank_sum - freq * (n + 1)) * values) / (n * total))


def deliberation_day(model) -> int:
    """1 on a step with meetings scheduled and issues open, else 0."""
    return int(model.is_deliberation_day)


def participation_rate(model) -> float:
    """Share of residents who took part in a meeting this step."""
    return len(model.attendees) / model.state.n


def ever_attended_share(model) -> float:
    """Share of residents who have attended at least one meeting (a Gulou indicator)."""
    return np.count_nonzero(model.state.meetings_attended) / model.state.n


def proposals(model) -> int:
    """Proposals sent to officials this step: one per discussion group of two or more."""
    return int(model.meetings.has_proposal.sum()) if model.meetings else 0


def meetings_held(model) -> int:
    """Issue meetings held this step (an issue whose attendees formed at least one group of two)."""
    if not model.meetings:
        return 0
    return len(np.unique(model.meetings.issue_id[model.meetings.has_proposal]))


def rung_share(model, rung: int) -> float:
    """Share of residents whose highest rung reached so far is ``rung``."""
    return float(model.ladder[rung - 1])


def current_community_rung(model) -> int:
    return community_rung(model.decisions, model.steps, model.config.ladder.window)


def _resident_mean(values: np.ndarray) -> float:
    """The mean over residents, computed as numpy's mean computes it (its sum over n), without the
    overhead of numpy's mean call."""
    return float(values.sum()) / len(values)


def mean_efficacy(model) -> float:
    return _resident_mean(model.state.efficacy)


def mean_trust(model) -> float:
    return _resident_mean(model.state.trust)


def mean_satisfaction(model) -> float:
    return _resident_mean(model.state.satisfaction)


def organisations_with(model, purpose: Purpose) -> int:
    return sum(1 for org in model.organisations() if org.purpose is purpose)


def organisation_members(model) -> int:
    return int(np.count_nonzero(model.state.organisation >= 0))


def leaders(model) -> int:
    return len(model.agents_by_type.get(Leader, []))


def attendance_gini(model) -> float:
    """Inequality of meetings attended across residents."""
    return gini_of_counts(model.state.meetings_attended)


def mean_chair_distance(model) -> float:
    """Mean |chair - group's final opinion| over this step's chaired meetings (NaN if none)."""
    if not model.meetings:
        return float("nan")
    d = model.meetings.chair_distance[model.meetings.has_proposal]
    d = d[~np.isnan(d)]
    return float(d.mean()) if len(d) else float("nan")


def open_issues(model) -> int:
    return len(model.open_issues())


# -- run reporters: one value per run, from the finished model and its time series (summary.json) --
def at_end(reporter):
    """A run reporter giving a weekly reporter's value after the last step."""
    def run_reporter(model, ts: pd.DataFrame):
        return reporter(model)
    return run_reporter


def final_ladder(model, ts: pd.DataFrame) -> list[float]:
    """Shares of residents by the highest rung reached, rungs 1..8."""
    return [float(x) for x in ladder_shares(model.state.rung)]


def recent_participation_rate(model, ts: pd.DataFrame) -> float:
    """Mean ``participation_rate`` over the deliberation days among the last ``ladder.window``
    steps (days nobody came count as 0); 0.0 when there were none."""
    window = ts[ts["step"] > model.steps - model.config.ladder.window]
    meeting_days = window[window["deliberation_day"] == 1]
    return float(meeting_days["participation_rate"].mean()) if len(meeting_days) else 0.0


def run_total(column: str):
    """A run reporter summing a weekly column over the run (0 for a run of no steps)."""
    def run_reporter(model, ts: pd.DataFrame) -> int:
        return int(ts[column].sum()) if len(ts) else 0
    run_reporter.__doc__ = f"Sum of the weekly ``{column}`` over the run."
    return run_reporter


def meeting_groups_total(model, ts: pd.DataFrame) -> int:
    """Discussion groups held over the run (the rows of ``meetings.parquet``), lone members included."""
    return int(sum(len(day["step"]) for day in model.meeting_log))


def run_chair_distance(model, ts: pd.DataFrame) -> float | None:
    """Mean ``chair_distance`` over every chaired group of the run with a defined distance (None if none)."""
    distances = model.meetings_frame()["chair_distance"].dropna()
    return float(distances.mean()) if len(distances) else None
