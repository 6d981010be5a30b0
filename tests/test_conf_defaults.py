"""The dataclasses are the only source of defaults: the composed config equals them, and the YAML
files shipped in sim/conf/ carry only what differs from them."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from sim.conf import CONF, compose, known_scenarios, presets
from sim.config import ModelConfig, as_plain, validate_config
from sim.interventions import REGISTRY
from sim.sweep.settings import SweepSettings

SCENARIO_NAMES = presets("scenario")
PRESETS = sorted(p.relative_to(CONF).as_posix() for group in ("scenario", "experiment", "calibrate", "interventions")
                 for p in (CONF / group).glob("*.yaml"))
# sections of a preset that are not model parameters (the experiment's is checked on its own)
OWN_SECTIONS = ("defaults", "experiment", "calibrate")


def leaves(data: dict, prefix: str = ""):
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from leaves(value, f"{path}.")
        else:
            yield path, value


def default_of(path: str):
    """The dataclass default at a dotted model key (``interventions.NAME...`` from its Params)."""
    parts = path.split(".")
    if parts[0] == "interventions":
        node, parts = asdict(REGISTRY[parts[1]].Params()), parts[2:]
    else:
        node = as_plain(ModelConfig())
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return KeyError  # a new entry (e.g. an issue kind): not a default
        node = node[part]
    return node


@pytest.mark.parametrize("name", presets("experiment"))
def test_every_experiment_preset_sets_only_what_differs_from_the_experiment_defaults(name):
    """Against ExperimentConfig's defaults, or the preset it extends (gulou_small extends gulou)."""
    from sim.conf import without_named_entries
    from sim.experiments.config import ExperimentConfig

    data = yaml.safe_load((CONF / "experiment" / f"{name}.yaml").read_text())
    assert "/experiment_defaults@experiment" in data["defaults"] or "gulou" in data["defaults"]
    parents = [d for d in data["defaults"] if isinstance(d, str) and d in presets("experiment")]
    reference = (compose([f"experiment={parents[0]}"])["experiment"] if parents
                 else without_named_entries(ExperimentConfig()))

    def at(path: str):
        node = reference
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return KeyError
            node = node[part]
        return node

    same = [path for path, value in leaves(data["experiment"]) if at(path) is not KeyError and at(path) == value
            and not path.startswith(("treatment.", "designs."))]
    assert not same, f"experiment/{name}.yaml repeats defaults (delete these keys): {same}"


def test_the_default_config_is_exactly_the_dataclass_defaults():
    raw = compose()
    assert raw == as_plain(ModelConfig())
    assert validate_config(raw) == ModelConfig()


def test_the_sweep_section_is_exactly_its_dataclass_defaults():
    assert compose(config_name="sim")["sweep"] == asdict(SweepSettings())


def test_config_yaml_holds_no_parameter():
    """Defaults come from the dataclasses: config.yaml only lists the groups and Hydra's settings."""
    data = yaml.safe_load((CONF / "config.yaml").read_text())
    assert set(data) == {"defaults", "hydra"}
    assert data["defaults"][0] == "model_defaults"
    assert "sweep" not in yaml.safe_load((CONF / "sim.yaml").read_text())


@pytest.mark.parametrize("name", PRESETS)
def test_every_shipped_preset_sets_only_values_that_differ_from_the_defaults(name):
    data = yaml.safe_load((CONF / name).read_text()) or {}
    if name.startswith("interventions/"):
        data = {"interventions": {Path(name).stem: {k: v for k, v in data.items() if k != "defaults"}}}
    same = [path for path, value in leaves({k: v for k, v in data.items() if k not in OWN_SECTIONS})
            if default_of(path) is not KeyError and default_of(path) == value]
    assert not same, f"{name} repeats dataclass defaults (delete these keys): {same}"


def test_every_programme_composes_to_its_dataclass_defaults_without_a_yaml_file():
    for name, cls in REGISTRY.items():
        raw = compose([f"interventions=[{name}]"])
        assert raw["interventions"] == {name: asdict(cls.Params())}
        assert validate_config(raw).interventions[name] == cls.Params()


