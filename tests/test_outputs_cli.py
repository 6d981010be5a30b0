"""Run outputs (summary, files) and the ``sim`` command end to end, in subprocesses."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.config import validate_config
from sim.ladder import ladder_shares
from sim.model import CommunityModel
from sim.outputs import OUTPUT_FILES, summarise, write_outputs

SMALL_RUN = ("community.n_residents=200", "steps=10")
SUMMARY_KEYS = {"version", "scenario", "seed", "steps", "n_residents", "ladder", "participation_rate",
                "ever_attended_share", "community_rung", "interventions"}
TIMESERIES_COLUMNS = {"step", "deliberation_day", "participation_rate", "ever_attended_share", "proposals", "meetings_held",
                      "community_rung", *(f"rung_{k}" for k in range(1, 9))}
MEETING_COLUMNS = {"step", "issue_id", "group_size", "chair", "chair_opinion", "initial_mean_opinion",
                   "final_mean_opinion", "chair_distance", "steered", "response", "rung"}


def check_summary(summary: dict, *, seed: int, steps: int, n: int):
    assert SUMMARY_KEYS <= set(summary)
    assert summary["version"] == sim.__version__
    assert (summary["seed"], summary["steps"], summary["n_residents"]) == (seed, steps, n)
    ladder = summary["ladder"]
    assert len(ladder) == 8 and all(0 <= x <= 1 for x in ladder)
    assert sum(ladder) == pytest.approx(1.0)
    assert 0 <= summary["participation_rate"] <= 1
    assert 0 <= summary["ever_attended_share"] <= 1
    assert summary["community_rung"] in range(1, 9)


# -- in process ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def finished_model():
    model = CommunityModel({"seed": 3, "community": {"n_residents": 300}, "leaders": {"n_initial": 10},
                            "issues": {"rate": 5.0}, "steps": 60})
    model.run_for(60)
    return model


def test_summary_reports_the_run(finished_model):
    model = finished_model
    summary = summarise(model, scenario="baseline")
    check_summary(summary, seed=3, steps=60, n=300)
    assert summary["scenario"] == "baseline"
    np.testing.assert_allclose(summary["ladder"], ladder_shares(model.state.rung))
    assert summary["ever_attended_share"] == pytest.approx((model.state.meetings_attended > 0).mean())
    ts = model.timeseries()
    last_year = ts[(ts["step"] > 60 - model.config.ladder.window) & (ts["deliberation_day"] == 1)]
    assert len(last_year) > 5
    assert summary["participation_rate"] == pytest.approx(last_year["participation_rate"].mean())
    assert summary["proposals_total"] == ts["proposals"].sum() == (model.meetings_frame()["group_size"] >= 2).sum()
    json.dumps(summary)  # plain data


def test_timeseries_has_one_row_per_step(finished_model):
    ts = finished_model.timeseries()
    assert len(ts) == 60
    assert ts["step"].tolist() == list(range(1, 61))
    assert TIMESERIES_COLUMNS <= set(ts.columns)
    assert ts["ever_attended_share"].is_monotonic_increasing


def test_deliberation_days_are_flagged(finished_model):
    ts = finished_model.timeseries()
    interval = finished_model.config.deliberation.meeting_interval
    days = ts["deliberation_day"] == 1
    assert set(ts["deliberation_day"]) <= {0, 1}
    assert (ts.loc[days, "step"] % interval == 0).all()
    assert (ts.loc[ts["participation_rate"] > 0, "deliberation_day"] == 1).all()
    assert days.sum() >= 0.8 * (60 // interval)  # issues are open on most meeting days


def test_deliberation_days_nobody_attends_count_in_the_participation_rate():
    """A meeting day with zero turnout lowers the rate; it is not skipped. A council of two
    sometimes has nobody turning up (without a habit of coming, which would make them regulars)."""
    model = CommunityModel({"seed": 1, "community": {"n_residents": 300}, "leaders": {"n_initial": 0},
                            "participation": {"habit_weight": 0.0},
                            "issues": {"rate": 5.0}, "deliberation": {"mode": "council", "council_size": 2},
                            "steps": 52})
    model.run_for(52)
    ts = model.timeseries()
    days = ts[ts["deliberation_day"] == 1]
    assert (days["participation_rate"] == 0).any() and (days["participation_rate"] > 0).any()
    assert summarise(model)["participation_rate"] == pytest.approx(days["participation_rate"].mean())


def test_write_outputs(finished_model, tmp_path):
    model = finished_model
    summary = summarise(model)
    out = write_outputs(model, tmp_path / "run", summary)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)  # no partial folder left
    assert json.loads((out / "summary.json").read_text()) == summary
    pd.testing.assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"), model.timeseries())
    meetings = pd.read_parquet(out / "meetings.parquet")
    assert MEETING_COLUMNS <= set(meetings.columns) and len(meetings) == len(model.meetings_frame())
    saved = yaml.safe_load((out / "config.yaml").read_text())
    assert validate_config(saved) == model.config


def test_a_run_without_meetings_still_summarises(tmp_path):
    model = CommunityModel({"community": {"n_residents": 200}, "leaders": {"n_initial": 5, "proposal_rate": 0.0},
                            "issues": {"rate": 0.0, "community_rate": 0.0}, "steps": 5})
    model.run_for(5)
    summary = summarise(model)
    check_summary(summary, seed=42, steps=5, n=200)
    assert summary["ladder"][0] == 1.0 and summary["participation_rate"] == 0.0
    assert summary["mean_chair_distance"] is None
    out = write_outputs(model, tmp_path, summary)
    assert len(pd.read_parquet(out / "meetings.parquet")) == 0


# -- the sim command ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli_run(run_sim, tmp_path_factory):
    base = tmp_path_factory.mktemp("cli")
    out = base / "run"
    result = run_sim(*SMALL_RUN, "seed=7", f"hydra.run.dir={out}", cwd=base)
    return result, out, base


def test_cli_writes_every_output(cli_run):
    result, out, _ = cli_run
    assert result.returncode == 0, result.stderr
    for name in OUTPUT_FILES:
        assert (out / name).is_file(), name
    assert not list(out.glob(".partial-*"))
    summary = json.loads((out / "summary.json").read_text())
    check_summary(summary, seed=7, steps=10, n=200)
    assert summary["scenario"] == "baseline"
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 10 and ts["step"].tolist() == list(range(1, 11))
    np.testing.assert_allclose(ts[[f"rung_{k}" for k in range(1, 9)]].iloc[-1], summary["ladder"])
    assert MEETING_COLUMNS <= set(pd.read_parquet(out / "meetings.parquet").columns)
    assert "community rung" in result.stdout and str(out) in result.stdout


def test_cli_run_equals_the_library_run(cli_run):
    """The command runs exactly the model its saved config describes."""
    _, out, _ = cli_run
    saved = validate_config(yaml.safe_load((out / "config.yaml").read_text()))
    assert (saved.seed, saved.steps, saved.community.n_residents) == (7, 10, 200)
    model = CommunityModel(saved)
    model.run_for(saved.steps)
    assert summarise(model, scenario="baseline") == json.loads((out / "summary.json").read_text())
    pd.testing.assert_frame_equal(model.timeseries(), pd.read_parquet(out / "timeseries.parquet"))


def test_cli_does_not_write_into_the_working_directory(cli_run):
    _, _, base = cli_run
    assert sorted(p.name for p in base.iterdir()) == ["run"]


BAD_ARGS = [
    (("steps=0",), "steps"),
    (("community.n_residents=0",), "community.n_residents"),
    (("deliberation.mode=telepathy",), "deliberation.mode"),
    (("officials.responsiveness=1.5",), "officials.responsiveness"),
    (("leaders.n_initial=500",), "leaders.n_initial"),
    (("+community.colour=red",), "community.colour"),
    (("scenario=utopia",), "scenario"),
    (("-m", "scenario=baseline,utopia"), "scenario"),
    (("interventions=[cash_transfer]",), "interventions"),
    (("interventions=[empowerment_training]", "interventions.empowerment_training.schedule.start=8",
      "interventions.empowerment_training.schedule.end=4"), "interventions.empowerment_training.schedule.end"),
]


@pytest.mark.parametrize("args, key", BAD_ARGS, ids=[k for _, k in BAD_ARGS])
def test_cli_refuses_bad_config(run_sim, tmp_path, args, key):
    out = tmp_path / "run"
    result = run_sim(*SMALL_RUN, *args, f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"config error: {key} = ")
    assert not out.exists()  # the run folder it made is gone
    assert not list(tmp_path.rglob("summary.json"))


def test_python_dash_m_sim_refuses_bad_config_too(run_sim, tmp_path):
    out = tmp_path / "run"
    result = run_sim(*SMALL_RUN, "deliberation.group_size=1", f"hydra.run.dir={out}", cwd=tmp_path,
                     module=True)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("config error: deliberation.group_size = 1 ")
    assert not out.exists()


def test_cli_refuses_an_unreadable_edge_list(run_sim, tmp_path):
    garbage = tmp_path / "ties.csv"
    garbage.write_bytes(bytes(range(256)) * 16)
    out = tmp_path / "run"
    result = run_sim(*SMALL_RUN, "network.kind=edgelist", f"network.edgelist.path={garbage}",
                     f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().startswith("config error: network.edgelist.path = ")
    assert not out.exists()


def test_cli_refuses_an_unknown_key_without_plus(run_sim, tmp_path):
    """Hydra itself refuses a key that is not in the config (status 1), naming it."""
    out = tmp_path / "run"
    result = run_sim(*SMALL_RUN, "community.colour=red", f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 1
    assert "community.colour" in result.stderr and "Could not override" in result.stderr
    assert not list(tmp_path.rglob("summary.json"))


def test_cli_error_keeps_files_it_did_not_make(run_sim, tmp_path):
    """Pointed at an existing folder, a failed run removes only what Hydra wrote there."""
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    result = run_sim(*SMALL_RUN, "steps=0", f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2
    assert (out / "notes.txt").read_text() == "my notes"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_python_dash_m_sim(run_sim, tmp_path):
    out = tmp_path / "run"
    result = run_sim(*SMALL_RUN, "scenario=random_leaders", f"hydra.run.dir={out}", cwd=tmp_path,
                     module=True)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    check_summary(summary, seed=42, steps=10, n=200)
    assert summary["scenario"] == "random_leaders"
    assert set(summary["interventions"]) == {"random_leader_assignment"}


def test_multirun_writes_one_run_per_seed(run_sim, tmp_path):
    sweep = tmp_path / "sweep"
    result = run_sim("-m", "seed=1,2", *SMALL_RUN, f"hydra.sweep.dir={sweep}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summaries = sorted((json.loads(p.read_text()) for p in sweep.glob("*/summary.json")),
                       key=lambda s: s["seed"])
    assert [s["seed"] for s in summaries] == [1, 2]
    for s in summaries:
        check_summary(s, seed=s["seed"], steps=10, n=200)
    assert summaries[0]["ladder"] != summaries[1]["ladder"] or \
        summaries[0]["mean_efficacy"] != summaries[1]["mean_efficacy"]
    for run in sweep.glob("*/summary.json"):
        assert len(pd.read_parquet(run.parent / "timeseries.parquet")) == 10


def test_multirun_stops_at_the_first_bad_job_and_keeps_finished_ones(run_sim, tmp_path):
    sweep = tmp_path / "sweep"
    result = run_sim("-m", "community.n_residents=200,0", "steps=10", f"hydra.sweep.dir={sweep}",
                     cwd=tmp_path)
    assert result.returncode == 2
    assert "config error: community.n_residents = 0 " in result.stderr
    assert [p.parent.name for p in sweep.glob("*/summary.json")] == ["0"]
    assert not (sweep / "1").exists()


def test_multirun_over_intervention_lists(run_sim, tmp_path):
    from analysis.__main__ import main as analysis_main
    from analysis.runs import summaries

    sweep = tmp_path / "sweep"
    result = run_sim("-m", "interventions=[empowerment_training],[random_leader_assignment]",
                     "community.n_residents=200", "steps=13", f"hydra.sweep.dir={sweep}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    programmes = sorted(tuple(json.loads(p.read_text())["interventions"]) for p in sweep.glob("*/summary.json"))
    assert programmes == [("empowerment_training",), ("random_leader_assignment",)]
    table = summaries(sweep)
    assert sorted(table["run"]) == ["0", "1"]
    assert [f"ladder_{k}" for k in range(1, 9)] <= list(table.columns)
    np.testing.assert_allclose(table[[f"ladder_{k}" for k in range(1, 9)]].sum(axis=1), 1.0)
    assert analysis_main(["summaries", str(tmp_path / "nothing-here")]) == 2


def test_two_programmes_together(run_sim, tmp_path):
    out = tmp_path / "run"
    result = run_sim("interventions=[empowerment_training,random_leader_assignment]",
                     "community.n_residents=200", "steps=13", f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary["interventions"]) == ["empowerment_training", "random_leader_assignment"]
    assert summary["interventions"]["empowerment_training"]["trained"] == 30


def test_multirun_over_scenarios(run_sim, tmp_path):
    """A sweep over scenario names passes the name check (each name is checked)."""
    sweep = tmp_path / "sweep"
    result = run_sim("-m", "scenario=baseline,random_leaders", *SMALL_RUN, f"hydra.sweep.dir={sweep}",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    scenarios = sorted(json.loads(p.read_text())["scenario"] for p in sweep.glob("*/summary.json"))
    assert scenarios == ["baseline", "random_leaders"]
