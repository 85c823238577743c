"""``blueprint export``: a checked blueprint as xlsx, csv or json.

xlsx: a **Blueprint** sheet laid out like the diagram (the columns of
:func:`blueprint.render.layout.assign_columns`), **Steps**, **Flows**,
**Analysis** (from :func:`blueprint.report.analysis_json.as_dict`, so it agrees
with ``analyze --format json``), and **About**, **Phases**, **Roles** (what
``import`` needs to give the blueprint back whole). The bytes depend only on
the blueprint: the document's dates and the zip members' times are fixed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from typing import Any

from blueprint import i18n, vocab
from blueprint.sheets import table
from blueprint.textwidth import display_width, wrap

#: the version of the json export (docs/interchange.md; schema/export.schema.json)
EXPORT_VERSION = 1
EXPORT_FORMAT = "service-blueprint-export"
#: the fixed date written into the xlsx's document properties and zip members
FIXED_DATE = "2000-01-01T00:00:00Z"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

SHEET_BLUEPRINT, SHEET_STEPS, SHEET_FLOWS, SHEET_ANALYSIS = (
    "Blueprint",
    "Steps",
    "Flows",
    "Analysis",
)
SHEET_ABOUT, SHEET_PHASES, SHEET_ROLES = "About", "Phases", "Roles"

#: the border under each lane, by the line below it: like the diagram
LINE_STYLE = {
    vocab.INTERACTION: "medium",
    vocab.VISIBILITY: "mediumDashed",
    vocab.INTERNAL: "dotted",
}
FAIL_MARK, WAIT_MARK = "⚠", "⏳"
_MAX_WIDTH = 40  # display cells of the widest column
_MIN_WIDTH = 10


# ----------------------------------------------------------------------------- json


def as_json(bp: Any) -> str:
    """The json export: the blueprint in the format's own keys (schema/export.schema.json)."""
    data = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "blueprint": table.canonical(bp)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------ csv


def as_csv(bp: Any) -> bytes:
    """The Steps table as CSV, UTF-8 with a byte-order mark, CRLF line ends."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(table.STEP_COLUMNS)
    for step in table.canonical(bp)["steps"]:
        row = table.step_row(step)
        w.writerow([_csv_cell(row[c]) for c in table.STEP_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return table.csv_text(str(value))


# ----------------------------------------------------------------------------- xlsx


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write one value; text goes through :func:`table.xlsx_text` (never a formula)."""
    from openpyxl.styles import Alignment

    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text, quote = table.xlsx_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl reads a leading '=' as a formula; this is text
        if quote:
            cell.quotePrefix = True
    elif isinstance(value, (list, tuple)):
        return _put(ws, row, col, ", ".join(map(str, value)))
    elif isinstance(value, dict):
        return _put(ws, row, col, json.dumps(value, ensure_ascii=False))
    else:
        cell.value = value
    if isinstance(cell.value, str) and "\n" in cell.value:  # (setting a style costs time)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _widths(ws: Any, widths: dict[int, int]) -> None:
    from openpyxl.utils import get_column_letter

    for col, w in sorted(widths.items()):
        ws.column_dimensions[get_column_letter(col)].width = max(_MIN_WIDTH, min(_MAX_WIDTH, w + 2))


def _text_width(value: Any) -> int:
    if value is None:
        return 0
    return max(display_width(line) for line in str(value).split("\n"))


