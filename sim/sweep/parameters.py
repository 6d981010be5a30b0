"""Config keys as dotted names (``deliberation.facilitation``): reading and setting them in a raw
config, their allowed ranges (from the field metadata in :mod:`sim.config`), and the parameters
that define a job's point (its command-line overrides)."""

from __future__ import annotations

import copy
import dataclasses
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.config import ModelConfig
from sim.schema import ConfigError, fields_and_hints, unwrap_optional

NOT_POINT_KEYS = ("seed", "sweep", "hydra")  # overrides that do not define a parameter point


@dataclass(frozen=True)
class ParameterRange:
    """A numeric parameter: its type and allowed range (``None``: unbounded on that side)."""

    name: str
    type: type
    lo: float | None
    hi: float | None
    lo_open: bool = False

    def allows(self, value: float) -> bool:
        if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
            return False
        return self.hi is None or value <= self.hi

    def describe(self) -> str:
        lo = "-inf" if self.lo is None else self.lo
        hi = "inf" if self.hi is None else self.hi
        return f"{'(' if self.lo_open else '['}{lo}, {hi}]"


def get_path(raw: Mapping, name: str) -> Any:
    """The value at dotted ``name``; KeyError if a part is missing."""
    node: Any = raw
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(name)
        node = node[part]
    return node


def with_values(raw: Mapping, values: Mapping[str, Any]) -> dict:
    """A copy of ``raw`` with each dotted key set; every key must already exist in ``raw``."""
    out = copy.deepcopy(dict(raw))
    for name, value in values.items():
        *parents, leaf = name.split(".")
        node = out
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or leaf not in node:
            raise ConfigError(name, value, "unknown parameter: not a key of the config"
                              " (a programme's parameters exist only when the programme is switched on)")
        node[leaf] = value
    return out


def parameter_range(name: str) -> ParameterRange:
    """Type and allowed range of a numeric parameter, from the dataclasses of :mod:`sim.config`
    (programme parameters ``interventions.<name>.<key>`` from the programme's ``Params``)."""
    from sim.interventions import REGISTRY

    cls: Any = ModelConfig
    parts = name.split(".")
    meta: Mapping = {}
    i = 0
    while i < len(parts):
        part = parts[i]
        if not dataclasses.is_dataclass(cls):
            raise ConfigError(name, None, "unknown parameter")
        fields, hints = fields_and_hints(cls)
        if part not in fields:
            raise ConfigError(name, None, f"unknown parameter; known keys under "
                              f"{'.'.join(parts[:i]) or 'the config'}: {', '.join(fields)}")
        typ, _ = unwrap_optional(hints[part])
        meta = fields[part].metadata
        if part == "interventions" and cls is ModelConfig:
            if i + 1 >= len(parts) or parts[i + 1] not in REGISTRY:
                raise ConfigError(name, None, "unknown programme; allowed: " + ", ".join(sorted(REGISTRY)))
            cls, i = REGISTRY[parts[i + 1]].Params, i + 2
            continue
        if typing.get_origin(typ) is dict:  # e.g. issues.kinds.<kind>.salience
            cls, i = typing.get_args(typ)[1], i + 2
            continue
        cls, i = typ, i + 1
    if cls not in (int, float) or cls is bool:
        raise ConfigError(name, None, "not a numeric parameter; vary it as a grid instead (key=a,b)")
    return ParameterRange(name, cls, meta.get("lo"), meta.get("hi"), bool(meta.get("lo_open")))


def point_parameters(overrides: Sequence[str]) -> dict[str, str]:
    """The parameters a job's command-line overrides set: dotted key -> the override's text
    (``seed``, ``sweep.*`` and ``hydra.*`` excluded)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return {o.key_or_group: o.get_value_element_as_str()
            for o in OverridesParser.create().parse_overrides(list(overrides))
            if o.key_or_group.split(".")[0] not in NOT_POINT_KEYS and not o.is_delete()}
