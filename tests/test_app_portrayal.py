"""The app's portrayal: the rung palette and its groups, and how residents and officials are drawn."""

from __future__ import annotations

import colorsys

import numpy as np
import pytest
from matplotlib.colors import to_rgb, to_rgba, to_rgba_array

from app.portrayal import (COURTYARD_FILL, MIN_CONTRAST, NO_RING_COLOUR, OFFICIAL_CLOSED, OFFICIAL_OPEN, RING_COLOURS, RUNG_COLOURS, RUNG_GROUPS,
                           contrast_ratio, portray_officials, portray_residents, rung_colour, rung_colours, rung_counts,
                           rung_group)
from sim.agents import Purpose
from sim.ladder import Rung

HUES = {"non_participation": (-0.05, 0.05), "tokenism": (0.10, 0.20), "citizen_power": (0.25, 0.45)}


def hue(colour: str) -> float:
    h = colorsys.rgb_to_hsv(*to_rgb(colour))[0]
    return h - 1 if h > 0.5 else h  # reds near 1 wrap to just below 0


def lightness(colour: str) -> float:
    return colorsys.rgb_to_hls(*to_rgb(colour))[1]


def test_eight_distinct_colours_one_per_rung():
    assert len(RUNG_COLOURS) == 8 and len(set(RUNG_COLOURS)) == 8
    assert [rung_colour(k) for k in range(1, 9)] == list(RUNG_COLOURS)
    np.testing.assert_allclose(rung_colours(np.array([8, 1, 3])),
                               [to_rgba(RUNG_COLOURS[7]), to_rgba(RUNG_COLOURS[0]), to_rgba(RUNG_COLOURS[2])])
    for bad in (0, 9, -1):
        with pytest.raises(ValueError):
            rung_colour(bad)


def test_groups_follow_arnsteins_ladder():
    grouped = [int(r) for _, rungs in RUNG_GROUPS for r in rungs]
    assert grouped == list(range(1, 9))
    for rung in Rung:  # the model's own grouping, written with spaces and hyphens
        assert rung_group(rung) == rung.group.replace("-", "_").replace(" ", "_")


def test_each_group_has_its_own_hue_and_darkens_towards_citizen_control():
    for group, rungs in RUNG_GROUPS:
        lo, hi = HUES[group]
        for rung in rungs:
            assert lo <= hue(rung_colour(rung)) <= hi, (group, rung, rung_colour(rung))
    for group in ("tokenism", "citizen_power"):
        rungs = dict(RUNG_GROUPS)[group]
        shades = [lightness(rung_colour(r)) for r in rungs]
        assert shades == sorted(shades, reverse=True), (group, shades)
    # the bottom rung is the darkest red: decisions made for residents
    assert lightness(rung_colour(1)) < lightness(rung_colour(2))


def test_rung_counts_sum_to_residents():
    rungs = np.array([1, 1, 3, 8, 5, 5, 5])
    assert rung_counts(rungs).tolist() == [2, 0, 1, 0, 3, 0, 0, 1]


@pytest.fixture(scope="module")
def stepped_model():
    from sim.model import CommunityModel

    model = CommunityModel({"seed": 3, "community": {"n_residents": 300}, "leaders": {"n_initial": 10},
                            "issues": {"rate": 5.0}, "organisations": {"founding_rate": 0.2}})
    for _ in range(24):
        model.step()
        if model.is_deliberation_day and len(model.attendees) and model.organisations():
            break
    return model


def test_residents_coloured_by_highest_rung_with_leaders_rings_and_attendees(stepped_model):
    m = stepped_model
    s = m.state
    style = portray_residents(m, base_size=10.0)
    assert len(np.unique(s.rung)) > 1  # the check below compares more than one colour
    np.testing.assert_allclose(style.face, to_rgba_array(RUNG_COLOURS)[s.rung - 1])
    np.testing.assert_array_equal(style.leader, s.is_leader)
    assert s.is_leader.any()
    purpose = {o.org_id: o.purpose for o in m.organisations()}
    members = np.flatnonzero(s.organisation >= 0)
    assert len(members) > 0
    for row in members:
        np.testing.assert_allclose(style.ring[row], to_rgba(RING_COLOURS[purpose[int(s.organisation[row])]]))
        assert style.ring_width[row] > 1.0
    outsiders = (s.organisation < 0) & ~s.is_leader
    np.testing.assert_allclose(style.ring[outsiders], np.tile(to_rgba(NO_RING_COLOUR), (outsiders.sum(), 1)))
    attending = np.zeros(s.n, bool)
    attending[m.attendees] = True
    assert attending.any()
    plain = ~s.is_leader
    assert (style.size[attending & plain] > style.size[~attending & plain].max()).all()
    assert style.size[s.is_leader].min() > style.size[plain].max()  # stars stand out


def test_officials_shown_with_role_markers_and_openness(stepped_model):
    m = stepped_model
    style = portray_officials(m)
    assert len(style.marker) == m.config.officials.n_cadres + 1
    assert style.marker.count("D") == 1 and style.marker.count("s") == m.config.officials.n_cadres
    closed, open_ = to_rgba(OFFICIAL_CLOSED), to_rgba(OFFICIAL_OPEN)
    expected = np.array(closed) + np.clip(style.openness, 0, 1)[:, None] * (np.array(open_) - np.array(closed))
    np.testing.assert_allclose(style.face, expected)
    assert ((style.openness >= 0) & (style.openness <= 1)).all()


def test_purposes_have_distinct_rings_not_in_the_rung_palette():
    rings = set(RING_COLOURS.values())
    assert len(rings) == len(Purpose) and not rings & set(RUNG_COLOURS)


@pytest.mark.parametrize("background", [COURTYARD_FILL, "#ffffff"], ids=["courtyard", "page"])
def test_every_rung_colour_stands_out_from_its_background(background):
    """WCAG 2 contrast of at least 3:1 for graphical objects, against the courtyard disc the dots sit
    on and the white page and charts."""
    ratios = {k: contrast_ratio(rung_colour(k), background) for k in range(1, 9)}
    assert min(ratios.values()) >= MIN_CONTRAST == 3.0, ratios


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#fff2a8", COURTYARD_FILL) < 1.1  # the pale yellow the palette used to have
