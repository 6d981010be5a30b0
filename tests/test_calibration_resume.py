"""A calibration killed part-way resumes from pyabc's SQLite history when the same command is rerun
in the same folder; a folder holding another calibration is refused."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["calibrate=riverside", "community.residents=null", "community.n_residents=120", "leaders.n_initial=4",
         "steps=12", "issues.rate=10.0", "calibrate.population_size=10", "calibrate.generations=3",
         "calibrate.n_jobs=1", "calibrate.posterior_predictive=3", "calibrate.progress=false"]


def generations_done(db: Path) -> list[tuple[int, str]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT t, population_end_time FROM populations WHERE t >= 0 ORDER BY t").fetchall()
    except sqlite3.OperationalError:  # tables not created yet
        return []


def sim(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_killed_calibration_resumes_keeping_finished_generations(tmp_path):
    folder = tmp_path / "cal"
    args = [*SMALL, f"hydra.run.dir={folder}"]
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not generations_done(folder / "history.db") and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert proc.poll() is None, "finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    before = generations_done(folder / "history.db")
    assert 1 <= len(before) < 3 and not (folder / "summary.json").exists()
    done = sim(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    after = generations_done(folder / "history.db")
    assert [t for t, _ in after] == [0, 1, 2]
    assert after[:len(before)] == before  # finished generations kept, not drawn again
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["generations"] == 3
    assert len(pd.read_csv(folder / "generations.csv")) == 3
    # a rerun of a finished calibration adds nothing and rewrites the same posterior
    posterior = pd.read_parquet(folder / "posterior.parquet")
    again = sim(*args)
    assert again.returncode == 0, again.stderr[-2000:]
    assert generations_done(folder / "history.db") == after
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "posterior.parquet"), posterior)


def test_folder_with_another_calibration_is_refused(tmp_path):
    folder = tmp_path / "cal"
    first = sim(*SMALL, "calibrate.generations=1", f"hydra.run.dir={folder}")
    assert first.returncode == 0, first.stderr[-2000:]
    other = sim(*SMALL, "calibrate.generations=2", "steps=13", f"hydra.run.dir={folder}")
    assert other.returncode == 2
    assert "holds another calibration" in other.stderr.strip().splitlines()[-1]
    assert (folder / "summary.json").exists() and (folder / "history.db").exists()  # nothing of it lost
