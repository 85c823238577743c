"""``blueprint import``: a spreadsheet (xlsx or csv) back into a blueprint.

Two layouts are read:

- the **steps table**: a sheet (``Steps``, or any sheet whose header names
  ``id``/``text`` and ``lane``) or a CSV with the columns of
  :data:`blueprint.sheets.table.STEP_COLUMNS`; the ``Flows``, ``About``,
  ``Phases`` and ``Roles`` sheets of an export, when present, give the flows
  and the rest of the blueprint back whole;
- the **grid**: lanes as rows (named in any locale, or a usual variant such as
  *Customer* or 前台), steps as columns, the evidence row, phases in the
  (merged) header cells above the lanes.

What it cannot read is a :class:`Problem` at its cell (``Sheet1!D7``); what it
guessed is written as ``# guessed: ...`` comments in the YAML. Files that are
not spreadsheets, encrypted, or too large (zip bombs included) raise
:class:`SheetError` with one line before openpyxl opens them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from blueprint import i18n, vocab
from blueprint.sheets import table

#: caps on what is read (a sheet past them is refused, not cut)
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # the sum of the zip members' declared sizes
MAX_RATIO = 200  # uncompressed / compressed, per member larger than 1 MiB
MAX_MEMBERS = 2000
MAX_ROWS = 20_000
MAX_COLS = 1_000
MAX_CELLS = 500_000

_ID_CHAR = re.compile(
    "[A-Za-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_ID_START = re.compile(
    "[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_ID_MAX = 40
#: the names of a table saved as text (read as CSV; the delimiter is detected)
TEXT_SHEETS = (".csv", ".tsv", ".txt")


class SheetError(Exception):
    """A file that cannot be imported at all (one line for the user; exit 2)."""


@dataclass(frozen=True)
class Problem:
    where: str  # Sheet1!D7
    severity: str
    message: str
    rule: str

    def format(self) -> str:
        return f"{self.where}: {self.severity} {vocab.printable(self.message)} [{self.rule}]"


@dataclass
class Imported:
    data: dict  # the blueprint in the format's keys
    problems: list[Problem] = field(default_factory=list)
    #: comments: () for the top, ("steps", i) before a step
    guessed: dict[tuple, list[str]] = field(default_factory=dict)

    def guess(self, where: tuple, text: str) -> None:
        notes = self.guessed.setdefault(where, [])
        if text not in notes:
            notes.append(text)


# ------------------------------------------------------------------------- names


def _norm(text: str) -> str:
    """A label compared loosely: lower case, no spaces, dashes or punctuation."""
    return re.sub(r"[\s\-_:：/()（）.、·]+", "", text.lower())


def _lane_names() -> dict[str, str]:
    """Every accepted name of a band (lane titles of every locale, ids, usual variants)."""
    names: dict[str, str] = {}
    for locale in vocab.LOCALES:
        for band, title in i18n.LANES[locale].items():
            names[_norm(title)] = band
    for band in vocab.BANDS:
        names[_norm(band)] = band
    variants = {
        vocab.EVIDENCE: (
            "evidence",
            "physical evidence",
            "props",
            "tangibles",
            "有形证据",
            "有形證據",
            "实体证据",
            "實體證據",
            "有形展示",
        ),
        vocab.CUSTOMER: (
            "customer",
            "customers",
            "customer action",
            "customer actions",
            "customer journey",
            "user",
            "user actions",
            "guest",
            "顾客",
            "顧客",
            "客户",
            "客戶",
            "顾客行为",
            "顧客行為",
            "客户行为",
            "客戶行為",
            "消费者行为",
        ),
        vocab.FRONTSTAGE: (
            "frontstage",
            "front stage",
            "front-stage",
            "onstage",
            "onstage actions",
            "onstage contact employee actions",
            "frontstage actions",
            "contact staff",
            "front office",
            "前台",
            "前台行为",
            "前台行為",
            "前台员工",
            "前台員工",
            "前台员工行为",
            "前台員工行為",
            "前台人员",
            "前台人員",
        ),
        vocab.BACKSTAGE: (
            "backstage",
            "back stage",
            "back-stage",
            "offstage",
            "backstage actions",
            "backstage contact employee actions",
            "back office",
            "后台",
            "後台",
            "后台行为",
            "後台行為",
            "后台员工",
            "後台員工",
            "后台员工行为",
            "後台員工行為",
            "后台人员",
            "後台人員",
        ),
        vocab.SUPPORT: (
            "support",
            "support processes",
            "support process",
            "support systems",
            "systems",
            "支持",
            "支持过程",
            "支持過程",
            "支持流程",
            "支援過程",
            "支持系统",
            "支援系統",
        ),
    }
    for band, words in variants.items():
        for w in words:
            names[_norm(w)] = band
    return names


def _line_names() -> set[str]:
    words = {_norm(name) for locale in vocab.LOCALES for name in i18n.LINES[locale].values()}
    return words | {_norm(f"{line} line") for line in vocab.LINES}


LANE_NAMES = _lane_names()
LINE_NAMES = _line_names()


def make_id(text: str, taken: set[str], prefix: str = "step") -> str:
    """An id made from a text: letters (Chinese too) and digits, dashes between
    words, Latin in lower case, at most 40 characters, unique among ``taken``."""
    out: list[str] = []
    dash = False
    for ch in text.strip():
        if _ID_CHAR.fullmatch(ch):
            if dash and out:
                out.append("-")
            out.append(ch.lower() if ch.isascii() else ch)
            dash = False
        else:
            dash = True
    base = "".join(out)[:_ID_MAX].strip("-")
    if not base or not _ID_START.match(base[0]):
        base = f"{prefix}-{base}" if base else prefix
    new, n = base, 2
    while new in taken:
        new, n = f"{base}-{n}", n + 1
    taken.add(new)
    return new


def _is_id(text: str) -> bool:
    return (
        bool(text)
        and _ID_START.match(text[0]) is not None
        and all(_ID_CHAR.fullmatch(c) or c in "-_" for c in text)
    )


# ------------------------------------------------------------------------ guards


def _cell_name(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _check_zip(path: str) -> list[str]:
    """Refuse a zip that is not a workbook, is encrypted, or unpacks too large;
    the cells that hold formulas (their references, for the warning)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SheetError(f"{path}: not a readable xlsx file ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise SheetError(
                f"{path}: the workbook has {len(infos)} parts; the limit is {MAX_MEMBERS}"
            )
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise SheetError(f"{path}: a zip file, but not an Excel workbook (.xlsx)")
        total = 0
        for i in infos:
            if i.flag_bits & 0x1:
                raise SheetError(f"{path}: the workbook is encrypted; save it without a password")
            total += i.file_size
            if i.file_size > 1 << 20 and i.file_size > MAX_RATIO * max(1, i.compress_size):
                raise SheetError(
                    f"{path}: '{i.filename}' unpacks {i.file_size // max(1, i.compress_size)} times "
                    f"larger than it is stored (a zip bomb?); refused"
                )
        if total > MAX_UNCOMPRESSED:
            raise SheetError(
                f"{path}: the workbook unpacks to {total / 1048576:.0f} MiB; the limit is "
                f"{MAX_UNCOMPRESSED // 1048576} MiB"
            )
        formulas: list[str] = []
        for i in infos:
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                xml = zf.read(i.filename).decode("utf-8", "replace")
                formulas += re.findall(r'<c r="([A-Z]+[0-9]+)"[^>]*>(?:(?!</c>).)*?<f[ >/]', xml)
        return formulas


