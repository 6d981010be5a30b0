"""The validation report: validation.csv (one row per fact), summary.json, validation.html (one
small plot per fact), written completely or not at all (:mod:`sim.atomic`)."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.atomic import publish, staged
from sim.validation.runner import Result

FILES = ("validation.csv", "validation.html", "summary.json")


def verdict(result: Result) -> str:
    return {None: "reading", True: "pass", False: "FAIL"}[result.passed]


def figure_stats(values: np.ndarray) -> dict[str, float | None]:
    v = values[np.isfinite(values)]
    if len(v) == 0:
        return {"mean": None, "sd": None, "min": None, "max": None, "n": 0}
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            "min": float(v.min()), "max": float(v.max()), "n": int(len(v))}


def figures_text(result: Result) -> str:
    parts = []
    for name, values in result.figures.items():
        st = figure_stats(values)
        parts.append(f"{name}: n/a" if st["n"] == 0 else
                     f"{name}: {st['mean']:.3g} ± {st['sd']:.2g} [{st['min']:.3g}, {st['max']:.3g}]")
    return "; ".join(parts)


def table(results: list[Result]) -> pd.DataFrame:
    return pd.DataFrame([{
        "fact": r.fact.name, "source_kind": r.fact.source_kind, "source": r.fact.source,
        "quantity": r.fact.quantity, "expected": r.fact.expected,
        "figures": figures_text(r), "n_seeds": len(r.seeds),
        "per_seed": json.dumps({k: [None if not np.isfinite(x) else round(float(x), 6) for x in v]
                                for k, v in r.figures.items()}),
        "result": verdict(r)} for r in results])


def summary(results: list[Result], settings: dict, seconds: float) -> dict:
    checked = [r for r in results if r.passed is not None]
    return {
        "version": sim.__version__, "command": "validate", "settings": settings,
        "seeds": results[0].seeds if results else [], "wall_seconds": round(seconds, 1),
        "passed": [r.fact.name for r in checked if r.passed], "failed": [r.fact.name for r in checked if not r.passed],
        "readings": [r.fact.name for r in results if r.passed is None],
        "facts": {r.fact.name: {"source_kind": r.fact.source_kind, "source": r.fact.source,
                                "quantity": r.fact.quantity, "expected": r.fact.expected, "result": verdict(r),
                                "figures": {k: {**figure_stats(v), "per_seed": [float(x) for x in v]}
                                            for k, v in r.figures.items()}}
                  for r in results},
        "files": list(FILES),
    }


def plot(result: Result) -> str:
    """One small strip plot: each figure's value per seed (dots) and its mean (bar), as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(result.figures)
    fig, ax = plt.subplots(figsize=(5.5, 0.45 * len(names) + 0.8), dpi=90)
    for i, name in enumerate(names):
        v = result.figures[name]
        ax.plot(v, np.full(len(v), i), "o", color="#4477aa", alpha=0.7, ms=5)
        if np.isfinite(v).any():
            ax.plot([np.nanmean(v)] * 2, [i - 0.3, i + 0.3], color="#cc3311", lw=2)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("value per seed (dots), mean (bar)", fontsize=8)
    ax.invert_yaxis()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def page(results: list[Result], s: dict) -> str:
    colour = {"pass": "#2a7d2a", "FAIL": "#b3261e", "reading": "#555"}
    rows = []
    for r in results:
        v = verdict(r)
        rows.append(
            f"<section><h2>{html.escape(r.fact.name)} <span style='color:{colour[v]}'>{v}</span></h2>"
            f"<p><b>Source</b> ({html.escape(r.fact.source_kind)}): {html.escape(r.fact.source)}<br>"
            f"<b>Quantity</b>: {html.escape(r.fact.quantity)}<br><b>Expected</b>: {html.escape(r.fact.expected)}<br>"
            f"<b>Figures over {len(r.seeds)} seeds</b> (mean ± sd [min, max]): {html.escape(figures_text(r))}</p>"
            f"<img alt='per-seed values of {html.escape(r.fact.name)}' src='data:image/png;base64,{plot(r)}'></section>")
    head = (f"<h1>Validation: {len(s['passed'])} passed, {len(s['failed'])} failed, {len(s['readings'])} readings</h1>"
            f"<p>community-sim {html.escape(s['version'])}; seeds {s['seeds']}; {s['wall_seconds']} s</p>")
    return ("<!doctype html><meta charset='utf-8'><title>community-sim validation</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto}section{border-top:1px solid #ccc}</style>"
            + head + "".join(rows))


def write(outdir: Path, results: list[Result], s: dict) -> None:
    with staged(outdir) as tmp:
        table(results).to_csv(tmp / "validation.csv", index=False)
        (tmp / "validation.html").write_text(page(results, s), encoding="utf-8")
        (tmp / "summary.json").write_text(json.dumps(s, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        publish(tmp, outdir, FILES)  # summary.json last
