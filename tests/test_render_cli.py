"""`blueprint render`: formats, paper, output paths, errors and a missing Graphviz."""

import io
import os
import re
import subprocess
import sys

import pytest

from blueprint.render import backend
from conftest import EXAMPLES, ROOT

SMALL = """
blueprint: 1
id: small
title: Small
steps:
  - {id: a, lane: customer, text: Walk in, next: [b]}
  - {id: b, lane: frontstage, text: Greet}
"""


def chinese_example():
    for p in EXAMPLES:
        text = p.read_text(encoding="utf-8")
        if "locale: zh-CN" in text or "locale: zh-TW" in text:
            return p
    pytest.skip("no Chinese example in blueprints/")


def test_dot_needs_no_graphviz_and_follows_the_suffix(run, write, tmp_path, monkeypatch):
    monkeypatch.setattr(backend, "find_engine", lambda name=backend.ENGINE: None)
    out = tmp_path / "d.gv"
    res = run("render", write(SMALL), "-o", out)
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("digraph blueprint {")


def test_missing_graphviz_is_one_line_exit_2_and_no_file(run, write, tmp_path, monkeypatch):
    monkeypatch.setattr(backend, "find_engine", lambda name=backend.ENGINE: None)
    out = tmp_path / "d.svg"
    res = run("render", write(SMALL), "-o", out)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Graphviz is not installed" in lines[0] and "apt-get install graphviz" in lines[0]
    assert not out.exists()
    assert os.listdir(tmp_path) == ["bp.yaml"]


