"""The workshop page: controls on the left, the community and its charts on the right.

Built from Solara components directly rather than Mesa's stock ``SolaraViz`` page, whose
sidebar has fixed English labels ("Controls", "Play Interval (ms)", "Reset", "Time: ...") and
rebuilds the model from flat keyword arguments; here every word is translated, a scenario
pick moves the sliders, and errors are caught. The model is still a ``mesa.Model`` stepped a
week at a time and every chart reads its Mesa ``DataCollector`` table.

Per browser tab (Solara keeps a ``solara.reactive`` per session): the settings, the run, a frame
counter bumped after every step, the language and the play state. Changes to the controls apply
at once while the run is at week 0; after that they wait for Reset (a banner says so). Picking a
scenario or switching side-by-side mode restarts at once.
"""

from __future__ import annotations

import copy
import dataclasses
import html
import os
import time

import solara
import solara.lab
from solara.alias import rv

from app.figures import CHART_SERIES, SERIES_COLOURS, ChartPicture, NetworkPicture
from app.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, lang_from_query, name_of, t, tip_of
from app.live import LiveRun
from app.portrayal import RING_COLOURS, RUNG_COLOURS, RUNG_GROUPS, portray_officials, rung_counts
from app.settings import CONTROLS, DEFAULT_SCENARIO, DRAW_LIMIT, SEED_MAX, Settings, dose_kind
from sim.agents import Purpose
from sim.cli import known_scenarios

START_LANG = os.environ.get("COMMUNITY_APP_LANG", DEFAULT_LANG)
MAX_SPEED = 20  # weeks per second
MIN_PAUSE = 0.05  # seconds between frames at least, so clicks (Pause) get through while playing

lang = solara.reactive(START_LANG if START_LANG in LANGS else DEFAULT_LANG)
settings: solara.Reactive[Settings | None] = solara.reactive(None)
run: solara.Reactive[LiveRun | None] = solara.reactive(None)
frame = solara.reactive(0)
playing = solara.reactive(False)
speed = solara.reactive(4)
seed_error = solara.reactive(False)


# -- actions -----------------------------------------------------------------------------------
def restart() -> None:
    """A new run from the current settings, at week 0."""
    playing.set(False)
    run.set(LiveRun(settings.value))
    frame.set(frame.value + 1)


def change(new: Settings) -> None:
    """Take new settings; rebuild at once if the run has not started."""
    settings.set(new.clamped())
    live = run.value
    if live is None or (live.week == 0 and not playing.value):
        restart()


def pick_scenario(name: str) -> None:
    settings.set(Settings.from_scenario(name, keep=settings.value))
    restart()


def step_once() -> None:
    live = run.value
    if live is not None:
        live.step()  # on failure the run keeps the message, which the page then shows
        frame.set(frame.value + 1)


def play_loop() -> None:
    """While playing: step, show, wait out the rest of 1/speed seconds."""
    live = run.value
    while playing.value and live is run.value and live is not None and live.can_step:
        started = time.perf_counter()
        ok = live.step()
        frame.set(frame.value + 1)
        if not ok:
            break
        time.sleep(max(MIN_PAUSE, 1.0 / speed.value - (time.perf_counter() - started)))
    playing.set(False)


# -- small widgets -----------------------------------------------------------------------------
@solara.component
def Tip(text: str, children=[]):
    """Wrap children with a tooltip."""
    with solara.Tooltip(text):
        solara.Column(children=children, gap="0px", style={"background": "transparent"})


@solara.component
def Section(title: str, children=[]):
    """A card of the control column (does not shrink: the column scrolls instead)."""
    solara.Card(title, children=children, margin=0, style={"flex-shrink": "0"})


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@solara.component
def Slider(label: str, tip: str, value, lo, hi, step, on_value, is_float=False, test_id=""):
    cls = solara.SliderFloat if is_float else solara.SliderInt
    with Tip(tip):
        with solara.Div(classes=[f"ctl-{test_id}"] if test_id else []):
            cls(label, value=value, min=lo, max=hi, step=step, on_value=on_value, thumb_label=True)


@solara.component
def Choice(label: str, tip: str, value: str, items: list[tuple[str, str]], on_value, test_id=""):
    with Tip(tip):
        rv.Select(label=label, v_model=value, on_v_model=on_value, dense=True, hide_details=True,
                  items=[{"title": text, "value": v} for v, text in items], class_=f"ctl-{test_id}")


