"""The quantities the stylised facts measure, each on one finished (or hand-stepped) run.

Every function takes plain inputs (a config mapping, a seed, or a model) and returns numbers, so a
student can run one by hand: ``participation(run_model(compose_arm(["scenario=baseline"]), 1))``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import ParticipationConfig, validate_config
from sim.model import CommunityModel
from sim.state import CooperationType


def compose_arm(overrides: list[str] | tuple[str, ...]) -> dict:
    """The model config of one arm: the default community with ``overrides``, composed as the
    ``sim`` command composes it (:func:`sim.api.compose`), as plain data."""
    from sim.api import compose

    return compose(*overrides).raw


def build_model(raw: dict, seed: int, model_class: type[CommunityModel] = CommunityModel) -> CommunityModel:
    return model_class(validate_config({**raw, "seed": seed}))


def run_model(raw: dict, seed: int, model_class: type[CommunityModel] = CommunityModel) -> CommunityModel:
    model = build_model(raw, seed, model_class)
    model.run_for(model.config.steps)
    return model


# -- one run's figures ---------------------------------------------------------------------------
def participation(model: CommunityModel) -> float:
    """The summary's participation rate: mean share of residents taking part on the deliberation
    days of the last ``ladder.window`` weeks (``sim.indicators``)."""
    from sim.indicators import SUMMARY

    return float(SUMMARY["participation_rate"](model, model.timeseries()))


def community_rung(model: CommunityModel) -> float:
    return float(model.timeseries()["community_rung"].iloc[-1])


def mean_highest_rung(model: CommunityModel) -> float:
    """Residents' mean highest rung reached (1..8)."""
    return float(model.state.rung.mean())


def late_satisfaction(model: CommunityModel, weeks: int = 13) -> float:
    """Mean residents' satisfaction over the last ``weeks`` weeks."""
    return float(model.timeseries()["mean_satisfaction"].iloc[-weeks:].mean())


def self_governance_index(model: CommunityModel, n_periods: int = 12) -> float:
    """The last period's self-governance index (:func:`sim.experiments.measurement.self_governance_index`)."""
    from sim.experiments.measurement import measure

    return float(measure(model, ("self_governance_index",), n_periods)["self_governance_index"][-1])


def meetings_total(model: CommunityModel) -> float:
    return float(model.timeseries()["meetings_held"].sum())


def final_mean(model: CommunityModel, column: str) -> float:
    return float(model.timeseries()[column].iloc[-1])


def top_share(attended: np.ndarray, top: float = 0.1) -> float:
    """Share of all attendances supplied by the ``top`` share of residents who attend most."""
    counts = np.sort(np.asarray(attended, dtype=float))[::-1]
    total = counts.sum()
    k = int(np.floor(top * len(counts)))
    return float(counts[:k].sum() / total) if total > 0 else float("nan")


def leader_attendance_ratio(attended: np.ndarray, is_leader: np.ndarray) -> float:
    """Attendances per leader over attendances per other resident (NaN without either)."""
    attended = np.asarray(attended, dtype=float)
    if not is_leader.any() or is_leader.all() or attended[~is_leader].mean() == 0:
        return float("nan")
    return float(attended[is_leader].mean() / attended[~is_leader].mean())


def chair_fixed_effects_r2(frame: pd.DataFrame, min_groups: int = 3) -> float:
    """Adjusted R² of chair dummies on the groups' opinion shift (final − initial members' mean),
    over chaired groups of two or more whose chair chaired at least ``min_groups`` of them: how
    much the identity of the leader explains across the issues they chaired (Humphreys, Masters &
    Sandbu 2006)."""
    f = frame[(frame["chair"] >= 0) & (frame["group_size"] >= 2)]
    f = f[f.groupby("chair")["chair"].transform("size") >= min_groups]
    y = (f["final_mean_opinion"] - f["initial_mean_opinion"]).to_numpy(float)
    chairs = pd.factorize(f["chair"])[0]
    n, k = len(y), int(chairs.max()) + 1 if len(y) else 0
    if n <= k + 1 or k < 2:
        return float("nan")
    group_mean = np.bincount(chairs, weights=y, minlength=k) / np.bincount(chairs, minlength=k)
    residual = y - group_mean[chairs]
    total = y - y.mean()
    r2 = 1 - residual @ residual / (total @ total)
    return float(1 - (1 - r2) * (n - 1) / (n - k))


def leader_share_of_variance(model: CommunityModel) -> float:
    """The experiments' ``leader_share`` over the whole run as one period."""
    from sim.experiments.measurement import leader_share

    ts = model.timeseries()
    return float(leader_share(model, ts, np.zeros(len(ts), dtype=np.int64), 1)[0])