def _open_kind(path: str) -> str:
    """'xlsx' or 'csv' by the file's first bytes; SheetError for anything else."""
    if os.path.isdir(path):
        raise SheetError(f"{path}: is a folder; give a spreadsheet file")
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise SheetError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise SheetError(
            f"{path}: file is {size / 1048576:.1f} MiB; the limit is {MAX_FILE_BYTES // 1048576} MiB"
        )
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError(
            f"{path}: an encrypted (password-protected) workbook or an old .xls file; "
            "save it as an .xlsx without a password"
        )
    if b"\x00" in head:
        raise SheetError(f"{path}: not a spreadsheet (an .xlsx or a .csv file)")
    if path.lower().endswith((".xlsx", ".xlsm")):
        raise SheetError(f"{path}: not an xlsx file (it is not a zip archive)")
    if not path.lower().endswith(TEXT_SHEETS):
        raise SheetError(
            f"{path}: not a spreadsheet (an .xlsx, or a table saved as {', '.join(TEXT_SHEETS)})"
        )
    return "csv"


# ------------------------------------------------------------------------ reading


@dataclass
class Grid:
    """One sheet as values: (row, col) -> value, 1-based; merged ranges."""

    name: str
    cells: dict[tuple[int, int], Any]
    merged: list[tuple[int, int, int, int]]  # min_row, min_col, max_row, max_col
    max_row: int
    max_col: int

    def text(self, r: int, c: int) -> str:
        return table.cell_str(self.cells.get((r, c)))

    def where(self, r: int, c: int) -> str:
        return f"{self.name}!{_cell_name(r, c)}"


