"""Same config and seed -> the same run, bit for bit; another seed -> another run."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.config import validate_config
from sim.model import CommunityModel
from sim.outputs import OUTPUT_FILES, summarise, write_outputs

PROGRAMMES = {
    "none": {},
    "training": {"empowerment_training": {"schedule": {"start": 5, "period": 10},
                                          "target": {"kind": "residents", "count": 50}}},
    "random_leaders": {"random_leader_assignment": {}},
}


def _run(config, steps=40):
    model = CommunityModel(config)
    model.run_for(steps)
    return model


@pytest.mark.parametrize("programme", list(PROGRAMMES))
def test_same_seed_same_run(small_config, programme):
    cfg = small_config(seed=21, interventions=PROGRAMMES[programme])
    a, b = _run(cfg), _run(cfg)
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())
    pd.testing.assert_frame_equal(a.meetings_frame(), b.meetings_frame())
    assert summarise(a) == summarise(b)
    for name in ("rung", "meetings_attended", "efficacy", "organisation", "is_leader"):
        assert (getattr(a.state, name) == getattr(b.state, name)).all(), name


def test_output_files_are_byte_identical(small_config, tmp_path):
    cfg = small_config(seed=5)
    paths = []
    for name in ("a", "b"):
        model = _run(cfg)
        out = write_outputs(model, tmp_path / name, summarise(model, scenario="baseline"))
        paths.append(out)
    for fname in OUTPUT_FILES:
        assert (paths[0] / fname).read_bytes() == (paths[1] / fname).read_bytes(), fname


def test_different_seeds_differ(small_config):
    a, b = _run(small_config(seed=1)), _run(small_config(seed=2))
    assert not a.timeseries().equals(b.timeseries())
    assert summarise(a) != summarise(b)
    assert not (a.state.efficacy == b.state.efficacy).all()


def test_runs_do_not_share_state(small_config):
    """Building and running other models in between does not change a run."""
    first = _run(small_config(seed=3))
    _run(small_config(seed=4, interventions=PROGRAMMES["training"]))
    again = _run(small_config(seed=3))
    pd.testing.assert_frame_equal(first.timeseries(), again.timeseries())


def test_dict_and_validated_config_give_the_same_run(small_config):
    raw = small_config(seed=6)
    pd.testing.assert_frame_equal(_run(raw).timeseries(), _run(validate_config(raw)).timeseries())


def test_stepping_and_run_for_agree(small_config):
    a = CommunityModel(small_config(seed=7))
    a.run_for(20)
    b = CommunityModel(small_config(seed=7))
    for _ in range(20):
        b.step()
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())


def test_cli_runs_are_identical_across_processes(run_sim, tmp_path):
    """Two processes with different hash seeds write the same files, byte for byte."""
    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run{hash_seed}"
        result = run_sim("community.n_residents=200", "steps=10", "seed=4", f"hydra.run.dir={out}",
                         cwd=tmp_path, env={"PYTHONHASHSEED": hash_seed})
        assert result.returncode == 0, result.stderr
        outs.append(out)
    for fname in OUTPUT_FILES:
        assert (outs[0] / fname).read_bytes() == (outs[1] / fname).read_bytes(), fname
