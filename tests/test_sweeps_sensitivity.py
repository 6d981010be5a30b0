"""Sensitivity analysis of a design's outputs: a toy function with a known dummy parameter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.design import make_design, parse_bounds
from analysis.sensitivity import IncompleteDesign, analyse, row_means

PARAMS = ["community.interest_mean=0:1", "deliberation.facilitation=0:1", "officials.openness=0:1"]


def toy_results(design, f, replications=3, noise=0.05, seed=0) -> pd.DataFrame:
    """What a sweep of ``f`` over the design would gather: one row per design row and replication."""
    rng = np.random.default_rng(seed)
    x = design.table.to_numpy(dtype=float)
    rows = [{"design_row": i, "replication": r, "y": f(x[i]) + noise * rng.standard_normal()}
            for i in range(len(x)) for r in range(replications)]
    return pd.DataFrame(rows)


def linear(x):  # V = 4/12 + 1/12: S1 = ST = (0.8, 0.2, 0) with x3 a dummy
    return 2 * x[0] + x[1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sobol_gives_the_dummy_parameter_no_influence(seed):
    design = make_design("sobol", parse_bounds(PARAMS), 256, seed=seed)
    assert len(design.table) == 256 * (3 + 2)
    out = analyse(toy_results(design, linear, seed=seed), design.table, design.info, "y", seed=seed)
    table = out["table"].set_index("parameter")
    dummy = table.loc["officials.openness"]
    assert abs(dummy["S1"]) < 0.03 and abs(dummy["ST"]) < 0.01
    assert dummy["ST_conf"] < 0.02  # and the interval knows it is small
    assert table.loc["community.interest_mean", "S1"] == pytest.approx(0.8, abs=0.08)
    assert table.loc["deliberation.facilitation", "ST"] == pytest.approx(0.2, abs=0.05)
    assert 0 < out["noise_share"] < 0.05  # noise sd 0.05 against an output sd of about 0.65


def test_morris_gives_the_dummy_parameter_no_effect():
    design = make_design("morris", parse_bounds(PARAMS), 20, seed=4, levels=4)
    assert len(design.table) == 20 * (3 + 1)
    out = analyse(toy_results(design, lambda x: 2 * x[0] + x[1] ** 2, noise=0.0), design.table, design.info, "y")
    table = out["table"].set_index("parameter")
    assert table.loc["officials.openness", "mu_star"] == 0.0
    assert table.loc["community.interest_mean", "mu_star"] == pytest.approx(2.0)
    assert table.loc["community.interest_mean", "sigma"] == pytest.approx(0.0, abs=1e-9)  # linear: no spread
    assert table.loc["deliberation.facilitation", "sigma"] > 0  # x^2: effects differ along the axis


def test_indices_need_every_design_row():
    design = make_design("sobol", parse_bounds(PARAMS), 8, seed=1)
    results = toy_results(design, linear)
    with pytest.raises(IncompleteDesign, match="5 of 40 design rows"):
        analyse(results[results["design_row"] >= 5], design.table, design.info, "y")


def test_row_means_average_replications():
    results = pd.DataFrame({"design_row": [0, 0, 1, 1], "y": [1.0, 3.0, 5.0, 5.0]})
    means, noise = row_means(results, "y", 2)
    np.testing.assert_allclose(means, [2.0, 5.0])
    assert noise == pytest.approx(0.5 / 2.75)  # within-row variance 0.5 of run variance 2.75


def test_sobol_indices_from_too_few_rows_carry_a_warning():
    design = make_design("sobol", parse_bounds(PARAMS), 8, seed=1)
    out = analyse(toy_results(design, linear, noise=0.3), design.table, design.info, "y")
    table = out["table"]
    assert (table["warning"] != "").any() and "too uncertain to read" in out["warning"]
    for row in table[table["warning"] != ""].itertuples():
        assert row.S1_conf > 0.1 or row.ST_conf > 0.1 or row.ST > 1 or row.S1 + row.S1_conf < 0


def test_sobol_indices_from_enough_rows_carry_none():
    design = make_design("sobol", parse_bounds(PARAMS), 1024, seed=2)
    out = analyse(toy_results(design, linear, noise=0.0), design.table, design.info, "y")
    assert out["warning"] == "" and (out["table"]["warning"] == "").all()


def test_prim_limits_are_snapped_to_observed_levels():
    from analysis.prim import snap_to_data

    levels = pd.Series([0.1, 0.3, 0.5, 0.7, 0.9] * 4)
    assert snap_to_data(levels, 0.2, 0.796) == (0.3, 0.7)  # the same runs, at the data's own thresholds
    assert snap_to_data(levels, 0.1, 0.9) == (0.1, 0.9)


def test_prim_reports_a_box_at_the_design_levels():
    from analysis import prim

    if not prim.available():
        pytest.skip("ema-workbench is not installed")
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"officials.power_retained": rng.choice([0.1, 0.3, 0.5, 0.7, 0.9], 400),
                      "community.interest_mean": rng.uniform(0, 1, 400)})
    rung = np.where(x["officials.power_retained"] <= 0.3, 6, 4)
    found = prim.discover(x.assign(community_rung=rung), list(x.columns))
    limits = found["limits"].set_index("parameter")
    assert limits.loc["officials.power_retained", "high"] == 0.3  # PRIM's own edge lies between 0.3 and 0.5
    assert set(limits["low"]) | set(limits["high"]) <= set(x["officials.power_retained"]) | set(x["community.interest_mean"])
