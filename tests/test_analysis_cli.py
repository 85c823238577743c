"""`blueprint analyze`: the text report, the JSON, exit codes, every example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blueprint.textwidth import display_width

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "blueprints").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_analyses(run, path):
    r = run("analyze", path)
    assert r.exit_code == 0, r.output
    j = run("analyze", "--format", "json", path)
    assert j.exit_code == 0
    doc = json.loads(j.output)
    # the report speaks the blueprint's locale (tests/test_analysis_i18n.py)
    titles = {"zh-CN": ("失误点：", "时间\n", "结构\n"), "zh-TW": ("失誤點：", "時間\n", "結構\n")}
    assert all(
        f"\n{t}" in r.output
        for t in titles.get(doc["locale"], ("Fail points:", "Timing\n", "Shape\n"))
    )
    assert doc["version"] == 1 and doc["id"]
    ids = {s["id"] for s in doc["steps"]}
    for f in doc["fail_points"]:
        assert f["step"] in ids
    for w in doc["wait_points"]:
        assert w["step"] in ids and set(w["path"]) <= ids


def test_shoeshine_report_shows_the_fail_point_the_critical_path_and_the_margin(run):
    r = run("analyze", ROOT / "blueprints" / "shoeshine.yaml")
    out = r.output
    assert r.exit_code == 0
    assert "declared: Polish of the wrong colour (likelihood low, severity high)" in out
    crit = next(ln for ln in out.splitlines() if ln.strip().startswith("critical path"))
    assert crit.split()[2] == "2m" and "brush → polish → buff" in crit
    tol = next(ln for ln in out.splitlines() if ln.strip().startswith("tolerance"))
    assert tol.split()[1:] == ["5m", "margin", "3m"]
    polish = next(ln for ln in out.splitlines() if " polish " in ln and "Apply polish" in ln)
    assert polish.split()[0] == "67:5"


def test_json_is_stable_and_documented(run):
    path = ROOT / "blueprints" / "shoeshine.yaml"
    a = run("analyze", "--format", "json", path).output
    b = run("analyze", "--format", "json", path).output
    assert a == b
    doc = json.loads(a)
    assert list(doc) == [
        "version",
        "path",
        "id",
        "title",
        "locale",
        "heuristics",
        "fail_points",
        "wait_points",
        "waits_skipped",
        "moments",
        "timing",
        "needs",
        "known",
        "servqual",
        "shape",
        "steps",
    ]
    assert doc["waits_skipped"] is None
    polish = next(f for f in doc["fail_points"] if f["step"] == "polish")
    assert polish["declared"] and polish["risk"] == "Polish of the wrong colour"
    assert (polish["line"], polish["column"]) == (67, 5)
    t = doc["timing"]
    assert t["critical_path"]["seconds"] == 120 and t["tolerance"] == 300 and t["margin"] == 180
    assert t["customer"]["total"] == 120 and t["over_tolerance"] is False
    assert doc["moments"]["peak_end_score"] == 1.5
    # every key documented in docs/analysis.md
    docs = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")

    def keys(x, prefix=""):
        if isinstance(x, dict):
            for k, v in x.items():
                if (
                    prefix.endswith("heuristics.")
                    or prefix.endswith("lanes.")
                    or prefix.endswith("phases.")
                    or prefix.endswith("crossings.")
                ):
                    continue
                yield k
                yield from keys(v, prefix + k + ".")
        elif isinstance(x, list):
            for v in x:
                yield from keys(v, prefix)

    for k in set(keys(doc)):
        assert f"`{k}`" in docs, f"JSON key {k!r} is not documented in docs/analysis.md"


CHINESE = """\
blueprint: 1
id: tea
title: 茶馆
locale: zh-CN
tolerance: 30m
steps:
  - {id: enter, lane: customer, text: 进门找座位, evidence: [招牌], emotion: 1, next: [greet]}
  - {id: greet, lane: frontstage, text: 问候并引座, duration: 30s, next: [brew]}
  - {id: brew, lane: backstage, text: 烧水泡茶, duration: 5m, next: [serve]}
  - {id: serve, lane: frontstage, text: 上茶, duration: 30s, next: [drink]}
  - {id: drink, lane: customer, text: 喝茶聊天, evidence: [茶具], emotion: 2}
"""


def test_chinese_blueprint_columns_align_by_display_width(run, write):
    r = run("analyze", write(CHINESE))
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    start = lines.index(next(ln for ln in lines if ln.startswith("峰值与终点")))
    rows = [
        ln
        for ln in lines[start + 1 :]
        if ln.startswith(("  峰值 ", "  最佳 ", "  最差 ", "  终点 "))
    ]
    assert len(rows) == 4
    # the emotion column starts at the same display column on every row
    cols = set()
    for ln in rows:
        cut = ln.index(" +")
        cols.add(display_width(ln[:cut]))
    assert len(cols) == 1, rows
    assert "喝茶聊天" in r.output


def test_errors_are_printed_as_check_prints_them_and_exit_1(run, write):
    path = write(
        "blueprint: 1\nid: x\ntitle: X\nsteps:\n  - {id: a, lane: customer, text: A, next: [zz]}\n"
    )
    r = run("analyze", path)
    assert r.exit_code == 1
    assert f"{path}:5:" in r.output and "[unknown-step]" in r.output
    assert "Fail points" not in r.output
    j = run("analyze", "--format", "json", path)
    assert j.exit_code == 1 and json.loads(j.output)["summary"]["errors"] >= 1


def test_usage_errors_exit_2(run, tmp_path):
    assert run("analyze", tmp_path / "nope.yaml").exit_code == 2
    assert run("analyze", tmp_path).exit_code == 2
    assert run("analyze").exit_code == 2
    assert run("analyze", "--format", "xml", ROOT / "blueprints" / "shoeshine.yaml").exit_code == 2


def test_project_configuration_turns_a_heuristic_off(run, tmp_path):
    (tmp_path / "blueprint.toml").write_text('[rules]\nhandoff-visibility = "off"\n')
    src = (ROOT / "blueprints" / "shoeshine.yaml").read_text(encoding="utf-8")
    path = tmp_path / "shoeshine.yaml"
    path.write_text(src, encoding="utf-8")
    out = run("analyze", path).output
    assert "- handoff-visibility:" not in out
    assert "heuristics turned off for this blueprint: handoff-visibility" in out
    doc = json.loads(run("analyze", "--format", "json", path).output)
    assert doc["heuristics"]["handoff-visibility"]["off"] is True
    assert all(
        "handoff-visibility" not in [i["heuristic"] for i in f["inferred"]]
        for f in doc["fail_points"]
    )


def test_blueprint_rules_accept_heuristic_ids(run, write):
    path = write(
        CHINESE.replace(
            "tolerance: 30m\n",
            "tolerance: 30m\nrules: {handoff-visibility: off, parallel-join: off}\n",
        )
    )
    r = run("check", path)
    assert "unknown-rule" not in r.output
    assert run("analyze", path).exit_code == 0


def test_the_report_in_the_docs_is_the_real_one(run, monkeypatch):
    """docs/analysis.md shows the shoeshine report in full: it must not drift."""
    docs = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    start = docs.index("$ blueprint analyze blueprints/shoeshine.yaml\n") + len(
        "$ blueprint analyze blueprints/shoeshine.yaml\n"
    )
    shown = docs[start : docs.index("```", start)]
    monkeypatch.chdir(ROOT)
    assert run("analyze", "blueprints/shoeshine.yaml").output == shown
