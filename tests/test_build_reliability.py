"""`build` into a folder others can touch, and a cache that never lies.

- Nothing planted in the site (a link to a file or a folder outside it, a
  named pipe) makes `build` write, read or hang outside the site.
- A build killed at any moment (kill -9, simulated deterministically: the
  build process kills itself after its Nth output file, through the test hook
  `BLUEPRINT_TEST_HOOK`), then rebuilt, leaves a site equal byte for byte to
  a clean build's, even when the killed build was for an edit since reverted.
- Deleted, renamed and same-named blueprints, removed roles: the site holds
  exactly what a clean build would, and never loses a file the tool did not
  write.
- Two builds at once into one folder: the second is refused with one line.
"""

from __future__ import annotations

import errno
import os
import random
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from blueprint import build as b

pytestmark = pytest.mark.dot

ROOT = Path(__file__).resolve().parent.parent

TINY = """\
blueprint: 1
id: tiny
title: Tiny
roles:
  waiter: {name: Waiter}
steps:
  - {id: enter, lane: customer, text: Walk in, evidence: [Sign], next: [greet]}
  - {id: greet, lane: frontstage, text: Greet, role: waiter, next: [cook]}
  - {id: cook, lane: backstage, text: Cook, next: [serve]}
  - {id: stock, lane: support, text: Stock, next: [cook]}
  - {id: serve, lane: frontstage, text: Serve, role: waiter, next: [eat]}
  - {id: eat, lane: customer, text: Eat, evidence: [Bowl]}
"""
#: TINY edited: another role (so the edited build writes files the reverted one does not) and new text
TINY_EDITED = (
    TINY.replace("  waiter: {name: Waiter}\n", "  waiter: {name: Waiter}\n  chef: {name: Chef}\n")
    .replace("text: Cook, next", "text: Cook the broth, role: chef, next")
    .replace("Walk in", "Walk in (edited)")
)
#: TINY without its role: role-waiter.html and .md are no longer built
TINY_NO_ROLE = TINY.replace("roles:\n  waiter: {name: Waiter}\n", "").replace(", role: waiter", "")
OTHER = """\
blueprint: 1
id: other
title: Other
rules: {empty-lane: off}
steps:
  - {id: ask, lane: customer, text: Ask, evidence: [Desk], next: [answer]}
  - {id: answer, lane: frontstage, text: Answer, next: [look]}
  - {id: look, lane: support, text: Look it up, next: [tell]}
  - {id: tell, lane: frontstage, text: Tell, next: [leave]}
  - {id: leave, lane: customer, text: Leave, evidence: [Door]}
"""

#: the site's own records, which differ between equivalent builds (times of writes)
RECORDS = {b.MANIFEST, b.LOCK}


