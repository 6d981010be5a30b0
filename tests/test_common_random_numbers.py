"""Common random numbers: a programme changes only what it causes.

Every programme in the library, in a version that does nothing (effects zeroed, nobody reached,
or never in force on a deliberation day), must leave the run's output files byte-identical to the
run without it, apart from its own report; no rule may draw from Mesa's shared generator.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.interventions import REGISTRY
from sim.model import CommunityModel
from sim.outputs import summarise, write_outputs
from sim.streams import Streams

STEPS = 40
ZERO_TRAINING = {"capacity_gain": 0.0, "efficacy_gain": 0.0, "openness_gain": 0.0, "responsiveness_gain": 0.0}

# (params, steps to run): each programme acts as usual (draws its targets, holds its sessions,
# gives its questionnaires) with every effect set to zero, or is in force only on a week that
# is not a deliberation day, or (council, fund: no zero-effect setting exists, since any sitting
# or procedure step is itself participation) is scheduled for the week after the run ends.
NO_OPS = {
    "empowerment_training": ({**ZERO_TRAINING, "schedule": {"start": 3, "period": 8}}, STEPS),
    "most_course": ({**ZERO_TRAINING, "schedule": {"start": 3}}, STEPS),
    "load_relief": ({"load_cut": 0.0, "schedule": {"start": 3, "period": 5}}, STEPS),
    "returning_power": ({"cede": 0.0, "schedule": {"start": 3, "period": 5}}, STEPS),
    "three_social_linkage": ({"capacity_gain": 0.0, "efficacy_gain": 0.0, "cultivation_rate": 0.0,
                              "support_gain": 0.0}, STEPS),
    "six_steps": ({"activities": {"interest_gain": 0.0, "schedule": {"start": 1, "end": 12, "period": 2}},
                   "empower": {"per_round": 0}, "convert": {"chance": 0.0},
                   "education": {"efficacy_gain": 0.0, "cooperation_shift": 0.0},
                   "platform": {"facilitation": 0.0, "openness": 0.0, "schedule": {"start": 20}}}, STEPS),
    "courtyard_college": ({"target": {"kind": "courtyards", "courtyards": [99]}, "schedule": {"start": 3}}, STEPS),  # nobody lives there
    "random_leader_assignment": ({"schedule": {"start": 2, "end": 3}}, STEPS),
    "cloud_deliberation": ({"schedule": {"start": 2, "end": 3}}, STEPS),
    "deliberation_council": ({"schedule": {"start": STEPS}}, STEPS - 1),
    "community_public_fund": ({"schedule": {"start": STEPS}}, STEPS - 1),
    "deliberation_training": ({**ZERO_TRAINING, "schedule": {"start": 3, "period": 8}}, STEPS),
    "deliberation_day": ({"schedule": {"start": STEPS}}, STEPS - 1),  # its proposals are participation
    "mode_choice": ({"candidates": ["snowball"]}, STEPS),  # the only candidate is the configured mode
    "indicator_evaluation": ({"pressure": 0.0, "schedule": {"start": 5, "period": 10}}, STEPS),
    "street_office_training": ({"openness_gain": 0.0, "responsiveness_gain": 0.0, "schedule": {"start": 3}}, STEPS),
}


def test_every_programme_has_a_no_op_case():
    assert set(NO_OPS) == set(REGISTRY)


def run_and_write(small_config, tmp_path, name, interventions, steps):
    cfg = small_config(steps=STEPS, interventions=interventions,
                       organisations={"founding_rate": 0.1}, leaders={"emergence_rate": 0.2})
    model = CommunityModel(cfg)
    mesa_rng = model.rng.bit_generator.state
    model.run_for(steps)
    assert model.rng.bit_generator.state == mesa_rng, "a rule drew from Mesa's shared generator"
    summary = summarise(model)
    out = write_outputs(model, tmp_path / name, summary)
    summary.pop("interventions")
    return out, summary


@pytest.mark.parametrize("programme", sorted(NO_OPS))
def test_a_programme_that_does_nothing_changes_nothing(small_config, tmp_path, programme):
    params, steps = NO_OPS[programme]
    base, base_summary = run_and_write(small_config, tmp_path, "without", {}, steps)
    with_, with_summary = run_and_write(small_config, tmp_path, "with", {programme: params}, steps)
    for name in ("timeseries.parquet", "meetings.parquet"):
        assert (base / name).read_bytes() == (with_ / name).read_bytes(), name
    assert json.dumps(base_summary) == json.dumps(with_summary)
    assert base_summary["proposals_total"] > 0  # the community did deliberate


def test_a_real_programme_changes_the_run(small_config, tmp_path):
    base, _ = run_and_write(small_config, tmp_path, "without", {}, STEPS)
    with_, _ = run_and_write(small_config, tmp_path, "with", {"empowerment_training": {"schedule": {"start": 3}}}, STEPS)
    assert (base / "timeseries.parquet").read_bytes() != (with_ / "timeseries.parquet").read_bytes()


def test_weeks_before_a_programme_starts_are_identical(small_config):
    """Common random numbers make the untreated weeks of a treated run the untreated run's weeks."""
    runs = []
    for interventions in ({}, {"empowerment_training": {"schedule": {"start": 21}}}):
        model = CommunityModel(small_config(steps=STEPS, interventions=interventions))
        model.run_for(STEPS)
        runs.append(model.timeseries())
    before, after = (slice(0, 20), slice(20, None))
    assert runs[0].iloc[before].equals(runs[1].iloc[before])
    assert not runs[0].iloc[after].equals(runs[1].iloc[after])


