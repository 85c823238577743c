"""Broken and hostile input: every file gives one-line problems at a line and
column, and an exit code; nothing crashes, hangs or prints a traceback.

The committed corpus is tests/bad/, with its expectations in
tests/bad/expected.txt (``file rule line:col exit``). Cases that cannot be
committed (huge, generated, or about the file system) are built here in a
temporary folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from blueprint import lint, load
from blueprint.config import Config

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad"
MANIFEST = BAD / "expected.txt"
PROBLEM = re.compile(
    r"^(?P<path>.+?):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?:error|warning|info) \S.* \[[a-z][a-z0-9-]*\]$"
)
SUMMARY = re.compile(r"^\d+ files? checked: ")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def manifest() -> list[tuple[str, str, int, int, int]]:
    out = []
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, rule, pos, code = line.split()
        ln, col = pos.split(":")
        out.append((name, rule, int(ln), int(col), int(code)))
    return out


ENTRIES = manifest()


@pytest.fixture
def no_config(tmp_path):
    """An empty configuration, so that no blueprint.toml found upward changes the outcome."""
    cfg = tmp_path / "blueprint.toml"
    cfg.write_text("")
    return cfg


def assert_clean_report(output: str) -> list[str]:
    """Every line is a problem line or the summary; returns the problem lines."""
    assert "Traceback" not in output
    assert "internal error" not in output
    assert not CONTROL.search(output.replace("\n", "")), "a control character reached the terminal"
    lines = [line for line in output.splitlines() if line.strip()]
    problems = [line for line in lines if not SUMMARY.match(line)]
    for line in problems:
        assert PROBLEM.match(line), f"not a problem line: {line!r}"
    return problems


def test_corpus_is_large_and_listed():
    files = sorted(p.name for p in BAD.iterdir() if p.name != MANIFEST.name)
    listed = [e[0] for e in ENTRIES]
    assert len(listed) == len(set(listed)), "a file is listed twice in tests/bad/expected.txt"
    assert sorted(listed) == files, "tests/bad/expected.txt and the files in tests/bad/ differ"
    assert len(files) >= 40


@pytest.mark.parametrize(
    ("name", "rule", "line", "col", "code"), ENTRIES, ids=[e[0] for e in ENTRIES]
)
def test_bad_file(run, no_config, name, rule, line, col, code):
    path = BAD / name
    r = run("check", "--format", "text", "--config", no_config, path)
    problems = assert_clean_report(r.output)
    assert r.exit_code == code, r.output
    wanted = [
        p for p in problems if p.startswith(f"{path}:{line}:{col}: ") and p.endswith(f" [{rule}]")
    ]
    assert wanted, f"expected {path}:{line}:{col}: ... [{rule}], got:\n{r.output}"
    assert all(p.startswith(f"{path}:") for p in problems)


def test_whole_corpus_in_a_real_process():
    """The real command on the folder: no traceback on stderr, one line per problem, exit 1."""
    r = subprocess.run(
        [sys.executable, "-m", "blueprint", "check", "--format", "text", str(BAD)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert r.returncode == 1
    assert r.stderr == ""
    problems = assert_clean_report(r.stdout)
    named = {PROBLEM.match(p)["path"] for p in problems}
    assert named == {str(BAD / e[0]) for e in ENTRIES}
    assert r.stdout.splitlines()[-1].startswith(f"{len(ENTRIES)} files checked: ")


# --- generated cases ------------------------------------------------------------------


def steps_yaml(n: int) -> str:
    """A valid blueprint: n steps in a chain through the customer, front-stage and
    back-stage lanes, a support process feeding it, and a last customer action."""
    lanes = ("customer", "frontstage", "backstage", "frontstage")
    out = ["blueprint: 1", "id: big", "title: A service of many steps", "steps:"]
    for i in range(n):
        out.append(f"  - id: s{i}\n    lane: {lanes[i % 4]}\n    text: Step {i}")
        if lanes[i % 4] == "customer":
            out.append("    evidence: [Sign]")
        out.append(f"    next: [s{i + 1}]" if i < n - 1 else "    next: [leave]")
    out.append("  - id: stock\n    lane: support\n    text: Keep stock\n    next: [s2]")
    out.append("  - id: leave\n    lane: customer\n    text: Leave")
    return "\n".join(out) + "\n"


@pytest.mark.slow
def test_100000_steps(tmp_path):
    """100,000 steps are checked in one run, through every stage (each is linear
    in the steps; the time is measured in benchmarks/scaling.py, not here). The
    one problem is on the very last step, 400,000 lines down."""
    n = 100_000
    assert n % 4 == 0  # so the step before 'leave' is a front-stage step
    text = steps_yaml(n)
    path = tmp_path / "big.yaml"
    path.write_text(text)
    line = text.count("\n", 0, text.index("  - id: leave")) + 1
    res = lint.check_file(str(path), Config())
    assert res.loaded
    assert [(p.rule, p.line, p.col) for p in res.problems] == [("missing-evidence", line, 5)]
    assert len(res.blueprint.steps) == n + 2


def test_steps_yaml_is_clean_but_for_the_last_evidence(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(steps_yaml(8))
    res = lint.check_file(str(path), Config())
    assert [p.rule for p in res.problems] == ["missing-evidence"]


def test_1mb_label(run, no_config, tmp_path):
    path = tmp_path / "label.yaml"
    path.write_text(
        "blueprint: 1\nid: big-label\ntitle: " + "火" * 1_000_000 + "\nsteps:\n"
        "  - id: a\n    lane: customr\n    text: A\n",
        encoding="utf-8",
    )
    r = run("check", "--format", "text", "--config", no_config, path)
    problems = assert_clean_report(r.output)
    assert r.exit_code == 1
    assert [p.split(": ", 1)[0] for p in problems] == [f"{path}:6:11"]
    assert len(r.output) < 1000, "the huge value is not echoed back"


def test_huge_value_is_shortened_in_messages(run, no_config, tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(
        "blueprint: 1\nid: x\ntitle: X\nstatus: " + "x" * 100_000 + "\nsteps:\n"
        "  - id: a\n    lane: customer\n    text: A\n"
    )
    r = run("check", "--format", "text", "--config", no_config, path)
    assert r.exit_code == 1
    assert f"{path}:4:9: error status is 'xxx" in r.output
    assert len(r.output) < 1000


def test_huge_ids_and_keys_are_shortened_in_messages(run, no_config, tmp_path):
    big = "a" * 100_000
    path = tmp_path / "ids.yaml"
    path.write_text(
        f"blueprint: 1\nid: x\ntitle: X\nsteps:\n  - id: s\n    lane: customer\n    text: A\n"
        f"    phase: {big}\n    ? {big}\n    : 1\n"
    )
    r = run("check", "--format", "text", "--config", no_config, path)
    problems = assert_clean_report(r.output)
    assert [p.split(": error ")[0] for p in problems] == [f"{path}:8:12", f"{path}:9:7"]
    assert all(len(p) < len(str(path)) + 200 for p in problems), problems
    assert "'" + "a" * 59 + "…'" in problems[0]


def test_file_name_with_a_line_break_cannot_forge_a_problem_line(run, no_config, tmp_path):
    name = "a\nforged.yaml:1:1: error fake [yaml-syntax]\n\x1b[2J.yaml"
    path = tmp_path / name
    path.write_bytes((BAD / "unknown-step.yaml").read_bytes())
    r = run("check", "--format", "text", "--config", no_config, tmp_path)
    problems = assert_clean_report(r.output)
    assert problems == [
        f"{tmp_path}/a\\x0aforged.yaml:1:1: error fake [yaml-syntax]\\x0a\\x1b[2J.yaml:9:12: "
        "error step 'a' flows to unknown step 'b' [unknown-step]"
    ]


def test_folder_named_like_a_blueprint(run, no_config, tmp_path):
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    r = run("check", "--format", "text", "--config", no_config, folder)
    assert assert_clean_report(r.output) == [
        f"{folder}:1:1: error is a folder, not a file [file-unreadable]"
    ]
    assert r.exit_code == 1


def test_folder_named_like_a_blueprint_inside_a_folder_is_skipped(run, no_config, tmp_path):
    (tmp_path / "x.yaml").mkdir()
    (tmp_path / "ok.yaml").write_text(
        (ROOT / "tests" / "rules" / "empty-lane.pass.yaml").read_text()
    )
    r = run("check", "--format", "text", "--config", no_config, tmp_path)
    assert r.exit_code == 0, r.output
    assert r.output == "1 file checked: no problems\n"


def test_missing_file_is_a_usage_error(run, no_config, tmp_path):
    r = run("check", "--format", "text", "--config", no_config, tmp_path / "nope.yaml")
    assert r.exit_code == 2
    assert assert_clean_report(r.output) == [
        f"{tmp_path / 'nope.yaml'}:1:1: error no such file or folder [file-unreadable]"
    ]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="running as root: chmod 000 does not stop root from reading "
    "(test_unreadable_file_simulated covers the refusal)",
)
def test_unreadable_file_chmod(run, no_config, tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text("blueprint: 1\n")
    path.chmod(0)
    try:
        r = run("check", "--format", "text", "--config", no_config, path)
    finally:
        path.chmod(0o644)
    assert r.exit_code == 1
    assert assert_clean_report(r.output) == [
        f"{path}:1:1: error cannot read the file: Permission denied [file-unreadable]"
    ]


def test_unreadable_file_simulated(run, no_config, tmp_path, monkeypatch):
    """The same refusal, simulated, so that it is tested when running as root too."""
    path = tmp_path / "secret.yaml"
    path.write_text("blueprint: 1\n")
    real_open = open

    def deny(file, *args, **kw):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kw)

    monkeypatch.setattr("builtins.open", deny)
    r = run("check", "--format", "text", "--config", no_config, path)
    assert r.exit_code == 1
    assert assert_clean_report(r.output) == [
        f"{path}:1:1: error cannot read the file: Permission denied [file-unreadable]"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_named_pipe_is_refused_without_blocking(run, no_config, tmp_path):
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    r = run("check", "--format", "text", "--config", no_config, path)
    assert r.exit_code == 1
    assert assert_clean_report(r.output) == [
        f"{path}:1:1: error is not a regular file (a pipe, socket or device) [file-unreadable]"
    ]


def test_symlink_loop_and_dangling_symlink(run, no_config, tmp_path):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "gone.yaml")
    r = run("check", "--format", "text", "--config", no_config, loop, dangling)
    assert r.exit_code == 1
    problems = assert_clean_report(r.output)
    assert [p.split(": error ")[0] for p in problems] == [f"{loop}:1:1", f"{dangling}:1:1"]
    assert all(p.endswith("[file-unreadable]") for p in problems)


def test_file_too_large(run, no_config, tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:
        fh.truncate(load.MAX_FILE_BYTES + 1)  # sparse: takes no disk space
    r = run("check", "--format", "text", "--config", no_config, path)
    assert r.exit_code == 1
    assert assert_clean_report(r.output) == [
        f"{path}:1:1: error file is 20.0 MiB; the limit is 20 MiB [file-too-large]"
    ]


def test_nul_byte_after_the_first_8_kib(run, no_config, tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"blueprint: 1\nid: x\ntitle: X\ndescription: " + b"a" * 9000 + b"\x00\n")
    r = run("check", "--format", "text", "--config", no_config, path)
    assert r.exit_code == 1
    assert assert_clean_report(r.output) == [
        f"{path}:4:9014: error YAML syntax: control characters are not allowed [yaml-syntax]"
    ]


# --- the limits, at their boundaries -------------------------------------------------------


def nested(depth: int) -> str:
    """A blueprint whose deepest value sits at ``depth`` levels (the top mapping is level 1)."""
    return "description: " + "[" * (depth - 2) + "x" + "]" * (depth - 2) + "\n"


def test_nesting_limit_boundary():
    assert load.MAX_DEPTH == 64
    doc, problems = load.parse_yaml(nested(64), "f.yaml")
    assert problems == [] and doc.data is not None
    doc, problems = load.parse_yaml(nested(65), "f.yaml")
    assert [(p.rule, p.line, p.col) for p in problems] == [("too-deep", 1, 14 + 63)]


@pytest.mark.parametrize("depth", [100_000, 2_000, 999])
def test_very_deep_nesting_is_refused_quickly(depth):
    """100,000 levels would overflow a recursive reader. Whichever notices first, our limit
    (level 65) or libyaml's own (1,000 levels, PyYAML 6.0.4 and newer), the user gets one
    `too-deep` problem on line 1, at or after the 65th bracket, and no document."""
    text = "a: " + "[" * depth + "]" * depth + "\n"
    doc, problems = load.parse_yaml(text, "f.yaml")
    assert [(p.rule, p.line, p.severity) for p in problems] == [("too-deep", 1, "error")]
    assert 3 + 64 <= problems[0].col <= len(text)
    assert problems[0].message == "nesting deeper than 64 levels"
    assert doc.data is None


def test_alias_budget_boundary():
    """Aliases may expand up to the budget (100,000 values for small files), not beyond."""
    anchor = "a: &a [" + ", ".join(["x"] * 999) + "]\n"  # 1,000 values with the list itself
    for uses, ok in ((98, True), (100, False)):
        doc, problems = load.parse_yaml(
            anchor + "b: [" + ", ".join(["*a"] * uses) + "]\n", "f.yaml"
        )
        assert (problems == []) is ok, (uses, problems)
        if not ok:
            assert [p.rule for p in problems] == ["alias-limit"]
            assert "100,000" in problems[0].message


def test_alias_budget_grows_with_the_file():
    """A big file may use aliases in proportion: ten values per four bytes written."""
    budget = load._Composer(load.Document("f"), [], 2_000_000).budget
    assert budget == 2_000_000 * load.MAX_NODES_FACTOR // 4


def test_aliases_are_shared_not_copied():
    doc, problems = load.parse_yaml("a: &a [1, 2]\nb: *a\nc: *a\n", "f.yaml")
    assert problems == []
    assert doc.data == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


def test_no_python_object_is_ever_built(tmp_path):
    """Tags name no constructor: the value stays plain text, and the tag is reported."""
    marker = tmp_path / "pwned"
    doc, problems = load.parse_yaml(
        f"a: !!python/object/apply:os.system ['touch {marker}']\n", "f.yaml"
    )
    assert not marker.exists()
    assert [p.rule for p in problems] == ["yaml-tag"]
    assert doc.data == {"a": [f"touch {marker}"]}


def test_tab_inside_a_block_scalar_is_fine():
    doc, problems = load.parse_yaml("a: |\n  x\n  \ty\nb: [1,\n\t2]\n", "f.yaml")
    assert problems == []
    assert doc.data == {"a": "x\n\ty\n", "b": [1, 2]}


def test_line_separators_do_not_shift_lines():
    doc, problems = load.parse_yaml('a: x\u2028y\nb: "p\u2029q"\nc: z\x85w\nd: 1\n', "f.yaml")
    assert problems == []
    assert doc.data == {"a": "x\u2028y", "b": "p\u2029q", "c": "z\x85w", "d": 1}
    assert doc.values[("d",)] == load.Pos(4, 4)


def test_keys_are_text_as_written():
    doc, problems = load.parse_yaml("1: a\ntrue: b\nnull: c\n1.0: d\n", "f.yaml")
    assert problems == []
    assert doc.data == {"1": "a", "true": "b", "null": "c", "1.0": "d"}


# --- numbers that are not finite, and positions with every kind of line end --------

ONE_STEP = "blueprint: 1\nid: bad\ntitle: Bad\n{top}steps:\n  - id: a\n    lane: customer\n    text: A\n    evidence: [Door]\n{step}"


@pytest.mark.parametrize(
    ("top", "step", "line", "col"),
    [
        # emotion is on line 9, its value after "    emotion: " (13 characters): 9:14
        ("", "    emotion: .inf\n", 9, 14),
        ("", "    emotion: -.inf\n", 9, 14),
        ("", "    emotion: .NaN\n", 9, 14),
        ("", "    emotion: 1e999\n", 9, 14),
        ("", "    emotion: -1" + "0" * 400 + "\n", 9, 14),
        ("", "    emotion: !!int " + "7" * 5001 + "\n", 9, 14),
        ("", "    emotion: 0o" + "7" * 5000 + "\n", 9, 14),
        # a top-level key is on line 4, its value after "tolerance: " (11 characters): 4:12
        ("tolerance: " + "9" * 5001 + "\n", "", 4, 12),
        ("version: .inf\n", "", 4, 10),  # "version: " is 9 characters
        ("version: " + "1" * 400 + ".5\n", "", 4, 10),  # a float past 1.8e308
    ],
)
@pytest.mark.parametrize("command", ["check", "analyze", "render", "script"])
def test_numbers_that_are_not_finite(
    run, no_config, write, tmp_path, top, step, line, col, command
):
    """.inf, .nan, 1e999 and integers of thousands of digits: one schema problem at
    the value, in every command (they were an internal OverflowError or ValueError)."""
    path = write(ONE_STEP.format(top=top, step=step))
    extra = ["-o", str(tmp_path / "out.svg")] if command == "render" else []
    r = run(command, path, *extra)
    assert "internal error" not in r.output and "Traceback" not in r.output
    assert r.exit_code == 1, r.output
    lines = [ln for ln in r.output.splitlines() if ln.startswith(f"{path}:")]
    assert lines == [lines[0]] and lines[0].startswith(f"{path}:{line}:{col}: error ")
    assert lines[0].endswith("[wrong-type]")
    assert len(lines[0]) < 300


def test_a_large_integer_that_fits_keeps_its_value():
    """Up to 1.8e308 an integer is exact (it is compared with the range, not rounded);
    past it, it is infinity, as a float would be."""
    doc, problems = load.parse_yaml(
        "a: 123456789012345678901234567890\nb: 0x10\nc: -" + "9" * 309 + "\n", "x"
    )
    assert not problems
    # 0x10 = 16; 309 nines are about 1e309, past the largest float (1.8e308)
    assert doc.data == {"a": 123456789012345678901234567890, "b": 16, "c": float("-inf")}
    assert doc.numbers[("c",)] == "-" + "9" * 309


def _lines(ending: str, *lines: str) -> bytes:
    return ending.join(lines).encode("utf-8") + ending.encode("utf-8")


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize(
    ("third_line", "rule", "col"),
    [
        # "title: Bad " is 11 characters: the stray byte is column 12
        (b"title: Bad \xff", "encoding", 12),
        # "title: " 7, the quote 8, four CJK letters 9-12, a space 13: the control character 14
        ('title: "中文中文 \x01"'.encode(), "yaml-syntax", 14),
        # a U+2028 is text, not a line break: "title: 中文" 9, U+2028 10, "x " 11-12: 13
        ("title: 中文\u2028x \x02".encode(), "yaml-syntax", 13),
        # a flow list opened and never closed: libyaml stops at the next line's ':' (4:6)
        (b"title: [Bad", "yaml-syntax", None),
    ],
    ids=["bad-byte", "control-after-cjk", "control-after-line-separator", "syntax"],
)
def test_positions_count_every_line_end(run, no_config, tmp_path, ending, third_line, rule, col):
    """A problem is at the same line and column whether the file ends its lines
    with LF, CRLF or CR alone (a bad byte on line 3 was reported at 1:30)."""
    raw = ending.encode().join([b"blueprint: 1", b"id: bad", third_line, b"steps: []"]) + (
        ending.encode()
    )
    path = tmp_path / "bp.yaml"
    path.write_bytes(raw)
    r = run("check", "--format", "text", "--config", no_config, path)
    problems = assert_clean_report(r.output)
    where = f"{path}:3:{col}: " if col else f"{path}:4:6: "
    assert [p for p in problems if p.startswith(where) and p.endswith(f"[{rule}]")], r.output


# --- diagrams past what Graphviz routes in bounded memory ---------------------------


def fan_in_yaml(n: int) -> str:
    """n customer actions (each with one evidence) that all flow into step 'sink',
    which leads to a last customer action 'end' (with one evidence)."""
    out = ["blueprint: 1", "id: fan", "title: Fan in", "steps:"]
    for i in range(n):
        out.append(f"  - {{id: c{i}, lane: customer, text: C, evidence: [Sign], next: [sink]}}")
    out.append("  - {id: sink, lane: frontstage, text: Sink, next: [end]}")
    out.append("  - {id: end, lane: customer, text: End, evidence: [Sign]}")
    return "\n".join(out) + "\n"


@pytest.fixture
def no_graphviz(monkeypatch):
    """Graphviz must not even be started."""
    from blueprint.render import backend

    def refuse(*args, **kw):
        raise AssertionError("Graphviz was started")

    monkeypatch.setattr(backend, "run", refuse)


def test_too_many_flows_into_one_step_are_refused_before_graphviz(
    run, no_config, write, tmp_path, no_graphviz
):
    """5,000 flows into one step made Graphviz grow to 2.4 GB; past the limit of
    500 render says so at once, in one line with the number, exit 2, no file."""
    from blueprint.render import MAX_FLOWS_AT_ONE_STEP

    assert MAX_FLOWS_AT_ONE_STEP == 500  # docs/reliability.md states it
    path = write(fan_in_yaml(501))
    out = tmp_path / "fan.svg"
    r = run("render", path, "-o", out)
    assert r.exit_code == 2, r.output
    assert not out.exists()
    assert r.output.strip().splitlines()[-1] == (
        "blueprint: cannot draw: 501 flows go into step 'sink', more than the 500 that Graphviz "
        "routes to one step in bounded memory and time; join them in fewer steps, "
        "or write --format dot"
    )
    assert run("render", path, "--format", "dot", "-o", tmp_path / "fan.dot").exit_code == 0


def test_too_many_boxes_are_refused_before_graphviz(
    run, no_config, write, tmp_path, monkeypatch, no_graphviz
):
    import blueprint.render as rnd

    monkeypatch.setattr(rnd, "MAX_BOXES", 20)
    # 7 customer actions + their 7 evidence notes + sink + end + end's evidence
    # + 5 lane titles (evidence, customer, front stage, back stage, support) = 22
    path = write(fan_in_yaml(7))
    r = run("render", path, "-o", tmp_path / "fan.svg")
    assert r.exit_code == 2, r.output
    assert (
        r.output.strip()
        .splitlines()[-1]
        .startswith(
            "blueprint: cannot draw: the diagram has 22 boxes (steps, evidence, lane and phase "
            "titles), more than the 20 that Graphviz"
        )
    )


@pytest.mark.dot
def test_a_diagram_at_the_box_limit_is_drawn(run, no_config, write, tmp_path, monkeypatch):
    import blueprint.render as rnd

    monkeypatch.setattr(rnd, "MAX_BOXES", 20)
    path = write(fan_in_yaml(6))  # 6 + 6 + 1 + 1 + 1 + 5 = 20 boxes: at the limit, not past it
    r = run("render", path, "-o", tmp_path / "fan.svg")
    assert r.exit_code == 0, r.output
