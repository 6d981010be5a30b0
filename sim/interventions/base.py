"""The intervention framework: a configured programme with a schedule and a target.

To add a programme, write one module here with a subclass of :class:`Intervention`: a ``name``,
its ``label`` and ``about`` in English and Chinese (what the app shows), ``changes_rules`` if it
changes a deliberation rule while in force, a ``Params`` dataclass deriving from
:class:`InterventionParams` (the only place its defaults and ranges live), and ``apply`` and/or
``step``. The class registers itself by its ``name`` (``sim/conf`` stores its defaults for
Hydra); the model builds every configured intervention and calls its ``step`` at the start of
each model step and its ``after_step`` at the end (after organisations update, before the
week is recorded), in the order they are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from sim.schema import ConfigError, build, param, probability
from sim.provenance import assumed, setting
from sim.streams import Streams

if TYPE_CHECKING:
    from sim.agents import Official
    from sim.config import ModelConfig
    from sim.model import CommunityModel

TARGET_KINDS = ("all", "share", "residents", "courtyards", "leaders", "officials")
LANGUAGES = ("en", "zh")  # every programme's label and about, in English and Simplified Chinese
REGISTRY: dict[str, type[Intervention]] = {}


@dataclass
class ScheduleConfig:
    """When a programme acts: from ``start`` to ``end`` (inclusive), every ``period`` steps."""

    start: int = param(1, lo=1, doc="first step it acts on", source=assumed("from the first week unless a programme says otherwise"))
    end: int | None = param(None, lo=1, doc="last step it is in force (null: to the end)", source=assumed("in force to the end of the run"))
    period: int | None = param(None, lo=1, doc="repeat every this many steps (null: once)", source=assumed("acts once unless a programme repeats"))

    def active(self, step: int) -> bool:
        return step >= self.start and (self.end is None or step <= self.end)

    def fires(self, step: int) -> bool:
        if not self.active(step):
            return False
        return step == self.start or (self.period is not None and (step - self.start) % self.period == 0)


@dataclass
class TargetConfig:
    """Whom a programme reaches."""

    kind: str = param("residents", choices=TARGET_KINDS, source=assumed("residents unless a programme says otherwise"))
    count: int | None = param(None, lo=0, doc="how many (residents, leaders, officials); null: all", source=assumed("everyone of the kind"))
    share: float = probability(1.0, "share of residents (kind=share)", source=assumed("everyone"))
    courtyards: list[int] = param([], doc="courtyard numbers (kind=courtyards)", source=setting("courtyards chosen by the user"))


@dataclass
class Target:
    """The residents' rows and the officials a programme reaches this time."""

    rows: np.ndarray
    officials: list[Official]


def select_target(model: CommunityModel, cfg: TargetConfig, streams: Streams) -> Target:
    """Draw the target from the programme's own streams (a fresh draw each time it fires).

    Per resident: ``share`` takes those whose uniform is below the share; ``residents`` and
    ``leaders`` with a count take the ``count`` with the smallest uniforms (:meth:`Streams.sample`),
    so whether a resident is reached depends on their own draw, not on the order of a list.
    Officials are numbered (cadres 0.., the street office last) and drawn the same way.
    """
    from sim.agents import Leader, Official

    n = model.state.n
    rows, officials = np.zeros(0, dtype=np.int64), []
    if cfg.kind == "all":
        rows = np.arange(n)
    elif cfg.kind == "share":
        rows = np.flatnonzero(streams.uniform("target", np.arange(n)) < cfg.share)
    elif cfg.kind == "residents":
        rows = streams.sample("target", np.arange(n), n if cfg.count is None else cfg.count)
    elif cfg.kind == "courtyards":
        rows = np.flatnonzero(np.isin(model.state.courtyard, cfg.courtyards))
    elif cfg.kind == "leaders":
        leader_rows = np.sort([ldr.resident.idx for ldr in model.agents_by_type.get(Leader, [])]).astype(np.int64)
        rows = streams.sample("target", leader_rows, len(leader_rows) if cfg.count is None else cfg.count)
    else:
        pool = list(model.agents_by_type.get(Official, []))
        k = len(pool) if cfg.count is None else cfg.count
        officials = [pool[i] for i in streams.sample("target.officials", np.arange(len(pool)), k)]
    return Target(rows, officials)


