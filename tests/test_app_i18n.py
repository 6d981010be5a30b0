"""Every word of the app exists in English and Simplified Chinese, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from app.figures import CHART_SERIES
from app.i18n import DEFAULT_LANG, LANGS, STRINGS, lang_from_query, name_of, t, tip_of
from app.settings import CONTROLS
from sim.cli import known_scenarios
from sim.interventions import REGISTRY

CJK = re.compile(r"[\u4e00-\u9fff]")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_in_both_languages_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGS), key
    assert all(entry[lang].strip() for lang in LANGS), key
    assert CJK.search(entry["zh"]), f"{key}: no Chinese characters in {entry['zh']!r}"
    assert placeholders(entry["en"]) == placeholders(entry["zh"]), key


def test_everything_the_page_names_is_translated():
    needed = {"title", "legend", "now", "chart.axis"}
    needed |= {f"rung.{k}" for k in range(1, 9)} | {f"rung.{k}.tip" for k in range(1, 9)}
    needed |= {f"group.{g}" for g in ("non_participation", "tokenism", "citizen_power")}
    for kind, series in CHART_SERIES.items():
        needed |= {f"chart.{kind}", f"chart.{kind}.tip"}
        if kind != "ladder":
            needed |= {f"series.{s}" for s in series}
    for c in CONTROLS:
        needed |= {f"param.{c.key}", f"param.{c.key}.tip"}
        needed |= {f"choice.{c.key}.{v}" for v in c.choices}
    needed |= {f"scenario.{name}" for name in known_scenarios()}
    missing = sorted(needed - set(STRINGS))
    assert not missing, f"add English and Chinese text to app/i18n.py for: {missing}"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_programme_declares_its_label_and_about_in_both_languages(name):
    cls = REGISTRY[name]
    for texts in (cls.label, cls.about):
        assert set(texts) == set(LANGS) and all(texts[lang].strip() for lang in LANGS)
        assert CJK.search(texts["zh"]) and not CJK.search(texts["en"])
    assert name_of("programme", name, "zh") == cls.label["zh"]
    assert tip_of("programme", name, "en") == cls.about["en"]


def test_a_programme_without_both_labels_is_refused_when_its_class_is_defined():
    from sim.interventions import Intervention

    with pytest.raises(TypeError, match="label must give a text for each of en, zh"):
        class HalfTranslated(Intervention):  # noqa: F841 - defining it is the test
            name = "half_translated"
            label = {"en": "Half translated"}
            about = {"en": "x", "zh": "某"}
    assert "half_translated" not in REGISTRY


def test_lookup_fills_placeholders_and_falls_back_to_file_names():
    assert t("week", "en", week=3, steps=52) == "Week 3 of 52"
    assert t("week", "zh", week=3, steps=52) == "第 3 周（共 52 周）"
    assert name_of("scenario", "not_a_preset", "zh") == "not a preset"
    assert name_of("scenario", "baseline", "zh") == t("scenario.baseline", "zh")


def test_language_from_the_url_query():
    assert lang_from_query("lang=zh") == "zh"
    assert lang_from_query("?seed=3&lang=zh") == "zh"
    assert lang_from_query("lang=fr") == DEFAULT_LANG
    assert lang_from_query(None, default="zh") == "zh"
