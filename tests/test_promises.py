"""Promised times (issue 14, point 3): promises timed from their trigger, in working
days, windows around a promised time and follow-ups, each worked out by hand."""

from __future__ import annotations

import json

import pytest

from blueprint import lint
from blueprint.analysis import analyze, promises
from blueprint.analysis.flow import FlowDag
from blueprint.analysis.promises import DAY, deadline, format_start, parse_start, worst_start
from blueprint.config import Config
from blueprint.model import Calendar
from blueprint.render.layout import badges_for

H, M = 3600, 60


def checked(write, text: str):
    res = lint.check_file(write(text), Config())
    return res


def analysed(write, text: str):
    res = checked(write, text)
    assert res.loaded and not [p for p in res.problems if p.severity == "error"], "\n".join(
        p.format() for p in res.problems
    )
    return res, analyze(res.blueprint, res.structure)


def promise(a, step: str):
    (c,) = [c for c in a.timing.standards if c.step == step]
    return c


def complaint(
    resolve: str = "3d", std: str = "within: 72h, from: complain", refund: str = ""
) -> str:
    """complain → log (10m) → resolve (the promise) → tell (5m) → hear.

    Lines (the leading newline is stripped): resolve's duration is line 10, its standard 11."""
    return f"""
blueprint: 1
id: t
title: T
steps:
  - {{id: complain, lane: customer, text: Complain, evidence: [Hotline card], next: [log]}}
  - {{id: log, lane: frontstage, text: Log it, duration: 10m, next: [resolve]}}
  - id: resolve
    lane: backstage
    text: Resolve it
    {"duration: " + resolve if resolve else ""}
    standard: {{text: Resolved in time, {std}}}
    next: [tell]
  - {{id: tell, lane: frontstage, text: Tell the customer, duration: 5m, next: [hear]}}
  - {{id: hear, lane: customer, text: Hear it, evidence: [Letter]}}
"""


# --- within, from a trigger -------------------------------------------------------------


def test_a_promise_is_timed_from_the_end_of_its_trigger_to_the_end_of_its_step(write):
    res, a = analysed(write, complaint("3d"))
    c = promise(a, "resolve")
    # log 10m + resolve 3d = 3d 10m after the complaint; 72h = 3d: 10m late
    assert c.kind == "within" and c.trigger == "complain"
    assert c.elapsed == 3 * DAY + 10 * M
    assert c.status == "exceeded" and c.over == 10 * M
    (p,) = [p for p in res.problems if p.rule == "promise-exceeded"]
    assert (p.line, p.severity) == (11, "warning")  # the standard: line 11 of complaint()
    assert "10m late" in p.message and "3d 10m after 'complain'" in p.message
    # a promise is not the step's own duration: 3d alone would be no 'duration-exceeds-standard'
    assert not [p for p in res.problems if p.rule == "duration-exceeds-standard"]


def test_a_kept_promise_is_met(write):
    res, a = analysed(write, complaint("2d"))
    c = promise(a, "resolve")
    assert c.elapsed == 2 * DAY + 10 * M and c.status == "met" and c.over is None  # 2d 10m ≤ 3d
    assert not [p for p in res.problems if p.rule.startswith("promise-")]


def test_the_longest_path_counts_and_declared_waits_are_on_it(write):
    text = """
blueprint: 1
id: t
title: T
steps:
  - {id: ask, lane: customer, text: Ask, evidence: [Form], next: [quick, queue]}
  - {id: quick, lane: frontstage, text: Quick answer, duration: 1h, next: [answer]}
  - id: queue
    lane: customer
    text: Queue for the specialist
    evidence: [Ticket]
    wait: {expected: 3h, tolerable: 4h, fill: Tea, explain: Screen}
    next: [answer]
  - id: answer
    lane: frontstage
    text: Answer
    duration: 30m
    standard: {text: Answered within 3 hours, within: 3h, from: ask}
    next: [leave]
  - {id: leave, lane: customer, text: Leave, evidence: [Door]}
"""
    _, a = analysed(write, text)
    c = promise(a, "answer")
    # two ways from ask: quick 1h, or the declared wait of 3h; the longer, then answer 30m
    assert c.elapsed == 3 * H + 30 * M
    assert c.status == "exceeded" and c.over == 30 * M


# --- unknown ---------------------------------------------------------------------------


def test_a_missing_duration_makes_the_promise_unknown_and_names_the_step(write):
    res, a = analysed(write, complaint(resolve=""))
    c = promise(a, "resolve")
    assert c.status == "unknown" and c.missing == ("resolve",)
    assert c.at_least == 10 * M  # only log's 10m is known
    (p,) = [p for p in res.problems if p.rule == "promise-unknown"]
    assert p.severity == "info" and "no duration on 'resolve'" in p.message