# -- sidebar -----------------------------------------------------------------------------------
@solara.component
def RunControls(live: LiveRun, frame_no: int, lg: str):
    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)
    with Section(t("section.run", lg)):
        with solara.Row(gap="6px"):
            with Tip(t("step.tip", lg)):
                solara.Button(t("step", lg), on_click=step_once, color="primary", classes=["btn-step"],
                              disabled=playing.value or not live.can_step)
            label, tip = ("pause", "pause.tip") if playing.value else ("play", "play.tip")
            with Tip(t(tip, lg)):
                solara.Button(t(label, lg), on_click=lambda: playing.set(not playing.value), color="primary",
                              classes=["btn-play"], disabled=not live.can_step and not playing.value)
            changed = settings.value != live.settings
            with Tip(t("reset.tip", lg)):
                solara.Button(t("reset", lg), on_click=restart, color="warning" if changed else "primary",
                              classes=["btn-reset"])
        Slider(t("speed", lg, value=speed.value), t("speed.tip", lg), speed.value, 1, MAX_SPEED, 1, speed.set,
               test_id="speed")


@solara.component
def ScenarioControls(s: Settings, lg: str):
    def set_seed(value):
        if value is None or not 0 <= int(value) <= SEED_MAX:
            seed_error.set(True)
            return
        seed_error.set(False)
        change(dataclasses.replace(s, seed=int(value)))

    with Section(t("section.scenario", lg)):
        Choice(t("scenario", lg), t("scenario.tip", lg), s.scenario,
               [(name, name_of("scenario", name, lg)) for name in known_scenarios()], pick_scenario,
               test_id="scenario")
        with Tip(t("seed.tip", lg)):
            solara.InputInt(t("seed", lg), value=s.seed, on_value=set_seed, classes=["ctl-seed"])
        if seed_error.value:
            solara.Error(t("seed.error", lg, max=SEED_MAX), dense=True)
        for key in ("community.n_residents", "steps"):
            ValueControl(s, key, lg)


@solara.component
def ValueControl(s: Settings, key: str, lg: str):
    c = s.control(key)

    def on_value(value, key=key):
        change(dataclasses.replace(s, values={**s.values, key: value}))

    value = s.values[key]
    if c.kind == "choice":
        Choice(t(f"param.{key}", lg), t(f"param.{key}.tip", lg), value,
               [(v, t(f"choice.{key}.{v}", lg)) for v in c.choices], on_value, test_id=key)
    else:
        Slider(t(f"param.{key}", lg, value=_fmt(value)), t(f"param.{key}.tip", lg), value, c.lo, c.hi, c.step,
               on_value, is_float=c.kind == "float", test_id=key)


@solara.component
def ParameterControls(s: Settings, lg: str):
    with Section(t("section.parameters", lg)):
        for c in CONTROLS:
            if c.key not in ("community.n_residents", "steps"):
                ValueControl(s, c.key, lg)


@solara.component
def ProgrammeControl(s: Settings, name: str, lg: str):
    iv = s.interventions[name]

    def update(**fields):
        new = copy.deepcopy(s)
        for field_name, value in fields.items():
            setattr(new.interventions[name], field_name, value)
        change(new)

    with solara.Div(classes=[f"programme-{name}"], style={"margin-bottom": "10px"}):
        with Tip(tip_of("programme", name, lg)):
            solara.Switch(label=name_of("programme", name, lg), value=iv.on, on_value=lambda v: update(on=v),
                          classes=[f"switch-{name}"])
        if not iv.on:
            return
        start, dose, period = (s.programme_range(name, f) for f in ("start", "dose", "period"))
        if start is not None:
            Slider(t("programme.start", lg, value=iv.start), t("programme.start.tip", lg), iv.start, *start,
                   lambda v: update(start=v), test_id=f"{name}-start")
        kind = dose_kind(name, iv.base)
        if dose is not None and iv.dose is not None:
            label = t("programme.weeks.all", lg) if kind == "weeks" and not iv.dose else \
                t(f"programme.{kind}", lg, value=_fmt(iv.dose))
            Slider(label, t(f"programme.{kind}.tip", lg), iv.dose, *dose, lambda v: update(dose=v),
                   is_float=kind == "share", test_id=f"{name}-dose")
        if period is not None:  # 0: once; a value below the shortest accepted interval snaps up to it
            label = t("programme.period", lg, value=iv.period) if iv.period else t("programme.period.once", lg)
            Slider(label, t("programme.period.tip", lg), iv.period, 0, period[1], 1, lambda v: update(period=v),
                   test_id=f"{name}-period")


