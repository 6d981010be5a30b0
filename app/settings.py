"""What the app's controls set, and how that becomes a model config.

A scenario preset is composed with Hydra exactly as the ``sim`` command composes
``sim scenario=NAME``; the controls then override a few keys of it (:data:`CONTROLS`) and switch
programmes on or off with a start week and a dose. Every control's range is the intersection of
a workshop-friendly range with the range the config schema allows (``sim/config.py``), so no
slider position can produce a value :func:`sim.config.validate_config` rejects; values that depend
on each other (leaders at most the residents, a programme's start within the run) are clamped
by :meth:`Settings.clamped`.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from sim.conf import compose, known_scenarios
from sim.config import DELIBERATION_MODES, LEADER_ASSIGNMENTS, validate_config
from sim.interventions import REGISTRY
from sim.schema import ConfigError
from sim.sweep.parameters import parameter_range

DEFAULT_SCENARIO = "baseline"
DEFAULT_SEED = 42
DEFAULT_RESIDENTS = 300  # five courtyards: small enough to draw, large enough to hold meetings
_hydra_lock = threading.Lock()


_range_cache: dict = {}  # programme_range results by what they depend on (a bisection validates many configs)


@dataclass(frozen=True)
class Control:
    """One control: a config key, its widget kind and its range (or choices)."""

    key: str
    kind: str  # "int", "float" or "choice"
    lo: float = 0
    hi: float = 1
    step: float = 1
    choices: tuple[str, ...] = ()


def schema_bounds(key: str) -> tuple[float | None, float | None, bool]:
    """(lo, hi, lo_open) of a dotted key: the range the sweeps use (:func:`sim.sweep.parameters.parameter_range`),
    read from the config dataclasses' field metadata."""
    r = parameter_range(key)
    return r.lo, r.hi, r.lo_open


def _slider(key: str, kind: str, lo: float, hi: float, step: float) -> Control:
    """A slider on [lo, hi] narrowed to what the schema allows (an open bound moves in by one step)."""
    s_lo, s_hi, lo_open = schema_bounds(key)
    if s_lo is not None and (lo < s_lo or (lo_open and lo <= s_lo)):
        lo = s_lo + step if lo_open else s_lo
    if s_hi is not None:
        hi = min(hi, s_hi)
    return Control(key, kind, lo, hi, step)


CONTROLS: tuple[Control, ...] = (
    _slider("community.n_residents", "int", 50, 500, 10),
    _slider("steps", "int", 12, 520, 4),
    Control("deliberation.mode", "choice", choices=DELIBERATION_MODES),
    Control("deliberation.leader_assignment", "choice", choices=LEADER_ASSIGNMENTS),
    _slider("deliberation.facilitation", "float", 0.0, 1.0, 0.05),
    _slider("deliberation.meeting_interval", "int", 1, 12, 1),
    _slider("officials.responsiveness", "float", 0.0, 1.0, 0.05),
    _slider("officials.openness", "float", 0.0, 1.0, 0.05),
    _slider("officials.power_retained", "float", 0.0, 1.0, 0.05),
    _slider("leaders.n_initial", "int", 0, 200, 1),
    _slider("issues.rate", "float", 0.0, 10.0, 0.25),
    _slider("community.interest_mean", "float", 0.05, 0.95, 0.05),
    _slider("community.efficacy_mean", "float", 0.05, 0.95, 0.05),
    _slider("community.trust_mean", "float", 0.05, 0.95, 0.05),
)
CONTROL_BY_KEY = {c.key: c for c in CONTROLS}
SEED_MAX = 2**31 - 1


def get_key(cfg: dict, key: str) -> Any:
    for part in key.split("."):
        cfg = cfg[part]
    return cfg


