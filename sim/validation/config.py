"""The ``validate:`` section of ``sim validate=NAME`` (``sim/conf/validate/NAME.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.provenance import setting
from sim.schema import SEED_MAX, ConfigError, build, param


@dataclass
class ValidationSettings:
    name: str = param("full", doc="the preset: quick (a subset, for the tests) or full (every fact)",
                     source=setting("which preset of sim/conf/validate/ runs"))
    facts: list[str] = param([], doc="facts to check (names in sim/validation/facts.py); empty = the preset's",
                             source=setting("which facts of the catalogue to check"))
    seeds: int = param(5, lo=1, hi=10_000, doc="seeds per fact: figures are given over them with their spread",
                      source=setting("five seeds: enough to see the spread, quick on two cores"))
    first_seed: int = param(1, lo=0, hi=SEED_MAX - 10_000, doc="the seeds are first_seed, first_seed + 1, ...",
                           source=setting("where the seeds start"))
    n_jobs: int = param(-1, lo=-1, hi=1024, doc="worker processes (-1: one per core)",
                        source=setting("parallel workers"))


def settings(raw: dict | None) -> ValidationSettings:
    """Validate the ``validate:`` section (one-line errors naming ``validate.<key>``)."""
    from sim.validation.facts import BY_NAME

    out = build(ValidationSettings, raw, "validate")
    for i, name in enumerate(out.facts):
        if name not in BY_NAME:
            raise ConfigError(f"validate.facts[{i}]", name, "allowed: " + ", ".join(BY_NAME))
    return out
