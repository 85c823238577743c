"""``blueprint diff --format github``: one ``::notice`` annotation per change,
on its line of the new file (a removed step: on the line of the step before
it, or the top of the file), with the escaping of :mod:`blueprint.report.ci`."""

from __future__ import annotations

from blueprint.diff import Diff
from blueprint.report.ci import gh_escape_data, gh_escape_property
from blueprint.report.diff_text import counts, plain, sentence, verdict


def _new_line(d: Diff, step: str | None) -> int:
    """For a removed step: the line of the nearest surviving step before it in the old file."""
    old = d.old.bp
    s = old.by_id.get(step or "")
    if s is None:
        return 1
    mapping = {o: n for o, n, _ in d.renamed}
    for prev in reversed(old.steps[: s.index]):
        nid = mapping.get(prev.id, prev.id)
        if nid in d.new.bp.by_id:
            return d.new.bp.by_id[nid].pos.line
    return 1


def github(diffs: list[Diff]) -> str:
    lines = []
    for d in diffs:
        path = d.new.file or d.new.name
        for ch in d.changes:
            line = ch.line if ch.side == "new" else _new_line(d, ch.step)
            props = ",".join(
                [
                    f"file={gh_escape_property(path)}",
                    f"line={line}",
                    f"title={gh_escape_property('blueprint diff ' + ch.kind)}",
                ]
            )
            said = sentence(ch, plain, d.new.bp.locale)
            lines.append(f"::notice {props}::{gh_escape_data(said)}")
        loc = d.new.bp.locale
        lines.append(
            f"{plain(d.old.name)} → {plain(d.new.name)}: {counts(d, loc)}; {verdict(d, loc)}"
        )
    return "\n".join(lines) + "\n"
