"""blueprint export and blueprint import (docs/interchange.md): the round trip,
hand-made grids, text a spreadsheet would execute, hostile files."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import jsonschema
import pytest
from benchmarks.generate import generate
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from blueprint import lint
from blueprint.cli import cli
from blueprint.sheets import export, importer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "blueprints").glob("*.yaml"))
EXPORT_SCHEMA = json.loads((ROOT / "schema" / "export.schema.json").read_text(encoding="utf-8"))
BLUEPRINT_SCHEMA = json.loads(
    (ROOT / "schema" / "blueprint.schema.json").read_text(encoding="utf-8")
)
#: a problem about a cell: Sheet!D7: severity message [rule-id]
CELL_PROBLEM = re.compile(
    r"^[^!\s]+(![A-Z]+[0-9]+)?: (error|warning|info) \S.* \[[a-z][a-z0-9-]*\]$"
)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def model_fields(bp) -> dict:
    """Every field of the model that a blueprint file writes, without positions."""

    def dur(d):
        return d.text if d is not None else None

    def standard(s):
        if s.standard is None:
            return None
        t = s.standard
        return (
            t.text, dur(t.within), t.trigger, dur(t.after), dur(t.at), dur(t.window), t.start,
            t.dimension,
        )  # fmt: skip

    out = {
        "head": (bp.id, bp.title, bp.description, bp.locale, bp.customer, bp.owner, bp.status),
        "more": (bp.version, dur(bp.tolerance), bp.calendar, bp.emotion_scale),
        "quality": (bp.core_need and (bp.core_need.text, bp.core_need.type), bp.servqual),
        "rules": {k: v[0] for k, v in bp.rules.items()},
        "phases": [(p.id, p.name, p.description) for p in bp.phases],
        "roles": {r.id: (r.name, r.description) for r in bp.roles.values()},
    }
    for s in bp.steps:
        fail = s.fail and (
            s.fail.risk,
            s.fail.likelihood,
            s.fail.severity,
            s.fail.prevention,
            s.fail.recovery,
            s.fail.dimension,
        )
        wait = s.wait and (dur(s.wait.expected), dur(s.wait.tolerable), s.wait.fill, s.wait.explain)
        out[f"step {s.id}"] = {
            "lane": s.lane,
            "text": s.text,
            "description": s.description,
            "phase": s.phase,
            "role": s.role,
            "evidence": [e.text for e in s.evidence],
            "duration": dur(s.duration),
            "standard": standard(s),
            "says": s.says,
            "emotion": s.emotion,
            "key": s.key,
            "end": s.end,
            "contact": s.contact,
            "need": s.need and (s.need.text, s.need.type),
            "known": (s.known, s.source),
            "fail": fail,
            "wait": wait,
            "ignore": sorted(s.ignore),
            "flows": [(f.target, f.when, f.kind, f.contact) for f in s.flows],
        }
    out["order"] = [s.id for s in bp.steps]
    return out


def assert_same(a, b) -> None:
    fa, fb = model_fields(a), model_fields(b)
    assert fa.keys() == fb.keys()
    for key in fa:
        assert fa[key] == fb[key], key


# ------------------------------------------------------------------------ round trip

SOURCES = st.one_of(
    st.sampled_from(EXAMPLES).map(lambda p: p.read_text(encoding="utf-8")),
    st.builds(lambda n, seed: generate(n, seed=seed), st.integers(3, 40), st.integers(0, 10_000)),
)


@settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=14,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(SOURCES)
def test_export_then_import_gives_the_same_blueprint(text):
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "bp.yaml")
        src.write_text(text, encoding="utf-8")
        original = lint.check_file(str(src))
        assert original.loaded and not original.count("error")
        for fmt in ("xlsx", "csv"):
            out, back = Path(tmp, f"bp.{fmt}"), Path(tmp, f"back-{fmt}.yaml")
            assert invoke("export", src, "--format", fmt, "-o", out).exit_code == 0
            r = invoke("import", out, "-o", back)
            assert r.exit_code in (0, 1), r.output
            assert not [line for line in r.output.splitlines() if "[sheet-" in line], r.output
            again = lint.check_file(str(back))
            assert again.blueprint is not None and not again.count("error"), r.output
            if fmt == "xlsx":
                assert_same(original.blueprint, again.blueprint)
            else:  # the CSV is the Steps table: every step field, not the blueprint's own
                a, b = model_fields(original.blueprint), model_fields(again.blueprint)
                for key in a:
                    if key.startswith("step "):
                        assert a[key] == b[key], key
        data = json.loads(export.as_json(original.blueprint))
        jsonschema.validate(data, EXPORT_SCHEMA)
        jsonschema.validate(data["blueprint"], BLUEPRINT_SCHEMA)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_json_export_follows_its_schema_and_is_a_blueprint(example):
    res = lint.check_file(str(example))
    data = json.loads(export.as_json(res.blueprint))
    jsonschema.validate(data, EXPORT_SCHEMA)
    jsonschema.validate(data["blueprint"], BLUEPRINT_SCHEMA)
    assert data["format"] == "service-blueprint-export" and data["version"] == 1
    assert [s["id"] for s in data["blueprint"]["steps"]] == [s.id for s in res.blueprint.steps]


def test_the_xlsx_bytes_depend_only_on_the_blueprint(tmp_path):
    src = EXAMPLES[0]
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert invoke("export", src, "--format", "xlsx", "-o", a).exit_code == 0
    assert invoke("export", src, "--format", "xlsx", "-o", b).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    # two runs in one second would agree anyway: the dates themselves must be fixed
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == [
        export.FIXED_DATE,
        export.FIXED_DATE,
    ]


def test_the_blueprint_sheet_is_laid_out_like_the_diagram(tmp_path):
    src = ROOT / "blueprints" / "shoeshine.yaml"
    out = tmp_path / "s.xlsx"
    assert invoke("export", src, "--format", "xlsx", "-o", out).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames[:4] == ["Blueprint", "Steps", "Flows", "Analysis"]
    ws = wb["Blueprint"]
    # column A: the title, then the five bands top to bottom (English titles, locale en)
    assert [ws.cell(r, 1).value for r in range(2, 7)] == [
        "Physical evidence",
        "Customer actions",
        "Front-stage actions",
        "Back-stage actions",
        "Support processes",
    ]
    assert ws.freeze_panes == "B2"
    # the lines under the customer, front-stage and back-stage rows: solid, dashed, dotted
    assert ws.cell(3, 2).border.bottom.style == "medium"
    assert ws.cell(4, 2).border.bottom.style == "mediumDashed"
    assert ws.cell(5, 2).border.bottom.style == "dotted"
    # four phases, each a header over its columns; shoeshine's 'shine' phase holds
    # brush, polish, buff and admire (docs: four front-stage moments) -> merged
    heads = [ws.cell(1, c).value for c in range(2, ws.max_column + 1) if ws.cell(1, c).value]
    assert heads == ["Before the customer comes", "Sit down", "Shine", "Pay and go"]
    assert any(m.min_row == 1 and m.max_col > m.min_col for m in ws.merged_cells.ranges)
    texts = [str(c.value) for row in ws.iter_rows(min_row=3) for c in row if c.value]
    # the one declared fail point (polish of the wrong colour) is marked in its cell
    assert sum("⚠" in t for t in texts) == 1
    steps = wb["Steps"]
    assert steps.auto_filter.ref.startswith("A1:")
    assert steps.max_row == 1 + 9  # header + shoeshine's 9 steps


def test_cjk_columns_are_wide_enough(tmp_path):
    src = ROOT / "blueprints" / "health-checkup.yaml"
    out = tmp_path / "h.xlsx"
    assert invoke("export", src, "--format", "xlsx", "-o", out).exit_code == 0
    ws = load_workbook(out)["Blueprint"]
    # '有形展示' .. '前台员工行为': the widest title has 6 characters = 12 display cells
    assert ws.column_dimensions["A"].width >= 12


# --------------------------------------------------------------------- injection

INJECTED = """\
blueprint: 1
id: inj
title: "=HYPERLINK(\\"http://evil\\",\\"x\\")"
phases:
  - {id: p, name: "=cmd|' /C calc'!A0"}
