"""The HTTP side of `blueprint serve`: pages, JSON and server-sent events.

The standard library's ``ThreadingHTTPServer`` serves one designer and a
handful of connections; each page keeps one server-sent-events stream open
and fetches what changed when told. What is served is a fixed list of
addresses, generated in memory: nothing is ever read from the disk by a path
that comes from a request, so no form of ``..`` can reach a file. Requests
whose ``Host`` is not the address the server was started on are refused
(DNS rebinding), no address writes anything, and every page carries a
Content-Security-Policy that allows only its own script file.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import sys
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from markupsafe import Markup

from blueprint.serve.project import Entry, Project, View, analysis_text
from blueprint.vocab import DIAGRAM_MEDIA_TYPES, PAPERS

#: characters a request path may hold at all (no %, no backslash): anything else is 404
_PATH_CHARS = re.compile(r"^/[A-Za-z0-9/_.-]*$")
_SLUG = r"([A-Za-z0-9_-]+)"
_ROUTES = [
    (re.compile(r"^/$"), "root"),
    (re.compile(r"^/favicon\.ico$"), "favicon"),
    (re.compile(r"^/static/(serve\.js|serve\.css)$"), "asset"),
    (re.compile(r"^/events$"), "events"),
    (re.compile(r"^/api/index$"), "api_index"),
    (re.compile(rf"^/api/b/{_SLUG}$"), "api_view"),
    (re.compile(rf"^/api/b/{_SLUG}/scripts$"), "api_scripts"),
    (re.compile(rf"^/api/b/{_SLUG}/svg$"), "api_svg"),
    (re.compile(rf"^/b/{_SLUG}$"), "page"),
    (re.compile(rf"^/b/{_SLUG}/diagram\.(svg|png|pdf)$"), "download"),
    (re.compile(rf"^/b/{_SLUG}/script/(\d{{1,4}})$"), "script"),
    (re.compile(rf"^/b/{_SLUG}/analysis$"), "analysis"),
]

# the page: its own script file and style sheet, same-origin fetches and frames, nothing else
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# a script or the analysis in a frame: the page's own inline styles, no script at all, sandboxed
FRAME_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox"
)
DATA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
_MIME = {
    **DIAGRAM_MEDIA_TYPES,
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
}
_SVG_START = re.compile(rb"<svg\b")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def split_host(value: str) -> tuple[str, int | None] | None:
    """'name:port' or '[v6]:port' -> (name, port); None when malformed."""
    value = value.strip().lower()
    m = re.fullmatch(r"\[([0-9a-f:.]+)\](?::(\d{1,5}))?|([a-z0-9.-]+)(?::(\d{1,5}))?", value)
    if not m:
        return None
    host = m[1] or m[3]
    port = m[2] or m[4]
    return host, int(port) if port else None


def host_allowed(header: str | None, bound_host: str, port: int) -> bool:
    """Whether a request's Host header names this server (DNS rebinding defence).

    Allowed: the bound address itself at the bound port; for a loopback server
    also ``localhost``, ``127.0.0.1`` and ``[::1]``; for a server on every
    address (``--host 0.0.0.0``) any IP address or ``localhost``, never a name
    that a DNS server could point here."""
    if not header:
        return False
    parsed = split_host(header)
    if parsed is None:
        return False
    host, asked_port = parsed
    if asked_port != port and not (asked_port is None and port == 80):
        return False
    bound = bound_host.lower().strip("[]")
    if host == bound:
        return True
    if is_loopback(bound):
        return host in ("localhost", "127.0.0.1", "::1")
    if _is_wildcard(bound):
        if host == "localhost":
            return True
        try:
            ipaddress.ip_address(host)
            return True
        except ValueError:
            return False
    return False


def editor_link(template: str | None, path: str, line: int, col: int) -> str:
    """The designer's editor URL for a place in a file, or '' without one."""
    if not template:
        return ""
    full = os.path.abspath(path)
    quoted = urllib.parse.quote(full.replace(os.sep, "/"), safe="/:")
    # 'vscode://file/{path}' and 'vscode://file{path}' both give one slash before the path
    url = template.replace("/{path}", "{path}") if quoted.startswith("/") else template
    return (
        url.replace("{path}", quoted)
        .replace("{line}", str(line))
        .replace("{col}", str(col))
        .replace("{column}", str(col))
    )


def inline_svg(data: bytes) -> str:
    """Graphviz's SVG without its XML declaration, doctype and comments, to place in a page."""
    m = _SVG_START.search(data)
    return data[m.start() :].decode("utf-8") if m else ""


