"""Speed benchmark of the simulator: prints ONE JSON object on stdout.

    python benchmarks/core.py            all figures (the 100k runs take a few minutes)
    python benchmarks/core.py --quick    skip the 100k and 1M runs
    python benchmarks/core.py --no-1m    skip the 1M runs (about a minute each)
    python benchmarks/core.py --child 100000 [--profile out.prof]
                                         (internal) one construction + run in this process

Figures (wall-clock seconds, ``time.perf_counter``, Python import time excluded):

* ``seconds_2k_156``: build the default community (2,000 residents) and run 156 steps;
  construction (``validate_config`` + ``CommunityModel``) + ``run_for(156)``, best of 3, in this
  process.
* ``seconds_100k_156``: the same with ``community.n_residents=100000`` and, by default,
  ``leaders.n_initial`` scaled to 2 % of residents (``--leaders default`` keeps 40);
  ``deliberation.council_size`` stays at its default. Best of 3, each run in a fresh subprocess.
* ``peak_rss_mb_100k``: peak resident memory (MiB) of a 100k subprocess: the largest
  ``ru_maxrss`` a child reports for itself at the end of its run (imports included);
  ``peak_rss_mb_100k_rusage_children`` cross-checks with this process's ``RUSAGE_CHILDREN``.
* ``seconds_1m_156``, ``peak_rss_mb_1m``: the same with 1,000,000 residents (leaders scaled as
  at 100k), best of ``--repeats-1m`` fresh subprocesses (default 1); RSS as for 100k.
* ``scaling``: one table row per size (10k, 100k, 1M), each from fresh subprocesses (the best
  of the runs above for 100k and 1M, one run for 10k): seconds (setup, run, total), the setup
  share of the total (target <= 0.2 at every size), seconds per resident-step (total /
  (residents x 156)) and peak MiB, per resident and per resident-step.
* ``ratio_vs_naive``: median time of the naive per-agent participation step
  (``benchmarks/naive_participation.py``) over median time of
  ``sim.participation.decide_participation`` on the same 2,000-resident model after warm-up
  steps (open issues, invited residents, active neighbours), both replayed from identical inputs.
  Before timing, the two are checked to agree (probabilities ``np.allclose`` for the invited, same invitations,
  beliefs and decisions; neither draws from Mesa's rng).

Everything runs on one core: the process is pinned to one CPU (children inherit it) and the
BLAS/OpenMP thread pools are limited to one thread.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(ROOT), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

TARGETS = {  # figure: (comparison, bound)
    "seconds_2k_156": ("<=", 1.0),
    "seconds_100k_156": ("<=", 30.0),
    "peak_rss_mb_100k": ("<=", 1500.0),
    "ratio_vs_naive": (">=", 20.0),
    "seconds_1m_156": ("<=", 60.0),
    "peak_rss_mb_1m": ("<=", 3000.0),
    "max_setup_share": ("<=", 0.2),
}
STEPS = 156
SMALL, LARGE, HUGE = 2_000, 100_000, 1_000_000
SCALING_SIZES = (10_000, LARGE, HUGE)
LEADER_SHARE = 0.02


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def pin_to_one_core() -> list[int] | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return sorted(os.sched_getaffinity(0))


def rss_now_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def config_overrides(n: int, leaders: str) -> dict:
    raw = {"steps": STEPS, "community": {"n_residents": n}}
    if leaders == "scaled":
        raw["leaders"] = {"n_initial": round(LEADER_SHARE * n)}
    return raw


def build_and_run(n: int, leaders: str, profiler=None) -> dict:
    """One construction + 156-step run; returns the split timings."""
    from sim.config import validate_config
    from sim.model import CommunityModel

    gc.collect()
    if profiler is not None:
        profiler.enable()
    t0 = time.perf_counter()
    cfg = validate_config(config_overrides(n, leaders))
    model = CommunityModel(cfg)
    t1 = time.perf_counter()
    model.run_for(cfg.steps)
    t2 = time.perf_counter()
    if profiler is not None:
        profiler.disable()
    assert model.steps == STEPS, model.steps
    out = {"setup_seconds": t1 - t0, "run_seconds": t2 - t1, "seconds": t2 - t0,
           "n_initial_leaders": cfg.leaders.n_initial, "council_size": cfg.deliberation.council_size,
           "issues": len(model.issues), "final_leaders": int(model.state.is_leader.sum())}
    del model
    return out


# -- the naive vs vectorised participation step -------------------------------------------------
def warmed_up_model(n: int, min_steps: int = 40, max_steps: int = 400):
    """A default model stepped until a participation decision has something to decide:
    open issues, residents invited under the mode, and neighbours who took part last time."""
    from sim import modes
    from sim.config import validate_config
    from sim.model import CommunityModel

    model = CommunityModel(validate_config({"community": {"n_residents": n}}))
    model.run_for(min_steps)
    while model.steps < max_steps:
        invited = modes.eligible(model, model.config.deliberation.mode)
        if model.open_issues() and invited.any() and model.state.took_part.any():
            return model
        model.step()
    raise RuntimeError("no step with open issues, invited residents and active neighbours")


def time_call(fn, model, snapshot) -> float:
    snapshot.restore(model)
    gc.collect()
    t0 = time.perf_counter()
    fn(model)
    return time.perf_counter() - t0


def ratio_vs_naive(n: int, repeats: int) -> dict:
    import naive_participation as naive
    from sim import modes
    from sim.participation import decide_participation

    model = warmed_up_model(n)
    agreement = naive.check_agreement(model)  # asserts; leaves the model as it was
    agreement_np = naive.check_agreement(model, naive.numpy_scalar_probability)
    snapshot = naive.Snapshot.take(model)

    def naive_python(m):
        naive.naive_decide_participation(m, naive.python_probability)

    def naive_numpy(m):
        naive.naive_decide_participation(m, naive.numpy_scalar_probability)

    # warm-up: fill Mesa's cached neighbourhoods and any first-call caches
    for fn in (decide_participation, naive_python, naive_numpy):
        time_call(fn, model, snapshot)
    times = {"vectorised": [], "naive": [], "naive_numpy_scalar": []}
    for i in range(repeats):  # interleaved, alternating order
        order = [("vectorised", decide_participation), ("naive", naive_python),
                 ("naive_numpy_scalar", naive_numpy)]
        for name, fn in (order if i % 2 == 0 else order[::-1]):
            times[name].append(time_call(fn, model, snapshot))
    snapshot.restore(model)
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "ratio_vs_naive": med["naive"] / med["vectorised"],
        "ratio_vs_naive_numpy_scalar": med["naive_numpy_scalar"] / med["vectorised"],
        "naive_step_median_seconds": med["naive"],
        "naive_numpy_scalar_step_median_seconds": med["naive_numpy_scalar"],
        "vectorised_step_median_seconds": med["vectorised"],
        "ratio_repeats": repeats,
        "ratio_model": {"residents": n, "after_steps": int(model.steps),
                        "open_issues": len(model.open_issues()),
                        "invited": int(modes.eligible(model, model.config.deliberation.mode).sum()),
                        "active_last_time": int(model.state.took_part.sum()),
                        "mode": model.config.deliberation.mode},
        "naive_agrees": {"python_formula": agreement, "numpy_scalar_formula": agreement_np},
    }


# -- 100k runs in fresh subprocesses --------------------------------------------------------------
def child_main(n: int, leaders: str, profile: str | None) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    import sim.model  # noqa: F401  (imports are not timed)

    rss_import = rss_now_mb()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    out = build_and_run(n, leaders, profiler)
    if profiler is not None:
        profiler.dump_stats(profile)
    out["rss_after_import_mb"] = rss_import
    out["peak_rss_mb_self"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run_child(n: int, leaders: str) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n), "--leaders", leaders]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT))
    if proc.returncode != 0:
        raise RuntimeError(f"child {cmd} failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def scaling_row(n: int, runs: list[dict]) -> dict:
    best = min(runs, key=lambda r: r["seconds"])
    peak = max(r["peak_rss_mb_self"] for r in runs)
    return {"residents": n, "runs": len(runs), "setup_seconds": best["setup_seconds"],
            "run_seconds": best["run_seconds"], "seconds": best["seconds"],
            "setup_share": best["setup_seconds"] / best["seconds"],
            "seconds_per_resident_step": best["seconds"] / (n * STEPS),
            "peak_rss_mb": peak, "peak_rss_mb_above_import": peak - best["rss_after_import_mb"],
            "mb_per_resident": (peak - best["rss_after_import_mb"]) / n,
            "mb_per_resident_step": (peak - best["rss_after_import_mb"]) / (n * STEPS)}


# -- provenance ----------------------------------------------------------------------------------
def provenance() -> dict:
    import mesa
    import numpy
    import scipy

    def git(*args):
        try:
            return subprocess.run(["git", *args], capture_output=True, text=True, cwd=str(ROOT),
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    digest = hashlib.sha256()
    for path in sorted((ROOT / "sim").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    status = git("status", "--porcelain", "--", "sim")
    return {
        "python_version": platform.python_version(),
        "mesa_version": mesa.__version__,
        "numpy_version": numpy.__version__,
        "scipy_version": scipy.__version__,
        "platform": platform.platform(),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_sim_conf_modified": bool(status) if status is not None else None,
        "sim_source_sha256": digest.hexdigest()[:16],
    }


def check_targets(result: dict) -> dict:
    targets = {}
    for key, (op, bound) in TARGETS.items():
        value = result.get(key)
        met = None if value is None else (value <= bound if op == "<=" else value >= bound)
        targets[key] = {"target": f"{op} {bound:g}", "value": value, "met": met}
    return targets


def fresh_runs(n: int, repeats: int, leaders: str) -> list[dict]:
    """``repeats`` construction + 156-week runs of ``n`` residents, each in a fresh subprocess."""
    runs = []
    for i in range(repeats):
        log(f"{n} residents x {STEPS} steps, fresh subprocess {i + 1}/{repeats}")
        runs.append(run_child(n, leaders))
    return runs


def size_figures(runs: list[dict], tag: str) -> dict:
    """Best-of figures of one size: seconds (total, set-up, run), every run's seconds, peak RSS, issues."""
    best = min(runs, key=lambda r: r["seconds"])
    return {f"seconds_{tag}_156": best["seconds"], f"setup_seconds_{tag}": best["setup_seconds"],
            f"run_seconds_{tag}": best["run_seconds"], f"runs_seconds_{tag}": [r["seconds"] for r in runs],
            f"peak_rss_mb_{tag}": max(r["peak_rss_mb_self"] for r in runs), f"issues_{tag}": best["issues"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the 100k and 1M runs")
    ap.add_argument("--no-1m", action="store_true", help="skip the 1M runs")
    ap.add_argument("--repeats-1m", type=int, default=1, help="1M runs (best of)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per size (best of)")
    ap.add_argument("--ratio-repeats", type=int, default=9, help="timings per participation rule")
    ap.add_argument("--leaders", choices=("scaled", "default"), default="scaled",
                    help="100k: leaders.n_initial = 2%% of residents (scaled) or the default 40")
    ap.add_argument("--child", type=int, metavar="N", help=argparse.SUPPRESS)
    ap.add_argument("--profile", metavar="PATH", help="with --child: cProfile construction+run to PATH")
    args = ap.parse_args()

    cpus = pin_to_one_core()
    if args.child:
        child_main(args.child, args.leaders, args.profile)
        return
    logging.getLogger("MESA").setLevel(logging.WARNING)

    t_import = time.perf_counter()
    import sim.model  # noqa: F401  (imports are not timed below)
    import_seconds = time.perf_counter() - t_import

    load_before = os.getloadavg()
    result: dict = {}
    log(f"{SMALL} residents x {STEPS} steps, best of {args.repeats}")
    small = [build_and_run(SMALL, "default") for _ in range(args.repeats)]
    best = min(small, key=lambda r: r["seconds"])
    result.update({
        "seconds_2k_156": best["seconds"],
        "setup_seconds_2k": best["setup_seconds"],
        "run_seconds_2k": best["run_seconds"],
        "runs_seconds_2k": [r["seconds"] for r in small],
    })

    log(f"naive vs vectorised participation step, {SMALL} residents, {args.ratio_repeats} repeats")
    ratio = ratio_vs_naive(SMALL, args.ratio_repeats)
    result["ratio_vs_naive"] = ratio.pop("ratio_vs_naive")
    ratio_details = ratio

    if args.quick:
        result.update({"seconds_100k_156": None, "peak_rss_mb_100k": None})
    if args.quick or args.no_1m:
        result.update({"seconds_1m_156": None, "peak_rss_mb_1m": None})
    if not args.quick:
        runs = fresh_runs(LARGE, args.repeats, args.leaders)
        result.update(size_figures(runs, "100k"))
        result.update({
            "peak_rss_mb_100k_rusage_children":
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "rss_after_import_mb_100k": min(runs, key=lambda r: r["seconds"])["rss_after_import_mb"],
            "leaders_n_initial_100k": runs[0]["n_initial_leaders"],
            "council_size_100k": runs[0]["council_size"],
        })
        by_size = {LARGE: runs}
        if not args.no_1m:
            by_size[HUGE] = fresh_runs(HUGE, args.repeats_1m, args.leaders)
            result.update(size_figures(by_size[HUGE], "1m"))
        log(f"{SCALING_SIZES[0]} residents x {STEPS} steps, fresh subprocess")
        by_size[SCALING_SIZES[0]] = [run_child(SCALING_SIZES[0], args.leaders)]
        result["scaling"] = [scaling_row(n, by_size[n]) for n in SCALING_SIZES if n in by_size]
        result["max_setup_share"] = max(row["setup_share"] for row in result["scaling"])
    result["leaders_100k"] = ("scaled: n_initial = 2% of residents (2000 at 100k)"
                              if args.leaders == "scaled" else "default: n_initial = 40")
    result.update(ratio_details)
    result["targets"] = check_targets(result)
    result["all_targets_met"] = (all(t["met"] for t in result["targets"].values())
                                 if all(t["met"] is not None for t in result["targets"].values())
                                 else None)
    result.update({
        "steps": STEPS,
        "timing": "wall clock (perf_counter); construction = validate_config + CommunityModel; "
                  "imports excluded; best of repeats",
        "rss_unit": "MiB (ru_maxrss KiB / 1024), whole process incl. imports; the scaling table's "
                    "per-resident figures subtract the RSS after imports",
        "load_average_before": load_before,
        "cpu_affinity": cpus,
        "import_seconds_parent": import_seconds,
        "quick": args.quick,
        **provenance(),
    })
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
