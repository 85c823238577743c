"""The analysis, on small blueprints whose answers were worked out by hand."""

from __future__ import annotations

import pytest

from blueprint import lint
from blueprint.analysis import HEURISTICS, Analysis, FailFinding, WaitFinding, analyze
from blueprint.config import Config
from blueprint.graph import Structure
from blueprint.i18n import said_in
from conftest import hub


def analysed(write, text: str) -> Analysis:
    res = lint.check_file(write(text), Config())
    assert res.loaded and not [p for p in res.problems if p.severity == "error"], "\n".join(
        p.format() for p in res.problems
    )
    return analyze(res.blueprint, res.structure)


HEAD = """
blueprint: 1
id: t
title: T
"""

# --- inferred waits ------------------------------------------------------------------

KITCHEN = (
    HEAD
    + """
steps:
  - {id: order, lane: customer, text: Order, evidence: [Menu], next: [take]}
  - {id: take, lane: frontstage, text: Take the order, duration: 1m, next: [ticket]}
  - {id: ticket, lane: support, text: Print the ticket, duration: 10s, next: [prep-a, prep-b]}
  - {id: prep-a, lane: backstage, text: Cut meat, duration: 5m, next: [cook]}
  - {id: prep-b, lane: backstage, text: Wash greens, duration: 3m, next: [cook]}
  - {id: cook, lane: backstage, text: Cook, duration: 8m, next: [serve]}
  - {id: serve, lane: frontstage, text: Serve, duration: 2m, next: [eat]}
  - {id: eat, lane: customer, text: Eat, evidence: [Bowl]}
"""
)


def test_inferred_wait_is_the_longest_path_through_the_invisible_work(write):
    a = analysed(write, KITCHEN)
    (w,) = a.wait_points
    assert (w.step, w.declared, w.after) == ("eat", False, "order")
    # ticket 10s + prep-a 5m + cook 8m (prep-b's 3m runs beside prep-a)
    assert w.path == ("ticket", "prep-a", "cook")
    assert w.expected == w.estimate == 10 + 300 + 480
    assert w.missing_durations == () and w.at_least is None
    assert w.tolerable is None and not w.over_tolerance
    assert w.kinds == ("unoccupied", "unexplained")
    assert len(w.remedies) == 2 and "unoccupied" in said_in(w.remedies[0])
    assert a.wait_at("eat") is w
    assert a.markers("eat") >= {"wait-inferred", "end"}
    # the customer is served 1m + 2m, waits 13m 10s
    c = a.timing.customer
    assert c.route == ("order", "eat")
    assert (c.actions, c.service, c.waits, c.total) == (0, 180, 790, 970)
    assert c.untimed == ("order", "eat") and c.complete
    # the critical path: take 1m + ticket 10s + prep-a 5m + cook 8m + serve 2m
    assert a.timing.critical_path == ("order", "take", "ticket", "prep-a", "cook", "serve", "eat")
    assert a.timing.critical_seconds == 60 + 10 + 300 + 480 + 120


def test_a_missing_duration_makes_the_wait_unknown_not_guessed(write):
    a = analysed(write, KITCHEN.replace("text: Wash greens, duration: 3m,", "text: Wash greens,"))
    (w,) = a.wait_points
    assert w.expected is None and w.estimate is None
    assert w.missing_durations == ("prep-b",)
    assert w.at_least == 790  # what the known durations already add up to
    assert "unexplained" in w.kinds
    assert not a.timing.customer.complete and a.timing.customer.missing == ("prep-b",)


def test_a_declared_wait_is_not_counted_twice(write):
    text = KITCHEN.replace(
        "{id: eat, lane: customer, text: Eat,",
        "{id: eat, lane: customer, text: Eat, wait: {expected: 15m, tolerable: 10m, fill: Tea},",
    )
    a = analysed(write, text)
    (w,) = a.wait_points
    assert (w.step, w.declared, w.expected, w.tolerable) == ("eat", True, 900, 600)
    assert w.estimate == 790  # the invisible work behind it, for comparison
    assert w.over_tolerance
    assert w.kinds == ("unexplained",)  # filled (tea) but not explained
    assert any("Shorten" in said_in(r) for r in w.remedies)
    assert a.markers("eat") >= {"wait"} and "wait-inferred" not in a.markers("eat")
    # customer time: the declared 15m replaces the 13m 10s estimate
    assert a.timing.customer.waits == 900


