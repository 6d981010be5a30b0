"""The default community at full size: 2,000 residents for 156 weeks (about a second a run)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import CommunityModel
from sim.outputs import summarise


@pytest.mark.parametrize("scenario", [
    {},
    {"interventions": {"random_leader_assignment": {}}},
    {"interventions": {"empowerment_training": {"schedule": {"start": 13, "period": 26},
                                                "target": {"kind": "residents", "count": 100}}}},
])
def test_default_community_runs_its_156_weeks(scenario):
    model = CommunityModel(scenario)
    assert model.state.n == 2000 and model.config.steps == 156
    model.run_for(model.config.steps)
    summary = summarise(model)
    assert sum(summary["ladder"]) == pytest.approx(1.0)
    assert 0 < summary["participation_rate"] < 1
    assert 0 < summary["ever_attended_share"] <= 1
    assert summary["proposals_total"] > 0 and summary["meetings_total"] > 0
    ts = model.timeseries()
    assert len(ts) == 156
    assert np.isfinite(ts.drop(columns=["mean_chair_distance"]).to_numpy(dtype=float)).all()
