"""Swimlane diagrams of a blueprint: SVG, PNG, PDF and DOT.

The pipeline: :mod:`.layout` computes the grid (pure), :mod:`.dot` writes DOT
text with every box pinned (pure), :mod:`.backend` runs Graphviz to route the
arrows, :mod:`.labels` places the conditions and line labels beside the routed
arrows (pure), :mod:`.backend` runs Graphviz again to draw, and :mod:`.pdf` puts
a PDF on paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from blueprint.vocab import DIAGRAM_FORMATS as FORMATS
from blueprint.vocab import PAPERS, THEMES

SUFFIXES = {**{f".{f}": f for f in FORMATS}, ".gv": "dot"}


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


def render(bp, analysis, fmt: str, options: Options = Options()) -> bytes:
    """The diagram in ``fmt``; raises :class:`backend.GraphvizError` when
    Graphviz is missing, fails or is too slow.

    SVG, PNG and PDF take two runs of Graphviz: the first routes the arrows,
    then :mod:`.labels` places the conditions and line labels clear of them,
    and the second draws the routes as they are (it routes nothing)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    from blueprint.render.dot import to_dot
    from blueprint.render.layout import layout

    lay = layout(bp, analysis, emotion=options.emotion, inferred=options.inferred)
    if fmt == "dot":
        return to_dot(lay, options.theme).encode("utf-8")
    from blueprint.render import backend, labels

    printing = None
    if fmt == "pdf":  # begins beside Graphviz's runs what does not need their drawing
        from blueprint.render.pdf import Printing, frame_of

        printing = Printing(frame_of(lay), options.paper, options.pieces)
    try:
        placement = None
        if lay.arrows:
            routes = labels.match_routes(
                lay, backend.routes(to_dot(lay, options.theme, routing=True))
            )
            if routes is not None:
                placement = labels.place(lay, routes)
        # without readable routes for every arrow, Graphviz routes and labels them itself
        data = backend.run(to_dot(lay, options.theme, placement), fmt)
    finally:
        if printing is not None:
            printing.wait()  # no thread outlives the call, even when Graphviz failed
    return printing.place(data) if printing is not None else data
