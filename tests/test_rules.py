"""Every rule has a failing and a passing fixture in tests/rules/.

Adding a rule? Add two files next to the others:

* ``tests/rules/<rule-id>.fail.yaml`` whose first line is
  ``# expect: <rule-id> <line>:<col>`` (one ``# expect:`` line per expected
  problem; other rule ids may be listed too), and
* ``tests/rules/<rule-id>.pass.yaml``: a valid blueprint on which the rule is silent.

Then regenerate the rule documentation:
``.venv/bin/blueprint rules --format markdown > docs/rules.md``.

Fixtures are checked with an empty configuration, so a project
``blueprint.toml`` or ``[tool.blueprint]`` table cannot change their outcome.
The rest of this module tests how severities are configured and how
``check`` and ``rules`` report.
"""

from __future__ import annotations

import dataclasses
import json
import re
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from blueprint import lint
from blueprint.config import Config
from blueprint.rules import REGISTRY, all_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "rules"
EXPECT = re.compile(r"^# expect: (?P<rule>[a-z][a-z0-9-]*) (?P<line>\d+):(?P<col>\d+)\s*$")

#: rules that no file on its own can trigger, and the test in this module that covers each
NO_FIXTURE = {
    "rule-error": "test_a_crashing_rule_becomes_rule_error",
    "file-unreadable": "test_file_unreadable",
    "file-too-large": "test_file_too_large",
    "bad-config": "test_broken_toml_is_reported_at_its_line",
}

REGENERATE = "regenerate it: .venv/bin/blueprint rules --format markdown > docs/rules.md"


def expectations(path: Path) -> list[tuple[str, int, int]]:
    """The ``# expect: rule line:col`` lines of a fixture (read as bytes: some are not UTF-8)."""
    out = []
    for raw in path.read_bytes().splitlines():
        m = EXPECT.match(raw.decode("latin-1"))
        if m:
            out.append((m["rule"], int(m["line"]), int(m["col"])))
    return out


def fixture_ids(kind: str) -> list[str]:
    return sorted(p.name[: -len(f".{kind}.yaml")] for p in FIXTURES.glob(f"*.{kind}.yaml"))


def check(path) -> lint.Result:
    return lint.check_file(str(path), Config())


# --- the fixtures ---------------------------------------------------------------


def test_every_rule_has_fixtures():
    rules = set(all_rules())
    missing = sorted(
        rid
        for rid in rules - set(NO_FIXTURE)
        if not (FIXTURES / f"{rid}.fail.yaml").is_file()
        or not (FIXTURES / f"{rid}.pass.yaml").is_file()
    )
    assert not missing, (
        f"rules without fixtures: {', '.join(missing)}. For each, add tests/rules/<rule-id>.fail.yaml "
        "(first line '# expect: <rule-id> <line>:<col>') and tests/rules/<rule-id>.pass.yaml; "
        "see the docstring of tests/test_rules.py"
    )


def test_fixtures_name_existing_rules():
    rules = set(all_rules())
    orphans = sorted((set(fixture_ids("fail")) | set(fixture_ids("pass"))) - rules)
    assert not orphans, f"fixtures for rules that do not exist: {orphans}"
    assert set(fixture_ids("fail")) == set(fixture_ids("pass")), (
        "each rule needs both a .fail.yaml and a .pass.yaml"
    )


def test_rules_without_fixtures_are_covered_here():
    for rid, test_name in NO_FIXTURE.items():
        assert rid in all_rules(), f"{rid} is no longer a rule: remove it from NO_FIXTURE"
        assert callable(globals().get(test_name)), f"{rid}: {test_name} is missing"


