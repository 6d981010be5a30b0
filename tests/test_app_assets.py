"""The list of browser files the page needs is read off Solara's own template."""

from __future__ import annotations

import solara.util

from app.assets import missing_packages, required_packages


def test_the_page_needs_its_app_bundle_requirejs_and_icons(tmp_path):
    specs = required_packages()
    bundle = "@widgetti/solara-vuetify3-app@" if solara.util.IPYVUETIFY_V3 else "@widgetti/solara-vuetify-app@"
    assert sum(s.startswith(bundle) for s in specs) == 1
    assert any(s.startswith("requirejs@") for s in specs)
    assert any(s.startswith("font-awesome@") for s in specs)
    assert all("@" in s.lstrip("@") for s in specs)  # every one pinned to a version
    assert missing_packages(tmp_path) == specs
    (tmp_path / specs[0]).mkdir(parents=True)
    assert missing_packages(tmp_path) == specs[1:]
