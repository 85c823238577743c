"""What does `build`'s record of what was built cost, with thousands of blueprints?

The record (``.blueprint-build.json`` and its journal, docs/build.md) used to be
saved whole after every blueprint: n saves of a file growing with n, so
quadratic (3,000 blueprints: 442 s of saves alone). Now each blueprint appends
one line to a journal and the manifest is written once, at the end.

For n tiny blueprints (default 1,500 and 3,000: the growth from n to 2n should
be about 2), this script times:

1. **first build**, in this process, with the drawing and the scripts replaced
   by a stub that writes two small files per blueprint (Graphviz would take
   most of an hour and is not what is measured): the whole build, and the part
   spent on the record (journal lines and the final manifest, CPU time);
2. **no-op rebuild**: ``blueprint build`` run as a new process on the folder
   the first build left (the real command; nothing is out of date), and the
   same for one blueprint: the fixed cost of start-up, imports and the index;
3. **floor**: a new Python process that reads and hashes every blueprint
   file, which any rebuild that notices an edit must do (2 and 3: the fastest
   of 5 runs);
4. with ``--old``: the previous design, simulated: the same manifest written
   whole, atomically, after each blueprint (at n/4 blueprints only unless you
   have minutes to spare: it is quadratic).

Usage::

    .venv/bin/python benchmarks/build_cache.py              # n = 1500, 3000
    .venv/bin/python benchmarks/build_cache.py --n 3000 --old
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "src"))

from blueprint import build as b  # noqa: E402
from blueprint.fsutil import OutputTree, write_atomic  # noqa: E402

TINY = """\
blueprint: 1
id: t{i}
title: Tiny {i}
steps:
  - {{id: enter, lane: customer, text: Walk in {i}, evidence: [Sign], next: [greet]}}
  - {{id: greet, lane: frontstage, text: Greet, next: [cook]}}
  - {{id: cook, lane: backstage, text: Cook, next: [serve]}}
  - {{id: stock, lane: support, text: Stock, next: [cook]}}
  - {{id: serve, lane: frontstage, text: Serve, next: [eat]}}
  - {{id: eat, lane: customer, text: Eat, evidence: [Bowl]}}