def _read_xlsx(path: str) -> tuple[list[Grid], list[str]]:
    formulas = _check_zip(path)
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise SheetError(
            f"{path}: not a readable xlsx file ({type(exc).__name__}: {exc})"
        ) from None
    grids = []
    for ws in wb.worksheets:
        rows, cols = ws.max_row, ws.max_column
        if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAX_CELLS:
            raise SheetError(
                f"{path}: sheet '{ws.title}' has {rows} rows and {cols} columns; the limits are "
                f"{MAX_ROWS} rows, {MAX_COLS} columns, {MAX_CELLS} cells"
            )
        cells = {
            (c.row, c.column): c.value
            for row in ws.iter_rows()
            for c in row
            if c.value is not None and table.cell_str(c.value) != ""
        }
        merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        grids.append(Grid(ws.title, cells, merged, rows, cols))
    return grids, formulas


def _read_csv(path: str) -> Grid:
    with open(path, "rb") as fh:
        raw = fh.read()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise SheetError(f"{path}: not a text file in UTF-8 (save the CSV as UTF-8)")
    if "\x00" in text:
        raise SheetError(f"{path}: not a spreadsheet (an .xlsx or a .csv file)")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    cells: dict[tuple[int, int], Any] = {}
    max_col = 0
    try:
        for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1):
            if r > MAX_ROWS or len(row) > MAX_COLS:
                raise SheetError(
                    f"{path}: more than {MAX_ROWS} rows or {MAX_COLS} columns; refused"
                )
            max_col = max(max_col, len(row))
            for c, value in enumerate(row, 1):
                value = table.csv_untext(value)
                if value.strip():
                    cells[(r, c)] = value
    except csv.Error as exc:
        raise SheetError(f"{path}: not a readable CSV file ({exc})") from None
    name = os.path.basename(path)
    rows = max((r for r, _ in cells), default=0)
    return Grid(name, cells, [], rows, max_col)


