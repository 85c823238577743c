"""The diagram's grid, text wrapping and DOT text: pure, no Graphviz needed."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blueprint.analysis import analyze
from blueprint.graph import Structure
from blueprint.lint import load_blueprint
from blueprint.render import Options, diagram_dot
from blueprint.render import dot as D
from blueprint.render.layout import assign_columns, layout
from blueprint.textwidth import display_width, wrap

from conftest import EXAMPLES


def load(write, text):
    path = write(text)
    bp, problems = load_blueprint(path)
    assert not [p for p in problems if p.severity == "error"], problems
    return bp, Structure(bp)


def columns_of(write, text):
    bp, s = load(write, text)
    cols, _ = assign_columns(bp, s)
    return cols


HEAD = """
blueprint: 1
id: t
title: T
"""


def test_cross_lane_steps_share_a_moment_and_same_lane_steps_move_right(write):
    cols = columns_of(write, HEAD + """
steps:
  - {id: a, lane: customer, text: A, next: [b]}
  - {id: b, lane: frontstage, text: B, next: [c]}
  - {id: c, lane: backstage, text: C, next: [d]}
  - {id: d, lane: customer, text: D}
""")
    assert cols == {"a": 0, "b": 0, "c": 0, "d": 1}


def test_parallel_steps_of_one_lane_stack_in_one_column(write):
    cols = columns_of(write, HEAD + """
steps:
  - {id: a, lane: frontstage, text: A, next: [b, c]}
  - {id: b, lane: backstage, text: B, next: [d]}
  - {id: c, lane: backstage, text: C, next: [d]}
  - {id: d, lane: frontstage, text: D}
""")
    assert cols["b"] == cols["c"] == 0
    assert cols["d"] == 1


def test_declared_loops_do_not_push_columns(write):
    cols = columns_of(write, HEAD + """
steps:
  - {id: a, lane: customer, text: A, next: [b]}
  - {id: b, lane: frontstage, text: B, next: [c]}
  - {id: c, lane: customer, text: C, next: [{to: b, kind: rework}]}
""")
    assert cols == {"a": 0, "b": 0, "c": 1}


def test_phases_get_contiguous_columns_and_flows_win(write):
    cols = columns_of(write, HEAD + """
phases: [{id: p1, name: One}, {id: p2, name: Two}]
steps:
  - {id: a, lane: customer, phase: p1, text: A, next: [b]}
  - {id: b, lane: frontstage, phase: p2, text: B, next: [c]}
  - {id: c, lane: customer, phase: p2, text: C}
  - {id: late, lane: backstage, phase: p2, text: cleared later, next: [b]}
""")
    assert cols["a"] == 0
    assert cols["b"] >= 1 and cols["c"] > cols["b"] - 1
    assert cols["late"] <= cols["b"]


def test_a_step_nothing_flows_into_sits_next_to_the_step_it_feeds(write):
    cols = columns_of(write, HEAD + """
steps:
  - {id: a, lane: customer, text: A, next: [b]}
  - {id: b, lane: customer, text: B, next: [c]}
  - {id: c, lane: customer, text: C, next: [d]}
  - {id: d, lane: frontstage, text: D}
  - {id: prep, lane: backstage, text: Prepare, next: [d]}
""")
    assert cols["d"] == 2 and cols["prep"] == 2


def test_a_pulled_step_stays_left_of_its_own_lane_further_on(write):
    cols = columns_of(write, HEAD + """
steps:
  - {id: a, lane: customer, text: A, next: [b]}
  - {id: b, lane: customer, text: B, next: [c]}
  - {id: c, lane: frontstage, text: C, next: [e]}
  - {id: src, lane: backstage, text: S, next: [f]}
  - {id: f, lane: frontstage, text: F, next: [g]}
  - {id: g, lane: backstage, text: G}
  - {id: e, lane: customer, text: E}
""")
    assert cols["src"] < cols["g"]
    assert cols["src"] <= cols["f"]


@st.composite
def flow_graphs(draw):
    n = draw(st.integers(2, 14))
    lanes = draw(st.lists(st.sampled_from(["customer", "frontstage", "backstage", "support"]),
                          min_size=n, max_size=n))
    edges = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    return lanes, sorted(edges)


@settings(max_examples=60, deadline=None)
@given(flow_graphs())
def test_columns_never_go_left_and_a_lane_never_repeats_a_column_on_a_path(tmp_path_factory, graph):
    lanes, edges = graph
    steps = []
    for i, lane in enumerate(lanes):
        nxt = sorted({f"s{v}" for u, v in edges if u == i and v > i})  # a DAG in file order
        steps.append({"id": f"s{i}", "lane": lane, "text": f"step {i}", "next": nxt})
    import yaml

    path = tmp_path_factory.mktemp("g") / "bp.yaml"
    path.write_text(yaml.safe_dump({"blueprint": 1, "id": "g", "title": "G", "steps": steps}), encoding="utf-8")
    bp, _ = load_blueprint(str(path))
    s = Structure(bp)
    cols, _ = assign_columns(bp, s)
    import networkx as nx

    for u, v in s.forward.edges():
        assert cols[v] >= cols[u]
    for u in s.forward.nodes:
        for v in nx.descendants(s.forward, u):
            if s.lane(u) == s.lane(v):
                assert cols[v] > cols[u], (u, v)


# --- layout ------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_lays_out_inside_its_bands(path):
    bp, _ = load_blueprint(str(path))
    lay = layout(bp, analyze(bp, Structure(bp)), emotion=True)
    bands = {b.lane: b for b in lay.bands}
    for box in lay.boxes:
        band = bands["evidence" if box.kind == "evidence" else box.lane]
        assert band.top < box.top and box.bottom < band.bottom, box.name
        assert lay.grid_left < box.left and box.right < lay.grid_right
    # no two boxes overlap
    ordered = sorted(lay.boxes, key=lambda b: (b.left, b.top))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.left >= a.right:
                break
            assert a.bottom <= b.top or b.bottom <= a.top, (a.name, b.name)


def test_markers_become_badges_declared_and_inferred_apart(write):
    bp, s = load(write, HEAD + """