def test_a_declared_wait_without_expected_uses_the_estimate(write):
    text = KITCHEN.replace(
        "{id: eat, lane: customer, text: Eat,",
        "{id: eat, lane: customer, text: Eat, wait: {tolerable: 10m, fill: Tea, explain: Kitchen is busy},",
    )
    a = analysed(write, text)
    (w,) = a.wait_points
    assert w.declared and w.expected == 790 and w.after == "order"
    assert w.path == ("ticket", "prep-a", "cook") and w.over_tolerance


PARALLEL = (
    HEAD
    + """
steps:
  - {id: order, lane: customer, text: Order, evidence: [Menu], next: [take]}
  - {id: take, lane: frontstage, text: Take the order, duration: 1m, next: [cook, show-table]}
  - {id: cook, lane: backstage, text: Cook, duration: 10m, next: [serve]}
  - {id: show-table, lane: frontstage, text: Show the table, duration: 1m, next: [sit]}
  - {id: sit, lane: customer, text: Sit down, evidence: [Table], duration: 2m, next: [pour]}
  - {id: pour, lane: frontstage, text: Pour tea, duration: 1m, next: [serve]}
  - {id: serve, lane: frontstage, text: Serve, duration: 1m, next: [eat]}
  - {id: eat, lane: customer, text: Eat, evidence: [Bowl]}
"""
)


def test_work_in_parallel_with_the_customer_is_not_a_wait(write):
    # the kitchen cooks while the customer is shown to the table and sits down: that part
    # of the cooking is not a wait; the wait is measured from the last customer action
    # before eating (sit), and only the cooking still left then counts
    a = analysed(write, PARALLEL)
    assert [(s.after, s.step) for s in a.segments] == [("order", "sit"), ("sit", "eat")]
    (w,) = a.wait_points
    assert (w.after, w.step, w.path) == ("sit", "eat", ("cook",))
    # clock from the end of order: take 0-1m, cook 1m-11m; show-table 1m-2m, sit 2m-4m;
    # the cooking left after sit: 11m - 4m = 7m, then serve 11m-12m (service, not waiting)
    assert w.expected == w.estimate == (11 - 4) * 60
    c = a.timing.customer
    assert c.route == ("order", "sit", "eat")
    # actions: sit 2m; service: take 1m + show-table 1m + serve 1m; waits: 7m
    assert (c.actions, c.service, c.waits) == (2 * 60, 3 * 60, 7 * 60)
    assert c.total == 12 * 60  # eat starts when serve ends, at 12m


def test_parallel_work_done_before_the_customer_needs_it_is_no_wait(write):
    # the dish is cooked in 2m, while the customer takes 1m + 2m + 1m to reach the tea
    a = analysed(write, PARALLEL.replace("Cook, duration: 10m", "Cook, duration: 2m"))
    assert a.wait_points == []
    c = a.timing.customer
    assert c.route == ("order", "sit", "eat")
    # take 1m, show-table 1m, sit 2m, pour 1m, serve 1m: the customer's own way is the longer
    assert (c.actions, c.service, c.waits, c.total) == (120, 4 * 60, 0, 6 * 60)


def test_alternative_branches_are_not_parallel_work(write):
    a = analysed(
        write,
        HEAD
        + """
steps:
  - {id: enter, lane: customer, text: Walk in, evidence: [Door], next: [greet]}
  - {id: greet, lane: frontstage, text: Greet, next: [look-up]}
  - id: look-up
    lane: support
    text: Look up free tables
    duration: 20s
    next:
      - {to: seat, when: table free}
      - {to: ticket, when: no table}
  - {id: ticket, lane: frontstage, text: Hand out a number, next: [queue]}
  - {id: queue, lane: customer, text: Queue, evidence: [Number], next: [call]}
  - {id: call, lane: frontstage, text: Call the number, next: [seat]}
  - {id: seat, lane: frontstage, text: Seat the party, next: [sit]}
  - {id: sit, lane: customer, text: Sit down, evidence: [Table]}
""",
    )
    assert [(w.after, w.step, w.expected) for w in a.wait_points] == [
        ("enter", "queue", 20),
        ("enter", "sit", 20),
    ]