def read(path: str) -> tuple[Imported, list[Problem]]:
    """The blueprint in ``path`` and the notes about the file itself; raises
    :class:`SheetError` for a file it cannot read at all."""
    kind = _open_kind(path)
    notes: list[Problem] = []
    stem = os.path.splitext(os.path.basename(path))[0]
    if kind == "csv":
        grid = _read_csv(path)
        if _header(grid) is not None:
            return _from_table(grid, {}, stem), notes
        return _from_grid(grid, stem), notes
    grids, formulas = _read_xlsx(path)
    if formulas:
        shown = ", ".join(formulas[:5]) + (", …" if len(formulas) > 5 else "")
        notes.append(
            Problem(
                os.path.basename(path),
                "warning",
                f"{len(formulas)} cell(s) hold formulas ({shown}); their last computed values "
                "were read, not the formulas (a formula never computed reads as empty)",
                "sheet-formula",
            )
        )
    by_name = {g.name.lower(): g for g in grids}
    steps = by_name.get("steps")
    if steps is None or _header(steps) is None:
        steps = next((g for g in grids if _header(g) is not None), None)
    if steps is not None:
        return _from_table(steps, by_name, stem), notes
    for g in grids:
        if _label_column(g) is not None:
            return _from_grid(g, stem), notes
    first = grids[0].name if grids else "Sheet1"
    out = Imported({})
    out.problems.append(
        Problem(
            f"{first}!A1",
            "error",
            "found neither a steps table (a header row with id or text, and lane) nor a grid "
            "(lane names such as 'Customer actions' or '顾客行为' down one column)",
            "sheet-layout",
        )
    )
    return out, notes


# ---------------------------------------------------------------------- the table


def _header(g: Grid) -> tuple[int, dict[str, int]] | None:
    """The header row of a steps table and column name -> column (None: not one)."""
    for r in range(1, min(g.max_row, 10) + 1):
        cols = {}
        for c in range(1, g.max_col + 1):
            name = g.text(r, c).lower().strip()
            if name in table.STEP_COLUMNS and name not in cols:
                cols[name] = c
        if "lane" in cols and ("text" in cols or "id" in cols):
            return r, cols
    return None


