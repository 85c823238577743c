"""``blueprint diff --format markdown``: for a pull-request comment or
``$GITHUB_STEP_SUMMARY``, in the new blueprint's locale. Every text that comes
from a blueprint goes through the project's one Markdown escape,
:func:`blueprint.script.md_escape`."""

from __future__ import annotations

from blueprint import i18n, vocab
from blueprint.diff import Diff
from blueprint.report.diff_text import counts, figure_rows, mark, phase_title, sentence, verdict
from blueprint.script import md_escape

#: the hidden marker a workflow finds its own earlier comment by (docs/diff.md)
COMMENT_MARKER = "<!-- blueprint-diff -->"
#: a GitHub comment holds at most 65,536 characters: a longer report lists fewer changes
LIMIT = 65_000


def markdown(diffs: list[Diff], limit: int = LIMIT) -> str:
    """The report; when it would be longer than ``limit`` characters, each phase
    lists only its first changes and says how many more there are (the figures
    and the problems are always whole)."""
    loc = diffs[0].new.bp.locale if diffs else vocab.DEFAULT_LOCALE
    most: int | None = None  # changes listed per phase (None: all)
    while True:
        out = [COMMENT_MARKER, f"## {i18n.DIFF[loc]['md.title']}", ""]
        for d in diffs:
            out.extend(_one(d, most))
        text = "\n".join(out).rstrip("\n") + "\n"
        if len(text) <= limit or most == 0:
            return text
        if most is None:
            most = max(len(g) for d in diffs for _, _, g in d.by_phase())
        most //= 2


def _one(d: Diff, most: int | None = None) -> list[str]:
    loc = d.new.bp.locale
    w = i18n.DIFF[vocab.locale_of(loc)]
    out = [f"### {md_escape(d.new.bp.title)}", ""]
    out.append(
        f"`{md_escape(d.old.name)}` → `{md_escape(d.new.name)}`: {md_escape(counts(d, loc))}."
    )
    out.append("")
    said = verdict(d, loc)
    out.append(f"**{md_escape(said[:1].upper() + said[1:])}.**")
    out.append("")
    for pid, name, group in d.by_phase():
        out.append(f"#### {md_escape(phase_title(pid, name, loc))}")
        out.append("")
        shown = group if most is None else group[:most]
        for ch in shown:
            at = w["md.at" if ch.side == "new" else "md.at_old"].format(line=ch.line)
            out.append(f"- {md_escape(mark(ch))} {sentence(ch, md_escape, loc)} ({at})")
        if len(shown) < len(group):
            out.append(f"- {w['md.more'].format(len(group) - len(shown))}")
        out.append("")
    out.append(f"| {w['md.figure']} | {w['md.before']} | {w['md.after']} | {w['md.change']} |")
    out.append("|---|---|---|---|")
    for name, old, new, delta in figure_rows(d, loc):
        out.append(
            f"| {md_escape(name)} | {md_escape(old)} | {md_escape(new)} | {md_escape(delta)} |"
        )
    out.append("")
    if d.problems:
        out.append(f"| {w['md.problem']} | {w['md.rule']} | {w['md.line']} | {w['md.message']} |")
        out.append("|---|---|---|---|")
        for pc in d.problems:
            p = pc.problem
            word = w["introduced" if pc.introduced else "fixed"]
            out.append(
                f"| {word} {p.severity} | `{md_escape(p.rule)}` | {p.line} | {md_escape(p.message)} |"
            )
        out.append("")
    return out
