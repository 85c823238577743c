"""How fast `blueprint render` draws, whole command, against Graphviz alone.

    .venv/bin/python benchmarks/render_speed.py              # 25, 100, 400 and 1,000 steps, 5 runs each
    .venv/bin/python benchmarks/render_speed.py 25 1000 -n 7

For each size a synthetic blueprint is written with ``benchmarks/generate.py``;
then, as separate processes, ``blueprint render FILE -o out.svg`` (what a user
types) and ``neato -n2 -Tsvg`` on the DOT that ``render --format dot`` wrote
(Graphviz alone: the floor), and ``blueprint render FILE -o out.pdf`` (the
drawing put on A4 paper, in pieces when it is too long to read on one page).
Wall time (median and minimum) and CPU time
(user + system of the process and its children, median) are printed; the
ratio is of the medians of wall time. A loaded machine inflates wall time,
CPU time much less.

Targets (issue 5): 25 steps under 0.3 s, 1,000 steps under 2 s, within 1.5x
of Graphviz alone. Issue 17: PDF within 1.3x of SVG at every size, 1,000 steps
under 3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from benchmarks.generate import generate  # noqa: E402


def timed(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(cmd: list[str], runs: int) -> dict:
    timed(cmd)  # warm the disk cache
    walls, cpus = zip(*(timed(cmd) for _ in range(runs)))
    return {"median": statistics.median(walls), "min": min(walls), "cpu": statistics.median(cpus)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[25, 100, 400, 1000])
    ap.add_argument("-n", "--runs", type=int, default=5)
    ap.add_argument("--no-pdf", action="store_true", help="leave out the PDF column")
    args = ap.parse_args(argv)
    exe = shutil.which("blueprint", path=os.path.dirname(sys.executable)) or shutil.which(
        "blueprint"
    )
    neato = shutil.which("neato")
    if not exe or not neato:
        print("needs the blueprint command and Graphviz's neato on PATH", file=sys.stderr)
        return 2
    head = "| steps | render SVG, whole command: median (min) | CPU | neato -n2 alone: median (min) | CPU | ratio |"
    rule = "|---:|---:|---:|---:|---:|---:|"
    if not args.no_pdf:
        head += " render PDF: median (min) | CPU | PDF / SVG |"
        rule += "---:|---:|---:|"
    print(head)
    print(rule)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            src = os.path.join(tmp, f"bp-{n}.yaml")
            with open(src, "w", encoding="utf-8") as fh:
                fh.write(generate(n, seed=1))
            dot = os.path.join(tmp, f"bp-{n}.dot")
            subprocess.run([exe, "render", src, "-o", dot], check=True, stderr=subprocess.DEVNULL)
            whole = measure([exe, "render", src, "-o", os.path.join(tmp, f"bp-{n}.svg")], args.runs)
            alone = measure(
                [neato, "-n2", "-Tsvg", dot, "-o", os.path.join(tmp, f"gv-{n}.svg")], args.runs
            )
            row = (
                f"| {n} | {whole['median']:.3f} s ({whole['min']:.3f}) | {whole['cpu']:.3f} s "
                f"| {alone['median']:.3f} s ({alone['min']:.3f}) | {alone['cpu']:.3f} s "
                f"| {whole['median'] / alone['median']:.2f}x |"
            )
            if not args.no_pdf:
                pdf = measure(
                    [exe, "render", src, "-o", os.path.join(tmp, f"bp-{n}.pdf")], args.runs
                )
                row += (
                    f" {pdf['median']:.3f} s ({pdf['min']:.3f}) | {pdf['cpu']:.3f} s "
                    f"| {pdf['median'] / whole['median']:.2f}x |"
                )
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
