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
* Time comes in where durations are known: staff and support work that runs
  beside later customer actions moves right into the column of the moment it
  starts (the customer's actions are the clock), never left, never past a step
  it flows into.
* Phases come next: each phase starts right of the columns of the phases
  before it, so phase headers never overlap. A step that flows into an
  earlier phase (a table cleared during "leave" lets the next party in
  during "arrive") is drawn with the earlier phase, because flows win.
* Declared loops (recovery, rework) and flows that close an undeclared cycle
  do not constrain columns; they are the only arrows that may point left.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from blueprint import vocab
from blueprint.analysis.findings import NOTICEABLE_WAIT
from blueprint.durations import format_duration
from blueprint.render import words
from blueprint.textwidth import display_width, wrap
from blueprint.vocab import BANDS

if TYPE_CHECKING:
    from blueprint.analysis.findings import Analysis
    from blueprint.graph import Structure
    from blueprint.model import Blueprint, Step

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
LINE_NAMES = vocab.LINES

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
    lines: tuple[str, ...] = ()
    sub: str = ""
    badges: tuple[tuple[Badge, ...], ...] = ()  # rows of Badge
    lane: str | None = None
    column: int | None = None
    step: str | None = None
    known: str = ""  # a step only assumed or proposed (vocab.UNSURE): drawn dashed

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
    label: tuple[str, ...] = ()  # wrapped lines of the condition
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

    points: list[tuple[float, float, str, float]]  # (x, y, step id, emotion)
    marks: list[tuple[float, float, str, str]]  # (x, y, text, kind): peak, low, end
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
    boxes: list[Box]  # steps and evidence, in flow order
    lane_boxes: list[Box]
    phase_boxes: list[Box]
    arrows: list[Arrow]
    bands: list[Band]
    lines: list[Line]
    separators: list[tuple[float, float, float]]  # (x, top, bottom) between phases
    legend_box: tuple[float, float, float, float]  # (left, top, right, bottom)
    legend: list[LegendEntry]
    curve: Curve | None = None
    columns: dict[str, int] = field(default_factory=dict)  # step id -> column
    grid_left: float = 0.0
    grid_right: float = 0.0
    legend_sample: float = LEGEND_SAMPLE  # width of the samples' column in the legend

    def box(self, name: str) -> Box:
        for b in self.boxes:
            if b.name == name:
                return b
        raise KeyError(name)


# --- columns ---------------------------------------------------------------


def assign_columns(bp: Blueprint, structure: Structure) -> tuple[dict[str, int], dict[str, int]]:
    """Column of every step and the phase group of every step.

    Returns ``(columns, groups)``: step id -> column index, and step id ->
    the index of the phase it is drawn under (``INF`` for steps shown under
    no phase).

    This is the one place that decides columns; the rest of the layout only
    reads them. The steps: the forward flows that constrain columns
    (:func:`_forward_links`), the phase each step is drawn under
    (:func:`_phase_groups`), the leftmost column flows allow
    (:func:`_earliest_columns`), then steps nothing flows into move as far
    right as their flows allow (:func:`_sources_late`), and staff and support
    work that runs beside later customer actions moves to the column of the
    moment it starts, when durations tell it (:func:`_work_in_time`).
    """
    succ, pred = _forward_links(structure)
    groups = _phase_groups(bp, structure.order, succ)
    lane = {n: bp.by_id[n].lane for n in structure.order}
    columns = _earliest_columns(structure, pred, groups, lane)
    _sources_late(structure, succ, pred, groups, lane, columns)
    _work_in_time(bp, structure, succ, pred, groups, lane, columns)
    return columns, groups


def _forward_links(structure: Structure) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Successors and predecessors of every step along the flows that point
    forward in the step order, sorted by rank; flows closing an undeclared
    cycle (and declared loops, absent from ``forward``) do not count."""
    order, rank = structure.order, structure.rank
    succ: dict[str, list[str]] = {n: [] for n in order}
    pred: dict[str, list[str]] = {n: [] for n in order}
    for u, v in sorted(structure.forward.edges(), key=lambda e: (rank[e[0]], rank[e[1]])):
        if rank[u] < rank[v]:  # flows closing an undeclared cycle do not count
            succ[u].append(v)
            pred[v].append(u)
    return succ, pred


def _phase_groups(bp: Blueprint, order: list[str], succ: dict[str, list[str]]) -> dict[str, int]:
    """The phase each step is drawn under: its own phase, or the earliest
    phase of a step it flows into (flows win over phases); ``INF`` for a step
    with no phase that flows into none."""
    phase_index: dict[str | None, int] = {p.id: p.index for p in bp.phases}
    group: dict[str, int] = {}
    for n in reversed(order):
        g = phase_index.get(bp.by_id[n].phase, INF)
        for v in succ[n]:
            g = min(g, group[v])
        group[n] = g
    return group


def _earliest_columns(
    structure: Structure,
    pred: dict[str, list[str]],
    groups: dict[str, int],
    lane: dict[str, str | None],
) -> dict[str, int]:
    """The leftmost column of every step: phase group by phase group, not left
    of a step that flows into it, strictly right of every step of its own lane
    on a path into it."""
    rank = structure.rank
    columns: dict[str, int] = {}
    # step -> {lane: rightmost column of that lane on a path into the step, itself included}
    last: dict[str, dict[str | None, int]] = {}
    next_col, current, start = 0, None, 0
    for n in sorted(structure.order, key=lambda n: (groups[n], rank[n])):
        if groups[n] != current:
            current, start = groups[n], next_col
        col = start
        seen: dict[str | None, int] = {}
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
    return columns


def _sources_late(
    structure: Structure,
    succ: dict[str, list[str]],
    pred: dict[str, list[str]],
    groups: dict[str, int],
    lane: dict[str, str | None],
    columns: dict[str, int],
) -> None:
    """Move, in ``columns``, each step that nothing flows into (a table cleared
    in the background, a system fed by nobody) right, next to the first step
    it feeds, instead of waiting at the start of its phase: as late as its
    flows allow, and left of every later step of its own lane."""
    rank = structure.rank
    group_end: dict[int, int] = {}
    for n, g in groups.items():
        group_end[g] = max(group_end.get(g, 0), columns[n])
    # step -> {lane: leftmost column of that lane on a path out of the step}
    first: dict[str, dict[str | None, int]] = {}
    for n in sorted(structure.order, key=lambda n: (groups[n], rank[n]), reverse=True):
        reach: dict[str | None, int] = {}
        for v in succ[n]:
            for ln, c in first[v].items():
                if c < reach.get(ln, INF):
                    reach[ln] = c
            if columns[v] < reach.get(lane[v], INF):
                reach[lane[v]] = columns[v]
        first[n] = reach
        if pred[n] or not succ[n]:
            continue
        limit = group_end[groups[n]]
        for v in succ[n]:
            limit = min(limit, columns[v])
        if lane[n] in reach:
            limit = min(limit, reach[lane[n]] - 1)
        if limit > columns[n]:
            columns[n] = limit


def _start_times(
    bp: Blueprint, order: list[str], pred: dict[str, list[str]], lane: dict[str, str | None]
) -> dict[str, float]:
    """When each step starts, from the steps' durations (every step as early as its
    flows allow); ``math.inf`` when a staff or support step before it has no
    duration, so nothing is placed by a guess. A customer action without a
    duration takes no time, as in the analysis."""
    start: dict[str, float] = {}
    for n in order:
        t = 0.0
        for p in pred[n]:
            d = bp.by_id[p].duration
            if d is None and lane[p] != "customer":
                t = math.inf
                break
            t = max(t, start[p] + (d.seconds if d else 0.0))
        start[n] = t
    return start


def _work_in_time(
    bp: Blueprint,
    structure: Structure,
    succ: dict[str, list[str]],
    pred: dict[str, list[str]],
    groups: dict[str, int],
    lane: dict[str, str | None],
    columns: dict[str, int],
) -> None:
    """Move, in ``columns``, staff and support work that runs beside later
    customer actions right, into the column of the moment it starts.

    The customer's actions are the clock: a column has begun at the time its
    last customer action starts. A staff or support step whose start time is
    known (every duration before it is) moves right to the last column that
    has begun by then (bags carried up while the guest walks to the room are
    drawn beside the walk, the porter knocking beside the guest who opens the
    door, not three columns before them) as far as its flows allow: not right
    of a step it flows into, left of every later step of its own lane, within
    its phase. Steps never move left, customer actions never move.
    """
    order, rank = structure.order, structure.rank
    start = _start_times(bp, order, pred, lane)
    ncols = max(columns.values(), default=-1) + 1
    # the time each column has begun by (its customer actions' latest start), kept
    # non-decreasing from left to right: a column counts once every column before it has begun
    begun = [-math.inf] * ncols
    for n in order:
        if lane[n] == "customer":
            begun[columns[n]] = max(begun[columns[n]], start[n])
    for k in range(1, ncols):
        begun[k] = max(begun[k], begun[k - 1])
    group_end: dict[int, int] = {}
    for n, g in groups.items():
        group_end[g] = max(group_end.get(g, 0), columns[n])
    # step -> {lane: leftmost column of that lane on a path out of the step}
    first: dict[str, dict[str | None, int]] = {}
    for n in sorted(order, key=lambda n: (groups[n], rank[n]), reverse=True):
        reach: dict[str | None, int] = {}
        for v in succ[n]:
            for ln, c in first[v].items():
                if c < reach.get(ln, INF):
                    reach[ln] = c
            if columns[v] < reach.get(lane[v], INF):
                reach[lane[v]] = columns[v]
        first[n] = reach
        if lane[n] == "customer" or not pred[n] or start[n] == math.inf:
            continue
        limit = group_end[groups[n]]
        for v in succ[n]:
            limit = min(limit, columns[v])
        if lane[n] in reach:
            limit = min(limit, reach[lane[n]] - 1)
        if limit <= columns[n]:
            continue
        # the last column (up to the limit) that has begun when the step starts
        target = bisect.bisect_right(begun, start[n], columns[n], limit + 1) - 1
        if target > columns[n]:
            columns[n] = target


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
    known = analysis.bp.by_id[step_id].known
    if known in vocab.UNSURE:  # not seen: the team's belief, or not in the service yet
        out.append(Badge(known, f"{_BADGE_SYMBOL[known]} {w(known)}", False))
    return out


def badge_rows(badges: list, width: float) -> tuple:
    rows: list[tuple[Badge, ...]] = []
    cur: list[Badge] = []
    used = 0.0
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

#: one entry of the legend before it is placed: (sample, text, badge)
LegendItem = tuple[str, str, Badge | None]
#: the boxes of one column of one band, top to bottom: (column, band) -> boxes
Cells = dict[tuple[int, str | None], list[Box]]


def layout(
    bp: Blueprint, analysis: Analysis, *, emotion: bool = False, inferred: bool = True
) -> Layout:
    """Place everything. Pure: same blueprint and analysis, same layout.

    The steps, in order: columns (:func:`assign_columns`), the boxes of steps
    and evidence (:func:`_content`), the horizontal grid (:func:`_grid`), the
    title block, the phase headers, the bands' heights, the legend's geometry,
    the bands and their titles, the boxes' positions, the three lines, the
    phase separators, the arrows, the emotion curve and the legend's entries.
    """
    st = analysis.structure
    locale = words.locale_of(bp)
    columns, groups = assign_columns(bp, st)
    ncols = max(columns.values(), default=-1) + 1
    content = _content(bp, analysis, columns, locale, inferred)
    grid = _grid(ncols, locale)
    title = _title_block(bp, locale)

    spans = _phase_spans(groups, columns)
    header_top = MARGIN + title.h + TITLE_GAP
    phase_boxes, ph_h = _phase_headers(bp, spans, grid, header_top)
    bands_top = header_top + ph_h + 4

    band_order = _band_order(emotion)
    heights = _band_heights(band_order, content.cells, ncols)
    legend_entries = _legend_entries(bp, locale, content.used, st, emotion)
    shape = _legend_shape(legend_entries, max(grid.right - MARGIN, title.w))
    page_right = max(grid.right, MARGIN + title.w, MARGIN + shape.per_row * shape.entry_w)

    # bands end with the grid; the title block and legend may be wider
    bands = _bands(band_order, heights, bands_top, grid.right)
    bands_bottom = bands[-1].bottom
    band_at: dict[str | None, Band] = {b.lane: b for b in bands}
    _place_stacks(content.cells, band_at, grid)

    curve = None
    if emotion:
        curve = _curve(bp, analysis, locale, st, columns, grid.x, band_at["emotion"])
    legend, legend_box = _place_legend(legend_entries, shape, bands_bottom + 14)

    return Layout(
        width=page_right + MARGIN,
        height=legend_box[3] + MARGIN,
        locale=locale,
        title=title,
        boxes=_boxes_in_flow_order(st.order, content, columns),
        lane_boxes=_lane_boxes(bands, locale),
        phase_boxes=phase_boxes,
        arrows=_arrows(bp, locale),
        bands=bands,
        lines=_lines(band_at, grid.right, locale),
        separators=_separators(spans, grid, bands_top - ph_h - 4, bands_bottom),
        legend_box=legend_box,
        legend=legend,
        curve=curve,
        columns=columns,
        grid_left=grid.left,
        grid_right=grid.right,
        legend_sample=shape.sample_w,
    )


@dataclass
class _Content:
    """The boxes of steps and evidence, before their position is known."""

    cells: Cells  # (column, band) -> boxes, in step order
    steps: dict[str, Box]  # step id -> its box
    used: set[tuple]  # what the legend has to explain: ("badge", kind, declared), ("evidence",)


def _content(
    bp: Blueprint, analysis: Analysis, columns: dict[str, int], locale: str, inferred: bool
) -> _Content:
    """The box of every step (text, role line, badges, height) and the
    evidence card above every customer step with evidence, each in its
    column's cell of its band, stacked in step order."""
    st = analysis.structure
    content = _Content({}, {}, set())
    for n in st.order:
        s = bp.by_id[n]
        box = _step_box(bp, s, analysis, locale, inferred, columns[n], content.used)
        content.steps[n] = box
        content.cells.setdefault((columns[n], s.lane), []).append(box)
        if s.lane == "customer" and s.evidence:
            ev = _evidence_box(s, columns[n])
            content.cells.setdefault((columns[n], "evidence"), []).append(ev)
            content.used.add(("evidence",))
    # steps come in flow order, so every stack is already in step order
    return content


