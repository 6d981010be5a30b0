"""Power rows are computed from the full set of re-drawn assignments they claim: a simulated-effect
row needs the treated outcomes of every draw, and is left out otherwise."""

from __future__ import annotations

import numpy as np

from sim.experiments.designs import Complete, CompleteParams, UnitTable
from sim.experiments.estimators import Context
from sim.experiments.power import power_analysis
from sim.experiments.truth import PotentialOutcomes

N, PERIODS, START = 40, 6, 3


def potential_outcomes(treated_units: np.ndarray) -> PotentialOutcomes:
    """Untreated outcomes for every unit; treated outcomes (effect 1) for ``treated_units`` only."""
    rng = np.random.default_rng(0)
    po = PotentialOutcomes(("y",), N, PERIODS)
    y0 = rng.normal(size=(N, PERIODS))
    for i in range(N):
        po.add(i, -1, {"y": y0[i]})
    for i in treated_units:
        po.add(int(i), START, {"y": y0[i] + np.where(np.arange(PERIODS) >= START, 1.0, 0.0)})
    return po


def analyse(po: PotentialOutcomes, replications: int = 50):
    units = UnitTable(np.arange(N) % 4, np.zeros(N), np.zeros(N))
    ctx = Context(START - 1, PERIODS - 1, np.arange(N))
    design = Complete(CompleteParams(n_treated=10, start_period=START + 1))
    return power_analysis(po, design, units, ctx, "y", "difference_in_differences", [10], replications, [0.5],
                          0.8, lambda k: np.random.default_rng(k))


def test_simulated_power_uses_every_draw_when_every_unit_has_its_treated_outcomes():
    curve, _ = analyse(potential_outcomes(np.arange(N)))
    simulated = curve[curve.effect == "simulated"]
    assert len(simulated) == 1
    assert simulated["draws"].item() == 50
    assert simulated["effect_size"].item() == 1.0
    assert (curve["draws"] == 50).all()


def test_no_simulated_power_from_the_few_draws_that_happen_to_be_covered():
    """Only 30 of 40 units have treated outcomes: some draws of 10 treated fall inside them
    (about 3.5% of draws), but the row would claim 50 draws it does not have, so there is none."""
    curve, _ = analyse(potential_outcomes(np.arange(30)), replications=400)
    assert "simulated" not in set(curve["effect"])
    assert set(curve["effect"]) == {"none", "additive"}
    assert (curve["draws"] == 400).all()
