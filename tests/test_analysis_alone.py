"""The customer-alone heuristic (issue 14, point 6): a customer action done alone,
with no staff or system step before or after it, that leads on to another one."""

from __future__ import annotations

from blueprint import lint
from blueprint.analysis import HEURISTICS, Analysis, analyze
from blueprint.config import Config

WAYFINDING = """
blueprint: 1
id: t
title: T
rules: {empty-lane: off}
steps:
  - {id: park, lane: customer, text: Park the car, evidence: [Car park sign], next: [enter]}
  - {id: enter, lane: customer, text: Enter the building, evidence: [Building sign], next: [read-signs]}
  - {id: read-signs, lane: customer, text: Read the signs, evidence: [Floor directory], next: [take-lift]}
  - {id: take-lift, lane: customer, text: Take the lift, evidence: [Lift], next: [greet]}
  - {id: greet, lane: frontstage, text: Greet at the desk, next: [sit]}
  - {id: sit, lane: customer, text: Sit down in the waiting area, evidence: [Chairs], next: [leave]}
  - {id: leave, lane: customer, text: Leave, evidence: [Exit sign]}
"""


def analysed(write, text: str) -> Analysis:
    res = lint.check_file(write(text), Config())
    assert res.loaded and not res.count("error"), [p.format() for p in res.problems]
    return analyze(res.blueprint, res.structure)


def alone(a: Analysis) -> list:
    return [f.step for f in a.fail_points if "customer-alone" in f.heuristics]


def test_the_customer_finding_the_way_alone_is_a_candidate(write):
    a = analysed(write, WAYFINDING)
    # park, enter, read-signs: customer actions before and after, and one follows;
    # take-lift leads to the greeter; sit follows the greeter; leave ends the journey
    assert alone(a) == ["park", "enter", "read-signs"]
    assert "customer-alone" in HEURISTICS
    f = a.fail_at("read-signs")
    assert not f.declared and f.heuristics == ("customer-alone",)
    assert "alone" in str(f.reasons[0])


def test_a_recovery_flow_from_staff_is_support_too(write):
    # a guide looks for lost visitors and brings them back to the signs
    text = WAYFINDING.replace(
        "next: [greet]}",
        "next: [greet]}\n  - {id: guide, lane: frontstage, text: Find lost visitors, "
        "next: [{to: read-signs, kind: recovery, when: lost}]}",
    )
    assert alone(analysed(write, text)) == ["park", "enter"]


def test_customer_alone_is_silenced_like_the_other_heuristics(write):
    text = WAYFINDING.replace(
        "evidence: [Car park sign],", "evidence: [Car park sign], ignore: [customer-alone],"
    )
    assert alone(analysed(write, text)) == ["enter", "read-signs"]
    off = WAYFINDING.replace(
        "rules: {empty-lane: off}", "rules: {empty-lane: off, customer-alone: off}"
    )
    a = analysed(write, off)
    assert alone(a) == [] and a.heuristics_off == ("customer-alone",)


def test_customer_alone_can_be_a_warning_of_check(write):
    text = WAYFINDING.replace(
        "rules: {empty-lane: off}", "rules: {empty-lane: off, customer-alone: warning}"
    )
    res = lint.check_file(write(text), Config())
    found = [(p.line, p.col) for p in res.problems if p.rule == "customer-alone"]
    # the file starts at 'blueprint: 1': park, enter and read-signs are on lines 6, 7 and 8
    assert found == [(6, 5), (7, 5), (8, 5)]
