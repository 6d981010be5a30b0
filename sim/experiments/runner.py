"""Running many communities in parallel with joblib.

:func:`run_communities` sends one task per config to ``joblib.Parallel(n_jobs)``; each task builds
a :class:`sim.model.CommunityModel`, runs it and returns only the per-period measures (a few
numbers), so results are small and come back in task order. :func:`run_arm_groups` sends one task
per community with all the arms it needs, which share the weeks before each arm's first programme
starts (:func:`run_arms`). Results do not depend on
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
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext

import numpy as np
from joblib import Parallel, delayed, parallel_config
from joblib.parallel import get_active_backend

from sim import ray_backend
from sim.config import ModelConfig
from sim.experiments.measurement import measure


def run_community(config: ModelConfig, outcomes: tuple[str, ...], n_periods: int) -> dict[str, np.ndarray]:
    """One community run: build, run ``config.steps`` weeks, measure each period."""
    from sim.model import CommunityModel

    logging.getLogger("MESA").setLevel(logging.WARNING)
    model = CommunityModel(config)
    model.run_for(config.steps)
    return measure(model, outcomes, n_periods)


def run_arms(trunk: ModelConfig, configs: list[ModelConfig], outcomes: tuple[str, ...],
             n_periods: int) -> list[dict[str, np.ndarray]]:
    """One community in several arms, sharing the weeks they have in common: the ``trunk`` run
    (the community untreated) goes up to each arm's branch point (:func:`sim.model.branch_point`,
    the week its first added programme starts) and the arm continues from a copy of it
    (:meth:`sim.model.CommunityModel.branch`). The measures equal those of separate runs."""
    from sim.model import CommunityModel, branch_point

    logging.getLogger("MESA").setLevel(logging.WARNING)
    points = [branch_point(trunk, c) for c in configs]
    out: list[dict[str, np.ndarray] | None] = [None] * len(configs)
    for i, point in enumerate(points):
        if point == 1:  # differs from the first week: a run of its own
            out[i] = run_community(configs[i], outcomes, n_periods)
    model = CommunityModel(trunk)
    for point in sorted({p for p in points if 1 < p <= trunk.steps}):
        model.run_for(point - 1 - model.steps)
        for i in (i for i, p in enumerate(points) if p == point):
            arm = model.branch(configs[i])
            arm.run_for(configs[i].steps - arm.steps)
            out[i] = measure(arm, outcomes, n_periods)
    if any(p > trunk.steps for p in points):  # the trunk itself
        model.run_for(trunk.steps - model.steps)
        trunk_measures = measure(model, outcomes, n_periods)
        for i in (i for i, p in enumerate(points) if p > trunk.steps):
            out[i] = trunk_measures
    return out


def run_communities(configs: Iterable[ModelConfig], outcomes: tuple[str, ...], n_periods: int,
                    n_jobs: int = -1, backend: str | None = None) -> Iterator[dict[str, np.ndarray]]:
    """Measures of every config's run, yielded in the order given as the runs finish."""
    yield from _parallel(run_community, ((cfg, outcomes, n_periods) for cfg in configs), n_jobs, backend)


def run_arm_groups(groups: Iterable[tuple[ModelConfig, list[ModelConfig]]], outcomes: tuple[str, ...],
                   n_periods: int, n_jobs: int = -1,
                   backend: str | None = None) -> Iterator[list[dict[str, np.ndarray]]]:
    """For each (trunk, arms) group, one task (:func:`run_arms`); the arms' measures, group by
    group, in the order given."""
    yield from _parallel(run_arms, ((trunk, arms, outcomes, n_periods) for trunk, arms in groups), n_jobs, backend)


def _parallel(function: Callable, tasks: Iterable[tuple], n_jobs: int, backend: str | None) -> Iterator:
    if backend == "ray":
        yield from _ray_results(function, tasks, n_jobs)
        return
    with parallel_config(backend=backend) if backend else nullcontext():
        calls = (delayed(function)(*args) for args in tasks)
        generator = getattr(get_active_backend()[0], "supports_return_generator", False)
        yield from Parallel(n_jobs=n_jobs, return_as="generator" if generator else "list")(calls)


def _ray_results(function: Callable, tasks: Iterable[tuple], n_jobs: int) -> Iterator:
    ray = ray_backend.connect()
    workers = n_jobs if n_jobs > 0 else max(1, int(ray.cluster_resources().get("CPU", 1)))
    task = ray.remote(num_cpus=1)(function)
    in_flight: deque = deque()
    for args in tasks:
        in_flight.append(task.remote(*args))
        if len(in_flight) >= 2 * workers:
            yield ray.get(in_flight.popleft())
    while in_flight:
        yield ray.get(in_flight.popleft())
