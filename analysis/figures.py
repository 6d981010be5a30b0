"""The figures of a sweep report (matplotlib, object-oriented API: no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.points import CITIZEN_POWER, COMMUNITY_RUNGS, LADDER, RUNG_NAMES, numeric, point_columns, point_table
from sim.indicators import RUN, unit_of

# non-participation in reds, tokenism in yellows, citizen power in greens (Arnstein's three groups)
RUNG_COLOURS = ["#b2182b", "#ef8a62", "#fddbc7", "#fee08b", "#e6c229", "#a6dba0", "#5aae61", "#1b7837"]
MAX_BARS = 30
TIMESERIES_PANELS = [  # (column of the long table, title with unit)
    ("participation_rate", "participation rate on deliberation days (share of residents)"),
    ("ever_attended_share", "ever attended (share of residents)"),
    (CITIZEN_POWER, "on citizen-power rungs 6-8 (share of residents)"),
    ("mean_efficacy", "mean efficacy (scale 0-1)"),
]


def unit(column: str) -> str:
    """The unit of a column of results.parquet: a summary indicator's (sim.indicators), a ladder
    share's, or '' (e.g. a parameter: its own units)."""
    if column == CITIZEN_POWER or column.startswith(("ladder_", "community_rung_is_")):
        return "share of runs" if column.startswith("community_rung_is_") else "share of residents"
    return unit_of(column, RUN)


def labelled(column: str) -> str:
    """``column (unit)``, or the bare name when it has no known unit."""
    return f"{column} ({unit(column)})" if unit(column) else column


def _short(name: str) -> str:
    return name.split(".")[-1]


def _tick(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def ladder_bars(results: pd.DataFrame, parameters: Sequence[str]) -> Figure:
    """Per parameter point, stacked: the mean shares of residents by the highest rung each reached,
    and the shares of runs by the community's rung; with more than MAX_BARS points, per decile of
    the first numeric parameter instead."""
    columns = [*LADDER, *COMMUNITY_RUNGS]
    table = point_table(results, parameters, columns)
    title = "per parameter point"
    if len(table) > MAX_BARS:
        by = numeric(results, parameters)
        if by:
            bins = pd.qcut(results[by[0]], 10, duplicates="drop")
            table = results.groupby(bins, observed=True)[columns].mean().reset_index()
            table["label"] = [f"{_short(by[0])} {iv.left:.3g}-{iv.right:.3g}" for iv in table[by[0]]]
            title = f"by decile of {by[0]}"
        else:
            table = table.head(MAX_BARS)
            title += f" (first {MAX_BARS})"
    fig = Figure(figsize=(12, max(3.0, 0.32 * len(table) + 1.8)), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True, width_ratios=[3, 2])
    y = np.arange(len(table))
    for ax, cols, xlabel in ((axes[0], LADDER, "share of residents by the highest rung they reached"),
                             (axes[1], COMMUNITY_RUNGS, "share of runs by the community's rung")):
        left = np.zeros(len(table))
        for k, col in enumerate(cols):
            ax.barh(y, table[col], left=left, color=RUNG_COLOURS[k], label=RUNG_NAMES[k], edgecolor="white",
                    linewidth=0.3)
            left += table[col].to_numpy()
        ax.set_xlim(0, 1)
        ax.set_xlabel(xlabel, fontsize=9)
    axes[0].set_yticks(y, table["label"], fontsize=8)
    axes[0].invert_yaxis()
    axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), title="rung", title_fontsize=7)
    fig.suptitle(f"Ladder of participation {title}")
    return fig


def pick_points(table: pd.DataFrame, outcome: str, k: int) -> pd.DataFrame:
    """All points if at most ``k``; else ``k`` points spread over the range of ``outcome``."""
    if len(table) <= k:
        return table
    order = table.sort_values(outcome, kind="stable").reset_index(drop=True)
    return order.iloc[np.unique(np.linspace(0, len(order) - 1, k).round().astype(int))]


