"""The values a chart reads out under the pointer (app/vue/chart_view.vue), week by week.

:func:`chart_readout` turns what one chart picture draws into plain lists the browser can index
by week: one row per curve (each series of each panel, then the reference run's; for the ladder,
each rung's share), with its translated label, colour, line style and its value, written out as the
page writes it (:func:`format_value`), for every week run so far (``values[w - 1]`` is week ``w``;
``None`` where the curve has no point, such as participation outside deliberation days: the box
then shows the last week with a value), and the band's edges over the same weeks if a band is shown. ``x0``/``x1`` are the plot's edges as
fractions of the picture's width, so the browser finds the week under the pointer as the picture
draws it (week ``w`` at ``x0 + w / steps * (x1 - x0)``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.figures import CHART_SERIES, REFERENCE_COLOUR, SERIES_COLOURS, ChartPicture
from app.i18n import COLON, t
from app.portrayal import RUNG_COLOURS

def format_value(kind: str, value: float) -> str:
    """A value of chart ``kind`` as the page writes it: shares in per cent, attitudes to two decimals,
    counts and rungs as they are."""
    if kind in ("participation", "ladder"):
        return f"{value:.0%}"
    return f"{value:.2f}" if kind == "attitudes" else f"{value:g}"


def _values(kind: str, column: np.ndarray, keep: np.ndarray | None = None) -> list:
    """A column written out for the browser, ``None`` where ``keep`` is false or the value is NaN."""
    column = column.astype(float)
    missing = np.isnan(column) if keep is None else (np.isnan(column) | ~keep)
    return [None if m else format_value(kind, v) for v, m in zip(column, missing)]


def _column(kind: str, table: pd.DataFrame, series: str) -> list:
    if not len(table):  # week 0: the table has no rows (nor, from Mesa, columns)
        return []
    if series == "participation_rate":  # meetings are held on deliberation days only
        return _values(kind, table[series].to_numpy(), table["deliberation_day"].to_numpy() == 1)
    return _values(kind, table[series].to_numpy())


def chart_readout(picture: ChartPicture, tables: list[pd.DataFrame], lg: str, reference: pd.DataFrame | None = None,
                  band=None) -> dict:
    """What ``picture`` shows of ``tables`` (one per panel; the ladder takes one), ready to send."""
    kind = picture.kind
    rows = []
    if kind == "ladder":
        table = tables[0]
        for k, series in enumerate(CHART_SERIES[kind], start=1):
            rows.append({"label": t(f"rung.{k}", lg), "colour": RUNG_COLOURS[k - 1], "dashed": False,
                         "values": _column(kind, table, series)})
    else:
        many = len(tables) > 1
        edges = band.edges() if band is not None else []
        for i, table in enumerate(tables):
            for series in CHART_SERIES[kind]:
                row = {"label": (f"{i + 1}. " if many else "") + t(f"series.{series}", lg),
                       "colour": SERIES_COLOURS[series], "dashed": i == 1, "values": _column(kind, table, series)}
                if i < len(edges):
                    low, high = edges[i]
                    row["low"] = _values(kind, low[series].to_numpy())
                    row["high"] = _values(kind, high[series].to_numpy())
                rows.append(row)
        if reference is not None:
            for series in CHART_SERIES[kind]:
                rows.append({"label": t("readout.reference", lg, series=t(f"series.{series}", lg)),
                             "colour": REFERENCE_COLOUR, "dashed": False, "values": _column(kind, reference, series)})
    return {"steps": picture.steps, "x0": picture.plot_x[0], "x1": picture.plot_x[1],
            "weeks": max((len(table) for table in tables), default=0),  # the pointer reads weeks 1..weeks
            "week_label": t("readout.week", lg), "row_label": "{label}" + COLON[lg] + "{value}",
            "from_label": t("readout.from", lg), "band_label": t("readout.band", lg), "rows": rows}
