"""`blueprint build`: every blueprint of a folder to diagrams, scripts and an index.

For each blueprint ``<stem>.yaml`` the build writes, under ``OUTDIR/<stem>/``:
``diagram.svg``, ``diagram.pdf`` (print-ready), ``handout.html`` (every script in
one print handout), ``customer`` and ``role-<role>`` scripts (HTML and Markdown),
``analysis.json`` and ``check.txt``; then ``OUTDIR/index.html`` lists every
blueprint with its check status and analysis headline.

The site folder is the tool's own (:class:`blueprint.fsutil.OutputTree`): no
write, read or removal in it follows a symbolic link or opens a pipe.

Builds are incremental, and the record of what was built never lies:

- ``.blueprint-build.json`` (the manifest) holds, for each blueprint folder,
  the source, a hash of every input its outputs depend on (the file's bytes
  and the path it was given as, the project configuration, the templates,
  blueprint's version and the options) and the size and modification time of
  each output as written.
- ``.blueprint-build.journal`` records, line by line and in order, what this
  build is doing: a folder about to be rebuilt is marked stale *before* any of
  its files is written; each output is named before it is written; the new
  record is appended only when all of the blueprint's outputs are complete.
  The journal is folded into the manifest once, at the end (linear time), and
  replayed by the next build if this one was killed.
- An entry is up to date only when its hash matches and every output is still
  the regular file that was written (same size and time).
- Outputs that the manifest no longer owns (a deleted or renamed blueprint, a
  removed role) are removed; a file the tool did not write (or that changed
  since) is left where it is.
- ``.blueprint-build.lock`` is locked (``flock``) for the whole build: a
  second build into the same folder is refused with one line.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import signal
import stat
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol

from blueprint import __version__
from blueprint.fsutil import Busy, OutputError, OutputTree

MANIFEST = ".blueprint-build.json"
JOURNAL = ".blueprint-build.journal"
LOCK = ".blueprint-build.lock"
INDEX = "index.html"
BLUEPRINT_ERRORS = "the blueprint has errors"  # the one failure a rebuild would only repeat
FORMAT = 2  # of the manifest; another number (or a broken file) means: rebuild all
#: names the site itself uses at its top level; a blueprint's folder never takes one
RESERVED = frozenset({INDEX, MANIFEST, JOURNAL, LOCK})
#: for tests only: "kill-after-write:N", "kill-before-rename:N", "pause-after-write:N"
#: (the build process, counting its own output files) or "kill-parent-after:N" (the
#: main process of a --jobs build, after N blueprints, naming its workers first)
TEST_HOOK = "BLUEPRINT_TEST_HOOK"

Summary = dict[str, Any]
Entry = dict[str, Any]


@dataclass(frozen=True)
class BuildOptions:
    paper: str = "a4"
    theme: str = "color"
    templates: str | None = None
    inferred: bool = True


@dataclass
class BuildResult:
    """What a build did, for the command line to print."""

    summaries: list[Summary]  # one per blueprint, in the order given
    built: int
    up_to_date: int
    index: str  # path of index.html
    removed: list[str] = field(default_factory=list)  # outputs no longer owned, removed
    notes: list[str] = field(default_factory=list)  # one line each: links replaced, files kept

    @property
    def with_problems(self) -> list[Summary]:
        return [s for s in self.summaries if s["errors"] or s.get("failed")]


class Progress(Protocol):
    def update(self, n_steps: int) -> None: ...


# ---------------------------------------------------------------- what outputs depend on


def tree_digest(folder: str | None) -> str:
    """A hash of every regular file under ``folder`` (a template folder), by relative
    name and content; a pipe or device there is never opened."""
    h = hashlib.sha256()
    if folder and os.path.isdir(folder):
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                p = os.path.join(root, name)
                if not os.path.isfile(p):  # a pipe among the templates is not read
                    continue
                h.update(os.path.relpath(p, folder).encode("utf-8", "surrogateescape") + b"\0")
                try:
                    with open(p, "rb") as fh:
                        h.update(hashlib.sha256(fh.read()).digest())
                except OSError:
                    h.update(b"<unreadable>")
    return h.hexdigest()


def shared_hash(options: BuildOptions) -> str:
    """Hash of what every blueprint's outputs depend on besides its own file:
    blueprint's version, the options and the templates (built-in and the
    designer's)."""
    from blueprint.resources import templates_dir

    h = hashlib.sha256()
    for part in (
        __version__,
        str(FORMAT),
        options.paper,
        options.theme,
        str(options.inferred),
        tree_digest(str(templates_dir())),
        tree_digest(options.templates),
    ):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


