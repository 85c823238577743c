"""Customer needs (issue 20): the core need, needs per phase, moments, reverse needs served."""

from __future__ import annotations

import json

from blueprint import lint, script
from blueprint.analysis import Analysis, analyze
from blueprint.config import Config
from blueprint.report.analysis_text import report


def analysed(write, text: str) -> Analysis:
    res = lint.check_file(write(text), Config())
    assert res.loaded and not [p for p in res.problems if p.severity == "error"], "\n".join(
        p.format() for p in res.problems
    )
    return analyze(res.blueprint, res.structure)


# five customer actions in two phases; a front-stage step after the third
JOURNEY = """
blueprint: 1
id: t
title: T
{core}
phases:
  - {{id: come, name: Come}}
  - {{id: go, name: Go}}
steps:
  - {{id: a, lane: customer, phase: come, text: A, evidence: [x], next: [b],
     need: {{text: Na, type: {t1}}}}}
  - {{id: b, lane: customer, phase: come, text: B, evidence: [x], next: [c], key: true,
     need: {{text: Nb, type: {t2}}}}}
  - {{id: c, lane: customer, phase: go, text: C, evidence: [x], next: [serve],
     need: {{text: Nc, type: {t3}}}}}
  - {{id: serve, lane: frontstage, text: Serve, next: [d]}}
  - {{id: d, lane: customer, phase: go, text: D, evidence: [x], next: [e],
     need: {{text: Nd, type: {t4}}}}}
  - {{id: e, lane: customer, phase: go, text: E, evidence: [x], need: {{text: Ne, type: {t5}}}}}
"""


def journey(types, core=""):
    t = dict(zip(("t1", "t2", "t3", "t4", "t5"), types))
    return JOURNEY.format(core=core, **t)


def test_the_core_need_is_the_most_frequent_type_ties_to_the_first_in_flow(write):
    # basic 2 (a, c), expected 2 (b, d), delight 1 (e): a tie of 2 and 2;
    # basic is met first (a, before b's expected): the core need is basic, 2 of 5 needs
    a = analysed(write, journey(["basic", "expected", "basic", "expected", "delight"]))
    n = a.needs
    assert n.core == "basic" and not n.core_declared and n.core_steps == ("a", "c")
    assert n.types == {
        "basic": 2,
        "expected": 2,
        "delight": 1,
        "problem": 0,
        "reverse": 0,
        "secondary": 0,
    }
    # the same counts with expected first: expected wins the tie
    a = analysed(write, journey(["expected", "basic", "basic", "expected", "delight"]))
    assert a.needs.core == "expected" and a.needs.core_steps == ("a", "d")
    # a clear majority: problem 3 of 5 beats basic met first
    a = analysed(write, journey(["basic", "problem", "problem", "problem", "basic"]))
    assert a.needs.core == "problem" and a.needs.core_steps == ("b", "c", "d")


def test_a_declared_core_need_wins_over_the_counts(write):
    core = "core_need: {text: Get home safe, type: secondary}"
    a = analysed(write, journey(["basic"] * 5, core))
    assert (a.needs.core, a.needs.core_text, a.needs.core_declared) == (
        "secondary",
        "Get home safe",
        True,
    )
    assert a.needs.core_steps == ()  # no action states a secondary need


def test_needs_per_phase_and_at_the_moments(write):
    a = analysed(write, journey(["basic", "expected", "basic", "problem", "delight"]))
    # come: a basic, b expected; go: c basic, d problem, e delight
    phases = {p.phase: (p.steps, p.types) for p in a.needs.phases}
    assert phases == {
        "come": (("a", "b"), {"basic": 1, "expected": 1}),
        "go": (("c", "d", "e"), {"basic": 1, "problem": 1, "delight": 1}),
    }
    # b is the key moment, e the end (no emotions: no peak)
    assert a.needs.moments == (("b", ("key",)), ("e", ("end",)))


def test_a_reverse_need_served_by_the_front_stage_is_flagged(write):
    # c's need is reverse and 'serve' (front stage) follows c before d: flagged;
    # a's reverse need has no front-stage step after it: not flagged
    a = analysed(write, journey(["reverse", "basic", "reverse", "basic", "basic"]))
    assert [(r.step, r.served_by) for r in a.needs.reverse_served] == [("c", ("serve",))]
    text = report(a)
    assert (
        "'c' has a reverse need (providing it annoys) that front-stage steps still serve: serve"
        in text
    )
    data = json.loads(json.dumps(a.to_dict()))
    # line 13: blueprint, id, title, the empty core line, phases (3 lines), steps:, a (2), b (2), c
    assert data["needs"]["reverse_served"] == [
        {"step": "c", "line": 13, "column": 5, "served_by": ["serve"]}
    ]
    assert data["needs"]["core"] == {
        "type": "basic",
        "text": None,
        "declared": False,
        "steps": ["b", "d", "e"],
    }


def test_the_report_says_nothing_of_needs_when_none_is_stated(write):
    a = analysed(
        write,
        "blueprint: 1\nid: t\ntitle: T\nsteps:\n  - {id: a, lane: customer, text: A, evidence: [x]}\n",
    )
    assert "Customer needs" not in report(a)
    assert a.to_dict()["needs"]["core"]["type"] is None


def test_the_staff_script_shows_what_the_customer_needs_here(write):
    res = lint.check_file(
        write(journey(["reverse", "basic", "expected", "basic", "basic"])), Config()
    )
    a = analyze(res.blueprint, res.structure)
    md = script.render(script.build(res.blueprint, res.structure, a), "md")
    # 'serve' is met after c (expected need Nc)
    assert "- **Customer needs**: C — Nc (expected)" in md
    txt = script.render(script.build(res.blueprint, res.structure, a), "txt")
    assert "C — Nc (expected)" in txt
