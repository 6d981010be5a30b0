"""The band over several seeds: how far the curves of other communities under the same setup spread.

The page's run is one community drawn from one seed. :func:`compute_band` runs the same setup
(every setting, programme and the side-by-side pair alike) for ``n`` other seeds to the last week
and keeps, for every week and every line-chart series, the 10th and 90th percentiles over those
runs (numpy's linear interpolation between order statistics). The charts shade that band behind
the page's own curves.

The seeds come from the page's seed through the project's seed streams
(:func:`sim.experiments.seeds.model_seed` with the keys ``("app", "band", k)``), so the same seed
gives the same band and none of them is the page's own seed. A side-by-side pair takes the same
``n`` seeds for both of its configs, as the pair itself shares one seed. The runs are separate
models: computing a band never touches the page's run or its random numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.settings import Settings
from app.side_by_side import paired_configs
from sim.config import validate_config
from sim.experiments.seeds import model_seed
from sim.indicators import CHARTS
from sim.model import CommunityModel

BAND_SEEDS = 5  # other seeds in a band
QUANTILES = (0.1, 0.9)
BAND_SERIES = tuple(s for kind, series in CHARTS.items() if kind != "ladder" for s in series)


def band_seeds(seed: int, n: int = BAND_SEEDS) -> list[int]:
    """The ``n`` model seeds of the band of a run with ``seed``."""
    return [model_seed(seed, "app", "band", k) for k in range(n)]


@dataclass(frozen=True)
class Band:
    """For each panel (the run, or the with/without pair) the low and high edges of the band: one
    row per week 1..steps, one column per series of :data:`BAND_SERIES`. ``participation_rate``
    is NaN in weeks that are not a deliberation day in every run (no meetings are held)."""

    settings: Settings
    seeds: tuple[int, ...]
    low: tuple[pd.DataFrame, ...]
    high: tuple[pd.DataFrame, ...]

    def edges(self) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
        """(low, high) of each panel."""
        return list(zip(self.low, self.high))


def panel_configs(settings: Settings) -> list[dict]:
    """The config of each panel, as :class:`app.live.LiveRun` builds them."""
    return list(paired_configs(settings, settings.compare)) if settings.compare else [settings.config()]


def edges(tables: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(low, high): the :data:`QUANTILES` over ``tables`` (runs of equal length), week by week."""
    stack = np.stack([t[list(BAND_SERIES)].to_numpy(dtype=float) for t in tables])  # (runs, weeks, series)
    days = np.stack([t["deliberation_day"].to_numpy() == 1 for t in tables]).all(axis=0)
    low, high = np.quantile(stack, QUANTILES, axis=0)
    column = BAND_SERIES.index("participation_rate")
    low[~days, column] = high[~days, column] = np.nan
    return pd.DataFrame(low, columns=BAND_SERIES), pd.DataFrame(high, columns=BAND_SERIES)


def compute_band(settings: Settings, n: int = BAND_SEEDS, go_on: Callable[[], bool] = lambda: True,
                 progress: Callable[[int, int], None] = lambda done, total: None) -> Band | None:
    """The band of ``settings`` over ``n`` other seeds; ``None`` as soon as ``go_on()`` (asked
    before every week) turns false. ``progress(done, total)`` after every run finished."""
    seeds = band_seeds(settings.seed, n)
    configs = panel_configs(settings)
    steps = int(settings.values["steps"])
    total, done = len(configs) * n, 0
    low, high = [], []
    for cfg in configs:
        tables = []
        for seed in seeds:
            model = CommunityModel(validate_config({**cfg, "seed": seed}))
            for _ in range(steps):
                if not go_on():
                    return None
                model.step()
            tables.append(model.timeseries())
            done += 1
            progress(done, total)
        lo, hi = edges(tables)
        low.append(lo)
        high.append(hi)
    return Band(settings, tuple(seeds), tuple(low), tuple(high))
