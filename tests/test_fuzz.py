"""The mutation fuzzer (benchmarks/fuzz.py) on every test run.

A few hundred mutants of the bundled examples, seeded (the same on every run),
through check, analyze, script and render in this process: no internal error,
no traceback, no exit code other than 0, 1 or 2, and a mutant that check finds
free of errors is drawn by Graphviz. benchmarks/fuzz.py runs more
(``--count 3000 --seed 7``); docs/reliability.md has the numbers of the last
large run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from benchmarks import fuzz

SEED = 20261129
COUNT = 240  # in 6 parts, so that a failure names a small range
PARTS = 6


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz")
    (path / "blueprint.toml").write_text("")  # no configuration found upward
    return path


@pytest.fixture(scope="module")
def all_mutants() -> list:
    return list(fuzz.mutants(COUNT, SEED))


def test_the_mutants_are_the_same_for_the_same_seed(all_mutants):
    again = list(fuzz.mutants(COUNT, SEED))
    assert [m.data for m in again] == [m.data for m in all_mutants]
    assert [m.data for m in fuzz.mutants(20, SEED + 1)] != [m.data for m in all_mutants[:20]]


def test_the_mutants_are_varied(all_mutants):
    """Both kinds of mutation, every example as a source, and no mutant equal to its example."""
    sources = {p.name: p.read_bytes() for p in fuzz.EXAMPLES}
    assert {m.source for m in all_mutants} == set(sources)
    assert sum(m.data != sources[m.source] for m in all_mutants) >= 0.95 * COUNT
    ops = " ".join(op for m in all_mutants for op in m.ops)
    for word in ("delete line", "insert", "value :=", "flow into", "condition on", "delete ("):
        assert word in ops, word


@pytest.mark.dot
@pytest.mark.parametrize("part", range(PARTS))
def test_no_mutant_breaks_the_tool(all_mutants, folder, part):
    size = COUNT // PARTS
    outcomes = []
    clean = 0
    for m in all_mutants[part * size : (part + 1) * size]:
        o = fuzz.run_mutant(m, folder, svg=clean % 4 == 0)  # a fourth of the clean ones
        clean += o.clean
        outcomes.append(o)
    failed = [
        f"mutant {o.mutant.index} ({'; '.join(o.mutant.ops)}): {o.failures}"
        for o in outcomes
        if o.failures
    ]
    assert not failed, "\n".join(failed)
    # the mutants reach every stage: some are clean (and drawn), most are not
    assert 0 < clean < size
    assert {o.codes["check"] for o in outcomes} <= {0, 1, 2}


@pytest.mark.dot
def test_the_oracle_catches_a_drawing_graphviz_refuses(folder, monkeypatch):
    """The fuzzer's own check can fail: with the old escaping (a backslash before
    a quote written as is into the background drawing), the mutant that carries
    the condition 'size 5\\" screen' is caught."""
    from blueprint.render import dot as D

    example = (fuzz.ROOT / "blueprints" / "shoeshine.yaml").read_text(encoding="utf-8")
    import yaml

    data = yaml.safe_load(example)
    step = next(s for s in data["steps"] if s.get("next"))
    step["next"] = [{"to": step["next"][0], "when": 'size 5\\" screen'}]
    m = fuzz.Mutant(0, "shoeshine.yaml", ["condition"], yaml.safe_dump(data).encode())
    assert fuzz.run_mutant(m, folder, svg=True).failures == []

    monkeypatch.setattr(D, "dot_text", lambda text, raw=False: text.replace("\n", " "))
    failures = fuzz.run_mutant(m, folder, svg=True).failures
    assert failures and any("syntax error" in f for f in failures), failures


def test_graphviz_is_there_for_the_oracle():
    assert shutil.which("neato") or not shutil.which("dot")
