"""blueprint serve: the live page in a real headless Chromium, and its safety over plain HTTP.

The server runs in this process on a free port (a thread); the browser is Debian's
Chromium driven through Playwright. Nothing here sleeps: each step waits for the
page (wait_for_function) or for the server's own condition (a refresh done)."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from blueprint.serve import Server
from blueprint.serve.web import editor_link, host_allowed
from conftest import ROOT, chromium

SHOESHINE = (ROOT / "blueprints" / "shoeshine.yaml").read_text(encoding="utf-8")
WAIT_MS = (
    20_000  # a generous bound for a page update on a loaded machine (never reached when it works)
)


def edited(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


def save(path: Path, text: str) -> None:
    """Save as editors do: write a new file, rename it over the old one."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "blueprints"
    d.mkdir()
    (d / "shoeshine.yaml").write_text(SHOESHINE, encoding="utf-8")
    return d


@pytest.fixture
def server(folder):
    s = Server(str(folder), port=0, editor_url="vscode://file/{path}:{line}:{col}")
    s.start()
    yield s
    s.stop()


def wait_until(server: Server, condition, timeout: float = WAIT_MS / 1000) -> None:
    """Wait until ``condition()`` holds, checked each time the server has refreshed."""
    project = server.project
    with project.changed:
        ok = project.changed.wait_for(condition, timeout=timeout)
    assert ok, "the server did not get there"


def refreshed(server: Server, slug: str, before: int) -> None:
    """Wait until the server has checked ``slug`` again (its redraw counter passed ``before``)."""
    project = server.project
    wait_until(server, lambda: slug in project.entries and project.entries[slug].redraws > before)