def _step_box(
    bp: Blueprint,
    s: Step,
    analysis: Analysis,
    locale: str,
    inferred: bool,
    column: int,
    used: set[tuple],
) -> Box:
    """The box of one step, not yet placed; its badges are noted in ``used``."""
    lines = tuple(wrap_evenly(s.text, WRAP))
    sub = _sub_line(bp, s)
    badges = badges_for(s.id, analysis, locale, inferred)
    rows = badge_rows(badges, NODE_W - 8)
    for b in badges:
        used.add(("badge", b.kind, b.declared))
    return Box(
        s.id,
        "step",
        0,
        0,
        NODE_W,
        step_height(lines, sub, rows),
        lines,
        sub,
        rows,
        s.lane,
        column,
        s.id,
        s.known if s.known in vocab.UNSURE else "",
    )


def _evidence_box(s: Step, column: int) -> Box:
    """The evidence card of a customer step: one bullet per item, wrapped
    items indented, not yet placed."""
    ev_lines: list[str] = []
    for e in s.evidence:
        item = wrap_evenly(e.text, WRAP - 4)
        ev_lines.append("• " + item[0])
        ev_lines.extend("\u00a0" * 4 + more for more in item[1:])
    return Box(
        "evidence:" + s.id,
        "evidence",
        0,
        0,
        NODE_W,
        _quantum(2 * NODE_PAD + len(ev_lines) * line_height(ev_lines)),
        tuple(ev_lines),
        "",
        (),
        "evidence",
        column,
        s.id,
    )