# --- ends, peak and end -----------------------------------------------------------------

BRANCHES = (
    HEAD
    + """
steps:
  - {id: enter, lane: customer, text: Walk in, evidence: [Door], emotion: 1, next: [check]}
  - id: check
    lane: frontstage
    text: Check for a table
    next:
      - {to: seat, when: table free}
      - {to: sorry, when: full}
  - {id: seat, lane: frontstage, text: Seat the party, next: [sit]}
  - {id: sit, lane: customer, text: Sit and eat, evidence: [Table], emotion: 2, next: [bill]}
  - {id: bill, lane: frontstage, text: Bring the bill, next: [leave]}
  - {id: leave, lane: customer, text: Pay and leave, evidence: [Bill], emotion: 1}
  - {id: sorry, lane: frontstage, text: Say sorry, next: [go-away]}
  - {id: go-away, lane: customer, text: Walk away hungry, evidence: [Door], emotion: -2}
"""
)


def test_a_branching_journey_has_two_ends_each_with_its_own_peak(write):
    a = analysed(write, BRANCHES)
    assert a.ends == ["leave", "go-away"]
    leave, away = a.end_moments
    # served: peak sit +2, end +1
    assert (leave.step, leave.peak, leave.peak_emotion, leave.score) == ("leave", "sit", 2, 1.5)
    assert not leave.negative and not leave.worst
    # turned away: the end is also the peak (-2 is as intense as +2 and worse)
    assert (away.step, away.peak, away.score) == ("go-away", "go-away", -2.0)
    assert away.negative and away.worst
    # the blueprint's score is the lowest of its ends
    assert a.peak_end_score == -2.0
    assert a.mean_emotion == (1 + 2 + 1 - 2) / 4
    assert (a.best, a.worst, a.peak) == ("sit", "go-away", "go-away")
    assert a.peaks == ["go-away", "sit"]
    assert a.markers("go-away") >= {"end", "worst", "peak"}
    assert a.markers("sit") >= {"best", "peak"}


def test_the_branch_that_never_comes_back_is_a_fail_point_candidate(write):
    a = analysed(write, BRANCHES)
    f = a.fail_at("sorry")
    assert f is not None and not f.declared and "branch-without-recovery" in f.heuristics
    assert "'full'" in said_in(f.reasons[f.heuristics.index("branch-without-recovery")])
    assert "branch-without-recovery" not in (
        a.fail_at("seat").heuristics if a.fail_at("seat") else ()
    )
    # a recovery flow back into the journey removes it
    back = BRANCHES.replace(
        "{id: sorry, lane: frontstage, text: Say sorry, next: [go-away]}",
        "{id: sorry, lane: frontstage, text: Say sorry, next: [go-away, {to: check, kind: recovery}]}",
    )
    b = analysed(write, back)
    assert (
        b.fail_at("sorry") is None or "branch-without-recovery" not in b.fail_at("sorry").heuristics
    )


