"""One vocabulary: lanes, lines, locales, severities, durations and output
choices are defined in blueprint.vocab, and every other module names them
through it, so a new lane, line or locale is a one-line change there (plus its
words in i18n and its colours in the diagram themes, which the tests below
ask for by name).

The rule the scan enforces (strict but workable): outside vocab.py and i18n.py
(the translation tables), no tuple, list or set literal and no dict literal's
keys hold two or more string literals of one vocabulary group. A single use,
like ``step.lane == "customer"``, is a comparison with one id, not a second
definition of the vocabulary, and is allowed.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import types
from pathlib import Path

import pytest

from blueprint import durations, i18n, vocab

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "blueprint"

GROUPS = {
    "lanes": {vocab.EVIDENCE, *vocab.LANES},
    "lines": set(vocab.LINES),
    "locales": set(vocab.LOCALES),
    "severities": set(vocab.LEVELS),
    "check formats": set(vocab.CHECK_FORMATS),
    "diagram formats": set(vocab.DIAGRAM_FORMATS),
    "script formats": set(vocab.SCRIPT_FORMATS),
    "papers": set(vocab.PAPERS),
    "themes": set(vocab.THEMES),
    "need types": set(vocab.NEED_TYPES),
    "evidence levels": set(vocab.KNOWN_LEVELS),
    "servqual": set(vocab.SERVQUAL),
}
#: modules that may spell the vocabulary: its definition and its translations
DEFINITIONS = {"vocab.py", "i18n.py"}


def _spelled(tree: ast.AST):
    """(line, function, group, literals) of every collection that spells a group twice."""
    out = []

    def strings(nodes) -> list[str]:
        return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]

    def visit(node, func):
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else func
            )
            items = None
            if isinstance(child, ast.Tuple | ast.List | ast.Set):
                items = strings(child.elts)
            elif isinstance(child, ast.Dict):
                items = strings([k for k in child.keys if k is not None])
            if items:
                for group, ids in GROUPS.items():
                    hits = sorted({s for s in items if s in ids})
                    if len(hits) >= 2:
                        out.append((child.lineno, inner, group, hits))
            visit(child, inner)

    visit(tree, "")
    return out


def test_no_module_but_vocab_spells_the_vocabulary():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name in DEFINITIONS and path.parent == SRC:
            continue
        rel = path.relative_to(SRC).as_posix()
        for line, _func, group, hits in _spelled(ast.parse(path.read_text(encoding="utf-8"))):
            found.append(f"{rel}:{line}: {group} {hits} (use blueprint.vocab)")
    assert not found, "\n".join(found)


def test_the_scan_finds_a_spelled_vocabulary():
    """It would catch the places that used to spell lanes and lines (else it could not fail)."""
    code = (
        'INVISIBLE = ("backstage", "support")\n'
        "def crossings():\n"
        '    order = {"customer": 0, "frontstage": 1}\n'
        '    return line in ("visibility", "internal")\n'
        'ok = lane == "customer" or fmt in ("text",)\n'
    )
    found = [(line, func, group) for line, func, group, _ in _spelled(ast.parse(code))]
    assert found == [
        (1, "", "lanes"),
        (3, "crossings", "lanes"),
        (4, "crossings", "lines"),
    ]


# --------------------------------------------------------------- the one definition


def test_lanes_lines_and_what_lies_between_them():
    """DOMAIN.md §1: four lanes top to bottom, a line between each two."""
    assert vocab.LANES == ("customer", "frontstage", "backstage", "support")
    assert vocab.LINES == ("interaction", "visibility", "internal")
    assert vocab.LINES_BETWEEN == (
        ("interaction", "customer", "frontstage"),
        ("visibility", "frontstage", "backstage"),
        ("internal", "backstage", "support"),
    )
    assert vocab.VISIBLE == ("customer", "frontstage")  # above the line of visibility
    assert vocab.INVISIBLE == ("backstage", "support")
    assert vocab.STAFF == ("frontstage", "backstage", "support")
    assert vocab.CONTACT_STAFF == ("frontstage", "backstage")
    # customer -> support crosses all three lines, top to bottom, whichever way it flows
    assert vocab.lines_crossed("support", "customer") == vocab.LINES
    assert vocab.lines_crossed("frontstage", "backstage") == ("visibility",)
    assert vocab.lines_crossed("customer", "customer") == ()
    assert vocab.lines_crossed("customer", None) == ()


def test_a_new_lane_is_one_line(monkeypatch):
    """vocab.py with one lane added below support (and the line between them):
    its order, its line, visibility and crossings all follow from the table."""
    src = (SRC / "vocab.py").read_text(encoding="utf-8")
    last = '    Lane(SUPPORT, None, "support process"),\n'
    assert src.count(last) == 1
    src = src.replace(
        last,
        '    Lane(SUPPORT, "supplier-line", "support process"),\n'
        '    Lane("supplier", None, "supplier step"),\n',
    )
    module = types.ModuleType("vocab_with_a_new_lane")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # dataclasses look it up
    exec(compile(src, "vocab.py", "exec"), module.__dict__)
    new = module.__dict__
    assert new["LANES"] == (*vocab.LANES, "supplier")
    assert new["LINES"] == (*vocab.LINES, "supplier-line")
    assert new["LINE_BELOW"]["support"] == "supplier-line"
    assert new["INVISIBLE"] == ("backstage", "support", "supplier")
    assert new["VISIBLE"] == vocab.VISIBLE
    assert new["lines_crossed"]("customer", "supplier") == (*vocab.LINES, "supplier-line")
    assert new["BANDS"] == ("evidence", *new["LANES"])


@pytest.mark.parametrize("name", sorted(i18n.TABLES))
def test_every_table_of_words_has_every_locale(name):
    assert set(i18n.TABLES[name]) == set(vocab.LOCALES)


def test_every_lane_line_and_locale_has_its_words_and_font():
    for loc in vocab.LOCALES:
        assert set(i18n.LANES[loc]) == {vocab.EVIDENCE, *vocab.LANES}, loc
        assert set(i18n.LINES[loc]) == set(vocab.LINES), loc
        for line in vocab.LINES:  # the diagram's legend names each line
            assert f"line.{line}" in i18n.DIAGRAM[loc], (loc, line)
    assert set(i18n.FONTS) == set(vocab.LOCALES)


def test_every_theme_colours_every_band():
    from blueprint.render import dot, words

    assert tuple(dot.THEMES) == vocab.THEMES
    bands = {vocab.EVIDENCE, words.EMOTION, *vocab.LANES}
    for theme in dot.THEMES.values():
        for colours in (theme.bands, theme.titles, theme.borders):
            assert set(colours) == bands, theme.name


def test_papers_and_formats_are_the_ones_the_code_knows():
    from blueprint import render, script
    from blueprint.render import pdf

    assert tuple(pdf.PAPERS) == vocab.PAPERS
    assert render.FORMATS == vocab.DIAGRAM_FORMATS and script.FORMATS == vocab.SCRIPT_FORMATS
    templates = {p.name for p in (ROOT / "templates").iterdir()}
    assert {f"script.{f}.j2" for f in vocab.SCRIPT_FORMATS} <= templates


def test_the_schema_file_follows_the_vocabulary():
    schema = json.loads((ROOT / "schema" / "blueprint.schema.json").read_text(encoding="utf-8"))
    d = schema["definitions"]
    assert tuple(schema["properties"]["locale"]["enum"]) == vocab.LOCALES
    assert tuple(d["step"]["properties"]["lane"]["enum"]) == vocab.LANES
    assert tuple(d["severity"]["enum"]) == vocab.LEVELS
    assert d["duration"]["pattern"] == vocab.DURATION_PATTERN
    assert d["limit"]["pattern"] == vocab.LIMIT_PATTERN
    assert tuple(d["need"]["properties"]["type"]["enum"]) == vocab.NEED_TYPES
    assert tuple(d["step"]["properties"]["known"]["enum"]) == vocab.KNOWN_LEVELS
    assert tuple(d["fail"]["properties"]["dimension"]["enum"]) == vocab.SERVQUAL
    assert tuple(d["standard"]["properties"]["dimension"]["enum"]) == vocab.SERVQUAL
    assert tuple(schema["properties"]["servqual"]["properties"]) == vocab.SERVQUAL


# ------------------------------------------------------------------------- durations


def test_one_duration_grammar():
    """The parser and the schema's pattern accept the same texts."""
    texts = ["30s", "5sec", "5 min", "1h30m", "2d 4h", "1.5h", "1w", " 3m ", "5", "5 mins",
             "five minutes", "1h 30", "m", "", "1e3s", "0s"]  # fmt: skip
    for t in texts:
        assert (durations.parse_duration(t) is not None) == bool(
            re.match(vocab.DURATION_PATTERN, t)
        ), t
    # 1h30m = 3600 + 30 * 60; 5sec = 5; 1.5h = 5400; 1w = 7 * 86400
    assert durations.parse_duration("1h30m") == 5400
    assert durations.parse_duration("5sec") == 5
    assert durations.parse_duration("1.5h") == 5400
    assert durations.parse_duration("1w") == 604800


