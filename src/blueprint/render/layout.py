"""The swimlane grid, computed in pure Python (no Graphviz needed).

Columns are moments in time, rows are the lanes' bands. Every box gets a
fixed position here; Graphviz later only routes the arrows between them.

Coordinates are points (1/72 inch), x to the right and y *downwards* from the
top-left corner of the drawing; :mod:`blueprint.render.dot` flips y for
Graphviz.

How columns are assigned (see :func:`assign_columns`):

* Flows decide first: a step is never left of a step that flows into it, and
  a step is strictly right of every earlier step *of its own lane* on a path
  into it. Steps of different lanes can share a column (the customer acts,
  the front stage answers, the back stage works: one moment), and steps of
  one lane with no path between them (parallel work, alternative branches)
  stack inside one column.
* Phases come next: each phase starts right of the columns of the phases
  before it, so phase headers never overlap. A step that flows into an
  earlier phase (a table cleared during "leave" lets the next party in
  during "arrive") is drawn with the earlier phase, because flows win.
* Declared loops (recovery, rework) and flows that close an undeclared cycle
  do not constrain columns; they are the only arrows that may point left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from blueprint.analysis.findings import NOTICEABLE_WAIT
from blueprint.durations import format_duration
from blueprint.model import BANDS
from blueprint.render import words
from blueprint.textwidth import display_width, wrap

# --- sizes, in points ----------------------------------------------------
FONT = 10.0  # step text
SMALL = 8.0  # role line, badges, edge labels, line labels
LINE_H = 12.5  # height of one line of FONT text
CJK_LINE_H = 14.0  # the same for text with CJK characters, whose glyphs fill their em:
# each line is a table row with 1 pt of padding above and below
SMALL_H = 10.0  # height of one line of SMALL text
CELL = 5.6  # width of one display cell at FONT (a CJK character is two)
SMALL_CELL = 4.6  # width of one display cell at SMALL
WRAP = 22  # display cells per line in a step box
EDGE_WRAP = 14  # display cells per line of a branch condition
NODE_W = round(WRAP * CELL + 18)
NODE_PAD = 7.0  # inside a step box, above and below its content
BADGE_H = 16.0  # one row of badges: 12 pt cells and their spacing
BADGE_CELL_H = 12.0
COL_GAP = 56.0  # between two columns: room for arrows and their labels
PITCH = NODE_W + COL_GAP
STACK_GAP = 20.0  # between boxes stacked in one column of a band: room for an arrow and its label
QUANTUM = 4.0  # box heights are multiples of this: fewer distinct edges make routing faster
BAND_PAD = 18.0  # between a band's edge and its boxes
MIN_BAND = 58.0
MARGIN = 16.0
LANE_W = 118.0  # the lane-title column at the left
PHASE_H = 24.0
TITLE_GAP = 10.0
EMOTION_H = 92.0
EMOTION_STEP = 15.0  # points per emotion unit
LEGEND_SAMPLE = 64.0
LEGEND_ROW = 20.0
LEGEND_CELL = 5.0  # display cell at the legend's font size (9 pt)

LINE_LABEL_INSET = 6.0  # between a line's end and its label
LINE_NAMES = ("interaction", "visibility", "internal")

INF = 10**9


def wrap_evenly(text: str, width: int) -> list:
    """``wrap``, but a last line of one or two cells (a lone CJK character, a
    word like "it") is avoided by wrapping a little narrower, when that takes
    no more lines."""
    lines = wrap(text, width)
    if len(lines) > 1 and display_width(lines[-1]) <= 2:
        for w in range(width - 1, max(width - 7, 3), -1):
            alt = wrap(text, w)
            if len(alt) == len(lines) and display_width(alt[-1]) > 2:
                return alt
    return lines


def _at_most(lines: list, n: int, width: int) -> tuple:
    """The first ``n`` lines; when some are left out, the last one kept ends in "…"."""
    if len(lines) <= n:
        return tuple(lines)
    last = wrap(lines[n - 1], max(width - 1, 1))[0]
    return (*lines[: n - 1], last + "…")


def has_cjk(lines) -> bool:
    """Whether any line holds a wide (CJK) character."""
    return any(display_width(t) > len(t) for t in lines)


def line_height(lines) -> float:
    return CJK_LINE_H if has_cjk(lines) else LINE_H


def text_width(text: str, cell: float = SMALL_CELL) -> float:
    """Estimated width of one line of text in points (on the generous side)."""
    return display_width(text) * cell


@dataclass(frozen=True)
class Badge:
    """A marker drawn on a step: fail, wait, late (a missed time limit), peak, low, end or key."""

    kind: str
    text: str
    declared: bool = True

    @property
    def width(self) -> float:
        # the symbol (▲ ● ★ ▼ ■ ◎) is a full em wide in CJK fonts: one cell more
        return round((display_width(self.text) + 1) * SMALL_CELL + 8, 1)


@dataclass
class Box:
    """A positioned box: a step, an evidence card, a lane title, a phase header,
    the title block. ``x, y`` is the centre (y downwards)."""

    name: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    lines: tuple = ()
    sub: str = ""
    badges: tuple = ()  # rows of Badge
    lane: str | None = None
    column: int | None = None
    step: str | None = None

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def right(self) -> float:
        return self.x + self.w / 2

    @property
    def top(self) -> float:
        return self.y - self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    kind: str  # normal, recovery, rework
    from_support: bool  # a flow back up from the support lane
    label: tuple = ()  # wrapped lines of the condition
    text: str = ""  # the condition in one line (to wrap it again narrower)


@dataclass(frozen=True)
class Band:
    lane: str
    top: float
    bottom: float
    left: float
    right: float


@dataclass(frozen=True)
class Line:
    name: str  # interaction, visibility, internal
    y: float
    left: float
    right: float
    label: str
    short: str = ""  # the name in the locale only, where the label does not fit


@dataclass(frozen=True)
class LegendEntry:
    sample: str  # badge, edge:<kind>, line:<name>, evidence, emotion
    text: str
    x: float  # left of the sample
    y: float  # middle of the row
    badge: Badge | None = None


@dataclass
class Curve:
    """The customer's emotion curve (--emotion)."""

    points: list  # (x, y, step id, emotion)
    marks: list  # (x, y, text, kind): peak, low, end
    zero: float  # y of the scale's midpoint (emotion 0 on the default -2..+2)
    top: float
    bottom: float
    scale: tuple = ("+2", "0", "-2")  # the labels of the scale's top, middle and bottom