def test_a_trigger_after_the_step_is_unknown_not_zero(write):
    res, a = analysed(write, complaint(std="within: 1h, from: hear"))
    c = promise(a, "resolve")
    assert c.status == "unknown" and c.unreachable
    (p,) = [p for p in res.problems if p.rule == "promise-unknown"]
    assert "does not lead from 'hear' to 'resolve'" in p.message


# --- working days ------------------------------------------------------------------------


def test_the_calendar_deadline_by_hand():
    cal = Calendar()  # Mon–Fri, 8 h from 09:00: closing time 17:00
    fri_16 = parse_start("fri 16:00")
    assert fri_16 == 4 * DAY + 16 * H
    # Friday is day 0; Monday (day 7), Tuesday (8), Wednesday (9): Wednesday 17:00
    assert deadline(cal, fri_16, 3) == 9 * DAY + 17 * H
    # Saturday: received on Monday (day 7, day 0); Tue, Wed, Thu (10): Thursday 17:00
    assert deadline(cal, parse_start("sat 10:00"), 3) == 10 * DAY + 17 * H
    # Monday after closing: received on Tuesday; Wed, Thu, Fri (4): Friday 17:00
    assert deadline(cal, parse_start("mon 18:00"), 3) == 4 * DAY + 17 * H
    # a shop open Mon–Sat, 9 h from 08:30 (closing 17:30): Fri 16:00 → Sat, Mon, Tue 17:30
    shop = Calendar(("mon", "tue", "wed", "thu", "fri", "sat"), 9.0, 8 * 60 + 30)
    assert deadline(shop, fri_16, 3) == 8 * DAY + 17 * H + 30 * M
    # the worst start leaves 72 hours: Monday 17:00 → Thursday 17:00 (Friday's leaves 5 days)
    assert format_start(worst_start(cal, 3)) == "mon 17:00"
    assert deadline(cal, worst_start(cal, 3), 3) - worst_start(cal, 3) == 72 * H


def refund(elapsed: str, start: str = "") -> str:
    std = "within: 3wd, from: complain" + (f", start: {start}" if start else "")
    return complaint(resolve=elapsed, std=std)


def test_friday_to_wednesday_is_three_working_days(write):
    # the complaint ends Friday 16:00; log 10m + resolve 4d 14h 50m = 4d 15h: Wednesday 07:00,
    # before Wednesday 17:00 (Mon, Tue, Wed are working days 1-3): met, 10 h to spare
    res, a = analysed(write, refund("4d 14h 50m", "fri 16:00"))
    c = promise(a, "resolve")
    assert c.elapsed == 4 * DAY + 15 * H
    assert c.status == "met" and (c.start, c.worst_start) == ("fri 16:00", False)
    assert not [p for p in res.problems if p.rule.startswith("promise-")]
    # the same time counted in 24-hour days would have been a false alarm: 4d 15h > 3d
    _, naive = analysed(write, complaint("4d 14h 50m", "within: 3d, from: complain"))
    assert promise(naive, "resolve").status == "exceeded"


def test_working_days_exceeded_say_by_how_much(write):
    # Friday 16:00 + 10m + 5d 1h 50m = Wednesday 18:00, an hour after closing time
    _, a = analysed(write, refund("5d 1h 50m", "fri 16:00"))
    c = promise(a, "resolve")
    assert c.status == "exceeded" and c.over == 1 * H


def test_without_a_start_the_worst_start_is_assumed(write):
    # worst start Monday 17:00 → Thursday 17:00 = 72h; 10m + 2d 23h 50m = 72h exactly: met
    _, a = analysed(write, refund("2d 23h 50m"))
    c = promise(a, "resolve")
    assert c.status == "met" and (c.start, c.worst_start) == ("mon 17:00", True)
    # 30 minutes more is 30 minutes late at the worst start
    res, a = analysed(write, refund("3d 20m"))
    c = promise(a, "resolve")
    assert c.status == "exceeded" and c.over == 30 * M
    (p,) = [p for p in res.problems if p.rule == "promise-exceeded"]
    assert "the clock starting at worst mon 17:00" in p.message


def test_working_days_are_only_for_promises(write):
    res = checked(write, complaint(resolve="2wd"))
    assert [(p.rule, p.line) for p in res.problems if p.severity == "error"] == [
        ("bad-duration", 10)  # resolve's duration: line 10
    ]


# --- windows and follow-ups ----------------------------------------------------------------


