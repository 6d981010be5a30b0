"""The workshop page: controls on the left, the community and its charts side by side on the right.

Built from Solara components directly rather than Mesa's stock ``SolaraViz`` page, whose
sidebar has fixed English labels and rebuilds the model from flat keyword arguments; here every
word is translated, a scenario pick moves the sliders, and errors are caught. The model is still a
``mesa.Model`` stepped a week at a time and every chart reads its Mesa ``DataCollector`` table.

Play never renders from the model's loop: a :class:`~app.player.Player` steps the model in a
thread of its own, and a watcher (:func:`PlayLoop`) looks every :data:`~app.player.FRAME_INTERVAL`
seconds and asks for a new frame only once the previous one is on screen and no drawing is under
way, so frames are dropped, never queued, and never drawn on the thread that reads the browser's
messages. Only the few controls that depend on it redraw when Play or Pause is pressed; the Play
button itself turns in the browser at the click (app/vue/play_button.vue). The band over other
seeds (:mod:`app.band`) is computed in a thread of its own as well (:func:`BandJob`).
Every handler runs through :func:`guarded`: an exception is logged on the server with its
traceback and shown translated in the page, which keeps working. The page's address holds the
settings (:mod:`app.url`), so a reload after a lost connection restores them.

Per browser tab (Solara keeps a ``solara.reactive`` per session): the settings, the run, the
player, a frame counter, the language and the trainer's tools (reference run, inspected resident,
week shown, the band). Changes to the controls apply at once while the run is at week 0; after that they
wait for Reset (a banner says so). Picking a scenario or changing side by side restarts at once.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import functools
import html
import io
import logging
import os
import threading
import time
from dataclasses import dataclass

import pandas as pd
import reacton.core
import solara
import solara.lab
from solara.alias import rv

from app.band import BAND_SEEDS, Band, compute_band
from app.errors import explain
from app.figures import CHART_SERIES, SERIES_COLOURS, ChartPicture, NetworkPicture
from app.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, STRINGS, name_of, t, tip_of
from app.live import LiveRun
from app.player import FRAME_INTERVAL, MAX_SPEED, Player
from app.portrayal import RING_COLOURS, RUNG_COLOURS, RUNG_GROUPS, portray_officials, rung_counts
from app.readout import chart_readout, format_value
from app.settings import CONTROLS, SEED_MAX, Settings, dose_kind
from app.side_by_side import default_bundle
from app.url import settings_from_query, settings_query
from app.widgets import ChartView, Choice, NetworkView, PlayToggle, Section, Slider, Tip, Watchdog
from sim.agents import Purpose
from sim.cli import known_scenarios

START_LANG = os.environ.get("COMMUNITY_APP_LANG", DEFAULT_LANG)
log = logging.getLogger("app.page")

lang = solara.reactive(START_LANG if START_LANG in LANGS else DEFAULT_LANG)
settings: solara.Reactive[Settings | None] = solara.reactive(None)
run: solara.Reactive[LiveRun | None] = solara.reactive(None)
player: solara.Reactive[Player | None] = solara.reactive(None)
play_presses = solara.reactive(0)  # Play/Pause presses handled: the button shows the server's state again
frame = solara.reactive(0)
asking_for_frame = threading.RLock()  # held while PlayLoop checks that nobody draws and asks for a frame
speed = solara.reactive(4)
seed_note: solara.Reactive[str | None] = solara.reactive(None)  # the text of a refused seed
seed_text: solara.Reactive[str | None] = solara.reactive(None)  # what the seed field holds; None: the seed
page_error: solara.Reactive[BaseException | None] = solara.reactive(None)
presenting = solara.reactive(False)
view_week: solara.Reactive[int | None] = solara.reactive(None)  # None: the latest week
inspected: solara.Reactive[tuple[int, int] | None] = solara.reactive(None)  # (panel, resident row)
target_week = solara.reactive(52)
url_note: solara.Reactive[str | None] = solara.reactive(None)
band_on = solara.reactive(False)
band: solara.Reactive[Band | None] = solara.reactive(None)  # the last band computed, with its settings
band_progress: solara.Reactive[tuple[int, int] | None] = solara.reactive(None)  # (runs done, runs) while computing
band_error: solara.Reactive[BaseException | None] = solara.reactive(None)


@dataclass(frozen=True)
class Reference:
    """A run kept on the charts (grey) across Reset."""

    table: pd.DataFrame
    scenario: str
    seed: int
    week: int


reference: solara.Reactive[Reference | None] = solara.reactive(None)


def guarded(handler):
    """Run an event handler; an exception is logged with its traceback and shown in the page."""

    @functools.wraps(handler)
    def safe(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except Exception as error:
            log.exception("error in %s", getattr(handler, "__name__", "a handler"))
            page_error.set(error)

    return safe


# -- actions -----------------------------------------------------------------------------------
def stop() -> None:
    """Pause the player, if one runs; the model has stopped when this returns."""
    p = player.value
    if p is not None:
        p.pause()
        player.set(None)


def restart() -> None:
    """A new run from the current settings, at week 0."""
    stop()
    view_week.set(None)
    inspected.set(None)
    run.set(LiveRun(settings.value))
    frame.set(frame.value + 1)


def change(new: Settings) -> None:
    """Take new settings; rebuild at once if the run has not started."""
    settings.set(new.clamped())
    live = run.value
    if live is None or (live.week == 0 and player.value is None):
        restart()


def pick_scenario(name: str) -> None:
    settings.set(Settings.from_scenario(name, keep=settings.value))
    restart()


def step_once() -> None:
    live = run.value
    if live is not None and player.value is None:
        view_week.set(None)
        live.step()  # on failure the run keeps the error, which the page then shows
        frame.set(frame.value + 1)


def play(until: int | None = None) -> None:
    live = run.value
    if live is None or player.value is not None or not live.can_step:
        return
    view_week.set(None)
    player.set(Player(live, lambda: speed.value, until).start())


def set_playing(wanted) -> None:
    """Play or Pause, as the button asks (its state, not a toggle: a second press in flight is harmless).
    After Pause the button turns at once; the final week's picture follows (:func:`PlayLoop`)."""
    with asking_for_frame:  # the frames asked for meanwhile are drawn by the threads that asked
        if wanted and player.value is None:
            play()
        elif not wanted:
            stop()
        play_presses.set(play_presses.value + 1)


