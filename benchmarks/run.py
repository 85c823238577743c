"""Time blueprint's commands, whole, against their floors and against PlantUML and Mermaid.

    .venv/bin/python benchmarks/run.py            # the full run (a few minutes)
    .venv/bin/python benchmarks/run.py --quick    # 25 and 100 steps, 3 runs: a smoke test

For each size (25, 100, 400 and 1,000 steps by default) the runner writes a
synthetic blueprint with ``benchmarks/generate.py`` and times, as separate
processes, exactly what a user types: ``blueprint check``, ``analyze``,
``render --format svg``, ``render --format dot`` and ``script``, plus
``blueprint --version`` and the commands on the bundled hot-pot example. Each
command is run once to warm the disk cache, then several times; the table gives
the median and the minimum, and the peak memory (maximum resident set) of the
process and the programs it started.

The floors, in the same run: the same interpreter parsing the same YAML with
libyaml alone (``yaml.load`` with ``CSafeLoader``) in a fresh process, for the
commands that read a blueprint; the interpreter doing nothing, for
``--version``; and Graphviz alone (the engine and flags the renderer uses) on
the DOT that ``render --format dot`` wrote, for ``render --format svg``.

Commands that blueprint does not have yet show as ``n/a``; PlantUML and Mermaid
are timed when ``benchmarks/install-competitors.sh`` installed them.

Results: a Markdown table on standard output and in
``benchmarks/results/latest.md``, all numbers in ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from benchmarks import competitors  # noqa: E402
from benchmarks.generate import generate_data, to_yaml, write  # noqa: E402

SIZES = (25, 100, 400, 1000)
EXAMPLE = os.path.join(ROOT, "blueprints", "hotpot-dine-in.yaml")
YAML_FLOOR = "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"
TIMEOUT = 300.0  # seconds for one run of one command

#: rows of the report, in order: (key, label, floor key or None)
ROWS = [
    ("version", "blueprint --version", "python"),
    ("check", "blueprint check", "yaml"),
    ("analyze", "blueprint analyze", "yaml"),
    ("render-svg", "blueprint render --format svg", "graphviz"),
    ("render-dot", "blueprint render --format dot", "yaml"),
    ("script", "blueprint script", "yaml"),
    ("python", "floor: python -c pass", None),
    ("yaml", "floor: libyaml parse (fresh process)", None),
    ("graphviz", "floor: Graphviz alone on render's DOT", None),
    ("plantuml", "PlantUML (activity diagram, swimlanes)", None),
    ("mermaid", "Mermaid CLI (flowchart, lane subgraphs)", None),
]
LABELS = {k: label for k, label, _ in ROWS}
FLOORS = {k: f for k, _, f in ROWS if f}


# --- running one command ------------------------------------------------------------


class Run:
    __slots__ = ("seconds", "cpu", "maxrss_kib", "code", "stderr")

    def __init__(self, seconds, cpu, maxrss_kib, code, stderr):
        self.seconds, self.cpu, self.maxrss_kib, self.code, self.stderr = (
            seconds,
            cpu,
            maxrss_kib,
            code,
            stderr,
        )


TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_once(cmd: list[str], workdir: str, timeout: float = TIMEOUT) -> Run:
    """Run ``cmd`` to its end: wall time, CPU time and peak memory.

    Peak memory comes from GNU time (``%M``) when /usr/bin/time exists: a
    process started straight from this runner would count the runner's own
    memory, which Linux carries over into the child's peak across exec.
    Without GNU time, ``os.wait4`` gives the child's usage (an upper bound).
    Either way the peak covers the programs the command waited for (Graphviz).
    """
    out_path = os.path.join(workdir, ".stdout")
    err_path = os.path.join(workdir, ".stderr")
    rss_path = os.path.join(workdir, ".rusage")
    argv = [TIME, "-f", "%M %U %S", "-o", rss_path] + cmd if TIME else cmd
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=workdir)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    with open(err_path, "rb") as fh:
        stderr = fh.read(4000).decode("utf-8", "replace")
    maxrss, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    if TIME:
        try:
            with open(rss_path, encoding="utf-8") as fh:
                last = fh.read().strip().splitlines()[-1].split()
            maxrss, cpu = int(last[0]), float(last[1]) + float(last[2])
        except (OSError, IndexError, ValueError):
            pass
    return Run(seconds, cpu, maxrss, code, stderr)


def _failed(cmd, r: Run) -> dict:
    line = next((ln for ln in r.stderr.splitlines() if ln.strip()), "")
    return {"status": "failed", "code": r.code, "error": line[:300], "command": _show(cmd)}


def _summary(cmd, runs: list[Run]) -> dict:
    secs = [r.seconds for r in runs]
    return {
        "status": "ok",
        "median": statistics.median(secs),
        "min": min(secs),
        "runs": [round(x, 4) for x in secs],
        "cpu_median": statistics.median(r.cpu for r in runs),
        "maxrss_mib": max(r.maxrss_kib for r in runs) / 1024.0,
        "code": runs[-1].code,
        "command": _show(cmd),
    }


def measure_set(jobs: list, workdir: str, repeat: int, *, warmup: bool = True) -> dict:
    """Time several commands, interleaved: one untimed warm-up run of each (in
    order, so a job may use what an earlier one wrote), then ``repeat`` rounds
    of one run of each. A burst of load from other processes then hits every
    command alike, which keeps their ratios honest.

    ``jobs``: (key, argv or a function returning argv or None, accepted exit codes).
    """
    out, active = {}, []
    for key, cmd, ok in jobs:
        if callable(cmd):
            cmd = cmd()
        if cmd is None:
            out[key] = {"status": "n/a"}
            continue
        if warmup:
            r = run_once(cmd, workdir)
            if r.code not in ok:
                out[key] = _failed(cmd, r)
                continue
        active.append((key, cmd, ok))
    runs = {key: [] for key, _, _ in active}
    for _ in range(repeat):
        for key, cmd, ok in active:
            if key in out:
                continue
            r = run_once(cmd, workdir)
            if r.code not in ok:
                out[key] = _failed(cmd, r)
            else:
                runs[key].append(r)
    for key, cmd, _ in active:
        if key not in out:
            out[key] = _summary(cmd, runs[key])
    return out


def measure(
    cmd: list[str] | None, workdir: str, repeat: int, *, ok=(0,), warmup: bool = True
) -> dict:
    """Median and minimum over ``repeat`` runs of one command, after a warm-up run."""
    return measure_set([("x", cmd, ok)], workdir, repeat, warmup=warmup)["x"]


def _show(cmd: list[str]) -> str:
    def short(a):
        return a[len(ROOT) + 1 :] if a.startswith(ROOT + os.sep) else a

    return " ".join(short(a) if " " not in a else repr(a) for a in cmd)


# --- what blueprint can do ----------------------------------------------------------


def find_blueprint() -> tuple[list[str], str]:
    """The ``blueprint`` console script users run, and the interpreter behind it."""
    for folder in (os.path.dirname(sys.executable), os.path.join(ROOT, ".venv", "bin")):
        exe = os.path.join(folder, "blueprint")
        if os.path.exists(exe):
            py = os.path.join(folder, "python")
            return [exe], py if os.path.exists(py) else sys.executable
    exe = shutil.which("blueprint")
    if exe:
        return [exe], sys.executable
    return [sys.executable, "-m", "blueprint"], sys.executable


def command_help(bp: list[str], name: str) -> str | None:
    """The help text of a subcommand, or None when blueprint does not have it."""
    try:
        p = subprocess.run(bp + [name, "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return p.stdout if p.returncode == 0 else None


def blueprint_commands(bp: list[str]) -> dict:
    """Command builders: key -> function(input, outdir) -> argv, for what exists now."""
    have = {name: command_help(bp, name) for name in ("check", "analyze", "render", "script")}
    cmds = {}
    if have["check"] is not None:
        cmds["check"] = lambda f, out: bp + ["check", f]
    if have["analyze"] is not None:
        cmds["analyze"] = lambda f, out: bp + ["analyze", f]
    if have["render"] is not None:
        cmds["render-svg"] = lambda f, out: (
            bp + ["render", f, "-o", os.path.join(out, _stem(f) + ".svg"), "--format", "svg"]
        )
        cmds["render-dot"] = lambda f, out: (
            bp + ["render", f, "-o", os.path.join(out, _stem(f) + ".dot"), "--format", "dot"]
        )
    if have["script"] is not None:
        extra = ["--all"] if "--all" in have["script"] else []
        fmt = ["--format", "md"] if re.search(r"--format\b", have["script"]) else []
        cmds["script"] = lambda f, out: (
            bp + ["script", f] + extra + fmt + ["-o", os.path.join(out, _stem(f) + ".script.md")]
        )
    return cmds


def _ok(key: str) -> tuple:
    """Accepted exit codes: check exits 1 when it finds problems (noted in the
    report); the other commands exit 1 only when they could not do their job."""
    return (0, 1) if key == "check" else (0,)


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def graphviz_engine(dot_text: str) -> list[str]:
    """The engine and flags the renderer uses, read from its DOT: pinned nodes
    (``pos="x,y!"``) are drawn by ``neato -n2``, which only routes the arrows;
    otherwise the DOT's ``layout`` attribute or ``dot``."""
    layout = re.search(r'\blayout\s*=\s*"?(\w+)', dot_text)
    if re.search(r'\bpos\s*=\s*"[-0-9.e]+,[-0-9.e]+!?"', dot_text) and (
        not layout or layout.group(1) == "neato"
    ):
        return ["neato", "-n2"]
    return [layout.group(1) if layout else "dot"]


