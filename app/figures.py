"""Pictures for the page, rendered with matplotlib to PNG bytes.

The pictures carry no words, only numbers (axis ticks, courtyard numbers), so they need no
fonts for Chinese: titles, legends and tooltips are the page's own text (:mod:`app.i18n`).

Each picture is built once per run and then only restyled, frame by frame: what does not change
while the run plays (courtyard discs, ties, axes, ticks, grid) is rendered once and kept as a
bitmap; a frame restores that bitmap and draws only the changing artists on top (matplotlib's
blitting), which keeps a frame for 500 residents well under the 0.5 s budget.

* :class:`NetworkPicture`: one community, its courtyards, ties, residents and officials;
* :class:`ChartPicture`: one time-series chart of the DataCollector tables; with two tables
  (side-by-side mode) the first is drawn solid and the second dashed; the ladder chart takes one.
"""

from __future__ import annotations

import io
import threading

import numpy as np
import pandas as pd
import scipy.sparse as sp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba_array
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from PIL import Image

from app.layout import Layout
from app.portrayal import (COURTYARD_EDGE, COURTYARD_FILL, EDGE_COLOUR, RING_COLOURS, RUNG_COLOURS, RUNG_GROUPS,
                           portray_officials, portray_residents)
from sim.agents import Purpose
from sim.indicators import CHARTS

DPI = 100
render_lock = threading.Lock()  # matplotlib is not thread-safe; browser sessions run in threads

LINE_STYLES = ("-", "--")
SERIES_COLOURS = {
    "participation_rate": "#e07b00",
    "ever_attended_share": "#1f5fbf",
    "community_rung": "#333333",
    "mean_efficacy": "#2a9d8f",
    "mean_trust": "#6a4c93",
    "mean_satisfaction": "#d1495b",
    "organisations_recreational": RING_COLOURS[Purpose.RECREATIONAL],
    "organisations_public_good": RING_COLOURS[Purpose.PUBLIC_GOOD],
}
CHART_SERIES = CHARTS  # chart -> its series: the week indicators of sim.indicators with that chart
LADDER_ROWS = 200  # vertical resolution of the ladder raster
HIGHLIGHT_COLOUR = "#d81b60"  # ring around the resident being inspected
REFERENCE_COLOUR = "#9e9e9e"  # a kept reference run, drawn thin behind the current one
MARKER_COLOUR = "#5c6bc0"  # dotted vertical line: a programme starts
BAND_ALPHA = 0.16  # the band over several seeds, in the series' colour
CHART_MARGINS = (48, 26, 10, 8)  # left, bottom, right, top, in pixels: room for "100%" and week numbers
GROUP_BANDS = {"non_participation": "#f4c7c3", "tokenism": "#fdf1b8", "citizen_power": "#cfe8cc"}


class _Blitted:
    """A figure whose static part is cached as a bitmap; frames draw the animated artists on it."""

    def __init__(self, width_px: float, height_px: float):
        self.fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self._background = None

    def _cache_background(self) -> None:
        self.canvas.draw()  # animated artists are left out
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)

    def _frame(self, artists) -> bytes:
        if self._background is None:
            self._cache_background()
        self.canvas.restore_region(self._background)
        for artist in artists:
            artist.axes.draw_artist(artist)
        image = Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba())
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()