@pytest.mark.parametrize("rule_id", fixture_ids("fail"))
def test_fail_fixture(rule_id):
    path = FIXTURES / f"{rule_id}.fail.yaml"
    expected = expectations(path)
    first = EXPECT.match(path.read_bytes().splitlines()[0].decode("latin-1"))
    assert first and first["rule"] == rule_id, (
        f"{path.name}: the first line must be '# expect: {rule_id} line:col'"
    )
    named = {rid for rid, _, _ in expected}
    rule = all_rules()[rule_id]

    res = check(path)
    got = [(p.rule, p.line, p.col) for p in res.problems if p.rule in named]
    assert Counter(got) == Counter(expected), "\n".join(p.format() for p in res.problems)
    # the rule's default severity, or the one the fixture's own rules: sets
    # (a rule that is off by default is turned on that way)
    severity = (
        res.blueprint.rules.get(rule_id, (rule.severity,))[0] if res.blueprint else rule.severity
    )
    for p in res.problems:
        if p.rule == rule_id:
            assert p.severity == severity
            assert p.path == str(path)
            assert p.message and "\n" not in p.message
    if rule.stage == "graph":  # the file loaded cleanly, so the finding is the rule's own
        assert res.loaded, "\n".join(p.format() for p in res.problems)


@pytest.mark.parametrize("rule_id", fixture_ids("pass"))
def test_pass_fixture(rule_id):
    path = FIXTURES / f"{rule_id}.pass.yaml"
    assert not expectations(path), f"{path.name} must not carry '# expect:' lines"
    res = check(path)
    # a valid blueprint: it loaded and the graph rules ran on it ...
    assert res.loaded, "\n".join(p.format() for p in res.problems)
    # ... and this rule found nothing
    assert [p.format() for p in res.problems if p.rule == rule_id] == []


def test_fixture_problems_match_the_cli(run, tmp_path):
    """The CLI prints the same problem lines as check_file."""
    path = FIXTURES / "dead-end.fail.yaml"
    empty = tmp_path / "blueprint.toml"
    empty.write_text("")
    r = run("check", "--format", "text", "-q", "--config", empty, path)
    assert r.output.splitlines() == [p.format() for p in check(path).problems]
    assert f"{path}:15:5: warning back-stage step 'cook' leads nowhere" in r.output


# --- rules no fixture can trigger --------------------------------------------------


def test_a_crashing_rule_becomes_rule_error(monkeypatch, write):
    def boom(ctx):
        raise ZeroDivisionError("division by zero")
        yield  # pragma: no cover

    monkeypatch.setitem(
        REGISTRY, "dead-end", dataclasses.replace(all_rules()["dead-end"], check=boom)
    )
    res = check(FIXTURES / "dead-end.fail.yaml")
    crashed = [p for p in res.problems if p.rule == "rule-error"]
    assert [(p.line, p.col, p.severity) for p in crashed] == [(2, 1, "error")]
    assert "rule 'dead-end' crashed (ZeroDivisionError" in crashed[0].message
    # the other rules still ran
    assert any(p.rule == "empty-lane" for p in res.problems)


def test_file_unreadable(tmp_path, monkeypatch):
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    assert [(p.rule, p.line, p.col) for p in check(folder).problems] == [("file-unreadable", 1, 1)]

    # a file the user may not read; tests may run as root, where chmod 000 does
    # not stop reading, so the refusal is simulated
    locked = tmp_path / "locked.yaml"
    locked.write_text("blueprint: 1\n")
    real_open = open

    def deny(file, *args, **kw):
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kw)

    monkeypatch.setattr("builtins.open", deny)
    problems = check(locked).problems
    assert [(p.rule, p.line, p.col) for p in problems] == [("file-unreadable", 1, 1)]
    assert "Permission denied" in problems[0].message


def test_file_too_large(tmp_path):
    from blueprint.load import MAX_FILE_BYTES

    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:  # sparse: no disk space used, and never read
        fh.truncate(MAX_FILE_BYTES + 1)
    problems = check(big).problems
    assert [(p.rule, p.line, p.col) for p in problems] == [("file-too-large", 1, 1)]
    assert "limit is 20 MiB" in problems[0].message


# --- severities: blueprint rules:, blueprint.toml, pyproject.toml, ignore: ------------

DEAD_END = """\
blueprint: 1
id: dead-end
title: The kitchen cooks and nobody serves
{rules}steps:
  - id: order
    lane: customer
    text: Order
    evidence: [Menu]
    next: [take-order]
  - id: take-order
    lane: frontstage
    text: Take the order
    next: [cook]
  - id: cook
    lane: backstage
    text: Cook
{ignore}"""