@pytest.mark.parametrize(
    "emotions, peak, end, score, mean, worst",
    [
        ((1, -2, 1, 0), "b", 0, -1.0, 0.0, False),  # the low moment is the peak; the end is neutral
        ((2, 1, 0, -1), "a", -1, 0.5, 0.5, True),  # ends on the worst moment
        ((0, 1, 2, 2), "c", 2, 2.0, 1.25, False),  # ties: the earlier moment is the peak
        (
            (-1, -1, -1, -1),
            "a",
            -1,
            -1.0,
            -1.0,
            False,
        ),  # a flat journey: the end is not "the worst"
    ],
)
def test_peak_end_score_of_a_known_sequence(write, emotions, peak, end, score, mean, worst):
    ids = "abcd"
    lines = []
    for i, (n, e) in enumerate(zip(ids, emotions)):
        nxt = f", next: [s{n}]" if i < 3 else ""
        lines.append(
            f"  - {{id: {n}, lane: customer, text: {n}, evidence: [x], emotion: {e}{nxt}}}"
        )
        if i < 3:
            lines.append(f"  - {{id: s{n}, lane: frontstage, text: s{n}, next: [{ids[i + 1]}]}}")
    a = analysed(write, HEAD + "steps:\n" + "\n".join(lines) + "\n")
    (e,) = a.end_moments
    assert (a.peak, e.step, e.emotion, e.score, a.peak_end_score) == (peak, "d", end, score, score)
    assert a.mean_emotion == mean
    assert e.worst is worst
    assert e.negative is (end < 0)


# --- timing -----------------------------------------------------------------------------

OVER = (
    HEAD
    + """
tolerance: 5m
phases: [{id: in, name: In}, {id: out, name: Out}]
steps:
  - {id: sit, lane: customer, phase: in, text: Sit down, evidence: [Chair], duration: 1m, next: [brush]}
  - {id: brush, lane: frontstage, phase: in, text: Brush, duration: 3m, standard: {text: Quick, within: 2m}, next: [fetch]}
  - {id: fetch, lane: backstage, phase: in, text: Fetch polish, duration: 2m, next: [hand-back]}
  - {id: hand-back, lane: frontstage, phase: out, text: Hand the shoes back, duration: 1m, next: [leave]}
  - {id: leave, lane: customer, phase: out, text: Leave, evidence: [Shoes], duration: 30s}
  - {id: restock, lane: support, phase: in, text: Restock, duration: 1h, next: [fetch]}
"""
)


def test_a_blueprint_over_its_tolerance(write):
    a = analysed(write, OVER)
    t = a.timing
    c = t.customer
    # actions 1m + 30s, service 3m + 1m, waiting for fetch 2m
    assert (c.actions, c.service, c.waits, c.total) == (90, 240, 120, 450)
    assert t.tolerance == 300 and t.margin == -150 and t.over_tolerance
    # restock is not reached from the customer's first action: preparation, off the clock
    assert t.critical_path == ("sit", "brush", "fetch", "hand-back", "leave")
    assert t.critical_seconds == 450
    assert t.preparation == ("restock",) and t.preparation_seconds == 3600
    assert [(p.phase, p.work, p.critical, p.actions, p.service, p.waits) for p in t.phases] == [
        ("in", 60 + 180 + 120 + 3600, 360, 60, 180, 120),
        ("out", 90, 90, 30, 60, 0),
    ]
    (s,) = t.standards
    assert (s.step, s.status, s.over) == ("brush", "exceeded", 60)


def test_over_tolerance_and_standard_are_check_warnings(write):
    res = lint.check_file(write(OVER), Config())
    got = {(p.rule, p.line, p.col) for p in res.problems}
    assert ("over-tolerance", 5, 12) in got
    brush = next(ln for ln in OVER.lstrip("\n").splitlines() if "id: brush" in ln)
    assert ("duration-exceeds-standard", 9, brush.index("3m") + 1) in got
    line = next(p for p in res.problems if p.rule == "over-tolerance").format()
    assert "(7m 30s) is over the tolerance of 5m by 2m 30s" in line


def test_without_durations_or_emotions_nothing_crashes_and_missing_is_said(write):
    a = analysed(
        write,
        HEAD
        + """
tolerance: 1h
steps:
  - {id: order, lane: customer, text: Order, evidence: [Menu], next: [take]}
  - {id: take, lane: frontstage, text: Take the order, next: [cook]}
  - {id: cook, lane: backstage, text: Cook, next: [serve]}
  - {id: serve, lane: frontstage, text: Serve, next: [eat]}
  - {id: eat, lane: customer, text: Eat, evidence: [Bowl]}
""",
    )
    assert a.emotions_missing and a.peak is None and a.peaks == [] and a.best is None
    assert a.peak_end_score is None and a.mean_emotion is None
    assert a.ends == ["eat"] and a.end_moments[0].score is None
    assert a.no_emotion == ["order", "eat"]
    (w,) = a.wait_points
    assert w.expected is None and w.missing_durations == ("cook",) and w.at_least == 0
    t = a.timing
    assert t.critical_seconds == 0 and t.critical_missing == ("take", "cook", "serve")
    assert not t.customer.complete and t.margin == 3600 and not t.over_tolerance
    from blueprint.report.analysis_text import report

    text = report(a)
    assert "Emotions are missing" in text
    assert "no duration on: cook; the wait is unknown" in text
    a.to_dict()  # the JSON form too


