"""Swimlane diagrams of a blueprint: SVG, PNG, PDF and DOT.

The pipeline: :mod:`.layout` computes the grid (pure), :mod:`.dot` writes DOT
text with every box pinned (pure), :mod:`.backend` runs Graphviz to route the
arrows, :mod:`.labels` places the conditions and line labels beside the routed
arrows (pure), :mod:`.backend` runs Graphviz again to draw, and :mod:`.pdf` puts
a PDF on paper.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from blueprint.render.backend import GraphvizError

if TYPE_CHECKING:
    from blueprint.render.layout import Layout

from blueprint.vocab import DIAGRAM_FORMATS as FORMATS
from blueprint.vocab import PAPERS, THEMES

SUFFIXES = {**{f".{f}": f for f in FORMATS}, ".gv": "dot"}


#: Graphviz routes the arrows (``splines=ortho``) in time and memory that grow
#: faster than the drawing: with the square of its boxes, and faster still with
#: the arrows that meet at one box. Past these limits (docs/reliability.md)
#: ``render`` refuses at once, before Graphviz runs, instead of growing to
#: gigabytes until the time limit stops it. Measured by benchmarks/render_limits.py.
MAX_BOXES = 3000  # steps, evidence, lane and phase titles: Graphviz needs about 1 GiB here
MAX_FLOWS_AT_ONE_STEP = 500  # arrows into, or out of, one box: about 15 s of routing


@dataclass(frozen=True)
class Options:
    theme: str = THEMES[0]
    emotion: bool = False
    paper: str = PAPERS[0]
    inferred: bool = True  # draw the analysis' inferred fail points and waits (dashed, with "?")
    pieces: bool = True  # PDF: a drawing too small to read on one page follows in pieces


def diagram_dot(bp, analysis, options: Options = Options()) -> str:
    """The DOT text of the diagram (no Graphviz needed)."""
    from blueprint.render.dot import to_dot
    from blueprint.render.layout import layout

    return to_dot(
        layout(bp, analysis, emotion=options.emotion, inferred=options.inferred), options.theme
    )


class TooLarge(GraphvizError):
    """The diagram is past what Graphviz can route in bounded memory and time
    (a :class:`backend.GraphvizError`: one line, exit 2, nothing written)."""


def drawable(lay: Layout) -> str:
    """Why Graphviz cannot be given this layout, or "" when it can (see MAX_BOXES)."""
    boxes = len(lay.boxes) + len(lay.lane_boxes) + len(lay.phase_boxes)
    if boxes > MAX_BOXES:
        return (
            f"cannot draw: the diagram has {boxes:,} boxes (steps, evidence, lane and phase "
            f"titles), more than the {MAX_BOXES:,} that Graphviz routes arrows between in "
            "bounded memory; split the blueprint, or write --format dot"
        )
    into: Counter[str] = Counter(a.target for a in lay.arrows)
    out_of: Counter[str] = Counter(a.source for a in lay.arrows)
    for counts, way in ((into, "into"), (out_of, "out of")):
        if counts:
            name, n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if n > MAX_FLOWS_AT_ONE_STEP:
                return (
                    f"cannot draw: {n:,} flows go {way} step '{name}', more than the "
                    f"{MAX_FLOWS_AT_ONE_STEP:,} that Graphviz routes to one step in bounded "
                    "memory and time; join them in fewer steps, or write --format dot"
                )
    return ""


def render(bp, analysis, fmt: str, options: Options = Options(), decor=None) -> bytes:
    """The diagram in ``fmt``; raises :class:`backend.GraphvizError` when
    Graphviz is missing, fails or is too slow.

    SVG, PNG and PDF take two runs of Graphviz: the first routes the arrows,
    then :mod:`.labels` places the conditions and line labels clear of them,
    and the second draws the routes as they are (it routes nothing).

    ``decor`` (render/diff.py) may widen the layout and change the look of
    boxes and arrows; without it the output is what it always was."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    from blueprint.render.dot import to_dot
    from blueprint.render.layout import layout

    lay = layout(bp, analysis, emotion=options.emotion, inferred=options.inferred)
    if decor is not None:
        lay = decor.layout(lay)
    if fmt == "dot":
        return to_dot(lay, options.theme, decor=decor).encode("utf-8")
    from blueprint.render import backend, labels

    too_large = drawable(lay)
    if too_large:
        raise TooLarge(too_large)

    printing = None
    if fmt == "pdf":  # begins beside Graphviz's runs what does not need their drawing
        from blueprint.render.pdf import Printing, frame_of

        printing = Printing(frame_of(lay), options.paper, options.pieces)
    try:
        placement = None
        if lay.arrows:
            routes = labels.match_routes(
                lay, backend.routes(to_dot(lay, options.theme, routing=True, decor=decor))
            )
            if routes is not None:
                placement = labels.place(lay, routes)
        # without readable routes for every arrow, Graphviz routes and labels them itself
        data = backend.run(to_dot(lay, options.theme, placement, decor=decor), fmt)
    finally:
        if printing is not None:
            printing.wait()  # no thread outlives the call, even when Graphviz failed
    return printing.place(data) if printing is not None else data
