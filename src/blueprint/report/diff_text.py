"""The words of ``blueprint diff`` and its text report (for a terminal).

:func:`sentence` says one change in service-design words; the markdown, JSON
and GitHub reports use it too, each with its own way of quoting the text that
comes from a blueprint (``quote``): the terminal shows it through
:func:`vocab.printable`, markdown through ``script.md_escape``.
"""

from __future__ import annotations

from collections.abc import Callable

from blueprint import i18n, vocab
from blueprint.diff import TEXT_FIELDS, Change, Diff, Figure
from blueprint.durations import format_duration
from blueprint.textwidth import display_width

Quote = Callable[[str], str]


#: the words of the report, per locale: i18n.DIFF
def _w(locale: str) -> dict[str, str]:
    return i18n.DIFF[vocab.locale_of(locale)]


def plain(text: str) -> str:
    """Blueprint text on one terminal line."""
    return vocab.printable(" ".join(str(text).split()))


def seconds(v: object) -> str:
    return format_duration(float(v)) if isinstance(v, (int, float)) else "?"


def score(v: object) -> str:
    if not isinstance(v, (int, float)):
        return "?"
    return f"{v:+g}" if v else "0"


def lane_noun(lane: object, locale: str = "en") -> str:
    w = _w(locale)
    return w.get(f"noun.{lane}", w["noun.step"]) if isinstance(lane, str) else w["noun.step"]


def lane_title(lane: object, locale: str = "en") -> str:
    if not (isinstance(lane, str) and lane in vocab.LANES):
        return _w(locale)["no-lane"]
    title = i18n.lane_title(lane, locale)
    return title.lower() if vocab.locale_of(locale) == vocab.DEFAULT_LOCALE else title


def decisions(change: Change, locale: str = "en") -> list[str]:
    """The design decisions a lane move is, top to bottom: one per line crossed
    (i18n.DIFF's ``decision.<line>.<down|up>``)."""
    lines = change.get("lines")
    direction = str(change.get("direction"))
    if not isinstance(lines, list):
        return []
    w = _w(locale)
    return [w[f"decision.{ln}.{direction}"] for ln in lines if f"decision.{ln}.{direction}" in w]