# --- fail points -------------------------------------------------------------------------


def test_declared_and_inferred_fail_points_merge_per_step(write):
    a = analysed(
        write,
        HEAD
        + """
steps:
  - {id: order, lane: customer, text: Order, evidence: [Menu], next: [take]}
  - id: take
    lane: frontstage
    text: Take the order
    standard: Repeat it back
    fail: {risk: Allergy not noted, recovery: Cook again}
    next: [cook]
  - {id: cook, lane: backstage, text: Cook, next: [stock, serve]}
  - {id: stock, lane: support, text: Order stock}
  - {id: serve, lane: frontstage, text: Serve, standard: Name the dish, next: [eat]}
  - {id: eat, lane: customer, text: Eat, evidence: [Bowl]}
""",
    )
    by = {f.step: f for f in a.fail_points}
    assert list(by) == ["take", "cook", "stock", "serve"]
    assert (
        by["take"].declared
        and by["take"].heuristics == ()
        and by["take"].fail.risk == "Allergy not noted"
    )
    assert by["cook"].heuristics == ("handoff-visibility",)
    assert by["stock"].heuristics == ("handoff-internal",)
    assert by["serve"].heuristics == ("handoff-visibility",)
    assert all(len(f.reasons) == len(f.heuristics) == len(f.anchors) for f in a.fail_points)
    assert a.markers("take") >= {"fail"} and a.markers("cook") >= {"fail-inferred"}
    assert isinstance(by["cook"], FailFinding)


def test_a_parallel_join_is_inferred_but_branches_meeting_again_are_not(write):
    a = analysed(
        write,
        HEAD
        + """
steps:
  - {id: queue, lane: customer, text: Queue, evidence: [Number], next: [check]}
  - id: check
    lane: frontstage
    text: Check the list
    standard: s
    next:
      - {to: vip, when: member}
      - {to: normal, when: guest}
  - {id: vip, lane: frontstage, text: Greet by name, standard: s, next: [call]}
  - {id: normal, lane: frontstage, text: Greet, standard: s, next: [call]}
  - {id: clear, lane: backstage, text: Clear the table, next: [call]}
  - {id: call, lane: frontstage, text: Call the party, standard: s, next: [sit]}
  - {id: sit, lane: customer, text: Sit, evidence: [Table]}
""",
    )
    # call needs the table cleared (parallel work) as well as the party: a synchronisation
    assert "parallel-join" in a.fail_at("call").heuristics
    assert a.fail_at("vip") is None and a.fail_at("normal") is None


def test_alternatives_meeting_again_are_not_a_parallel_join(write):
    a = analysed(
        write,
        HEAD
        + """
steps:
  - {id: queue, lane: customer, text: Queue, evidence: [Number], next: [check]}
  - id: check
    lane: frontstage
    text: Check the list
    standard: s
    next:
      - {to: vip, when: member}
      - {to: normal, when: guest}
  - {id: vip, lane: frontstage, text: Greet by name, standard: s, next: [call]}
  - {id: normal, lane: frontstage, text: Greet, standard: s, next: [call]}
  - {id: call, lane: frontstage, text: Call the party, standard: s, next: [sit]}
  - {id: sit, lane: customer, text: Sit, evidence: [Table]}
""",
    )
    assert a.fail_points == []


