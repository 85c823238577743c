"""Geometry of the rendered SVG of every example, and byte-stable output."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from blueprint.lint import load_blueprint
from conftest import EXAMPLES, NARROW, ROOT

SVG = "{http://www.w3.org/2000/svg}"
NUM = re.compile(r"-?\d+(?:\.\d+)?")


def shape_box(group):
    """(left, top, right, bottom) of the first shape in a node's group, SVG coordinates."""
    for el in group:
        if el.tag in (SVG + "polygon", SVG + "path"):
            raw = el.get("points") or el.get("d")
            nums = [float(n) for n in NUM.findall(raw)]
            xs, ys = nums[0::2], nums[1::2]
            return min(xs), min(ys), max(xs), max(ys)
    raise AssertionError(f"no shape in {group.get('id')}")


def parse(svg_bytes):
    root = ET.fromstring(svg_bytes)
    graph = root.find(SVG + "g")
    nodes = {g.get("id"): shape_box(g) for g in graph.iter(SVG + "g") if g.get("class") == "node"}
    # background drawing: direct children of the graph group
    lines = []
    for el in graph:
        if el.tag == SVG + "polyline":
            nums = [float(n) for n in NUM.findall(el.get("points"))]
            xs, ys = nums[0::2], nums[1::2]
            lines.append((el.get("stroke-dasharray"), min(xs), max(xs), min(ys), max(ys)))
    return nodes, lines


def render(run, path, out, *extra):
    res = run("render", path, "-o", out, *extra)
    assert res.exit_code == 0, res.output
    with open(out, "rb") as fh:
        return fh.read()


@pytest.mark.dot
@pytest.mark.parametrize(
    "extra", [(), ("--emotion", "--theme", "mono")], ids=["plain", "emotion-mono"]
)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_geometry(run, tmp_path, path, extra):
    bp, _ = load_blueprint(str(path))
    nodes, lines = parse(render(run, path, tmp_path / "d.svg", *extra))
    band = {
        lane: nodes[f"lane:{lane}"]
        for lane in ("evidence", "customer", "frontstage", "backstage", "support")
    }
    eps = 1.5
    # every step's box inside its lane's band
    for s in bp.steps:
        _, top, _, bottom = nodes[f"step:{s.id}"]
        _, btop, _, bbottom = band[s.lane]
        assert btop - eps <= top and bottom <= bbottom + eps, s.id
    # bands in the fixed order, top to bottom
    order = [band[b][1] for b in ("evidence", "customer", "frontstage", "backstage", "support")]
    assert order == sorted(order)
    # the line of visibility: dashed, across the width, between front- and back-stage
    width = max(r for _, _, r, _ in nodes.values()) - min(left for left, _, _, _ in nodes.values())
    dashed = [ln for ln in lines if ln[0] == "5,2" and ln[2] - ln[1] > 0.6 * width]
    assert len(dashed) == 1
    _, _, _, y0, y1 = dashed[0]
    assert y0 == y1
    assert band["frontstage"][3] - eps <= y0 <= band["backstage"][1] + eps
    # flows that are not declared loops never point left
    centre = {s.id: (nodes[f"step:{s.id}"][0] + nodes[f"step:{s.id}"][2]) / 2 for s in bp.steps}
    for f in bp.flows():
        if not f.is_loop:
            assert centre[f.target] >= centre[f.source] - eps, (f.source, f.target)
    # evidence directly above its customer action
    for s in bp.steps:
        if s.evidence:
            el, _, er, eb = nodes[f"evidence:{s.id}"]
            cl, ct, cr, _ = nodes[f"step:{s.id}"]
            assert abs((el + er) / 2 - (cl + cr) / 2) < eps
            assert eb <= ct
            assert band["evidence"][1] - eps <= nodes[f"evidence:{s.id}"][1]


