"""What a calibration writes: the posterior, its summary, the posterior-predictive check, figures, report.

* ``posterior.parquet``: the last generation's particles, one row each: the free parameters and
  the importance ``weight`` (summing to 1);
* ``posterior_summary.csv``: per parameter the prior's range, the weighted mean, sd, 5 %, 50 % and
  95 % quantiles, and the shrinkage ``1 - posterior sd / prior sd``;
* ``generations.csv``: per generation its threshold epsilon, simulations, accepted particles, ESS;
* ``ppc.csv``: per target the observed value and sd and the posterior-predictive mean and 90 %
  interval of ``simulated + N(0, sd)`` over ``posterior_predictive`` runs drawn from the posterior;
  ``inside_90`` tells whether the observed value lies inside it;
* ``pairs.png``, ``ppc.png`` and ``report.html`` (figures embedded);
* ``summary.json``: the run in brief, written last: a folder with it holds a finished calibration.

Files are written into a temporary folder and moved into place, ``summary.json`` last.
``history.db`` (pyabc's SQLite history) and ``calibration.json`` stay beside them.
"""

from __future__ import annotations

import base64
import html
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc
from joblib import Parallel, delayed
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import sim
from sim.atomic import publish, staged
from sim.calibration.abc import run_statistics
from sim.calibration.config import CalibrationPlan
from sim.experiments.seeds import generator, model_seed

OUTPUT_FILES = ("posterior.parquet", "posterior_summary.csv", "generations.csv", "ppc.csv", "pairs.png",
                "ppc.png", "report.html", "summary.json")


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """Quantile of a weighted sample: interpolate the midpoints of the cumulative weights."""
    order = np.argsort(x)
    x, w = np.asarray(x, float)[order], np.asarray(w, float)[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cum, x)


def prior_sd(p) -> float:
    if p.distribution == "uniform":
        return p.width() / np.sqrt(12)
    from scipy.stats import truncnorm

    return float(truncnorm((p.low - p.mean) / p.sd, (p.high - p.mean) / p.sd, p.mean, p.sd).std())


def posterior_frame(plan: CalibrationPlan, history: pyabc.History) -> pd.DataFrame:
    """The last generation: one column per free parameter (in the config's order) and ``weight``."""
    particles, weights = history.get_distribution(m=0, t=history.max_t)
    out = particles.reset_index(drop=True)[[p.name for p in plan.priors]].copy()
    out.columns.name = None
    out["weight"] = np.asarray(weights) / np.sum(weights)
    return out


def posterior_summary(plan: CalibrationPlan, post: pd.DataFrame) -> pd.DataFrame:
    rows = []
    w = post["weight"].to_numpy()
    for p in plan.priors:
        x = post[p.name].to_numpy()
        mean = float(np.average(x, weights=w))
        sd = float(np.sqrt(np.average((x - mean) ** 2, weights=w)))
        q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        rows.append({"parameter": p.name, "integer": p.integer, "prior": p.distribution, "prior_low": p.low,
                     "prior_high": p.high, "prior_sd": prior_sd(p), "mean": mean, "sd": sd, "q05": q05,
                     "median": q50, "q95": q95, "shrinkage": 1 - sd / prior_sd(p)})
    return pd.DataFrame(rows)


def generations_frame(history: pyabc.History) -> pd.DataFrame:
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    ess = []
    for t in pops["t"]:
        _, w = history.get_distribution(m=0, t=int(t))
        w = np.asarray(w) / np.sum(w)
        ess.append(float(1 / np.sum(w ** 2)))
    return pd.DataFrame({"generation": pops["t"].astype(int), "epsilon": pops["epsilon"],
                         "simulations": pops["samples"].astype(int), "accepted": pops["particles"].astype(int),
                         "ess": ess})


def predictive_check(plan: CalibrationPlan, post: pd.DataFrame) -> pd.DataFrame:
    """Runs from ``posterior_predictive`` posterior draws (own seeds), with observation noise added."""
    n = plan.settings.posterior_predictive
    rng = generator(plan.seed, "calibration", "predictive")
    rows = rng.choice(len(post), size=n, p=post["weight"].to_numpy())
    draws = [{p.name: float(post[p.name].iloc[i]) for p in plan.priors} for i in rows]
    seeds = [model_seed(plan.seed, "calibration", "predictive", k) for k in range(n)]
    n_jobs = plan.settings.n_jobs
    sims = Parallel(n_jobs=n_jobs)(delayed(run_statistics)(plan, d, s) for d, s in zip(draws, seeds))
    out = []
    for t in plan.targets:
        simulated = np.array([s[t.name] for s in sims])
        replicated = simulated + rng.normal(0.0, t.sd, n)
        lo, hi = np.quantile(replicated, [0.05, 0.95])
        out.append({"target": t.name, "observed": t.value, "sd": t.sd, "simulated_mean": simulated.mean(),
                    "simulated_sd": simulated.std(), "predictive_q05": lo, "predictive_q95": hi,
                    "z": (t.value - simulated.mean()) / np.sqrt(t.sd ** 2 + simulated.var()),
                    "inside_90": bool(lo <= t.value <= hi)})
    return pd.DataFrame(out)


