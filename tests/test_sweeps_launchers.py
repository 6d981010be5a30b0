"""The cluster launchers, smoke-tested on this machine: submitit's local executor (extra
``slurm``) and a local Ray instance (extra ``ray``). Each is skipped when its extra is not
installed; the presets in sim/conf/hydra/launcher must compose whenever the plugin is there."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from sim.cli import CONF

SMALL = ("community.n_residents=120", "steps=6", "leaders.n_initial=5", "issues.rate=5.0")
HAS_SUBMITIT = importlib.util.find_spec("hydra_plugins.hydra_submitit_launcher") is not None
HAS_RAY = importlib.util.find_spec("hydra_plugins.hydra_ray_launcher") is not None
needs_submitit = pytest.mark.skipif(not HAS_SUBMITIT, reason="extra 'slurm' not installed "
                                    "(pip install -e '.[slurm]': hydra-submitit-launcher)")
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="extra 'ray' not installed "
                               "(pip install -e '.[ray]': hydra-ray-launcher, cloudpickle<3)")


def launcher_config(name: str):
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        return compose(config_name="sim", overrides=[f"hydra/launcher={name}"], return_hydra_config=True).hydra.launcher


def small_sweep(run_sim, tmp_path, launcher: str) -> pd.DataFrame:
    folder = tmp_path / "sweep"
    result = run_sim("-m", f"hydra/launcher={launcher}", "deliberation.facilitation=0,1", "sweep.replications=2",
                     *SMALL, f"hydra.sweep.dir={folder}", cwd=tmp_path, module=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "sweep: 2/2 jobs done" in result.stderr
    return pd.read_parquet(folder / "results.parquet")


def test_the_default_launcher_uses_every_core():
    launcher = launcher_config("local")
    assert launcher._target_.endswith("JoblibLauncher") and launcher.n_jobs == -1


@needs_submitit
def test_slurm_preset_composes():
    launcher = launcher_config("slurm")
    assert launcher._target_.endswith("SlurmLauncher")
    assert (launcher.cpus_per_task, launcher.array_parallelism) == (1, 256)


@needs_submitit
def test_submitit_local_runs_a_sweep(run_sim, tmp_path):
    results = small_sweep(run_sim, tmp_path, "submitit_local")
    assert len(results) == 4 and results["run_id"].is_unique


@needs_ray
def test_ray_cluster_preset_leaves_object_store_memory_unset():
    launcher = launcher_config("ray_cluster")
    assert launcher.ray.init.address == "auto"
    assert "object_store_memory" in launcher.ray.init and launcher.ray.init.object_store_memory is None


@needs_ray
def test_a_local_ray_instance_runs_a_sweep(run_sim, tmp_path):
    results = small_sweep(run_sim, tmp_path, "ray_local")
    assert len(results) == 4 and results["run_id"].is_unique