SILENCE = (
    HEAD
    + """
{rules}steps:
  - {{id: order, lane: customer, text: Order, evidence: [Menu], next: [take]}}
  - {{id: take, lane: frontstage, text: Take the order, next: [cook]}}
  - {{id: cook, lane: backstage, text: Cook, next: [serve]{ignore}}}
  - {{id: serve, lane: frontstage, text: Serve, next: [eat]}}
  - {{id: eat, lane: customer, text: Eat, evidence: [Bowl]}}
"""
)


def test_a_heuristic_is_silenced_for_a_step_or_the_whole_blueprint(write):
    a = analysed(write, SILENCE.format(rules="", ignore=""))
    assert [(f.step, f.heuristics) for f in a.fail_points] == [
        ("take", ("contact-without-standard",)),
        ("cook", ("handoff-visibility",)),
        ("serve", ("handoff-visibility", "contact-without-standard")),
    ]
    a = analysed(write, SILENCE.format(rules="", ignore=", ignore: [handoff-visibility]"))
    assert a.fail_at("cook") is None and "handoff-visibility" in a.fail_at("serve").heuristics
    a = analysed(
        write,
        SILENCE.format(
            rules="rules: {handoff-visibility: off, contact-without-standard: off}\n", ignore=""
        ),
    )
    assert a.fail_points == []
    assert a.heuristics_off == ("handoff-visibility", "contact-without-standard")
    # the same, from the project configuration
    res = lint.check_file(write(SILENCE.format(rules="", ignore="")), Config())
    b = analyze(res.blueprint, res.structure, off=["contact-without-standard"])
    assert [f.step for f in b.fail_points] == ["cook", "serve"]


def test_heuristic_rules_are_off_in_check_unless_turned_on(write):
    quiet = lint.check_file(write(SILENCE.format(rules="", ignore="")), Config())
    assert not [p for p in quiet.problems if p.rule in HEURISTICS]
    loud = lint.check_file(
        write(SILENCE.format(rules="rules: {handoff-visibility: warning}\n", ignore="")), Config()
    )
    got = [(p.rule, p.line, p.severity) for p in loud.problems if p.rule in HEURISTICS]
    # at the flows that hand over: take -> cook (line 8), cook -> serve (line 9)
    assert got == [("handoff-visibility", 8, "warning"), ("handoff-visibility", 9, "warning")]
    ignored = lint.check_file(
        write(
            SILENCE.format(
                rules="rules: {handoff-visibility: warning}\n",
                ignore=", ignore: [handoff-visibility]",
            )
        ),
        Config(),
    )
    assert [p.line for p in ignored.problems if p.rule == "handoff-visibility"] == [9]


def test_every_heuristic_is_a_known_rule():
    from blueprint.rules import all_rules

    rules = all_rules()
    for h in HEURISTICS:
        assert h in rules and rules[h].severity == "off" and "Fails::" in rules[h].doc


# --- shape and robustness ---------------------------------------------------------------


def test_shape_counts(write):
    a = analysed(write, BRANCHES)
    sh = a.shape
    assert sh.steps == 8 and sh.customer_actions == 4
    assert sh.lanes == {"customer": 4, "frontstage": 4, "backstage": 0, "support": 0}
    assert sh.crossings == {"interaction": 5, "visibility": 0, "internal": 0}
    assert sh.branching == ("check",) and sh.divergence == 1 and sh.joins == ()
    assert (
        sh.longest_path == ("enter", "check", "seat", "sit", "bill", "leave") and sh.complexity == 6
    )
    assert (sh.flows, sh.loops) == (7, 0)


def test_an_undeclared_cycle_does_not_hang_the_analysis(write):
    path = write(
        HEAD
        + """
steps:
  - {id: a, lane: customer, text: A, evidence: [x], next: [b]}
  - {id: b, lane: frontstage, text: B, duration: 1m, next: [c]}
  - {id: c, lane: backstage, text: C, duration: 1m, next: [b, d]}
  - {id: d, lane: frontstage, text: D, next: [e]}
  - {id: e, lane: customer, text: E, evidence: [x], next: [a]}
"""
    )
    bp, problems = lint.load_blueprint(path)
    a = analyze(bp, Structure(bp))
    assert a.timing.critical_seconds == 120
    a.to_dict()


