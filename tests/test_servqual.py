"""SERVQUAL (issue 20): dimensions on standards and fail points, coverage and gaps P - E."""

from __future__ import annotations

from blueprint import lint
from blueprint.analysis import Analysis, analyze
from blueprint.config import Config
from blueprint.report.analysis_text import report


def analysed(write, text: str) -> Analysis:
    res = lint.check_file(write(text), Config())
    assert res.loaded and not [p for p in res.problems if p.severity == "error"], "\n".join(
        p.format() for p in res.problems
    )
    return analyze(res.blueprint, res.structure)


BP = """
blueprint: 1
id: t
title: T
servqual:
  reliability: {expected: 6.5, perceived: 5}
  responsiveness: {expected: 6, perceived: 4}
  empathy: {expected: 5, perceived: 5.5}
  tangibles: {expected: 4, perceived: 2}
phases:
  - {id: come, name: Come}
  - {id: go, name: Go}
steps:
  - {id: order, lane: customer, phase: come, text: Order, evidence: [Menu], next: [take]}
  - {id: take, lane: frontstage, phase: come, text: Take, next: [serve],
     standard: {text: Repeat the order, dimension: reliability},
     fail: {risk: Order not noted, dimension: reliability}}
  - {id: serve, lane: frontstage, phase: go, text: Serve, next: [eat],
     standard: {text: Within 10 minutes, within: 10m, dimension: responsiveness},
     fail: {risk: Dish spilt, dimension: tangibles}}
  - {id: eat, lane: customer, phase: go, text: Eat, evidence: [Bowl], next: [pay]}
  - {id: pay, lane: frontstage, phase: go, text: Pay, next: [bye],
     standard: {text: Receipt checked, dimension: reliability}}
  - {id: bye, lane: customer, phase: go, text: Leave, evidence: [Door]}
"""


def test_coverage_per_dimension_and_phase(write):
    a = analysed(write, BP)
    by = {c.dimension: c for c in a.servqual.dimensions}
    # reliability: standards at take (come) and pay (go), the fail point at take (come)
    r = by["reliability"]
    assert (r.standards, r.fail_points) == (("take", "pay"), ("take",))
    assert r.phases == {"come": (1, 1), "go": (1, 0)}
    assert by["responsiveness"].standards == ("serve",)
    assert by["tangibles"].fail_points == ("serve",) and by["tangibles"].standards == ()
    # no standard names assurance, empathy or tangibles
    assert a.servqual.without_standard == ("assurance", "empathy", "tangibles")


def test_gaps_are_perceived_minus_expected_largest_shortfall_first(write):
    a = analysed(write, BP)
    gaps = {c.dimension: c.gap for c in a.servqual.dimensions}
    # reliability 5 - 6.5 = -1.5; responsiveness 4 - 6 = -2; empathy 5.5 - 5 = +0.5;
    # tangibles 2 - 4 = -2; assurance has no scores
    assert gaps == {
        "reliability": -1.5,
        "responsiveness": -2.0,
        "assurance": None,
        "empathy": 0.5,
        "tangibles": -2.0,
    }
    # -2 (responsiveness), -2 (tangibles: a tie, after responsiveness in the dimensions' order),
    # -1.5 (reliability), +0.5 (empathy)
    assert a.servqual.gaps == ("responsiveness", "tangibles", "reliability", "empathy")
    text = " ".join(report(a).split())  # the report wraps long lines
    assert "no standard protects: assurance, empathy, tangibles" in text
    assert (
        "gaps, the largest shortfall first: responsiveness -2.00, tangibles -2.00, "
        "reliability -1.50, empathy +0.50"
    ) in text
    j = a.to_dict()["servqual"]
    assert j["gaps"] == ["responsiveness", "tangibles", "reliability", "empathy"]
    assert j["dimensions"][0]["gap"] == -1.5
    assert j["dimensions"][0]["phases"] == {
        "come": {"standards": 1, "fail_points": 1},
        "go": {"standards": 1, "fail_points": 0},
    }


def test_without_dimensions_or_scores_the_report_is_silent(write):
    bare = "\n".join(
        ln for ln in BP.splitlines() if "expected:" not in ln and "perceived" not in ln
    )
    bare = bare.replace("servqual:\n", "").replace(", dimension: reliability", "")
    bare = bare.replace(", dimension: responsiveness", "").replace(", dimension: tangibles", "")
    assert "dimension" not in bare and "servqual" not in bare
    a = analysed(write, bare)
    assert not a.servqual.stated and a.servqual.gaps == ()
    assert "SERVQUAL" not in report(a)
