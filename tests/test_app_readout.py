"""A chart's values under the pointer: every curve's value in every week run, written as the page
writes it, in the page's language, with the reference run and the band where they are drawn."""

from __future__ import annotations

import copy

from app.band import compute_band
from app.figures import CHART_MARGINS, CHART_SERIES, ChartPicture
from app.live import LiveRun
from app.readout import chart_readout, format_value
from app.settings import Settings


def run_of(weeks: int, compare=None) -> LiveRun:
    s = copy.deepcopy(Settings.from_scenario("empowerment_training"))
    s.values["steps"] = 40
    s.interventions["empowerment_training"].start = 3
    s.compare = compare
    live = LiveRun(s.clamped())
    for _ in range(weeks):
        live.step()
    return live


def test_every_week_reads_the_table_and_participation_only_on_deliberation_days():
    live = run_of(30)
    table = live.tables()[0]
    picture = ChartPicture("participation", live.steps)
    out = chart_readout(picture, [table], "en")
    assert out["weeks"] == 30 and out["steps"] == 40
    assert out["x0"] == CHART_MARGINS[0] / 470 and out["x1"] == 1 - CHART_MARGINS[2] / 470
    rate, ever = out["rows"]
    assert rate["label"] == "at a meeting (deliberation days)" and ever["label"] == "ever attended"
    days = table["deliberation_day"].to_numpy() == 1
    assert days.any() and not days.all()
    for w in range(30):
        assert ever["values"][w] == format_value("participation", table["ever_attended_share"].iloc[w])
        assert (rate["values"][w] is None) == (not days[w])
        if days[w]:
            assert rate["values"][w] == f"{table['participation_rate'].iloc[w]:.0%}"


def test_the_ladder_reads_each_rung_and_week_zero_reads_nothing():
    live = run_of(5)
    table = live.tables()[0]
    out = chart_readout(ChartPicture("ladder", live.steps), [table], "zh")
    assert [r["label"] for r in out["rows"]][:2] == ["1 操纵", "2 治疗"] and len(out["rows"]) == 8
    assert out["week_label"] == "第 {week} 周"
    assert out["rows"][0]["values"] == [f"{v:.0%}" for v in table[CHART_SERIES["ladder"][0]]]
    empty = chart_readout(ChartPicture("ladder", live.steps), [run_of(0).tables()[0]], "en")
    assert empty["weeks"] == 0 and all(r["values"] == [] for r in empty["rows"])


def test_side_by_side_reference_and_band_rows():
    live = run_of(8, compare=("empowerment_training",))
    tables = live.tables()
    reference = run_of(6).tables()[0]
    band = compute_band(live.settings, n=2)
    out = chart_readout(ChartPicture("attitudes", live.steps, 2), tables, "en", reference, band)
    labels = [r["label"] for r in out["rows"]]
    assert labels[:4] == ["1. efficacy", "1. trust in officials", "1. satisfaction", "2. efficacy"]
    assert labels[-3:] == ["reference: efficacy", "reference: trust in officials", "reference: satisfaction"]
    first, second = out["rows"][0], out["rows"][3]
    assert not first["dashed"] and second["dashed"]
    assert second["values"][7] == f"{tables[1]['mean_efficacy'].iloc[7]:.2f}"
    assert out["rows"][-3]["values"] == [f"{v:.2f}" for v in reference["mean_efficacy"]]
    assert len(first["low"]) == 40  # the band covers the whole run, ahead of the curve
    assert first["low"][7] == f"{band.low[0]['mean_efficacy'].iloc[7]:.2f}"
    assert second["high"][7] == f"{band.high[1]['mean_efficacy'].iloc[7]:.2f}"
    assert "low" not in out["rows"][-1]  # the reference has no band
