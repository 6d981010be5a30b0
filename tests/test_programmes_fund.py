"""Community public fund: budget per 100 households, the nine steps in order, allocation across the
six areas without overspending, what the money does, and the procedure's cost and efficacy."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

from sim.agents import Leader, Organisation, Purpose
from sim.config import validate_config
from sim.interventions.community_public_fund import AREAS, NineSteps
from sim.ladder import Rung
from sim.schema import ConfigError


def procedure_step(name, **changes):
    """A whole procedure step: a nested block given in part would take the block's class defaults."""
    return {name: {**asdict(getattr(NineSteps(), name)), **changes}}


def fund(model):
    (iv,) = [iv for iv in model.interventions if iv.name == "community_public_fund"]
    return iv


def test_yearly_budget_is_per_100_households_and_never_overspent(make_model):
    # 300 residents in households of 3: 100 households, 4,000 yuan a year
    model = make_model(steps=110, organisations={"founding_rate": 0.2},
                       interventions={"community_public_fund": {}})
    iv = fund(model)
    for _ in range(110):
        model.step()
        for year in iv.years:
            assert year.budget == pytest.approx(4000.0)
            assert (year.spent <= year.allocation + 1e-9).all()
            assert year.spent.sum() <= year.budget + 1e-9
        assert all(org.funds >= 0 for org in model.organisations())
    assert [y.opened for y in iv.years] == [1, 53, 105]
    done = [y for y in iv.years if y.reached == "archive"]
    assert done, [y.reached for y in iv.years]
    for year in done:
        assert year.allocation.sum() == pytest.approx(year.budget)
        np.testing.assert_allclose(year.allocation, year.budget * year.ballots / year.ballots.sum())
        assert year.spent.sum() > 0
    report = iv.report(model)
    assert report["spent_total"] + report["unspent_total"] == pytest.approx(report["budget_total"])
    assert report["spent_total"] == pytest.approx(sum(report[f"spent_{a}"] for a in AREAS))


def test_the_nine_steps_happen_in_order_on_their_weeks(make_model):
    model = make_model(steps=60, interventions={"community_public_fund": {"schedule": {"start": 3}}})
    model.run_for(60)
    year = fund(model).years[0]
    assert year.reached == "archive" and not year.stalled
    assert list(year.turnout) == ["publicise", "collect_proposals", "sort_and_discuss", "council_vote",
                                  "hearing", "implement", "supervise", "evaluate", "archive"]


def test_ballots_follow_households_needs(make_model):
    """A household's ballot names its current issue's area, else its organisation's, else a draw."""
    repairs = {"issue_areas": {kind: "facility_repair" for kind in ("parking", "safety", "environment")},
               "area_weights": {a: (1.0 if a == "education_training" else 0.0) for a in AREAS}}
    model = make_model(steps=8, organisations={"founding_rate": 0.5}, issues={"rate": 10.0, "community_rate": 0.0, "courtyards_touched": 3},
                       interventions={"community_public_fund": repairs})
    model.run_for(2)
    s = model.state
    kinds = np.array([model.issues[i].kind if i >= 0 else "" for i in s.current_issue])
    purpose = {o.org_id: o.purpose for o in model.organisations()}
    org = np.array([purpose.get(int(g)) for g in s.organisation], dtype=object)
    model.step()  # week 3: ballots (week 2 of the fund year), cast before this week's issues arise
    year = fund(model).years[0]
    assert len(year.ballot_rows) >= 10
    expected = np.where(np.isin(kinds, ["parking", "safety", "environment"]), "facility_repair",
                        np.where(org == Purpose.PUBLIC_GOOD, "self_organisations",
                                 np.where(org == Purpose.RECREATIONAL, "culture_sport", "education_training")))
    named = np.array(AREAS)[year.ballot_area]
    np.testing.assert_array_equal(named, expected[year.ballot_rows])
    assert (named == "facility_repair").any()


