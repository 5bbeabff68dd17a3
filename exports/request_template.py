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
import xlsxwriter
from openpyxl.utils import column_index_from_string, get_column_letter

from core.months import BULAN
from core.settings import Settings
from db.store import Store
from etl.detect import find_period, opd_in_title, period_in_title
from etl.template import COLUMNS, INPUT_FIELDS, KIND, VERSION, Marker

from .sheet_layout import _code_key, _lines, tanggal
from .table_xlsx import A4, PERCENT, RUPIAH, XLSXWRITER_OPTIONS, write_value

SHEET = "Laporan Realisasi"
GUIDE_SHEET = "Petunjuk"
TITLE = "LAPORAN REALISASI FISIK DAN KEUANGAN"
HEADER_ROW = 7  # 1-based row of the column header
DATA_ROW = HEADER_ROW + 2  # under the row of column numbers
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JENIS = {"fisik": "Fisik", "non_fisik": "Non Fisik"}

FONT = "Arial"
GREY = "#808080"  # thin cell borders
BOX = {"border": 1, "border_color": GREY}  # a thin grey box round a table cell
# the JUMLAH row: thin grey sides, double rules (automatic colour) above and below
TOTAL_BOX = {"left": 1, "right": 1, "left_color": GREY, "right_color": GREY, "top": 6, "bottom": 6}
HEADER_FILL = "#D9D9D9"
INPUT_FILL = "#FFF2CC"  # the cells to fill: light yellow
REFERENCE_FILL = "#EDEDED"  # last month, for reference
PROGRAM_FILL = "#DDEBF7"
KEGIATAN_FILL = "#F2F2F2"
TOTAL_FILL = "#D9D9D9"
RED_FILL = "#F8CBAD"
ORANGE_FILL = "#FFE699"

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
def _lock_structure(xlsx: bytes) -> bytes:
    """The workbook ``xlsx`` with its structure protected without a password (sheets cannot be
    added, removed or renamed; Review > Protect Workbook lifts it). XlsxWriter has no call for
    the ``workbookProtection`` element, so it is put into the finished file's ``xl/workbook.xml``
    right after ``workbookPr``, where the schema (ECMA-376 Part 1, 18.2.27) wants it."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                at = text.index("<workbookPr")
                at = text.index("/>", at) + 2
                data = (text[:at] + '<workbookProtection lockStructure="1"/>' + text[at:]).encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


class _Formats:
    """The workbook's cell formats, each made once per key (Arial, thin grey box unless told)."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.made: dict[tuple, object] = {}

    def get(self, key: tuple, **props):
        fmt = self.made.get(key)
        if fmt is None:
            fmt = self.made[key] = self.wb.add_format({"font_name": FONT, "font_size": 10, **props})
        return fmt

    def cell(
        self,
        key: tuple,
        *,
        fmt: str | None = None,
        fill: str | None = None,
        bold: bool = False,
        unlocked: bool = False,
        wrap: bool = False,
        align: str | None = None,
        indent: int = 0,
        box: dict = BOX,
    ):
        """A table cell: bold or not, boxed (``box``), shaded with ``fill``, number format ``fmt`` (then
        right-aligned unless ``align``), top-aligned, wrapped, indented, unlocked (input)."""
        props: dict = {"bold": bold, **box, "align": align or ("right" if fmt else "left"), "valign": "top"}
        if fill:
            props.update(bg_color=fill, pattern=1)
        if fmt:
            props["num_format"] = fmt
        if wrap:
            props["text_wrap"] = True
        if indent:
            props["indent"] = indent
        if unlocked:
            props["locked"] = False
        return self.get(key, **props)


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


def _header(ws, formats: _Formats) -> None:
    """The column header (input columns yellow, last month's grey), the row of column numbers
    and the column widths."""
    number = formats.get(("number",), font_size=8, italic=True, **BOX, align="center")
    for j, ((field, label), width) in enumerate(zip(COLUMNS, WIDTHS)):
        kind = "input" if field in INPUT_FIELDS else ("prev" if field is None else "plain")
        fill = {"input": INPUT_FILL, "prev": REFERENCE_FILL}.get(kind, HEADER_FILL)
        head = formats.get(
            ("head", kind),
            bold=True,
            font_size=9,
            bg_color=fill,
            pattern=1,
            **BOX,
            align="center",
            valign="vcenter",
            text_wrap=True,
        )
        ws.write_string(HEADER_ROW - 1, j, label, head)
        ws.write_number(HEADER_ROW, j, j + 1, number)
        ws.set_column(j, j, width)
    ws.set_row(HEADER_ROW - 1, 54)


