"""Issue cases 1, 3, 4 and 8 for sweeps: every failure of planning, running or gathering exits
non-zero with one line; design files are checked whole before any job; one sweep at a time in a
folder; on a full disk the other jobs' results are kept and nothing looks complete that is not."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.__main__ import main as analysis_main
from sim.config import as_plain, ModelConfig
from sim.schema import ConfigError
from sim.sweep.callbacks import keep_design
from sim.sweep.design_file import read_design
from sim.sweep.lock import lock_sweep, unlock_sweep
from sim.sweep.store import DONE, RESULTS, SWEEP_INFO, TIMESERIES_LONG, gather

FAULTS = Path(__file__).parent / "faults"
SMALL = ("community.n_residents=120", "steps=4", "leaders.n_initial=3")
SECRET = "s3cr3tHASH"


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith(("[", "sweep: ", " "))
            and not line.startswith("scenario ")]


def _sweep(run_sim, folder, *extra, env=None):
    return run_sim("-m", *SMALL, "deliberation.facilitation=0,0.5,1", f"hydra.sweep.dir={folder}",
                   "hydra/launcher=basic", *extra, cwd=folder.parent, env=env)


@pytest.fixture(scope="module")
def finished(run_sim, tmp_path_factory):
    """A finished three-job sweep (copied by the tests that change it)."""
    folder = tmp_path_factory.mktemp("finished") / "sweep"
    result = _sweep(run_sim, folder)
    assert result.returncode == 0, result.stderr
    return folder


def _copy(folder: Path, tmp_path: Path) -> Path:
    import shutil

    dest = tmp_path / "sweep"
    shutil.copytree(folder, dest)
    return dest


# -- design files: checked whole, never quoted -------------------------------------------------
BASE = as_plain(ModelConfig())


def _design(tmp_path, table: str, info: str | None = None) -> Path:
    path = tmp_path / "design.csv"
    path.write_text(table)
    if info is not None:
        (tmp_path / "design.json").write_text(info)
    return path


@pytest.mark.parametrize("table, info, key, words", [
    ("deliberation.facilitation\n0.1\n", "{not json", "sweep.design", "is not valid JSON (line 1"),
    ("deliberation.facilitation\n0.1\n", '["a"]', "sweep.design", "must hold a JSON object"),
    ("deliberation.facilitation\n0.1\n", '{"problem": {"names": ["x.y"]}}', "sweep.design", "differ from"),
    ("seed,deliberation.facilitation\n1,0.1\n", None, "seed", "cannot be a design column"),
    ("steps,steps\n4,5\n", None, "sweep.design", "column steps appears 2 times"),
    (f"root:{SECRET}:0\n1\n", None, "sweep.design", "column 1 is not named as a dotted config key"),
    ("deliberation.facilitation\n0.1\n1.5\n", None, "deliberation.facilitation", "(design row 1)"),
])
def test_bad_designs_are_refused_whole_before_any_job(tmp_path, table, info, key, words):
    with pytest.raises(ConfigError) as error:
        keep_design(str(_design(tmp_path, table, info)), BASE, tmp_path / "sweep")
    text = str(error.value)
    assert error.value.key == key and words in text and "\n" not in text and SECRET not in text
    assert not (tmp_path / "sweep").exists()


def test_a_malformed_design_json_stops_the_sweep_before_any_job(run_sim, tmp_path):
    design = _design(tmp_path, "deliberation.facilitation\n0.1\n0.2\n", "{oops")
    folder = tmp_path / "sweep"
    result = run_sim("-m", *SMALL, f"sweep.design={design}", f"hydra.sweep.dir={folder}", cwd=tmp_path)
    assert result.returncode == 2
    assert _lines(result.stderr) == [f"config error: sweep.design = '{design}' is not allowed; its problem file "
                                     "design.json is not valid JSON (line 1, column 2); fix or remove it"]
    assert not folder.exists()


# -- seeds -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_seed_that_runs_parquet_cannot_hold_is_refused_before_the_sweep_runs(run_sim, tmp_path):
    folder = tmp_path / "sweep"
    result = run_sim("-m", *SMALL, f"seed={2**63}", "sweep.replications=2", f"hydra.sweep.dir={folder}",
                     "hydra/launcher=basic", cwd=tmp_path)
    assert result.returncode == 2
    assert _lines(result.stderr)[0] == (f"config error: seed = {2**63} is not allowed; must be an integer in "
                                        f"[0, {2**63 - 1}]")
    assert not list(folder.rglob("summary.json")) and not list(folder.rglob(DONE))


# -- one sweep at a time -----------------------------------------------------------------------
def test_a_second_sweep_into_a_busy_folder_is_refused_naming_the_first(run_sim, tmp_path):
    folder = tmp_path / "sweep"
    lock = lock_sweep(folder)  # this test process is "the first sweep"
    try:
        result = _sweep(run_sim, folder)
    finally:
        unlock_sweep(lock, folder)
    assert result.returncode == 2
    (line,) = _lines(result.stderr)
    assert line.startswith(f"config error: hydra.sweep.dir = '{folder}' is not allowed; another sweep is "
                           f"running in this folder (process {os.getpid()} on ")
    assert sorted(p.name for p in folder.iterdir()) == [".sweep.lock"]  # nothing of the second one


def test_gather_is_refused_while_a_sweep_runs(finished, tmp_path, capsys):
    folder = _copy(finished, tmp_path)
    lock = lock_sweep(folder)
    try:
        assert analysis_main(["gather", str(folder)]) == 2
    finally:
        unlock_sweep(lock, folder)
    assert "another sweep is running in this folder" in capsys.readouterr().err
    assert analysis_main(["gather", str(folder)]) == 0


# -- full disks --------------------------------------------------------------------------------
def test_a_job_on_a_full_disk_fails_alone_and_is_not_left_looking_complete(run_sim, tmp_path):
    folder = tmp_path / "sweep"
    result = _sweep(run_sim, folder, env={"PYTHONPATH": str(FAULTS), "SIM_FAULT_ENOSPC": f"{folder}/1/"})
    assert result.returncode == 1
    errors = [line for line in _lines(result.stderr) if line.startswith(("job ", "error"))]
    assert errors[0].startswith("job 1: error: disk full writing ") and len(errors) == 2
    assert errors[1].startswith("error: 1 job(s) did not finish")
    assert not (folder / "1").exists()  # nothing of job 1: no summary.json without runs.done.json
    assert len(pd.read_parquet(folder / RESULTS)) == 2  # jobs 0 and 2 kept and gathered
    info = json.loads((folder / SWEEP_INFO).read_text())
    assert info["complete"] is False and info["jobs_missing"] == [1]
    rerun = _sweep(run_sim, folder)  # after freeing space: runs only job 1
    assert rerun.returncode == 0, rerun.stderr
    assert len(pd.read_parquet(folder / RESULTS)) == 3
    assert json.loads((folder / SWEEP_INFO).read_text())["complete"] is True


@pytest.mark.slow
def test_gathering_on_a_full_disk_exits_1_and_leaves_no_stale_table(run_sim, finished, tmp_path):
    folder = _copy(finished, tmp_path)
    result = _sweep(run_sim, folder, env={"PYTHONPATH": str(FAULTS), "SIM_FAULT_ENOSPC": "/results.parquet"})
    assert result.returncode == 1
    (line,) = [line for line in _lines(result.stderr) if line.startswith("error")]
    assert line.startswith("error: disk full writing ") and "results.parquet" in line
    assert not any((folder / name).exists() for name in (RESULTS, TIMESERIES_LONG, SWEEP_INFO))
    assert len(list(folder.glob(f"*/{DONE}"))) == 3  # every job's rows kept
    assert analysis_main(["gather", str(folder)]) == 0 and len(pd.read_parquet(folder / RESULTS)) == 3


def test_analysis_gather_on_a_full_disk_is_one_line(finished, tmp_path, monkeypatch, capsys):
    folder = _copy(finished, tmp_path)

    def full(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    assert analysis_main(["gather", str(folder)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: disk full writing ")
    assert not (folder / RESULTS).exists() and not (folder / SWEEP_INFO).exists()


def test_gather_records_whether_the_sweep_is_complete(finished, tmp_path):
    folder = _copy(finished, tmp_path)
    assert gather(folder)["complete"] is True
    info = gather(folder, expected_jobs=5)
    assert info["complete"] is False and info["jobs_missing"] == [3, 4]


def test_a_folder_with_design_read_back(tmp_path):
    path = _design(tmp_path, "deliberation.facilitation,officials.openness\n0.1,0.2\n")
    assert read_design(path).names == ["deliberation.facilitation", "officials.openness"]
