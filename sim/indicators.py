"""Every indicator the project reports, in one table: name, function, unit, meaning, where used.

Three scopes, each with its own function signature:

* ``week``: one value per step, ``f(model)``; the columns of ``timeseries.parquet`` (Mesa's
  DataCollector reads :data:`REPORTERS`) and, where ``chart`` is set, a line of that chart in the
  app (:data:`CHARTS`);
* ``run``: one value per run, ``f(model, timeseries)``; the indicators of ``summary.json``
  (:func:`sim.outputs.summarise`, printed by ``sim`` with their units);
* ``period``: one value per experiment period, ``f(model, timeseries, period, n_periods)``; the
  outcomes an experiment measures (:data:`MEASURES`, :mod:`sim.experiments.measurement`).

A name may appear in two scopes with different definitions (``participation_rate`` per week is
the share attending that week; in the summary it is the mean over the deliberation days of the
last ``ladder.window`` weeks); :func:`indicator` takes the scope. docs/ODD.md §8 lists the same definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sim import reporters as r
from sim.agents import Purpose
from sim.experiments import measurement as m
from sim.ladder import Rung

WEEK, RUN, PERIOD = "week", "run", "period"
SCALE = "scale 0-1"
SHARE = "share of residents"


@dataclass(frozen=True)
class Indicator:
    """One reported quantity: its name, the function computing it, its unit and one-line meaning."""

    name: str
    scope: str  # WEEK, RUN or PERIOD
    function: Callable
    unit: str
    meaning: str
    chart: str | None = None  # the app chart drawing it (week indicators)

    @property
    def used_in(self) -> tuple[str, ...]:
        """Where the indicator appears, from its scope and chart."""
        return USED_IN[self.scope] + ((f"app chart {self.chart}",) if self.chart else ())


USED_IN = {WEEK: ("timeseries.parquet", "sweeps' timeseries_long.parquet"),
           RUN: ("summary.json", "sweeps' results.parquet"),
           PERIOD: ("experiments' panel.parquet and effects.csv",)}


def _rung_share(k: int) -> Indicator:
    return Indicator(f"rung_{k}", WEEK, partial(r.rung_share, rung=k), SHARE,
                     f"share of residents whose highest rung so far is {k} ({Rung(k).label})", chart="ladder")


INDICATORS: tuple[Indicator, ...] = (
    # -- per week: timeseries.parquet -----------------------------------------------------------
    Indicator("deliberation_day", WEEK, r.deliberation_day, "0/1",
              "1 on a week with meetings scheduled and an issue open, whether or not anybody came"),
    Indicator("participation_rate", WEEK, r.participation_rate, SHARE,
              "share of residents who took part in a meeting this week", chart="participation"),
    Indicator("ever_attended_share", WEEK, r.ever_attended_share, SHARE,
              "share of residents who attended at least one meeting so far", chart="participation"),
    Indicator("proposals", WEEK, r.proposals, "proposals",
              "proposals sent to officials this week: one per discussion group of two or more"),
    Indicator("meetings_held", WEEK, r.meetings_held, "issues",
              "issues deliberated this week whose attendees formed at least one group of two or more"),
    *(_rung_share(k) for k in range(1, 9)),
    Indicator("community_rung", WEEK, r.current_community_rung, "rung 1-8",
              "lower median rung of the issues decided in the last ladder.window weeks (1 if none)",
              chart="community_rung"),
    Indicator("mean_efficacy", WEEK, r.mean_efficacy, SCALE, "residents' mean sense of efficacy", chart="attitudes"),
    Indicator("mean_trust", WEEK, r.mean_trust, SCALE, "residents' mean trust in officials", chart="attitudes"),
    Indicator("mean_satisfaction", WEEK, r.mean_satisfaction, SCALE, "residents' mean satisfaction",
              chart="attitudes"),
    Indicator("organisations_recreational", WEEK, partial(r.organisations_with, purpose=Purpose.RECREATIONAL),
              "organisations", "recreational self-organisations", chart="organisations"),
    Indicator("organisations_public_good", WEEK, partial(r.organisations_with, purpose=Purpose.PUBLIC_GOOD),
              "organisations", "public-good self-organisations", chart="organisations"),
    Indicator("organisation_members", WEEK, r.organisation_members, "residents",
              "residents who belong to an organisation"),
    Indicator("leaders", WEEK, r.leaders, "residents", "residents in the leader role"),
    Indicator("attendance_gini", WEEK, r.attendance_gini, "Gini 0-1",
              "inequality of meetings attended across residents (0 equal, 1 one resident attends all)"),
    Indicator("mean_chair_distance", WEEK, r.mean_chair_distance, "opinion scale 0-1",
              "mean |chair opinion - members' final mean| over this week's chaired groups of two or more"),
    Indicator("open_issues", WEEK, r.open_issues, "issues", "issues still open at the end of the week"),
    # -- per run: summary.json ------------------------------------------------------------------
    Indicator("ladder", RUN, r.final_ladder, "shares of residents, rungs 1..8",
              "residents by the highest rung they reached"),
    Indicator("participation_rate", RUN, r.recent_participation_rate, "share of residents per deliberation day",
              "mean share taking part on the deliberation days of the last ladder.window weeks"),
    Indicator("ever_attended_share", RUN, r.at_end(r.ever_attended_share), SHARE,
              "share of residents who attended at least one meeting"),
    Indicator("community_rung", RUN, r.at_end(r.current_community_rung), "rung 1-8",
              "lower median rung of the issues decided in the last ladder.window weeks"),
    Indicator("proposals_total", RUN, r.run_total("proposals"), "proposals",
              "proposals sent to officials over the run (discussion groups of two or more)"),
    Indicator("meetings_total", RUN, r.run_total("meetings_held"), "issues",
              "issues deliberated over the run with at least one group of two or more (sum of meetings_held)"),
    Indicator("meeting_groups_total", RUN, r.meeting_groups_total, "groups",
              "discussion groups held over the run, lone members included (the rows of meetings.parquet)"),
    Indicator("mean_efficacy", RUN, r.at_end(r.mean_efficacy), SCALE, "residents' mean sense of efficacy, at the end"),
    Indicator("mean_trust", RUN, r.at_end(r.mean_trust), SCALE, "residents' mean trust in officials, at the end"),
    Indicator("mean_satisfaction", RUN, r.at_end(r.mean_satisfaction), SCALE, "residents' mean satisfaction, at the end"),
    Indicator("attendance_gini", RUN, r.at_end(r.attendance_gini), "Gini 0-1",
              "inequality of meetings attended across residents, at the end"),
    Indicator("organisations_recreational", RUN, r.at_end(partial(r.organisations_with, purpose=Purpose.RECREATIONAL)),
              "organisations", "recreational self-organisations, at the end"),
    Indicator("organisations_public_good", RUN, r.at_end(partial(r.organisations_with, purpose=Purpose.PUBLIC_GOOD)),
              "organisations", "public-good self-organisations, at the end"),
    Indicator("leaders", RUN, r.at_end(r.leaders), "residents", "residents in the leader role, at the end"),
    Indicator("mean_chair_distance", RUN, r.run_chair_distance, "opinion scale 0-1",
              "mean |chair opinion - members' final mean| over every chaired group of the run (null if none)"),
    # -- per experiment period: panel.parquet ---------------------------------------------------
    Indicator("satisfaction", PERIOD, m.from_timeseries("mean_satisfaction", "mean"), SCALE,
              "mean residents' satisfaction, averaged over the period's weeks"),
    Indicator("trust", PERIOD, m.from_timeseries("mean_trust", "mean"), SCALE,
              "mean trust in officials, averaged over the period's weeks"),
    Indicator("efficacy", PERIOD, m.from_timeseries("mean_efficacy", "mean"), SCALE,
              "mean sense of efficacy, averaged over the period's weeks"),
    Indicator("participation", PERIOD, m.from_timeseries("participation_rate", "mean"), SHARE,
              "share of residents attending a meeting, averaged over the period's weeks"),
    Indicator("ever_attended", PERIOD, m.from_timeseries("ever_attended_share", "last"), SHARE,
              "share of residents who attended at least one meeting, at the period's end"),
    Indicator("self_governance", PERIOD, m.from_timeseries(m.ladder_index, "last"), "index 0-1",
              "(mean highest rung - 1) / 7 at the period's end"),
    Indicator("self_governance_index", PERIOD, m.self_governance_index, "index 0-1",
              "mean of five Gulou evaluation indicators in the period: attended at least once, residents' "
              "proposals, third-party council members, deliberating chat groups, issues answered"),
    Indicator("proposals", PERIOD, m.proposals_per_thousand, "per 1,000 residents",
              "proposals sent to officials in the period"),
    Indicator("organisations", PERIOD, m.from_timeseries("organisations_public_good", "last"), "organisations",
              "public-good self-organisations at the period's end"),
    Indicator("leader_share", PERIOD, m.leader_share, "share of variance 0-1",
              "share of the between-group variance of group outcomes explained by the chair's view"),
    Indicator("chair_distance", PERIOD, m.chair_distance, "opinion scale 0-1",
              "mean |chair's view - group's final mean opinion| over chaired groups of two or more"),
)


def of_scope(scope: str) -> dict[str, Indicator]:
    """The indicators of one scope, by name, in table order."""
    return {i.name: i for i in INDICATORS if i.scope == scope}


def indicator(name: str, scope: str = RUN) -> Indicator:
    """The indicator ``name`` of ``scope``; KeyError naming the allowed ones otherwise."""
    table = of_scope(scope)
    if name not in table:
        raise KeyError(f"no {scope} indicator {name!r}; allowed: {', '.join(table)}")
    return table[name]


def unit_of(name: str, scope: str = RUN) -> str:
    """The unit of an indicator, or '' for a name that is not one (e.g. a parameter)."""
    found = of_scope(scope).get(name)
    return found.unit if found else ""


REPORTERS: dict[str, Callable] = {n: i.function for n, i in of_scope(WEEK).items()}
SUMMARY: dict[str, Callable] = {n: i.function for n, i in of_scope(RUN).items()}
MEASURES: dict[str, Callable] = {n: i.function for n, i in of_scope(PERIOD).items()}


def _charts() -> dict[str, tuple[str, ...]]:
    charts: dict[str, tuple[str, ...]] = {}
    for i in of_scope(WEEK).values():
        if i.chart:
            charts[i.chart] = (*charts.get(i.chart, ()), i.name)
    return charts


CHARTS = _charts()  # app chart -> its week indicators, in table order