steps:
  - id: a
    lane: customer
    phase: p
    text: "=1+1"
    says: "+1 555 0100"
    description: "-2 below"
    evidence: ["@SUM(A1)"]
    fail: {risk: "\\tTab first"}
    next: [b]
  - id: b
    lane: frontstage
    phase: p
    text: "'=already quoted"
    standard: "Plain text"
"""
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def test_no_cell_of_the_xlsx_is_a_formula(tmp_path):
    src = tmp_path / "inj.yaml"
    src.write_text(INJECTED, encoding="utf-8")
    out = tmp_path / "inj.xlsx"
    assert invoke("export", src, "--format", "xlsx", "-o", out).exit_code == 0
    wb = load_workbook(out)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate}"
                if isinstance(c.value, str) and c.value.startswith(DANGEROUS):
                    assert c.quotePrefix, f"{ws.title}!{c.coordinate}"
                    seen += 1
    assert seen >= 6  # title, phase, text, says, description, evidence and the tab at least
    # and the texts come back as they were
    back = tmp_path / "back.yaml"
    invoke("import", out, "-o", back)
    a = lint.check_file(str(src)).blueprint
    b = lint.check_file(str(back)).blueprint
    assert_same(a, b)


def test_the_csv_puts_an_apostrophe_before_what_would_run(tmp_path):
    src = tmp_path / "inj.yaml"
    src.write_text(INJECTED, encoding="utf-8")
    out = tmp_path / "inj.csv"
    assert invoke("export", src, "--format", "csv", "-o", out).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["text"] == "'=1+1"
    assert rows[0]["says"] == "'+1 555 0100"
    assert rows[0]["description"] == "'-2 below"
    assert rows[0]["evidence"] == "'@SUM(A1)"
    assert rows[0]["fail.risk"] == "'\tTab first"
    assert rows[1]["text"] == "''=already quoted"  # a quote already there is doubled
    assert rows[1]["standard"] == "Plain text"
    for row in rows:
        for value in row.values():
            assert not value.startswith(DANGEROUS)


# ------------------------------------------------------------------- hand-made grids


def _grid(path: Path, rows: dict[str, object], merged=(), title: str = "Grid") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for ref, value in rows.items():
        ws[ref] = value
    for rng in merged:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def test_an_english_grid_with_merged_phases_empty_cells_and_a_notes_row(tmp_path):
    sheet = _grid(
        tmp_path / "coffee.xlsx",
        {
            "A1": "Coffee bar",
            "B1": "Order",
            "D1": "Drink",
            "A2": "Physical evidence",
            "B2": "Menu board",
            "D2": "Cup\nSleeve",
            "A3": "Customer",
            "B3": "Order a latte",
            "D3": "Drink the latte",
            "A4": "Frontstage",
            "B4": "Take the order",
            "D4": "Hand over the cup",
            "A5": "Back office",
            "C5": "Make the latte",
            "A6": "Support processes",
            "B6": "POS records the order",
            "A7": "Notes",
            "B7": "Busy at 8am",
        },
        merged=["B1:C1"],
    )
    out = tmp_path / "coffee.yaml"
    r = invoke("import", sheet, "-o", out)
    lines = r.output.splitlines()
    assert (
        "Grid!A7: info row 7 ('Notes') is below the lanes; its cells were left out [sheet-row]"
        in lines
    )
    imp, _ = importer.read(str(sheet))
    d = imp.data
    assert (d["id"], d["title"]) == ("coffee-bar", "Coffee bar")
    assert d["phases"] == [{"id": "order", "name": "Order"}, {"id": "drink", "name": "Drink"}]
    steps = {s["id"]: s for s in d["steps"]}
    # columns left to right, lanes top to bottom within a column
    assert list(steps) == [
        "order-a-latte",
        "take-the-order",
        "pos-records-the-order",
        "make-the-latte",
        "drink-the-latte",
        "hand-over-the-cup",
    ]
    lanes = [s["lane"] for s in steps.values()]
    assert lanes == ["customer", "frontstage", "support", "backstage", "customer", "frontstage"]
    # B and C are under the merged 'Order', D under 'Drink'
    assert [s["phase"] for s in steps.values()] == ["order"] * 4 + ["drink"] * 2
    assert steps["order-a-latte"]["evidence"] == ["Menu board"]
    assert steps["drink-the-latte"]["evidence"] == ["Cup", "Sleeve"]
    # flows: down column B; C (no customer) leads into D's customer action; the
    # customer's actions left to right; down column D
    assert steps["order-a-latte"]["next"] == ["take-the-order", "drink-the-latte"]
    assert steps["take-the-order"]["next"] == ["pos-records-the-order"]
    assert "next" not in steps["pos-records-the-order"]
    assert steps["make-the-latte"]["next"] == ["drink-the-latte"]
    assert steps["drink-the-latte"]["next"] == ["hand-over-the-cup"]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "# guessed: " in text
    assert lint.check_file(str(out)).blueprint is not None


@pytest.mark.parametrize(
    "labels, locale",
    [
        (("有形展示", "顾客行为", "前台", "后台", "支持过程"), "zh-CN"),
        (("有形展示", "顧客行為", "前台員工行為", "後台員工行為", "支持過程"), "zh-TW"),
    ],
)
def test_a_chinese_grid(tmp_path, labels, locale):
    cells = {f"A{r}": label for r, label in enumerate(labels, 2)}
    cells.update(
        {
            "B1": "预约",
            "B2": "预约短信",
            "B3": "打电话预约",
            "B4": "接听电话",
            "B6": "登记预约",
            "C3": "到达医院！",
            "C4": "前台登记",
        }
    )
    sheet = _grid(tmp_path / "clinic.xlsx", cells, merged=["B1:C1"])
    imp, _ = importer.read(str(sheet))
    d = imp.data
    assert d["locale"] == locale
    assert d["phases"] == [{"id": "预约", "name": "预约"}]
    ids = [s["id"] for s in d["steps"]]
    # Chinese ids as they are; the full-width '！' is dropped
    assert ids == ["打电话预约", "接听电话", "登记预约", "到达医院", "前台登记"]
    assert [s["lane"] for s in d["steps"]] == [
        "customer",
        "frontstage",
        "support",
        "customer",
        "frontstage",
    ]
    out = tmp_path / "clinic.yaml"
    invoke("import", sheet, "-o", out)
    res = lint.check_file(str(out))
    assert res.blueprint is not None
    assert not [p for p in res.problems if p.rule in ("invalid-id", "wrong-type")]


def test_a_steps_csv_written_by_hand(tmp_path):
    sheet = tmp_path / "steps.csv"
    sheet.write_text(
        "text,lane,phase\nWalk in,Customer,Arrive\nGreet the guest,前台,Arrive\n"
        "Pay,customer actions,Leave\nTake payment,kitchen,Leave\n",
        encoding="utf-8",
    )
    out = tmp_path / "steps.yaml"
    r = invoke("import", sheet, "-o", out)
    # the one lane it cannot read, at its cell (row 5, column B)
    assert (
        "steps.csv!B5: error lane 'kitchen' is not a lane; write one of customer, frontstage, "
        "backstage, support [sheet-lane]" in r.output.splitlines()
    )
    assert r.exit_code == 1
    imp, _ = importer.read(str(sheet))
    steps = imp.data["steps"]
    assert [s["id"] for s in steps] == ["walk-in", "greet-the-guest", "pay", "take-payment"]
    assert [s.get("lane") for s in steps] == ["customer", "frontstage", "customer", None]
    # a phase written as a valid id keeps it (an export's Steps table holds phase ids)
    assert imp.data["phases"] == [
        {"id": "Arrive", "name": "Arrive"},
        {"id": "Leave", "name": "Leave"},
    ]
    # no flows in the table: guessed down the rows
    assert [s.get("next") for s in steps] == [["greet-the-guest"], ["pay"], ["take-payment"], None]


# ------------------------------------------------------------------------- refusals


def test_import_never_writes_over_the_input_or_an_existing_file(tmp_path):
    src = ROOT / "blueprints" / "shoeshine.yaml"
    sheet = tmp_path / "s.csv"
    invoke("export", src, "--format", "csv", "-o", sheet)
    before = sheet.read_bytes()
    r = invoke("import", sheet, "-o", sheet, "--force")
    assert r.exit_code == 2 and "refusing to write over the input" in r.output
    assert sheet.read_bytes() == before
    existing = tmp_path / "there.yaml"
    existing.write_text("keep me\n", encoding="utf-8")
    r = invoke("import", sheet, "-o", existing)
    assert r.exit_code == 2 and "--force" in r.output
    assert existing.read_text(encoding="utf-8") == "keep me\n"
    assert invoke("import", sheet, "-o", existing, "--force").exit_code == 0
    r = invoke("export", src, "--format", "json", "-o", src)
    assert r.exit_code == 2 and "refusing to write over the input" in r.output


def _hostile(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    r = invoke("import", p, "-o", tmp_path / "out.yaml")
    assert "Traceback" not in r.output and "internal error" not in r.output
    return r


def _one_line(r) -> str:
    lines = r.output.splitlines()
    assert r.exit_code == 2 and len(lines) == 1, r.output
    return lines[0]


def test_not_a_spreadsheet(tmp_path):
    assert "not a spreadsheet" in _one_line(
        _hostile(tmp_path, "img.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    )
    assert "not an xlsx file" in _one_line(_hostile(tmp_path, "x.xlsx", b"hello, world\n"))
    assert "not a spreadsheet" in _one_line(
        _hostile(tmp_path, "bp.yaml", b"blueprint: 1\nid: x\ntitle: X\nsteps: []\n")
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hi")
    assert "not an Excel workbook" in _one_line(_hostile(tmp_path, "z.xlsx", buf.getvalue()))


def test_an_encrypted_workbook(tmp_path):
    # password-protected xlsx files are OLE compound files (D0 CF 11 E0 ...)
    line = _one_line(
        _hostile(tmp_path, "secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    )
    assert "encrypted" in line


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 << 20))  # 8 MiB of zeros: ~1000:1
    assert "zip bomb" in _one_line(_hostile(tmp_path, "bomb.xlsx", buf.getvalue()))


def test_huge_sheets_are_refused(tmp_path, monkeypatch):
    sheet = tmp_path / "s.xlsx"
    invoke("export", ROOT / "blueprints" / "shoeshine.yaml", "--format", "xlsx", "-o", sheet)
    monkeypatch.setattr(importer, "MAX_ROWS", 5)  # the Steps sheet has 10 rows
    assert "the limits are 5 rows" in _one_line(_hostile(tmp_path, "s.xlsx", sheet.read_bytes()))
    monkeypatch.setattr(importer, "MAX_ROWS", 20_000)
    monkeypatch.setattr(importer, "MAX_UNCOMPRESSED", 1000)
    assert "unpacks to" in _one_line(_hostile(tmp_path, "s.xlsx", sheet.read_bytes()))


def test_formulas_are_read_as_values_and_said(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Steps"
    ws.append(["id", "lane", "text"])
    ws.append(["a", "customer", "Walk in"])
    ws.append(["b", "frontstage", '=A2&" greeted"'])  # never computed: no value
    ws.append(["c", "frontstage", "Seat the guest"])
    wb.save(tmp_path / "f.xlsx")
    r = invoke("import", tmp_path / "f.xlsx", "-o", tmp_path / "f.yaml")
    assert "Traceback" not in r.output
    lines = r.output.splitlines()
    formula = [line for line in lines if "[sheet-formula]" in line]
    assert formula == [
        "f.xlsx: warning 1 cell(s) hold formulas (C3); their last computed values were read, "
        "not the formulas (a formula never computed reads as empty) [sheet-formula]"
    ]
    assert r.exit_code == 1
    imp, _ = importer.read(str(tmp_path / "f.xlsx"))
    assert imp.data["steps"][1]["text"] == "b"  # no value: the text falls back to the id


def test_every_import_problem_is_one_line_at_its_cell(tmp_path):
    sheet = _grid(
        tmp_path / "g.xlsx",
        {"A1": "Customer", "B1": "Walk in", "A2": "Physical evidence", "C2": "A sign"},
    )
    r = invoke("import", sheet, "-o", tmp_path / "g.yaml")
    mine = [line for line in r.output.splitlines() if "[sheet-" in line]
    assert mine == [
        "Grid!C2: warning evidence with no customer action under it; left out [sheet-evidence]"
    ]
    assert all(CELL_PROBLEM.match(line) for line in mine)


def test_make_id():
    taken: set[str] = set()
    assert importer.make_id("Order a latte!", taken) == "order-a-latte"
    assert importer.make_id("Order a latte", taken) == "order-a-latte-2"
    assert importer.make_id("打电话 预约", taken) == "打电话-预约"
    assert importer.make_id("42 cups", taken) == "step-42-cups"  # an id starts with a letter
    assert importer.make_id("!!!", taken) == "step"


def test_a_front_stage_answer_leads_to_the_next_customer_action(tmp_path):
    sheet = _grid(
        tmp_path / "g.xlsx",
        {"A1": "Customer", "A2": "Front stage", "B1": "Walk in", "B2": "Greet", "C1": "Sit"},
    )
    imp, _ = importer.read(str(sheet))
    nxt = {s["id"]: s.get("next") for s in imp.data["steps"]}
    # down column B, the customer left to right, and B's last (front-stage) step to C's customer
    assert nxt == {"walk-in": ["greet", "sit"], "greet": ["sit"], "sit": None}


def test_the_limits_on_the_page_are_those_of_the_code():
    doc = (ROOT / "docs" / "interchange.md").read_text(encoding="utf-8")
    assert importer.MAX_FILE_BYTES == 20 << 20 and "| file size | 20 MiB |" in doc
    assert importer.MAX_UNCOMPRESSED == 100 << 20 and "declared sizes) | 100 MiB |" in doc
    assert importer.MAX_RATIO == 200 and "| at most 200 to 1 |" in doc
    assert importer.MAX_MEMBERS == 2000 and "| parts in the archive | 2,000 |" in doc
    assert (importer.MAX_ROWS, importer.MAX_COLS, importer.MAX_CELLS) == (20_000, 1_000, 500_000)
    assert "| 20,000 rows, 1,000 columns, 500,000 cells |" in doc
    code = "".join(
        (ROOT / "src" / "blueprint" / p).read_text(encoding="utf-8")
        for p in ("cli.py", "sheets/importer.py", "sheets/table.py")
    )
    rules = set(re.findall(r"\[?\"?(sheet-[a-z]+)", code))
    assert len(rules) >= 8
    assert not [rule for rule in sorted(rules) if f"| `{rule}` |" not in doc]


def test_the_analysis_sheet_agrees_with_analyze_json(tmp_path):
    src = ROOT / "blueprints" / "tobacco-retail-service.yaml"
    out = tmp_path / "t.xlsx"
    assert invoke("export", src, "--format", "xlsx", "-o", out).exit_code == 0
    r = invoke("analyze", src, "--format", "json")
    a = json.loads(r.output)
    rows = [list(row) for row in load_workbook(out)["Analysis"].iter_rows(values_only=True)]
    titles = [i for i, row in enumerate(rows) if row[0] and row[1:] == [None] * (len(row) - 1)]

    def section(name):
        start = next(i for i in titles if rows[i][0] == name) + 2  # the title, then the header
        end = next((i for i in titles if i > start), len(rows))
        return [row for row in rows[start:end] if row[0] is not None]

    assert [(r[0], r[4]) for r in section("Standards")] == [
        (s["step"], s["status"]) for s in a["timing"]["standards"]
    ]
    assert [(r[0], r[1]) for r in section("Fail points")] == [
        (f["step"], f["declared"]) for f in a["fail_points"]
    ]
    assert [(r[0], r[3]) for r in section("Wait points")] == [
        (w["step"], w["expected"]) for w in a["wait_points"]
    ]
    timing = dict((r[0], r[1]) for r in section("Timing"))
    assert timing["customer: total"] == a["timing"]["customer"]["total"]


def test_marked_lines_in_a_grid_cell():
    cells = importer._cell_steps(
        "Seat the party\n⚠ Fail point: No table free\n⏳ Wait point: 20m / 40m"
    )
    assert cells == [
        (
            "Seat the party",
            {"fail": {"risk": "No table free"}, "wait": {"expected": "20m", "tolerable": "40m"}},
        )
    ]
    # without a colon: the whole line is the risk; a bare wait mark has no times
    assert importer._cell_steps("Queue\n⚠ queue too long\n⏳ Wait point") == [
        ("Queue", {"fail": {"risk": "queue too long"}, "wait": {}})
    ]
    # a blank line separates two steps in one cell
    assert [t for t, _ in importer._cell_steps("Greet\n\nSeat")] == ["Greet", "Seat"]
