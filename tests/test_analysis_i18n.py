"""`blueprint analyze` speaks the blueprint's locale (en, zh-CN, zh-TW) in its
text report, while its JSON stays the same English, machine-readable form."""

from __future__ import annotations

import json
import pickle
import re
from itertools import pairwise
from pathlib import Path

import pytest

from blueprint import i18n
from blueprint.analysis import Phrase
from blueprint.textwidth import display_width
from conftest import hub

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "blueprints").glob("*.yaml"))

#: the section titles of the report, top to bottom, per locale
TITLES = {
    "en": (
        "Fail points:",
        "Wait points:",
        "Peak and end",
        "Customer needs:",
        "Timing",
        "How it is known",
        "Quality dimensions",
        "Shape",
    ),
    "zh-CN": (
        "失误点：",
        "等待点：",
        "峰值与终点（峰终定律）",
        "顾客需求：",
        "时间",
        "信息来源",
        "服务质量维度",
        "结构",
    ),
    "zh-TW": (
        "失誤點：",
        "等待點：",
        "峰值與終點（峰終定律）",
        "顧客需求：",
        "時間",
        "資訊來源",
        "服務品質維度",
        "結構",
    ),
}

# characters written differently in Simplified and Traditional Chinese, as pairs
_PAIRS = (
    "点點 误誤 标標 断斷 顾顧 为為 务務 复復 间間 结結 构構 汇匯 长長 径徑 达達 态態 阶階 个個 条條 "
    "检檢 错錯 无無 没沒 说說 办辦 让讓 显顯 线線 视視 动動 时時 关關 键鍵 预預 计計 准準 备備 严嚴 "
    "这這 过過 还還 会會 单單 号號 从從 对對 记記 忆憶 图圖 蓝藍 启啟 闭閉 规規 则則 类類 与與 终終 "
    "绪緒 处處 团團 队隊 遗遺 缩縮 虑慮 递遞 开開 问問 写寫 链鏈 许許 员員 后後 内內 进進 数數 种種"
)
SIMPLIFIED = {p[0] for p in _PAIRS.split()}
TRADITIONAL = {p[1] for p in _PAIRS.split()}
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def with_locale(path: Path, locale: str, tmp_path: Path) -> Path:
    """A copy of the example ``path`` whose locale is ``locale``."""
    src = path.read_text(encoding="utf-8")
    if re.search(r"(?m)^locale:", src):
        src = re.sub(r"(?m)^locale:.*$", f"locale: {locale}", src)
    else:
        src = re.sub(r"(?m)^(blueprint:.*)$", rf"\1\nlocale: {locale}", src, count=1)
    out = tmp_path / f"{path.stem}.{locale}.yaml"
    out.write_text(src, encoding="utf-8")
    return out


def locale_of(path: Path) -> str:
    m = re.search(r"(?m)^locale:\s*(\S+)", path.read_text(encoding="utf-8"))
    return m.group(1) if m else "en"


def titles_in(report: str) -> list:
    """The lines that start a section (not indented, after an empty line)."""
    lines = report.splitlines()
    return [ln for prev, ln in pairwise(lines) if not prev and ln and not ln.startswith(" ")]


@pytest.mark.parametrize(
    "path", [p for p in EXAMPLES if locale_of(p) != "en"], ids=lambda p: p.name
)
def test_chinese_examples_get_a_chinese_report(run, path):
    loc = locale_of(path)
    r = run("analyze", path)
    assert r.exit_code == 0, r.output
    titles = titles_in(r.output)
    found = [t for want in TITLES[loc] for t in titles if t.startswith(want)]
    assert len(found) >= 6 and found == titles[: len(found)]
    for title in titles:
        assert not re.search("[A-Za-z]", title), title  # no English left in a title
    # the fixed words are in the locale's script, ids stay as written (they are searched for and copied)
    other = SIMPLIFIED if loc == "zh-TW" else TRADITIONAL
    fixed = "\n".join(ln for ln in r.output.splitlines() if "：" in ln or ln in titles)
    assert (
        "Fail points" not in r.output
        and "critical path" not in r.output
        and "Remedies" not in r.output
    )
    doc = json.loads(run("analyze", "--format", "json", path).output)
    for f in doc["fail_points"]:
        assert f["step"] in r.output
        for h in f["inferred"]:
            assert f"{h['heuristic']}：" in r.output  # heuristic ids too: ignore: [id] needs them
    if loc == "zh-TW":  # the Traditional examples are written in Traditional characters throughout
        assert not (set(fixed) & other), sorted(set(fixed) & other)


