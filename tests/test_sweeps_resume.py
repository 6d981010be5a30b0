"""Resuming an interrupted sweep: finished jobs are skipped, the interrupted one runs again, the
gathered tables are complete with no run lost or duplicated; a folder used for other runs is
refused. And bad input to a sweep: one clear line, status 2, nothing run."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from analysis.__main__ import main as analysis_main
from sim.sweep.progress import PROGRESS
from sim.sweep.store import DONE, RESULTS, RUNS, SWEEP_INFO, TIMESERIES_LONG

SMALL = ("community.n_residents=120", "steps=6", "leaders.n_initial=5", "issues.rate=5.0")


def grid(folder):
    return ("-m", "deliberation.facilitation=0,0.5,1", "sweep.replications=2", *SMALL, f"hydra.sweep.dir={folder}",
            "hydra/launcher=basic")


def test_an_interrupted_sweep_resumes_where_it_stopped(run_sim, tmp_path):
    folder = tmp_path / "sweep"
    first = run_sim(*grid(folder), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = pd.read_parquet(folder / RESULTS).sort_values("run_id", ignore_index=True)
    kept = {job: (folder / job / RUNS).stat().st_mtime_ns for job in ("0", "2")}
    # job 1 "killed" while writing: no completion record, a stray temporary folder; no gathered tables
    (folder / "1" / DONE).unlink()
    (folder / "1" / RUNS).unlink()
    (folder / "1" / ".partial-killed").mkdir()
    (folder / "1" / ".partial-killed" / RUNS).write_bytes(b"half a file")
    (folder / "1" / ".partial-killed" / DONE).write_text("{}")
    (folder / RESULTS).unlink()
    (folder / TIMESERIES_LONG).unlink()

    second = run_sim(*grid(folder), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert sorted((folder / PROGRESS).read_text().split("\n")[:-1]) == ["0 skipped", "1 ran", "2 skipped"]
    assert {job: (folder / job / RUNS).stat().st_mtime_ns for job in ("0", "2")} == kept
    after = pd.read_parquet(folder / RESULTS).sort_values("run_id", ignore_index=True)
    pd.testing.assert_frame_equal(before, after)  # nothing lost, nothing duplicated, same numbers
    assert len(pd.read_parquet(folder / TIMESERIES_LONG)) == 6 * 6


def test_a_folder_holding_other_runs_is_refused(run_sim, tmp_path):
    folder = tmp_path / "sweep"
    assert run_sim(*grid(folder), cwd=tmp_path).returncode == 0
    results = (folder / RESULTS).read_bytes()
    other = run_sim("-m", "deliberation.facilitation=0,0.5,1", "sweep.replications=3", *SMALL,
                    f"hydra.sweep.dir={folder}", "hydra/launcher=basic", cwd=tmp_path)
    assert other.returncode == 2
    assert "config error: hydra.sweep.dir = " in other.stderr and "holds other runs" in other.stderr
    assert (folder / RESULTS).read_bytes() == results
    assert all((folder / job / DONE).is_file() for job in ("0", "1", "2"))


def test_a_bad_design_stops_the_sweep_before_any_job(run_sim, tmp_path):
    design = tmp_path / "design.csv"
    pd.DataFrame({"deliberation.facilitation": [0.2, 0.4], "community.colour": [1, 2]}).to_csv(design, index=False)
    folder = tmp_path / "sweep"
    result = run_sim("-m", f"sweep.design={design}", "sweep.chunk_size=1", "sweep.chunk=range(0,2)", *SMALL,
                     f"hydra.sweep.dir={folder}", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["config error: community.colour = 1 is not allowed; unknown parameter: not a key of the "
                     "config (a programme's parameters exist only when the programme is switched on) "
                     "(design row 0)"]
    assert not folder.exists()


def test_sweep_settings_need_a_multirun(run_sim, tmp_path):
    out = tmp_path / "run"
    result = run_sim("sweep.replications=3", *SMALL, f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("config error: sweep.replications = 3 is not allowed; "
                                     "takes effect in a multirun: add -m")
    assert not out.exists()


def test_report_and_gather_refuse_a_folder_that_is_not_a_sweep(tmp_path, capsys):
    assert analysis_main(["report", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'nowhere'} is not a folder"
    (tmp_path / "plain").mkdir()
    assert analysis_main(["report", str(tmp_path / "plain")]) == 2
    assert "is not a sweep folder (no multirun.yaml" in capsys.readouterr().err
    (tmp_path / "plain" / "multirun.yaml").write_text("{}\n")
    assert analysis_main(["gather", str(tmp_path / "plain")]) == 2
    assert "holds no finished job" in capsys.readouterr().err


def test_gather_keeps_one_copy_of_a_run_found_twice(tmp_path, run_sim):
    folder = tmp_path / "sweep"
    assert run_sim("-m", "deliberation.facilitation=0,1", *SMALL, f"hydra.sweep.dir={folder}",
                   "hydra/launcher=basic", cwd=tmp_path).returncode == 0
    shutil.copytree(folder / "1", folder / "1-copy")  # a job's folder copied by hand
    assert analysis_main(["gather", str(folder)]) == 0
    results = pd.read_parquet(folder / RESULTS)
    assert len(results) == 2 and results["run_id"].is_unique
    assert json.loads((folder / SWEEP_INFO).read_text())["duplicates_dropped"] == 1
