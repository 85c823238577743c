import subprocess
import sys

from blueprint import __version__


def test_version(run):
    r = run("--version")
    assert r.exit_code == 0
    assert __version__ in r.output


def test_help_lists_commands(run):
    r = run("--help")
    assert r.exit_code == 0
    for cmd in ("check", "rules", "schema"):
        assert cmd in r.output


def test_python_dash_m_help():
    r = subprocess.run(
        [sys.executable, "-m", "blueprint", "--help"], capture_output=True, text=True
    )
    assert r.returncode == 0
    assert "check" in r.stdout


def test_examples_pass_strict(run):
    r = run("check", "--strict", "blueprints")
    assert r.exit_code == 0, r.output
    assert "no problems" in r.output


def test_missing_path_is_usage_error(run, tmp_path):
    r = run("check", tmp_path / "nope.yaml")
    assert r.exit_code == 2


def test_broken_file_reports_many_problems_at_their_positions(run, write):
    path = write("""
        blueprint: 1
        id: broken
        title: Broken
        steps:
          - id: a
            lane: customr
            text: Walk in
            duraton: 5m
            next: [b, zz]
          - id: b
            lane: frontstage
            text: Greet
            duration: five minutes
    """)
    r = run("check", path)
    assert r.exit_code == 1
    lines = [line for line in r.output.splitlines() if line.startswith(path)]
    got = {
        (line.split(":")[1], line.split(":")[2], line.rsplit("[", 1)[1].rstrip("]"))
        for line in lines
    }
    assert ("6", "11", "invalid-value") in got
    assert ("8", "5", "unknown-key") in got
    assert ("9", "15", "unknown-step") in got
    assert ("13", "15", "bad-duration") in got
    assert "did you mean 'duration'" in r.output


def test_yaml_syntax_error_points_at_line_and_column(run, write):
    path = write("blueprint: 1\nid: x\ntitle: [unclosed\nsteps: []\n")
    r = run("check", path)
    assert r.exit_code == 1
    assert f"{path}:4:6: error YAML syntax" in r.output
    assert "[yaml-syntax]" in r.output


def test_chinese_ids_are_accepted_and_spaces_are_not(run, write):
    path = write("""
        blueprint: 1
        id: 火锅
        title: 火锅店
        locale: zh-CN
        rules: {empty-lane: off}
        steps:
          - {id: 进店, lane: customer, text: 进店, evidence: [招牌], next: [迎宾]}
          - {id: 迎宾, lane: frontstage, text: 迎宾, says: 欢迎光临, next: [入座]}
          - {id: 入座, lane: customer, text: 入座, evidence: [餐桌]}
    """)
    r = run("check", "--strict", path)
    assert r.exit_code == 0, r.output
    bad = write(
        "blueprint: 1\nid: x\ntitle: T\nsteps: [{id: 'a b', lane: customer, text: t}]\n", "bad.yaml"
    )
    r = run("check", bad)
    assert r.exit_code == 1
    assert ":4:14: error 'a b' is not a valid id" in r.output


def test_unknown_id_in_ignore_is_a_warning_at_the_item(run, write):
    path = write("""
        blueprint: 1
        id: x
        title: T
        rules: {empty-lane: off}
        steps:
          - {id: a, lane: customer, text: t, evidence: [x], ignore: [dead-end, no-such-rule]}
    """)
    r = run("check", path)
    assert r.exit_code == 0
    assert ":6:72: warning step 'a' ignores unknown rule 'no-such-rule'" in r.output


def test_project_config_turns_heuristics_off_for_every_command(tmp_path):
    import shutil

    from blueprint import lint

    shutil.copy("blueprints/hotpot-dine-in.yaml", tmp_path / "hotpot.yaml")
    before = lint.check_file(str(tmp_path / "hotpot.yaml")).context.analysis
    assert any("handoff-visibility" in f.heuristics for f in before.fail_points)
    (tmp_path / "blueprint.toml").write_text('[rules]\nhandoff-visibility = "off"\n')
    from blueprint import config

    config._cache.clear()
    after = lint.check_file(str(tmp_path / "hotpot.yaml")).context.analysis
    assert not any("handoff-visibility" in f.heuristics for f in after.fail_points)
    assert any("handoff-internal" in f.heuristics for f in after.fail_points)


