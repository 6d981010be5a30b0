"""The indicator registry (sim/indicators.py) and the terminal summary that reads it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.figures import CHART_SERIES
from sim.calibration.targets import SUMMARY_STATISTICS, TIMESERIES_STATISTICS
from sim.calibration.uncertain import INDICATORS as POSTERIOR_INDICATORS
from sim.outputs import format_summary
from sim.compare import INDICATORS as COMPARED
from sim.experiments.config import RANKS, ExperimentConfig
from sim.indicators import INDICATORS, MEASURES, PERIOD, REPORTERS, RUN, SUMMARY, WEEK, indicator, of_scope
from sim.ladder import Rung
from sim.outputs import summarise

IDENTITY = {"version", "scenario", "seed", "steps", "n_residents", "interventions"}


def test_every_indicator_has_a_scope_a_unit_and_a_meaning():
    for i in INDICATORS:
        assert i.scope in (WEEK, RUN, PERIOD) and i.unit and len(i.meaning) > 10 and callable(i.function), i
    for scope in (WEEK, RUN, PERIOD):
        names = [i.name for i in INDICATORS if i.scope == scope]
        assert len(names) == len(set(names)), f"a {scope} name appears twice"


def test_the_outputs_are_exactly_the_registry(make_model):
    model = make_model(steps=30)
    model.run_for(30)
    assert list(model.timeseries().columns) == ["step", *REPORTERS]
    summary = summarise(model)
    assert set(summary) == IDENTITY | set(SUMMARY)
    # an experiment's outcomes: every period indicator, and the ranks computed across communities
    assert set(MEASURES) == set(of_scope(PERIOD)) and ExperimentConfig().outcome_names() == (*MEASURES, *RANKS)


def test_other_lists_name_registered_indicators_only():
    run, week = of_scope(RUN), of_scope(WEEK)
    assert {n for n in COMPARED if not n.startswith("ladder_")} <= set(run)
    assert set(POSTERIOR_INDICATORS) <= set(run) and set(SUMMARY_STATISTICS) <= set(run)
    assert set(TIMESERIES_STATISTICS) <= set(week)
    assert {s for series in CHART_SERIES.values() for s in series} <= set(week)
    assert CHART_SERIES["ladder"] == tuple(f"rung_{k}" for k in range(1, 9))
    with pytest.raises(KeyError, match="no run indicator 'rung_1'; allowed: ladder"):
        indicator("rung_1", RUN)


def test_meetings_total_counts_issues_and_meeting_groups_total_counts_groups(make_model):
    model = make_model(steps=40)
    model.run_for(40)
    summary, frame = summarise(model), model.meetings_frame()
    assert summary["meeting_groups_total"] == len(frame) > summary["meetings_total"]
    with_a_pair = frame[frame["group_size"] >= 2]
    assert summary["meetings_total"] == with_a_pair["issue_id"].nunique() > 0  # each issue is deliberated once
    assert summary["proposals_total"] == len(with_a_pair)


def test_the_terminal_summary_names_the_rung_and_gives_units(make_model):
    model = make_model(steps=30)
    model.run_for(30)
    s = summarise(model, scenario="baseline")
    lines = format_summary(s, Path("out"), 0.5).splitlines()
    rung = Rung(s["community_rung"])
    text = "\n".join(lines)
    assert f"{rung.value} of 8, {rung.label} ({rung.group})" in text and rung.meaning in text
    assert f"{s['meetings_total']} issues deliberated, {s['meeting_groups_total']} discussion groups" in text
    units = ("of residents", "scale 0-1", "residents", "recreational", "issues")
    for line in lines[2:10]:
        assert any(u in line for u in units) or "rung" in line or "share" in line, line


@pytest.mark.parametrize("rung", list(Rung))
def test_every_rung_has_a_name_and_a_meaning(rung):
    assert rung.label == rung.name.lower().replace("_", " ") and len(rung.meaning) > 20


def test_run_reporters_agree_with_the_weekly_ones_at_the_end(make_model):
    model = make_model(steps=20)
    model.run_for(20)
    ts, s = model.timeseries(), summarise(model)
    for name in ("ever_attended_share", "community_rung", "mean_trust", "leaders", "attendance_gini"):
        assert s[name] == pytest.approx(ts[name].iloc[-1]), name
    assert s["proposals_total"] == ts["proposals"].sum() and np.isclose(sum(s["ladder"]), 1)


def test_the_comparison_table_gives_each_indicator_its_unit():
    import pandas as pd

    from sim.compare import format_table

    rows = [dict(arm="b", reference="a", indicator=name, replications=3, mean_reference=0.1, mean_arm=0.2,
                 mean_difference=0.1, std_error=0.01, ci_low=0.0, ci_high=0.2, std_error_unpaired=0.02)
            for name in COMPARED]
    lines = format_table(pd.DataFrame(rows), 0.95).splitlines()[2:]
    assert len(lines) == len(COMPARED)
    for name, line in zip(COMPARED, lines):
        expected = "share of residents" if name.startswith("ladder_") else indicator(name).unit
        assert line.endswith("  " + expected), line


def test_docs_odd_defines_every_time_series_column_and_summary_key():
    odd = (Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text()
    series = odd.split("### 8.1")[1].split("### 8.2")[0]
    summary = odd.split("### 8.3")[1].split("### 8.4")[0]
    for name in REPORTERS:
        assert f"`{name}`" in series or name.startswith("rung_"), name
    for name in [*SUMMARY, *IDENTITY]:
        assert f"`{name}`" in summary, name


def test_each_indicator_says_where_it_is_used():
    assert indicator("mean_trust", WEEK).used_in[-1] == "app chart attitudes"
    assert "summary.json" in indicator("meetings_total").used_in
    assert "experiments' panel.parquet and effects.csv" in indicator("proposals", PERIOD).used_in