def dead_end_file(folder: Path, rules: str = "", ignore: str = "", name: str = "bp.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(DEAD_END.format(rules=rules, ignore=ignore), encoding="utf-8")
    return p


def found(res, rule_id):
    return [(p.line, p.col, p.severity) for p in res.problems if p.rule == rule_id]


def test_default_severity(tmp_path):
    res = lint.check_file(str(dead_end_file(tmp_path)))
    assert found(res, "dead-end") == [(14, 5, "warning")]


@pytest.mark.parametrize("level", ["error", "info", "warning"])
def test_blueprint_rules_mapping_sets_severity(tmp_path, level):
    res = lint.check_file(str(dead_end_file(tmp_path, rules=f"rules:\n  dead-end: {level}\n")))
    assert found(res, "dead-end") == [(16, 5, level)]


def test_blueprint_rules_mapping_turns_a_rule_off(tmp_path):
    res = lint.check_file(
        str(dead_end_file(tmp_path, rules="rules: {dead-end: off, empty-lane: off}\n"))
    )
    assert found(res, "dead-end") == []
    assert found(res, "empty-lane") == []
    assert res.loaded


def test_bad_severity_in_rules_mapping(tmp_path):
    res = lint.check_file(str(dead_end_file(tmp_path, rules="rules:\n  dead-end: fatal\n")))
    assert [(p.rule, p.line, p.col) for p in res.problems] == [("invalid-value", 5, 13)]


def test_blueprint_toml_sets_severity(tmp_path):
    (tmp_path / "blueprint.toml").write_text('[rules]\ndead-end = "error"\nempty-lane = "off"\n')
    res = lint.check_file(str(dead_end_file(tmp_path / "sub")))
    assert found(res, "dead-end") == [(14, 5, "error")]
    assert found(res, "empty-lane") == []


def test_pyproject_tool_blueprint_rules_found_upward(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.blueprint.rules]\ndead-end = "info"\n'
    )
    res = lint.check_file(str(dead_end_file(tmp_path / "blueprints" / "deeper")))
    assert found(res, "dead-end") == [(14, 5, "info")]


def test_pyproject_without_tool_blueprint_is_skipped(tmp_path):
    """A pyproject.toml without [tool.blueprint] does not stop the search upward."""
    (tmp_path / "blueprint.toml").write_text('[rules]\ndead-end = "error"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pyproject.toml").write_text('[project]\nname = "app"\n')
    res = lint.check_file(str(dead_end_file(tmp_path / "app" / "blueprints")))
    assert found(res, "dead-end") == [(14, 5, "error")]


def test_nearest_configuration_wins(tmp_path):
    (tmp_path / "blueprint.toml").write_text('[rules]\ndead-end = "error"\n')
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "pyproject.toml").write_text('[tool.blueprint.rules]\ndead-end = "off"\n')
    res = lint.check_file(str(dead_end_file(tmp_path / "team")))
    assert found(res, "dead-end") == []


def test_blueprint_rules_mapping_overrides_project(tmp_path):
    (tmp_path / "blueprint.toml").write_text('[rules]\ndead-end = "off"\n')
    res = lint.check_file(str(dead_end_file(tmp_path, rules="rules: {dead-end: error}\n")))
    assert found(res, "dead-end") == [(15, 5, "error")]


def test_explicit_config_option(run, tmp_path):
    path = dead_end_file(tmp_path / "bp")
    cfg = tmp_path / "ci.toml"
    cfg.write_text('[rules]\ndead-end = "error"\n')
    r = run("check", "--format", "text", "--config", cfg, path)
    assert r.exit_code == 1
    assert f"{path}:14:5: error back-stage step 'cook' leads nowhere" in r.output


def test_step_ignore_silences_one_rule_on_one_step(tmp_path):
    res = lint.check_file(str(dead_end_file(tmp_path, ignore="    ignore: [dead-end]\n")))
    assert found(res, "dead-end") == []
    # other rules on that step, and the same rule elsewhere, still report
    assert found(res, "empty-lane") == [(4, 1, "warning")]


