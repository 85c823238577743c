"""Emotions on the designer's scale (issue 14, point 4), worked out by hand."""

from __future__ import annotations

import json

import pytest

from blueprint import lint
from blueprint.analysis import analyze
from blueprint.config import Config
from blueprint.render.layout import EMOTION_STEP, layout


def checked(write, text: str):
    return lint.check_file(write(text), Config())


def analysed(write, text: str):
    res = checked(write, text)
    assert res.loaded and not [p for p in res.problems if p.severity == "error"], "\n".join(
        p.format() for p in res.problems
    )
    return res, analyze(res.blueprint, res.structure)


def journey(*emotions, scale: str = "{min: 0, max: 10}") -> str:
    """Customer actions c1 → c2 → … with a front-stage step between each two."""
    lines = ["blueprint: 1", "id: t", "title: T"]
    if scale:
        lines.append(f"emotion_scale: {scale}")
    lines.append("steps:")
    n = len(emotions)
    for i, e in enumerate(emotions, 1):
        nxt = f", next: [s{i}]" if i < n else ""
        emo = f", emotion: {e}" if e is not None else ""
        lines.append(f"  - {{id: c{i}, lane: customer, text: C{i}, evidence: [E{i}]{emo}{nxt}}}")
        if i < n:
            lines.append(
                f"  - {{id: s{i}, lane: frontstage, text: S{i}, duration: 1m, next: [c{i + 1}]}}"
            )
    return "\n".join(lines) + "\n"


def test_a_0_to_10_survey_tells_8_from_7(write, run):
    path = write(journey(6, 8, 7))
    _, a = analysed(write, journey(6, 8, 7))
    # neutral is (0 + 10) / 2 = 5; distances 1, 3, 2: the peak is c2 (8)
    assert a.peak == "c2" and (a.best, a.worst) == ("c2", "c1")
    (e,) = a.end_moments
    # score (8 + 7) / 2 = 7.5 on the survey's own scale; mean (6 + 8 + 7) / 3 = 7
    assert (e.step, e.peak, e.score) == ("c3", "c2", 7.5)
    assert a.peak_end_score == 7.5 and a.mean_emotion == 7.0
    # 7 is above neutral: not a negative end, and not the worst (6 is lower)
    assert not e.negative and not e.worst
    text = run("analyze", path).output
    assert "score 7.50 (peak c2 8, end 7)" in text
    assert "emotion scale 0 to 10, neutral 5" in text
    assert "peak: the most intense moment, the farthest from neutral either way" in text
    doc = json.loads(run("analyze", "--format", "json", path).output)
    assert doc["moments"]["scale"] == {"min": 0, "max": 10, "neutral": 5}
    assert doc["moments"]["peak_end_score"] == 7.5


def test_decimals_are_kept(write):
    _, a = analysed(write, journey(6.5, 9.5, 7.25))
    # distances from 5: 1.5, 4.5, 2.25; score (9.5 + 7.25) / 2 = 8.375
    assert a.peak == "c2" and a.end_moments[0].score == 8.375


def test_the_worse_of_two_equally_intense_moments_is_the_peak(write):
    # 2 and 8 are both 3 from 5: bad moments weigh more, so 2 is the peak; (2 + 6) / 2 = 4
    _, a = analysed(write, journey(8, 2, 6))
    assert a.peak == "c2" and a.end_moments[0].score == 4.0
    # equally intense and equally felt: the earlier one
    _, a = analysed(write, journey(9, 9, 5))
    assert a.peak == "c1"


def test_a_journey_felt_the_same_everywhere_has_no_worst_moment(write):
    _, a = analysed(write, journey(5, 5, 5))
    assert (a.best, a.worst) == (None, None)
    assert not a.end_moments[0].negative and not a.end_moments[0].worst
    # on the default scale too: neutral 0 everywhere is not a "worst moment"
    _, a = analysed(write, journey(0, 0, scale=""))
    assert (a.best, a.worst) == (None, None)
    # a neutral moment that really is the lowest is the worst
    _, a = analysed(write, journey(5, 7, 6))
    assert a.worst == "c1"


def test_an_end_below_the_midpoint_is_a_negative_end(write):
    res, a = analysed(write, journey(8, 4))
    # 4 < 5: the end feels bad on a 0-10 scale although it is a positive number
    assert a.end_moments[0].negative
    (p,) = [p for p in res.problems if p.rule == "negative-end"]
    assert "with emotion 4;" in p.message
    res, a = analysed(write, journey(8, 5))
    assert not a.end_moments[0].negative


def test_the_default_scale_is_unchanged(write, run):
    path = write(journey(1, -2, 1, 0, scale=""))
    _, a = analysed(write, journey(1, -2, 1, 0, scale=""))
    # the docs' worked example: the peak is -2, the end 0: (-2 + 0) / 2 = -1
    assert a.peak == "c2" and a.peak_end_score == -1.0
    text = run("analyze", path).output
    assert "score -1.00 (peak c2 -2, end 0)" in text
    assert "emotion scale -2 to +2, neutral 0" in text


@pytest.mark.parametrize(
    "text, rule, line, message",
    [
        # lines: 1-3 the head, 4 emotion_scale (when given), then steps:, c1, s1, c2
        (journey(11, 7), "invalid-value", 6, "it must be between 0 and 10"),
        (journey(1, 3, scale=""), "invalid-value", 7, "it must be between -2 and 2"),
        (journey(7, ".nan"), "wrong-type", 8, ".nan (not a number), not a finite number"),
        (journey(7, 8, scale="{min: 10, max: 0}"), "invalid-value", 4, "must be a number below"),
    ],
)
def test_an_emotion_off_the_scale_is_an_error_at_its_line(write, text, rule, line, message):
    res = checked(write, text)
    errors = [p for p in res.problems if p.severity == "error"]
    assert [(p.rule, p.line) for p in errors] == [(rule, line)]
    assert message in errors[0].message


def test_the_curve_spans_the_same_height_on_any_scale(write):
    _, a = analysed(write, journey(0, 10, 5))
    lay = layout(a.bp, a, emotion=True)
    c = lay.curve
    # the scale's half-range (5) is drawn as the default's (2 units of EMOTION_STEP)
    ys = {n: y for _, y, n, _ in c.points}
    assert ys["c3"] == c.zero  # 5 is neutral
    assert ys["c2"] == pytest.approx(c.zero - 2 * EMOTION_STEP)  # 10: the top
    assert ys["c1"] == pytest.approx(c.zero + 2 * EMOTION_STEP)  # 0: the bottom
    assert c.scale == ("10", "5", "0")
