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
from conftest import EXAMPLES, NARROW, ROOT


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
    cols = columns_of(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: customer, text: A, next: [b]}
  - {id: b, lane: frontstage, text: B, next: [c]}
  - {id: c, lane: backstage, text: C, next: [d]}
  - {id: d, lane: customer, text: D}
""",
    )
    assert cols == {"a": 0, "b": 0, "c": 0, "d": 1}


def test_parallel_steps_of_one_lane_stack_in_one_column(write):
    cols = columns_of(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: frontstage, text: A, next: [b, c]}
  - {id: b, lane: backstage, text: B, next: [d]}
  - {id: c, lane: backstage, text: C, next: [d]}
  - {id: d, lane: frontstage, text: D}
""",
    )
    assert cols["b"] == cols["c"] == 0
    assert cols["d"] == 1


def test_declared_loops_do_not_push_columns(write):
    cols = columns_of(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: customer, text: A, next: [b]}
  - {id: b, lane: frontstage, text: B, next: [c]}
  - {id: c, lane: customer, text: C, next: [{to: b, kind: rework}]}
""",
    )
    assert cols == {"a": 0, "b": 0, "c": 1}


def test_phases_get_contiguous_columns_and_flows_win(write):
    cols = columns_of(
        write,
        HEAD
        + """
phases: [{id: p1, name: One}, {id: p2, name: Two}]
steps:
  - {id: a, lane: customer, phase: p1, text: A, next: [b]}
  - {id: b, lane: frontstage, phase: p2, text: B, next: [c]}
  - {id: c, lane: customer, phase: p2, text: C}
  - {id: late, lane: backstage, phase: p2, text: cleared later, next: [b]}
""",
    )
    assert cols["a"] == 0
    assert cols["b"] >= 1 and cols["c"] > cols["b"] - 1
    assert cols["late"] <= cols["b"]


def test_a_step_nothing_flows_into_sits_next_to_the_step_it_feeds(write):
    cols = columns_of(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: customer, text: A, next: [b]}
  - {id: b, lane: customer, text: B, next: [c]}
  - {id: c, lane: customer, text: C, next: [d]}
  - {id: d, lane: frontstage, text: D}
  - {id: prep, lane: backstage, text: Prepare, next: [d]}
""",
    )
    assert cols["d"] == 2 and cols["prep"] == 2


def test_a_pulled_step_stays_left_of_its_own_lane_further_on(write):
    cols = columns_of(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: customer, text: A, next: [b]}
  - {id: b, lane: customer, text: B, next: [c]}
  - {id: c, lane: frontstage, text: C, next: [e]}
  - {id: src, lane: backstage, text: S, next: [f]}
  - {id: f, lane: frontstage, text: F, next: [g]}
  - {id: g, lane: backstage, text: G}
  - {id: e, lane: customer, text: E}
""",
    )
    assert cols["src"] < cols["g"]
    assert cols["src"] <= cols["f"]


@st.composite
def flow_graphs(draw):
    n = draw(st.integers(2, 14))
    lanes = draw(
        st.lists(
            st.sampled_from(["customer", "frontstage", "backstage", "support"]),
            min_size=n,
            max_size=n,
        )
    )
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
    path.write_text(
        yaml.safe_dump({"blueprint": 1, "id": "g", "title": "G", "steps": steps}), encoding="utf-8"
    )
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
        for b in ordered[i + 1 :]:
            if b.left >= a.right:
                break
            assert a.bottom <= b.top or b.bottom <= a.top, (a.name, b.name)


def test_markers_become_badges_declared_and_inferred_apart(write):
    bp, s = load(
        write,
        HEAD
        + """
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
""",
    )
    lay = layout(bp, analyze(bp, s))
    texts = {
        b.step: [x.text for row in b.badges for x in row] for b in lay.boxes if b.kind == "step"
    }
    assert "● Wait 20m" in texts["a"]
    assert "▼ Low point" in texts["a"]
    assert "▲ Fail point" in texts["b"]
    assert {"★ Peak", "■ End", "◎ Key moment"} <= set(texts["c"])
    inferred = [x for b in lay.boxes for row in b.badges for x in row if not x.declared]
    assert all(x.text.endswith("?") for x in inferred)


def test_labels_wrap_inside_their_boxes(write):
    long = "在线预订房间并填写个人信息然后等待确认邮件再去前台办理入住手续" * 2
    bp, s = load(
        write,
        HEAD
        + f"""
locale: zh-CN
steps:
  - {{id: a, lane: customer, text: {long}, evidence: [{long}]}}
""",
    )
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
@given(
    st.text(alphabet=st.sampled_from(list("ab cdeWM体检中心，。（）-")), max_size=80),
    st.integers(2, 30),
)
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
    bp, s = load(
        write,
        """
