"""The ``calibrate`` section of the config (``sim calibrate=NAME``, presets in ``sim/conf/calibrate/``),
validated before anything runs.

Each free parameter is a numeric model key with a prior: uniform on ``[low, high]`` or a normal
truncated to it. ``low`` and ``high`` default to the key's allowed range in :mod:`sim.config`
(a key unbounded on a side needs the bound given); bounds outside that range are refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sim.calibration.targets import Target, read_targets
from sim.config import ModelConfig, as_plain, validate_config
from sim import ray_backend
from sim.schema import ConfigError, build, param, probability
from sim.provenance import setting
from sim.sweep.parameters import parameter_range, with_values

DISTRIBUTIONS = ("uniform", "normal")


@dataclass
class PriorConfig:
    distribution: str = param("uniform", choices=DISTRIBUTIONS, source=setting("prior shape chosen per calibration"))
    low: float | None = param(None, doc="lowest value (null: the key's lower limit)", source=setting("prior bound"))
    high: float | None = param(None, doc="highest value (null: the key's upper limit)", source=setting("prior bound"))
    mean: float | None = param(None, doc="normal prior: mean, before truncation to [low, high]", source=setting("prior mean"))
    sd: float | None = param(None, lo=0.0, lo_open=True, doc="normal prior: standard deviation", source=setting("prior sd"))


@dataclass
class CalibrateConfig:
    name: str = param("calibration", doc="name of the calibration (a label in the outputs)", source=setting("label"))
    targets: str | None = param(None, doc="YAML or CSV file of observed targets with their sd", source=setting("input file of targets"))
    parameters: dict[str, PriorConfig] = field(default_factory=dict, metadata={"source": setting("keys calibrated and their priors, chosen per calibration")})
    population_size: int = param(100, lo=2, doc="accepted particles per ABC-SMC generation", source=setting("ABC-SMC precision"))
    generations: int = param(6, lo=1, doc="most ABC-SMC generations in all (a resumed run counts the earlier ones)", source=setting("ABC-SMC stopping rule"))
    epsilon_quantile: float = param(0.5, lo=0.0, hi=1.0, lo_open=True,
                                    doc="each threshold is this quantile of the previous generation's distances", source=setting("ABC-SMC schedule"))
    min_epsilon: float = param(1.0, lo=0.0, doc="stop once the threshold (RMS of target z-scores) is this small", source=setting("ABC-SMC stopping rule"))
    min_acceptance_rate: float = probability(0.01, "stop once fewer of the proposals are accepted", source=setting("ABC-SMC stopping rule"))
    max_simulations: int | None = param(None, lo=1, doc="stop after this many simulations in all (null: no limit)", source=setting("ABC-SMC stopping rule"))
    n_jobs: int = param(-1, lo=-1, doc="processes (-1: every core; 1: one process, reproducible)", source=setting("parallel processes"))
    backend: str = param("multicore", choices=("multicore", "ray"),
                         doc="multicore: n_jobs processes on this machine; ray: every CPU of the Ray cluster (RAY_ADDRESS, or a local one)",
                         source=setting("where the simulations run"))
    posterior_predictive: int = param(100, lo=1, doc="posterior draws simulated for the predictive check", source=setting("draws for the predictive check"))
    progress: bool = param(True, doc="progress bar and one line per generation on stderr", source=setting("progress display"))


@dataclass(frozen=True)
class Prior:
    name: str  # dotted model key
    integer: bool
    low: float
    high: float
    distribution: str = "uniform"
    mean: float | None = None
    sd: float | None = None

    def width(self) -> float:
        return self.high - self.low


@dataclass
class CalibrationPlan:
    settings: CalibrateConfig
    base_raw: dict  # the composed model config (validated), to which parameter values are applied
    base: ModelConfig
    targets: list[Target]
    priors: list[Prior]

    @property
    def seed(self) -> int:
        return self.base.seed

    def identity(self) -> str:
        """Hash of what defines the posterior (base config, targets, priors): a resumed run must match."""
        data = {"base": as_plain(self.base), "targets": [asdict(t) for t in self.targets],
                "priors": [asdict(p) for p in self.priors]}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def config_for(self, values: Mapping[str, float], seed: int) -> ModelConfig:
        """The model config with the free parameters set (integers rounded) and the given seed."""
        typed = {p.name: (int(round(values[p.name])) if p.integer else float(values[p.name])) for p in self.priors}
        return validate_config({**with_values(self.base_raw, typed), "seed": seed})


def _prior(name: str, raw: PriorConfig) -> Prior:
    key = f"calibrate.parameters.{name}"
    rng = parameter_range(name)
    low = rng.lo if raw.low is None else raw.low
    high = rng.hi if raw.high is None else raw.high
    if low is None or high is None:
        side = "low" if low is None else "high"
        raise ConfigError(f"{key}.{side}", None, f"{name} is unbounded on this side; give the prior's {side}")
    if not rng.allows(low) or not rng.allows(high):
        bad = "low" if not rng.allows(low) else "high"
        raise ConfigError(f"{key}.{bad}", low if bad == "low" else high, f"must lie in {name}'s range {rng.describe()}")
    if not low < high:
        raise ConfigError(f"{key}.high", high, f"must be > low ({low})")
    if raw.distribution == "normal":
        if raw.mean is None or raw.sd is None:
            raise ConfigError(f"{key}.mean", raw.mean, "a normal prior needs mean and sd")
        if not low <= raw.mean <= high:
            raise ConfigError(f"{key}.mean", raw.mean, f"must lie in [low, high] = [{low}, {high}]")
    return Prior(name, rng.type is int, float(low), float(high), raw.distribution, raw.mean, raw.sd)


def prepare(base_raw: dict, raw: Mapping[str, Any] | None) -> CalibrationPlan:
    """Validate the base config, the ``calibrate`` section and its targets; the first problem raises."""
    base = validate_config(base_raw)
    settings = build(CalibrateConfig, raw or {}, "calibrate")
    if not settings.targets:
        raise ConfigError("calibrate.targets", settings.targets, "needs a YAML or CSV file of observed targets")
    if settings.backend == "ray":
        ray_backend.require("calibrate.backend", settings.backend)
    if not settings.parameters:
        raise ConfigError("calibrate.parameters", {}, "needs at least one free parameter with its prior")
    targets = read_targets(settings.targets, base.steps)
    priors = [_prior(name, prior) for name, prior in settings.parameters.items()]
    plan = CalibrationPlan(settings, as_plain(base), base, targets, priors)
    from sim.model import CommunityModel

    mid = {p.name: (p.low + p.high) / 2 for p in priors}
    CommunityModel(plan.config_for(mid, base.seed))  # a config the model cannot build is refused now
    for p in priors:  # so is a parameter value the config cannot take
        plan.config_for({**mid, p.name: p.low}, base.seed)
        plan.config_for({**mid, p.name: p.high}, base.seed)
    return plan
