"""Recovery of three known parameters on every core (pyabc's multicore sampler): slow."""

from __future__ import annotations

import pytest
import yaml

from sim.calibration.abc import run_abc, run_statistics
from sim.calibration.config import prepare
from sim.calibration.outputs import write_outputs

BASE = {"seed": 11, "steps": 39, "community": {"n_residents": 240}, "leaders": {"n_initial": 8},
        "issues": {"rate": 8.0}}
TRUE = {"participation.intercept": -0.8, "community.trust_mean": 0.35, "community.efficacy_mean": 0.55}
PRIORS = {"participation.intercept": {"low": -2.0, "high": 1.0}, "community.trust_mean": {"low": 0.1, "high": 0.9},
          "community.efficacy_mean": {"low": 0.1, "high": 0.9}}
SD = {"participation_rate": 0.03, "ever_attended_share": 0.04, "attendance_gini": 0.04, "mean_trust": 0.03,
      "mean_efficacy": 0.03}


@pytest.mark.slow
def test_three_parameters_recovered_in_parallel(tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text(yaml.safe_dump({"targets": [{"statistic": s, "value": 0.5, "sd": sd} for s, sd in SD.items()]}))
    settings = {"targets": str(targets), "parameters": PRIORS, "population_size": 60, "generations": 6,
                "epsilon_quantile": 0.4, "min_epsilon": 1.0, "n_jobs": 2, "posterior_predictive": 20,
                "progress": False}
    stats = run_statistics(prepare(BASE, settings), TRUE, seed=4242)
    targets.write_text(yaml.safe_dump({"targets": [{"statistic": s, "value": stats[s], "sd": sd}
                                                   for s, sd in SD.items()]}))
    plan = prepare(BASE, settings)
    summary = write_outputs(plan, run_abc(plan, tmp_path / "cal"), tmp_path / "cal", 0.0)
    for name, truth in TRUE.items():
        p = summary["parameters"][name]
        assert p["q05"] <= truth <= p["q95"], (name, p)
        assert p["sd"] < 0.6 * p["prior_sd"], (name, p)
    assert summary["ppc_inside_90"] >= 4