def shown_band(live: LiveRun) -> Band | None:
    """The band to draw behind ``live``'s curves: on, and computed for its settings."""
    b = band.value
    return b if band_on.value and b is not None and b.settings == live.settings else None


def set_seed_text(text) -> None:
    """A seed typed in the field: applied if it is a whole number in range, else refused and the
    field shows the seed in use again (so field and model never disagree)."""
    s = settings.value
    raw = str(text if text is not None else "").strip()
    if raw.lstrip("+").isdigit() and 0 <= int(raw) <= SEED_MAX:
        seed_note.set(None)
        if int(raw) != s.seed:
            change(dataclasses.replace(s, seed=int(raw)))
    else:
        seed_note.set(raw)
    seed_text.set(str(settings.value.seed))  # the field shows the seed in use, refused or not


def keep_reference() -> None:
    live = run.value
    if live is not None and live.panels:
        reference.set(Reference(live.tables()[0], live.settings.scenario, live.settings.seed, live.week))


def set_compare(bundle) -> None:
    new = copy.deepcopy(settings.value)
    new.compare = tuple(bundle) if bundle else None
    settings.set(new.clamped())
    restart()


# -- sidebar -----------------------------------------------------------------------------------
@solara.component
def PlayButton(live: LiveRun, lg: str):
    """Play / Pause (app/vue/play_button.vue): turns in the browser at the press, then follows the server."""
    playing = player.value is not None
    with Tip(t("pause.tip" if playing else "play.tip", lg)):
        PlayToggle(playing=playing, handled=play_presses.value, play_label=t("play", lg), pause_label=t("pause", lg),
                   disabled=not live.can_step and not playing, css_class="", event_set_playing=guarded(set_playing))


@solara.component
def RunControls(live: LiveRun, lg: str):
    playing = player.value is not None  # only these few controls redraw when Play or Pause is pressed
    with Section(t("section.run", lg)):
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            with Tip(t("step.tip", lg)):
                solara.Button(t("step", lg), on_click=guarded(step_once), color="primary", classes=["btn-step"],
                              disabled=playing or not live.can_step)
            PlayButton(live, lg)
            changed = settings.value != live.settings
            with Tip(t("reset.tip", lg)):
                solara.Button(t("reset", lg), on_click=guarded(restart), color="warning" if changed else "primary",
                              classes=["btn-reset"])
        Slider(t("speed", lg), t("speed.tip", lg), speed.value, 1, MAX_SPEED, 1, guarded(speed.set), test_id="speed")


@solara.component
def SeedField(s: Settings, lg: str):
    text = str(s.seed) if seed_text.value is None else seed_text.value

    with Tip(t("seed.tip", lg)):
        with solara.Row(gap="6px", style={"align-items": "center"}):
            rv.TextField(label=t("seed", lg), v_model=text, on_v_model=seed_text.set, dense=True, hide_details=True,
                         class_="ctl-seed", style_="max-width: 200px")
            solara.Button(t("seed.apply", lg), on_click=guarded(lambda: set_seed_text(text)), small=True,
                          classes=["btn-seed"])
    if seed_note.value is not None:
        solara.Error(t("seed.rejected", lg, text=seed_note.value, max=SEED_MAX, seed=s.seed), dense=True,
                     classes=["seed-error"])


