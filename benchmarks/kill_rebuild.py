"""Kill `blueprint build` with kill -9 at many moments, revert, rebuild: is the
site byte for byte a clean build's?

The larger run of ``tests/test_build_reliability.py``: the bundled examples
are built once (the clean site); then, for each kill point, starting from that
site, some blueprints are edited (a title changed), one is deleted and one
added; the build of that edit is started and killed with SIGKILL at a drawn
moment; the edit is reverted and the site built again. The result must equal
the clean site file for file and byte for byte (the manifest, which records
write times, and the lock file excepted), with no temporary file left.

The kill is deterministic, not timed: the build kills itself through the test
hook ``BLUEPRINT_TEST_HOOK`` right after its Nth output file is written
(``kill-after-write``), or when its Nth temporary file is complete but not yet
renamed (``kill-before-rename``); with ``--jobs 2``, the main process kills
itself after N blueprints (``kill-parent-after``) and its workers must die too.

Usage::

    .venv/bin/python benchmarks/kill_rebuild.py                 # 20 kill points, seed 1
    .venv/bin/python benchmarks/kill_rebuild.py --points 100 --seed 7 --examples 10

Exit 0 when every kill point gave a clean site, 1 otherwise (each failure is
listed with its seed, event and point, which reproduce it).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RECORDS = {".blueprint-build.json", ".blueprint-build.lock"}
EVENTS = ("kill-after-write", "kill-before-rename", "kill-parent-after")


def snapshot(site: str) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for top, dirs, files in os.walk(site):
        for name in dirs + files:
            p = os.path.join(top, name)
            rel = os.path.relpath(p, site)
            if os.path.islink(p):
                out[rel] = "link"
            elif os.path.isdir(p):
                out[rel] = "folder"
            elif rel not in RECORDS:
                with open(p, "rb") as fh:
                    out[rel] = fh.read()
    return out


def differences(site: str, clean: str) -> list[str]:
    got, want = snapshot(site), snapshot(clean)
    diff = [f"extra {k}" for k in sorted(set(got) - set(want))]
    diff += [f"missing {k}" for k in sorted(set(want) - set(got))]
    diff += [f"differs {k}" for k in sorted(set(got) & set(want)) if got[k] != want[k]]
    return diff


def build(src: str, site: str, *args: str, hook: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("BLUEPRINT_TEST_HOOK", None)
    if hook:
        env["BLUEPRINT_TEST_HOOK"] = hook
    return subprocess.run(
        [sys.executable, "-m", "blueprint", "build", src, "-o", site, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=20, help="kill points to try")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--examples", type=int, default=4, help="how many bundled examples to build")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    examples = sorted(
        f for f in os.listdir(os.path.join(ROOT, "blueprints")) if f.endswith(".yaml")
    )[: args.examples]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bp-kill-") as work:
        src = os.path.join(work, "src")
        os.makedirs(src)
        originals = {}
        for name in examples:
            shutil.copy(os.path.join(ROOT, "blueprints", name), os.path.join(src, name))
            with open(os.path.join(src, name), encoding="utf-8") as fh:
                originals[name] = fh.read()
        clean = os.path.join(work, "clean")
        t = time.perf_counter()
        r = build(src, clean)
        print(
            f"clean build of {len(examples)} examples: {time.perf_counter() - t:.1f} s ({r.stdout.strip()})"
        )

        def edit(r: random.Random) -> None:
            for name in r.sample(examples, max(1, len(examples) // 2)):
                text = originals[name].replace("title: ", "title: (edited) ", 1)
                with open(os.path.join(src, name), "w", encoding="utf-8") as fh:
                    fh.write(text)
            os.remove(os.path.join(src, examples[-1]))
            shutil.copy(os.path.join(src, examples[0]), os.path.join(src, "added.yaml"))

        def revert() -> None:
            for name, text in originals.items():
                with open(os.path.join(src, name), "w", encoding="utf-8") as fh:
                    fh.write(text)
            os.remove(os.path.join(src, "added.yaml"))

        # how many outputs the edited build writes, and how many blueprints it rebuilds
        probe = os.path.join(work, "probe")
        shutil.copytree(clean, probe, symlinks=True)
        edit(random.Random(args.seed))
        before = snapshot(probe)
        build(src, probe)
        after = snapshot(probe)
        writes = sum(1 for k, v in after.items() if v != "folder" and before.get(k) != v)
        writes = max(writes, 1)
        revert()
        print(
            f"the edited build writes about {writes} outputs; {args.points} kill points, seed {args.seed}"
        )

        for i in range(args.points):
            event = rng.choice(EVENTS)
            n = rng.randint(1, writes if event != "kill-parent-after" else len(examples) // 2 + 1)
            site = os.path.join(work, f"site-{i}")
            shutil.copytree(clean, site, symlinks=True)
            edit(random.Random(args.seed))
            extra = ("--jobs", "2") if event == "kill-parent-after" else ()
            killed = build(src, site, *extra, hook=f"{event}:{n}")
            revert()
            t = time.perf_counter()
            rebuilt = build(src, site)
            took = time.perf_counter() - t
            diff = differences(site, clean)
            was_killed = killed.returncode == -signal.SIGKILL
            ok = not diff and rebuilt.returncode == 0
            failures += not ok
            print(
                f"{i + 1:3}. {event}:{n:<4} killed={'yes' if was_killed else 'no (finished first)'} "
                f"rebuild {took:5.1f} s  {'same as clean' if ok else 'DIFFERENT: ' + '; '.join(diff[:5])}"
            )
            shutil.rmtree(site)
    print(f"{args.points - failures} of {args.points} kill points gave a clean site")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