# ----------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser():
    exe = chromium()
    if exe is None:
        pytest.fail("Chromium is not installed (bash scripts/test.sh installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    pw = sync_playwright().start()
    b = pw.chromium.launch(
        executable_path=exe,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    yield b
    b.close()
    pw.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.errors = []  # console errors (a CSP violation is one) and uncaught exceptions
    p.on("console", lambda m: p.errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    yield p
    context.close()


def open_page(page, server: Server, slug: str = "shoeshine") -> None:
    page.goto(f"{server.url}b/{slug}")
    page.wait_for_function("() => document.querySelector('#drawing svg') !== null", timeout=WAIT_MS)
    wait_for_tabs(page)


def wait_for_tabs(page) -> None:
    """The script tabs are fetched after the drawing: wait until they are there."""
    page.wait_for_function(
        "() => document.querySelectorAll('#script-tabs .tab').length > 1", timeout=WAIT_MS
    )


def svg_text(page) -> str:
    return page.evaluate("() => document.querySelector('#drawing svg').textContent")


@pytest.mark.chromium
def test_the_page_shows_the_diagram_problems_headline_and_scripts(page, server):
    open_page(page, server)
    assert "Look at the shine" in svg_text(page)
    headline = page.inner_text("#headline")
    # shoeshine.yaml declares one fail point (polish) and no wait
    assert "1 declared" in headline and "wait points" in headline
    # tolerance 5m; the customer's route is sit-down -> admire -> pay with brush 30s + polish 30s
    # + buff 45s between the first two and collect-payment 15s before paying: 2m in all,
    # which leaves 3m of the 5m
    assert "2m of 5m tolerance" in headline and "3m to spare" in headline
    tabs = page.locator("#script-tabs .tab").all_inner_texts()
    assert tabs[0] == "Customer's journey" and "Shoeshiner" in tabs
    assert page.inner_text("#status") == "clean"
    # a role's script, as `blueprint script --role shiner --format html` writes it, in its frame
    page.click("#script-tabs .tab >> text=Shoeshiner")
    page.frame_locator("#frame-script").get_by_text("Apply polish").first.wait_for(timeout=WAIT_MS)
    assert page.is_hidden("#pane-diagram")
    page.click(".tab[data-tab=analysis]")
    page.frame_locator("#frame-analysis").get_by_text("Fail points").first.wait_for(timeout=WAIT_MS)
    assert page.errors == []


@pytest.mark.chromium
def test_an_edit_appears_without_reloading_and_keeps_zoom_and_scroll(page, server, folder):
    open_page(page, server)
    page.click("#zoom-in")
    page.click("#zoom-in")
    page.evaluate("() => { window.sameDocument = true; viewport.scrollLeft = 120; }")
    zoom_before = page.inner_text("#zoom-level")
    scroll_before = page.evaluate("() => viewport.scrollLeft")
    assert scroll_before > 0
    save(folder / "shoeshine.yaml", edited(SHOESHINE, "Look at the shine", "Admire the mirror"))
    page.wait_for_function(
        "() => document.querySelector('#drawing svg').textContent.includes('Admire the mirror')",
        timeout=WAIT_MS,
    )
    assert page.evaluate("() => window.sameDocument") is True  # not reloaded
    assert page.inner_text("#zoom-level") == zoom_before
    assert page.evaluate("() => viewport.scrollLeft") == scroll_before
    assert page.errors == []


@pytest.mark.chromium
def test_a_broken_save_keeps_the_last_drawing_dimmed_until_fixed(page, server, folder):
    open_page(page, server)
    broken = edited(
        SHOESHINE, "  - id: admire\n    lane: customer", "  - id: admire\n    lane: customr"
    )
    # the wrong lane's value: its line, and column 11 after '    lane: '
    line = broken.splitlines().index("    lane: customr") + 1
    save(folder / "shoeshine.yaml", broken)
    page.wait_for_function("() => document.body.classList.contains('broken')", timeout=WAIT_MS)
    problems = page.inner_text("#problems")
    assert f"{line}:11" in problems and "customr" in problems and "[invalid-value]" in problems
    # the problem opens the editor at that place
    href = page.get_attribute("#problems a.where", "href")
    assert href == f"vscode://file{folder / 'shoeshine.yaml'}:{line}:11"
    # the old drawing stays, dimmed, and is what the downloads give
    assert "Look at the shine" in svg_text(page)
    assert "stale" in page.get_attribute("#drawing", "class")
    status, _, body = get(server, page.get_attribute("#dl-svg", "href"))
    assert status == 200 and b"Look at the shine" in body

    save(folder / "shoeshine.yaml", edited(SHOESHINE, "Look at the shine", "Fixed and shining"))
    page.wait_for_function(
        "() => !document.body.classList.contains('broken')"
        " && document.querySelector('#drawing svg').textContent.includes('Fixed and shining')",
        timeout=WAIT_MS,
    )
    assert "customr" not in page.inner_text("#problems")
    assert "stale" not in page.get_attribute("#drawing", "class")
    assert page.errors == []


@pytest.mark.chromium
def test_switches_redraw_in_mono_and_downloads_follow_them(page, server):
    open_page(page, server)
    # the colour theme paints the customer lane #e8f1fc; the mono theme uses no colour
    assert "#e8f1fc" in page.inner_html("#drawing")
    page.check("#opt-mono")
    page.wait_for_function(
        "() => !document.querySelector('#drawing').innerHTML.includes('#e8f1fc')",
        timeout=WAIT_MS,
    )
    assert "theme=mono" in page.url  # a reload keeps the switches
    href = page.get_attribute("#dl-png", "href")
    assert href == "/b/shoeshine/diagram.png?theme=mono&emotion=0&inferred=1"
    status, headers, body = get(server, href)
    assert status == 200 and body[:8] == b"\x89PNG\r\n\x1a\n"
    assert headers["Content-Disposition"] == 'attachment; filename="shoeshine.png"'
    status, _, body = get(server, page.get_attribute("#dl-pdf", "href"))
    assert status == 200 and body.startswith(b"%PDF-")
    assert page.errors == []


@pytest.mark.chromium
def test_the_folder_page_lists_each_blueprint_with_its_status(page, server, folder):
    page.goto(server.url)
    page.wait_for_function("() => document.querySelector('#rows a') !== null", timeout=WAIT_MS)
    assert "Corner shoeshine" in page.inner_text("#rows") and "clean" in page.inner_text("#rows")
    save(
        folder / "second.yaml", edited(SHOESHINE, "title: Corner shoeshine", "title: Second stand")
    )
    page.wait_for_function(
        "() => document.querySelector('#rows').textContent.includes('Second stand')",
        timeout=WAIT_MS,
    )
    save(folder / "shoeshine.yaml", SHOESHINE.replace("lane: customer", "lane: customr"))
    page.wait_for_function(
        "() => document.querySelector('#rows tr[data-slug=shoeshine]')"
        ".textContent.includes('error')",
        timeout=WAIT_MS,
    )
    # all three customer actions of shoeshine.yaml now have a wrong lane: sit-down, admire, pay
    assert "3 errors" in page.inner_text("#rows tr[data-slug=shoeshine]")
    assert "clean" in page.inner_text("#rows tr[data-slug=second]")
    assert page.errors == []


@pytest.mark.chromium
def test_screenshot_of_a_chinese_blueprint(page, tmp_path, monkeypatch):
    """The picture in docs/serve.md: set BLUEPRINT_SAVE_SCREENSHOT=1 to write docs/img/serve.png."""
    monkeypatch.chdir(tmp_path)  # the page shows the path as given: blueprints/...
    Path("blueprints").mkdir()
    src = (ROOT / "blueprints" / "restaurant-preorder.yaml").read_text(encoding="utf-8")
    # one customer action left without its evidence: a warning to show
    src = edited(src, "    evidence: [手机导航, 订单提醒通知]\n", "")
    Path("blueprints/restaurant-preorder.yaml").write_text(src, encoding="utf-8")
    s = Server(
        "blueprints/restaurant-preorder.yaml",
        port=0,
        editor_url="vscode://file/{path}:{line}:{col}",
    )
    s.start()
    try:
        page.set_viewport_size({"width": 1400, "height": 860})
        page.goto(s.url)
        page.wait_for_function(
            "() => document.querySelector('#drawing svg') !== null", timeout=WAIT_MS
        )
        wait_for_tabs(page)
        assert "顾客" in page.inner_text("#script-tabs")  # the customer's script, in Chinese
        assert page.inner_text("#status") == "1 warning"
        assert "[missing-evidence]" in page.inner_text("#problems")
        shot = tmp_path / "serve.png"
        page.screenshot(path=str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if os.environ.get("BLUEPRINT_SAVE_SCREENSHOT"):
            shutil.copy(shot, ROOT / "docs" / "img" / "serve.png")
        assert page.errors == []
    finally:
        s.stop()


# ------------------------------------------------------------------- the server alone


def get(server: Server, path: str, host: str | None = None, method: str = "GET"):
    """A request with the path exactly as given (no normalisation) and a chosen Host header."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host != "":
        c.putheader("Host", host or f"127.0.0.1:{server.port}")
    c.endheaders()
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, dict(r.getheaders()), body


def test_a_burst_of_saves_gives_one_redraw(server, folder):
    # the marker file sorts after the burst's file, so once it is checked again
    # everything saved before it has been checked too
    (folder / "zz-marker.yaml").write_text(SHOESHINE, encoding="utf-8")
    refreshed(server, "zz-marker", 0)
    project = server.project
    burst_before = project.entries["shoeshine"].redraws
    marker_before = project.entries["zz-marker"].redraws
    target = folder / "shoeshine.yaml"
    for n in range(1, 6):  # an editor's double write and a formatter's rewrite, and more
        target.write_text(edited(SHOESHINE, "Corner shoeshine", f"Burst {n}"), encoding="utf-8")
    save(folder / "zz-marker.yaml", edited(SHOESHINE, "Corner shoeshine", "Marker"))
    refreshed(server, "zz-marker", marker_before)
    assert project.entries["shoeshine"].redraws == burst_before + 1
    # and only the blueprint saved is checked again: the marker once, for its own save
    assert project.entries["zz-marker"].redraws == marker_before + 1
    assert project.entries["shoeshine"].title == "Burst 5"


def test_the_project_configuration_and_the_templates_are_watched(tmp_path):
    folder = tmp_path / "blueprints"
    folder.mkdir()
    # the customer action 'admire' without evidence: a missing-evidence warning
    (folder / "shoeshine.yaml").write_text(
        edited(SHOESHINE, "    evidence: [Shining shoes, Hand mirror]\n", ""), encoding="utf-8"
    )
    (tmp_path / ".git").mkdir()  # the project's root, above the blueprints' folder
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "customer.html.j2").write_text("<p>FIRST {{ s.title }}</p>\n", encoding="utf-8")
    server = Server(str(folder), port=0, templates=str(templates))
    server.start()
    try:
        entry = server.project.entries["shoeshine"]
        assert (entry.errors, entry.warnings) == (0, 1)
        assert "FIRST" in server.project.script_page(entry, 0)

        before = entry.redraws
        # a configuration appears at the project's root (found upward, as check finds it)
        (tmp_path / "blueprint.toml").write_text(
            '[rules]\nmissing-evidence = "error"\n', encoding="utf-8"
        )
        refreshed(server, "shoeshine", before)
        assert (entry.errors, entry.warnings) == (1, 0)
        assert entry.broken and entry.good is not None  # the last good drawing stays

        before = entry.redraws
        (tmp_path / "blueprint.toml").write_text("[rules]\n", encoding="utf-8")
        refreshed(server, "shoeshine", before)
        assert (entry.errors, entry.warnings) == (0, 1)
        assert "FIRST" in server.project.script_page(entry, 0)

        # only a template changes: the scripts are made again (they are kept per version)
        before = entry.redraws
        save(templates / "customer.html.j2", "<p>SECOND {{ s.title }}</p>\n")
        refreshed(server, "shoeshine", before)
        assert "SECOND" in server.project.script_page(entry, 0)
    finally:
        server.stop()


def test_a_file_that_goes_and_comes_back_keeps_its_page(server, folder):
    project = server.project
    entry = project.entries["shoeshine"]
    version = entry.version
    (folder / "shoeshine.yaml").unlink()  # some editors delete the file before writing it
    wait_until(server, lambda: "shoeshine" not in project.entries)
    (folder / "shoeshine.yaml").write_text(
        edited(SHOESHINE, "Corner shoeshine", "Back again"), encoding="utf-8"
    )
    wait_until(server, lambda: "shoeshine" in project.entries and entry.title == "Back again")
    assert project.entries["shoeshine"] is entry and entry.version > version


TRAVERSALS = [
    "/../pyproject.toml",
    "/../../pyproject.toml",
    "/%2e%2e/pyproject.toml",
    "/%2e%2e%2fpyproject.toml",
    "/%2E%2E%2F%2E%2E%2Fpyproject.toml",
    "/%252e%252e%252fpyproject.toml",  # encoded twice
    "/..%2fpyproject.toml",
    "/..%5cpyproject.toml",
    "/..\\pyproject.toml",
    "/static/../../pyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/b/../../pyproject.toml",
    "/b/shoeshine/../../../pyproject.toml",
    "/b/shoeshine/script/../../../../pyproject.toml",
    "//pyproject.toml",
    "/shoeshine.yaml",  # the blueprint itself is not served as a file either
    "/blueprints/shoeshine.yaml",
    "/link/pyproject.toml",  # a symlink in the folder, to the repository
    "/pyproject.toml",
    "http://127.0.0.1/../pyproject.toml",
]


def test_no_path_reaches_a_file(server, folder):
    (folder / "link").symlink_to(ROOT, target_is_directory=True)
    (folder / "pyproject.toml").symlink_to(ROOT / "pyproject.toml")
    for path in TRAVERSALS:
        status, _, body = get(server, path)
        assert status == 404, path
        assert b"[project]" not in body and b"blueprint: 1" not in body, path


def test_a_host_that_is_not_this_server_is_refused(server):
    port = server.port
    assert get(server, "/", f"127.0.0.1:{port}")[0] == 200
    assert get(server, "/", f"localhost:{port}")[0] == 200
    for host in (
        f"evil.example:{port}",
        "evil.example",
        f"127.0.0.1:{port + 1}",
        f"127.0.0.1.nip.io:{port}",
    ):
        status, _, body = get(server, "/", host)
        assert status == 403, host
        assert b"Corner shoeshine" not in body
    assert get(server, "/events", f"evil.example:{port}")[0] == 403
    assert get(server, "/", "")[0] == 403  # no Host at all


def test_host_rules():
    assert host_allowed("127.0.0.1:8765", "127.0.0.1", 8765)
    assert host_allowed("LOCALHOST:8765", "127.0.0.1", 8765)
    assert host_allowed("[::1]:8765", "::1", 8765)
    assert not host_allowed("127.0.0.1", "127.0.0.1", 8765)  # port 80 is another server
    assert not host_allowed("attacker.example:8765", "127.0.0.1", 8765)
    # on every address (--host 0.0.0.0): any IP address, never a name DNS could point here
    assert host_allowed("192.0.2.7:8765", "0.0.0.0", 8765)
    assert not host_allowed("attacker.example:8765", "0.0.0.0", 8765)
    assert host_allowed("192.0.2.7:8765", "192.0.2.7", 8765)
    assert not host_allowed("localhost:8765", "192.0.2.7", 8765)


def test_nothing_can_be_written_and_pages_carry_a_strict_policy(server, folder):
    before = sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert get(server, "/b/shoeshine", method=method)[0] == 405
    status, headers, body = get(server, "/b/shoeshine")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert (
        "script-src 'self';" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "<script>" not in body.decode()  # no inline script: only /static/serve.js
    status, headers, body = get(server, "/b/shoeshine/script/0")
    assert status == 200 and "sandbox" in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none': no script
    assert sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir()) == before


def test_editor_links():
    # a '/' before {path} is not doubled, spaces are escaped
    assert (
        editor_link("vscode://file/{path}:{line}:{col}", "/tmp/my blueprints/a.yaml", 3, 5)
        == "vscode://file/tmp/my%20blueprints/a.yaml:3:5"
    )
    assert (
        editor_link("idea://open?file={path}&line={line}", "/srv/a.yaml", 7, 1)
        == "idea://open?file=/srv/a.yaml&line=7"
    )
    assert editor_link(None, "/srv/a.yaml", 7, 1) == ""


# ------------------------------------------------------------------------- the command


def test_a_port_in_use_is_one_line_and_exit_2(run, folder):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run("serve", folder, "--port", port)
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert lines == [
        f"blueprint: port {port} on 127.0.0.1 is in use (another blueprint serve?); "
        "use --port 0 to pick a free port"
    ]


def test_ctrl_c_stops_cleanly(folder):
    proc = subprocess.Popen(
        [sys.executable, "-m", "blueprint", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()  # printed once the page is served
        assert first.startswith("serving 1 blueprint from ") and "(Ctrl-C stops)" in first
        url = first.split(" at ")[1].split()[0]
        port = int(url.rsplit(":", 1)[1].strip("/"))
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/")
        assert c.getresponse().status == 200
        c.close()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert "Traceback" not in err and err.strip() == "blueprint: stopped"


def test_another_host_is_warned_about(run, folder, monkeypatch):
    import blueprint.serve

    made = {}

    class NoServer:  # nothing is bound: tests listen on 127.0.0.1 only
        def __init__(self, path, **kw):
            made.update(kw, path=path)
            self.project = blueprint.serve.Project(path)
            self.url = "http://192.0.2.7:8765/"

        def serve_forever(self):
            raise KeyboardInterrupt  # as Ctrl-C does

        def stop(self):
            made["stopped"] = True

    monkeypatch.setattr(blueprint.serve, "Server", NoServer)
    r = run("serve", folder, "--host", "192.0.2.7")
    assert r.exit_code == 0
    assert made["host"] == "192.0.2.7" and made["stopped"]
    assert "warning: --host 192.0.2.7 lets other computers on the network read" in r.output


def test_ctrl_c_while_the_watchers_start_stops_cleanly(folder, monkeypatch):
    """A Ctrl-C that lands between making a watcher thread and starting it (found by
    sending SIGINT right after 'serving ...' was printed) once gave 'internal error:
    cannot join thread before it is started'. Made deterministic here: the refresh
    worker's start() is interrupted."""
    import threading

    from blueprint.serve import Project
    from blueprint.serve.watch import Watcher

    watcher = Watcher(Project(str(folder)))
    real_start = threading.Thread.start

    def start(self):
        if self.name == "blueprint-refresh":
            raise KeyboardInterrupt
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    with pytest.raises(KeyboardInterrupt):
        watcher.start()
    monkeypatch.setattr(threading.Thread, "start", real_start)
    watcher.stop()  # joins only what started, and the watch threads end
    assert [t.name for t in watcher.threads] == ["blueprint-watch-deep"]
    assert not any(t.is_alive() for t in watcher.threads)
