"""``sim --help`` explains the project's own commands, groups and examples; ``sim --version`` prints
the project's version; a cluster launcher without its extra is refused with the line that installs it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

import sim
from sim.cli import LAUNCHER_EXTRAS, precheck_arguments
from sim.conf import known_scenarios, presets
from sim.interventions import REGISTRY
from sim.schema import ConfigError


def sim_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=120)


def test_help_names_the_commands_every_group_and_examples():
    done = sim_command("--help")
    assert done.returncode == 0 and done.stderr == ""
    text = " ".join(done.stdout.split())  # the lists are wrapped
    assert "powered by Hydra" not in text and text.startswith("usage: sim")
    for name in [*known_scenarios(), *REGISTRY, *presets("experiment"), *presets("calibrate"), *presets("hydra/launcher")]:
        assert name in text, name
    for words in ("Commands", "Config groups", "Examples", "sim experiment=gulou_small", "--hydra-help", "sim-app"):
        assert words in text
    assert len(done.stdout.splitlines()) < 60


def test_hydra_help_stays_reachable():
    done = sim_command("--hydra-help")
    assert done.returncode == 0 and "--cfg" in done.stdout


def test_version_is_the_projects():
    done = sim_command("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"sim (community-sim) {sim.__version__}"


@pytest.mark.parametrize("name", sorted(LAUNCHER_EXTRAS))
def test_a_launcher_without_its_extra_is_refused_with_the_install_line(name, monkeypatch):
    module, extra = LAUNCHER_EXTRAS[name]
    monkeypatch.setattr(importlib.util, "find_spec", lambda m, *a: None if m == module else object())
    with pytest.raises(ConfigError) as refused:
        precheck_arguments(["-m", f"hydra/launcher={name}", "seed=1,2"])
    assert str(refused.value) == (f"config error: hydra/launcher = {name!r} is not allowed; "
                                  f"needs the extra '{extra}': pip install 'community-sim[{extra}]'")


def test_calibrate_without_its_extra_is_refused_with_the_install_line(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda m, *a: None if m == "pyabc" else object())
    with pytest.raises(ConfigError) as refused:
        precheck_arguments(["calibrate=riverside"])
    assert str(refused.value) == ("config error: calibrate = 'riverside' is not allowed; "
                                  "needs the extra 'calibrate': pip install 'community-sim[calibrate]'")
    precheck_arguments(["calibrate=null"])  # no calibration: nothing to install


def test_an_installed_launcher_passes_the_precheck():
    precheck_arguments(["-m", "hydra/launcher=local", "hydra/launcher=basic"])


def test_app_sliders_and_sweep_ranges_read_the_same_fields():
    from app.settings import CONTROLS, schema_bounds
    from sim.sweep.parameters import parameter_range

    for control in CONTROLS:
        if control.kind == "choice":
            continue
        r = parameter_range(control.key)
        assert schema_bounds(control.key) == (r.lo, r.hi, r.lo_open)
        assert r.allows(control.lo) and r.allows(control.hi), control.key