def _subtotal(col: str, first: int, last: int) -> str:
    return f"=SUBTOTAL(9,{col}{first}:{col}{last})"


def _formula(ws, cell: str, formula: str, fmt) -> None:
    """A formula without a saved result (``<v></v>``): the ingest skips it rather than
    cross-checking a result nobody calculated, and a spreadsheet program calculates it."""
    ws.write_formula(cell, formula, fmt, "")


def _prev_field(col: int) -> str | None:
    """The input field whose last-month value column ``col`` (1-based) holds, else ``None``."""
    return _PREV_AT.get(col)


# Per column (0-based) of a row kind: (format key, field, last month's field, format options).
def _row_cells(level: str) -> list[tuple[tuple, str | None, str | None, dict]]:
    out = []
    for j, (field, _) in enumerate(COLUMNS):
        prev = _prev_field(j + 1)
        if level in ("program", "kegiatan"):
            fill = PROGRAM_FILL if level == "program" else KEGIATAN_FILL
            opts = dict(
                fmt=KINDS.get(field) or PREV_KINDS.get(prev),
                fill=fill,
                bold=level == "program",
                wrap=field == "nama",
                align="center" if field == "no" else None,
                indent=1 if field == "nama" and level == "kegiatan" else 0,
            )
        elif level == "total":
            opts = dict(
                fmt=KINDS.get(field) or PREV_KINDS.get(prev),
                fill=TOTAL_FILL,
                bold=True,
                align="center" if j == 0 else None,
            )
        elif field in INPUT_FIELDS:
            opts = dict(fmt=KINDS.get(field), fill=INPUT_FILL, unlocked=True, wrap=field in ("permasalahan", "solusi"))
        elif field is None:
            opts = dict(fmt=PREV_KINDS.get(prev), fill=REFERENCE_FILL, wrap=prev in ("permasalahan", "solusi"))
        else:
            opts = dict(
                fmt=KINDS.get(field),
                wrap=field == "nama",
                align="center" if field in ("no", "jenis", "sumber_dana") else None,
                indent=2 if field == "nama" else 0,
            )
        out.append(((level, j), field, prev, opts))
    return out


_ROW_CELLS = {level: _row_cells(level) for level in ("program", "kegiatan", "leaf", "total")}


def _write_rows(ws, formats: _Formats, rows: pd.DataFrame) -> tuple[int, list[int]]:
    """Program, kegiatan and sub kegiatan rows from :data:`DATA_ROW`; returns the JUMLAH row and
    the rows of the sub kegiatan (1-based)."""
    row = DATA_ROW
    leaves: list[int] = []
    parents: list[tuple[int, int, int, str]] = []  # (row, first, last, level) to fill in afterwards
    groups: dict = {}
    records = list(rows.itertuples(index=False))
    for r in records:
        groups.setdefault(r.program_kode, {}).setdefault(r.kegiatan_kode, []).append(r)
    names_p = {r.program_kode: _text(r.program_nama) for r in records}
    names_k = {r.kegiatan_kode: _text(r.kegiatan_nama) for r in records}
    cells = {
        level: [(formats.cell(key, **opts), f, p) for key, f, p, opts in spec] for level, spec in _ROW_CELLS.items()
    }
    for p_no, program in enumerate(sorted(groups, key=lambda k: (k is None, _code_key(k))), start=1):
        p_row = None
        if program is not None:
            p_row = row
            _parent(ws, cells["program"], row, _roman(p_no), program, names_p.get(program), "program")
            row += 1
        for k_no, kegiatan in enumerate(sorted(groups[program], key=lambda k: (k is None, _code_key(k))), start=1):
            k_row = None
            if kegiatan is not None:
                k_row = row
                _parent(ws, cells["kegiatan"], row, _letters(k_no), kegiatan, names_k.get(kegiatan), "kegiatan")
                row += 1
            for n, leaf in enumerate(groups[program][kegiatan], start=1):
                _leaf(ws, cells["leaf"], row, n, leaf)
                leaves.append(row)
                row += 1
            if k_row is not None:
                parents.append((k_row, k_row + 1, row - 1, "kegiatan"))
        if p_row is not None:
            parents.append((p_row, p_row + 1, row - 1, "program"))
    for p_row, first, last, level in parents:
        for col in (COL["pagu"], COL["realisasi_keuangan"], PREV["realisasi_keuangan"]):
            fmt = cells[level][column_index_from_string(col) - 1][0]
            _formula(ws, f"{col}{p_row}", _subtotal(col, first, last), fmt)
    return row, leaves