blueprint: 1
id: t
title: 'Quotes "and" back\\slashes & <tags>'
steps:
  - {id: a, lane: customer, text: 'He said "hi" \\ & <b>', evidence: ['a "sign"'], next: [{to: b, when: 'if "x" & y'}]}
  - {id: b, lane: frontstage, text: Serve}
""",
    )
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
    bp, s = load(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: customer, text: A, wait: {expected: 5m}, next: [b]}
  - {id: b, lane: frontstage, text: B, fail: {risk: r}, next: [{to: a, kind: recovery}]}
""",
    )
    text = diagram_dot(bp, analyze(bp, s), Options(theme="mono"))
    colours = set(re.findall(r"#[0-9a-fA-F]{6}", text))
    for c in colours:
        r, g, b = int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)
        assert r == g == b, c


# --- line labels, condition labels, sizes (labels.py) -------------------------------

from collections import Counter  # noqa: E402

from blueprint.render import labels as LB  # noqa: E402
from blueprint.render import layout as LM  # noqa: E402


def chain(n: int, locale: str) -> str:
    steps = "\n".join(
        f"  - {{id: s{i}, lane: customer, text: 第{i}步, next: [s{i + 1}]}}" for i in range(n - 1)
    )
    return (
        f"blueprint: 1\nid: c\ntitle: C\nlocale: {locale}\nsteps:\n{steps}\n"
        f"  - {{id: s{n - 1}, lane: customer, text: 最后}}\n"
    )


def rects_overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW", "en"])
@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_line_labels_fit_their_line_and_never_overlap(write, n, locale):
    bp, s = load(write, chain(n, locale))
    lay = layout(bp, analyze(bp, s))
    spots = LB.line_labels(lay)
    lines = {ln.name: ln for ln in lay.lines}
    assert set(Counter(name for name, _ in spots)) == set(lines)
    for name, t in spots:
        assert lines[name].left < t.left and t.right < lines[name].right, (name, t)
        assert t.bottom <= lines[name].y or t.top >= lines[name].y  # beside the line, not on it
    for i, (_n1, a) in enumerate(spots):
        for _n2, b in spots[i + 1 :]:
            assert not rects_overlap(a.rect, b.rect), (a, b)


def test_a_one_column_chinese_blueprint_is_widened_to_name_each_line_once(write):
    bp, s = load(write, chain(1, "zh-CN"))
    lay = layout(bp, analyze(bp, s))
    assert lay.grid_right - lay.grid_left > LM.PITCH  # wider than one column
    counts = Counter(name for name, _ in LB.line_labels(lay))
    assert counts["internal"] == 1  # the longest name fits once, not twice
    bp, s = load(write, chain(4, "zh-CN"))
    assert Counter(name for name, _ in LB.line_labels(layout(bp, analyze(bp, s)))) == {
        "interaction": 2,
        "visibility": 2,
        "internal": 2,
    }


def test_parse_pos_reads_a_graphviz_route_in_layout_coordinates():
    r = LB.parse_pos(
        "e,232.5,572.78 232.5,677.76 232.5,677.76 232.5,600 232.5,600 240,600 240,600 240,579.78",
        1000,
    )
    assert r.points == ((232.5, 322.24), (232.5, 400.0), (240.0, 400.0), (240.0, 420.22))
    assert r.tip == (232.5, 427.22) or r.tip[1] == pytest.approx(427.22)
    assert LB.parse_pos("nonsense", 100) is None
    assert LB.parse_pos("", 100) is None


def _route_down(box_from, box_to, x=None):
    """A route straight down from one box to another (y downwards), like Graphviz's."""
    x = box_from.x if x is None else x
    return LB.Route(((x, box_from.bottom), (x, box_to.top - 7)), (x, box_to.top), "")


def test_a_condition_sits_beside_the_start_of_its_arrow_clear_of_boxes(write):
    bp, s = load(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: customer, text: Ask, next: [{to: b, when: wants a table}, {to: c, when: just a drink}]}
  - {id: b, lane: frontstage, text: Seat the party}
  - {id: c, lane: frontstage, text: Pour a drink}