def sentence(ch: Change, q: Quote, locale: str = "en") -> str:
    """One change in service-design words, in ``locale``; ``q`` quotes blueprint text."""
    w = _w(locale)
    k, g = ch.kind, ch.get
    sid = f"'{q(ch.step or '')}'"

    def t(key: str) -> str:
        return q(str(g(key)))

    def was(old: object, new: object, fmt: Callable[[object], str] | None = None) -> str:
        def show(v: object) -> str:
            if v is None or v == "":
                return w["none"]
            return fmt(v) if fmt else q(str(v))

        return f"{show(old)} → {show(new)}"

    when = w["when"].format(when=t("when")) if g("when") else ""
    target = f"'{t('target')}'" if g("target") is not None else ""
    args: dict[str, object] = {"sid": sid, "target": target, "when": when}
    if k in ("step-added", "step-removed"):
        args.update(noun=lane_noun(g("lane"), locale), text=t("text"))
    elif k == "step-renamed":
        args.update(old_id=f"'{t('old_id')}'", similarity=g("similarity"))
    elif k == "lane-moved":
        move = w["lane-moved"].format(
            sid=sid, old=lane_title(g("old"), locale), new=lane_title(g("new"), locale)
        )
        why = w["sep"].join(decisions(ch, locale))
        return w["lane-moved.why"].format(move=move, decisions=why) if why else move
    elif k == "phase-moved":
        args.update(change=was(g("old_name"), g("new_name")))
    elif k == "emotion-changed":
        args.update(change=was(g("old"), g("new"), score))
    elif k.endswith("-changed") and k[: -len("-changed")] in TEXT_FIELDS and k != "key-changed":
        args.update(change=was(g("old"), g("new")))
    elif k == "key-changed":
        k = "key-changed.on" if g("new") else "key-changed.off"
    elif k in ("evidence-added", "evidence-removed"):
        args.update(evidence=t("evidence"))
    elif k == "fail-added":
        if g("declared"):
            k, args["risk"] = "fail-added.declared", t("risk")
        else:
            k, args["heuristics"] = "fail-added.inferred", ", ".join(g("heuristics") or [])  # type: ignore[arg-type]
    elif k == "fail-resolved":
        args["was"] = t("risk") if g("risk") else ", ".join(g("heuristics") or [])  # type: ignore[arg-type]
    elif k == "fail-declared":
        args["risk"] = t("risk")
    elif k == "fail-prevention-added":
        args["prevention"] = t("prevention")
    elif k == "fail-recovery-added":
        args["recovery"] = t("recovery")
    elif k == "fail-changed":
        args.update(
            field=w.get(f"field.{g('field')}", str(g("field"))), change=was(g("old"), g("new"))
        )
    elif k == "wait-added":
        k = "wait-added.declared" if g("declared") else "wait-added.inferred"
        args["expected"] = seconds(g("expected"))
    elif k == "wait-removed":
        args["expected"] = seconds(g("expected"))
    elif k in ("wait-shortened", "wait-lengthened"):
        args.update(old=seconds(g("old")), new=seconds(g("new")))
    elif k == "wait-filled":
        args["fill"] = t("fill")
    elif k == "wait-explained":
        args["explain"] = t("explain")
    elif k == "flow-changed":
        parts = []
        if g("old_flow") != g("new_flow"):
            parts.append(
                w["flow-changed.kind"].format(
                    old=w.get(f"flow.{g('old_flow')}", g("old_flow")),
                    new=w.get(f"flow.{g('new_flow')}", g("new_flow")),
                )
            )
        if g("old_when") != g("new_when"):
            parts.append(w["flow-changed.when"].format(change=was(g("old_when"), g("new_when"))))
        args["parts"] = w["sep"].join(parts)
    elif k in ("loop-added", "loop-removed"):
        args["flow"] = w.get(f"flow.{g('flow')}", str(g("flow")))
    elif k in ("end-added", "end-removed"):
        args.update(emotion=score(g("emotion")), score=score(g("score")))
    elif k == "end-score-changed":
        args.update(old=score(g("old")), new=score(g("new")))
    template = w.get(k)
    return template.format(**args) if template is not None else ch.kind


def figure_rows(d: Diff, locale: str = "en") -> list[tuple[str, str, str, str]]:
    """(name, old, new, change) of the service's figures."""
    w = _w(locale)
    t = d.timing

    def delta(f: Figure, fmt: Callable[[object], str]) -> str:
        if f.old is None or f.new is None or f.old == f.new:
            return "" if f.old == f.new else w["changed"]
        diff = f.new - f.old
        return ("+" if diff > 0 else "−") + fmt(abs(diff)).lstrip("+")

    def margin(v: float | None) -> str:
        if v is None:
            return "?"
        return seconds(v) if v >= 0 else w["over"].format(seconds(-v))

    inc = tuple("" if complete else w["incomplete"] for complete in d.customer_complete)
    return [
        (
            w["figure.customer"],
            seconds(t["customer"].old) + inc[0],
            seconds(t["customer"].new) + inc[1],
            delta(t["customer"], seconds),
        ),
        (
            w["figure.critical"],
            seconds(t["critical_path"].old),
            seconds(t["critical_path"].new),
            delta(t["critical_path"], seconds),
        ),
        (
            w["figure.tolerance"],
            seconds(t["tolerance"].old),
            seconds(t["tolerance"].new),
            delta(t["tolerance"], seconds),
        ),
        (
            w["figure.margin"],
            margin(t["margin"].old),
            margin(t["margin"].new),
            delta(t["margin"], seconds),
        ),
        (
            w["figure.peak_end"],
            score(d.peak_end.old),
            score(d.peak_end.new),
            delta(d.peak_end, score),
        ),
        *(
            (
                w["figure.end"].format(f"'{plain(step)}'"),
                score(f.old) if f.old is not None else "–",
                score(f.new) if f.new is not None else "–",
                delta(f, score) if f.old is not None and f.new is not None else "",
            )
            for step, f in d.ends
        ),
        (
            w["figure.unrecovered"],
            str(d.unrecovered.old),
            str(d.unrecovered.new),
            delta(d.unrecovered, str),
        ),
        (
            w["figure.inferred"],
            str(d.inferred.old),
            str(d.inferred.new),
            delta(d.inferred, str),
        ),
    ]


