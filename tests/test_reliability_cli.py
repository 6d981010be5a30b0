"""Issue cases 2, 5, 7 and 8 at the command line: null, {} and ~ overrides, interpolation errors,
the memory estimate, and full disks during Hydra's own writes and the run's (one line, non-zero
status, nothing left behind)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from sim.cli import CONF, composed, resolve
from sim.config import validate_config
from sim.overrides import check_overrides
from sim.schema import ConfigError

FAULTS = Path(__file__).parent / "faults"  # sitecustomize.py: a simulated full disk
SMALL = ("community.n_residents=120", "steps=4", "leaders.n_initial=3")


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("override, key", [
    ("~community", "community"),
    ("~community.n_residents", "community.n_residents"),
    ("community=null", "community"),
    ("community={}", "community"),
    ("network.courtyard={}", "network.courtyard"),
    ("issues.kinds.parking=null", "issues.kinds.parking"),
    ("issues.kinds=null", "issues.kinds"),
    ("experiment.population=null", "experiment.population"),
    ("sweep={}", "sweep"),
])
def test_null_empty_and_delete_overrides_are_refused_naming_the_key(override, key):
    with pytest.raises(ConfigError) as error:
        check_overrides(["community.n_residents=50", override])
    assert error.value.key == key and "\n" not in str(error.value)


@pytest.mark.parametrize("overrides, emptied", [
    (["issues.kinds={}"], ["issues.kinds"]),
    (["experiment.designs={}", "experiment.treatment={}", "experiment.population.housing={}"],
     ["experiment.designs", "experiment.treatment", "experiment.population.housing"]),
    (["network.edgelist.path=null", "sweep.design=null", "experiment=null", "+issues.kinds.noise={}"], []),
    (["seed=1,2,3", "~hydra.job.env_set"], []),
])
def test_documented_meanings_are_honoured(overrides, emptied):
    assert check_overrides(overrides) == emptied


def _compose(*overrides: str) -> dict:
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose(config_name="sim", overrides=list(overrides))
    return composed(cfg, list(overrides))


def test_an_emptied_mapping_reaches_the_refusal_it_documents():
    raw = _compose("issues.kinds={}")
    assert raw["issues"]["kinds"] == {}
    for key in ("sweep", "experiment", "calibrate", "calibration", "calibration_draws"):
        raw.pop(key, None)
    with pytest.raises(ConfigError, match="needs at least one issue kind") as error:
        validate_config(raw)
    assert error.value.key == "issues.kinds"


@pytest.mark.parametrize("override, key, words", [
    ("community.n_residents=${oc.env:SIM_TEST_NOT_SET}", "community.n_residents", "Environment variable"),
    ("steps=${no_such.key}", "steps", "not found"),
    ("steps=${steps}", "steps", "Recursive interpolation"),
])
def test_interpolation_errors_are_one_line_naming_the_key(override, key, words):
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose(config_name="sim", overrides=[override])
    with pytest.raises(ConfigError) as error:
        resolve(cfg)
    assert error.value.key == key and words in str(error.value) and "\n" not in str(error.value)


def test_cli_refuses_a_deleted_section_before_running(run_sim, tmp_path):
    out = tmp_path / "run"
    result = run_sim(*SMALL, "~community", f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2
    assert _lines(result.stderr) == [
        "config error: community = '~community' is not allowed; deleting a key is refused: the built-in "
        "defaults would replace it silently; set the values you want instead (key=value)"]
    assert not out.exists()


@pytest.mark.slow
def test_cli_interpolation_error_is_one_line_and_leaves_nothing(run_sim, tmp_path):
    out = tmp_path / "run"
    result = run_sim(*SMALL, "steps=${oc.env:SIM_TEST_NOT_SET}", f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2
    lines = _lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("config error: steps = '${oc.env:SIM_TEST_NOT_SET}' ")
    assert not out.exists()


def test_cli_refuses_a_run_larger_than_this_machine(run_sim, tmp_path):
    out = tmp_path / "run"
    result = run_sim("community.n_residents=10000000", "network.courtyard.ties_within_courtyard=1000",
                     f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = _lines(result.stderr)
    assert line.startswith("config error: network.courtyard.ties_within_courtyard = 1000.0 is not allowed; "
                           "the run would need about ")
    assert "GiB of memory" in line and "this machine has " in line and "available" in line
    assert not out.exists()


@pytest.mark.parametrize("where", [".hydra", "summary.json"])
def test_a_full_disk_is_one_line_and_leaves_nothing(run_sim, tmp_path, where):
    """Hydra's own config save (before the task runs) and the run's files: status 1, one line, no folder."""
    out = tmp_path / "run"
    result = run_sim(*SMALL, f"hydra.run.dir={out}", cwd=tmp_path,
                     env={"PYTHONPATH": str(FAULTS), "SIM_FAULT_ENOSPC": f"{out.name}/{where}"
                          if where == ".hydra" else where})
    assert result.returncode == 1, result.stderr
    (line,) = _lines(result.stderr)
    assert line.startswith("error: disk full writing ") and "No space left on device" in line
    assert not out.exists()


@pytest.mark.slow
def test_cli_experiment_refuses_zero_jobs(run_sim, tmp_path):
    out = tmp_path / "run"
    result = run_sim("experiment=gulou_small", "experiment.n_jobs=0", f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2
    assert _lines(result.stderr)[-1].startswith("config error: experiment.n_jobs = 0 ")
    assert not out.exists()


def test_a_terminated_run_leaves_nothing_behind(tmp_path):
    """SIGTERM (kill, a batch scheduler's limit) cleans up like Ctrl-C: no .hydra/, no partial files."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    run_dir = tmp_path / "run"
    exe = Path(sys.executable).parent / "sim"
    proc = subprocess.Popen([str(exe), "steps=5000", "community.n_residents=3000", f"hydra.run.dir={run_dir}"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (run_dir / ".hydra").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    time.sleep(1.0)  # well inside the run
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("interrupted")
    assert not run_dir.exists() or not any(run_dir.iterdir())
