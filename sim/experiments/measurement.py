"""Community indicators per period: what a field researcher measures before and after.

A run of ``steps`` weeks is cut into ``n_periods`` periods of near-equal length: step s
(1-based) belongs to period floor((s - 1) n_periods / steps) (0-based). Each measure turns one
community run into one number per period; the panel of an experiment is these numbers for every
community and period. A measure with nothing to measure in a period (no meetings) is NaN. The
measures, with their units, are the ``period`` indicators of :mod:`sim.indicators`.

=====================  ======================================================================
``satisfaction``       mean residents' satisfaction, averaged over the period's weeks (Gulou's
                       resident-satisfaction ranking)
``trust``              mean trust in officials, averaged over the weeks
``efficacy``           mean sense of efficacy, averaged over the weeks
``participation``      share of residents attending a meeting, averaged over the weeks
``ever_attended``      share of residents who attended at least one meeting, at the period's end
                       (a Gulou indicator)
``self_governance``    how far up Arnstein's ladder residents have reached, at the period's end:
                       (mean highest rung - 1) / 7, in [0, 1]
``proposals``          proposals sent to officials in the period, per 1,000 residents
``organisations``      public-good self-organisations, at the period's end
``leader_share``       share of the between-group variance of group outcomes (members' final mean
                       opinion, demeaned within issue) explained by the chair's view: squared
                       correlation over chaired groups of two or more; issues with at least two
                       such groups, three groups at least (Humphreys, Masters & Sandbu 2006)
``chair_distance``     mean |chair's view - group's final mean opinion| over those groups: how
                       close group outcomes sit to the leader's view
=====================  ======================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.model import CommunityModel


def period_of_step(steps: np.ndarray, total_steps: int, n_periods: int) -> np.ndarray:
    """0-based period of each 1-based step."""
    return (np.asarray(steps) - 1) * n_periods // total_steps


def period_start_step(period: int, total_steps: int, n_periods: int) -> int:
    """First (1-based) step of a 0-based period: the smallest s with period_of_step(s) = period."""
    return -(-period * total_steps // n_periods) + 1


def _per_period(values: np.ndarray, period: np.ndarray, n_periods: int, how: str) -> np.ndarray:
    if how == "mean":
        total = np.bincount(period, weights=values, minlength=n_periods)
        return total / np.maximum(np.bincount(period, minlength=n_periods), 1)
    if how == "sum":
        return np.bincount(period, weights=values, minlength=n_periods)
    last = np.full(n_periods, np.nan)  # how == "last": the value at the period's last step
    last[period] = values  # later steps overwrite earlier ones
    return last


def from_timeseries(column: str | Callable[[pd.DataFrame], np.ndarray], how: str):
    def measure(model: CommunityModel, ts: pd.DataFrame, period: np.ndarray, n_periods: int) -> np.ndarray:
        values = ts[column].to_numpy(float) if isinstance(column, str) else column(ts)
        return _per_period(values, period, n_periods, how)
    return measure


def ladder_index(ts: pd.DataFrame) -> np.ndarray:
    shares = ts[[f"rung_{k}" for k in range(1, 9)]].to_numpy(float)
    return (shares @ np.arange(1, 9) - 1) / 7


def proposals_per_thousand(model: CommunityModel, ts: pd.DataFrame, period: np.ndarray, n_periods: int):
    return _per_period(ts["proposals"].to_numpy(float), period, n_periods, "sum") * 1000 / model.state.n


def chaired_groups(model: CommunityModel, n_periods: int) -> pd.DataFrame:
    """Chaired discussion groups of two or more, with their period and within-issue deviations."""
    mf = model.meetings_frame()
    mf = mf[(mf["chair"] >= 0) & (mf["group_size"] >= 2)].copy()
    mf["period"] = period_of_step(mf["step"].to_numpy(), model.config.steps, n_periods)
    by_issue = mf.groupby("issue_id")
    mf = mf[by_issue["issue_id"].transform("size") >= 2]
    by_issue = mf.groupby("issue_id")
    mf["outcome_dev"] = mf["final_mean_opinion"] - by_issue["final_mean_opinion"].transform("mean")
    mf["chair_dev"] = mf["chair_opinion"] - by_issue["chair_opinion"].transform("mean")
    return mf


def leader_share(model: CommunityModel, ts: pd.DataFrame, period: np.ndarray, n_periods: int) -> np.ndarray:
    groups = chaired_groups(model, n_periods)
    out = np.full(n_periods, np.nan)
    for p, g in groups.groupby("period"):
        f, c = g["outcome_dev"].to_numpy(), g["chair_dev"].to_numpy()
        denom = (f @ f) * (c @ c)
        if len(g) >= 3 and denom > 0:
            out[int(p)] = (f @ c) ** 2 / denom
    return out


def chair_distance(model: CommunityModel, ts: pd.DataFrame, period: np.ndarray, n_periods: int) -> np.ndarray:
    mf = model.meetings_frame()
    mf = mf[(mf["chair"] >= 0) & (mf["group_size"] >= 2)]
    out = np.full(n_periods, np.nan)
    p = period_of_step(mf["step"].to_numpy(), model.config.steps, n_periods)
    for k in np.unique(p):
        out[k] = mf["chair_distance"].to_numpy()[p == k].mean()
    return out


def measure(model: CommunityModel, names: tuple[str, ...], n_periods: int) -> dict[str, np.ndarray]:
    """The named measures of a finished run, one array of ``n_periods`` values each."""
    from sim.indicators import MEASURES  # the registry is built from this module's functions
    ts = model.timeseries()
    period = period_of_step(ts["step"].to_numpy(), model.config.steps, n_periods)
    return {name: MEASURES[name](model, ts, period, n_periods) for name in names}
