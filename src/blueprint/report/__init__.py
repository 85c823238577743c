"""Reporters: the only place that turns problems into text for people or tools."""

from __future__ import annotations

import json
import os
import sys

from blueprint.problems import Problem
from blueprint.vocab import ERROR, INFO, SEVERITIES, WARNING, printable

JSON_VERSION = 1


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


_COLORS = {ERROR: "\033[31m", WARNING: "\033[33m", INFO: "\033[36m"}


def format_problem(p: Problem, color: bool = False) -> str:
    # a file name may hold a line break or an escape too
    path, message = printable(p.path), printable(p.message)
    if not color:
        return f"{path}:{p.line}:{p.col}: {p.severity} {message} [{p.rule}]"
    sev = f"{_COLORS.get(p.severity, '')}{p.severity}\033[0m"
    return f"\033[1m{path}:{p.line}:{p.col}:\033[0m {sev} {message} \033[2m[{p.rule}]\033[0m"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(results) -> str:
    from blueprint.messages import _, ngettext

    problems = [p for r in results for p in r.problems]
    counts = {s: sum(1 for p in problems if p.severity == s) for s in SEVERITIES}
    files = len(results)
    checked = ngettext("%(n)d file checked", "%(n)d files checked", files) % {"n": files}
    if not problems:
        return _("%(checked)s: no problems") % {"checked": checked}
    n_err, n_warn = counts["error"], counts["warning"]
    parts = [
        ngettext("%(n)d error", "%(n)d errors", n_err) % {"n": n_err},
        ngettext("%(n)d warning", "%(n)d warnings", n_warn) % {"n": n_warn},
    ]
    if counts["info"]:
        parts.append(_("%(n)d info") % {"n": counts["info"]})
    # TRANSLATORS: between the counts of a summary ("1 error, 2 warnings")
    return _("%(checked)s: %(counts)s") % {"checked": checked, "counts": _(", ").join(parts)}


def text(results, color: bool = False, quiet: bool = False) -> str:
    """One line per problem, a blank line and the summary; ``quiet``: the
    problems only, and nothing at all when there are none."""
    lines = [format_problem(p, color) for r in results for p in r.problems]
    if not quiet:
        if lines:
            lines.append("")
        lines.append(summary(results))
    return "".join(line + "\n" for line in lines)


def problem_dict(p: Problem) -> dict:
    return {
        "path": p.path,
        "line": p.line,
        "column": p.col,
        "severity": p.severity,
        "rule": p.rule,
        "message": p.message,
    }


def as_json(results) -> str:
    """The stable JSON report (``blueprint check --format json``)::

        {
          "version": 1,
          "files": [
            {"path": "blueprints/a.yaml",
             "problems": [{"path": "blueprints/a.yaml", "line": 9, "column": 12,
                           "severity": "error", "rule": "flow-skips-line",
                           "message": "..."}]}
          ],
          "summary": {"files": 1, "errors": 1, "warnings": 0, "info": 0}
        }

    Every checked file appears, in the order checked, with its problems
    sorted by line and column (an empty list when clean). Lines and columns
    are 1-based. ``version`` changes only when a key is removed or renamed;
    new keys may be added. Text is UTF-8, not escaped to ASCII.
    """
    problems = [p for r in results for p in r.problems]
    doc = {
        "version": JSON_VERSION,
        "files": [
            {"path": r.path, "problems": [problem_dict(p) for p in r.problems]} for r in results
        ],
        "summary": {
            "files": len(results),
            "errors": sum(1 for p in problems if p.severity == "error"),
            "warnings": sum(1 for p in problems if p.severity == "warning"),
            "info": sum(1 for p in problems if p.severity == "info"),
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
