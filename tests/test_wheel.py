"""The package as users get it: the sdist and the wheel are built, the wheel is installed (not
editable) into a fresh virtual environment, and the installed command checks, draws, writes
scripts and prints the schema from the files the wheel carries, byte for byte as the golden
files say.

Offline: the build uses the build back-end of this environment (--no-isolation), the wheel is
installed with --no-index --no-deps, and the fresh environment finds the dependencies (not
blueprint) through a .pth line naming this environment's site-packages.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

import blueprint
from conftest import ROOT, has_dot

pytestmark = pytest.mark.slow  # some 15 s: deselected while iterating, run by CI
GOLDEN = ROOT / "tests" / "golden"
EXAMPLE = "hotpot-dine-in"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # no flags: the sdist first, then the wheel built from the unpacked sdist, so a file the
    # sdist forgets is missing from the wheel too
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


@pytest.fixture(scope="module")
def fresh(dist, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; its bin/ folder."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    (wheel,) = dist.glob("*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet"]
        + ["--no-index", "--no-deps", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "dependencies-of-the-test-environment.pth").write_text(
        "".join(f"{p}\n" for p in sorted(ours)), encoding="utf-8"
    )
    return venv / "bin"


def blueprint_cmd(fresh: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The installed command, from the repository's root (reports name blueprints/x.yaml)."""
    return subprocess.run(
        [str(fresh / "blueprint"), *args], cwd=ROOT, capture_output=True, timeout=120
    )


def test_the_sdist_holds_the_sources_the_schema_templates_and_licence(dist):
    (sdist,) = dist.glob("*.tar.gz")
    assert sdist.name == f"service_blueprint-{blueprint.__version__}.tar.gz"
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in (
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "src/blueprint/__init__.py",
        "schema/blueprint.schema.json",
        "templates/script.md.j2",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith((".venv/", "site/", "dist/"))]


def test_the_wheel_carries_the_schema_templates_and_the_command(dist):
    (wheel,) = dist.glob("*.whl")
    assert wheel.name == f"service_blueprint-{blueprint.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        info = f"service_blueprint-{blueprint.__version__}.dist-info"
        meta = z.read(f"{info}/METADATA").decode()
        entry = z.read(f"{info}/entry_points.txt").decode()
    assert "blueprint/data/blueprint.schema.json" in names
    assert "blueprint/data/export.schema.json" in names
    assert "blueprint/data/templates/script.md.j2" in names
    # the compiled message catalogs (issue 19), beside the .po they are made from
    for code in ("zh_CN", "zh_TW"):
        assert f"blueprint/locale/{code}/LC_MESSAGES/blueprint.mo" in names
    assert f"{info}/licenses/LICENSE" in names
    assert "Name: service-blueprint\n" in meta
    assert f"Version: {blueprint.__version__}\n" in meta
    assert "Project-URL: Repository, https://github.com/" in meta
    assert "blueprint = blueprint.cli:main" in entry
    assert not [n for n in names if n.startswith(("tests/", "blueprints/"))]


def test_installed_not_editable_and_uses_its_own_files(fresh):
    r = subprocess.run(
        [
            str(fresh / "python"),
            "-c",
            "import blueprint, blueprint.resources as r; "
            "print(blueprint.__file__); print(r.schema_path()); print(r.templates_dir())",
        ],
        cwd=fresh.parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    venv = fresh.parent.resolve()
    for line in r.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(venv), line


def test_version(fresh):
    r = blueprint_cmd(fresh, "--version")
    assert (
        r.stdout.decode() == f"blueprint {blueprint.__version__} (the service-blueprint package)\n"
    )


def test_check(fresh):
    r = blueprint_cmd(fresh, "check", "--strict", "blueprints/")
    assert r.returncode == 0, r.stdout + r.stderr
    examples = len(list((ROOT / "blueprints").glob("*.yaml")))
    assert f"{examples} files checked: no problems".encode() in r.stdout


def test_schema_is_the_repository_copy(fresh):
    r = blueprint_cmd(fresh, "schema")
    assert r.returncode == 0
    assert r.stdout == (ROOT / "schema" / "blueprint.schema.json").read_bytes()
    assert json.loads(r.stdout)["$id"].startswith("https://raw.githubusercontent.com/")


@pytest.mark.parametrize(
    ("golden", "args"),
    [
        ("handout.html", ("script", f"blueprints/{EXAMPLE}.yaml", "--format", "html")),
        ("customer.md", ("script", f"blueprints/{EXAMPLE}.yaml", "--customer", "--format", "md")),
        ("diagram.dot", ("render", f"blueprints/{EXAMPLE}.yaml", "--format", "dot", "-o", "-")),
    ],
)
def test_script_and_render_match_the_golden_files(fresh, golden, args):
    r = blueprint_cmd(fresh, *args)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (GOLDEN / EXAMPLE / golden).read_bytes()


@pytest.mark.dot
def test_render_draws_an_svg_with_graphviz(fresh, tmp_path):
    assert has_dot()
    out = tmp_path / "hotpot.svg"
    r = blueprint_cmd(fresh, "render", f"blueprints/{EXAMPLE}.yaml", "-o", str(out))
    assert r.returncode == 0, r.stderr
    svg = out.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