""",
    )
    lay = layout(bp, analyze(bp, s))
    a, b, c = lay.box("a"), lay.box("b"), lay.box("c")
    # both arrows leave a at the same point and run down together: their labels must part
    routes = [_route_down(a, b), _route_down(a, c)]
    placed = LB.place(lay, routes)
    first, second = placed.conditions
    for t, route in zip(placed.conditions, routes):
        for box in lay.boxes:
            assert not rects_overlap(t.rect, (box.left, box.top, box.right, box.bottom)), (
                t,
                box.name,
            )
        x0 = route.points[0][0]
        assert (
            t.left >= x0 + LB.GAP - 0.01 or t.right <= x0 - LB.GAP + 0.01
        )  # beside, not on, the arrow
    assert not rects_overlap(first.rect, second.rect)
    assert abs(first.top - (a.bottom + LB.GAP)) < 1  # the first one right where the arrow starts


def test_a_condition_between_two_neighbouring_boxes_is_wrapped_to_fit_between_them(write):
    bp, s = load(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: customer, text: Arrive at the door, next: [b]}
  - {id: b, lane: customer, text: Go back for the ID, next: [{to: a, kind: recovery, when: back with the ID card}]}
""",
    )
    lay = layout(bp, analyze(bp, s))
    a, b = lay.box("a"), lay.box("b")
    assert a.right < b.left
    y = a.y
    forward = LB.Route(((a.right, y + 8), (b.left - 7, y + 8)), (b.left, y + 8), "")
    back = LB.Route(((b.left, y - 8), (a.right + 7, y - 8)), (a.right, y - 8), "")
    _, t = LB.place(lay, [forward, back]).conditions
    assert a.right < t.left and t.right < b.left  # in the gap between the boxes
    assert t.bottom <= y - 8 or t.top >= y - 8  # over or under its arrow
    assert len(t.lines) > len(lay.arrows[1].label)
    words = [w for line in t.lines for w in line.split()]
    assert words == lay.arrows[1].text.split()  # broken between words only


def test_a_label_with_no_clear_spot_beside_its_arrow_is_written_over_it(write):
    bp, s = load(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: frontstage, text: A, next: [{to: b, when: only then}, c, d]}
  - {id: b, lane: frontstage, text: B}
  - {id: c, lane: frontstage, text: C}
  - {id: d, lane: frontstage, text: D}
""",
    )
    lay = layout(bp, analyze(bp, s))
    a = lay.box("a")
    # its route runs between two others, 9 points above and below it, all the way
    # (through the empty back-stage band)
    band = next(x for x in lay.bands if x.lane == "backstage")
    y, x0, x1 = (band.top + band.bottom) / 2, a.right, a.right + 150

    def route(dy):
        return LB.Route(((x0, y + dy), (x1 - 7, y + dy)), (x1, y + dy), "")

    mine, above, below = route(0), route(-9), route(9)
    obs = LB.Obstacles()
    LB._arrow_obstacles(obs, [mine, above, below])
    assert all(
        obs.cost(t.rect) >= LB.EDGE for t in LB.candidates(mine, ("only then",), "only then")
    )
    (t, _, _) = LB.place(lay, [mine, above, below]).conditions
    assert t.boxed  # written over its own arrow, hiding a bit of it, clear of the other two
    assert t.top < y < t.bottom and t.top > y - 9 + 1.5 and t.bottom < y + 9 - 1.5
    dot = D.to_dot(lay, "color", LB.place(lay, [mine, above, below]))
    assert '"label:0" [id="label:a:b", shape=box, style="filled"' in dot
    assert "outputorder=edgesfirst" in dot  # so the label is drawn over the arrow


def test_box_heights_are_whole_quanta_and_badges_have_a_fixed_size(write):
    bp, s = load(
        write,
        HEAD
        + """
locale: zh-CN
steps:
  - {id: a, lane: customer, text: 在线预订房间并填写个人信息然后等待确认邮件, wait: {expected: 20m}, key: true,
     evidence: [预订页面, 房型照片与含税价格], next: [b]}
  - {id: b, lane: frontstage, text: Serve, fail: {risk: r}}
""",
    )
    lay = layout(bp, analyze(bp, s))
    for box in lay.boxes:
        assert box.h % LM.QUANTUM == 0, box.name
    step = lay.box("a")
    label = D.step_label(step, D.COLOR)
    for row in step.badges:
        for badge in row:
            assert f'FIXEDSIZE="TRUE" WIDTH="{round(badge.width)}"' in label
            # wide enough for the text at the estimated width, the symbol a full em
            assert badge.width >= display_width(badge.text) * LM.SMALL_CELL + 8
    # CJK text: one padded row per line, so the lines do not touch
    assert label.count('<TD CELLPADDING="1">') >= len(step.lines)
    assert step.h >= 2 * LM.NODE_PAD + len(step.lines) * LM.CJK_LINE_H


def test_the_legend_fits_narrow_diagrams_and_its_badges(write):
    bp, s = load(write, NARROW)
    lay = layout(bp, analyze(bp, s))
    widest = max(e.badge.width for e in lay.legend if e.badge)
    assert lay.legend_sample >= widest
    per_row = len({e.x for e in lay.legend})
    assert 2 <= per_row <= 4
    left, _, right, _ = lay.legend_box
    assert right <= lay.width - LM.MARGIN + 0.01


def test_a_long_background_is_written_in_pieces_graphviz_can_read():
    x = D.XDot(100)
    for i in range(3000):
        x.text(i, 10, -1, f'label "{i}" \\', 5)
    text = x.render()
    pieces = re.findall(r'"((?:[^"\\]|\\.)*)"', text)
    assert len(pieces) > 1
    assert all(len(p) < 16384 for p in pieces)
    assert text.count('" + "') == 0 and text.count("+ ") == len(pieces) - 1
    rebuilt = " ".join(p.strip() for p in pieces)
    assert rebuilt == " ".join(x.ops).replace('"', '\\"')


def test_the_legend_shows_only_the_arrows_that_are_drawn(write):
    bp, s = load(
        write,
        HEAD
        + """
