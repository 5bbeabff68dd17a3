"""The report request templates (Rakor POK SOP steps 4-6): one Excel workbook per OPD, pre-filled
with its DPA sub kegiatan and last month's report, for the OPD to fill and send back.

Layout (the columns are :data:`etl.template.COLUMNS`): title rows that the ingest reads (OPD and
period), the column header, a row of column numbers, then per program its kegiatan and their sub
kegiatan, and a JUMLAH row. Program, kegiatan and JUMLAH rows add up with ``SUBTOTAL(9, ...)``
formulas (which skip the nested subtotals); the ingest skips a formula without a saved value and
cross-checks one that Excel has calculated, so a correctly filled template imports with no
warning either way. Only the five input cells of each sub kegiatan (and the signature lines) are
unlocked; the sheet and the workbook structure are protected **without a password** (Review >
Unprotect Sheet), to prevent accidents, not to enforce anything: the ingest validates every value
anyway. Data validation (with Indonesian messages) keeps fisik within 0-100 % and realisasi
keuangan a whole, non-negative number of rupiah. A "Petunjuk" sheet explains what to fill, the
units, the deadline and whom to contact. The workbook carries the marker of
:mod:`etl.template`, so the ingest recognises a returned file as "format Pantau".
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import Outline

from core.months import BULAN
from core.settings import Settings
from db.store import Store
from etl.detect import find_period, opd_in_title, period_in_title
from etl.template import COLUMNS, INPUT_FIELDS, KIND, VERSION, Marker

from .sheet_layout import _code_key, _lines, tanggal
from .table_xlsx import PERCENT, RUPIAH, fit_a4, put

SHEET = "Laporan Realisasi"
GUIDE_SHEET = "Petunjuk"
TITLE = "LAPORAN REALISASI FISIK DAN KEUANGAN"
HEADER_ROW = 7  # 1-based row of the column header
DATA_ROW = HEADER_ROW + 2  # under the row of column numbers
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JENIS = {"fisik": "Fisik", "non_fisik": "Non Fisik"}

FONT = "Arial"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill: light yellow
REFERENCE_FILL = PatternFill("solid", fgColor="EDEDED")  # last month, for reference
PROGRAM_FILL = PatternFill("solid", fgColor="DDEBF7")
KEGIATAN_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FILL = PatternFill("solid", fgColor="D9D9D9")
RED_FILL = PatternFill("solid", fgColor="F8CBAD")
ORANGE_FILL = PatternFill("solid", fgColor="FFE699")
UNLOCKED = Protection(locked=False)

# Column letter of every field of the template (A = No ... P = last month's solusi).
COL = {field: get_column_letter(i) for i, (field, _) in enumerate(COLUMNS, start=1) if field}
LAST_INPUT_COL = sum(1 for f, _ in COLUMNS if f)  # K: the printed report; last month's columns follow
# Column letter of last month's value of each input field (L = target fisik ... P = solusi).
PREV = {f: get_column_letter(LAST_INPUT_COL + i) for i, f in enumerate(INPUT_FIELDS, start=1)}
_PREV_AT = {LAST_INPUT_COL + i: f for i, f in enumerate(INPUT_FIELDS, start=1)}
NCOLS = len(COLUMNS)
WIDTHS = [6, 19, 50, 14, 11, 18, 11, 11, 18, 30, 30, 11, 11, 18, 26, 26]
KINDS = {"pagu": RUPIAH, "realisasi_keuangan": RUPIAH, "target_fisik": PERCENT, "realisasi_fisik": PERCENT}
PREV_KINDS = {"realisasi_keuangan": RUPIAH, "target_fisik": PERCENT, "realisasi_fisik": PERCENT}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9-]+")
_LOWER_WORDS = {"dan", "di", "ke", "dari", "serta", "atau", "untuk", "pada"}


# ---------------------------------------------------------------------------- data
def request_rows(store: Store, year: int, month: int, opd_kodes: list[str] | None = None) -> pd.DataFrame:
    """The DPA sub kegiatan of ``year`` with last month's values (:meth:`Store.request_rows`),
    only ``opd_kodes``' when given, ordered by OPD and code."""
    rows = store.request_rows(year, month)
    if opd_kodes is not None:
        rows = rows[rows["opd_kode"].isin(list(opd_kodes))]
    rows = rows.assign(opd=rows["opd"].fillna(rows["opd_kode"]))
    keys = [(str(o), _code_key(k)) for o, k in zip(rows["opd"].tolist(), rows["kode"].tolist())]
    order = sorted(range(len(rows)), key=keys.__getitem__)
    return rows.iloc[order].reset_index(drop=True)