@pytest.mark.dot
def test_svg_text_is_the_blueprint_text_escaped(run, write, tmp_path):
    path = write("""
        blueprint: 1
        id: esc
        title: 'A & B <C> "D" \\ E'
        locale: zh-TW
        steps:
          - {id: a, lane: customer, text: '顧客 "說" <hi> & \\n', next: [{to: b, when: '如果 & "ok"'}]}
          - {id: b, lane: frontstage, text: 'x]]>y'}
        """)
    svg = render(run, path, tmp_path / "e.svg")
    root = ET.fromstring(svg)  # well-formed
    texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
    assert 'A & B <C> "D" \\ E' in texts
    assert '顧客 "說" <hi> & \\n' in texts
    assert "x]]>y" in texts
    assert '如果 & "ok"' in texts
    assert "顧客行為" in texts  # lane title in the blueprint's locale


@pytest.mark.dot
@pytest.mark.parametrize("fmt", ["svg", "dot"])
def test_same_input_gives_byte_identical_output_across_processes(tmp_path, fmt):
    example = ROOT / "blueprints" / "hotel-stay.yaml"
    if not example.exists():
        example = EXAMPLES[0]
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"{seed}.{fmt}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "blueprint",
                "render",
                str(example),
                "-o",
                str(out),
                "--emotion",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert b"<!-- Generated by graphviz" in outs[0] or fmt == "dot"
    assert not re.search(rb"20\d\d-\d\d-\d\d", outs[0])  # no dates


# --- labels: where the conditions and the line labels are written ---------------------------


def background_texts(svg_bytes):
    """(text, rect) of the texts drawn in the background (direct children of the
    graph group), the rect estimated as the layout estimates it."""
    from blueprint.render.labels import ASCENT
    from blueprint.render.layout import SMALL_CELL, SMALL_H
    from blueprint.textwidth import display_width

    graph = ET.fromstring(svg_bytes).find(SVG + "g")
    out = []
    for el in graph:
        if el.tag != SVG + "text" or el.get("font-size") != "8.00":
            continue
        text = "".join(el.itertext())
        x, y = float(el.get("x")), float(el.get("y"))
        w = display_width(text) * SMALL_CELL
        left = {"start": x, "middle": x - w / 2, "end": x - w}[el.get("text-anchor")]
        out.append((text, (left, y - ASCENT, left + w, y - ASCENT + SMALL_H)))
    return out


def edges(svg_bytes):
    """(segments, arrowhead boxes) of every edge: segments as (left, top, right, bottom)."""
    graph = ET.fromstring(svg_bytes).find(SVG + "g")
    segments, heads = [], []
    for g in graph.iter(SVG + "g"):
        if g.get("class") != "edge":
            continue
        for el in g:
            if el.tag == SVG + "path":
                nums = [float(n) for n in NUM.findall(el.get("d"))]
                pts = list(zip(nums[0::2], nums[1::2]))
                for (ax, ay), (bx, by) in zip(pts, pts[1:]):
                    segments.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
            elif el.tag == SVG + "polygon":
                nums = [float(n) for n in NUM.findall(el.get("points"))]
                heads.append((min(nums[0::2]), min(nums[1::2]), max(nums[0::2]), max(nums[1::2])))
    return segments, heads


def overlap(a, b, tol=0.5) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def line_names(locale):
    from blueprint.render import words

    names = set()
    for line in ("interaction", "visibility", "internal"):
        names |= {words.line_label(locale, line), words.line_short(locale, line)}
    return names


@pytest.mark.dot
def test_a_narrow_diagram_names_each_line_without_overlaps_or_crossings(run, write, tmp_path):
    svg = render(run, write(NARROW), tmp_path / "n.svg")
    nodes, lines = parse(svg)
    names = line_names("zh-CN")
    labels = [(t, r) for t, r in background_texts(svg) if t in names]
    assert {t.split()[0] for t, _ in labels} == {"外部互动分界线", "可视分界线", "内部互动分界线"}
    left = min(ln[1] for ln in lines if ln[2] - ln[1] > 300)
    right = max(ln[2] for ln in lines if ln[2] - ln[1] > 300)
    for i, (t, r) in enumerate(labels):
        assert left <= r[0] and r[2] <= right, t  # within the band, not out of it
        for t2, r2 in labels[i + 1 :]:
            assert not overlap(r, r2), (t, t2)
    segments, heads = edges(svg)
    for t, r in labels:
        for s in segments + heads:
            assert not overlap(r, s), (t, s)