@solara.component
def ScenarioControls(s: Settings, lg: str):
    custom = s.is_custom()
    items = [(name, name_of("scenario", name, lg)) for name in known_scenarios()]
    if custom:
        items = [(n, t("scenario.custom", lg, name=text) if n == s.scenario else text) for n, text in items]
    with Section(t("section.scenario", lg)):
        Choice(t("scenario", lg), t("scenario.custom.tip", lg) if custom else t("scenario.tip", lg), s.scenario, items,
               guarded(pick_scenario), test_id="scenario")
        solara.Text(t(f"scenario.{s.scenario}.about", lg) if f"scenario.{s.scenario}.about" in STRINGS else "",
                    classes=["scenario-about"], style={"font-size": "0.9em", "color": "#444"})
        SeedField(s, lg)
        for key in ("community.n_residents", "steps"):
            ValueControl(s, key, lg)


@solara.component
def ValueControl(s: Settings, key: str, lg: str):
    c = s.control(key)

    def on_value(value, key=key):
        change(dataclasses.replace(settings.value, values={**settings.value.values, key: value}))

    value = s.values[key]
    if c.kind == "choice":
        Choice(t(f"param.{key}", lg), t(f"param.{key}.tip", lg), value,
               [(v, t(f"choice.{key}.{v}", lg)) for v in c.choices], guarded(on_value), test_id=key)
    else:
        Slider(t(f"param.{key}", lg), t(f"param.{key}.tip", lg), value, c.lo, c.hi, c.step,
               guarded(on_value), is_float=c.kind == "float", test_id=key)


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
        new = copy.deepcopy(settings.value)
        for field_name, value in fields.items():
            setattr(new.interventions[name], field_name, value)
        change(new)

    with solara.Div(classes=[f"programme-{name}"], style={"margin-bottom": "10px"}):
        with Tip(tip_of("programme", name, lg)):
            solara.Switch(label=name_of("programme", name, lg), value=iv.on,
                          on_value=guarded(lambda v: update(on=v)), classes=[f"switch-{name}"])
        if not iv.on:
            return
        start, dose, period = (s.programme_range(name, f) for f in ("start", "dose", "period"))
        if start is not None:
            Slider(t("programme.start", lg), t("programme.start.tip", lg), iv.start, *start,
                   guarded(lambda v: update(start=v)), test_id=f"{name}-start")
        kind = dose_kind(name, iv.base)
        if dose is not None and iv.dose is not None:
            Slider(t(f"programme.{kind}", lg), t(f"programme.{kind}.tip", lg), iv.dose, *dose,
                   guarded(lambda v: update(dose=v)), is_float=kind == "share", test_id=f"{name}-dose",
                   zero_label=t("programme.weeks.all", lg) if kind == "weeks" else "")
        if period is not None:  # 0: once; a value below the shortest accepted interval snaps up to it
            Slider(t("programme.period", lg), t("programme.period.tip", lg), iv.period, 0, period[1], 1,
                   guarded(lambda v: update(period=v)), test_id=f"{name}-period",
                   zero_label=t("programme.period.once", lg))


@solara.component
def ProgrammeControls(s: Settings, lg: str):
    with Section(t("section.programmes", lg)):
        for name in s.interventions:
            ProgrammeControl(s, name, lg)


@solara.component
def CompareControls(s: Settings, lg: str):
    names = list(s.interventions)

    def switch(on: bool):
        set_compare(default_bundle(settings.value) if on else None)

    with Section(t("section.compare", lg)):
        with Tip(t("compare.switch.tip", lg)):
            solara.Switch(label=t("compare.switch", lg), value=s.compare is not None, on_value=guarded(switch),
                          classes=["switch-compare"])
        if s.compare is not None:
            Choice(t("compare.programme", lg), t("compare.switch.tip", lg), list(s.compare),
                   [(n, name_of("programme", n, lg)) for n in names],
                   guarded(lambda v: set_compare(v) if v else None), test_id="compare", multiple=True)
            solara.Text(t("compare.note", lg), style={"font-size": "0.85em", "color": "#555"})