@dataclass(frozen=True)
class _Grid:
    """The columns, horizontally: the grid starts right of the lane titles."""

    left: float
    pitch: float  # width of one column
    ncols: int

    @property
    def right(self) -> float:
        return self.left + max(self.ncols, 1) * self.pitch

    def x(self, c: int) -> float:
        """The centre of column ``c``."""
        return self.left + c * self.pitch + self.pitch / 2


def _grid(ncols: int, locale: str) -> _Grid:
    """The lane-title column, then the grid, wide enough to name each of the
    three lines at least once (a narrow blueprint gets wider columns)."""
    widest_line = max(text_width(words.line_label(locale, name)) for name in LINE_NAMES)
    pitch = max(PITCH, (widest_line + 2 * LINE_LABEL_INSET + 12) / max(ncols, 1))
    return _Grid(MARGIN + LANE_W, pitch, ncols)


def _title_block(bp: Blueprint, locale: str) -> Box:
    """The title block at the top left: the title, then one line of metadata
    (id, status, owner, version, number of steps)."""
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
    return Box(
        "title",
        "title",
        MARGIN + title_w / 2,
        MARGIN + title_h / 2,
        title_w,
        title_h,
        title_lines,
        meta,
    )


def _phase_spans(groups: dict[str, int], columns: dict[str, int]) -> dict[int, tuple[int, int]]:
    """The first and last column of every phase group that has steps."""
    spans: dict[int, tuple[int, int]] = {}
    for n, g in groups.items():
        if g == INF:
            continue
        lo, hi = spans.get(g, (INF, -1))
        spans[g] = (min(lo, columns[n]), max(hi, columns[n]))
    return spans


