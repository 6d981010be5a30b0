"""How a run that failed ends: one line naming what went wrong, and nothing of it left behind.

Shared by the ``sim`` command (:mod:`sim.cli`) and the jobs of a multirun (:mod:`sim.sweep.job`).
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from sim.schema import ConfigError, one_line

EXIT_BAD_INPUT, EXIT_FAILED = 2, 1


def describe_failure(error: BaseException) -> str:
    """One line for an error that is not bad input: a full disk, memory, a file system problem, a bug."""
    from hydra.errors import HydraException

    if isinstance(error, ConfigError):
        return str(error)
    if isinstance(error, HydraException):  # e.g. "Could not override 'x'": Hydra's message, on one line
        cause = f" ({error.__cause__})" if error.__cause__ is not None else ""
        text = f"error: {error}{cause}"
    elif isinstance(error, OSError) and error.errno == errno.ENOSPC:
        where = f" writing {error.filename}" if error.filename else ""
        text = f"error: disk full{where} (No space left on device); free some space and rerun"
    elif isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        text = f"error: {error.strerror or type(error).__name__}{where}"
    elif isinstance(error, MemoryError):
        text = "error: out of memory (MemoryError); try fewer residents or steps (sim/budget.py estimates both)"
    else:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        text = f"error: {type(error).__name__}: {first}" if first else f"error: {type(error).__name__}"
    text = one_line(text)
    return text if len(text) <= 300 else text[:297] + "..."


def clean_failed_run(outdir: Path | None, job_name: str | None = None) -> None:
    """Remove what Hydra wrote for a failed run (``.hydra/`` and the job log), and the folder itself
    only if that leaves it empty: a run pointed at an existing folder loses nothing of it."""
    if outdir is None or not outdir.is_dir():
        return
    shutil.rmtree(outdir / ".hydra", ignore_errors=True)
    for name in {job_name or "cli", "cli"}:
        (outdir / f"{name}.log").unlink(missing_ok=True)
    try:
        if not any(outdir.iterdir()):
            outdir.rmdir()
    except OSError:
        pass
