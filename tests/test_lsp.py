"""`blueprint lsp` as editors run it: a subprocess spoken to over stdio by a real
JSON-RPC client (benchmarks/lsp_client.py). Every wait has a time limit; none sleeps."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from benchmarks.lsp_client import Client, LspError

from blueprint import lint

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad"

KIOSK = """\
# a coffee kiosk
blueprint: 1
id: kiosk
title: Coffee kiosk
phases:
  - {id: order, name: Order}
  - {id: serve, name: Serve}
roles:
  barista: {name: Barista}
steps:
  - id: ask
    lane: customer
    phase: order
    text: Ask for a coffee
    evidence: [Menu board]
    next: [take-order]
  - id: take-order
    lane: frontstage
    phase: order
    role: barista
    text: Take the order
    duration: 1m
    standard: {text: Order taken within two minutes, within: 2m}
    next: ["brew"]
  - id: brew
    lane: backstage
    phase: serve
    role: barista
    text: Brew the coffee
    duration: 3m
    fail: {risk: Wrong milk}
    next:
      - to: hand-over
  - id: hand-over
    lane: frontstage
    phase: serve
    role: barista
    text: Hand the cup over
    next: [drink]
  - id: drink
    lane: customer
    phase: serve
    text: Drink
    evidence: [Cup]
