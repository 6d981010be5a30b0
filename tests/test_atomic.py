"""sim/atomic.py: a set of files appears completely or not at all; the last one marks completion."""

from __future__ import annotations

import os

import pytest

from sim.atomic import publish, staged, write_text


def test_published_files_appear_and_the_staging_folder_goes(tmp_path):
    with staged(tmp_path / "out") as tmp:
        (tmp / "a.csv").write_text("a")
        (tmp / "summary.json").write_text("{}")
        publish(tmp, tmp_path / "out", ("a.csv", "summary.json"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.csv", "summary.json"]


def test_a_failure_while_writing_leaves_the_earlier_files(tmp_path):
    (tmp_path / "a.csv").write_text("old")
    with pytest.raises(OSError), staged(tmp_path) as tmp:
        (tmp / "a.csv").write_text("new")
        raise OSError("disk full")
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"] and (tmp_path / "a.csv").read_text() == "old"


def test_a_failure_while_moving_leaves_no_completion_mark(tmp_path, monkeypatch):
    real, moved = os.replace, []

    def fail_on_last(src, dst):
        if str(dst).endswith("summary.json"):
            raise OSError("disk full")
        moved.append(dst)
        real(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_last)
    with pytest.raises(OSError), staged(tmp_path) as tmp:
        (tmp / "a.csv").write_text("a")
        (tmp / "summary.json").write_text("{}")
        publish(tmp, tmp_path, ("a.csv", "summary.json"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]  # no summary.json: not complete


def test_write_text_replaces_a_file_whole(tmp_path):
    path = tmp_path / "state.json"
    write_text(path, "1")
    write_text(path, "2")
    assert path.read_text() == "2" and [p.name for p in tmp_path.iterdir()] == ["state.json"]
