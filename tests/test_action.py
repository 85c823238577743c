"""The GitHub Action (action.yml): its shell steps run here as a runner would run them.

A small runner plays GitHub's part: it evaluates each step's `if:`, fills `${{ inputs.x }}` in
the steps' environments, runs the `run:` scripts with `bash --noprofile --norc -eo pipefail`
(GitHub's bash), gives each step its own GITHUB_OUTPUT file and applies GITHUB_PATH between
steps. Steps that `uses:` another action are not run; the runner records what they were given.
Nothing touches the network: `python3` is a stub that makes a fake virtual environment whose
`blueprint` is the real one of this test environment, and logs what pip would install; `sudo`
is a stub that logs the apt-get command.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
REAL_BLUEPRINT = Path(sys.executable).parent / "blueprint"

CLEAN = """\
blueprint: 1
id: clean
title: Corner shop
steps:
  - {id: enter, lane: customer, text: Walk in, evidence: [Shop sign], next: [greet]}
  - id: greet
    lane: frontstage
    text: Greet the customer
    says: Hello!
    standard: {text: Greet within 10 seconds, within: 10s}
    next: [pay, stock]
  - {id: pay, lane: customer, text: Pay, evidence: [Receipt]}
  - {id: stock, lane: backstage, text: Restock the shelf, next: [order]}
  - {id: order, lane: support, text: Order from the wholesaler}
"""
# only warnings: three lanes have no step (empty-lane), nothing is an error
WARNINGS_ONLY = """\
blueprint: 1
id: lonely
title: W
steps:
  - {id: a, lane: customer, text: Walk in, evidence: [Door]}
"""
# one error: a misspelt lane (invalid-value at line 5)
BROKEN = """\
blueprint: 1
id: broken
title: E
steps:
  - {id: a, lane: customr, text: Walk in}
"""

PYTHON_STUB = """\
#!/bin/bash
# stands for python3 (and for a virtual environment's python): logs the call; `-m venv DIR`
# makes DIR/bin with this stub as python and the real blueprint command
echo "$(basename "$0") $*" >> "$STUB_LOG"
if [ "$1" = -m ] && [ "$2" = venv ]; then
  mkdir -p "$3/bin"
  cp "$0" "$3/bin/python"
  ln -s "$REAL_BLUEPRINT" "$3/bin/blueprint"
fi
"""
SUDO_STUB = """\
#!/bin/bash
echo "sudo $*" >> "$STUB_LOG"
"""


@dataclass
class Run:
    """What happened to each step of one run of the action."""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    uses: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    stdout: str = ""
    log: list[str] = field(default_factory=list)
    failed: bool = False


def _expression(text: str, inputs: dict[str, str], run: Run) -> str:
    """Fill `${{ ... }}` in a value (only `inputs.x` and `steps.id.outputs.x` are used)."""
    return re.sub(
        r"\$\{\{\s*(.*?)\s*\}\}", lambda m: str(_evaluate(m[1], inputs, run, as_text=True)), text
    )


def _evaluate(expr: str, inputs: dict[str, str], run: Run, *, as_text: bool = False) -> Any:
    """The few expression forms action.yml uses: inputs.x, steps.id.outputs.x, steps.id.outcome,
    'text', ==, !=, &&, ||, !cancelled() (never cancelled here)."""
    expr = expr.strip()
    if expr.startswith("${{"):
        expr = expr[3:].rstrip("}").strip()

    def value(m: re.Match[str]) -> str:
        kind, name = m[1], m[2]
        if kind == "inputs":
            return repr(inputs[name])
        step, _, what = name.partition(".")
        if what == "outcome":
            return repr(
                "success" if run.codes.get(step) == 0 else "failure" if step in run.codes else ""
            )
        return repr(run.outputs.get(step, {}).get(what.removeprefix("outputs."), ""))

    py = re.sub(r"\b(inputs|steps)\.([\w-]+(?:\.[\w-]+)*)", value, expr)
    py = py.replace("!cancelled()", "True").replace("&&", " and ").replace("||", " or ")
    assert "!" not in py.replace("!=", ""), f"expression form not handled by this runner: {expr}"
    result = eval(py, {"__builtins__": {}}, {})  # only literals and comparisons are left
    return result if as_text else bool(result)


def run_action(tmp_path: Path, **given: str) -> Run:
    """Run action.yml's steps with these inputs (the others take their defaults)."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    unknown = set(given) - set(inputs)
    assert not unknown, unknown
    inputs.update(given)

    work = tmp_path / "workspace"
    work.mkdir(exist_ok=True)
    stubs = tmp_path / "stubs"
    stubs.mkdir(exist_ok=True)
    for name, text in (("python3", PYTHON_STUB), ("sudo", SUDO_STUB)):
        (stubs / name).write_text(text, encoding="utf-8")
        (stubs / name).chmod(0o755)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    github_path = tmp_path / "github_path"
    github_path.write_text("", encoding="utf-8")
    stub_log = tmp_path / "stub.log"
    stub_log.write_text("", encoding="utf-8")
    assert REAL_BLUEPRINT.exists(), REAL_BLUEPRINT

    run = Run()
    for number, step in enumerate(ACTION["runs"]["steps"]):
        sid = step.get("id", f"step{number}")
        condition = str(step.get("if", ""))
        status_function = any(f in condition for f in ("cancelled()", "always()", "failure()"))
        if (run.failed and not status_function) or (
            condition and not _evaluate(condition, inputs, run)
        ):
            run.skipped.append(sid)
            continue
        if "uses" in step:
            run.ran.append(sid)
            run.uses[sid] = {
                "uses": step["uses"],
                **{k: _expression(str(v), inputs, run) for k, v in step.get("with", {}).items()},
            }
            continue
        assert step.get("shell") == "bash", sid
        output = tmp_path / f"output-{sid}"
        output.write_text("", encoding="utf-8")
        extra_path = [p for p in github_path.read_text(encoding="utf-8").splitlines() if p]
        env = {
            "PATH": os.pathsep.join([*reversed(extra_path), str(stubs), "/usr/bin", "/bin"]),
            "HOME": str(tmp_path),
            "LANG": "C.UTF-8",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(work),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_PATH": str(github_path),
            "GITHUB_ENV": str(tmp_path / "github_env"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "step_summary"),
            "RUNNER_TEMP": str(runner_temp),
            "STUB_LOG": str(stub_log),
            "REAL_BLUEPRINT": str(REAL_BLUEPRINT),
        }
        env.update({k: _expression(str(v), inputs, run) for k, v in step.get("env", {}).items()})
        script = tmp_path / f"step-{sid}.sh"
        script.write_text(step["run"], encoding="utf-8")
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        run.ran.append(sid)
        run.codes[sid] = proc.returncode
        run.stdout += proc.stdout + proc.stderr
        run.outputs[sid] = dict(
            line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if line
        )
        if proc.returncode != 0:
            run.failed = True
    run.log = stub_log.read_text(encoding="utf-8").splitlines()
    return run


