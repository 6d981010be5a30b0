"""Shared fixtures: small configs, a model runner, and a helper to call the ``sim`` command.

Statistical tests take the ``stat_seed`` fixture. It is one fixed seed by default; to check
that their margins hold beyond that seed, run e.g.

    .venv/bin/python -m pytest --stat-seeds=1,2,3,4,5 -k stat

``--seed-offset=K`` shifts the seed of every config made by ``small_config``/``make_model``, to
check that the other model-run tests do not hang on one lucky seed either.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

SIM_EXE = Path(sys.executable).parent / "sim"  # the console script next to the venv's python

DEFAULT_STAT_SEED = 11

# A small community that still holds meetings on most deliberation days: 300 residents in five
# courtyards of 20 households, 10 leaders, and courtyard issues at 5 per 1,000 residents a week
# (1.5 a week here), each touching two courtyards.
SMALL = {
    "seed": 1,
    "steps": 52,
    "community": {"n_residents": 300},
    "network": {"courtyard": {"households_per_courtyard": 20}},
    "leaders": {"n_initial": 10},
    "issues": {"rate": 5.0, "courtyards_touched": 2},
}


def pytest_addoption(parser):
    parser.addoption("--stat-seeds", default=None,
                     help="comma-separated seeds for the statistical tests (default: one fixed seed)")
    parser.addoption("--seed-offset", type=int, default=0,
                     help="add this to the seed of every small_config/make_model config")


def pytest_generate_tests(metafunc):
    if "stat_seed" in metafunc.fixturenames:
        raw = metafunc.config.getoption("--stat-seeds")
        seeds = [int(s) for s in raw.split(",")] if raw else [DEFAULT_STAT_SEED]
        metafunc.parametrize("stat_seed", seeds)


def merge(base: Mapping, *overrides: Mapping) -> dict:
    """Deep-merge plain dicts (later wins); inputs are not modified."""
    out = copy.deepcopy(dict(base))
    for over in overrides:
        for key, value in over.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
                out[key] = merge(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
    return out


@pytest.fixture
def small_config(request):
    """Factory: ``small_config(seed=3, deliberation={"facilitation": 1.0})`` -> a partial config dict."""
    offset = request.config.getoption("--seed-offset")

    def make(**overrides) -> dict:
        cfg = merge(SMALL, overrides)
        cfg["seed"] += offset
        return cfg

    return make


@pytest.fixture
def make_model(small_config):
    """Factory: a CommunityModel built from ``small_config(**overrides)``."""
    from sim.model import CommunityModel

    def make(**overrides):
        return CommunityModel(small_config(**overrides))

    return make


@pytest.fixture(scope="session")
def run_sim():
    """Run the ``sim`` console script (or ``python -m sim`` with module=True) in a subprocess."""

    def run(*args: str, cwd: Path, module: bool = False, env: Mapping | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "sim", *args] if module else [str(SIM_EXE), *args]
        full_env = {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR", "PYTHONWARNINGS")}
        env = {**full_env, **(env or {})}
        return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)

    return run
