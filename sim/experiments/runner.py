"""Running many communities in parallel with joblib.

:func:`run_communities` sends one task per (community, arm) to ``joblib.Parallel(n_jobs)``; each
task builds a :class:`sim.model.CommunityModel`, runs it and returns only the per-period measures
(a few numbers), so results are small and come back in task order. Results do not depend on
``n_jobs`` or on the backend: every task carries its own seed.

The backend is joblib's default (loky processes) unless ``experiment.backend`` names another.
With ``backend: ray`` the tasks go to a Ray cluster through Ray's joblib backend
(``ray.util.joblib.register_ray``); ``ray.init()`` connects to the cluster named by the
``RAY_ADDRESS`` environment variable, or starts a local one. The same works from Python::

    import joblib
    from ray.util.joblib import register_ray
    register_ray()
    with joblib.parallel_config(backend="ray"):
        run_experiment(...)          # experiment.backend left null
"""

from __future__ import annotations

import logging

import numpy as np
from joblib import Parallel, delayed, parallel_config

from sim.config import ModelConfig
from sim.experiments.measurement import measure


def run_community(config: ModelConfig, outcomes: tuple[str, ...], n_periods: int) -> dict[str, np.ndarray]:
    """One community run: build, run ``config.steps`` weeks, measure each period."""
    from sim.model import CommunityModel

    logging.getLogger("MESA").setLevel(logging.WARNING)
    model = CommunityModel(config)
    model.run_for(config.steps)
    return measure(model, outcomes, n_periods)


def run_communities(configs: list[ModelConfig], outcomes: tuple[str, ...], n_periods: int,
                    n_jobs: int = -1, backend: str | None = None) -> list[dict[str, np.ndarray]]:
    """Measures of every config's run, in the order given."""
    tasks = (delayed(run_community)(cfg, outcomes, n_periods) for cfg in configs)
    if backend == "ray":
        from ray.util.joblib import register_ray

        register_ray()
    if backend is None:
        return Parallel(n_jobs=n_jobs)(tasks)
    with parallel_config(backend=backend):
        return Parallel(n_jobs=n_jobs)(tasks)