def _rows(g: Grid, columns: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    """The rows under a header naming ``columns`` (row number, column -> value)."""
    head = None
    for r in range(1, min(g.max_row, 10) + 1):
        cols = {g.text(r, c).lower(): c for c in range(1, g.max_col + 1) if g.text(r, c)}
        if all(name in cols for name in columns[:2]):
            head = r, cols
            break
    if head is None:
        return []
    r0, cols = head
    out = []
    for r in range(r0 + 1, g.max_row + 1):
        row = {name: g.cells.get((r, c)) for name, c in cols.items()}
        if any(table.cell_str(v) for v in row.values()):
            out.append((r, row))
    return out


def _lane_of(text: str) -> str | None:
    band = LANE_NAMES.get(_norm(text))
    return band if band in vocab.LANES else None


def _from_table(g: Grid, sheets: dict[str, Grid], stem: str) -> Imported:
    r0, cols = _header(g) or (1, {})
    out = Imported({})
    about = sheets.get("about")
    if about is not None:
        out.data.update(
            table.about_from_rows(
                [(about.text(r, 1), about.cells.get((r, 2))) for r in range(1, about.max_row + 1)]
            )
        )
    data = out.data
    data.setdefault("blueprint", 1)
    if "id" not in data:
        data["id"] = make_id(stem, set(), "blueprint")
        out.guess((), "id from the file name")
    if "title" not in data:
        data["title"] = stem
        out.guess((), "title from the file name")
    taken: set[str] = set()
    steps: list[dict] = []
    rows: list[int] = []
    for r in range(r0 + 1, g.max_row + 1):
        values = {name: g.cells.get((r, c)) for name, c in cols.items()}
        if not any(table.cell_str(v) for v in values.values()):
            continue

        def complain(col: str, message: str, r: int = r) -> None:
            out.problems.append(Problem(g.where(r, cols[col]), "warning", message, "sheet-cell"))

        step = table.step_from_row(values, complain)
        i = len(steps)
        lane = step.get("lane", "")
        if lane not in vocab.LANES:
            band = _lane_of(lane) if lane else None
            if band is None:
                where = g.where(r, cols["lane"])
                what = f"lane '{lane}' is not a lane" if lane else "no lane"
                out.problems.append(
                    Problem(
                        where,
                        "error",
                        f"{what}; write one of {', '.join(vocab.LANES)}",
                        "sheet-lane",
                    )
                )
                step.pop("lane", None)
            else:
                step["lane"] = band
        if not step.get("text") and step.get("id"):
            step["text"] = step["id"]
            out.guess(("steps", i), "text from the id")
        if not step.get("id"):
            step["id"] = make_id(step.get("text", ""), taken)
            out.guess(("steps", i), "id from the text")
        elif step["id"] in taken or not _is_id(step["id"]):
            old = step["id"]
            step["id"] = make_id(old, taken)
            out.problems.append(
                Problem(
                    g.where(r, cols["id"]),
                    "warning",
                    f"id '{old}' is {'used twice' if old in taken else 'not an id'}; "
                    f"written as '{step['id']}'",
                    "sheet-id",
                )
            )
        else:
            taken.add(step["id"])
        steps.append(step)
        rows.append(r)
    flows = sheets.get("flows")
    if flows is not None and _rows(flows, table.FLOW_COLUMNS):
        by_id = {s["id"]: s for s in steps}
        for s in steps:
            s.pop("next", None)
        for r, row in _rows(flows, table.FLOW_COLUMNS):
            src, dst = table.cell_str(row.get("from")), table.cell_str(row.get("to"))
            if src not in by_id:
                out.problems.append(
                    Problem(
                        flows.where(r, 1),
                        "warning",
                        f"no step '{src}'; flow left out",
                        "sheet-flow",
                    )
                )
                continue
            f: dict[str, Any] = {"to": dst}
            for key in ("when", "kind", "contact"):
                v = table.cell_text(row.get(key), key)
                if v and not (key == "kind" and v == "normal"):
                    f[key] = v
            by_id[src].setdefault("next", []).append(f if len(f) > 1 else dst)
    elif not any("next" in s for s in steps) and len(steps) > 1:
        _guess_flows_in_order(out, steps)
    _phases_and_roles(out, steps, sheets)
    if "locale" not in data and any(re.search("[\u3400-\u9fff]", s.get("text", "")) for s in steps):
        data["locale"] = "zh-CN"
        out.guess((), "locale zh-CN from the Chinese text (zh-TW for traditional characters)")
    data["steps"] = [table.ordered_step(s) for s in steps]
    return out


def _guess_flows_in_order(out: Imported, steps: list[dict]) -> None:
    for i, (a, b) in enumerate(zip(steps, steps[1:], strict=False)):
        a["next"] = [b["id"]]
        out.guess(("steps", i), "next: the row below (the sheet has no flows)")


def _phases_and_roles(out: Imported, steps: list[dict], sheets: dict[str, Grid]) -> None:
    data = out.data
    ph_sheet, role_sheet = sheets.get("phases"), sheets.get("roles")
    phases: list[dict] = []
    if ph_sheet is not None:
        for _r, row in _rows(ph_sheet, table.PHASE_COLUMNS):
            p = {k: table.cell_text(row.get(k), k) for k in table.PHASE_COLUMNS}
            phases.append({k: v for k, v in p.items() if v})
    known = {p.get("id") for p in phases}
    names = {p.get("name"): p.get("id") for p in phases}
    taken = {p["id"] for p in phases if "id" in p}
    for i, s in enumerate(steps):
        ph = s.get("phase")
        if not ph or ph in known:
            continue
        if ph in names:
            s["phase"] = names[ph]
            continue
        pid = ph if _is_id(ph) and ph not in taken else make_id(ph, taken, "phase")
        taken.add(pid)
        phases.append({"id": pid, "name": ph})
        known.add(pid)
        names[ph] = pid
        s["phase"] = pid
        out.guess(("steps", i), f"phase '{pid}' from the phase column")
    if phases:
        data["phases"] = phases
    roles: dict[str, dict] = {}
    if role_sheet is not None:
        for _r, row in _rows(role_sheet, table.ROLE_COLUMNS):
            rid = table.cell_str(row.get("id"))
            if rid:
                r = {k: table.cell_text(row.get(k), k) for k in ("name", "description")}
                roles[rid] = {k: v for k, v in r.items() if v}
    role_names = {r.get("name"): rid for rid, r in roles.items()}
    taken = set(roles)
    for i, s in enumerate(steps):
        role = s.get("role")
        if not role or role in roles:
            continue
        if role in role_names:
            s["role"] = role_names[role]
            continue
        rid = role if _is_id(role) and role not in taken else make_id(role, taken, "role")
        roles[rid] = {"name": role}
        role_names[role] = rid
        s["role"] = rid
        out.guess(("steps", i), f"role '{rid}' from the role column")
    if roles:
        data["roles"] = roles


# ----------------------------------------------------------------------- the grid


def _label_column(g: Grid) -> tuple[int, dict[int, str]] | None:
    """The column that names the lanes, and row -> band (None: no lanes found)."""
    best: tuple[int, dict[int, str]] | None = None
    for c in range(1, min(g.max_col, 10) + 1):
        found: dict[int, str] = {}
        for r in range(1, min(g.max_row, 200) + 1):
            band = LANE_NAMES.get(_norm(g.text(r, c)))
            if band is not None and band not in found.values():
                found[r] = band
        if vocab.CUSTOMER in found.values() and (best is None or len(found) > len(best[1])):
            best = (c, found)
    return best


_MARK = re.compile(r"^\s*([⚠⏳])\s*(?:([^:：]*)[:：])?\s*(.*)$")


def _cell_steps(text: str) -> list[tuple[str, dict]]:
    """The steps in one grid cell: (text, extra fields); a blank line separates
    two steps; lines marked ⚠ (fail point) or ⏳ (wait) as the export writes them."""
    out = []
    for part in re.split(r"\n\s*\n", text):
        lines, extra = [], {}
        for line in part.split("\n"):
            m = _MARK.match(line)
            if m and m[1] == "⚠":  # ⚠ Fail point: the risk, or ⚠ the risk
                extra["fail"] = {"risk": m[3].strip() or "?"}
            elif m and m[1] == "⏳":  # ⏳ Wait point: 20m / 40m, or ⏳ alone
                said = m[3] if m[2] is not None else ""
                times = [t.strip() for t in said.split("/") if t.strip()]
                wait = dict(zip(("expected", "tolerable"), times, strict=False))
                extra["wait"] = wait
            elif line.strip():
                lines.append(line.strip())
        if lines:
            out.append((" ".join(lines), extra))
    return out


def _from_grid(g: Grid, stem: str) -> Imported:
    found = _label_column(g)
    out = Imported({"blueprint": 1})
    if found is None:
        out.problems.append(
            Problem(
                g.where(1, 1),
                "error",
                "no lane names found (such as 'Customer actions' or '顾客行为' down one column)",
                "sheet-layout",
            )
        )
        return out
    lc, bands = found
    first = min(bands)
    last = max(bands)
    # rows in the lane area that are not lanes: lines are skipped, anything else reported
    for r in range(first, last + 1):
        if r in bands:
            continue
        label = g.text(r, lc)
        if _norm(label) in LINE_NAMES or not any(g.text(r, c) for c in range(lc, g.max_col + 1)):
            continue
        out.problems.append(
            Problem(
                g.where(r, lc),
                "info",
                f"row {r} ('{label or '(no label)'}') is not a lane; its cells were left out",
                "sheet-row",
            )
        )
    for r in range(last + 1, g.max_row + 1):
        if any(g.text(r, c) for c in range(lc, g.max_col + 1)):
            label = g.text(r, lc) or "(no label)"
            out.problems.append(
                Problem(
                    g.where(r, lc),
                    "info",
                    f"row {r} ('{label}') is below the lanes; its cells were left out",
                    "sheet-row",
                )
            )
    step_cols = sorted({c for (r, c) in g.cells if r in bands and c > lc})
    # phases: the nearest row above the lanes with text over the step columns
    phase_at: dict[int, str] = {}
    title = ""
    for r in range(first - 1, 0, -1):
        heads = {c: g.text(r, c) for c in range(lc + 1, g.max_col + 1) if g.text(r, c)}
        if not heads:
            continue
        for c, name in heads.items():
            span = next((m for m in g.merged if m[0] <= r <= m[2] and m[1] == c), None)
            if span is not None:
                for cc in range(span[1], span[3] + 1):
                    phase_at[cc] = name
            else:
                nxt = min([cc for cc in heads if cc > c] + [g.max_col + 1])
                for cc in range(c, nxt):
                    phase_at[cc] = name
                if nxt - c > 1 and any(c < sc < nxt for sc in step_cols):
                    out.guess((), f"phase '{name}' runs from {_cell_name(r, c)} to the next phase")
        break
    for r in range(first - 1, 0, -1):
        if g.text(r, lc) and _norm(g.text(r, lc)) not in LANE_NAMES:
            title = g.text(r, lc)
            break
    data = out.data
    data["id"] = make_id(title or stem, set(), "blueprint")
    data["title"] = title or stem
    out.guess((), "id and title from " + ("the title cell" if title else "the file name"))
    texts = " ".join(str(v) for v in g.cells.values())
    if re.search("[\u3400-\u9fff]", texts):
        traditional = any(
            band_title and _norm(g.text(r, lc)) == _norm(band_title)
            for r in bands
            for band_title in i18n.LANES["zh-TW"].values()
            if band_title not in i18n.LANES["zh-CN"].values()
        )
        data["locale"] = "zh-TW" if traditional else "zh-CN"
        out.guess((), f"locale {data['locale']} from the Chinese text")
    phases: list[dict] = []
    pid_of: dict[str, str] = {}
    taken: set[str] = set()
    for c in step_cols:
        phase_name = phase_at.get(c)
        if phase_name and phase_name not in pid_of:
            pid_of[phase_name] = make_id(phase_name, taken, "phase")
            phases.append({"id": pid_of[phase_name], "name": phase_name})
    if phases:
        data["phases"] = phases
        out.guess((), "phase ids from their names")
    steps: list[dict] = []
    column_steps: dict[int, list[dict]] = {}
    ids: set[str] = set()
    row_of = {band: r for r, band in bands.items()}
    for c in step_cols:
        for band in vocab.LANES:
            lane_row = row_of.get(band)
            if lane_row is None or not g.text(lane_row, c):
                continue
            for text, extra in _cell_steps(g.text(lane_row, c)):
                step: dict[str, Any] = {"id": make_id(text, ids), "lane": band, "text": text}
                if phase_at.get(c):
                    step["phase"] = pid_of[phase_at[c]]
                step.update(extra)
                out.guess(("steps", len(steps)), f"id from the text in {g.where(lane_row, c)}")
                steps.append(step)
                column_steps.setdefault(c, []).append(step)
        er = row_of.get(vocab.EVIDENCE)
        if er is not None and g.text(er, c):
            items = [t.strip() for t in g.text(er, c).split("\n") if t.strip()]
            customer = [s for s in column_steps.get(c, []) if s["lane"] == vocab.CUSTOMER]
            if customer:
                customer[0]["evidence"] = items
            else:
                out.problems.append(
                    Problem(
                        g.where(er, c),
                        "warning",
                        "evidence with no customer action under it; left out",
                        "sheet-evidence",
                    )
                )
    _grid_flows(out, steps, column_steps)
    data["steps"] = [table.ordered_step(s) for s in steps]
    return out


def _grid_flows(out: Imported, steps: list[dict], column_steps: dict[int, list[dict]]) -> None:
    """Flows: the customer's actions left to right; in each column, down the lanes;
    a column without a customer action, or whose last step is front-stage,
    leads into the next customer action."""
    index = {id(s): i for i, s in enumerate(steps)}
    cols = sorted(column_steps)
    customer_cols = [c for c in cols if column_steps[c][0]["lane"] == vocab.CUSTOMER]

    def link(a: dict, b: dict, why: str) -> None:
        if b["id"] not in a.get("next", []):
            a.setdefault("next", []).append(b["id"])
            out.guess(("steps", index[id(a)]), why)

    for c in cols:
        col = column_steps[c]
        for a, b in zip(col, col[1:], strict=False):
            link(a, b, "next: the step below it in its column")
    for ca, cb in zip(customer_cols, customer_cols[1:], strict=False):
        link(column_steps[ca][0], column_steps[cb][0], "next: the customer's next action")
    for c in cols:
        later = [cc for cc in customer_cols if cc > c]
        if not later:
            continue
        bottom = column_steps[c][-1]
        if c not in customer_cols:
            link(bottom, column_steps[later[0]][0], "next: the customer action it leads to")
        elif bottom["lane"] == vocab.FRONTSTAGE:  # the staff's answer leads to the next moment
            link(bottom, column_steps[later[0]][0], "next: the customer's next action")


# ------------------------------------------------------------------------ writing


#: text written as a plain YAML scalar as it is (anything else goes through PyYAML)
_PLAIN = re.compile(
    r"[A-Za-z\u00c0-\u024f\u3400-\u9fff][^\x00-\x1f:#'\"\[\]{},&*!|>%@`\\\x7f-\x9f]*"
)
_YAML_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n"})


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        if (
            _PLAIN.fullmatch(value)
            and value == value.strip()
            and value.lower() not in _YAML_WORDS
            and vocab.UNSAFE.search(value) is None
        ):
            return value
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, int):
        return str(value)
    import yaml

    if isinstance(value, str) and ("\n" in value or "\r" in value):
        text = json.dumps(value, ensure_ascii=False)
        return (
            text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\x85")
        )
    text = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_flow_style=True)
    return text.removesuffix("\n...\n").rstrip("\n")


