"""Where the words along the arrows and the three lines go. Pure.

Graphviz routes the arrows (``splines=ortho``), but it places an edge's label
after routing with little regard for boxes, arrowheads or other labels, so a
branch condition could end up against a box or on an arrowhead. Instead:

1. Graphviz routes the arrows once (:func:`blueprint.render.backend.routes`);
   :func:`parse_pos` reads each route back.
2. :func:`place` writes each condition beside its own arrow, as near to where
   the arrow leaves its step as it can: beside the first segment if that is
   clear, otherwise further along. "Clear" means clear of every box, arrowhead,
   other label and the labels of the three lines; crossing another arrow, one
   of the three lines or a phase separator is allowed but costs, so a spot that
   avoids them wins. Spots are tried in a fixed order and a tie goes to the
   earlier spot, so the same routes always give the same placement.
3. The labels of the three lines move along their line off the arrows that
   cross it (:func:`line_labels`); when the line is too short for a label at
   each end, only the one at the left is written.

Graphviz then draws the routes as they are, with the labels in the
background drawing (:mod:`blueprint.render.dot`).

Text sizes are the layout's estimates (:func:`layout.text_width`), which are
on the generous side, so a label is never wider than its reserved spot.
"""

from __future__ import annotations

from dataclasses import dataclass

from blueprint.render import layout as L
from blueprint.textwidth import display_width, wrap

GAP = 4.0  # between a label and its arrow, or the box the arrow leaves
ABOVE = 3.0  # between a horizontal arrow and a label above or below it
ASCENT = 7.5  # from the top of a line of SMALL text to its baseline
HARD = 1e6  # a label on a box, an arrowhead or another label
EDGE = 1e3  # a label over another arrow
LINE = 2e2  # a label across one of the three lines
SEPARATOR = 50.0  # a label across a phase separator
BUCKET = 64.0  # side of a cell of the spatial index, points
SLIDE = 12.0  # between two spots for a label along a long segment
MAX_SPOTS = 160  # spots tried per label, nearest the arrow's start first
_NO_START = set("，。、；：！？）》」』】,.;:!?)]}")  # a wrapped line must not start with these


@dataclass(frozen=True)
class Route:
    """An arrow as Graphviz routed it, in layout coordinates (y downwards)."""

    points: tuple  # the polyline from the tail to the arrowhead's base
    tip: tuple  # the arrowhead's tip
    pos: str  # Graphviz's own text of the route, given back unchanged


@dataclass(frozen=True)
class Text:
    """A block of SMALL text at a fixed place."""

    lines: tuple
    left: float
    top: float
    width: float
    align: int = 0  # -1 left, 0 centre, 1 right
    boxed: bool = False  # drawn over the arrows, on the band's colour (where no spot is clear)

    @property
    def height(self) -> float:
        return len(self.lines) * L.SMALL_H

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def rect(self) -> tuple:
        return (self.left, self.top, self.right, self.bottom)

    @property
    def anchor(self) -> float:
        """x of the text anchor for the alignment."""
        return {-1: self.left, 0: self.left + self.width / 2, 1: self.right}[self.align]

    def baselines(self) -> list:
        return [self.top + ASCENT + i * L.SMALL_H for i in range(len(self.lines))]


@dataclass(frozen=True)
class Placement:
    routes: tuple  # Route per arrow of the layout, in its order
    conditions: tuple  # Text or None per arrow
    lines: tuple  # (line name, Text) of the three lines' labels


