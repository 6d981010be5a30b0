"""Files written completely or not at all: stage them in a temporary folder, then move them into place.

A writer stages its files in a temporary folder *inside* the destination (so the move is a rename
on one file system, atomic on POSIX and Windows) and moves them with ``os.replace`` in a fixed
order; the last file moved marks completion (e.g. ``summary.json``: a folder holding it holds every
other file of the set). Whatever the block leaves behind (an error, Ctrl-C) is removed with the
temporary folder, so a failed write leaves at most the files of an earlier complete write::

    with staged(outdir) as tmp:
        table.to_csv(tmp / "table.csv")
        (tmp / "summary.json").write_text(text)
        publish(tmp, outdir, ("table.csv", "summary.json"))
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged(dest: str | Path, prefix: str = ".partial-") -> Iterator[Path]:
    """A fresh temporary folder inside ``dest`` (created if missing), removed with its contents at the end."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=dest))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish(tmp: Path, dest: str | Path, names: Iterable[str]) -> None:
    """Move the staged files ``names`` from ``tmp`` into ``dest``, in order: the last marks completion."""
    for name in names:
        os.replace(tmp / name, Path(dest) / name)


def write_text(path: str | Path, text: str) -> None:
    """Write one text file completely or not at all (staged beside it, then renamed over it)."""
    path = Path(path)
    with staged(path.parent) as tmp:
        (tmp / path.name).write_text(text)
        publish(tmp, path.parent, [path.name])
