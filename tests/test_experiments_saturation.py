"""The randomized saturation design: sites dealt to saturations, units within them; its contrasts
against pure-control sites, checked against statsmodels and against known effects; refusals."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from sim.experiments import prepare
from sim.experiments.designs import NEVER, Limits, Saturation, SaturationParams, UnitTable
from sim.experiments.estimators import Context
from sim.experiments.saturation import saturation_effects, site_levels
from sim.schema import ConfigError
from tests.test_experiments_config import composed

SIZES = [5, 6, 7, 8, 9, 10, 11, 12, 9, 8, 7, 6, 10]  # 13 sites, 108 units


def units_of(sizes=SIZES) -> UnitTable:
    site = np.repeat(np.arange(len(sizes)), sizes)
    return UnitTable(site, np.zeros(len(site)), np.zeros(len(site)))


def test_each_site_gets_its_saturation_and_the_counts_hold():
    units = units_of()
    design = Saturation(SaturationParams(saturations=[0.0, 0.5, 1.0], sites=[5, 4, 4], start_period=3))
    seen = set()
    for seed in range(20):
        first = design.assign(units, np.random.default_rng(seed))
        assert set(first[first != NEVER]) == {2}
        shares = []
        for s, n in enumerate(SIZES):
            k = int((first[units.site == s] >= 0).sum())
            assert k in (0, int(np.floor(n / 2 + 0.5)), n)
            shares.append(0.0 if k == 0 else 1.0 if k == n else 0.5)
        assert shares.count(0.0) == 5 and shares.count(1.0) == 4 and shares.count(0.5) == 4
        seen.add(tuple(shares))
        level = site_levels(first >= 0, units.site, [0.0, 0.5, 1.0])
        assert np.array_equal(level, np.repeat(shares, SIZES))
    assert len(seen) > 10  # the sites' saturations are re-drawn


def test_contrasts_equal_a_clustered_regression_and_recover_known_effects():
    units = units_of()
    design = Saturation(SaturationParams(saturations=[0.0, 0.5], sites=[7, 6], start_period=3))
    rng = np.random.default_rng(4)
    first = design.assign(units, rng)
    n, periods = units.n, 6
    level = site_levels(first >= 0, units.site, [0.0, 0.5])
    treated = first >= 0
    y0 = rng.normal(size=(n, periods)) + rng.normal(size=13)[units.site][:, None]
    effect = np.where(treated, 1.0, np.where(level > 0, 0.3, 0.1))  # direct, spillover, district-wide
    y = y0.copy()
    y[:, 2:] += effect[:, None]
    ctx = Context(baseline=1, post=periods - 1, cluster=units.site, confidence=0.95)
    rows = {r["group"]: r for r in saturation_effects(y, y0, first, units.site, ctx, design)}
    assert set(rows) == {"treated", "untreated"}
    assert rows["treated"]["true_effect"] == pytest.approx(0.9)
    assert rows["untreated"]["true_effect"] == pytest.approx(0.2)
    change = y[:, -1] - y[:, 1]
    for group, members in (("treated", treated & (level > 0)), ("untreated", ~treated & (level > 0))):
        keep = members | (level == 0)
        frame = pd.DataFrame({"dy": change[keep], "d": members[keep].astype(float), "site": units.site[keep]})
        fit = smf.ols("dy ~ d", frame).fit(cov_type="cluster", cov_kwds={"groups": frame["site"]})
        assert rows[group]["estimate"] == pytest.approx(fit.params["d"], abs=1e-12)
        assert rows[group]["std_error"] == pytest.approx(fit.bse["d"], rel=1e-9)
        assert rows[group]["units"] == members.sum() and rows[group]["pure_controls"] == (level == 0).sum()


def test_the_pure_controls_are_needed():
    units = units_of()
    lim = Limits(n_units=units.n, n_sites=13, n_periods=6, min_site_size=5)
    ok = SaturationParams(saturations=[0.0, 0.5], sites=[7, 6])
    Saturation(ok).check("d", lim)
    for params, key, words in (
            (SaturationParams(saturations=[0.0, 1.5], sites=[7, 6]), "d.saturations[1]", "must be in [0, 1]"),
            (SaturationParams(saturations=[0.0, 0.5], sites=[7, 5]), "d.sites", "adding up to"),
            (SaturationParams(saturations=[0.0, 0.5], sites=[13]), "d.sites", "one number of sites per"),
            (SaturationParams(saturations=[0.25, 0.5], sites=[7, 6]), "d.saturations", "a level 0"),
            (SaturationParams(saturations=[0.0, 0.5], sites=[13, 0]), "d.saturations", "a level above 0")):
        with pytest.raises(ConfigError) as err:
            Saturation(params).check("d", lim)
        assert err.value.key == key and words in str(err.value)


def test_gulou_refuses_a_bad_saturation_design_and_power_on_it():
    base, exp = composed("gulou")
    for change, key in (({"saturation": {"sites": [7, 5]}}, "experiment.designs.saturation.sites"),
                        ({"saturation": {"saturations": [0.0, -0.1]}}, "experiment.designs.saturation.saturations[1]")):
        e = copy.deepcopy(exp)
        e["designs"].update(change)
        with pytest.raises(ConfigError) as err:
            prepare(base, e)
        assert err.value.key == key, str(err.value)
    e = copy.deepcopy(exp)
    e["designs"]["saturation"] = {}
    e["power"]["design"] = "saturation"
    with pytest.raises(ConfigError) as err:
        prepare(base, e)
    assert err.value.key == "experiment.power.design" and "no single number of treated units" in str(err.value)


def test_an_experiment_reports_the_contrasts_with_their_truth():
    from tests.test_experiments_interference import BASE, EXP
    from sim.experiments.experiment import analyse, simulate

    raw = copy.deepcopy(EXP)
    raw["designs"] = {"saturation": {"saturations": [0.0, 0.5], "sites": [2, 2], "start_period": 3}}
    plan = prepare(BASE, raw)
    source, arms, _ = simulate(plan)
    results = analyse(plan, source, arms)
    table = results.saturation.set_index(["outcome", "group"])
    assert set(table.index) == {(o, g) for o in ("satisfaction", "satisfaction_rank") for g in ("treated", "untreated")}
    spill = results.interference.set_index("outcome").loc["satisfaction"]
    sat = table.loc["satisfaction"]
    assert sat.loc["treated", "true_effect"] == pytest.approx(spill["direct_effect"] - spill["spillover_without"])
    assert sat.loc["untreated", "true_effect"] == pytest.approx(
        spill["spillover_with_treated_neighbours"] - spill["spillover_without"])
    assert (table["pure_controls"] == 4).all() and (table["replications"] == 3).all()
    assert table["coverage_over_draws"].between(0, 1).all()


def test_the_report_and_the_files_carry_the_contrasts(tmp_path):
    from tests.test_experiments_interference import BASE, EXP
    from sim.experiments.experiment import analyse, simulate, write_outputs

    raw = copy.deepcopy(EXP)
    raw["designs"] = {"saturation": {"saturations": [0.0, 0.5], "sites": [2, 2], "start_period": 3}}
    raw["truth"] = {"replications": 0}
    plan = prepare(BASE, raw)
    source, arms, _ = simulate(plan)
    results = analyse(plan, source, arms)
    summary = write_outputs(plan, results, tmp_path / "out", 1.0)
    assert "saturation.csv" in summary["files"]
    written = pd.read_csv(tmp_path / "out" / "saturation.csv")
    assert len(written) == 4 and "replications" not in written  # no re-draws asked for
    assert "Saturation design" in (tmp_path / "out" / "report.html").read_text()
