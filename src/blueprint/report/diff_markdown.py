"""``blueprint diff --format markdown``: for a pull-request comment or
``$GITHUB_STEP_SUMMARY``. Every text that comes from a blueprint goes through
the project's one Markdown escape, :func:`blueprint.script.md_escape`."""

from __future__ import annotations

from blueprint.diff import Diff
from blueprint.report.diff_text import counts, figure_rows, mark, phase_title, sentence, verdict
from blueprint.script import md_escape

#: the hidden marker a workflow finds its own earlier comment by (docs/diff.md)
COMMENT_MARKER = "<!-- blueprint-diff -->"


def markdown(diffs: list[Diff]) -> str:
    out = [COMMENT_MARKER, "## What this change does to the service", ""]
    for d in diffs:
        out.extend(_one(d))
    return "\n".join(out).rstrip("\n") + "\n"


def _one(d: Diff) -> list[str]:
    out = [f"### {md_escape(d.new.bp.title)}", ""]
    out.append(f"`{md_escape(d.old.name)}` → `{md_escape(d.new.name)}`: {md_escape(counts(d))}.")
    out.append("")
    out.append(f"**{md_escape(verdict(d).capitalize())}.**")
    out.append("")
    for pid, name, group in d.by_phase():
        out.append(f"#### {md_escape(phase_title(pid, name))}")
        out.append("")
        for ch in group:
            out.append(
                f"- {md_escape(mark(ch))} {sentence(ch, md_escape)} (line {ch.line}{'' if ch.side == 'new' else ', old file'})"
            )
        out.append("")
    out.append("| figure | before | after | change |")
    out.append("|---|---|---|---|")
    for name, old, new, delta in figure_rows(d):
        out.append(
            f"| {md_escape(name)} | {md_escape(old)} | {md_escape(new)} | {md_escape(delta)} |"
        )
    out.append("")
    if d.problems:
        out.append("| problem | rule | line | message |")
        out.append("|---|---|---|---|")
        for pc in d.problems:
            p = pc.problem
            word = "introduced" if pc.introduced else "fixed"
            out.append(
                f"| {word} {p.severity} | `{md_escape(p.rule)}` | {p.line} | {md_escape(p.message)} |"
            )
        out.append("")
    return out