class NetworkPicture(_Blitted):
    """One community's drawing; :meth:`png` restyles it for the model's current step."""

    def __init__(self, model, layout: Layout, width_px: int = 660, height_px: int = 540):
        xmin, xmax, ymin, ymax = layout.bounds
        scale = min(width_px / (xmax - xmin), height_px / (ymax - ymin))  # keep the aspect ratio
        super().__init__((xmax - xmin) * scale, (ymax - ymin) * scale)
        self.layout = layout
        self.dot_area = (0.42 * scale * 72 / DPI) ** 2  # a dot 0.42 layout units wide, in points^2
        ax = self.fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        ax.set_aspect("equal")
        discs = [Circle(tuple(c), r) for c, r in zip(layout.centres, layout.radii)]
        ax.add_collection(PatchCollection(discs, facecolor=COURTYARD_FILL, edgecolor=COURTYARD_EDGE,
                                          linewidth=1.2, zorder=0))
        for number, (centre, r) in enumerate(zip(layout.centres, layout.radii)):
            ax.text(centre[0] - r * 0.75, centre[1] + r * 0.75, str(number), fontsize=11, color="#55606e",
                    ha="center", va="center", zorder=1)
        upper = sp.triu(model.adjacency, k=1).tocoo()
        courtyard = model.state.courtyard
        inside = courtyard[upper.row] == courtyard[upper.col]
        for ties, width, alpha in ((inside, 0.45, 0.45), (~inside, 0.3, 0.12)):  # ties across courtyards fainter
            segments = np.stack([layout.positions[upper.row[ties]], layout.positions[upper.col[ties]]], axis=1)
            ax.add_collection(LineCollection(segments, colors=EDGE_COLOUR, linewidths=width, alpha=alpha, zorder=1))
        self.dots = ax.scatter([], [], marker="o", zorder=3, animated=True)
        self.stars = ax.scatter([], [], marker="*", zorder=4, animated=True)
        self.official_marks = {m: ax.scatter([], [], marker=m, s=150, edgecolors="#222222", linewidths=1.0,
                                             zorder=4, animated=True) for m in ("s", "D")}
        self.highlight = ax.scatter([], [], marker="o", s=self.dot_area * 9, facecolors="none",
                                    edgecolors=HIGHLIGHT_COLOUR, linewidths=2.5, zorder=5, animated=True)
        self._last_key, self._last_png = b"", b""

    def nearest(self, fx: float, fy: float, reach: float = 1.0) -> int | None:
        """Row of the resident nearest to the point at fractions (``fx``, ``fy``) of the picture's
        width and height (from the top left), if one is within ``reach`` layout units."""
        xmin, xmax, ymin, ymax = self.layout.bounds
        point = np.array([xmin + fx * (xmax - xmin), ymax - fy * (ymax - ymin)])
        distance = np.linalg.norm(self.layout.positions - point, axis=1)
        row = int(np.argmin(distance)) if len(distance) else None
        return row if row is not None and distance[row] <= reach else None

    def png(self, model, highlight: int | None = None) -> bytes:
        style = portray_residents(model, base_size=self.dot_area)
        officials = portray_officials(model)
        key = b"".join(a.tobytes() for a in (style.face, style.ring, style.size, officials.face)) + \
            str(highlight).encode()
        if key == self._last_key:  # nothing visible changed this week: same picture
            return self._last_png
        pos = self.layout.positions
        with render_lock:
            for artist, rows in ((self.dots, ~style.leader), (self.stars, style.leader)):
                artist.set_offsets(pos[rows] if rows.any() else np.zeros((0, 2)))
                artist.set_facecolors(style.face[rows])
                artist.set_edgecolors(style.ring[rows])
                artist.set_linewidths(style.ring_width[rows])
                artist.set_sizes(style.size[rows])
            markers = np.array(officials.marker)
            for marker, artist in self.official_marks.items():
                rows = markers == marker
                artist.set_offsets(self.layout.officials[rows] if rows.any() else np.zeros((0, 2)))
                artist.set_facecolors(officials.face[rows])
            self.highlight.set_offsets(pos[[highlight]] if highlight is not None else np.zeros((0, 2)))
            self._last_key, self._last_png = key, self._frame([self.dots, self.stars, *self.official_marks.values(),
                                                               self.highlight])
            return self._last_png


def _series(table: pd.DataFrame, series: str) -> tuple[np.ndarray, np.ndarray]:
    """(weeks, values) of one series; participation only on deliberation days, when meetings are held."""
    weeks = np.arange(1, len(table) + 1)
    values = table[series].to_numpy(dtype=float) if len(table) else np.zeros(0)
    if series == "participation_rate":
        days = table["deliberation_day"].to_numpy() == 1 if len(table) else np.zeros(0, bool)
        weeks, values = weeks[days], values[days]
    return weeks, values


