"""A sweep end to end through ``sim -m``: every run gathered exactly once into results.parquet
and timeseries_long.parquet, the same tables under the basic and the joblib launcher, and rows
that are exactly what the model gives for the recorded parameters and seed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.design import make_design, parse_bounds
from analysis.report import build_report
from sim.model import CommunityModel
from sim.outputs import summarise
from sim.sweep.design_file import write_design
from sim.sweep.seeds import run_seed

SMALL = ("community.n_residents=120", "steps=8", "leaders.n_initial=5", "issues.rate=5.0")
STEPS, ROWS, REPS, MODES = 8, 6, 2, ("snowball", "cloud")


@pytest.fixture(scope="module")
def design(tmp_path_factory):
    path = tmp_path_factory.mktemp("design") / "design.csv"
    write_design(path, make_design("lhs", parse_bounds(["community.interest_mean=0.2:0.6",
                                                        "officials.power_retained=0.3:1"]), ROWS, seed=2))
    return path


def sweep_args(design, folder):
    return ("-m", f"sweep.design={design}", "sweep.chunk_size=3", "sweep.chunk=range(0,2)",
            f"sweep.replications={REPS}", f"deliberation.mode={','.join(MODES)}", *SMALL,
            f"hydra.sweep.dir={folder}")


@pytest.fixture(scope="module")
def sweeps(run_sim, design, tmp_path_factory):
    """The same design sweep (2 chunks x 2 modes = 4 jobs, 24 runs) under both launchers."""
    base = tmp_path_factory.mktemp("sweeps")
    out = {}
    for launcher in ("basic", "local"):
        folder = base / launcher
        result = run_sim(*sweep_args(design, folder), f"hydra/launcher={launcher}", cwd=base)
        assert result.returncode == 0, result.stderr
        out[launcher] = (folder, result)
    return out


@pytest.mark.parametrize("launcher", ["basic", "local"])
def test_every_run_is_gathered_once(sweeps, launcher):
    folder, result = sweeps[launcher]
    results = pd.read_parquet(folder / "results.parquet")
    assert len(results) == ROWS * REPS * len(MODES) == 24
    assert results["run_id"].is_unique
    assert not results.duplicated(["deliberation.mode", "design_row", "replication"]).any()
    counts = results.groupby(["deliberation.mode", "design_row"]).size()
    assert len(counts) == ROWS * len(MODES) and (counts == REPS).all()
    np.testing.assert_allclose(results[[f"ladder_{k}" for k in range(1, 9)]].sum(axis=1), 1.0)
    long = pd.read_parquet(folder / "timeseries_long.parquet")
    assert len(long) == 24 * STEPS and not long.duplicated(["run_id", "step"]).any()
    assert set(long["run_id"]) == set(results["run_id"])
    info = json.loads((folder / "sweep.json").read_text())
    assert (info["runs"], info["jobs"], info["duplicates_dropped"], info["replications"]) == (24, 4, 0, REPS)
    assert {"deliberation.mode", "community.interest_mean", "officials.power_retained"} <= set(info["parameters"])
    assert info["design"]["rows_run"] == ROWS and info["design"]["rows_missing"] == 0
    assert "sweep: 4/4 jobs done" in result.stderr
    assert "results: " in result.stdout


def test_both_launchers_give_the_same_tables(sweeps):
    tables = [pd.read_parquet(sweeps[name][0] / "results.parquet").sort_values("run_id", ignore_index=True)
              for name in ("basic", "local")]
    pd.testing.assert_frame_equal(*tables)
    longs = [pd.read_parquet(sweeps[name][0] / "timeseries_long.parquet").sort_values(["run_id", "step"],
                                                                                      ignore_index=True)
             for name in ("basic", "local")]
    pd.testing.assert_frame_equal(*longs)


def test_a_row_is_what_the_model_gives_for_its_parameters_and_seed(sweeps):
    results = pd.read_parquet(sweeps["local"][0] / "results.parquet")
    row = results[(results["deliberation.mode"] == "cloud") & (results["replication"] == 1)].iloc[2]
    assert row["seed"] == run_seed(42, int(row["point"], 16), 1) and row["root_seed"] == 42
    model = CommunityModel({"seed": int(row["seed"]), "steps": STEPS, "community": {
        "n_residents": 120, "interest_mean": row["community.interest_mean"]}, "leaders": {"n_initial": 5},
        "issues": {"rate": 5.0}, "deliberation": {"mode": "cloud"},
        "officials": {"power_retained": row["officials.power_retained"]}})
    model.run_for(STEPS)
    summary = summarise(model)
    assert row["participation_rate"] == summary["participation_rate"]
    assert row["mean_efficacy"] == summary["mean_efficacy"]
    assert [row[f"ladder_{k}"] for k in range(1, 9)] == summary["ladder"]


def test_a_plain_multirun_is_gathered_and_reported(run_sim, tmp_path):
    folder = tmp_path / "grid"
    result = run_sim("-m", "deliberation.facilitation=0,1", "seed=3", *SMALL, f"hydra.sweep.dir={folder}",
                     "hydra/launcher=basic", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    results = pd.read_parquet(folder / "results.parquet")
    assert sorted(results["deliberation.facilitation"]) == [0.0, 1.0]
    assert set(results["seed"]) == {3} and results["design_row"].isna().all()
    for job in ("0", "1"):  # each one-run job keeps the files of a single run as well
        summary = json.loads((folder / job / "summary.json").read_text())
        assert summary["participation_rate"] == results.loc[results["job"] == int(job), "participation_rate"].item()
    report = build_report(folder)
    page = report.read_text()
    assert "Sensitivity indices need a sweep on a sobol or morris design" in page
    assert "The heatmap needs two numeric parameters" in page
    assert sorted(p.name for p in (folder / "report").iterdir())[:2] == ["ladder.png", "timeseries.png"]
