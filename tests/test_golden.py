"""Golden files: what users look at, byte for byte, for every example in blueprints/.

An unintended change to a drawing, a script or the analysis fails here with a diff.
An intended one is made by re-running with ``--update-golden`` (the files in
tests/golden/ are rewritten) and reviewed like code: ``git diff tests/golden``.
CONTRIBUTING.md says how.

SVG depends on the Graphviz version that draws it: tests/golden/graphviz-version.txt
records the one the files were made with (Debian 12's, which the set-up installs).
Elsewhere the SVG files are skipped with that reason; never in CI.
"""

from __future__ import annotations

import difflib
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, ROOT, UPDATED, has_dot

GOLDEN = ROOT / "tests" / "golden"
VERSION_FILE = GOLDEN / "graphviz-version.txt"

# output name -> CLI arguments after the blueprint's path; all write to standard output
OUTPUTS: dict[str, tuple[str, ...]] = {
    "analysis.txt": ("analyze", "{path}"),
    "analysis.json": ("analyze", "{path}", "--format", "json"),
    "handout.md": ("script", "{path}", "--format", "md"),
    "handout.html": ("script", "{path}", "--format", "html"),
    "handout.txt": ("script", "{path}", "--format", "txt"),
    "customer.md": ("script", "{path}", "--customer", "--format", "md"),
    "diagram.dot": ("render", "{path}", "--format", "dot", "-o", "-"),
    "diagram-mono-emotion.dot": (
        "render",
        "{path}",
        "--format",
        "dot",
        "--theme",
        "mono",
        "--emotion",
        "--no-inferred",
        "-o",
        "-",
    ),  # fmt: skip
    "diagram.svg": ("render", "{path}", "--format", "svg", "-o", "-"),
}
NEEDS_DOT = {name for name in OUTPUTS if name.endswith(".svg")}


def graphviz_version() -> str:
    out = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False)
    return (out.stderr or out.stdout).strip()


def produce(path: Path, name: str) -> bytes:
    """The output ``name`` of the example at ``path``, as the CLI writes it."""
    from blueprint.cli import cli

    rel = path.relative_to(ROOT).as_posix()
    args = [a.format(path=rel) for a in OUTPUTS[name]]
    cwd = os.getcwd()
    os.chdir(ROOT)  # paths in reports are the ones a user types: blueprints/x.yaml
    try:
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def show_diff(expected: bytes, actual: bytes, name: str) -> str:
    a = expected.decode("utf-8", "replace").splitlines(keepends=True)
    b = actual.decode("utf-8", "replace").splitlines(keepends=True)
    diff = list(difflib.unified_diff(a, b, f"golden/{name}", "now", n=2))
    shown = "".join(diff[:80])
    more = f"\n... {len(diff) - 80} more diff lines" if len(diff) > 80 else ""
    return f"{shown}{more}\nIf the change is intended: pytest --update-golden, then git diff tests/golden"


CASES = [
    pytest.param(
        path, name, id=f"{path.stem}/{name}", marks=[pytest.mark.dot] if name in NEEDS_DOT else []
    )
    for path in EXAMPLES
    for name in OUTPUTS
]


@pytest.mark.parametrize("path,name", CASES)
def test_output_matches_its_golden_file(path, name, request):
    golden = GOLDEN / path.stem / name
    if name in NEEDS_DOT:
        if not has_dot():
            pytest.skip("Graphviz is not installed")
        version = graphviz_version()
        recorded = (
            VERSION_FILE.read_text(encoding="utf-8").strip() if VERSION_FILE.exists() else None
        )
        updating = request.config.getoption("--update-golden")
        if updating:
            VERSION_FILE.parent.mkdir(parents=True, exist_ok=True)
            VERSION_FILE.write_text(version + "\n", encoding="utf-8")
        elif recorded != version and not os.environ.get("CI"):
            pytest.skip(f"the SVG golden files were drawn by {recorded!r}, this is {version!r}")
    actual = produce(path, name)
    if request.config.getoption("--update-golden"):
        old = golden.read_bytes() if golden.exists() else None
        if old != actual:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_bytes(actual)
            request.config.stash.setdefault(UPDATED, []).append(golden.relative_to(ROOT).as_posix())
        return
    assert golden.exists(), f"no golden file {golden.relative_to(ROOT)}: run pytest --update-golden"
    expected = golden.read_bytes()
    assert actual == expected, show_diff(expected, actual, f"{path.stem}/{name}")


def test_every_golden_file_belongs_to_an_example_and_an_output():
    """A golden file left behind by a removed example or output is an error, not clutter."""
    known = {(p.stem, n) for p in EXAMPLES for n in OUTPUTS}
    found = {(f.parent.name, f.name) for f in GOLDEN.glob("*/*") if f.is_file()}
    assert found - known == set()
    assert {p.stem for p in EXAMPLES} <= {f.parent.name for f in GOLDEN.glob("*/*")}