def timeseries_bands(results: pd.DataFrame, long: pd.DataFrame, parameters: Sequence[str],
                     max_points: int = 6) -> Figure:
    """Per point: mean over replications (line) and the 10th-90th percentile of runs (band) of
    four indicators over time; more than ``max_points`` points: a spread of them."""
    cols = point_columns(results, parameters)
    table = point_table(results, parameters, ["participation_rate"])
    chosen = pick_points(table, "participation_rate", max_points)
    long = long.copy()
    long[CITIZEN_POWER] = long[["rung_6", "rung_7", "rung_8"]].sum(axis=1)
    fig = Figure(figsize=(11, 7), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True).ravel()
    colours = [f"C{i}" for i in range(len(chosen))]
    for (_, point), colour in zip(chosen.iterrows(), colours):
        mask = np.ones(len(results), dtype=bool)
        for c in cols:
            mask &= (results[c] == point[c]).to_numpy()
        runs = long[long["run_id"].isin(results.loc[mask, "run_id"])]
        for ax, (col, _) in zip(axes, TIMESERIES_PANELS):
            data = runs[runs["deliberation_day"] == 1] if col == "participation_rate" else runs
            by_step = data.groupby("step")[col]
            mean, lo, hi = by_step.mean(), by_step.quantile(0.1), by_step.quantile(0.9)
            ax.plot(mean.index, mean, color=colour, lw=1.4, label=f"{point['label']} ({point['runs']})")
            ax.fill_between(mean.index, lo, hi, color=colour, alpha=0.18, lw=0)
    for ax, (_, title) in zip(axes, TIMESERIES_PANELS):
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[2:]:
        ax.set_xlabel("week (step)")
    axes[0].legend(fontsize=7, title="point (runs)", title_fontsize=7)
    fig.suptitle("Outcomes over time: mean over replications, band = 10th-90th percentile of runs")
    return fig


def heatmap(results: pd.DataFrame, x: str, y: str, outcomes: Sequence[str]) -> Figure:
    """Mean of each outcome over a grid of two parameters; a parameter with more than 12 values
    is cut into quantile bins, about sqrt(points / 3) of them (3 to 8) so that cells hold runs."""
    bins = int(np.clip(round(np.sqrt(results[[x, y]].drop_duplicates().shape[0] / 3)), 3, 8))

    def axis(col: str) -> pd.Series:
        values = results[col]
        if values.nunique() <= 12:
            return values
        cut = pd.qcut(values, bins, duplicates="drop")
        return cut.map(lambda iv: round(float(iv.mid), 3)).astype(float)

    frame = pd.DataFrame({"x": axis(x), "y": axis(y)})
    fig = Figure(figsize=(5.2 * len(outcomes), 4.6), layout="constrained")
    for ax, outcome in zip(fig.subplots(1, len(outcomes), squeeze=False)[0], outcomes):
        grid = results[outcome].groupby([frame["y"], frame["x"]]).mean().unstack("x").sort_index(ascending=False)
        image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="viridis")
        ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns], rotation=45, fontsize=8)
        ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index], fontsize=8)
        if grid.size <= 144:
            for (i, j), value in np.ndenumerate(grid.to_numpy(dtype=float)):
                if np.isfinite(value):
                    ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7, color="white")
        ax.set_xlabel(labelled(x))
        ax.set_ylabel(labelled(y))
        ax.set_title(labelled(outcome), fontsize=10)
        fig.colorbar(image, ax=ax, shrink=0.8)
    fig.suptitle(f"Mean outcome by {_short(x)} and {_short(y)}")
    return fig


def sensitivity_bars(analyses: Sequence[dict[str, Any]]) -> Figure:
    """Sobol' S1 and ST, or Morris mu* and sigma, with confidence intervals, one panel per outcome."""
    ncols = min(3, len(analyses))
    nrows = -(-len(analyses) // ncols)
    fig = Figure(figsize=(4.4 * ncols, 4.0 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(analyses):]:
        ax.set_visible(False)
    for ax, result in zip(axes, analyses):
        table = result["table"]
        x = np.arange(len(table))
        names = [_short(p) for p in table["parameter"]]
        if result["method"] == "sobol":
            bars = (("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST"))
            ax.set_ylabel("Sobol' index (share of output variance)")
        else:
            bars = (("mu_star", "mu_star_conf", "mu*"), ("sigma", None, "sigma"))
            ax.set_ylabel(f"elementary effect ({unit(result['outcome']) or 'outcome units'} per parameter range)")
        for i, (col, conf, name) in enumerate(bars):
            err = table[conf] if conf else None
            ax.bar(x + (i - 0.5) * 0.38, table[col], 0.38, yerr=err, capsize=3, label=name, color=f"C{i}")
        ax.axhline(0, color="black", lw=0.6)
        ax.set_xticks(x, names, rotation=30, ha="right", fontsize=8)
        warned = "\nindices too uncertain to read" if result.get("warning") else ""
        ax.set_title(f"{labelled(result['outcome'])}\n(noise share {result['noise_share']:.2f}){warned}", fontsize=9,
                     color="#a40000" if warned else "black")
        ax.legend(fontsize=7)
    fig.suptitle("Sensitivity indices with 95% confidence intervals")
    return fig
