"""Put Graphviz's PDF (a page the size of the drawing) on real paper.

The page is the chosen paper in landscape; the drawing is scaled to fit the
printable area (a margin all round), never enlarged beyond 100 %, and centred.
A drawing so wide that this makes its text too small to read (a long
journey) gets more pages after that overview: the drawing at a readable size,
cut into pieces from left to right that overlap a little, to lay side by side.
"""

from __future__ import annotations

import io

from blueprint.vocab import PAPER_SIZES

MM = 72 / 25.4
PAPERS = PAPER_SIZES  # portrait width, height in points
MARGIN = 10 * MM
#: below this scale the overview's text is too small to read (step text is ~10 pt in the drawing)
READABLE = 0.55
OVERLAP = 15 * MM


def paper_size(paper: str) -> tuple[float, float]:
    """(width, height) of the paper in landscape, in points."""
    w, h = PAPERS[paper]
    return max(w, h), min(w, h)


def place_on_paper(pdf: bytes, paper: str) -> bytes:
    from pypdf import PdfReader, PdfWriter, Transformation

    src = PdfReader(io.BytesIO(pdf)).pages[0]
    box = src.mediabox
    dw, dh = float(box.width), float(box.height)
    pw, ph = paper_size(paper)
    scale = min((pw - 2 * MARGIN) / dw, (ph - 2 * MARGIN) / dh, 1.0)
    tx = (pw - dw * scale) / 2 - float(box.left) * scale
    ty = (ph - dh * scale) / 2 - float(box.bottom) * scale
    writer = PdfWriter()
    page = writer.add_blank_page(width=pw, height=ph)
    page.merge_transformed_page(src, Transformation().scale(scale, scale).translate(tx, ty))
    page.compress_content_streams()
    for offset, tile_scale in tiles(dw, dh, pw, ph, scale):
        page = writer.add_blank_page(width=pw, height=ph)
        ty = (ph - dh * tile_scale) / 2 - float(box.bottom) * tile_scale
        tx = MARGIN - offset - float(box.left) * tile_scale
        page.merge_transformed_page(
            src, Transformation().scale(tile_scale, tile_scale).translate(tx, ty)
        )
        page.compress_content_streams()
    writer.add_metadata({"/Producer": "blueprint"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tiles(dw: float, dh: float, pw: float, ph: float, scale: float) -> list:
    """(left edge in the scaled drawing, scale) of each extra page, or [] when
    the overview is readable. Pieces overlap by OVERLAP so that nothing is lost
    at a cut."""
    if scale >= READABLE:
        return []
    tile_scale = min(1.0, (ph - 2 * MARGIN) / dh, max(READABLE, scale))
    width = dw * tile_scale
    room = pw - 2 * MARGIN
    if width <= room:
        return []
    step = room - OVERLAP
    count = 1 + int((width - room + step - 1) // step)
    return [(min(i * step, width - room), tile_scale) for i in range(count)]
