"""The project as a built wheel: it holds every config and scenario, and installed without ``-e``
into a fresh virtual environment its commands work from any folder.

The fast test builds the wheel (``pip wheel --no-deps``) and checks its contents; the slow one
installs it into a new venv that takes the dependencies from this environment (a ``.pth`` line,
no download) and runs ``sim``, a scenario, an experiment, a multirun and ``sim-app --help`` from
an empty folder.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sim.conf import CONF

ROOT = Path(__file__).resolve().parents[1]
SMALL = ("community.n_residents=120", "steps=6", "leaders.n_initial=4", "issues.rate=5.0")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"  # a clean copy: no build/ left over from an earlier build can slip in
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", "build", "*.egg-info", "__pycache__", ".git", ".pytest_cache", "outputs", "multirun", "test-artifacts"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr.lower(), done.stderr  # e.g. setuptools' license deprecations
    (found,) = folder.glob("community_sim-*.whl")
    return found


def test_the_wheel_holds_every_config_the_typing_marker_and_the_license(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"sim/conf/{p.relative_to(CONF).as_posix()}" for p in CONF.rglob("*.yaml")}
    assert len(shipped) >= 19 and shipped <= names, sorted(shipped - names)
    assert {"sim/conf/scenario/baseline.yaml", "sim/conf/__init__.py", "sim/py.typed"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert {"app/templates/index.html.j2", "app/vue/network_view.vue"} <= names
    metadata = next(zipfile.ZipFile(wheel).read(n) for n in names if n.endswith(".dist-info/METADATA")).decode()
    assert "License-Expression: MIT" in metadata
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    for unused in ("seaborn", "tqdm"):
        assert not any(unused in line for line in requires)
    for test_only in ("statsmodels", "linearmodels"):
        assert all("extra == \"test\"" in line for line in requires if test_only in line)


@pytest.mark.slow
def test_installed_without_editable_the_commands_work_from_any_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    lib = next(venv.glob("lib/python*/site-packages"))
    # the dependencies come from this environment, after the fresh venv's own packages
    (lib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, timeout=300, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        done = subprocess.run([str(venv / "bin" / args[0]), *args[1:]], cwd=work, env=env, capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, (args, done.stderr[-2000:])
        return done

    where = run("python", "-c", "import sim; print(sim.__file__)").stdout.strip()
    assert where.startswith(str(lib)), where  # the installed copy, not this source tree
    assert "scenario=" in run("sim", "--help").stdout
    assert run("sim", "--version").stdout.strip() == "sim (community-sim) 0.1.0"
    run("sim", *SMALL, "hydra.run.dir=out/default")
    assert (work / "out" / "default" / "summary.json").is_file()
    run("sim", "scenario=random_leaders", *SMALL, "hydra.run.dir=out/random")
    assert "random_leader_assignment" in (work / "out" / "random" / "summary.json").read_text()
    run("sim", "experiment=gulou_small", "hydra.run.dir=out/experiment", timeout=600)
    assert any((work / "out" / "experiment").iterdir())
    run("sim", "-m", "seed=1,2", *SMALL, "hydra.sweep.dir=out/sweep")  # the default launcher: joblib
    assert (work / "out" / "sweep" / "results.parquet").is_file()
    assert "--lang" in run("sim-app", "--help").stdout
    refused = subprocess.run([str(venv / "bin" / "sim"), "scenario=nowhere"], cwd=work, env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "allowed: baseline, chengdu_six_steps" in refused.stderr