steps:
  - {id: a, lane: customer, text: A, next: [{to: b, when: ok}]}
  - {id: b, lane: support, text: B, next: [{to: a, kind: recovery}]}
""",
    )
    samples = [e.sample for e in layout(bp, analyze(bp, s), emotion=True).legend]
    # the flow back up from support is a recovery flow: drawn red, not as a support flow
    assert "edge:support" not in samples and "edge:recovery" in samples
    assert "edge:branch" in samples and "edge:normal" not in samples  # every other flow is a branch
    assert "emotion" not in samples  # no customer action has an emotion: no curve


def test_a_long_phase_name_is_cut_with_an_ellipsis_not_silently(write):
    bp, s = load(
        write,
        HEAD
        + """
phases: [{id: p, name: A very long name for a phase that has only one short column in the diagram and far too short to show all of this name in three lines}]
steps:
  - {id: a, lane: customer, phase: p, text: A}
""",
    )
    (box,) = layout(bp, analyze(bp, s)).phase_boxes
    assert len(box.lines) == 3 and box.lines[-1].endswith("…")
    for line in box.lines:
        assert display_width(line) * LM.CELL <= box.w


def test_the_peak_badge_is_the_analysis_peak_and_inferred_markers_can_be_left_out():
    from blueprint.lint import check_file
    from blueprint.render.layout import badges_for

    res = check_file(str(ROOT / "blueprints" / "hotel-stay.yaml"))
    a = res.context.analysis
    assert (
        a.peak == "report-problem" and a.best == "enter-room"
    )  # the worst moment is the most intense
    assert "peak" in [b.kind for b in badges_for("report-problem", a, "en")]
    assert "high" in [b.kind for b in badges_for("enter-room", a, "en")]
    inferred = [
        s.id for s in res.blueprint.steps if any(not b.declared for b in badges_for(s.id, a, "en"))
    ]
    assert inferred
    assert not [
        s.id
        for s in res.blueprint.steps
        if any(not b.declared for b in badges_for(s.id, a, "en", inferred=False))
    ]


# the guest walks up (3m), opens the door (1m) and looks around (10m) while the porter
# takes the bags up (10m) and knocks with them (1m)
BAGS = (
    HEAD
    + """
rules: {empty-lane: off}
steps:
  - {id: arrive, lane: customer, text: Arrive, evidence: [Desk], next: [check-in]}
  - {id: check-in, lane: frontstage, text: Check in, duration: 2m, next: [walk-up, carry]}
  - {id: walk-up, lane: customer, text: Walk up, evidence: [Lift], duration: 3m, next: [open-door]}
  - {id: open-door, lane: customer, text: Open the door, evidence: [Key], duration: 1m, next: [look]}
  - {id: look, lane: customer, text: Look around, evidence: [Room], duration: 10m, next: [receive]}
  - {id: carry, lane: backstage, text: Take the bags up, duration: 10m, next: [deliver]}
  - {id: deliver, lane: frontstage, text: Hand over the bags, duration: 1m, next: [receive]}
  - {id: receive, lane: customer, text: Receive the bags, evidence: [Bags]}
"""
)


def test_work_beside_the_customer_is_drawn_at_the_moment_it_starts(write):
    cols = columns_of(write, BAGS)
    # the customer's clock, from the end of arrive: check-in 0-2m (column 0), walk-up
    # starts at 2m (column 1), open-door at 5m (2), look at 6m (3), receive at 16m (4)
    assert [cols[n] for n in ("arrive", "walk-up", "open-door", "look", "receive")] == [
        0,
        1,
        2,
        3,
        4,
    ]
    # carry starts at 2m, when walk-up begins: column 1 (the flows alone allow column 0)
    assert cols["carry"] == 1
    # deliver starts at 2m + 10m = 12m: look (begun at 6m) is under way, receive (16m) not yet
    assert cols["deliver"] == 3


def test_work_of_unknown_timing_stays_where_the_flows_put_it(write):
    cols = columns_of(write, BAGS.replace("Take the bags up, duration: 10m,", "Take the bags up,"))
    # carry starts at a known 2m; deliver follows a step without a duration: earliest column
    assert (cols["carry"], cols["deliver"]) == (1, 1)
