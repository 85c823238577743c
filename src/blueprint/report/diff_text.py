"""The words of ``blueprint diff`` and its text report (for a terminal).

:func:`sentence` says one change in service-design words; the markdown, JSON
and GitHub reports use it too, each with its own way of quoting the text that
comes from a blueprint (``quote``): the terminal shows it through
:func:`vocab.printable`, markdown through ``script.md_escape``.
"""

from __future__ import annotations

from collections.abc import Callable

from blueprint import i18n, vocab
from blueprint.diff import Change, Diff, Figure
from blueprint.durations import format_duration

Quote = Callable[[str], str]

#: (line, direction of the move) -> the design decision a lane move across it is
DECISIONS: dict[tuple[str, str], str] = {
    (vocab.INTERACTION, "up"): "now done by the customer: self-service",
    (vocab.INTERACTION, "down"): "now done for the customer by staff",
    (
        vocab.VISIBILITY,
        "down",
    ): "moved behind the line of visibility: the customer no longer sees it",
    (
        vocab.VISIBILITY,
        "up",
    ): "brought in front of the line of visibility: the customer now sees it",
    (
        vocab.INTERNAL,
        "down",
    ): "handed over to a support process (across the line of internal interaction)",
    (
        vocab.INTERNAL,
        "up",
    ): "taken back from support by contact staff (across the line of internal interaction)",
}

WORSE_WORDS: dict[str, str] = {
    "unrecovered-fail-points": "more declared fail points without a recovery",
    "customer-time": "the customer's time is longer",
    "peak-end": "a lower peak–end score",
    "errors": "new errors",
}


def plain(text: str) -> str:
    """Blueprint text on one terminal line."""
    return vocab.printable(" ".join(str(text).split()))


def seconds(v: object) -> str:
    return format_duration(float(v)) if isinstance(v, (int, float)) else "?"


def score(v: object) -> str:
    if not isinstance(v, (int, float)):
        return "?"
    return f"{v:+g}" if v else "0"


def lane_noun(lane: object) -> str:
    return vocab.STEP_NOUN.get(lane, "step") if isinstance(lane, str) else "step"


def lane_title(lane: object) -> str:
    return (
        i18n.lane_title(lane, "en").lower()
        if isinstance(lane, str) and lane in vocab.LANES
        else "no lane"
    )


def decisions(change: Change) -> list[str]:
    """The design decisions a lane move is, top to bottom."""
    lines = change.get("lines")
    direction = str(change.get("direction"))
    if not isinstance(lines, list):
        return []
    return [DECISIONS[(ln, direction)] for ln in lines if (ln, direction) in DECISIONS]


def _was(old: object, new: object, q: Quote, fmt: Callable[[object], str] | None = None) -> str:
    def show(v: object) -> str:
        if v is None or v == "":
            return "(none)"
        return fmt(v) if fmt else q(str(v))

    return f"{show(old)} → {show(new)}"