def _emit(value: Any, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{_scalar(k)}:")
                _emit(v, indent + 2, lines)
            else:
                lines.append(f"{pad}{_scalar(k)}: {_scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                sub: list[str] = []
                _emit(item, indent + 2, sub)
                lines.append(f"{pad}- {sub[0].lstrip()}")
                lines.extend(sub[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:  # pragma: no cover - only mappings and lists are emitted
        lines.append(pad + _scalar(value))


def _comment(text: str) -> str:
    return " ".join(vocab.printable(text, replace=" ").split())


def to_yaml(imp: Imported) -> str:
    """The blueprint as YAML with the schema modeline and the ``# guessed:`` comments."""
    from blueprint.resources import schema_text

    url = json.loads(schema_text()).get("$id", "")
    lines = [f"# yaml-language-server: $schema={url}"]
    for note in imp.guessed.get((), []):
        lines.append(f"# guessed: {_comment(note)}")
    order = [k.partition(".")[0] for k in table.ABOUT_KEYS] + ["rules", "phases", "roles"]
    rank = {k: i for i, k in enumerate(dict.fromkeys(order))}
    top = {
        k: imp.data[k]
        for k in sorted(imp.data, key=lambda k: rank.get(k, len(rank)))
        if k != "steps"
    }
    _emit(top, 0, lines)
    steps = imp.data.get("steps", [])
    lines.append("steps:" if steps else "steps: []")
    for i, step in enumerate(steps):
        notes = imp.guessed.get(("steps", i), [])
        if notes:
            lines.append(f"  # guessed: {_comment('; '.join(notes))}")
        _emit([step], 2, lines)
    return "\n".join(lines) + "\n"
