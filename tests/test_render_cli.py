"""`blueprint render`: formats, paper, output paths, errors and a missing Graphviz."""

import io
import os
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
    text = reader.pages[0].extract_text()
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


def test_tiles_for_a_wide_drawing_overlap_and_cover_it():
    from blueprint.render.pdf import MARGIN, OVERLAP, READABLE, paper_size, tiles

    pw, ph = paper_size("a4")
    assert tiles(800, 400, pw, ph, 0.9) == []  # readable overview: one page
    dw, dh = 9000.0, 700.0
    scale = min((pw - 2 * MARGIN) / dw, (ph - 2 * MARGIN) / dh)
    parts = tiles(dw, dh, pw, ph, scale)
    assert len(parts) > 1
    s = parts[0][1]
    assert s >= READABLE or s == (ph - 2 * MARGIN) / dh
    room = pw - 2 * MARGIN
    assert (
        parts[0][0] == 0 and abs(parts[-1][0] + room - dw * s) < 1e-6
    )  # the last piece ends at the right edge
    for (a, _), (b, _) in zip(parts, parts[1:]):
        assert 0 < b - a <= room - OVERLAP + 1e-6  # neighbours overlap


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
    for page in pages:
        assert len(page.get_contents().get_data()) < 2000  # a clip, a scale and `/D Do`
