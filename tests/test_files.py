"""Outputs never lose a file: no command writes over its input, a failed or
interrupted write leaves the old file (or nothing), never half a file, and
no temporary file stays behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "tests" / "rules" / "empty-lane.pass.yaml"

#: a command writing a file, by the option it takes: (args before the input, suffix of the output)
WRITERS = {
    "check": (["check", "--format", "json"], ".json"),
    "render": (["render", "--format", "dot"], ".dot"),
    "script": (["script", "--format", "md"], ".md"),
}


@pytest.fixture
def blueprint_file(tmp_path):
    path = tmp_path / "bp.yaml"
    shutil.copy(CLEAN, path)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".tmp-"))


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_output_equal_to_input_is_refused(run, blueprint_file, command):
    args, _ = WRITERS[command]
    before = blueprint_file.read_bytes()
    r = run(*args, "-o", blueprint_file, blueprint_file)
    assert r.exit_code == 2, r.output
    assert "refusing to write over the input file" in r.output
    assert blueprint_file.read_bytes() == before
    assert leftovers(blueprint_file.parent) == []


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_output_reaching_the_input_another_way_is_refused(
    run, blueprint_file, command, monkeypatch
):
    """The same file under another name: a relative path, a symlink, a hard link."""
    args, _ = WRITERS[command]
    before = blueprint_file.read_bytes()
    folder = blueprint_file.parent
    link = folder / "link.yaml"
    link.symlink_to(blueprint_file)
    hard = folder / "hard.yaml"
    os.link(blueprint_file, hard)
    monkeypatch.chdir(folder)
    for out in ("./bp.yaml", "../" + folder.name + "/bp.yaml", str(link), str(hard)):
        r = run(*args, "-o", out, blueprint_file)
        assert r.exit_code == 2, (out, r.output)
        assert blueprint_file.read_bytes() == before, out
    assert leftovers(folder) == []


def test_check_refuses_to_write_over_any_of_its_inputs(run, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(CLEAN, a)
    shutil.copy(CLEAN, b)
    r = run("check", "--format", "json", "-o", b, a, b)
    assert r.exit_code == 2
    assert b.read_bytes() == CLEAN.read_bytes()


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_output_folders_are_created(run, blueprint_file, command):
    args, suffix = WRITERS[command]
    out = blueprint_file.parent / "new" / "deeper" / ("out" + suffix)
    r = run(*args, "-o", out, blueprint_file)
    assert r.exit_code == 0, r.output
    assert out.is_file() and out.stat().st_size > 0
    assert leftovers(out.parent) == []


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_output_that_is_a_folder_is_a_usage_error(run, blueprint_file, command):
    args, _ = WRITERS[command]
    folder = blueprint_file.parent / "out.d"
    folder.mkdir()
    r = run(*args, "-o", folder, blueprint_file)
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", sorted(WRITERS))
@pytest.mark.parametrize(
    "failure",
    [OSError(28, "No space left on device"), KeyboardInterrupt()],
    ids=["disk-full", "ctrl-c"],
)
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    run, blueprint_file, command, failure, monkeypatch
):
    args, suffix = WRITERS[command]
    out = blueprint_file.parent / ("out" + suffix)
    out.write_text("the previous, complete output\n")

    def fail(src, dst):
        raise failure

    monkeypatch.setattr(os, "replace", fail)
    r = run(*args, "-o", out, blueprint_file)
    assert r.exit_code == (130 if isinstance(failure, KeyboardInterrupt) else 2), r.output
    assert "Traceback" not in r.output
    assert out.read_text() == "the previous, complete output\n"
    assert leftovers(out.parent) == []
    if isinstance(failure, OSError):
        assert "No space left on device" in r.output


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_failed_first_write_leaves_nothing(run, blueprint_file, command, monkeypatch):
    args, suffix = WRITERS[command]
    out = blueprint_file.parent / ("out" + suffix)
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[: len(data) // 2])  # half of it reaches the disk
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **kw: Full(real_fdopen(fd, *a, **kw)))
    r = run(*args, "-o", out, blueprint_file)
    assert r.exit_code == 2, r.output
    assert not out.exists()
    assert leftovers(out.parent) == []


@pytest.mark.dot
def test_ctrl_c_during_build_leaves_only_complete_files(run, tmp_path, monkeypatch):
    """Interrupt a build at its fifth write: each file then present is whole
    (byte-identical to an uninterrupted build), and no temporary file remains."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(CLEAN, src / name)
    full = tmp_path / "full"
    r = run("build", "-o", full, src)
    assert r.exit_code == 0, r.output

    real_replace = os.replace
    calls = []

    def replace_then_interrupt(a, b, **kw):
        calls.append(b)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real_replace(a, b, **kw)

    monkeypatch.setattr(os, "replace", replace_then_interrupt)
    cut = tmp_path / "cut"
    r = run("build", "-o", cut, src)
    monkeypatch.setattr(os, "replace", real_replace)
    assert r.exit_code == 130, r.output
    assert len(calls) == 5
    written = sorted(p.relative_to(cut) for p in cut.rglob("*") if p.is_file())
    assert written, "nothing was written before the interruption"
    for rel in written:
        assert not rel.name.startswith(".tmp-"), f"temporary file left: {rel}"
        if rel.name.startswith(".blueprint-build."):
            continue  # the build's own records of what is done (they differ: the build was cut short)
        assert (cut / rel).read_bytes() == (full / rel).read_bytes(), f"{rel} is not complete"
    r = run("build", "-o", cut, src)  # the next build finishes the job
    assert r.exit_code == 0, r.output

    def files(site):
        return {
            p.relative_to(site): p.read_bytes()
            for p in site.rglob("*")
            if p.is_file() and p.name not in (".blueprint-build.json", ".blueprint-build.lock")
        }

    assert files(cut) == files(full)


