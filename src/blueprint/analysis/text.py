"""The analysis as a report a designer reads in a terminal.

Sections with aligned columns (aligned by display width: a CJK character
takes two cells), each step with its id, its text and its line:col. The
output depends only on the analysis, never on the terminal, so it is stable.
"""

from __future__ import annotations

from blueprint.durations import format_duration
from blueprint.textwidth import char_width, display_width, wrap

WIDTH = 100       # the report's width in cells (long findings wrap)
TEXT_CELLS = 26   # a step's text is cut to this many cells in tables
ARROW = " → "
LANE_NAMES = {"customer": "customer", "frontstage": "front-stage", "backstage": "back-stage", "support": "support"}
LINE_NAMES = {"interaction": "interaction", "visibility": "visibility", "internal": "internal interaction"}


def cut(text: str, cells: int) -> str:
    """``text`` on one line, cut to ``cells`` display cells with an ellipsis."""
    text = " ".join(text.split())
    if display_width(text) <= cells:
        return text
    out, w = "", 0
    for ch in text:
        cw = char_width(ch)
        if w + cw > cells - 1:
            break
        out += ch
        w += cw
    return out + "…"


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - display_width(text))


def table(rows, indent: int = 2, width: int = WIDTH) -> list[str]:
    """Rows of cells as aligned lines; the last column wraps to the report width."""
    if not rows:
        return []
    ncol = max(len(r) for r in rows)
    rows = [list(r) + [""] * (ncol - len(r)) for r in rows]
    widths = [max(display_width(r[i]) for r in rows) for i in range(ncol - 1)]
    lead = indent + sum(w + 2 for w in widths)
    last_w = max(24, width - lead)
    out = []
    for r in rows:
        head = " " * indent + "".join(pad(c, w + 2) for c, w in zip(r, widths))
        lines = wrap(r[-1], last_w) if r[-1] else [""]
        out.append((head + lines[0]).rstrip())
        out.extend((" " * lead + ln).rstrip() for ln in lines[1:])
    return out


def d(seconds) -> str:
    return format_duration(seconds) if seconds is not None else "?"


def emo(e) -> str:
    return "" if e is None else f"{e:+d}" if e else "0"


def num(x) -> str:
    return "" if x is None else f"{x:+.2f}" if x else "0.00"


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