def tool_version(cmd: list[str], pattern: str = r"([0-9][0-9.]+)") -> str | None:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(pattern, p.stdout + p.stderr)
    return m.group(1) if m else None


def machine(py: str, bp: list[str]) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            m = re.search(r"^model name\s*:\s*(.+)$", fh.read(), re.M)
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            mem = int(re.search(r"MemTotal:\s+(\d+)", fh.read()).group(1)) / 1024 / 1024
    except (OSError, AttributeError):
        mem = None
    libs = subprocess.run(
        [
            py,
            "-c",
            "import sys, yaml; print(sys.version.split()[0], yaml.__version__, "
            "getattr(yaml, '__with_libyaml__', False), end=' ');\n"
            "import yaml._yaml as y; print(y.get_version_string())",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    info = {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory_gib": round(mem, 1) if mem else None,
        "os": f"{platform.system()} {platform.release()}",
        "python": libs[0] if libs else platform.python_version(),
        "pyyaml": libs[1] if len(libs) > 1 else None,
        "libyaml": libs[3] if len(libs) > 3 else None,
        "graphviz": tool_version(["dot", "-V"]),
        "blueprint": tool_version(bp + ["--version"]),
        "java": tool_version(["java", "-version"], r'version "([^"]+)"'),
        "node": tool_version(["node", "--version"]),
        "chromium": tool_version(["chromium", "--version"]) if shutil.which("chromium") else None,
        **competitors.versions(),
    }
    try:
        info["load_before"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    return info


# --- the run -----------------------------------------------------------------------


def repeats_for(n: int, base: int) -> int:
    """Fewer runs for the big sizes: the runner should take minutes, not hours."""
    if n >= 1000:
        return max(1, base // 2)
    if n >= 400:
        return max(1, (base * 2) // 3)
    return base


def bench(args) -> dict:
    bp, py = find_blueprint()
    workdir = os.path.join(HERE, "results", "work")
    os.makedirs(workdir, exist_ok=True)
    cmds = blueprint_commands(bp)
    info = machine(py, bp)
    results: dict = {k: {} for k in LABELS}
    notes: list[str] = []
    started = time.perf_counter()

    def log(msg):
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    # startup and the bundled example
    got = measure_set(
        [("version", bp + ["--version"], (0,)), ("python", [py, "-c", "pass"], (0,))],
        workdir,
        args.repeat,
    )
    results["version"]["-"], results["python"]["-"] = got["version"], got["python"]
    log(
        f"--version: {_fmt(results['version']['-'])}   python -c pass: {_fmt(results['python']['-'])}"
    )
    example = {}
    if os.path.exists(EXAMPLE):
        jobs = [
            (key, cmds[key](EXAMPLE, workdir) if key in cmds else None, _ok(key))
            for key in ("check", "analyze", "render-svg", "script")
        ]
        example = measure_set(
            jobs + [("yaml", [py, "-c", YAML_FLOOR, EXAMPLE], (0,))], workdir, args.repeat
        )
        log("example: " + "  ".join(f"{k} {_fmt(v)}" for k, v in example.items()))

    competitor_warm = False
    for n in args.sizes:
        data = generate_data(n, args.seed)
        path = os.path.join(workdir, f"bp-{n}.yaml")
        write(path, to_yaml(data))
        rep = repeats_for(n, args.repeat)
        dot_path = os.path.join(workdir, f"bp-{n}.dot")
        engine: list = []

        def graphviz_cmd(dot_path=dot_path, engine=engine, n=n):
            # Graphviz alone on the DOT that `render --format dot` wrote in its warm-up run
            if not os.path.exists(dot_path):
                return None
            with open(dot_path, encoding="utf-8") as fh:
                engine[:] = args.graphviz.split() if args.graphviz else graphviz_engine(fh.read())
            return engine + ["-Tsvg", "-o", os.path.join(workdir, f"bp-{n}.gv.svg"), dot_path]

        if os.path.exists(dot_path):
            os.remove(dot_path)
        jobs = [("yaml", [py, "-c", YAML_FLOOR, path], (0,))]
        jobs += [
            (key, cmds[key](path, workdir) if key in cmds else None, _ok(key))
            for key in ("check", "analyze", "render-dot", "render-svg", "script")
        ]
        jobs.append(("graphviz", graphviz_cmd, (0,)))
        for key, r in measure_set(jobs, workdir, rep).items():
            results[key][n] = r
        if engine:
            results["graphviz"][n]["engine"] = " ".join(engine)
        if results["check"][n].get("code") == 1:
            notes.append(
                f"`blueprint check` found problems in the generated {n}-step blueprint "
                f"(a generator bug or a new rule): run it on benchmarks/results/work/bp-{n}.yaml"
            )
        # PlantUML and Mermaid on the same steps
        if not args.no_competitors:
            crep = max(1, rep // 2) if n < 1000 else 1
            puml = os.path.join(workdir, f"bp-{n}.puml")
            mmd = os.path.join(workdir, f"bp-{n}.mmd")
            write(puml, competitors.to_plantuml(data))
            write(mmd, competitors.to_mermaid(data))
            got = measure_set(
                [
                    ("plantuml", competitors.plantuml_command(puml, workdir), (0,)),
                    (
                        "mermaid",
                        competitors.mermaid_command(
                            mmd, os.path.join(workdir, f"bp-{n}.mmd.svg"), workdir
                        ),
                        (0,),
                    ),
                ],
                workdir,
                crep,
                warmup=not competitor_warm,
            )
            results["plantuml"][n], results["mermaid"][n] = got["plantuml"], got["mermaid"]
            competitor_warm = True
        log(
            f"{n:>5} steps: "
            + "  ".join(
                f"{k} {_fmt(results[k].get(n, {}))}"
                for k in (
                    "yaml",
                    "check",
                    "analyze",
                    "render-svg",
                    "graphviz",
                    "script",
                    "plantuml",
                    "mermaid",
                )
            )
        )

    info["load_after"] = round(os.getloadavg()[0], 2)
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "seed": args.seed,
        "sizes": list(args.sizes),
        "repeat": args.repeat,
        "machine": info,
        "results": results,
        "example": example,
        "notes": notes,
    }


# --- the report --------------------------------------------------------------------


def _fmt(r: dict, digits: int = 3) -> str:
    if not r or r.get("status") == "n/a":
        return "n/a"
    if r.get("status") != "ok":
        return f"failed (exit {r.get('code')})"
    return f"{r['median']:.{digits}f}"


def _cell(r: dict) -> str:
    if not r or r.get("status") == "n/a":
        return "n/a"
    if r.get("status") != "ok":
        return f"failed (exit {r.get('code')})"
    return f"{r['median']:.3f} ({r['min']:.3f})"


def _ratio(a: dict, b: dict) -> float | None:
    if a and b and a.get("status") == "ok" and b.get("status") == "ok" and b["median"] > 0:
        return a["median"] / b["median"]
    return None


def derived(report: dict) -> dict:
    """Ratios to the floors, growth from 100 to 1,000 steps, and the targets."""
    res, sizes = report["results"], report["sizes"]
    ratios = {}
    for key, floor in FLOORS.items():
        if key == "version":
            ratios[key] = {"-": _ratio(res[key].get("-"), res["python"].get("-"))}
        else:
            ratios[key] = {n: _ratio(res[key].get(n), res[floor].get(n)) for n in sizes}
    growth = {}
    if 100 in sizes and 1000 in sizes:
        growth = {
            k: _ratio(res[k].get(1000), res[k].get(100))
            for k in LABELS
            if k not in ("version", "python")
        }

    def med(key, n):
        r = res[key].get(n) or {}
        return r.get("median") if r.get("status") == "ok" else None

    ex = report.get("example", {})
    targets = []

    def target(what, value, limit, unit="s", less=True):
        if value is None:
            status = "n/a"
        else:
            status = "pass" if (value < limit if less else value > limit) else "miss"
        targets.append(
            {"target": what, "value": value, "limit": limit, "unit": unit, "status": status}
        )

    target("blueprint --version < 0.2 s", med("version", "-"), 0.2)
    target(
        "check of the hot-pot example < 0.3 s",
        (ex.get("check") or {}).get("median")
        if (ex.get("check") or {}).get("status") == "ok"
        else None,
        0.3,
    )
    if 25 in sizes:
        target("render --format svg at 25 steps < 0.3 s", med("render-svg", 25), 0.3)
    if 1000 in sizes:
        target("check at 1,000 steps < 1 s", med("check", 1000), 1.0)
        target("analyze at 1,000 steps < 1.5 s", med("analyze", 1000), 1.5)
        target("render --format svg at 1,000 steps < 2 s", med("render-svg", 1000), 2.0)
        target(
            "render svg ÷ Graphviz alone at 1,000 steps ≤ 1.5×",
            ratios["render-svg"].get(1000),
            1.5,
            "×",
        )
    if growth:
        target("check grows ≤ 12× from 100 to 1,000 steps", growth.get("check"), 12.0, "×")
        target("analyze grows ≤ 12× from 100 to 1,000 steps", growth.get("analyze"), 12.0, "×")
    for comp in ("plantuml", "mermaid"):
        if any((res[comp].get(n) or {}).get("status") == "ok" for n in sizes):
            worst = None
            for n in sizes:
                r = _ratio(res["render-svg"].get(n), res[comp].get(n))
                if r is not None:
                    worst = r if worst is None else max(worst, r)
            target(
                f"render svg faster than {LABELS[comp].split(' (')[0]} at every size (worst ratio < 1)",
                worst,
                1.0,
                "×",
            )
    # how steady the timings were: median ÷ fastest run, averaged over blueprint's
    # commands and the floors (PlantUML and Mermaid start many processes of their own)
    spreads = [
        r["median"] / r["min"]
        for k in LABELS
        if k not in ("plantuml", "mermaid")
        for r in res[k].values()
        if r and r.get("status") == "ok" and r["min"] > 0
    ]
    spread = statistics.mean(spreads) if spreads else None
    return {"ratios": ratios, "growth": growth, "targets": targets, "spread": spread}


def _sizes_header(sizes) -> str:
    return " | ".join(f"{n:,} steps" for n in sizes)


def markdown(report: dict) -> str:
    res, sizes, m = report["results"], report["sizes"], report["machine"]
    d = report["derived"]
    out = []
    out.append(
        f"Run on {report['date']} in {report['seconds']:.0f} s: seed {report['seed']}, "
        f"median of up to {report['repeat']} runs after a warm-up run (fewer at 400 and 1,000 steps), "
        "minimum in parentheses, in seconds."
    )
    out.append("")
    out.append("Machine:")
    out.append("")
    out.append(
        f"- CPU: {m['cpu']}, {m['nproc']} CPUs"
        + (f", {m['memory_gib']} GiB of memory" if m.get("memory_gib") else "")
        + f"; {m['os']}"
    )
    out.append(
        f"- Python {m['python']}, PyYAML {m['pyyaml']} with libyaml {m['libyaml']}, Graphviz {m['graphviz']}, "
        f"blueprint {m['blueprint']}"
    )
    if m.get("plantuml"):
        out.append(f"- PlantUML {m['plantuml']} on Java {m['java']}")
    if m.get("mermaid-cli"):
        out.append(
            f"- Mermaid CLI {m['mermaid-cli']} on Node {m['node']}, Chromium {m['chromium']}"
        )
    out.append(
        f"- load average {m.get('load_before')} before the run, {m.get('load_after')} after it "
        "(PlantUML and Mermaid raise it themselves)"
    )
    out.append("")
    spread = d.get("spread")
    busy = m.get("load_before") or 0
    if (m.get("nproc") and busy > 0.5 * m["nproc"]) or (spread and spread > 1.10):
        out.append(
            f"**Warning:** the machine was busy (load average {busy} on {m['nproc']} CPUs before the run; "
            f"median ÷ fastest run {f'{spread:.2f}' if spread else 'n/a'} on average): other programs competed for the CPUs, "
            "so wall times are inflated. Rerun on a quiet machine; the CPU-time table is less affected."
        )
        out.append("")
    out.append("### Targets")
    out.append("")
    out.append("| target | measured | |")
    out.append("|---|---|---|")
    for t in d["targets"]:
        v = (
            "n/a"
            if t["value"] is None
            else (f"{t['value']:.3f} s" if t["unit"] == "s" else f"{t['value']:.2f}×")
        )
        mark = {"pass": "✓", "miss": "✗ miss", "n/a": "not yet measurable"}[t["status"]]
        out.append(f"| {t['target']} | {v} | {mark} |")
    out.append("")
    out.append("### Startup and the hot-pot example")
    out.append("")
    out.append(
        "`blueprints/hotpot-dine-in.yaml`; seconds (fastest run in parentheses) and peak memory in MiB."
    )
    out.append("")
    out.append("| command | seconds | peak memory |")
    out.append("|---|---|---|")
    rows = [
        (LABELS["version"], res["version"].get("-")),
        (LABELS["python"], res["python"].get("-")),
    ]
    rows += [
        (f"{LABELS[k]} (example)", report["example"].get(k))
        for k in ("check", "analyze", "render-svg", "script", "yaml")
        if k in report["example"]
    ]
    for label, r in rows:
        out.append(f"| {label} | {_cell(r)} | {_mem(r)} |")
    out.append("")
    out.append("### Time by size")
    out.append("")
    out.append("Seconds for the whole command: median, fastest run in parentheses.")
    out.append("")
    growth = bool(d["growth"])
    out.append(f"| command | {_sizes_header(sizes)} |" + (" 100 → 1,000 |" if growth else ""))
    out.append("|---|" + "---|" * len(sizes) + ("---|" if growth else ""))
    for key in (
        "check",
        "analyze",
        "render-svg",
        "render-dot",
        "script",
        "yaml",
        "graphviz",
        "plantuml",
        "mermaid",
    ):
        if (
            not res[key]
            or all((res[key].get(n) or {}).get("status") in (None, "n/a") for n in sizes)
            and key in ("plantuml", "mermaid")
        ):
            continue
        g = d["growth"].get(key)
        out.append(
            f"| {LABELS[key]} | "
            + " | ".join(_cell(res[key].get(n)) for n in sizes)
            + " |"
            + (f" {f'{g:.1f}×' if g else 'n/a'} |" if growth else "")
        )
    out.append("")
    out.append("### Ratio to the floor")
    out.append("")
    out.append("Median of the command divided by the median of its floor in the same run.")
    out.append("")
    out.append(f"| command | floor | {_sizes_header(sizes)} |")
    out.append("|---|---|" + "---|" * len(sizes))
    for key, floor in FLOORS.items():
        if key == "version":
            continue
        r = d["ratios"][key]
        out.append(
            f"| {LABELS[key]} | {LABELS[floor].replace('floor: ', '')} | "
            + " | ".join(f"{r[n]:.2f}×" if r.get(n) else "n/a" for n in sizes)
            + " |"
        )
    v = d["ratios"]["version"]["-"]
    out.append(
        f"| {LABELS['version']} | python -c pass | {f'{v:.2f}×' if v else 'n/a'} |"
        + " |" * (len(sizes) - 1)
    )
    out.append("")
    out.append("### CPU time")
    out.append("")
    out.append(
        "Seconds of user and system time (median), the programs it ran included; less sensitive to other load than wall time."
    )
    out.append("")
    out.append(f"| command | {_sizes_header(sizes)} |")
    out.append("|---|" + "---|" * len(sizes))
    for key in ("check", "analyze", "render-svg", "script", "yaml", "graphviz"):
        out.append(f"| {LABELS[key]} | " + " | ".join(_cpu(res[key].get(n)) for n in sizes) + " |")
    out.append("")
    out.append("### Peak memory")
    out.append("")
    out.append("MiB: the largest resident set of the command and the programs it ran.")
    out.append("")
    out.append(f"| command | {_sizes_header(sizes)} |")
    out.append("|---|" + "---|" * len(sizes))
    for key in (
        "check",
        "analyze",
        "render-svg",
        "script",
        "yaml",
        "graphviz",
        "plantuml",
        "mermaid",
    ):
        if all((res[key].get(n) or {}).get("status") in (None, "n/a") for n in sizes) and key in (
            "plantuml",
            "mermaid",
        ):
            continue
        out.append(f"| {LABELS[key]} | " + " | ".join(_mem(res[key].get(n)) for n in sizes) + " |")
    engines = sorted({(res["graphviz"].get(n) or {}).get("engine") for n in sizes} - {None})
    out.append("")
    if any((res["mermaid"].get(n) or {}).get("status") == "ok" for n in sizes):
        out.append(
            "Mermaid's CLI runs Node and several Chromium processes at once; its figure is the largest "
            "single one, so its total is higher."
        )
        out.append("")
    if engines:
        out.append(
            f"Graphviz floor: `{' / '.join(engines)} -Tsvg` on the DOT written by `blueprint render --format dot`."
        )
    failed = [
        (LABELS[k], n, r)
        for k in res
        for n, r in res[k].items()
        if (r or {}).get("status") == "failed"
    ]
    for label, n, r in failed:
        out.append(f"- {label} at {n} failed with exit {r.get('code')}: {r.get('error')}")
    for note in report["notes"]:
        out.append(f"- {note}")
    return "\n".join(out).rstrip() + "\n"


def _cpu(r: dict) -> str:
    if not r or r.get("status") != "ok":
        return "n/a"
    return f"{r['cpu_median']:.3f}"


def _mem(r: dict) -> str:
    if not r or r.get("status") != "ok":
        return "n/a"
    return f"{r['maxrss_mib']:.0f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark blueprint's commands against their floors and other tools."
    )
    ap.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="comma-separated numbers of steps (default: 25,100,400,1000)",
    )
    ap.add_argument(
        "--repeat", type=int, default=7, help="timed runs per command at small sizes (default 7)"
    )
    ap.add_argument(
        "--seed", type=int, default=1, help="seed of the generated blueprints (default 1)"
    )
    ap.add_argument(
        "--quick", action="store_true", help="25 and 100 steps, 3 runs, no PlantUML or Mermaid"
    )
    ap.add_argument("--no-competitors", action="store_true", help="skip PlantUML and Mermaid")
    ap.add_argument(
        "--graphviz",
        help="the Graphviz floor's engine and flags (default: read from the DOT, e.g. 'neato -n2')",
    )
    ap.add_argument(
        "--output",
        default=os.path.join(HERE, "results"),
        help="folder for latest.md and latest.json",
    )
    ap.add_argument(
        "--docs",
        metavar="FILE",
        help="also put the results into FILE between <!-- results:begin --> and <!-- results:end --> "
        "(e.g. docs/performance.md)",
    )
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="run nothing: write the report again from the last latest.json (e.g. with --docs)",
    )
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")
    args = ap.parse_args(argv)
    try:
        args.sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
    except ValueError:
        ap.error("--sizes takes numbers separated by commas, e.g. 25,100")
    if not args.sizes or min(args.sizes) < 12:
        ap.error("sizes must be at least 12 steps")
    if args.quick:
        args.sizes, args.repeat, args.no_competitors = (25, 100), 3, True
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")

    if args.docs:
        try:
            with open(args.docs, encoding="utf-8") as fh:
                page = fh.read()
        except OSError as exc:
            ap.error(f"cannot read {args.docs}: {exc.strerror}")
        if BEGIN not in page or END not in page:
            ap.error(f"{args.docs} has no {BEGIN} ... {END} section to fill")
    if args.report_only:
        try:
            with open(os.path.join(args.output, "latest.json"), encoding="utf-8") as fh:
                report = json.load(fh)
        except (OSError, ValueError) as exc:
            ap.error(f"cannot read {os.path.join(args.output, 'latest.json')}: {exc}")
        # JSON turned the sizes into text keys
        report["results"] = {
            k: {(int(n) if n.isdigit() else n): r for n, r in v.items()}
            for k, v in report["results"].items()
        }
        report["derived"] = derived(report)
        text = markdown(report)
        write(os.path.join(args.output, "latest.md"), text)
        if args.docs:
            update_docs(args.docs, text)
        sys.stdout.write(text)
        return 0
    bp, _ = find_blueprint()
    try:
        ok = subprocess.run(bp + ["--version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    if not ok:
        print(
            "run.py: blueprint is not installed; create .venv first with 'bash scripts/examples.sh' "
            "(or 'bash scripts/test.sh')",
            file=sys.stderr,
        )
        return 2
    report = bench(args)
    report["derived"] = derived(report)
    text = markdown(report)
    os.makedirs(args.output, exist_ok=True)
    write(os.path.join(args.output, "latest.md"), text)
    write(
        os.path.join(args.output, "latest.json"),
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n",
    )
    if args.docs:
        update_docs(args.docs, text)
    sys.stdout.write(text)
    return 0


BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def update_docs(path: str, text: str) -> None:
    """Replace the results section of a Markdown page (atomically)."""
    with open(path, encoding="utf-8") as fh:
        page = fh.read()
    if BEGIN not in page or END not in page:
        raise SystemExit(f"run.py: {path} has no {BEGIN} ... {END} section to fill")
    head, rest = page.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    write(path, f"{head}{BEGIN}\n{text}{END}{tail}")


if __name__ == "__main__":
    sys.exit(main())