def counts(d: Diff, locale: str = "en") -> str:
    w = _w(locale)
    n = len(d.changes)
    added = sum(c.kind == "step-added" for c in d.changes)
    return w["counts"].format(
        n=n,
        changes=w["change.one" if n == 1 else "change.many"],
        added=added,
        steps=w["step.one" if added == 1 else "step.many"],
        removed=sum(c.kind == "step-removed" for c in d.changes),
        renamed=len(d.renamed),
        introduced=sum(p.introduced for p in d.problems),
        fixed=sum(not p.introduced for p in d.problems),
    )


def verdict(d: Diff, locale: str = "en") -> str:
    w = _w(locale)
    if not d.changed:
        return w["verdict.none"]
    if d.worse:
        return w["verdict.worse"].format(w["sep"].join(w[f"worse.{r}"] for r in d.worse))
    return w["verdict.ok"]


def phase_title(pid: str | None, name: str, locale: str = "en") -> str:
    if pid is None:
        return _w(locale)["no-phase"]
    return name if name == pid else f"{name} ({pid})"


def _margin(v: float | None) -> str:
    """A margin in the canonical summary (English)."""
    if v is None:
        return "?"
    return seconds(v) if v >= 0 else f"{seconds(-v)} over"


MARK = {"added": "+", "removed": "-", "changed": "~"}


def mark(ch: Change) -> str:
    if ch.kind.endswith("-added") or ch.kind in ("fail-resolved",):
        return MARK["added"] if ch.kind != "fail-resolved" else MARK["changed"]
    if ch.kind.endswith("-removed"):
        return MARK["removed"]
    return MARK["changed"]


def text(d: Diff) -> str:
    """The report for a terminal, in the new blueprint's locale: the changes by
    phase, the figures, the problems, a verdict."""
    loc = d.new.bp.locale
    w = _w(loc)
    out = [f"{plain(d.old.name)} → {plain(d.new.name)}"]
    if d.old.bp.title != d.new.bp.title or d.old.bp.id != d.new.bp.id:
        out.append(
            f"  {plain(d.old.bp.title)} ({plain(d.old.bp.id)}) → {plain(d.new.bp.title)} ({plain(d.new.bp.id)})"
        )
    else:
        out.append(f"  {plain(d.new.bp.title)} ({plain(d.new.bp.id)})")
    for pid, name, group in d.by_phase():
        out.append("")
        out.append(plain(phase_title(pid, name, loc)))
        for ch in group:
            where = f"{ch.side}:{ch.line}"
            out.append(f"  {mark(ch)} {sentence(ch, plain, loc)}  [{where}]")
    rows = figure_rows(d, loc)
    out.append("")
    out.append(w["figures"])
    width = max(display_width(r[0]) for r in rows)
    for name, old, new, delta in rows:
        pad = " " * (width - display_width(name))
        out.append(f"  {name}{pad}  {old} → {new}" + (f"  ({delta})" if delta else ""))
    if d.problems:
        out.append("")
        out.append(w["problems"])
        for pc in d.problems:
            p = pc.problem
            word = w["introduced" if pc.introduced else "fixed"]
            out.append(
                f"  {word}: {p.path}:{p.line}:{p.col}: {p.severity} {plain(p.message)} [{p.rule}]"
            )
    out.append("")
    out.append(f"{counts(d, loc)}{w['sep']}{verdict(d, loc)}")
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
