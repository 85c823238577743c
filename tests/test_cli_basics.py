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
    r = subprocess.run([sys.executable, "-m", "blueprint", "--help"], capture_output=True, text=True)
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
    got = {(line.split(":")[1], line.split(":")[2], line.rsplit("[", 1)[1].rstrip("]")) for line in lines}
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