@solara.component
def ToolControls(live: LiveRun, lg: str):
    frame.value  # noqa: B018 (subscribes: the week-shown slider grows with the run)
    playing = player.value is not None
    with Section(t("section.tools", lg)):
        Slider(t("run_to", lg), t("run_to.tip", lg), min(target_week.value, live.steps), 1, live.steps, 1,
               guarded(target_week.set), test_id="run-to")
        solara.Button(t("run_to.go", lg), on_click=guarded(lambda: play(target_week.value)), small=True,
                      classes=["btn-run-to"], disabled=playing or not live.can_step or target_week.value <= live.week)
        if live.week > 0:
            shown = live.week if view_week.value is None else view_week.value
            Slider(t("view_week", lg), t("view_week.tip", lg), shown, 0, live.week, 1,
                   guarded(lambda v: view_week.set(None if v >= run.value.week else v)), test_id="view-week",
                   disabled=playing)
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            with Tip(t("reference.keep.tip", lg)):
                solara.Button(t("reference.keep", lg), on_click=guarded(keep_reference), small=True,
                              classes=["btn-reference"], disabled=live.week == 0)
            if reference.value is not None:
                solara.Button(t("reference.clear", lg), on_click=guarded(lambda: reference.set(None)), small=True,
                              classes=["btn-reference-clear"])
            with Tip(t("export.csv.tip", lg)):
                solara.FileDownload(lambda: export_csv(run.value), filename="community-run.csv",
                                    label=t("export.csv", lg), mime_type="text/csv")
        with Tip(t("band.tip", lg, n=BAND_SEEDS)):
            solara.Switch(label=t("band", lg, n=BAND_SEEDS), value=band_on.value, on_value=guarded(band_on.set),
                          classes=["switch-band"])
        if band_on.value and band_progress.value is not None:
            done, total = band_progress.value
            solara.Text(t("band.progress", lg, done=done, total=total), classes=["band-progress"],
                        style={"font-size": "0.85em", "color": "#555"})
        if band_on.value and band_error.value is not None:
            ErrorNote(band_error.value, lg, "band", "band-error")
        solara.Text(t("copy_link", lg), style={"font-size": "0.85em", "color": "#555"})


def export_csv(live: LiveRun) -> bytes:
    """Every panel's weekly table in one CSV, with the panel's role in the first column."""
    frames = [table.assign(panel=p.role) for p, table in zip(live.panels, live.tables())]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    cols = ["panel", *[c for c in out.columns if c != "panel"]]
    buf = io.StringIO()
    out[cols].to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


# -- main area ---------------------------------------------------------------------------------
def bundle_name(bundle, lg: str) -> str:
    return t("and", lg).join(name_of("programme", n, lg) for n in bundle)


def panel_title(live: LiveRun, role: str, lg: str) -> str:
    if role == "run":
        return t("panel.run", lg)
    return t(f"panel.{role}", lg, programme=bundle_name(live.settings.compare, lg))


def legend_html(live: LiveRun, lg: str, week: int | None = None) -> str:
    """The legend: rungs by group with counts per panel, then the symbols."""
    e = html.escape
    views = live.snapshots(week)
    counts = [rung_counts(v.state.rung) for v in views]
    rows = []
    for group, rungs in RUNG_GROUPS:
        rows.append(f'<div class="legend-group" style="font-weight:600;margin-top:4px">{e(t(f"group.{group}", lg))}</div>')
        for rung in rungs:
            k = int(rung)
            cells = "".join(
                f'<span class="rung-count" data-rung="{k}" data-panel="{i}" title="{e(t("legend.count.tip", lg))}" '
                f'style="display:inline-block;min-width:2.8em;text-align:right;font-variant-numeric:tabular-nums">'
                f'{int(c[k - 1])}</span>' for i, c in enumerate(counts))
            rows.append(
                f'<div class="legend-rung" title="{e(t(f"rung.{k}.tip", lg))}" style="display:flex;align-items:center;gap:6px">'
                f'<span style="display:inline-block;width:1em;height:1em;border-radius:50%;border:1px solid #555;'
                f'background:{RUNG_COLOURS[k - 1]}"></span><span style="flex:1">{e(t(f"rung.{k}", lg))}</span>{cells}</div>')
    officials = portray_officials(views[0])
    symbols = [
        ("legend.leader", '<span style="font-size:1.3em;line-height:1em">&#9733;</span>', {}),
        ("legend.recreational", f'<span style="{_ring(RING_COLOURS[Purpose.RECREATIONAL])}"></span>', {}),
        ("legend.public_good", f'<span style="{_ring(RING_COLOURS[Purpose.PUBLIC_GOOD])}"></span>', {}),
        ("legend.meeting", '<span style="display:inline-block;width:1em;height:1em;border-radius:50%;'
                           'background:#777;border:1px solid #333"></span>', {}),
        ("legend.officials", '<span style="display:inline-block;width:0.8em;height:0.8em;background:#00796b;'
                             'border:1px solid #222"></span>',
         {"openness": f"{officials.openness.mean():.2f}", "responsiveness": f"{officials.responsiveness.mean():.2f}"}),
        ("legend.courtyard", '<span style="display:inline-block;width:1em;height:1em;border-radius:50%;'
                             'background:#eef2f7;border:1px solid #9aa8b8"></span>', {}),
    ]
    symbol_rows = []
    for key, mark, values in symbols:
        symbol_rows.append(f'<div class="{key.replace(".", "-")}" title="{e(t(key + ".tip", lg, **values))}" '
                           f'style="display:flex;align-items:center;gap:6px;margin:1px 0">'
                           f'<span style="width:1.2em;text-align:center">{mark}</span><span>{e(t(key, lg))}</span></div>')
    heading = f'<div style="font-weight:700">{e(t("legend", lg))}</div>'
    if len(live.panels) > 1:
        names = "".join(f'<span style="display:inline-block;min-width:2.8em;text-align:right">{i + 1}</span>'
                        for i in range(len(live.panels)))
        heading += f'<div style="display:flex;font-size:0.85em;color:#555"><span style="flex:1"></span>{names}</div>'
    return (f'<div class="legend" style="display:flex;flex-wrap:wrap;gap:4px 18px;line-height:1.35">'
            f'<div style="flex:1 1 14em">{heading}{"".join(rows)}</div>'
            f'<div style="flex:1 1 14em;padding-top:1.4em">{"".join(symbol_rows)}</div></div>')


