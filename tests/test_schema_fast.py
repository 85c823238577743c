"""The fast yes/no schema check answers exactly as jsonschema does.

``schema.validate`` skips jsonschema when the compiled check says a file is
valid, so a wrong "valid" would hide problems. These tests compare the two on
the examples, the rule fixtures, the bad corpus and generated data.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blueprint import schema
from blueprint.load import load_yaml
from test_properties import PROPS, blueprints, ids, texts

ROOT = Path(__file__).resolve().parent.parent
FILES = (
    sorted(ROOT.glob("blueprints/*.yaml"))
    + sorted(ROOT.glob("tests/rules/*.yaml"))
    + sorted(ROOT.glob("tests/bad/*.yaml"))
)


def same_answer(data) -> None:
    fast = schema._fast()
    assert fast is not None
    assert fast(data) == schema._validator().is_valid(data), data


def test_the_schema_is_compiled():
    assert schema._fast() is not None, (
        "the schema uses a keyword that schema._compile does not cover, so every file is checked by "
        "jsonschema alone (slow on large blueprints): add the keyword to schema._compile"
    )


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_files(path):
    doc, _ = load_yaml(str(path))
    same_answer(doc.data)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.integers(-(10**30), 10**30),
    st.just(1.0),
    st.just(2.5),
    st.just(math.nan),
    st.just(math.inf),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "",
            " ",
            "x",
            "customer",
            "frontstage",
            "5m",
            "1h30m",
            "five",
            "as-is",
            "to-be",
            "en",
            "zh-CN",
            "off",
            "warning",
            "loud",
            "rework",
            "normal",
            "1",
            "A b",
            "-x",
            "dead-end",
            "Bad_Id",
        ]
    ),
    ids,
    texts,
)
JSON = st.recursive(
    SCALARS,
    lambda c: st.one_of(
        st.lists(c, max_size=3),
        st.dictionaries(
            st.one_of(
                ids,
                st.sampled_from(
                    [
                        "id",
                        "lane",
                        "text",
                        "next",
                        "to",
                        "kind",
                        "within",
                        "risk",
                        "emotion",
                        "steps",
                        "rules",
                        "Bad_Id",
                        "",
                    ]
                ),
            ),
            c,
            max_size=3,
        ),
    ),
    max_leaves=8,
)


@st.composite
def mutated(draw):
    """A generated blueprint with values replaced, keys added or removed at any depth."""
    bp = draw(blueprints())
    for _ in range(draw(st.integers(1, 2))):
        node = bp
        while True:
            keys = sorted(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            k = draw(st.sampled_from(keys))
            child = node[k]
            if isinstance(child, (dict, list)) and child and draw(st.integers(0, 3)):
                node = child
                continue
            how = draw(st.sampled_from(["replace", "drop", "add"]))
            if how == "replace":
                node[k] = draw(JSON)
            elif how == "drop":
                del node[k]
            elif isinstance(node, dict):
                node[
                    draw(
                        st.one_of(
                            ids,
                            st.sampled_from(
                                ["id", "text", "when", "kind", "Bad_Id", "9lives", "", "a b"]
                            ),
                        )
                    )
                ] = draw(JSON)
            else:
                node.append(draw(JSON))
            break
    return bp


@settings(PROPS, max_examples=60)
@given(mutated())
def test_mutated_blueprints(data):
    same_answer(data)


@settings(PROPS, max_examples=60)
@given(JSON)
def test_arbitrary_data(data):
    same_answer(data)


def test_booleans_are_not_numbers():
    base = {
        "blueprint": 1,
        "id": "x",
        "title": "X",
        "steps": [{"id": "a", "lane": "customer", "text": "A"}],
    }
    same_answer(base)
    assert schema.is_valid(base)
    for bad in (
        {**base, "blueprint": True},
        {**base, "blueprint": 1.5},
        {**base, "steps": [{"id": "a", "lane": "customer", "text": "A", "emotion": True}]},
        {**base, "steps": [{"id": "a", "lane": "customer", "text": "A", "key": 1}]},
    ):
        same_answer(bad)
        assert not schema.is_valid(bad)
    # emotions are numbers on the blueprint's own scale: the model, which knows the scale,
    # rejects NaN and values off the scale (tests/bad/wrong-type-emotion-nan.yaml)
    nan = {**base, "steps": [{"id": "a", "lane": "customer", "text": "A", "emotion": math.nan}]}
    same_answer(nan)
    ok = {
        **base,
        "blueprint": 1.0,
        "steps": [{"id": "a", "lane": "customer", "text": "A", "emotion": 2.0}],
    }
    same_answer(ok)


#: a small blueprint with every field of the format
RICH = {
    "blueprint": 1,
    "id": "rich",
    "title": "Rich",
    "description": "d",
    "locale": "zh-CN",
    "customer": "c",
    "owner": "o",
    "status": "to-be",
    "version": "1.0",
    "tolerance": "2h",
    "calendar": {"days": ["mon", "sat"], "hours": 7.5, "opens": "08:30"},
    "emotion_scale": {"min": 0, "max": 10},
    "rules": {"dead-end": "off"},
    "phases": [{"id": "p", "name": "P", "description": "pd"}],
    "roles": {"waiter": {"name": "W", "description": "wd"}},
    "steps": [
        {
            "id": "a",
            "lane": "customer",
            "text": "A",
            "description": "ad",
            "phase": "p",
            "evidence": ["e"],
            "emotion": -2,
            "key": True,
            "duration": "1m",
            "wait": {"expected": "5m", "tolerable": "10m", "fill": "f", "explain": "x"},
            "ignore": ["dead-end"],
            "next": "b",
        },
        {
            "id": "b",
            "lane": "frontstage",
            "text": "B",
            "role": "waiter",
            "says": "s",
            "standard": {"text": "t", "within": "2m"},
            "fail": {
                "risk": "r",
                "likelihood": "low",
                "severity": "high",
                "prevention": "p",
                "recovery": "q",
            },
            "next": ["a", {"to": "a", "when": "w", "kind": "rework"}],
        },
        {"id": "c", "lane": "support", "text": "C", "standard": "s2"},
        {
            "id": "d",
            "lane": "backstage",
            "text": "D",
            "standard": {"text": "t", "within": "3wd", "from": "a", "start": "fri 16:00"},
        },
        {"id": "e", "lane": "frontstage", "text": "E", "standard": {"text": "t", "after": "48h"}},
        {
            "id": "f",
            "lane": "frontstage",
            "text": "F",
            "standard": {"text": "t", "at": "20h", "window": "60m", "from": "a"},
        },
    ],
}
SUBSTITUTES = [
    None,
    True,
    False,
    0,
    1,
    3,
    -3,
    1.0,
    2.5,
    math.nan,
    "",
    " ",
    "x",
    "X y",
    "Bad_Id",
    "9",
    "five",
    "5m",
    "3wd",
    "fri 16:00",
    "customer",
    "off",
    "rework",
    "low",
    "en",
    [],
    ["x"],
    [1],
    {},
    {"x": 1},
    {"to": "a"},
    {"text": "t"},
]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


def _replaced(data, path, value):
    import copy

    out = copy.deepcopy(data)
    if not path:
        return value
    node = out
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return out


def test_every_single_substitution():
    """Each value of a rich blueprint replaced, one at a time, by each of a set of
    values of every type: the fast check and jsonschema agree on all of them."""
    assert schema._validator().is_valid(RICH)
    count = 0
    for path in list(_paths(RICH)):
        for value in SUBSTITUTES:
            same_answer(_replaced(RICH, path, value))
            count += 1
    # and a key added to each mapping
    for path in list(_paths(RICH)):
        node = RICH
        for p in path:
            node = node[p]
        if isinstance(node, dict):
            sibling = next(iter(node.values()))  # a value that is valid in this mapping
            for key in ("x", "Bad_Id", "", "id", "text", "next", "a b"):
                for value in ("v", sibling):
                    same_answer(_replaced(RICH, path, {**node, key: value}))
                    count += 1
    assert count > 2000
