"""Seeds of the runs of a sweep, all derived from one root seed.

Replication ``r`` at the parameter point with key ``p`` (a 64-bit hash of the point's parameter
values, :func:`sim.sweep.plan.point_key`) runs with seed

    SeedSequence(root_seed, spawn_key=(p, r)).generate_state(1)[0]

i.e. the first 32-bit word of the child ``(p, r)`` of the root's seed sequence (NumPy's
``SeedSequence``, after O'Neill 2015, PCG report): distinct children give statistically
independent streams, and a run's seed depends only on the root seed, its point and its
replication, not on job numbering, chunking or the order of the sweep. With common random
numbers the point is left out of the key, ``spawn_key=(r,)``: every point gets the same seeds.
"""

from __future__ import annotations

import numpy as np


def run_seed(root_seed: int, point: int, replication: int, common: bool = False) -> int:
    key = (replication,) if common else (point, replication)
    return int(np.random.SeedSequence(root_seed, spawn_key=key).generate_state(1, np.uint32)[0])