def _ring(colour: str) -> str:
    return f"display:inline-block;width:0.8em;height:0.8em;border-radius:50%;background:#fff;border:3px solid {colour}"


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def resident_card(live: LiveRun, panel: int, row: int, week: int | None, lg: str) -> list[str]:
    """Lines describing one resident in the week shown."""
    v = live.snapshots(week)[panel].state
    lines = [t("inspect.courtyard", lg, courtyard=int(v.courtyard[row]), household=int(v.household[row])),
             t("inspect.rung", lg, rung=t(f"rung.{int(v.rung[row])}", lg)),
             t("inspect.meetings", lg, n=int(v.meetings_attended[row])),
             t("inspect.attitudes", lg, interest=f"{v.interest[row]:.2f}", efficacy=f"{v.efficacy[row]:.2f}",
               trust=f"{v.trust[row]:.2f}", capacity=f"{v.capacity[row]:.2f}")]
    if v.is_leader[row]:
        lines.insert(1, t("inspect.leader", lg))
    if v.organisation[row] >= 0:
        lines.insert(1, t("inspect.organisation", lg, org=int(v.organisation[row])))
    if len(live.panels) > 1:
        lines.insert(0, t("inspect.panel", lg, panel=panel + 1))
    return lines


@solara.component
def Community(live: LiveRun, frame_no: int, lg: str, week: int | None):
    n = len(live.panels)
    pictures = solara.use_memo(
        lambda: [NetworkPicture(p.model, live.layout, *((660, 540) if n == 1 else (480, 420)))
                 for p in live.panels],
        dependencies=[live])
    picked = inspected.value

    def render():
        views = live.snapshots(week)
        return [_data_url(pic.png(v, picked[1] if picked and picked[0] == i else None))
                for i, (pic, v) in enumerate(zip(pictures, views))]

    images = solara.use_memo(render, dependencies=[live, frame_no, week, picked, len(pictures)])

    def pick(i: int, where: dict):
        row = pictures[i].nearest(float(where["fx"]), float(where["fy"]))
        inspected.set(None if row is None else (i, row))

    with solara.Column(gap="6px", classes=["community"]):
        with solara.Row(gap="10px", style={"align-items": "flex-start"}):
            for i, panel in enumerate(live.panels):
                with solara.Column(gap="2px", classes=[f"panel-{panel.role}"], style={"flex": "1 1 0", "min-width": "0"}):
                    number = f"{i + 1}. " if n > 1 else ""
                    solara.Text(number + panel_title(live, panel.role, lg), classes=["panel-title"],
                                style={"font-size": "1.1em", "font-weight": "600"})
                    if images:
                        NetworkView(src=images[i], tip=t("inspect.tip", lg), css_class="",
                                    img_style={"width": "100%", "max-height": "var(--network-max-height)",
                                               "object-fit": "contain", "cursor": "crosshair", "display": "block"},
                                    event_pick=guarded(lambda where, i=i: pick(i, where)))
        if picked is not None:
            with solara.Div(classes=["resident-card"], style={"background": "#fff7fa", "padding": "6px 10px",
                                                              "border": "2px solid #d81b60", "border-radius": "6px"}):
                with solara.Row(style={"align-items": "center"}):
                    solara.Text(t("inspect.title", lg, row=picked[1]), style={"font-weight": "700", "flex": "1"})
                    solara.Button(t("inspect.close", lg), on_click=lambda: inspected.set(None), small=True, text=True)
                solara.HTML(tag="div", unsafe_innerHTML="<br>".join(
                    html.escape(x) for x in resident_card(live, *picked, week, lg)))
        solara.HTML(tag="div", unsafe_innerHTML=legend_html(live, lg, week))


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
        parts.append(f"{t(f'series.{series}', lg)} {format_value(kind, value)}")
    return " · ".join(parts)


