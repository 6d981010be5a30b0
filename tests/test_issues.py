"""Public issues: whom they touch, how residents hold them, and how they close."""

from __future__ import annotations

import numpy as np
import pytest

from sim.issues import IssueStatus
from sim.ladder import Rung

MODES = ["snowball", "elite", "council", "all_member", "cloud", "panoramic"]


def check_issue_state(model):
    s = model.state
    open_ids = {i.issue_id for i in model.open_issues()}
    held = set(np.unique(s.current_issue[s.current_issue >= 0]).tolist())
    assert held <= open_ids, f"residents hold closed issues {sorted(held - open_ids)}"
    no_issue = s.current_issue < 0
    assert np.isnan(s.opinion[no_issue]).all()
    assert (s.stake[no_issue] == 0).all()
    assert not np.isnan(s.opinion[~no_issue]).any()
    assert ((s.opinion[~no_issue] >= 0) & (s.opinion[~no_issue] <= 1)).all()


@pytest.mark.parametrize("mode", MODES)
def test_residents_hold_only_open_issues(make_model, mode):
    model = make_model(seed=2, deliberation={"mode": mode, "council_size": 21})
    for _ in range(40):
        model.step()
        check_issue_state(model)
    assert model.timeseries()["proposals"].sum() > 0, f"no meetings in {mode} mode"


def test_courtyard_issues_touch_whole_courtyards(make_model):
    model = make_model(seed=3, issues={"courtyards_touched": 2})
    model.run_for(20)
    s = model.state
    seen = 0
    for issue in model.issues.values():
        courtyards = np.unique(s.courtyard[issue.touched])
        if issue.community_wide:
            assert len(issue.touched) == s.n
        elif issue.raised_by >= 0:  # a leader's proposal: the leader's own courtyard
            np.testing.assert_array_equal(courtyards, [s.courtyard[issue.raised_by]])
        else:
            assert len(courtyards) == 2
            np.testing.assert_array_equal(np.sort(issue.touched),
                                          np.flatnonzero(np.isin(s.courtyard, courtyards)))
            seen += 1
    assert seen > 5


def test_undiscussed_issues_are_decided_by_cadres_alone(make_model):
    """Deliberation days never come: every issue expires after max_age at rung 1."""
    model = make_model(seed=4, deliberation={"meeting_interval": 1000}, issues={"max_age": 6})
    model.run_for(40)
    decided = [i for i in model.issues.values() if i.status is IssueStatus.DECIDED]
    assert len(decided) > 5
    for issue in decided:
        assert issue.decision_rung == Rung.MANIPULATION
        assert issue.decided_step - issue.arisen_step == 6
    for issue in model.open_issues():
        assert model.steps - issue.arisen_step < 6
    assert all(r == Rung.MANIPULATION for _, r in model.decisions)
    assert (model.state.rung == Rung.MANIPULATION).all()
    assert (model.timeseries()["community_rung"] == 1).all()
    assert (model.state.meetings_attended == 0).all()


def test_deliberated_issues_close_at_their_best_groups_rung(make_model):
    model = make_model(seed=5)
    model.run_for(40)
    frame = model.meetings_frame()
    assert len(frame) > 0
    best = frame.groupby("issue_id")["rung"].max()
    for issue_id, rung in best.items():
        issue = model.issues[int(issue_id)]
        assert issue.status is IssueStatus.DECIDED
        assert issue.decision_rung == rung
        assert issue.decided_step == frame.loc[frame["issue_id"] == issue_id, "step"].iloc[0]
