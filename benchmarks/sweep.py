"""Speed of a sweep: 200 runs of the default community (2,000 residents, 156 weeks) through the
``sim -m`` command, as a researcher would run them. Prints figures and one JSON object.

    python benchmarks/sweep.py                   40 design rows x 5 replications, in 4 chunks
    python benchmarks/sweep.py --chunk-size 5    in 8 chunks of 25 runs instead of 4 of 50
    python benchmarks/sweep.py --unchunked       also the same 200 runs as 200 one-run Hydra jobs

The design is a Latin hypercube over ``community.interest_mean`` (0.25-0.45) and
``deliberation.facilitation`` (0-1); the sweep uses the default launcher (joblib, every core).

Figures (wall-clock, ``time.perf_counter``):

* ``total_seconds``: the whole ``sim -m ...`` command, from start to exit (Python start-up,
  Hydra, worker processes, the runs, writing every job's rows, gathering ``results.parquet``);
* ``runs_per_second``: 200 / total_seconds;
* ``overhead_share``: 1 - (seconds inside the model) / (total_seconds x workers), where seconds
  inside the model is the sum over runs of building the model, running it and summarising it
  (``model_seconds`` in each job's ``runs.done.json``) and workers = min(cores, jobs): the share
  of the available core time spent on anything else, idle cores included.

Other processes on the machine slow the model and the overhead alike; the figures are for an
otherwise idle machine when ``load_average_before`` is near 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIM = Path(sys.executable).parent / "sim"
TARGETS = {"total_seconds": ("<=", 60.0), "overhead_share": ("<=", 0.10)}  # issue 16: <= 10%
ROWS, REPLICATIONS = 40, 5  # 200 runs


def make_design(folder: Path) -> Path:
    path = folder / "design.csv"
    subprocess.run([sys.executable, "-m", "analysis", "design", "--method", "lhs", "--params",
                    "community.interest_mean=0.25:0.45", "deliberation.facilitation=0:1",
                    "--n", str(ROWS), "--seed", "1", "--out", str(path)],
                   check=True, cwd=ROOT, capture_output=True)
    return path


def timed_sweep(args: list[str], sweep_dir: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(SIM), "-m", *args, f"hydra.sweep.dir={sweep_dir}"], cwd=sweep_dir.parent,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"sweep failed:\n{result.stderr}")
    return seconds


def figures(sweep_dir: Path, seconds: float) -> dict:
    done = [json.loads(p.read_text()) for p in sweep_dir.glob("*/runs.done.json")]
    runs = sum(len(d["runs"]) for d in done)
    model = sum(sum(d["model_seconds"]) for d in done)
    workers = min(os.cpu_count() or 1, len(done))
    return {"runs": runs, "jobs": len(done), "workers": workers, "total_seconds": round(seconds, 2),
            "runs_per_second": round(runs / seconds, 2), "model_seconds": round(model, 2),
            "model_seconds_per_run": round(model / runs, 3),
            "overhead_share": round(1 - model / (seconds * workers), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunk-size", type=int, default=10, help="design rows per job (default 10: 4 jobs)")
    parser.add_argument("--unchunked", action="store_true", help="also run 200 one-run jobs")
    args = parser.parse_args()
    out = {"cores": os.cpu_count(), "load_average_before": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        design = make_design(tmp)
        chunks = -(-ROWS // args.chunk_size)
        seconds = timed_sweep([f"sweep.design={design}", f"sweep.chunk_size={args.chunk_size}",
                               f"sweep.replications={REPLICATIONS}", f"sweep.chunk=range(0,{chunks})"],
                              tmp / "chunked")
        out["chunked"] = figures(tmp / "chunked", seconds)
        if args.unchunked:
            seconds = timed_sweep([f"seed=range(0,{ROWS * REPLICATIONS})"], tmp / "unchunked")
            out["unchunked"] = figures(tmp / "unchunked", seconds)
    c = out["chunked"]
    print(f"{c['runs']} runs in {c['jobs']} jobs on {c['workers']} workers: {c['total_seconds']:.1f} s total, "
          f"{c['runs_per_second']:.2f} runs/s, overhead {100 * c['overhead_share']:.1f}% "
          f"(model {c['model_seconds_per_run']:.3f} s per run)", file=sys.stderr)
    for key, (op, bound) in TARGETS.items():
        value = c[key]
        ok = value <= bound if op == "<=" else value >= bound
        print(f"  {key} = {value} (target {op} {bound}): {'met' if ok else 'NOT met'}", file=sys.stderr)
    if "unchunked" in out:
        u = out["unchunked"]
        print(f"unchunked, {u['jobs']} one-run jobs: {u['total_seconds']:.1f} s total, "
              f"overhead {100 * u['overhead_share']:.1f}%", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
