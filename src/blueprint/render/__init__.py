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


def diagram_dot(bp, analysis, options: Options = Options()) -> str:
    """The DOT text of the diagram (no Graphviz needed)."""
    from blueprint.render.dot import to_dot
    from blueprint.render.layout import layout

    return to_dot(
        layout(bp, analysis, emotion=options.emotion, inferred=options.inferred), options.theme
    )


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

    placement = None
    if lay.arrows:
        routes = labels.match_routes(
            lay, backend.routes(to_dot(lay, options.theme, routing=True, decor=decor))
        )
        if routes is not None:
            placement = labels.place(lay, routes)
    # without readable routes for every arrow, Graphviz routes and labels them itself
    data = backend.run(to_dot(lay, options.theme, placement, decor=decor), fmt)
    if fmt == "pdf":
        from blueprint.render.pdf import place_on_paper

        data = place_on_paper(data, options.paper)
    return data
