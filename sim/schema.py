"""Declarative parameter specs and the validator that turns a raw config mapping into typed objects.

Every parameter is a dataclass field made with :func:`param`, which records its allowed range or
choices and a one-line meaning. :func:`build` walks a mapping against such a dataclass and raises
:class:`ConfigError` naming the key, the bad value and what is allowed: the first problem found
stops the run before anything is simulated or written.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Mapping
from typing import Any

from sim.provenance import Source, setting

SEED_MAX = 2**63 - 1  # the largest seed every writer takes: Parquet and NumPy int64 columns


class ConfigError(ValueError):
    """A config value that the model cannot run with; its message is one line."""

    def __init__(self, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(one_line(f"config error: {key} = {shown(value)} is not allowed; {allowed}"))


def shown(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, so that a message stays one short line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 12]}... ({len(text)} characters)"


def one_line(text: str) -> str:
    """``text`` with line breaks and runs of white space turned into single spaces."""
    return " ".join(str(text).split())


def param(default: Any, *, lo: float | None = None, hi: float | None = None,
          lo_open: bool = False, choices: typing.Sequence[str] | None = None, doc: str = "",
          source: Source | None = None, sources: Mapping[str, Source] | None = None):
    """A dataclass field with a range (``lo``..``hi``, ``lo_open`` for a strict lower bound) or choices.

    ``source`` says where the default comes from (:mod:`sim.provenance`). For a section (a
    dataclass or a mapping of them) whose default sets values of its own, ``sources`` names the
    source of each such value by key, and ``source`` covers the rest that differ from their class.
    """
    meta = {"lo": lo, "hi": hi, "lo_open": lo_open, "choices": tuple(choices) if choices else None,
            "doc": doc, "source": source, "sources": dict(sources or {})}
    if isinstance(default, (list, dict)):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=meta)
    if dataclasses.is_dataclass(default):
        return dataclasses.field(default_factory=lambda: dataclasses.replace(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def probability(default: float, doc: str = "", source: Source | None = None):
    """A parameter in [0, 1]."""
    return param(default, lo=0.0, hi=1.0, doc=doc, source=source)


def seed_param(default: int | None, doc: str = "root seed of every random draw",
               source: Source = setting("seed of the random streams: any value is as good as another")):
    """A seed: an integer in [0, 2**63 - 1], the one rule for seeds everywhere (:data:`SEED_MAX`)."""
    return param(default, lo=0, hi=SEED_MAX, doc=doc, source=source)


def _describe(meta: Mapping, typ: Any) -> str:
    if meta.get("choices"):
        return "allowed: " + ", ".join(meta["choices"])
    lo, hi = meta.get("lo"), meta.get("hi")
    kind = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}.get(typ, str(typ))
    if lo is not None and hi is not None:
        return f"must be {kind} in {'(' if meta.get('lo_open') else '['}{lo}, {hi}]"
    if lo is not None:
        return f"must be {kind} {'>' if meta.get('lo_open') else '>='} {lo}"
    if hi is not None:
        return f"must be {kind} <= {hi}"
    return f"must be {kind}"


def _check_scalar(key: str, value: Any, typ: Any, meta: Mapping) -> Any:
    if typ is bool:
        ok = isinstance(value, bool)
    elif typ is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif typ is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        value = float(value) if ok else value
    elif typ is str:
        ok = isinstance(value, str)
    else:
        ok = True
    if ok and typ is not bool:
        lo, hi = meta.get("lo"), meta.get("hi")
        ok = (not meta.get("choices") or value in meta["choices"]) \
            and (lo is None or (value > lo if meta.get("lo_open") else value >= lo)) \
            and (hi is None or value <= hi)
    if not ok:  # the message is built only for a refusal
        raise ConfigError(key, value, _describe(meta, typ))
    return value


def _check(key: str, value: Any, typ: Any, meta: Mapping) -> Any:
    inner, optional = unwrap_optional(typ)
    if optional:
        return None if value is None else _check(key, value, inner, meta)
    origin = typing.get_origin(typ)
    if dataclasses.is_dataclass(typ):
        if value is None:  # `section=null` would silently reset every key of the section
            raise ConfigError(key, None, "a section cannot be null; set its keys instead "
                              f"(e.g. {key}.<name>=<value>); known keys: "
                              + ", ".join(f.name for f in dataclasses.fields(typ)))
        return build(typ, value, key)
    if origin is list:
        (item,) = typing.get_args(typ)
        if not isinstance(value, (list, tuple)):
            raise ConfigError(key, value, "must be a list")
        return [_check(f"{key}[{i}]", v, item, meta) for i, v in enumerate(value)]
    if origin is dict:
        _, item = typing.get_args(typ)
        if not isinstance(value, Mapping):
            raise ConfigError(key, value, "must be a mapping")
        if meta.get("choices"):
            for name in value:
                if name not in meta["choices"]:
                    raise ConfigError(key, name, "allowed: " + ", ".join(meta["choices"]))
        return {str(k): _check(f"{key}.{k}", v, item, {}) for k, v in value.items()}
    return _check_scalar(key, value, typ, meta)


@functools.cache
def fields_and_hints(cls: type) -> tuple[dict[str, dataclasses.Field], dict[str, Any]]:
    """A dataclass's fields by name and their resolved types, computed once per class
    (``typing.get_type_hints`` evaluates every annotation again on each call). Read-only: shared."""
    return {f.name: f for f in dataclasses.fields(cls)}, typing.get_type_hints(cls)


def unwrap_optional(typ: Any) -> tuple[Any, bool]:
    """``X | None`` -> (X, True); any other type -> (itself, False)."""
    if typing.get_origin(typ) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(typ) if a is not type(None)), True
    return typ, False


def build[T](cls: type[T], data: Mapping | None, prefix: str = "") -> T:
    """Validate ``data`` against dataclass ``cls`` and return an instance; missing keys take defaults."""
    data = {} if data is None else data
    if not isinstance(data, Mapping):
        raise ConfigError(prefix or "config", data, "must be a mapping")
    fields, hints = fields_and_hints(cls)
    for key in data:
        if key not in fields:
            raise ConfigError(f"{prefix}.{key}" if prefix else key, data[key],
                              "unknown key; known keys here: " + ", ".join(fields))
    values = {}
    for name, f in fields.items():
        if name in data:
            key = f"{prefix}.{name}" if prefix else name
            values[name] = _check(key, data[name], hints[name], f.metadata)
    return cls(**values)


def as_dict(obj: Any) -> Any:
    """A plain-data copy of a validated config object (for saving next to outputs)."""
    return dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) else obj
