"""Command-line overrides that Hydra would apply in a way nobody meant: each is refused or honoured.

Hydra *merges* a mapping given on the command line into the composed config, so ``issues.kinds={}``
changes nothing, and ``~key`` deletes a key, after which the validator would quietly fill in the
built-in defaults. The rules (README, "Bad input"):

* ``~key`` (delete) is refused for every key outside ``hydra.``: set the values you want instead;
* ``key=null`` is refused for a section (``community``, ``network.courtyard``) and for a named
  entry or mapping (``issues.kinds.parking``, ``issues.kinds``); on an optional value
  (``network.edgelist.path``, ``sweep.design``, ``experiment.backend`` ...) null means "none", as that
  key's doc says; on any other value the validator refuses it;
* ``key={}`` on a mapping of named entries (``issues.kinds``, ``experiment.designs``,
  ``experiment.treatment``, ``experiment.population.housing``, ``experiment.poll.issues``) means
  "no entries" and is honoured (the validator then says what at least one is needed of); on a
  section it is refused; on a named entry (``issues.kinds.noise={}``) it adds or keeps the entry
  with default values, as Hydra does.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from sim.schema import ConfigError, fields_and_hints, unwrap_optional

SECTION, MAPPING, ENTRY, VALUE, OPTIONAL = "section", "mapping", "entry", "value", "optional"
GROUPS = ("scenario", "interventions", "experiment")  # config groups of sim/conf/config.yaml


def _roots() -> dict[str, Any]:
    from sim.config import ModelConfig
    from sim.experiments.config import ExperimentConfig
    from sim.sweep.settings import SweepSettings

    return {"": ModelConfig, "sweep": SweepSettings, "experiment": ExperimentConfig}


def kind_of(key: str) -> str | None:
    """What ``key`` names in the schema (one of the constants above), None if it names nothing known."""
    from sim.interventions import REGISTRY

    roots, parts = _roots(), key.split(".")
    if parts[0] in roots:
        if len(parts) == 1:
            return SECTION
        cls, parts = roots[parts[0]], parts[1:]
    else:
        cls = roots[""]
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(cls, tuple):  # inside a mapping: ``part`` names an entry
            _, item = cls
            if cls[0] == "interventions" and part in REGISTRY:
                item = REGISTRY[part].Params
            if last:
                return ENTRY
            if item is Any or not dataclasses.is_dataclass(item):
                return None
            cls = item
            continue
        if not dataclasses.is_dataclass(cls):
            return None
        fields, hints = fields_and_hints(cls)
        if part not in fields:
            return None
        typ, optional = unwrap_optional(hints[part])
        if typing.get_origin(typ) is dict:
            if last:
                return MAPPING
            cls = (part, typing.get_args(typ)[1])
            continue
        if last:
            if dataclasses.is_dataclass(typ):
                return SECTION
            return OPTIONAL if optional else VALUE
        cls = typ
    return None


def check_overrides(overrides: Sequence[str]) -> list[str]:
    """Refuse the overrides above (ConfigError naming the key); return the keys given as ``{}``
    that are to be emptied (:func:`apply_empty`)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except HydraException:
        return []  # Hydra reports its own parse errors
    empty = []
    for o in parsed:
        key = o.key_or_group
        if key.split(".")[0] == "hydra" or key in GROUPS or o.package is not None:
            continue  # config-group choices (`experiment=null` is the default) are Hydra's
        kind = kind_of(key)
        if o.is_delete():
            if kind is not None:
                raise ConfigError(key, f"~{key}", "deleting a key is refused: the built-in defaults would "
                                  "replace it silently; set the values you want instead (key=value)")
            continue
        if o.is_sweep_override():
            continue
        value = o.value()
        if value is None and kind in (SECTION, MAPPING, ENTRY):
            what = {SECTION: "a section", MAPPING: "a mapping", ENTRY: "a named entry"}[kind]
            raise ConfigError(key, None, f"null is not allowed for {what}; set its keys instead "
                              f"({key}.<name>=<value>)")
        if isinstance(value, Mapping) and not value:
            if kind == SECTION:
                raise ConfigError(key, {}, "an empty mapping leaves a section as it is (Hydra merges it); "
                                  f"set its keys instead ({key}.<name>=<value>)")
            if kind == MAPPING:
                empty.append(key)
    return empty


def apply_empty(raw: dict, keys: Sequence[str]) -> None:
    """Set each dotted key of ``raw`` to an empty mapping (the honoured ``key={}``)."""
    for key in keys:
        *parents, leaf = key.split(".")
        node = raw
        for part in parents:
            node = node.setdefault(part, {}) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node[leaf] = {}


def resolve(cfg: Any) -> dict:
    """The composed config as plain data; an interpolation that cannot be resolved
    (``${oc.env:MISSING}``, ``${no_such.key}``, a recursive one) is a ConfigError naming its key."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    try:
        return OmegaConf.to_container(cfg, resolve=True)
    except OmegaConfBaseException as error:
        key = getattr(error, "full_key", None) or "config"
        try:
            value = OmegaConf.to_container(cfg, resolve=False)
            for part in key.split("."):
                value = value[part]
        except Exception:  # noqa: BLE001 - the key is enough to name the problem
            value = None
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ConfigError(key, value, f"cannot be resolved ({first})") from None


def task_overrides(hc: Any) -> list[str]:
    """The command line's overrides as written (unresolved: an override may hold ``${...}``)."""
    from omegaconf import OmegaConf

    return [str(o) for o in OmegaConf.to_container(hc.overrides.task, resolve=False)]


def composed(cfg: Any, task_overrides: list[str]) -> dict:
    """Resolve the config and apply the command line's rules for null, ``{}`` and ``~``
    (:mod:`sim.overrides`)."""
    empty = check_overrides(task_overrides)
    raw = resolve(cfg)
    apply_empty(raw, empty)
    return raw