def file_name(singkatan: str | None, opd_kode: str, year: int, month: int) -> str:
    """``Laporan_Realisasi_DINKES_2026-03.xlsx``: the abbreviation lets the ingest (and people)
    tell the OPD from the file name."""
    label = _SAFE_NAME.sub("_", str(singkatan or "")).strip("_") or _SAFE_NAME.sub("_", opd_kode).strip("_")
    return f"Laporan_Realisasi_{label}_{year}-{month:02d}.xlsx"


def request_plan(store: Store, year: int, month: int, opd_kodes: list[str] | None = None) -> pd.DataFrame:
    """One row per OPD of the year's DPA: what its template will hold (``opd_kode``, ``opd``,
    ``singkatan``, ``sub_kegiatan``, ``pagu``, ``bulan_lalu`` = last month's report is in) and its
    ``file_name`` (unique within the zip)."""
    return plan_of(request_rows(store, year, month, opd_kodes), year, month)


def plan_of(rows: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """:func:`request_plan` of rows already read with :func:`request_rows`."""
    cols = ["opd_kode", "opd", "singkatan", "sub_kegiatan", "pagu", "bulan_lalu", "file_name"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    plan = (
        rows.groupby("opd_kode", sort=False)
        .agg(
            opd=("opd", "first"),
            singkatan=("singkatan", "first"),
            sub_kegiatan=("kode", "size"),
            pagu=("pagu", "sum"),
            bulan_lalu=("prev_import_id", lambda s: bool(s.notna().any())),
        )
        .reset_index()
    )
    names = [file_name(s, k, year, month) for s, k in zip(plan["singkatan"], plan["opd_kode"])]
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    plan["file_name"] = [
        file_name(f"{s or ''}_{k}", k, year, month) if seen[n] > 1 else n
        for n, s, k in zip(names, plan["singkatan"], plan["opd_kode"])
    ]
    return plan[cols]


# ---------------------------------------------------------------------------- words
def pimpinan(opd: str) -> str:
    """The head of an OPD as a letter addresses it: "Kepala Dinas Kesehatan", "Camat Sukamaju",
    "Sekretaris Daerah", "Inspektur Daerah", "Direktur RSUD ..."."""
    nama = " ".join(str(opd).split())
    low = nama.lower()
    if low.startswith("sekretariat dewan perwakilan rakyat daerah") or low.startswith("sekretariat dprd"):
        return "Sekretaris DPRD"
    if low.startswith("sekretariat daerah"):
        return "Sekretaris Daerah"
    if low.startswith("kecamatan "):
        return "Camat " + nama[len("kecamatan ") :]
    if low.startswith("kelurahan "):
        return "Lurah " + nama[len("kelurahan ") :]
    if low.startswith("inspektorat"):
        return ("Inspektur" + nama[len("inspektorat") :]).strip()
    if low.startswith(("rumah sakit", "rsud")):
        return "Direktur " + nama
    return "Kepala " + nama


def title_case(text: str) -> str:
    """``BAGIAN ADMINISTRASI PEMBANGUNAN`` -> ``Bagian Administrasi Pembangunan`` for use in a sentence
    (conjunctions lower case; short words without vowels, e.g. DPRD, stay capitals)."""
    out = []
    for i, word in enumerate(str(text).split()):
        low = word.lower()
        if i and low in _LOWER_WORDS:
            out.append(low)
        elif word.isupper() and not re.search(r"[aiueoAIUEO]", word):
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:].lower())
    return " ".join(out)