def _put(ws, r: int, j: int, value, fmt) -> None:
    """Write a template value (``None``, text, a whole or finite number, as :func:`_text` and
    :func:`_value` give them) at 0-based (``r``, ``j``); anything else goes through
    :func:`write_value`. Text is always written as text."""
    kind = type(value)
    if value is None:
        ws.write_blank(r, j, None, fmt)
    elif kind is str:
        ws.write_string(r, j, value, fmt)
    elif kind is int or (kind is float and math.isfinite(value)):
        ws.write_number(r, j, value, fmt)
    else:
        write_value(ws, r, j, value, fmt)


def _parent(ws, cells, row: int, no: str, kode: str, nama: str | None, level: str) -> None:
    values = {"no": no, "kode": kode, "nama": nama}
    r = row - 1
    for j, (fmt, field, _) in enumerate(cells):
        _put(ws, r, j, values.get(field), fmt)
    lines = _lines(nama, WIDTHS[2], level == "program", 1 if level == "kegiatan" else 0)
    height = 12.75 * lines + 2 if lines > 1 else None
    ws.set_row(r, height, None, {"level": 1} if level == "kegiatan" else None)


def _leaf(ws, cells, row: int, n: int, leaf) -> None:
    nama, masalah, solusi = _text(leaf.nama), _text(leaf.permasalahan), _text(leaf.solusi)
    values = {
        "no": n,
        "kode": leaf.kode,
        "nama": nama,
        "sumber_dana": _text(leaf.sumber_dana),
        "jenis": JENIS.get(leaf.jenis, _text(leaf.jenis)),
        "pagu": _value(leaf.pagu),
    }
    r = row - 1
    for j, (fmt, field, prev) in enumerate(cells):
        if field in INPUT_FIELDS:
            value = None
        elif field is None:
            value = getattr(leaf, prev)
            value = _text(value) if prev in ("permasalahan", "solusi") else _value(value)
        else:
            value = values[field]
        _put(ws, r, j, value, fmt)
    lines = max(_lines(nama, WIDTHS[2], False, 2), _lines(masalah, WIDTHS[14]), _lines(solusi, WIDTHS[15]))
    ws.set_row(r, 12.75 * lines + 2 if lines > 1 else None, None, {"level": 2})


