"""The ``calibrate`` section and its targets file are checked before anything runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.calibration.config import prepare
from sim.calibration.targets import read_targets, scaled_distance, simulated_statistics
from sim.schema import ConfigError

ROOT = Path(__file__).resolve().parents[1]
BASE = {"steps": 20, "community": {"n_residents": 120}, "leaders": {"n_initial": 4}}


@pytest.fixture
def targets(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump({"targets": [{"statistic": "participation_rate", "value": 0.1, "sd": 0.02},
                                                {"statistic": "mean_trust", "step": 10, "value": 0.4, "sd": 0.05}]}))
    return path


def calibrate(targets, **parameters):
    return {"targets": str(targets), "parameters": parameters or {"officials.responsiveness": {}}}


def test_bounds_default_to_the_schema_range(targets):
    plan = prepare(BASE, calibrate(targets, **{"officials.responsiveness": {}, "leaders.n_initial": {"high": 20}}))
    resp, leaders = plan.priors
    assert (resp.low, resp.high, resp.integer) == (0.0, 1.0, False)
    assert (leaders.low, leaders.high, leaders.integer) == (0.0, 20.0, True)
    assert plan.config_for({"officials.responsiveness": 0.3, "leaders.n_initial": 7.6}, 1).leaders.n_initial == 8
    (intercept,) = prepare(BASE, calibrate(targets, **{"participation.intercept": {}})).priors
    assert (intercept.low, intercept.high) == (-100.0, 100.0)  # every numeric key has a schema range


@pytest.mark.parametrize("parameters, key, message", [
    ({"officials.responsiveness": {"high": 1.5}}, "calibrate.parameters.officials.responsiveness.high",
     "range [0.0, 1.0]"),
    ({"officials.responsiveness": {"low": 0.6, "high": 0.4}}, "calibrate.parameters.officials.responsiveness.high",
     "must be > low"),
    ({"officials.responsiveness": {"distribution": "normal"}}, "calibrate.parameters.officials.responsiveness.mean",
     "needs mean and sd"),
    ({"officials.responsiveness": {"distribution": "cauchy"}},
     "calibrate.parameters.officials.responsiveness.distribution", "allowed: uniform, normal"),
    ({"officials.no_such_key": {}}, "officials.no_such_key", "unknown parameter"),
    ({"deliberation.mode": {}}, "deliberation.mode", "not a numeric parameter"),
    ({"community.share_young": {"low": 0.0, "high": 1.0}}, "community.share_elderly", "share_young + share_elderly"),
])
def test_bad_prior_refused(targets, parameters, key, message):
    with pytest.raises(ConfigError) as info:
        prepare(BASE, calibrate(targets, **parameters))
    assert info.value.key == key and message in str(info.value)


def test_settings_and_missing_pieces_refused(targets):
    with pytest.raises(ConfigError, match="calibrate.targets"):
        prepare(BASE, {"parameters": {"officials.responsiveness": {}}})
    with pytest.raises(ConfigError, match="at least one free parameter"):
        prepare(BASE, {"targets": str(targets)})
    with pytest.raises(ConfigError, match="calibrate.population_size"):
        prepare(BASE, {**calibrate(targets), "population_size": 1})
    with pytest.raises(ConfigError, match="calibrate.popsize"):
        prepare(BASE, {**calibrate(targets), "popsize": 10})
    with pytest.raises(ConfigError, match="calibrate.backend"):
        prepare(BASE, {**calibrate(targets), "backend": "dask"})


@pytest.mark.skipif(importlib.util.find_spec("ray") is not None, reason="Ray is installed here")
def test_ray_backend_without_ray_is_refused(targets):
    with pytest.raises(ConfigError, match="calibrate.backend = 'ray'.*needs Ray installed"):
        prepare(BASE, {**calibrate(targets), "backend": "ray"})


@pytest.mark.parametrize("rows, message", [
    ([{"statistic": "happiness", "value": 1, "sd": 1}], "statistic 'happiness' is not allowed"),
    ([{"statistic": "proposals_total", "step": 3, "value": 1, "sd": 1}], "is not allowed with a step"),
    ([{"statistic": "mean_trust", "value": 0.4, "sd": 0}], "sd must be a number > 0"),
    ([{"statistic": "mean_trust", "value": 0.4}], "sd must be a number > 0"),
    ([{"statistic": "mean_trust", "value": "high", "sd": 0.1}], "must be numbers"),
    ([{"statistic": "mean_trust", "step": 99, "value": 0.4, "sd": 0.1}], "step 99 must be in [1, 20]"),
    ([{"statistic": "mean_trust", "value": 0.4, "sd": 0.1, "weight": 2}], "unknown field 'weight'"),
    ([{"statistic": "mean_trust", "value": 0.4, "sd": 0.1}] * 2, "target 2: mean_trust appears twice"),
    ([], "holds no targets"),
])
def test_bad_targets_refused(tmp_path, rows, message):
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({"targets": rows}))
    with pytest.raises(ConfigError) as info:
        read_targets(path, steps=20)
    assert info.value.key == "calibrate.targets" and message in str(info.value)


def test_csv_targets_and_statistics(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("statistic,step,value,sd\nparticipation_rate,,0.1,0.02\nparticipation_rate,8,0.2,0.05\n")
    targets = read_targets(path, steps=20)
    assert [t.name for t in targets] == ["participation_rate", "participation_rate@8"]
    import pandas as pd

    ts = pd.DataFrame({"participation_rate": [0.0] * 7 + [0.3] + [0.0] * 12})
    stats = simulated_statistics({"participation_rate": 0.14}, ts, targets)
    assert stats == {"participation_rate": 0.14, "participation_rate@8": 0.3}
    observed = {t.name: t.value for t in targets}
    sd = {t.name: t.sd for t in targets}
    assert scaled_distance(stats, observed, sd) == pytest.approx(((2 ** 2 + 2 ** 2) / 2) ** 0.5)


def test_cli_refuses_unknown_preset_and_bad_key_before_running(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sim", "calibrate=nowhere"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "calibrate = 'nowhere' is not allowed; allowed: riverside" in done.stderr
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "sim", "calibrate=riverside", "calibrate.population_size=0",
                           f"hydra.run.dir={out}"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "calibrate.population_size = 0 is not allowed" in done.stderr
    assert not out.exists()
