"""The analysis as a report a designer reads in a terminal.

Sections with aligned columns (aligned by display width: a CJK character
takes two cells), each step with its id, its text and its line:col. The
output depends only on the analysis, never on the terminal, so it is stable.

The report speaks the blueprint's locale (``en``, ``zh-CN``, ``zh-TW``):
titles, column headings, fixed sentences, the heuristics' reasons, the
remedies for waits and the durations come from :mod:`blueprint.i18n`. Step
ids, heuristic ids and YAML keys stay as they are written, so a reader can
search for them and copy them into the blueprint.
"""

from __future__ import annotations

from blueprint import i18n
from blueprint.analysis.promises import limit_words, window_words
from blueprint.durations import duration_parts, format_duration
from blueprint.textwidth import char_width, display_width, wrap
from blueprint.vocab import SEVERITIES, UNSURE

WIDTH = 100  # the report's width in cells (long findings wrap)
TEXT_CELLS = 26  # a step's text is cut to this many cells in tables
ARROW = " → "


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


def duration(seconds, locale: str = "en") -> str:
    """A duration as the report shows it: ``1m 45s`` in English, ``1分钟45秒`` in Chinese."""
    if seconds is None:
        return "?"
    loc = i18n.locale_of(locale)
    if loc == "en":
        return format_duration(seconds)
    w = i18n.WORDS[loc]
    return w["unit_sep"].join(f"{n}{w['unit_' + u]}" for n, u in duration_parts(seconds))


def d(seconds) -> str:
    return duration(seconds)


def emo(e, signed: bool = True) -> str:
    """An emotion as written on its scale: signed on a scale around 0 (+1), plain otherwise (7.5)."""
    if e is None:
        return ""
    return (f"{e:+g}" if e else "0") if signed else f"{e:g}"


def num(x, signed: bool = True) -> str:
    if x is None:
        return ""
    return (f"{x:+.2f}" if x else "0.00") if signed else f"{x:.2f}"