def test_the_contract_fields_are_kept():
    import dataclasses

    wf = {f.name for f in dataclasses.fields(WaitFinding)}
    assert {
        "step",
        "declared",
        "after",
        "expected",
        "tolerable",
        "path",
        "missing_durations",
        "over_tolerance",
        "kinds",
        "remedies",
    } <= wf
    ff = {f.name for f in dataclasses.fields(FailFinding)}
    assert {"step", "declared", "fail", "heuristics", "reasons"} <= ff
    af = {f.name for f in dataclasses.fields(Analysis)}
    assert {
        "bp",
        "structure",
        "fail_points",
        "wait_points",
        "ends",
        "best",
        "worst",
        "peaks",
        "peak_end_score",
        "mean_emotion",
        "emotions_missing",
    } <= af
    for name in ("markers", "wait_at", "fail_at"):
        assert callable(getattr(Analysis, name))


def test_markers_follow_lists_changed_after_a_first_call(write):
    a = analysed(write, KITCHEN)
    assert "fail" not in a.markers("cook")
    a.fail_points = [FailFinding("cook", True, None)]
    assert "fail" in a.markers("cook")
    a.wait_points.append(WaitFinding("order", True))
    assert "wait" in a.markers("order")


def test_shoeshine_example():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "blueprints" / "shoeshine.yaml"
    res = lint.check_file(str(path), Config())
    a = analyze(res.blueprint, res.structure)
    f = a.fail_at("polish")
    assert f.declared and f.fail.risk == "Polish of the wrong colour"
    t = a.timing
    assert t.critical_seconds == 120 and t.critical_path[1:5] == (
        "brush",
        "polish",
        "buff",
        "admire",
    )
    assert (t.tolerance, t.customer.total, t.margin) == (300, 120, 180)
    assert set(t.preparation) == {"buy-supplies", "stock-kit"}
    assert a.peak == "admire" and a.ends == ["pay"] and a.peak_end_score == 1.5


def test_the_expected_branch_is_not_a_candidate_even_when_a_fix_is_listed_first(write):
    # the fix loops back before the split, so 'all fine' is the expected path;
    # the record kept in any case (no when:) is not a branch
    a = analysed(
        write,
        HEAD
        + """
steps:
  - {id: hand-over, lane: customer, text: Hand over the parcel, evidence: [Parcel], next: [check]}
  - id: check
    lane: frontstage
    text: Check the parcel
    standard: s
    next:
      - {to: fix, when: damaged}
      - {to: log, lane: support}
      - {to: sign, when: all fine}
  - {id: fix, lane: frontstage, text: Repack it, standard: s, next: [{to: check, kind: recovery}]}
  - {id: log, lane: support, text: Log the parcel}
  - {id: sign, lane: frontstage, text: Ask for a signature, standard: s, next: [leave]}
  - {id: leave, lane: customer, text: Leave, evidence: [Receipt]}
""".replace("{to: log, lane: support}", "log"),
    )
    assert all("branch-without-recovery" not in f.heuristics for f in a.fail_points), a.fail_points


def test_entangled_staff_work_skips_inferred_waits_instead_of_growing_quadratically(tmp_path):
    """Many customer actions feeding one long chain of staff work: the work of
    inferring waits would grow with the square of the size, so it is skipped
    with a reason, and declared findings are still reported."""
    from blueprint import lint

    path = tmp_path / "hub.yaml"
    path.write_text(hub(400))
    a = lint.check_file(str(path)).context.analysis
    assert "inferred waits skipped" in said_in(a.waits_skipped)
    assert [w.step for w in a.wait_points] == ["done"] and a.wait_points[0].declared
    assert a.to_dict()["waits_skipped"] == said_in(a.waits_skipped)


def test_when_waits_are_skipped_the_customer_time_is_unknown_not_short(tmp_path):
    from blueprint import lint
    from blueprint.report.analysis_text import report

    path = tmp_path / "hub.yaml"
    path.write_text(hub(400, tolerance="30m", declared_wait=False))
    a = lint.check_file(str(path)).context.analysis
    assert a.timing.customer.skipped and not a.timing.customer.complete
    assert a.timing.margin is None and not a.timing.over_tolerance
    assert a.to_dict()["timing"]["customer"]["complete"] is False
    text = report(a)
    assert "inferred waits were skipped" in text and "margin unknown" in text