# -- the streams themselves ------------------------------------------------------------------------
def test_a_residents_draw_does_not_depend_on_who_else_draws():
    s = Streams(7)
    everyone = s.uniform("site", np.arange(1000))
    some = np.array([3, 500, 999])
    np.testing.assert_array_equal(s.uniform("site", some), everyone[some])
    assert not np.array_equal(s.uniform("other", some), everyone[some])


def test_uniform_is_the_documented_formula_for_few_and_many_rows():
    """u = (mix(b + (i + 1) G) >> 11 + 1/2) / 2**53 (module docstring), with Python integers, for
    row counts on both sides of the small-count path, negative and large keys, and 2-D rows."""
    from sim.streams import _FEW, _GOLDEN, _MASK, _mix_int

    s = Streams(11, clock=lambda: 4)
    rng = np.random.default_rng(0)
    for n in (1, 2, _FEW - 1, _FEW, _FEW + 1, 64, 3000):
        rows = rng.integers(-2**40, 2**62, n)
        base = s._base("site", ("key", 3))
        expected = [((_mix_int((base + ((i + 1) & _MASK) * _GOLDEN) & _MASK) >> 11) + 0.5) / 2**53 for i in rows.tolist()]
        got = s.uniform("site", rows, "key", 3)
        assert got.dtype == np.float64 and got.tolist() == expected
    grid = np.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(s.uniform("site", grid), s.uniform("site", grid.ravel()).reshape(3, 4))
    np.testing.assert_array_equal(s.uniform("site", grid[:1, :2]), s.uniform("site", np.arange(2)).reshape(1, 2))


def test_streams_differ_by_seed_step_site_and_key():
    step = [1]
    a = Streams(1, clock=lambda: step[0])
    rows = np.arange(500)
    first = a.uniform("x", rows)
    assert not np.array_equal(first, Streams(2, clock=lambda: 1).uniform("x", rows))
    assert not np.array_equal(first, a.uniform("x", rows, "key"))
    assert not np.array_equal(first, a.child("programme").uniform("x", rows))
    step[0] = 2
    assert not np.array_equal(first, a.uniform("x", rows))
    step[0] = 1
    np.testing.assert_array_equal(first, a.uniform("x", rows))


def test_uniforms_are_uniform_and_independent():
    from scipy import stats

    s = Streams(3)
    u = s.uniform("x", np.arange(200_000))
    assert 0 < u.min() and u.max() < 1
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01  # neighbouring residents
    assert abs(np.corrcoef(u, s.uniform("y", np.arange(200_000)))[0, 1]) < 0.01  # two sites


def test_samples_take_k_without_replacement_with_the_right_weights():
    s = Streams(5)
    pool = np.arange(10, 60)
    picked = s.sample("pick", pool, 7)
    assert len(np.unique(picked)) == 7 and np.isin(picked, pool).all()
    # weighted sampling: the heavy half is picked more often, over many independent keys
    weights = np.r_[np.ones(25), 9 * np.ones(25)]
    heavy = np.mean([(s.weighted_sample("w", pool, 5, weights, k) >= 35).mean() for k in range(400)])
    assert 0.8 < heavy < 0.95  # sequential draws: 9/10 at first, a little less as the heavy run out
    counts = np.bincount(s.categorical("c", np.arange(60_000), np.array([0.2, 0.5, 0.3])), minlength=3)
    np.testing.assert_allclose(counts / 60_000, [0.2, 0.5, 0.3], atol=0.01)