def set_key(cfg: dict, key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for part in parents:
        cfg = cfg.setdefault(part, {})
    cfg[last] = value


def _compose(overrides: list[str]) -> dict:
    with _hydra_lock:
        return compose(overrides)


@cache
def scenario_config(name: str) -> dict:
    """The config ``sim scenario=NAME`` runs (composed by Hydra from sim/conf/, as the command does)."""
    if name not in known_scenarios():
        raise ValueError(f"unknown scenario {name!r}; allowed: {', '.join(known_scenarios())}")
    return _compose([f"scenario={name}"])


@cache
def intervention_defaults() -> dict[str, dict]:
    """Each registered programme's parameters as ``interventions=[<name>]`` composes them (its
    ``Params`` defaults, or a shipped preset ``sim/conf/interventions/<name>.yaml`` over them)."""
    composed = _compose([f"interventions=[{','.join(sorted(REGISTRY))}]"])["interventions"]
    return {name: composed[name] for name in sorted(REGISTRY)}


def _accepted_interval(accepted, lo: float, hi: float, step: float, current: float | None):
    """The accepted values of a slider on lo, lo+step, ..., hi, assuming they form one interval
    that holds ``lo``, ``hi`` or ``current``; found by bisection. None if none is accepted."""
    n = int(round((hi - lo) / step))
    value = lambda k: type(lo)(lo + k * step) if isinstance(lo, int) else lo + k * step  # noqa: E731
    ok = lambda k: accepted(value(k))  # noqa: E731
    if ok(0) and ok(n):
        return lo, hi
    inside = 0 if ok(0) else n if ok(n) else None
    if inside is None and current is not None and lo <= current <= hi:
        k = int(round((current - lo) / step))
        inside = k if ok(k) else None
    if inside is None:
        return None
    first, last = inside, inside
    bad = -1  # first: smallest accepted index, searched in (bad, first]
    while first - bad > 1:
        mid = (first + bad) // 2
        first, bad = (mid, bad) if ok(mid) else (first, mid)
    bad = n + 1
    while bad - last > 1:
        mid = (last + bad) // 2
        last, bad = (mid, bad) if ok(mid) else (last, mid)
    return value(first), value(last)


def dose_kind(name: str, params: dict) -> str | None:
    """What the dose control sets: ``count`` or ``share`` of the target reached per course, or
    ``weeks`` in force for a programme that changes a rule; ``None`` when there is nothing to dose."""
    if REGISTRY[name].changes_rules:
        return "weeks"
    kind = params.get("target", {}).get("kind")
    if kind in ("residents", "leaders", "officials"):
        return "count"
    if kind == "share":
        return "share"
    return None


@dataclass
class InterventionSetting:
    """A programme's switch, first week, dose and repeat interval, over its preset parameters."""

    name: str
    on: bool
    start: int
    dose: float | None
    period: int  # 0: once
    base: dict = field(repr=False)

    @classmethod
    def from_params(cls, name: str, on: bool, params: dict, n_residents: int) -> InterventionSetting:
        schedule, target = params.get("schedule", {}), params.get("target", {})
        kind = dose_kind(name, params)
        if kind == "weeks":
            end = schedule.get("end")
            dose = 0 if end is None else end - schedule.get("start", 1) + 1
        elif kind == "share":
            dose = target.get("share", 1.0)
        elif kind == "count":
            dose = target.get("count")
            dose = n_residents if dose is None else dose
        else:
            dose = None
        return cls(name, on, int(schedule.get("start", 1)), dose, int(schedule.get("period") or 0),
                   copy.deepcopy(params))

    def params(self) -> dict:
        """The programme's parameters with this setting's start, dose and period applied."""
        p = copy.deepcopy(self.base)
        schedule = p.setdefault("schedule", {})
        schedule["start"] = self.start
        kind = dose_kind(self.name, p)
        if kind == "weeks":
            schedule["end"] = None if not self.dose else self.start + int(self.dose) - 1
        else:
            schedule["period"] = self.period or None
            if kind == "count":
                p["target"]["count"] = int(self.dose)
            elif kind == "share":
                p["target"]["share"] = float(self.dose)
        return p


@dataclass
class Settings:
    """Everything the controls set. ``values`` holds the :data:`CONTROLS` keys."""

    scenario: str
    seed: int
    values: dict[str, Any]
    interventions: dict[str, InterventionSetting]
    compare: tuple[str, ...] | None = None  # programme bundle shown with and without, side by side

    @classmethod
    def from_scenario(cls, name: str, keep: Settings | None = None) -> Settings:
        """The scenario's values; community size, weeks and seed stay as ``keep`` has them."""
        preset = scenario_config(name)
        values = {c.key: get_key(preset, c.key) for c in CONTROLS}
        values["community.n_residents"] = keep.values["community.n_residents"] if keep else DEFAULT_RESIDENTS
        if keep:
            values["steps"] = keep.values["steps"]
        defaults = intervention_defaults()
        n = values["community.n_residents"]
        interventions = {}
        for name_ in sorted(REGISTRY):
            on = name_ in (preset.get("interventions") or {})
            params = preset["interventions"][name_] if on else defaults.get(name_, {})
            interventions[name_] = InterventionSetting.from_params(name_, on, params, n)
        settings = cls(name, keep.seed if keep else DEFAULT_SEED, values, interventions)
        return settings.clamped()

    def n_officials(self) -> int:
        return int(scenario_config(self.scenario)["officials"]["n_cadres"]) + 1

    def control(self, key: str) -> Control:
        """The control for ``key`` with its range narrowed by the other settings."""
        c = CONTROL_BY_KEY[key]
        if key == "leaders.n_initial":
            return dataclasses.replace(c, hi=min(c.hi, self.values["community.n_residents"]))
        return c

    def dose_range(self, name: str) -> tuple[float, float, float] | None:
        """(lo, hi, step) of a programme's dose control, or None if it has none."""
        iv = self.interventions[name]
        kind = dose_kind(name, iv.base)
        if kind == "weeks":
            return 0, self.values["steps"], 1
        if kind == "share":
            return 0.0, 1.0, 0.05
        if kind == "count":
            hi = self.n_officials() if iv.base["target"]["kind"] == "officials" else self.values["community.n_residents"]
            return 0, hi, 1
        return None

    def programme_range(self, name: str, field_name: str) -> tuple[float, float, float] | None:
        """(lo, hi, step) of a programme's ``start``, ``dose`` or ``period`` control: the nominal range
        narrowed to the values :func:`validate_config` accepts with every other setting as it is
        (a programme may add its own rules, e.g. a yearly procedure that needs a period of a year).
        For ``period`` the range is of the repeat intervals; 0 (once) is offered besides. ``None``:
        no value is accepted, or the programme has no such control."""
        steps = self.values["steps"]
        nominal = {"start": (1, steps, 1), "period": (1, steps, 1), "dose": self.dose_range(name)}[field_name]
        if nominal is None or (field_name == "period" and REGISTRY[name].changes_rules):
            return None

        def accepted(value) -> bool:
            trial = copy.deepcopy(self)
            iv = trial.interventions[name]
            iv.on = True
            setattr(iv, field_name, value)
            try:
                validate_config(trial.config())
            except ConfigError:
                return False
            return True

        lo, hi, step = nominal
        current = getattr(self.interventions[name], field_name)
        key = (name, field_name, nominal, current, self._range_key(name))
        bounds = _range_cache.get(key)
        if key not in _range_cache:
            bounds = _range_cache[key] = _accepted_interval(accepted, lo, hi, step, current)
            while len(_range_cache) > 4096:
                _range_cache.pop(next(iter(_range_cache)))
        return None if bounds is None else (*bounds, step)

    def _range_key(self, name: str) -> str:
        """What a programme's accepted ranges depend on: the config with that programme left out."""
        cfg = self.config()
        cfg.pop("seed")
        cfg["interventions"].pop(name, None)
        return json.dumps(cfg, sort_keys=True, default=str) + json.dumps(self.interventions[name].base,
                                                                         sort_keys=True, default=str)

    def clamped(self) -> Settings:
        """A copy with every value inside its (possibly narrowed) range."""
        out = copy.deepcopy(self)
        for c in CONTROLS:
            if c.kind != "choice":
                rng = out.control(c.key)
                out.values[c.key] = min(max(out.values[c.key], rng.lo), rng.hi)
        if out.compare is not None:
            out.compare = tuple(sorted(n for n in set(out.compare) if n in out.interventions)) or None
        compared = set(out.compare or ())  # switched on in the first side-by-side panel
        for name, iv in out.interventions.items():
            iv.start = min(max(iv.start, 1), out.values["steps"])
            iv.period = min(max(iv.period, 0), out.values["steps"])
            if not iv.on and name not in compared:
                continue
            for field_name in ("start", "dose", "period"):
                value = getattr(iv, field_name)
                if value is None or (field_name == "period" and value == 0):
                    continue
                rng = out.programme_range(name, field_name)
                if rng is None:
                    setattr(iv, field_name, 0 if field_name == "period" else value)
                else:
                    setattr(iv, field_name, min(max(value, rng[0]), rng[1]))
        return out

    def preset(self) -> Settings:
        """The scenario preset at this community size, length and seed."""
        preset = _preset(self.scenario, self.values["community.n_residents"], self.values["steps"])
        return dataclasses.replace(copy.deepcopy(preset), seed=self.seed, compare=self.compare)

    def is_custom(self) -> bool:
        """True once a parameter or programme differs from the scenario preset (size, weeks, seed and
        the side-by-side choice aside)."""
        preset = self.preset()
        if preset.values != self.values:
            return True
        mine = {n: (iv.on, iv.start, iv.dose, iv.period, iv.base) for n, iv in self.interventions.items() if iv.on}
        theirs = {n: (iv.on, iv.start, iv.dose, iv.period, iv.base) for n, iv in preset.interventions.items() if iv.on}
        return mine != theirs

    def with_bundle(self, bundle, on: bool) -> Settings:
        """A copy with every programme of ``bundle`` switched on (or off), nothing else changed."""
        out = copy.deepcopy(self)
        out.compare = None
        for name in bundle:
            out.interventions[name].on = on
        return out

    def config(self) -> dict:
        """The plain config to run: the preset with the controls' values and programmes applied."""
        cfg = copy.deepcopy(scenario_config(self.scenario))
        cfg["seed"] = int(self.seed)
        for key, value in self.values.items():
            set_key(cfg, key, value)
        cfg["interventions"] = {name: iv.params() for name, iv in self.interventions.items() if iv.on}
        return cfg


@lru_cache(maxsize=64)
def _preset(scenario: str, n_residents: int, steps: int) -> Settings:
    keep = Settings.from_scenario(DEFAULT_SCENARIO)
    keep.values.update({"community.n_residents": n_residents, "steps": steps})
    return Settings.from_scenario(scenario, keep=keep)
