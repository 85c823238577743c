"""The language server's text helpers, in-process: token ends, units, the keys around the cursor."""

from __future__ import annotations

import pytest

from blueprint.lsp.text import Buffer
from blueprint.problems import Pos


@pytest.mark.parametrize(
    ("line", "col", "end"),
    [
        ("    next: [brew, drink]", 12, 16),  # 'brew' is columns 12-15: it ends before ','
        ("    next: [drink]", 12, 17),  # before ']'
        ("    id: brew  # the kettle", 9, 13),  # before the comment
        ("    lane: backstage", 5, 9),  # a key ends before ': '
        ("    text: 'it''s hot' # x", 11, 22),  # after the closing quote, '' is one quote
        ('    text: "a \\" b"', 11, 19),  # an escaped double quote does not close
        ("    text: 'not closed", 11, 22),  # the end of the line
        ("steps: [", 8, 9),  # a bracket: one character
        ("x", 5, 5),  # past the end of the line
    ],
)
def test_token_end(line, col, end):
    assert Buffer(line).token_end(Pos(1, col)) == Pos(1, end)


def test_units_per_encoding():
    # '😀' is 1 code point, 2 UTF-16 units, 4 UTF-8 bytes; 'é' is 1, 1 and 2
    text = "é😀x"
    x = Pos(1, 3)  # the 'x': two characters before it
    assert Buffer(text, "utf-32").position(x).character == 2
    assert Buffer(text, "utf-16").position(x).character == 3  # 1 + 2
    assert Buffer(text, "utf-8").position(x).character == 6  # 2 + 4
    b = Buffer(text, "utf-16")
    assert b.pos(b.position(x)) == x


def test_lines_break_as_the_loader_counts():
    b = Buffer("a\r\nb\rc\nd\u2028e")  # \u2028 is no line break for YAML 1.2 or LSP
    assert b.lines == ["a", "b", "c", "d\u2028e"]


TEXT = """\
steps:
  - id: a
    fail:
      risk: x
      re
    next:
      - a
      - b
  - id: c
    lane: x

phases:
  -
"""


@pytest.mark.parametrize(
    ("line", "col", "chain"),
    [
        (5, 9, ["steps", "-", "fail"]),  # typing a key inside fail:
        (8, 10, ["steps", "-", "next"]),  # an item of next: (the caller adds '-')
        (10, 5, ["steps", "-"]),  # a key of the second step
        (9, 3, ["steps"]),  # a new item of steps:
        (11, 1, []),  # the top level
        (13, 3, ["phases"]),
    ],
)
def test_parents(line, col, chain):
    assert Buffer(TEXT).parents(line, col) == chain
