"""The programme library from the configs: every programme alone and all combined, every case
scenario, the shapes those scenarios are meant to show, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.config import validate_config
from sim.model import CommunityModel
from sim.outputs import summarise
from sim.conf import CONF

ROOT = Path(__file__).resolve().parents[1]
PROGRAMMES = ["deliberation_council", "community_public_fund", "cloud_deliberation", "three_social_linkage",
              "six_steps", "returning_power", "load_relief", "courtyard_college", "most_course"]
SCENARIOS = ["chengdu_six_steps", "qingyang_college", "most_training", "jiaxing_three_social",
             "legacy_discussion_meetings"]
SMALL = ("community.n_residents=300", "leaders.n_initial=10", "issues.rate=5.0", "steps=70")


def composed(*overrides: str) -> dict:
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        return OmegaConf.to_container(compose(config_name="config", overrides=list(overrides)), resolve=True)


def run(*overrides: str) -> tuple[CommunityModel, dict]:
    model = CommunityModel(composed(*SMALL, *overrides))
    model.run_for(model.config.steps)
    return model, summarise(model)


@pytest.mark.parametrize("name", PROGRAMMES)
def test_every_programme_runs_alone_from_its_config(name):
    model, summary = run(f"interventions=[{name}]")
    assert list(summary["interventions"]) == [name]
    assert summary["interventions"][name]  # a non-empty report
    json.dumps(summary)


def test_all_programmes_run_combined_in_the_order_listed():
    model, summary = run(f"interventions=[{','.join(PROGRAMMES)}]")
    assert [iv.name for iv in model.interventions] == PROGRAMMES
    assert list(summary["interventions"]) == PROGRAMMES
    reports = summary["interventions"]
    assert reports["returning_power"]["cessions"] == 5 and reports["load_relief"]["reliefs"] == 1
    assert reports["six_steps"]["leverage_first_week"] == 61
    assert reports["six_steps"]["platform_first_week"] is None  # from week 73, after this 70-week run
    assert reports["community_public_fund"]["years"] == 2


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_case_scenario_runs(name):
    model, summary = run(f"scenario={name}")
    assert sum(summary["ladder"]) == pytest.approx(1.0)
    assert set(summary["interventions"]) == set(model.config.interventions)


def test_scenarios_switch_on_the_case_programmes():
    expected = {"chengdu_six_steps": {"deliberation_council", "community_public_fund", "six_steps"},
                "qingyang_college": {"courtyard_college", "three_social_linkage"},
                "most_training": {"most_course"},
                "jiaxing_three_social": {"three_social_linkage", "empowerment_training"},
                "legacy_discussion_meetings": set()}
    for name, programmes in expected.items():
        assert set(validate_config(composed(f"scenario={name}")).interventions) == programmes, name


def test_most_training_scenario_is_one_communitys_share_of_the_course_measured_before_and_after():
    model, summary = run("scenario=most_training")
    assert model.config.officials.n_cadres == 5  # a community's own cadres, not the course's 20 managers
    report = summary["interventions"]["most_course"]
    assert (report["trained"], report["cadres_trained"], report["staff_trained"]) == (5, 2, 3)
    assert report["questionnaire_post_mean"] > report["questionnaire_pre_mean"]
    assert report["questionnaire_followup_mean"] < report["questionnaire_post_mean"]


def test_jiaxing_has_one_social_worker_per_community():
    model, summary = run("scenario=jiaxing_three_social")
    assert summary["interventions"]["three_social_linkage"]["social_workers"] == 1


def test_legacy_scenario_is_top_down():
    cfg = validate_config(composed("scenario=legacy_discussion_meetings"))
    d, o = cfg.deliberation, cfg.officials
    assert (d.mode, d.leader_assignment, d.facilitation) == ("council", "appointed", 0.0)
    assert o.power_retained > 0.9 and o.openness < 0.5


def test_stat_legacy_discussion_meetings_resist_change(stat_seed):
    """The same programme moves a default community more than one with top-down meetings (Gulou)."""
    effect = {}
    for label, scenario in (("default", "baseline"), ("legacy", "legacy_discussion_meetings")):
        deltas = []
        for seed in (stat_seed, stat_seed + 1):
            common = (f"scenario={scenario}", f"seed={seed}", "steps=80")
            _, before = run(*common)
            _, after = run(*common, "interventions=[six_steps]")
            deltas.append([after["participation_rate"] - before["participation_rate"],
                           after["ever_attended_share"] - before["ever_attended_share"]])
        effect[label] = np.mean(deltas, axis=0)
    assert effect["default"][0] > 2 * max(effect["legacy"][0], 0.005), effect
    assert effect["default"][1] > effect["legacy"][1] + 0.02, effect


# -- the command line ---------------------------------------------------------------------------------
def test_command_line_runs_the_programmes_combined(run_sim, tmp_path):
    out = tmp_path / "all"
    result = run_sim(f"interventions=[{','.join(PROGRAMMES)}]", "community.n_residents=300", "steps=20",
                     f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary["interventions"]) == PROGRAMMES


def test_command_line_runs_a_case_scenario(run_sim, tmp_path):
    out = tmp_path / "chengdu"
    result = run_sim("scenario=chengdu_six_steps", "community.n_residents=300", "steps=20",
                     f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "chengdu_six_steps"
    assert set(summary["interventions"]) == {"deliberation_council", "community_public_fund", "six_steps"}


def test_command_line_refuses_a_bad_programme_parameter(run_sim, tmp_path):
    out = tmp_path / "bad"
    result = run_sim("interventions=[deliberation_council]", "interventions.deliberation_council.quorum=1.5",
                     f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith(
        "config error: interventions.deliberation_council.quorum = 1.5 is not allowed")
    assert not (out / "summary.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("args", [*(f"interventions=[{n}]" for n in PROGRAMMES), *(f"scenario={n}" for n in SCENARIOS)])
def test_command_line_runs_each_programme_and_scenario(run_sim, tmp_path, args):
    out = tmp_path / "run"
    result = run_sim(args, "community.n_residents=300", "steps=30", f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / "summary.json").exists()