"""
LINES = KIOSK.splitlines()


def line_of(text: str) -> int:
    """The 0-based line of KIOSK that is exactly ``text``."""
    return LINES.index(text)


def rng(line: int, start: int, end: int) -> dict:
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


def apply(text: str, edits: list[dict]) -> str:
    """The text with LSP text edits applied (ASCII text: characters are UTF-16 units)."""
    lines = text.split("\n")
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)

    def index(p: dict) -> int:
        return offsets[p["line"]] + p["character"]

    for e in sorted(edits, key=lambda e: index(e["range"]["start"]), reverse=True):
        a, b = index(e["range"]["start"]), index(e["range"]["end"])
        text = text[:a] + e["newText"] + text[b:]
    return text


@pytest.fixture
def project(tmp_path):
    """A project whose blueprint.toml turns empty-lane off (the kiosk has no support lane)."""
    (tmp_path / "blueprint.toml").write_text('[rules]\nempty-lane = "off"\n', encoding="utf-8")
    path = tmp_path / "kiosk.yaml"
    path.write_text(KIOSK, encoding="utf-8")
    return path


@pytest.fixture
def server(project):
    with Client(cwd=str(project.parent)) as c:
        c.initialize(str(project.parent))
        yield c


@pytest.fixture
def opened(server, project):
    """The server with the kiosk open, and its uri."""
    uri = project.as_uri()
    server.open(uri, KIOSK)
    return server, uri


def test_initialize_announces_the_features(project):
    with Client(cwd=str(project.parent)) as c:
        caps = c.initialize(str(project.parent))["capabilities"]
        for provider in (
            "completionProvider",
            "hoverProvider",
            "definitionProvider",
            "referencesProvider",
            "renameProvider",
            "codeActionProvider",
            "documentSymbolProvider",
        ):
            assert caps.get(provider), provider
        assert c.shutdown() == 0


def test_diagnostics_on_open_with_exact_ranges_and_the_project_config(opened):
    c, uri = opened
    diags = c.diagnostics(uri)
    # blueprint.toml turns empty-lane off: only the fail point without recovery is left,
    # at the key 'fail' of line 31 (1-based), columns 5-8: 0-based line 30, characters 4..8
    assert [d["code"] for d in diags] == ["fail-without-recovery"]
    d = diags[0]
    assert d["range"] == rng(line_of("    fail: {risk: Wrong milk}"), 4, 8)
    assert d["severity"] == 2  # warning
    assert d["source"] == "blueprint"
    assert d["codeDescription"]["href"].endswith("/docs/rules.md#fail-without-recovery")


def test_a_broken_project_configuration_is_shown_in_its_file(project):
    """check refuses to run with a bad blueprint.toml; the server shows its problem there."""
    toml = project.parent / "blueprint.toml"
    toml.write_text('[rules]\nempty-lane = "of"\n', encoding="utf-8")
    with Client(cwd=str(project.parent)) as c:
        c.initialize(str(project.parent))
        c.open(project.as_uri(), KIOSK)
        params = c.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == toml.as_uri())
        # the whole entry 'empty-lane = "of"' (17 characters) of line 2
        assert [(d["code"], d["range"]) for d in params["diagnostics"]] == [
            ("bad-config", rng(1, 0, 17))
        ]
        assert "severity must be one of" in params["diagnostics"][0]["message"]


def test_a_mistake_typed_gives_its_diagnostic_and_the_did_you_mean_fix(opened):
    c, uri = opened
    c.diagnostics(uri)
    broken = KIOSK.replace("next: [take-order]", "next: [take-ordr]")
    version = c.change(uri, broken)
    diags = c.diagnostics(uri, version)
    # '    next: [' is 11 characters, so the id starts at character 11; 'take-ordr' is 9 long
    line = line_of("    next: [take-order]")
    assert [(d["code"], d["range"]) for d in diags] == [("unknown-step", rng(line, 11, 20))]
    assert diags[0]["severity"] == 1
    actions = c.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": diags[0]["range"],
            "context": {"diagnostics": diags},
        },
    )
    fix = [a for a in actions if a["title"] == "Change to 'take-order'"]
    assert len(fix) == 1
    assert apply(broken, fix[0]["edit"]["changes"][uri]) == KIOSK


def test_changes_are_checked_and_a_broken_file_does_not_crash(opened):
    c, uri = opened
    c.diagnostics(uri)
    c.change(uri, KIOSK + "  - id: [\n")
    c.change(uri, KIOSK.replace("steps:", "steps: ["))
    version = c.change(uri, KIOSK.replace("steps:", "steps: [", 1) + "\t- x\n")
    diags = c.diagnostics(uri, version)
    assert diags and all(d["code"] == "yaml-syntax" for d in diags)
    # the server still answers, and the next good version is clean again
    assert c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}) == []
    version = c.change(uri, KIOSK)
    assert [d["code"] for d in c.diagnostics(uri, version)] == ["fail-without-recovery"]
    assert c.shutdown() == 0


def test_completion_of_ids_lanes_and_fields(opened):
    c, uri = opened

    def labels(line: int, character: int) -> list[str]:
        result = c.at("textDocument/completion", uri, line, character)
        return [i["label"] for i in result["items"]]

    def details(line: int, character: int) -> dict:
        result = c.at("textDocument/completion", uri, line, character)
        return {i["label"]: i.get("detail") for i in result["items"]}

    steps = ["ask", "take-order", "brew", "hand-over", "drink"]
    # after 'next: [' (character 11) and after '- to: ' (character 12)
    assert labels(line_of("    next: [take-order]"), 11) == steps
    assert details(line_of("    next: [take-order]"), 11)["brew"] == "Brew the coffee"
    assert labels(line_of("      - to: hand-over"), 12) == steps
    assert details(line_of("    role: barista"), 10) == {"barista": "Barista"}
    assert details(line_of("    phase: serve"), 11) == {"order": "Order", "serve": "Serve"}
    lanes = details(line_of("    lane: backstage"), 10)
    assert list(lanes) == ["customer", "frontstage", "backstage", "support"]
    assert all(lanes.values())
    # a new line inside a step: the step's fields from the schema
    text = KIOSK.replace("    text: Drink\n", "    text: Drink\n    \n")
    c.change(uri, text)
    blank = text.splitlines().index("    text: Drink") + 1
    fields = labels(blank, 4)
    assert {"id", "lane", "text", "next", "fail", "wait", "evidence", "ignore"} <= set(fields)
    assert "blueprint" not in fields
    # at the top level: the blueprint's fields
    top = labels(line_of("roles:"), 0)
    assert {"blueprint", "title", "steps", "phases", "roles"} <= set(top)


def test_hover_on_a_step_shows_the_analysis(opened):
    c, uri = opened
    c.diagnostics(uri)
    # on the use of 'brew' in take-order's next: (quoted, characters 11..17)
    h = c.at("textDocument/hover", uri, line_of('    next: ["brew"]'), 13)
    text = h["contents"]["value"]
    assert h["range"] == rng(line_of('    next: ["brew"]'), 11, 17)
    assert "Brew the coffee" in text
    assert "backstage" in text
    assert "duration: 3m" in text
    assert "fail point (declared): Wrong milk" in text
    # take-order (front stage) hands over to brew (back stage): across the line of visibility
    assert "fail point (inferred)" in text and "line of visibility" in text
    # take-order takes 1m and promises 2m: met
    h = c.at("textDocument/hover", uri, line_of("  - id: take-order"), 10)
    assert "standard: Order taken within two minutes (met: 1m within 2m)" in h["contents"]["value"]
    # the customer waits at 'drink' for the back-stage brew (3m) after asking
    h = c.at("textDocument/hover", uri, line_of("  - id: drink"), 9)
    assert "wait (inferred): about 3m after 'ask'" in h["contents"]["value"]


def test_hover_on_a_rule_id_shows_its_documentation(server, project):
    text = KIOSK.replace(
        "    fail: {risk: Wrong milk}\n",
        "    fail: {risk: Wrong milk}\n    ignore: [fail-without-recovery]\n",
    )
    uri = project.as_uri()
    server.open(uri, text)
    assert server.diagnostics(uri) == []  # the step ignores the only rule that fired
    line = text.splitlines().index("    ignore: [fail-without-recovery]")
    h = server.at("textDocument/hover", uri, line, 20)
    assert h["contents"]["value"].startswith("**fail-without-recovery** (warning)")
    assert "/docs/rules.md#fail-without-recovery" in h["contents"]["value"]


def test_definition_and_references(opened):
    c, uri = opened
    use = line_of("      - to: hand-over")
    found = c.at("textDocument/definition", uri, use, 14)
    assert found == [{"uri": uri, "range": rng(line_of("  - id: hand-over"), 8, 17)}]
    refs = c.at("textDocument/references", uri, use, 14, context={"includeDeclaration": True})
    assert sorted(
        (r["range"]["start"]["line"], r["range"]["start"]["character"]) for r in refs
    ) == [
        (use, 12),
        (line_of("  - id: hand-over"), 8),
    ]
    # a role: its key under roles: and its three uses
    refs = c.at(
        "textDocument/references",
        uri,
        line_of("  barista: {name: Barista}"),
        3,
        context={"includeDeclaration": False},
    )
    assert len(refs) == 3
    assert {r["range"]["start"]["character"] for r in refs} == {10}
    # a phase
    found = c.at("textDocument/definition", uri, line_of("    phase: serve"), 12)
    assert found == [{"uri": uri, "range": rng(line_of("  - {id: serve, name: Serve}"), 9, 14)}]


def test_rename_a_step_everywhere_and_nothing_else(opened, project):
    c, uri = opened
    at = line_of("  - id: brew")
    assert c.at("textDocument/prepareRename", uri, at, 9) == rng(at, 8, 12)
    edit = c.at("textDocument/rename", uri, at, 9, newName="make-coffee")
    renamed = apply(KIOSK, edit["changes"][uri])
    # the quoted use keeps its quotes; the comment and every other line stay as they were
    assert renamed == KIOSK.replace('["brew"]', '["make-coffee"]').replace(
        "id: brew", "id: make-coffee"
    )
    project.write_text(renamed, encoding="utf-8")
    res = lint.check_file(str(project))
    assert res.loaded and not [p for p in res.problems if p.severity == "error"]
    with pytest.raises(LspError):
        c.at("textDocument/rename", uri, at, 9, newName="ask")  # taken
    with pytest.raises(LspError):
        c.at("textDocument/rename", uri, at, 9, newName="two words")


def test_code_actions_ignore_a_rule_and_add_evidence(opened):
    c, uri = opened
    diags = c.diagnostics(uri)
    actions = c.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": diags[0]["range"],
            "context": {"diagnostics": diags},
        },
    )
    ignore = [a for a in actions if a["title"] == "Ignore 'fail-without-recovery' for step 'brew'"]
    assert len(ignore) == 1
    fixed = apply(KIOSK, ignore[0]["edit"]["changes"][uri])
    assert fixed == KIOSK.replace(
        "  - id: brew\n", "  - id: brew\n    ignore: [fail-without-recovery]\n"
    )
    version = c.change(uri, fixed)
    assert c.diagnostics(uri, version) == []
    # a customer action without evidence: the action adds an empty list under its id
    bare = KIOSK.replace("    evidence: [Cup]\n", "")
    version = c.change(uri, bare)
    diags = c.diagnostics(uri, version)
    drink = bare.splitlines().index("  - id: drink")
    actions = c.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": rng(drink, 9, 9), "context": {"diagnostics": []}},
    )
    add = [a for a in actions if a["title"] == "Add an empty 'evidence:' list"]
    assert len(add) == 1
    assert apply(bare, add[0]["edit"]["changes"][uri]) == bare.replace(
        "  - id: drink\n", "  - id: drink\n    evidence: []\n"
    )


def test_document_symbols_are_phases_with_their_steps(opened):
    c, uri = opened
    symbols = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [(s["name"], [ch["name"] for ch in s["children"]]) for s in symbols] == [
        ("order", ["ask", "take-order"]),
        ("serve", ["brew", "hand-over", "drink"]),
    ]
    assert symbols[0]["detail"] == "Order"


def test_positions_count_utf16_units(server, project):
    """An emoji is one character to the loader and two UTF-16 units to the editor."""
    text = textwrap.dedent(
        """\
        blueprint: 1
        id: emoji
        title: Emoji
        steps:
          - {id: a, lane: customer, text: "☕😀", evidence: [x], role: nobody}
        """
    )
    uri = project.with_name("emoji.yaml").as_uri()
    server.open(uri, text)
    diags = server.diagnostics(uri)
    # 'nobody' starts at character 61 (1-based column 62) in code points; the emoji
    # before it is one code point but two UTF-16 units: 62..68 in UTF-16
    line = text.splitlines()[4]
    assert line.index("nobody") == 61
    assert [(d["code"], d["range"]) for d in diags] == [("unknown-role", rng(4, 62, 68))]


def _bad_entries() -> list[tuple[str, str, int, int]]:
    out = []
    for line in (BAD / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, rule, at, _ = line.split()
            ln, col = at.split(":")
            out.append((name, rule, int(ln), int(col)))
    return out


def test_every_hostile_file_gets_diagnostics_and_the_server_lives(server, tmp_path):
    for name, rule, line, col in _bad_entries():
        raw = (BAD / name).read_bytes()
        try:
            text = raw.decode("utf-8")
            exact = "\x00" not in text and not text.startswith(("\ufffe", "\ufeff\x00"))
        except UnicodeDecodeError:  # an editor shows such a file with replacement characters
            text, exact = raw.decode("utf-8", "replace"), False
        uri = (tmp_path / name).as_uri()
        server.open(uri, text)
        diags = server.diagnostics(uri)
        assert diags, name
        if exact:  # the same problem check reports, where check reports it
            lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
            before = lines.split("\n")[line - 1][: col - 1]
            character = len(before.encode("utf-16-le")) // 2
            assert any(
                d["code"] == rule
                and d["range"]["start"] == {"line": line - 1, "character": character}
                for d in diags
            ), (name, diags)
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert server.shutdown() == 0


def test_version_and_help_do_not_import_pygls():
    code = "import sys; from blueprint import cli; print('pygls' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "False"


NVIM_CHECK = """
local path = vim.fn.expand("%:p")
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 20)
for _, d in ipairs(vim.diagnostic.get(0)) do
  io.stdout:write(string.format("%d:%d %s %s\\n", d.lnum + 1, d.col + 1, d.code or "?", d.message))
