"""The bundled examples in blueprints/: valid, clean, editor-ready, and together
covering every feature of the format."""

import json
import re
from pathlib import Path

import jsonschema
import pytest

from blueprint.analysis import analyze
from blueprint.graph import Structure
from blueprint.lint import check_file, load_blueprint
from blueprint.load import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schema" / "blueprint.schema.json"
EXAMPLES = sorted([*(ROOT / "blueprints").glob("*.yaml"), *(ROOT / "blueprints").glob("*.yml")])
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\s*$")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

ids = [p.name for p in EXAMPLES]


def _model(path):
    bp, problems = load_blueprint(str(path))
    assert bp is not None and not [p for p in problems if p.severity == "error"], problems
    return bp


@pytest.fixture(scope="module")
def models():
    return {p.name: _model(p) for p in EXAMPLES}


def test_there_are_at_least_eight_examples():
    assert len(EXAMPLES) >= 8, [p.name for p in EXAMPLES]


@pytest.mark.parametrize("path", EXAMPLES, ids=ids)
def test_example_validates_against_the_json_schema(path):
    doc, problems = load_yaml(str(path))
    assert problems == []
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(doc.data), key=lambda e: list(e.path)
    )
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_schema_printed_by_the_cli_is_the_repository_copy(run):
    r = run("schema")
    assert r.exit_code == 0
    assert json.loads(r.output) == json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", EXAMPLES, ids=ids)
def test_example_passes_strict_check(run, path):
    r = run("check", "--strict", path)
    assert r.exit_code == 0, r.output
    assert "no problems" in r.output


@pytest.mark.parametrize("path", EXAMPLES, ids=ids)
def test_example_has_no_problem_of_any_severity(path):
    # --strict passes infos; an example should not need even those
    res = check_file(str(path))
    assert res.loaded and res.problems == [], res.problems


@pytest.mark.parametrize("path", EXAMPLES, ids=ids)
def test_example_starts_with_a_modeline_to_the_repository_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = MODELINE.match(first)
    assert m, f"{path.name} does not start with the yaml-language-server modeline: {first!r}"
    assert (path.parent / m.group(1)).resolve() == SCHEMA_PATH.resolve()


@pytest.mark.parametrize("path", EXAMPLES, ids=ids)
def test_file_is_named_after_its_kebab_case_id(path, models):
    bp = models[path.name]
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", bp.id), bp.id
    assert path.stem == bp.id


@pytest.mark.parametrize("path", EXAMPLES, ids=ids)
def test_example_is_a_whole_blueprint(path, models):
    """Every example shows all four lanes, phases, roles and a support process,
    names a role on each staff step, and gives evidence on every customer action."""
    bp = models[path.name]
    assert {s.lane for s in bp.steps} == {"customer", "frontstage", "backstage", "support"}
    assert bp.phases and bp.roles and bp.title and bp.description and bp.customer
    assert all(s.phase for s in bp.steps)
    assert all(s.role for s in bp.steps if s.lane != "customer")
    assert all(s.evidence for s in bp.steps if s.lane == "customer")
    assert any(s.says for s in bp.steps if s.lane == "frontstage")
    # what staff say is heard by the customer: only front-stage steps speak
    assert not [s.id for s in bp.steps if s.says and s.lane != "frontstage"]
    # feelings are the customer's, and waits are the customer's
    assert not [s.id for s in bp.steps if s.emotion is not None and s.lane != "customer"]
    assert not [s.id for s in bp.steps if s.wait is not None and s.lane != "customer"]


@pytest.mark.parametrize("path", EXAMPLES, ids=ids)
def test_example_has_a_peak_and_a_good_end(path, models):
    bp = models[path.name]
    a = analyze(bp, Structure(bp))
    assert not a.emotions_missing
    assert a.peaks and a.ends
    for end in a.ends:
        assert bp.by_id[end].emotion is not None and bp.by_id[end].emotion >= 0, end


def test_at_least_two_examples_are_chinese_one_simplified_one_traditional(models):
    locales = [bp.locale for bp in models.values()]
    assert sum(loc.startswith("zh") for loc in locales) >= 2
    assert "zh-CN" in locales and "zh-TW" in locales


