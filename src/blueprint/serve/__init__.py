"""`blueprint serve`: a local page that redraws a blueprint while it is edited.

:class:`Server` ties the three parts together: :mod:`.project` (the
blueprints, checked and drawn in this process), :mod:`.watch` (which files
changed) and :mod:`.web` (the pages, over HTTP with server-sent events).
docs/serve.md describes it for designers.

    server = Server("blueprints", port=0)
    server.start()          # in a thread; server.url is the page
    ...
    server.stop()
"""

from __future__ import annotations

import threading

from blueprint.serve.project import Project, View
from blueprint.serve.watch import Watcher
from blueprint.serve.web import App, Handler, HTTPServer

__all__ = ["Server", "Project", "View"]


class Server:
    """A running ``blueprint serve``. Binding happens in the constructor, so a
    port in use raises ``OSError`` before anything else starts."""

    def __init__(
        self,
        target: str,
        *,
        host: str = "127.0.0.1",
        port: int = 8765,
        templates: str | None = None,
        editor_url: str | None = None,
        on_error=None,
    ):
        self.project = Project(target, templates)
        self.app = App(self.project, editor_url)
        handler = type("BoundHandler", (Handler,), {"app": self.app})
        self.httpd = HTTPServer((host, port), handler)
        self.host = host
        self.port = self.httpd.server_address[1]
        self.app.bound = (host, self.port)
        self.watcher = Watcher(self.project, on_error)
        self._thread: threading.Thread | None = None
        self._serving = False
        self._stopped = False

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        if host in ("0.0.0.0", "[::]"):
            host = "127.0.0.1" if host == "0.0.0.0" else "[::1]"
        return f"http://{host}:{self.port}/"

    def start(self) -> None:
        """Watch and serve in background threads (tests, embedding)."""
        self.watcher.start()
        self._serving = True
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.25,), name="blueprint-serve", daemon=True
        )
        self._thread.start()

    def serve_forever(self) -> None:
        """Watch in the background and serve in this thread until interrupted.

        The loop runs in this thread, so an interruption has ended it (or came before
        it began): :meth:`stop` must not ask it to shut down, which would wait for a
        loop that never runs again."""
        self.watcher.start()
        self.httpd.serve_forever(poll_interval=0.25)

    def stop(self) -> None:
        """Stop serving and watching; open event streams end."""
        if self._stopped:
            return
        self._stopped = True
        self.app.stopping.set()
        self.project.close()
        self.watcher.stop()
        if self._serving:  # the loop runs in our thread (start()): ask it to end, and wait
            self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