@solara.component
def ProgrammeControls(s: Settings, lg: str):
    with Section(t("section.programmes", lg)):
        for name in s.interventions:
            ProgrammeControl(s, name, lg)


@solara.component
def CompareControls(s: Settings, lg: str):
    names = list(s.interventions)

    def switch(on: bool):
        new = copy.deepcopy(s)
        new.compare = (next((n for n in names if s.interventions[n].on), names[0]) if on else None)
        settings.set(new.clamped())
        restart()

    def pick(name: str):
        new = copy.deepcopy(s)
        new.compare = name
        settings.set(new.clamped())
        restart()

    with Section(t("section.compare", lg)):
        with Tip(t("compare.switch.tip", lg)):
            solara.Switch(label=t("compare.switch", lg), value=s.compare is not None, on_value=switch,
                          classes=["switch-compare"])
        if s.compare is not None:
            Choice(t("compare.programme", lg), t("compare.switch.tip", lg), s.compare,
                   [(n, name_of("programme", n, lg)) for n in names], pick, test_id="compare")
            solara.Text(t("compare.note", lg), style={"font-size": "0.85em", "color": "#555"})


# -- main area ---------------------------------------------------------------------------------
def panel_title(live: LiveRun, role: str, lg: str) -> str:
    if role == "run":
        return t("panel.run", lg)
    return t(f"panel.{role}", lg, programme=name_of("programme", live.settings.compare, lg))


def legend_html(live: LiveRun, lg: str) -> str:
    """The legend: rungs by group with counts per panel, then the symbols."""
    e = html.escape
    counts = [rung_counts(p.model.state.rung) for p in live.panels]
    rows = []
    for group, rungs in RUNG_GROUPS:
        rows.append(f'<div class="legend-group" style="font-weight:600;margin-top:6px">{e(t(f"group.{group}", lg))}</div>')
        for rung in rungs:
            k = int(rung)
            cells = "".join(
                f'<span class="rung-count" data-rung="{k}" data-panel="{i}" title="{e(t("legend.count.tip", lg))}" '
                f'style="display:inline-block;min-width:3.2em;text-align:right;font-variant-numeric:tabular-nums">'
                f'{int(c[k - 1])}</span>' for i, c in enumerate(counts))
            rows.append(
                f'<div class="legend-rung" title="{e(t(f"rung.{k}.tip", lg))}" style="display:flex;align-items:center;gap:6px">'
                f'<span style="display:inline-block;width:16px;height:16px;border-radius:50%;border:1px solid #555;'
                f'background:{RUNG_COLOURS[k - 1]}"></span><span style="flex:1">{e(t(f"rung.{k}", lg))}</span>{cells}</div>')
    officials = portray_officials(live.panels[0].model)
    symbols = [
        ("legend.leader", '<span style="font-size:20px;line-height:16px">&#9733;</span>', {}),
        ("legend.recreational", f'<span style="{_ring(RING_COLOURS[Purpose.RECREATIONAL])}"></span>', {}),
        ("legend.public_good", f'<span style="{_ring(RING_COLOURS[Purpose.PUBLIC_GOOD])}"></span>', {}),
        ("legend.meeting", '<span style="display:inline-block;width:16px;height:16px;border-radius:50%;'
                           'background:#f7d44c;border:1px solid #555"></span>', {}),
        ("legend.officials", '<span style="display:inline-block;width:13px;height:13px;background:#00796b;'
                             'border:1px solid #222"></span>',
         {"openness": f"{officials.openness.mean():.2f}", "responsiveness": f"{officials.responsiveness.mean():.2f}"}),
        ("legend.courtyard", '<span style="display:inline-block;width:16px;height:16px;border-radius:50%;'
                             'background:#eef2f7;border:1px solid #9aa8b8"></span>', {}),
    ]
    rows.append('<div style="height:8px"></div>')
    for key, mark, values in symbols:
        rows.append(f'<div class="{key.replace(".", "-")}" title="{e(t(key + ".tip", lg, **values))}" '
                    f'style="display:flex;align-items:center;gap:6px;margin:2px 0">'
                    f'<span style="width:18px;text-align:center">{mark}</span><span>{e(t(key, lg))}</span></div>')
    heading = f'<div style="font-size:1.1em;font-weight:700">{e(t("legend", lg))}</div>'
    if len(live.panels) > 1:
        names = "".join(f'<span style="display:inline-block;min-width:3.2em;text-align:right">{i + 1}</span>'
                        for i in range(len(live.panels)))
        heading += f'<div style="display:flex;font-size:0.85em;color:#555"><span style="flex:1"></span>{names}</div>'
    return f'<div class="legend" style="font-size:15px;line-height:1.5">{heading}{"".join(rows)}</div>'


