"""How long do ``blueprint export`` and ``blueprint import`` take, next to ``check``?

A generated blueprint (benchmarks/generate.py, seed 1) is checked, exported as
xlsx, csv and json, and the xlsx and csv are imported again; each command runs
as a user runs it (``python -m blueprint ...``, a subprocess, so start-up and
imports are counted), ``-n`` times, and the median wall time is printed as a
Markdown table (docs/performance.md, "Spreadsheets").

Usage::

    .venv/bin/python benchmarks/sheets_speed.py            # 1,000 steps, 5 runs each
    .venv/bin/python benchmarks/sheets_speed.py 60 1000 -n 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from benchmarks.generate import generate


def _time(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "blueprint", *args], capture_output=True)
        times.append(time.perf_counter() - t0)
        if r.returncode not in (0, 1):
            raise SystemExit(
                f"blueprint {' '.join(args)}: exit {r.returncode}\n{r.stderr.decode()}"
            )
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000])
    ap.add_argument("-n", type=int, default=5, help="runs of each command (median)")
    opts = ap.parse_args(argv)
    print("| steps | check | export xlsx | export csv | export json | import xlsx | import csv |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in opts.sizes:
            src = Path(tmp, f"bp-{n}.yaml")
            src.write_text(generate(n, seed=1), encoding="utf-8")
            row = [_time(["check", str(src)], opts.n)]
            for fmt in ("xlsx", "csv", "json"):
                row.append(
                    _time(["export", str(src), "--format", fmt, "-o", f"{src}.{fmt}"], opts.n)
                )
            for fmt in ("xlsx", "csv"):
                out = f"{src}.{fmt}.yaml"
                row.append(_time(["import", f"{src}.{fmt}", "-o", out, "--force"], opts.n))
            print(f"| {n:,} | " + " | ".join(f"{t:.2f} s" for t in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
