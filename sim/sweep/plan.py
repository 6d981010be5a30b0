"""What one multirun job runs: its parameter points (its own overrides, or a chunk of design
rows on top of them) times ``sweep.replications``, each run with its validated config and seed.

Every config is validated before anything runs. A run's ``run_id`` is a hash of its complete
config (seed included), so the same id means the same run, and a finished job can tell whether
it already holds exactly the runs it is asked for.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.config import ModelConfig, as_plain, validate_config
from sim.schema import ConfigError
from sim.sweep.design_file import Design, chunk_rows, read_design
from sim.sweep.parameters import get_path, point_parameters, with_values
from sim.sweep.seeds import run_seed
from sim.sweep.settings import SweepSettings


@dataclass
class PlannedRun:
    run_id: str  # hash of the complete config, seed included
    point: str  # hash of the point's parameter values and design row (see point_key)
    design_row: int | None
    replication: int
    seed: int
    root_seed: int
    parameters: dict[str, Any]  # dotted key -> value: the job's overrides and the design row
    config: ModelConfig


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def point_key(parameters: Mapping[str, Any], design_row: int | None) -> str:
    """16 hex digits (64 bits) of SHA-256 over the parameter values and the design row."""
    return _digest({"parameters": dict(parameters), "design_row": design_row})


def config_id(cfg: ModelConfig) -> str:
    return _digest(as_plain(cfg))


def _typed(config: Mapping, name: str, value: Any) -> Any:
    """The validated config's value of a parameter (``0`` on the command line is ``0.0`` for a
    float); a config-group choice such as ``scenario`` or ``interventions`` keeps its text."""
    try:
        found = get_path(config, name)
    except KeyError:
        return value
    return value if isinstance(found, (Mapping, list)) else found


def plan_job(raw: Mapping, overrides: Sequence[str], settings: SweepSettings,
             calibration: str | None = None) -> list[PlannedRun]:
    """The runs of a job whose composed config (without ``sweep``) is ``raw``. With a
    ``calibration`` folder, replication ``r`` takes posterior draw ``r`` (the same at every point)."""
    grid = point_parameters(overrides)
    posterior = []
    if calibration is not None:
        from sim.calibration.posterior import check_overrides
        from sim.calibration.uncertain import posterior_draws

        check_overrides(calibration, list(overrides))
        posterior = posterior_draws(calibration, settings.replications, int(raw.get("seed", 0)))
    design: Design | None = None
    if settings.design is None:
        if settings.chunk is not None:
            raise ConfigError("sweep.chunk", settings.chunk, "needs sweep.design (the file to take rows from)")
        points: list[tuple[dict, int | None]] = [({}, None)]
    else:
        design = read_design(settings.design)
        for name in design.names:
            if name in grid:
                raise ConfigError(name, grid[name], f"is also a column of the design {settings.design}; "
                                  "set each parameter in one place")
        rows = chunk_rows(len(design.table), settings.chunk, settings.chunk_size)
        points = [(design.row(i), i) for i in rows]
    runs = []
    for values, row in points:
        try:
            base = validate_config(with_values(raw, values))
        except ConfigError as error:
            if row is None:
                raise
            raise ConfigError(error.key, error.value, f"{error.allowed} (design row {row})") from None
        root_seed = base.seed
        typed = as_plain(base)
        parameters = {name: _typed(typed, name, value) for name, value in {**grid, **values}.items()}
        key = point_key(parameters, row)
        for r in range(settings.replications):
            seed = root_seed if settings.single_run else run_seed(root_seed, int(key, 16), r, settings.common_seeds)
            cfg, run_parameters = dataclasses.replace(base, seed=seed), parameters
            if posterior:
                cfg = dataclasses.replace(validate_config(with_values(raw, {**values, **posterior[r]})), seed=seed)
                run_parameters = {**parameters, **posterior[r]}
            runs.append(PlannedRun(config_id(cfg), key, row, r, seed, root_seed, run_parameters, cfg))
    return runs