class ChartPicture(_Blitted):
    """One chart (``kind`` a key of :data:`CHART_SERIES`) over weeks 0..``steps``."""

    def __init__(self, kind: str, steps: int, n_tables: int = 1, width_px: int = 470, height_px: int = 230,
                 markers: tuple[int, ...] = (), band=None):
        super().__init__(width_px, height_px)
        self.kind = kind
        self.steps = max(steps, 1)
        left, bottom, right, top = CHART_MARGINS
        self.plot_x = (left / width_px, 1 - right / width_px)  # the plot's left and right edges, as fractions
        ax = self.ax = self.fig.add_axes((left / width_px, bottom / height_px, 1 - (left + right) / width_px,
                                          1 - (bottom + top) / height_px))
        ax.set_xlim(0, self.steps)
        ax.tick_params(labelsize=10)
        ax.grid(alpha=0.25)
        for week in markers:  # where programmes start
            ax.axvline(week, color=MARKER_COLOUR, linestyle=":", linewidth=1.6, zorder=1)
        self.lines: list = []
        self.reference_lines: list = []
        if kind == "ladder":
            ax.set_ylim(0, 1)
            ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
            self.palette = (to_rgba_array(RUNG_COLOURS) * 255).astype(np.uint8)
            self.bands = ax.imshow(np.zeros((1, 1, 4), np.uint8), origin="lower", aspect="auto",
                                   interpolation="nearest", extent=(0, 1, 0, 1), animated=True, zorder=2)
            ax.set_xlim(0, max(steps, 1))  # imshow resets the limits
            return
        if kind == "community_rung":
            ax.set_ylim(0.5, 8.5)
            ax.set_yticks(range(1, 9))
            for group, rungs in RUNG_GROUPS:
                ax.axhspan(min(rungs) - 0.5, max(rungs) + 0.5, color=GROUP_BANDS[group], zorder=0)
        elif kind == "organisations":
            ax.set_ylim(0, 4)
            ax.yaxis.get_major_locator().set_params(integer=True)
        else:
            ax.set_ylim(0, 1)
            ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}" if kind == "participation" else f"{v:.1f}")
        for style in LINE_STYLES[:n_tables]:
            for series in CHART_SERIES[kind]:
                marker = dict(marker="o", markersize=3, linewidth=1.2) if series == "participation_rate" \
                    else dict(linewidth=2.2, drawstyle="steps-post" if kind == "community_rung" else "default")
                line, = ax.plot([], [], color=SERIES_COLOURS[series], linestyle=style, animated=True, **marker)
                self.lines.append((series, line))
        for series in CHART_SERIES[kind]:
            line, = ax.plot([], [], color=REFERENCE_COLOUR, linewidth=1.4, animated=True, zorder=1.5)
            self.reference_lines.append((series, line))
        for low, high in (band.edges() if band is not None else ())[:n_tables]:  # static: in the cached bitmap
            for series in CHART_SERIES[kind]:
                lo, hi = low[series].to_numpy(), high[series].to_numpy()
                weeks = np.arange(1, len(lo) + 1)
                known = ~np.isnan(lo)  # participation: deliberation days only
                ax.fill_between(weeks[known], lo[known], hi[known], color=SERIES_COLOURS[series], alpha=BAND_ALPHA,
                                linewidth=0, zorder=1.2, step="post" if kind == "community_rung" else None)
                if kind == "organisations" and np.nanmax(hi, initial=0) * 1.15 > ax.get_ylim()[1]:
                    ax.set_ylim(0, np.ceil(np.nanmax(hi) * 1.5))

    def png(self, tables: list[pd.DataFrame], reference: pd.DataFrame | None = None) -> bytes:
        """The chart of ``tables`` (one per panel), with ``reference`` (a kept run) drawn grey behind."""
        with render_lock:
            if self.kind == "ladder":
                return self._frame(self._stack(tables[0]))
            per_table = len(CHART_SERIES[self.kind])
            peak = 0.0
            drawn = [(tables[i // per_table], series, line) for i, (series, line) in enumerate(self.lines)]
            if reference is not None:
                drawn += [(reference, series, line) for series, line in self.reference_lines]
            for table, series, line in drawn:
                weeks, values = _series(table, series)
                line.set_data(weeks, values)
                peak = max(peak, float(values.max()) if len(values) else 0.0)
            if self.kind == "organisations" and peak * 1.15 > self.ax.get_ylim()[1]:
                self.ax.set_ylim(0, np.ceil(peak * 1.5))  # grow the axis in jumps, then re-cache
                self._background = None
            return self._frame([line for _, _, line in drawn])

    def _stack(self, table: pd.DataFrame) -> list:
        """The stacked shares as a raster: column j is week j, each pixel row takes the colour of the
        rung whose cumulative share band holds its height (drawing bands as polygons is 10x slower)."""
        if not len(table):
            self.bands.set_visible(False)
            return [self.bands]
        shares = table[list(CHART_SERIES["ladder"])].to_numpy(dtype=float)
        tops = np.cumsum(shares, axis=1)  # (weeks, 8) upper edge of each rung's band
        heights = (np.arange(LADDER_ROWS) + 0.5) / LADDER_ROWS
        rung = (heights[:, None, None] > tops[None, :, :]).sum(axis=2).clip(0, 7)  # (rows, weeks)
        self.bands.set_data(self.palette[rung])
        self.bands.set_extent((0.5, len(table) + 0.5, 0, 1))
        self.bands.set_visible(True)
        return [self.bands]
