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
``self_governance_index``  the degree of self-governance as Gulou's evaluation measured it: the mean of
                       five of its indicators, each in [0, 1] (:func:`self_governance_index`)
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


def self_governance_index(model: CommunityModel, ts: pd.DataFrame, period: np.ndarray, n_periods: int) -> np.ndarray:
    """Mean of five of Gulou's evaluation indicators per period, each in [0, 1] (a component with
    nothing to measure in a period is left out of the mean):

    1. the share of residents who have attended at least one meeting, at the period's end;
    2. residents' proposals: the share of the period's new issues raised by a resident (a leader's
       courtyard proposal, a deliberation day's chair);
    3. third-party members on the council: 1 if an elected council with local-unit members or
       supervisors sits by the period's end, else 0;
    4. chat groups with deliberation: the share of courtyards whose chat group deliberated (an
       online attendee on an online-mode deliberation day) in the period;
    5. every issue answered: the share of the period's decided issues decided at rung 5 or above
       (officials adopted the proposal at least in part, or an elected council decided).
    """
    from sim.ladder import Rung

    steps = model.config.steps
    parts = np.full((5, n_periods), np.nan)
    parts[0] = _per_period(ts["ever_attended_share"].to_numpy(float), period, n_periods, "last")
    issues = list(model.issues.values())
    if issues:
        p = period_of_step(np.array([i.arisen_step for i in issues]), steps, n_periods)
        raised = np.array([i.raised_by >= 0 for i in issues], dtype=float)
        counts = np.bincount(p, minlength=n_periods)
        with np.errstate(invalid="ignore"):
            parts[1] = np.where(counts > 0, np.bincount(p, weights=raised, minlength=n_periods) / np.maximum(counts, 1), np.nan)
    council = next((iv for iv in model.interventions if iv.name == "deliberation_council"), None)
    parts[2] = 0.0
    if council is not None and council.council is not None and (council.council.local_units or council.params.supervisors):
        parts[2, period_of_step(np.array([council.council.elected_step]), steps, n_periods)[0]:] = 1.0
    reached = [set() for _ in range(n_periods)]
    for step, courtyards in model.chat_groups:
        reached[period_of_step(np.array([step]), steps, n_periods)[0]].update(courtyards.tolist())
    parts[3] = [len(r) / model.n_courtyards for r in reached]
    if model.decisions:
        d_step, d_rung = np.array(model.decisions).T
        p = period_of_step(d_step, steps, n_periods)
        counts = np.bincount(p, minlength=n_periods)
        answered = np.bincount(p, weights=(d_rung >= Rung.PLACATION).astype(float), minlength=n_periods)
        parts[4] = np.where(counts > 0, answered / np.maximum(counts, 1), np.nan)
    return np.nanmean(parts, axis=0)  # components 3 and 4 are never missing


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
