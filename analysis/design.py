"""Designs of parameter points for a sweep: full grids, Latin hypercubes (McKay, Beckman &
Conover 1979), Sobol' sequences with Saltelli's scheme for Sobol' indices (Saltelli 2002;
Saltelli et al. 2010) and Morris trajectories for elementary effects (Morris 1991; Campolongo,
Cariboni & Saltelli 2007), drawn with SALib and written to a design file that
``sim -m sweep.design=FILE 'sweep.chunk=range(0,M)'`` runs chunk by chunk.

Bounds are checked against the allowed ranges of the parameters (:mod:`sim.config`); integer
parameters are rounded to the nearest whole number after sampling.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.schema import ConfigError
from sim.sweep.design_file import Design, n_chunks
from sim.sweep.parameters import ParameterRange, parameter_range

METHODS = ("grid", "lhs", "sobol", "morris")


@dataclass(frozen=True)
class Bounds:
    parameter: ParameterRange
    lo: float
    hi: float

    @property
    def name(self) -> str:
        return self.parameter.name


def _number(text: str, spec: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError("--params", spec,
                          "expected NAME=LOW:HIGH with numbers, e.g. deliberation.facilitation=0:1") from None
    if not math.isfinite(value):
        raise ConfigError("--params", spec, "bounds must be finite numbers")
    return value


def parse_bounds(specs: list[str]) -> list[Bounds]:
    """``NAME=LOW:HIGH`` -> bounds, checked: a known numeric parameter, LOW < HIGH, both inside
    the parameter's allowed range, whole numbers for an integer parameter."""
    out: list[Bounds] = []
    for spec in specs:
        name, eq, rest = spec.partition("=")
        lo_text, colon, hi_text = rest.partition(":")
        if not eq or not colon:
            raise ConfigError("--params", spec, "expected NAME=LOW:HIGH, e.g. deliberation.facilitation=0:1")
        lo, hi = _number(lo_text, spec), _number(hi_text, spec)
        try:
            parameter = parameter_range(name)
        except ConfigError as error:
            raise ConfigError(error.key, rest, error.allowed) from None
        if any(b.name == name for b in out):
            raise ConfigError(name, rest, "given twice in --params")
        if parameter.type is int and not (lo.is_integer() and hi.is_integer()):
            raise ConfigError(name, rest, "an integer parameter needs whole-number bounds")
        if not lo < hi:
            raise ConfigError(name, rest, "LOW must be below HIGH")
        if not (parameter.allows(lo) and parameter.allows(hi)):
            raise ConfigError(name, rest, f"bounds must lie within the allowed range {parameter.describe()}")
        out.append(Bounds(parameter, lo, hi))
    if not out:
        raise ConfigError("--params", specs, "give at least one NAME=LOW:HIGH")
    return out


def make_design(method: str, bounds: list[Bounds], n: int, seed: int = 42,
                second_order: bool = False, levels: int = 4) -> Design:
    """Points of a design. ``n`` is, by method: grid, values per parameter (n^D points); lhs,
    points; sobol, the base sample (a power of 2; N(D+2) points, N(2D+2) with second order);
    morris, trajectories (N(D+1) points on a ``levels``-level grid)."""
    from SALib.sample import latin, morris, sobol

    problem = {"num_vars": len(bounds), "names": [b.name for b in bounds], "bounds": [[b.lo, b.hi] for b in bounds]}
    info: dict = {"method": method, "n": n, "seed": seed, "problem": problem}
    if method not in METHODS:
        raise ConfigError("--method", method, "allowed: " + ", ".join(METHODS))
    if n < 2:
        raise ConfigError("--n", n, "must be an integer >= 2")
    if method == "grid":
        axes = [np.unique(np.round(np.linspace(b.lo, b.hi, n))) if b.parameter.type is int
                else np.linspace(b.lo, b.hi, n) for b in bounds]
        x = np.array(list(itertools.product(*axes)), dtype=float)
    elif method == "lhs":
        x = latin.sample(dict(problem), n, seed=seed)
    elif method == "sobol":
        if n & (n - 1):
            raise ConfigError("--n", n, "must be a power of 2 for the Sobol' sequence, e.g. 64, 128, 256")
        x = sobol.sample(dict(problem), n, calc_second_order=second_order, seed=seed)
        info["calc_second_order"] = second_order
    else:
        if levels < 2:
            raise ConfigError("--levels", levels, "must be an integer >= 2")
        x = morris.sample(dict(problem), n, num_levels=levels, seed=seed)
        info["num_levels"] = levels
    table = pd.DataFrame(x, columns=problem["names"])
    integers = [b.name for b in bounds if b.parameter.type is int]
    for name in integers:
        table[name] = np.round(table[name]).astype(np.int64)
    info.update(integer=integers, rows=len(table))
    return Design(table, info)


def suggested_chunk_size(rows: int, cores: int | None = None) -> int:
    """About four chunks per core, so that cores stay busy while chunks finish unevenly."""
    return max(1, math.ceil(rows / (4 * (cores or os.cpu_count() or 1))))


def sweep_command(path: str | Path, rows: int, chunk_size: int) -> str:
    return (f"sim -m sweep.design={path} sweep.chunk_size={chunk_size} "
            f"'sweep.chunk=range(0,{n_chunks(rows, chunk_size)})'")
