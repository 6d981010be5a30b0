"""Treatment assignment designs: which units are treated, and from which period.

An assignment is an integer array ``first`` with one entry per unit: the 0-based period from
which the unit is treated (it stays treated to the end), or :data:`NEVER` for a control. Each
design draws only from the generator it is given, so randomization inference can re-draw
exactly the design that was carried out (Gerber & Green 2012, ch. 3).

=============  ==========================================================================
``complete``   k of N units at random (complete randomisation)
``stratified`` blocks on the pre-test (consecutive ranks) or on the site (street office);
               each block treats its proportional share of k, remainders to the blocks with
               the largest fractional share (ties at random)
``staggered``  batches at later and later periods (Gulou: 13 at random, one per street
               office, then up to 27 pilots); the rest stay controls to the end
               (a stepped-wedge rollout that never finishes, Hussey & Hughes 2007)
``cluster``    whole sites (street offices) at random; every unit of a chosen site is treated
``officials``  officials pick the k most willing units (no randomisation): willingness score
               z(willingness) + pretest_weight * z(pre-test) + noise * N(0, 1)
``saturation`` two stages (Baird, Bohren, McIntosh & Özler 2018): sites are dealt at random to
               saturations (``sites`` of them to each of ``saturations``), then in a site of
               saturation s, round(s n_site) of its units at random; saturation 0 makes pure-
               control sites, against which direct and spillover effects can be estimated
               under interference (:mod:`sim.experiments.saturation`)
=============  ==========================================================================

Periods in the parameters are 1-based (period 1 is the first); ``first`` is 0-based.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sim.schema import ConfigError, build, param
from sim.provenance import assumed, case, setting

NEVER = -1


@dataclass
class UnitTable:
    """What a design may look at, one entry per unit: its site (street office, or town in a poll),
    its pre-test score (the outcome in the period before treatment), and the willingness officials
    see (cadres' openness; a participant's interest in a poll)."""

    site: np.ndarray
    pretest: np.ndarray
    willingness: np.ndarray

    @property
    def n(self) -> int:
        return len(self.site)


@dataclass
class Limits:
    """What a design must fit into, with the config keys to name in error messages."""

    n_units: int
    n_sites: int
    n_periods: int
    min_site_size: int
    units_key: str = "experiment.n_communities"
    sites_key: str = "experiment.n_street_offices"


@dataclass
class CompleteParams:
    n_treated: int = param(27, lo=1, doc="treated units", source=case("gulou.pilots"))
    start_period: int = param(5, lo=2, doc="first treated period (1-based; period 1 is the pre-period at least)", source=assumed("four pre-periods before treatment"))


@dataclass
class StratifiedParams:
    n_treated: int = param(27, lo=1, doc="treated units in all blocks together", source=case("gulou.pilots"))
    start_period: int = param(5, lo=2, doc="first treated period (1-based)", source=assumed("four pre-periods before treatment"))
    by: str = param("pretest", choices=("pretest", "site"), doc="block on pre-test rank or on site", source=setting("analysis choice"))
    n_strata: int = param(5, lo=1, doc="blocks of consecutive pre-test ranks (by=pretest)", source=setting("analysis choice"))


@dataclass
class Batch:
    period: int = param(5, lo=2, doc="first treated period of the batch (1-based)", source=assumed("first treated period"))
    size: int = param(13, lo=1, doc="units treated in this batch", source=assumed("units of a batch"))
    one_per_site: bool = param(False, doc="at most one unit per site (Gulou: one per street office)", source=assumed("no site rule unless set"))


@dataclass
class StaggeredParams:
    batches: list[Batch] = param([Batch(5, 13, True), Batch(7, 14, False)], doc="batches in rollout order", source=assumed("Gulou's two batches: 13, one per street office (gulou.first_batch), then 14 to make 27 (gulou.pilots); the periods are guesses"))


@dataclass
class ClusterParams:
    n_clusters: int = param(3, lo=1, doc="sites (street offices) treated as a whole", source=assumed("an alternative design; not in the case"))
    start_period: int = param(5, lo=2, doc="first treated period (1-based)", source=assumed("four pre-periods before treatment"))


@dataclass
class OfficialsParams:
    n_treated: int = param(27, lo=1, doc="units officials choose", source=case("gulou.pilots"))
    start_period: int = param(5, lo=2, doc="first treated period (1-based)", source=assumed("four pre-periods before treatment"))
    pretest_weight: float = param(0.5, doc="weight of the pre-test in the willingness score", source=assumed("officials pick on pre-test and willingness alike"))
    noise: float = param(0.5, lo=0.0, doc="sd of officials' misjudgement of willingness", source=assumed("officials misjudge willingness; not measured"))


@dataclass
class SaturationParams:
    saturations: list[float] = param([0.0, 0.5], doc="shares of a site's units treated, one per saturation level (0: pure-control sites)", source=assumed("an alternative design; not in the case: half of the street offices treat half their communities, as many pilots as Gulou's 27"))
    sites: list[int] = param([7, 6], doc="sites (street offices) dealt to each saturation level, in order; they add up to every site", source=assumed("13 street offices: 7 pure-control, 6 half-treated"))
    start_period: int = param(5, lo=2, doc="first treated period (1-based)", source=assumed("four pre-periods before treatment"))


def zscore(x: np.ndarray) -> np.ndarray:
    x = np.nan_to_num(np.asarray(x, dtype=float), nan=float(np.nanmean(x)) if np.isfinite(x).any() else 0.0)
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def allocate(k: int, sizes: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """Split k over blocks in proportion to their sizes: floor(k n_b / N) each, the remaining
    units one each to the blocks with the largest fractional parts (Hamilton's largest-remainder
    rule; ties broken at random with ``rng``, else in block order)."""
    exact = k * sizes / sizes.sum()
    quota = np.floor(exact).astype(int)
    rest = k - quota.sum()
    tie = rng.random(len(sizes)) if rng is not None else np.arange(len(sizes))
    order = np.lexsort((tie, -(exact - quota)))
    quota[order[:rest]] += 1
    return quota


class Design:
    """A configured design. Subclasses set ``kind`` and ``Params`` and implement ``assign``."""

    kind: ClassVar[str]
    Params: ClassVar[type]
    clustered: ClassVar[bool] = False  # units of a site are assigned together: cluster SEs by site
    resizable: ClassVar[bool] = True  # has one number of treated units that a power analysis varies
    treated_label: ClassVar[str] = "treated units"

    def __init__(self, params: Any):
        self.params = params

    def assign(self, units: UnitTable, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def blocks(self, units: UnitTable) -> np.ndarray | None:
        """The blocks the design assigns within (the estimators use them), or None."""
        return None

    def start_periods(self) -> list[int]:
        """0-based first treated periods this design uses."""
        return [self.params.start_period - 1]

    @property
    def baseline(self) -> int:
        """0-based pre-test period: the last period before any unit is treated."""
        return min(self.start_periods()) - 1

    @property
    def n_treated(self) -> int:
        return self.params.n_treated

    def resized(self, k: int) -> Design:
        """The same design with k treated units (for power analysis)."""
        return type(self)(dataclasses.replace(self.params, n_treated=k))

    def check(self, key: str, lim: Limits) -> None:
        """Refuse a design that cannot be carried out (before anything runs)."""
        check_period(f"{key}.start_period", self.params.start_period, lim)
        check_count(f"{key}.n_treated", self.params.n_treated, lim)


def check_period(key: str, period: int, lim: Limits) -> None:
    if not 2 <= period <= lim.n_periods:
        raise ConfigError(key, period, f"must be in [2, experiment.n_periods ({lim.n_periods})]: "
                                       "period 1 at least is before treatment")


def check_count(key: str, k: int, lim: Limits) -> None:
    if not 1 <= k <= lim.n_units - 1:
        raise ConfigError(key, k, f"must be in [1, {lim.n_units - 1}] ({lim.units_key} = {lim.n_units}, "
                                  "and at least one unit stays a control)")


class Complete(Design):
    kind = "complete"
    Params = CompleteParams

    def assign(self, units, rng):
        first = np.full(units.n, NEVER)
        first[rng.choice(units.n, size=self.params.n_treated, replace=False)] = self.params.start_period - 1
        return first


class Stratified(Design):
    kind = "stratified"
    Params = StratifiedParams

    def blocks(self, units: UnitTable) -> np.ndarray:
        """Sites, or ``n_strata`` blocks of consecutive pre-test ranks (ties and missing pre-tests
        ranked by unit number), fixed by the units, so every re-drawn assignment has the same blocks."""
        if self.params.by == "site":
            return np.unique(units.site, return_inverse=True)[1]
        order = np.lexsort((np.arange(units.n), np.nan_to_num(units.pretest, nan=np.inf)))
        stratum = np.empty(units.n, dtype=np.int64)
        stratum[order] = np.arange(units.n) * self.params.n_strata // units.n
        return stratum

    def assign(self, units, rng):
        stratum = self.blocks(units)
        sizes = np.bincount(stratum)
        quota = allocate(self.params.n_treated, sizes, rng)
        first = np.full(units.n, NEVER)
        for s, q in enumerate(quota):
            members = np.flatnonzero(stratum == s)
            first[rng.choice(members, size=q, replace=False)] = self.params.start_period - 1
        return first

    def check(self, key, lim):
        super().check(key, lim)
        if self.params.by == "pretest" and self.params.n_strata > lim.n_units:
            raise ConfigError(f"{key}.n_strata", self.params.n_strata, f"must be <= {lim.units_key} ({lim.n_units})")


class Staggered(Design):
    kind = "staggered"
    Params = StaggeredParams

    def start_periods(self):
        return [b.period - 1 for b in self.params.batches]

    @property
    def n_treated(self):
        return sum(b.size for b in self.params.batches)

    def assign(self, units, rng):
        first = np.full(units.n, NEVER)
        for batch in self.params.batches:
            pool = np.flatnonzero(first == NEVER)
            if batch.one_per_site:
                sites = np.unique(units.site[pool])
                chosen_sites = rng.choice(sites, size=batch.size, replace=False)
                chosen = [rng.choice(pool[units.site[pool] == s]) for s in chosen_sites]
            else:
                chosen = rng.choice(pool, size=batch.size, replace=False)
            first[chosen] = batch.period - 1
        return first

    def resized(self, k):
        sizes = np.array([b.size for b in self.params.batches])
        new = allocate(k, sizes)
        batches = [dataclasses.replace(b, size=int(s)) for b, s in zip(self.params.batches, new) if s > 0]
        return Staggered(StaggeredParams(batches))

    def check(self, key, lim):
        if not self.params.batches:
            raise ConfigError(f"{key}.batches", [], "needs at least one batch")
        treated, last = 0, 1
        for i, b in enumerate(self.params.batches):
            bkey = f"{key}.batches[{i}]"
            check_period(f"{bkey}.period", b.period, lim)
            if b.period <= last and i > 0:
                raise ConfigError(f"{bkey}.period", b.period, f"must be later than the previous batch ({last})")
            last = b.period
            pool = lim.n_units - treated - 1
            if b.size > pool:
                raise ConfigError(f"{bkey}.size", b.size,
                                  f"must be <= {pool}: the units not yet treated ({lim.n_units - treated}) "
                                  "less one that stays a control")
            if b.one_per_site:
                if b.size > lim.n_sites:
                    raise ConfigError(f"{bkey}.size", b.size,
                                      f"must be <= {lim.sites_key} ({lim.n_sites}) with one_per_site")
                if treated >= lim.min_site_size:
                    raise ConfigError(f"{bkey}.one_per_site", True,
                                      f"earlier batches treat {treated} units, so a site of "
                                      f"{lim.min_site_size} may have none left; use it in the first batch")
            treated += b.size


class Cluster(Design):
    kind = "cluster"
    Params = ClusterParams
    clustered = True
    treated_label = "treated sites"

    @property
    def n_treated(self):
        return self.params.n_clusters

    def assign(self, units, rng):
        sites = np.unique(units.site)
        chosen = rng.choice(sites, size=self.params.n_clusters, replace=False)
        return np.where(np.isin(units.site, chosen), self.params.start_period - 1, NEVER)

    def resized(self, k):
        return Cluster(dataclasses.replace(self.params, n_clusters=k))

    def check(self, key, lim):
        check_period(f"{key}.start_period", self.params.start_period, lim)
        if not 1 <= self.params.n_clusters <= lim.n_sites - 1:
            raise ConfigError(f"{key}.n_clusters", self.params.n_clusters,
                              f"must be in [1, {lim.n_sites - 1}] ({lim.sites_key} = {lim.n_sites}, "
                              "and at least one site stays a control)")


class Officials(Design):
    kind = "officials"
    Params = OfficialsParams

    def assign(self, units, rng):
        p = self.params
        score = zscore(units.willingness) + p.pretest_weight * zscore(units.pretest) + p.noise * rng.normal(size=units.n)
        first = np.full(units.n, NEVER)
        first[np.argsort(-score, kind="stable")[: p.n_treated]] = p.start_period - 1
        return first


class Saturation(Design):
    kind = "saturation"
    Params = SaturationParams
    clustered = True  # sites are assigned their saturation together: cluster SEs by site
    resizable = False  # the treated count follows from the levels and the sites' sizes

    def saturation_of_sites(self, units: UnitTable, rng: np.random.Generator) -> dict:
        """Site -> its saturation: the sites in random order, ``sites[j]`` of them to level j."""
        levels = np.repeat(np.asarray(self.params.saturations, dtype=float), self.params.sites)
        return dict(zip(rng.permutation(np.unique(units.site)).tolist(), levels.tolist()))

    def assign(self, units, rng):
        first = np.full(units.n, NEVER)
        for site, share in self.saturation_of_sites(units, rng).items():
            members = np.flatnonzero(units.site == site)
            k = int(np.floor(share * len(members) + 0.5))
            first[rng.choice(members, size=k, replace=False)] = self.params.start_period - 1
        return first

    def check(self, key, lim):
        p = self.params
        check_period(f"{key}.start_period", p.start_period, lim)
        if not p.saturations:
            raise ConfigError(f"{key}.saturations", [], "needs at least one saturation level")
        for i, share in enumerate(p.saturations):
            if not 0.0 <= share <= 1.0:
                raise ConfigError(f"{key}.saturations[{i}]", share, "must be in [0, 1] (a share of a site's units)")
        if len(p.sites) != len(p.saturations):
            raise ConfigError(f"{key}.sites", p.sites,
                              f"needs one number of sites per saturation level ({len(p.saturations)})")
        if any(k < 0 for k in p.sites) or sum(p.sites) != lim.n_sites:
            raise ConfigError(f"{key}.sites", p.sites,
                              f"must be numbers >= 0 adding up to {lim.sites_key} ({lim.n_sites})")
        if not any(share == 0 and k > 0 for share, k in zip(p.saturations, p.sites)):
            raise ConfigError(f"{key}.saturations", p.saturations,
                              "needs a level 0 with at least one site: the pure controls every effect is read against")
        if not any(0 < share and k > 0 for share, k in zip(p.saturations, p.sites)):
            raise ConfigError(f"{key}.saturations", p.saturations, "needs a level above 0 with at least one site")


DESIGNS: dict[str, type[Design]] = {d.kind: d for d in (Complete, Stratified, Staggered, Cluster, Officials,
                                                        Saturation)}
DESIGN_KINDS = tuple(DESIGNS)


def build_design(kind: str, raw: Any, key: str) -> Design:
    if kind not in DESIGNS:
        raise ConfigError(key, kind, "allowed: " + ", ".join(DESIGN_KINDS))
    cls = DESIGNS[kind]
    return cls(build(cls.Params, raw, f"{key}.{kind}"))