def sentence(ch: Change, q: Quote) -> str:
    """One change in service-design words (English); ``q`` quotes blueprint text."""
    k, sid = ch.kind, f"'{q(ch.step or '')}'"
    g = ch.get
    if k == "step-added":
        return f"added {lane_noun(g('lane'))} {sid}: {q(str(g('text')))}"
    if k == "step-removed":
        return f"removed {lane_noun(g('lane'))} {sid}: {q(str(g('text')))}"
    if k == "step-renamed":
        return f"'{q(str(g('old_id')))}' renamed to {sid} (similarity {g('similarity')})"
    if k == "lane-moved":
        what = "; ".join(decisions(ch))
        return f"{sid} moved from {lane_title(g('old'))} to {lane_title(g('new'))}" + (
            f": {what}" if what else ""
        )
    if k == "phase-moved":
        return f"{sid} moved to another phase: {_was(g('old_name'), g('new_name'), q)}"
    if k == "text-changed":
        return f"{sid} now reads: {_was(g('old'), g('new'), q)}"
    if k == "says-changed":
        return f"what staff say at {sid}: {_was(g('old'), g('new'), q)}"
    if k == "role-changed":
        return f"{sid} done by another role: {_was(g('old'), g('new'), q)}"
    if k == "duration-changed":
        return f"{sid} takes {_was(g('old'), g('new'), q)}"
    if k == "standard-changed":
        return f"standard of {sid}: {_was(g('old'), g('new'), q)}"
    if k == "description-changed":
        return f"description of {sid}: {_was(g('old'), g('new'), q)}"
    if k == "key-changed":
        return f"{sid} is now a key moment" if g("new") else f"{sid} is no longer a key moment"
    if k == "evidence-added":
        return f"{sid} gains evidence: {q(str(g('evidence')))}"
    if k == "evidence-removed":
        return f"{sid} loses evidence: {q(str(g('evidence')))}"
    if k == "emotion-changed":
        return f"the customer's emotion at {sid}: {_was(g('old'), g('new'), q, score)}"
    if k == "fail-added":
        if g("declared"):
            return f"new fail point at {sid}: {q(str(g('risk')))}"
        return f"new inferred fail point at {sid} ({', '.join(g('heuristics') or [])})"  # type: ignore[arg-type]
    if k == "fail-resolved":
        was = q(str(g("risk"))) if g("risk") else ", ".join(g("heuristics") or [])  # type: ignore[arg-type]
        return f"fail point at {sid} resolved (was: {was})"
    if k == "fail-declared":
        return f"the inferred fail point at {sid} is now declared: {q(str(g('risk')))}"
    if k == "fail-prevention-added":
        return f"fail point at {sid} given prevention: {q(str(g('prevention')))}"
    if k == "fail-recovery-added":
        return f"fail point at {sid} given recovery: {q(str(g('recovery')))}"
    if k == "fail-changed":
        return f"fail point at {sid}, {g('field')}: {_was(g('old'), g('new'), q)}"
    if k == "wait-added":
        how = "wait" if g("declared") else "inferred wait"
        return f"new {how} at {sid} (expected {seconds(g('expected'))})"
    if k == "wait-removed":
        return f"no more wait at {sid} (was {seconds(g('expected'))})"
    if k in ("wait-shortened", "wait-lengthened"):
        verb = "shortened" if k == "wait-shortened" else "lengthened"
        return f"wait at {sid} {verb}: {seconds(g('old'))} → {seconds(g('new'))}"
    if k == "wait-filled":
        return f"wait at {sid} filled: {q(str(g('fill')))}"
    if k == "wait-explained":
        return f"wait at {sid} explained: {q(str(g('explain')))}"
    target = f"'{q(str(g('target')))}'"
    when = f" (when {q(str(g('when')))})" if g("when") else ""
    if k == "flow-added":
        return f"new flow {sid} → {target}{when}"
    if k == "flow-removed":
        return f"flow {sid} → {target} removed{when}"
    if k == "flow-changed":
        parts = []
        if g("old_flow") != g("new_flow"):
            parts.append(f"kind {g('old_flow')} → {g('new_flow')}")
        if g("old_when") != g("new_when"):
            parts.append(f"condition {_was(g('old_when'), g('new_when'), q)}")
        return f"flow {sid} → {target}: {'; '.join(parts)}"
    if k == "loop-added":
        return f"{g('flow')} loop gained: {sid} → {target}{when}"
    if k == "loop-removed":
        return f"{g('flow')} loop lost: {sid} → {target}{when}"
    if k == "end-added":
        return f"the journey now ends at {sid} (emotion {score(g('emotion'))}, peak–end score {score(g('score'))})"
    if k == "end-removed":
        return f"the journey no longer ends at {sid} (peak–end score was {score(g('score'))})"
    if k == "end-score-changed":
        return f"peak–end score of the end {sid}: {score(g('old'))} → {score(g('new'))}"
    return k  # pragma: no cover - every kind is worded above (tests/test_diff.py)