def test_money_funds_organisations_collective_action(make_model):
    model = make_model(interventions={"community_public_fund": {}})
    model.run_for(2)
    leader = next(iter(model.agents_by_type[Leader]))
    org = Organisation(model, leader, Purpose.PUBLIC_GOOD)
    org.capacity, org.funds = 0.3, 1200.0
    members = org.members
    before = model.state.efficacy[members].copy()
    fund(model).collective_action(model)
    assert org.funds == pytest.approx(700.0) and org.capacity == pytest.approx(0.4)
    np.testing.assert_allclose(model.state.efficacy[members], np.minimum(1, before + 0.02))
    fund(model).collective_action(model)
    fund(model).collective_action(model)  # 200 yuan left: not enough for a third action
    assert org.funds == pytest.approx(200.0) and fund(model).actions == 2


def test_repairs_resolve_facility_issues_as_residents_decisions(make_model):
    rich = {"budget_per_100_households": 200_000.0,
            "area_weights": {a: (1.0 if a == "facility_repair" else 0.0) for a in AREAS},
            "issue_areas": {"parking": "facility_repair", "facility_repair": "facility_repair"}}
    model = make_model(steps=14, interventions={"community_public_fund": rich})
    model.run_for(10)
    due = [i for i in model.open_issues() if i.kind in ("parking", "facility_repair")]
    model.step()  # week 11: implement (week 10 of the fund year)
    assert due and all(i.decided_step == 11 and i.decision_rung == Rung.DELEGATED_POWER for i in due)
    assert fund(model).issues_resolved == len(due)
    year = fund(model).years[0]
    repairs = year.spent[AREAS.index("facility_repair")]
    assert repairs == pytest.approx(2000.0 * (fund(model).issues_resolved + fund(model).courtyard_works))


def test_the_vote_gives_council_members_delegated_power(make_model):
    model = make_model(steps=8, interventions={"community_public_fund": {}})
    model.run_for(8)
    year = fund(model).years[0]
    assert year.turnout["council_vote"] >= 0.8
    voters = np.flatnonzero(model.council_member)
    assert (model.state.rung[voters] == Rung.DELEGATED_POWER).sum() >= 0.8 * len(voters)


def test_a_step_short_of_its_turnout_stalls_the_year(make_model):
    stalled = {"procedure": procedure_step("council_vote", min_turnout=1.0), "council_duty": 0.0}
    model = make_model(steps=60, interventions={"community_public_fund": stalled})
    model.run_for(60)
    year = fund(model).years[0]
    assert year.stalled and year.reached == "sort_and_discuss"
    assert year.spent.sum() == 0 and list(year.turnout)[-1] == "council_vote"
    assert (model.state.rung < Rung.DELEGATED_POWER).all()


def test_stat_carrying_the_procedure_through_raises_efficacy(make_model, stat_seed):
    """Same seed: a year carried through leaves its participants more efficacious than a stalled one."""
    def participants_efficacy(params):
        model = make_model(seed=stat_seed, steps=52, interventions={"community_public_fund": params})
        model.run_for(52)
        year = fund(model).years[0]
        rows = np.array(sorted(year.participants))
        return model.state.efficacy[rows].mean(), year

    through, year = participants_efficacy({})
    stalled, stalled_year = participants_efficacy({"procedure": procedure_step("evaluate", min_turnout=1.0)})
    assert year.reached == "archive" and stalled_year.stalled
    assert through > stalled + 0.03


def test_stat_steps_cost_time_so_costly_steps_draw_fewer(make_model, stat_seed):
    def hearing(cost):
        model = make_model(seed=stat_seed, steps=9, interventions={"community_public_fund": {
            "procedure": procedure_step("hearing", cost=cost)}})
        model.run_for(9)
        return fund(model).years[0].turnout["hearing"], fund(model).time_spent

    cheap, cheap_time = hearing(0.2)
    dear, dear_time = hearing(3.0)
    assert cheap > 2 * dear
    assert cheap_time > 0 and dear_time > 0


@pytest.mark.parametrize("params, key", [
    ({"procedure": {"hearing": {"week": 3}}}, "procedure.hearing.week"),
    ({"procedure": {"archive": {"week": 60}}}, "procedure.archive.week"),
    ({"issue_areas": {"parking": "roads"}}, "issue_areas.parking"),
    ({"area_weights": {"roads": 1.0}}, "area_weights"),
    ({"area_weights": {a: 0.0 for a in AREAS}}, "area_weights"),
])
def test_bad_fund_config_is_refused(params, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        validate_config({"interventions": {"community_public_fund": params}})
