import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import chromium

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.dot

TWO = ["hotpot-dine-in.yaml", "health-checkup.yaml"]


@pytest.fixture
def course(tmp_path):
    src = tmp_path / "course"
    src.mkdir()
    for name in TWO:
        shutil.copy(ROOT / "blueprints" / name, src / name)
    return src


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self.links.append(a["href"])
        if tag == "img":
            self.links.append(a["src"])


def _mtimes(folder):
    return {p: p.stat().st_mtime_ns for p in Path(folder).rglob("*") if p.is_file()}


def test_build_writes_everything_and_second_run_redoes_nothing(run, course, tmp_path):
    site = tmp_path / "site"
    r = run("build", course, "-o", site)
    assert r.exit_code == 0, r.output
    assert "2 built, 0 up to date" in r.output
    for stem in ("hotpot-dine-in", "health-checkup"):
        for name in (
            "diagram.svg",
            "diagram.pdf",
            "handout.html",
            "customer.md",
            "analysis.json",
            "check.txt",
        ):
            assert (site / stem / name).stat().st_size > 0, (stem, name)
    assert (site / "hotpot-dine-in" / "role-waiter.md").exists()
    assert (site / "hotpot-dine-in" / "role-waiter.html").exists()
    index = (site / "index.html").read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(index)
    assert parser.links
    for link in parser.links:
        assert (site / link).exists(), link
    assert "Hot-pot restaurant, dine-in" in index
    assert ">script: Waiter<" in index  # role names, not ids, and HTML a browser shows
    before = _mtimes(site)
    r = run("build", course, "-o", site)
    assert r.exit_code == 0
    assert "0 built, 2 up to date" in r.output
    assert _mtimes(site) == before


def test_a_changed_file_rebuilds_only_itself(run, course, tmp_path):
    site = tmp_path / "site"
    assert run("build", course, "-o", site).exit_code == 0
    hotpot_before = _mtimes(site / "hotpot-dine-in")
    f = course / "health-checkup.yaml"
    f.write_text(f.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    r = run("build", course, "-o", site)
    assert "1 built, 1 up to date" in r.output
    assert _mtimes(site / "hotpot-dine-in") == hotpot_before


def test_a_broken_blueprint_is_reported_and_the_others_are_built(run, course, tmp_path):
    (course / "broken.yaml").write_text(
        "blueprint: 1\nid: b\ntitle: B\nsteps: [{id: a, lane: customr, text: t}]\n"
    )
    site = tmp_path / "site"
    r = run("build", course, "-o", site, "--jobs", "2")
    assert r.exit_code == 1
    assert "broken.yaml:4:" in r.output and "[invalid-value]" in r.output
    assert (site / "hotpot-dine-in" / "diagram.svg").exists()
    assert (site / "health-checkup" / "handout.html").exists()
    assert not (site / "broken" / "diagram.svg").exists()
    assert "1 error" in (site / "index.html").read_text(encoding="utf-8")


def test_no_temporary_files_are_left(run, course, tmp_path):
    site = tmp_path / "site"
    run("build", course, "-o", site)
    assert not [p for p in site.rglob(".tmp-*")]


@pytest.mark.chromium
def test_index_opens_in_a_headless_browser_without_console_errors(run, course, tmp_path):
    site = tmp_path / "site"
    assert run("build", course, "-o", site).exit_code == 0
    exe = chromium()
    assert exe, "Chromium is not installed (bash scripts/test.sh installs it)"
    profile = tmp_path / "profile"
    r = subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            (site / "index.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Service blueprints" in r.stdout
    console = [line for line in r.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    assert "ERR_FILE_NOT_FOUND" not in r.stderr


def test_odd_names_and_an_output_in_the_way(run, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ROOT / "blueprints" / "shoeshine.yaml", src / "index.html.yaml")
    shutil.copy(ROOT / "blueprints" / "shoeshine.yaml", src / "other.yaml")
    (src / ".#other.yaml").symlink_to(src / "nowhere")  # an editor's lock file
    site = tmp_path / "site"
    site.mkdir()
    (site / "other").write_text("a file where the folder should go")
    r = run("build", src, src / "other.yaml", "-o", site)
    assert r.exit_code == 1
    assert "internal error" not in r.output
    assert (
        "2 blueprints" in r.output
    )  # other.yaml named twice is built once; the lock file is skipped
    assert (site / "index.html").is_file()
    assert (site / "index.html-blueprint" / "diagram.svg").exists()
    assert "other.yaml: not fully built" in r.output and "cannot write" in r.output