@dataclass
class InterventionParams:
    """Parameters every programme has; subclasses add their own fields."""

    schedule: ScheduleConfig = param(ScheduleConfig(), source=assumed("a programme's own schedule"))
    target: TargetConfig = param(TargetConfig(), source=assumed("a programme's own target"))

    def check(self, key: str, cfg: ModelConfig) -> None:
        """Consistency with the rest of the config (called after all values are validated)."""
        s = self.schedule
        if s.end is not None and s.end < s.start:
            raise ConfigError(f"{key}.schedule.end", s.end, f"must be >= schedule.start ({s.start})")
        if s.start > cfg.steps:
            raise ConfigError(f"{key}.schedule.start", s.start, f"must be <= steps ({cfg.steps})")
        t = self.target
        n = cfg.community.n_residents
        if t.kind == "residents" and t.count is not None and t.count > n:
            raise ConfigError(f"{key}.target.count", t.count, f"must be <= community.n_residents ({n})")
        if t.kind == "officials" and t.count is not None and t.count > cfg.officials.n_cadres + 1:
            raise ConfigError(f"{key}.target.count", t.count,
                              f"must be <= the number of officials ({cfg.officials.n_cadres + 1})")
        if t.kind == "courtyards" and not t.courtyards:
            raise ConfigError(f"{key}.target.courtyards", t.courtyards,
                              "target.kind=courtyards needs a list of courtyard numbers")
        if any(c < 0 for c in t.courtyards):
            raise ConfigError(f"{key}.target.courtyards", t.courtyards, "courtyard numbers are >= 0")


class Intervention:
    """A programme switched on in a model. Subclasses set ``name`` and ``Params``."""

    name: ClassVar[str]
    label: ClassVar[dict[str, str]]  # display name per language of LANGUAGES
    about: ClassVar[dict[str, str]]  # one line per language: what it does (the app's tooltip)
    changes_rules: ClassVar[bool] = False  # changes a deliberation rule while its schedule is active
    Params: ClassVar[type[InterventionParams]] = InterventionParams
    allowed_targets: ClassVar[tuple[str, ...]] = TARGET_KINDS

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for attr in ("label", "about"):
            texts = getattr(cls, attr, None)
            if not isinstance(texts, dict) or sorted(texts) != sorted(LANGUAGES) or not all(texts.values()):
                raise TypeError(f"programme {cls.name!r}: {attr} must give a text for each of "
                                f"{', '.join(LANGUAGES)}, e.g. {attr} = {{'en': '...', 'zh': '...'}}")
        REGISTRY[cls.name] = cls

    def __init__(self, params: InterventionParams):
        self.params = params
        self.schedule = params.schedule
        # the programme's own random streams (sites prefixed with its name); the model sets them
        self.streams: Streams = Streams(0).child(self.name)

    def step(self, model: CommunityModel) -> None:
        """Called at the start of every model step; by default applies when the schedule fires."""
        if self.schedule.fires(model.steps):
            self.apply(model, select_target(model, self.params.target, self.streams))

    def after_step(self, model: CommunityModel) -> None:
        """Called at the end of every model step, before the week's row is recorded; does nothing
        by default (e.g. a programme that reads what this week's meetings did)."""

    def apply(self, model: CommunityModel, target: Target) -> None:
        """What the programme does on a step it fires."""

    def report(self, model: CommunityModel) -> dict[str, Any]:
        """Figures for ``summary.json`` (plain numbers)."""
        return {}


def build_intervention_params(name: str, raw: Any) -> InterventionParams:
    if name not in REGISTRY:
        raise ConfigError(f"interventions.{name}", raw, "unknown intervention; allowed: " + ", ".join(sorted(REGISTRY)))
    cls = REGISTRY[name]
    params = build(cls.Params, raw, f"interventions.{name}")
    if params.target.kind not in cls.allowed_targets:
        raise ConfigError(f"interventions.{name}.target.kind", params.target.kind,
                          "allowed: " + ", ".join(cls.allowed_targets))
    return params
