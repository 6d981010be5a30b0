"""ABC-SMC on data the model made from known parameters: the truth is recovered, the outputs are
complete, and the posterior drives scenarios and sweeps (``calibration=<folder>``).

One small calibration (a community of 180 residents over 26 weeks, 2 free parameters, 3 targets,
one process so that it is reproducible) is shared by the tests of this file."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.calibration.abc import particle_seed, run_abc, run_statistics
from sim.calibration.config import prepare
from sim.calibration.outputs import OUTPUT_FILES, write_outputs
from sim.calibration.posterior import draw_parameters, read_posterior
from sim.schema import ConfigError

ROOT = Path(__file__).resolve().parents[1]
BASE = {"seed": 5, "steps": 26, "community": {"n_residents": 180}, "leaders": {"n_initial": 6},
        "issues": {"rate": 8.0}}
TRUE = {"participation.intercept": -0.6, "community.trust_mean": 0.6}
PRIORS = {"participation.intercept": {"low": -2.0, "high": 1.0}, "community.trust_mean": {"low": 0.1, "high": 0.9}}
SD = {"participation_rate": 0.04, "ever_attended_share": 0.04, "mean_trust": 0.03}


def settings(targets: Path, **extra) -> dict:
    return {"name": "test", "targets": str(targets), "parameters": PRIORS, "population_size": 30,
            "generations": 4, "epsilon_quantile": 0.3, "min_epsilon": 1.0, "n_jobs": 1, "posterior_predictive": 12,
            "progress": False, **extra}


def observed_targets(path: Path) -> Path:
    """Targets = one run of the model at TRUE (its own seed), with the sds above."""
    path.write_text(yaml.safe_dump({"targets": [{"statistic": s, "value": 0.5, "sd": sd} for s, sd in SD.items()]}))
    plan = prepare(BASE, settings(path))
    stats = run_statistics(plan, TRUE, seed=999)
    path.write_text(yaml.safe_dump({"targets": [{"statistic": s, "value": stats[s], "sd": sd} for s, sd in SD.items()]}))
    return path


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibration")
    targets = observed_targets(folder.parent / "targets.yaml")
    plan = prepare(BASE, settings(targets))
    history = run_abc(plan, folder)
    summary = write_outputs(plan, history, folder, 0.0)
    return plan, folder, summary


def test_true_values_inside_90_percent_interval_and_posterior_narrower_than_prior(calibrated):
    plan, folder, summary = calibrated
    for name, truth in TRUE.items():
        p = summary["parameters"][name]
        assert p["q05"] <= truth <= p["q95"], (name, p)
        assert p["sd"] < 0.6 * p["prior_sd"], (name, p)  # the data say something about each
        assert p["q95"] - p["q05"] < 0.6 * (p["prior_high"] - p["prior_low"])


def test_generations_tighten_the_threshold(calibrated):
    _, folder, summary = calibrated
    gens = pd.read_csv(folder / "generations.csv")
    assert len(gens) == summary["generations"] >= 2
    assert (np.diff(gens["epsilon"]) < 0).all()
    assert gens["simulations"].sum() <= summary["simulations"]  # plus the calibration sample


def test_outputs_are_complete(calibrated):
    plan, folder, summary = calibrated
    for name in OUTPUT_FILES + ("history.db", "calibration.json"):
        assert (folder / name).is_file(), name
    post = pd.read_parquet(folder / "posterior.parquet")
    assert list(post.columns) == [*TRUE, "weight"] and len(post) == 30
    assert post["weight"].sum() == pytest.approx(1.0)
    for name, p in zip(TRUE, plan.priors):
        assert post[name].between(p.low, p.high).all()
    ppc = pd.read_csv(folder / "ppc.csv")
    assert list(ppc["target"]) == list(SD)
    assert (ppc["predictive_q05"] <= ppc["predictive_q95"]).all()
    assert summary["ppc_inside_90"] == int(ppc["inside_90"].sum()) >= 2
    html = (folder / "report.html").read_text()
    assert html.count("data:image/png;base64") == 2 and "participation.intercept" in html
    assert not list(folder.glob(".partial-*"))


def test_a_particle_is_a_function_of_its_values():
    values = {"a": 0.25, "b": -1.0}
    assert particle_seed(1, values) == particle_seed(1, dict(reversed(values.items())))
    assert particle_seed(1, values) != particle_seed(2, values)
    assert particle_seed(1, values) != particle_seed(1, {"a": 0.25, "b": -1.0000001})


def test_draw_parameters_follow_the_weights(calibrated):
    _, folder, _ = calibrated
    post, _ = read_posterior(folder)
    draws = draw_parameters(folder, 4000, np.random.default_rng(0))
    assert len(draws) == 4000 and set(draws[0]) == set(TRUE)
    drawn = np.mean([d["participation.intercept"] for d in draws])
    assert drawn == pytest.approx(np.average(post["participation.intercept"], weights=post["weight"]), abs=0.03)
    again = draw_parameters(folder, 5, np.random.default_rng(0))
    assert again == draws[:5]


def test_draw_parameters_refuses_a_folder_that_is_not_a_calibration(tmp_path):
    with pytest.raises(ConfigError, match="not a finished calibration folder"):
        draw_parameters(tmp_path, 3, np.random.default_rng(0))


def sim(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_scenario_over_posterior_draws(calibrated, tmp_path):
    _, folder, _ = calibrated
    out = tmp_path / "run"
    args = ["seed=5", "steps=26", "community.n_residents=180", "leaders.n_initial=6", "issues.rate=8.0",
            f"calibration={folder}", "calibration_draws=4", f"hydra.run.dir={out}"]
    done = sim(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    table = pd.read_parquet(out / "posterior_runs.parquet")
    assert len(table) == 4 and table["seed"].nunique() == 4
    post, _ = read_posterior(folder)
    assert table["participation.intercept"].isin(post["participation.intercept"]).all()
    summary = json.loads((out / "summary.json").read_text())
    rate = summary["indicators"]["participation_rate"]
    assert rate["q05"] <= rate["mean"] <= rate["q95"]
    # same seed, same draws: a programme's effect per draw is a paired comparison
    again = sim(*args[:-1], f"hydra.run.dir={tmp_path / 'again'}", "scenario=random_leaders")
    assert again.returncode == 0, again.stderr[-2000:]
    other = pd.read_parquet(tmp_path / "again" / "posterior_runs.parquet")
    assert other["participation.intercept"].tolist() == table["participation.intercept"].tolist()
    refused = sim(*args[:-1], "participation.intercept=0.1", f"hydra.run.dir={tmp_path / 'bad'}")
    assert refused.returncode == 2 and "is drawn from the posterior" in refused.stderr
    assert not (tmp_path / "bad").exists()


def test_sweep_replications_take_posterior_draws(calibrated, tmp_path):
    _, folder, _ = calibrated
    done = sim("-m", "seed=5", "steps=26", "community.n_residents=180", "leaders.n_initial=6", "issues.rate=8.0",
               "deliberation.facilitation=0.0,1.0", "sweep.replications=3", f"calibration={folder}",
               "hydra/launcher=basic", f"hydra.sweep.dir={tmp_path}")
    assert done.returncode == 0, done.stderr[-2000:]
    results = pd.read_parquet(tmp_path / "results.parquet")
    assert len(results) == 6 and "participation.intercept" in results
    by_point = results.pivot(index="replication", columns="deliberation.facilitation", values="participation.intercept")
    assert (by_point[0.0] == by_point[1.0]).all()  # the same draw at every point
    assert by_point[0.0].nunique() > 1 or len(read_posterior(folder)[0]) == 1


def test_compare_over_posterior_draws(calibrated, tmp_path):
    """sim compare=on calibration=<folder>: replication r of every arm takes posterior draw r."""
    _, folder, _ = calibrated
    out = tmp_path / "cmp"
    done = sim("compare=on", "scenario=baseline,random_leaders", "compare.replications=3", "compare.n_jobs=1",
               "seed=5", "steps=26", "community.n_residents=180", "leaders.n_initial=6", "issues.rate=8.0",
               f"calibration={folder}", f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr[-2000:]
    runs = pd.read_csv(out / "runs.csv")
    post, _ = read_posterior(folder)
    assert runs["participation.intercept"].isin(post["participation.intercept"]).all()
    by_arm = runs.pivot(index="replication", columns="arm", values="participation.intercept")
    assert (by_arm.nunique(axis=1) == 1).all()  # both arms of a pair share the draw
    refused = sim("compare=on", "scenario=baseline,random_leaders", "participation.intercept=0.1",
                  f"calibration={folder}", f"hydra.run.dir={tmp_path / 'bad'}")
    assert refused.returncode == 2 and "is drawn from the posterior" in refused.stderr


@pytest.mark.slow
def test_experiment_over_posterior_draws(calibrated, tmp_path):
    _, folder, _ = calibrated
    out = tmp_path / "exp"
    done = sim("experiment=gulou_small", f"calibration={folder}", "calibration_draws=2",
               "experiment.truth.replications=10", "experiment.power.replications=10", f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr[-2000:]
    effects = pd.read_csv(out / "effects_posterior.csv")
    assert (effects["draws"] == 2).all()
    assert (effects["estimate_q05"] <= effects["estimate_q95"]).all()
    for k in range(2):
        assert (out / f"draw_{k:03d}" / "summary.json").is_file()
    first = pd.read_csv(out / "draw_000" / "effects.csv")
    second = pd.read_csv(out / "draw_001" / "effects.csv")
    assert not np.allclose(first["estimate"], second["estimate"])  # the draws differ


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="needs Ray (the ray extra)")
def test_ray_backend_runs_the_same_calibration(calibrated, tmp_path):
    import ray

    plan = calibrated[0]
    ray.init(num_cpus=2, log_to_driver=False)
    try:
        on_ray = prepare(BASE, settings(Path(plan.settings.targets), backend="ray"))
        history = run_abc(on_ray, tmp_path)
        ray_summary = write_outputs(on_ray, history, tmp_path, 0.0)
    finally:
        ray.shutdown()
    assert ray_summary["generations"] >= 2
    for name, truth in TRUE.items():
        p = ray_summary["parameters"][name]
        assert p["q05"] <= truth <= p["q95"], (name, p)
