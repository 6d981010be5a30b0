"""Many communities through the experiment layer: driver memory and per-community cost.
Prints ONE JSON object on stdout.

    python benchmarks/many_communities.py                         100 and 1000 communities, joblib
    python benchmarks/many_communities.py --counts 100 300 --backend joblib ray

The communities are drawn as ``sim experiment=gulou`` draws them (sim/conf/experiment/gulou.yaml with
``experiment.n_communities`` = N; about 2,000 residents each, 156 weeks), with one design (a fifth of
them treated from period 5), and every community is run untreated through :func:`sim.experiments.runner.run_communities` with the chosen joblib backend
(``loky`` processes, or a local Ray instance started by ``ray.init``). Each result is appended to
a Parquet file as it arrives (one row per community and period), so nothing is held.

Figures per (backend, N), wall-clock ``time.perf_counter``:

* ``seconds``: the N runs, worker start-up included (Ray's start-up is timed apart:
  ``ray_init_seconds``);
* ``core_seconds_per_community``: seconds x workers / N (what a community costs a core, all
  overheads included); ``seconds_single_community``: one community run in the driver;
* ``driver_rss_mb_*``: the driver's resident memory (``/proc/self/status`` VmRSS, MiB) before
  the population is drawn, after drawing it, and the largest seen during the runs (sampled every
  0.2 s); workers are other processes and are not counted.

Driver memory is flat in N when ``driver_rss_peak_mb - driver_rss_before_mb`` stays the same.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class PeakSampler(threading.Thread):
    def __init__(self, every: float = 0.2):
        super().__init__(daemon=True)
        self.every, self.peak, self._done = every, rss_mb(), threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.every):
            self.peak = max(self.peak, rss_mb())

    def stop(self) -> float:
        self._done.set()
        self.join()
        return max(self.peak, rss_mb())


def composed(n: int) -> dict:
    """gulou's population of ``n`` communities with one design (a complete randomisation of a
    fifth of them from period 5), which any ``n`` >= 13 can carry out."""
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from sim.conf import CONF

    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose(config_name="config", overrides=["experiment=gulou", f"experiment.n_communities={n}"])
    raw = OmegaConf.to_container(cfg, resolve=True)
    raw["experiment"]["designs"] = {"complete": {"n_treated": max(1, n // 5), "start_period": 5}}
    raw["experiment"]["power"] = {"design": None}
    return raw


def measure(n: int, backend: str, n_jobs: int, out: Path) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.experiments import prepare
    from sim.experiments.runner import run_communities

    before = rss_mb()
    raw = composed(n)
    plan = prepare(raw, raw.pop("experiment"))
    units = [c.unit for c in plan.communities]
    after_prepare = rss_mb()
    ray_init = None
    if backend == "ray":
        import ray

        started = time.perf_counter()
        ray.init(num_cpus=n_jobs, include_dashboard=False, log_to_driver=False)
        ray_init = time.perf_counter() - started
    sampler = PeakSampler()
    sampler.start()
    started = time.perf_counter()
    writer = None
    try:
        results = run_communities((plan.configs[(u, -1)] for u in units), plan.measures, plan.exp.n_periods,
                                  n_jobs, None if backend == "joblib" else backend)
        for unit, measures in zip(units, results, strict=True):
            table = pa.table({"unit": [unit] * plan.exp.n_periods, "period": list(range(plan.exp.n_periods)),
                              **{k: v for k, v in measures.items()}})
            writer = writer or pq.ParquetWriter(out, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
        seconds = time.perf_counter() - started
        peak = sampler.stop()
        if backend == "ray":
            import ray

            ray.shutdown()
    rows = pq.read_metadata(out).num_rows
    assert rows == n * plan.exp.n_periods, rows
    return {"backend": backend, "communities": n, "workers": n_jobs, "seconds": round(seconds, 2),
            "ray_init_seconds": None if ray_init is None else round(ray_init, 2),
            "core_seconds_per_community": round(seconds * n_jobs / n, 3),
            "residents_mean": round(sum(c.n_residents for c in plan.communities) / n),
            "driver_rss_before_mb": round(before, 1), "driver_rss_after_prepare_mb": round(after_prepare, 1),
            "driver_rss_peak_mb": round(peak, 1), "driver_rss_growth_mb": round(peak - before, 1),
            "rows_written": rows}


def single_community_seconds() -> float:
    from sim.experiments import prepare
    from sim.experiments.runner import run_community

    raw = composed(13)
    plan = prepare(raw, raw.pop("experiment"))
    config = plan.configs[(0, -1)]
    started = time.perf_counter()
    run_community(config, plan.measures, plan.exp.n_periods)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--backend", nargs="+", choices=("joblib", "ray"), default=["joblib"])
    parser.add_argument("--n-jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    import logging

    logging.getLogger("MESA").setLevel(logging.WARNING)
    out = {"cores": os.cpu_count(), "load_average_before": list(os.getloadavg()),
           "seconds_single_community": round(single_community_seconds(), 3), "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backend:
            for n in args.counts:
                print(f"[many] {backend}: {n} communities", file=sys.stderr, flush=True)
                out["runs"].append(measure(n, backend, args.n_jobs, Path(tmp) / f"{backend}-{n}.parquet"))
    out["load_average_after"] = list(os.getloadavg())
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