def slot(wait: str) -> str:
    """confirm → wait for the delivery (declared) → deliver, promised 20h ±60m after confirm."""
    return f"""
blueprint: 1
id: t
title: T
steps:
  - {{id: order, lane: customer, text: Order, evidence: [Phone], next: [confirm]}}
  - {{id: confirm, lane: frontstage, text: Confirm the slot, duration: 1m, next: [await]}}
  - id: await
    lane: customer
    text: Wait for the delivery
    evidence: [Text message]
    wait: {{expected: {wait}, tolerable: 2d, fill: Business as usual, explain: The slot}}
    next: [deliver]
  - id: deliver
    lane: frontstage
    text: Deliver
    duration: 10m
    standard: {{text: In the slot, at: 20h, window: 60m, from: confirm}}
    next: [sign]
  - {{id: sign, lane: customer, text: Sign, evidence: [Delivery note]}}
"""


@pytest.mark.parametrize(
    "wait, status, over",
    [
        ("20h", "met", None),  # 20h after confirm: in the window 19h..21h
        ("21h", "met", None),  # the window's edge is in it
        ("18h30m", "early", 30 * M),  # 19h - 18h30m
        ("21h30m", "exceeded", 30 * M),  # 21h30m - 21h
    ],
)
def test_a_window_around_a_promised_time(write, wait, status, over):
    res, a = analysed(write, slot(wait))
    c = promise(a, "deliver")
    assert c.kind == "window" and c.window == 60 * M
    assert (c.status, c.over) == (status, over)
    found = [p for p in res.problems if p.rule == "promise-exceeded"]
    assert bool(found) == (status != "met")
    if status == "early":
        assert "30m before its window opens" in found[0].message


def test_a_follow_up_after_the_resolution(write):
    text = complaint("1d", "after: 48h, from: log").replace(
        "text: Resolved in time", "text: Looked into 48 hours after logging"
    )
    # the follow-up starts when 'resolve' starts: right after log ends, 0 ≤ 48h: met
    _, a = analysed(write, text)
    c = promise(a, "resolve")
    assert (c.kind, c.elapsed, c.status) == ("after", 0.0, "met")
    # timed from the complaint, the step starts 10m after it
    _, a = analysed(write, complaint("1d", "after: 5m, from: complain"))
    c = promise(a, "resolve")
    assert (c.elapsed, c.status, c.over) == (10 * M, "exceeded", 5 * M)


# --- what is wrong in the promise itself ---------------------------------------------------


@pytest.mark.parametrize(
    "std, rule, message",
    [
        ("after: 48h", "missing-field", "'after' needs 'from'"),
        ("within: 1h, window: 10m", "missing-field", "'window' needs 'at'"),
        ("within: 1h, after: 2h, from: log", "invalid-value", "within or after, not both"),
        ("within: 1h, from: lgo", "unknown-step", "unknown step 'lgo'"),
    ],
)
def test_a_promise_that_makes_no_sense_is_an_error(write, std, rule, message):
    res = checked(write, complaint("1h", std))
    errors = [p for p in res.problems if p.severity == "error"]
    assert [p.rule for p in errors] == [rule]
    assert message in errors[0].message and errors[0].line == 11


# --- shown everywhere --------------------------------------------------------------------


def test_a_missed_promise_is_in_the_report_json_diagram_and_script(write, run):
    path = write(complaint("3d"))
    text = run("analyze", path).output
    assert "EXCEEDED by 10m" in text and "from “complain”: Resolved in time" in text
    doc = json.loads(run("analyze", "--format", "json", path).output)
    (s,) = doc["timing"]["standards"]
    assert (s["kind"], s["from"], s["limit"], s["elapsed"], s["over"]) == (
        "within",
        "complain",
        "72h",
        3 * DAY + 10 * M,
        10 * M,
    )
    assert "late" in next(x for x in doc["steps"] if x["id"] == "resolve")["markers"]
    res, a = analysed(write, complaint("3d"))
    badges = badges_for("resolve", a, "en")
    assert [b.text for b in badges if b.kind == "late"] == ["◆ Late 10m"]
    dot = run("render", path, "--format", "dot", "-o", "-").output
    assert "◆ Late 10m" in dot
    script = run("script", path, "--format", "txt").output
    assert "late by 10m" in script and "(within 3d of “Complain”)" in script


