"""Every assignment design respects its rules: counts, batch sizes and periods, one unit per site,
strata balance, whole clusters, officials' ranking; and refuses what cannot be carried out."""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiments.designs import (NEVER, Batch, Cluster, ClusterParams, Complete, CompleteParams, Limits,
                                     Officials, OfficialsParams, Staggered, StaggeredParams, Stratified,
                                     StratifiedParams, UnitTable, allocate)
from sim.schema import ConfigError

N, SITES = 118, 13


@pytest.fixture
def units():
    rng = np.random.default_rng(0)
    site = np.empty(N, dtype=np.int64)
    site[rng.permutation(N)] = np.arange(N) % SITES
    return UnitTable(site, rng.normal(size=N), rng.normal(size=N))


def gulou() -> Staggered:
    return Staggered(StaggeredParams([Batch(5, 13, True), Batch(7, 14, False)]))


def test_complete_randomisation_treats_exactly_k_from_the_start_period(units):
    rng = np.random.default_rng(1)
    draws = [Complete(CompleteParams(27, 5)).assign(units, rng) for _ in range(50)]
    for first in draws:
        assert (first >= 0).sum() == 27
        assert set(np.unique(first)) == {NEVER, 4}
    share = np.mean([first >= 0 for first in draws], axis=0)
    assert len({tuple(f) for f in draws}) == 50  # fresh draws
    assert 0.05 < share.mean() < 0.4


def test_same_generator_state_gives_the_same_assignment(units):
    a = gulou().assign(units, np.random.default_rng(7))
    b = gulou().assign(units, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_staggered_batches_have_their_sizes_periods_and_one_per_street_office(units):
    rng = np.random.default_rng(2)
    for _ in range(50):
        first = gulou().assign(units, rng)
        assert (first == 4).sum() == 13 and (first == 6).sum() == 14 and (first == NEVER).sum() == 91
        assert len(set(units.site[first == 4])) == 13  # one per street office


def test_staggered_resizing_keeps_the_batches_proportions():
    sized = gulou().resized(54)
    assert [b.size for b in sized.params.batches] == [26, 28]
    assert [b.period for b in sized.params.batches] == [5, 7]
    assert sized.n_treated == 54


@pytest.mark.parametrize("by", ["pretest", "site"])
def test_stratified_design_balances_every_stratum(units, by):
    design = Stratified(StratifiedParams(27, 5, by, 5))
    rng = np.random.default_rng(3)
    for _ in range(30):
        strata = design.blocks(units)
        first = design.assign(units, np.random.default_rng(4))
        assert (first >= 0).sum() == 27
        for s in np.unique(strata):
            members = strata == s
            expected = 27 * members.sum() / N
            assert abs((first[members] >= 0).sum() - expected) < 1
        design.assign(units, rng)  # other draws also succeed


def test_stratified_on_pretest_blocks_consecutive_ranks(units):
    strata = Stratified(StratifiedParams(27, 5, "pretest", 5)).blocks(units)
    order = np.argsort(units.pretest)
    assert np.all(np.diff(strata[order]) >= 0)
    assert set(np.bincount(strata)) <= {23, 24}


def test_cluster_design_treats_whole_street_offices(units):
    rng = np.random.default_rng(5)
    for _ in range(30):
        first = Cluster(ClusterParams(3, 5)).assign(units, rng)
        treated_sites = set(units.site[first >= 0])
        assert len(treated_sites) == 3
        assert (first[np.isin(units.site, list(treated_sites))] == 4).all()


def test_officials_pick_the_most_willing(units):
    first = Officials(OfficialsParams(27, 5, pretest_weight=0.0, noise=0.0)).assign(units, np.random.default_rng(0))
    assert set(np.flatnonzero(first >= 0)) == set(np.argsort(-units.willingness)[:27])
    noisy = Officials(OfficialsParams(27, 5, pretest_weight=0.5, noise=0.5)).assign(units, np.random.default_rng(0))
    assert units.willingness[noisy >= 0].mean() > units.willingness[noisy < 0].mean() + 0.5


def test_allocate_gives_every_block_its_proportional_share():
    rng = np.random.default_rng(0)
    for _ in range(200):
        sizes = rng.integers(1, 30, rng.integers(1, 10))
        k = int(rng.integers(0, sizes.sum() + 1))
        quota = allocate(k, sizes, rng)
        assert quota.sum() == k and (quota <= sizes).all()
        assert np.all(np.abs(quota - k * sizes / sizes.sum()) < 1)


LIMITS = Limits(n_units=N, n_sites=SITES, n_periods=12, min_site_size=N // SITES)


@pytest.mark.parametrize("design, key", [
    (Complete(CompleteParams(118, 5)), "d.n_treated"),
    (Complete(CompleteParams(27, 13)), "d.start_period"),
    (Stratified(StratifiedParams(27, 5, "pretest", 200)), "d.n_strata"),
    (Staggered(StaggeredParams([Batch(5, 13, True), Batch(7, 105, False)])), "d.batches[1].size"),
    (Staggered(StaggeredParams([Batch(5, 14, True)])), "d.batches[0].size"),
    (Staggered(StaggeredParams([Batch(7, 13, True), Batch(5, 14, False)])), "d.batches[1].period"),
    (Staggered(StaggeredParams([Batch(5, 13, False), Batch(7, 5, True)])), "d.batches[1].one_per_site"),
    (Staggered(StaggeredParams([])), "d.batches"),
    (Cluster(ClusterParams(13, 5)), "d.n_clusters"),
    (Officials(OfficialsParams(0, 5)), "d.n_treated"),
])
def test_designs_that_cannot_be_carried_out_are_refused(design, key):
    with pytest.raises(ConfigError) as err:
        design.check("d", LIMITS)
    assert err.value.key == key


def test_gulou_design_fits_gulou():
    gulou().check("d", LIMITS)