def test_missing_graphviz_on_path(write, tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # nothing of Graphviz here
    res = subprocess.run(
        [sys.executable, "-m", "blueprint", "render", write(SMALL), "-o", str(tmp_path / "x.svg")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Graphviz" in res.stderr and "Traceback" not in res.stderr


def test_failing_or_slow_graphviz_is_one_line_exit_2(run, write, tmp_path, monkeypatch):
    monkeypatch.setattr(backend, "find_engine", lambda name=backend.ENGINE: "/bin/false")
    res = run("render", write(SMALL), "-o", tmp_path / "x.svg")
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == ["blueprint: Graphviz failed (exit 1): no output"]

    def slow(*a, **kw):
        raise subprocess.TimeoutExpired(a[0], kw.get("timeout"))

    monkeypatch.setattr(backend.subprocess, "run", slow)
    res = run("render", write(SMALL), "-o", tmp_path / "x.svg")
    assert res.exit_code == 2
    assert "took longer than" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.svg").exists()


@pytest.mark.dot
def test_default_output_is_the_id_in_the_current_folder(run, write, tmp_path, monkeypatch):
    src = write(SMALL)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    res = run("render", src)
    assert res.exit_code == 0, res.output
    assert (work / "small.svg").read_bytes().startswith(b"<?xml")
    res = run("render", src, "--format", "dot")
    assert (work / "small.dot").exists()


@pytest.mark.dot
def test_png_and_stdout(run, write, tmp_path):
    res = run("render", write(SMALL), "-o", tmp_path / "x.png")
    assert res.exit_code == 0
    assert (tmp_path / "x.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    res = run("render", write(SMALL), "-o", "-", "--format", "svg")
    assert res.exit_code == 0
    assert res.stdout_bytes.startswith(b"<?xml")


def test_refuses_to_write_over_the_input(run, write):
    src = write(SMALL)
    before = open(src, "rb").read()
    res = run("render", src, "-o", src, "--format", "dot")
    assert res.exit_code == 2
    assert "refusing to write over the input" in res.stderr
    assert open(src, "rb").read() == before


def test_unknown_suffix_and_missing_file_are_usage_errors(run, write, tmp_path):
    res = run("render", write(SMALL), "-o", tmp_path / "x.txt")
    assert res.exit_code == 2 and "--format" in res.stderr
    res = run("render", tmp_path / "nope.yaml")
    assert res.exit_code == 2
    assert (
        res.stderr.strip()
        == f"{tmp_path / 'nope.yaml'}:1:1: error no such file or folder [file-unreadable]"
    )


def test_a_broken_blueprint_is_not_drawn(run, write, tmp_path):
    src = write(SMALL.replace("next: [b]", "next: [nowhere]"))
    res = run("render", src, "-o", tmp_path / "x.dot")
    assert res.exit_code == 1
    first = res.stderr.splitlines()[0]
    assert first.startswith(f"{src}:5:") and "[unknown-step]" in first
    assert not (tmp_path / "x.dot").exists()


@pytest.mark.dot
@pytest.mark.parametrize(
    "paper,size", [("a4", (841.89, 595.28)), ("a3", (1190.55, 841.89)), ("letter", (792.0, 612.0))]
)
def test_pdf_is_landscape_paper_with_the_chinese_text(run, tmp_path, paper, size):
    from pypdf import PdfReader

    from blueprint.lint import load_blueprint

    src = chinese_example()
    out = tmp_path / "d.pdf"
    res = run("render", src, "-o", out, "--paper", paper)
    assert res.exit_code == 0, res.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) >= 1  # the overview, then readable pieces when the drawing is wide
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == size
    text = "".join(page.extract_text() for page in reader.pages)  # the overview or the pieces
    bp, _ = load_blueprint(str(src))
    assert bp.title in text
    lane = "顾客行为" if bp.locale == "zh-CN" else "顧客行為"
    assert lane in text
    short = [s.text for s in bp.steps if len(s.text) <= 8]
    assert short and all(t in text for t in short[:5])


@pytest.mark.dot
@pytest.mark.pdftotext
def test_pdf_text_with_pdftotext(run, tmp_path):
    src = chinese_example()
    out = tmp_path / "d.pdf"
    assert run("render", src, "-o", out, "--paper", "a3").exit_code == 0
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "可视分界线" in text or "可視分界線" in text


def test_help_lists_the_options(run):
    res = run("render", "--help")
    for opt in ("--format", "--paper", "--theme", "--emotion", "-o"):
        assert opt in res.output


def test_render_module_is_not_imported_by_version():
    code = "import sys, blueprint.cli; print('blueprint.render' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False"


def test_spans_overlap_and_cover_the_length():
    from blueprint.render.pdf import spans

    assert spans(0, 80, 100, 10) == [(0, 80)]  # fits: one window
    # 250 in windows of 100 overlapping by at least 10: 1 + ceil(150 / 90) = 3 windows,
    # their starts spread evenly: 0, 75, 150 (overlaps of 25)
    assert spans(0, 250, 100, 10) == [(0, 100), (75, 175), (150, 250)]
    # exactly two steps of 90: 0, 90, 180 -> 3 windows, overlaps of 10
    assert spans(0, 280, 100, 10) == [(0, 100), (90, 190), (180, 280)]


#: the hotel-stay example's drawing, in layout points: 2711 x 944, the lane titles left
#: of x = 136, the phase names from y = 72 to 96, the lane titles from 101 to 779
HOTEL = dict(
    width=2711.0,
    height=944.0,
    lanes_right=136.0,
    lanes_top=101.0,
    lanes_bottom=779.0,
    phases_top=72.0,
    phases_bottom=96.0,
)


def test_pieces_at_a_readable_size_fewer_on_a3():
    from blueprint.render.pdf import Frame, plan

    frame = Frame(**HOTEL)
    a4, a3 = plan(frame, "a4"), plan(frame, "a3")
    # overview on A4 (841.89 x 595.28 landscape, 28.35 margins): min(785.2 / 2711,
    # 538.6 / 944) = 0.2896, smallest text 7.5 x 0.2896 = 2.2 pt < 5: not printed
    assert abs(a4.overview - 785.2 / 2711) < 1e-3 and not a4.readable
    # pieces at 6 / 7.5 = 0.8. A4: room 785.2 / 0.8 - 136 = 845.5 wide for a body of
    # 2711 - 136 = 2575, overlap 42.52 / 0.8 = 53.15: 1 + ceil(1729.5 / 792.35) = 4 columns;
    # (538.6 - 26) / 0.8 - 24 = 616.7 high for 944 - 96 = 848: 1 + ceil(231.3 / 563.5) = 2 rows
    assert a4.scale == 0.8 and (a4.rows, a4.cols, len(a4.pieces)) == (2, 4, 8)
    # A3 (1190.55 x 841.89): (1133.9 / 0.8 - 136) = 1281.3 wide: 1 + ceil(1293.7 / 1228.2)
    # = 3 columns; (785.2 - 26) / 0.8 - 24 = 925 >= 848: 1 row
    assert (a3.rows, a3.cols, len(a3.pieces)) == (1, 3, 3)
    # a poster: A0 landscape (3370.4 x 2383.9) holds it at 100 %, text 7.5 pt: no pieces
    a0 = plan(frame, "a0")
    assert a0.overview == 1.0 and a0.readable and a0.pieces == []
    # --no-pieces: one scaled page, however small
    assert plan(frame, "a4", pieces=False).pieces == []


def test_territories_tile_the_body_and_meet_at_the_middle_of_each_overlap():
    from blueprint.render.pdf import Frame, plan, territory

    frame = Frame(**HOTEL)
    p = plan(frame, "a4")
    area = 0.0
    for piece in p.pieces:
        x0, x1, y0, y1 = territory(p, piece)
        assert piece.x0 <= x0 < x1 <= piece.x1 and piece.y0 <= y0 < y1 <= piece.y1
        area += (x1 - x0) * (y1 - y0)
    # the body: 2575 x 848; territories cover it once
    assert abs(area - 2575 * 848) < 1e-6
    first, second = p.pieces[0], p.pieces[1]
    assert territory(p, first)[1] == (second.x0 + first.x1) / 2 == territory(p, second)[0]


@pytest.mark.dot
def test_a_wide_blueprint_prints_an_overview_and_readable_pieces(run, tmp_path):
    import sys

    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate
    from pypdf import PdfReader

    src = tmp_path / "wide.yaml"
    src.write_text(generate(120, 1), encoding="utf-8")
    out = tmp_path / "wide.pdf"
    assert run("render", src, "-o", out).exit_code == 0
    pages = PdfReader(str(out)).pages
    assert len(pages) > 2
    assert all(float(p.mediabox.width) > float(p.mediabox.height) for p in pages)  # landscape
    # the drawing is written once, as one form XObject that every page draws: the file
    # (and the time to make it) grows with the drawing plus the pages, not their product
    forms = {
        id(obj)
        for page in pages
        for obj in [page["/Resources"]["/XObject"]["/D"].get_object()]
        if obj["/Subtype"] == "/Form"
    }
    assert len(forms) == 1
    for page in pages[1:]:  # clips, scales and `Do`s: the same few for every piece
        assert len(page.get_contents().get_data()) < 2000


_SHOW = re.compile(rb"q (\S+) (\S+) (\S+) (\S+) re W n (\S+) 0 0 \S+ (\S+) (\S+) cm (/\w+) Do Q")


def _form_text(form) -> list[tuple[float, float, str]]:
    """(x, y, text) of every piece of text in a form XObject, in the form's points."""
    from pypdf import PageObject
    from pypdf.generic import NameObject

    page = PageObject.create_blank_page(width=1, height=1)
    page[NameObject("/Resources")] = form["/Resources"]
    page[NameObject("/Contents")] = form
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return out


def _shown(page, box: tuple[float, float, float, float]) -> str:
    """The text ``page`` shows inside ``box`` (left, bottom, right, top in points).
    A page draws parts of shared forms: `q <clip> re W n <scale and move> cm /X Do Q`;
    a piece of text is shown where the move puts it, if the clip lets it through.
    (pypdf's own extract_text reports all of a form's text, wherever it is.)"""
    shown = []
    for m in _SHOW.finditer(page.get_contents().get_data()):
        cx, cy, cw, ch, s, tx, ty = map(float, m.groups()[:7])
        form = page["/Resources"]["/XObject"][m.group(8).decode()].get_object()
        for x, y, text in _form_text(form):
            px, py = s * x + tx, s * y + ty
            if cx - 0.5 <= px <= cx + cw and cy <= py <= cy + ch:  # text may start at the edge
                if box[0] <= px <= box[2] and box[1] <= py <= box[3]:
                    shown.append((-round(py), px, text))
    return " ".join(t for _, _, t in sorted(shown))


@pytest.mark.dot
@pytest.mark.parametrize(
    "example,lanes,piece",
    [
        ("hotel-stay", ("Customer actions", "Back-stage actions"), "piece {} of {}"),
        ("health-checkup", ("顾客行为", "后台员工行为"), "第 {} 块，共 {} 块"),
    ],
)
def test_every_piece_says_which_it_is_and_repeats_the_lane_titles(
    run, tmp_path, example, lanes, piece
):
    from pypdf import PdfReader

    from blueprint.render.pdf import HEADER_H, MARGIN, PIECE_TEXT, SMALLEST, paper_size

    out = tmp_path / "d.pdf"
    assert run("render", ROOT / "blueprints" / f"{example}.yaml", "-o", out).exit_code == 0
    pages = PdfReader(str(out)).pages
    total = len(pages) - 1  # the overview page, then the pieces
    assert total > 1
    assert b"/D Do" not in pages[0].get_contents().get_data()  # too small: not printed
    assert piece.format(1, total) in _shown(pages[0], (0, 0, 1e4, 1e4))  # its map names them
    pw, ph = paper_size("a4")
    lane_column = MARGIN + 136 * PIECE_TEXT / SMALLEST  # the lane titles: 136 pt at 80 %
    for n, page in enumerate(pages[1:], start=1):
        header = _shown(page, (0, ph - MARGIN - HEADER_H, pw, ph))
        assert header.startswith(piece.format(n, total)), (n, header)
        assert piece.format(n + 1, total) not in header
        column = _shown(page, (0, 0, lane_column, ph - MARGIN - HEADER_H))
        assert any(all(w in column for w in lane.split()) for lane in lanes), (n, column)


@pytest.mark.dot
def test_a3_needs_fewer_pieces_than_a4_and_no_pieces_is_one_page(run, tmp_path):
    from pypdf import PdfReader

    src = ROOT / "blueprints" / "hotel-stay.yaml"
    count = {}
    for paper in ("a4", "a3"):
        assert run("render", src, "-o", tmp_path / f"{paper}.pdf", "--paper", paper).exit_code == 0
        count[paper] = len(PdfReader(str(tmp_path / f"{paper}.pdf")).pages)
    assert 1 < count["a3"] < count["a4"]
    assert run("render", src, "-o", tmp_path / "one.pdf", "--no-pieces").exit_code == 0
    one = PdfReader(str(tmp_path / "one.pdf")).pages
    assert len(one) == 1 and b"/D Do" in one[0].get_contents().get_data()
    assert run("render", src, "-o", tmp_path / "a0.pdf", "--paper", "a0").exit_code == 0
    poster = PdfReader(str(tmp_path / "a0.pdf")).pages
    assert len(poster) == 1 and round(float(poster[0].mediabox.width)) == 3370  # 1189 mm