class CountingModel(CommunityModel):
    """The model, recording on each deliberation day who the mode invited (just before the
    decision, ``sim.modes.eligible``) and who came, in ``days``: (step, invited, came) per day.
    It draws nothing more, so its run is the plain model's run."""

    def __init__(self, config):
        super().__init__(config)
        self.days: list[tuple[int, np.ndarray, np.ndarray]] = []

    def deliberation_day(self) -> None:
        from sim.modes import eligible

        invited = eligible(self, self.deliberation_rules.mode).copy()
        super().deliberation_day()
        came = np.zeros(self.state.n, dtype=bool)
        came[self.attendees] = True
        self.days.append((self.steps, invited, came))


def conditional_cooperators_decay(model: CountingModel) -> float:
    """1 − (conditional cooperators' turnout among the invited in the last year / in the first),
    on a finished run."""
    cc = model.state.cooperation == CooperationType.CONDITIONAL_COOPERATOR
    last_year = (model.config.steps - 1) // 52
    rate = []
    for year in (0, last_year):
        asked = sum(int((inv & cc).sum()) for step, inv, _ in model.days if (step - 1) // 52 == year)
        came = sum(int((inv & c & cc).sum()) for step, inv, c in model.days if (step - 1) // 52 == year)
        rate.append(came / asked if asked else float("nan"))
    return float(1 - rate[1] / rate[0]) if rate[0] > 0 else float("nan")


def turnout_of_invited(model: CountingModel) -> float:
    """Share of the invited who came, over every deliberation day of a finished run."""
    asked = sum(int(inv.sum()) for _, inv, _ in model.days)
    return float(sum(int((inv & came).sum()) for _, inv, came in model.days) / asked) if asked else float("nan")


# -- Granovetter's crowd ------------------------------------------------------------------------
def threshold_cascade(n: int, thresholds: np.ndarray, seed: int) -> float:
    """Final active share of Granovetter's (1978) crowd played with the model's own rules.

    ``n`` residents on a complete network (``network.kind=edgelist``); resident i's threshold is
    ``thresholds[i]``, a share of the others, dealt to residents in an order drawn from ``seed``.
    The utility keeps only the threshold term (every other weight 0; intercept −social_weight/2),
    so U ≥ 0 exactly when S = X^a/(T^a + X^a) ≥ 1/2, i.e. when the active share X of one's
    neighbours (``sim.participation.neighbour_signals``) reaches the threshold T (thresholds should
    not equal a reachable share: the smooth form's 1e-12 guard decides ties). Each round every
    resident takes part when P = logistic(beta·U) ≥ 1/2 (the deterministic reading of the rule).
    A threshold of 0 is Granovetter's instigator, who acts unprompted (the smooth form is 0/0
    there). Rounds run until nobody changes.
    """
    from sim.participation import neighbour_signals, participation_probability

    with tempfile.TemporaryDirectory() as folder:
        edges = Path(folder) / "crowd.csv"
        i, j = np.triu_indices(n, 1)
        pd.DataFrame({"source": i, "target": j}).to_csv(edges, index=False)
        model = CommunityModel(validate_config({
            "seed": seed, "community": {"n_residents": n}, "leaders": {"n_initial": 0},
            "network": {"kind": "edgelist", "edgelist": {"path": str(edges)}},
            "deliberation": {"council_size": 1}}))
    cfg = ParticipationConfig(intercept=-0.5, benefit_weight=0, cost_weight=0, duty_weight=0, social_weight=1.0,
                              leader_weight=0, organisation_weight=0, habit_weight=0, recent_window=1)
    s = model.state
    s.threshold[:] = np.asarray(thresholds, dtype=float)[np.argsort(model.streams.uniform("crowd", np.arange(n)))]
    s.cooperation[:] = CooperationType.UNCONDITIONAL_COOPERATOR  # nobody ignores the others
    model.config.participation = cfg
    active = s.threshold <= 0  # the instigators
    while True:
        s.last_took_part_step[:] = np.where(active, model.steps, -1)
        share, _ = neighbour_signals(model)
        p = participation_probability(cfg, efficacy=0, trust=0, stake=0, interest=0, time_cost=0, capacity=0,
                                      cooperation=s.cooperation, belief=0, active_share=share,
                                      threshold=s.threshold, leader_pull=0, public_good_member=0)
        now = active | (p >= 0.5)
        if (now == active).all():
            return float(active.mean())
        active = now
