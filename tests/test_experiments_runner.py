"""The community runner yields every community's measures in order, as they arrive."""

from __future__ import annotations

import types

import numpy as np

from sim.config import validate_config
from sim.experiments.runner import run_communities, run_community

OUTCOMES = ("satisfaction", "participation")


def _configs(n):
    return [validate_config({"seed": s, "steps": 24, "community": {"n_residents": 200},
                             "leaders": {"n_initial": 5}}) for s in range(n)]


def test_results_come_lazily_and_in_order():
    configs = _configs(3)
    pulled = []

    def feed():
        for cfg in configs:
            pulled.append(cfg.seed)
            yield cfg

    results = run_communities(feed(), OUTCOMES, 4, n_jobs=1)
    assert isinstance(results, types.GeneratorType) and pulled == []  # nothing runs before asked
    first = next(results)
    assert pulled[0] == 0
    rest = list(results)
    for cfg, got in zip(configs, [first, *rest], strict=True):
        expected = run_community(cfg, OUTCOMES, 4)
        for k in OUTCOMES:
            np.testing.assert_array_equal(got[k], expected[k])


def test_threading_backend_gives_the_same_results():
    configs = _configs(2)
    a = list(run_communities(configs, OUTCOMES, 4, n_jobs=1))
    b = list(run_communities(configs, OUTCOMES, 4, n_jobs=2, backend="threading"))
    for x, y in zip(a, b, strict=True):
        for k in OUTCOMES:
            np.testing.assert_array_equal(x[k], y[k])
