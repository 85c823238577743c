"""What `blueprint serve` knows about the blueprints it shows, kept in memory.

A :class:`Project` holds one :class:`Entry` per blueprint file: its latest
check (problems), the last version that checked without errors (the "good"
one, drawn and scripted), a version number that grows with every change the
page must show, and the drawings already made for it. Everything is computed
in this process with the same functions as ``check``, ``render``, ``script``
and ``analyze``; nothing is written to disk.

Only the watcher thread changes entries (:meth:`Project.refresh`); the web
threads read them and draw on request (:meth:`Project.diagram`), one drawing
at a time per blueprint, cached per version and options.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from blueprint.build import tree_digest
from blueprint.problems import Pos, problem
from blueprint.vocab import THEMES  # the drawing switches of the page: render's own

CONFIG_NAMES = ("blueprint.toml", "pyproject.toml")


@dataclass(frozen=True)
class View:
    """What the page asks to see: ``render``'s options."""

    theme: str = "color"
    emotion: bool = False
    inferred: bool = True

    @classmethod
    def from_query(cls, query: dict) -> View:
        """From the page's query string (unknown values mean the default)."""

        def flag(name: str, default: bool) -> bool:
            value = (query.get(name) or [""])[0]
            return {"1": True, "0": False}.get(value, default)

        theme = (query.get("theme") or [""])[0]
        return cls(
            theme=theme if theme in THEMES else "color",
            emotion=flag("emotion", False),
            inferred=flag("inferred", True),
        )

    def query(self) -> str:
        return f"theme={self.theme}&emotion={int(self.emotion)}&inferred={int(self.inferred)}"


@dataclass
class Good:
    """A version that checked without errors: what the page draws."""

    version: int
    result: Any  # lint.Result with blueprint, structure and context.analysis


@dataclass
class Entry:
    path: str  # as discovered (shown to the designer)
    slug: str  # its address: /b/<slug>
    version: int = 0
    digest: str = ""  # what the last check read (file, configuration, templates)
    problems: list = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    title: str = ""
    missing: bool = False  # the file is gone (deleted, renamed)
    good: Good | None = None
    redraws: int = 0  # checks that gave the page something new (tests count them)
    drawings: dict = field(default_factory=dict)  # (good version, View, fmt, paper) -> bytes
    views: list = field(default_factory=list)  # the Views pages asked for lately, newest last
    scripts: dict = field(default_factory=dict)  # the scripts of the good version, made on request
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # drawing
    script_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def broken(self) -> bool:
        """The file as saved now cannot be drawn: the page dims the last good drawing."""
        return self.missing or self.errors > 0

    @property
    def abspath(self) -> str:
        return os.path.abspath(self.path)


def analysis_text(analysis, problems: list) -> str:
    """The analysis as ``blueprint analyze`` prints it (the page's Analysis tab).

    The one place this module reaches the analysis report, so that moving the
    report to another module changes one import."""
    from blueprint.report.analysis_text import report

    return report(analysis, problems)


def headline(analysis) -> dict:
    """The figures at the top of a blueprint's page: fail points, waits, peak
    and end, and the customer's time against the tolerance."""
    from blueprint.durations import format_duration

    timing = analysis.timing
    customer = timing.customer
    if customer.skipped or not customer.route:
        time = ""
    else:
        time = format_duration(customer.total)
        if not customer.complete:
            time = f"at least {time}"
    if timing.tolerance is None:
        verdict = "no tolerance set"
    elif timing.margin is None:
        verdict = "margin unknown"
    elif timing.over_tolerance:
        verdict = f"over by {format_duration(-timing.margin)}"
    else:  # with times missing, the customer may spend more: the margin is at most this
        margin = format_duration(timing.margin)
        verdict = f"{margin} to spare" if customer.complete else f"at most {margin} to spare"
    from blueprint.build import headline as index_figures

    return {
        **index_figures(analysis),  # the counts, peak and end, as build's index shows them
        "score": analysis.peak_end_score,
        "customer_time": time,
        "tolerance": format_duration(timing.tolerance) if timing.tolerance is not None else "",
        "verdict": verdict,
        "over": bool(timing.over_tolerance),
    }


def _slug(path: str, taken: set) -> str:
    """An ASCII address for a file (its stem; CJK names become ``blueprint``)."""
    stem = os.path.splitext(os.path.basename(path))[0]
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "blueprint"
    slug, n = safe, 2
    while slug in taken:
        slug, n = f"{safe}-{n}", n + 1
    taken.add(slug)
    return slug


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return b"\0<unreadable>"