def test_zh_cn_report_in_detail(run):
    out = run("analyze", ROOT / "blueprints" / "health-checkup.yaml").output
    lines = out.splitlines()
    assert lines[0] == "体检中心年度健康体检（health-checkup）"
    assert lines[1].endswith("health-checkup.yaml：43 个步骤，25 个顾客行为，可容忍时间 10天")
    assert "    - 已标注：短信没有发出，顾客记错日期（可能性低，严重性中）" in lines
    assert "    - 服务修复：顾客到错日子时，当天有空余名额就直接安排体检" in lines
    assert "    - handoff-visibility：由“answer-call”跨越可视分界线交接过来：信息可能丢失" in lines
    assert "    - contact-without-standard：顾客看得见这一步，但它没有工作标准" in lines
    assert any(
        "branch-without-recovery：从“read-report”分出的“需要进一步治疗”分支" in ln for ln in lines
    )
    assert "  峰终得分 -0.50（取各终点中最低的）；全部情绪的平均值 +0.04" in lines
    assert any(
        ln.startswith("  可容忍时间  10天") and ln.endswith("余量 6天21小时") for ln in lines
    )
    assert any(
        "跨越分界线" in ln and "外部互动分界线 26，可视分界线 6，内部互动分界线 2" in ln
        for ln in lines
    )


def test_zh_tw_report_says_the_remedies_of_waiting(run):
    out = run("analyze", ROOT / "blueprints" / "tobacco-retail-service.yaml").output
    lines = out.splitlines()
    assert "  改進辦法（等待心理學）：" in lines
    assert "  read-confirmation（在 place-order 之後）：" in lines
    assert "    - 讓等待顯得更長：無事可做、未加說明" in lines
    remedies = out[out.index("改進辦法") :]
    # the refund is investigated (1d) and paid (2d) while the retailer meets the manager
    assert "  receive-refund（在 meet-manager 之後）：" in lines
    assert "無事可做（read-confirmation、receive-refund）：讓顧客在等待時有事可做" in remedies
    assert "（wait: {fill: ...}）" in remedies.replace("\n      ", "")
    assert "handoff-visibility：由「enter-order」跨越可視分界線交接過來：資訊可能遺失" in out
    assert "修復或重工流向 2 條" in out


def column(line: str, token: str) -> int:
    """The display column where ``token`` starts in ``line``."""
    return display_width(line[: line.index(token)])


@pytest.mark.parametrize(
    "name, loc", [("health-checkup", "zh-CN"), ("tobacco-retail-service", "zh-TW")]
)
def test_chinese_tables_align_by_display_width(run, name, loc):
    out = run("analyze", ROOT / "blueprints" / f"{name}.yaml").output
    doc = json.loads(
        run("analyze", "--format", "json", ROOT / "blueprints" / f"{name}.yaml").output
    )
    w = i18n.report_words(loc)
    lines = out.splitlines()
    # the wait points: every row's step id starts under the heading "step", its kind under "kind"
    head = next(ln for ln in lines if ln.startswith("  " + w["col_where"]))
    assert w["col_step"] in head and w["col_kind"] in head
    for wp in doc["wait_points"]:
        row = next(ln for ln in lines if ln.startswith(f"  {wp['line']}:{wp['column']} "))
        assert column(row, wp["step"]) == column(head, w["col_step"])
        kind = w["declared"] if wp["declared"] else w["inferred"]
        assert column(row, kind) == column(head, w["col_kind"]), (row, head)
    # the standards: the status column lines up
    shead = next(ln for ln in lines if ln.startswith("    " + w["col_where"]))
    for s in doc["timing"]["standards"]:
        row = next(ln for ln in lines if ln.startswith(f"    {s['line']}:{s['column']} "))
        status = {"met": w["status_met"], "no-limit": w["status_no_limit"]}[s["status"]]
        assert column(row, "  " + status) + 2 == column(shead, w["col_status"]), (row, shead)
    # no line is wider than the report
    assert max(display_width(ln) for ln in lines) <= 100


