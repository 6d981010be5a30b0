"""``python -m analysis report SWEEP_DIR``: an HTML report of a sweep, ``report.html`` in the
sweep folder, its figures also saved as PNG files in ``report/`` beside it.

Contents: what was run; the ladder of participation per parameter point (stacked bars); outcomes
over time with bands across replications; a heatmap over two parameters; for Sobol' and Morris
designs the sensitivity indices with confidence intervals; and, when ema-workbench is installed,
PRIM scenario discovery of the region that reaches the citizen-power rungs.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from analysis import figures, prim
from analysis.points import CITIZEN_POWER, numeric, point_table, varying, with_derived
from analysis.sensitivity import IncompleteDesign, analyse
from sim.atomic import publish, staged
from sim.sweep.design_file import Design, read_design
from sim.sweep.store import RESULTS, SWEEP_INFO, TIMESERIES_LONG, NotASweep, finished_jobs, gather, is_sweep_dir

REPORT, FIGURES = "report.html", "report"
INDICES = "sensitivity_indices.csv"  # in report/: every outcome's indices with their warnings
OUTCOMES = ["participation_rate", "ever_attended_share", CITIZEN_POWER, "mean_efficacy", "mean_satisfaction"]
MAX_POINT_ROWS = 30


@dataclass
class Sweep:
    folder: Path
    results: pd.DataFrame  # results.parquet with the citizen-power share added
    long: pd.DataFrame  # timeseries_long.parquet
    info: dict[str, Any]  # sweep.json
    design: Design | None  # the design the sweep ran, if any


def load_sweep(folder: str | Path) -> Sweep:
    """Gather the sweep's finished jobs (so the tables are up to date) and read its tables."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NotASweep(f"{folder} is not a folder")
    if is_sweep_dir(folder) and finished_jobs(folder):
        gather(folder)
    elif not (folder / RESULTS).is_file():
        gather(folder)  # raises NotASweep naming what is missing
    design = None
    for name in ("design.csv", "design.parquet"):
        if (folder / name).is_file():
            design = read_design(folder / name, key=str(folder / name))
    return Sweep(folder, with_derived(pd.read_parquet(folder / RESULTS)), pd.read_parquet(folder / TIMESERIES_LONG),
                 json.loads((folder / SWEEP_INFO).read_text()), design)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def _table(frame: pd.DataFrame) -> str:
    html_table = frame.to_html(index=False, float_format=lambda v: f"{v:.3g}", border=0, classes="t", na_rep="")
    return f'<div class="scroll">{html_table}</div>'


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