def test_messages_say_how_to_fix_common_mistakes(run, write):
    path = write("""
        blueprint: 1
        id: x
        title: T
        tolerance: 45
        roles: {mechanic: {name: Mechanic, description: brakes, gears and tyres}}
        steps:
          - {id: a, lane: 前台, text: t, duration: 5, next: "b, c"}
          - {id: b, lane: customer, text: t, duration: 5 mins, next: [交东]}
          - {id: 交车, lane: customer, text: t}
    """)
    out = run("check", path).output
    assert "tolerance is 45, a number without a unit; write 45m, 45s or 45h [bad-duration]" in out
    assert "a comma inside {…} ends a value" in out
    assert "lane is '前台'" in out and "did you mean 'frontstage'?" in out
    assert "for several next steps write a list: [b, c]" in out
    assert "(s or sec, m or min, h, d, w)" in out
    assert "unknown step '交东'; did you mean '交车'?" in out
    assert "flows to unknown step 'b, c'" not in out  # said once, by the schema


def test_rule_settings_for_load_problems_and_typos(run, write):
    path = write("""
        blueprint: 1
        id: x
        title: T
        rules: {unknown-step: off, empty-lan: off}
        steps:
          - {id: a, lane: customer, text: t, evidence: [x], ignore: [missing-evidnce]}
    """)
    out = run("check", path).output
    assert "'unknown-step' is a problem reading the file; it is always an error" in out
    assert "unknown rule 'empty-lan' in rules:; did you mean 'empty-lane'?" in out
    assert "ignores unknown rule 'missing-evidnce'; did you mean 'missing-evidence'?" in out


def test_check_without_arguments_outside_a_project_is_a_usage_error(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("check")
    assert r.exit_code == 2
    assert "no blueprints/ folder here" in r.output


def test_yaml_indentation_errors_say_so(run, write):
    p1 = write("blueprint: 1\nid: x\ntitle: T\nsteps:\n  - id: a\n      lane: customer\n", "a.yaml")
    p2 = write(
        "blueprint: 1\nid: x\ntitle: T\nsteps:\n  - id: a\n    lane: customer\n   text: t\n",
        "b.yaml",
    )
    out = run("check", p1, p2).output
    assert (
        f"{p1}:6:11: error YAML syntax: mapping values are not allowed" in out
        and "indented too far" in out
    )
    assert f"{p2}:7:4: error YAML syntax: did not find expected '-' indicator" in out
    assert "check the indentation of this line" in out


def test_every_command_refuses_a_blueprint_with_errors_and_a_broken_config(run, write, tmp_path):
    cycle = write("""
        blueprint: 1
        id: x
        title: T
        steps:
          - {id: a, lane: customer, text: t, evidence: [x], next: [b]}
          - {id: b, lane: frontstage, text: t, next: [a]}
    """)
    for args in (
        ["render", cycle, "-o", tmp_path / "x.svg"],
        ["script", cycle],
        ["analyze", cycle],
    ):
        r = run(*args)
        assert r.exit_code == 1, args
        assert "[undeclared-cycle]" in r.output, args
    assert not (tmp_path / "x.svg").exists()
    good = tmp_path / "proj"
    good.mkdir()
    import shutil

    shutil.copy("blueprints/shoeshine.yaml", good / "shoeshine.yaml")
    (good / "blueprint.toml").write_text('[rules]\ndead-end = "loud"\n')
    for args in (
        ["render", good / "shoeshine.yaml", "-o", tmp_path / "y.svg"],
        ["script", good / "shoeshine.yaml"],
        ["analyze", good / "shoeshine.yaml"],
        ["check", good],
        ["build", good, "-o", tmp_path / "site"],
    ):
        r = run(*args)
        assert r.exit_code == 2, args
        assert "blueprint.toml" in r.output, args


def test_absurd_durations_whole_float_emotions_and_ids_ending_in_a_newline(run, write):
    path = write("""
        blueprint: 1
        id: x
        title: T
        rules: {empty-lane: off}
        steps:
          - {id: a, lane: customer, text: t, evidence: [x], emotion: -2.0, duration: 99999999999999999999999s}
          - {id: "b\\n", lane: customer, text: t, evidence: [x]}
    """)
    out = run("check", path).output
    assert "is longer than 100 years; is a digit too many? [bad-duration]" in out
    assert ":6:" in out and ":7:10: error 'b ' is not a valid id" in out
    from blueprint.lint import load_blueprint

    bp, _ = load_blueprint(path)
    assert bp.by_id["a"].emotion == -2


def test_dash_means_standard_output_and_versions_keep_their_zeros(
    run, write, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    path = write(
        "blueprint: 1\nid: x\ntitle: T\nversion: 1.10\nrules: {empty-lane: off}\n"
        "steps:\n  - {id: a, lane: customer, text: t, evidence: [x]}\n"
    )
    r = run("check", "-o", "-", path)
    assert r.exit_code == 0 and "no problems" in r.output
    r = run("script", path, "--customer", "-o", "-")
    assert r.exit_code == 0 and "Customer" in r.output
    assert not (tmp_path / "-").exists()
    from blueprint.lint import load_blueprint

    assert load_blueprint(path)[0].version == "1.10"