def _ring(colour: str) -> str:
    return f"display:inline-block;width:12px;height:12px;border-radius:50%;background:#fff;border:3px solid {colour}"


@solara.component
def Community(live: LiveRun, frame_no: int, lg: str):
    pictures = solara.use_memo(
        lambda: [NetworkPicture(p.model, live.layout, *(
            (660, 540) if len(live.panels) == 1 else (430, 400))) for p in live.panels] if live.layout else [],
        dependencies=[live])

    def render():
        with live.lock:
            return [pic.png(p.model) for pic, p in zip(pictures, live.panels)]

    images = solara.use_memo(render, dependencies=[live, frame_no, len(pictures)])
    with solara.Row(style={"align-items": "flex-start", "flex-wrap": "wrap", "gap": "16px"}):
        for i, panel in enumerate(live.panels):
            with solara.Column(gap="4px", classes=[f"panel-{panel.role}"]):
                number = f"{i + 1}. " if len(live.panels) > 1 else ""
                solara.Text(number + panel_title(live, panel.role, lg),
                            style={"font-size": "1.2em", "font-weight": "600"})
                if images:
                    solara.Image(images[i], classes=["network-image"])
        if not live.layout:
            solara.Info(t("too_big", lg, n=live.n_residents, limit=DRAW_LIMIT), classes=["too-big"])
        with solara.Column(style={"min-width": "290px", "max-width": "360px"}):
            solara.HTML(tag="div", unsafe_innerHTML=legend_html(live, lg))


def _latest(kind: str, table, lg: str) -> str:
    if not len(table):
        return "–"
    last = table.iloc[-1]
    parts = []
    for series in CHART_SERIES[kind]:
        if series == "participation_rate":
            days = table[table["deliberation_day"] == 1]
            value = days[series].iloc[-1] if len(days) else 0.0
        else:
            value = last[series]
        text = f"{value:.0%}" if kind == "participation" else (f"{value:.2f}" if kind == "attitudes" else f"{value:g}")
        parts.append(f"{t(f'series.{series}', lg)} {text}")
    return " · ".join(parts)


@solara.component
def Charts(live: LiveRun, frame_no: int, lg: str):
    n = len(live.panels)
    pictures = solara.use_memo(
        lambda: {kind: [ChartPicture(kind, live.steps, n)] if kind != "ladder" else
                 [ChartPicture(kind, live.steps, 1, width_px=470 if n == 1 else 300) for _ in range(n)]
                 for kind in CHART_SERIES},
        dependencies=[live])

    def render():
        with live.lock:
            tables = [p.model.timeseries() for p in live.panels]
            images = {kind: ([pics[0].png(tables)] if kind != "ladder" else
                             [pic.png([table]) for pic, table in zip(pics, tables)])
                      for kind, pics in pictures.items()}
        return tables, images

    tables, images = solara.use_memo(render, dependencies=[live, frame_no])
    with solara.Row(style={"flex-wrap": "wrap", "gap": "12px", "align-items": "flex-start"}):
        for kind in CHART_SERIES:
            with solara.Card(margin=0, classes=[f"chart-{kind}"], style={"width": "500px" if kind != "ladder" or n == 1
                                                                          else "640px"}):
                with Tip(t(f"chart.{kind}.tip", lg)):
                    solara.Text(t(f"chart.{kind}", lg), style={"font-size": "1.1em", "font-weight": "600"})
                with solara.Row(gap="4px"):
                    for image in images[kind]:
                        solara.Image(image, classes=["chart-image"])
                if kind != "ladder":
                    swatches = " ".join(
                        f'<span style="white-space:nowrap"><span style="display:inline-block;width:22px;'
                        f'border-top:3px solid {SERIES_COLOURS[s]};vertical-align:middle"></span> '
                        f'{html.escape(t(f"series.{s}", lg))}</span>' for s in CHART_SERIES[kind])
                    solara.HTML(tag="div", unsafe_innerHTML=swatches, style={"font-size": "14px"})
                if n > 1:
                    programme = name_of("programme", live.settings.compare, lg)
                    styles = [t("style.with", lg, programme=programme), t("style.without", lg, programme=programme)]
                    if kind == "ladder":
                        styles = [f"{i + 1}. " + t(f"panel.{p.role}", lg, programme=programme)
                                  for i, p in enumerate(live.panels)]
                    solara.HTML(tag="div", unsafe_innerHTML="<br>".join(html.escape(x) for x in styles),
                                style={"font-size": "13px"})
                if kind != "ladder":
                    lines = [f"{f'{i + 1}. ' if n > 1 else ''}{t('now', lg)}: {_latest(kind, table, lg)}"
                             for i, table in enumerate(tables)]
                    solara.HTML(tag="div", unsafe_innerHTML="<br>".join(html.escape(x) for x in lines),
                                classes=[f"latest-{kind}"], style={"font-size": "13px", "color": "#333"})
                solara.HTML(tag="div", unsafe_innerHTML=html.escape(t("chart.axis", lg)),
                            style={"font-size": "12px", "color": "#777"})


