"""Every parameter says where its value comes from, and case sources hold what the cases state."""

from dataclasses import dataclass

import pytest
import yaml

from sim.parameter_table import DOCS, cases_with_facts, groups, parameters_markdown, rows
from sim.provenance import CASE_FACTS, CASES, assumed, case
from sim.schema import param

ROWS = [r for _, _, rs in groups() for r in rs]


def test_every_parameter_has_a_source():
    missing = [r.key for r in ROWS if r.source is None]
    assert not missing, f"parameters without source=: {missing}"


def test_walk_covers_model_programmes_experiment_sweep_and_calibration():
    from sim.interventions import REGISTRY

    keys = {r.key for r in ROWS}
    assert {"community.n_residents", "issues.kinds.parking.salience", "experiment.poll.issues.airport.salience",
            "sweep.chunk", "calibrate.n_jobs", "experiment.designs.staggered.batches[1].size"} <= keys
    for name in REGISTRY:
        assert f"interventions.{name}.schedule.start" in keys


@pytest.mark.parametrize("row", [r for r in ROWS if r.source and r.source.kind == "case"], ids=lambda r: r.key)
def test_case_source_default_is_the_case_number(row):
    assert row.default == pytest.approx(row.source.expected()), \
        f"{row.key} = {row.default} but {row.source.text} gives {row.source.expected()}"


def test_case_facts_belong_to_a_case_section():
    cases_md = (DOCS / "cases.md").read_text(encoding="utf-8")
    for key in CASE_FACTS:
        assert key.split(".", 1)[0] in CASES
    for title in CASES.values():
        assert f"## {title}\n" in cases_md


def test_a_field_without_source_or_with_a_wrong_case_number_is_caught():
    @dataclass
    class Probe:
        bare: int = param(3)
        council: int = param(20, source=case("chengdu.council_min"))
        sized: int = param(7, source=assumed("why"))

    found = {r.key: r for r in rows(Probe())}
    assert found["bare"].source is None
    assert found["council"].default != found["council"].source.expected()
    assert found["sized"].source.kind == "assumed"


def test_a_section_value_that_differs_from_its_class_needs_the_sections_source():
    @dataclass
    class Inner:
        x: int = param(1, source=assumed("class default"))

    @dataclass
    class Outer:
        same: Inner = param(Inner())
        changed: Inner = param(Inner(2))
        named: Inner = param(Inner(21), sources={"x": case("chengdu.council_min")})

    found = {r.key: r.source for r in rows(Outer())}
    assert found["same.x"].text == "class default"
    assert found["changed.x"] is None
    assert found["named.x"].text == "chengdu.council_min"


def test_unknown_case_fact_or_kind_is_refused():
    with pytest.raises(ValueError, match="not a key of CASE_FACTS"):
        case("chengdu.no_such_fact")
    with pytest.raises(ValueError, match="needs its derive"):
        case("gulou.plan_years", rule="x 52")


def test_committed_docs_are_generated_from_the_code():
    assert (DOCS / "parameters.md").read_text(encoding="utf-8") == parameters_markdown(), \
        "docs/parameters.md is stale: run python -m sim.parameter_table --write"
    cases_md = (DOCS / "cases.md").read_text(encoding="utf-8")
    assert cases_md == cases_with_facts(cases_md), "the case-facts table of docs/cases.md is stale"


def test_parameters_page_is_in_the_site_nav():
    text = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.load(text, Loader=yaml.UnsafeLoader)["nav"]
    assert "parameters.md" in str(nav)