def figure_rows(d: Diff) -> list[tuple[str, str, str, str]]:
    """(name, old, new, change) of the service's figures."""
    t = d.timing

    def delta(f: Figure, fmt: Callable[[object], str]) -> str:
        if f.old is None or f.new is None or f.old == f.new:
            return "" if f.old == f.new else "changed"
        diff = f.new - f.old
        return ("+" if diff > 0 else "−") + fmt(abs(diff)).lstrip("+")

    inc = (
        "" if d.customer_complete[0] else " (incomplete)",
        "" if d.customer_complete[1] else " (incomplete)",
    )
    return [
        (
            "customer time",
            seconds(t["customer"].old) + inc[0],
            seconds(t["customer"].new) + inc[1],
            delta(t["customer"], seconds),
        ),
        (
            "critical path",
            seconds(t["critical_path"].old),
            seconds(t["critical_path"].new),
            delta(t["critical_path"], seconds),
        ),
        (
            "tolerance",
            seconds(t["tolerance"].old),
            seconds(t["tolerance"].new),
            delta(t["tolerance"], seconds),
        ),
        (
            "margin vs tolerance",
            _margin(t["margin"].old),
            _margin(t["margin"].new),
            delta(t["margin"], seconds),
        ),
        ("peak–end score", score(d.peak_end.old), score(d.peak_end.new), delta(d.peak_end, score)),
        *(
            (
                f"peak–end score of the end '{plain(step)}'",
                score(f.old) if f.old is not None else "–",
                score(f.new) if f.new is not None else "–",
                delta(f, score) if f.old is not None and f.new is not None else "",
            )
            for step, f in d.ends
        ),
        (
            "fail points without recovery",
            str(d.unrecovered.old),
            str(d.unrecovered.new),
            delta(d.unrecovered, str),
        ),
        (
            "inferred fail points",
            str(d.inferred.old),
            str(d.inferred.new),
            delta(d.inferred, str),
        ),
    ]


def _margin(v: float | None) -> str:
    if v is None:
        return "?"
    return seconds(v) if v >= 0 else f"{seconds(-v)} over"


def counts(d: Diff) -> str:
    n = len(d.changes)
    added = sum(c.kind == "step-added" for c in d.changes)
    removed = sum(c.kind == "step-removed" for c in d.changes)
    return (
        f"{n} change{'s' if n != 1 else ''} ({added} step{'s' if added != 1 else ''} added, {removed} removed, "
        f"{len(d.renamed)} renamed); problems: {sum(p.introduced for p in d.problems)} introduced, "
        f"{sum(not p.introduced for p in d.problems)} fixed"
    )


def verdict(d: Diff) -> str:
    if not d.changed:
        return "no change to the service"
    if d.worse:
        return "the service got worse: " + "; ".join(WORSE_WORDS[w] for w in d.worse)
    return (
        "the service did not get worse: no more fail points without recovery, no longer "
        "customer time, no lower peak–end score, no new errors"
    )


def phase_title(pid: str | None, name: str) -> str:
    if pid is None:
        return "Without a phase"
    return name if name == pid else f"{name} ({pid})"


MARK = {"added": "+", "removed": "-", "changed": "~"}


def mark(ch: Change) -> str:
    if ch.kind.endswith("-added") or ch.kind in ("fail-resolved",):
        return MARK["added"] if ch.kind != "fail-resolved" else MARK["changed"]
    if ch.kind.endswith("-removed"):
        return MARK["removed"]
    return MARK["changed"]