def default_contact(settings: Settings) -> str:
    """Whom the OPDs contact when nothing else is given: the unit of the kop (and its address)."""
    unit = " ".join(title_case(t) for t in (settings.kop_3, settings.kop_2) if t and t.strip())
    unit = f"{unit} {settings.nama_daerah}".strip()
    return f"{unit} ({settings.kop_alamat.strip()})" if settings.kop_alamat and settings.kop_alamat.strip() else unit


def _roman(n: int) -> str:
    out = ""
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA (kegiatan markers in the No column)."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _value(v):
    """A number as written into the template: ``None`` for missing, whole numbers as int."""
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    if math.isnan(f):
        return None
    return int(f) if f.is_integer() else f


def _text(v) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    text = str(v).strip()
    return text or None


# ---------------------------------------------------------------------------- workbook
def _font(bold: bool = False, size: float = 10, **kw) -> Font:
    return Font(name=FONT, size=size, bold=bold, **kw)


class _Styler:
    """Cell styles as named styles of the workbook, one per distinct look: built once per key by
    ``build`` (which sets font, border, fill, ... on the style), then given to each cell by name
    (assigning the style objects to every cell costs several times more, as openpyxl hashes each
    of them; and the fewer named styles, the faster openpyxl finds one by name)."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.names: dict[tuple, str] = {}  # key -> style name
        self.looks: dict[tuple, str] = {}  # look -> style name

    def apply(self, cell, key: tuple, build) -> None:
        name = self.names.get(key)
        if name is None:
            style = NamedStyle(name=f"Pantau {len(self.looks) + 1}")
            build(style)
            look = (style.font, style.border, style.fill, style.number_format, style.alignment, style.protection)
            name = self.looks.get(look)
            if name is None:
                name = self.looks[look] = style.name
                self.wb.add_named_style(style)
            self.names[key] = name
        cell.style = name


def _title_lines(settings: Settings, opd: str, year: int, month: int) -> list[tuple[str, float, bool]]:
    """The title rows (text, size, bold). The ingest reads the OPD from "OPD : ..." and the period
    from the "KEADAAN S.D. AKHIR BULAN" line; the daerah line is left out should its name read
    as a period."""
    period = f"KEADAAN S.D. AKHIR BULAN : {BULAN[month - 1].upper()} {year}"
    daerah = settings.kop_1.strip() if settings.kop_1 and settings.kop_1.strip() else ""
    lines = [(f"{TITLE} TAHUN ANGGARAN {year}", 13, True)]
    if daerah and find_period(daerah, "title") is None:
        lines.append((daerah, 11, True))
    lines += [
        (f"OPD : {opd}", 11, True),
        (period, 11, True),
        ("Isi sel berwarna kuning saja; cara pengisian ada pada lembar Petunjuk.", 9, False),
    ]
    texts = [t for t, _, _ in lines]
    hit = period_in_title(texts)
    if hit is None or (hit.year, hit.month) != (year, month) or opd_in_title(texts) != opd:
        raise RuntimeError(f"template title not readable by the ingest: {texts}")
    return lines


def _number_style(cell) -> None:
    cell.font = _font(size=8, italic=True)
    cell.border = BOX
    cell.alignment = Alignment(horizontal="center")


def _header(ws, styler: _Styler) -> None:
    for j, ((field, label), width) in enumerate(zip(COLUMNS, WIDTHS), start=1):
        cell = ws.cell(row=HEADER_ROW, column=j)
        put(cell, label)
        kind = "input" if field in INPUT_FIELDS else ("prev" if field is None else "plain")

        def build(cell, kind=kind):
            cell.font = _font(True, 9)
            cell.fill = {"input": INPUT_FILL, "prev": REFERENCE_FILL}.get(kind, HEADER_FILL)
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

        styler.apply(cell, ("head", kind), build)
        styler.apply(ws.cell(row=HEADER_ROW + 1, column=j, value=j), ("number",), _number_style)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.row_dimensions[HEADER_ROW].height = 54


def _cell(
    ws,
    styler: _Styler,
    row: int,
    col: int,
    value,
    key: tuple,
    *,
    fmt: str | None = None,
    fill: PatternFill | None = None,
    bold: bool = False,
    unlocked: bool = False,
    wrap: bool = False,
    align: str | None = None,
    indent: int = 0,
) -> None:
    cell = ws.cell(row=row, column=col)
    put(cell, value)

    def build(cell):
        cell.font = _font(bold)
        cell.border = BOX
        if fill is not None:
            cell.fill = fill
        if fmt:
            cell.number_format = fmt
        cell.alignment = Alignment(
            horizontal=align or ("right" if fmt else "left"), vertical="top", wrap_text=wrap, indent=indent
        )
        if unlocked:
            cell.protection = UNLOCKED

    styler.apply(cell, key, build)


def _subtotal(col: str, first: int, last: int) -> str:
    return f"=SUBTOTAL(9,{col}{first}:{col}{last})"


def _write_rows(ws, styler: _Styler, rows: pd.DataFrame) -> tuple[int, list[int]]:
    """Program, kegiatan and sub kegiatan rows from :data:`DATA_ROW`; returns the JUMLAH row and
    the rows of the sub kegiatan."""
    row = DATA_ROW
    leaves: list[int] = []
    parents: list[tuple[int, int, int, str]] = []  # (row, first, last, level) to fill in afterwards
    groups: dict = {}
    for r in rows.itertuples(index=False):
        groups.setdefault(r.program_kode, {}).setdefault(r.kegiatan_kode, []).append(r)
    names_p = {r.program_kode: _text(r.program_nama) for r in rows.itertuples(index=False)}
    names_k = {r.kegiatan_kode: _text(r.kegiatan_nama) for r in rows.itertuples(index=False)}
    for p_no, program in enumerate(sorted(groups, key=lambda k: (k is None, _code_key(k))), start=1):
        p_row = None
        if program is not None:
            p_row = row
            _parent(ws, styler, row, _roman(p_no), program, names_p.get(program), "program")
            row += 1
        for k_no, kegiatan in enumerate(sorted(groups[program], key=lambda k: (k is None, _code_key(k))), start=1):
            k_row = None
            if kegiatan is not None:
                k_row = row
                _parent(ws, styler, row, _letters(k_no), kegiatan, names_k.get(kegiatan), "kegiatan")
                row += 1
            for n, leaf in enumerate(groups[program][kegiatan], start=1):
                _leaf(ws, styler, row, n, leaf)
                leaves.append(row)
                row += 1
            if k_row is not None:
                parents.append((k_row, k_row + 1, row - 1, "kegiatan"))
        if p_row is not None:
            parents.append((p_row, p_row + 1, row - 1, "program"))
    for p_row, first, last, _ in parents:
        for field in ("pagu", "realisasi_keuangan"):
            ws[f"{COL[field]}{p_row}"] = _subtotal(COL[field], first, last)
        ws[f"{PREV['realisasi_keuangan']}{p_row}"] = _subtotal(PREV["realisasi_keuangan"], first, last)
    return row, leaves


def _parent(ws, styler: _Styler, row: int, no: str, kode: str, nama: str | None, level: str) -> None:
    fill = PROGRAM_FILL if level == "program" else KEGIATAN_FILL
    bold = level == "program"
    values = {"no": no, "kode": kode, "nama": nama}
    for j, (field, _) in enumerate(COLUMNS, start=1):
        prev = PREV_KINDS.get(_prev_field(j))
        fmt = KINDS.get(field) or prev
        align = "center" if field == "no" else None
        _cell(
            ws,
            styler,
            row,
            j,
            values.get(field),
            (level, j),
            fmt=fmt,
            fill=fill,
            bold=bold,
            wrap=field == "nama",
            align=align,
            indent=1 if field == "nama" and level == "kegiatan" else 0,
        )
    lines = _lines(nama, WIDTHS[2], bold, 1 if level == "kegiatan" else 0)
    if lines > 1:
        ws.row_dimensions[row].height = 12.75 * lines + 2
    ws.row_dimensions[row].outline_level = 1 if level == "kegiatan" else 0


def _prev_field(col: int) -> str | None:
    """The input field whose last-month value column ``col`` (1-based) holds, else ``None``."""
    return _PREV_AT.get(col)


def _leaf(ws, styler: _Styler, row: int, n: int, leaf) -> None:
    values = {
        "no": n,
        "kode": leaf.kode,
        "nama": _text(leaf.nama),
        "sumber_dana": _text(leaf.sumber_dana),
        "jenis": JENIS.get(leaf.jenis, _text(leaf.jenis)),
        "pagu": _value(leaf.pagu),
    }
    for j, (field, _) in enumerate(COLUMNS, start=1):
        if field in INPUT_FIELDS:
            _cell(
                ws,
                styler,
                row,
                j,
                None,
                ("input", j),
                fmt=KINDS.get(field),
                fill=INPUT_FILL,
                unlocked=True,
                wrap=field in ("permasalahan", "solusi"),
            )
        elif field is None:
            prev = _prev_field(j)
            value = getattr(leaf, prev)
            value = _text(value) if prev in ("permasalahan", "solusi") else _value(value)
            _cell(
                ws,
                styler,
                row,
                j,
                value,
                ("prev", j),
                fmt=PREV_KINDS.get(prev),
                fill=REFERENCE_FILL,
                wrap=prev in ("permasalahan", "solusi"),
            )
        else:
            align = "center" if field in ("no", "jenis", "sumber_dana") else None
            _cell(
                ws,
                styler,
                row,
                j,
                values[field],
                ("leaf", j),
                fmt=KINDS.get(field),
                wrap=field == "nama",
                align=align,
                indent=2 if field == "nama" else 0,
            )
    lines = max(
        _lines(values["nama"], WIDTHS[2], False, 2),
        _lines(_text(leaf.permasalahan), WIDTHS[14]),
        _lines(_text(leaf.solusi), WIDTHS[15]),
    )
    if lines > 1:
        ws.row_dimensions[row].height = 12.75 * lines + 2
    ws.row_dimensions[row].outline_level = 2


def _total(ws, styler: _Styler, row: int) -> None:
    for j in range(1, NCOLS + 1):
        prev = _prev_field(j)
        field = COLUMNS[j - 1][0]
        _cell(
            ws,
            styler,
            row,
            j,
            None,
            ("total", j),
            fmt=KINDS.get(field) or PREV_KINDS.get(prev),
            fill=TOTAL_FILL,
            bold=True,
            align="center" if j == 1 else None,
        )
    put(ws.cell(row=row, column=1), "JUMLAH")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    double = Side(style="double")
    for j in range(1, NCOLS + 1):
        ws.cell(row=row, column=j).border = Border(left=THIN, right=THIN, top=double, bottom=double)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _validations(ws, leaves: list[int], period: str) -> None:
    """Data validation of the input cells, with Indonesian prompts and error messages."""
    fisik = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle="Persen fisik tidak valid",
        error="Isi persen 0 sampai 100 tanpa tanda %, mis. 45,5. Nilai di luar 0-100 atau teks tidak diterima.",
        promptTitle="Fisik (%) kumulatif",
        prompt=f"Persen fisik kumulatif s.d. akhir {period}: angka 0-100 tanpa tanda %, boleh desimal (45,5).",
    )
    keuangan = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle="Realisasi keuangan tidak valid",
        error="Isi rupiah bulat tidak negatif tanpa 'Rp', titik atau koma, mis. 125000000. Teks, angka "
        "negatif dan pecahan tidak diterima.",
        promptTitle="Realisasi keuangan (Rp)",
        prompt=f"Belanja (SP2D) kumulatif s.d. akhir {period} dalam rupiah bulat, tanpa 'Rp' dan titik; "
        "tidak melebihi pagu.",
    )
    teks = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1="1000",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle="Teks terlalu panjang",
        error="Tulis paling banyak 1.000 karakter; ringkas permasalahan atau solusinya.",
        promptTitle="Permasalahan / solusi",
        prompt="Isi singkat untuk sub kegiatan yang terlambat atau bermasalah; kosongkan bila tidak ada.",
    )
    for first, last in _runs(leaves):
        fisik.add(f"{COL['target_fisik']}{first}:{COL['realisasi_fisik']}{last}")
        keuangan.add(f"{COL['realisasi_keuangan']}{first}:{COL['realisasi_keuangan']}{last}")
        teks.add(f"{COL['permasalahan']}{first}:{COL['solusi']}{last}")
    for dv in (fisik, keuangan, teks):
        if dv.sqref:
            ws.add_data_validation(dv)


def _highlights(ws, leaves: list[int]) -> None:
    """Conditional formats of the sub kegiatan input cells: realisasi above pagu in red; a
    cumulative value below last month's in orange (the import checks the values again)."""
    if not leaves:
        return
    keu, pagu, fisik = COL["realisasi_keuangan"], COL["pagu"], COL["realisasi_fisik"]
    p_keu, p_fisik = PREV["realisasi_keuangan"], PREV["realisasi_fisik"]
    runs = _runs(leaves)
    top = runs[0][0]  # relative references of a rule follow the first cell of its ranges

    def ranges(col: str) -> str:
        return " ".join(f"{col}{first}:{col}{last}" for first, last in runs)

    ws.conditional_formatting.add(
        ranges(keu),
        FormulaRule(formula=[f"AND(ISNUMBER({keu}{top}),ISNUMBER({pagu}{top}),{keu}{top}>{pagu}{top})"], fill=RED_FILL),
    )
    ws.conditional_formatting.add(
        ranges(keu),
        FormulaRule(
            formula=[f"AND(ISNUMBER({keu}{top}),ISNUMBER({p_keu}{top}),{keu}{top}<{p_keu}{top})"], fill=ORANGE_FILL
        ),
    )
    ws.conditional_formatting.add(
        ranges(fisik),
        FormulaRule(
            formula=[f"AND(ISNUMBER({fisik}{top}),ISNUMBER({p_fisik}{top}),{fisik}{top}<{p_fisik}{top})"],
            fill=ORANGE_FILL,
        ),
    )


