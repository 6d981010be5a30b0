"""Independent random streams of an experiment, all derived from its one ``seed``.

Each stream is ``SeedSequence(seed, spawn_key=keys)`` with the keys naming its purpose (a name is
turned into an integer by CRC-32), e.g. ``("community", 7)`` or ``("design", "staggered")``.
A stream therefore depends only on the seed and its own keys: adding a design or a community does
not change the draws of another (O'Neill 2014; numpy's SeedSequence).
"""

from __future__ import annotations

import zlib

import numpy as np


def _key(part: int | str) -> int:
    return zlib.crc32(part.encode()) if isinstance(part, str) else int(part)


def seed_sequence(seed: int, *keys: int | str) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=tuple(_key(k) for k in keys))


def generator(seed: int, *keys: int | str) -> np.random.Generator:
    return np.random.default_rng(seed_sequence(seed, *keys))


def model_seed(seed: int, *keys: int | str) -> int:
    """An integer seed for a CommunityModel (``ModelConfig.seed``)."""
    return int(seed_sequence(seed, *keys).generate_state(1)[0])
