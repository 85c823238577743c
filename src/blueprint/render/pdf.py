"""Put Graphviz's PDF (a page the size of the drawing) on real paper.

The page is the chosen paper in landscape. The first page is the overview:
the drawing scaled to fit a 10 mm margin all round, never enlarged beyond
100 %, centred, when its smallest text is still at least :data:`MIN_TEXT`
high; otherwise the page says so and shows how the pieces lie. The pieces
follow: the drawing at a readable size (smallest text :data:`PIECE_TEXT`),
cut into a grid of windows that overlap by :data:`OVERLAP`. Each piece repeats
the lane titles on its left and the phase names on top, says "piece 2 of 5"
in the blueprint's language beside a small map of where it sits, and has marks
in its margins at the middle of each overlap, to lay over the same marks of
its neighbour. With ``pieces=False`` there is only the overview, whatever
its size.

The drawing is parsed once and written once, as a form XObject that every
page draws through its own clip and scale; the words of the pages are drawn
by one more run of Graphviz (it has the fonts, Chinese included), also one
XObject, each page showing its own line of it. Time and file size grow with
the drawing plus the number of pages, not with their product.
"""

from __future__ import annotations

import functools
import io
import math
import threading
from dataclasses import dataclass

from blueprint.vocab import PAPER_SIZES

MM = 72 / 25.4
PAPERS = PAPER_SIZES  # portrait width, height in points
MARGIN = 10 * MM
OVERLAP = 15 * MM
#: the overview is printed when its smallest text is at least this high (points)
MIN_TEXT = 5.0
#: the smallest text of a piece (points): the drawing's smallest, 7.5 pt, at 80 %
PIECE_TEXT = 6.0
#: the drawing's smallest text: a lane's roles (render/dot.py lane_label)
SMALLEST = 7.5
HEADER_H = 26.0  # the band above a piece: its words on the left, its map on the right
WORDS_PT = 9.0  # the size of those words
ROW = 32.0  # the height of one line of words in the words' drawing (more than HEADER_H)
MAP_W = 120.0  # the largest width of a piece's map
MARK = 5 * MM  # the length of an overlap mark
GAP = 2.0  # between a mark and what it marks
FIRST_PIECE_LINE = 2  # the words' lines: the overview's two, then the pieces' (see _lines)


def paper_size(paper: str) -> tuple[float, float]:
    """(width, height) of the paper in landscape, in points."""
    w, h = PAPERS[paper]
    return max(w, h), min(w, h)


@dataclass(frozen=True)
class Frame:
    """Where the parts a piece repeats lie in the drawing, in the layout's
    points (y downwards), and the words a page says."""

    width: float
    height: float
    lanes_right: float  # the lane titles are left of this
    lanes_top: float  # the lane titles' top and bottom (the bands)
    lanes_bottom: float
    phases_top: float  # the phase names (top == bottom when there are none)
    phases_bottom: float
    title: str = ""
    locale: str = "en"


def frame_of(lay) -> Frame:
    """The :class:`Frame` of a :class:`~blueprint.render.layout.Layout`."""
    lanes = lay.lane_boxes
    phases = lay.phase_boxes
    lanes_right = max((b.x + b.w / 2 for b in lanes), default=0.0)
    if phases:
        lanes_right = max(lanes_right, min(b.x - b.w / 2 for b in phases) - 1)
        top = min(b.y - b.h / 2 for b in phases)
        bottom = max(b.y + b.h / 2 for b in phases)
    else:
        top = bottom = min((b.y - b.h / 2 for b in lanes), default=0.0)
    return Frame(
        width=lay.width,
        height=lay.height,
        lanes_right=lanes_right + 1,
        lanes_top=min((b.y - b.h / 2 for b in lanes), default=bottom),
        lanes_bottom=max((b.y + b.h / 2 for b in lanes), default=bottom),
        phases_top=top,
        phases_bottom=bottom,
        title=" ".join(lay.title.lines),
        locale=lay.locale,
    )


@dataclass(frozen=True)
class Piece:
    """One window of the drawing's body, in the layout's points."""

    row: int
    col: int
    x0: float
    x1: float
    y0: float
    y1: float