def test_duration_parts_are_what_the_reports_translate():
    # 5445 s = 1 h (3600) + 30 min (1800) + 45 s: the two largest parts are shown
    assert durations.duration_parts(5445) == [(1, "h"), (30, "m")]
    assert durations.format_duration(5445) == "1h 30m"
    assert durations.duration_parts(0) == [(0, "s")] and durations.format_duration(0) == "0s"


# ------------------------------------------------------------------------ severities


def test_severities_and_levels():
    assert vocab.SEVERITIES == ("info", "warning", "error")
    assert vocab.LEVELS == ("off", "info", "warning", "error")
    assert vocab.at_least("warning") == ("warning", "error")
    ranks = [vocab.SEVERITY_RANK[level] for level in vocab.LEVELS]
    assert ranks == sorted(ranks) and vocab.SEVERITY_RANK["off"] < 0


# ------------------------------------------------------------------------- printable


def test_one_set_of_unsafe_characters():
    unsafe = "\x00\x07\t\n\r\x1b\x7f\x85\x9b\u061c\u200e\u200f\u2028\u2029\u202e\u2066\ufffe\uffff"
    assert all(vocab.UNSAFE.fullmatch(c) for c in unsafe)
    for fine in "a 火é😀\u200b\u00a0":  # letters, CJK, emoji, a zero-width space, nbsp
        assert vocab.printable(fine) == fine


def test_printable_shows_replaces_or_keeps():
    text = "a\x1b[2Jb\tc\nd\u202ee\ufffe"
    assert vocab.printable(text) == "a\\x1b[2Jb\\x09c\\x0ad\\u202ee\\ufffe"
    assert vocab.printable(text, keep="\n\t") == "a\\x1b[2Jb\tc\nd\\u202ee\\ufffe"
    assert vocab.printable(text, replace=" ") == "a [2Jb c d e "
    assert vocab.printable(text, keep="\t\n\r", replace="") == "a[2Jb\tc\nde"


def test_every_output_filters_with_the_one_set():
    """The five filters that each dropped a different set are the one set now."""
    from blueprint import lint, load, script
    from blueprint.render import dot
    from blueprint.report import ci

    assert load.printable is vocab.printable
    assert dot._CONTROL is vocab.UNSAFE
    bidi = "x\u202ey"
    assert script._clean(bidi) == "x\\u202ey" == ci._xml_text(bidi) == script._html_chars(bidi)
    assert dot.dot_text(bidi) == "x y"
    assert lint._readable("a\x1b") == "a\\x1b"
