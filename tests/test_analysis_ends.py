"""A journey can end on a branch (issue 14, point 2): end candidates, each with
its own peak–end score, and the usual end. Scores worked out by hand."""

from __future__ import annotations

import json

from blueprint import lint
from blueprint.analysis import Analysis, analyze
from blueprint.config import Config

# most patients read their results and stop; some need a follow-up
RESULTS = """
blueprint: 1
id: t
title: T
rules: {empty-lane: off}
steps:
  - {id: get-tested, lane: customer, text: Have the test, evidence: [Lab], emotion: -2, next: [send]}
  - {id: send, lane: frontstage, text: Send the results, next: [read]}
  - id: read
    lane: customer
    text: Read the results
    evidence: [Report]
    emotion: 1
    next: [{to: book, when: follow-up needed}]
  - {id: book, lane: frontstage, text: Book a follow-up, next: [booked]}
  - {id: booked, lane: customer, text: Receive the appointment, evidence: [SMS], emotion: 0}
"""


def analysed(write, text: str) -> tuple[Analysis, list]:
    res = lint.check_file(write(text), Config())
    assert res.loaded and not res.count("error"), [p.format() for p in res.problems]
    return analyze(res.blueprint, res.structure), res.problems


def test_a_step_whose_only_next_step_is_conditional_is_an_end(write):
    a, _ = analysed(write, RESULTS)
    assert a.ends == ["read", "booked"]
    assert "end" in a.markers("read") and "end" in a.markers("booked")


def test_each_end_has_its_own_peak_end_score(write):
    a, _ = analysed(write, RESULTS)
    read, booked = a.end_moments
    # read: the journey get-tested (-2), read (+1); the peak is -2: (-2 + 1) / 2
    assert (read.step, read.peak, read.score) == ("read", "get-tested", (-2 + 1) / 2)
    # booked: get-tested (-2), read (+1), booked (0): (-2 + 0) / 2
    assert (booked.step, booked.peak, booked.score) == ("booked", "get-tested", (-2 + 0) / 2)
    assert a.peak_end_score == -1.0  # the lowest of the two


def test_the_usual_end_is_the_branch_without_when(write):
    a, _ = analysed(write, RESULTS)
    assert (a.usual_end, a.usual_end_reason) == ("read", "plain")
    assert [e.usual for e in a.end_moments] == [True, False]


def test_end_true_names_the_usual_end(write):
    text = RESULTS.replace(
        "evidence: [SMS], emotion: 0}", "evidence: [SMS], emotion: 0, end: true}"
    )
    a, _ = analysed(write, text)
    assert a.ends == ["read", "booked"]
    assert (a.usual_end, a.usual_end_reason) == ("booked", "declared")


def test_end_true_makes_a_step_that_goes_on_an_end(write):
    # the customer usually leaves after paying; the survey is not a when: branch, but rare
    a, _ = analysed(
        write,
        RESULTS.replace(
            "next: [{to: book, when: follow-up needed}]", "end: true\n    next: [book]"
        ),
    )
    assert a.ends == ["read", "booked"] and a.usual_end == "read"


def test_two_when_branches_are_alternatives_not_an_end(write):
    # read goes on in every case, one way or the other: not an end; the first listed is usual
    text = (
        RESULTS.replace(
            "next: [{to: book, when: follow-up needed}]",
            "next: [{to: book, when: follow-up needed}, {to: bye, when: all fine}]",
        )
        + "  - {id: bye, lane: customer, text: File the report, evidence: [Folder], emotion: 1}\n"
    )
    a, _ = analysed(write, text)
    assert a.ends == ["booked", "bye"]
    assert (a.usual_end, a.usual_end_reason) == ("booked", "first-branch")


def test_a_conditional_loop_beside_the_flow_is_the_other_alternative(write):
    # another round or the bill: the customer never just stops at 'enjoy'
    a, _ = analysed(
        write,
        """
blueprint: 1
id: t
title: T
rules: {empty-lane: off}
steps:
  - {id: order, lane: customer, text: Order, evidence: [Menu], next: [mix]}
  - {id: mix, lane: frontstage, text: Mix, next: [enjoy]}
  - id: enjoy
    lane: customer
    text: Enjoy
    evidence: [Glass]
    next:
      - {to: bill, when: ready to go}
      - {to: mix, kind: rework, when: another round}
  - {id: bill, lane: frontstage, text: Bring the bill, next: [leave]}
  - {id: leave, lane: customer, text: Leave, evidence: [Receipt]}
""",
    )
    assert a.ends == ["leave"]


def test_the_report_and_the_json_name_the_usual_end(write, run):
    path = write(RESULTS)
    out = run("analyze", path).output
    assert (
        "  usual end: read (the way without a when: condition); each end has its own score"
        in out.splitlines()
    )
    data = json.loads(run("analyze", "--format", "json", path).output)
    assert data["moments"]["usual_end"] == "read"
    assert data["moments"]["usual_end_reason"] == "plain"
    assert [(e["step"], e["usual"]) for e in data["moments"]["ends"]] == [
        ("read", True),
        ("booked", False),
    ]


def test_end_true_on_a_staff_step_is_in_the_wrong_lane(write):
    res = lint.check_file(
        write(RESULTS.replace("text: Book a follow-up,", "text: Book a follow-up, end: true,")),
        Config(),
    )
    (p,) = [p for p in res.problems if p.rule == "field-wrong-lane"]
    assert "'end'" in p.message and p.severity == "warning"
    # the file starts at 'blueprint: 1' (line 1): book is on line 14, and its 'end' key comes
    # after "  - {" (5), "id: book, " (10), "lane: frontstage, " (18), "text: Book a follow-up, " (24)
    assert (p.line, p.col) == (14, 5 + 10 + 18 + 24 + 1)
