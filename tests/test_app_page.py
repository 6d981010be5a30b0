"""The page rendered in-process (no browser): Play runs apart from drawing and Pause stops the model
at once, controls act on the run, settings changed mid-run wait for Reset, errors show translated,
and the trainer's tools (reference run, scrubbing back, resident inspection, export) work."""

from __future__ import annotations

import copy
import dataclasses
import io
import threading
import time

import ipyvuetify as v
import pandas as pd
import pytest
import solara

import app.page as page

TIMEOUT = 60  # generous: the machine may be busy


@pytest.fixture
def rendered():
    for reactive, value in ((page.settings, None), (page.run, None), (page.lang, "en"), (page.player, None),
                            (page.seed_note, None), (page.seed_text, None), (page.page_error, None), (page.reference, None),
                            (page.view_week, None), (page.inspected, None), (page.presenting, False),
                            (page.speed, 4), (page.band_on, False), (page.band, None),
                            (page.band_progress, None), (page.band_error, None)):
        reactive.set(value)
    box, rc = solara.render(page.Page(), handle_error=False)
    yield rc
    page.stop()
    rc.close()


def text_of(rc, cls: str) -> str:
    return "".join(rc.find(class_=cls).widget.children)


def html_containing(rc, text: str) -> list:
    return [w for w in rc.find(solara.widgets.HTML).widgets if text in (w.unsafe_innerHTML or "")]