class Project:
    """The blueprints of one ``blueprint serve``: a file, or every file of a folder."""

    def __init__(self, target: str, templates: str | None = None):
        self.target = target
        self.folder = os.path.isdir(target)
        self.templates = templates
        self.lock = threading.RLock()
        self.entries: dict[str, Entry] = {}  # slug -> entry, in discovery order
        self._taken: set = set()
        self._gone: dict[str, Entry] = {}  # files that left the folder, by path
        self._templates_digest = tree_digest(templates)
        self.changed = threading.Condition(self.lock)
        self.seq = 0  # grows with every change any page must show
        self.closed = False
        self._discover()
        for entry in list(self.entries.values()):
            self._check(entry)

    # ------------------------------------------------------------------ files

    def _files(self) -> list[str]:
        if not self.folder:
            return [self.target]
        from blueprint.lint import discover

        files, _ = discover([self.target])
        return files

    def _discover(self) -> bool:
        """Add the files that appeared, drop the ones that went; True when the list changed.

        A file that goes and comes back (some editors delete before they write)
        gets its address and its entry back, so its page goes on where it was."""
        files = self._files()
        known = {e.abspath: e for e in self.entries.values()}
        changed = False
        for f in files:
            key = os.path.abspath(f)
            if key in known:
                continue
            entry = self._gone.pop(key, None)
            if entry is None:
                slug = _slug(f, self._taken)
                entry = Entry(f, slug, title=os.path.basename(f))
            self.entries[entry.slug] = entry
            changed = True
        if self.folder:  # a file that is gone leaves the list (its page says so)
            present = {os.path.abspath(f) for f in files}
            for slug, entry in list(self.entries.items()):
                if entry.abspath not in present:
                    self._gone[entry.abspath] = self.entries.pop(slug)
                    changed = True
        if changed:  # the list keeps the folder's order
            order = {os.path.abspath(f): i for i, f in enumerate(files)}
            self.entries = dict(
                sorted(self.entries.items(), key=lambda item: order.get(item[1].abspath, 0))
            )
        return changed

    def config_dirs(self) -> list[str]:
        """Folders where a project configuration for a blueprint shown is, or could
        be written: from each blueprint's folder upward to the configuration found,
        or, when there is none, to the project's root (the nearest folder above
        with a ``pyproject.toml`` or ``.git``); every folder up to the file
        system's root would be too many to watch."""
        from blueprint.config import find_config

        def root_of(start: str) -> str:
            d = start
            while True:
                if any(os.path.exists(os.path.join(d, n)) for n in ("pyproject.toml", ".git")):
                    return d
                if os.path.dirname(d) == d:
                    return start
                d = os.path.dirname(d)

        dirs: list[str] = []
        starts = [os.path.dirname(e.abspath) for e in self.entries.values()]
        if self.folder:
            starts.append(os.path.abspath(self.target))
        for start in dict.fromkeys(starts):
            cfg = find_config(start)
            stop = os.path.dirname(os.path.abspath(cfg.path)) if cfg.path else root_of(start)
            d = start
            while True:
                if d not in dirs:
                    dirs.append(d)
                if d == stop or os.path.dirname(d) == d:
                    break
                d = os.path.dirname(d)
        return dirs

    # ----------------------------------------------------------------- checks

    def _digest(self, entry: Entry) -> str:
        from blueprint.config import find_config

        h = hashlib.sha256(_read(entry.path))
        cfg = find_config(os.path.dirname(entry.abspath))
        if cfg.path:
            h.update(b"\0" + cfg.path.encode("utf-8", "surrogateescape") + b"\0")
            h.update(_read(cfg.path))
        h.update(self._templates_digest.encode())
        return h.hexdigest()

    def _check(self, entry: Entry) -> bool:
        """Check ``entry`` again when what it reads changed; True when it did."""
        missing = not os.path.exists(entry.path)
        digest = "" if missing else self._digest(entry)
        if digest == entry.digest and missing == entry.missing and entry.version:
            return False
        from blueprint import lint
        from blueprint.config import project_config_problems
        from blueprint.rules import all_rules

        if missing:
            problems = [
                problem(
                    entry.path,
                    Pos(1, 1),
                    "error",
                    "no such file (deleted or renamed?)",
                    "file-unreadable",
                )
            ]
            result: Any = None
        else:
            problems = project_config_problems([entry.path], set(all_rules()))
            result = lint.check_file(entry.path)
            problems = problems + list(result.problems)
        errors = sum(1 for p in problems if p.severity == "error")
        with self.lock:
            entry.version += 1
            entry.digest, entry.missing = digest, missing
            entry.problems = problems
            entry.errors = errors
            entry.warnings = sum(1 for p in problems if p.severity == "warning")
            if result is not None and result.loaded and not errors:
                entry.good = Good(entry.version, result)
                entry.title = result.blueprint.title or os.path.basename(entry.path)
            entry.redraws += 1
        return True

    def refresh(self, paths: set[str]) -> list[str]:
        """Check again what the changed ``paths`` affect; returns the slugs redone.
        Called by the watcher thread only."""
        from blueprint import config

        paths = {os.path.abspath(p) for p in paths}
        names = {os.path.basename(p) for p in paths}
        if names & set(CONFIG_NAMES):
            # the configuration is read again (config caches what it found per folder)
            config.forget()
        templates = self.templates and any(
            p == os.path.abspath(self.templates)
            or p.startswith(os.path.abspath(self.templates) + os.sep)
            for p in paths
        )
        if templates:
            self._templates_digest = tree_digest(self.templates)
        listed = False
        if self.folder and any(p.endswith((".yaml", ".yml")) for p in paths):
            with self.lock:
                listed = self._discover()
        redo = []
        for entry in list(self.entries.values()):
            affected = (
                entry.abspath in paths
                or templates
                or bool(names & set(CONFIG_NAMES))
                or entry.version == 0
            )
            if affected and self._check(entry):
                redo.append(entry.slug)
        if redo or listed:
            self.notify()
        for slug in redo:  # meanwhile the pages ask for the problems: draw what they will ask for
            self._predraw(self.entries.get(slug))
        return redo

    def _predraw(self, entry: Entry | None) -> None:
        from blueprint.render.backend import GraphvizError

        if entry is None or entry.good is None or entry.good.version != entry.version:
            return
        for view in list(entry.views):
            try:
                self.drawing(entry, view)
            except (GraphvizError, LookupError):
                pass  # the page's own request says what went wrong

    def notify(self) -> None:
        with self.changed:
            self.seq += 1
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def versions(self) -> dict:
        with self.lock:
            return {
                "seq": self.seq,
                "versions": {slug: e.version for slug, e in self.entries.items()},
            }

    # ---------------------------------------------------------------- outputs

    def diagram(self, entry: Entry, view: View, fmt: str = "svg", paper: str = "a4") -> bytes:
        """The last good version drawn as ``fmt``; raises GraphvizError, or
        LookupError when no version was ever good."""
        return self.drawing(entry, view, fmt, paper)[1]

    def drawing(
        self, entry: Entry, view: View, fmt: str = "svg", paper: str = "a4"
    ) -> tuple[int, bytes]:
        """(good version, its drawing): as :meth:`diagram`, with the version drawn."""
        from blueprint import render as rnd

        with entry.lock:
            good = entry.good
            if good is None:
                raise LookupError("nothing to draw yet")
            if fmt == "svg":  # what the next save draws before the page asks
                entry.views = [v for v in entry.views if v != view][-2:] + [view]
            key = (good.version, view, fmt, paper if fmt == "pdf" else "")
            data = entry.drawings.get(key)
            if data is None:
                res = good.result
                data = rnd.render(
                    res.blueprint,
                    res.context.analysis,
                    fmt,
                    rnd.Options(
                        theme=view.theme, emotion=view.emotion, paper=paper, inferred=view.inferred
                    ),
                )
                # drawings of older versions are not asked for again
                entry.drawings = {k: v for k, v in entry.drawings.items() if k[0] == good.version}
                if fmt == "svg":  # PNG and PDF are made for a download, not kept
                    entry.drawings[key] = data
            return good.version, data

    def _parts(self, entry: Entry) -> tuple[int, list]:
        """(good version, [(title, handout part)]): the customer's script, then each role's."""
        from blueprint import script as sc

        good = entry.good
        if good is None:
            return 0, []
        cached = entry.scripts.get("parts")
        if cached is not None and cached[0] == good.version:
            return cached
        res = good.result
        handout = sc.build(res.blueprint, res.structure, res.context.analysis)
        parts = [("customer", sc.select(handout, customer=True), handout.script("customer"))]
        parts += [
            (role, sc.select(handout, role=role), handout.script("role", role))
            for role in handout.roles
        ]
        titled = [
            (script.title if script is not None else name, part) for name, part, script in parts
        ]
        entry.scripts = {"parts": (good.version, titled)}
        return good.version, titled

    def script_tabs(self, entry: Entry) -> tuple[int, list[str]]:
        """(good version, titles of the scripts) for the page's tabs."""
        with entry.script_lock:
            version, parts = self._parts(entry)
            return version, [title for title, _ in parts]

    def script_page(self, entry: Entry, n: int) -> str | None:
        """Script ``n`` as ``blueprint script --format html`` writes it (None: no such
        script); raises script.ScriptError for a broken template of ``--templates``."""
        from blueprint import script as sc

        with entry.script_lock:
            version, parts = self._parts(entry)
            if n >= len(parts):
                return None
            key = ("html", version, n)
            if key not in entry.scripts:
                entry.scripts[key] = sc.render(parts[n][1], "html", self.templates)
            return entry.scripts[key]

    def summary(self, entry: Entry) -> dict:
        """What a page shows besides the drawing (read under the project lock)."""
        with self.lock:
            good = entry.good
            return {
                "slug": entry.slug,
                "path": entry.path,
                "title": entry.title or os.path.basename(entry.path),
                "version": entry.version,
                "good_version": good.version if good else 0,
                "broken": entry.broken,
                "errors": entry.errors,
                "warnings": entry.warnings,
                "problems": list(entry.problems),
                "headline": headline(good.result.context.analysis) if good else None,
                "locale": good.result.blueprint.locale if good else "en",
            }
