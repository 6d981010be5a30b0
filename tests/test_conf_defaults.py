"""The Hydra configs in conf/ and scenarios/ agree with the dataclass defaults in sim/config.py."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.cli import known_scenarios
from sim.config import ModelConfig, as_plain, validate_config
from sim.interventions import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
CONF, SCENARIOS = ROOT / "conf", ROOT / "scenarios"

SCENARIO_NAMES = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
INTERVENTION_FILES = sorted(p.stem for p in (CONF / "interventions").glob("*.yaml"))


def composed(*overrides: str) -> dict:
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose(config_name="config", overrides=list(overrides))
    return OmegaConf.to_container(cfg, resolve=True)


def test_default_config_is_exactly_the_dataclass_defaults():
    raw = composed()
    assert validate_config(raw) == ModelConfig()


def test_default_config_lists_every_parameter():
    """conf/config.yaml spells out every key with the default value (no key left implicit)."""
    assert composed() == as_plain(ModelConfig())


def test_scenarios_are_found():
    assert SCENARIO_NAMES == known_scenarios()
    assert {"baseline", "random_leaders", "empowerment_training"} <= set(SCENARIO_NAMES)


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_every_scenario_composes_and_validates(name):
    raw = composed(f"scenario={name}")
    cfg = validate_config(raw)
    assert set(cfg.interventions) == set(raw["interventions"])
    assert set(cfg.interventions) <= set(REGISTRY)


def test_baseline_scenario_is_the_default():
    assert composed("scenario=baseline") == composed()


def test_scenarios_switch_on_their_programmes():
    assert set(validate_config(composed("scenario=random_leaders")).interventions) == {"random_leader_assignment"}
    training = validate_config(composed("scenario=empowerment_training")).interventions["empowerment_training"]
    assert training.schedule.period == 26 and training.target.count == 100


def test_every_programme_has_a_config_file():
    assert INTERVENTION_FILES == sorted(REGISTRY)


@pytest.mark.parametrize("name", INTERVENTION_FILES)
def test_programme_config_file_declares_its_package(name):
    first = (CONF / "interventions" / f"{name}.yaml").read_text().splitlines()[0]
    assert first.strip() == f"# @package interventions.{name}"


@pytest.mark.parametrize("name", INTERVENTION_FILES)
def test_programme_config_file_matches_its_dataclass_defaults(name):
    raw = composed(f"interventions=[{name}]")
    assert list(raw["interventions"]) == [name]
    cfg = validate_config(raw)
    assert cfg.interventions[name] == REGISTRY[name].Params()
    # every key of the YAML file is a real parameter with its default value
    default = asdict(REGISTRY[name].Params())

    def same(sub, ref, path):
        for key, value in sub.items():
            assert key in ref, f"{path}{key}"
            if isinstance(value, dict):
                same(value, ref[key], f"{path}{key}.")
            else:
                assert value == ref[key], f"{path}{key}"

    same(raw["interventions"][name], default, "")


def test_command_line_style_overrides_compose():
    raw = composed("community.n_residents=500", "deliberation.mode=cloud", "seed=3")
    cfg = validate_config(raw)
    assert (cfg.community.n_residents, cfg.deliberation.mode, cfg.seed) == (500, "cloud", 3)


def test_programmes_keep_the_order_they_are_listed_in():
    for names in (["empowerment_training", "random_leader_assignment"],
                  ["random_leader_assignment", "empowerment_training"]):
        raw = composed(f"interventions=[{','.join(names)}]")
        assert list(validate_config(raw).interventions) == names