def programme_starts(s: Settings) -> list[tuple[str, int]]:
    """(programme, first week) of every programme on in either panel."""
    bundle = set(s.compare or ())
    return sorted(((n, iv.start) for n, iv in s.interventions.items() if iv.on or n in bundle),
                  key=lambda x: (x[1], x[0]))


@solara.component
def Charts(live: LiveRun, frame_no: int, lg: str, week: int | None):
    n = len(live.panels)
    starts = programme_starts(live.settings)
    marks = tuple(sorted({w for _, w in starts}))
    spread = shown_band(live)
    pictures = solara.use_memo(
        lambda: {kind: [ChartPicture(kind, live.steps, n, markers=marks, band=spread)] if kind != "ladder" else
                 [ChartPicture(kind, live.steps, 1, width_px=470 if n == 1 else 300, markers=marks)
                  for _ in range(n)] for kind in CHART_SERIES},
        dependencies=[live, spread])
    ref = reference.value

    def render():
        tables = live.tables(week)
        table_ref = ref.table if ref is not None else None
        images, readouts = {}, {}
        for kind, pics in pictures.items():
            shown = [tables] if kind != "ladder" else [[table] for table in tables]  # what each picture draws
            images[kind] = [pic.png(drawn, table_ref) for pic, drawn in zip(pics, shown)]
            readouts[kind] = [chart_readout(pic, drawn, lg, table_ref, spread) for pic, drawn in zip(pics, shown)]
        return tables, images, readouts

    tables, images, readouts = solara.use_memo(render, dependencies=[live, frame_no, week, ref, pictures, lg])
    notes = [t("marker.start", lg, programme=name_of("programme", name, lg), week=w) for name, w in starts]
    if ref is not None:
        notes.append(t("reference.shown", lg, name=name_of("scenario", ref.scenario, lg), seed=ref.seed, week=ref.week))
    if spread is not None:
        notes.append(t("band.shown", lg, n=len(spread.seeds)))
    e = html.escape
    with solara.Column(gap="10px", classes=["charts"]):
        for kind in CHART_SERIES:  # few widgets per card (text as one HTML block): cheap to update per frame
            head = (f'<div title="{e(t(f"chart.{kind}.tip", lg))}" style="font-size:1.05em;font-weight:600">'
                    f'{e(t(f"chart.{kind}", lg))}</div>')
            foot = []
            if kind != "ladder":
                foot.append('<div style="font-size:0.85em">' + " ".join(
                    f'<span style="white-space:nowrap"><span style="display:inline-block;width:22px;'
                    f'border-top:3px solid {SERIES_COLOURS[s]};vertical-align:middle"></span> '
                    f'{e(t(f"series.{s}", lg))}</span>' for s in CHART_SERIES[kind]) + "</div>")
            if n > 1:
                programme = bundle_name(live.settings.compare, lg)
                styles = [t("style.with", lg, programme=programme), t("style.without", lg, programme=programme)]
                if kind == "ladder":
                    styles = [f"{i + 1}. " + t(f"panel.{p.role}", lg, programme=programme)
                              for i, p in enumerate(live.panels)]
                foot.append('<div style="font-size:0.8em">' + "<br>".join(e(x) for x in styles) + "</div>")
            if kind != "ladder":
                lines = [f"{f'{i + 1}. ' if n > 1 else ''}{t('now', lg)}: {_latest(kind, table, lg)}"
                         for i, table in enumerate(tables)]
                foot.append(f'<div class="latest-{kind}" style="font-size:0.8em;color:#333">'
                            + "<br>".join(e(x) for x in lines) + "</div>")
                if notes:
                    foot.append('<div class="chart-notes" style="font-size:0.78em;color:#3f4a9a">'
                                + "<br>".join(e(x) for x in notes) + "</div>")
            foot.append(f'<div style="font-size:0.75em;color:#666">{e(t("chart.axis", lg))}</div>')
            with solara.Div(classes=[f"chart-{kind}", "chart-card"]):
                with solara.Row(style={"align-items": "center"}):
                    solara.HTML(tag="div", unsafe_innerHTML=head, style={"flex": "1"})
                    solara.FileDownload(images[kind][0], filename=f"{kind}.png", label=t("export.png", lg),
                                        mime_type="image/png")
                with solara.Row(gap="4px"):
                    for image, readout in zip(images[kind], readouts[kind]):
                        ChartView(src=_data_url(image), readout=readout)
                solara.HTML(tag="div", unsafe_innerHTML="".join(foot))