def _phase_headers(
    bp: Blueprint, spans: dict[int, tuple[int, int]], grid: _Grid, top: float
) -> tuple[list[Box], float]:
    """One header box over each phase's columns, starting at ``top``, and
    their common height (tall enough for the longest name, at most 3 lines)."""
    phase_lines = {}
    for g, (lo, hi) in sorted(spans.items()):
        ph = bp.phases[g]
        width_cells = int(((hi - lo + 1) * grid.pitch - 12) / CELL)
        phase_lines[g] = _at_most(wrap_evenly(ph.name, max(width_cells, 4)), 3, max(width_cells, 4))
    ph_h = max([PHASE_H] + [len(v) * LINE_H + 10 for v in phase_lines.values()])
    boxes = []
    for g, (lo, hi) in sorted(spans.items()):
        left, right = grid.left + lo * grid.pitch + 2, grid.left + (hi + 1) * grid.pitch - 2
        boxes.append(
            Box(
                f"phase:{bp.phases[g].id}",
                "phase",
                (left + right) / 2,
                top + ph_h / 2,
                right - left,
                ph_h,
                phase_lines[g],
            )
        )
    return boxes, ph_h


def _band_order(emotion: bool) -> list[str]:
    """The bands from top to bottom; the emotion band (for the curve) right
    under the evidence."""
    band_order = list(BANDS)
    if emotion:
        band_order.insert(1, "emotion")
    return band_order


