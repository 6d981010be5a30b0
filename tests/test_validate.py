"""``sim validate``: bad input, the report, the exit status, the measures on hand-made data, and
the quick subset of stylised facts on the model (asserting pass or fail, never a time)."""

import json

import numpy as np
import pandas as pd
import pytest

from sim.validation import command, measures
from sim.validation.facts import BY_NAME, FACTS, QUICK, Fact
from sim.validation.report import FILES, summary, write
from sim.validation.runner import Result


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("args, key", [
    (["validate=quick", "validate.facts=[no_such_fact]"], "validate.facts[0]"),
    (["validate=quick", "validate.seeds=0"], "validate.seeds"),
    (["validate=quick", "validate.seeds=-1"], "validate.seeds"),
    (["validate=quick", "community.n_residents=500"], "community.n_residents"),
    (["validate=nosuch"], "validate"),
])
def test_bad_input_is_one_line_naming_the_key(run_sim, tmp_path, args, key):
    result = run_sim(*args, f"hydra.run.dir={tmp_path / 'out'}", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0], result.stderr
    assert not (tmp_path / "out" / "summary.json").exists()


# -- report and exit status ---------------------------------------------------------------------
def _fake(name: str, value: float, threshold: float | None) -> Result:
    check = None if threshold is None else (lambda f: bool(np.nanmean(f["x"]) >= threshold))
    fact = Fact(name, "literature", "a test", "x", f">= {threshold}", lambda seed: {"x": value}, check)
    return Result(fact, [1, 2, 3], {"x": np.array([value, value + 0.1, np.nan])})


def test_report_has_one_row_per_fact_and_every_file(tmp_path):
    results = [_fake("holds", 1.0, 0.5), _fake("breaks", 0.1, 0.5), _fake("read", 0.3, None)]
    s = summary(results, {"name": "test"}, 1.5)
    write(tmp_path / "out", results, s)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILES)
    table = pd.read_csv(tmp_path / "out" / "validation.csv")
    assert list(table["fact"]) == ["holds", "breaks", "read"]
    assert list(table["result"]) == ["pass", "FAIL", "reading"]
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert saved["passed"] == ["holds"] and saved["failed"] == ["breaks"] and saved["readings"] == ["read"]
    figure = saved["facts"]["holds"]["figures"]["x"]
    assert figure["n"] == 2 and figure["mean"] == pytest.approx(1.05) and figure["per_seed"][2] != figure["per_seed"][2]
    assert (tmp_path / "out" / "validation.html").read_text().count("<img") == 3


def test_a_failing_fact_ends_with_status_1(tmp_path, monkeypatch):
    monkeypatch.setattr("sim.validation.runner.run_facts",
                        lambda facts, seeds, n_jobs: [_fake("holds", 1.0, 0.5), _fake("breaks", 0.1, 0.5)])
    with pytest.raises(SystemExit) as stop:
        command.run_validate_command({}, {"name": "quick"}, ["validate=quick"], tmp_path / "out", pytest.fail)
    assert stop.value.code == command.EXIT_FACT_FAILED
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["failed"] == ["breaks"]


def test_facts_passing_end_with_status_0(tmp_path, monkeypatch):
    monkeypatch.setattr("sim.validation.runner.run_facts", lambda facts, seeds, n_jobs: [_fake("holds", 1.0, 0.5)])
    s = command.run_validate_command({}, {"name": "quick"}, ["validate=quick"], tmp_path / "out", pytest.fail)
    assert s["failed"] == [] and s["passed"] == ["holds"]


def test_catalogue_names_source_quantity_and_expectation():
    assert len(FACTS) >= 11 and set(QUICK) <= set(BY_NAME)
    for fact in FACTS:
        assert fact.source and fact.quantity and fact.expected
        assert fact.source_kind in ("case", "literature", "case; literature", "reading")
        assert (fact.check is None) == (fact.source_kind == "reading")


# -- the measures on hand-made data -------------------------------------------------------------
def _groups(shift_of_chair, rng, noise):
    chairs = np.repeat(np.arange(8), 6)
    shift = np.array([shift_of_chair[c] for c in chairs]) + noise * rng.standard_normal(len(chairs))
    return pd.DataFrame({"chair": chairs, "group_size": 5, "initial_mean_opinion": 0.5,
                         "final_mean_opinion": 0.5 + shift})


def test_chair_fixed_effects_find_leader_identity_and_only_it():
    rng = np.random.default_rng(3)
    by_chair = rng.uniform(-0.2, 0.2, 8)
    assert measures.chair_fixed_effects_r2(_groups(by_chair, rng, 0.01)) > 0.9
    assert abs(measures.chair_fixed_effects_r2(_groups(np.zeros(8), rng, 0.05))) < 0.15


def test_top_share_and_leader_ratio():
    attended = np.r_[np.full(10, 9), np.full(90, 1)]
    assert measures.top_share(attended, 0.1) == pytest.approx(90 / 180)
    leader = np.r_[np.ones(10, dtype=bool), np.zeros(90, dtype=bool)]
    assert measures.leader_attendance_ratio(attended, leader) == pytest.approx(9.0)
    assert np.isnan(measures.top_share(np.zeros(5)))


def test_granovetter_cascade_is_full_and_collapses_when_one_threshold_moves():
    figures = BY_NAME["granovetter_cascade"].measure(3)
    assert figures["uniform thresholds"] == 1.0
    assert figures["one threshold moved"] == pytest.approx(0.01)


# -- the quick subset on the model ---------------------------------------------------------------
def test_quick_subset_of_stylised_facts_passes(run_sim, tmp_path):
    result = run_sim("validate=quick", "validate.n_jobs=2", f"hydra.run.dir={tmp_path / 'out'}", cwd=tmp_path,
                     timeout=600)
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert saved["failed"] == [], result.stdout
    assert sorted(saved["passed"]) == sorted(QUICK)
    assert result.returncode == 0, result.stderr
