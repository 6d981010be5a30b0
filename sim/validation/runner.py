"""Run the facts over seeds in worker processes, with a progress line on stderr.

Every (fact, seed) pair is one task; the workers are separate processes (loky), so each composes
its arms with Hydra on its own, and the figures come back as plain numbers.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import as_completed
from dataclasses import dataclass

import numpy as np

from sim.progress import ProgressLine
from sim.validation.facts import BY_NAME, Fact


def measure_one(name: str, seed: int) -> tuple[str, int, dict[str, float]]:
    """One fact on one seed (runs in a worker)."""
    import logging

    logging.getLogger("MESA").setLevel(logging.WARNING)
    return name, seed, {k: float(v) for k, v in BY_NAME[name].measure(seed).items()}


@dataclass
class Result:
    fact: Fact
    seeds: list[int]
    figures: dict[str, np.ndarray]  # figure name -> value per seed (in ``seeds`` order)

    @property
    def passed(self) -> bool | None:
        return None if self.fact.is_reading else bool(self.fact.check(self.figures))


def workers(n_jobs: int, tasks: int) -> int:
    cores = os.cpu_count() or 1
    return max(1, min(tasks, cores if n_jobs == -1 else n_jobs))


def run_facts(facts: list[Fact], seeds: list[int], n_jobs: int = -1, progress=sys.stderr) -> list[Result]:
    """Measure every fact on every seed; returns one :class:`Result` per fact, in catalogue order."""
    from joblib.externals.loky import get_reusable_executor

    tasks = [(fact.name, seed) for fact in facts for seed in seeds]
    executor = get_reusable_executor(max_workers=workers(n_jobs, len(tasks)))
    line = ProgressLine("validate", len(tasks), "fact-seeds", progress)
    futures = [executor.submit(measure_one, name, seed) for name, seed in tasks]
    got: dict[tuple[str, int], dict[str, float]] = {}
    for future in as_completed(futures):
        name, seed, figures = future.result()
        got[name, seed] = figures
        line.advance()
    results = []
    for fact in facts:
        names = list(got[fact.name, seeds[0]])
        results.append(Result(fact, list(seeds), {k: np.array([got[fact.name, s][k] for s in seeds]) for k in names}))
    return results