def _total(ws, formats: _Formats, row: int) -> None:
    """The JUMLAH row: label merged over A:E, double rules above and below, SUBTOTAL formulas."""
    r = row - 1
    fmts = [formats.cell(key + ("total",), **opts, box=TOTAL_BOX) for key, _, _, opts in _ROW_CELLS["total"]]
    ws.merge_range(r, 0, r, 4, "", fmts[0])
    ws.write_string(r, 0, "JUMLAH", fmts[0])
    for j in range(5, NCOLS):
        ws.write_blank(r, j, None, fmts[j])
    for col in (COL["pagu"], COL["realisasi_keuangan"], PREV["realisasi_keuangan"]):
        _formula(ws, f"{col}{row}", _subtotal(col, DATA_ROW, row - 1), fmts[column_index_from_string(col) - 1])


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
    if not leaves:
        return
    fisik = dict(
        validate="decimal",
        criteria="between",
        minimum=0,
        maximum=100,
        ignore_blank=True,
        show_error=True,
        show_input=True,
        error_type="stop",
        error_title="Persen fisik tidak valid",
        error_message="Isi persen 0 sampai 100 tanpa tanda %, mis. 45,5. Nilai di luar 0-100 atau teks tidak diterima.",
        input_title="Fisik (%) kumulatif",
        input_message=f"Persen fisik kumulatif s.d. akhir {period}: angka 0-100 tanpa tanda %, boleh desimal (45,5).",
    )
    keuangan = dict(
        validate="integer",
        criteria=">=",
        value=0,
        ignore_blank=True,
        show_error=True,
        show_input=True,
        error_type="stop",
        error_title="Realisasi keuangan tidak valid",
        error_message="Isi rupiah bulat tidak negatif tanpa 'Rp', titik atau koma, mis. 125000000. Teks, angka "
        "negatif dan pecahan tidak diterima.",
        input_title="Realisasi keuangan (Rp)",
        input_message=f"Belanja (SP2D) kumulatif s.d. akhir {period} dalam rupiah bulat, tanpa 'Rp' dan titik; "
        "tidak melebihi pagu.",
    )
    teks = dict(
        validate="length",
        criteria="<=",
        value=1000,
        ignore_blank=True,
        show_error=True,
        show_input=True,
        error_type="stop",
        error_title="Teks terlalu panjang",
        error_message="Tulis paling banyak 1.000 karakter; ringkas permasalahan atau solusinya.",
        input_title="Permasalahan / solusi",
        input_message="Isi singkat untuk sub kegiatan yang terlambat atau bermasalah; kosongkan bila tidak ada.",
    )
    runs = _runs(leaves)
    for options, first_col, last_col in (
        (fisik, COL["target_fisik"], COL["realisasi_fisik"]),
        (keuangan, COL["realisasi_keuangan"], COL["realisasi_keuangan"]),
        (teks, COL["permasalahan"], COL["solusi"]),
    ):
        ranges = " ".join(f"{first_col}{first}:{last_col}{last}" for first, last in runs)
        (first, _), c1, c2 = runs[0], column_index_from_string(first_col) - 1, column_index_from_string(last_col) - 1
        ws.data_validation(first - 1, c1, runs[0][1] - 1, c2, {**options, "multi_range": ranges})


def _highlights(ws, formats: _Formats, leaves: list[int]) -> None:
    """Conditional formats of the sub kegiatan input cells: realisasi above pagu in red; a
    cumulative value below last month's in orange (the import checks the values again)."""
    if not leaves:
        return
    keu, pagu, fisik = COL["realisasi_keuangan"], COL["pagu"], COL["realisasi_fisik"]
    p_keu, p_fisik = PREV["realisasi_keuangan"], PREV["realisasi_fisik"]
    runs = _runs(leaves)
    top = runs[0][0]  # relative references of a rule follow the first cell of its ranges
    red = formats.wb.add_format({"bg_color": RED_FILL, "pattern": 1})
    orange = formats.wb.add_format({"bg_color": ORANGE_FILL, "pattern": 1})

    def add(col: str, formula: str, fmt) -> None:
        ranges = " ".join(f"{col}{first}:{col}{last}" for first, last in runs)
        c = column_index_from_string(col) - 1
        ws.conditional_format(
            runs[0][0] - 1,
            c,
            runs[0][1] - 1,
            c,
            {"type": "formula", "criteria": formula, "format": fmt, "multi_range": ranges},
        )

    add(keu, f"AND(ISNUMBER({keu}{top}),ISNUMBER({pagu}{top}),{keu}{top}>{pagu}{top})", red)
    add(keu, f"AND(ISNUMBER({keu}{top}),ISNUMBER({p_keu}{top}),{keu}{top}<{p_keu}{top})", orange)
    add(fisik, f"AND(ISNUMBER({fisik}{top}),ISNUMBER({p_fisik}{top}),{fisik}{top}<{p_fisik}{top})", orange)


def _signature(ws, formats: _Formats, row: int, settings: Settings, opd: str, year: int) -> int:
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
        fmt = formats.get(("signature", bold), bold=bold, underline=1 if bold else 0, align="center", locked=False)
        ws.merge_range(row + i - 1, first - 1, row + i - 1, last - 1, "", fmt)
        ws.write_string(row + i - 1, first - 1, text, fmt)
    return row + len(lines) - 1