@dataclass(frozen=True)
class Plan:
    overview: float  # the overview's scale
    readable: bool  # its smallest text is at least MIN_TEXT
    scale: float  # the pieces' scale
    pieces: list[Piece]
    rows: int
    cols: int

    @functools.cached_property
    def at(self) -> dict[tuple[int, int], Piece]:
        """The pieces by (row, column)."""
        return {(q.row, q.col): q for q in self.pieces}


def spans(start: float, end: float, size: float, overlap: float) -> list[tuple[float, float]]:
    """Windows of ``size`` from ``start`` to ``end``, neighbours overlapping
    by at least ``overlap``; the first starts at ``start``, the last ends at
    ``end`` and the rest are spread evenly between them."""
    if end - start <= size:
        return [(start, end)]
    count = 1 + math.ceil((end - start - size) / (size - overlap) - 1e-9)
    step = (end - start - size) / (count - 1)
    return [(start + i * step, start + i * step + size) for i in range(count)]


def plan(frame: Frame, paper: str, pieces: bool = True) -> Plan:
    """The overview's scale and the pieces of ``frame`` on ``paper``."""
    pw, ph = paper_size(paper)
    scale = min((pw - 2 * MARGIN) / frame.width, (ph - 2 * MARGIN) / frame.height, 1.0)
    readable = SMALLEST * scale >= MIN_TEXT
    if readable or not pieces:
        return Plan(scale, readable, scale, [], 0, 0)
    s = min(1.0, PIECE_TEXT / SMALLEST)
    room_w = (pw - 2 * MARGIN) / s - frame.lanes_right
    room_h = (ph - 2 * MARGIN - HEADER_H) / s - (frame.phases_bottom - frame.phases_top)
    ov = OVERLAP / s
    cols = spans(frame.lanes_right, frame.width, room_w, ov)
    rows = spans(frame.phases_bottom, frame.height, room_h, ov)
    parts = [
        Piece(r, c, x0, min(x1, frame.width), y0, min(y1, frame.height))
        for r, (y0, y1) in enumerate(rows)
        for c, (x0, x1) in enumerate(cols)
    ]
    return Plan(scale, readable, s, parts, len(rows), len(cols))


class Printing:
    """Putting one drawing on paper. What does not need Graphviz's drawing
    (importing pypdf, a tenth of a second, and drawing the pages' words,
    another run of Graphviz) begins at once, in a thread, beside the runs
    that route and draw the diagram; :meth:`place` finishes when the
    drawing's PDF is there."""

    def __init__(self, frame: Frame, paper: str, pieces: bool = True) -> None:
        self.frame, self.paper = frame, paper
        self.plan = plan(frame, paper, pieces)
        self.lines = _lines(frame, self.plan)
        self._words: bytes | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._prepare, name="blueprint-pdf", daemon=True)
        self._thread.start()

    def _prepare(self) -> None:
        try:
            import pypdf  # noqa: F401

            if self.lines:
                from blueprint.render import backend

                width = paper_size(self.paper)[0] - 2 * MARGIN
                self._words = backend.run(_words_dot(self.lines, width, self.frame.locale), "pdf")
        except BaseException as exc:  # raised again by place(), in the caller's thread
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def place(self, pdf: bytes) -> bytes:
        """The drawing's PDF (Graphviz's, one page) on paper."""
        self.wait()
        if self._error is not None:
            raise self._error
        return _place(pdf, self.paper, self.frame, self.plan, self._words)


def place_on_paper(
    pdf: bytes, paper: str, frame: Frame | None = None, pieces: bool = True
) -> bytes:
    """The drawing on ``paper``: the overview page, then the pieces.

    ``frame`` tells where the lane titles and phase names are; without it
    the drawing is one scaled page."""
    if frame is None:  # the drawing alone: one page
        from pypdf import PdfReader

        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        frame = Frame(float(box.width), float(box.height), 0, 0, 0, 0, 0)
        pieces = False
    return Printing(frame, paper, pieces).place(pdf)