def wait_for(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_steps_and_language(rendered):
    rc = rendered
    assert text_of(rc, "week-label") == "Week 0 of 156"
    for _ in range(3):
        page.step_once()
    assert page.run.value.week == 3 and text_of(rc, "week-label") == "Week 3 of 156"
    rc.find(v.Btn, children=["Step"]).assert_single()
    page.lang.set("zh")
    assert text_of(rc, "week-label") == "第 3 周（共 156 周）"
    rc.find(v.Btn, children=["单步"]).assert_single()
    assert text_of(rc, "app-title") == "社区参与：现场工作坊"


def test_play_runs_apart_from_drawing_and_pause_stops_the_model_at_once(rendered):
    rc = rendered
    page.speed.set(20)
    page.set_playing(True)
    player = page.player.value
    assert player is not None and player.playing
    wait_for(lambda: page.run.value.week >= 10, "the run to reach week 10")
    wait_for(lambda: text_of(rc, "week-label") != "Week 0 of 156", "a frame on screen")
    page.set_playing(False)
    assert page.player.value is None and not player.playing  # the model thread has ended
    week = page.run.value.week
    time.sleep(0.5)
    assert page.run.value.week == week
    assert text_of(rc, "week-label") == f"Week {week} of 156"  # the week shown is the final one
    assert player.pause_latency is not None


def test_pause_turns_the_button_before_the_final_picture_is_drawn(rendered, monkeypatch):
    rc = rendered
    page.speed.set(20)
    page.set_playing(True)
    wait_for(lambda: page.run.value.week >= 5, "the run to reach week 5")
    toggle = [w for w in rc.find(v.VuetifyTemplate).widgets if hasattr(w, "playing")]
    assert len(toggle) == 1 and toggle[0].playing
    drawn = []  # the threads that drew a chart
    charts = page.ChartPicture.png
    monkeypatch.setattr(page.ChartPicture, "png",
                        lambda self, *a, **k: drawn.append(threading.current_thread()) or charts(self, *a, **k))
    presses = page.play_presses.value
    page.set_playing(False)
    assert page.player.value is None  # the model has stopped
    assert threading.current_thread() not in drawn  # Pause itself draws no picture: the final frame follows
    # the button turns with the next drawing of the page (now, or after a frame under way)
    wait_for(lambda: not toggle[0].playing and toggle[0].handled == presses + 1, "the button to say Play")
    week = page.run.value.week
    wait_for(lambda: text_of(rc, "week-label") == f"Week {week} of 156", "the final week")
    wait_for(lambda: page.run.value.week == week and len(drawn) > 0, "the final frame")
    page.set_playing(False)  # a second Pause in flight is harmless
    assert page.player.value is None and page.play_presses.value == presses + 2


def test_the_band_is_computed_beside_play_and_drawn_behind_the_curves(rendered):
    rc = rendered
    s = copy.deepcopy(page.settings.value)
    s.values["steps"] = 520
    page.change(s)
    page.speed.set(20)
    page.band_on.set(True)
    page.set_playing(True)
    wait_for(lambda: page.run.value.week >= 10, "the run to reach week 10")
    assert page.band_progress.value is not None, "the band had finished before Play had run 10 weeks"
    rc.find(v.Html, class_="band-progress").assert_single()
    wait_for(lambda: page.band.value is not None, "the band")
    assert page.player.value is not None  # Play went on while the band was computed
    page.set_playing(False)
    assert page.band.value.settings == page.run.value.settings and len(page.band.value.seeds) == 5
    wait_for(lambda: html_containing(rc, "shaded: 10–90% of 5 other seeds"), "the band's note under the charts")
    page.band_on.set(False)
    wait_for(lambda: not html_containing(rc, "shaded: 10–90%"), "the band to leave the charts")


def test_play_stops_by_itself_at_the_target_week(rendered):
    rc = rendered
    page.speed.set(20)
    page.play(until=6)
    wait_for(lambda: page.player.value is None, "the player to stop")
    assert page.run.value.week == 6
    wait_for(lambda: text_of(rc, "week-label") == "Week 6 of 156", "the last frame")


def test_changes_apply_at_once_before_the_run_starts_and_wait_for_reset_after(rendered):
    rc = rendered
    s = page.settings.value
    page.change(dataclasses.replace(s, seed=7))
    assert page.run.value.settings.seed == 7 and page.run.value.week == 0  # applied at once
    page.step_once()
    page.change(dataclasses.replace(page.settings.value, seed=8))
    assert page.run.value.settings.seed == 7 and page.run.value.week == 1  # the run goes on
    rc.find(v.Alert, class_="settings-changed").assert_single()
    page.restart()
    assert page.run.value.settings.seed == 8 and page.run.value.week == 0
    rc.find(v.Alert, class_="settings-changed").assert_empty()


def test_a_bad_seed_is_refused_and_the_field_shows_the_seed_in_use(rendered):
    rc = rendered
    for bad in ("abc", "-3", str(2**31), "4.5", ""):
        page.set_seed_text(bad)
        assert page.settings.value.seed == page.run.value.settings.seed == 42
        assert rc.find(v.TextField, class_="ctl-seed").widget.v_model == "42"
        rc.find(v.Alert, class_="seed-error").assert_single()
    page.set_seed_text("123")
    assert page.settings.value.seed == page.run.value.settings.seed == 123
    assert rc.find(v.TextField, class_="ctl-seed").widget.v_model == "123"
    rc.find(v.Alert, class_="seed-error").assert_empty()


def test_the_scenario_label_says_custom_once_the_setup_differs(rendered):
    rc = rendered

    def scenario_items():
        return {item["value"]: item["title"] for item in rc.find(v.Select, class_="ctl-scenario").widget.items}

    assert scenario_items()["baseline"] == "Baseline: no programme"
    new = page.settings.value
    new = dataclasses.replace(new, values={**new.values, "officials.openness": 0.8})
    page.change(new)
    assert scenario_items()["baseline"] == "Baseline: no programme (custom)"
    page.pick_scenario("baseline")
    assert scenario_items()["baseline"] == "Baseline: no programme"
    s = copy.deepcopy(page.settings.value)  # as the switch does: the settings are never changed in place
    s.interventions["empowerment_training"].on = True
    page.change(s)
    assert scenario_items()["baseline"].endswith("(custom)")
    page.lang.set("zh")
    assert scenario_items()["baseline"] == "基线：无干预（已自定义）"


def test_picking_a_scenario_restarts_with_its_programmes_and_shows_its_description(rendered):
    rc = rendered
    page.step_once()
    page.pick_scenario("empowerment_training")
    s = page.settings.value
    assert s.scenario == "empowerment_training" and s.interventions["empowerment_training"].on
    assert page.run.value.week == 0
    assert "empowerment_training" in page.run.value.panels[0].model.config.interventions
    assert "100 residents trained in week 13" in text_of(rc, "scenario-about")


def test_a_failing_model_shows_a_translated_message_and_the_page_keeps_working(rendered, monkeypatch):
    rc = rendered

    def broken():
        raise ValueError("no such courtyard")

    monkeypatch.setattr(page.run.value.panels[0].model, "step", broken)
    page.lang.set("zh")
    page.step_once()
    alert = rc.find(v.Alert, class_="run-error")
    alert.assert_single()
    assert "模型运行出错而停止" in str(alert.widget)
    assert html_containing(rc, "ValueError: no such courtyard")  # folded away under the details
    page.restart()  # Reset builds a fresh community and the run goes on
    page.step_once()
    assert page.run.value.week == 1 and page.run.value.error is None
    rc.find(v.Alert, class_="run-error").assert_empty()


def test_an_error_in_a_handler_is_logged_and_shown_not_raised(rendered, monkeypatch, caplog):
    rc = rendered

    def broken(*args, **kwargs):
        raise RuntimeError("drawing exploded")

    monkeypatch.setattr(page, "keep_reference", broken)
    handler = page.guarded(page.keep_reference)
    with caplog.at_level("ERROR", logger="app.page"):
        handler()
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)
    rc.find(v.Alert, class_="page-error").assert_single()
    rc.find(v.Btn, children=["Continue"]).widget.click()
    rc.find(v.Alert, class_="page-error").assert_empty()