@solara.component
def Status(live: LiveRun, frame_no: int, lg: str, week: int | None):
    playing = player.value is not None  # the week shown turns final with the Pause button
    with solara.Row(style={"align-items": "center", "gap": "18px", "flex-wrap": "wrap"}):
        with Tip(t("week.tip", lg)):
            solara.Text(t("week", lg, week=live.week if week is None else week, steps=live.steps),
                        classes=["week-label"], style={"font-size": "1.5em", "font-weight": "700"})
        shown = live.snapshots(week)[0] if live.panels else None
        if shown is not None and shown.is_deliberation_day:
            solara.Text(t("deliberation_day", lg), style={"font-size": "1.1em", "color": "#1f5fbf",
                                                          "font-weight": "600"})
        if presenting.value:
            PlayButton(live, lg)
            solara.Button(t("step", lg), on_click=guarded(step_once), color="primary", classes=["btn-step"],
                          disabled=playing or not live.can_step)
    if week is not None:
        solara.Info(t("view_week.back", lg, week=week), dense=True, classes=["looking-back"])
    if live.failure is not None:
        ErrorNote(live.failure, lg, "run", "run-error")
    elif live.finished:
        solara.Info(t("finished", lg), dense=True)
    if settings.value != live.settings:
        solara.Warning(t("settings_changed", lg), dense=True, classes=["settings-changed"])
    if url_note.value:
        solara.Warning(t("url.ignored", lg, parts=url_note.value), dense=True, classes=["url-ignored"])


@solara.component
def ErrorNote(error: BaseException, lg: str, when: str, css: str, children=[]):
    """A translated error, the exception's own words folded away under "details"."""
    text = explain(error, lg, when)
    with solara.Error(classes=[css]):
        solara.Text(text.message)
        solara.HTML(tag="details", unsafe_innerHTML=f"<summary>{html.escape(t('error.details', lg))}</summary>"
                                                    f"<code>{html.escape(text.details)}</code>")
        solara.Row(children=children)


@solara.component
def LanguageSwitch(lg: str):
    with Tip(t("language.tip", lg)):
        with solara.Row(gap="4px", style={"background": "transparent"}):
            for code in LANGS:
                active = code == lg
                solara.Button(LANG_NAMES[code], on_click=lambda code=code: lang.set(code), text=not active,
                              color="white" if active else None, classes=[f"lang-{code}"],
                              style={"color": "#1a1a1a" if active else "white", "font-size": "1.05em"})


PAGE_CSS = """
.workshop { --network-max-height: calc(100vh - 330px); font-size: 15px; }
.workshop.presenting { font-size: 24px; --network-max-height: calc(100vh - 300px); }
.workshop .main-grid { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(300px, 1fr); gap: 14px;
  align-items: start; }
.workshop .charts { max-height: calc(100vh - 150px); overflow-y: auto; padding-right: 4px; }
.workshop .chart-card { padding: 6px 10px; background: white; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.2); }
.workshop .chart-image { width: 100%; height: auto; }
.workshop .v-card-title, .workshop .v-card-text { font-size: 1em !important; }
.workshop .v-btn { font-size: 0.9em; }
"""


@solara.component
def PlayLoop(live: LiveRun, rendered):
    """While playing: ask for a frame every FRAME_INTERVAL, once the previous one is on screen. Once
    stopped (Pause, or the player stopped by itself): one more frame if the week drawn is not the last."""
    p = player.value
    drawing = reacton.core.get_render_context().thread_lock  # held by the thread drawing the page

    def next_frame() -> None:
        """Ask for a frame once no thread is drawing: a frame asked for during a drawing is drawn by the
        thread drawing, which may be the one reading the browser's messages. The check and the ask hold
        :data:`asking_for_frame`, which Pause takes before it redraws the button, so a Pause never draws
        the frame (it waits at most for a frame under way); a paused player asks for no more frames."""
        while True:
            while drawing.locked():
                time.sleep(0.005)
            with asking_for_frame:
                if p is not None and not p.going:
                    return
                if not drawing.locked():
                    frame.set(frame.value + 1)
                    return

    def watch():
        if p is None:
            frame_drawn, week_drawn = rendered.current
            if frame_drawn >= 0 and week_drawn != live.week:
                next_frame()
            return
        shown = -1
        while p.playing and p is player.value:
            time.sleep(FRAME_INTERVAL)
            if p.run.week != shown and rendered.current[0] >= frame.value:
                shown = p.run.week
                next_frame()
        if p is player.value:  # it stopped by itself: last week, target week, or an error
            player.set(None)

    solara.lab.use_task(watch, dependencies=[p], prefer_threaded=True, raise_error=False)


