import os
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "blueprints").glob("*.yaml"))


def has_dot() -> bool:
    return shutil.which("dot") is not None


def chromium() -> str | None:
    """Debian's Chromium, which the browser tests drive headless."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    """Diagram tests need Graphviz, browser tests Chromium, PDF text tests pdftotext, the
    editor test Neovim: skipped on a developer machine without them, never in CI (the
    set-up installs them there, and a missing one is a failure)."""
    if os.environ.get("CI"):
        return
    missing = {
        "dot": None if has_dot() else "Graphviz 'dot' is not installed",
        "chromium": None if chromium() else "Chromium is not installed",
        "pdftotext": None
        if shutil.which("pdftotext")
        else "pdftotext (poppler-utils) is not installed",
        "neovim": None if shutil.which("nvim") else "Neovim (nvim) is not installed",
    }
    for marker, reason in missing.items():
        if reason is None:
            continue
        skip = pytest.mark.skip(reason=f"{reason} (bash scripts/test.sh installs it)")
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def write(tmp_path):
    """write(text, name='bp.yaml') -> path of a file holding the dedented text."""

    def _write(text: str, name: str = "bp.yaml") -> str:
        p = tmp_path / name
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return str(p)

    return _write


@pytest.fixture
def run():
    """run(*args) -> click Result of the blueprint CLI."""
    from blueprint.cli import cli

    def _run(*args, **kw):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)

    return _run


def hub(
    c: int, locale: str = "en", *, tolerance: str | None = None, declared_wait: bool = True
) -> str:
    """A blueprint whose c customer actions all feed one long chain of staff
    work: the shape that makes inferring waits skip (its work budget)."""
    lines = [
        "blueprint: 1",
        "id: hub",
        "title: Hub",
        f"locale: {locale}",
        "rules: {empty-lane: off}",
    ]
    if tolerance:
        lines.append(f"tolerance: {tolerance}")
    lines.append("steps:")
    for i in range(c):
        lines += [
            f"  - {{id: c{i}, lane: customer, text: c{i}, evidence: [e], next: [f{i}]}}",
            f"  - {{id: f{i}, lane: frontstage, text: f{i}, next: [s0]}}",
        ]
    for i in range(c):
        nxt = f"s{i + 1}" if i + 1 < c else "serve"
        lines.append(f"  - {{id: s{i}, lane: backstage, text: s{i}, duration: 1m, next: [{nxt}]}}")
    wait = ", wait: {expected: 5m}" if declared_wait else ""
    lines += [
        "  - {id: serve, lane: frontstage, text: serve, next: [done]}",
        f"  - {{id: done, lane: customer, text: done, evidence: [e]{wait}}}",
    ]
    return "\n".join(lines) + "\n"


#: a one-column Chinese blueprint: the narrowest diagram (line labels must still fit)
NARROW = """
blueprint: 1
id: narrow
title: 窄图
locale: zh-CN
steps:
  - {id: enter, lane: customer, text: 进店, next: [greet]}
  - {id: greet, lane: frontstage, text: 迎宾, next: [lookup]}
  - {id: lookup, lane: support, text: 查桌, next: [lead]}
  - {id: prep, lane: backstage, text: 备料, next: [lead]}
  - {id: lead, lane: frontstage, text: 带位, next: [sit]}
  - {id: sit, lane: customer, text: 入座}
"""


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current outputs (review with git diff tests/golden)",
    )


UPDATED = pytest.StashKey[list]()  # golden files that --update-golden rewrote


def pytest_terminal_summary(terminalreporter, config):
    changed = config.stash.get(UPDATED, [])
    if config.getoption("--update-golden"):
        terminalreporter.write_line(
            f"golden files rewritten: {len(changed)}"
            + ("; review them with: git diff tests/golden" if changed else "")
        )
        for name in changed:
            terminalreporter.write_line(f"  {name}")


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """Every test starts with English messages, whatever the machine's locale (LANG=zh_CN…);
    a test of the language choice sets or removes BLUEPRINT_LANG itself."""
    from blueprint import messages

    monkeypatch.setenv("BLUEPRINT_LANG", "en")
    messages.set_language("en")
    yield
    messages.set_language("en")
