"""Seeds and plans of sweep jobs: seeds derived from one root seed, stable under chunking and
ordering, recorded with every run; every config validated before a job runs anything."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config import ModelConfig, as_plain
from sim.schema import ConfigError
from sim.sweep.design_file import Design, write_design
from sim.sweep.plan import config_id, plan_job, point_key
from sim.sweep.seeds import run_seed
from sim.sweep.settings import read_settings

BASE = as_plain(ModelConfig())


def test_run_seed_is_the_seed_sequence_child_of_point_and_replication():
    expected = np.random.SeedSequence(42, spawn_key=(7, 2)).generate_state(1, np.uint32)[0]
    assert run_seed(42, 7, 2) == int(expected)
    assert run_seed(42, 7, 2) == run_seed(42, 7, 2)
    seeds = {run_seed(root, point, r) for root in (1, 2) for point in (3, 4) for r in range(5)}
    assert len(seeds) == 20  # every root, point and replication its own seed
    assert run_seed(42, 3, 1, common=True) == run_seed(42, 4, 1, common=True) != run_seed(42, 4, 2, common=True)


@pytest.fixture
def design_file(tmp_path):
    table = pd.DataFrame({"deliberation.facilitation": [0.0, 0.25, 0.5, 0.75, 1.0],
                          "leaders.n_initial": [10, 20, 30, 40, 10]})
    path = tmp_path / "design.csv"
    write_design(path, Design(table, {"method": "given"}))
    return str(path)


def test_a_plain_job_runs_its_seed_itself():
    raw = {**BASE, "seed": 7, "deliberation": {**BASE["deliberation"], "mode": "cloud"}}
    (run,) = plan_job(raw, ["seed=7", "deliberation.mode=cloud"], read_settings({}))
    assert (run.seed, run.root_seed, run.replication, run.design_row) == (7, 7, 0, None)
    assert run.parameters == {"deliberation.mode": "cloud"}  # the root seed is not a parameter


def test_replications_get_derived_seeds_recorded_with_the_run():
    raw = {**BASE, "seed": 5, "deliberation": {**BASE["deliberation"], "facilitation": 0.5}}
    runs = plan_job(raw, ["seed=5", "deliberation.facilitation=0.5"], read_settings({"replications": 4}))
    assert [r.replication for r in runs] == [0, 1, 2, 3]
    point = int(runs[0].point, 16)
    assert [r.seed for r in runs] == [run_seed(5, point, r) for r in range(4)]
    assert {r.root_seed for r in runs} == {5}
    assert all(r.config.seed == r.seed for r in runs)
    assert len({r.run_id for r in runs}) == 4
    assert runs[0].parameters == {"deliberation.facilitation": 0.5}  # typed as the config holds it


def test_design_rows_keep_their_seeds_whatever_the_chunking(design_file):
    def plan(chunk_size, chunk):
        settings = read_settings({"design": design_file, "chunk": chunk, "chunk_size": chunk_size,
                                  "replications": 2})
        return {(r.design_row, r.replication): (r.seed, r.run_id) for r in plan_job(BASE, [], settings)}

    whole = plan(5, 0)
    pieces = {**plan(2, 0), **plan(2, 1), **plan(2, 2)}
    assert whole == pieces and len(whole) == 10
    assert len({seed for seed, _ in whole.values()}) == 10


def test_design_values_are_applied_and_typed(design_file):
    runs = plan_job(BASE, [], read_settings({"design": design_file, "chunk": 1, "chunk_size": 2}))
    assert [r.design_row for r in runs] == [2, 3]
    assert runs[0].config.deliberation.facilitation == 0.5 and runs[0].config.leaders.n_initial == 30
    assert runs[1].parameters == {"deliberation.facilitation": 0.75, "leaders.n_initial": 40}
    assert runs[0].point == point_key(runs[0].parameters, 2)
    assert runs[0].run_id == config_id(runs[0].config)


def test_common_seeds_share_seeds_across_points(design_file):
    runs = plan_job(BASE, [], read_settings({"design": design_file, "replications": 2, "common_seeds": True}))
    by_rep = {}
    for r in runs:
        by_rep.setdefault(r.replication, set()).add(r.seed)
    assert all(len(seeds) == 1 for seeds in by_rep.values()) and by_rep[0] != by_rep[1]


@pytest.mark.parametrize("settings, key", [
    ({"chunk": 0}, "sweep.chunk"),  # a chunk without a design
    ({"design": "DESIGN", "chunk": 3, "chunk_size": 2}, "sweep.chunk"),  # 5 rows: chunks 0..2
    ({"design": "missing.csv"}, "sweep.design"),
    ({"replications": 0}, "sweep.replications"),
    ({"chunk_size": 0}, "sweep.chunk_size"),
])
def test_bad_sweep_settings_are_refused(design_file, settings, key):
    settings = {k: design_file if v == "DESIGN" else v for k, v in settings.items()}
    with pytest.raises(ConfigError) as error:
        plan_job(BASE, [], read_settings(settings))
    assert error.value.key == key


def test_a_bad_design_row_is_named(tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"officials.responsiveness": [0.5, 1.5]}).to_csv(path, index=False)
    with pytest.raises(ConfigError, match=r"officials.responsiveness = 1.5 .*\(design row 1\)"):
        plan_job(BASE, [], read_settings({"design": str(path)}))
    pd.DataFrame({"community.colour": [1]}).to_csv(path, index=False)
    with pytest.raises(ConfigError, match="community.colour = 1 is not allowed; unknown parameter"):
        plan_job(BASE, [], read_settings({"design": str(path)}))


def test_a_parameter_set_twice_is_refused(design_file):
    with pytest.raises(ConfigError, match="deliberation.facilitation .* also a column of the design"):
        plan_job(BASE, ["deliberation.facilitation=0.3"], read_settings({"design": design_file}))
