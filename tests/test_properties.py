"""Property-based tests: generated blueprints, valid and almost valid.

Whatever the file holds, every command ends with exit 0, 1 or 2, prints one
line per problem and no traceback; what it writes parses (JSON as JSON, SVG as
XML, HTML as balanced HTML). The examples are derandomised (the same on every
run, no example database), and their number is kept small so that the suite
stays fast.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blueprint.cli import cli

PROPS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(PROPS, max_examples=8)

PROBLEM = re.compile(r"^.+?:[1-9]\d*:[1-9]\d*: (?:error|warning|info) \S.* \[[a-z][a-z0-9-]*\]$")
SUMMARY = re.compile(r"^\d+ files? checked: ")

# --- generating blueprints ------------------------------------------------------------

#: pieces of text that have broken escaping somewhere, sometime
HOSTILE = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "\\",
    "{",
    "}",
    "|",
    "\n",
    "</script>",
    "<b>",
    "&amp;",
    "]]>",
    "-->",
    "{{ x }}",
    "{% if %}",
    "*",
    "_",
    "#",
    "`",
    "[x](y)",
    "\\n",
    "%",
    "$",
    "\u202e",
    "\u200b",
    "火锅",
    "顧客",
    "😀",
    "é",
    " ",
    "  ",
    ":",
    "- ",
    "\t",
]
WORDS = ["Greet", "guests", "the", "table", "order", "tea", "pay", "wait", "serve", "call", "back"]

ids = st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True)
# a letter first, so that no text reads as a number, a boolean or null
texts = st.lists(st.sampled_from(HOSTILE + WORDS), min_size=0, max_size=6).map(
    lambda xs: "T" + "".join(xs)
)
durations = st.builds(
    lambda n, u: f"{n}{u}", st.integers(1, 90), st.sampled_from(["s", "m", "h", "d", "min", "w"])
)
lanes = st.sampled_from(["customer", "frontstage", "backstage", "support"])


@st.composite
def blueprints(draw) -> dict:
    """A blueprint that follows the schema; the rules may still find problems."""
    phase_ids = draw(st.lists(ids, max_size=3, unique=True))
    role_ids = draw(st.lists(ids, max_size=3, unique=True))
    step_ids = draw(st.lists(ids, min_size=1, max_size=7, unique=True))
    bp: dict = {"blueprint": 1, "id": draw(ids), "title": draw(texts)}
    for key in ("description", "customer", "owner"):
        if draw(st.booleans()):
            bp[key] = draw(texts)
    if draw(st.booleans()):
        bp["locale"] = draw(st.sampled_from(["en", "zh-CN", "zh-TW"]))
    if draw(st.booleans()):
        bp["status"] = draw(st.sampled_from(["as-is", "to-be"]))
    if draw(st.booleans()):
        bp["tolerance"] = draw(durations)
    if phase_ids:
        bp["phases"] = [{"id": p, "name": draw(texts)} for p in phase_ids]
    if role_ids:
        bp["roles"] = {r: {"name": draw(texts)} for r in role_ids}
    journey = draw(st.booleans())
    steps = []
    for sid in step_ids:
        step: dict = {"id": sid, "lane": draw(lanes), "text": draw(texts)}
        if phase_ids and draw(st.booleans()):
            step["phase"] = draw(st.sampled_from(phase_ids))
        if role_ids and draw(st.booleans()):
            step["role"] = draw(st.sampled_from(role_ids))
        if draw(st.booleans()):
            step["evidence"] = draw(st.lists(texts, min_size=1, max_size=3))
        if draw(st.booleans()):
            step["duration"] = draw(durations)
        if draw(st.booleans()):
            step["standard"] = draw(
                st.one_of(texts, st.fixed_dictionaries({"text": texts, "within": durations}))
            )
        for key in ("says", "description"):
            if draw(st.booleans()):
                step[key] = draw(texts)
        if draw(st.booleans()):
            step["emotion"] = draw(st.integers(-2, 2))
        if draw(st.booleans()):
            step["key"] = draw(st.booleans())
        if draw(st.booleans()):
            step["fail"] = draw(
                st.fixed_dictionaries(
                    {"risk": texts},
                    optional={
                        "recovery": texts,
                        "prevention": texts,
                        "likelihood": st.sampled_from(["low", "medium", "high"]),
                    },
                )
            )
        if draw(st.booleans()):
            step["wait"] = draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "expected": durations,
                        "tolerable": durations,
                        "fill": texts,
                        "explain": texts,
                    },
                )
            )
        if journey:
            steps.append(step)
            continue
        targets = draw(st.lists(st.sampled_from(step_ids), max_size=3, unique=True))
        if targets:
            step["next"] = [
                t
                if draw(st.booleans())
                else {
                    "to": t,
                    "when": draw(texts),
                    "kind": draw(st.sampled_from(["normal", "recovery", "rework"])),
                }
                for t in targets
            ]
        steps.append(step)
    if journey:  # a tidy journey: customer, front stage, back stage, front stage, ..., customer
        pattern = ("customer", "frontstage", "backstage", "frontstage")
        for i, step in enumerate(steps):
            step["lane"] = pattern[i % 4]
            if i == len(steps) - 1 and i > 0:
                step["lane"] = "customer"
                if steps[i - 1]["lane"] == "backstage":
                    steps[i - 1]["lane"] = "frontstage"
            if i + 1 < len(steps):
                step["next"] = [steps[i + 1]["id"]]
        for step in steps:
            if step["lane"] == "customer":
                step.setdefault("evidence", [draw(texts)])
    bp["steps"] = steps
    return bp


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    texts,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(ids, st.integers(), max_size=2),
)


@st.composite
def almost_valid(draw) -> str:
    """A valid blueprint with one or two things broken, as YAML text."""
    bp = draw(blueprints())
    steps = list(bp["steps"])  # the mutations below may replace bp["steps"]
    for _ in range(draw(st.integers(1, 2))):
        step = draw(st.sampled_from(steps))
        how = draw(
            st.sampled_from(
                [
                    "drop",
                    "junk",
                    "unknown-key",
                    "unknown-next",
                    "duplicate",
                    "bad-lane",
                    "bad-duration",
                    "no-steps",
                    "rules",
                    "junk-root",
                ]
            )
        )
        if how == "drop":
            target = draw(st.sampled_from([bp, step]))
            target.pop(draw(st.sampled_from(sorted(target))), None)
        elif how == "junk":
            step[draw(st.sampled_from(sorted(step)))] = draw(JUNK)
        elif how == "junk-root":
            bp[draw(st.sampled_from(sorted(bp)))] = draw(JUNK)
        elif how == "unknown-key":
            step[draw(ids)] = draw(JUNK)
        elif how == "unknown-next":
            step["next"] = [draw(ids)]
        elif how == "duplicate":
            bp["steps"].append(dict(step))
        elif how == "bad-lane":
            step["lane"] = draw(texts)
        elif how == "bad-duration":
            step["duration"] = draw(texts)
        elif how == "no-steps":
            bp["steps"] = []
        elif how == "rules":
            bp["rules"] = draw(
                st.dictionaries(
                    st.sampled_from(["dead-end", "empty-lane", "no-such-rule", "Bad_Id"]),
                    st.sampled_from(["off", "info", "warning", "error", "loud"]),
                    max_size=2,
                )
            )
    text = dump(bp)
    # and sometimes a damaged text: cut short, a stray character, a repeated line
    damage = draw(st.sampled_from(["none", "none", "cut", "insert", "repeat"]))
    if damage == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == "insert":
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at]
            + draw(
                st.sampled_from(
                    [":", "-", "[", "{", '"', "'", "&a ", "*a", "\t", "!!", "%", "\x07"]
                )
            )
            + text[at:]
        )
    elif damage == "repeat":
        lines = text.splitlines(keepends=True)
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
        text = "".join(lines)
    return text


def dump(bp: dict) -> str:
    return yaml.safe_dump(bp, allow_unicode=True, sort_keys=False, width=60)


# --- running the commands ------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def no_crash(r, codes=(0, 1)):
    """The command ended normally: an expected exit code and no traceback."""
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code in codes, r.output
    assert "Traceback" not in r.output
    assert "internal error" not in r.output


def problem_lines(output: str, path: str, text: str) -> None:
    """Every line is a problem of this file at a place inside it, or the summary."""
    last_line = text.count("\n") + 1
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", output), (
        "a control character in the report"
    )
    for line in output.splitlines():
        if not line.strip() or SUMMARY.match(line):
            continue
        assert PROBLEM.match(line), line
        assert line.startswith(path + ":"), line
        ln = int(line[len(path) + 1 :].split(":")[0])
        assert 1 <= ln <= last_line, line


class StrictHTML(HTMLParser):
    """Balanced HTML: every element closed in order, no <script> at all."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag != "script", "a <script> element in the output"
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        assert tag != "script"

    def handle_endtag(self, tag):
        assert tag not in self.VOID, f"</{tag}>"
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_html(html: str) -> str:
    p = StrictHTML()
    p.feed(html)
    p.close()
    assert p.stack == [], f"unclosed: {p.stack}"
    return "".join(p.text)