def _band_heights(band_order: list[str], cells: Cells, ncols: int) -> dict[str, float]:
    """The height of every band: tall enough for its tallest stack."""
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
    return heights


@dataclass(frozen=True)
class _LegendShape:
    sample_w: float  # width of the samples' column
    entry_w: float  # width of one entry (sample and text)
    per_row: int  # entries per row


def _legend_shape(entries: list[LegendItem], avail: float) -> _LegendShape:
    """How wide the legend's entries are and how many go in a row: as many
    columns (up to four) as fit in ``avail`` (under the bands or the title
    block); at least two, so a narrow diagram's legend does not become a long
    list."""
    sample_w = max([LEGEND_SAMPLE] + [b.width for _, _, b in entries if b is not None])
    entry_w = max(
        [sample_w + 12 + display_width(t) * LEGEND_CELL + 18 for _, t, _ in entries] + [200]
    )
    per_row = max(1, min(len(entries), max(2, min(4, int(avail // entry_w)))))
    return _LegendShape(sample_w, entry_w, per_row)


def _bands(
    band_order: list[str], heights: dict[str, float], top: float, right: float
) -> list[Band]:
    """The bands, stacked from ``top`` down, from the margin to ``right``."""
    bands = []
    for band in band_order:
        bands.append(Band(band, top, top + heights[band], MARGIN, right))
        top += heights[band]
    return bands


def _lane_boxes(bands: list[Band], locale: str) -> list[Box]:
    """The title of every band, in the column left of the grid."""
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
    return lane_boxes


def _place_stacks(cells: Cells, band_at: dict[str | None, Band], grid: _Grid) -> None:
    """Position every box: centred in its column, each cell's stack centred
    vertically in its band."""
    for (c, band), stack in cells.items():
        b = band_at[band]
        total = sum(x.h for x in stack) + STACK_GAP * (len(stack) - 1)
        yy = (b.top + b.bottom) / 2 - total / 2
        for box in stack:
            box.x = grid.x(c)
            box.y = yy + box.h / 2
            yy += box.h + STACK_GAP


def _boxes_in_flow_order(order: list[str], content: _Content, columns: dict[str, int]) -> list[Box]:
    """The step boxes in flow order, each right after its evidence card."""
    boxes: list[Box] = []
    for n in order:
        boxes.extend(x for x in content.cells.get((columns[n], "evidence"), []) if x.step == n)
        boxes.append(content.steps[n])
    return boxes


def _lines(band_at: dict[str | None, Band], right: float, locale: str) -> list[Line]:
    """The lines of interaction, visibility and internal interaction, each
    under the band above it."""
    lines = []
    for name, above, _below in vocab.LINES_BETWEEN:
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
    return lines


def _separators(
    spans: dict[int, tuple[int, int]], grid: _Grid, top: float, bottom: float
) -> list[tuple[float, float, float]]:
    """A vertical separator ``(x, top, bottom)`` left of every phase but the
    one starting at the first column."""
    separators = []
    for _g, (lo, _) in sorted(spans.items()):
        if lo > 0:
            separators.append((grid.left + lo * grid.pitch, top, bottom))
    return separators


def _arrows(bp: Blueprint, locale: str) -> list[Arrow]:
    """One arrow per flow to an existing step, labelled with its condition
    (loops also with their kind)."""
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
    return arrows


def _place_legend(
    entries: list[LegendItem], shape: _LegendShape, top: float
) -> tuple[list[LegendEntry], tuple[float, float, float, float]]:
    """The legend's entries placed row by row under the bands, starting at
    ``top``, and the legend's box ``(left, top, right, bottom)``."""
    legend = []
    for i, (sample, text, badge) in enumerate(entries):
        r, c = divmod(i, shape.per_row)
        legend.append(
            LegendEntry(
                sample,
                text,
                MARGIN + 10 + c * shape.entry_w,
                top + 26 + r * LEGEND_ROW + LEGEND_ROW / 2,
                badge,
            )
        )
    rows = (len(entries) + shape.per_row - 1) // shape.per_row
    bottom = top + 26 + rows * LEGEND_ROW + 8
    return legend, (MARGIN, top, MARGIN + shape.per_row * shape.entry_w, bottom)


def _curve(
    bp: Blueprint,
    analysis: Analysis,
    locale: str,
    st: Structure,
    columns: dict[str, int],
    col_x: Callable[[int], float],
    band: Band,
) -> Curve:
    """The customer's emotion curve in the emotion band: a point per customer
    step with an emotion, in column order, and a mark on each peak, low and end."""
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


#: the badges the legend can explain, in its order: (kind, declared, phrase key)
_LEGEND_BADGES = (
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
    (vocab.ASSUMED, False, "known.assumed"),
    (vocab.PROPOSED, False, "known.proposed"),
)
_BADGE_SYMBOL = {
    "fail": "▲",
    "wait": "●",
    "peak": "★",
    "low": "▼",
    "high": "☆",
    "end": "■",
    "key": "◎",
    "late": "◆",
    vocab.ASSUMED: "≈",
    vocab.PROPOSED: "+",
}


def _legend_entries(
    bp: Blueprint, locale: str, used: set[tuple], st: Structure, curve: bool
) -> list[LegendItem]:
    """What the legend explains, in order: the badges drawn, the kinds of
    arrow drawn, the three lines, the evidence card (if drawn) and the
    emotion curve (if there is one to see)."""
    w = lambda k: words.word(locale, k)  # noqa: E731
    out = _badge_legend(locale, used) + _arrow_legend(bp, locale)
    for name in LINE_NAMES:
        out.append((f"line:{name}", w(f"line.{name}"), None))
    if ("evidence",) in used:
        out.append(("evidence", w("evidence.box"), None))
    if curve and any(bp.by_id[n].emotion is not None for n in st.customer_steps):
        sc = bp.emotion_scale  # only when there is a curve to see
        low, high = (f"{x:+g}" if sc.low < 0 and x else f"{x:g}" for x in (sc.low, sc.high))
        out.append(("emotion", w("emotion.curve").format(low, high), None))
    return out


def _badge_legend(locale: str, used: set[tuple]) -> list[LegendItem]:
    """A sample of every kind of badge drawn, declared and inferred apart."""
    out: list[LegendItem] = []
    for kind, declared, key in _LEGEND_BADGES:
        if ("badge", kind, declared) in used:
            text = f"{_BADGE_SYMBOL[kind]} {words.word(locale, kind)}" + ("" if declared else "?")
            out.append(("badge", words.word(locale, key), Badge(kind, text, declared)))
    return out


def _arrow_legend(bp: Blueprint, locale: str) -> list[LegendItem]:
    """Each kind of arrow as it is drawn (see dot._edge_look): plain, branch,
    up from support, and loops, which are red whatever their lanes."""
    drawn: set[str] = set()
    for s in bp.steps:
        for f in s.flows:
            if f.target not in bp.by_id:
                continue
            if f.kind != "normal":
                drawn.add(f.kind)
                continue
            up = s.lane == "support" and bp.by_id[f.target].lane != "support"
            if up:
                drawn.add("support")
            if f.when:
                drawn.add("branch")
            if not up and not f.when:
                drawn.add("normal")
    out: list[LegendItem] = []
    for k in ("normal", "branch", "support", "recovery", "rework"):
        if k in drawn:
            out.append((f"edge:{k}", words.word(locale, f"edge.{k}"), None))
    return out