def _print_setup(ws, last_row: int) -> None:
    ws.freeze_panes(DATA_ROW - 1, 3)  # D9: the header and the code columns stay in view
    ws.repeat_rows(HEADER_ROW - 1, HEADER_ROW)
    ws.print_area(0, 0, last_row - 1, LAST_INPUT_COL - 1)
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_header("", {"margin": 0.5})
    ws.set_footer("&C&8Halaman &P dari &N", {"margin": 0.5})


def _protect(ws) -> None:
    """Sheet protection without a password: cells stay selectable, columns and rows resizable."""
    ws.protect("", {"format_columns": True, "format_rows": True})


def _guide(
    ws,
    formats: _Formats,
    settings: Settings,
    opd: str,
    year: int,
    month: int,
    n_leaves: int,
    has_prev: bool,
    contact: str,
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
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 110)
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
    number = formats.get(("guide_no",), valign="top")
    for i, (no, text, bold) in enumerate(rows):
        if no:
            ws.write_string(i, 0, no, number)
        size = 12 if i == 0 else 10
        fmt = formats.get(("guide", bold, size), bold=bold, font_size=size, text_wrap=True, valign="top")
        write_value(ws, i, 1, text or None, fmt)
        lines = _lines(text, 110)
        if lines > 1:
            ws.set_row(i, 12.75 * lines + 2)
    ws.set_paper(A4)
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.75, right=0.75, top=1, bottom=1)  # openpyxl's defaults, as before
    ws.protect()


def template_workbook(
    rows: pd.DataFrame, year: int, month: int, settings: Settings, contact: str | None = None
) -> bytes:
    """Workbook bytes of one OPD's template. ``rows``: that OPD's rows of :func:`request_rows`
    (one OPD, not empty); ``contact``: whom to contact (default: the unit of the kop)."""
    opd_kode, opd = str(rows["opd_kode"].iloc[0]), " ".join(str(rows["opd"].iloc[0]).split())  # one line
    if rows["opd_kode"].nunique() != 1:
        raise ValueError("template_workbook: rows of exactly one OPD expected")
    period = f"{BULAN[month - 1]} {year}"
    buf = io.BytesIO()
    # in memory: a template is small, and temporary files cost more than they save here; rows
    # are filled in out of order (the subtotals of a program after its sub kegiatan)
    wb = xlsxwriter.Workbook(buf, {**XLSXWRITER_OPTIONS, "constant_memory": False, "in_memory": True})
    formats = _Formats(wb)
    ws = wb.add_worksheet(SHEET)
    for i, (text, size, bold) in enumerate(_title_lines(settings, opd, year, month)):
        fmt = formats.get(
            ("title", size, bold),
            bold=bold,
            italic=not bold,
            font_size=size,
            align="center" if bold else "left",
            valign="vcenter",
        )
        ws.merge_range(i, 0, i, LAST_INPUT_COL - 1, "", fmt)
        ws.write_string(i, 0, text, fmt)
    _header(ws, formats)
    total_row, leaves = _write_rows(ws, formats, rows)
    _total(ws, formats, total_row)
    last = _signature(ws, formats, total_row + 2, settings, opd, year)
    _validations(ws, leaves, period)
    _highlights(ws, formats, leaves)
    ws.outline_settings(True, False, True, False)  # summary rows above the details
    _print_setup(ws, last)
    _protect(ws)
    _guide(
        wb.add_worksheet(GUIDE_SHEET),
        formats,
        settings,
        opd,
        year,
        month,
        len(leaves),
        bool(rows["prev_import_id"].notna().any()),
        contact or default_contact(settings),
    )
    marker = Marker(KIND, VERSION, opd_kode, year, month, SHEET, HEADER_ROW)
    for name, value in marker.properties().items():
        wb.set_custom_property(name, value)
    wb.set_properties(
        {
            "title": f"{TITLE.title()} {opd} {period}",
            "subject": "Templat permintaan laporan realisasi (Pantau)",
            "author": "Pantau",
        }
    )
    wb.close()
    return _lock_structure(buf.getvalue())


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