@solara.component
def Status(live: LiveRun, frame_no: int, lg: str):
    with solara.Row(style={"align-items": "center", "gap": "18px"}):
        with Tip(t("week.tip", lg)):
            solara.Text(t("week", lg, week=live.week, steps=live.steps), classes=["week-label"],
                        style={"font-size": "1.5em", "font-weight": "700"})
        if live.panels and live.panels[0].model.is_deliberation_day:
            solara.Text(t("deliberation_day", lg), style={"font-size": "1.1em", "color": "#1f5fbf",
                                                          "font-weight": "600"})
    if live.error:
        solara.Error(t("error", lg, message=live.error), classes=["run-error"])
    elif live.finished:
        solara.Info(t("finished", lg))
    if settings.value != live.settings:
        solara.Warning(t("settings_changed", lg), classes=["settings-changed"])


@solara.component
def LanguageSwitch(lg: str):
    with Tip(t("language.tip", lg)):
        with solara.Row(gap="4px", style={"background": "transparent"}):
            for code in LANGS:
                active = code == lg
                solara.Button(LANG_NAMES[code], on_click=lambda code=code: lang.set(code), text=not active,
                              color="white" if active else None, classes=[f"lang-{code}"],
                              style={"color": "#1a1a1a" if active else "white", "font-size": "1.05em"})


@solara.component
def Page():
    router = solara.use_router()

    def start():
        lang.set(lang_from_query(router.search, lang.value))
        if settings.value is None:
            settings.set(Settings.from_scenario(DEFAULT_SCENARIO))
        if run.value is None:
            restart()

    solara.use_effect(start, [])
    lg = lang.value
    solara.Title(t("title", lg))
    live, s = run.value, settings.value
    with solara.Column(gap="0px", style={"height": "100vh"}):
        with solara.Row(classes=["app-title-bar"], style={"background": "#3949ab", "color": "white",
                                                          "padding": "8px 16px", "align-items": "center"}):
            solara.Text(t("title", lg), classes=["app-title"], style={"font-size": "1.5em", "font-weight": "600",
                                                                      "flex": "1"})
            LanguageSwitch(lg)
        if live is None or s is None:
            solara.SpinnerSolara()
            return
        with solara.Row(gap="0px", style={"flex": "1", "min-height": "0", "align-items": "stretch"}):
            with solara.Column(gap="10px", classes=["app-controls"],
                               style={"width": "360px", "min-width": "360px", "overflow-y": "auto",
                                      "padding": "10px", "background": "#f5f6f8"}):
                RunControls(live, frame.value, lg)
                ScenarioControls(s, lg)
                ProgrammeControls(s, lg)
                CompareControls(s, lg)
                ParameterControls(s, lg)
            with solara.Column(gap="10px", style={"flex": "1", "overflow-y": "auto", "padding": "10px 16px"}):
                Status(live, frame.value, lg)
                if live.panels:
                    Community(live, frame.value, lg)
                    Charts(live, frame.value, lg)
