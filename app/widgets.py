"""Small building blocks of the page: tooltips, cards, sliders that apply on release, choices,
and the page's browser-side helpers (:mod:`app.vue`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import solara
from solara.alias import rv

VUE = Path(__file__).parent / "vue"


@solara.component
def Tip(text: str, children=[]):
    """Wrap children with a tooltip."""
    with solara.Tooltip(text):
        solara.Column(children=children, gap="0px", style={"background": "transparent"})


@solara.component
def Section(title: str, children=[]):
    """A card of the control column (does not shrink: the column scrolls instead)."""
    solara.Card(title, children=children, margin=0, style={"flex-shrink": "0"})


@solara.component_vue(str(VUE / "release_slider.vue"))
def _ReleaseSlider(label: str, current: float, min: float, max: float, step: float, decimals: int,
                   format_as: str, format_as_value: float, disabled: bool, css_class: str,
                   event_set_value: Callable[[float], None]):
    pass


def decimals_of(step: float) -> int:
    """Decimal places a slider with this step shows (0.05 -> 2, 0.25 -> 2, 1 -> 0)."""
    text = f"{step:g}"
    return len(text.split(".")[1]) if "." in text else 0


@solara.component
def Slider(label: str, tip: str, value, lo, hi, step, on_value, is_float=False, test_id="",
           zero_label: str = "", disabled: bool = False):
    """A slider whose ``label`` (with ``{value}``) follows the thumb and whose value is applied when
    the thumb is released; ``zero_label`` replaces the label at 0."""
    cast = float if is_float else int

    def apply(raw):
        on_value(cast(round(float(raw) / step) * step) if not is_float else round(float(raw), 6))

    with Tip(tip):
        _ReleaseSlider(label=label, current=value, min=lo, max=hi, step=step,
                       decimals=decimals_of(step) if is_float else 0, format_as=zero_label, format_as_value=0,
                       disabled=disabled, css_class=f"ctl-{test_id}" if test_id else "", event_set_value=apply)


@solara.component
def Choice(label: str, tip: str, value, items: list[tuple[str, str]], on_value, test_id="", multiple=False):
    with Tip(tip):
        rv.Select(label=label, v_model=value, on_v_model=on_value, dense=True, hide_details=True, multiple=multiple,
                  chips=multiple, items=[{"title": text, "value": v} for v, text in items], class_=f"ctl-{test_id}")


@solara.component_vue(str(VUE / "watchdog.vue"))
def Watchdog(lost_title: str, lost_text: str, reload_label: str, presenting: bool, present_label: str,
             present_tip: str, event_set_presenting: Callable[[bool], None]):
    pass


@solara.component_vue(str(VUE / "network_view.vue"))
def NetworkView(src: str, tip: str, css_class: str, img_style: dict, event_pick: Callable[[dict], None]):
    pass


@solara.component_vue(str(VUE / "play_button.vue"))
def PlayToggle(playing: bool, handled: int, play_label: str, pause_label: str, disabled: bool, css_class: str,
               event_set_playing: Callable[[bool], None]):
    pass


@solara.component_vue(str(VUE / "chart_view.vue"))
def ChartView(src: str, readout: dict):
    pass
