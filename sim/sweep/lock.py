"""One sweep at a time in a sweep folder: an exclusive lock held by the launching process.

The lock is ``.sweep.lock`` in the sweep folder (:mod:`filelock`: an OS file lock, released when the
process ends however it ends, so a killed sweep leaves no stale lock); ``.sweep.owner.json`` beside
it names the holder (process, host, start time, command) so that a second sweep into the same
folder, or ``python -m analysis gather`` while one runs, is refused naming the first.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

from filelock import FileLock, Timeout

from sim.schema import ConfigError

LOCK, OWNER = ".sweep.lock", ".sweep.owner.json"


def _owner(sweep_dir: Path) -> str:
    try:
        o = json.loads((sweep_dir / OWNER).read_text())
        return (f"process {o['pid']} on {o['host']}, started {o['started']}: "
                f"{o['command'][:200]}")
    except (OSError, ValueError, KeyError, TypeError):
        return "owner unknown"


def lock_sweep(sweep_dir: str | Path, key: str = "hydra.sweep.dir") -> FileLock:
    """Take the folder's lock (creating the folder) or raise ConfigError naming the sweep holding it."""
    sweep_dir = Path(sweep_dir)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(sweep_dir / LOCK), timeout=0, is_singleton=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ConfigError(key, str(sweep_dir), f"another sweep is running in this folder ({_owner(sweep_dir)}); "
                          "wait for it to end or choose another folder") from None
    record = {"pid": os.getpid(), "host": socket.gethostname(),
              "started": time.strftime("%Y-%m-%d %H:%M:%S"), "command": " ".join(sys.argv)}
    try:
        (sweep_dir / OWNER).write_text(json.dumps(record) + "\n")
    except OSError:
        pass  # the lock holds without the note (e.g. a full disk)
    return lock


def unlock_sweep(lock: FileLock | None, sweep_dir: str | Path) -> None:
    if lock is None or not lock.is_locked:
        return
    (Path(sweep_dir) / OWNER).unlink(missing_ok=True)
    lock.release()
