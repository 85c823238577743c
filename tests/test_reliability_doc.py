"""The console examples of docs/reliability.md print what the page says."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```console\n\$ (blueprint [^\n]+)\n(.*?)```", DOC, re.S)


def test_the_page_has_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_console_example(run, monkeypatch, command, expected):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)  # the text format, as on a terminal
    args = shlex.split(command)[1:]
    r = run(*args)
    assert r.output == expected


def test_numbers_on_the_page_match_the_code():
    from blueprint import load, render
    from blueprint.render import backend

    assert load.MAX_FILE_BYTES == 20 * 1024 * 1024 and "| file size | 20 MiB |" in DOC
    assert load.MAX_DEPTH == 64 and "| nesting | 64 levels" in DOC
    assert load.MIN_NODE_BUDGET == 100_000 and load.MAX_NODES_FACTOR == 10
    assert "| alias expansion | 100,000 values, or 10 values for every 4 bytes" in DOC
    assert backend.TIMEOUT == 120 and "| Graphviz run | 120 seconds |" in DOC
    assert render.MAX_BOXES == 3000 and "| boxes in a drawing (SVG, PNG, PDF) | 3,000:" in DOC
    assert render.MAX_FLOWS_AT_ONE_STEP == 500
    assert "| flows into, or out of, one step in a drawing | 500 |" in DOC
    files = len([p for p in (ROOT / "tests" / "bad").iterdir() if p.name != "expected.txt"])
    assert f"| {files} broken or hostile files" in DOC