def _signature(ws, row: int, settings: Settings, opd: str, year: int) -> int:
    """The OPD's signature lines under the table (place and date, jabatan, name, NIP), unlocked."""
    lines = [
        (f"{settings.tempat}, ......................... {year}", False, False),
        (pimpinan(opd), False, False),
        None,
        None,
        None,
        ("(.........................................)", True, False),
        ("NIP. .........................................", False, False),
    ]
    first, last = 9, LAST_INPUT_COL
    for i, line in enumerate(lines):
        if line is None:
            continue
        text, bold, _ = line
        cell = ws.cell(row=row + i, column=first)
        put(cell, text)
        cell.font = _font(bold, underline="single" if bold else None)
        cell.alignment = Alignment(horizontal="center")
        cell.protection = UNLOCKED
        ws.merge_cells(start_row=row + i, start_column=first, end_row=row + i, end_column=last)
    return row + len(lines) - 1


def _print_setup(ws, last_row: int) -> None:
    ws.freeze_panes = f"D{DATA_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    ws.print_area = f"A1:{get_column_letter(LAST_INPUT_COL)}{last_row}"
    fit_a4(ws)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Halaman &P dari &N"
    ws.oddFooter.center.size = 8


def _protect(ws) -> None:
    """Sheet protection without a password: cells stay selectable, columns and rows resizable."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def _guide(
    ws, settings: Settings, opd: str, year: int, month: int, n_leaves: int, has_prev: bool, contact: str
) -> None:
    """The "Petunjuk" sheet: what to fill, the units, the deadline, whom to contact."""
    period = f"{BULAN[month - 1]} {year}"
    deadline = tanggal(settings.deadline(year, month))
    prev = f"{BULAN[month - 2]} {year}" if month > 1 else None
    if prev and has_prev:
        prev_text = f"berisi laporan {prev} yang sudah diterima, sebagai pembanding (tidak perlu diubah)."
    elif prev:
        prev_text = f"kosong karena laporan {prev} OPD ini belum diterima."
    else:
        prev_text = "kosong: Januari adalah bulan pertama tahun anggaran."
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 110
    rows: list[tuple[str | None, str, bool]] = [
        (None, "PETUNJUK PENGISIAN LAPORAN REALISASI FISIK DAN KEUANGAN", True),
        (None, f"OPD: {opd}", True),
        (None, f"Periode: keadaan s.d. akhir bulan {period} (kumulatif sejak Januari {year})", False),
        (None, f"Batas penyampaian: paling lambat {deadline}", True),
        (None, "", False),
        (
            "1.",
            f"Isi hanya sel berwarna kuning pada lembar '{SHEET}' ({n_leaves} sub kegiatan). Sel lain "
            "(kode, uraian, sumber dana, jenis, pagu, jumlah) sudah terisi dari DPA dan dikunci.",
            False,
        ),
        (
            "2.",
            "Target Fisik s.d. Bulan Ini (%): rencana kemajuan fisik kumulatif sampai akhir bulan laporan, "
            "angka 0 sampai 100 tanpa tanda %, boleh desimal dengan koma (mis. 45,5).",
            False,
        ),
        (
            "3.",
            "Realisasi Fisik s.d. Bulan Ini (%): kemajuan fisik yang sudah dicapai (kumulatif), angka 0 sampai "
            "100 tanpa tanda %. Untuk kegiatan non fisik, isi persentase capaian pelaksanaan kegiatan.",
            False,
        ),
        (
            "4.",
            "Realisasi Keuangan s.d. Bulan Ini (Rp): belanja yang sudah dicairkan (SP2D) kumulatif sampai akhir "
            "bulan laporan, dalam rupiah bulat tanpa 'Rp', titik, atau koma (mis. 125000000). Tidak boleh "
            "negatif dan tidak boleh melebihi pagu (sel berubah merah bila melebihi pagu).",
            False,
        ),
        (
            "5.",
            "Permasalahan dan Solusi / Tindak Lanjut: isi singkat untuk sub kegiatan yang terlambat atau "
            "bermasalah; kosongkan bila tidak ada.",
            False,
        ),
        (
            "6.",
            f"Kolom 's.d. Bulan Lalu' (berwarna abu-abu) {prev_text} Nilai kumulatif bulan ini biasanya tidak "
            "lebih kecil dari bulan lalu (sel berubah jingga bila lebih kecil; periksa kembali).",
            False,
        ),
        (
            "7.",
            "Baris program, kegiatan, dan JUMLAH terjumlah otomatis. Jangan menambah, menghapus, atau "
            "memindahkan baris dan kolom, dan jangan mengubah judul; nama berkas boleh diubah.",
            False,
        ),
        (
            "8.",
            "Bila pagu atau daftar sub kegiatan tidak sesuai dengan DPA/DPPA terakhir (misalnya setelah "
            "pergeseran anggaran), jangan mengubah lembar ini: tuliskan pada kolom Permasalahan dan hubungi "
            "narahubung di bawah.",
            False,
        ),
        (
            "9.",
            "Lembar dikunci tanpa kata sandi hanya untuk mencegah perubahan tak sengaja; tidak perlu dibuka "
            "kuncinya. Isian tetap diperiksa ulang oleh Pantau saat laporan diunggah.",
            False,
        ),
        (
            "10.",
            "Isi nama dan NIP penanggung jawab di bawah tabel, simpan sebagai Excel (.xlsx), lalu kirimkan "
            "berkas ini (bukan foto atau PDF) melalui aplikasi Pantau menu Impor Laporan atau kepada "
            f"{default_contact(settings)}.",
            False,
        ),
        (None, "", False),
        (None, f"Narahubung: {contact}", True),
    ]
    for i, (no, text, bold) in enumerate(rows, start=1):
        if no:
            put(ws.cell(row=i, column=1), no)
            ws.cell(row=i, column=1).alignment = Alignment(vertical="top")
            ws.cell(row=i, column=1).font = _font()
        cell = ws.cell(row=i, column=2)
        put(cell, text)
        cell.font = _font(bold, 12 if i == 1 else 10)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = _lines(text, 110)
        if lines > 1:
            ws.row_dimensions[i].height = 12.75 * lines + 2
    fit_a4(ws, "portrait")
    ws.protection.sheet = True


def template_workbook(
    rows: pd.DataFrame, year: int, month: int, settings: Settings, contact: str | None = None
) -> bytes:
    """Workbook bytes of one OPD's template. ``rows``: that OPD's rows of :func:`request_rows`
    (one OPD, not empty); ``contact``: whom to contact (default: the unit of the kop)."""
    opd_kode, opd = str(rows["opd_kode"].iloc[0]), " ".join(str(rows["opd"].iloc[0]).split())  # one line
    if rows["opd_kode"].nunique() != 1:
        raise ValueError("template_workbook: rows of exactly one OPD expected")
    period = f"{BULAN[month - 1]} {year}"
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    styler = _Styler(wb)
    for i, (text, size, bold) in enumerate(_title_lines(settings, opd, year, month), start=1):
        cell = ws.cell(row=i, column=1)
        put(cell, text)
        cell.font = _font(bold, size, italic=not bold)
        cell.alignment = Alignment(horizontal="left" if not bold else "center", vertical="center")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=LAST_INPUT_COL)
    _header(ws, styler)
    total_row, leaves = _write_rows(ws, styler, rows)
    _total(ws, styler, total_row)
    for col in (COL["pagu"], COL["realisasi_keuangan"], PREV["realisasi_keuangan"]):
        ws[f"{col}{total_row}"] = _subtotal(col, DATA_ROW, total_row - 1)
    last = _signature(ws, total_row + 2, settings, opd, year)
    _validations(ws, leaves, period)
    _highlights(ws, leaves)
    ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=True)
    _print_setup(ws, last)
    _protect(ws)
    _guide(
        wb.create_sheet(GUIDE_SHEET),
        settings,
        opd,
        year,
        month,
        len(leaves),
        bool(rows["prev_import_id"].notna().any()),
        contact or default_contact(settings),
    )
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    marker = Marker(KIND, VERSION, opd_kode, year, month, SHEET, HEADER_ROW)
    for name, value in marker.properties().items():
        prop = IntProperty if isinstance(value, int) else StringProperty
        wb.custom_doc_props.append(prop(name=name, value=value))
    wb.properties.title = f"{TITLE.title()} {opd} {period}"
    wb.properties.subject = "Templat permintaan laporan realisasi (Pantau)"
    wb.properties.creator = "Pantau"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def templates_zip(
    store: Store,
    year: int,
    month: int,
    settings: Settings,
    opd_kodes: list[str] | None = None,
    contact: str | None = None,
) -> bytes:
    """A zip with one template per OPD of the year's DPA (only ``opd_kodes`` when given), named
    ``Laporan_Realisasi_<singkatan>_<YYYY-MM>.xlsx``. Raises ``ValueError`` (Indonesian message)
    when there is nothing to send: no DPA for the year, or none of the chosen OPDs in it."""
    return zip_of(request_rows(store, year, month, opd_kodes), year, month, settings, contact)


def zip_of(rows: pd.DataFrame, year: int, month: int, settings: Settings, contact: str | None = None) -> bytes:
    """:func:`templates_zip` of rows already read with :func:`request_rows` (one file per OPD in them)."""
    if rows.empty:
        raise ValueError(f"Belum ada DPA tahun {year} untuk OPD yang dipilih; impor DPA terlebih dahulu.")
    plan = plan_of(rows, year, month)
    names = dict(zip(plan["opd_kode"], plan["file_name"]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for kode, part in rows.groupby("opd_kode", sort=False):
            info = zipfile.ZipInfo(names[kode], date_time=dt.datetime.now().timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, template_workbook(part, year, month, settings, contact))
    return buf.getvalue()