def _texts(bp):
    """Every text a reader of a Chinese blueprint sees, with where it is."""
    yield "title", bp.title
    for p in bp.phases:
        yield f"phase {p.id}", p.name
    for rid, r in bp.roles.items():
        yield f"role {rid}", r.name
    for s in bp.steps:
        yield f"{s.id} text", s.text
        if s.says:
            yield f"{s.id} says", s.says
        for e in s.evidence:
            yield f"{s.id} evidence", e.text
        if s.standard:
            yield f"{s.id} standard", s.standard.text
        if s.fail:
            for name in ("risk", "prevention", "recovery"):
                yield f"{s.id} fail {name}", getattr(s.fail, name)
        if s.wait:
            yield f"{s.id} wait fill", s.wait.fill
            yield f"{s.id} wait explain", s.wait.explain
        for f in s.flows:
            if f.when:
                yield f"{s.id} → {f.target} when", f.when


CHINESE = [p for p in EXAMPLES if re.search(r"^locale:\s*zh-", p.read_text(encoding="utf-8"), re.M)]


@pytest.mark.parametrize("path", CHINESE, ids=lambda p: p.name)
def test_chinese_examples_are_chinese_everywhere(path, models):
    bp = models[path.name]
    assert bp.locale.startswith("zh")
    latin_only = [where for where, text in _texts(bp) if text and not CJK.search(text)]
    assert latin_only == []


def _closes_cycle(g, u, v) -> bool:
    import networkx as nx

    return nx.has_path(g, v, u)


def test_examples_together_cover_the_format(models):
    seen = set()
    sizes = []
    for bp in models.values():
        st = Structure(bp)
        sizes.append(len(bp.steps))
        for s in bp.steps:
            whens = [f for f in s.flows if f.when and f.kind == "normal"]
            if len(whens) >= 2:
                seen.add("branch")
            for f in s.flows:
                if f.kind in ("recovery", "rework") and _closes_cycle(st.graph, s.id, f.target):
                    seen.add(f"{f.kind} loop")
            if (
                s.fail
                and s.fail.prevention
                and s.fail.recovery
                and s.fail.likelihood
                and s.fail.severity
            ):
                seen.add("fail point")
            w = s.wait
            if w and w.expected and w.tolerable and w.fill and w.explain:
                assert w.expected.seconds <= w.tolerable.seconds, s.id
                seen.add("wait point")
            if s.standard and s.standard.within:
                seen.add("standard within")
            if s.standard and not s.standard.within:
                seen.add("standard as text")
            if s.lane == "frontstage" and s.says:
                seen.add("says")
            if s.lane == "customer" and s.emotion in (-2, 2):
                seen.add(f"emotion {s.emotion:+d}")
            if s.key:
                seen.add("key moment")
            if s.description:
                seen.add("step description")
            if s.ignore:
                seen.add("ignore")
        if bp.tolerance:
            seen.add("tolerance")
        if bp.status:
            seen.add(f"status {bp.status}")
    expected = {
        "branch",
        "recovery loop",
        "rework loop",
        "fail point",
        "wait point",
        "standard within",
        "standard as text",
        "says",
        "emotion -2",
        "emotion +2",
        "key moment",
        "step description",
        "ignore",
        "tolerance",
        "status as-is",
        "status to-be",
    }
    assert expected - seen == set()
    # small and large services both
    assert min(sizes) <= 20 and max(sizes) >= 35, sizes


def test_promised_times_of_the_tobacco_service_are_machine_readable(models):
    """The service commitments from DOMAIN.md §5 are checked standards, not just prose."""
    bp = models["tobacco-retail-service.yaml"]
    limits = {s.id: s.standard.within.seconds for s in bp.steps if s.standard and s.standard.within}
    hour, day = 3600, 86400
    assert limits["replace-damaged"] == 48 * hour
    assert limits["visit-store"] == 1 * hour
    assert limits["investigate"] == 72 * hour
    assert limits["call-back"] == 48 * hour
    # promises are timed from their trigger (DOMAIN.md §5: on site within 1 hour *of a complaint*)
    triggers = {s.id: s.standard.trigger for s in bp.steps if s.standard}
    assert triggers["visit-store"] == triggers["investigate"] == "phone-complaint"
    assert triggers["call-back"] == "notify-refund"  # called back after the resolution
    refund = bp.by_id["refund"].standard
    assert refund.within.working_days == 3 and refund.trigger == "phone-complaint"
    slot = bp.by_id["deliver-goods"].standard  # the confirmed slot, give or take 60 minutes
    assert (slot.at.seconds, slot.window.seconds) == (20 * hour, 60 * 60)
    assert day == 24 * hour