@pytest.mark.parametrize("loc", ["en", "zh-CN", "zh-TW"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_in_every_locale(run, path, loc, tmp_path):
    """No traceback whatever the locale; titles in the locale; English has no Chinese of ours."""
    p = with_locale(path, loc, tmp_path)
    r = run("analyze", p)
    assert r.exit_code == 0, r.output
    titles = titles_in(r.output)
    says_known = "known:" in p.read_text(encoding="utf-8")
    says_servqual = re.search("dimension:|servqual:", p.read_text(encoding="utf-8")) is not None
    for want in TITLES[loc]:
        if want == TITLES[loc][5] and not says_known:
            continue  # "How it is known": only when some step says known:
        if want == TITLES[loc][6] and not says_servqual:
            continue  # SERVQUAL: only when a dimension or a score is written
        assert any(t.startswith(want) for t in titles), (want, titles)
    if loc == "en":
        words = "".join(i18n.report_words("zh-CN").values()) + "".join(
            i18n.report_words("zh-TW").values()
        )
        ours = set(CJK.findall(words)) - set(CJK.findall(p.read_text(encoding="utf-8")))
        assert not set(CJK.findall(r.output)) & ours


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_json_is_the_same_in_every_locale(run, path, tmp_path):
    """Keys, English reasons and remedies, ids: only the locale field follows the blueprint."""
    docs = {}
    for loc in ("en", "zh-CN", "zh-TW"):
        doc = json.loads(
            run("analyze", "--format", "json", with_locale(path, loc, tmp_path)).output
        )
        assert doc.pop("locale") == loc
        doc.pop("path")
        docs[loc] = doc
    assert docs["zh-CN"] == docs["en"] == docs["zh-TW"]
    english = {v for k, v in i18n.SENTENCES["en"].items() if k.startswith("remedy_")}
    for w in docs["en"]["wait_points"]:
        assert set(w["remedies"]) <= english
        assert set(w["kinds"]) <= {"pre-process", "unoccupied", "unexplained"}


def test_english_reasons_are_the_sentences_they_always_were():
    """The JSON, check's messages and docs/analysis.md show these exact sentences."""

    def P(key, **args):
        return i18n.said_in(Phrase(key, **args), "en")

    assert P("handoff-visibility", names=("a", "b", "c", "d")) == (
        "hand-off from 'a', 'b', 'c' and 1 more across the line of visibility: information can be lost"
    )
    assert P("handoff-internal", names=("a",)) == (
        "hand-off from 'a' across the line of internal interaction: another team must act on it"
    )
    assert P("parallel-join", n=2, names=("x", "y")) == (
        "waits for 2 flows in parallel ('x', 'y'): a late or lost one stalls it"
    )
    assert P("contact-without-standard") == "the customer sees it, but it has no work standard"
    assert P("branch-without-recovery", when="declined", step="pay") == (
        "branch 'declined' from 'pay' never comes back to the journey (no recovery flow)"
    )
    assert P("waits-skipped", budget=12345).startswith(
        "inferred waits skipped: the staff work behind the customer actions is too entangled to trace within "
        "12,345 steps of work"
    )
    from blueprint.analysis.waits import REMEDIES

    assert i18n.said_in(REMEDIES["unoccupied"]) == (
        "Fill the wait with something to do, read, taste or watch, because "
        "unoccupied time feels longer than occupied time (wait: {fill: ...})."
    )
    assert set(REMEDIES) == {"pre-process", "unoccupied", "unexplained", "over"}


def test_a_phrase_is_a_key_and_values_and_can_be_said_in_each_locale():
    p = Phrase("parallel-join", n=4, names=("a", "b", "c", "d"))
    assert p.key == "parallel-join" and p.args == {"n": 4, "names": ("a", "b", "c", "d")}
    assert (
        i18n.said_in(p, "zh-CN")
        == "要等 4 条并行的流程（“a”、“b”、“c”及另外 1 个步骤）汇合：任何一条延误或丢失都会让这一步停下来"
    )
    assert (
        i18n.said_in(p, "zh-TW")
        == "要等 4 條並行的流程（「a」、「b」、「c」及另外 1 個步驟）匯合：任何一條延誤或遺失都會讓這一步停下來"
    )
    english = (
        "waits for 4 flows in parallel ('a', 'b', 'c' and 1 more): a late or lost one stalls it"
    )
    assert i18n.said_in(p, "fr") == i18n.said_in(p, None) == i18n.said_in(p) == english
    q = pickle.loads(pickle.dumps(p))  # build -j sends analyses between processes
    assert q == p and i18n.said_in(q, "zh-TW") == i18n.said_in(p, "zh-TW")
    assert i18n.said_in("plain text", "zh-CN") == "plain text"
    # a step id or a branch condition with braces is a value, never a template
    assert i18n.said_in(Phrase("branch-without-recovery", when="{x}", step="{0}"), "zh-CN") == (
        "从“{0}”分出的“{x}”分支再也回不到顾客旅程（没有修复流程）"
    )


@pytest.mark.parametrize("table", ["report", "sentences"])
def test_chinese_words_are_in_the_right_script(table):
    t = i18n.TABLES[table]
    simplified = "".join(t["zh-CN"].values())
    traditional = "".join(t["zh-TW"].values())
    assert not set(simplified) & TRADITIONAL, sorted(set(simplified) & TRADITIONAL)
    assert not set(traditional) & SIMPLIFIED, sorted(set(traditional) & SIMPLIFIED)
    assert "信息" not in traditional and "资讯" not in simplified  # Taiwan says 資訊
    # the same templates in every locale: as many fields, so no locale fails where another works
    for key, en in t["en"].items():
        if (
            key.endswith("_fmt")
            or table == "sentences"
            and not key.startswith(("remedy_", "quote_", "names_sep"))
        ):
            fields = sorted(re.findall(r"\{[^{}]*\}", en))
            for loc in ("zh-CN", "zh-TW"):
                assert sorted(re.findall(r"\{[^{}]*\}", t[loc][key])) == fields, (key, loc)


def test_skipped_waits_are_explained_in_the_locale(run, tmp_path):
    en, zh = tmp_path / "en.yaml", tmp_path / "zh.yaml"
    en.write_text(hub(250, "en"), encoding="utf-8")
    zh.write_text(hub(250, "zh-CN"), encoding="utf-8")
    out_en, out_zh = run("analyze", en).output, run("analyze", zh).output
    assert (
        "  inferred waits skipped: the staff work behind the customer actions is too entangled"
        in out_en
    )
    assert "  未推断等待：顾客行为背后的员工工作过于交错" in out_zh
    j = json.loads(run("analyze", "--format", "json", zh).output)
    assert j["waits_skipped"].startswith("inferred waits skipped:")


def test_the_chinese_excerpt_in_the_docs_is_the_real_report(run, monkeypatch):
    """docs/analysis.md shows parts of a zh-CN report; each part ("  ..." between
    them) is found, whole and in order, in the real output."""
    docs = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    command = "$ blueprint analyze blueprints/restaurant-preorder.yaml\n"
    start = docs.index(command) + len(command)
    shown = docs[start : docs.index("```", start)]
    monkeypatch.chdir(ROOT)
    out = run("analyze", "blueprints/restaurant-preorder.yaml").output
    parts = [p for p in shown.split("  ...\n") if p]
    assert len(parts) == 3 and parts[0].startswith("中餐厅小程序预点餐")
    at = 0
    for part in parts:
        assert part in out[at:], part
        at = out.index(part, at) + len(part)
