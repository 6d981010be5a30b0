"""Property: every key of every schema (model, sweep settings, each programme's parameters) refuses
every bad value with one line naming the key, and nothing else escapes (no traceback)."""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import ModelConfig, as_plain, validate_config
from sim.interventions import REGISTRY
from sim.schema import SEED_MAX, ConfigError
from sim.sweep.parameters import with_values
from sim.sweep.settings import SweepSettings, read_settings


@dataclasses.dataclass(frozen=True)
class Leaf:
    key: str  # dotted, relative to its root
    typ: Any
    optional: bool
    meta: Any


def _unwrap(typ: Any) -> tuple[Any, bool]:
    if typing.get_origin(typ) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(typ) if a is not type(None)][0], True
    return typ, False


def leaves(obj: Any, prefix: str = "") -> list[Leaf]:
    """Every scalar field of a dataclass instance, entries of mappings of dataclasses included."""
    out = []
    hints = typing.get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        key = f"{prefix}{f.name}"
        value = getattr(obj, f.name)
        typ, optional = _unwrap(hints[f.name])
        if dataclasses.is_dataclass(value):
            out += leaves(value, key + ".")
        elif isinstance(value, dict):
            for name, item in value.items():
                if dataclasses.is_dataclass(item):
                    out += leaves(item, f"{key}.{name}.")
        elif typ in (int, float, bool, str):
            out.append(Leaf(key, typ, optional, f.metadata))
    return out


MODEL_LEAVES = [leaf for leaf in leaves(ModelConfig()) if leaf.key not in ("network.edgelist.path",
                                                                          "network.edgelist.nodes_path")]
SWEEP_LEAVES = [leaf for leaf in leaves(SweepSettings()) if leaf.key != "design"]
PROGRAMME_LEAVES = [(name, leaf) for name, cls in sorted(REGISTRY.items()) for leaf in leaves(cls.Params())]


def bad_values(leaf: Leaf) -> st.SearchStrategy:
    """Values the leaf must refuse: wrong types, outside its range, not among its choices."""
    wrong = [st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)]
    if not leaf.optional:
        wrong.append(st.none())
    meta, lo, hi = leaf.meta, leaf.meta.get("lo"), leaf.meta.get("hi")
    if leaf.typ is bool:
        wrong += [st.integers(), st.floats(), st.text(max_size=5)]
    elif leaf.typ is str:
        wrong += [st.integers(), st.floats(allow_nan=False), st.booleans()]
        if meta.get("choices"):
            wrong.append(st.text(max_size=12).filter(lambda s: s not in meta["choices"]))
    else:
        wrong += [st.text(max_size=5), st.booleans()]
        if leaf.typ is int:
            wrong.append(st.floats(allow_nan=True, allow_infinity=True))
            if lo is not None:
                wrong.append(st.integers(max_value=math.ceil(lo) - 1 if not meta.get("lo_open") else math.ceil(lo)))
            if hi is not None:
                wrong.append(st.integers(min_value=math.floor(hi) + 1))
        else:
            wrong.append(st.sampled_from([math.nan, math.inf, -math.inf]))
            if lo is not None:
                below = st.floats(max_value=lo, exclude_max=not meta.get("lo_open"), allow_nan=False,
                                  allow_infinity=False)
                wrong.append(below)
            if hi is not None:
                wrong.append(st.floats(min_value=hi, exclude_min=True, allow_nan=False, allow_infinity=False))
    return st.one_of(wrong)


def assert_one_line_refusal(call, key: str) -> None:
    try:
        call()
    except ConfigError as error:
        text = str(error)
        assert "\n" not in text and text.startswith("config error: ")
        assert error.key == key, (error.key, key, text)
        assert key in text
        return
    raise AssertionError(f"{key}: accepted a bad value")


SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = as_plain(ModelConfig())
BASE.pop("interventions")


@SETTINGS
@given(st.sampled_from(MODEL_LEAVES).flatmap(lambda leaf: st.tuples(st.just(leaf), bad_values(leaf))))
def test_every_model_key_refuses_bad_values(case):
    leaf, value = case
    assert_one_line_refusal(lambda: validate_config(with_values(BASE, {leaf.key: value})), leaf.key)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SWEEP_LEAVES).flatmap(lambda leaf: st.tuples(st.just(leaf), bad_values(leaf))))
def test_every_sweep_setting_refuses_bad_values(case):
    leaf, value = case
    assert_one_line_refusal(lambda: read_settings({leaf.key: value}), f"sweep.{leaf.key}")


@SETTINGS
@given(st.sampled_from(PROGRAMME_LEAVES).flatmap(
    lambda item: st.tuples(st.just(item), bad_values(item[1]))))
def test_every_programme_parameter_refuses_bad_values(case):
    (name, leaf), value = case
    from sim.interventions import build_intervention_params

    params = with_values(as_plain_params(name), {leaf.key: value})
    assert_one_line_refusal(lambda: build_intervention_params(name, params), f"interventions.{name}.{leaf.key}")


def as_plain_params(name: str) -> dict:
    return dataclasses.asdict(REGISTRY[name].Params())


@pytest.mark.parametrize("seed, ok", [(0, True), (SEED_MAX, True), (SEED_MAX + 1, False), (2**64, False),
                                      (-1, False)])
def test_one_seed_rule(seed, ok):
    """Seeds are integers in [0, 2**63 - 1]: what Parquet's int64 columns (runs.parquet) take."""
    if ok:
        assert validate_config({"seed": seed}).seed == seed
    else:
        assert_one_line_refusal(lambda: validate_config({"seed": seed}), "seed")


def test_every_size_and_rate_has_an_upper_bound():
    """Issue case 5: nothing inside the ranges can ask for unbounded work."""
    unbounded = [leaf.key for leaf in MODEL_LEAVES if leaf.typ in (int, float) and leaf.meta.get("hi") is None]
    assert unbounded == []


@pytest.mark.parametrize("override, key", [
    ({"network": {"courtyard": {"ties_within_courtyard": 1e300}}}, "network.courtyard.ties_within_courtyard"),
    ({"network": {"courtyard": {"household_size": 10**9}}}, "network.courtyard.household_size"),
    ({"officials": {"n_cadres": 10**8}}, "officials.n_cadres"),
    ({"issues": {"rate": 1e12}}, "issues.rate"),
    ({"community": {"attribute_concentration": 5e-324}}, "community.attribute_concentration"),
    ({"network": {"kind": "watts_strogatz", "watts_strogatz": {"k": 100_000}}}, "network.watts_strogatz.k"),
    ({"community": {"n_residents": 10**9}}, "community.n_residents"),
    ({"community": None}, "community"),
    ({"issues": {"kinds": {"parking": None}}}, "issues.kinds.parking"),
])
def test_values_from_the_issue_are_refused(override, key):
    assert_one_line_refusal(lambda: validate_config(override), key)


@pytest.mark.parametrize("concentration", [0.01, 10_000.0])
@pytest.mark.parametrize("mean", [0.0, 1.0])
def test_extreme_values_inside_the_ranges_run(concentration, mean):
    from sim.model import CommunityModel

    cfg = {"steps": 4, "community": {"n_residents": 120, "attribute_concentration": concentration,
                                     "interest_mean": mean, "trust_mean": mean},
           "leaders": {"n_initial": 3}, "participation": {"threshold_alpha": 0.01 if mean else 100.0, "beta": 100.0},
           "issues": {"rate": 10.0, "community_rate": 10.0}}
    CommunityModel(cfg).run_for(4)