def exercise(text: str) -> None:
    """Every command on one blueprint text: none crashes, outputs parse."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bp.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        cfg = os.path.join(tmp, "blueprint.toml")
        open(cfg, "w").close()

        r = run("check", "--format", "text", "--config", cfg, path)
        no_crash(r)
        problem_lines(r.output, path, text)
        clean = r.exit_code == 0

        r = run("check", "--format", "json", "--config", cfg, path)
        no_crash(r)
        doc = json.loads(r.stdout)
        assert doc["files"][0]["path"] == path

        r = run("analyze", "--format", "json", path)
        no_crash(r)
        json.loads(r.stdout)

        r = run("render", "--format", "dot", "-o", "-", path)
        no_crash(r)
        if clean:
            assert r.exit_code == 0
            assert r.stdout.lstrip().startswith(("digraph", "graph", "strict"))

        for fmt in ("md", "html", "txt"):
            r = run("script", "--format", fmt, path)
            no_crash(r)
            if clean:
                assert r.exit_code == 0, r.output
            if fmt == "html" and r.exit_code == 0:
                parse_html(r.stdout)
        assert sorted(os.listdir(tmp)) == ["blueprint.toml", "bp.yaml"], (
            "a command left a file behind"
        )


@PROPS
@given(blueprints())
def test_valid_blueprints(bp):
    text = dump(bp)
    exercise(text)


@PROPS
@given(almost_valid())
def test_almost_valid_blueprints(text):
    exercise(text)


@PROPS
@given(st.binary(max_size=200))
def test_arbitrary_bytes(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bp.yaml")
        with open(path, "wb") as fh:
            fh.write(data)
        r = run("check", "--format", "text", path)
        no_crash(r)
        problem_lines(r.output, path, data.decode("utf-8", "replace"))


@pytest.mark.dot
@FEW
@given(blueprints())
def test_rendered_svg_is_xml(bp):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bp.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(dump(bp))
        out = os.path.join(tmp, "out.svg")
        r = run("render", "-o", out, path)
        no_crash(r)
        if r.exit_code == 0:
            root = ET.parse(out).getroot()
            assert root.tag.endswith("svg")
            assert list(root.iter("{http://www.w3.org/2000/svg}script")) == []
        assert sorted(os.listdir(tmp)) == sorted(
            ["bp.yaml"] + (["out.svg"] if r.exit_code == 0 else [])
        )