def _table_sheet(wb: Any, title: str, header: list[str], rows: list[list[Any]]) -> Any:
    """A sheet of one table: a bold, frozen header row, an autofilter, fitted widths."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    widths: dict[int, int] = {}
    for c, name in enumerate(header, 1):
        _put(ws, 1, c, name).font = Font(bold=True)
        widths[c] = display_width(name)
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            if value is not None and value != "":
                _put(ws, r, c, value)
                widths[c] = max(widths[c], _text_width(value))
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows) + 1)}"
    _widths(ws, widths)
    return ws


def _cell_lines(text: str, width: int) -> int:
    return len(wrap(text, max(2, width))) if text else 1


def _blueprint_sheet(wb: Any, res: Any) -> None:
    """The Blueprint sheet: phases over their columns, one row per band, a column per moment."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from blueprint.render.layout import INF, assign_columns

    bp, structure = res.blueprint, res.structure
    locale = vocab.locale_of(bp.locale)
    markers = i18n.MARKERS[locale]
    columns, groups = assign_columns(bp, structure)
    ncols = max(columns.values(), default=-1) + 1
    ws = wb.active
    ws.title = SHEET_BLUEPRINT
    _put(ws, 1, 1, bp.title or bp.id).font = Font(bold=True)
    # phases: one merged header over the columns of each
    spans: dict[int, tuple[int, int]] = {}
    for sid, g in groups.items():
        if g != INF:
            lo, hi = spans.get(g, (INF, -1))
            spans[g] = (min(lo, columns[sid]), max(hi, columns[sid]))
    head_fill = PatternFill("solid", fgColor="DDE5F0")
    for g, (lo, hi) in sorted(spans.items()):
        cell = _put(ws, 1, lo + 2, bp.phases[g].name)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if hi > lo:
            ws.merge_cells(start_row=1, start_column=lo + 2, end_row=1, end_column=hi + 2)
    # cells: (band, column) -> texts
    cells: dict[tuple[str, int], list[str]] = {}
    fills: dict[tuple[str, int], str] = {}
    for s in sorted(bp.steps, key=lambda s: (columns.get(s.id, ncols), s.index)):
        if s.id not in columns or s.lane is None:
            continue
        c = columns[s.id]
        lines = [s.text]
        if s.fail is not None:
            lines.append(f"{FAIL_MARK} {markers['fail']}: {s.fail.risk}")
            fills[(s.lane, c)] = "FADBD8"
        if s.wait is not None:
            w = s.wait
            said = " / ".join(d.text for d in (w.expected, w.tolerable) if d is not None)
            lines.append(f"{WAIT_MARK} {markers['wait']}" + (f": {said}" if said else ""))
            fills.setdefault((s.lane, c), "FCF3CF")
        cells.setdefault((s.lane, c), []).append("\n".join(lines))
        if s.evidence:
            cells.setdefault((vocab.EVIDENCE, c), []).extend(e.text for e in s.evidence)
    widths = {1: max(display_width(t) for t in i18n.LANES[locale].values())}
    texts: dict[tuple[int, int], str] = {}
    for (band, c), parts in cells.items():
        row = vocab.BANDS.index(band) + 2
        texts[(row, c + 2)] = ("\n\n" if band != vocab.EVIDENCE else "\n").join(parts)
        widths[c + 2] = max(widths.get(c + 2, 0), _text_width(texts[(row, c + 2)]))
    grey = Side(style="thin", color="BFBFBF")
    for r, band in enumerate(vocab.BANDS, 2):
        below = vocab.LINE_BELOW.get(band)
        bottom = Side(style=LINE_STYLE[below], color="000000") if below else grey
        title = _put(ws, r, 1, i18n.LANES[locale][band])
        title.font = Font(bold=True)
        title.fill = head_fill
        for c in range(1, ncols + 2):
            cell = ws.cell(row=r, column=c)
            if (r, c) in texts:
                cell = _put(ws, r, c, texts[(r, c)])
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            key = (band, c - 2)
            if key in fills:
                cell.fill = PatternFill("solid", fgColor=fills[key])
            cell.border = Border(left=grey, right=grey, top=cell.border.top, bottom=bottom)
    _widths(ws, widths)
    for r in range(2, len(vocab.BANDS) + 2):
        n = 1
        for c in range(1, ncols + 2):
            text = texts.get((r, c), "")
            w = int(ws.column_dimensions[get_column_letter(c)].width) - 2
            n = max(n, _cell_lines(text, w))
        ws.row_dimensions[r].height = 15 * n + 4
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "B2"
    # printed (or saved as PDF) like the diagram: landscape, all columns on one page wide
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _analysis_sheet(wb: Any, res: Any) -> None:
    """The analysis, section by section, from its JSON form."""
    from openpyxl.styles import Font

    from blueprint.report.analysis_json import as_dict

    a = as_dict(res.analysis)
    ws = wb.create_sheet(SHEET_ANALYSIS)
    widths: dict[int, int] = {}
    row = 1

    def section(title: str, header: list[str], rows: list[list[Any]]) -> None:
        nonlocal row
        _put(ws, row, 1, title).font = Font(bold=True, size=12)
        row += 1
        for c, name in enumerate(header, 1):
            _put(ws, row, c, name).font = Font(bold=True)
            widths[c] = max(widths.get(c, 0), display_width(name))
        row += 1
        for values in rows:
            for c, value in enumerate(values, 1):
                if value is not None and value != "" and value != []:
                    _put(ws, row, c, value)
                    widths[c] = max(widths.get(c, 0), min(_MAX_WIDTH, _text_width(value)))
            row += 1
        row += 1

    section(
        "Fail points",
        [
            "step",
            "declared",
            "risk",
            "likelihood",
            "severity",
            "prevention",
            "recovery",
            "inferred",
        ],
        [
            [f["step"], f["declared"], f["risk"], f["likelihood"], f["severity"], f["prevention"]]
            + [f["recovery"], "\n".join(i["reason"] for i in f["inferred"])]
            for f in a["fail_points"]
        ],
    )
    section(
        "Wait points",
        ["step", "declared", "after", "expected (s)", "tolerable (s)", "estimate (s)"]
        + ["over tolerance", "kinds", "remedies"],
        [
            [w["step"], w["declared"], w["after"], w["expected"], w["tolerable"], w["estimate"]]
            + [w["over_tolerance"], w["kinds"], "\n".join(w["remedies"])]
            for w in a["wait_points"]
        ],
    )
    t = a["timing"]
    section(
        "Standards",
        ["step", "text", "within (s)", "duration (s)", "status", "over (s)", "from", "limit"],
        [
            [s["step"], s["text"], s["within"], s["duration"], s["status"], s["over"]]
            + [s.get("from"), s.get("limit")]
            for s in t.get("standards") or []
        ],
    )
    m = a["moments"]
    section(
        "Peak and end",
        ["end", "emotion", "peak", "peak emotion", "score", "usual end"],
        [
            [e["step"], e["emotion"], e["peak"], e["peak_emotion"], e["score"], e["usual"]]
            for e in m.get("ends") or []
        ]
        + [["peak", None, m.get("peak")], ["peak-end score", m.get("peak_end_score")]]
        + [["mean emotion", m.get("mean_emotion")]],
    )
    c = t["customer"]
    section(
        "Timing",
        ["figure", "seconds"],
        [
            ["critical path", t["critical_path"]["seconds"]],
            ["customer: actions", c["actions"]],
            ["customer: service", c["service"]],
            ["customer: waits", c["waits"]],
            ["customer: total", c["total"]],
            ["tolerance", t["tolerance"]],
            ["margin", t["margin"]],
            ["over tolerance", t["over_tolerance"]],
        ],
    )
    section(
        "Timing by phase",
        ["phase", "name", "work (s)", "critical (s)", "actions (s)", "service (s)", "waits (s)"]
        + ["customer (s)"],
        [
            [p["phase"], p["name"], p["work"], p["critical"], p["actions"], p["service"]]
            + [p["waits"], p["customer"]]
            for p in t.get("phases") or []
        ],
    )
    _widths(ws, widths)


