"""``sim compare=on``: paired runs with common random numbers, the paired intervals, bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.compare import INDICATORS, alternatives, compose_arm, paired_table, parse, replication_seed, run_one
from sim.schema import ConfigError

SMALL = ("steps=16", "community.n_residents=150", "leaders.n_initial=8", "issues.rate=8", "compare.n_jobs=1")


def test_the_arms_are_the_alternatives_of_one_override():
    req = parse(["compare=on", "scenario=baseline,random_leaders", "steps=10", "compare.replications=3"])
    assert req.arms == [["scenario=baseline"], ["scenario=random_leaders"]]
    assert req.common == ["steps=10"] and req.settings.replications == 3
    assert alternatives("[],[empowerment_training,load_relief]") == ["[]", "[empowerment_training,load_relief]"]


@pytest.mark.parametrize("argv, key", [
    (["compare=on", "steps=10"], "compare"),
    (["compare=on", "seed=1,2", "compare.replications=1"], "compare.replications"),
    (["compare=on", "seed=1,2", "compare.n_jobs=0"], "compare.n_jobs"),
    (["compare=on", "seed=1,2", "experiment=gulou"], "experiment"),
    (["compare=on", "seed=1,1"], "seed"),
])
def test_bad_requests_are_refused_naming_the_key(argv, key):
    with pytest.raises(ConfigError) as info:
        parse(argv)
    assert info.value.key == key


def test_paired_interval_is_a_paired_t_interval():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(10, len(INDICATORS)))
    diff = 0.1 + 0.01 * rng.normal(size=(10, len(INDICATORS)))
    rows = [{"arm": "a", "replication": r, **dict(zip(INDICATORS, base[r]))} for r in range(10)]
    rows += [{"arm": "b", "replication": r, **dict(zip(INDICATORS, base[r] + diff[r]))} for r in range(10)]
    table = paired_table(pd.DataFrame(rows), ["a", "b"], 0.95).set_index("indicator")
    d = diff[:, 0]
    se = d.std(ddof=1) / np.sqrt(10)
    row = table.loc[INDICATORS[0]]
    assert row["mean_difference"] == pytest.approx(d.mean())
    assert row["std_error"] == pytest.approx(se)
    assert row["ci_high"] - row["ci_low"] == pytest.approx(2 * 2.2621571627 * se, rel=1e-6)
    assert (table["std_error"] < table["std_error_unpaired"]).all()


def test_compare_runs_paired_seeds_and_writes_its_outputs(run_sim, tmp_path):
    out = tmp_path / "cmp"
    result = run_sim("compare=on", "scenario=baseline,random_leaders", "compare.replications=3", *SMALL,
                     f"hydra.run.dir={out}", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert {p.name for p in out.iterdir()} == {"runs.csv", "compare.csv", "summary.json"}
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 6
    seeds = runs.pivot(index="replication", columns="arm", values="seed")
    assert (seeds.nunique(axis=1) == 1).all() and seeds.iloc[:, 0].nunique() == 3  # same seeds in each arm
    table = pd.read_csv(out / "compare.csv")
    assert set(table["indicator"]) == set(INDICATORS) and (table["arm"] == "scenario=random_leaders").all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["arms"] == ["scenario=baseline", "scenario=random_leaders"]
    assert "participation_rate" in result.stdout and str(out) in result.stdout


def test_arms_that_do_the_same_differ_by_exactly_zero():
    """A no-op programme against none: every paired difference is 0 (common random numbers)."""
    common = [o for o in SMALL if not o.startswith("compare.")]
    arms = {"none": compose_arm([*common, "interventions=[]"]),
            "no-op": compose_arm([*common, "interventions=[load_relief]", "interventions.load_relief.load_cut=0.0"])}
    rows = [{"arm": name, "replication": r, **run_one(cfg, replication_seed(42, r))}
            for name, cfg in arms.items() for r in range(2)]
    table = paired_table(pd.DataFrame(rows), ["none", "no-op"], 0.95)
    assert (table["mean_difference"] == 0).all() and (table["ci_low"] == 0).all() and (table["ci_high"] == 0).all()
    assert (table["std_error_unpaired"] > 0).any()  # the seeds differ: only the pairing cancels them


def test_a_bad_arm_is_refused_before_any_run(run_sim, tmp_path):
    result = run_sim("compare=on", "scenario=baseline,atlantis", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("config error: scenario = 'atlantis'")
    assert not (tmp_path / "outputs").exists()


def test_a_single_run_names_its_programmes_and_says_it_is_one_draw(run_sim, tmp_path):
    result = run_sim("steps=16", "community.n_residents=100", "leaders.n_initial=5", "interventions=[load_relief]",
                     f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "programmes            load_relief" in result.stdout
    assert "one run is one draw" in result.stdout and "sim compare=on" in result.stdout
