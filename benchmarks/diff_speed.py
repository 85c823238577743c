"""How fast `blueprint diff` compares two 1,000-step blueprints.

    .venv/bin/python benchmarks/diff_speed.py              # 1,000 steps, 5 runs
    .venv/bin/python benchmarks/diff_speed.py 1000 4000 -n 3

The old side is ``benchmarks/generate.py``'s blueprint; the new side is the
same with a redesign's worth of edits, made deterministically: every 20th
step's text reworded, every 25th step renamed (its id changes, the flows
into it follow), every 30th duration doubled, every 40th customer action one
more piece of evidence. Timed, in one process: the comparison alone
(``diff.compare`` on two loaded and analysed blueprints) and the report
(``--format json``); and, as a separate process, the whole command as a user
types it (loading, checking and analysing both files, then comparing).

``--all-renamed`` renames every step as well (``x-`` before each id): the worst
case of the rename matching, which then scores every pair of old and new steps.

Target (issue 16): the diff of two 1,000-step blueprints in at most 1 s.
"""

from __future__ import annotations

import argparse
import copy
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

from benchmarks.generate import generate_data, to_yaml  # noqa: E402


def redesign(data: dict, all_renamed: bool = False) -> dict:
    """A copy of ``data`` with the edits of the module docstring (``all_renamed``:
    every id changes, the worst case of the rename matching)."""
    new = copy.deepcopy(data)
    renames: dict[str, str] = {}
    for i, s in enumerate(new["steps"]):
        if all_renamed:
            renames[s["id"]] = "x-" + s["id"]
        if i % 20 == 7:
            s["text"] = s["text"] + " (reworded)"
        if i % 25 == 11:
            renames[s["id"]] = s["id"] + "-new"
        if i % 30 == 3 and isinstance(s.get("duration"), str) and s["duration"].endswith("m"):
            s["duration"] = (
                f"{int(s['duration'][:-1]) * 2}m" if s["duration"][:-1].isdigit() else s["duration"]
            )
        if i % 40 == 0 and s.get("lane") == "customer":
            s["evidence"] = [*s.get("evidence", []), "A new sign"]
    for s in new["steps"]:
        s["id"] = renames.get(s["id"], s["id"])
        nxt = s.get("next")
        if isinstance(nxt, list):
            s["next"] = [
                renames.get(n, n)
                if isinstance(n, str)
                else {**n, "to": renames.get(n["to"], n["to"])}
                for n in nxt
            ]
    return new


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000])
    ap.add_argument("-n", "--runs", type=int, default=5)
    ap.add_argument(
        "--all-renamed", action="store_true", help="every id changes (the worst case of matching)"
    )
    args = ap.parse_args(argv)
    from blueprint import diff as D
    from blueprint.diffsource import read_side
    from blueprint.report.diff_json import as_json

    exe = shutil.which("blueprint", path=os.path.dirname(sys.executable)) or shutil.which(
        "blueprint"
    )
    print(
        "| steps | changes | compare: median (min) | + JSON report "
        "| whole command: median (min) | its CPU |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            data = generate_data(n, seed=1)
            old_path, new_path = (
                os.path.join(tmp, f"old-{n}.yaml"),
                os.path.join(tmp, f"new-{n}.yaml"),
            )
            with open(old_path, "w", encoding="utf-8") as fh:
                fh.write(to_yaml(data))
            with open(new_path, "w", encoding="utf-8") as fh:
                fh.write(to_yaml(redesign(data, args.all_renamed)))
            old, _ = read_side(old_path)
            new, _ = read_side(new_path)
            assert old is not None and new is not None
            compare, report = [], []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                d = D.compare(old, new)
                t1 = time.perf_counter()
                as_json([d])
                t2 = time.perf_counter()
                compare.append(t1 - t0)
                report.append(t2 - t0)
            whole, cpu = [], []
            if exe:
                for _ in range(args.runs):
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    t0 = time.perf_counter()
                    subprocess.run(
                        [exe, "diff", old_path, new_path, "--format", "json"],
                        stdout=subprocess.DEVNULL,
                        check=False,
                    )
                    whole.append(time.perf_counter() - t0)
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            w = (
                f"{statistics.median(whole):.3f} s ({min(whole):.3f}) | {statistics.median(cpu):.3f} s"
                if whole
                else "– | –"
            )
            print(
                f"| {n} | {len(d.changes)} | {statistics.median(compare):.3f} s ({min(compare):.3f}) "
                f"| {statistics.median(report):.3f} s | {w} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
