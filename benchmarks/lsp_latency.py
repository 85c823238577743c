"""How long after a change does `blueprint lsp` publish the new diagnostics?

The server runs as editors run it (``python -m blueprint lsp``, a subprocess on
stdio, benchmarks/lsp_client.py speaking to it). A blueprint of each size
(benchmarks/generate.py, seed 1) is opened, then changed again and again, each
change a real edit (one step's text, alternately with a mistake in a ``next:``
that check must find); the time is from sending ``didChange`` to receiving
``publishDiagnostics`` for that version. Changes are spaced by more than the
server's typing pause (150 ms), as when a designer stops typing: the pause is
not counted, because the server checks the first change after a pause at once.

Targets: at most 100 ms at 60 steps, at most 1 s at 1,000 steps (median).

Usage::

    .venv/bin/python benchmarks/lsp_latency.py            # 60 and 1000 steps, 15 changes each
    .venv/bin/python benchmarks/lsp_latency.py 60 300 1000 -n 25
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from benchmarks.generate import generate
from benchmarks.lsp_client import Client

TARGETS = {60: 0.100, 1000: 1.0}
PAUSE = 0.3  # seconds between changes: longer than the server's typing pause (150 ms)


def variants(text: str) -> list[str]:
    """Two edits of the text: one step's text changed, and a ``next:`` that names no step."""
    lines = text.splitlines(keepends=True)
    t = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("text: "))
    edited = lines.copy()
    edited[t] = edited[t].rstrip("\n") + " (edited)\n"
    n = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("next: ["))
    broken = lines.copy()
    broken[n] = broken[n].replace("next: [", "next: [no-such-step, ", 1)
    return ["".join(edited), "".join(broken)]


def measure(n: int, changes: int, tmp: str) -> dict:
    text = generate(n, seed=1)
    path = Path(tmp) / f"bp-{n}.yaml"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    edits = variants(text)
    times, counts = [], []
    with Client(cwd=tmp) as c:
        c.initialize(tmp)
        t0 = time.perf_counter()
        c.open(uri, text)
        c.diagnostics(uri)
        first = time.perf_counter() - t0
        for i in range(changes):
            time.sleep(PAUSE)  # a benchmark, not a test: the designer's pause between edits
            t0 = time.perf_counter()
            version = c.change(uri, edits[i % 2])
            diags = c.diagnostics(uri, version)
            times.append(time.perf_counter() - t0)
            counts.append(len(diags))
        c.shutdown()
    if not any(counts):
        raise SystemExit(f"{n} steps: the mistake was not found; the benchmark is broken")
    return {"open": first, "median": statistics.median(times), "max": max(times)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=sorted(TARGETS))
    ap.add_argument("-n", "--changes", type=int, default=15)
    args = ap.parse_args(argv)
    print("| steps | diagnostics after a change: median | slowest | first check on open | target |")
    print("|---:|---:|---:|---:|---:|")
    missed = False
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            m = measure(n, args.changes, tmp)
            target = TARGETS.get(n)
            ok = "" if target is None else f"≤ {target * 1000:.0f} ms"
            if target is not None and m["median"] > target:
                ok += " **missed**"
                missed = True
            print(
                f"| {n:,} | {m['median'] * 1000:.0f} ms | {m['max'] * 1000:.0f} ms "
                f"| {m['open'] * 1000:.0f} ms | {ok} |"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