def text(d: Diff) -> str:
    """The report for a terminal: the changes by phase, the figures, the problems, a verdict."""
    out = [f"{plain(d.old.name)} → {plain(d.new.name)}"]
    if d.old.bp.title != d.new.bp.title or d.old.bp.id != d.new.bp.id:
        out.append(
            f"  {plain(d.old.bp.title)} ({plain(d.old.bp.id)}) → {plain(d.new.bp.title)} ({plain(d.new.bp.id)})"
        )
    else:
        out.append(f"  {plain(d.new.bp.title)} ({plain(d.new.bp.id)})")
    for pid, name, group in d.by_phase():
        out.append("")
        out.append(plain(phase_title(pid, name)))
        for ch in group:
            where = f"{ch.side}:{ch.line}"
            out.append(f"  {mark(ch)} {sentence(ch, plain)}  [{where}]")
    rows = figure_rows(d)
    out.append("")
    out.append("Service figures (old → new)")
    width = max(len(r[0]) for r in rows)
    for name, old, new, delta in rows:
        out.append(f"  {name.ljust(width)}  {old} → {new}" + (f"  ({delta})" if delta else ""))
    if d.problems:
        out.append("")
        out.append("Problems")
        for pc in d.problems:
            p = pc.problem
            word = "introduced" if pc.introduced else "fixed"
            out.append(
                f"  {word}: {p.path}:{p.line}:{p.col}: {p.severity} {plain(p.message)} [{p.rule}]"
            )
    out.append("")
    out.append(f"{counts(d)}; {verdict(d)}")
    return "\n".join(out) + "\n"


def canonical(bp, analysis) -> str:
    """One blueprint as ``git diff`` should compare it (``blueprint diff --textconv``):
    the steps by phase in flow order, one fact per line, then the figures. Two
    blueprints that differ only in layout, comments or key order print the same."""
    out = [f"blueprint {plain(bp.id)}: {plain(bp.title)}"]
    if bp.tolerance:
        out.append(f"tolerance {bp.tolerance.text}")
    order = analysis.structure.order
    names = {p.id: p.name for p in bp.phases}
    phases = [p.id for p in bp.phases] + [None]
    for pid in phases:
        steps = [bp.by_id[n] for n in order if bp.by_id[n].phase == pid]
        if not steps:
            continue
        out.append("")
        out.append(f"== {plain(phase_title(pid, names.get(pid, pid or '')))}")
        for s in steps:
            out.append(f"{plain(s.id)} [{lane_title(s.lane)}] {plain(s.text)}")
            facts: list[tuple[str, object]] = [
                ("role", s.role),
                ("says", s.says),
                ("duration", s.duration.text if s.duration else None),
                (
                    "standard",
                    (
                        s.standard.text
                        + (f" (within {s.standard.within.text})" if s.standard.within else "")
                    )
                    if s.standard
                    else None,
                ),
                ("emotion", score(s.emotion) if s.emotion is not None else None),
                ("key moment", "yes" if s.key else None),
            ]
            facts += [("evidence", e.text) for e in s.evidence]
            f = analysis.fail_at(s.id)
            if f is not None:
                if f.fail is not None:
                    facts.append(("fail point", f.fail.risk))
                    facts.append(("  prevention", f.fail.prevention or None))
                    facts.append(("  recovery", f.fail.recovery or None))
                else:
                    facts.append(("inferred fail point", ", ".join(f.heuristics)))
            w = analysis.wait_at(s.id)
            if w is not None:
                facts.append(("wait" if w.declared else "inferred wait", seconds(w.expected)))
                if s.wait is not None:
                    facts.append(("  fill", s.wait.fill or None))
                    facts.append(("  explain", s.wait.explain or None))
            for fl in s.flows:
                when = f" when {plain(fl.when)}" if fl.when else ""
                kind = "" if fl.kind == "normal" else f" ({fl.kind})"
                facts.append(("->", f"{fl.target}{kind}{when}"))
            for name, value in facts:
                if value not in (None, ""):
                    out.append(f"    {name}: {plain(str(value))}")
    t = analysis.timing
    out.append("")
    out.append(
        f"customer time: {seconds(t.customer.total)}{'' if t.customer.complete else ' (incomplete)'}"
    )
    out.append(f"critical path: {seconds(t.critical_seconds)}")
    if t.margin is not None:
        out.append(f"margin vs tolerance: {_margin(t.margin)}")
    for e in analysis.end_moments:
        out.append(f"end {plain(e.step)}: peak–end score {score(e.score)}")
    return "\n".join(out) + "\n"