#: a top-level ``replaces:`` line (the as-is a to-be replaces), read without parsing the YAML
_REPLACES = re.compile(rb"^replaces:[ \t]*([^#\r\n]+)", re.M)


def input_hash(path: str, shared: str) -> str:
    """The hash that decides whether ``path`` must be rebuilt: ``shared``, the
    path as given (it is printed in check.txt and the index), the file's bytes
    the project configuration that applies to it (its path and bytes) and, for a to-be
    blueprint, the as-is it ``replaces:`` (its comparison page is built from both)."""
    from blueprint.config import find_config

    h = hashlib.sha256()
    h.update(shared.encode() + b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
    data = b""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        h.update(hashlib.sha256(data).digest())
    except OSError:
        h.update(b"<unreadable>")
    replaced = _REPLACES.search(data)
    if replaced:  # the comparison page of a to-be depends on the as-is it names
        from blueprint.comparison import replaced_path

        name = replaced.group(1).decode("utf-8", "surrogateescape").strip().strip("'\"")
        as_is = replaced_path(path, name)
        h.update(b"\0replaces\0" + as_is.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(as_is, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
        except OSError:
            h.update(b"<unreadable>")
    cfg = find_config(os.path.dirname(os.path.abspath(path)))
    if cfg.path:
        h.update(b"\0" + str(cfg.path).encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(cfg.path, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
        except OSError:
            h.update(b"<unreadable>")
    return h.hexdigest()


def _slug(path: str, taken: set[str]) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in stem).strip(".") or "blueprint"
    if safe in RESERVED:  # names the site itself uses
        safe = f"{safe}-blueprint"
    slug, n = safe, 2
    while slug in taken:
        slug, n = f"{safe}-{n}", n + 1
    taken.add(slug)
    return slug


# ---------------------------------------------------------------- the manifest and its journal


_SUMMARY_TYPES: dict[str, type | tuple[type, ...]] = {
    "path": str,
    "slug": str,
    "title": str,
    "id": str,
    "errors": int,
    "warnings": int,
    "outputs": list,
    "problems": list,
    "headline": dict,
    "failed": str,
}
_HEADLINE_TYPES: dict[str, type | tuple[type, ...]] = {
    "fail_declared": int,
    "fail_inferred": int,
    "waits": int,
    "waits_over": int,
    "peak": list,
    "end": list,
    "peak_end_score": (int, float, type(None)),
}


def _valid_summary(s: object) -> bool:
    """Could ``s`` (read back from the site, which others may write) be shown in the index?"""
    if not isinstance(s, dict):
        return False
    if not all(isinstance(s.get(k), t) for k, t in _SUMMARY_TYPES.items()):
        return False
    h, labels = s["headline"], s.get("labels", {})
    return (
        (not h or all(isinstance(h.get(k), t) for k, t in _HEADLINE_TYPES.items()))
        and all(isinstance(x, str) for x in s["outputs"] + s["problems"])
        and all(isinstance(x, str) for x in h.get("peak", []) + h.get("end", []))
        and isinstance(labels, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items())
    )


def _valid_entry(e: object) -> bool:
    if not isinstance(e, dict):
        return False
    outputs, pending = e.get("outputs"), e.get("pending", [])
    return (
        isinstance(e.get("source"), (str, type(None)))
        and isinstance(e.get("hash"), (str, type(None)))
        and isinstance(outputs, dict)
        and all(
            isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) for x in r)
            for r in outputs.values()
        )
        and isinstance(pending, list)
        and all(isinstance(n, str) for n in pending)
        and (e.get("summary") is None or _valid_summary(e["summary"]))
    )


def _empty_entry() -> Entry:
    return {"source": None, "hash": None, "outputs": {}, "pending": [], "summary": None}


class Manifest:
    """The record of what the site holds: an entry per blueprint folder (slug).

    Changes go to the journal first, one JSON line each (appended with one
    write, so a kill leaves at most a torn last line, which is ignored);
    :meth:`compact` folds them into the manifest file once, at the end."""

    def __init__(self, tree: OutputTree):
        self.tree = tree
        self.entries: dict[str, Entry] = {}
        raw = tree.read(MANIFEST)
        if raw is not None:
            try:
                data = json.loads(raw)
                if isinstance(data, dict) and data.get("format") == FORMAT:
                    entries = data.get("entries")
                    if isinstance(entries, dict):
                        self.entries = {k: v for k, v in entries.items() if _valid_entry(v)}
            except ValueError:
                pass
        journal = tree.read(JOURNAL)
        #: a journal left behind: the last build was killed (temporary files may be left)
        self.interrupted = journal is not None or tree.lstat(JOURNAL) is not None
        self.dirty = bool(journal)
        for line in (journal or b"").split(b"\n"):
            try:
                op = json.loads(line)
            except ValueError:
                continue  # the torn last line of a killed build, or an empty one
            if isinstance(op, dict):
                self._apply(op)
        self.journal_fd: int | None = None

    def _apply(self, op: dict) -> None:
        slug = op.get("slug")
        if not isinstance(slug, str):
            return
        kind = op.get("op")
        if kind == "put" and _valid_entry(op.get("entry")):
            self.entries[slug] = op["entry"]
        elif kind == "drop":
            self.entries.pop(slug, None)
        elif kind == "stale":
            self.entries.setdefault(slug, _empty_entry())["hash"] = None
        elif kind == "pending" and isinstance(op.get("name"), str):
            pending = self.entries.setdefault(slug, _empty_entry()).setdefault("pending", [])
            if op["name"] not in pending:
                pending.append(op["name"])

    def begin(self) -> None:
        """Open the journal: from now on the site may change."""
        self.journal_fd = self.tree.open_file(JOURNAL, os.O_WRONLY | os.O_APPEND)

    def log(self, op: dict) -> None:
        self._apply(op)
        self.dirty = True
        assert self.journal_fd is not None
        _append(self.journal_fd, op, self.tree.show(JOURNAL))

    def compact(self) -> None:
        """Write the manifest whole (atomically), then remove the journal."""
        if self.dirty:
            data = {"format": FORMAT, "version": __version__, "entries": self.entries}
            self.tree.write(
                MANIFEST, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
            )
        if self.journal_fd is not None:
            os.close(self.journal_fd)
            self.journal_fd = None
        self.tree.remove(JOURNAL)


def _append(fd: int, op: dict, where: str) -> None:
    """One line, in one write. It starts with a line break, so a line torn by a
    kill or a full disk never swallows the next one (empty lines are skipped)."""
    line = ("\n" + json.dumps(op, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    try:
        if os.write(fd, line) != len(line):
            raise OSError(errno.ENOSPC, "No space left on device")
    except OSError as exc:
        raise OutputError(f"{where}: cannot write: {exc.strerror or exc}") from None


def _same_output(st: os.stat_result | None, record: Any) -> bool:
    """Is the entry ``st`` still the file the build wrote (recorded as [size, mtime_ns])?"""
    return (
        st is not None
        and stat.S_ISREG(st.st_mode)
        and isinstance(record, list)
        and len(record) == 2
        and [st.st_size, st.st_mtime_ns] == record
    )


def _record(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns]


def up_to_date(entry: Entry | None, source: str, digest: str, tree: OutputTree, slug: str) -> bool:
    """May the outputs recorded in ``entry`` stand for ``source`` built with ``digest``?"""
    if not entry or entry.get("hash") != digest or entry.get("source") != source:
        return False
    summary = entry.get("summary")
    if not isinstance(summary, dict) or entry.get("pending"):
        return False
    if summary.get("failed") and summary["failed"] != BLUEPRINT_ERRORS:
        return False  # drawing, a template, writing or blueprint itself failed: try again
    outputs = entry.get("outputs")
    if not isinstance(outputs, dict) or set(outputs) != set(summary.get("outputs", [])):
        return False
    return all(_same_output(tree.lstat(f"{slug}/{n}"), r) for n, r in outputs.items())


def _owned(entry: Entry) -> dict[str, Any]:
    """Outputs the tool wrote under an entry: recorded ones with their [size,
    mtime_ns], and the pending ones (named before being written, by a build
    that did not finish) with None."""
    owned: dict[str, Any] = {n: None for n in entry.get("pending") or [] if _plain_name(n)}
    owned.update({n: r for n, r in (entry.get("outputs") or {}).items() if _plain_name(n)})
    return owned


def _plain_name(name: object) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name


def _remove_unowned(
    tree: OutputTree, slug: str, entry: Entry, keep: Iterable[str], removed: list[str]
) -> None:
    """Remove the outputs of ``entry`` not in ``keep``: a regular file that is
    still as the tool wrote it (or was pending), nothing else."""
    keep = set(keep)
    for name, record in sorted(_owned(entry).items()):
        if name in keep:
            continue
        rel = f"{slug}/{name}"
        st = tree.lstat(rel)
        if st is None:
            continue
        if _same_output(st, record) or (record is None and stat.S_ISREG(st.st_mode)):
            tree.remove(rel)
            removed.append(tree.show(rel))
        else:
            tree.notes.append(
                f"{tree.show(rel)}: no longer built, but changed since blueprint wrote it; left in place"
            )


# ---------------------------------------------------------------- building one blueprint


@dataclass
class Job:
    path: str
    slug: str
    digest: str


def build_one(
    path: str,
    tree: OutputTree,
    slug: str,
    options: BuildOptions,
    written: dict[str, list[int]],
    announce: Callable[[str], None] = lambda name: None,
) -> Summary:
    """Build one blueprint into ``tree/slug``; returns its summary for the
    index. Each output is ``announce``d before it is written and recorded in
    ``written`` (name → [size, mtime_ns]) after. Never raises for a broken
    blueprint: its problems are in the summary."""
    from blueprint import lint
    from blueprint.report import text as report_text

    result = lint.check_file(path)
    summary: Summary = {
        "path": path,
        "slug": slug,
        "title": os.path.basename(path),
        "id": "",
        "errors": result.count("error"),
        "warnings": result.count("warning"),
        "outputs": [],
        "problems": [p.format() for p in result.problems],
        "headline": {},
        "failed": "",
    }
    outputs: list[str] = summary["outputs"]

    def out(name: str, data: str | bytes) -> None:
        announce(name)
        written[name] = _record(tree.write(f"{slug}/{name}", data))
        outputs.append(name)

    out("check.txt", report_text([result]))
    if not result.loaded or summary["errors"]:
        summary["failed"] = BLUEPRINT_ERRORS
        return summary

    analysis = result.analysis
    bp = analysis.bp
    summary["title"], summary["id"] = bp.title, bp.id
    summary["headline"] = headline(analysis)
    out("analysis.json", json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2) + "\n")

    from blueprint import script as scripts

    handout = scripts.build(bp, analysis.structure, analysis)
    labels = summary["labels"] = {}
    try:
        out("handout.html", scripts.render(handout, "html", options.templates))
        parts = [("customer", scripts.select(handout, customer=True), handout.script("customer"))]
        parts += [
            (f"role-{role}", scripts.select(handout, role=role), handout.script("role", role))
            for role in handout.roles
        ]
        for stem, part, script in parts:
            out(f"{stem}.html", scripts.render(part, "html", options.templates))
            out(f"{stem}.md", scripts.render(part, "md", options.templates))
            labels[f"{stem}.html"] = script.title if script is not None else stem
    except scripts.ScriptError as exc:  # a broken designer template: one line, keep drawing
        summary["failed"] = str(exc)

    from blueprint import render as rnd
    from blueprint.render.backend import GraphvizError

    ropts = rnd.Options(theme=options.theme, paper=options.paper, inferred=options.inferred)
    try:
        out("diagram.svg", rnd.render(bp, analysis, "svg", ropts))
        out("diagram.pdf", rnd.render(bp, analysis, "pdf", ropts))
    except GraphvizError as exc:
        summary["failed"] = str(exc)
    from blueprint.comparison import add_comparison

    add_comparison(path, result, options, out)  # a to-be that replaces: an as-is gets its page
    return summary


def headline(a: Any) -> dict[str, Any]:
    """The figures the index shows for one blueprint."""
    by_id = a.bp.by_id
    return {
        "fail_declared": sum(1 for f in a.fail_points if f.declared),
        "fail_inferred": sum(1 for f in a.fail_points if not f.declared),
        "waits": len(a.wait_points),
        "waits_over": sum(1 for w in a.wait_points if w.over_tolerance),
        "peak": [by_id[p].text for p in a.peaks],
        "end": [by_id[e].text for e in a.ends],
        "peak_end_score": a.peak_end_score,
    }


def _failed_summary(path: str, slug: str, failed: str, errors: int) -> Summary:
    return {
        "path": path,
        "slug": slug,
        "title": os.path.basename(path),
        "id": "",
        "errors": errors,
        "warnings": 0,
        "outputs": [],
        "headline": {},
        "problems": [],
        "failed": failed,
    }


def _build_job(
    job: Job, tree: OutputTree, options: BuildOptions, journal_fd: int | None
) -> dict[str, Any]:
    """Build one job; returns {"job", "summary", "written", "notes"} and never
    raises (but for Ctrl-C): a failure is in the summary."""
    written: dict[str, list[int]] = {}

    def announce(name: str) -> None:  # before the file exists: the journal owns it
        if journal_fd is not None:
            _append(
                journal_fd, {"op": "pending", "slug": job.slug, "name": name}, tree.show(JOURNAL)
            )

    try:
        summary = build_one(job.path, tree, job.slug, options, written, announce)
    except OutputError as exc:  # an output that cannot be written: one line, the others go on
        summary = _failed_summary(job.path, job.slug, str(exc), 0)
    except Exception as exc:  # a bug must not stop the other blueprints
        summary = _failed_summary(
            job.path, job.slug, f"internal error: {type(exc).__name__}: {exc}", 1
        )
    summary["outputs"] = [n for n in summary["outputs"] if n in written]
    for name in written:  # written before a failure: still the tool's, still listed
        if name not in summary["outputs"]:
            summary["outputs"].append(name)
    notes, tree.notes[:] = list(tree.notes), []
    return {"job": job, "summary": summary, "written": written, "notes": notes}


# --- worker processes (--jobs)

_WORKER: dict[str, Any] = {}


def _worker_init(parent: int, root: str, inputs: list[str], options: BuildOptions) -> None:
    """Set up a worker process: it dies with the main process (Linux:
    PR_SET_PDEATHSIG), and opens the site and the journal once."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    if os.getppid() != parent:  # the main process died before prctl took effect
        os._exit(1)
    tree = OutputTree(root, inputs, hook=_test_hook())
    _WORKER.update(
        tree=tree, options=options, journal=tree.open_file(JOURNAL, os.O_WRONLY | os.O_APPEND)
    )


def _worker(job: Job) -> dict[str, Any]:
    return _build_job(job, _WORKER["tree"], _WORKER["options"], _WORKER["journal"])


# --- test hooks


def _test_hook() -> Callable[[str, str], None] | None:
    spec = os.environ.get(TEST_HOOK, "")
    what, _, n = spec.partition(":")
    if (
        what not in ("kill-after-write", "kill-before-rename", "pause-after-write")
        or not n.isdigit()
    ):
        return None
    event = "temporary" if what == "kill-before-rename" else "written"
    count = [0]

    def hook(ev: str, rel: str) -> None:
        if ev != event or rel in RESERVED:
            return
        count[0] += 1
        if count[0] != int(n):
            return
        if what == "pause-after-write":  # tell the test, wait until it closes our standard input
            sys.stderr.write(f"paused after {rel}\n")
            sys.stderr.flush()
            sys.stdin.read()
        else:
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


def _parent_kill_after() -> int | None:
    what, _, n = os.environ.get(TEST_HOOK, "").partition(":")
    return int(n) if what == "kill-parent-after" and n.isdigit() else None


# ---------------------------------------------------------------- the whole build


def _lock(tree: OutputTree) -> int:
    """Lock the site for this build; Busy when another build holds it."""
    fd = tree.open_file(LOCK, os.O_RDWR)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not a POSIX system: no lock
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise Busy(
            f"{tree.root}: another build is writing into this folder; "
            "run this one when it has finished"
        ) from None
    except OSError as exc:  # a file system without locks (some network ones): go on, say so
        tree.notes.append(
            f"{tree.show(LOCK)}: cannot lock ({exc.strerror or exc}); "
            "do not start two builds into this folder at once"
        )
    return fd


def run(
    files: list[str],
    outdir: str,
    options: BuildOptions,
    *,
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[int], AbstractContextManager[Progress]] | None = None,
) -> BuildResult:
    """Build ``files`` into the site ``outdir``. Raises OutputError (one line)
    when the site cannot be used at all: the folder cannot be made, another
    build holds it, the index cannot be written. A blueprint that cannot be
    built is in its summary; the others are still built."""
    tree = OutputTree(outdir, files, hook=_test_hook())
    lock = None
    try:
        lock = _lock(tree)
        return _run_locked(tree, files, options, jobs, force, progress)
    finally:
        if lock is not None:
            os.close(lock)
        tree.close()


def _run_locked(
    tree: OutputTree,
    files: list[str],
    options: BuildOptions,
    jobs: int,
    force: bool,
    progress: Callable[[int], AbstractContextManager[Progress]] | None,
) -> BuildResult:
    manifest = Manifest(tree)
    removed: list[str] = []
    if manifest.interrupted:  # a killed build's temporary files, where it may have written
        for folder in ["", *sorted(s for s in manifest.entries if _plain_name(s))]:
            tree.clean_temporaries(folder)
    manifest.begin()

    # plan: which folders stay, which are rebuilt
    shared = shared_hash(options)
    taken: set[str] = set()
    todo: list[Job] = []
    summaries: dict[str, Summary] = {}
    planned: dict[str, Job] = {}
    for f in files:
        job = Job(f, _slug(f, taken), input_hash(f, shared))
        planned[job.slug] = job
        entry = manifest.entries.get(job.slug)
        if not force and up_to_date(entry, f, job.digest, tree, job.slug):
            assert entry is not None
            summaries[f] = entry["summary"]
        else:
            todo.append(job)

    # folders of blueprints no longer built: remove what the tool wrote there
    for slug in sorted(set(manifest.entries) - set(planned)):
        if not _plain_name(slug):
            manifest.log({"op": "drop", "slug": slug})
            continue
        _remove_unowned(tree, slug, manifest.entries[slug], (), removed)
        tree.clean_temporaries(slug)
        tree.remove_folder_if_empty(slug)
        manifest.log({"op": "drop", "slug": slug})

    # invalidate before rebuilding: a kill from here on cannot leave a stale entry
    for job in todo:
        if job.slug in manifest.entries:
            manifest.log({"op": "stale", "slug": job.slug})

    def done(res: dict[str, Any]) -> None:
        job: Job = res["job"]
        summaries[job.path] = res["summary"]
        tree.notes.extend(res["notes"])
        old = manifest.entries.get(job.slug)
        if old:
            _remove_unowned(tree, job.slug, old, res["written"], removed)
        manifest.log(
            {
                "op": "put",
                "slug": job.slug,
                "entry": {
                    "source": job.path,
                    "hash": job.digest,
                    "outputs": res["written"],
                    "pending": [],
                    "summary": res["summary"],
                },
            }
        )

    bar = progress(len(todo)) if progress else nullcontext(None)
    with bar as shown:
        if jobs > 1 and len(todo) > 1:
            _run_pool(tree, files, options, todo, jobs, done, shown)
        else:
            for job in todo:
                done(_build_job(job, tree, options, manifest.journal_fd))
                if shown is not None:
                    shown.update(1)

    ordered = [summaries[f] for f in files]
    index = index_html(ordered).encode("utf-8")
    if tree.read(INDEX) != index:
        tree.write(INDEX, index)
    manifest.compact()
    return BuildResult(
        summaries=ordered,
        built=len(todo),
        up_to_date=len(files) - len(todo),
        index=tree.show(INDEX),
        removed=removed,
        notes=list(tree.notes),
    )


def _run_pool(
    tree: OutputTree,
    files: list[str],
    options: BuildOptions,
    todo: list[Job],
    jobs: int,
    done: Callable[[dict[str, Any]], None],
    shown: Progress | None,
) -> None:
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    kill_after = _parent_kill_after()
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(todo)),
        initializer=_worker_init,
        initargs=(os.getpid(), tree.root, files, options),
    )
    try:
        futures = [pool.submit(_worker, job) for job in todo]
        for n, fut in enumerate(as_completed(futures), 1):
            done(fut.result())
            if shown is not None:
                shown.update(1)
            if kill_after == n:  # tests: the main process dies, its workers must follow
                workers = " ".join(str(p) for p in sorted(pool._processes))
                sys.stderr.write(f"workers: {workers}\n")
                sys.stderr.flush()
                os.kill(os.getpid(), signal.SIGKILL)
    except BrokenProcessPool:
        pool.shutdown(wait=False, cancel_futures=True)
        raise OutputError(
            f"{tree.root}: a worker process died (killed, or out of memory); "
            "build again, perhaps with fewer --jobs"
        ) from None
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


# ---------------------------------------------------------------- the index page


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def index_rows(summaries: list[Summary]) -> list[dict[str, Any]]:
    """What the index shows for each blueprint, as plain text (the template escapes)."""
    rows = []
    for s in summaries:
        slug = s["slug"]
        outs = set(s.get("outputs", []))
        h = s.get("headline") or {}
        facts = None
        if h:
            score = h.get("peak_end_score")
            facts = {
                "fail_declared": h["fail_declared"],
                "fail_inferred": h["fail_inferred"],
                "waits": h["waits"],
                "waits_over": h.get("waits_over") or 0,
                "peak": " / ".join(h["peak"]) or "–",
                "end": " / ".join(h["end"]) or "–",
                "score": f"{score:+.1f}" if isinstance(score, (int, float)) else "",
            }
        links = [
            {"href": f"{slug}/{name}", "label": label, "md": ""}
            for name, label in (
                ("diagram.svg", "diagram (SVG)"),
                ("diagram.pdf", "diagram (PDF, to print)"),
                ("handout.html", "training handout (all scripts)"),
            )
            if name in outs
        ]
        labels = s.get("labels", {})
        for o in sorted(labels, key=lambda o: (not o.startswith("customer"), o)):
            if o in outs:
                md = o[:-5] + ".md"
                links.append(
                    {
                        "href": f"{slug}/{o}",
                        "label": f"script: {labels[o]}",
                        "md": f"{slug}/{md}" if md in outs else "",
                    }
                )
        links += [
            {"href": f"{slug}/{name}", "label": label, "md": ""}
            for name, label in (("analysis.json", "analysis (JSON)"), ("check.txt", "check report"))
            if name in outs
        ]
        problems = s.get("problems", [])[:20]
        rows.append(
            {
                "title": s["title"],
                "path": s["path"],
                "thumb": f"{slug}/diagram.svg" if "diagram.svg" in outs else "",
                "errors": s["errors"],
                "warnings": s["warnings"],
                "failed": s.get("failed") or "",
                "problems": "".join(f"{p}\n" for p in problems) if s["errors"] else "",
                "facts": facts,
                "links": links,
            }
        )
    return rows


def index_html(summaries: list[Summary]) -> str:
    """The site's index.html, from the template ``index.html.j2``."""
    import jinja2

    from blueprint.resources import templates_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["plural"] = _plural
    return env.get_template("index.html.j2").render(rows=index_rows(summaries), version=__version__)