@pytest.fixture
def course(tmp_path):
    src = tmp_path / "course"
    src.mkdir()
    (src / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (src / "other.yaml").write_text(OTHER, encoding="utf-8")
    return src


def snapshot(site: Path) -> dict[str, bytes | str]:
    """Every entry of the site: a file's bytes, or what else it is."""
    out: dict[str, bytes | str] = {}
    for top, dirs, files in os.walk(site):
        for name in dirs + files:
            p = Path(top) / name
            rel = p.relative_to(site).as_posix()
            if p.is_symlink():
                out[rel] = f"link to {os.readlink(p)}"
            elif p.is_dir():
                out[rel] = "folder"
            elif rel not in RECORDS:
                out[rel] = p.read_bytes() if p.is_file() else "not a regular file"
    return out


def assert_same_site(site: Path, clean: Path, context: object = "") -> None:
    got, want = snapshot(site), snapshot(clean)
    assert sorted(got) == sorted(want), context
    for rel in want:
        assert got[rel] == want[rel], (rel, context)


def build_process(src, site, *args, hook=None, **kw):
    """`blueprint build` in its own process (so that it can be killed)."""
    env = dict(os.environ)
    env.pop(b.TEST_HOOK, None)
    if hook:
        env[b.TEST_HOOK] = hook
    return subprocess.Popen(
        [sys.executable, "-m", "blueprint", "build", str(src), "-o", str(site), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def killed_build(src, site, hook, *args):
    p = build_process(src, site, *args, hook=hook)
    out, err = p.communicate(timeout=300)
    assert p.returncode == -signal.SIGKILL, (hook, out, err)
    return err


# ------------------------------------------------------------------- planted links and pipes


def test_a_planted_link_to_a_file_outside_the_site_is_replaced_not_followed(run, course, tmp_path):
    """The attack of issue 13: site/<bp>/check.txt -> a file outside the site."""
    site = tmp_path / "site"
    outside = tmp_path / "home" / ".profile"
    outside.parent.mkdir()
    outside.write_bytes(b"# the user's shell profile\nexport PATH=$HOME/bin:$PATH\n")
    before = outside.read_bytes()
    (site / "tiny").mkdir(parents=True)
    (site / "tiny" / "check.txt").symlink_to(os.path.relpath(outside, site / "tiny"))
    (site / "index.html").symlink_to(outside)  # the site's own files too
    r = run("build", course, "-o", site)
    assert r.exit_code == 0, r.output
    assert outside.read_bytes() == before
    for p in (site / "tiny" / "check.txt", site / "index.html"):
        assert p.is_file() and not p.is_symlink(), p
    assert (site / "tiny" / "check.txt").read_text(encoding="utf-8").endswith("no problems\n")
    assert (
        f"blueprint: {site}/tiny/check.txt: was a symbolic link; replaced by a regular file "
        "(not followed or opened)\n" in r.output
    )
    assert f"blueprint: {site}/index.html: was a symbolic link;" in r.output


def test_a_link_planted_after_a_build_is_replaced_by_the_next_one(run, course, tmp_path):
    """The record says the file was written; a link there now is not that file."""
    site = tmp_path / "site"
    assert run("build", course, "-o", site).exit_code == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    check = site / "tiny" / "check.txt"
    check.unlink()
    check.symlink_to(outside)
    r = run("build", course, "-o", site)
    assert (
        "1 built, 1 up to date" in r.output
    )  # tiny rebuilt: its check.txt is not what was written
    assert outside.read_text() == "keep me" and check.is_file() and not check.is_symlink()


@pytest.mark.parametrize("target", ["folder", "dangling"])
def test_a_linked_blueprint_folder_is_refused(run, course, tmp_path, target):
    site = tmp_path / "site"
    site.mkdir()
    outside = tmp_path / "elsewhere"
    if target == "folder":
        outside.mkdir()
        (outside / "check.txt").write_text("precious")
    (site / "tiny").symlink_to(outside, target_is_directory=True)
    r = run("build", course, "-o", site)
    assert r.exit_code == 1, r.output
    assert (
        f"course/tiny.yaml: not fully built: {site}/tiny: is a symbolic link; not followed "
        "(the site's folders must be real folders: remove the link)\n" in r.output
    )
    assert "internal error" not in r.output
    if target == "folder":
        assert sorted(p.name for p in outside.iterdir()) == ["check.txt"]
        assert (outside / "check.txt").read_text() == "precious"
    else:
        assert not outside.exists()
    assert (site / "other" / "diagram.svg").is_file()  # the other blueprint is still built
    assert (site / "tiny").is_symlink()


def test_named_pipes_in_the_site_are_replaced_never_opened(course, tmp_path):
    """Opening a FIFO for writing blocks until a reader comes: the build would
    hang. Run in a process with a time limit, so a hang fails the test."""
    site = tmp_path / "site"
    (site / "tiny").mkdir(parents=True)
    pipes = ["tiny/diagram.svg", "index.html", b.MANIFEST, b.LOCK, b.JOURNAL]
    for rel in pipes:
        os.mkfifo(site / rel)
    p = build_process(course, site)
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    for rel in pipes:
        if rel != b.JOURNAL:  # the journal is removed at the end of a finished build
            assert (site / rel).is_file(), rel
        assert f"{site}/{rel}: was a named pipe; replaced by a regular file" in err, rel
    assert not (site / b.JOURNAL).exists()


# ------------------------------------------------------------------- kill -9 and rebuild

#: the kill points are drawn with this seed (set BLUEPRINT_KILL_SEED to try others);
#: benchmarks/kill_rebuild.py runs many more
SEED = int(os.environ.get("BLUEPRINT_KILL_SEED", "13"))
POINTS = 5


def _output_count(site: Path, slugs) -> int:
    return sum(1 for s in slugs for p in (site / s).iterdir() if p.is_file())


def test_killed_rebuild_of_an_edit_then_revert_equals_a_clean_build(run, course, tmp_path):
    """Edit a blueprint (a new role, new text), delete one and add one; start
    the build and kill it at a seeded choice of moments (after the Nth output
    is written, or with the Nth temporary file complete but not yet renamed);
    revert; build: the site equals a clean build's, byte for byte."""
    clean = tmp_path / "clean"
    assert run("build", course, "-o", clean).exit_code == 0
    base = tmp_path / "base"  # the site the edit starts from (times kept: still up to date)
    shutil.copytree(clean, base, symlinks=True)

    def edit():
        (course / "tiny.yaml").write_text(TINY_EDITED, encoding="utf-8")
        (course / "other.yaml").unlink()
        (course / "third.yaml").write_text(OTHER.replace("Other", "Third"), encoding="utf-8")

    def revert():
        (course / "tiny.yaml").write_text(TINY, encoding="utf-8")
        (course / "other.yaml").write_text(OTHER, encoding="utf-8")
        (course / "third.yaml").unlink()

    # the edited build, whole: how many outputs it writes (the kill points to choose from)
    probe = tmp_path / "probe"
    shutil.copytree(base, probe, symlinks=True)
    edit()
    r = run("build", course, "-o", probe)
    assert "2 built, 0 up to date" in r.output, r.output
    assert not (probe / "other").exists()  # the deleted blueprint's folder is gone
    assert (probe / "tiny" / "role-chef.md").is_file()
    writes = _output_count(probe, ["tiny", "third"])
    # tiny: check, analysis, handout, svg, pdf + customer, role-chef, role-waiter and the
    # unnamed support lane's script (backstage is the chef's now) as .html and .md = 5 + 4*2
    # = 13
    # third: check, analysis, handout, svg, pdf + customer and the unnamed frontstage and
    # support lanes' scripts as .html and .md = 5 + 3*2 = 11
    assert writes == 13 + 11
    revert()
    assert run("build", course, "-o", probe).exit_code == 0
    assert_same_site(probe, clean, "the edit built whole, then reverted")

    rng = random.Random(SEED)
    for n in sorted(rng.sample(range(1, writes + 1), POINTS)):
        event = rng.choice(["kill-after-write", "kill-before-rename"])
        site = tmp_path / f"site-{n}"
        shutil.copytree(base, site, symlinks=True)
        edit()
        killed_build(course, site, f"{event}:{n}")
        if event == "kill-before-rename":
            assert [p for p in site.rglob(".tmp-*")], "the kill left no temporary file"
        revert()
        r = run("build", course, "-o", site)
        assert r.exit_code == 0, r.output
        assert_same_site(site, clean, (SEED, event, n))


def test_killed_first_build_then_rebuild_equals_a_clean_build(run, course, tmp_path):
    clean = tmp_path / "clean"
    assert run("build", course, "-o", clean).exit_code == 0
    site = tmp_path / "site"
    killed_build(course, site, "kill-before-rename:3")
    assert (site / b.JOURNAL).is_file()  # the next build knows this one was killed
    left = [p.name for p in site.rglob(".tmp-*")]
    assert len(left) == 1, left  # the third file, complete, not yet renamed
    (site / ".tmp-mine").write_text("a file of the user's that looks temporary")
    r = run("build", course, "-o", site)
    assert r.exit_code == 0 and "2 built, 0 up to date" in r.output, r.output
    assert (site / ".tmp-mine").read_text() == "a file of the user's that looks temporary"
    (site / ".tmp-mine").unlink()
    assert_same_site(site, clean)


def test_workers_exit_when_the_main_process_is_killed(course, tmp_path):
    for i in range(3):
        (course / f"more-{i}.yaml").write_text(TINY, encoding="utf-8")
    site = tmp_path / "site"
    p = build_process(course, site, "--jobs", "2", hook="kill-parent-after:1")
    assert p.stderr is not None
    # not communicate(): workers left alive would keep the pipe open, and it would hang
    line = ""
    while not line.startswith("workers: "):
        line = p.stderr.readline()
        assert line, "the build ended without naming its workers"
    assert p.wait(timeout=300) == -signal.SIGKILL
    pids = [int(x) for x in line.split()[1:]]
    assert len(pids) == 2
    alive = []
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue  # already gone
        try:  # a pidfd becomes readable when its process has exited
            ready, _, _ = select.select([fd], [], [], 60)
        finally:
            os.close(fd)
        if not ready:
            alive.append(pid)
            os.kill(pid, signal.SIGKILL)  # ours: do not leave it behind
    p.stderr.close()
    p.stdout.close()
    assert alive == [], f"workers {alive} still alive after the main process died"


def test_a_killed_worker_is_one_line_and_the_next_build_finishes(run, course, tmp_path):
    clean = tmp_path / "clean"
    assert run("build", course, "-o", clean).exit_code == 0
    site = tmp_path / "site"
    p = build_process(course, site, "--jobs", "2", hook="kill-after-write:2")
    _, err = p.communicate(timeout=300)
    assert p.returncode == 2, err
    assert err.splitlines()[-1] == (
        f"blueprint: {site}: a worker process died (killed, or out of memory); "
        "build again, perhaps with fewer --jobs"
    )
    assert "Traceback" not in err
    r = run("build", course, "-o", site)
    assert r.exit_code == 0, r.output
    assert_same_site(site, clean)


def test_a_full_disk_is_one_line_and_the_next_build_finishes(run, course, tmp_path, monkeypatch):
    clean = tmp_path / "clean"
    assert run("build", course, "-o", clean).exit_code == 0
    site = tmp_path / "site"
    real_write = os.write
    written = []

    def fill_up(fd, data):  # the disk is full after the 3rd write
        if len(written) >= 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", fill_up)
    r = run("build", course, "-o", site)
    monkeypatch.setattr(os, "write", real_write)
    assert r.exit_code == 2, r.output
    assert r.output.splitlines()[-1].startswith("blueprint: ")
    assert r.output.splitlines()[-1].endswith(": cannot write: No space left on device")
    assert "Traceback" not in r.output and "internal error" not in r.output
    r = run("build", course, "-o", site)
    assert r.exit_code == 0, r.output
    assert_same_site(site, clean)


def test_a_torn_journal_and_a_broken_manifest_mean_rebuild(run, course, tmp_path):
    clean = tmp_path / "clean"
    assert run("build", course, "-o", clean).exit_code == 0
    site = tmp_path / "site"
    shutil.copytree(clean, site, symlinks=True)
    (site / b.MANIFEST).write_text('{"format": 2, "entries": {"tiny": ')
    (site / b.JOURNAL).write_text('{"op": "put", "slug": "tiny", "entry"')
    r = run("build", course, "-o", site)
    assert r.exit_code == 0 and "2 built, 0 up to date" in r.output, r.output
    assert_same_site(site, clean)


def test_a_tampered_manifest_is_not_trusted(run, course, tmp_path):
    """The site may be writable by others: a record of the wrong shape is
    ignored, and no name in it leads outside the site."""
    import json

    clean = tmp_path / "clean"
    assert run("build", course, "-o", clean).exit_code == 0
    site = tmp_path / "site"
    shutil.copytree(clean, site, symlinks=True)
    victim = tmp_path / "evil" / "x"
    victim.parent.mkdir()
    victim.write_text("not the tool's")
    st = victim.stat()
    data = json.loads((site / b.MANIFEST).read_text(encoding="utf-8"))
    data["entries"]["tiny"]["summary"] = {"title": 5}  # the hash still matches
    data["entries"]["other"]["outputs"] = ["check.txt"]
    data["entries"]["../evil"] = {
        "source": None,
        "hash": None,
        "outputs": {"x": [st.st_size, st.st_mtime_ns]},
        "pending": ["x"],
        "summary": None,
    }
    (site / b.MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    r = run("build", course, "-o", site)
    assert r.exit_code == 0, r.output
    assert "2 built, 0 up to date" in r.output
    assert victim.read_text() == "not the tool's"
    assert_same_site(site, clean)


def test_the_manifest_is_written_once_per_build(run, course, tmp_path, monkeypatch):
    """Saving it after every blueprint grew with the square of their number."""
    from blueprint.fsutil import OutputTree

    writes: list[str] = []
    real = OutputTree.write

    def counting(self, rel, data):
        writes.append(rel)
        return real(self, rel, data)

    monkeypatch.setattr(OutputTree, "write", counting)
    site = tmp_path / "site"
    assert run("build", course, "-o", site).exit_code == 0
    assert writes.count(b.MANIFEST) == 1  # not once per blueprint (2)
    writes.clear()
    r = run("build", course, "-o", site)
    assert "0 built, 2 up to date" in r.output
    assert writes == []  # nothing changed: nothing written, not even the manifest
    assert not (site / b.JOURNAL).exists()


# ------------------------------------------------------------------- what the site holds


def test_same_named_blueprints_in_two_folders_one_removed_then_restored(run, tmp_path):
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    (src / "a" / "x.yaml").write_text(TINY, encoding="utf-8")
    (src / "b" / "x.yaml").write_text(OTHER, encoding="utf-8")
    clean = tmp_path / "clean"
    assert run("build", src, "-o", clean).exit_code == 0
    site = tmp_path / "site"
    assert run("build", src, "-o", site).exit_code == 0
    (src / "a" / "x.yaml").rename(tmp_path / "x.yaml")
    r = run("build", src, "-o", site)
    assert "1 built, 0 up to date" in r.output, r.output  # b/x.yaml moves to the folder x
    assert not (site / "x-2").exists()
    (tmp_path / "x.yaml").rename(src / "a" / "x.yaml")
    r = run("build", src, "-o", site)
    assert "2 built, 0 up to date" in r.output, r.output
    assert_same_site(site, clean)
    rows = (site / "index.html").read_text(encoding="utf-8").split("<tr>")[2:]
    # a/x.yaml (Tiny) is in the folder x, b/x.yaml (Other) in x-2
    assert "<strong>Tiny</strong>" in rows[0] and 'href="x/diagram.svg"' in rows[0]
    assert "<strong>Other</strong>" in rows[1] and 'href="x-2/diagram.svg"' in rows[1]
    assert "<title>Tiny" in (site / "x" / "handout.html").read_text(encoding="utf-8")
    assert "<title>Other" in (site / "x-2" / "handout.html").read_text(encoding="utf-8")


def test_deleted_and_renamed_blueprints_and_removed_roles_leave_nothing(run, course, tmp_path):
    site = tmp_path / "site"
    assert run("build", course, "-o", site).exit_code == 0
    (course / "other.yaml").rename(course / "renamed.yaml")
    (course / "tiny.yaml").write_text(TINY_NO_ROLE, encoding="utf-8")
    r = run("build", course, "-o", site)
    assert r.exit_code == 0, r.output
    assert not (site / "other").exists()
    assert (site / "renamed" / "diagram.svg").is_file()
    assert not (site / "tiny" / "role-waiter.md").exists()
    assert not (site / "tiny" / "role-waiter.html").exists()
    # other: 5 + customer, frontstage and support scripts as .html and .md = 11;
    # tiny: role-waiter.html and .md = 2
    assert ", 13 old files removed" in r.output
    clean = tmp_path / "clean"
    assert run("build", course, "-o", clean).exit_code == 0
    assert_same_site(site, clean)


def test_files_the_tool_did_not_write_are_kept(run, course, tmp_path):
    site = tmp_path / "site"
    assert run("build", course, "-o", site).exit_code == 0
    (site / "other" / "notes.txt").write_text("the trainer's notes")
    (site / "other" / "handout.html").write_text("edited by hand")
    (site / "README").write_text("the site's own readme")
    (course / "other.yaml").unlink()
    r = run("build", course, "-o", site)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (site / "other").iterdir()) == ["handout.html", "notes.txt"]
    assert (site / "other" / "handout.html").read_text() == "edited by hand"
    assert (
        f"blueprint: {site}/other/handout.html: no longer built, but changed since blueprint "
        "wrote it; left in place\n" in r.output
    )
    assert (site / "README").read_text() == "the site's own readme"


# ------------------------------------------------------------------- two builds at once


def _paper(pdf: Path) -> tuple[int, int]:
    import pypdf

    box = pypdf.PdfReader(str(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


#: landscape, in points (1 mm = 72 / 25.4 pt): A3 420 x 297 mm, A4 297 x 210 mm
A3 = (round(420 * 72 / 25.4), round(297 * 72 / 25.4))  # (1191, 842)
A4 = (round(297 * 72 / 25.4), round(210 * 72 / 25.4))  # (842, 595)


def test_a_second_build_into_the_same_folder_is_refused_while_the_first_runs(run, course, tmp_path):
    site = tmp_path / "site"
    first = build_process(
        course, site, "--paper", "a3", hook="pause-after-write:1", stdin=subprocess.PIPE
    )
    assert first.stderr is not None and first.stdin is not None
    assert first.stderr.readline().startswith("paused after ")  # it holds the lock now
    r = run("build", course, "-o", site, "--paper", "a4")
    assert r.exit_code == 2
    assert r.output == (
        f"blueprint: {site}: another build is writing into this folder; "
        "run this one when it has finished\n"
    )
    out, err = first.communicate(input="", timeout=300)  # its standard input closes: it goes on
    assert first.returncode == 0, err
    assert _paper(site / "tiny" / "diagram.pdf") == A3
    assert _paper(site / "other" / "diagram.pdf") == A3
    r = run("build", course, "-o", site, "--paper", "a4")
    assert "2 built, 0 up to date" in r.output  # another paper is another input
    assert _paper(site / "tiny" / "diagram.pdf") == A4


def test_a_file_system_without_locks_builds_and_says_so(run, course, tmp_path, monkeypatch):
    import fcntl

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    site = tmp_path / "site"
    r = run("build", course, "-o", site)
    assert r.exit_code == 0, r.output
    assert (
        f"blueprint: {site}/{b.LOCK}: cannot lock (No locks available); "
        "do not start two builds into this folder at once\n" in r.output
    )


# ------------------------------------------------------------------- an output folder that cannot be made


def test_an_output_folder_under_a_file_is_one_line(run, course, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    r = run("build", course, "-o", afile / "sub")
    assert r.exit_code == 2
    assert r.output == (
        f"blueprint: {afile}/sub: cannot create the folder: a part of it is a file\n"
    )


@pytest.mark.parametrize(
    "error",
    [(errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied")],
    ids=["read-only", "no-permission"],
)
def test_an_output_folder_that_cannot_be_made_is_one_line(
    run, course, tmp_path, monkeypatch, error
):
    def refuse(*args, **kw):
        raise OSError(*error)

    monkeypatch.setattr(os, "makedirs", refuse)
    monkeypatch.setattr(os, "mkdir", refuse)
    site = tmp_path / "new" / "site"
    r = run("build", course, "-o", site)
    assert r.exit_code == 2
    assert r.output == f"blueprint: {site}: cannot create the folder: {error[1]}\n"
    for args in (["render", "--format", "dot"], ["script"]):
        out = tmp_path / "new" / "x.out"
        r = run(*args, course / "tiny.yaml", "-o", out)
        assert r.exit_code == 2, args
        assert r.output == f"blueprint: {out}: cannot write: {error[1]}\n", args


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_a_folder_without_write_permission_is_one_line(run, course, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        r = run("build", course, "-o", locked / "site")
        assert r.exit_code == 2
        assert (
            r.output == f"blueprint: {locked}/site: cannot create the folder: Permission denied\n"
        )
    finally:
        locked.chmod(0o755)
