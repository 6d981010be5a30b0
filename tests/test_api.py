"""The notebook API (sim/api.py) against the ``sim`` command: same config and seed, same results;
bad input, the same one-line message."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import sim
from sim.schema import ConfigError

SMALL = ("steps=20", "community.n_residents=200")


def test_import_sim_stays_cheap_and_finds_the_api():
    code = ("import sys, sim; heavy = [m for m in ('hydra', 'mesa', 'pandas', 'sim.api') if m in sys.modules]; "
            "print(heavy); from sim import api; print(sim.run is api.run, sim.sweep_grid is api.sweep_grid)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True True"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        sim.nope  # noqa: B018


def test_run_equals_the_command_byte_for_byte(run_sim, tmp_path):
    cli = run_sim("scenario=chengdu_six_steps", *SMALL, f"hydra.run.dir={tmp_path / 'cli'}", cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    result = sim.run("scenario=chengdu_six_steps", steps=20, community={"n_residents": 200})
    result.save(tmp_path / "api")
    for name in ("timeseries.parquet", "meetings.parquet", "config.yaml"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert json.loads((tmp_path / "cli" / "summary.json").read_text()) == result.summary
    assert result.summary["scenario"] == "chengdu_six_steps"
    pd.testing.assert_frame_equal(result.timeseries, pd.read_parquet(tmp_path / "cli" / "timeseries.parquet"))
    pd.testing.assert_frame_equal(result.meetings, pd.read_parquet(tmp_path / "cli" / "meetings.parquet"))
    assert result.config.steps == 20 and result.model.steps == 20


def test_keywords_compose_as_override_strings():
    strings = sim.compose("community.n_residents=300", "interventions=[empowerment_training]",
                          "interventions.empowerment_training.target.count=20", "deliberation.mode=cloud")
    keywords = sim.compose(community={"n_residents": 300}, interventions=["empowerment_training"],
                           deliberation={"mode": "cloud"}, **{"interventions.empowerment_training.target.count": 20})
    assert strings.raw == keywords.raw
    assert strings.raw["community"]["n_residents"] == 300
    assert strings.raw["interventions"]["empowerment_training"]["target"]["count"] == 20
    assert sim.compose().raw["community"]["n_residents"] == 2000  # the default is untouched
    assert sim.compose(scenario="random_leaders").scenario == "random_leaders"


def test_keyword_values_reach_the_config_unchanged():
    path = "my folder/residents' survey.csv"
    c = sim.compose(participation={"beta": 1e-05, "intercept": -0.25}, network={"edgelist": {"path": path}},
                    sweep={"common_seeds": True}, interventions=[])
    assert c.raw["participation"]["beta"] == 1e-05 and c.raw["participation"]["intercept"] == -0.25
    assert c.raw["network"]["edgelist"]["path"] == path
    assert c.sweep["common_seeds"] is True and c.raw["interventions"] == {}


@pytest.mark.parametrize("overrides", [
    ("scenario=nope",),
    ("steps=-1",),
    ("no_such_key=1",),
    ("~steps",),
    ("community=null",),
    ("interventions=[nope]",),
])
def test_bad_input_raises_the_commands_message(run_sim, tmp_path, overrides):
    cli = run_sim(*overrides, f"hydra.run.dir={tmp_path / 'out'}", cwd=tmp_path)
    assert cli.returncode != 0
    with pytest.raises(ConfigError) as caught:
        sim.run(*overrides)
    assert str(caught.value) == cli.stderr.strip()
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("call, key", [
    (lambda: sim.run("experiment=gulou_small"), "experiment"),
    (lambda: sim.run(sweep={"replications": 3}), "sweep.replications"),
    (lambda: sim.run(calibration="somewhere"), "calibration"),
    (lambda: sim.run("validate=quick"), "validate"),
    (lambda: sim.run(3), "override"),
    (lambda: sim.sweep_grid({"seed": "1,2"}), "seed"),
    (lambda: sim.sweep_grid({"seed": []}), "seed"),
    (lambda: sim.compare_arms("steps=10"), "compare"),
])
def test_what_another_function_runs_is_refused(call, key):
    with pytest.raises(ConfigError) as caught:
        call()
    assert caught.value.key == key


EXPERIMENT = ("experiment.n_jobs=1", "experiment.truth.replications=5", "experiment.power.replications=10",
              "experiment.randomization.draws=20")


def test_experiment_tables_equal_the_commands_files(run_sim, tmp_path):
    cli = run_sim("experiment=gulou_small", *EXPERIMENT, f"hydra.run.dir={tmp_path / 'cli'}", cwd=tmp_path,
                  timeout=300)
    assert cli.returncode == 0, cli.stderr
    result = sim.experiment("gulou_small", *EXPERIMENT, outdir=tmp_path / "api")
    for name in ("effects.csv", "event_study.csv", "replications.csv", "power.csv", "mde.csv"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert result.effects.to_csv(index=False) == (tmp_path / "cli" / "effects.csv").read_text()
    assert {"estimate", "ci_low", "ci_high", "true_effect", "bias", "covered"} <= set(result.effects.columns)
    assert result.summary["experiment"] == "gulou_small" and result.summary["n_units"] == 30
    assert result.outdir == tmp_path / "api"


def test_compare_arms_equals_sim_compare(run_sim, tmp_path):
    arms = ("scenario=baseline,empowerment_training", *SMALL)
    cli = run_sim("compare=on", *arms, "compare.replications=3", "compare.n_jobs=1",
                  f"hydra.run.dir={tmp_path / 'cli'}", cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    result = sim.compare_arms(*arms, replications=3, n_jobs=1)
    assert result.table.to_csv(index=False) == (tmp_path / "cli" / "compare.csv").read_text()
    assert result.runs.to_csv(index=False) == (tmp_path / "cli" / "runs.csv").read_text()
    assert result.arms == ["scenario=baseline", "scenario=empowerment_training"]


def test_sweep_grid_equals_a_multirun(run_sim, tmp_path):
    cli = run_sim("-m", "steps=8", "community.n_residents=100", "scenario=baseline,random_leaders",
                  "seed=5,6", "sweep.replications=2", f"hydra.sweep.dir={tmp_path / 'cli'}", cwd=tmp_path,
                  timeout=300)
    assert cli.returncode == 0, cli.stderr
    result = sim.sweep_grid({"scenario": ["baseline", "random_leaders"], "seed": [5, 6]}, "steps=8",
                            community={"n_residents": 100}, replications=2)
    expected = pd.read_parquet(tmp_path / "cli" / "results.parquet").reset_index(drop=True)
    assert len(result.results) == 8 and result.results["run_id"].is_unique
    pd.testing.assert_frame_equal(result.results, expected)
    series = pd.read_parquet(tmp_path / "cli" / "timeseries_long.parquet")
    key = ["run_id", "step"]
    pd.testing.assert_frame_equal(result.timeseries.sort_values(key).reset_index(drop=True),
                                  series.sort_values(key).reset_index(drop=True))