"""

REPEAT = 5
FLOOR = (
    "import hashlib, os, sys\n"
    "for top, _, files in os.walk(sys.argv[1]):\n"
    "    for f in sorted(files):\n"
    "        hashlib.sha256(open(os.path.join(top, f), 'rb').read()).digest()\n"
)


def stub_build_one(path, tree, slug, options, written, announce=lambda name: None):
    """Two small outputs per blueprint, as build_one would record them."""
    summary: dict[str, Any] = {
        "path": path,
        "slug": slug,
        "title": os.path.basename(path),
        "id": slug,
        "errors": 0,
        "warnings": 0,
        "outputs": [],
        "problems": [],
        "headline": {},
        "failed": "",
    }
    for name, data in (("check.txt", "1 file checked: no problems\n"), ("analysis.json", "{}\n")):
        announce(name)
        st = tree.write(f"{slug}/{name}", data)
        written[name] = [st.st_size, st.st_mtime_ns]
        summary["outputs"].append(name)
    return summary


class Timed:
    """Wrap a function of a class and add up the time spent in it."""

    def __init__(self, owner: Any, name: str):
        self.owner, self.name, self.real = owner, name, getattr(owner, name)
        self.seconds, self.calls = 0.0, 0
        real = self.real

        def timed(*args: Any, **kw: Any) -> Any:
            t = time.process_time()  # CPU time: the other load on the machine does not count
            try:
                return real(*args, **kw)
            finally:
                self.seconds += time.process_time() - t
                self.calls += 1

        setattr(owner, name, timed)

    def restore(self) -> None:
        setattr(self.owner, self.name, self.real)


def one_size(n: int, work: str, old: bool) -> dict[str, float]:
    src = os.path.join(work, f"src-{n}")
    os.makedirs(src)
    for i in range(n):
        with open(os.path.join(src, f"bp-{i:05d}.yaml"), "w", encoding="utf-8") as fh:
            fh.write(TINY.format(i=i))
    files = sorted(os.path.join(src, f) for f in os.listdir(src))
    site = os.path.join(work, f"site-{n}")

    real_build_one = b.build_one
    b.build_one = stub_build_one
    log, compact = Timed(b.Manifest, "log"), Timed(b.Manifest, "compact")
    try:
        t = time.perf_counter()
        result = b.run(files, site, b.BuildOptions())
        first = time.perf_counter() - t
    finally:
        b.build_one = real_build_one
        log.restore()
        compact.restore()
    assert result.built == n, result.built

    noop = floor = float("inf")
    for _ in range(REPEAT):  # the fastest of a few runs: the machine's other load adds only noise
        t = time.perf_counter()
        r = subprocess.run(
            [sys.executable, "-m", "blueprint", "build", src, "-o", site],
            capture_output=True,
            text=True,
        )
        noop = min(noop, time.perf_counter() - t)
        assert f"0 built, {n} up to date" in r.stdout, r.stdout + r.stderr
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", FLOOR, src], check=True)
        floor = min(floor, time.perf_counter() - t)

    out = {
        "first": first,
        "record": log.seconds + compact.seconds,
        "journal_lines": float(log.calls),
        "noop": noop,
        "floor": floor,
    }
    if old:
        out["old_saves"], out["old_n"] = old_saves(site, max(1, n // 4), work)
    return out


def old_saves(site: str, n: int, work: str) -> tuple[float, float]:
    """The previous design: the whole manifest, written atomically after each blueprint."""
    with OutputTree(site) as tree:
        entries = b.Manifest(tree).entries
    items = sorted(entries.items())[:n]
    target = os.path.join(work, "old-manifest.json")
    manifest: dict[str, Any] = {"version": 1, "files": {}}
    t = time.process_time()
    for slug, entry in items:
        manifest["files"][slug] = {"hash": entry["hash"], "summary": entry["summary"]}
        write_atomic(target, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return time.process_time() - t, float(len(items))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=3000, help="the larger number of blueprints")
    ap.add_argument("--old", action="store_true", help="also time the previous design")
    args = ap.parse_args()
    sizes = (args.n // 2, args.n)
    rows = {}
    with tempfile.TemporaryDirectory(prefix="bp-build-cache-") as work:
        one = one_size(1, work, False)  # the fixed cost: start-up, imports, the index
        python = float("inf")
        for _ in range(REPEAT):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            python = min(python, time.perf_counter() - t)
        for n in sizes:
            rows[n] = one_size(n, work, args.old)
    print(
        "| blueprints | first build (stubbed) | of which the record (CPU) | journal lines "
        "| no-op rebuild (process) | floor: read and hash the files (process) | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for n, r in rows.items():
        print(
            f"| {n:,} | {r['first']:.2f} s | {r['record']:.3f} s | {int(r['journal_lines']):,} "
            f"| {r['noop']:.2f} s | {r['floor']:.2f} s | {r['noop'] / r['floor']:.1f}× |"
        )
    print(f"| 1 | | | | {one['noop']:.2f} s | {one['floor']:.2f} s | |")
    for n, r in rows.items():
        per = (r["noop"] - one["noop"]) / n * 1000
        floor = (r["floor"] - python) / n * 1000
        print(
            f"\n{n:,} blueprints, per blueprint beyond the fixed cost: no-op rebuild {per:.2f} ms, "
            f"floor {floor:.2f} ms (read and hash; Python alone starts in {python:.2f} s)"
        )
    a, z = rows[sizes[0]], rows[sizes[1]]
    print(
        f"\ngrowth from {sizes[0]:,} to {sizes[1]:,}: record {z['record'] / a['record']:.2f}×, "
        f"no-op rebuild {z['noop'] / a['noop']:.2f}× (2 is linear, 4 quadratic)"
    )
    if args.old:
        for r in rows.values():
            print(
                f"previous design, manifest saved after each of {int(r['old_n']):,} blueprints: "
                f"{r['old_saves']:.2f} s of CPU"
            )


if __name__ == "__main__":
    main()
