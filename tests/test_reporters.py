"""Per-step indicators: the Gini coefficients and the reporters behind the time series."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents import Leader, Purpose
from sim.indicators import REPORTERS
from sim.reporters import gini, gini_of_counts


def gini_by_pairs(x):
    """Mean absolute difference over all ordered pairs / (2 * mean): the textbook definition."""
    x = np.asarray(x, dtype=float)
    if x.sum() == 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


@pytest.mark.parametrize("values, expected", [
    ([5, 5, 5, 5], 0.0),
    ([0, 0, 0, 0], 0.0),
    ([0, 0, 0, 4], 0.75),
    ([1, 0], 0.5),
    ([1, 2, 3, 4], 0.25),
])
def test_gini_known_values(values, expected):
    assert gini(np.array(values)) == pytest.approx(expected)
    assert gini_of_counts(np.array(values)) == pytest.approx(expected)


def test_gini_of_counts_equals_gini():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 400))
        counts = rng.poisson(rng.uniform(0.1, 5), n) * (rng.random(n) < rng.uniform(0.1, 1))
        assert gini_of_counts(counts) == pytest.approx(gini(counts), abs=1e-12)
        assert gini(counts) == pytest.approx(gini_by_pairs(counts), abs=1e-12)


def test_gini_is_scale_invariant_and_bounded():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 10, 100)
    assert gini(x) == pytest.approx(gini(3 * x))
    assert 0 <= gini(x) < 1


def test_reporters_read_the_model(make_model):
    model = make_model(seed=3, organisations={"founding_rate": 0.5})
    model.run_for(30)
    s, row = model.state, model.timeseries().iloc[-1]
    assert row["attendance_gini"] == pytest.approx(gini(s.meetings_attended))
    assert row["mean_efficacy"] == pytest.approx(s.efficacy.mean())
    assert row["mean_trust"] == pytest.approx(s.trust.mean())
    assert row["mean_satisfaction"] == pytest.approx(s.satisfaction.mean())
    assert row["ever_attended_share"] == pytest.approx((s.meetings_attended > 0).mean())
    assert row["leaders"] == len(model.agents_by_type.get(Leader, [])) == s.is_leader.sum()
    assert row["organisation_members"] == (s.organisation >= 0).sum()
    assert row["organisations_public_good"] + row["organisations_recreational"] == len(model.organisations())
    assert row["organisations_public_good"] == sum(o.purpose is Purpose.PUBLIC_GOOD for o in model.organisations())
    assert row["open_issues"] == len(model.open_issues())
    assert set(REPORTERS) <= set(model.timeseries().columns)


def test_participation_rate_is_the_share_attending_each_step(make_model):
    model = make_model(seed=4)
    rates = []
    for _ in range(24):
        model.step()
        rates.append(len(model.attendees) / model.state.n)
    np.testing.assert_allclose(model.timeseries()["participation_rate"], rates)
    assert max(rates) > 0


def test_the_weekly_collector_keeps_mesas_table_for_reporters_that_return_numbers(make_model):
    """Every weekly reporter returns a number (what lets WeeklyCollector skip Mesa's copies), and
    the table equals the one Mesa's own DataCollector collects from the same weeks."""
    import mesa

    model = make_model(interventions={"deliberation_council": {}, "mode_choice": {}})
    mesas = mesa.DataCollector(model_reporters=REPORTERS)
    for _ in range(30):
        model.step()
        mesas.collect(model)
        for name, reporter in REPORTERS.items():
            value = reporter(model)
            assert isinstance(value, (int, float, bool, np.integer, np.floating)), (name, type(value))
    ours = model.datacollector.get_model_vars_dataframe()
    assert ours.equals(mesas.get_model_vars_dataframe()) and len(ours) == 30
    assert model.datacollector._collection_steps == mesas._collection_steps