@dataclass
class Layout:
    width: float
    height: float
    locale: str
    title: Box
    boxes: list  # steps and evidence, in flow order
    lane_boxes: list
    phase_boxes: list
    arrows: list
    bands: list
    lines: list
    separators: list  # (x, top, bottom) between phases
    legend_box: tuple  # (left, top, right, bottom)
    legend: list  # LegendEntry
    curve: Curve | None = None
    columns: dict = field(default_factory=dict)  # step id -> column
    grid_left: float = 0.0
    grid_right: float = 0.0
    legend_sample: float = LEGEND_SAMPLE  # width of the samples' column in the legend

    def box(self, name: str) -> Box:
        for b in self.boxes:
            if b.name == name:
                return b
        raise KeyError(name)


# --- columns ---------------------------------------------------------------


def assign_columns(bp, structure) -> tuple[dict, dict]:
    """Column of every step and the phase group of every step.

    Returns ``(columns, groups)``: step id -> column index, and step id ->
    the index of the phase it is drawn under (``INF`` for steps shown under
    no phase).
    """
    order = structure.order
    rank = structure.rank
    succ = {n: [] for n in order}
    pred = {n: [] for n in order}
    for u, v in sorted(structure.forward.edges(), key=lambda e: (rank[e[0]], rank[e[1]])):
        if rank[u] < rank[v]:  # flows closing an undeclared cycle do not count
            succ[u].append(v)
            pred[v].append(u)
    lane = {n: bp.by_id[n].lane for n in order}
    phase_index = {p.id: p.index for p in bp.phases}
    group = {}
    for n in reversed(order):
        g = phase_index.get(bp.by_id[n].phase, INF)
        for v in succ[n]:
            g = min(g, group[v])
        group[n] = g

    columns: dict = {}
    last: dict = {}  # step -> {lane: rightmost column of that lane on a path into the step, itself included}
    next_col, current, start = 0, None, 0
    for n in sorted(order, key=lambda n: (group[n], rank[n])):
        if group[n] != current:
            current, start = group[n], next_col
        col = start
        seen: dict = {}
        for u in pred[n]:
            col = max(col, columns[u])
            for ln, c in last[u].items():
                if c > seen.get(ln, -1):
                    seen[ln] = c
        if lane[n] in seen:
            col = max(col, seen[lane[n]] + 1)
        columns[n] = col
        seen[lane[n]] = max(col, seen.get(lane[n], -1))
        last[n] = seen
        next_col = max(next_col, col + 1)

    # A step that nothing flows into (a table cleared in the background, a
    # system fed by nobody) moves right, next to the first step it feeds,
    # instead of waiting at the start of its phase: as late as its flows allow.
    group_end: dict = {}
    for n, g in group.items():
        group_end[g] = max(group_end.get(g, 0), columns[n])
    first: dict = {}  # step -> {lane: leftmost column of that lane on a path out of the step}
    for n in sorted(order, key=lambda n: (group[n], rank[n]), reverse=True):
        reach: dict = {}
        for v in succ[n]:
            for ln, c in first[v].items():
                if c < reach.get(ln, INF):
                    reach[ln] = c
            if columns[v] < reach.get(lane[v], INF):
                reach[lane[v]] = columns[v]
        first[n] = reach
        if pred[n] or not succ[n]:
            continue
        limit = group_end[group[n]]
        for v in succ[n]:
            limit = min(limit, columns[v])
        if lane[n] in reach:
            limit = min(limit, reach[lane[n]] - 1)
        if limit > columns[n]:
            columns[n] = limit
        first[n] = dict(reach)
    return columns, group


