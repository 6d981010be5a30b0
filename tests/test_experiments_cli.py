"""``sim experiment=NAME`` end to end in a subprocess: the outputs of a small experiment, and bad
input refused before anything runs with nothing left behind. The full scenarios are marked slow."""

from __future__ import annotations

import json

import pandas as pd
import pytest

SMALL = ("experiment=gulou_small", "experiment.n_communities=16", "steps=26", "community.n_residents=150",
         "experiment.power.n_treated=[4,8]", "experiment.truth.replications=5", "experiment.randomization.draws=50",
         "experiment.power.replications=20", "experiment.n_jobs=1")
FILES = {"effects.csv", "event_study.csv", "replications.csv", "power.csv", "mde.csv", "panel.parquet",
         "event_study.png", "estimates_vs_truth.png", "replications.png", "power_curve.png", "report.html",
         "effect_heterogeneity.csv", "heterogeneity_fit.csv", "heterogeneity.png", "summary.json"}
REPLICATION_FILES = {"replications.csv", "replications.png"}
HETEROGENEITY_FILES = {"effect_heterogeneity.csv", "heterogeneity_fit.csv", "heterogeneity.png"}  # communities only
INTERFERENCE_FILES = {"interference.csv"}  # with experiment.interference.enabled


def check_outputs(run_dir, designs: int, outcomes: int, estimators: int, units: int, periods: int,
                  replications: bool = True, communities: bool = True, interference: bool = False):
    files = FILES if replications else FILES - REPLICATION_FILES
    files = files if communities else files - HETEROGENEITY_FILES
    files = files | INTERFERENCE_FILES if interference else files
    assert files == {p.name for p in run_dir.iterdir()} - {".hydra", "cli.log"}
    assert not list(run_dir.glob(".partial-*"))
    effects = pd.read_csv(run_dir / "effects.csv")
    assert list(effects.columns[:3]) == ["design", "outcome", "estimator"]
    assert {"estimate", "std_error", "ci_low", "ci_high", "p_value", "true_effect", "bias", "covered"} <= set(effects)
    assert len(effects) == designs * outcomes * estimators
    assert ((effects["bias"] - (effects["estimate"] - effects["true_effect"])).abs() < 1e-12).all()
    panel = pd.read_parquet(run_dir / "panel.parquet")
    assert len(panel) == designs * units * periods
    report = (run_dir / "report.html").read_text()
    assert report.count('src="data:image/png;base64,') == 3 + replications + communities
    summary = json.loads((run_dir / "summary.json").read_text())
    assert set(summary["files"]) == files
    return effects, summary


def test_a_small_experiment_runs_through_the_cli(run_sim, tmp_path):
    run_dir = tmp_path / "run"
    result = run_sim(*SMALL, f"hydra.run.dir={run_dir}", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    effects, summary = check_outputs(run_dir, designs=5, outcomes=3, estimators=5, units=16, periods=12,
                                     interference=True)
    # every community in six arms: pure control, district training, diffusion from period 5 or 7, treated from 5 or 7
    assert (summary["seed"], summary["experiment"], summary["runs"]) == (42, "gulou_small", 16 * 6)
    spill = pd.read_csv(run_dir / "interference.csv")
    assert len(spill) == 5 * 3 and {"direct_effect", "spillover_on_controls", "direct_minus_spillover"} <= set(spill)
    assert summary["config"]["community"]["steps"] == 26
    assert summary["config"]["experiment"]["designs"]["staggered"]["batches"][0]["one_per_site"] is True
    rows = [line.split()[:3] for line in result.stdout.splitlines()]
    assert ["staggered", "satisfaction", "difference_in_means"] in rows and str(run_dir) in result.stdout
    progress = result.stderr.replace("\r", "\n")  # the line is rewritten in place
    assert "experiment gulou_small: 96/96 community runs (every community in every arm)" in progress
    assert "s left" in progress


def test_an_experiment_that_cannot_be_carried_out_is_refused(run_sim, tmp_path):
    run_dir = tmp_path / "run"
    result = run_sim("experiment=gulou", "experiment.designs.complete.n_treated=500", f"hydra.run.dir={run_dir}",
                     cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("config error: experiment.designs.complete.n_treated = 500 is not allowed;")
    assert not run_dir.exists()


def test_an_unknown_experiment_is_refused(run_sim, tmp_path):
    result = run_sim("experiment=atlantis", cwd=tmp_path)
    assert result.returncode == 2
    assert "config error: experiment = 'atlantis' is not allowed; allowed: gulou, gulou_small, new_haven, sao_tome" \
        in result.stderr
    assert not (tmp_path / "outputs").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name, designs, outcomes, estimators, units, periods, replications, communities, interference", [
    ("gulou", 5, 3, 5, 118, 12, False, True, True),
    ("sao_tome", 2, 2, 3, 56, 2, True, True, False),
    ("new_haven", 3, 5, 3, 1032, 2, True, False, False),
])
def test_the_scenarios_run_and_their_reports_render(run_sim, tmp_path, name, designs, outcomes, estimators, units,
                                                    periods, replications, communities, interference):
    run_dir = tmp_path / name
    result = run_sim(f"experiment={name}", f"hydra.run.dir={run_dir}", cwd=tmp_path, timeout=1800)
    assert result.returncode == 0, result.stderr
    check_outputs(run_dir, designs, outcomes, estimators, units, periods, replications, communities, interference)
