"""blueprint check -q: only the problems, nothing on a clean run, in every
format that has a summary; json, sarif and junit stay complete documents."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT

CLEAN = str(ROOT / "blueprints" / "shoeshine.yaml")  # checks with no problem at all
#: one misspelt lane: exactly one problem (invalid-value at line 4)
BROKEN = "blueprint: 1\nid: x\ntitle: T\nsteps: [{id: a, lane: customr, text: t}]\n"
PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: (error|warning|info) .+ \[[a-z0-9-]+\]$")


@pytest.fixture(autouse=True)
def _not_in_actions(monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_clean_run_prints_nothing(run, fmt):
    r = run("check", "-q", "--format", fmt, CLEAN)
    assert r.exit_code == 0
    assert r.stdout == "" and r.stderr == ""


def test_without_q_the_clean_run_has_its_summary(run):
    r = run("check", "--format", "text", CLEAN)
    assert r.stdout == "1 file checked: no problems\n"


def test_quiet_text_is_the_problem_lines_only(run, write):
    path = write(BROKEN)
    r = run("check", "-q", "--format", "text", path)
    assert r.exit_code == 1
    lines = r.stdout.split("\n")
    assert lines[-1] == ""  # ends with a line break, no blank line, no summary
    assert lines[:-1] and all(PROBLEM_LINE.match(ln) for ln in lines[:-1]), r.stdout
    assert lines[0].startswith(f"{path}:4:")
    assert "checked" not in r.output


def test_quiet_github_is_the_annotations_and_the_problem_lines(run, write):
    path = write(BROKEN)
    r = run("check", "-q", "--format", "github", path)
    assert r.exit_code == 1
    lines = r.stdout.rstrip("\n").split("\n")
    annotations = [ln for ln in lines if ln.startswith("::")]
    plain = [ln for ln in lines if not ln.startswith("::")]
    assert annotations and len(plain) == len(annotations)
    assert all(PROBLEM_LINE.match(ln) for ln in plain), r.stdout
    assert "checked" not in r.output


@pytest.mark.parametrize("broken", [False, True], ids=["clean", "problems"])
def test_machine_formats_stay_complete_documents(run, write, broken):
    path = write(BROKEN) if broken else CLEAN
    j = json.loads(run("check", "-q", "--format", "json", path).stdout)
    # the summary is data in JSON: one file, one error when broken
    assert j["summary"] == {"files": 1, "errors": int(broken), "warnings": 0, "info": 0}
    s = json.loads(run("check", "-q", "--format", "sarif", path).stdout)
    assert s["version"] == "2.1.0" and len(s["runs"][0]["results"]) == int(broken)
    x = ET.fromstring(run("check", "-q", "--format", "junit", path).stdout)
    assert x.tag == "testsuites"
    assert len(list(x.iter("failure"))) == int(broken)


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github"])
def test_quiet_hides_the_summary_beside_an_output_file(run, write, tmp_path, fmt):
    path = write(BROKEN)
    out = tmp_path / f"report.{fmt}"
    loud = run("check", "--format", fmt, "-o", str(out), path)
    assert loud.stderr == "1 file checked: 1 error, 0 warnings\n"
    quiet = run("check", "-q", "--format", fmt, "-o", str(out), path)
    assert quiet.exit_code == 1 and quiet.stdout == "" and quiet.stderr == ""
    assert out.read_text(encoding="utf-8")
