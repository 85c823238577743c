"""Does checking grow linearly with the blueprint, whatever its shape?

For each shape, the blueprint is checked at n steps and at 2n steps, in this
process (CPU time of ``lint.check_file``, best of a few runs), and the growth
is printed: about 2 means linear, about 4 means quadratic. A hostile file of a
few thousand steps must not make CI wait for minutes.

Shapes:

* ``chain``  - one long journey through the lanes (the common case);
* ``hub``    - many customer actions all leading into one long chain of staff
  work (a queue, a shared back office): each customer action reaches the same
  long path;
* ``fan``    - one customer action, many parallel staff steps, one customer action;
* ``starts`` - many separate short journeys (many customer starts).

Usage::

    .venv/bin/python benchmarks/scaling.py              # n = 1000, 2000
    .venv/bin/python benchmarks/scaling.py --n 5000 --shape hub --stage graph

``--stage`` picks what is timed: ``load`` (read, schema, model), ``graph``
(the structural facts every rule shares), or ``check`` (everything,
``blueprint check`` without the process start).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))


def _steps(lines, sid, lane, nxt=(), evidence=False):
    lines.append(f"  - id: {sid}\n    lane: {lane}\n    text: Step {sid}")
    if evidence:
        lines.append("    evidence: [Sign]")
    if nxt:
        lines.append(f"    next: [{', '.join(nxt)}]")


def chain(n):
    lanes = ("customer", "frontstage", "backstage", "frontstage")
    out = []
    for i in range(n - 1):
        _steps(
            out,
            f"s{i}",
            lanes[i % 4],
            [f"s{i + 1}" if i < n - 2 else "end"],
            lanes[i % 4] == "customer",
        )
    _steps(out, "end", "customer", evidence=True)
    return out


def hub(n):
    c = n // 2
    out = []
    for i in range(c):
        _steps(out, f"c{i}", "customer", ["desk"], True)
    _steps(out, "desk", "frontstage", ["b0"])
    for j in range(n - c - 3):
        _steps(out, f"b{j}", "backstage", [f"b{j + 1}" if j < n - c - 4 else "hand"])
    _steps(out, "hand", "frontstage", ["end"])
    _steps(out, "end", "customer", evidence=True)
    return out


def fan(n):
    out = []
    k = n - 3
    _steps(out, "start", "customer", ["desk"], True)
    _steps(out, "desk", "frontstage", [f"w{i}" for i in range(k)])
    for i in range(k):
        _steps(out, f"w{i}", "frontstage", ["end"])
    _steps(out, "end", "customer", evidence=True)
    return out


def starts(n):
    out = []
    for i in range(n // 3):
        _steps(out, f"a{i}", "customer", [f"f{i}"], True)
        _steps(out, f"f{i}", "frontstage", [f"z{i}"])
        _steps(out, f"z{i}", "customer", evidence=True)
    return out


SHAPES = {"chain": chain, "hub": hub, "fan": fan, "starts": starts}


def blueprint_text(shape: str, n: int) -> str:
    head = [
        "blueprint: 1",
        f"id: {shape}",
        f"title: {shape} of {n} steps",
        "rules: {empty-lane: off}",
        "steps:",
    ]
    return "\n".join(head + SHAPES[shape](n)) + "\n"


def timed(stage: str, path: str, repeat: int) -> float:
    from blueprint import lint
    from blueprint.config import Config

    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        if stage == "load":
            lint.load_blueprint(path)
        elif stage == "graph":
            from blueprint.graph import Structure

            bp, _ = lint.load_blueprint(path)
            st = Structure(bp)
            for name in (
                "forward",
                "order",
                "customer_steps",
                "customer_next",
                "customer_next_all",
                "customer_starts",
                "customer_ends",
                "journey",
            ):
                getattr(st, name)
        else:
            lint.check_file(path, Config())
        best = min(best, time.process_time() - t)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--n", type=int, default=1000, help="the smaller size (the larger is twice that)"
    )
    ap.add_argument(
        "--shape", choices=sorted(SHAPES), action="append", help="shapes to run (default: all)"
    )
    ap.add_argument("--stage", choices=["load", "graph", "check"], default="check")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    worst = 0.0
    print(f"{'shape':<8} {'stage':<6} {'n':>8} {'cpu s':>8} {'2n':>8} {'cpu s':>8} {'growth':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shape or sorted(SHAPES):
            times = []
            for n in (args.n, 2 * args.n):
                path = os.path.join(tmp, f"{shape}-{n}.yaml")
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(blueprint_text(shape, n))
                times.append(timed(args.stage, path, args.repeat))
            growth = times[1] / times[0] if times[0] > 0 else float("nan")
            worst = max(worst, growth)
            flag = "  <- grows faster than the blueprint" if growth > 3 else ""
            print(
                f"{shape:<8} {args.stage:<6} {args.n:>8} {times[0]:>8.2f} {2 * args.n:>8} {times[1]:>8.2f} "
                f"{growth:>6.1f}x{flag}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