def test_step_ignore_of_another_rule_does_not_silence(tmp_path):
    res = lint.check_file(str(dead_end_file(tmp_path, ignore="    ignore: [missing-evidence]\n")))
    assert found(res, "dead-end") == [(14, 5, "warning")]


def test_step_ignore_cannot_silence_load_problems(tmp_path):
    p = tmp_path / "bp.yaml"
    p.write_text(
        textwrap.dedent("""\
        blueprint: 1
        id: x
        title: X
        steps:
          - id: a
            lane: customer
            text: A
            next: [nowhere]
            ignore: [unknown-step]
    """)
    )
    assert [(q.rule, q.line, q.col) for q in lint.check_file(str(p)).problems] == [
        ("unknown-step", 8, 12)
    ]


# --- unknown rule ids -------------------------------------------------------------


def test_unknown_rule_in_blueprint(tmp_path):
    res = lint.check_file(str(dead_end_file(tmp_path, rules="rules:\n  dead-ends: off\n")))
    bad = [p for p in res.problems if p.rule == "unknown-rule"]
    assert [(p.line, p.col, p.severity) for p in bad] == [(5, 3, "error")]
    assert "dead-ends" in bad[0].message


def test_unknown_rule_in_config_option_is_a_usage_error(run, tmp_path):
    path = dead_end_file(tmp_path / "bp")
    cfg = tmp_path / "ci.toml"
    cfg.write_text('[rules]\ndead-end = "error"\ndead-ends = "off"\n')
    r = run("check", "--config", cfg, path)
    assert r.exit_code == 2
    assert f"{cfg}:3:1: error unknown rule 'dead-ends'" in r.output
    assert "[unknown-rule]" in r.output


def test_unknown_rule_in_found_config_is_reported(run, tmp_path):
    (tmp_path / "blueprint.toml").write_text('[rules]\ndead-ends = "off"\n')
    path = dead_end_file(tmp_path)
    r = run("check", "--format", "text", path)
    assert r.exit_code == 2
    assert f"{tmp_path / 'blueprint.toml'}:2:1: error unknown rule 'dead-ends'" in r.output


def test_bad_severity_in_found_config_is_reported(run, tmp_path):
    (tmp_path / "blueprint.toml").write_text('[rules]\ndead-end = "loud"\n')
    path = dead_end_file(tmp_path)
    r = run("check", "--format", "text", path)
    assert r.exit_code == 2
    assert (
        f"{tmp_path / 'blueprint.toml'}:2:1: error rule 'dead-end': severity must be one of"
        in r.output
    )


def test_broken_toml_is_reported_at_its_line(run, tmp_path):
    (tmp_path / "blueprint.toml").write_text("[rules]\ndead-end = error\n")
    path = dead_end_file(tmp_path)
    r = run("check", "--format", "text", path)
    assert r.exit_code == 2
    assert f"{tmp_path / 'blueprint.toml'}:2:12: error cannot read the configuration" in r.output
    assert "Traceback" not in r.output


# --- exit codes: --strict, --exit-zero -----------------------------------------------


def test_warnings_alone_exit_0(run):
    r = run("check", "--format", "text", FIXTURES / "dead-end.fail.yaml")
    assert r.exit_code == 0, r.output
    assert "0 errors, 2 warnings" in r.output


def test_strict_makes_warnings_fail(run):
    r = run("check", "--format", "text", "--strict", FIXTURES / "dead-end.fail.yaml")
    assert r.exit_code == 1


def test_errors_exit_1_with_or_without_strict(run):
    for extra in ([], ["--strict"]):
        r = run("check", "--format", "text", *extra, FIXTURES / "unknown-step.fail.yaml")
        assert r.exit_code == 1


def test_exit_zero(run):
    r = run(
        "check",
        "--format",
        "text",
        "--exit-zero",
        "--strict",
        FIXTURES / "flow-skips-line.fail.yaml",
    )
    assert r.exit_code == 0
    assert "[flow-skips-line]" in r.output


def test_exit_zero_keeps_usage_errors(run, tmp_path):
    r = run("check", "--exit-zero", tmp_path / "missing.yaml")
    assert r.exit_code == 2