class _Report:
    def __init__(self, a):
        self.a = a
        self.bp = a.bp
        self.by_id = a.bp.by_id
        self.loc = i18n.locale_of(a.bp.locale)
        self.t = i18n.report_words(self.loc)
        self.lines: list[str] = []

    # ------------------------------------------------------------ the words

    def f(self, key: str, *args) -> str:
        """The template ``key`` of the report's words, filled in."""
        return self.t[key].format(*args)

    def count(self, n: int, key: str) -> str:
        """``n`` things: the singular template ``key_fmt`` for one, else the plural ``keys_fmt``."""
        return self.f(f"{key}_fmt" if n == 1 else f"{key}s_fmt", n)

    def d(self, seconds) -> str:
        return duration(seconds, self.loc)

    def emo(self, e) -> str:
        return emo(e, self.bp.emotion_scale.low < 0)

    def num(self, x) -> str:
        return num(x, self.bp.emotion_scale.low < 0)

    def say(self, sentence) -> str:
        """A phrase of the analysis (a reason, a note) in the report's locale."""
        return i18n.said_in(sentence, self.loc)

    def level(self, value: str) -> str:
        return self.t.get(f"level_{value}", value)

    # ---------------------------------------------------------------- layout

    def where(self, n) -> str:
        p = self.by_id[n].pos
        return f"{p.line}:{p.col}"

    def text(self, n) -> str:
        return cut(self.by_id[n].text, TEXT_CELLS)

    def ids(self, ids, limit: int = 12) -> str:
        ids = list(ids)
        more = self.f("more_fmt", len(ids) - limit) if len(ids) > limit else ""
        return self.t["ids_sep"].join(ids[:limit]) + more

    def chain(self, ids, limit: int = 12) -> str:
        ids = list(ids)
        if len(ids) <= limit:
            return ARROW.join(ids)
        return (
            ARROW.join(ids[: limit // 2]) + ARROW + "…" + ARROW + ARROW.join(ids[-(limit // 2) :])
        )

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
        self.lines.append(
            self.f("paren_fmt", bp.title, bp.id)
            if bp.title and bp.title != bp.id
            else bp.id or bp.path
        )
        facts = [
            self.count(len(bp.steps), "step"),
            self.count(len(a.structure.customer_steps), "customer_action"),
        ]
        if bp.tolerance:
            # English keeps the tolerance as written; the other locales say it in their units
            facts.append(
                self.f(
                    "tolerance_fmt",
                    bp.tolerance.text if self.loc == "en" else self.d(bp.tolerance.seconds),
                )
            )
        self.lines.append(self.f("path_fmt", bp.path, self.t["facts_sep"].join(facts)))

    def fails(self):
        a, t = self.a, self.t
        declared = sum(1 for f in a.fail_points if f.declared)
        inferred = sum(1 for f in a.fail_points if not f.declared)
        self.section(self.f("fails_fmt", declared, inferred))
        if not a.fail_points:
            self.note(t["none"])
        heads = table(
            [[self.where(f.step), f.step, cut(self.by_id[f.step].text, 60)] for f in a.fail_points]
        )
        for f, head in zip(a.fail_points, heads):
            self.lines.append(head)
            items = []
            if f.declared:
                fp = f.fail
                rate = t["list_sep"].join(
                    x
                    for x in (
                        self.f("likelihood_fmt", self.level(fp.likelihood))
                        if fp.likelihood
                        else "",
                        self.f("severity_fmt", self.level(fp.severity)) if fp.severity else "",
                    )
                    if x
                )
                items.append(
                    self.f("declared_fmt", self.f("paren_fmt", fp.risk, rate) if rate else fp.risk)
                )
                if fp.prevention:
                    items.append(self.f("prevention_fmt", fp.prevention))
                items.append(
                    self.f("recovery_fmt", fp.recovery) if fp.recovery else t["recovery_none"]
                )
            items.extend(
                self.f("colon_fmt", h, self.say(r)) for h, r in zip(f.heuristics, f.reasons)
            )
            self.bullets(items)
        if a.heuristics_off:
            self.note(self.f("heuristics_off_fmt", t["list_sep"].join(a.heuristics_off)))
        if any(f.heuristics for f in a.fail_points):
            self.note(t["fails_note"])

    def waits(self):
        a, t = self.a, self.t
        declared = sum(1 for w in a.wait_points if w.declared)
        self.section(self.f("waits_fmt", declared, len(a.wait_points) - declared))
        if a.waits_skipped:
            self.note(self.say(a.waits_skipped))
        if not a.wait_points:
            self.note(t["none"])
            return
        rows = [
            [
                t[f"col_{c}"]
                for c in ("where", "step", "text", "after", "expected", "tolerable", "kind")
            ]
        ]
        for w in a.wait_points:
            if w.expected is not None:
                exp = self.d(w.expected)
            elif w.at_least is not None and w.at_least > 0:
                exp = self.f("at_least_fmt", self.d(w.at_least))
            else:
                exp = "?"
            kind = t["declared"] if w.declared else t["inferred"]
            if w.over_tolerance:
                kind = self.f("kind_over_fmt", kind)
            rows.append(
                [
                    self.where(w.step),
                    w.step,
                    self.text(w.step),
                    w.after or "",
                    exp,
                    self.d(w.tolerable) if w.tolerable is not None else "",
                    kind,
                ]
            )
        self.lines.extend(table(rows))
        for w in a.wait_points:
            details = []
            if w.path:
                details.append(self.f("work_behind_fmt", self.chain(w.path)))
            if w.missing_durations:
                how = (
                    self.f("wait_at_least_fmt", self.d(w.at_least))
                    if w.at_least
                    else t["wait_unknown"]
                )
                details.append(self.f("no_duration_on_fmt", self.ids(w.missing_durations), how))
            if w.kinds:
                details.append(self.f("feels_longer_fmt", self.kinds(w.kinds)))
            if details:
                self.lines.append(
                    "  "
                    + (
                        self.f("wait_step_after_fmt", w.step, w.after)
                        if w.after
                        else self.f("wait_step_fmt", w.step)
                    )
                )
                self.bullets(details)
        # each remedy once, with the waits it applies to
        seen: dict = {}
        for w in a.wait_points:
            keys = list(w.kinds) + (["over"] if w.over_tolerance else [])
            for k in keys:
                seen.setdefault(k, [])
                if w.step not in seen[k]:
                    seen[k].append(w.step)
        if seen:
            self.lines.append("  " + t["remedies_title"])
            self.bullets(
                [
                    self.f(
                        "remedy_fmt", self.kinds([k]), self.ids(steps, 6), i18n.remedy(k, self.loc)
                    )
                    for k, steps in seen.items()
                ]
            )

    def kinds(self, kinds) -> str:
        """Kinds of wait by name: their ids in English, their names in the other locales."""
        return self.t["list_sep" if self.loc == "en" else "ids_sep"].join(
            self.t.get(f"kind_{k}", k) for k in kinds
        )

    def moments(self):
        a, t = self.a, self.t
        self.section(t["moments_title"])
        if a.emotions_missing:
            self.note(t["emotions_missing"])
        rows = []
        if not a.emotions_missing:
            if a.peak:
                rows.append(
                    [
                        t["label_peak"],
                        self.where(a.peak),
                        a.peak,
                        self.text(a.peak),
                        self.emo(self.by_id[a.peak].emotion),
                    ]
                )
            for label, n in (("best", a.best), ("worst", a.worst)):
                if n:
                    rows.append(
                        [
                            t[f"label_{label}"],
                            self.where(n),
                            n,
                            self.text(n),
                            self.emo(self.by_id[n].emotion),
                        ]
                    )
        for e in a.end_moments:
            extra = ""
            if e.score is not None:
                extra = self.f(
                    "score_fmt",
                    self.num(e.score),
                    e.peak,
                    self.emo(e.peak_emotion),
                    self.emo(e.emotion),
                )
            elif not a.emotions_missing:
                extra = self.f(
                    "no_score_fmt", t["end_no_emotion"] if e.emotion is None else t["no_peak"]
                )
            rows.append(
                [
                    t["label_end"],
                    self.where(e.step),
                    e.step,
                    self.text(e.step),
                    self.emo(e.emotion),
                    extra,
                ]
            )
        if not rows:
            self.note(t["no_end"])
        self.lines.extend(table(rows))
        if not a.emotions_missing:
            sc = self.bp.emotion_scale
            self.note(self.f("scale_fmt", self.emo(sc.low), self.emo(sc.high), self.emo(sc.mid)))
            self.note(t["peak_rule"])
            several = len([e for e in a.end_moments if e.score is not None]) > 1
            self.note(
                self.f("peak_end_fmt", self.num(a.peak_end_score) or t["unknown"])
                + (t["lowest_of_ends"] if several else "")
                + self.f("mean_fmt", self.num(a.mean_emotion))
            )
            if a.no_emotion:
                self.note(self.f("no_emotion_fmt", self.ids(a.no_emotion)))
        if len(a.end_moments) > 1 and a.usual_end:
            why = t["usual_" + a.usual_end_reason.replace("-", "_")]
            self.note(self.f("usual_end_fmt", a.usual_end, why))
        for e in a.end_moments:
            if e.negative:
                self.note(self.f("negative_end_fmt", e.step, self.emo(e.emotion)))
            if e.worst:
                self.note(self.f("worst_end_fmt", e.step))

    def needs(self):
        """The customer's needs: only when the blueprint states any."""
        a, t, n = self.a, self.t, self.a.needs
        if not n.steps and not self.bp.core_need:
            return
        self.section(self.f("needs_fmt", len(n.steps), len(a.structure.customer_steps)))
        if n.core is None:
            self.note(t["core_none"])
        elif n.core_declared:
            self.note(self.f("core_declared_fmt", n.core_text, t[f"need_{n.core}"]))
        else:
            self.note(
                self.f(
                    "core_found_fmt",
                    t[f"need_{n.core}"],
                    len(n.core_steps),
                    len(n.steps),
                    self.ids(n.core_steps),
                )
            )
        if n.phases and self.bp.phases:
            self.lines.append("  " + t["needs_per_phase"])
            rows = [[t["col_phase"], t["col_needs"], t["col_types"]]]
            for p in n.phases:
                rows.append(
                    [
                        cut(p.phase if p.phase is not None else t["no_phase"], 24),
                        str(len(p.steps)),
                        t["list_sep"].join(
                            self.f("count_fmt", t[f"need_{k}"], v) for k, v in p.types.items()
                        )
                        or "-",
                    ]
                )
            self.lines.extend(table(rows, indent=4))
        if n.moments:
            self.lines.append("  " + t["needs_at_moments"])
            rows = [[t["col_moment"], t["col_where"], t["col_step"], t["col_need"]]]
            for step, kinds in n.moments:
                need = self.by_id[step].need
                rows.append(
                    [
                        t["ids_sep"].join(t[f"moment_{k}"] for k in kinds),
                        self.where(step),
                        step,
                        self.f("colon_fmt", t[f"need_{need.type}"], need.text)
                        if need
                        else t["no_need"],
                    ]
                )
            self.lines.extend(table(rows, indent=4))
        for r in n.reverse_served:
            self.note(self.f("reverse_served_fmt", r.step, self.ids(r.served_by)))

    def known(self):
        """How the facts are known: only when some step says (known:)."""
        k, t = self.a.known, self.t
        if not k.stated:
            return
        self.section(t["known_title"])
        levels = list(k.shares[0].levels) if k.shares else []
        rows = [[t["col_facts"], t["col_total"], *(t[f"known_{lvl}"] for lvl in levels)]]
        rows[0].append(t["known_unstated"])
        for sh in k.shares:
            rows.append(
                [
                    t[f"fact_{sh.kind}"],
                    str(sh.total),
                    *(str(sh.levels[lvl]) for lvl in levels),
                    str(sh.unstated),
                ]
            )
        self.lines.extend(table(rows))
        items = [
            self.f("share_fmt", sh.levels[lvl], sh.total, t[f"fact_{sh.kind}"], t[f"known_{lvl}"])
            for sh in k.shares
            for lvl in UNSURE
            if sh.levels[lvl]
        ]
        self.bullets(items, indent=2)

    def servqual(self):
        """SERVQUAL coverage and gaps: only when a dimension or a score is written."""
        q, t = self.a.servqual, self.t
        if not q.stated:
            return
        self.section(t["servqual_title"])
        scored = any(c.gap is not None for c in q.dimensions)
        head = [t["col_dimension"], t["col_standards"], t["col_fails"]]
        if scored:
            head += [t["col_e"], t["col_p"], t["col_gap"]]
        rows = [[*head, t["col_phases"]]]
        for c in q.dimensions:
            row = [t[f"dim_{c.dimension}"], str(len(c.standards)), str(len(c.fail_points))]
            if scored:
                row += [
                    f"{c.expected:g}" if c.expected is not None else "",
                    f"{c.perceived:g}" if c.perceived is not None else "",
                    f"{c.gap:+.2f}" if c.gap is not None else "",
                ]
            phases = t["list_sep"].join(
                f"{k or t['no_phase']} {n}/{f}" for k, (n, f) in c.phases.items()
            )
            rows.append([*row, phases or "-"])
        self.lines.extend(table(rows))
        if q.without_standard:
            names = t["ids_sep"].join(t[f"dim_{d}"] for d in q.without_standard)
            self.note(self.f("no_standard_fmt", names))
        if q.gaps:
            by = {c.dimension: c for c in q.dimensions}
            gaps = t["ids_sep"].join(f"{t[f'dim_{d}']} {by[d].gap:+.2f}" for d in q.gaps)
            self.note(self.f("gaps_fmt", gaps))

    def timing(self):
        t = self.a.timing
        w = self.t
        c = t.customer
        self.section(w["timing_title"])
        rows = []
        crit = self.d(t.critical_seconds) if t.critical_path else "?"
        rows.append(
            [
                w["row_critical"],
                crit,
                self.f(
                    "paren_fmt",
                    self.chain(t.critical_path),
                    self.count(len(t.critical_path), "step"),
                )
                if t.critical_path
                else w["no_steps"],
            ]
        )
        if t.critical_missing:
            rows.append(["", "", self.f("critical_missing_fmt", self.ids(t.critical_missing))])
        total = self.d(c.total) if c.route and not c.skipped else "?"
        if c.route and not c.complete and not c.skipped:
            total = self.f("at_least_fmt", total)
        if c.skipped:
            parts = w["customer_skipped"]
        elif c.route:
            parts = self.f(
                "customer_parts_fmt", self.d(c.actions), self.d(c.service), self.d(c.waits)
            )
        else:
            parts = w["no_customer_actions"]
        rows.append([w["row_customer"], total, parts])
        if c.route and not c.skipped:
            rows.append(["", "", self.f("route_fmt", self.chain(c.route))])
        if c.untimed and len(c.untimed) == len(c.route):
            rows.append(["", "", w["route_untimed"]])
        elif c.untimed:
            rows.append(["", "", self.f("untimed_fmt", self.ids(c.untimed))])
        if c.missing:
            rows.append(["", "", self.f("unknown_time_fmt", self.ids(c.missing))])
        k = self.a.known
        if k.customer_unsure:
            rows.append(
                [
                    "",
                    "",
                    self.f(
                        "customer_unsure_fmt",
                        len(k.customer_unsure),
                        len(k.customer_timed),
                        self.ids(k.customer_unsure),
                    ),
                ]
            )
        if t.tolerance is not None:
            if t.margin is None:
                verdict = w["margin_unknown"]
            elif t.over_tolerance:
                verdict = self.f("over_by_fmt", self.d(-t.margin))
            else:
                verdict = self.f(
                    "margin_fmt" if c.complete else "margin_at_most_fmt", self.d(t.margin)
                )
            rows.append([w["row_tolerance"], self.d(t.tolerance), verdict])
        else:
            rows.append([w["row_tolerance"], "-", w["no_tolerance"]])
        if t.preparation:
            rows.append(
                [
                    w["row_preparation"],
                    self.d(t.preparation_seconds),
                    self.f("preparation_fmt", self.ids(t.preparation)),
                ]
            )
        self.lines.extend(table(rows))

        if self.bp.phases:
            self.lines.append("")
            self.lines.append("  " + w["per_phase"])
            prow = [
                [
                    w[f"col_{k}"]
                    for k in (
                        "phase",
                        "work",
                        "critical",
                        "customer",
                        "actions",
                        "service",
                        "waits",
                    )
                ]
            ]
            for p in t.phases:
                prow.append(
                    [
                        cut(p.phase if p.phase is not None else w["no_phase"], 24),
                        self.d(p.work),
                        self.d(p.critical),
                        self.d(p.customer),
                        self.d(p.actions),
                        self.d(p.service),
                        self.d(p.waits),
                    ]
                )
            self.lines.extend(table(prow, indent=4))

        if t.standards:
            self.lines.append("")
            self.lines.append("  " + w["standards_title"])
            srow = [
                [w[f"col_{k}"] for k in ("where", "step", "takes", "within", "status", "standard")]
            ]
            for s in t.standards:
                status = {
                    "met": w["status_met"],
                    "untimed": w["status_untimed"],
                    "no-limit": w["status_no_limit"],
                }.get(s.status, s.status)
                if s.status == "exceeded":
                    status = self.f("status_exceeded_fmt", self.d(s.over))
                if s.kind != "duration":
                    srow.append(self.promise_row(s, status))
                    continue
                srow.append(
                    [
                        self.where(s.step),
                        s.step,
                        self.d(s.duration) if s.duration is not None else "?",
                        self.d(s.within) if s.within is not None else "-",
                        status,
                        s.text,
                    ]
                )
            self.lines.extend(table(srow, indent=4))

    def promise_row(self, s, status: str) -> list:
        """A promise in the standards table: the time from its trigger, and the promise."""
        w = self.t
        if s.status == "early":
            status = self.f("status_early_fmt", self.d(s.over))
        elif s.status == "unknown":
            status = (
                w["status_unreachable"]
                if s.unreachable
                else self.f("status_unknown_fmt", self.ids(s.missing))
            )
        text = self.f("from_fmt", s.trigger, s.text) if s.trigger else s.text
        if s.start:
            day, clock = s.start.split()
            key = "clock_worst_fmt" if s.worst_start else "clock_fmt"
            text = self.f("paren_fmt", text, self.f(key, w[f"day_{day}"] + " " + clock))
        if s.elapsed is not None:
            takes = self.d(s.elapsed)
        elif s.at_least:
            takes = self.f("at_least_fmt", self.d(s.at_least))
        else:
            takes = "?"
        return [self.where(s.step), s.step, takes, self.limit(s), status, text]

    def limit(self, s) -> str:
        """A promise's time in the table: 3 working days, 48h after, 20h ±1h."""
        words = i18n.words(self.loc)
        limit = limit_words(s, words)
        if s.kind == "after":
            return self.f("limit_after_fmt", limit)
        if s.kind == "window":
            return self.f("limit_window_fmt", limit, window_words(s, words))
        return limit

    def shape(self):
        sh = self.a.shape
        w = self.t
        sep = w["list_sep"]
        self.section(w["shape_title"])
        lanes = sep.join(self.f("count_fmt", w.get(f"lane_{k}", k), v) for k, v in sh.lanes.items())
        rows = [[w["row_steps"], str(sh.steps), lanes]]
        if self.bp.phases:
            rows.append(
                [
                    w["row_phases"],
                    str(len([k for k in sh.phases if k])),
                    sep.join(
                        self.f("count_fmt", k or w["no_phase"], v) for k, v in sh.phases.items()
                    ),
                ]
            )
        rows.append([w["row_flows"], str(sh.flows), self.count(sh.loops, "loop")])
        rows.append(
            [
                w["row_crossings"],
                str(sum(sh.crossings.values())),
                sep.join(
                    self.f("count_fmt", w.get(f"line_{k}", k), v) for k, v in sh.crossings.items()
                ),
            ]
        )
        rows.append(
            [
                w["row_branching"],
                str(sh.divergence),
                self.ids(sh.branching) if sh.branching else "-",
            ]
        )
        rows.append([w["row_joins"], str(len(sh.joins)), self.ids(sh.joins) if sh.joins else "-"])
        rows.append(
            [
                w["row_longest"],
                str(sh.complexity),
                self.chain(sh.longest_path) if sh.longest_path else "-",
            ]
        )
        self.lines.extend(table(rows))

    def check(self, problems):
        counts = {  # the most severe first
            s: sum(1 for p in problems if p.severity == s) for s in reversed(SEVERITIES)
        }
        parts = [self.count(n, s) for s, n in counts.items() if n]
        self.section(self.f("check_fmt", self.t["list_sep"].join(parts), self.bp.path))


def report(a, problems=()) -> str:
    """The whole text report, in the blueprint's locale; ``problems`` (warnings
    from check) are counted at the end."""
    r = _Report(a)
    r.header()
    r.fails()
    r.waits()
    r.moments()
    r.needs()
    r.timing()
    r.known()
    r.servqual()
    r.shape()
    problems = list(problems)
    if problems:
        r.check(problems)
    return "\n".join(r.lines) + "\n"
