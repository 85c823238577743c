"""How long `blueprint serve` takes from a save to the new drawing on screen.

    .venv/bin/python benchmarks/serve_latency.py              # 60 and 1,000 steps
    .venv/bin/python benchmarks/serve_latency.py 60 1000 -n 7

For each size a synthetic blueprint (``benchmarks/generate.py``, seed 1) is
served by ``blueprint serve FILE --port 0``, started as its own process as a
designer starts it, and opened in Debian's Chromium (headless, through
Playwright). Each run saves the file as an editor does (a new file renamed
over the old one), and the clock stops when the page's drawing holds the new
text and the browser has painted it (two animation frames later). Two kinds
of edit are timed:

- ``title``: a word of the title changes. No box moves, so Graphviz's
  routes of the arrows are reused (render/backend.py keeps the last two);
- ``step``: the first step's text grows by a few words at each save, so its
  box grows, the boxes move and Graphviz routes every arrow again.

The first save of each kind warms the server up and is not counted.

Beside it, in this process, what the server runs for a save: ``check``
(load, schema, rules, analysis) and the SVG drawing with the arrows' routes
reused (``draw``) and routed again (``route+draw``); what is left is
watching, the event, the fetch and the browser.

Targets (issue 15): at most 300 ms at 60 steps and 2 s at 1,000.
This is a benchmark, not a test: nothing in the test suite times anything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from benchmarks.generate import generate  # noqa: E402

TARGETS = {60: 0.3, 1000: 2.0}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def save(path: str, text: str) -> None:
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def title_edit(text: str, n: int) -> tuple[str, str]:
    """(new text, marker): the title with a new word."""
    line = next(ln for ln in text.splitlines() if ln.startswith("title:"))
    marker = f"edit{n}x{time.time_ns() % 10**9}"
    return text.replace(line, f'title: "Synthetic service {marker}"', 1), marker


def step_edit(text: str, n: int) -> tuple[str, str]:
    """(new text, marker): the first step's text longer by three words each time."""
    line = next(ln for ln in text.splitlines() if ln.startswith("    text: "))
    marker = f"grown{n}x{time.time_ns() % 10**9}"
    more = " ".join(["and", "then", "more"] * (n + 1))
    return text.replace(line, f"{line} {more} {marker}", 1), marker


EDITS = {"title": title_edit, "step": step_edit}


def in_process(path: str, text: str, runs: int) -> dict:
    """The server's own work for one save, warm: check, then the SVG."""
    from blueprint import lint
    from blueprint import render as rnd

    checks, draws, routed = [], [], []
    for n in range(runs + 1):
        save(path, text)
        t0 = time.perf_counter()
        res = lint.check_file(path)
        t1 = time.perf_counter()
        rnd.render(res.blueprint, res.context.analysis, "svg", rnd.Options())
        t2 = time.perf_counter()
        checks.append(t1 - t0)
        draws.append(t2 - t1)
        save(path, step_edit(text, n)[0])  # boxes move: the arrows are routed again
        res = lint.check_file(path)
        t3 = time.perf_counter()
        rnd.render(res.blueprint, res.context.analysis, "svg", rnd.Options())
        routed.append(time.perf_counter() - t3)
    save(path, text)
    return {
        "check": statistics.median(checks[1:]),
        "draw": statistics.median(draws[1:]),
        "route+draw": statistics.median(routed[1:]),
    }


def in_browser(browser, path: str, text: str, runs: int) -> dict:
    exe = shutil.which("blueprint", path=os.path.dirname(sys.executable)) or "blueprint"
    save(path, text)
    server = subprocess.Popen(
        [exe, "serve", path, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = server.stdout.readline()
        if " at " not in line:
            raise SystemExit(f"blueprint serve did not start: {line!r}")
        url = line.split(" at ")[1].split()[0]
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_function(
            "() => document.querySelector('#drawing svg') !== null", timeout=120_000
        )
        times: dict = {}
        for kind, edit in EDITS.items():
            times[kind] = []
            for n in range(runs + 1):
                new, marker = edit(text, n)
                t0 = time.perf_counter()
                save(path, new)
                page.wait_for_function(
                    "m => { const s = document.querySelector('#drawing svg');"
                    " return s !== null && s.textContent.includes(m); }",
                    arg=marker,
                    polling="raf",
                    timeout=120_000,
                )
                page.evaluate(
                    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
                )
                times[kind].append(time.perf_counter() - t0)
            times[kind] = times[kind][1:]
        page.close()
        return times
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[60, 1000])
    ap.add_argument("-n", "--runs", type=int, default=7)
    args = ap.parse_args(argv)
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        print("Chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        for size in args.sizes:
            path = os.path.join(tmp, f"bp-{size}.yaml")
            text = generate(size, seed=1)
            parts = in_process(path, text, 3)
            runs = args.runs if size <= 200 else max(3, args.runs // 2)
            rows.append((size, in_browser(browser, path, text, runs), parts, runs))
        browser.close()
    print(
        f"{'steps':>6}  {'edit':<6}  {'median':>8}  {'min':>8}  {'max':>8}  "
        f"{'check':>7}  {'draw':>7}  {'route+draw':>10}  target"
    )
    for size, times, parts, _runs in rows:
        target = TARGETS.get(size)
        for kind, ts in times.items():
            med = statistics.median(ts)
            verdict = (
                "" if target is None else f"{target:.1f} s {'ok' if med <= target else 'MISSED'}"
            )
            print(
                f"{size:>6}  {kind:<6}  {med:>7.3f}s  {min(ts):>7.3f}s  {max(ts):>7.3f}s  "
                f"{parts['check']:>6.3f}s  {parts['draw']:>6.3f}s  {parts['route+draw']:>9.3f}s  {verdict}"
            )
    print("saves timed per edit: " + ", ".join(f"{r[3]} at {r[0]} steps" for r in rows))
    print("check, draw, route+draw: the server's own work in one process, warm")
    with open("/proc/loadavg") as fh:
        print(f"load average after the run: {fh.read().split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
