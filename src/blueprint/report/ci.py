"""Reporters for CI systems: GitHub Actions annotations, SARIF 2.1.0, JUnit XML."""

from __future__ import annotations

import json
import os

from blueprint import __version__
from blueprint.problems import Problem
from blueprint.resources import repository_url, rule_doc_url
from blueprint.vocab import ERROR, INFO, OFF, WARNING, printable

# ---------------------------------------------------------------- GitHub Actions

_GH_LEVEL = {ERROR: "error", WARNING: "warning", INFO: "notice"}


def gh_escape_data(text: str) -> str:
    """Escape a workflow command's message, as the Actions runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_escape_property(text: str) -> str:
    """Escape a workflow command property value (file, title…)."""
    return gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(p: Problem) -> str:
    props = ",".join(
        [
            f"file={gh_escape_property(p.path)}",
            f"line={p.line}",
            f"col={p.col}",
            f"endLine={p.line}",
            f"endColumn={p.col}",
            f"title={gh_escape_property(f'blueprint {p.rule}')}",
        ]
    )
    return f"::{_GH_LEVEL.get(p.severity, 'warning')} {props}::{gh_escape_data(p.message)}"


def github(results, quiet: bool = False) -> str:
    """Workflow commands (annotations) followed by the plain lines and summary:
    GitHub shows only a few annotations per step, the log keeps all of them.
    ``quiet``: no summary (nothing at all on a clean run)."""
    from blueprint.report import text

    lines = [github_line(p) for r in results for p in r.problems]
    return ("\n".join(lines) + "\n" if lines else "") + text(results, quiet=quiet)


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


# ---------------------------------------------------------------- SARIF 2.1.0

_SARIF_LEVEL = {ERROR: "error", WARNING: "warning", INFO: "note", OFF: "none"}
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    """A relative URI for files under the current folder, else a file:// URI,
    percent-encoded (spaces, '#', '%', CJK...)."""
    from urllib.parse import quote

    rel = os.path.relpath(path) if os.path.isabs(path) else path
    if rel.startswith(".."):
        return "file://" + quote(os.path.abspath(path).replace(os.sep, "/"))
    return quote(rel.replace(os.sep, "/"))


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold: control characters shown as \\xNN (vocab.printable)."""
    return printable(text, keep="\t\n\r")


def sarif(results, registry) -> str:
    ids = sorted(registry)
    index = {rid: i for i, rid in enumerate(ids)}
    rules = []
    for rid in ids:
        r = registry[rid]
        paragraphs = r.doc.split("\n\n", 1)
        full = paragraphs[1].strip() if len(paragraphs) > 1 else r.summary
        rules.append(
            {
                "id": rid,
                "name": "".join(w.capitalize() for w in rid.split("-")),
                "shortDescription": {"text": r.summary or rid},
                "fullDescription": {"text": full or r.summary or rid},
                "help": {
                    "text": r.doc or rid,
                    "markdown": f"See `blueprint rules {rid}`.\n\n{r.doc}",
                },
                "helpUri": rule_doc_url(rid),
                "defaultConfiguration": {"level": _SARIF_LEVEL.get(r.severity, "warning")},
            }
        )
    out_results = []
    for res in results:
        for p in res.problems:
            item = {
                "ruleId": p.rule,
                "level": _SARIF_LEVEL.get(p.severity, "warning"),
                "message": {"text": p.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(p.path)},
                            "region": {"startLine": p.line, "startColumn": p.col},
                        }
                    }
                ],
            }
            if p.rule in index:
                item["ruleIndex"] = index[p.rule]
            out_results.append(item)
    doc = {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "blueprint",
                        "version": __version__,
                        "informationUri": repository_url(),
                        "rules": rules,
                    }
                },
                "results": out_results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- JUnit XML


def junit(results, failing=("error",)) -> str:
    """One test case per file; a file fails when it has a problem of a failing severity."""
    # here, not at the top: xml.sax.saxutils imports urllib.request and http.client
    # (25 ms), which every `check` would pay for
    from xml.sax.saxutils import escape as xml_escape
    from xml.sax.saxutils import quoteattr

    cases, failures = [], 0
    for r in results:
        bad = [p for p in r.problems if p.severity in failing]
        name = quoteattr(_xml_text(r.path))
        if bad:
            failures += 1
            body = xml_escape(_xml_text("\n".join(p.format() for p in r.problems)))
            msg = quoteattr(
                _xml_text(f"{len(bad)} problem{'s' if len(bad) != 1 else ''}: {bad[0].message}")
            )
            cases.append(
                f'    <testcase classname="blueprint.check" name={name}>\n'
                f'      <failure message={msg} type="blueprint">{body}</failure>\n'
                f"    </testcase>"
            )
        elif r.problems:
            body = xml_escape(_xml_text("\n".join(p.format() for p in r.problems)))
            cases.append(
                f'    <testcase classname="blueprint.check" name={name}>\n'
                f"      <system-out>{body}</system-out>\n    </testcase>"
            )
        else:
            cases.append(f'    <testcase classname="blueprint.check" name={name}/>')
    n = len(results)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="blueprint" tests="{n}" failures="{failures}" errors="0">\n'
        f'  <testsuite name="blueprint check" tests="{n}" failures="{failures}" errors="0" skipped="0">\n'
        + "\n".join(cases)
        + ("\n" if cases else "")
        + "  </testsuite>\n</testsuites>\n"
    )