def test_side_by_side_compares_the_chosen_bundle(rendered):
    rc = rendered
    page.set_compare(["load_relief", "empowerment_training"])  # as the multiple choice hands it over
    page.step_once()
    run = page.run.value
    assert [p.role for p in run.panels] == ["with", "without"]
    assert {"empowerment_training", "load_relief"} <= set(run.panels[0].model.config.interventions)
    assert not run.panels[1].model.config.interventions
    titles = ["".join(w.children) for w in rc.find(class_="panel-title").widgets]
    assert titles == ["1. With: Empowerment training + Administrative load relief",
                      "2. Without: Empowerment training + Administrative load relief"]


def test_reference_run_is_kept_across_reset(rendered):
    rc = rendered
    for _ in range(5):
        page.step_once()
    page.keep_reference()
    ref = page.reference.value
    assert ref.week == 5 and len(ref.table) == 5
    page.restart()
    assert page.reference.value is ref and page.run.value.week == 0
    assert len(html_containing(rc, "grey line: reference")) == 4  # under each line chart
    page.reference.set(None)
    assert not html_containing(rc, "grey line: reference")


def test_scrubbing_back_shows_an_earlier_week_and_step_returns_to_the_latest(rendered):
    rc = rendered
    for _ in range(6):
        page.step_once()
    page.view_week.set(2)
    assert text_of(rc, "week-label") == "Week 2 of 156"
    rc.find(v.Alert, class_="looking-back").assert_single()
    assert page.run.value.week == 6  # the run itself stays where it is
    page.step_once()
    assert page.view_week.value is None and text_of(rc, "week-label") == "Week 7 of 156"


def test_a_click_on_the_picture_inspects_the_nearest_resident(rendered):
    live = page.run.value
    layout = live.layout
    row = 17
    x, y = layout.positions[row]
    xmin, xmax, ymin, ymax = layout.bounds
    page.inspected.set(None)
    # what the picture's click handler receives: fractions of the picture's width and height
    from app.figures import NetworkPicture

    picture = NetworkPicture(live.panels[0].model, layout)
    assert picture.nearest((x - xmin) / (xmax - xmin), (ymax - y) / (ymax - ymin)) == row
    page.inspected.set((0, row))
    lines = page.resident_card(live, 0, row, None, "en")
    assert any(line.startswith("courtyard ") for line in lines)
    rendered.find(class_="resident-card").assert_single()


def test_csv_export_holds_every_week_of_every_panel(rendered):
    for _ in range(4):
        page.step_once()
    table = pd.read_csv(io.BytesIO(page.export_csv(page.run.value)))
    assert list(table["panel"]) == ["run"] * 4 and list(table["step"]) == [1, 2, 3, 4]
    assert {"participation_rate", "community_rung"} <= set(table.columns)
