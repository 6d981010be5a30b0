"""Design files: sizes per method, bounds checked against the parameters' allowed ranges, the
file written completely with its problem definition, and the command's bad-input messages."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.__main__ import main as analysis_main
from analysis.design import make_design, parse_bounds, suggested_chunk_size, sweep_command
from sim.schema import ConfigError
from sim.sweep.design_file import chunk_rows, read_design

TWO = ["community.interest_mean=0.1:0.6", "deliberation.facilitation=0:1"]


@pytest.mark.parametrize("method, n, rows", [("grid", 3, 9), ("lhs", 10, 10), ("sobol", 8, 8 * 4),
                                             ("morris", 5, 5 * 3)])
def test_design_sizes(method, n, rows):
    design = make_design(method, parse_bounds(TWO), n, seed=3)
    assert len(design.table) == rows == design.info["rows"]
    assert list(design.table.columns) == ["community.interest_mean", "deliberation.facilitation"]
    assert design.table["community.interest_mean"].between(0.1, 0.6).all()
    assert design.info["problem"]["bounds"] == [[0.1, 0.6], [0.0, 1.0]]


def test_sobol_with_second_order_and_same_seed_same_design():
    a = make_design("sobol", parse_bounds(TWO), 8, seed=5, second_order=True)
    assert len(a.table) == 8 * (2 * 2 + 2) and a.info["calc_second_order"] is True
    assert a.table.equals(make_design("sobol", parse_bounds(TWO), 8, seed=5, second_order=True).table)
    assert not a.table.equals(make_design("sobol", parse_bounds(TWO), 8, seed=6, second_order=True).table)


def test_integer_parameters_are_whole_numbers():
    design = make_design("lhs", parse_bounds(["leaders.n_initial=5:50", "issues.max_age=2:20"]), 30, seed=1)
    assert design.table.dtypes.map(lambda t: np.issubdtype(t, np.integer)).all()
    assert design.table["leaders.n_initial"].between(5, 50).all()
    assert design.info["integer"] == ["leaders.n_initial", "issues.max_age"]


def test_nested_and_programme_parameters_have_ranges():
    (kind, programme) = parse_bounds(["issues.kinds.parking.salience=0:1",
                                      "interventions.empowerment_training.target.share=0.1:0.5"])
    assert (kind.parameter.lo, kind.parameter.hi) == (0.0, 1.0)
    assert programme.parameter.type is float


@pytest.mark.parametrize("spec, key, words", [
    ("community.colour=0:1", "community.colour", "unknown parameter"),
    ("community.interest_mean=0.1:1.6", "community.interest_mean", "allowed range [0.0, 1.0]"),
    ("community.attribute_concentration=0:5", "community.attribute_concentration", "[0.01, 10000.0]"),
    ("community.interest_mean=0.6:0.1", "community.interest_mean", "LOW must be below HIGH"),
    ("deliberation.mode=0:1", "deliberation.mode", "not a numeric parameter"),
    ("leaders.n_initial=1.5:4", "leaders.n_initial", "whole-number bounds"),
    ("interventions.cash.amount=0:1", "interventions.cash.amount", "unknown programme"),
    ("facilitation", "--params", "NAME=LOW:HIGH"),
    ("deliberation.facilitation=a:b", "--params", "numbers"),
])
def test_bad_bounds_are_refused(spec, key, words):
    with pytest.raises(ConfigError) as error:
        parse_bounds([spec])
    assert error.value.key == key and words in str(error.value)


def test_command_writes_the_design_and_prints_how_to_run_it(tmp_path, capsys):
    out = tmp_path / "d" / "design.csv"
    assert analysis_main(["design", "--method", "sobol", "--params", *TWO, "--n", "16", "--out", str(out),
                          "--chunk-size", "10"]) == 0
    design = read_design(out)
    assert len(design.table) == 64 and design.info["method"] == "sobol"
    assert json.loads(out.with_suffix(".json").read_text())["problem"]["names"] == design.names
    printed = capsys.readouterr().out
    assert f"sim -m sweep.design={out} sweep.chunk_size=10 'sweep.chunk=range(0,7)'" in printed
    assert sorted(p.name for p in out.parent.iterdir()) == ["design.csv", "design.json"]  # no temporaries


@pytest.mark.parametrize("args, message", [
    (["--params", "community.colour=0:1", "--n", "8"], "config error: community.colour = '0:1' is not allowed"),
    (["--params", *TWO, "--n", "12"], "config error: --n = 12 is not allowed; must be a power of 2"),
    (["--params", *TWO, "--n", "1"], "config error: --n = 1 is not allowed"),
])
def test_command_refuses_bad_input(tmp_path, capsys, args, message):
    out = tmp_path / "design.csv"
    assert analysis_main(["design", "--method", "sobol", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(message)
    assert not list(tmp_path.iterdir())


def test_chunks_cover_every_row_once():
    rows = [i for chunk in range(4) for i in chunk_rows(10, chunk, 3)]
    assert rows == list(range(10))
    assert list(chunk_rows(10, None, 3)) == list(range(10))
    with pytest.raises(ConfigError, match=r"sweep.chunk = 4 .* \[0, 3\]"):
        chunk_rows(10, 4, 3)
    assert suggested_chunk_size(64, cores=2) == 8
    assert sweep_command("d.csv", 64, 8).endswith("'sweep.chunk=range(0,8)'")
