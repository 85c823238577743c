"""Peak memory and time of ``blueprint render`` for the shapes Graphviz finds hard.

Graphviz routes the arrows of the diagram (``splines=ortho``) in memory that
grows with the square of the boxes drawn, and in time that grows faster still
with the arrows meeting at one box. ``render`` refuses a diagram past
``render.MAX_BOXES`` boxes or ``render.MAX_FLOWS_AT_ONE_STEP`` arrows at one
step before Graphviz runs (docs/reliability.md). This script shows the growth
below the limits and the refusal past them: each case is a fresh
``blueprint render --format svg`` process, and its peak memory is the largest
resident set of it and of the Graphviz programs it ran (``os.wait4``).

Shapes:

* ``fan``    - n customer actions that all flow into one front-stage step;
* ``phases`` - a journey of n steps, each in its own phase;
* ``chain``  - a journey of n steps, no phases;
* ``real``   - benchmarks/generate.py's realistic blueprint of n steps.

Usage::

    .venv/bin/python benchmarks/render_limits.py                 # the default cases
    .venv/bin/python benchmarks/render_limits.py --case fan:5000 --case phases:2000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, os.path.join(HERE, ".."))

DEFAULT_CASES = [
    "fan:200",
    "fan:400",
    "fan:500",
    "fan:5000",
    "phases:250",
    "phases:500",
    "phases:1000",
    "phases:2000",
    "chain:1000",
    "chain:1990",
    "real:1000",
    "real:2000",
]


def _step(out: list, sid: str, lane: str, nxt: str = "", phase: str = "") -> None:
    out.append(f"  - id: {sid}\n    lane: {lane}\n    text: Step {sid}")
    if phase:
        out.append(f"    phase: {phase}")
    if lane == "customer":
        out.append("    evidence: [Sign]")
    if nxt:
        out.append(f"    next: [{nxt}]")


def fan(n: int) -> str:
    out = ["blueprint: 1", "id: fan", "title: Fan in", "steps:"]
    for i in range(n):
        _step(out, f"c{i}", "customer", "sink")
    _step(out, "sink", "frontstage", "end")
    _step(out, "end", "customer")
    return "\n".join(out) + "\n"


def journey(n: int, phases: bool) -> str:
    out = ["blueprint: 1", "id: journey", "title: A journey"]
    if phases:
        out.append("phases:")
        out.extend(f"  - {{id: p{i}, name: Phase {i}}}" for i in range(n))
    out.append("steps:")
    for i in range(n):
        lane = "customer" if i % 2 == 0 else "frontstage"
        nxt = f"s{i + 1}" if i + 1 < n else ""
        _step(out, f"s{i}", lane, nxt, f"p{i}" if phases else "")
    return "\n".join(out) + "\n"


def blueprint_text(shape: str, n: int) -> str:
    if shape == "fan":
        return fan(n)
    if shape in ("phases", "chain"):
        return journey(n, shape == "phases")
    if shape == "real":
        from benchmarks.generate import generate

        return generate(n, seed=1)
    raise SystemExit(f"unknown shape {shape!r}")


def run_case(path: str, timeout: float) -> tuple[int, float, int, str]:
    """Exit code, seconds, peak MiB of the render and the Graphviz it ran (the
    rusage os.wait4 gives for this one process), and the last line of stderr."""
    out = path[:-5] + ".svg"
    err_path = path[:-5] + ".err"
    start = time.monotonic()
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "blueprint", "render", path, "-o", out],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "PYTHONPATH": os.path.join(HERE, "..", "src")},
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    with open(err_path, encoding="utf-8", errors="replace") as fh:
        lines = [ln for ln in fh.read().splitlines() if ln.strip()]
    return proc.returncode, seconds, usage.ru_maxrss // 1024, lines[-1] if lines else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--case", action="append", help="shape:steps (repeatable); default: a set of cases"
    )
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per case")
    args = ap.parse_args(argv)

    from blueprint import render

    print(f"limits: {render.MAX_BOXES:,} boxes, {render.MAX_FLOWS_AT_ONE_STEP:,} flows at one step")
    print(f"{'case':<14} {'exit':>4} {'seconds':>8} {'peak MiB':>9}  message")
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.case or DEFAULT_CASES:
            shape, _, n = case.partition(":")
            path = os.path.join(tmp, f"{shape}-{n}.yaml")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(blueprint_text(shape, int(n)))
            code, seconds, peak, message = run_case(path, args.timeout)
            print(f"{case:<14} {code:>4} {seconds:>8.1f} {peak:>9,}  {message[:110]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
