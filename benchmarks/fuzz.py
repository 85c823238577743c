"""A mutation fuzzer: the bundled examples, damaged in many small ways.

Each mutant is one of ``blueprints/*.yaml`` with one to three mutations, at the
level of the YAML text (a line deleted, duplicated or re-indented, odd
characters inserted, a value replaced, other line ends, the file cut short, a
stray byte) or of the data (a key deleted, a value of another type, huge and
odd numbers, odd Unicode, long texts, backslashes and quotes, duplicate ids,
cycles, many flows into one step). Everything is drawn from ``random.Random(seed)``:
the same seed gives the same mutants on every machine.

Every mutant goes through ``check``, ``analyze``, ``script`` and ``render
--format dot`` in this process (click's test runner), and what must hold is:

* no internal error and no traceback, whatever the input;
* the exit code is 0, 1 or 2;
* a mutant that ``check`` finds free of errors is drawn: its DOT is accepted by
  Graphviz (``neato -n2``, as ``render`` runs it), and for every ``svg_every``-th
  such mutant ``render --format svg`` succeeds too (it runs Graphviz twice, and
  the second run draws the conditions into the background: a different kind
  of DOT string).

tests/test_fuzz.py runs a few hundred mutants on every test run; a larger run::

    .venv/bin/python benchmarks/fuzz.py --count 3000 --seed 7 --keep /tmp/fuzz-failures
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

import yaml  # noqa: E402

from blueprint.load import resolve_scalar  # noqa: E402

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

EXAMPLES = sorted((ROOT / "blueprints").glob("*.yaml"))

#: values that have broken readers, checkers and renderers somewhere
ODD_NUMBERS = [
    ".inf",
    "-.inf",
    ".nan",
    "1e999",
    "-1e999",
    "9" * 5001,
    "0x" + "f" * 300,
    "0o777",
    "-0",
    "1_000",
    "99999999999999999999999999",
    "2.0",
    "-2.5",
    "3",
    "1e-999",
]
ODD_TEXTS = [
    'size 5\\" screen',
    "ends with a backslash\\",
    '\\\\"',
    "\\N \\G \\L \\l \\r \\n",
    "&amp; &lt;b&gt; <b>x</b> </script>",
    "{{ 6007*3 }} {% raw %}",
    "\u202e reversed \u2066",
    "\u2028line\u2029separators\x85",
    "tab\there",
    "火锅 🍲 emoji 👩‍👩‍👧 e\u0301",
    "\ufeffbom",
    "\ufffe\uffff",
    "a" * 3000,
    " ".join(["word"] * 600),
    "line one\nline two\n\nline four",
    "",
    " ",
    "'",
    '"',
    "null",
    "~",
    "yes",
    "-",
    ":",
    "#",
]
ODD_CHARS = [
    "\\",
    '"',
    "'",
    ":",
    ": ",
    "-",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!python/object:os.system ",
    "\t",
    "\r",
    "\x00",
    "\x1b[2J",
    "\x85",
    "\u2028",
    "\ufeff",
    "火",
    "🍲",
    "#",
    "%",
    "@",
    "`",
    "|",
    ">",
    "? ",
    "<<: ",
]


@dataclass
class Mutant:
    index: int
    source: str  # the example it came from
    ops: list = field(default_factory=list)  # what was done, for the report
    data: bytes = b""


# --- mutations of the text --------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.split("\n")


def t_delete_line(rng: random.Random, text: str) -> tuple[str, str]:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    del lines[i]
    return "\n".join(lines), f"delete line {i + 1}"


def t_duplicate_line(rng: random.Random, text: str) -> tuple[str, str]:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines), f"duplicate line {i + 1}"


def t_swap_lines(rng: random.Random, text: str) -> tuple[str, str]:
    lines = _lines(text)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines), f"swap lines {i + 1} and {j + 1}"


def t_indent(rng: random.Random, text: str) -> tuple[str, str]:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    delta = rng.choice([-4, -2, -1, 1, 2, 4])
    lines[i] = " " * delta + lines[i] if delta > 0 else lines[i][-delta:]
    return "\n".join(lines), f"indent line {i + 1} by {delta}"


def t_insert(rng: random.Random, text: str) -> tuple[str, str]:
    at = rng.randrange(len(text) + 1)
    piece = rng.choice(ODD_CHARS) * rng.choice([1, 1, 1, 2, 5])
    return text[:at] + piece + text[at:], f"insert {piece!r} at {at}"


def t_replace_value(rng: random.Random, text: str) -> tuple[str, str]:
    lines = _lines(text)
    with_values = [
        i for i, ln in enumerate(lines) if ": " in ln and not ln.lstrip().startswith("#")
    ]
    if not with_values:
        return text, "no value to replace"
    i = rng.choice(with_values)
    key = lines[i].split(": ", 1)[0]
    value = rng.choice(ODD_NUMBERS + [json.dumps(t, ensure_ascii=False) for t in ODD_TEXTS])
    lines[i] = f"{key}: {value}"
    return "\n".join(lines), f"line {i + 1} value := {value[:30]!r}"


def t_line_ends(rng: random.Random, text: str) -> tuple[str, str]:
    end = rng.choice(["\r\n", "\r"])
    return text.replace("\n", end), f"line ends {end!r}"


def t_truncate(rng: random.Random, text: str) -> tuple[str, str]:
    at = rng.randrange(len(text) + 1)
    return text[:at], f"cut at {at}"


TEXT_MUTATIONS = [
    t_delete_line,
    t_duplicate_line,
    t_swap_lines,
    t_indent,
    t_insert,
    t_insert,
    t_replace_value,
    t_replace_value,
    t_line_ends,
    t_truncate,
]


# --- mutations of the data --------------------------------------------------------------


def _places(data, path=()):
    """Every (container, key, path) in the data."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield data, k, path + (k,)
            yield from _places(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield data, i, path + (i,)
            yield from _places(v, path + (i,))


def _steps(data) -> list:
    steps = data.get("steps") if isinstance(data, dict) else None
    return [s for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


def d_delete_key(rng: random.Random, data) -> str:
    places = [p for p in _places(data) if isinstance(p[0], dict)]
    if not places:
        return "nothing to delete"
    container, key, path = rng.choice(places)
    del container[key]
    return f"delete {path}"


def d_swap_type(rng: random.Random, data) -> str:
    places = list(_places(data))
    if not places:
        return "nothing to swap"
    container, key, path = rng.choice(places)
    old = container[key]
    choices = [
        str(old)[:50] if not isinstance(old, str) else 7,
        [old],
        {"x": old},
        None,
        True,
        -3,
        2.5,
        [],
        {},
    ]
    container[key] = rng.choice(choices)
    return f"{path} := {container[key]!r:.40}"


def d_odd_scalar(rng: random.Random, data) -> str:
    places = [p for p in _places(data) if not isinstance(p[0][p[1]], (dict, list))]
    texts = [p for p in places if isinstance(p[0][p[1]], str) and p[2][-1] not in ("id", "lane")]
    if texts and rng.random() < 0.6:  # mostly a text where a text belongs: still valid
        container, key, path = rng.choice(texts)
        container[key] = rng.choice(ODD_TEXTS)
        return f"{path} := {container[key]!r:.40}"
    if not places:
        return "no scalar"
    container, key, path = rng.choice(places)
    pick = rng.random()
    if pick < 0.35:
        container[key] = resolve_scalar(rng.choice(ODD_NUMBERS), True, None)
    else:
        container[key] = rng.choice(ODD_TEXTS)
    return f"{path} := {container[key]!r:.40}"


def d_duplicate_id(rng: random.Random, data) -> str:
    steps = _steps(data)
    if len(steps) < 2:
        return "too few steps"
    a, b = rng.sample(steps, 2)
    if rng.random() < 0.5:
        data["steps"].append(copy.deepcopy(a))
        return f"step {a.get('id')!r} written twice"
    a["id"] = b.get("id")
    return f"two steps with id {b.get('id')!r}"


def d_cycle(rng: random.Random, data) -> str:
    steps = _steps(data)
    if not steps:
        return "no steps"
    i = rng.randrange(len(steps))
    j = rng.randrange(i + 1)  # an earlier step, or itself
    target = steps[j].get("id")
    nxt = steps[i].get("next")
    steps[i]["next"] = (nxt if isinstance(nxt, list) else []) + [target]
    return f"step {steps[i].get('id')!r} flows back to {target!r}"


def d_fan_in(rng: random.Random, data) -> str:
    steps = _steps(data)
    if not steps:
        return "no steps"
    target = rng.choice(steps).get("id")
    n = rng.choice([5, 25])  # more is measured in benchmarks/render_limits.py
    for k in range(n):
        lane = rng.choice(["customer", "frontstage", "backstage", "support"])
        step = {"id": f"fan-{k}", "lane": lane, "text": f"Fan {k}", "next": [target]}
        if lane == "customer":
            step["evidence"] = ["Sign"]
        data["steps"].append(step)
    return f"{n} steps flow into {target!r}"


def d_condition(rng: random.Random, data) -> str:
    steps = [s for s in _steps(data) if isinstance(s.get("next"), list) and s["next"]]
    if not steps:
        return "no flows"
    step = rng.choice(steps)
    i = rng.randrange(len(step["next"]))
    flow = step["next"][i]
    target = flow.get("to") if isinstance(flow, dict) else flow
    step["next"][i] = {"to": target, "when": rng.choice(ODD_TEXTS) or "x"}
    return f"condition on {step.get('id')!r} -> {target!r}"


def d_shuffle_steps(rng: random.Random, data) -> str:
    if isinstance(data.get("steps"), list):
        rng.shuffle(data["steps"])
    return "steps shuffled"


def d_many_phases(rng: random.Random, data) -> str:
    steps = _steps(data)
    n = rng.choice([3, 40])
    data["phases"] = [{"id": f"ph{k}", "name": rng.choice(ODD_TEXTS) or "P"} for k in range(n)]
    for k, step in enumerate(steps):
        step["phase"] = f"ph{k * n // max(len(steps), 1)}"
    return f"{n} phases"


DATA_MUTATIONS = [
    d_delete_key,
    d_swap_type,
    d_odd_scalar,
    d_odd_scalar,
    d_duplicate_id,
    d_cycle,
    d_fan_in,
    d_condition,
    d_condition,
    d_shuffle_steps,
    d_many_phases,
]


def mutants(count: int, seed: int) -> Iterator[Mutant]:
    """``count`` mutants of the examples, the same for the same seed."""
    rng = random.Random(seed)
    sources = {p.name: p.read_text(encoding="utf-8") for p in EXAMPLES}
    names = sorted(sources)
    for index in range(count):
        name = rng.choice(names)
        m = Mutant(index, name)
        text = sources[name]
        if rng.random() < 0.6:
            data = yaml.load(text, Loader=_Loader)
            for _ in range(rng.choice([1, 1, 2, 3])):
                m.ops.append(rng.choice(DATA_MUTATIONS)(rng, data))
            text = yaml.dump(
                data,
                Dumper=_Dumper,
                allow_unicode=True,
                sort_keys=False,
                width=rng.choice([80, 10**6]),
            )
        for _ in range(rng.choice([0, 0, 0, 1]) if m.ops else rng.choice([1, 1, 2, 3])):
            text, op = rng.choice(TEXT_MUTATIONS)(rng, text)
            m.ops.append(op)
        raw = text.encode("utf-8", "surrogatepass")
        if rng.random() < 0.03:  # a stray byte (Latin-1, a cut UTF-8 sequence)
            at = rng.randrange(len(raw) + 1)
            raw = raw[:at] + rng.choice([b"\xff", b"\xe9", b"\xe7\x81"]) + raw[at:]
            m.ops.append(f"stray byte at {at}")
        m.data = raw
        yield m


# --- running ----------------------------------------------------------------------------


@dataclass
class Outcome:
    mutant: Mutant
    codes: dict  # command -> exit code
    clean: bool  # check found no error
    failures: list  # what went wrong (empty when all held)


def _graphviz_accepts(dot: str) -> str:
    """'' when Graphviz draws ``dot`` as render runs it, else its complaint."""
    engine = shutil.which("neato")
    if engine is None:
        return ""
    proc = subprocess.run(
        [engine, "-n2", "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=120
    )
    if proc.returncode != 0 or not proc.stdout:
        return proc.stderr.decode("utf-8", "replace").strip()[:300] or f"exit {proc.returncode}"
    return ""


def run_mutant(m: Mutant, folder: Path, svg: bool = False) -> Outcome:
    """Every command on one mutant, in this process; what broke, if anything."""
    from click.testing import CliRunner

    from blueprint.cli import cli

    path = folder / f"m{m.index}.yaml"
    path.write_bytes(m.data)
    runner = CliRunner()
    codes, failures = {}, []

    def invoke(name: str, *args: str):
        r = runner.invoke(cli, [*args], catch_exceptions=True)
        codes[name] = r.exit_code
        out = r.output  # standard output and error
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            failures.append(f"{name}: exception {type(r.exception).__name__}: {r.exception}")
        if "internal error" in out or "Traceback" in out:
            failures.append(f"{name}: {out.strip().splitlines()[-1][:300]}")
        if r.exit_code not in (0, 1, 2):
            failures.append(f"{name}: exit code {r.exit_code}")
        return r

    r = invoke("check", "check", "--format", "json", str(path))
    clean = False
    try:
        clean = json.loads(r.stdout)["summary"]["errors"] == 0
    except (ValueError, KeyError, TypeError):
        if r.exit_code != 2:
            failures.append("check: the JSON report does not parse")
    invoke("analyze", "analyze", str(path))
    invoke("script", "script", "-o", "-", str(path))
    r = invoke("render-dot", "render", "--format", "dot", "-o", "-", str(path))
    if clean:
        if r.exit_code != 0:
            failures.append(f"render-dot: exit {r.exit_code} on a clean blueprint")
        else:
            complaint = _graphviz_accepts(r.stdout)
            if complaint:
                failures.append(f"graphviz: {complaint}")
        if svg:
            out = folder / f"m{m.index}.svg"
            r = invoke("render-svg", "render", "-o", str(out), str(path))
            if r.exit_code != 0:
                failures.append(f"render-svg: exit {r.exit_code}: {r.output.strip()[-300:]}")
    return Outcome(m, codes, clean, failures)


def run(
    count: int,
    seed: int,
    svg_every: int = 4,
    keep: Path | None = None,
    echo: Callable[[str], object] | None = None,
) -> list[Outcome]:
    """Run ``count`` mutants; returns the outcomes."""
    outcomes = []
    clean_seen = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "blueprint.toml").write_text("")  # no configuration found upward
        for m in mutants(count, seed):
            svg = False
            if svg_every:
                svg = clean_seen % svg_every == 0
            o = run_mutant(m, folder, svg=svg)
            if o.clean:
                clean_seen += 1
            outcomes.append(o)
            if o.failures:
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"seed{seed}-m{m.index}.yaml").write_bytes(m.data)
                if echo:
                    echo(f"mutant {m.index} ({m.source}: {'; '.join(m.ops)}): {o.failures}")
    return outcomes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000, help="how many mutants (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    ap.add_argument(
        "--svg-every",
        type=int,
        default=4,
        help="render SVG for every n-th clean mutant (0: never; default 4)",
    )
    ap.add_argument("--keep", type=Path, help="write every failing mutant into this folder")
    args = ap.parse_args(argv)
    start = time.monotonic()
    outcomes = run(args.count, args.seed, args.svg_every, args.keep, echo=print)
    seconds = time.monotonic() - start
    failed = [o for o in outcomes if o.failures]
    codes = Counter(o.codes.get("check") for o in outcomes)
    print(
        f"{len(outcomes)} mutants (seed {args.seed}) in {seconds:.0f} s: "
        f"{sum(o.clean for o in outcomes)} checked clean of errors, "
        f"check exit codes {dict(sorted(codes.items()))}, {len(failed)} failed"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
