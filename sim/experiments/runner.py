"""Running many communities in parallel with joblib.

:func:`run_communities` sends one task per (community, arm) to ``joblib.Parallel(n_jobs)``; each
task builds a :class:`sim.model.CommunityModel`, runs it and returns only the per-period measures
(a few numbers), so results are small and come back in task order. Results do not depend on
``n_jobs`` or on the backend: every task carries its own seed. Results are yielded as they arrive
(joblib's ``return_as="generator"``), so the driver holds no list of them: a caller that stores or
writes each one as it comes keeps the driver's memory flat in the number of communities.

The backend is joblib's default (loky processes) unless ``experiment.backend`` names another.
With ``backend: ray`` the tasks go to a Ray cluster as Ray tasks (one CPU each, at most twice the
cluster's CPUs in flight, results taken in order); ``ray.init()`` connects to the cluster named by
the ``RAY_ADDRESS`` environment variable, or starts a local one. Ray's joblib backend also works
from Python, but it cannot yield results as they arrive, so they are then collected first::

    import joblib
    from ray.util.joblib import register_ray
    register_ray()
    with joblib.parallel_config(backend="ray"):
        run_experiment(...)          # experiment.backend left null
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import nullcontext

import numpy as np
from joblib import Parallel, delayed, parallel_config
from joblib.parallel import get_active_backend

from sim.config import ModelConfig
from sim.experiments.measurement import measure


def run_community(config: ModelConfig, outcomes: tuple[str, ...], n_periods: int) -> dict[str, np.ndarray]:
    """One community run: build, run ``config.steps`` weeks, measure each period."""
    from sim.model import CommunityModel

    logging.getLogger("MESA").setLevel(logging.WARNING)
    model = CommunityModel(config)
    model.run_for(config.steps)
    return measure(model, outcomes, n_periods)


def run_communities(configs: Iterable[ModelConfig], outcomes: tuple[str, ...], n_periods: int,
                    n_jobs: int = -1, backend: str | None = None) -> Iterator[dict[str, np.ndarray]]:
    """Measures of every config's run, yielded in the order given as the runs finish."""
    if backend == "ray":
        yield from _ray_results(configs, outcomes, n_periods, n_jobs)
        return
    with parallel_config(backend=backend) if backend else nullcontext():
        tasks = (delayed(run_community)(cfg, outcomes, n_periods) for cfg in configs)
        generator = getattr(get_active_backend()[0], "supports_return_generator", False)
        yield from Parallel(n_jobs=n_jobs, return_as="generator" if generator else "list")(tasks)


def _ray_results(configs: Iterable[ModelConfig], outcomes: tuple[str, ...], n_periods: int,
                 n_jobs: int) -> Iterator[dict[str, np.ndarray]]:
    import ray

    if not ray.is_initialized():
        ray.init()
    workers = n_jobs if n_jobs > 0 else max(1, int(ray.cluster_resources().get("CPU", 1)))
    task = ray.remote(num_cpus=1)(run_community)
    in_flight: deque = deque()
    for cfg in configs:
        in_flight.append(task.remote(cfg, outcomes, n_periods))
        if len(in_flight) >= 2 * workers:
            yield ray.get(in_flight.popleft())
    while in_flight:
        yield ray.get(in_flight.popleft())