def test_scenarios_are_found():
    assert SCENARIO_NAMES == known_scenarios()
    assert {"baseline", "random_leaders", "empowerment_training"} <= set(SCENARIO_NAMES)


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_every_scenario_composes_and_validates(name):
    raw = compose([f"scenario={name}"])
    cfg = validate_config(raw)
    assert set(cfg.interventions) == set(raw["interventions"]) <= set(REGISTRY)


def test_baseline_scenario_is_the_default():
    assert compose(["scenario=baseline"]) == compose()


def test_scenarios_switch_on_their_programmes():
    assert set(validate_config(compose(["scenario=random_leaders"])).interventions) == {"random_leader_assignment"}
    training = validate_config(compose(["scenario=empowerment_training"])).interventions["empowerment_training"]
    assert training.schedule.period == 26 and training.target.count == 100


def test_command_line_style_overrides_compose():
    cfg = validate_config(compose(["community.n_residents=500", "deliberation.mode=cloud", "seed=3"]))
    assert (cfg.community.n_residents, cfg.deliberation.mode, cfg.seed) == (500, "cloud", 3)


def test_a_bad_value_still_gets_the_validators_message():
    """The stored defaults are plain data, so OmegaConf does not type-check: our message names key and range."""
    with pytest.raises(ValueError, match=r"community.n_residents = 'many' is not allowed; must be an integer"):
        validate_config(compose(["community.n_residents=many"]))


def test_programmes_keep_the_order_they_are_listed_in():
    for names in (["empowerment_training", "random_leader_assignment"],
                  ["random_leader_assignment", "empowerment_training"]):
        assert list(validate_config(compose([f"interventions=[{','.join(names)}]"])).interventions) == names


PRESET_PROGRAMME = """\
# @package interventions.load_relief
defaults:
  - /programme/load_relief@_here_
  - _self_
load_cut: 0.25
"""


def test_a_programme_preset_yaml_changes_only_what_it_sets(tmp_path):
    """A shipped interventions/<name>.yaml starts from the class's defaults (README, "How to add")."""
    import shutil

    conf = tmp_path / "conf"
    shutil.copytree(CONF, conf, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (conf / "interventions").mkdir(exist_ok=True)
    (conf / "interventions" / "load_relief.yaml").write_text(PRESET_PROGRAMME)
    code = f"""
import warnings; warnings.simplefilter("error")
import sim.conf
sim.conf.CONF = __import__("pathlib").Path({str(conf)!r})
from hydra.core.config_store import ConfigStore
ConfigStore.instance().repo["interventions"].pop("load_relief.yaml")
print(sim.conf.compose(["interventions=[load_relief]"])["interventions"])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    expected = {**asdict(REGISTRY["load_relief"].Params()), "load_cut": 0.25}
    assert done.stdout.strip() == str({"load_relief": expected})


def test_a_users_scenario_in_the_working_folder_is_found_and_listed(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "mine.yaml").write_text("# @package _global_\nsteps: 8\n")
    (tmp_path / "scenarios" / "baseline.yaml").write_text("# @package _global_\nsteps: 9\n")
    code = ("import sim.conf; print(sim.conf.compose(['scenario=mine'])['steps'], "
            "'mine' in sim.conf.known_scenarios())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["8", "True"]
    refused = subprocess.run([sys.executable, "-m", "sim", "scenario=nowhere"], capture_output=True, text=True,
                             timeout=120, cwd=tmp_path)
    assert refused.returncode == 2 and "allowed: baseline," in refused.stderr and ", mine," in refused.stderr
    clash = subprocess.run([sys.executable, "-m", "sim", "scenario=baseline"], capture_output=True, text=True,
                           timeout=120, cwd=tmp_path)
    assert clash.returncode == 2
    assert clash.stderr.strip().endswith("./scenarios/baseline.yaml has the name of a shipped scenario; rename the file "
                                         "(shipped: " + ", ".join(SCENARIO_NAMES) + ")")
