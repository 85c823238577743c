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
    """The drawing on ``paper``: the overview page, then the pieces (see :func:`tiles`).

    The drawing is parsed once and written once, as a form XObject that every
    page draws through its own clip and scale: the time and the file grow with
    the drawing plus the number of pages, not with their product."""
    from pypdf import PdfReader, PdfWriter

    src = PdfReader(io.BytesIO(pdf)).pages[0]
    box = src.mediabox
    left, bottom = float(box.left), float(box.bottom)
    dw, dh = float(box.width), float(box.height)
    pw, ph = paper_size(paper)
    writer = PdfWriter()
    drawing = _form(writer, src)
    scale = min((pw - 2 * MARGIN) / dw, (ph - 2 * MARGIN) / dh, 1.0)
    tx = (pw - dw * scale) / 2 - left * scale
    ty = (ph - dh * scale) / 2 - bottom * scale
    _page(writer, pw, ph, drawing, [f"q {_cm(scale, tx, ty)} /D Do Q"])
    for offset, tile_scale in tiles(dw, dh, pw, ph, scale):
        ty = (ph - dh * tile_scale) / 2 - bottom * tile_scale
        tx = MARGIN - offset - left * tile_scale
        clip = f"{_n(MARGIN)} 0 {_n(pw - 2 * MARGIN)} {_n(ph)} re W n"
        _page(writer, pw, ph, drawing, [f"q {clip} {_cm(tile_scale, tx, ty)} /D Do Q"])
    writer.add_metadata({"/Producer": "blueprint"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _n(v: float) -> str:
    """A number in a content stream: three decimals at most, no trailing zeros."""
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _cm(scale: float, tx: float, ty: float) -> str:
    return f"{_n(scale)} 0 0 {_n(scale)} {_n(tx)} {_n(ty)} cm"


def _form(writer, page):
    """The page's drawing as a form XObject in ``writer`` (its content and
    resources copied once), for every page to draw with ``/D Do``."""
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


def _page(writer, pw: float, ph: float, drawing, ops: list[str]) -> None:
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    page = writer.add_blank_page(width=pw, height=ph)
    content = DecodedStreamObject()
    content.set_data("\n".join(ops).encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/D"): drawing})}
    )


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