def as_xlsx(res: Any) -> bytes:
    """The workbook of a checked blueprint (``lint.Result``), byte for byte the same
    for the same blueprint."""
    from openpyxl import Workbook

    bp = res.blueprint
    data = table.canonical(bp)
    wb = Workbook()
    _blueprint_sheet(wb, res)
    steps = [table.step_row(s) for s in data["steps"]]
    _table_sheet(
        wb,
        SHEET_STEPS,
        list(table.STEP_COLUMNS),
        [[r[c] for c in table.STEP_COLUMNS] for r in steps],
    )
    _table_sheet(
        wb,
        SHEET_FLOWS,
        list(table.FLOW_COLUMNS),
        [[f.source, f.target, f.when, f.kind, f.contact] for f in bp.flows()],
    )
    _analysis_sheet(wb, res)
    about = wb.create_sheet(SHEET_ABOUT)
    for r, (key, value) in enumerate(table.about_rows(data), 1):
        _put(about, r, 1, key)
        _put(about, r, 2, value)
    _widths(about, {1: 20, 2: 60})
    _table_sheet(
        wb,
        SHEET_PHASES,
        list(table.PHASE_COLUMNS),
        [[p["id"], p["name"], p.get("description")] for p in data.get("phases", [])],
    )
    _table_sheet(
        wb,
        SHEET_ROLES,
        list(table.ROLE_COLUMNS),
        [[rid, r["name"], r.get("description")] for rid, r in data.get("roles", {}).items()],
    )
    out = io.BytesIO()
    wb.save(out)
    return _fixed(out.getvalue())


_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _fixed(xlsx: bytes) -> bytes:
    """The same workbook with fixed dates: document properties and zip member times."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _DATES.sub(lambda m: m[1] + FIXED_DATE.encode() + m[3], data)
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, data)
    return out.getvalue()