# --- content ----------------------------------------------------------------

MOMENT_SYMBOL = {"peak": "★", "high": "☆", "low": "▼"}


def moment_kind(step_id: str, analysis) -> str | None:
    """'peak' for the most intense moment (the one the peak–end score uses),
    'high' or 'low' for the other extreme of the journey, else None."""
    if step_id == getattr(analysis, "peak", None):
        return "peak"
    if step_id in analysis.peaks:
        return "low" if step_id == analysis.worst and step_id != analysis.best else "high"
    return None


def badges_for(step_id: str, analysis, locale: str, inferred: bool = True) -> list:
    """The badges of one step, in a fixed order: fail, wait, late, peak/low, end, key.
    Without ``inferred``, only what the blueprint declares (and the moments)."""
    m = analysis.markers(step_id)
    if not inferred:
        m = m - {"fail-inferred", "wait-inferred"}
    w = lambda k: words.word(locale, k)  # noqa: E731
    out = []
    if "fail" in m:
        out.append(Badge("fail", f"▲ {w('fail')}", True))
    elif "fail-inferred" in m:
        out.append(Badge("fail", f"▲ {w('fail')}?", False))
    finding = analysis.wait_at(step_id)
    expected = getattr(finding, "expected", None)
    if "wait" not in m and expected is not None and expected < NOTICEABLE_WAIT:
        m = m - {"wait-inferred"}  # too short to notice: the scripts leave it out too
    if "wait" in m or "wait-inferred" in m:
        declared = "wait" in m
        text = f"● {w('wait')}"
        if expected is not None:
            text += f" {'' if declared else '~'}{format_duration(expected)}"
        out.append(Badge("wait", text if declared else text + "?", declared))
    late = [c.over for c in analysis.timing.standards if c.step == step_id and c.over]
    if late:  # a standard or promise missed along the flow, by the most it is missed
        out.append(Badge("late", f"◆ {w('late')} {format_duration(max(late))}", True))
    kind = moment_kind(step_id, analysis)
    if kind is not None:
        out.append(Badge(kind, f"{MOMENT_SYMBOL[kind]} {w(kind)}", True))
    if "end" in m:
        out.append(Badge("end", f"■ {w('end')}", True))
    if "key" in m:
        out.append(Badge("key", f"◎ {w('key')}", True))
    return out


