"""Programmes that can be switched on, scheduled and combined (one module each).

Every module in this package is imported here so that its Intervention subclass registers.
"""

import importlib
import pkgutil

from sim.interventions.base import REGISTRY, Intervention, InterventionParams, build_intervention_params

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "Intervention", "InterventionParams", "build_intervention_params"]