steps:
  - id: a
    lane: customer
    text: Queue
    emotion: -1
    wait: {expected: 20m}
    next: [b]
  - id: b
    lane: frontstage
    text: Serve
    fail: {risk: wrong dish}
    next: [c]
  - {id: c, lane: customer, text: Leave, emotion: 2, key: true}
""")
    lay = layout(bp, analyze(bp, s))
    texts = {b.step: [x.text for row in b.badges for x in row] for b in lay.boxes if b.kind == "step"}
    assert "● Wait 20m" in texts["a"]
    assert "▼ Low point" in texts["a"]
    assert "▲ Fail point" in texts["b"]
    assert {"★ Peak", "■ End", "◎ Key moment"} <= set(texts["c"])
    inferred = [x for b in lay.boxes for row in b.badges for x in row if not x.declared]
    assert all(x.text.endswith("?") for x in inferred)


def test_labels_wrap_inside_their_boxes(write):
    long = "在线预订房间并填写个人信息然后等待确认邮件再去前台办理入住手续" * 2
    bp, s = load(write, HEAD + f"""
locale: zh-CN
steps:
  - {{id: a, lane: customer, text: {long}, evidence: [{long}]}}
""")
    lay = layout(bp, analyze(bp, s))
    from blueprint.render.layout import CELL, WRAP

    for box in lay.boxes:
        assert len(box.lines) > 1
        for line in box.lines:
            assert display_width(line) <= WRAP
            assert display_width(line) * CELL < box.w


# --- text width ------------------------------------------------------------------

def test_display_width_counts_cjk_twice():
    assert display_width("abc") == 3
    assert display_width("体检") == 4
    assert display_width("Ａ") == 2  # full-width form
    assert display_width("e\u0301") == 1  # combining accent takes no cell


def test_wrap_breaks_latin_at_spaces_and_cjk_anywhere():
    assert wrap("Welcome the party, ask its size", 12) == ["Welcome the", "party, ask", "its size"]
    assert wrap("打电话给体检中心约定体检时间", 10) == ["打电话给体", "检中心约定", "体检时间"]
    assert wrap("", 10) == [""]


def test_wrap_keeps_closing_punctuation_off_the_start_of_a_line():
    for line in wrap("一二三四，五六七八。九十", 8):
        assert not line.startswith(("，", "。"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab cdeWM体检中心，。（）-")), max_size=80), st.integers(2, 30))
def test_wrap_never_exceeds_the_width_and_loses_no_text(text, width):
    lines = wrap(text, width)
    for line in lines:
        assert display_width(line) <= width
    assert "".join(lines).replace(" ", "") == "".join(text.split()).replace(" ", "")


# --- DOT text ------------------------------------------------------------------------

def test_quoting_and_escaping_for_each_kind_of_label():
    assert D.quote('a "b" \\c') == '"a \\"b\\" \\\\c"'
    assert D.plain_label(['say "hi"', "x\\n&y"]) == '"say \\"hi\\"\\nx\\\\n&amp;y"'
    assert D.html('<b> & "q"') == "&lt;b&gt; &amp; &quot;q&quot;"
    assert D.html("tab\there") == "tab here"


def test_xdot_text_counts_bytes_not_characters():
    x = D.XDot(100)
    x.text(0, 10, -1, 'é体"', 5)
    op = x.ops[-1]
    assert op.endswith('6 -é体"')  # 2 + 3 + 1 bytes
    assert x.render().count('\\"') == 1


def test_dot_text_is_stable_and_pins_every_box(write):
    bp, s = load(write, """
blueprint: 1
id: t
title: 'Quotes "and" back\\slashes & <tags>'
steps:
  - {id: a, lane: customer, text: 'He said "hi" \\ & <b>', evidence: ['a "sign"'], next: [{to: b, when: 'if "x" & y'}]}
  - {id: b, lane: frontstage, text: Serve}
""")
    a = analyze(bp, s)
    text = diagram_dot(bp, a)
    assert text == diagram_dot(bp, analyze(bp, Structure(bp)))
    nodes = re.findall(r'^  ("[^"]+") \[(.*)\];$', text, re.M)
    assert nodes
    for name, attrs in nodes:
        assert re.search(r'pos="[\d.]+,[\d.]+!"', attrs), name
    assert "splines=ortho" in text and "cluster" not in text
    assert "He said &quot;hi&quot; \\ &amp; &lt;b&gt;" in text
    assert 'xlabel="if \\"x\\" &amp; y"' in text


def test_mono_theme_uses_no_colour(write):
    bp, s = load(write, HEAD + """
steps:
  - {id: a, lane: customer, text: A, wait: {expected: 5m}, next: [b]}
  - {id: b, lane: frontstage, text: B, fail: {risk: r}, next: [{to: a, kind: recovery}]}
""")
    text = diagram_dot(bp, analyze(bp, s), Options(theme="mono"))
    colours = set(re.findall(r"#[0-9a-fA-F]{6}", text))
    for c in colours:
        r, g, b = int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)
        assert r == g == b, c