def badge_rows(badges: list, width: float) -> tuple:
    rows, cur, used = [], [], 0.0
    for b in badges:
        if cur and used + 3 + b.width > width:
            rows.append(tuple(cur))
            cur, used = [], 0.0
        cur.append(b)
        used += b.width + (3 if len(cur) > 1 else 0)
    if cur:
        rows.append(tuple(cur))
    return tuple(rows)


def step_height(lines, sub: str, rows) -> float:
    h = 2 * NODE_PAD + len(lines) * line_height(lines)
    if sub:
        h += SMALL_H + 2
    if rows:
        h += len(rows) * BADGE_H + 3
    return _quantum(max(h, 34.0))


def _quantum(h: float) -> float:
    return math.ceil(h / QUANTUM - 1e-9) * QUANTUM


def _sub_line(bp, step) -> str:
    parts = []
    if step.role and step.role in bp.roles:
        parts.append(bp.roles[step.role].name)
    elif step.role:
        parts.append(step.role)
    if step.duration is not None:
        parts.append(format_duration(step.duration.seconds))
    text = " · ".join(parts)
    if display_width(text) > WRAP * FONT / SMALL:
        text = wrap(text, int(WRAP * FONT / SMALL) - 1)[0] + "…"
    return text


# --- the whole layout -----------------------------------------------------------