def test_a_journey_that_loops_back_to_its_start_still_has_an_end(tmp_path):
    from blueprint import lint

    path = tmp_path / "loop.yaml"
    path.write_text(
        "blueprint: 1\nid: loop\ntitle: Loop\nrules: {empty-lane: off}\nsteps:\n"
        "  - {id: a, lane: customer, text: a, evidence: [x], emotion: 1, next: [f]}\n"
        "  - {id: f, lane: frontstage, text: f, next: [c]}\n"
        "  - {id: c, lane: customer, text: c, evidence: [x], emotion: -1, next: [{to: a, kind: recovery}]}\n"
    )
    res = lint.check_file(str(path))
    assert res.context.analysis.ends == ["c"]
    assert {p.rule for p in res.problems} >= {"negative-end", "end-is-worst"}


def test_work_in_parallel_overlaps_in_the_customers_time(tmp_path):
    """Drinks are poured (front stage, 10m) while the dish is cooked (back
    stage, 10m): the customer spends 10 minutes between ordering and eating,
    not 20, and is not over a 15-minute tolerance."""
    from blueprint import lint

    path = tmp_path / "par.yaml"
    path.write_text(
        "blueprint: 1\nid: par\ntitle: Par\ntolerance: 15m\nrules: {empty-lane: off}\nsteps:\n"
        "  - {id: order, lane: customer, text: Order, evidence: [m], duration: 1m, next: [take]}\n"
        "  - {id: take, lane: frontstage, text: Take, duration: 1m, next: [pour, cook]}\n"
        "  - {id: pour, lane: frontstage, text: Pour drinks, duration: 10m, next: [serve]}\n"
        "  - {id: cook, lane: backstage, text: Cook, duration: 10m, next: [serve]}\n"
        "  - {id: serve, lane: frontstage, text: Serve, next: [eat]}\n"
        "  - {id: eat, lane: customer, text: Eat, evidence: [bowl]}\n"
    )
    res = lint.check_file(str(path))
    c = res.context.analysis.timing.customer
    assert c.route == ("order", "eat")
    assert c.total == 12 * 60  # order 1m + take 1m + 10m of work in parallel
    assert c.service + c.waits == 11 * 60
    assert "over-tolerance" not in {p.rule for p in res.problems}


def test_work_that_runs_on_while_the_customer_does_something_else_still_counts(tmp_path):
    """The customer checks the bill (10m) while the refund is investigated (1d)
    and paid (2d): the journey takes 3 days 35 minutes, over a 1-day tolerance,
    although the wait is not one the customer sits through at one step."""
    from blueprint import lint

    path = tmp_path / "fork.yaml"
    path.write_text(
        "blueprint: 1\nid: fork\ntitle: Refund\ntolerance: 1d\nsteps:\n"
        "  - {id: complain, lane: customer, text: Complain, evidence: [Hotline], next: [visit]}\n"
        "  - {id: visit, lane: frontstage, text: Visit, duration: 30m, next: [check, investigate]}\n"
        "  - {id: check, lane: customer, text: Check the bill, evidence: [Bill], duration: 10m, next: [notify]}\n"
        "  - {id: investigate, lane: backstage, text: Investigate, duration: 1d, next: [refund]}\n"
        "  - {id: refund, lane: support, text: Refund, duration: 2d, next: [notify]}\n"
        "  - {id: notify, lane: frontstage, text: Phone, duration: 5m, next: [receive]}\n"
        "  - {id: receive, lane: customer, text: Receive the refund, evidence: [SMS]}\n"
    )
    res = lint.check_file(str(path))
    t = res.context.analysis.timing
    assert t.customer.total == 3 * 86400 + 35 * 60
    assert t.over_tolerance and "over-tolerance" in {p.rule for p in res.problems}
