"""Progress of a sweep: jobs done of the total, elapsed, time left; and the total of jobs."""

from __future__ import annotations

import io
import re

from omegaconf import OmegaConf

from sim.sweep.callbacks import BASIC_SWEEPER, count_jobs
from sim.sweep.progress import ProgressMonitor, record_job_end


def test_progress_counts_jobs_by_how_they_ended(tmp_path):
    stream = io.StringIO()
    monitor = ProgressMonitor(tmp_path, total=5, stream=stream, poll=60)
    monitor.start()
    record_job_end(tmp_path, 0, "skipped")
    record_job_end(tmp_path, 3, "ran")
    record_job_end(tmp_path, 1, "refused")
    record_job_end(tmp_path, 2, "failed")
    assert monitor.counts() == {"ran": 1, "skipped": 1, "refused": 1, "failed": 1}
    line = monitor.stop()
    assert re.fullmatch(r"sweep: 4/5 jobs done \(1 refused\) \(1 failed\), 0:00:\d\d elapsed, ~0:\d\d:\d\d left",
                        line)
    assert stream.getvalue() == line + "\n"  # not a terminal: plain lines


def test_time_left_counts_only_jobs_that_ran(tmp_path):
    monitor = ProgressMonitor(tmp_path, total=10, stream=io.StringIO())
    monitor.start()
    monitor.started -= 20.0  # 20 s ago
    for job in range(4):
        record_job_end(tmp_path, job, "skipped")  # already done on an earlier attempt: instant
    record_job_end(tmp_path, 4, "ran")
    # 5 of 10 done, 1 job run in 20 s: about 5 x 20 s = 100 s left, not 5 x 4 s
    assert monitor.line().endswith("0:00:20 elapsed, ~0:01:40 left")
    monitor.stop()


def test_a_new_start_forgets_an_earlier_attempt(tmp_path):
    record_job_end(tmp_path, 0, "ran")
    monitor = ProgressMonitor(tmp_path, total=None, stream=io.StringIO())
    monitor.start()
    assert monitor.line().startswith("sweep: 0/? jobs done")
    monitor.stop()


def test_total_jobs_is_the_product_of_the_swept_values():
    config = OmegaConf.create({"hydra": {
        "sweeper": {"_target_": BASIC_SWEEPER, "params": {"deliberation.mode": "snowball,cloud"}},
        "overrides": {"task": ["seed=1,2,3", "sweep.chunk=range(0,4)", "steps=5"]}}})
    assert count_jobs(config) == 2 * 3 * 4
    config.hydra.sweeper._target_ = "some.other.Sweeper"
    assert count_jobs(config) is None