def test_a_link_at_an_output_is_replaced_and_its_target_untouched(tmp_path):
    from blueprint.fsutil import write_atomic

    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    note = write_atomic(str(link), "new")
    assert not link.is_symlink() and link.read_text() == "new"
    assert target.read_text() == "old"
    assert (
        note == f"{link}: was a symbolic link; replaced by a regular file (its target is untouched)"
    )
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "nowhere" / "new.txt")
    write_atomic(str(dangling), "new")
    assert dangling.read_text() == "new" and not (tmp_path / "nowhere").exists()


def test_a_device_or_a_pipe_the_user_names_is_written_through_not_replaced(tmp_path):
    import stat
    import threading

    from blueprint.fsutil import write_atomic

    assert write_atomic("/dev/null", "nothing") is None  # as root, a rename would replace /dev/null
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    write_atomic(str(fifo), b"through the pipe")
    reader.join(timeout=10)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_dev_stdout_redirected_to_a_file_is_written_through(tmp_path):
    """`-o /dev/stdout` while standard output goes to a file: the file gets the
    output and /dev/stdout stays the link it is."""
    import subprocess
    import sys

    out = tmp_path / "captured.dot"
    with open(out, "wb") as fh:
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "blueprint",
                "render",
                "--format",
                "dot",
                "-o",
                "/dev/stdout",
                str(CLEAN),
            ],
            stdout=fh,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8").startswith("digraph")
    assert os.path.islink("/dev/stdout")


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_link_planted_at_the_output_is_replaced_not_written_through(run, blueprint_file, command):
    """`-o docs/x.svg` where a pull request made docs/x.svg a link to ~/.profile."""
    args, suffix = WRITERS[command]
    profile = blueprint_file.parent / "home" / ".profile"
    profile.parent.mkdir()
    profile.write_text("export PATH=$HOME/bin:$PATH\n")
    out = blueprint_file.parent / ("out" + suffix)
    out.symlink_to(profile)
    r = run(*args, "-o", out, blueprint_file)
    assert r.exit_code in (0, 1), r.output  # check's exit code is about the problems
    assert profile.read_text() == "export PATH=$HOME/bin:$PATH\n"
    assert out.is_file() and not out.is_symlink() and out.stat().st_size > 0
    assert (
        f"blueprint: {out}: was a symbolic link; replaced by a regular file "
        "(its target is untouched)\n" in r.output
    )
    assert leftovers(out.parent) == []


def test_an_output_tree_never_leaves_its_folder(tmp_path):
    from blueprint.fsutil import OutputError, OutputTree

    site = tmp_path / "site"
    with OutputTree(str(site)) as tree:
        for rel in ("../escaped.txt", "a/../../escaped.txt", "/tmp/escaped.txt", "./x", "a//b"):
            with pytest.raises(OutputError, match="not a name inside the output folder"):
                tree.write(rel, "x")
        tree.write("a/b.txt", "inside")
    assert not (tmp_path / "escaped.txt").exists()
    assert (site / "a" / "b.txt").read_text() == "inside"
