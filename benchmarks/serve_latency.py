"""How long `blueprint serve` takes from a save to the new drawing on screen.

    .venv/bin/python benchmarks/serve_latency.py              # 60 and 1,000 steps
    .venv/bin/python benchmarks/serve_latency.py 60 1000 -n 7

For each size a synthetic blueprint (``benchmarks/generate.py``, seed 1) is
served by ``blueprint serve FILE --port 0``, started as its own process as a
designer starts it, and opened in Debian's Chromium (headless, through
Playwright). Each run saves the file with a new title, as an editor does
(a new file renamed over the old one), and the clock stops when the page's
drawing holds the new title and the browser has painted it (two animation
frames later). The first save warms the server up and is not counted.

Beside it, in this process, the two steps the server runs for a save, warm:
``check`` (load, schema, rules, analysis) and the SVG drawing (Graphviz);
what is left is watching, the event, the fetch and the browser.

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


def in_process(path: str, runs: int) -> dict:
    """The server's own work for one save, warm: check, then the SVG."""
    from blueprint import lint
    from blueprint import render as rnd

    checks, draws = [], []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        res = lint.check_file(path)
        t1 = time.perf_counter()
        rnd.render(res.blueprint, res.context.analysis, "svg", rnd.Options())
        t2 = time.perf_counter()
        checks.append(t1 - t0)
        draws.append(t2 - t1)
    return {"check": statistics.median(checks[1:]), "draw": statistics.median(draws[1:])}


def in_browser(browser, path: str, text: str, title: str, runs: int) -> list[float]:
    exe = shutil.which("blueprint", path=os.path.dirname(sys.executable)) or "blueprint"
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
            "() => document.querySelector('#drawing svg') !== null", timeout=60_000
        )
        times = []
        for n in range(runs + 1):
            marker = f"edit {n} {time.time_ns()}"
            new = text.replace(title, f"{title} {marker}", 1)
            t0 = time.perf_counter()
            save(path, new)
            page.wait_for_function(
                "m => { const s = document.querySelector('#drawing svg');"
                " return s !== null && s.textContent.includes(m); }",
                arg=marker,
                polling="raf",
                timeout=60_000,
            )
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            times.append(time.perf_counter() - t0)
        page.close()
        return times[1:]
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
            title = next(
                line.split(":", 1)[1].strip().strip('"')
                for line in text.splitlines()
                if line.startswith("title:")
            )
            save(path, text)
            parts = in_process(path, 3)
            runs = args.runs if size <= 200 else max(3, args.runs // 2)
            times = in_browser(browser, path, text, title, runs)
            rows.append((size, times, parts))
        browser.close()
    print(f"{'steps':>6}  {'median':>8}  {'min':>8}  {'max':>8}  {'check':>7}  {'draw':>7}  target")
    for size, times, parts in rows:
        target = TARGETS.get(size)
        med = statistics.median(times)
        verdict = "" if target is None else f"{target:.1f} s {'ok' if med <= target else 'MISSED'}"
        print(
            f"{size:>6}  {med:>7.3f}s  {min(times):>7.3f}s  {max(times):>7.3f}s  "
            f"{parts['check']:>6.3f}s  {parts['draw']:>6.3f}s  {verdict}"
        )
    print(
        f"({len(rows[0][1])} saves at {rows[0][0]} steps; check and draw: the server's own work, warm)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
