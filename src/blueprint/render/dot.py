"""DOT text for a computed :class:`~blueprint.render.layout.Layout`. Pure.

Every box is pinned (``pos="x,y!"``, rendered with ``neato -n2``); bands,
lines, phase separators, the emotion curve and the legend are drawn as the
graph's ``_background`` (xdot drawing operations), so they are not obstacles
for the arrows, which Graphviz routes with ``splines=ortho``.

Escaping: every string from a blueprint goes through :func:`dot_string`, which
knows the three kinds of place text has in DOT (strings Graphviz reads escapes
in, strings it uses as written, HTML-like labels); tests/test_injection.py
holds it to any text, through the real Graphviz.

Graphviz itself escapes all of it again for SVG output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from blueprint import i18n, vocab
from blueprint.render import labels as LB
from blueprint.render import layout as L
from blueprint.render import words
from blueprint.textwidth import display_width


@dataclass(frozen=True)
class Theme:
    name: str
    bands: dict  # band -> fill
    titles: dict  # band -> lane-title cell fill
    borders: dict  # band -> step border / title text colour
    text: str
    muted: str
    line: str
    edge: str
    recovery: str
    rework: str
    phase_fill: str
    phase_text: str
    badges: dict  # badge kind -> colour
    evidence_fill: str
    evidence_border: str
    curve: str
    grid: str  # phase separators, legend frame, emotion zero line


COLOR = Theme(
    name="color",
    bands={
        vocab.EVIDENCE: "#f4f4f4",
        words.EMOTION: "#fbf7ff",
        vocab.CUSTOMER: "#e8f1fc",
        vocab.FRONTSTAGE: "#e9f6ec",
        vocab.BACKSTAGE: "#fdf2e6",
        vocab.SUPPORT: "#f3edf7",
    },
    titles={
        vocab.EVIDENCE: "#e9e9e9",
        words.EMOTION: "#f1e8fb",
        vocab.CUSTOMER: "#d7e6f8",
        vocab.FRONTSTAGE: "#d6eedc",
        vocab.BACKSTAGE: "#fae3c9",
        vocab.SUPPORT: "#e6dbef",
    },
    borders={
        vocab.EVIDENCE: "#616161",
        words.EMOTION: "#6a1b9a",
        vocab.CUSTOMER: "#1565c0",
        vocab.FRONTSTAGE: "#2e7d32",
        vocab.BACKSTAGE: "#c05a00",
        vocab.SUPPORT: "#6a1b9a",
    },
    text="#1f2328",
    muted="#5f6368",
    line="#37474f",
    edge="#455a64",
    recovery="#c62828",
    rework="#ad1457",
    phase_fill="#34495e",
    phase_text="#ffffff",
    badges={
        "fail": "#c62828",
        "wait": "#b45309",
        "peak": "#6a1b9a",
        "low": "#1e4f9c",
        "high": "#2e7d32",
        "end": "#263238",
        "key": "#00695c",
        "late": "#c62828",
        vocab.ASSUMED: "#6d4c41",
        vocab.PROPOSED: "#1565c0",
    },
    evidence_fill="#fffdf0",
    evidence_border="#9e9e9e",
    curve="#6a1b9a",
    grid="#9aa5ad",
)

MONO = Theme(
    name="mono",
    bands={
        vocab.EVIDENCE: "#f7f7f7",
        words.EMOTION: "#ffffff",
        vocab.CUSTOMER: "#ffffff",
        vocab.FRONTSTAGE: "#f2f2f2",
        vocab.BACKSTAGE: "#ffffff",
        vocab.SUPPORT: "#f2f2f2",
    },
    titles={b: "#e6e6e6" for b in (vocab.EVIDENCE, words.EMOTION, *vocab.LANES)},
    borders={b: "#000000" for b in (vocab.EVIDENCE, words.EMOTION, *vocab.LANES)},
    text="#000000",
    muted="#333333",
    line="#000000",
    edge="#000000",
    recovery="#000000",
    rework="#000000",
    phase_fill="#333333",
    phase_text="#ffffff",
    badges={
        k: "#000000"
        for k in ("fail", "wait", "peak", "low", "high", "end", "key", "late", *vocab.UNSURE)
    },
    evidence_fill="#ffffff",
    evidence_border="#555555",
    curve="#000000",
    grid="#888888",
)

THEMES = {t.name: t for t in (COLOR, MONO)}  # vocab.THEMES names them


class Decor(Protocol):
    """A layer drawn over the diagram (render/diff.py's change drawing): it may
    change the look of a step box or an arrow and draw on the background.
    Without one, the DOT text is what it always was."""

    def step_look(self, box: L.Box, look: dict[str, str]) -> dict[str, str]: ...

    def evidence_look(self, box: L.Box, look: dict[str, str]) -> dict[str, str]: ...

    def edge_look(self, arrow: L.Arrow, look: dict[str, str]) -> dict[str, str]: ...

    def background(self, x: XDot, lay: L.Layout, theme: Theme, font: str) -> None: ...


_CONTROL = vocab.UNSAFE  # the one set (vocab.printable); each becomes a space here
_SURROGATE = re.compile("[\ud800-\udfff]")  # no UTF-8 for a lone surrogate
#: a run of backslashes just before a quote or the end of a quoted string that
#: Graphviz reads as written (see dot_string)
_BACKSLASHES_AT_QUOTE = re.compile(r'\\+(?="|$)')
WORD_JOINER = "\u2060"  # invisible, and breaks no line
PIECE = 8000  # characters per quoted piece of a long string (see XDot.render)


def dot_text(text: str, raw: bool = False) -> str:
    """``text`` as Graphviz should hold it: control characters and line breaks
    become spaces (nothing an SVG may not hold), a lone surrogate U+FFFD; and,
    ``raw``, a word joiner after a run of backslashes that ends at a quote or at
    the end (see :func:`dot_string`, ``"raw"``)."""
    text = _CONTROL.sub(" ", text)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if raw and "\\" in text:
        text = _BACKSLASHES_AT_QUOTE.sub(lambda m: m[0] + WORD_JOINER, text)
    return text


def dot_string(text: str, context: str = "escstring") -> str:
    """``text`` written for one place in a DOT file, so that Graphviz reads back
    what :func:`dot_text` holds. Every string from a blueprint reaches DOT
    through here. Without the surrounding quotes, which the caller writes.

    * ``"escstring"``: a quoted string whose backslash escapes Graphviz
      interprets (``label``, ``xlabel``, ``id``): ``\\`` and ``"`` are
      escaped, and ``&`` becomes ``&amp;`` (Graphviz decodes entities there);
    * ``"raw"``: a quoted string Graphviz uses as written (node names, the
      ``_background`` drawing, ``fontname``, ``pos``). Its lexer turns ``\\"``
      into ``"`` and keeps every other backslash, ``\\\\`` as two; so only ``"``
      is escaped, and a backslash can never stand just before a quote (the
      word joiner of :func:`dot_text` separates them: ``5\\"`` is drawn as it
      was written, with an invisible character between the two);
    * ``"html"``: text in an HTML-like label: ``& < > "`` become entities.
    """
    if context == "html":
        return (
            dot_text(text)
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
        )
    if context == "raw":
        return dot_text(text, raw=True).replace('"', '\\"')
    if context == "escstring":
        return dot_text(text).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    raise ValueError(f"unknown DOT context {context!r}")


def num(v: float) -> str:
    """A coordinate with at most two decimals, always written the same way."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def quote(text: str, context: str = "escstring") -> str:
    """A DOT quoted string: ids and labels (``escstring``), names and drawing (``raw``)."""
    return '"' + dot_string(text, context) + '"'


def _name(text: str) -> str:
    """A node name (used as written by Graphviz)."""
    return quote(text, "raw")


def plain_label(lines, end: str = "") -> str:
    """A quoted plain label: lines DOT-escaped, entities neutralised; centred,
    or each ended with ``end`` (``\\l`` left, ``\\r`` right, ``\\n`` centred)."""
    out = [dot_string(line) for line in lines]
    if end:
        return '"' + "".join(t + end for t in out) + '"'
    return '"' + "\\n".join(out) + '"'


def html(text: str) -> str:
    """Text for an HTML-like label."""
    return dot_string(text, "html")


class XDot:
    """Builds an xdot drawing (the ``_background`` attribute), y already flipped."""

    def __init__(self, height: float):
        self.h = height
        self.ops: list[str] = []
        # the current state, so that an operation is written only when it changes
        self._font: tuple[float, str] | None = None
        self._pen: str | None = None
        self._fill: str | None = None
        self._style: str | None = None

    @staticmethod
    def _s(text: str) -> str:
        text = dot_text(text, raw=True)  # counted as Graphviz will hold it
        return f"{len(text.encode('utf-8'))} -{text}"

    def y(self, v: float) -> str:
        return num(self.h - v)

    def pen(self, color: str):
        if color != self._pen:
            self.ops.append(f"c {self._s(color)}")
            self._pen = color

    def fill(self, color: str):
        if color != self._fill:
            self.ops.append(f"C {self._s(color)}")
            self._fill = color

    def style(self, style: str):
        if style != self._style:
            self.ops.append(f"S {self._s(style)}")
            self._style = style

    def font(self, size: float, name: str):
        if (size, name) != self._font:
            self.ops.append(f"F {num(size)} {self._s(name)}")
            self._font = (size, name)

    def rect(self, left, top, right, bottom, filled=True):
        pts = [(left, top), (right, top), (right, bottom), (left, bottom)]
        self.polygon(pts, filled)

    def polygon(self, pts, filled=True):
        self.ops.append(
            ("P " if filled else "p ")
            + f"{len(pts)} "
            + " ".join(f"{num(x)} {self.y(y)}" for x, y in pts)
        )

    def polyline(self, pts):
        # long lines (the emotion curve of a long blueprint) in parts that share their ends,
        # so that no operation is too long for one quoted piece (see render)
        for i in range(0, max(len(pts) - 1, 1), 300):
            part = pts[i : i + 301]
            self.ops.append(f"L {len(part)} " + " ".join(f"{num(x)} {self.y(y)}" for x, y in part))

    def ellipse(self, x, y, rx, ry, filled=True):
        self.ops.append(("E " if filled else "e ") + f"{num(x)} {self.y(y)} {num(rx)} {num(ry)}")

    def text(self, x, baseline, align: int, text: str, cell: float):
        width = display_width(text) * cell
        self.ops.append(f"T {num(x)} {self.y(baseline)} {align} {num(width)} {self._s(text)}")

    def render(self) -> str:
        """The drawing as a DOT string: quoted pieces of at most about
        :data:`PIECE` characters joined with ``+`` (Graphviz 2.43 reads no
        quoted string longer than 16,384 characters). Every piece ends with a
        space, which keeps a final backslash from escaping its closing quote."""
        pieces: list[list[str]] = []
        cur: list[str] = []
        size = 0
        for op in self.ops:
            op = dot_string(op, "raw")  # the texts in it are dot_text already: only '"' changes
            if cur and size + len(op) + 1 > PIECE:
                pieces.append(cur)
                cur, size = [], 0
            cur.append(op)
            size += len(op) + 1
        pieces.append(cur)
        return "\n           + ".join('"' + " ".join(p) + ' "' for p in pieces)


def _arrowhead(x: XDot, tip_x: float, y: float, color: str):
    x.fill(color)
    x.style("solid")
    x.polygon([(tip_x, y), (tip_x - 7, y - 3), (tip_x - 7, y + 3)])


def _edge_sample(
    x: XDot, left: float, y: float, width: float, color: str, style: str, pen: float = 1.0
):
    x.pen(color)
    x.style(f"setlinewidth({num(pen)})")
    x.style(style)
    x.polyline([(left, y), (left + width - 7, y)])
    x.style("setlinewidth(1)")
    _arrowhead(x, left + width, y, color)


def _line_style(name: str) -> str:
    return {vocab.INTERACTION: "solid", vocab.VISIBILITY: "dashed", vocab.INTERNAL: "dotted"}[name]


def _edge_look(arrow: L.Arrow, theme: Theme) -> dict:
    if arrow.kind == "recovery":
        return {
            "color": theme.recovery,
            "style": "bold" if theme.name == "mono" else "solid",
            "penwidth": "1.6",
        }
    if arrow.kind == "rework":
        return {"color": theme.rework, "style": "dashed", "penwidth": "1.6"}
    if arrow.from_support:
        return {"color": theme.edge, "style": "dashed", "penwidth": "1"}
    return {"color": theme.edge, "style": "solid", "penwidth": "1"}


def background(
    lay: L.Layout,
    theme: Theme,
    font: str,
    placement: LB.Placement | None = None,
    decor: Decor | None = None,
) -> str:
    x = XDot(lay.height)
    # bands
    x.style("solid")
    for b in lay.bands:
        x.pen(theme.bands[b.lane])
        x.fill(theme.bands[b.lane])
        x.rect(b.left, b.top, b.right, b.bottom)
    # phase separators
    x.pen(theme.grid)
    x.style("dotted")
    for sx, top, bottom in lay.separators:
        x.polyline([(sx, top), (sx, bottom)])
    # the three lines, labelled at both ends
    for ln in lay.lines:
        x.pen(theme.line)
        x.style("setlinewidth(1.2)")
        x.style(_line_style(ln.name))
        x.polyline([(ln.left, ln.y), (ln.right, ln.y)])
    x.style("setlinewidth(1)")
    x.font(L.SMALL, font)
    x.pen(theme.line)
    for _, t in placement.lines if placement else LB.line_labels(lay):
        if not t.boxed:
            _text_block(x, t)
    if placement:
        for arrow, t in zip(lay.arrows, placement.conditions):
            if t is not None and not t.boxed:
                x.pen(_label_color(arrow, theme))
                _text_block(x, t)
    if lay.curve is not None:
        _draw_curve(x, lay, lay.curve, theme, font)
    _draw_legend(x, lay, theme, font)
    if decor is not None:
        decor.background(x, lay, theme, font)
    return x.render()


def _label_color(arrow: L.Arrow, theme: Theme) -> str:
    return _edge_look(arrow, theme)["color"] if arrow.kind != "normal" else theme.muted


def _band_color(lay: L.Layout, theme: Theme, t: LB.Text) -> str:
    y = (t.top + t.bottom) / 2
    for b in lay.bands:
        if b.top <= y <= b.bottom:
            return theme.bands[b.lane]
    return "#ffffff"


def _boxed(label_name: str, ident: str, t: LB.Text, color: str, lay: L.Layout, theme: Theme) -> str:
    """A label written over the arrows: a box of the band's colour, no border."""
    fill = _band_color(lay, theme, t)
    text = plain_label(t.lines, {-1: "\\l", 0: "\\n", 1: "\\r"}[t.align])
    return (
        f'  {_name(label_name)} [id={quote(ident)}, shape=box, style="filled", fillcolor="{fill}", color="{fill}", '
        f'penwidth=0, fontsize={num(L.SMALL)}, fontcolor="{color}", '
        f"width={_inches(t.width + 2)}, height={_inches(t.height + 1)}, "
        f'pos="{num(t.left + t.width / 2)},{num(lay.height - (t.top + t.bottom) / 2)}!", label={text}];'
    )


def _text_block(x: XDot, t: LB.Text):
    for line, base in zip(t.lines, t.baselines()):
        x.text(t.anchor, base, t.align, line, L.SMALL_CELL)


def _draw_curve(x: XDot, lay: L.Layout, c: L.Curve, theme: Theme, font: str):
    x.pen(theme.grid)
    x.style("dotted")
    x.polyline(
        [(lay.grid_left + 18, c.zero), (lay.grid_right, c.zero)]
    )  # starts after the scale's "0"
    x.style("solid")
    x.font(L.SMALL, font)
    for v, label in zip((2, 0, -2), c.scale):  # the scale's top, middle and bottom
        x.text(lay.grid_left + 4, c.zero - v * L.EMOTION_STEP + 3, -1, label, L.SMALL_CELL)
    if not c.points:
        return
    x.pen(theme.curve)
    x.style("setlinewidth(1.6)")
    if len(c.points) > 1:
        x.polyline([(px, py) for px, py, _, _ in c.points])
    x.style("setlinewidth(1)")
    x.fill(theme.curve)
    for px, py, _, _ in c.points:
        x.ellipse(px, py, 3, 3)
    placed: dict = {}
    for px, py, text, kind in c.marks:
        color = theme.badges[kind]
        x.pen(color)
        x.fill(color)
        n = placed.get((px, py), 0)
        placed[(px, py)] = n + 1
        # the first mark at a point above it, the second below, further ones further out: never on top
        base = py - 8 - 12 * (n // 2) if n % 2 == 0 else py + 14 + 12 * (n // 2)
        x.font(L.SMALL, font)
        x.text(px + 6, base, -1, text, L.SMALL_CELL)
        x.ellipse(px, py, 5, 5, filled=False)


def _badge_sample(x: XDot, left: float, y: float, badge: L.Badge, theme: Theme, font: str):
    w, h = badge.width, L.BADGE_CELL_H / 2
    color = theme.badges[badge.kind]
    if badge.declared:
        x.pen(color)
        x.fill(color)
        x.style("solid")
        x.rect(left, y - h, left + w, y + h)
        x.pen("#ffffff")
    else:
        x.pen(color)
        x.fill("#ffffff")
        x.style("dashed")
        x.rect(left, y - h, left + w, y + h)
        x.style("solid")
    x.font(L.SMALL, font)
    x.text(left + w / 2, y + 3, 0, badge.text, L.SMALL_CELL)


def _draw_legend(x: XDot, lay: L.Layout, theme: Theme, font: str):
    left, top, right, bottom = lay.legend_box
    x.pen(theme.grid)
    x.fill("#ffffff")
    x.style("solid")
    x.rect(left, top, right, bottom)
    x.pen(theme.text)
    x.font(9.5, font)
    x.text(left + 10, top + 17, -1, words.word(lay.locale, "legend"), 5.2)
    for e in lay.legend:
        sx, y, w = e.x, e.y, lay.legend_sample
        if e.sample == "badge" and e.badge is not None:  # (a badge sample always has one)
            _badge_sample(x, sx, y, e.badge, theme, font)
        elif e.sample.startswith("edge:"):
            kind = e.sample[5:]
            arrow = L.Arrow(
                "", "", kind if kind in ("recovery", "rework") else "normal", kind == "support"
            )
            look = _edge_look(arrow, theme)
            _edge_sample(
                x,
                sx,
                y + 2,
                w,
                look["color"],
                look["style"] if look["style"] != "bold" else "solid",
                float(look["penwidth"]) + (0.6 if look["style"] == "bold" else 0),
            )
            if kind == "branch":
                x.pen(theme.edge)
                x.font(L.SMALL, font)
                x.text(sx + w / 2, y - 3, 0, words.word(lay.locale, "condition"), L.SMALL_CELL)
        elif e.sample.startswith("line:"):
            x.pen(theme.line)
            x.style("setlinewidth(1.2)")
            x.style(_line_style(e.sample[5:]))
            x.polyline([(sx, y), (sx + w, y)])
            x.style("setlinewidth(1)")
            x.style("solid")
        elif e.sample == "evidence":
            x.pen(theme.evidence_border)
            x.fill(theme.evidence_fill)
            x.style("solid")
            x.rect(sx + 8, y - 7, sx + w - 8, y + 7)
        elif e.sample == "emotion":
            x.pen(theme.curve)
            x.fill(theme.curve)
            x.style("solid")
            pts = [
                (sx + 4, y + 4),
                (sx + w / 3, y - 5),
                (sx + 2 * w / 3, y + 2),
                (sx + w - 4, y - 6),
            ]
            x.polyline(pts)
            for px, py in pts:
                x.ellipse(px, py, 2.5, 2.5)
        x.pen(theme.text)
        x.font(9.0, font)
        x.text(sx + w + 12, y + 3.5, -1, e.text, L.LEGEND_CELL)


# --- boxes -----------------------------------------------------------------------


def _badge_cells(row, theme: Theme) -> str:
    cells = []
    for b in row:
        color = theme.badges[b.kind]
        # a fixed size: Graphviz would stretch the cells to the width of the step's text
        size = f'FIXEDSIZE="TRUE" WIDTH="{round(b.width)}" HEIGHT="{round(L.BADGE_CELL_H)}"'
        if b.declared:
            cells.append(
                f'<TD BGCOLOR="{color}" {size}><FONT POINT-SIZE="{num(L.SMALL)}" '
                f'COLOR="#ffffff">{html(b.text)}</FONT></TD>'
            )
        else:
            cells.append(
                f'<TD BORDER="1" STYLE="dashed" COLOR="{color}" BGCOLOR="#ffffff" {size}>'
                f'<FONT POINT-SIZE="{num(L.SMALL)}" COLOR="{color}">{html(b.text)}</FONT></TD>'
            )
    return (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0"><TR>'
        + "".join(cells)
        + "</TR></TABLE>"
    )


def step_label(box: L.Box, theme: Theme) -> str:
    rows = []
    if box.sub:
        # padding keeps the small line off the text below it (CJK glyphs fill their em)
        rows.append(
            f'<TR><TD CELLPADDING="1"><FONT POINT-SIZE="{num(L.SMALL)}" COLOR="{theme.muted}">'
            f"{html(box.sub)}</FONT></TD></TR>"
        )
    if L.has_cjk(box.lines):  # a row per line, padded: CJK lines would touch (layout.CJK_LINE_H)
        rows.extend(f'<TR><TD CELLPADDING="1">{html(t)}</TD></TR>' for t in box.lines)
    else:
        rows.append("<TR><TD>" + "<BR/>".join(html(t) for t in box.lines) + "</TD></TR>")
    for row in box.badges:
        rows.append("<TR><TD>" + _badge_cells(row, theme) + "</TD></TR>")
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
        + "".join(rows)
        + "</TABLE>>"
    )


def evidence_label(box: L.Box) -> str:
    if L.has_cjk(box.lines):  # a row per line, padded, as in step_label
        rows = "".join(
            f'<TR><TD ALIGN="LEFT" CELLPADDING="1">{html(t)}</TD></TR>' for t in box.lines
        )
        return f'<<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0">{rows}</TABLE>>'
    body = '<BR ALIGN="LEFT"/>'.join(html(t) for t in box.lines) + '<BR ALIGN="LEFT"/>'
    return f'<<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR><TD ALIGN="LEFT">{body}</TD></TR></TABLE>>'


def lane_label(box: L.Box, theme: Theme) -> str:
    color = theme.borders[box.lane]
    rows = [
        f'<TR><TD><FONT POINT-SIZE="11" COLOR="{color}"><B>{"<BR/>".join(html(t) for t in box.lines)}</B></FONT></TD></TR>'
    ]
    if box.sub:
        rows.append(
            f'<TR><TD><FONT POINT-SIZE="7.5" COLOR="{theme.muted}">{html(box.sub)}</FONT></TD></TR>'
        )
    return '<<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="0">' + "".join(rows) + "</TABLE>>"


def title_label(box: L.Box, theme: Theme) -> str:
    title = '<BR ALIGN="LEFT"/>'.join(html(t) for t in box.lines) + '<BR ALIGN="LEFT"/>'
    return (
        f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="0" WIDTH="{int(box.w - 20)}">'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="14"><B>{title}</B></FONT></TD></TR>'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8.5" COLOR="{theme.muted}">{html(box.sub)}</FONT></TD></TR>'
        "</TABLE>>"
    )


def _pos(box: L.Box, height: float) -> str:
    return f'"{num(box.x)},{num(height - box.y)}!"'


def _size(box: L.Box) -> str:
    return f"width={_inches(box.w)}, height={_inches(box.h)}"


def _inches(points: float) -> str:
    s = f"{points / 72:.4f}".rstrip("0").rstrip(".")
    return s or "0"


def to_dot(
    lay: L.Layout,
    theme_name: str = "color",
    placement: LB.Placement | None = None,
    routing: bool = False,
    decor: Decor | None = None,
) -> str:
    """The DOT text of the diagram. Same layout, same text, byte for byte.

    Without ``placement`` Graphviz routes the arrows and places their
    conditions itself (``xlabel``). With it (see :mod:`.labels`), every arrow
    keeps the route it was given and the conditions and line labels are
    written where ``placement`` says. ``routing=True`` leaves out every
    label, which Graphviz would only measure: the text for routing the
    arrows, which labels do not change."""
    theme = THEMES[theme_name]
    font = i18n.FONTS[vocab.locale_of(lay.locale)]

    def label(make, *args) -> str:
        return '""' if routing else make(*args)

    H = lay.height
    out: list[str] = []
    add = out.append
    add("digraph blueprint {")
    # edges first: a label written over the arrows (labels.Text.boxed) is a node
    add(
        f'  graph [splines=ortho, outputorder=edgesfirst, forcelabels=true, bgcolor="#ffffff", '
        f'pad=0.1, fontname={quote(font, "raw")}, id="diagram",'
    )
    add(f"         _background={background(lay, theme, font, placement, decor)}];")
    add(
        f"  node [shape=box, fixedsize=true, margin=0, fontname={quote(font, 'raw')}, fontsize={num(L.FONT)}, "
        f'fontcolor="{theme.text}", penwidth=1];'
    )
    add(
        f'  edge [fontname={quote(font, "raw")}, fontsize={num(L.SMALL)}, arrowsize=0.7, fontcolor="{theme.muted}"];'
    )
    # the frame: two invisible corners so the drawing covers the whole layout
    add(f'  "frame:tl" [shape=point, style=invis, width=0.01, height=0.01, pos="0,{num(H)}!"];')
    add(
        f'  "frame:br" [shape=point, style=invis, width=0.01, height=0.01, pos="{num(lay.width)},0!"];'
    )
    t = lay.title
    add(
        f'  "block:title" [id="title", shape=box, style="filled", fillcolor="#ffffff", color="{theme.line}", '
        f"{_size(t)}, pos={_pos(t, H)}, label={label(title_label, t, theme)}];"
    )
    for b in lay.lane_boxes:
        add(
            f'  {_name(b.name)} [id={quote(b.name)}, style="filled", fillcolor="{theme.titles[b.lane]}", '
            f'color="#ffffff", penwidth=2, {_size(b)}, pos={_pos(b, H)}, label={label(lane_label, b, theme)}];'
        )
    for b in lay.phase_boxes:
        add(
            f'  {_name(b.name)} [id={quote(b.name)}, style="filled", fillcolor="{theme.phase_fill}", '
            f'color="{theme.phase_fill}", fontcolor="{theme.phase_text}", {_size(b)}, pos={_pos(b, H)}, '
            f"label={label(plain_label, b.lines)}];"
        )
    for b in lay.boxes:
        if b.kind == "evidence":
            ev = {
                "style": "filled",
                "fillcolor": theme.evidence_fill,
                "color": theme.evidence_border,
                "fontcolor": theme.muted,
            }
            if decor is not None:
                ev = decor.evidence_look(b, ev)
            add(
                f'  {_name(b.name)} [id={quote(b.name)}, shape=note, style="{ev.pop("style")}", '
                f'fillcolor="{ev.pop("fillcolor")}", color="{ev.pop("color")}", '
                f'fontcolor="{ev.pop("fontcolor")}", '
                + "".join(f'{k}="{v}", ' for k, v in ev.items())
                + f"{_size(b)}, pos={_pos(b, H)}, label={label(evidence_label, b)}];"
            )
        else:
            look = {
                "style": "rounded,filled",
                "fillcolor": "#ffffff",
                "color": theme.borders[b.lane],
                "penwidth": "1.3",
            }
            if b.known:  # only assumed or proposed: a dashed outline (and a badge), mono too
                look["style"] = "rounded,filled,dashed"
            if decor is not None:
                look = decor.step_look(b, look)
            add(
                f'  {_name(b.name)} [id={quote("step:" + b.name)}, style="{look.pop("style")}", '
                f'fillcolor="{look.pop("fillcolor")}", color="{look.pop("color")}", '
                f"penwidth={look.pop('penwidth')}, "
                + "".join(f'{k}="{v}", ' for k, v in look.items())
                + f"{_size(b)}, pos={_pos(b, H)}, label={label(step_label, b, theme)}];"
            )
    if placement:
        for i, (a, t) in enumerate(zip(lay.arrows, placement.conditions)):
            if t is not None and t.boxed:
                add(
                    _boxed(
                        f"label:{i}",
                        f"label:{a.source}:{a.target}",
                        t,
                        _label_color(a, theme),
                        lay,
                        theme,
                    )
                )
        for i, (name, t) in enumerate(placement.lines):
            if t.boxed:
                add(_boxed(f"line:{i}", f"line:{name}", t, theme.line, lay, theme))
    for i, a in enumerate(lay.arrows):
        look = _edge_look(a, theme)
        if decor is not None:
            look = decor.edge_look(a, look)
        attrs = [
            f"id={quote('flow:' + a.source + ':' + a.target)}",
            f'color="{look["color"]}"',
            f'style="{look["style"]}"',
            f"penwidth={look['penwidth']}",
        ]
        if placement:
            attrs.append(f"pos={quote(placement.routes[i].pos, 'raw')}")
        elif a.label and not routing:
            attrs.append(f"xlabel={plain_label(a.label)}")
            if a.kind != "normal":
                attrs.append(f'fontcolor="{look["color"]}"')
        add(f"  {_name(a.source)} -> {_name(a.target)} [{', '.join(attrs)}];")
    add("}")
    return "\n".join(out) + "\n"
