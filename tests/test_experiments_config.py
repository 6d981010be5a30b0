"""Experiment configs: the shipped scenarios compose and validate; designs that cannot be carried out,
unknown estimators, designs and outcomes are refused before anything runs, naming the key."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.config import validate_config
from sim.experiments import prepare
from sim.experiments.config import validate_experiment
from sim.experiments.measurement import period_of_step
from sim.experiments.arms import DISTRICT, PURE, diffused
from sim.schema import ConfigError
from sim.conf import CONF

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml"))


def composed(name: str, *overrides: str) -> tuple[dict, dict]:
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose(config_name="config", overrides=[f"experiment={name}", *overrides])
    raw = OmegaConf.to_container(cfg, resolve=True)
    return raw, raw.pop("experiment")


def test_the_three_scenarios_and_the_small_one_are_shipped():
    assert {"gulou", "sao_tome", "new_haven", "gulou_small"} <= set(EXPERIMENTS)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_config_composes_and_validates(name):
    base, exp = composed(name)
    validated = validate_experiment(exp, validate_config(base))
    assert validated.name == name
    assert validated.designs and validated.outcomes and validated.estimators


def test_gulou_is_the_gulou_design():
    base, exp = composed("gulou")
    e = validate_experiment(exp, validate_config(base))
    assert (e.n_communities, e.n_street_offices) == (118, 13)
    batches = e.designs["staggered"].params.batches
    assert [(b.period, b.size, b.one_per_site) for b in batches] == [(5, 13, True), (7, 14, False)]
    assert e.outcomes == ["satisfaction", "satisfaction_rank", "self_governance_index"]
    assert (base["steps"], base["community"]["n_residents"]) == (156, 2000)
    # every community starts from its legacy discussion meetings, about 15 years old
    assert (base["deliberation"]["mode"], base["deliberation"]["leader_assignment"]) == ("council", "appointed")
    assert e.population.topdown_years.mean == 15.0
    assert list(e.treatment) == ["deliberation_training", "deliberation_council", "deliberation_day", "mode_choice",
                                 "indicator_evaluation"]
    assert e.interference.enabled and e.interference.district_training_period == 7


def test_gulou_plan_builds_every_arm_of_every_community():
    base, exp = composed("gulou_small")
    plan = prepare(base, exp)
    assert len(plan.communities) == 30
    assert plan.starts() == [4, 6]
    assert plan.arms() == [PURE, DISTRICT, diffused(4), diffused(6), 4, 6]
    assert len(plan.configs) == 30 * 6
    treated = plan.configs[(0, 4)]
    training = treated.interventions["deliberation_training"]
    assert training.schedule.start == 19  # the first week of period 5 (0-based 4) of 52 weeks in 12 periods
    assert period_of_step(np.array([18, 19]), 52, 12).tolist() == [3, 4]
    district = treated.interventions["street_office_training"].schedule.start
    assert district == 27 + 1  # the second week of period 7 (0-based 6 starts in week 27)
    assert period_of_step(np.array([26, 27]), 52, 12).tolist() == [5, 6]
    assert plan.configs[(0, PURE)].interventions == {}
    assert list(plan.configs[(0, DISTRICT)].interventions) == ["street_office_training"]
    spread = plan.configs[(0, diffused(6))].interventions
    assert list(spread) == ["deliberation_training", "street_office_training"]
    assert spread["deliberation_training"].schedule.start == 27
    assert spread["deliberation_training"].openness_gain == pytest.approx(0.5 * training.openness_gain)
    assert len({cfg.seed for (unit, _), cfg in plan.configs.items() if unit == 0}) == 1


def refused(name: str, mutate, key: str):
    base, exp = composed(name)
    exp = copy.deepcopy(exp)
    mutate(base, exp)
    with pytest.raises(ConfigError) as err:
        prepare(base, exp)
    assert err.value.key == key, str(err.value)
    assert str(err.value).startswith(f"config error: {key} = ")
    return err.value


def test_more_treated_than_communities_is_refused():
    error = refused("gulou", lambda b, e: e["designs"]["complete"].update(n_treated=118),
                    "experiment.designs.complete.n_treated")
    assert "experiment.n_communities = 118" in str(error)


def test_a_batch_larger_than_the_pool_is_refused():
    refused("gulou", lambda b, e: e["designs"]["staggered"]["batches"][1].update(size=105),
            "experiment.designs.staggered.batches[1].size")


def test_one_per_street_office_cannot_exceed_the_offices():
    refused("gulou", lambda b, e: e["designs"]["staggered"]["batches"][0].update(size=14),
            "experiment.designs.staggered.batches[0].size")


def test_unknown_estimator_design_and_outcome_are_refused():
    refused("gulou", lambda b, e: e.update(estimators=["difference_in_means", "synthetic_control"]),
            "experiment.estimators[1]")
    refused("gulou", lambda b, e: e["designs"].update(lottery={}), "experiment.designs")
    refused("gulou", lambda b, e: e.update(outcomes=["happiness"]), "experiment.outcomes[0]")
    refused("new_haven", lambda b, e: e.update(outcomes=["satisfaction"]), "experiment.outcomes[0]")


def test_power_analysis_must_fit_its_design():
    refused("gulou", lambda b, e: e["power"].update(n_treated=[10, 118]), "experiment.power.n_treated[1]")
    refused("sao_tome", lambda b, e: e["power"].update(design="cluster"), "experiment.power.design")
    refused("gulou", lambda b, e: e["power"].update(outcome="participation"), "experiment.power.outcome")


def test_treatment_bundle_is_validated_as_interventions():
    refused("gulou", lambda b, e: e.update(treatment={"free_lunch": {}}), "experiment.treatment.free_lunch")
    refused("gulou", lambda b, e: e["treatment"]["deliberation_training"].update(fade=2.0),
            "experiment.treatment.deliberation_training.fade")
    refused("gulou", lambda b, e: e["treatment"]["deliberation_training"].update(schedule={"start": 200}),
            "experiment.treatment.deliberation_training.schedule.start")
    refused("gulou", lambda b, e: e.update(treatment={}), "experiment.treatment")


def test_periods_sites_and_truth_must_be_consistent():
    refused("gulou", lambda b, e: e.update(n_periods=200), "experiment.n_periods")
    refused("gulou", lambda b, e: e["designs"]["complete"].update(start_period=13),
            "experiment.designs.complete.start_period")
    refused("gulou", lambda b, e: e.update(n_street_offices=200), "experiment.n_street_offices")
    refused("gulou", lambda b, e: e["designs"]["cluster"].update(n_clusters=13), "experiment.designs.cluster.n_clusters")
    refused("gulou", lambda b, e: e["truth"].update(potential_outcomes="assigned", replications=10),
            "experiment.truth.replications")
    refused("new_haven", lambda b, e: e.update(n_periods=3), "experiment.n_periods")
    refused("new_haven", lambda b, e: e.update(treatment={"empowerment_training": {}}), "experiment.treatment")
    refused("new_haven", lambda b, e: e["poll"].update(treated_issue="parking"), "experiment.poll.treated_issue")
    refused("new_haven", lambda b, e: e["poll"].update(n_groups=1), "experiment.poll.n_groups")
    refused("new_haven", lambda b, e: e["poll"].update(design="fishbowl"), "experiment.poll.design")
    refused("new_haven", lambda b, e: (e["poll"].update(issues={"airport": {"salience": 0.8}}, treated_issue="airport"),
                                       e.update(outcomes=["opinion_airport"], pretest="opinion_airport"),
                                       e["power"].update(outcome="opinion_airport")), "experiment.poll.design")


def test_bad_base_config_is_refused_under_its_own_key():
    refused("gulou", lambda b, e: b["deliberation"].update(mode="carrier_pigeon"), "deliberation.mode")


def test_interference_that_cannot_be_carried_out_is_refused():
    refused("gulou", lambda b, e: e["interference"].update(diffusion=1.5), "experiment.interference.diffusion")
    refused("gulou", lambda b, e: e["interference"].update(diffusion=-0.1), "experiment.interference.diffusion")
    error = refused("gulou", lambda b, e: e.update(treatment={"deliberation_day": {}}), "experiment.interference.diffusion")
    assert "needs a training programme" in str(error)
    refused("gulou", lambda b, e: e["interference"].update(district_training_period=13),
            "experiment.interference.district_training_period")
