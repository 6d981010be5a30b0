"""The band over other seeds: the page's setup run for seeds of the project's seed streams, the 10th
and 90th percentiles week by week, and nothing of it touching the page's run."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from app.band import BAND_SERIES, band_seeds, compute_band, edges
from app.live import LiveRun
from app.settings import Settings
from sim.config import validate_config
from sim.model import CommunityModel


def small(**changes) -> Settings:
    s = copy.deepcopy(Settings.from_scenario("empowerment_training"))
    s.values.update({"community.n_residents": 60, "steps": 20})
    s.interventions["empowerment_training"].start = 3
    for key, value in changes.items():
        setattr(s, key, value)
    return s.clamped()


def test_the_seeds_come_from_the_seed_streams_and_differ_from_the_page_seed():
    seeds = band_seeds(42, 5)
    assert seeds == band_seeds(42, 5) and len(set(seeds)) == 5 and 42 not in seeds
    assert band_seeds(43, 5) != seeds


def test_a_band_of_one_seed_is_that_seed_s_run():
    s = small()
    band = compute_band(s, n=1)
    model = CommunityModel(validate_config({**s.config(), "seed": band_seeds(s.seed, 1)[0]}))
    for _ in range(20):
        model.step()
    table = model.timeseries()
    days = table["deliberation_day"].to_numpy() == 1
    for series in BAND_SERIES:
        expected = table[series].to_numpy(dtype=float)
        if series == "participation_rate":  # no meetings outside deliberation days
            assert np.isnan(band.low[0][series].to_numpy()[~days]).all()
            expected, got = expected[days], band.low[0][series].to_numpy()[days]
        else:
            got = band.low[0][series].to_numpy()
        np.testing.assert_allclose(got, expected)
        np.testing.assert_array_equal(band.low[0][series].to_numpy(), band.high[0][series].to_numpy())


def test_the_edges_are_the_10th_and_90th_percentiles_week_by_week():
    s = small()
    band = compute_band(s, n=4)
    assert len(band.seeds) == 4 and len(band.low) == 1 and len(band.low[0]) == 20
    low, high = band.low[0].to_numpy(), band.high[0].to_numpy()
    known = ~np.isnan(low)
    assert (low[known] <= high[known]).all() and (high[known] > low[known]).any()
    # the same edges from the tables directly: numpy's percentiles
    tables = []
    for seed in band.seeds:
        model = CommunityModel(validate_config({**s.config(), "seed": seed}))
        for _ in range(20):
            model.step()
        tables.append(model.timeseries())
    lo, hi = edges(tables)
    column = "mean_efficacy"
    stack = np.stack([t[column].to_numpy() for t in tables])
    np.testing.assert_allclose(lo[column], np.percentile(stack, 10, axis=0))
    np.testing.assert_allclose(hi[column], np.percentile(stack, 90, axis=0))
    np.testing.assert_allclose(band.low[0][column], lo[column])


def test_side_by_side_gets_a_band_per_panel_and_progress_counts_every_run():
    s = small(compare=("empowerment_training",))
    seen = []
    band = compute_band(s, n=2, progress=lambda done, total: seen.append((done, total)))
    assert len(band.low) == len(band.high) == 2
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert not band.low[0]["mean_efficacy"].equals(band.low[1]["mean_efficacy"])  # the programme acts


def test_it_gives_up_when_asked_and_never_touches_the_page_run():
    s = small()
    asked = []

    def go_on() -> bool:
        asked.append(1)
        return len(asked) < 5

    assert compute_band(s, n=3, go_on=go_on) is None and len(asked) == 5
    alone, beside = LiveRun(s), LiveRun(s)
    for _ in range(10):
        alone.step()
    compute_band(s, n=2)
    for _ in range(10):
        beside.step()
    assert alone.tables()[0].equals(beside.tables()[0])


@pytest.mark.parametrize("n_tables", [1, 2])
def test_the_chart_draws_the_band_into_its_background(n_tables):
    from app.figures import ChartPicture

    s = small(compare=("empowerment_training",) if n_tables == 2 else None)
    band = compute_band(s, n=2)
    plain = ChartPicture("attitudes", 20, n_tables).png([LiveRun(s).tables()[0]] * n_tables)
    shaded = ChartPicture("attitudes", 20, n_tables, band=band).png([LiveRun(s).tables()[0]] * n_tables)
    assert plain != shaded
