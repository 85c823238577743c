"""Service scripts: the model (blueprint.script.build) and its three formats."""

import os
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from blueprint import script
from blueprint.lint import check_file
from blueprint.textwidth import display_width
from conftest import EXAMPLES, ROOT

HOTPOT = ROOT / "blueprints" / "hotpot-dine-in.yaml"

# the waiter's steps, phase by phase (Arrive, Order, Eat, Pay and leave), in flow
# order within each phase; clear-table has no predecessor, so in flow order it
# comes before take-payment (it must happen before the next party is called)
WAITER = [
    "seat",
    "take-order",
    "send-ticket",
    "serve-broth",
    "refill",
    "clear-table",
    "take-payment",
]
CUSTOMER = [
    "enter",
    "wait-in-queue",
    "sit-down",
    "place-order",
    "cook-and-eat",
    "order-more",
    "ask-bill",
    "leave",
]


def handout_of(path):
    res = check_file(str(path))
    assert res.loaded and not res.count("error"), [p.format() for p in res.problems]
    return script.build(res.blueprint, res.structure, res.context.analysis), res


class Text(HTMLParser):
    """The text of an HTML page (without <style>), the tags seen, and the text
    of every element with a given class."""

    def __init__(self, html, cls=None):
        super().__init__(convert_charrefs=True)
        self.parts, self.tags, self.hrefs, self.cls, self.found, self._stack, self._skip = (
            [],
            [],
            [],
            cls,
            [],
            [],
            0,
        )
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])
        if tag == "style":
            self._skip += 1
        classes = (dict(attrs).get("class") or "").split()
        if tag not in ("br", "meta", "img", "hr", "link"):
            self._stack.append(self.cls in classes)
            if self.cls in classes:
                self.found.append("")

    def handle_endtag(self, tag):
        if tag == "style":
            self._skip -= 1
        if tag not in ("br", "meta", "img", "hr", "link") and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if any(self._stack):
            self.found[-1] += data

    @property
    def text(self):
        return " ".join("".join(self.parts).split())


# --------------------------------------------------------------------------- the model


def test_waiter_script_lists_exactly_the_waiters_steps_in_flow_order():
    h, res = handout_of(HOTPOT)
    waiter = h.script("role", "waiter")
    assert [s.id for s in waiter.steps] == WAITER
    assert [s.number for s in waiter.steps] == list(range(1, len(WAITER) + 1))
    assert [p.name for p in waiter.phases] == ["Arrive", "Order", "Eat", "Pay and leave"]
    bp = res.blueprint
    for st in waiter.steps:
        src = bp.by_id[st.id]
        assert src.role == "waiter"
        assert st.do == src.text
        assert st.say == src.says
        assert st.standard == (src.standard.text if src.standard else "")
        if src.fail:
            assert (st.fail.prevention, st.fail.recovery) == (
                src.fail.prevention,
                src.fail.recovery,
            )
        else:
            assert st.fail is None
    by_id = {s.id: s for s in waiter.steps}
    assert by_id["take-order"].standard == "Repeat the order back before sending it"
    assert by_id["refill"].fail.recovery == "Refill at once and offer a free plate of fruit"
    assert by_id["seat"].say == "This way, please. Here are aprons and hair ties."


def test_customer_script_lists_exactly_the_customer_actions_in_order():
    h, res = handout_of(HOTPOT)
    cust = h.script("customer")
    assert [s.id for s in cust.steps] == CUSTOMER == res.structure.customer_steps
    enter = cust.steps[0]
    assert enter.evidence == ("Shop sign", "Clean entrance", "Smell of broth")
    assert [(b.step, b.when) for b in enter.branches] == [
        ("wait-in-queue", "no table"),
        ("sit-down", "table free"),
    ]
    assert enter.cue_note == "Starts the service"
    queue = cust.steps[1]
    assert [(w.expected, w.tolerable, w.fill) for w in queue.waits] == [
        ("20m", "40m", "Free snacks, tea and manicures while waiting")
    ]
    assert cust.steps[-1].end and [m.id for m in cust.steps[-1].markers] == ["end"]
    # the rework loop back to ordering is a branch marked as done again
    more = next(s for s in cust.steps if s.id == "order-more")
    assert [(b.step, b.again) for b in more.branches] == [("place-order", True)]


