"""The default run and every scenario give exactly the checked-in results (tests/regression/).

A change meant to alter results refreshes the baseline (``.venv/bin/python
tests/regression/baseline.py``) and says so in its note; any other difference is a regression.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "regression"))
import baseline  # noqa: E402

RECORDED = json.loads(baseline.BASELINE.read_text())


def test_the_baseline_covers_the_default_and_every_scenario():
    assert set(RECORDED) == set(baseline.cases())


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_results_equal_the_baseline(name):
    found = baseline.differences(RECORDED[name], baseline.record(baseline.cases()[name]))
    assert not found, f"{name} differs from tests/regression/baseline.json:\n" + "\n".join(found[:20])


def test_a_changed_figure_is_reported():
    case = RECORDED["default"]
    changed = json.loads(json.dumps(case))
    changed["summary"]["mean_trust"] += 1e-6
    changed["meetings"]["rows"] += 1
    found = baseline.differences(case, changed)
    assert any(f.startswith("summary.mean_trust") for f in found)
    assert any(f.startswith("meetings.rows") for f in found)
