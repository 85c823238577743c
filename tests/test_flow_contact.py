"""contact: marks a customer's direct contact with back-stage or support work as
intended (issue 14, point 6); flow-skips-line is a warning that says how."""

from __future__ import annotations

from blueprint import lint
from blueprint.config import Config

PHONE = """
blueprint: 1
id: t
title: T
rules: {empty-lane: off}
steps:
  - {id: call, lane: customer, text: Phone in an order, evidence: [Flyer], next: [take]}
  - {id: take, lane: backstage, text: Take the order at the kitchen phone, next: [hand-over]}
  - {id: hand-over, lane: frontstage, text: Hand over the bag, next: [pick-up]}
  - {id: pick-up, lane: customer, text: Pick up the order, evidence: [Bag]}
"""


def skips(write, text: str) -> list:
    res = lint.check_file(write(text), Config())
    return [p for p in res.problems if p.rule == "flow-skips-line"]


def test_a_customer_phoning_the_back_office_is_a_warning_that_says_how_to_mark_it(write):
    (p,) = skips(write, PHONE)
    assert p.severity == "warning"
    # line 6 (the file starts at 'blueprint: 1'); the flow's 'take' after "  - {" (5),
    # "id: call, " (10), "lane: customer, " (16), "text: Phone in an order, " (25),
    # "evidence: [Flyer], " (19), "next: [" (7)
    assert (p.line, p.col) == (6, 5 + 10 + 16 + 25 + 19 + 7 + 1)
    assert "contact: phone" in p.message and "ignore: [flow-skips-line]" in p.message


def test_contact_on_the_flow_or_on_either_step_marks_it_as_intended(write):
    on_flow = PHONE.replace("next: [take]}", "next: [{to: take, contact: phone}]}")
    on_customer = PHONE.replace("evidence: [Flyer],", "evidence: [Flyer], contact: phone,")
    on_staff = PHONE.replace(
        "text: Take the order at the kitchen phone,", "text: Take it, contact: phone,"
    )
    for text in (on_flow, on_customer, on_staff):
        assert skips(write, text) == []


def test_ignore_on_the_step_the_flow_leaves_silences_it(write):
    text = PHONE.replace("evidence: [Flyer],", "evidence: [Flyer], ignore: [flow-skips-line],")
    assert skips(write, text) == []


def test_an_unknown_contact_kind_is_reported(write):
    res = lint.check_file(
        write(PHONE.replace("next: [take]}", "next: [{to: take, contact: fax}]}"))
    )
    assert any(p.severity == "error" and "contact" in p.message for p in res.problems), [
        p.format() for p in res.problems
    ]
