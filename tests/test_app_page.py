"""The page rendered in-process (no browser): controls act on the run, the language switches,
settings changed mid-run wait for Reset, and a failing model shows its message."""

from __future__ import annotations

import dataclasses

import ipyvuetify as v
import ipywidgets
import pytest
import solara

import app.page as page
from app.settings import Settings


@pytest.fixture
def rendered():
    for reactive, value in ((page.settings, None), (page.run, None), (page.lang, "en"), (page.playing, False),
                            (page.seed_error, False)):
        reactive.set(value)
    box, rc = solara.render(page.Page(), handle_error=False)
    yield rc
    rc.close()


def text_of(rc, cls: str) -> str:
    return "".join(rc.find(class_=cls).widget.children)


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


def test_picking_a_scenario_restarts_with_its_programmes(rendered):
    page.step_once()
    page.pick_scenario("empowerment_training")
    s = page.settings.value
    assert s.scenario == "empowerment_training" and s.interventions["empowerment_training"].on
    assert page.run.value.week == 0
    assert "empowerment_training" in page.run.value.panels[0].model.config.interventions


def test_a_failing_model_shows_the_message_and_the_page_keeps_working(rendered, monkeypatch):
    rc = rendered

    def broken():
        raise ValueError("no such courtyard")

    monkeypatch.setattr(page.run.value.panels[0].model, "step", broken)
    page.step_once()
    alert = rc.find(v.Alert, class_="run-error")
    alert.assert_single()
    page.restart()  # Reset builds a fresh community and the run goes on
    page.step_once()
    assert page.run.value.week == 1 and page.run.value.error is None
    rc.find(v.Alert, class_="run-error").assert_empty()


def test_side_by_side_shows_two_panels(rendered):
    rc = rendered
    s = Settings.from_scenario("baseline")
    page.settings.set(dataclasses.replace(s, compare="empowerment_training"))
    page.restart()
    page.step_once()
    assert [p.role for p in page.run.value.panels] == ["with", "without"]
    assert len(rc.find(ipywidgets.Image, _dom_classes=("solara-image", "network-image")).widgets) == 2
    rc.find(v.Html, children=["1. With: Empowerment training"]).assert_single()
    rc.find(v.Html, children=["2. Without: Empowerment training"]).assert_single()