@pytest.mark.dot
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_conditions_are_clear_of_boxes_arrowheads_and_each_other(run, tmp_path, path):
    bp, _ = load_blueprint(str(path))
    svg = render(run, path, tmp_path / "d.svg")
    nodes, _ = parse(svg)
    names = line_names(bp.locale if bp.locale in ("zh-CN", "zh-TW") else "en")
    legend_top = max(b[3] for n, b in nodes.items() if n.startswith("lane:"))
    conditions = [(t, r) for t, r in background_texts(svg) if t not in names and r[3] < legend_top]
    boxed = [(n, b) for n, b in nodes.items() if n.startswith(("label:", "line:"))]
    boxes = [(n, b) for n, b in nodes.items() if not n.startswith(("label:", "line:", "frame:"))]
    expected = sum(bool(f.when) or f.kind != "normal" for f in bp.flows())
    assert bool(conditions or boxed) == (expected > 0)
    _, heads = edges(svg)
    placed = [r for _, r in conditions] + [b for _, b in boxed]
    for i, r in enumerate(placed):
        for name, b in boxes:
            assert not overlap(r, b), name
        for h in heads:
            assert not overlap(r, h), h
        for r2 in placed[i + 1 :]:
            assert not overlap(r, r2)


@pytest.mark.dot
def test_without_readable_routes_graphviz_labels_the_arrows_itself(
    run, write, tmp_path, monkeypatch
):
    from blueprint.render import backend

    monkeypatch.setattr(backend, "routes", lambda text, timeout=backend.TIMEOUT: [])
    path = write("""
        blueprint: 1
        id: r
        title: R
        steps:
          - {id: a, lane: customer, text: Ask, next: [{to: b, when: wants a table}]}
          - {id: b, lane: frontstage, text: Seat}
        """)
    svg = render(run, path, tmp_path / "r.svg")
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(SVG + "text")]
    assert "wants a table" in texts


@pytest.mark.dot
@pytest.mark.parametrize("extra", [(), ("--emotion",)], ids=["plain", "emotion"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_arrows_never_cross_a_box_between_their_ends(run, tmp_path, path, extra):
    svg = render(run, path, tmp_path / "d.svg", *extra)
    nodes, _ = parse(svg)
    graph = ET.fromstring(svg).find(SVG + "g")
    for g in graph.iter(SVG + "g"):
        if g.get("class") != "edge":
            continue
        tail, head = g.find(SVG + "title").text.split("->")
        d = g.find(SVG + "path").get("d")
        nums = [float(n) for n in NUM.findall(d)]
        pts = list(zip(nums[0::2], nums[1::2]))
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            seg = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
            for name, box in nodes.items():
                if name in (f"step:{tail}", f"step:{head}") or name.startswith(
                    ("label:", "line:", "frame:")
                ):
                    continue
                inner = (box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1)
                assert not overlap(
                    (seg[0] - 0.1, seg[1] - 0.1, seg[2] + 0.1, seg[3] + 0.1), inner, 0
                ), (g.get("id"), name)


@pytest.mark.dot
def test_a_step_called_title_keeps_the_title_block_and_odd_characters_are_dropped(run, tmp_path):
    src = tmp_path / "t.yaml"
    src.write_text(
        "blueprint: 1\nid: t\ntitle: The real title\nrules: {empty-lane: off}\nsteps:\n"
        '  - {id: title, lane: customer, text: "Walk \\uFFFF in", evidence: [x], next: [legend]}\n'
        "  - {id: legend, lane: frontstage, text: Greet, next: [sit]}\n"
        "  - {id: sit, lane: customer, text: Sit, evidence: [y]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "t.svg"
    r = run("render", src, "-o", out)
    assert r.exit_code == 0, r.output
    svg = out.read_text(encoding="utf-8")
    ET.fromstring(svg)
    assert "The real title" in svg and "Walk" in svg and "\uffff" not in svg