def test_the_tobacco_example_keeps_its_promises(run):
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "blueprints" / "tobacco-retail-service.yaml"
    doc = json.loads(run("analyze", "--format", "json", str(path)).output)
    by = {s["step"]: s for s in doc["timing"]["standards"]}
    # accept 5m + visit 45m = 50m ≤ 1h
    assert by["visit-store"]["elapsed"] == 50 * M and by["visit-store"]["status"] == "met"
    # 50m + investigate 1d ≤ 72h; + refund 1d = 2d 50m, within 3 working days of Mon 17:00
    assert by["investigate"]["elapsed"] == DAY + 50 * M
    assert by["refund"]["elapsed"] == 2 * DAY + 50 * M
    assert (by["refund"]["status"], by["refund"]["start"]) == ("met", "mon 17:00")
    # the delivery: confirmation, then the declared 20h wait: in the 20h ±60m slot
    assert by["deliver-goods"]["elapsed"] == 20 * H and by["deliver-goods"]["status"] == "met"
    # called back: receive-refund (a customer action, 0) + call-back 5m after notify-refund
    assert by["call-back"]["elapsed"] == 5 * M


def test_a_limit_in_working_days_is_whole_and_not_absurd(write):
    res = checked(write, complaint("1h", "within: 1.5wd, from: complain"))
    (p,) = [p for p in res.problems if p.severity == "error"]
    assert p.rule == "bad-duration" and "or whole working days: 3wd" in p.message
    res = checked(write, complaint("1h", "within: 99999999wd, from: complain"))
    (p,) = [p for p in res.problems if p.severity == "error"]
    assert (p.rule, p.line) == ("bad-duration", 11) and "longer than 100 years" in p.message


def test_a_step_over_its_own_standard_is_marked_on_the_diagram_too(write):
    # the plain standard of before: 15m against 10m, 5m over
    text = complaint("15m", "within: 10m")
    _, a = analysed(write, text)
    assert promise(a, "resolve").kind == "duration" and promise(a, "resolve").over == 5 * M
    assert [b.text for b in badges_for("resolve", a, "en") if b.kind == "late"] == ["◆ Late 5m"]
    assert "late" in a.markers("resolve")


@pytest.mark.parametrize(
    "locale, late, table",
    [
        ("zh-CN", "按现在的流程兑现不了：晚了10分钟", "自“complain”起：Resolved in time"),
        ("zh-TW", "按現在的流程兌現不了：晚了10分鐘", "自「complain」起：Resolved in time"),
    ],
)
def test_a_missed_promise_in_chinese(write, run, locale, late, table):
    path = write(complaint("3d").replace("title: T", f"title: T\nlocale: {locale}"))
    assert late in run("script", path, "--format", "txt").output
    report = run("analyze", path).output
    assert table in report and "超出 10分" in report


@pytest.mark.parametrize(
    "hours, rule, says",
    [("0", "invalid-value", "calendar hours"), ("25", "invalid-value", "calendar hours"),
     (".nan", "wrong-type", "not a finite number")],
)  # fmt: skip
def test_a_working_day_has_more_than_0_and_at_most_24_hours(write, hours, rule, says):
    res = checked(
        write, complaint("1h").replace("title: T", f"title: T\ncalendar: {{hours: {hours}}}")
    )
    (p,) = [p for p in res.problems if p.severity == "error"]
    assert (p.rule, p.line) == (rule, 4) and says in p.message


def test_each_trigger_is_walked_once_and_only_up_to_its_last_promise(write):
    # a chain c0 → s1 → … → s40 → c41, each s_i promising 1h from s_(i-1): 40 triggers, and
    # each needs only the one step after it (not the rest of the chain: that would be 40²/2)
    n = 41
    steps = ["  - {id: s0, lane: customer, text: S0, evidence: [E], next: [s1]}"]
    for i in range(1, n):
        std = f"standard: {{text: t, within: 1h, from: s{i - 1}}}"
        steps.append(
            f"  - {{id: s{i}, lane: frontstage, text: S{i}, duration: 1m, {std}, next: [s{i + 1}]}}"
        )
    steps.append(f"  - {{id: s{n}, lane: customer, text: End, evidence: [E]}}")
    res, a = analysed(write, "blueprint: 1\nid: t\ntitle: T\nsteps:\n" + "\n".join(steps) + "\n")
    assert {c.elapsed for c in a.timing.standards} == {1 * M}  # each step's own 1m
    dag = FlowDag(res.structure)
    for i in range(1, n):
        promises.check(dag, f"s{i}", res.blueprint.by_id[f"s{i}"].standard)
    walked = dag.__dict__["_promises_from"]
    assert len(walked) == n - 1 and {len(w.seen) for w in walked.values()} == {1}


def test_a_missed_promise_in_the_markdown_and_html_scripts(write, run):
    path = write(complaint("3d"))
    md = run("script", path, "--format", "md").output
    assert "  - **⚠ Not kept as the service is designed: late by 10m**" in md
    html = run("script", path, "--format", "html").output
    assert (
        '<br><strong class="late">⚠ Not kept as the service is designed: late by 10m</strong>'
        in html
    )