end
if not ok then io.stdout:write("no diagnostics\\n") end
vim.cmd("qa!")
"""


def editors_config() -> str:
    """The Neovim configuration shown in docs/editors.md (between its markers)."""
    doc = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    start = doc.index("-- blueprint lsp: neovim config")
    return doc[start : doc.index("```", start)]


@pytest.mark.neovim
def test_neovim_attaches_and_shows_the_diagnostics(tmp_path):
    """Debian's Neovim, headless, with the configuration of docs/editors.md."""
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.fail("nvim is not installed")
    (tmp_path / "init.lua").write_text(editors_config(), encoding="utf-8")
    (tmp_path / "check.lua").write_text(NVIM_CHECK, encoding="utf-8")
    bp = tmp_path / "kiosk.blueprint.yaml"  # the pattern docs/editors.md attaches the server to
    bp.write_text(KIOSK.replace("role: barista\n    text: Brew", "role: baristo\n    text: Brew"))
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    out = subprocess.run(
        [
            nvim,
            "--headless",
            "-n",
            "-i",
            "NONE",
            "-u",
            str(tmp_path / "init.lua"),
            str(bp),
            "-c",
            f"luafile {tmp_path / 'check.lua'}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    # 'role: baristo' of step brew: line 28, the id at column 11
    line = KIOSK.splitlines().index("    role: barista", 24) + 1
    assert f"{line}:11 unknown-role step 'brew' names unknown role 'baristo'" in out.stdout, (
        out.stdout + out.stderr
    )