class App:
    """What the request handlers share: the project, the templates, the options."""

    def __init__(self, project: Project, editor_url: str | None = None):
        import jinja2

        from blueprint.resources import templates_dir

        self.project = project
        self.editor_url = editor_url
        folder = templates_dir() / "serve"
        # read once, at start: nothing is read from the disk for a request
        pages = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.html")}
        self.env = jinja2.Environment(
            loader=jinja2.DictLoader(pages),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.globals["editor_link"] = lambda p: editor_link(
            self.editor_url, p.path, p.line, p.col
        )
        self.env.filters["basename"] = os.path.basename
        self.assets = {name: (folder / name).read_bytes() for name in ("serve.js", "serve.css")}
        self.bound = ("127.0.0.1", 0)
        self.stopping = threading.Event()

    def render(self, name: str, **values) -> str:
        return self.env.get_template(name).render(folder=self.project.folder, **values)


class Handler(BaseHTTPRequestHandler):
    server_version = "blueprint"
    sys_version = ""
    protocol_version = "HTTP/1.0"
    app: App  # set on the subclass made per server

    # ------------------------------------------------------------ plumbing

    def log_message(self, format, *args):
        pass  # a quiet terminal: the page shows what matters

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str,
        csp: str = DATA_CSP,
        extra: dict | None = None,
        head: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        if "frame-ancestors 'self'" not in csp:
            self.send_header("X-Frame-Options", "DENY")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _text(self, status: int, message: str, head: bool = False) -> None:
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8", head=head)

    def _json(self, data: dict, head: bool = False) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(200, body, "application/json; charset=utf-8", head=head)

    def _html(self, text: str, csp: str = PAGE_CSP, head: bool = False) -> None:
        self._send(200, text.encode("utf-8"), "text/html; charset=utf-8", csp, head=head)

    def _refuse_write(self) -> None:
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED,
            b"blueprint serve only shows pages: nothing can be written\n",
            "text/plain; charset=utf-8",
            extra={"Allow": "GET, HEAD"},
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse_write

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_GET(self) -> None:
        self._dispatch(head=False)

    # ------------------------------------------------------------- routing

    def _dispatch(self, head: bool) -> None:
        app = self.app
        host, port = app.bound
        if not host_allowed(self.headers.get("Host"), host, port):
            self._text(
                HTTPStatus.FORBIDDEN,
                f"blueprint serve: refused: this server answers only to the address it was "
                f"started on (port {port}); open the URL it printed",
                head,
            )
            return
        raw, _, query = self.path.partition("?")
        if not _PATH_CHARS.match(raw):
            self._text(HTTPStatus.NOT_FOUND, "not found", head)
            return
        for pattern, name in _ROUTES:
            m = pattern.match(raw)
            if m:
                params = urllib.parse.parse_qs(query, max_num_fields=20)
                try:
                    getattr(self, f"_r_{name}")(*m.groups(), params=params, head=head)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the page went away
                except Exception as exc:  # a bug: one line, never a traceback
                    message = (
                        f"internal error: {type(exc).__name__}: {exc} "
                        "(this is a bug in blueprint; please report it)"
                    )
                    sys.stderr.write(f"blueprint: {raw}: {message}\n")
                    try:
                        self._text(HTTPStatus.INTERNAL_SERVER_ERROR, message, head)
                    except OSError:
                        pass
                return
        self._text(HTTPStatus.NOT_FOUND, "not found", head)

    def _entry(self, slug: str) -> Entry | None:
        return self.app.project.entries.get(slug)

    # -------------------------------------------------------------- routes

    def _r_root(self, *, params, head) -> None:
        project = self.app.project
        if not project.folder and len(project.entries) == 1:
            self._r_page(next(iter(project.entries)), params=params, head=head)
            return
        self._html(
            self.app.render("index.html", target=project.target, rows=Markup(self._rows())),
            head=head,
        )

    def _rows(self) -> str:
        project = self.app.project
        summaries = [project.summary(e) for e in list(project.entries.values())]
        return self.app.render("rows.html", summaries=summaries)

    def _r_favicon(self, *, params, head) -> None:
        self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon", head=head)

    def _r_asset(self, name: str, *, params, head) -> None:
        self._send(200, self.app.assets[name], _MIME[name.rsplit(".", 1)[1]], head=head)

    def _r_api_index(self, *, params, head) -> None:
        seq = self.app.project.versions()["seq"]
        self._json({"seq": seq, "html": self._rows()}, head=head)

    def _r_page(self, slug: str, *, params, head) -> None:
        entry = self._entry(slug)
        if entry is None:
            self._text(HTTPStatus.NOT_FOUND, "no such blueprint here (renamed or deleted?)", head)
            return
        s = self.app.project.summary(entry)
        self._html(
            self.app.render("page.html", s=s, editor=bool(self.app.editor_url), papers=PAPERS),
            head=head,
        )

    def _r_api_view(self, slug: str, *, params, head) -> None:
        entry = self._entry(slug)
        if entry is None:
            self._json({"gone": True}, head=head)
            return
        project, view = self.app.project, View.from_query(params)
        s = project.summary(entry)
        render = self.app.render
        self._json(
            {
                "version": s["version"],
                "good_version": s["good_version"],
                "broken": s["broken"],
                "title": s["title"],
                "drawing_key": f"{s['good_version']}|{view.query()}",
                "status_html": render("status.html", s=s),
                "problems_html": render("problems.html", s=s),
                "headline_html": render("headline.html", s=s),
            },
            head=head,
        )

    def _r_api_svg(self, slug: str, *, params, head) -> None:
        """The drawing to place in the page, asked for after the problems (it takes longer)."""
        from blueprint.render.backend import GraphvizError

        entry = self._entry(slug)
        if entry is None:
            self._text(HTTPStatus.NOT_FOUND, "no such blueprint here", head)
            return
        view = View.from_query(params)
        try:
            version, data = self.app.project.drawing(entry, view, "svg")
        except LookupError:
            self._text(HTTPStatus.CONFLICT, "nothing to draw: the blueprint has errors", head)
            return
        except GraphvizError as exc:
            self._text(
                HTTPStatus.INTERNAL_SERVER_ERROR, f"the diagram could not be drawn: {exc}", head
            )
            return
        self._send(
            200,
            inline_svg(data).encode("utf-8"),
            "image/svg+xml; charset=utf-8",
            extra={"X-Drawing-Key": f"{version}|{view.query()}"},
            head=head,
        )

    def _r_download(self, slug: str, fmt: str, *, params, head) -> None:
        from blueprint.render.backend import GraphvizError

        entry = self._entry(slug)
        if entry is None:
            self._text(HTTPStatus.NOT_FOUND, "no such blueprint here", head)
            return
        paper = (params.get("paper") or ["a4"])[0]
        paper = paper if paper in PAPERS else "a4"
        try:
            data = self.app.project.diagram(entry, View.from_query(params), fmt, paper)
        except LookupError:
            self._text(HTTPStatus.CONFLICT, "nothing to download: the blueprint has errors", head)
            return
        except GraphvizError as exc:
            self._text(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc), head)
            return
        good = entry.good
        stem = getattr(good.result.blueprint, "id", "") if good else ""
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip(".-") or slug
        self._send(
            200,
            data,
            _MIME[fmt],
            extra={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
            head=head,
        )

    def _r_api_scripts(self, slug: str, *, params, head) -> None:
        """The titles of the scripts, asked for after the drawing (they take a while to make)."""
        entry = self._entry(slug)
        version, titles = self.app.project.script_tabs(entry) if entry else (0, [])
        self._json({"good_version": version, "titles": titles}, head=head)

    def _r_script(self, slug: str, n: str, *, params, head) -> None:
        from blueprint.script import ScriptError

        entry = self._entry(slug)
        try:
            page = self.app.project.script_page(entry, int(n)) if entry else None
        except ScriptError as exc:  # a designer's broken template: say so in the frame
            page = f"<!DOCTYPE html><p>{_esc(str(exc))}</p>"
        if page is None:
            self._text(HTTPStatus.NOT_FOUND, "no such script", head)
        else:
            self._html(page, FRAME_CSP, head)

    def _r_analysis(self, slug: str, *, params, head) -> None:
        entry = self._entry(slug)
        good = entry.good if entry else None
        if good is None:
            self._text(HTTPStatus.NOT_FOUND, "no analysis: the blueprint has errors", head)
            return
        res = good.result
        text = analysis_text(res.context.analysis, res.problems)
        self._html(
            self.app.render("analysis.html", text=text, locale=res.blueprint.locale),
            FRAME_CSP,
            head,
        )

    def _r_events(self, *, params, head) -> None:
        """Server-sent events: the version of every blueprint, each time one changes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", DATA_CSP)
        self.end_headers()
        if head:
            return
        project, last = self.app.project, -1
        self.wfile.write(b"retry: 1000\n\n")
        self.wfile.flush()
        while True:
            with project.changed:
                while project.seq == last and not project.closed:
                    if not project.changed.wait(timeout=15):
                        break  # a comment keeps proxies and the browser from giving up
                if project.closed or self.app.stopping.is_set():
                    return
                data = project.versions()
            if data["seq"] != last:
                last = data["seq"]
                self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
            else:
                self.wfile.write(b": still here\n\n")
            self.wfile.flush()


def _esc(text: str) -> str:
    import html

    return html.escape(text)


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def handle_error(self, request, client_address) -> None:
        pass  # a dropped connection is not the designer's concern