def test_clean_file_exits_0_under_strict(run):
    r = run("check", "--format", "text", "--strict", FIXTURES / "empty-lane.pass.yaml")
    assert r.exit_code == 0, r.output
    assert r.output == "1 file checked: no problems\n"


# --- JSON ---------------------------------------------------------------------------


def test_json_shape(run):
    a = FIXTURES / "flow-skips-line.fail.yaml"
    b = FIXTURES / "empty-lane.pass.yaml"
    r = run("check", "--format", "json", a, b)
    assert r.exit_code == 0  # warnings only
    doc = json.loads(r.stdout)
    assert doc == {
        "version": 1,
        "files": [
            {
                "path": str(a),
                "problems": [
                    {
                        "path": str(a),
                        "line": 5,
                        "column": 1,
                        "severity": "warning",
                        "rule": "empty-lane",
                        "message": "no step is in the support lane; map that work or turn this rule off",
                    },
                    {
                        "path": str(a),
                        "line": 9,
                        "column": 12,
                        "severity": "warning",
                        "rule": "flow-skips-line",
                        "message": "flow from customer action 'order' to back-stage step 'cook' skips the front "
                        "stage; route it through a front-stage step, or, when the customer deals with it "
                        "directly on purpose, mark the flow or a step with contact: phone (or video, email, "
                        "message, mail, web, app), or write ignore: [flow-skips-line] on the step the flow "
                        "leaves",
                    },
                ],
            },
            {"path": str(b), "problems": []},
        ],
        "summary": {"files": 2, "errors": 0, "warnings": 2, "info": 0},
    }


def test_json_keeps_cjk_readable(run, tmp_path):
    p = tmp_path / "zh.yaml"
    p.write_text(
        "blueprint: 1\nid: zh\ntitle: 火锅\nsteps:\n  - id: a\n    lane: 顾客\n    text: 进门\n",
        encoding="utf-8",
    )
    r = run("check", "--format", "json", p)
    assert "'顾客'" in r.stdout
    assert json.loads(r.stdout)["files"][0]["problems"][0]["rule"] == "invalid-value"


# --- blueprint rules -------------------------------------------------------------------


def test_rules_lists_every_rule(run):
    r = run("rules")
    assert r.exit_code == 0
    for rid, rule in all_rules().items():
        assert re.search(rf"^  {re.escape(rid)} +{rule.severity} +\S", r.output, re.M), rid


def test_rules_summaries_are_whole_sentences():
    for rid, rule in all_rules().items():
        assert rule.summary.endswith((".", "?", ")")), (
            f"{rid}: the first line of its docstring is cut: {rule.summary!r}"
        )


def test_rules_shows_one_rule(run):
    r = run("rules", "dead-end")
    assert r.exit_code == 0
    assert r.output.startswith(
        "dead-end (warning)\n\nA front-stage or back-stage step leads nowhere."
    )
    assert "Fails:\n" in r.output and "Passes:\n" in r.output and "::" not in r.output


def test_rules_shows_a_load_rule_as_fixed(run):
    r = run("rules", "yaml-syntax")
    assert r.exit_code == 0
    assert r.output.startswith("yaml-syntax (error, fixed)\n")


def test_rules_unknown_id(run):
    r = run("rules", "dead-ends")
    assert r.exit_code == 2
    assert "no rule 'dead-ends'; did you mean 'dead-end'?" in r.output


# --- docs/rules.md is generated ----------------------------------------------------------


def test_docs_rules_md_is_up_to_date(run):
    r = run("rules", "--format", "markdown")
    assert r.exit_code == 0
    doc = ROOT / "docs" / "rules.md"
    assert doc.is_file(), f"docs/rules.md is missing; {REGENERATE}"
    assert doc.read_text(encoding="utf-8") == r.stdout, (
        f"docs/rules.md is out of date; {REGENERATE}"
    )


def test_docs_rules_md_documents_every_rule():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rid in all_rules():
        assert f"\n## {rid}\n" in text, f"docs/rules.md lacks {rid}; {REGENERATE}"
