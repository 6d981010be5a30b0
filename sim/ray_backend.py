"""Ray, the optional cluster backend of experiments and calibrations (the ``ray`` extra)."""

from __future__ import annotations

import importlib.util

from sim.schema import ConfigError


def require(key: str, value: str) -> None:
    """Refuse a setting that needs Ray where Ray is not installed."""
    if importlib.util.find_spec("ray") is None:
        raise ConfigError(key, value, "needs Ray installed (pip install 'ray[default]')")


def connect():
    """The ``ray`` module, connected to the cluster ``RAY_ADDRESS`` names (else a local Ray
    started here) unless it already is."""
    import ray

    if not ray.is_initialized():
        ray.init()
    return ray