@solara.component
def BandJob(live: LiveRun):
    """While the band switch is on: the band of ``live``'s settings, computed in a thread of its own
    (unless already there); it gives up as soon as the switch is off or the run is replaced."""
    on = band_on.value

    def compute():
        settings = live.settings
        if not on or not live.panels or (band.value is not None and band.value.settings == settings):
            band_progress.set(None)
            return
        band_error.set(None)
        band_progress.set((0, BAND_SEEDS * len(live.panels)))
        try:
            result = compute_band(settings, go_on=lambda: band_on.value and run.value is live,
                                  progress=lambda done, total: band_progress.set((done, total)))
        except Exception as error:
            log.exception("the band over other seeds failed")
            band_error.set(error)
            result = None
        if result is not None:
            band.set(result)
        if run.value is live:
            band_progress.set(None)

    solara.lab.use_task(compute, dependencies=[live, on], prefer_threaded=True, raise_error=False)


@solara.component
def Main(live: LiveRun, s: Settings, lg: str):
    rendered = solara.use_ref((-1, 0))  # (frame, week) last drawn on screen
    PlayLoop(live, rendered)
    BandJob(live)
    with solara.Row(gap="0px", style={"flex": "1", "min-height": "0", "align-items": "stretch"}):
        if not presenting.value:
            with solara.Column(gap="10px", classes=["app-controls"],
                               style={"width": "330px", "min-width": "330px", "overflow-y": "auto",
                                      "padding": "8px", "background": "#f5f6f8"}):
                RunControls(live, lg)
                ScenarioControls(s, lg)
                ProgrammeControls(s, lg)
                CompareControls(s, lg)
                ToolControls(live, lg)
                ParameterControls(s, lg)
        Display(live, lg, rendered)


@solara.component
def Display(live: LiveRun, lg: str, rendered):
    """The week, the community and the charts: the only part redrawn frame by frame."""
    frame_no = frame.value
    week_now = live.week  # what this frame draws (or later: the model may step while it draws)

    def on_screen():
        rendered.current = (frame_no, week_now)

    solara.use_effect(on_screen, [frame_no])
    week = view_week.value
    with solara.Column(gap="6px", style={"flex": "1", "min-width": "0", "overflow-y": "auto", "padding": "6px 12px"}):
        Status(live, frame_no, lg, week)
        if live.panels:
            with solara.Div(classes=["main-grid"]):
                Community(live, frame_no, lg, week)
                Charts(live, frame_no, lg, week)


@solara.component
def Page():
    router = solara.use_router()
    exception, clear = solara.use_exception()

    def start():
        if settings.value is None:
            seed_text.set(None)
            restored, query_lang, ignored = settings_from_query(router.search)
            settings.set(restored)
            url_note.set(", ".join(ignored) or None)
            if query_lang:
                lang.set(query_lang)
        if run.value is None:
            restart()

    solara.use_effect(start, [])
    lg = lang.value
    live, s = run.value, settings.value
    query = settings_query(s, lg) if s is not None else None

    def sync_address():
        if query is not None and (router.search or "") != query and router.set_path is not None:  # None: no browser
            router.push(f"{router.path or '/'}?{query}")

    solara.use_effect(sync_address, [query])
    solara.Title(t("title", lg))
    solara.Style(PAGE_CSS)

    with solara.Column(gap="0px", style={"height": "100vh"},
                       classes=["workshop", "presenting"] if presenting.value else ["workshop"]):
        with solara.Row(classes=["app-title-bar"], style={"background": "#3949ab", "color": "white",
                                                          "padding": "4px 14px", "align-items": "center"}):
            solara.Text(t("title", lg), classes=["app-title"], style={"font-size": "1.35em", "font-weight": "600",
                                                                      "flex": "1"})
            Watchdog(lost_title=t("lost.title", lg), lost_text=t("lost.text", lg), reload_label=t("lost.reload", lg),
                     presenting=presenting.value, present_tip=t("present.tip", lg),
                     present_label=t("present.leave", lg) if presenting.value else t("present", lg),
                     event_set_presenting=guarded(lambda on: presenting.set(bool(on))))
            LanguageSwitch(lg)
        problem = exception or page_error.value
        if problem is not None:
            if exception is not None:
                log.error("error while drawing the page", exc_info=exception)

            def resume():
                page_error.set(None)
                clear()

            with ErrorNote(problem, lg, "page", "page-error"):
                solara.Button(t("continue", lg), on_click=resume, color="primary", classes=["btn-continue"])
        if exception is not None:
            return
        if live is None or s is None:
            solara.SpinnerSolara()
            return
        Main(live, s, lg)