def _blueprints(tmp_path: Path, **files: str) -> None:
    folder = tmp_path / "workspace" / "blueprints"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_defaults_install_the_actions_own_copy_and_pass_a_clean_folder(tmp_path):
    _blueprints(tmp_path, clean=CLEAN)
    run = run_action(tmp_path)
    assert run.codes == {"install": 0, "check": 0}, run.stdout
    assert run.outputs["check"] == {"exit-code": "0"}
    assert "1 file checked: no problems" in run.stdout
    assert "blueprint 0." in run.stdout  # install prints the version it installed
    # the action's own directory is installed, into a venv under RUNNER_TEMP
    venv = tmp_path / "runner-temp" / "service-blueprint"
    assert f"python3 -m venv {venv}" in run.log
    assert f"python -m pip install --quiet --disable-pip-version-check {ROOT}" in run.log
    # no drawing asked: no Graphviz, no build, no diff, no SARIF
    assert not [line for line in run.log if line.startswith("sudo")]
    assert set(run.skipped) == {"system", "upload-sarif", "render", "diff"}
    assert run.uses == {"python": {"uses": "actions/setup-python@v5", "python-version": "3.11"}}


def test_a_version_installs_that_release_from_the_package_index(tmp_path):
    _blueprints(tmp_path, clean=CLEAN)
    run = run_action(tmp_path, version="0.1.0", **{"python-version": ""})
    assert run.codes["check"] == 0, run.stdout
    assert "python -m pip install --quiet --disable-pip-version-check service-blueprint==0.1.0" in (
        run.log
    )
    assert "python" in run.skipped  # the runner's own python3


@pytest.mark.parametrize(("strict", "code"), [("true", 1), ("false", 0)])
def test_strict_decides_whether_warnings_fail(tmp_path, strict, code):
    _blueprints(tmp_path, lonely=WARNINGS_ONLY)
    run = run_action(tmp_path, strict=strict)
    assert run.codes["check"] == code, run.stdout
    assert run.outputs["check"]["exit-code"] == str(code)
    # annotations: three empty lanes, at the steps key (line 4, column 1)
    assert run.stdout.count("::warning file=blueprints/lonely.yaml,line=4,col=1,") == 3


def test_errors_become_annotations_and_fail_the_step(tmp_path):
    _blueprints(tmp_path, broken=BROKEN, clean=CLEAN)
    run = run_action(tmp_path, strict="false")
    assert run.codes["check"] == 1
    assert "::error file=blueprints/broken.yaml,line=5,col=19," in run.stdout
    assert "2 files checked: 1 error, 0 warnings" in run.stdout