def test_cues_handoffs_and_waits_of_staff_steps():
    h, _ = handout_of(HOTPOT)
    greeter = {s.id: s for s in h.script("role", "greeter").steps}
    assert [(c.step, c.who, c.customer) for c in greeter["greet"].cues] == [
        ("enter", "Customer", True)
    ]
    # the greeter hands work to the POS system, behind the line of visibility
    assert [(x.step, x.who, x.behind) for x in greeter["greet"].handoffs] == [
        ("check-tables", "POS system", True)
    ]
    # handing out the queue number starts the declared wait: fill and explain it
    assert [(w.step, w.explain) for w in greeter["queue-ticket"].waits] == [
        ("wait-in-queue", "The screen shows the number being served")
    ]
    assert [(c.step, c.when) for c in greeter["queue-ticket"].cues] == [
        ("check-tables", "no table")
    ]
    waiter = {s.id: s for s in h.script("role", "waiter").steps}
    # a cue through a rework flow is marked as happening again
    assert [(c.step, c.again) for c in waiter["take-order"].cues] == [
        ("sit-down", False),
        ("order-more", True),
    ]
    assert waiter["clear-table"].cue_note.startswith("When needed")
    # the kitchen hands the broth forward across the line of visibility
    kitchen = h.script("role", "kitchen").steps[0]
    assert [(x.step, x.behind) for x in kitchen.handoffs] == [("serve-broth", False)]


def test_handout_orders_customer_first_then_roles_as_declared():
    h, _ = handout_of(HOTPOT)
    assert [(s.kind, s.id) for s in h.scripts] == [
        ("customer", "customer"),
        ("role", "greeter"),
        ("role", "waiter"),
        ("role", "kitchen"),
        ("role", "pos"),
    ]
    assert h.roles == ("greeter", "waiter", "kitchen", "pos")
    assert [s.id for s in script.select(h, role="kitchen").scripts] == ["kitchen"]
    assert [s.kind for s in script.select(h, customer=True).scripts] == ["customer"]


def test_staff_steps_without_a_role_get_a_script_per_lane(write):
    path = write("""
        blueprint: 1
        id: tiny
        title: Tiny
        steps:
          - {id: ask, lane: customer, text: Ask, next: [answer]}
          - {id: answer, lane: frontstage, text: Answer, says: Hello, next: [log]}
          - {id: log, lane: support, text: Log it}
    """)
    h, _ = handout_of(path)
    assert [(s.id, s.title, [x.id for x in s.steps]) for s in h.scripts if s.kind == "role"] == [
        ("frontstage", "Front-stage actions (no role)", ["answer"]),
        ("support", "Support processes (no role)", ["log"]),
    ]
    # no phases: one unnamed group
    assert [p.name for p in h.scripts[0].phases] == [""]


# --------------------------------------------------------------------------- formats


def _md_headings(md, level):
    return [line[level + 1 :] for line in md.splitlines() if line.startswith("#" * level + " ")]


def _section(md, anchor):
    start = md.index(f'<a id="{anchor}"></a>')
    end = md.find('<a id="', start + 1)
    return md[start : end if end != -1 else None]


def test_markdown_waiter_section_in_order_with_says_standards_recoveries():
    h, res = handout_of(HOTPOT)
    md = script.render(h, "md")
    waiter = _section(md, "role-waiter")
    bp = res.blueprint
    assert _md_headings(waiter, 4) == [f"{i}. {bp.by_id[s].text}" for i, s in enumerate(WAITER, 1)]
    steps = waiter.split("\n#### ")[1:]
    for sid, text in zip(WAITER, steps):
        src = bp.by_id[sid]
        if src.says:
            assert f"- **Say**: “{src.says}”" in text
        if src.standard:
            assert f"- **Standard**: {src.standard.text}" in text
        if src.fail:
            assert f"  - **Recover**: {src.fail.recovery}" in text
    # nobody else's steps are in the waiter's section
    others = {s.text for s in bp.steps if s.role != "waiter"}
    assert not [h for h in _md_headings(waiter, 4) if h.split(". ", 1)[1] in others]


