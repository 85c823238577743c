"""Watching the files a `blueprint serve` page depends on.

`watchfiles` (Rust's ``notify``: inotify, FSEvents, ReadDirectoryChangesW)
tells which paths changed. Changes that come within ``STEP_MS`` of each other
arrive as one batch, and the batches that pile up while a check runs are
merged, so that an editor's double write or a formatter's rewrite gives one
redraw. One worker thread applies them to the :class:`~.project.Project`.

Folders are watched, not files: editors save by writing a new file and
renaming it over the old one, which a watch on the file itself would lose.
The blueprint folder and the ``--templates`` folder are watched with their
subfolders; a single file's folder and the folders where the project
configuration is looked up are watched without them.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable
from typing import Any

#: changes closer together than this (milliseconds) are one batch
STEP_MS = 50
#: a batch is handed on after this long (milliseconds) even while changes go on
DEBOUNCE_MS = 1000
#: how often a quiet watcher looks at its stop flag (milliseconds)
TICK_MS = 200


def _inside(path: str, folders: list[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def plan(project: Any) -> tuple[list[str], list[str]]:
    """(folders watched with their subfolders, folders watched alone)."""
    deep: list[str] = []
    if project.folder:
        deep.append(os.path.abspath(project.target))
    if project.templates:
        deep.append(os.path.abspath(project.templates))
    flat = [] if project.folder else [os.path.dirname(os.path.abspath(project.target))]
    flat += project.config_dirs()
    flat = [d for d in dict.fromkeys(flat) if os.path.isdir(d) and not _inside(d, deep)]
    return list(dict.fromkeys(deep)), flat


class Watcher:
    """Threads that watch the project's folders and refresh it on a change."""

    def __init__(self, project: Any, on_error: Callable[[str], None] | None = None) -> None:
        self.project = project
        self.stop_event = threading.Event()
        self.batches: queue.Queue = queue.Queue()
        self.threads: list[threading.Thread] = []
        self.error: str | None = None
        self._on_error = on_error or (lambda msg: print(f"blueprint: {msg}", file=sys.stderr))

    def start(self, timeout: float = 10.0) -> None:
        """Start watching; returns once every folder is watched (so that a change
        made after this call is seen)."""
        deep, flat = plan(self.project)
        ready = []
        for folders, recursive in ((deep, True), (flat, False)):
            if not folders:
                continue
            event = threading.Event()
            ready.append(event)
            t = threading.Thread(
                target=self._watch,
                args=(folders, recursive, event),
                name=f"blueprint-watch-{'deep' if recursive else 'flat'}",
                daemon=True,
            )
            t.start()
            self.threads.append(t)  # only once started: a Ctrl-C in between leaves none to join
        worker = threading.Thread(target=self._work, name="blueprint-refresh", daemon=True)
        worker.start()
        self.threads.append(worker)
        for event in ready:
            event.wait(timeout)

    def stop(self) -> None:
        self.stop_event.set()
        self.batches.put(None)
        for t in self.threads:
            if t.ident is not None:  # started (a Ctrl-C may come between making and starting)
                t.join(timeout=5)

    def _watch(self, folders: list[str], recursive: bool, ready: threading.Event) -> None:
        import watchfiles

        try:
            for changes in watchfiles.watch(
                *folders,
                recursive=recursive,
                stop_event=self.stop_event,
                step=STEP_MS,
                debounce=DEBOUNCE_MS,
                rust_timeout=TICK_MS,
                yield_on_timeout=True,  # the first (empty) answer says the watch is set up
                raise_interrupt=False,
            ):
                ready.set()
                if changes:
                    self.batches.put({path for _, path in changes})
        except Exception as exc:  # a folder that cannot be watched: say it once, keep serving
            self.error = f"cannot watch {', '.join(folders)}: {exc}"
            self._on_error(f"{self.error}; the page will not update by itself")
        finally:
            ready.set()

    def _work(self) -> None:
        while True:
            batch = self.batches.get()
            if batch is None or self.stop_event.is_set():
                return
            paths = set(batch)
            while True:  # what came in meanwhile is one more refresh, not several
                try:
                    more = self.batches.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    return
                paths |= more
            try:
                self.project.refresh(paths)
            except Exception as exc:  # a bug must not stop the page from updating later
                self._on_error(
                    f"internal error while reading the changes: {type(exc).__name__}: {exc} "
                    "(this is a bug in blueprint; please report it)"
                )