class Page:
    """The report being built: HTML sections and the figures they show."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pngs: dict[str, bytes] = {}
        self.tables: dict[str, pd.DataFrame] = {}  # written as CSV beside the figures

    def section(self, title: str, *body: str) -> None:
        self.parts.append(f"<h2>{html.escape(title)}</h2>" + "".join(body))

    def figure(self, name: str, fig: Figure, caption: str) -> str:
        data = self.pngs[f"{name}.png"] = _png(fig)
        src = base64.b64encode(data).decode()
        return (f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{src}">'
                f"<figcaption>{html.escape(caption)} ({FIGURES}/{name}.png)</figcaption></figure>")

    def html(self, title: str) -> str:
        style = ("body{font-family:sans-serif;max-width:1150px;margin:2em auto;color:#222}"
                 "img{max-width:100%}figure{margin:1em 0}figcaption{font-size:.85em;color:#555}"
                 "table.t{border-collapse:collapse;font-size:.82em;margin:.6em 0}"
                 "table.t td,table.t th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}"
                 ".scroll{overflow-x:auto}.warn{color:#a40000;font-weight:bold}")
        return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>{''.join(self.parts)}"
                "</body></html>\n")


def _overview(sweep: Sweep, params: Sequence[str]) -> str:
    info, results = sweep.info, sweep.results
    rows = [("runs", info["runs"]), ("jobs", info["jobs"]), ("replications per point", info["replications"]),
            ("duplicate runs dropped", info["duplicates_dropped"]),
            ("steps (weeks)", ", ".join(map(str, sorted(results["steps"].unique())))),
            ("residents", ", ".join(map(str, sorted(results["n_residents"].unique()))))]
    design = info.get("design")
    if design:
        rows += [("design", f"{design['method']} ({design.get('file', '')}): "
                           f"{design['rows_run']} of {design['rows']} rows run")]
    ranges = pd.DataFrame({"parameter": list(params),
                           "values": [f"{results[p].nunique()} values" for p in params],
                           "min": [results[p].min() if p in numeric(results, [p]) else "" for p in params],
                           "max": [results[p].max() if p in numeric(results, [p]) else "" for p in params]})
    overview = pd.DataFrame(rows, columns=["", "value"])
    return _table(overview) + (_table(ranges) if params else _p("No parameter varies: replications only."))


def _sensitivity(page: Page, sweep: Sweep) -> None:
    info = sweep.design.info if sweep.design else {}
    if info.get("method") not in ("sobol", "morris"):
        page.section("Sensitivity indices", _p("Sensitivity indices need a sweep on a sobol or morris design "
                                               "(python -m analysis design --method sobol|morris ...)."))
        return
    try:
        analyses = [analyse(sweep.results, sweep.design.table, info, outcome) for outcome in OUTCOMES]
    except IncompleteDesign as error:
        page.section("Sensitivity indices", _p(f"Not computed: {error}. Run the remaining chunks."))
        return
    name = "Sobol' first-order (S1) and total (ST) indices" if info["method"] == "sobol" else \
        "Morris mu* (mean absolute elementary effect) and sigma"
    body = [page.figure("sensitivity", figures.sensitivity_bars(analyses),
                        f"{name}; error bars: 95% bootstrap confidence intervals; each design row's output "
                        "is the mean over its replications; noise share = within-row share of run variance.")]
    warnings = [a["warning"] for a in analyses if a["warning"]]
    if warnings:
        body.insert(0, "".join(f'<p class="warn">Warning: {html.escape(w)}.</p>' for w in warnings))
    for a in analyses:
        body.append(f"<h3>{html.escape(a['outcome'])}</h3>" + _table(a["table"]))
    page.tables[INDICES] = pd.concat([a["table"].assign(outcome=a["outcome"]) for a in analyses],
                                     ignore_index=True)
    page.section("Sensitivity indices", *body)


def _prim(page: Page, sweep: Sweep, params: Sequence[str]) -> None:
    title = "Scenario discovery (PRIM): which region reaches the citizen-power rungs?"
    if not prim.available():
        page.section(title, _p("Left out: ema-workbench is not installed (pip install ema-workbench)."))
        return
    found = prim.discover(sweep.results, numeric(sweep.results, params))
    head = _p(f"Cases of interest: runs whose community rung is {prim.CITIZEN_POWER_RUNG} or higher: "
              f"{found['cases']} of {found['runs']}.")
    if "note" in found:
        page.section(title, head, _p(f"No box: {found['note']}."))
        return
    page.section(title, head,
                 _p(f"Box {found['box']}: coverage {found['coverage']:.2f} (share of the cases inside), "
                    f"density {found['density']:.2f} (share of runs inside that are cases), "
                    f"mass {found['mass']:.2f} (share of runs inside)."),
                 _table(found["limits"]),
                 page.figure("prim", prim.trajectory_figure(found), "Peeling trajectory of PRIM."))


def build_report(folder: str | Path, heatmap_axes: Sequence[str] | None = None) -> Path:
    """Write ``report.html`` and ``report/*.png`` into the sweep folder (complete or not at all)."""
    sweep = load_sweep(folder)
    results = sweep.results
    params = varying(results, sweep.info["parameters"])
    axes = list(heatmap_axes or numeric(results, params)[:2])
    for name in axes:
        if name not in results:
            raise NotASweep(f"--heatmap: {name} is not a column of {sweep.folder / RESULTS}")
    page = Page()
    page.section("What was run", _overview(sweep, params))
    page.section("Ladder of participation",
                 page.figure("ladder", figures.ladder_bars(results, params),
                             "Left: share of residents by the highest rung of Arnstein's ladder they "
                             "reached, mean over the runs of each point. Right: share of the runs whose "
                             "community stands on each rung."))
    page.section("Outcomes over time",
                 page.figure("timeseries", figures.timeseries_bands(results, sweep.long, params),
                             "Line: mean over replications; band: 10th to 90th percentile of runs "
                             "(no band with one replication)."))
    if len(axes) == 2:
        fig = figures.heatmap(results, *axes, ["participation_rate", CITIZEN_POWER])
        page.section("Two parameters", page.figure(
            "heatmap", fig, "Mean over runs in each cell (quantile bins for continuous parameters)."))
    else:
        page.section("Two parameters", _p("The heatmap needs two numeric parameters that vary."))
    _sensitivity(page, sweep)
    _prim(page, sweep, params)
    table = point_table(results, params, ["participation_rate", "ever_attended_share", CITIZEN_POWER,
                                          "community_rung", "mean_efficacy"]).drop(columns="label")
    note = "" if len(table) <= MAX_POINT_ROWS else f" (first {MAX_POINT_ROWS} of {len(table)})"
    page.section("Mean outcomes per point" + note, _table(table.head(MAX_POINT_ROWS)))
    _write(sweep.folder, page, f"Sweep report: {sweep.folder.name}")
    return sweep.folder / REPORT


def _write(folder: Path, page: Page, title: str) -> None:
    """The figures folder and report.html, staged and moved into place (:mod:`sim.atomic`); the
    figures folder is swapped whole, report.html moves last."""
    with staged(folder, prefix=".partial-report-") as tmp:
        (tmp / FIGURES).mkdir()
        for name, data in page.pngs.items():
            (tmp / FIGURES / name).write_bytes(data)
        for name, table in page.tables.items():
            table.to_csv(tmp / FIGURES / name, index=False)
        (tmp / REPORT).write_text(page.html(title))
        if (folder / FIGURES).exists():
            os.replace(folder / FIGURES, tmp / "previous")
        publish(tmp, folder, (FIGURES, REPORT))
