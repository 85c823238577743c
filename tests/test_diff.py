"""blueprint diff: pairs of blueprints whose change lists are written by hand.

tests/diff/base.yaml is the old side of every pair; each other file there
changes one thing. The base, in the customer's time (docs/analysis.md):

    walk-in 1m (customer) → greet 1m (front) → check-id 2m (front)
      → print-card 3m (back) → hand-key 1m (front) → take-key 1m (customer, declared wait 3m)

    customer time = actions 1m + 1m
                  + service (front stage between them) 1m + 2m + 1m
                  + waits: the declared 3m replaces the back-stage 3m
                  = 2m + 4m + 3m = 9m = 540 s; tolerance 20m → margin 11m = 660 s
    critical path = every step's duration, one chain: 1+1+2+3+1+1 = 9m = 540 s
    peak–end: the one end take-key (+2) is also the peak: (2 + 2) / 2 = 2
    fail points without recovery: check-id's (declared, no recovery) = 1
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from blueprint import diff as D
from blueprint.diffsource import read_side

HERE = Path(__file__).resolve().parent / "diff"
BASE = "tests/diff/base.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(HERE.parent.parent)


def _json(run, new: str, *more: str) -> tuple[int, dict]:
    r = run("diff", BASE, f"tests/diff/{new}.yaml", "--format", "json", *more)
    return r.exit_code, json.loads(r.output)


def figures(customer, critical, margin, peak_end=2, unrecovered=1, ends=None) -> dict:
    """The old side's figures (module docstring) → the new side's."""
    return {
        "customer_time": {"old": 540, "new": customer, "old_complete": True, "new_complete": True},
        "critical_path": {"old": 540, "new": critical},
        "tolerance": {"old": 1200, "new": 1200},
        "margin": {"old": 660, "new": margin},
        "peak_end_score": {"old": 2, "new": peak_end},
        "ends": ends or [{"step": "take-key", "old": 2, "new": 2}],
        "unrecovered_fail_points": {"old": 1, "new": unrecovered},
        # the five heuristics are off in base.yaml (rules:): nothing is inferred
        "inferred_fail_points": {"old": 0, "new": 0},
    }


def expected(new: str, phases: list, figs: dict, *, worse=(), renamed=(), problems=None) -> dict:
    return {
        "version": 1,
        "old": {"path": BASE, "id": "desk", "title": "Front desk"},
        "new": {"path": f"tests/diff/{new}.yaml", "id": "desk", "title": "Front desk"},
        "changed": True,
        "worse": list(worse),
        "renamed": list(renamed),
        "phases": phases,
        "figures": figs,
        "problems": problems or {"introduced": [], "fixed": []},
    }


def arrive(*changes: dict) -> dict:
    return {"phase": "arrive", "name": "Arrive", "changes": list(changes)}


def leave(*changes: dict) -> dict:
    return {"phase": "leave", "name": "Leave", "changes": list(changes)}


def test_a_step_moved_behind_the_line_of_visibility(run):
    code, got = _json(run, "lane-move")
    # check-id's 2m is now back-stage work inside the declared 3m wait:
    # customer time 2m + (1m + 1m) + 3m = 7m = 420 s; margin 20m - 7m = 13m = 780 s;
    # the critical path keeps every step: 540 s
    assert got == expected(
        "lane-move",
        [
            arrive(
                {
                    "kind": "lane-moved",
                    "step": "check-id",
                    "side": "new",
                    "line": 36,  # its lane: line
                    "old": "frontstage",
                    "new": "backstage",
                    "lines": ["visibility"],
                    "direction": "down",
                    "summary": "'check-id' moved from front-stage actions to back-stage actions: "
                    "moved behind the line of visibility: the customer no longer sees it",
                }
            )
        ],
        figures(420, 540, 780),
    )
    assert code == 1


def test_a_renamed_step_is_one_rename_not_a_removal_and_an_addition(run):
    code, got = _json(run, "rename")
    # same text (1.0), same lane (1), same neighbours {check-id, hand-key} (1.0):
    # 0.5 × 1 + 0.2 × 1 + 0.3 × 1 = 1.0
    rename = {
        "kind": "step-renamed",
        "step": "encode-card",
        "side": "new",
        "line": 44,
        "old_id": "print-card",
        "similarity": 1,
        "summary": "'print-card' renamed to 'encode-card' (similarity 1.0)",
    }
    assert got == expected(
        "rename",
        [arrive(rename)],
        figures(540, 540, 660),
        renamed=[{"old": "print-card", "new": "encode-card", "similarity": 1}],
    )
    assert code == 1


def test_a_resolved_fail_point(run):
    code, got = _json(run, "resolved-fail")
    fixed = {
        "rule": "fail-without-recovery",
        "severity": "warning",
        "message": "fail point at 'check-id' has no recovery: say what staff do when it happens",
        "line": 42,  # base.yaml's fail: key
        "column": 5,
    }
    assert got == expected(
        "resolved-fail",
        [
            arrive(
                {
                    "kind": "fail-resolved",
                    "step": "check-id",
                    "side": "new",
                    "line": 35,
                    "declared": True,
                    "risk": "The wrong guest is checked in",
                    "heuristics": [],
                    "summary": "fail point at 'check-id' resolved (was: The wrong guest is checked in)",
                }
            )
        ],
        figures(540, 540, 660, unrecovered=0),
        problems={"introduced": [], "fixed": [fixed]},
    )
    assert code == 1
    assert run("diff", BASE, "tests/diff/resolved-fail.yaml", "--fail-on", "worse").exit_code == 0


def test_a_filled_wait(run):
    code, got = _json(run, "filled-wait")
    assert got == expected(
        "filled-wait",
        [
            leave(
                {
                    "kind": "wait-filled",
                    "step": "take-key",
                    "side": "new",
                    "line": 65,
                    "fill": "A welcome drink at the desk",
                    "summary": "wait at 'take-key' filled: A welcome drink at the desk",
                }
            )
        ],
        figures(540, 540, 660),
    )
    assert code == 1
    assert run("diff", BASE, "tests/diff/filled-wait.yaml", "--fail-on", "worse").exit_code == 0


def test_a_longer_customer_time_is_worse(run):
    code, got = _json(run, "longer")
    # check-id 2m → 6m: customer time 540 + 240 = 780 s (13m); critical path 780 s;
    # margin 20m - 13m = 7m = 420 s
    assert got == expected(
        "longer",
        [
            arrive(
                {
                    "kind": "duration-changed",
                    "step": "check-id",
                    "side": "new",
                    "line": 40,
                    "old": "2m",
                    "new": "6m",
                    "summary": "'check-id' takes 2m → 6m",
                }
            )
        ],
        figures(780, 780, 420),
        worse=["customer-time"],
    )
    assert code == 1
    assert run("diff", BASE, "tests/diff/longer.yaml", "--fail-on", "worse").exit_code == 1


def test_a_new_end_of_the_journey(run):
    code, got = _json(run, "new-end")
    # review (2m, +1) after take-key: customer time 540 + 120 = 660 s, critical path 660 s,
    # margin 1200 - 660 = 540 s; the new end's peak is take-key (+2): (2 + 1) / 2 = 1.5
    assert got == expected(
        "new-end",
        [
            leave(
                {
                    "kind": "flow-added",
                    "step": "take-key",
                    "side": "new",
                    "line": 66,
                    "target": "review",
                    "flow": "normal",
                    "when": None,
                    "summary": "new flow 'take-key' → 'review'",
                },
                {
                    "kind": "end-removed",
                    "step": "take-key",
                    "side": "new",
                    "line": 58,
                    "emotion": 2,
                    "score": 2,
                    "summary": "the journey no longer ends at 'take-key' (peak–end score was +2)",
                },
                {
                    "kind": "step-added",
                    "step": "review",
                    "side": "new",
                    "line": 67,
                    "lane": "customer",
                    "text": "Rate the stay on the app",
                    "summary": "added customer action 'review': Rate the stay on the app",
                },
                {
                    "kind": "end-added",
                    "step": "review",
                    "side": "new",
                    "line": 67,
                    "emotion": 1,
                    "score": 1.5,
                    "summary": "the journey now ends at 'review' (emotion +1, peak–end score +1.5)",
                },
            )
        ],
        figures(
            660,
            660,
            540,
            peak_end=1.5,
            # the new end first; take-key is no longer an end
            ends=[
                {"step": "review", "old": None, "new": 1.5},
                {"step": "take-key", "old": 2, "new": None},
            ],
        ),
        worse=["customer-time", "peak-end"],
    )
    assert code == 1


def test_a_recovery_loop_gained_recovers_the_fail_point(run):
    code, got = _json(run, "recovery-loop")
    # the flow check-id → greet (kind: recovery) is check-id's recovery: the declared
    # fail points without one go from 1 to 0; the times do not change (loops are not timed)
    assert got == expected(
        "recovery-loop",
        [
            arrive(
                {
                    "kind": "loop-added",
                    "step": "check-id",
                    "side": "new",
                    "line": 43,
                    "target": "greet",
                    "flow": "recovery",
                    "when": "the passport does not match",
                    "summary": "recovery loop gained: 'check-id' → 'greet' "
                    "(when the passport does not match)",
                }
            )
        ],
        figures(540, 540, 660, unrecovered=0),
    )
    assert code == 1
    # and lost again: the reverse diff says so and is worse
    r = run("diff", "tests/diff/recovery-loop.yaml", BASE, "--fail-on", "worse")
    assert "recovery loop lost: 'check-id' → 'greet'" in r.output
    assert r.exit_code == 1


def test_nothing_changed_exits_0_and_says_so(run):
    r = run("diff", BASE, BASE)
    assert r.exit_code == 0
    assert "no change to the service" in r.output
    r = run("diff", BASE, BASE, "--format", "json")
    assert json.loads(r.output)["changed"] is False and json.loads(r.output)["phases"] == []


def test_the_report_order_is_stable_and_by_phase():
    old, _ = read_side(BASE)
    new, _ = read_side("tests/diff/new-end.yaml")
    assert old is not None and new is not None
    a, b = D.compare(old, new), D.compare(old, new)
    assert a.changes == b.changes
    phases = [pid for pid, _, _ in a.by_phase()]
    assert phases == ["leave"]
    # every change's kind has words (no kind falls through to its id)
    from blueprint.report.diff_text import sentence

    for kind in D.KINDS:
        ch = D.Change(kind, "x", None, "new", 1, (("target", "y"),))
        assert sentence(ch, str) != kind


def test_the_rename_threshold_keeps_unrelated_steps_apart():
    old, _ = read_side(BASE)
    new, _ = read_side("tests/diff/rename.yaml")
    assert old is not None and new is not None
    o, n = old.bp.by_id["print-card"], new.bp.by_id["encode-card"]
    # same lane (0.2) and same neighbours (0.3) but nothing of the text in common:
    # 0.5 × 0 + 0.2 + 0.3 = 0.5 < 0.6
    assert D.similarity(o, n, {"a"}, {"a"}, text=0.0) == pytest.approx(0.5)
    assert D.similarity(o, n, {"a"}, {"a"}, text=0.0) < D.RENAME_THRESHOLD


def test_markdown_escapes_blueprint_text(run, tmp_path):
    new = tmp_path / "new.yaml"
    text = (HERE / "filled-wait.yaml").read_text(encoding="utf-8")
    new.write_text(text.replace("A welcome drink at the desk", "A *free* drink | <b>"), "utf-8")
    r = run("diff", BASE, str(new), "--format", "markdown")
    assert r.exit_code == 1
    assert "A \\*free\\* drink \\| \\<b\\>" in r.output
    assert r.output.startswith("<!-- blueprint-diff -->\n## What this change does to the service")


def test_github_annotations_point_at_the_changed_lines_of_new(run):
    r = run("diff", BASE, "tests/diff/longer.yaml", "--format", "github")
    assert r.exit_code == 1
    assert r.output.splitlines()[0] == (
        "::notice file=tests/diff/longer.yaml,line=40,title=blueprint diff duration-changed::"
        "'check-id' takes 2m → 6m"
    )


def test_usage_errors_exit_2(run, tmp_path):
    assert run("diff", BASE).exit_code == 2
    assert run("diff", BASE, "tests/diff/nope.yaml").exit_code == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("blueprint: 1\nid: x\nsteps: 3\n", encoding="utf-8")
    r = run("diff", BASE, str(broken))
    assert r.exit_code == 2
    assert "cannot be compared" in r.output


def test_textconv_prints_a_canonical_summary_of_one_file(run, tmp_path):
    r = run("diff", "--textconv", BASE)
    assert r.exit_code == 0
    assert "check-id [front-stage actions] Check the passport" in r.output
    assert "customer time: 9m" in r.output  # 540 s (module docstring)
    # comments and key order do not change it
    moved = tmp_path / "base.yaml"
    moved.write_text("# another comment\n" + (HERE / "base.yaml").read_text("utf-8"), "utf-8")
    assert run("diff", "--textconv", str(moved)).output == r.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("steps: [\n", encoding="utf-8")
    r = run("diff", "--textconv", str(broken))
    assert r.exit_code == 0 and "does not load" in r.output


@pytest.fixture
def repo(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    (tmp_path / "blueprints").mkdir()
    shutil.copy(HERE / "base.yaml", tmp_path / "blueprints" / "desk.yaml")
    git("add", ".")
    git("commit", "-q", "-m", "as-is")
    shutil.copy(HERE / "longer.yaml", tmp_path / "blueprints" / "desk.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_side_read_from_git(run, repo):
    r = run("diff", "HEAD:blueprints/desk.yaml", "blueprints/desk.yaml", "--format", "json")
    assert r.exit_code == 1, r.output
    got = json.loads(r.output)
    assert got["old"]["path"] == "HEAD:blueprints/desk.yaml"
    assert got["figures"]["customer_time"] == {
        "old": 540,
        "new": 780,
        "old_complete": True,
        "new_complete": True,
    }
    assert run("diff", "NOPE:blueprints/desk.yaml", "blueprints/desk.yaml").exit_code == 2


def test_git_mode_compares_every_changed_blueprint(run, repo):
    r = run("diff", "--git", "HEAD")
    assert r.exit_code == 1, r.output
    assert "HEAD:blueprints/desk.yaml → blueprints/desk.yaml" in r.output
    assert "'check-id' takes 2m → 6m" in r.output
    # a new blueprint (added to git) is named, and --git's JSON is always a list
    shutil.copy(HERE / "base.yaml", repo / "blueprints" / "front.yaml")
    subprocess.run(["git", "-C", str(repo), "add", "blueprints/front.yaml"], check=True)
    r = run("diff", "--git", "HEAD", "--format", "json")
    assert r.exit_code == 1
    got = json.loads(r.output)
    assert [(d["old"]["path"] if d["old"] else None, d["new"]["path"]) for d in got] == [
        ("HEAD:blueprints/desk.yaml", "blueprints/desk.yaml"),
        (None, "blueprints/front.yaml"),
    ]
    assert got[1] == {
        "version": 1,
        "old": None,
        "new": {"path": "blueprints/front.yaml"},
        "changed": True,
        "note": "added",
    }
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=t@example.org", "-c", "user.name=t"]
        + ["commit", "-qam", "to-be"],
        check=True,
    )
    r = run("diff", "--git", "HEAD")
    assert r.exit_code == 0 and r.output == ""
    assert json.loads(run("diff", "--git", "HEAD", "--format", "json").output) == []


# --- the change drawing --------------------------------------------------------------------


def _dot_line(dot: str, step: str) -> str:
    return next(line for line in dot.splitlines() if f'[id="step:{step}"' in line)


def test_render_diff_marks_added_changed_and_removed_steps(run):
    # new-end.yaml → base.yaml: review is removed (a ghost), take-key keeps its place
    r = run("render", BASE, "--diff", "tests/diff/new-end.yaml", "--format", "dot", "-o", "-")
    assert r.exit_code == 0, r.output
    ghost = _dot_line(r.output, "review")
    assert 'style="rounded,filled,dotted"' in ghost and "Rate the stay" in ghost
    assert '"take-key" -> "review"' in r.output  # the removed flow is drawn, dotted
    assert "- removed" in r.output and "Changes" in r.output  # the tag and the legend
    assert "(6 steps)" in r.output  # the title counts base.yaml's six, not the ghost
    # base.yaml → new-end.yaml: review is new (bold), no ghost
    r = run("render", "tests/diff/new-end.yaml", "--diff", BASE, "--format", "dot", "-o", "-")
    assert 'style="rounded,filled,bold"' in _dot_line(r.output, "review")
    card = next(x for x in r.output.splitlines() if x.startswith('  "evidence:review"'))
    assert 'style="bold,filled"' in card  # its evidence card is new too
    # base.yaml → longer.yaml: check-id changed (dashed), in mono too, with its tag
    r = run(
        "render",
        "tests/diff/longer.yaml",
        "--diff",
        BASE,
        "--theme",
        "mono",
        "--format",
        "dot",
        "-o",
        "-",
    )
    line = _dot_line(r.output, "check-id")
    assert 'style="rounded,filled,dashed"' in line and 'color="#000000"' in line
    assert "~ changed" in r.output


def test_the_change_drawing_speaks_the_blueprints_language(run):
    r = run(
        "render",
        "blueprints/hotel-checkin-zh-to-be.yaml",
        "--diff",
        "blueprints/hotel-checkin-zh-as-is.yaml",
        "--format",
        "dot",
        "-o",
        "-",
    )
    assert r.exit_code == 0
    for word in ("变更", "+ 新增", "~ 修改", "- 删除", "+ 新增步骤", "- 删除的流程"):
        assert word in r.output, word
    assert "Changes" not in r.output


def test_render_without_diff_is_unchanged_by_the_hooks(run):
    from blueprint import render as rnd
    from blueprint.lint import check_file
    from blueprint.render.dot import to_dot
    from blueprint.render.layout import layout

    res = check_file(BASE)
    plain = rnd.diagram_dot(res.blueprint, res.analysis)
    assert to_dot(layout(res.blueprint, res.analysis), decor=None) == plain
    assert run("render", BASE, "--format", "dot", "-o", "-").output == plain


def test_render_diff_with_a_missing_old_side_exits_2(run):
    r = run("render", BASE, "--diff", "tests/diff/nope.yaml", "--format", "dot", "-o", "-")
    assert r.exit_code == 2


# --- replaces: and the comparison page of build -------------------------------------------


@pytest.mark.dot
def test_build_adds_a_comparison_page_for_a_to_be_that_names_its_as_is(run, tmp_path):
    folder = tmp_path / "bp"
    (folder / "as-is").mkdir(parents=True)
    shutil.copy(HERE / "base.yaml", folder / "as-is" / "desk.yaml")
    text = (HERE / "longer.yaml").read_text("utf-8")
    (folder / "desk.yaml").write_text(
        text.replace("tolerance: 20m\n", "tolerance: 20m\nreplaces: as-is/desk.yaml\n"), "utf-8"
    )
    site = tmp_path / "site"
    r = run("build", str(folder / "desk.yaml"), "-o", str(site))
    assert r.exit_code == 0, r.output
    page = (site / "desk" / "comparison.html").read_text("utf-8")
    assert "&#x27;check-id&#x27; takes 2m → 6m" in page
    assert "The service got worse: the customer&#x27;s time is longer." in page
    assert (site / "desk" / "comparison.svg").read_bytes().startswith(b"<?xml")
    md = (site / "desk" / "comparison.md").read_text("utf-8")
    old, new = str(folder / "as-is" / "desk.yaml"), str(folder / "desk.yaml")
    assert md == run("diff", old, new, "--format", "markdown").output

    # the as-is alone is edited: the next build redoes the comparison (a cache never lies)
    as_is = folder / "as-is" / "desk.yaml"
    as_is.write_text(as_is.read_text("utf-8").replace("duration: 2m", "duration: 6m"), "utf-8")
    assert "duration: 6m" in as_is.read_text("utf-8")
    r = run("build", str(folder / "desk.yaml"), "-o", str(site))
    assert r.exit_code == 0, r.output
    md = (site / "desk" / "comparison.md").read_text("utf-8")
    assert md == run("diff", old, new, "--format", "markdown").output
    assert "2m → 6m" not in (site / "desk" / "comparison.html").read_text("utf-8")


def test_a_replaces_that_names_no_file_is_said_on_the_page(tmp_path):
    from blueprint.comparison import add_comparison
    from blueprint.lint import check_file

    path = tmp_path / "desk.yaml"
    path.write_text(
        (HERE / "base.yaml")
        .read_text("utf-8")
        .replace("tolerance: 20m\n", "tolerance: 20m\nreplaces: gone.yaml\n"),
        "utf-8",
    )
    written: dict[str, object] = {}
    add_comparison(str(path), check_file(str(path)), None, written.__setitem__)
    assert list(written) == ["comparison.html"]
    assert "gone.yaml: no such file" in str(written["comparison.html"])
    # no replaces: nothing is written
    written.clear()
    add_comparison(BASE, check_file(BASE), None, written.__setitem__)
    assert written == {}


def test_the_worked_example_in_the_docs_is_what_diff_prints(run):
    doc = (HERE.parent.parent / "docs" / "diff.md").read_text(encoding="utf-8")
    shown = doc.split("```markdown\n", 1)[1].split("```\n", 1)[0]
    r = run(
        "diff",
        "blueprints/hotel-checkin-as-is.yaml",
        "blueprints/hotel-checkin-to-be.yaml",
        "--format",
        "markdown",
    )
    assert r.exit_code == 1
    assert r.output == shown


def test_the_report_speaks_the_new_blueprints_language(run):
    args = ("blueprints/hotel-checkin-zh-as-is.yaml", "blueprints/hotel-checkin-zh-to-be.yaml")
    r = run("diff", *args)
    assert r.exit_code == 1
    # find-room moved from the front stage to the back stage: across the line of visibility
    assert (
        "'find-room' 从前台员工行为移到后台员工行为：移到可视分界线之后：顾客不再看到" in r.output
    )
    assert "服务指标（原 → 新）" in r.output
    md = run("diff", *args, "--format", "markdown").output
    assert "## 这次修改对服务的影响" in md and "| 指标 | 修改前 | 修改后 | 变化 |" in md
    # the JSON's summaries stay English
    got = json.loads(run("diff", *args, "--format", "json").output)
    summaries = [c["summary"] for p in got["phases"] for c in p["changes"]]
    assert (
        "'find-room' moved from front-stage actions to back-stage actions: moved behind "
        "the line of visibility: the customer no longer sees it" in summaries
    )


def test_a_markdown_report_too_long_for_a_comment_lists_fewer_changes():
    from blueprint.report.diff_markdown import markdown

    old, _ = read_side("blueprints/hotel-checkin-as-is.yaml")
    new, _ = read_side("blueprints/hotel-checkin-to-be.yaml")
    assert old is not None and new is not None
    d = D.compare(old, new)
    whole = markdown([d])
    assert "more changes in this phase" not in whole
    cut = markdown([d], limit=len(whole) - 1)
    assert len(cut) < len(whole)
    assert "more changes in this phase (the whole report: blueprint diff)" in cut
    # the figures stay whole
    assert whole[whole.index("| figure |") :] == cut[cut.index("| figure |") :]
