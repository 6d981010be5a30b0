"""The README's "How to add an intervention" example, pasted as written: the class saved as
``sim/interventions/trust_building.py`` (in a copy of the package) and the scenario as
``./scenarios/trust.yaml``, then run with the README's commands. Nothing else is registered."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- add-a-programme:start -->", "<!-- add-a-programme:end -->"
SMALL = ("community.n_residents=200", "steps=12", "leaders.n_initial=4")


def readme_example() -> tuple[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(START) + len(START):text.index(END)]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    (scenario,) = re.findall(r"```yaml\n(.*?)```", section, re.S)
    return code, scenario


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A working folder with a copy of the package, the README's module in it and its scenario."""
    code, scenario = readme_example()
    work = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "sim", work / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    first = code.splitlines()[0]
    assert first == "# sim/interventions/trust_building.py"
    (work / "sim" / "interventions" / "trust_building.py").write_text(code, encoding="utf-8")
    (work / "scenarios").mkdir()
    (work / "scenarios" / "trust.yaml").write_text(scenario, encoding="utf-8")
    return work


def sim(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=project, capture_output=True, text=True,
                          timeout=300)


def test_the_readme_commands_run_the_new_programme(project):
    out = project / "out"
    done = sim(project, "interventions=[trust_building]", "interventions.trust_building.trust_gain=0.05", *SMALL,
               f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    assert str(project / "sim") in subprocess.run(  # the copy with the new module is the one imported
        [sys.executable, "-c", "import sim; print(sim.__file__)"], cwd=project, capture_output=True, text=True).stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interventions"]["trust_building"]["reached"] > 0
    config = (out / "config.yaml").read_text()
    assert "trust_gain: 0.05" in config and "period: 4" in config and "share: 0.2" in config


def test_the_readme_scenario_in_the_working_folder_switches_it_on(project):
    out = project / "scenario"
    done = sim(project, "scenario=trust", *SMALL, f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    assert "scenario trust" in done.stdout
    assert "trust_gain: 0.2" in (out / "config.yaml").read_text()
    assert "trust" in sim(project, "--help").stdout


def test_the_new_programme_is_validated_and_labelled_from_its_class(project):
    bad = sim(project, "interventions=[trust_building]", "interventions.trust_building.trust_gain=2")
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("config error: interventions.trust_building.trust_gain = 2.0 is not allowed; "
                                  "must be a number in [0.0, 1.0]")
    labels = subprocess.run([sys.executable, "-c", "from sim.interventions import REGISTRY; "
                             "c = REGISTRY['trust_building']; print(c.label['zh'], c.changes_rules)"],
                            cwd=project, capture_output=True, text=True, timeout=120)
    assert labels.stdout.split() == ["建立信任", "False"], labels.stderr