def parse_pos(pos: str, height: float) -> Route | None:
    """A route from Graphviz's ``pos`` of an edge (``e,x,y`` then the spline's
    points, y upwards); None when it cannot be read."""
    tip = None
    pts: list = []
    try:
        for tok in pos.split():
            if tok.startswith(("e,", "s,")):
                _, x, y = tok.split(",")
                if tok[0] == "e":
                    tip = (float(x), height - float(y))
                continue
            x, y = tok.split(",")
            p = (float(x), height - float(y))
            if not pts or pts[-1] != p:
                pts.append(p)
    except ValueError:
        return None
    if not pts:
        return None
    # drop points in the middle of a straight run
    out = [pts[0]]
    for p in pts[1:]:
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (a[0] == b[0] == p[0]) or (a[1] == b[1] == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return Route(tuple(out), tip if tip is not None else out[-1], pos)


def match_routes(lay: L.Layout, edges) -> list | None:
    """The route of each arrow of ``lay``, from Graphviz's (tail, head, pos)
    of every edge; None unless every arrow has a readable route."""
    by_pair: dict = {}
    for tail, head, pos in edges:
        by_pair.setdefault((tail, head), []).append(pos)
    out = []
    for a in lay.arrows:
        found = by_pair.get((a.source, a.target))
        route = parse_pos(found.pop(0), lay.height) if found and found[0] else None
        if route is None:
            return None
        out.append(route)
    return out


# --- obstacles ------------------------------------------------------------------------


def _overlap(a, b) -> float:
    """Area shared by two rectangles (left, top, right, bottom); 0 when they only touch."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _grow(r, d: float) -> tuple:
    return (r[0] - d, r[1] - d, r[2] + d, r[3] + d)


class Obstacles:
    """Rectangles with a cost each, in a grid of buckets for quick look-up."""

    def __init__(self):
        self.items: list = []
        self.buckets: dict = {}

    def _keys(self, r):
        for i in range(int(r[0] // BUCKET), int(r[2] // BUCKET) + 1):
            for j in range(int(r[1] // BUCKET), int(r[3] // BUCKET) + 1):
                yield i, j

    def add(self, rect, cost: float, owner=None):
        n = len(self.items)
        self.items.append((rect, cost, owner))
        for k in self._keys(rect):
            self.buckets.setdefault(k, []).append(n)

    def hits(self, rect):
        """(rect, cost, owner) of every obstacle that overlaps ``rect``, in the order added."""
        found = set()
        for k in self._keys(rect):
            for n in self.buckets.get(k, ()):
                if n not in found and _overlap(rect, self.items[n][0]) > 0:
                    found.add(n)
        return [self.items[n] for n in sorted(found)]

    def cost(self, rect, own=None, limit: float = float("inf")) -> float:
        """What a label at ``rect`` would cover; the segments of arrow ``own``
        are free. Counting stops at ``limit`` (the caller's best so far)."""
        total = 0.0
        seen = set()
        items = self.items
        for k in self._keys(rect):
            for n in self.buckets.get(k, ()):
                if n in seen:
                    continue
                seen.add(n)
                r, c, owner = items[n]
                w = (r[2] if r[2] < rect[2] else rect[2]) - (r[0] if r[0] > rect[0] else rect[0])
                if w <= 0:
                    continue
                h = (r[3] if r[3] < rect[3] else rect[3]) - (r[1] if r[1] > rect[1] else rect[1])
                if h <= 0 or (own is not None and owner == own and c == EDGE):
                    continue
                total += c + (w * h if c >= HARD else 0.0)
                if total >= limit:
                    return total
        return total


def _segments(route: Route):
    pts = route.points
    return list(zip(pts, pts[1:]))


def _seg_rect(a, b, grow: float) -> tuple:
    return (
        min(a[0], b[0]) - grow,
        min(a[1], b[1]) - grow,
        max(a[0], b[0]) + grow,
        max(a[1], b[1]) + grow,
    )


def _head_rect(route: Route) -> tuple:
    base, tip = route.points[-1], route.tip
    return _seg_rect(base, tip, 3.0)


def _arrow_obstacles(obs: Obstacles, routes) -> None:
    for i, r in enumerate(routes):
        if r is None:
            continue
        for a, b in _segments(r):
            obs.add(_seg_rect(a, b, 1.5), EDGE, i)
        obs.add(_head_rect(r), HARD, i)


def _box_obstacles(obs: Obstacles, lay: L.Layout) -> None:
    for b in [lay.title, *lay.lane_boxes, *lay.phase_boxes, *lay.boxes]:
        obs.add(_grow((b.left, b.top, b.right, b.bottom), 2.0), HARD)
    obs.add(lay.legend_box, HARD)


# --- the three lines ------------------------------------------------------------------------


def _line_text(ln: L.Line, text: str, left: float, above: bool, align: int) -> Text:
    top = ln.y - 2 - L.SMALL_H if above else ln.y + 2
    return Text((text,), left, top, L.text_width(text), align)


def line_labels(lay: L.Layout, routes=None, obstacles: Obstacles | None = None) -> list:
    """(line name, Text) for the labels of the three lines.

    Without obstacles: each line is named at its left end and, when there is
    room for both, at its right end. With obstacles (the routed arrows and
    the boxes), a label that something would cross moves along its half of
    the line, just above it or else just below it, to the nearest clear spot;
    an end whose half has no clear spot goes without; when neither has one,
    the line is named once at the first clear spot from the left, in both
    languages or else in the diagram's alone, or at its left end if there is
    no clear spot at all.
    """
    out = []
    inset = L.LINE_LABEL_INSET
    for ln in lay.lines:
        w = L.text_width(ln.label)
        both = 2 * w + 2 * inset + 24 <= ln.right - ln.left
        mid = (ln.left + ln.right) / 2
        if obstacles is None:
            out.append((ln.name, _line_text(ln, ln.label, ln.left + inset, True, -1)))
            if both:
                out.append((ln.name, _line_text(ln, ln.label, ln.right - inset - w, True, 1)))
            continue
        spots = []
        if both:
            spots = [
                t
                for t in (
                    _clear_spot(ln, ln.label, ln.left + inset, mid - 12, +1, obstacles),
                    _clear_spot(ln, ln.label, ln.right - inset, mid + 12, -1, obstacles),
                )
                if t
            ]
        for text in dict.fromkeys((ln.label, ln.short or ln.label)):
            if not spots:
                spot = _clear_spot(ln, text, ln.left + inset, ln.right - inset, +1, obstacles)
                spots = [spot] if spot else []
        if not spots:  # crossed wherever it goes: written over the arrows, at the left end
            t = _line_text(ln, ln.label, ln.left + inset, True, -1)
            spots = [Text(t.lines, t.left, t.top, t.width, t.align, boxed=True)]
        out.extend((ln.name, t) for t in spots)
    return out


def _clear_spot(ln: L.Line, text: str, start: float, limit: float, d: int, obstacles: Obstacles):
    """The clear spot for a label nearest to ``start`` (its left end for d=+1,
    its right end for d=-1) before ``limit``, above the line or else below; None if none."""
    w = L.text_width(text)
    best = None
    for above in (True, False):
        edge = start
        while True:
            left = edge if d > 0 else edge - w
            if (d > 0 and left + w > limit) or (d < 0 and left < limit):
                break
            spot = _line_text(ln, text, left, above, -1 if d > 0 else 1)
            hits = obstacles.hits(_grow(spot.rect, 1.0))
            if not hits:
                shift = abs(edge - start)
                if best is None or shift < best[0]:
                    best = (shift, spot)
                break
            edge = max(r[2] for r, _, _ in hits) + 4 if d > 0 else min(r[0] for r, _, _ in hits) - 4
    return best[1] if best else None


# --- branch conditions -------------------------------------------------------------------------


def _along(length: float, size: float) -> list:
    """Offsets of a label's near edge from a segment's start, nearest first:
    at the start, then every few points (up to 40 spots) to the end."""
    last = length - size - GAP
    out = [GAP]
    if last > GAP + 1:
        step = max(SLIDE, (last - GAP) / 40)
        off = GAP + step
        while off < last - 1:
            out.append(off)
            off += step
        out.append(last)
    return out


def _shapes(lines: tuple, text: str, room: float | None) -> list:
    """The ways to wrap a label, best first: as the layout wrapped it, in one
    line (fits between boxes stacked close), and narrow enough for ``room``
    points (fits between two neighbouring boxes)."""
    out = [lines]
    if text and len(lines) > 1 and display_width(text) <= 2 * L.EDGE_WRAP:
        out.append((text,))
    if text and room is not None:
        cells = int((room - 2 * GAP) / L.SMALL_CELL)
        if cells >= 4 and cells * L.SMALL_CELL < max(L.text_width(t) for t in lines):
            narrow = tuple(wrap(text, cells))
            if _breaks_well(text, narrow):
                out.append(narrow)
    return out


def _breaks_well(text: str, lines) -> bool:
    """Whether ``lines`` break ``text`` only at spaces or next to a wide (CJK)
    character, and never before closing punctuation."""
    pos = 0
    for i, line in enumerate(lines):
        at = text.find(line, pos)
        if at < 0:
            return False
        pos = at + len(line)
        if i + 1 < len(lines):
            following = lines[i + 1]
            if not following or following[0] in _NO_START:
                return False
            if (
                text[pos : pos + 1] != " "
                and display_width(line[-1]) == 1
                and display_width(following[0]) == 1
            ):
                return False
    return True


def candidates(route: Route, lines: tuple, text: str = "") -> list:
    """Spots for a label beside a route, best first: along each segment from
    the tail, beside it on either side, in each of its shapes (see _shapes)."""
    out = []
    segments = _segments(route)
    for i, ((x0, y0), (x1, y1)) in enumerate(segments):
        if abs(x1 - x0) <= abs(y1 - y0):  # vertical
            d = 1 if y1 >= y0 else -1
            for shape in _shapes(lines, text, None):
                width = max(L.text_width(t) for t in shape)
                height = len(shape) * L.SMALL_H
                for off in _along(abs(y1 - y0), height):
                    near = y0 + d * off
                    top = near if d > 0 else near - height
                    out.append(Text(shape, x0 + GAP, top, width, -1))
                    out.append(Text(shape, x0 - GAP - width, top, width, 1))
            continue
        d = 1 if x1 >= x0 else -1
        length = abs(x1 - x0)
        room = (
            abs(route.tip[0] - x0) if i == len(segments) - 1 else length
        )  # the arrowhead's length too
        for shape in _shapes(lines, text, room):
            width = max(L.text_width(t) for t in shape)
            height = len(shape) * L.SMALL_H
            for off in _along(length, width):
                near = x0 + d * off
                left = near if d > 0 else near - width
                out.append(Text(shape, left, y0 - ABOVE - height, width, 0))
                out.append(Text(shape, left, y0 + ABOVE, width, 0))
    return out


def place(lay: L.Layout, routes) -> Placement:
    """Where every condition and every line label goes, given the routes
    (one per arrow of ``lay``, None for an arrow that could not be read)."""
    obs = Obstacles()
    _box_obstacles(obs, lay)
    _arrow_obstacles(obs, routes)
    line_texts = line_labels(lay, routes, obs)
    for _, t in line_texts:
        obs.add(_grow(t.rect, 1.0), HARD)
    for ln in lay.lines:
        obs.add((ln.left, ln.y - 0.6, ln.right, ln.y + 0.6), LINE)
    for sx, top, bottom in lay.separators:
        obs.add((sx - 0.6, top, sx + 0.6, bottom), SEPARATOR)
    bands = [b for b in lay.bands if b.lane != "emotion"]
    area = (lay.grid_left + 1, bands[0].top + 1, lay.grid_right - 1, bands[-1].bottom - 1)
    curve = next((b for b in lay.bands if b.lane == "emotion"), None)
    if curve is not None:
        obs.add((curve.left, curve.top, curve.right, curve.bottom), HARD)

    conditions: list[Text | None] = []
    for i, (arrow, route) in enumerate(zip(lay.arrows, routes)):
        if not arrow.label or route is None:
            conditions.append(None)
            continue
        best, best_cost = _cheapest(candidates(route, arrow.label, arrow.text), obs, area, None)
        if best_cost >= EDGE:
            # no spot beside the arrow is clear: write the label over its own
            # arrow (it hides that bit of it) if that spot is clear, else over
            # its own arrow if that at least keeps it off boxes
            on, on_cost = _cheapest(on_arrow(route, arrow.label), obs, area, i)
            if on_cost < EDGE or (best_cost >= HARD > on_cost):
                best = on
        conditions.append(best)
        obs.add(_grow(best.rect, 1.0), HARD)
    return Placement(tuple(routes), tuple(conditions), tuple(line_texts))


def _cheapest(spots, obs: Obstacles, area, own):
    """The spot that covers least (the earliest of equals) and its cost,
    among the first MAX_SPOTS."""
    best, best_cost = None, None
    for n, text in enumerate(spots[:MAX_SPOTS]):
        r = text.rect
        cost = float(n)
        if r[0] < area[0] or r[1] < area[1] or r[2] > area[2] or r[3] > area[3]:
            cost += HARD
        if best_cost is not None and cost >= best_cost:
            continue
        cost += obs.cost(r, own, float("inf") if best_cost is None else best_cost - cost)
        if best_cost is None or cost < best_cost:
            best, best_cost = text, cost
    return best, best_cost


def on_arrow(route: Route, lines: tuple) -> list:
    """Spots for a label centred on its own arrow, along each segment from the tail."""
    width = max(L.text_width(t) for t in lines) + 4
    height = len(lines) * L.SMALL_H + 2
    out = []
    for (x0, y0), (x1, y1) in _segments(route):
        if abs(x1 - x0) <= abs(y1 - y0):
            d = 1 if y1 >= y0 else -1
            for off in _along(abs(y1 - y0), height):
                top = y0 + d * off if d > 0 else y0 + d * off - height
                out.append(Text(lines, x0 - width / 2, top, width, 0, boxed=True))
        else:
            d = 1 if x1 >= x0 else -1
            for off in _along(abs(x1 - x0), width):
                left = x0 + d * off if d > 0 else x0 + d * off - width
                out.append(Text(lines, left, y0 - height / 2, width, 0, boxed=True))
    return out