def _place(pdf: bytes, paper: str, frame: Frame, p: Plan, words_pdf: bytes | None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    src = PdfReader(io.BytesIO(pdf)).pages[0]
    pw, ph = paper_size(paper)
    writer = PdfWriter()
    drawing = _Source(writer, src, frame.width, frame.height, "/D")
    words = None
    if words_pdf is not None:
        page = PdfReader(io.BytesIO(words_pdf)).pages[0]
        words = _Source(writer, page, pw - 2 * MARGIN, ROW * len(_lines(frame, p)), "/W")

    ops: list[str] = []
    if p.readable or not p.pieces:
        s = p.overview
        left = (pw - frame.width * s) / 2
        top = (ph + frame.height * s) / 2
        ops.append(drawing.show(0, frame.width, 0, frame.height, left, top, s))
    else:
        assert words is not None
        ops.append(words.line(0, MARGIN, ph - MARGIN))
        ops.append(words.line(1, MARGIN, ph - MARGIN - ROW))
        room = (pw - 2 * MARGIN, ph - 2 * MARGIN - 3 * ROW)
        ops.extend(_map(frame, p, MARGIN, ph - MARGIN - 3 * ROW, *room, words=words))
    _page(writer, pw, ph, {"/D": drawing.ref, **({"/W": words.ref} if words else {})}, ops)

    s = p.scale
    phase_h = (frame.phases_bottom - frame.phases_top) * s
    # the small map of every piece: the outlines once, in a form; each piece fills its own
    map_h = HEADER_H - 2 * GAP
    map_w = min(MAP_W, map_h * (frame.width - frame.lanes_right) / max(1.0, frame.height))
    map_x, map_k = pw - MARGIN - map_w, _map_scale(frame, map_w, map_h)
    grid = _ops_form(writer, _map(frame, p, map_x, ph - MARGIN, map_w, map_h), pw, ph)
    for n, piece in enumerate(p.pieces, start=1):
        assert words is not None
        left = MARGIN + frame.lanes_right * s
        top = ph - MARGIN - HEADER_H - phase_h  # the body's top on the page
        header_w = map_x - 4 * GAP - MARGIN  # a long title stops short of the map
        ops = [words.line(FIRST_PIECE_LINE + n - 1, MARGIN, ph - MARGIN, header_w)]
        ops.append(f"q 0.75 g {_cell(frame, p, piece, map_x, ph - MARGIN, map_k)} f Q /M Do")
        if phase_h > 0:
            ops.append(
                drawing.show(
                    piece.x0,
                    piece.x1,
                    frame.phases_top,
                    frame.phases_bottom,
                    left,
                    top + phase_h,
                    s,
                )
            )
        y0, y1 = piece.y0, piece.y1
        if piece.col > 0:  # left of the first column, the legend goes on under the lanes
            y0, y1 = max(y0, frame.lanes_top), min(y1, frame.lanes_bottom)
        if y1 > y0:
            ops.append(
                drawing.show(0, frame.lanes_right, y0, y1, MARGIN, top - (y0 - piece.y0) * s, s)
            )
        ops.append(drawing.show(piece.x0, piece.x1, piece.y0, piece.y1, left, top, s))
        ops.extend(_marks(p, piece, left, top, s, pw))
        _page(writer, pw, ph, {"/D": drawing.ref, "/W": words.ref, "/M": grid}, ops)
    writer.add_metadata({"/Producer": "blueprint"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _lines(frame: Frame, p: Plan) -> list[str]:
    """The words of the pages: the overview's two lines (when it is not
    printed), one line per piece for its header, then each piece's name for
    the overview's map."""
    if not p.pieces:
        return []
    from blueprint.render import words

    total = len(p.pieces)
    small = f"{SMALLEST * p.overview:.1f}"
    out = [
        words.word(frame.locale, "overview.small").format(small, f"{MIN_TEXT:g}"),
        words.word(frame.locale, "overview.pieces").format(total),
    ]
    names = [words.word(frame.locale, "piece").format(n, total) for n in range(1, total + 1)]
    return out + [f"{name}  ·  {frame.title}" for name in names] + names


def territory(p: Plan, piece: Piece) -> tuple[float, float, float, float]:
    """The part of the body that is ``piece``'s own: its window up to the
    middle of each overlap with a neighbour, where the marks are; the
    territories of all pieces tile the body without overlapping."""
    by = p.at
    left, right = by.get((piece.row, piece.col - 1)), by.get((piece.row, piece.col + 1))
    up, down = by.get((piece.row - 1, piece.col)), by.get((piece.row + 1, piece.col))
    return (
        (piece.x0 + left.x1) / 2 if left else piece.x0,
        (right.x0 + piece.x1) / 2 if right else piece.x1,
        (piece.y0 + up.y1) / 2 if up else piece.y0,
        (down.y0 + piece.y1) / 2 if down else piece.y1,
    )


def _cell(frame: Frame, p: Plan, piece: Piece, x: float, top: float, k: float) -> str:
    """The rectangle of ``piece``'s territory on a map at scale ``k`` whose top
    left is (``x``, ``top``)."""
    x0, x1, y0, y1 = territory(p, piece)
    rx, ry = x + (x0 - frame.lanes_right) * k, top - (y1 - frame.phases_bottom) * k
    return f"{_n(rx)} {_n(ry)} {_n((x1 - x0) * k)} {_n((y1 - y0) * k)} re"


def _map_scale(frame: Frame, w: float, h: float) -> float:
    return min(w / (frame.width - frame.lanes_right), h / (frame.height - frame.phases_bottom))


def _map(frame: Frame, p: Plan, x: float, top: float, w: float, h: float, words=None) -> list[str]:
    """A map of the pieces in the box ``w`` × ``h`` whose top left is
    (``x``, ``top``): every piece's territory outlined; with ``words``, each
    territory says which piece it is."""
    k = _map_scale(frame, w, h)
    out = ["q 0.5 w 0.3 G"] + [f"{_cell(frame, p, q, x, top, k)} S" for q in p.pieces] + ["Q"]
    if words is not None:
        for n, piece in enumerate(p.pieces, start=1):
            x0, x1, y0, y1 = territory(p, piece)
            cell = (x1 - x0) * k - 4 * GAP
            mid = top - ((y0 + y1) / 2 - frame.phases_bottom) * k
            left = x + (x0 - frame.lanes_right) * k + 2 * GAP
            name = FIRST_PIECE_LINE + len(p.pieces) + n - 1
            out.append(words.line(name, left, mid + ROW / 2, cell))
    return out


def _marks(p: Plan, piece: Piece, left: float, top: float, s: float, pw: float) -> list[str]:
    """Marks at the middle of each overlap with a neighbour: in the bottom
    margin for a neighbour on the left or right, in the side margins for one
    above or below; the neighbour has the same mark at the same place of the
    drawing."""
    out = ["q 0.6 w 0 G"]
    by = p.at
    for dc in (-1, 1):
        other = by.get((piece.row, piece.col + dc))
        if other is not None:
            mid = (max(piece.x0, other.x0) + min(piece.x1, other.x1)) / 2
            mx = left + (mid - piece.x0) * s
            low = top - (piece.y1 - piece.y0) * s - GAP
            out.append(f"{_n(mx)} {_n(low)} m {_n(mx)} {_n(low - MARK)} l S")
    for dr in (-1, 1):
        other = by.get((piece.row + dr, piece.col))
        if other is not None:
            mid = (max(piece.y0, other.y0) + min(piece.y1, other.y1)) / 2
            my = top - (mid - piece.y0) * s
            out.append(f"{_n(MARGIN - GAP)} {_n(my)} m {_n(MARGIN - GAP - MARK)} {_n(my)} l S")
            right = left + (piece.x1 - piece.x0) * s + GAP
            out.append(f"{_n(right)} {_n(my)} m {_n(min(pw, right + MARK))} {_n(my)} l S")
    out.append("Q")
    return out


class _Source:
    """A page drawn by Graphviz, written once into ``writer`` as a form
    XObject; :meth:`show` draws a part of it."""

    def __init__(self, writer, page, width: float, height: float, name: str) -> None:
        box = page.mediabox
        self.name = name
        self.height = height
        # Graphviz's PDF adds the same margin on every side of the layout
        self.ox = float(box.left) + (float(box.width) - width) / 2
        self.oy = float(box.bottom) + (float(box.height) - height) / 2
        self.ref = _form(writer, page)

    def show(self, x0: float, x1: float, y0: float, y1: float, left: float, top: float, s: float):
        """Ops that draw the part (x0..x1, y0..y1, the layout's points, y
        downwards) at scale ``s`` with its top left at (``left``, ``top``)."""
        tx = left - (x0 + self.ox) * s
        ty = top - (self.height - y0 + self.oy) * s
        clip = (
            f"{_n(left)} {_n(top - (y1 - y0) * s)} {_n((x1 - x0) * s)} {_n((y1 - y0) * s)} re W n"
        )
        return f"q {clip} {_cm(s, tx, ty)} {self.name} Do Q"

    def line(self, n: int, left: float, top: float, width: float = 10**5) -> str:
        """Ops that draw line ``n`` of the words, at most ``width`` of it, with
        its top left at (``left``, ``top``)."""
        return self.show(0, width, n * ROW, (n + 1) * ROW, left, top, 1.0)


def _words_dot(lines: list[str], width: float, locale: str) -> str:
    """DOT that Graphviz draws the lines from: one left-aligned line per row
    of :data:`ROW` points, the first at the top."""
    from blueprint import i18n, vocab
    from blueprint.render.dot import num, plain_label, quote

    height = ROW * len(lines)
    out = [
        "digraph words {",
        '  graph [pad=0, bgcolor="transparent"];',
        f"  node [shape=plaintext, fixedsize=true, margin=0, fontsize={num(WORDS_PT)}, "
        f'fontname={quote(i18n.FONTS[vocab.locale_of(locale)])}, fontcolor="#263238"];',
        f'  "tl" [shape=point, style=invis, width=0.01, height=0.01, pos="0,{num(height)}!"];',
        f'  "br" [shape=point, style=invis, width=0.01, height=0.01, pos="{num(width)},0!"];',
    ]
    for i, text in enumerate(lines):
        y = height - (i + 0.5) * ROW
        out.append(
            f'  "w{i}" [width={num(width / 72)}, height={num(ROW / 72)}, '
            f'pos="{num(width / 2)},{num(y)}!", label={plain_label([vocab.printable(text)], chr(92) + "l")}];'
        )
    out.append("}")
    return "\n".join(out) + "\n"


def _n(v: float) -> str:
    """A number in a content stream: three decimals at most, no trailing zeros."""
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _cm(scale: float, tx: float, ty: float) -> str:
    return f"{_n(scale)} 0 0 {_n(scale)} {_n(tx)} {_n(ty)} cm"


def _form(writer, page):
    """The page's drawing as a form XObject in ``writer`` (its content and
    resources copied once), for every page to draw with ``Do``."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(float(v)) for v in page.mediabox)
    if "/Resources" in page:
        form[NameObject("/Resources")] = page["/Resources"].get_object().clone(writer)
    if "/Group" in page:  # cairo's transparency group, kept for its blending
        form[NameObject("/Group")] = page["/Group"].get_object().clone(writer)
    return writer._add_object(form.flate_encode())


def _ops_form(writer, ops: list[str], pw: float, ph: float):
    """The content ``ops`` as a form XObject of the page's size, written once."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    form = DecodedStreamObject()
    form.set_data("\n".join(ops).encode("ascii"))
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in (0, 0, pw, ph))
    return writer._add_object(form.flate_encode())


def _page(writer, pw: float, ph: float, xobjects: dict, ops: list[str]) -> None:
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    page = writer.add_blank_page(width=pw, height=ph)
    content = DecodedStreamObject()
    content.set_data("\n".join(ops).encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/XObject"): DictionaryObject(
                {NameObject(k): ref for k, ref in xobjects.items()}
            )
        }
    )