def test_markdown_customer_section_lists_the_customer_actions():
    h, res = handout_of(HOTPOT)
    md = script.render(h, "md")
    cust = _section(md, "customer-journey")
    assert _md_headings(cust, 4) == [
        f"{i}. {res.blueprint.by_id[s].text}" for i, s in enumerate(CUSTOMER, 1)
    ]
    assert _md_headings(md, 2)[:2] == ["Contents", "Customer's journey"]
    assert "1. [Customer's journey](#customer-journey) (8 steps)" in md
    assert "4. [Kitchen](#role-kitchen) (1 step)" in md


def test_html_waiter_steps_and_print_css():
    h, res = handout_of(HOTPOT)
    html = script.render(h, "html")
    start = html.index('<section class="script role" id="role-waiter">')
    waiter = html[start : html.index("</section>", start)]
    got = Text(waiter, "do").found
    assert got == [res.blueprint.by_id[s].text for s in WAITER]
    says = Text(waiter, "say").found
    assert says == [
        f"“{res.blueprint.by_id[s].says}”" for s in WAITER if res.blueprint.by_id[s].says
    ]
    assert "@page { size: A4" in html
    assert ".handout .script { break-before: page; }" in html
    assert "break-inside: avoid" in html
    assert '<body class="handout">' in html
    assert '<body class="single">' in script.render(script.select(h, role="waiter"), "html")
    assert '"Noto Sans CJK SC"' in html


def test_text_waiter_steps_in_order():
    h, res = handout_of(HOTPOT)
    txt = script.render(script.select(h, role="waiter"), "txt")
    heads = [line.strip() for line in txt.splitlines() if re.match(r"^ ?\d+\. ", line)]
    assert heads == [f"{i}. {res.blueprint.by_id[s].text}" for i, s in enumerate(WAITER, 1)]
    assert "    Say             “Let me top up your broth.”" in txt
    assert all(display_width(line) <= script.TEXT_WIDTH for line in txt.splitlines())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", script.FORMATS)
def test_every_example_renders_deterministically(path, fmt):
    h, _ = handout_of(path)
    out = script.render(h, fmt)
    assert out.endswith("\n") and h.title.split()[0] in out
    h2, _ = handout_of(path)
    assert script.render(h2, fmt) == out
    if fmt == "txt":
        assert max(display_width(line) for line in out.splitlines()) <= script.TEXT_WIDTH


# --------------------------------------------------------------------------- escaping

NASTY = 'Say <script>alert("x")</script> & *bold* _em_ | pipe # hash `code` [link](http://x) $m$ ~s~ \\ end'


@pytest.fixture
def nasty(write):
    q = '"' + NASTY.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return write(f"""
        blueprint: 1
        id: nasty
        title: {q}
        phases: [{{id: p, name: {q}}}]
        roles: {{r: {{name: {q}, description: {q}}}}}
        steps:
          - id: c
            lane: customer
            phase: p
            text: {q}
            evidence: [{q}]
            next: [{{to: s, when: {q}}}]
          - id: s
            lane: frontstage
            phase: p
            role: r
            text: {q}
            says: {q}
            standard: {q}
            fail: {{risk: {q}, prevention: {q}, recovery: {q}}}
    """)


def test_html_shows_blueprint_text_literally(nasty):
    h, _ = handout_of(nasty)
    html = script.render(h, "html")
    page = Text(html)
    assert (
        "script" not in page.tags
        and "em" not in page.tags
        and "code" not in [t for t in page.tags if t != "code"]
    )  # the only <code> is the blueprint id
    assert page.tags.count("code") == 1
    norm = " ".join(NASTY.split())
    assert page.text.count(norm) >= 10
    assert "<script>" not in html and "&lt;script&gt;" in html
    # what the role says, in its script and in the customer's (staff you meet)
    assert Text(html, "say").found == [f"“{norm}”"] * 2