def _save(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=100, bbox_inches="tight")


def pairs_figure(plan: CalibrationPlan, post: pd.DataFrame, path: Path) -> None:
    """Weighted histograms on the diagonal, particles (size = weight) below, each axis the prior's range."""
    names, k = [p.name for p in plan.priors], len(plan.priors)
    w = post["weight"].to_numpy()
    fig = Figure(figsize=(2.4 * k + 0.6, 2.4 * k + 0.6), layout="constrained")
    axes = fig.subplots(k, k, squeeze=False)
    for i, pi in enumerate(plan.priors):
        for j, pj in enumerate(plan.priors):
            ax = axes[i][j]
            if i == j:
                ax.hist(post[pi.name], bins=20, range=(pi.low, pi.high), weights=w, color="#1f4e79")
                ax.set_yticks([])
            elif i > j:
                ax.scatter(post[pj.name], post[pi.name], s=4 + 400 * w, alpha=0.5, color="#1f4e79", lw=0)
                ax.set_xlim(pj.low, pj.high)
                ax.set_ylim(pi.low, pi.high)
            else:
                ax.set_axis_off()
            ax.tick_params(labelsize=7)
            if i == k - 1:
                ax.set_xlabel(names[j], fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(names[i], fontsize=8)
    _save(fig, path)


def ppc_figure(ppc: pd.DataFrame, path: Path) -> None:
    """Per target: the predictive 90 % interval (bar) and mean, and the observed value +- sd."""
    n = len(ppc)
    fig = Figure(figsize=(3.0 * n, 2.8), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    for ax, (_, r) in zip(axes, ppc.iterrows()):
        ax.vlines(0, r["predictive_q05"], r["predictive_q95"], lw=8, color="#9db7d5", label="predictive 90%")
        ax.plot(0, r["simulated_mean"], "o", color="#1f4e79", label="simulated mean")
        ax.errorbar(0.3, r["observed"], yerr=r["sd"], fmt="s", color="#c0392b", capsize=3, label="observed ± sd")
        ax.set_xlim(-0.5, 0.8)
        ax.set_xticks([])
        ax.set_title(r["target"], fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7, loc="best")
    _save(fig, path)


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda x: f"{x:.4g}", border=0, classes="t")


def _img(path: Path) -> str:
    return f'<img alt="{path.stem}" src="data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()}">'


def report_html(plan: CalibrationPlan, summary: dict, tables: dict[str, pd.DataFrame], folder: Path) -> str:
    s = plan.settings
    head = (f"<h1>Calibration {html.escape(s.name)}</h1><p>ABC-SMC (pyabc): {summary['generations']} generations, "
            f"{summary['simulations']} simulations, final threshold epsilon {summary['epsilon']:.3g} "
            f"(RMS of target z-scores), {s.population_size} particles per generation, "
            f"{summary['seconds']:.0f} s. Targets from {html.escape(str(s.targets))}.</p>")
    return "\n".join([
        "<!doctype html><html><head><meta charset='utf-8'><title>calibration report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}.t td,.t th{padding:2px 8px}"
        "img{max-width:100%}</style></head><body>", head,
        "<h2>Posterior</h2>", _table(tables["posterior_summary"]), _img(folder / "pairs.png"),
        "<h2>Posterior-predictive check</h2>", _table(tables["ppc"]), _img(folder / "ppc.png"),
        "<h2>Generations</h2>", _table(tables["generations"]), "</body></html>"])


def write_outputs(plan: CalibrationPlan, history: pyabc.History, folder: Path, started: float) -> dict:
    """Every output file, completely or not at all; returns the summary."""
    post = posterior_frame(plan, history)
    tables = {"posterior_summary": posterior_summary(plan, post), "generations": generations_frame(history),
              "ppc": predictive_check(plan, post)}
    gens = tables["generations"]
    summary = {
        "version": sim.__version__, "name": plan.settings.name, "identity": plan.identity(), "seed": plan.seed,
        "generations": int(len(gens)), "simulations": int(history.total_nr_simulations),
        "epsilon": float(gens["epsilon"].iloc[-1]), "particles": int(len(post)),
        "targets": {t.name: {"value": t.value, "sd": t.sd} for t in plan.targets},
        "parameters": {r["parameter"]: {k: (bool(v) if k == "integer" else v if isinstance(v, str) else float(v))
                                        for k, v in r.items() if k != "parameter"}
                       for r in tables["posterior_summary"].to_dict("records")},
        "ppc_inside_90": int(tables["ppc"]["inside_90"].sum()),
        "seconds": time.perf_counter() - started,
    }
    with staged(folder) as tmp:
        post.to_parquet(tmp / "posterior.parquet", index=False)
        for name in ("posterior_summary", "generations", "ppc"):
            tables[name].to_csv(tmp / f"{name}.csv", index=False)
        pairs_figure(plan, post, tmp / "pairs.png")
        ppc_figure(tables["ppc"], tmp / "ppc.png")
        (tmp / "report.html").write_text(report_html(plan, summary, tables, tmp), encoding="utf-8")
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        publish(tmp, folder, OUTPUT_FILES)  # summary.json last
    return summary