def test_sarif_is_written_even_when_the_check_fails_and_is_uploaded(tmp_path):
    _blueprints(tmp_path, broken=BROKEN)
    run = run_action(tmp_path, sarif="blueprint.sarif")
    assert run.codes["check"] == 1
    assert run.outputs["check"] == {"sarif": "true", "exit-code": "1"}
    sarif = json.loads((tmp_path / "workspace" / "blueprint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "invalid-value"
    # the upload runs after a failed check (!cancelled()), with the file and a category
    assert run.uses["upload-sarif"] == {
        "uses": "github/codeql-action/upload-sarif@v3",
        "sarif_file": "blueprint.sarif",
        "category": "blueprint",
    }


def test_sarif_can_be_kept_without_uploading(tmp_path):
    _blueprints(tmp_path, clean=CLEAN)
    run = run_action(tmp_path, sarif="out.sarif", **{"upload-sarif": "false"})
    assert run.codes["check"] == 0
    assert (tmp_path / "workspace" / "out.sarif").exists()
    assert "upload-sarif" in run.skipped


def test_paths_are_split_on_spaces_and_new_lines_without_wildcards(tmp_path):
    _blueprints(tmp_path, a=CLEAN, b=CLEAN.replace("id: clean", "id: other"))
    run = run_action(tmp_path, paths="blueprints/a.yaml\n  blueprints/b.yaml ")
    assert run.codes["check"] == 0, run.stdout
    assert "2 files checked: no problems" in run.stdout
    again = tmp_path / "again"
    _blueprints(again, a=CLEAN)
    run = run_action(again, paths="blueprints/*.yaml")  # taken as written: no such file
    assert run.codes["check"] == 2, run.stdout
    assert "blueprints/*.yaml" in run.stdout


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"paths": " \n "}, "the 'paths' input is empty"),
        ({"strict": "yes"}, "'strict' must be true or false, not 'yes'"),
    ],
)
def test_bad_inputs_are_usage_errors(tmp_path, given, message):
    _blueprints(tmp_path, clean=CLEAN)
    run = run_action(tmp_path, **given)
    assert run.codes["check"] == 2
    assert run.outputs["check"]["exit-code"] == "2"
    assert f"::error title=blueprint action::{message}" in run.stdout


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True)


def test_the_diff_input_writes_what_changed_to_the_job_summary(tmp_path):
    # a repository whose blueprint changes after the commit: the customer gets evidence
    _blueprints(tmp_path, clean=CLEAN)
    work = tmp_path / "workspace"
    _git(work, "init", "-q")
    _git(work, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", ".")
    _git(work, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "old")
    _blueprints(tmp_path, clean=CLEAN.replace("evidence: [Receipt]", "evidence: [Receipt, Bag]"))
    run = run_action(tmp_path, diff="HEAD")
    assert run.codes == {"install": 0, "check": 0, "diff": 0}, run.stdout
    summary = (tmp_path / "step_summary").read_text(encoding="utf-8")
    assert summary.startswith("<!-- blueprint-diff -->\n## What this change does to the service")
    assert "'pay' gains evidence: Bag" in summary
    markdown = Path(run.outputs["diff"]["markdown"])
    assert markdown.read_text(encoding="utf-8") == summary


def test_diff_true_needs_a_pull_request_and_a_bad_revision_says_so(tmp_path):
    _blueprints(tmp_path, clean=CLEAN)
    run = run_action(tmp_path, diff="true")  # no GITHUB_BASE_REF: not a pull request
    assert run.codes["diff"] == 2
    assert "'diff: true' compares with the pull request's base branch" in run.stdout
    again = tmp_path / "again"  # (a fresh runner)
    _blueprints(again, clean=CLEAN)
    run = run_action(again, diff="no-such-revision")  # not even a repository
    assert run.codes["diff"] == 2
    assert "fetch-depth: 0" in run.stdout


@pytest.mark.dot
def test_render_installs_graphviz_and_a_cjk_font_and_builds_the_site(tmp_path):
    _blueprints(tmp_path, clean=CLEAN)
    run = run_action(tmp_path, render="site")
    assert run.codes == {"system": 0, "install": 0, "check": 0, "render": 0}, run.stdout
    sudo = [line for line in run.log if line.startswith("sudo")]
    assert sudo[-1].endswith(
        "apt-get install -y -qq --no-install-recommends graphviz fonts-noto-cjk"
    )
    assert (tmp_path / "workspace" / "site" / "index.html").exists()
    assert list((tmp_path / "workspace" / "site").rglob("*.svg"))


def test_the_docs_table_lists_every_input_with_its_default():
    text = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([\w-]+)` \| ([^|]+) \|", text, re.M))
    assert set(rows) == set(ACTION["inputs"])
    for name, spec in ACTION["inputs"].items():
        default = spec.get("default", "")
        shown = rows[name].strip()
        assert shown == (f"`{default}`" if default else shown), name
        if not default:
            assert shown.startswith("("), name  # "(none)" or "(the action's own)"
