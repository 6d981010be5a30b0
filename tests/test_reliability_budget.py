"""The memory and time estimate (sim/budget.py): its terms follow the config, and a run this machine
cannot hold is refused before anything is allocated, naming the estimate and the machine's memory."""

from __future__ import annotations

import pytest

import sim.budget as budget
from sim.config import validate_config
from sim.schema import ConfigError


def _estimate(**sections):
    return budget.estimate(validate_config(sections))


def test_the_estimate_grows_with_residents_ties_steps_and_issues():
    small = _estimate(community={"n_residents": 1000})
    assert _estimate(community={"n_residents": 10_000}).memory_bytes > small.memory_bytes
    assert _estimate(community={"n_residents": 1000}, steps=1000).seconds > small.seconds
    denser = _estimate(community={"n_residents": 1000}, network={"courtyard": {"ties_within_courtyard": 40.0}})
    assert denser.ties > small.ties and denser.memory_bytes > small.memory_bytes
    busy = _estimate(community={"n_residents": 1000}, issues={"community_rate": 10.0})
    assert busy.memory_terms["issues.community_rate"] > small.memory_terms["issues.community_rate"]


def test_the_formula():
    """Courtyard ties E = n (h - 1) / 2 + n (t_in + t_out) / 2; memory and time as documented."""
    cfg = validate_config({"steps": 10, "community": {"n_residents": 1000},
                           "issues": {"rate": 0.0, "community_rate": 0.0}})
    est = budget.estimate(cfg)
    assert est.ties == 1000 * 2 / 2 + 1000 * 5 / 2
    assert est.memory_bytes == pytest.approx(budget.BASE_BYTES + 1400 * 1000 + 370 * est.ties + 20 * 1024 * 10)
    assert est.seconds == pytest.approx(35e-6 * 1000 + 1.6e-6 * est.ties + 10 * (1.5e-3 + 0.2e-6 * 1000))


def test_a_run_larger_than_the_available_memory_is_refused(monkeypatch):
    monkeypatch.setattr(budget, "machine_memory", lambda: (8 * 2**30, 2**30))
    validate_config({"community": {"n_residents": 2000}})  # ~160 MiB: fits
    with pytest.raises(ConfigError) as error:
        validate_config({"community": {"n_residents": 2_000_000}, "leaders": {"n_initial": 40}})
    text = str(error.value)
    assert error.value.key == "community.n_residents" and "\n" not in text
    assert "would need about 5.3 GiB of memory" in text and "this machine has 8.0 GiB, 1.0 GiB available" in text


def test_the_largest_term_names_the_key(monkeypatch):
    monkeypatch.setattr(budget, "machine_memory", lambda: (2**30, 2**30))
    with pytest.raises(ConfigError) as error:
        validate_config({"community": {"n_residents": 100_000},
                         "network": {"courtyard": {"ties_between_courtyards": 100.0}}})
    assert error.value.key == "network.courtyard.ties_between_courtyards"


def test_this_machine_reports_its_memory():
    total, available = budget.machine_memory()
    assert 0 < available <= total