def layout(bp, analysis, *, emotion: bool = False, inferred: bool = True) -> Layout:
    """Place everything. Pure: same blueprint and analysis, same layout."""
    st = analysis.structure
    locale = words.locale_of(bp)
    columns, groups = assign_columns(bp, st)
    rank = st.rank
    ncols = max(columns.values(), default=-1) + 1

    # boxes of steps and evidence, before their vertical position is known
    cells: dict = {}  # (column, band) -> [Box]
    step_boxes: dict = {}
    used: set = set()
    for n in st.order:
        s = bp.by_id[n]
        lines = tuple(wrap_evenly(s.text, WRAP))
        sub = _sub_line(bp, s)
        badges = badges_for(n, analysis, locale, inferred)
        rows = badge_rows(badges, NODE_W - 8)
        for b in badges:
            used.add(("badge", b.kind, b.declared))
        box = Box(
            n,
            "step",
            0,
            0,
            NODE_W,
            step_height(lines, sub, rows),
            lines,
            sub,
            rows,
            s.lane,
            columns[n],
            n,
        )
        step_boxes[n] = box
        cells.setdefault((columns[n], s.lane), []).append(box)
        if s.lane == "customer" and s.evidence:
            ev_lines = []
            for e in s.evidence:
                item = wrap_evenly(e.text, WRAP - 4)
                ev_lines.append("• " + item[0])
                ev_lines.extend("\u00a0" * 4 + more for more in item[1:])
            ev = Box(
                "evidence:" + n,
                "evidence",
                0,
                0,
                NODE_W,
                _quantum(2 * NODE_PAD + len(ev_lines) * line_height(ev_lines)),
                tuple(ev_lines),
                "",
                (),
                "evidence",
                columns[n],
                n,
            )
            cells.setdefault((columns[n], "evidence"), []).append(ev)
            used.add(("evidence",))
    for cell in cells.values():
        cell.sort(key=lambda b: rank[b.step])

    # horizontal: the lane-title column, then the grid, wide enough to name
    # each of the three lines at least once (a narrow blueprint gets wider columns)
    grid_left = MARGIN + LANE_W
    widest_line = max(text_width(words.line_label(locale, name)) for name in LINE_NAMES)
    pitch = max(PITCH, (widest_line + 2 * LINE_LABEL_INSET + 12) / max(ncols, 1))
    grid_right = grid_left + max(ncols, 1) * pitch

    def col_x(c: int) -> float:
        return grid_left + c * pitch + pitch / 2

    # title block
    title_lines = tuple(wrap(bp.title or bp.id, 90))
    meta = "   ".join(
        f"{words.word(locale, k)}: {v or '—'}"
        for k, v in (
            ("id", bp.id),
            ("status", bp.status),
            ("owner", bp.owner),
            ("version", bp.version),
        )
    )
    meta += f"   ({len(bp.steps)} {words.word(locale, 'steps')})"
    title_w = (
        max(
            max(display_width(t) for t in title_lines) * 14 * 0.56,
            display_width(meta) * SMALL_CELL * 1.1,
        )
        + 24
    )
    title_h = len(title_lines) * 18 + 14 + 14
    title = Box(
        "title",
        "title",
        MARGIN + title_w / 2,
        MARGIN + title_h / 2,
        title_w,
        title_h,
        title_lines,
        meta,
    )

    # phase headers
    y = MARGIN + title_h + TITLE_GAP
    spans: dict = {}
    for n, g in groups.items():
        if g == INF:
            continue
        lo, hi = spans.get(g, (INF, -1))
        spans[g] = (min(lo, columns[n]), max(hi, columns[n]))
    phase_boxes, separators = [], []
    phase_lines = {}
    for g, (lo, hi) in sorted(spans.items()):
        ph = bp.phases[g]
        width_cells = int(((hi - lo + 1) * pitch - 12) / CELL)
        phase_lines[g] = _at_most(wrap_evenly(ph.name, max(width_cells, 4)), 3, max(width_cells, 4))
    ph_h = max([PHASE_H] + [len(v) * LINE_H + 10 for v in phase_lines.values()])
    for g, (lo, hi) in sorted(spans.items()):
        left, right = grid_left + lo * pitch + 2, grid_left + (hi + 1) * pitch - 2
        phase_boxes.append(
            Box(
                f"phase:{bp.phases[g].id}",
                "phase",
                (left + right) / 2,
                y + ph_h / 2,
                right - left,
                ph_h,
                phase_lines[g],
            )
        )
    bands_top = y + ph_h + 4

    # vertical: one band per lane, tall enough for its tallest stack
    band_order = list(BANDS)
    curve_wanted = emotion
    if curve_wanted:
        band_order.insert(1, "emotion")
    heights = {}
    for band in band_order:
        tallest = 0.0
        for c in range(ncols):
            stack = cells.get((c, band), [])
            if stack:
                tallest = max(tallest, sum(b.h for b in stack) + STACK_GAP * (len(stack) - 1))
        if band == "emotion":
            heights[band] = EMOTION_H
        elif band == "evidence" and not tallest:
            heights[band] = 40.0
        else:
            heights[band] = max(MIN_BAND, tallest + 2 * BAND_PAD)

    # total width: the grid, or the title block or legend if wider
    legend_entries = _legend_entries(bp, analysis, locale, used, st, curve_wanted)
    sample_w = max([LEGEND_SAMPLE] + [b.width for _, _, b in legend_entries if b is not None])
    entry_w = max(
        [sample_w + 12 + display_width(t) * LEGEND_CELL + 18 for _, t, _ in legend_entries] + [200]
    )
    # as many columns (up to four) as fit under the bands or the title block;
    # at least two, so a narrow diagram's legend does not become a long list
    avail = max(grid_right - MARGIN, title_w)
    per_row = max(1, min(len(legend_entries), max(2, min(4, int(avail // entry_w)))))
    right = grid_right  # bands end with the grid; the title block and legend may be wider
    page_right = max(grid_right, MARGIN + title_w, MARGIN + per_row * entry_w)

    bands, top = [], bands_top
    for band in band_order:
        bands.append(Band(band, top, top + heights[band], MARGIN, right))
        top += heights[band]
    bands_bottom = top
    band_at = {b.lane: b for b in bands}

    lane_boxes = []
    for b in bands:
        t, sub = words.lane_title(locale, b.lane)
        lane_boxes.append(
            Box(
                f"lane:{b.lane}",
                "lane",
                MARGIN + LANE_W / 2,
                (b.top + b.bottom) / 2,
                LANE_W - 2,
                b.bottom - b.top - 2,
                tuple(wrap(t, 18)),
                sub,
                lane=b.lane,
            )
        )

    # place the stacks
    boxes = []
    for (c, band), stack in cells.items():
        b = band_at[band]
        total = sum(x.h for x in stack) + STACK_GAP * (len(stack) - 1)
        yy = (b.top + b.bottom) / 2 - total / 2
        for box in stack:
            box.x = col_x(c)
            box.y = yy + box.h / 2
            yy += box.h + STACK_GAP
    for n in st.order:
        ev = [x for x in cells.get((columns[n], "evidence"), []) if x.step == n]
        boxes.extend(ev)
        boxes.append(step_boxes[n])

    # the three lines
    lines = []
    for name, above, _below in (
        ("interaction", "customer", "frontstage"),
        ("visibility", "frontstage", "backstage"),
        ("internal", "backstage", "support"),
    ):
        lines.append(
            Line(
                name,
                band_at[above].bottom,
                MARGIN + LANE_W,
                right,
                words.line_label(locale, name),
                words.line_short(locale, name),
            )
        )

    for _g, (lo, _) in sorted(spans.items()):
        if lo > 0:
            separators.append((grid_left + lo * pitch, bands_top - ph_h - 4, bands_bottom))

    # arrows
    arrows = []
    for s in bp.steps:
        for f in s.flows:
            if f.target not in bp.by_id:
                continue
            if f.kind == "normal":
                text = f.when or ""
            else:
                text = words.word(locale, f.kind) + (f": {f.when}" if f.when else "")
            label = tuple(wrap_evenly(text, EDGE_WRAP)) if text else ()
            up = s.lane == "support" and bp.by_id[f.target].lane != "support"
            arrows.append(Arrow(f.source, f.target, f.kind, up, label, text))

    curve = None
    if curve_wanted:
        curve = _curve(bp, analysis, locale, st, columns, col_x, band_at["emotion"])

    # legend under the bands
    legend_top = bands_bottom + 14
    legend = []
    for i, (sample, text, badge) in enumerate(legend_entries):
        r, c = divmod(i, per_row)
        legend.append(
            LegendEntry(
                sample,
                text,
                MARGIN + 10 + c * entry_w,
                legend_top + 26 + r * LEGEND_ROW + LEGEND_ROW / 2,
                badge,
            )
        )
    rows = (len(legend_entries) + per_row - 1) // per_row
    legend_bottom = legend_top + 26 + rows * LEGEND_ROW + 8
    legend_box = (MARGIN, legend_top, MARGIN + per_row * entry_w, legend_bottom)

    return Layout(
        width=page_right + MARGIN,
        height=legend_bottom + MARGIN,
        locale=locale,
        title=title,
        boxes=boxes,
        lane_boxes=lane_boxes,
        phase_boxes=phase_boxes,
        arrows=arrows,
        bands=bands,
        lines=lines,
        separators=separators,
        legend_box=legend_box,
        legend=legend,
        curve=curve,
        columns=columns,
        grid_left=grid_left,
        grid_right=grid_right,
        legend_sample=sample_w,
    )


def _curve(bp, analysis, locale, st, columns, col_x, band) -> Curve:
    zero = (band.top + band.bottom) / 2 + 4
    sc = (
        bp.emotion_scale
    )  # the curve spans the same height whatever the scale (-2..+2: 15 pt a unit)
    step = EMOTION_STEP * 4 / (sc.high - sc.low)
    pts = []
    for n in sorted(st.customer_steps, key=lambda n: (columns[n], st.rank[n])):
        e = bp.by_id[n].emotion
        if e is not None:
            pts.append((col_x(columns[n]), zero - (e - sc.mid) * step, n, e))
    marks = []
    where = {p[2]: p for p in pts}
    for n in analysis.peaks:
        kind = moment_kind(n, analysis)
        if n in where and kind is not None:
            x, yy, _, e = where[n]
            marks.append((x, yy, f"{MOMENT_SYMBOL[kind]} " + words.word(locale, kind), kind))
    for n in analysis.ends:
        if n in where:
            x, yy, _, _ = where[n]
            marks.append((x, yy, "■ " + words.word(locale, "end"), "end"))
    signed = sc.low < 0
    labels = tuple(
        (f"{v:+g}" if v else "0") if signed else f"{v:g}" for v in (sc.high, sc.mid, sc.low)
    )
    return Curve(pts, marks, zero, band.top, band.bottom, labels)


def _legend_entries(bp, analysis, locale, used, st, curve) -> list:
    w = lambda k: words.word(locale, k)  # noqa: E731
    out = []
    order = [
        ("fail", True, "fail.declared"),
        ("fail", False, "fail.inferred"),
        ("wait", True, "wait.declared"),
        ("wait", False, "wait.inferred"),
        ("peak", True, "peak.best"),
        ("high", True, "peak.high"),
        ("low", True, "peak.worst"),
        ("end", True, "end.moment"),
        ("key", True, "key.moment"),
        ("late", True, "late.standard"),
    ]
    samples = {
        "fail": "▲ " + w("fail"),
        "wait": "● " + w("wait"),
        "peak": "★ " + w("peak"),
        "low": "▼ " + w("low"),
        "high": "☆ " + w("high"),
        "end": "■ " + w("end"),
        "key": "◎ " + w("key"),
        "late": "◆ " + w("late"),
    }
    for kind, declared, key in order:
        if ("badge", kind, declared) in used:
            text = samples[kind] + ("" if declared else "?")
            out.append(("badge", w(key), Badge(kind, text, declared)))
    # each kind of arrow as it is drawn (see dot._edge_look): loops are red whatever their lanes
    flows = [(s, f) for s in bp.steps for f in s.flows if f.target in bp.by_id]
    up = [s.lane == "support" and bp.by_id[f.target].lane != "support" for s, f in flows]
    normal = [f.kind == "normal" for _, f in flows]
    if any(n and not u and not f.when for n, u, (_, f) in zip(normal, up, flows)):
        out.append(("edge:normal", w("edge.normal"), None))
    if any(n and f.when for n, (_, f) in zip(normal, flows)):
        out.append(("edge:branch", w("edge.branch"), None))
    if any(n and u for n, u in zip(normal, up)):
        out.append(("edge:support", w("edge.support"), None))
    for k in ("recovery", "rework"):
        if any(f.kind == k for _, f in flows):
            out.append((f"edge:{k}", w(f"edge.{k}"), None))
    for name in ("interaction", "visibility", "internal"):
        out.append((f"line:{name}", w(f"line.{name}"), None))
    if ("evidence",) in used:
        out.append(("evidence", w("evidence.box"), None))
    if curve and any(bp.by_id[n].emotion is not None for n in st.customer_steps):
        sc = bp.emotion_scale  # only when there is a curve to see
        low, high = (f"{x:+g}" if sc.low < 0 and x else f"{x:g}" for x in (sc.low, sc.high))
        out.append(("emotion", w("emotion.curve").format(low, high), None))
    return out
