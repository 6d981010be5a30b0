"""Common random numbers: every stochastic decision draws from a stream named by its call site.

A model run owns one :class:`Streams`, made from its seed. A rule never draws "the next number of
the generator" (which would shift every later draw when anything else draws one more); it asks
for the numbers *of a named site, at this step, for these residents or these keys* (common random
numbers as in Kerr et al. 2024, "Enabling common random numbers in agent-based models", starsim):

* :meth:`Streams.uniform` gives resident (or key) ``i`` at step ``t`` the uniform

      u = (mix(b + (i + 1) * G) >> 11 + 1/2) / 2**53,   b = H(seed, site, t, key)

  where ``mix`` is the SplitMix64 finaliser (Steele, Lea & Flood 2014; Stafford's variant 13),
  ``G`` the golden-ratio increment and ``H`` the same mixer folded over the site's name, the
  step and an optional key: a counter-based generator. Resident ``i``'s draw depends on nothing
  but (seed, site, step, key, i): whether, and how many, other residents draw never changes it.
* :meth:`Streams.normal`, :meth:`Streams.sample`, :meth:`Streams.weighted_sample` and
  :meth:`Streams.categorical` are built on those uniforms (inverse normal CDF; the ``k``
  smallest keys; Efraimidis & Spirakis 2006 keys ``u**(1/w)``; inverse CDF of a discrete law).
* :meth:`Streams.generator` is a numpy ``Generator`` (Philox, Salmon et al. 2011) keyed by
  (seed, site, step, keys), for draws over one named thing at once (one issue's courtyards and
  opinions, one community's network): one more thing elsewhere does not shift its draws.

A programme draws from ``streams.child(name)`` (sites prefixed with its name); questionnaires
from ``streams.child("measurement")``, so measuring never changes a run.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
from scipy import special

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_G = np.uint64(_GOLDEN)
_C1, _C2 = np.uint64(_M1), np.uint64(_M2)
_S11, _S27, _S30, _S31 = (np.uint64(s) for s in (11, 27, 30, 31))
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_FEW = 8  # rows up to which Streams.uniform mixes in Python (faster than numpy's calls for so few)


def _mix_int(z: int) -> int:
    """SplitMix64 finaliser on one Python int (64-bit wrap-around)."""
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


def _mix_in_place(z: np.ndarray) -> None:
    """SplitMix64 finaliser on a uint64 array, in place (numpy wraps uint64 arithmetic modulo 2**64)."""
    z ^= z >> _S30
    z *= _C1
    z ^= z >> _S27
    z *= _C2
    z ^= z >> _S31


def _key_int(key: int | str) -> int:
    """A stream key as a 64-bit integer: integers as they are, names by their CRC-32."""
    if isinstance(key, str):
        return zlib.crc32(key.encode()) | (1 << 40)  # names never collide with small integers
    return int(key) & _MASK


def fold(base: int, *keys: int | str) -> int:
    """Fold keys into a 64-bit stream base, one mixer round per key."""
    for key in keys:
        base = _mix_int(((base ^ _key_int(key)) * _GOLDEN + _GOLDEN) & _MASK)
    return base


def _smallest(pool: np.ndarray, k: int, keys) -> np.ndarray:
    """The ``k`` members of ``pool`` with the smallest ``keys()`` (computed only if needed), sorted."""
    if k >= len(pool):
        return np.sort(pool)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(pool[np.argpartition(keys(), k - 1)[:k]])


class Streams:
    """The named random streams of one model run (see the module docstring).

    ``clock`` returns the current step (the model's ``steps``); draws at set-up happen at step 0.
    """

    def __init__(self, seed: int, clock=lambda: 0, prefix: str = ""):
        self.seed = int(seed)
        self.clock = clock
        self.prefix = prefix
        self._root = fold(_mix_int(self.seed & _MASK), self.seed >> 64)
        self._sites: dict[str, int] = {}

    def child(self, name: str) -> Streams:
        """The streams of one programme (or of measurement): its sites are prefixed ``name.``."""
        return Streams(self.seed, self.clock, f"{self.prefix}{name}.")

    def _base(self, site: str, keys: Sequence[int | str]) -> int:
        name = self.prefix + site
        root = self._sites.get(name)
        if root is None:
            root = self._sites[name] = fold(self._root, name)
        return fold(root, self.clock(), *keys)

    # -- per resident (or per key) --------------------------------------------------------------
    def uniform(self, site: str, rows: np.ndarray, *keys: int | str) -> np.ndarray:
        """One uniform in (0, 1) per entry of ``rows`` (resident rows or other integer keys).

        The same numbers two ways: up to :data:`_FEW` rows with Python integers (numpy's cost per
        call dominates there), more with in-place uint64 arithmetic; (i + 1) G + b is computed as
        i G + (G + b), equal modulo 2**64.
        """
        rows = np.asarray(rows)
        if rows.size == 0:
            return np.zeros(0)
        offset = (self._base(site, keys) + _GOLDEN) & _MASK
        if rows.size <= _FEW:
            return np.array([((_mix_int((i * _GOLDEN + offset) & _MASK) >> 11) + 0.5) * _TO_UNIT
                             for i in rows.ravel().tolist()]).reshape(rows.shape)
        z = rows.astype(np.uint64)
        z *= _G
        z += np.uint64(offset)
        _mix_in_place(z)
        z >>= _S11
        u = z.astype(np.float64)
        u += 0.5
        u *= _TO_UNIT
        return u

    def uniform_one(self, site: str, *keys: int | str) -> float:
        """One uniform for one thing (a programme's event, an organisation), named by ``keys``."""
        z = _mix_int((self._base(site, keys) + _GOLDEN) & _MASK)
        return ((z >> 11) + 0.5) * _TO_UNIT

    def normal(self, site: str, rows: np.ndarray, *keys: int | str) -> np.ndarray:
        """One standard normal per entry of ``rows`` (inverse CDF of :meth:`uniform`)."""
        return special.ndtri(self.uniform(site, rows, *keys))

    def sample(self, site: str, pool: np.ndarray, k: int, *keys: int | str) -> np.ndarray:
        """``k`` members of ``pool`` (resident rows) without replacement, sorted.

        The ``k`` with the smallest uniforms: each member's chance of being drawn depends on its
        own draw and its rank, never on how the pool is ordered.
        """
        pool = np.asarray(pool, dtype=np.int64)
        return _smallest(pool, k, lambda: self.uniform(site, pool, *keys))

    def weighted_sample(self, site: str, pool: np.ndarray, k: int, weights: np.ndarray,
                        *keys: int | str) -> np.ndarray:
        """``k`` members of ``pool`` without replacement with probability proportional to weight
        at each draw (Efraimidis & Spirakis 2006: the ``k`` largest ``u**(1/w)``), sorted."""
        pool = np.asarray(pool, dtype=np.int64)
        return _smallest(pool, k, lambda: -np.log(self.uniform(site, pool, *keys)) / np.asarray(weights, dtype=float))

    def categorical(self, site: str, rows: np.ndarray, p: np.ndarray, *keys: int | str) -> np.ndarray:
        """One category index per entry of ``rows``, drawn with probabilities ``p``."""
        cdf = np.cumsum(np.asarray(p, dtype=float))
        u = self.uniform(site, rows, *keys) * cdf[-1]
        return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)

    def gamma(self, site: str, rows: np.ndarray, shape: float, scale: float,
              *keys: int | str) -> np.ndarray:
        """One Gamma(shape, scale) per entry of ``rows`` (inverse CDF)."""
        return special.gammaincinv(shape, self.uniform(site, rows, *keys)) * scale

    def beta(self, site: str, rows: np.ndarray, a: float, b: float, *keys: int | str) -> np.ndarray:
        """One Beta(a, b) per entry of ``rows`` (inverse CDF)."""
        return special.betaincinv(a, b, self.uniform(site, rows, *keys))

    # -- over one named thing -------------------------------------------------------------------
    def generator(self, site: str, *keys: int | str) -> np.random.Generator:
        """A numpy Generator of its own for (site, step, keys)."""
        base = self._base(site, keys)
        key = np.array([base, _mix_int(base ^ _GOLDEN)], dtype=np.uint64)
        return np.random.Generator(np.random.Philox(key=key))