def test_markdown_shows_blueprint_text_literally(nasty):
    h, _ = handout_of(nasty)
    md = script.render(h, "md")
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)
    page = Text(html)
    for tag in ("script", "em", "code", "s", "del", "h1" if md.count("\n# ") else "x"):
        if tag == "h1":
            continue
        assert tag not in page.tags, tag
    assert page.hrefs == ["#customer-journey", "#role-r"]  # only the contents' links
    norm = " ".join(NASTY.split())
    assert page.text.count(norm) >= 10
    # headings are whole: the title is one h1 holding the text
    assert page.tags.count("h1") == 1
    # table rows keep their five cells although the text holds a |
    for line in md.splitlines():
        if line.startswith("| ") and not line.startswith("|--"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 6, line
    assert (
        "\\<script\\>" in md
        and "\\*bold\\*" in md
        and "\\`code\\`" in md
        and "\\|" in md
        and "\\#" in md
    )


def test_markdown_escape_unit():
    e = script.md_escape
    assert e("a *b* | c") == "a \\*b\\* \\| c"
    assert e("- item") == "\\- item" and e("1. item") == "1\\. item" and e("1.0") == "1.0"
    assert e("two\nlines  here") == "two lines here"
    assert e("<b>&amp;") == "\\<b\\>\\&amp;"


def test_text_format_neutralises_control_characters(write):
    path = write("""
        blueprint: 1
        id: ctl
        title: "Red \\e[31m title"
        steps:
          - {id: a, lane: customer, text: "Bell \\a here"}
    """)
    h, _ = handout_of(path)
    out = script.render(h, "txt")
    assert "\x1b" not in out and "\x07" not in out
    assert "Red \\x1b[31m title" in out


# --------------------------------------------------------------------------- templates


def test_builtin_templates_are_found():
    from blueprint.resources import templates_dir

    names = {p.name for p in templates_dir().iterdir()}
    for fmt in script.FORMATS:
        assert {
            f"script.{fmt}.j2",
            f"role.{fmt}.j2",
            f"customer.{fmt}.j2",
            f"macros.{fmt}.j2",
        } <= names
    assert "script.css" in names


def test_template_override_changes_the_output(tmp_path):
    h, _ = handout_of(HOTPOT)
    (tmp_path / "role.md.j2").write_text(
        "ROLE {{ s.title }} has {{ s.steps|length }} steps\n", encoding="utf-8"
    )
    out = script.render(h, "md", str(tmp_path))
    assert "ROLE Waiter has 7 steps" in out
    assert "#### 1. Lead the party" not in out
    # templates that are not overridden fall back to the built-in ones
    assert out.startswith("# Hot-pot restaurant, dine-in\n")
    assert "#### 1. Walk in" in out
    (tmp_path / "script.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    html = script.render(h, "html", str(tmp_path))
    assert "rebeccapurple" in html and "@page" not in html


def test_template_override_is_escaped_and_strict(tmp_path):
    h, _ = handout_of(HOTPOT)
    (tmp_path / "script.html.j2").write_text("<p>{{ '<b>' }}</p>\n", encoding="utf-8")
    assert script.render(h, "html", str(tmp_path)) == "<p>&lt;b&gt;</p>\n"
    (tmp_path / "script.txt.j2").write_text("{{ doc.no_such_field }}\n", encoding="utf-8")
    with pytest.raises(script.ScriptError, match="undefined"):
        script.render(h, "txt", str(tmp_path))
    (tmp_path / "script.txt.j2").write_text("{{ 1 + 'a' }}\n", encoding="utf-8")
    with pytest.raises(script.ScriptError, match="TypeError"):
        script.render(h, "txt", str(tmp_path))
    (tmp_path / "script.txt.j2").write_bytes(b"\xff\xfe bad\n")
    with pytest.raises(script.ScriptError, match="script.txt.j2"):
        script.render(h, "txt", str(tmp_path))
    (tmp_path / "script.md.j2").write_text("{% if %}\n", encoding="utf-8")
    with pytest.raises(script.ScriptError, match=r"script\.md\.j2:1: template syntax error"):
        script.render(h, "md", str(tmp_path))


def test_one_environment_per_folder_and_format_compiles_each_template_once(tmp_path):
    h, _ = handout_of(HOTPOT)
    (tmp_path / "role.md.j2").write_text("ROLE {{ s.title }}\n", encoding="utf-8")
    env = script.environment("md", str(tmp_path))
    assert script.environment("md", str(tmp_path)) is env
    assert script.environment("html", str(tmp_path)) is not env  # autoescaped
    assert script.environment("md") is not env  # the built-in folder alone
    first = script.render(h, "md", str(tmp_path))
    compiled = env.get_template("role.md.j2")
    assert script.render(h, "md", str(tmp_path)) == first
    assert env.get_template("role.md.j2") is compiled  # not compiled again


def test_an_edited_template_is_never_served_stale(tmp_path):
    h, _ = handout_of(HOTPOT)
    role = tmp_path / "role.md.j2"
    role.write_text("ROLE one {{ s.title }}\n", encoding="utf-8")
    assert "ROLE one Waiter" in script.render(h, "md", str(tmp_path))
    # the same size, another modification time (set apart, as one clock tick may hold both)
    role.write_text("ROLE two {{ s.title }}\n", encoding="utf-8")
    st = role.stat()
    os.utime(role, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    out = script.render(h, "md", str(tmp_path))
    assert "ROLE two Waiter" in out and "ROLE one" not in out
    # another size, even with the old modification time
    role.write_text("ROLE three, longer {{ s.title }}\n", encoding="utf-8")
    os.utime(role, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert "ROLE three, longer Waiter" in script.render(h, "md", str(tmp_path))
    # a template added beside it (an include that now resolves to the designer's)
    (tmp_path / "customer.md.j2").write_text("CUSTOMER\n", encoding="utf-8")
    assert "CUSTOMER" in script.render(h, "md", str(tmp_path))
    # and removed again: the built-in one is back
    (tmp_path / "customer.md.j2").unlink()
    assert "CUSTOMER" not in script.render(h, "md", str(tmp_path))


# --------------------------------------------------------------------------- locales

ZH_CN = """
    blueprint: 1
    id: milk-tea
    title: 奶茶店点单
    locale: zh-CN
    phases: [{id: order, name: 点单}, {id: take, name: 取餐}]
    roles: {cashier: {name: 收银员}, maker: {name: 制茶师}}
    steps:
      - id: come
        lane: customer
        phase: order
        text: 走到柜台前看菜单
        evidence: [灯箱菜单, 价目表]
        next: [greet]
      - id: greet
        lane: frontstage
        phase: order
        role: cashier
        text: 问候顾客并推荐新品
        says: 您好，今天想喝点什么？新品杨枝甘露很受欢迎。
        duration: 5s
        standard: {text: 顾客到柜台后十秒内问候, within: 10s}
        next: [pay]
      - id: pay
        lane: customer
        phase: order
        text: 点单并扫码付款
        evidence: [收款二维码, 小票]
        next: [confirm]
      - id: confirm
        lane: frontstage
        phase: order
        role: cashier
        text: 确认订单
        says: 好的，请稍等五分钟左右。
        duration: 10s
        next: [print]
      - id: print
        lane: support
        phase: order
        text: 收银系统打印杯贴
        duration: 5s
        next: [make]
      - id: make
        lane: backstage
        phase: take
        role: maker
        text: 按单制作饮品
        duration: 4m
        fail:
          risk: 甜度做错
          likelihood: medium
          severity: medium
          prevention: 杯身贴标签，写明甜度和冰量
          recovery: 立即重做，并送一张买一送一券
        next: [call]
      - id: call
        lane: frontstage
        phase: take
        role: cashier
        text: 叫号出杯
        says: 88号，您的杨枝甘露好了！
        next: [take-cup]
      - id: take-cup
        lane: customer
        phase: take
        text: 等候叫号后取饮品
        evidence: [取餐屏, 饮品]
        wait: {expected: 5m, tolerable: 10m, fill: 等候区有免费柠檬水, explain: 取餐屏显示制作进度}
"""


def test_chinese_blueprint_gives_a_chinese_script(write):
    h, _ = handout_of(write(ZH_CN))
    md = script.render(h, "md")
    assert md.startswith("# 奶茶店点单\n\n服务剧本")
    assert "## 目录" in md and "## 顾客剧本" in md and "## 收银员" in md
    assert "- **话术**：“您好，今天想喝点什么？新品杨枝甘露很受欢迎。”" in md
    assert "- **标准**：顾客到柜台后十秒内问候（时限 10秒）" in md
    assert "- **失误点**：甜度做错（可能性：中，严重性：中）" in md
    assert "  - **修复**：立即重做，并送一张买一送一券" in md
    assert "预计 5分钟，可容忍 10分钟" in md
    assert "(8 steps)" not in md and "Cue" not in md and "Say" not in md
    html = script.render(h, "html")
    assert '<html lang="zh-CN">' in html
    assert Text(html, "kicker").found == ["服务剧本"]
    txt = script.render(h, "txt")
    assert "    话术          “您好，今天想喝点什么？新品杨枝甘露很受欢迎。”" in txt
    assert all(display_width(line) <= script.TEXT_WIDTH for line in txt.splitlines())


def test_traditional_chinese_words_and_quotes(write):
    h, _ = handout_of(write(ZH_CN.replace("locale: zh-CN", "locale: zh-TW")))
    md = script.render(h, "md")
    assert "服務劇本" in md and "## 顧客劇本" in md and "「您好，今天想喝點什麼" not in md
    assert "- **話術**：「您好，今天想喝点什么？新品杨枝甘露很受欢迎。」" in md


def test_cjk_lines_folded_in_yaml_lose_the_space(write):
    h, _ = handout_of(
        write(ZH_CN.replace("title: 奶茶店点单", "title: >\n      奶茶店\n      点单 app"))
    )
    assert h.title == "奶茶店点单 app"


def test_role_without_steps_and_blueprint_without_phases(write):
    path = write("""
        blueprint: 1
        id: edge
        title: Edge
        roles: {idle: {name: Idle}, clerk: {name: Clerk}}
        steps:
          - {id: a, lane: customer, text: Arrive, next: [b]}
          - {id: b, lane: frontstage, role: clerk, text: Serve, fail: {risk: Forgets}, next: [c]}
          - {id: c, lane: customer, text: Leave}
    """)
    h, _ = handout_of(path)
    assert h.script("role", "idle").steps == ()
    md = script.render(h, "md")
    assert "## Idle\n\nThis role has no steps.\n" in md
    assert "2. [Idle](#role-idle) (0 steps)" in md
    # no phases: no Phase column, no phase headings
    assert "| No. | Step | Time | Standard |" in md and "Phase" not in md and "\n### " not in md
    # a fail point without prevention or recovery says so
    assert "- **Fail point**: Forgets\n  - No prevention or recovery written yet.\n" in md
    txt = script.render(h, "txt")
    assert "This role has no steps." in txt
    html = script.render(h, "html")
    assert '<th class="phase">' not in html and "This role has no steps." in html


def test_unassigned_steps_get_a_script_even_when_a_role_is_named_like_a_lane(tmp_path):
    from blueprint import lint
    from blueprint import script as scripts

    path = tmp_path / "bp.yaml"
    path.write_text(
        "blueprint: 1\nid: x\ntitle: T\nrules: {empty-lane: off}\n"
        "roles: {backstage: {name: Back office}}\nsteps:\n"
        "  - {id: a, lane: customer, text: Order, evidence: [m], next: [f]}\n"
        "  - {id: f, lane: frontstage, text: Take it, next: [cook, file]}\n"
        "  - {id: cook, lane: backstage, text: Cook, next: [serve]}\n"
        "  - {id: file, lane: backstage, role: backstage, text: File the order}\n"
        "  - {id: serve, lane: frontstage, text: Serve, next: [b]}\n"
        "  - {id: b, lane: customer, text: Eat, evidence: [bowl]}\n"
    )
    res = lint.check_file(str(path))
    h = scripts.build(res.blueprint, res.structure, res.context.analysis)
    assert "backstage" in h.roles and "backstage-no-role" in h.roles
    unassigned = h.script("role", "backstage-no-role")
    assert [s.id for s in unassigned.steps] == ["cook"]