class _Report:
    def __init__(self, a):
        self.a = a
        self.bp = a.bp
        self.by_id = a.bp.by_id
        self.lines: list[str] = []

    def where(self, n) -> str:
        p = self.by_id[n].pos
        return f"{p.line}:{p.col}"

    def text(self, n) -> str:
        return cut(self.by_id[n].text, TEXT_CELLS)

    def ids(self, ids, limit: int = 12) -> str:
        ids = list(ids)
        more = f", … {len(ids) - limit} more" if len(ids) > limit else ""
        return ", ".join(ids[:limit]) + more

    def chain(self, ids, limit: int = 12) -> str:
        ids = list(ids)
        if len(ids) <= limit:
            return ARROW.join(ids)
        return ARROW.join(ids[: limit // 2]) + ARROW + "…" + ARROW + ARROW.join(ids[-(limit // 2):])

    def section(self, title: str):
        if self.lines:
            self.lines.append("")
        self.lines.append(title)

    def bullets(self, items, indent: int = 4):
        for x in items:
            first, *rest = wrap(x, WIDTH - indent - 2)
            self.lines.append(" " * indent + "- " + first)
            self.lines.extend(" " * (indent + 2) + ln for ln in rest)

    def note(self, text: str, indent: int = 2):
        for ln in wrap(text, WIDTH - indent):
            self.lines.append(" " * indent + ln)

    # -------------------------------------------------------------- sections

    def header(self):
        a, bp = self.a, self.bp
        self.lines.append(f"{bp.title} ({bp.id})" if bp.title and bp.title != bp.id else bp.id or bp.path)
        facts = [_plural(len(bp.steps), "step"), _plural(len(a.structure.customer_steps), "customer action")]
        if bp.tolerance:
            facts.append(f"tolerance {bp.tolerance.text}")
        self.lines.append(f"{bp.path}: " + ", ".join(facts))

    def fails(self):
        a = self.a
        declared = sum(1 for f in a.fail_points if f.declared)
        inferred = sum(1 for f in a.fail_points if not f.declared)
        self.section(f"Fail points: {declared} declared, {inferred} inferred")
        if not a.fail_points:
            self.note("none")
        heads = table([[self.where(f.step), f.step, cut(self.by_id[f.step].text, 60)] for f in a.fail_points])
        for f, head in zip(a.fail_points, heads):
            self.lines.append(head)
            items = []
            if f.declared:
                fp = f.fail
                rate = ", ".join(x for x in (f"likelihood {fp.likelihood}" if fp.likelihood else "",
                                             f"severity {fp.severity}" if fp.severity else "") if x)
                items.append(f"declared: {fp.risk}" + (f" ({rate})" if rate else ""))
                if fp.prevention:
                    items.append(f"prevention: {fp.prevention}")
                items.append(f"recovery: {fp.recovery}" if fp.recovery else "recovery: none declared")
            items.extend(f"{h}: {r}" for h, r in zip(f.heuristics, f.reasons))
            self.bullets(items)
        if a.heuristics_off:
            self.note(f"heuristics turned off for this blueprint: {', '.join(a.heuristics_off)}")
        if any(f.heuristics for f in a.fail_points):
            self.note("Inferred fail points are candidates: declare the real ones (fail: with prevention and "
                      "recovery); silence a heuristic for a step with ignore: [heuristic-id], or for the blueprint "
                      "with rules: {heuristic-id: off}.")

    def waits(self):
        a = self.a
        declared = sum(1 for w in a.wait_points if w.declared)
        self.section(f"Wait points: {declared} declared, {len(a.wait_points) - declared} inferred")
        if a.waits_skipped:
            self.note(a.waits_skipped)
        if not a.wait_points:
            self.note("none")
            return
        rows = [["where", "step", "text", "after", "expected", "tolerable", "kind"]]
        for w in a.wait_points:
            if w.expected is not None:
                exp = d(w.expected)
            elif w.at_least is not None and w.at_least > 0:
                exp = f"≥ {d(w.at_least)}"
            else:
                exp = "?"
            kind = "declared" if w.declared else "inferred"
            if w.over_tolerance:
                kind += ", OVER TOLERANCE"
            rows.append([self.where(w.step), w.step, self.text(w.step), w.after or "", exp,
                         d(w.tolerable) if w.tolerable is not None else "", kind])
        self.lines.extend(table(rows))
        for w in a.wait_points:
            details = []
            if w.path:
                details.append(f"work behind it: {self.chain(w.path)}")
            if w.missing_durations:
                details.append(f"no duration on: {self.ids(w.missing_durations)}; the wait is "
                               + (f"at least {d(w.at_least)}" if w.at_least else "unknown"))
            if w.kinds:
                details.append(f"feels longer: {', '.join(w.kinds)}")
            if details:
                self.lines.append(f"  {w.step}" + (f" (after {w.after})" if w.after else "") + ":")
                self.bullets(details)
        # each remedy once, with the waits it applies to
        from blueprint.analysis.waits import REMEDIES

        seen: dict = {}
        for w in a.wait_points:
            keys = list(w.kinds) + (["over"] if w.over_tolerance else [])
            for k in keys:
                seen.setdefault(k, [])
                if w.step not in seen[k]:
                    seen[k].append(w.step)
        if seen:
            self.lines.append("  Remedies (the psychology of waiting):")
            self.bullets([f"{'over tolerance' if k == 'over' else k} ({self.ids(steps, 6)}): {REMEDIES[k]}"
                          for k, steps in seen.items()])

    def moments(self):
        a = self.a
        self.section("Peak and end")
        if a.emotions_missing:
            self.note("Emotions are missing: no customer action has an emotion (-2..+2), so there is no peak "
                      "and no peak–end score. The end is marked only.")
        rows = []
        if not a.emotions_missing:
            if a.peak:
                rows.append(["peak", self.where(a.peak), a.peak, self.text(a.peak), emo(self.by_id[a.peak].emotion)])
            for label, n in (("best", a.best), ("worst", a.worst)):
                if n:
                    rows.append([label, self.where(n), n, self.text(n), emo(self.by_id[n].emotion)])
        for e in a.end_moments:
            extra = ""
            if e.score is not None:
                extra = f"score {num(e.score)} (peak {e.peak} {emo(e.peak_emotion)}, end {emo(e.emotion)})"
            elif not a.emotions_missing:
                extra = "no score: " + ("the end has no emotion" if e.emotion is None else "no peak")
            rows.append(["end", self.where(e.step), e.step, self.text(e.step), emo(e.emotion), extra])
        if not rows:
            self.note("no customer action ends the journey")
        self.lines.extend(table(rows))
        if not a.emotions_missing:
            self.note(f"peak–end score {num(a.peak_end_score) or 'unknown'}"
                      + (" (the lowest of the ends)" if len([e for e in a.end_moments if e.score is not None]) > 1 else "")
                      + f"; mean of all emotions {num(a.mean_emotion)}")
            if a.no_emotion:
                self.note(f"customer actions without an emotion: {self.ids(a.no_emotion)}")
        for e in a.end_moments:
            if e.negative:
                self.note(f"warning: the end '{e.step}' feels bad ({emo(e.emotion)}); people remember the end: "
                          "improve this moment first")
            if e.worst:
                self.note(f"warning: the end '{e.step}' is the worst moment of its journey; a good last moment "
                          "lifts the whole memory of the service")

    def timing(self):
        t = self.a.timing
        c = t.customer
        self.section("Timing")
        rows = []
        crit = d(t.critical_seconds) if t.critical_path else "?"
        rows.append(["critical path", crit, f"{self.chain(t.critical_path)} ({_plural(len(t.critical_path), 'step')})"
                     if t.critical_path else "no steps"])
        if t.critical_missing:
            rows.append(["", "", f"no duration (counted as 0): {self.ids(t.critical_missing)}"])
        total = d(c.total) if c.route else "?"
        if c.route and not c.complete:
            total = f"≥ {total}"
        rows.append(["customer time", total, f"actions {d(c.actions)} + service {d(c.service)} + waits {d(c.waits)}"
                     if c.route else "no customer actions"])
        if c.route:
            rows.append(["", "", f"route: {self.chain(c.route)}"])
        if c.untimed and len(c.untimed) == len(c.route):
            rows.append(["", "", "no customer action on the route has a duration (counted as 0)"])
        elif c.untimed:
            rows.append(["", "", f"customer actions without a duration (counted as 0): {self.ids(c.untimed)}"])
        if c.missing:
            rows.append(["", "", f"unknown time (counted as 0): {self.ids(c.missing)}"])
        if t.tolerance is not None:
            if t.margin is None:
                verdict = "margin unknown"
            elif t.over_tolerance:
                verdict = f"OVER by {d(-t.margin)}"
            else:
                verdict = f"margin {d(t.margin)}" + ("" if c.complete else " at most (some times are unknown)")
            rows.append(["tolerance", d(t.tolerance), verdict])
        else:
            rows.append(["tolerance", "-", "none declared (tolerance: at the top of the blueprint)"])
        if t.preparation:
            rows.append(["preparation", d(t.preparation_seconds),
                         f"work before the customer comes: {self.ids(t.preparation)}"])
        self.lines.extend(table(rows))

        if self.bp.phases:
            self.lines.append("")
            self.lines.append("  Per phase")
            prow = [["phase", "work", "critical path", "customer", "actions", "service", "waits"]]
            for p in t.phases:
                prow.append([cut(p.phase if p.phase is not None else p.name, 24), d(p.work),
                             d(p.critical), d(p.customer), d(p.actions), d(p.service), d(p.waits)])
            self.lines.extend(table(prow, indent=4))

        if t.standards:
            self.lines.append("")
            self.lines.append("  Standards")
            srow = [["where", "step", "takes", "within", "status", "standard"]]
            for s in t.standards:
                status = {"met": "met", "exceeded": f"EXCEEDED by {d(s.over)}", "untimed": "no duration",
                          "no-limit": "no time limit"}[s.status]
                srow.append([self.where(s.step), s.step, d(s.duration) if s.duration is not None else "?",
                             d(s.within) if s.within is not None else "-", status, s.text])
            self.lines.extend(table(srow, indent=4))

    def shape(self):
        sh = self.a.shape
        self.section("Shape")
        lanes = ", ".join(f"{LANE_NAMES[k]} {v}" for k, v in sh.lanes.items())
        rows = [["steps", str(sh.steps), lanes]]
        if self.bp.phases:
            rows.append(["phases", str(len([k for k in sh.phases if k])),
                         ", ".join(f"{k or '(no phase)'} {v}" for k, v in sh.phases.items())])
        rows.append(["flows", str(sh.flows), f"{_plural(sh.loops, 'recovery or rework flow')}"])
        rows.append(["line crossings", str(sum(sh.crossings.values())),
                     ", ".join(f"{LINE_NAMES[k]} {v}" for k, v in sh.crossings.items())])
        rows.append(["branching points", str(sh.divergence), self.ids(sh.branching) if sh.branching else "-"])
        rows.append(["joins", str(len(sh.joins)), self.ids(sh.joins) if sh.joins else "-"])
        rows.append(["longest path", str(sh.complexity), self.chain(sh.longest_path) if sh.longest_path else "-"])
        self.lines.extend(table(rows))


def report(a, problems=()) -> str:
    """The whole text report; ``problems`` (warnings from check) are counted at the end."""
    r = _Report(a)
    r.header()
    r.fails()
    r.waits()
    r.moments()
    r.timing()
    r.shape()
    problems = list(problems)
    if problems:
        counts = {s: sum(1 for p in problems if p.severity == s) for s in ("error", "warning", "info")}
        parts = [f"{n} {s}{'' if n == 1 or s == 'info' else 's'}" for s, n in counts.items() if n]
        r.section(f"Check: {', '.join(parts)} (blueprint check {a.bp.path} lists them)")
    return "\n".join(r.lines) + "\n"
