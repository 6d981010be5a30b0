"""Community building: six steps (order, scheduling, what each step does), three-social linkage
(social workers' capacity building and cultivation), the courtyard governance college (tiers,
drop-out, practicum) and the MOST course (mixed cohort, questionnaires)."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

from sim.agents import Purpose
from sim.config import validate_config
from sim.interventions.courtyard_college import Tiers
from sim.interventions.six_steps import STEPS, SixStepsParams
from sim.schema import ConfigError
from sim.state import CooperationType


def programme(model, name):
    (iv,) = [iv for iv in model.interventions if iv.name == name]
    return iv


def step_schedule(name, **schedule):
    """A whole six-steps step block (a block given in part would take the class's defaults)."""
    block = asdict(getattr(SixStepsParams(), name))
    block["schedule"].update(schedule)
    return {name: block}


# -- six steps --------------------------------------------------------------------------------------
def test_six_steps_run_in_order_by_default():
    p = SixStepsParams()
    windows = [getattr(p, name).schedule for name in STEPS]
    for earlier, later in zip(windows, windows[1:]):
        assert earlier.end is not None and earlier.end < later.start
    assert windows[-1].end is None  # the platform stays


def test_each_step_acts_on_its_own_schedule(make_model):
    model = make_model(steps=82, interventions={"six_steps": {}})
    model.run_for(82)
    iv = programme(model, "six_steps")
    first = iv.report(model)
    assert [first[f"{name}_first_week"] for name in STEPS] == [1, 13, 25, 37, 49, 61, 73]
    weeks = {name: [w for n, w in iv.log if n == name] for name in STEPS}
    assert weeks["activities"] == [1, 3, 5, 7, 9, 11]
    assert weeks["empower"] == [13, 17, 21]
    assert weeks["leverage"] == [61, 65, 69]
    assert weeks["platform"] == list(range(73, 83))


def test_the_leverage_point_is_a_public_affair_the_public_good_groups_take_up(make_model):
    model = make_model(steps=72, interventions={"six_steps": {"convert": {"chance": 1.0}}})
    model.run_for(72)
    iv = programme(model, "six_steps")
    raised = [i for i in model.issues.values() if i.kind == "elderly_care" and i.raised_by >= 0
              and i.arisen_step in (61, 65, 69)]
    assert iv.counts["leverage_points"] == len(raised) >= 1
    leaders = {o.leader.resident.idx for o in model.organisations() if o.leader is not None}
    assert all(i.raised_by in leaders for i in raised)


def test_a_leverage_point_of_an_unknown_kind_is_refused():
    from sim.config import validate_config
    from sim.schema import ConfigError

    with pytest.raises(ConfigError) as err:
        validate_config({"interventions": {"six_steps": {"leverage": {"kind": "moon_landing"}}}})
    assert err.value.key == "interventions.six_steps.leverage.kind"


def test_a_step_can_be_rescheduled(make_model):
    model = make_model(steps=30, interventions={"six_steps": step_schedule("platform", start=5, end=10)})
    facilitation = []
    for _ in range(12):
        model.step()
        facilitation.append(model.deliberation_rules.facilitation)
    assert facilitation == [0.2] * 4 + [0.8] * 6 + [0.2] * 2
    assert all(o.openness >= 0.7 for o in model.cadres)


def test_activities_spot_the_residents_who_are_then_empowered(make_model):
    model = make_model(steps=30, interventions={"six_steps": {}})
    model.run_for(12)
    iv = programme(model, "six_steps")
    spotted = iv.spotted(model)
    assert len(spotted) >= 5
    assert (iv.activity_count[spotted] >= 3).all() and (model.state.interest[spotted] >= 0.4).all()
    leaders_before = model.state.is_leader.copy()
    model.run_for(12)  # weeks 13-24: three rounds of empowerment, five a round
    empowered = np.array([ldr.resident.idx for ldr in iv.empowered])
    assert len(empowered) == iv.counts["leaders_empowered"] == min(15, (~leaders_before[spotted]).sum())
    assert set(empowered) <= set(spotted) and not leaders_before[empowered].any()


def test_without_activities_nobody_is_empowered(make_model):
    model = make_model(steps=30, interventions={"six_steps": step_schedule("activities", start=1000, end=None)})
    model.run_for(30)
    assert programme(model, "six_steps").counts["leaders_empowered"] == 0


def test_organise_convert_and_educate(make_model):
    education = {**step_schedule("education")["education"], "cooperation_shift": 1.0}
    model = make_model(steps=64, interventions={"six_steps": {"education": education}})
    model.run_for(36)
    iv = programme(model, "six_steps")
    founded = iv.counts["organisations_founded"]
    assert founded > 0 and founded <= iv.counts["leaders_empowered"]
    model.run_for(12)  # weeks 37-48: hobby groups turn public-good
    assert iv.counts["organisations_converted"] > 0
    s = model.state
    free_riders = np.flatnonzero(model.public_good_member() & (s.cooperation == CooperationType.FREE_RIDER))
    efficacy = s.efficacy[model.public_good_member()].copy()
    model.step()  # week 49: public-spirit education of public-good members
    assert len(free_riders) and (s.cooperation[free_riders] == CooperationType.CONDITIONAL_COOPERATOR).all()
    assert iv.counts["cooperators_gained"] == len(free_riders)
    assert iv.counts["members_educated"] == len(efficacy) > 0


def test_stat_six_steps_build_public_good_groups(make_model, stat_seed):
    result = {}
    for label, ivs in (("none", {}), ("six_steps", {"six_steps": {}})):
        model = make_model(seed=stat_seed, steps=64, interventions=ivs)
        model.run_for(64)
        ts = model.timeseries()
        result[label] = (ts["organisations_public_good"].iloc[-1], ts["leaders"].iloc[-1])
    assert result["six_steps"][0] >= result["none"][0] + 3, result
    assert result["six_steps"][1] > result["none"][1], result


def test_bad_step_schedule_is_refused():
    with pytest.raises(ConfigError, match=r"six_steps\.convert\.schedule\.end"):
        validate_config({"interventions": {"six_steps": step_schedule("convert", start=40, end=30)}})


# -- three-social linkage ---------------------------------------------------------------------------
def test_budget_limits_the_social_workers_in_post(make_model):
    for budget, workers in ((120_000.0, 2), (90_000.0, 1), (59_999.0, 0)):
        model = make_model(interventions={"three_social_linkage": {"yearly_budget": budget}})
        model.run_for(3)
        iv = programme(model, "three_social_linkage")
        assert len(iv.patches) == workers
        assert iv.sessions == 3 * 10 * workers
        if workers:
            covered = np.sort(np.concatenate(iv.patches))
            np.testing.assert_array_equal(covered, np.arange(model.n_courtyards))


def test_social_workers_raise_capacity_of_their_cases(make_model):
    ivs = {"three_social_linkage": {"caseload": 50, "capacity_gain": 0.05, "cultivation_rate": 0.0}}
    model = make_model(interventions=ivs)
    before = model.state.capacity.copy()
    model.run_for(10)
    gained = model.state.capacity - before
    assert (gained >= -1e-12).all()
    assert gained.sum() == pytest.approx(programme(model, "three_social_linkage").sessions * 0.05, rel=0.05)


def test_social_workers_cultivate_organisations(make_model):
    ivs = {"three_social_linkage": {"cultivation_rate": 1.0, "public_good_share": 1.0}}
    model = make_model(steps=20, organisations={"founding_rate": 0.0}, interventions=ivs)
    model.run_for(20)
    iv = programme(model, "three_social_linkage")
    assert iv.cultivated > 0 and iv.cultivated + iv.incubated == 2 * 20
    assert iv.cultivated >= sum(o.purpose is Purpose.PUBLIC_GOOD for o in model.organisations()) > 0


# -- courtyard governance college -------------------------------------------------------------------
def test_college_trains_three_tiers_in_order_with_drop_out(make_model):
    model = make_model(steps=40, interventions={"courtyard_college": {"schedule": {"start": 2}}})
    model.run_for(40)
    iv = programme(model, "courtyard_college")
    assert iv.log == [("general_literacy", 2), ("participation_skills", 6), ("governance_skills", 10)]
    report = iv.report(model)
    assert report["trainees"] == 2 * model.n_courtyards
    completed = [report[f"completed_{t}"] for t in ("general_literacy", "participation_skills", "governance_skills")]
    assert report["trainees"] >= completed[0] >= completed[1] >= completed[2] > 0
    assert report["projects"] == completed[2]


def test_college_picks_new_backbones_each_intake(make_model):
    model = make_model(steps=60, interventions={"courtyard_college": {"schedule": {"start": 1, "period": 20}}})
    model.run_for(60)
    iv = programme(model, "courtyard_college")
    assert len(iv.intakes) == 3 and iv.trained.sum() == 3 * 2 * model.n_courtyards


def test_tiers_add_their_gains(make_model):
    full = {"attendance": 1.0, "fade": 0.0, "practicum_week": None, "schedule": {"start": 2}}
    model = make_model(interventions={"courtyard_college": full})
    model.run_for(1)
    before = model.state.capacity.copy()
    model.run_for(10)
    rows = programme(model, "courtyard_college").intakes[0].active
    expected = before[rows] + 0.05 + 0.15 + 0.15
    np.testing.assert_allclose(model.state.capacity[rows], np.minimum(1, expected), atol=1e-12)
    assert model.state.is_leader[rows].all()  # governance graduates lead their courtyards


def test_stat_practicum_turns_backbones_groups_public_good(make_model, stat_seed):
    counts = {}
    for label, week in (("practicum", 12), ("none", None)):
        model = make_model(seed=stat_seed, steps=30, interventions={"courtyard_college": {
            "schedule": {"start": 2}, "practicum_week": week}})
        model.run_for(30)
        counts[label] = model.timeseries()["organisations_public_good"].iloc[-1]
    assert counts["practicum"] >= counts["none"] + 3, counts


def test_practicum_must_follow_the_last_tier():
    with pytest.raises(ConfigError, match="practicum_week"):
        validate_config({"interventions": {"courtyard_college": {"practicum_week": 8}}})
    tiers = asdict(Tiers())
    tiers["governance_skills"]["week"] = 2
    with pytest.raises(ConfigError, match="governance_skills.week"):
        validate_config({"interventions": {"courtyard_college": {"tiers": tiers}}})


# -- MOST course ------------------------------------------------------------------------------------
def test_most_course_trains_cadres_and_staff_together(make_model):
    model = make_model(steps=30, officials={"n_cadres": 20}, organisations={"founding_rate": 0.3},
                       interventions={"most_course": {"cadres": 20, "organisation_staff": 10}})
    model.run_for(12)
    openness = [o.openness for o in model.cadres]
    model.step()  # week 13: the course
    assert all(o.openness == pytest.approx(min(1, x + 0.2)) for o, x in zip(model.cadres, openness))
    iv = programme(model, "most_course")
    staff = iv.groups["staff"][0].rows
    leaders_of_groups = {o.leader.resident.idx for o in model.organisations() if o.leader is not None}
    assert len(staff) == 10 and set(staff) & leaders_of_groups
    model.run_for(17)
    report = iv.report(model)
    assert report["trained"] == 30 and report["cadres_trained"] == 20 and report["staff_trained"] == 10
    for group in ("cadres", "staff"):
        assert report[f"{group}_questionnaire_post_mean"] > report[f"{group}_questionnaire_pre_mean"] + 0.3
        assert 0 <= report[f"{group}_observed_active_share"] <= 1
    assert report["courses"] == 1


def test_most_course_refuses_more_cadres_than_the_community_has():
    with pytest.raises(ConfigError, match="most_course.cadres"):
        validate_config({"interventions": {"most_course": {"cadres": 20}}})
