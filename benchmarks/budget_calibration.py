"""Measure what sim/budget.py estimates: peak memory and time of runs of several sizes.

    python benchmarks/budget_calibration.py          prints one JSON line per measured run
    python benchmarks/budget_calibration.py --child N STEPS TIES_WITHIN KIND

Each run is a fresh subprocess on one core: import, ``validate_config`` + ``CommunityModel``
(``build_seconds``), ``run_for(STEPS)`` (``run_seconds``), then ``ru_maxrss`` (``peak_mib``,
imports included) and the number of ties. ``estimate`` is what :func:`sim.budget.estimate`
says for the same config, so the two can be compared line by line.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = [  # n_residents, steps, ties_within_courtyard, network kind
    (1000, 52, 4.0, "courtyard"),
    (20000, 52, 4.0, "courtyard"),
    (100000, 52, 4.0, "courtyard"),
    (100000, 156, 4.0, "courtyard"),
    (20000, 52, 40.0, "courtyard"),
    (20000, 52, 4.0, "watts_strogatz"),
    (200000, 26, 4.0, "courtyard"),
]


def _config(n: int, steps: int, ties: float, kind: str) -> dict:
    return {"steps": steps, "community": {"n_residents": n}, "leaders": {"n_initial": max(40, n // 50)},
            "network": {"kind": kind, "courtyard": {"ties_within_courtyard": ties}}}


def child(n: int, steps: int, ties: float, kind: str) -> dict:
    import logging

    from sim.config import validate_config
    from sim.model import CommunityModel

    logging.getLogger("MESA").setLevel(logging.WARNING)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    model = CommunityModel(validate_config(_config(n, steps, ties, kind)))
    t1 = time.perf_counter()
    model.run_for(steps)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "steps": steps, "ties_within": ties, "kind": kind, "ties": int(model.adjacency.nnz // 2),
            "build_seconds": round(t1 - t0, 3), "run_seconds": round(t2 - t1, 3),
            "import_mib": round(base, 1), "peak_mib": round(peak, 1)}


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        n, steps, ties, kind = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
        print(json.dumps(child(n, steps, ties, kind)))
        return
    for run in RUNS:
        out = subprocess.run(["taskset", "-c", "0", sys.executable, __file__, "--child", *map(str, run)],
                             capture_output=True, text=True, check=True)
        measured = json.loads(out.stdout.strip().splitlines()[-1])
        try:
            from sim.budget import estimate
            from sim.config import validate_config

            est = estimate(validate_config(_config(*run)))
            measured["estimate"] = {"mib": round(est.memory_bytes / 2**20, 1), "seconds": round(est.seconds, 2)}
        except ImportError:
            pass
        print(json.dumps(measured), flush=True)


if __name__ == "__main__":
    main()
