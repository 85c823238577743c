"""Evidence levels (issue 20): known: on steps, the shares per level, the customer time on beliefs."""

from __future__ import annotations

import re

import pytest

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
steps:
  - {id: order, lane: customer, text: Order, evidence: [Menu], duration: 1m, emotion: 1,
     known: observed, source: Timed on the floor, next: [take]}
  - {id: take, lane: frontstage, text: Take, duration: 2m, known: assumed, next: [cook]}
  - {id: cook, lane: backstage, text: Cook, duration: 10m, known: assumed, next: [serve]}
  - {id: serve, lane: frontstage, text: Serve, duration: 1m, known: reported, next: [eat]}
  - {id: eat, lane: customer, text: Eat, evidence: [Bowl], duration: 20m, emotion: 2,
     next: [pay]}
  - {id: pay, lane: customer, text: Pay, evidence: [Bill], known: proposed}
"""


def test_shares_per_level_and_kind(write):
    a = analysed(write, BP)
    shares = {sh.kind: sh for sh in a.known.shares}
    # steps: 6 = observed 1 (order) + reported 1 (serve) + assumed 2 (take, cook)
    #          + proposed 1 (pay) + not said 1 (eat)
    s = shares["steps"]
    assert (s.total, s.unstated) == (6, 1)
    assert s.levels == {"observed": 1, "reported": 1, "assumed": 2, "proposed": 1}
    # durations: the five steps with one (pay has none): observed 1, reported 1, assumed 2, eat 1 not said
    d = shares["durations"]
    assert (d.total, d.unstated) == (5, 1)
    assert d.levels == {"observed": 1, "reported": 1, "assumed": 2, "proposed": 0}
    # emotions: order (observed) and eat (not said)
    e = shares["emotions"]
    assert (e.total, e.levels["observed"], e.unstated) == (2, 1, 1)
    text = report(a)
    assert "- 2 of 5 durations are assumed" in text
    assert "- 1 of 6 steps are proposed" in text


def test_the_customer_time_says_it_rests_on_assumed_durations(write):
    a = analysed(write, BP)
    # the route order → eat → pay; its timed steps: order, eat (actions) and take, cook,
    # serve (the work between order and eat): 5; take and cook are assumed: 2 of 5
    assert a.known.customer_timed == ("order", "take", "cook", "serve", "eat")
    assert a.known.customer_unsure == ("take", "cook")
    assert "rests on assumed or proposed durations: 2 of 5 timed steps (take, cook)" in report(a)
    j = a.to_dict()
    assert j["known"]["kinds"]["durations"] == {
        "total": 5,
        "observed": 1,
        "reported": 1,
        "assumed": 2,
        "proposed": 0,
        "unstated": 1,
    }
    assert j["known"]["customer_time"]["unsure"] == ["take", "cook"]
    order = next(s for s in j["steps"] if s["id"] == "order")
    assert (order["known"], order["source"]) == ("observed", "Timed on the floor")


def test_without_known_nothing_is_said(write):
    bare = re.sub(r"(known|source): [^,}]*,? ?", "", BP)
    assert "known" not in bare
    a = analysed(write, bare)
    assert not a.known.stated and a.known.customer_unsure == ()
    text = report(a)
    assert "How it is known" not in text and "rests on" not in text


def _node(svg: str, step: str) -> str:
    """The SVG group of one step's box (Graphviz escapes '-' in ids as &#45;)."""
    start = svg.index(f'<g id="step:{step}" class="node">')
    return svg[start : svg.index("</g>", start)]


@pytest.mark.parametrize("theme", ["color", "mono"])
def test_assumed_and_proposed_steps_are_drawn_dashed_with_a_mark(write, run, tmp_path, theme):
    path = write(BP.replace("id: t\n", "id: t\nstatus: to-be\n"))
    out = tmp_path / "t.svg"
    r = run("render", path, "--theme", theme, "-o", out)
    assert r.exit_code == 0, r.output
    svg = out.read_text(encoding="utf-8")
    outline = lambda g: g.split("<text", 1)[0]  # noqa: E731  (the box's own path, before its text)
    for step, mark in (("take", "≈ assumed"), ("cook", "≈ assumed"), ("pay", "+ proposed")):
        g = _node(svg, step)
        assert "stroke-dasharray" in outline(g), step
        assert mark in g, step
    for step in ("order", "serve", "eat"):  # observed, reported, not said: solid, no mark
        g = _node(svg, step)
        assert "stroke-dasharray" not in outline(g) and "assumed" not in g, step
    assert "assumed: the team&#39;s belief, not seen or measured (dashed outline)" in svg
    assert "proposed: not in the service yet (dashed outline)" in svg
