"""Data flows one way through the parts (docs/architecture.md): the analysis
reads the model and the graph and says what it found by phrase keys; words,
reports and drawings are above it and it imports none of them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "blueprint"

#: what the analysis may import from blueprint (the parts below it)
ANALYSIS_MAY_IMPORT = {
    "blueprint.graph",
    "blueprint.model",
    "blueprint.vocab",
    "blueprint.durations",
}

#: (file, function, module): the one import above graph, done when called; kept
#: because Analysis.to_dict() is public API (build.py and docs/analysis.md use it)
ALLOWED_UPWARD = {("findings.py", "to_dict", "blueprint.report.analysis_json")}


def _imports(path: Path):
    """(function or '', module) for every import of a blueprint module in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []

    def visit(node, func):
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else func
            )
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names = [child.module]
                if child.module == "blueprint":  # from blueprint import i18n
                    names = [f"blueprint.{a.name}" for a in child.names]
                out.extend((func, n) for n in names if n.startswith("blueprint"))
            elif isinstance(child, ast.Import):
                out.extend((func, a.name) for a in child.names if a.name.startswith("blueprint"))
            visit(child, inner)

    visit(tree, "")
    return out


def test_the_analysis_imports_nothing_above_the_graph():
    wrong = []
    for path in sorted((SRC / "analysis").glob("*.py")):
        for func, module in _imports(path):
            if module.startswith("blueprint.analysis") or module in ANALYSIS_MAY_IMPORT:
                continue
            if (path.name, func, module) not in ALLOWED_UPWARD:
                wrong.append(f"analysis/{path.name}: {func or '<module>'} imports {module}")
    assert not wrong, wrong


def test_no_presentation_is_left_in_the_analysis():
    """The text report and the JSON form live in report/ (no English sentences here)."""
    names = {p.name for p in (SRC / "analysis").glob("*.py")}
    assert not names & {"text.py", "export.py"}
    assert (SRC / "report" / "analysis_text.py").is_file()
    assert (SRC / "report" / "analysis_json.py").is_file()


def test_the_layer_test_sees_imports_inside_functions(tmp_path):
    """The scan above would catch a lazy import (else it could not fail)."""
    p = tmp_path / "m.py"
    p.write_text(
        "import os\n\ndef f():\n    from blueprint import i18n\n    from blueprint.report import text\n"
    )
    assert _imports(p) == [("f", "blueprint.i18n"), ("f", "blueprint.report")]


def test_every_declared_dependency_is_used():
    """A dependency in pyproject.toml that nothing imports is only a download
    (the graphviz package was one: render/backend.py runs Graphviz itself, with
    a time limit the package's pipe() does not offer)."""
    import tomllib

    project = tomllib.loads((SRC.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    import_name = {"pyyaml": "yaml"}
    imported = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    for spec in project["project"]["dependencies"]:
        name = re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower()
        assert import_name.get(name, name) in imported, f"{name} is declared but never imported"
