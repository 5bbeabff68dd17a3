"""The print-ready Excel recap of a month (DESIGN §6): kop, title, period, the recap per OPD
and the program / kegiatan / sub kegiatan detail, totals, signature block, A4 landscape.

Every number comes from :mod:`core.recap` (``recap_opd``, ``kabupaten_totals``, ``leaf_recap``,
``rollup``) and is written as a number, never as text, so users can keep calculating; a
missing value is an empty cell. Every cell goes through :func:`exports.table_xlsx.put`, so text
from an upload that starts with = + - @ stays text.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import textwrap
import weakref
from collections import namedtuple
from copy import copy
from functools import lru_cache

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import Outline

from core.months import BULAN
from core.recap import kabupaten_totals, leaf_recap, level_recap, recap_opd
from core.settings import Settings, load
from db.store import Store

from .table_xlsx import PERCENT, RUPIAH, fit_a4, put

REKAP_SHEET = "Rekap OPD"
RINCIAN_SHEET = "Rincian"
TITLE = "REKAPITULASI REALISASI FISIK DAN KEUANGAN"
RINCIAN_TITLE = "RINCIAN REALISASI FISIK DAN KEUANGAN PER PROGRAM, KEGIATAN DAN SUB KEGIATAN"
DEVIASI = "0.00;[Red]-0.00"  # points; negative (late) in red
COUNT = "#,##0"
JENIS = {"fisik": "Fisik konstruksi", "non_fisik": "Non fisik"}

# (header, column width, kind); kind decides the number format and alignment: text (left,
# wrapped), center (text), no / count / rupiah / pct / dev (numbers).
REKAP_COLUMNS = [
    ("No", 5, "no"),
    ("OPD", 44, "text"),
    ("Jumlah Sub Kegiatan", 11, "count"),
    ("Pagu (Rp)", 19, "rupiah"),
    ("Realisasi Keuangan (Rp)", 19, "rupiah"),
    ("Keuangan (%)", 11, "pct"),
    ("Target Fisik (%)", 11, "pct"),
    ("Realisasi Fisik (%)", 11, "pct"),
    ("Deviasi (poin)", 11, "dev"),
    ("Status laporan", 14, "center"),
]
RINCIAN_COLUMNS = [
    ("Kode", 22, "text"),
    ("Program / Kegiatan / Sub Kegiatan", 48, "text"),
    ("Sumber Dana", 14, "center"),
    ("Jenis", 15, "center"),
    ("Pagu (Rp)", 18, "rupiah"),
    ("Realisasi Keuangan (Rp)", 18, "rupiah"),
    ("Keuangan (%)", 10, "pct"),
    ("Target Fisik (%)", 10, "pct"),
    ("Realisasi Fisik (%)", 10, "pct"),
    ("Deviasi (poin)", 10, "dev"),
]
FORMATS = {"count": COUNT, "rupiah": RUPIAH, "pct": PERCENT, "dev": DEVIASI}

FONT = "Arial"
LINE_HEIGHT = 12.75  # points per line of 10 pt Arial
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
TOTAL_FILL = PatternFill("solid", fgColor="D9D9D9")
OPD_FILL = PatternFill("solid", fgColor="BDD7EE")
PROGRAM_FILL = PatternFill("solid", fgColor="DDEBF7")
KEGIATAN_FILL = PatternFill("solid", fgColor="F2F2F2")
_STYLES: weakref.WeakKeyDictionary[Workbook, dict] = weakref.WeakKeyDictionary()


class NoData(ValueError):
    """Neither a DPA nor a report exists for the period (message in Indonesian)."""


def tanggal(day: dt.date) -> str:
    """A date the Indonesian way: ``23 November 2026``."""
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def _num(value):
    """A number as a plain Python int/float, or ``None`` for missing (NaN, None, NA)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return None if math.isnan(number) else number


@lru_cache(maxsize=65536)
def _code_key(code) -> tuple:
    """Sort key for codes like ``1.02.10`` (numeric parts compare as numbers)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s]+", str(code or "")))


def _font(bold: bool = False, size: float = 10, **kw) -> Font:
    return Font(name=FONT, size=size, bold=bold, **kw)


def _merged_line(ws, row: int, text: str, ncols: int, font: Font, height: float | None = None) -> None:
    """One centred line merged across the table width."""
    cell = ws.cell(row=row, column=1)
    put(cell, text)
    cell.font = font
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    if height:
        ws.row_dimensions[row].height = height


def _heading(ws, settings: Settings, title: str, scope: str, year: int, month: int, ncols: int) -> int:
    """Kop (with a double rule under it), title, scope and period; returns the header row number."""
    row = 1
    kop = [(settings.kop_1, 14), (settings.kop_2, 13), (settings.kop_3, 12)]
    for text, size in kop:
        if text and text.strip():
            _merged_line(ws, row, text.strip(), ncols, _font(True, size), height=size + 6)
            row += 1
    if settings.kop_alamat and settings.kop_alamat.strip():
        _merged_line(ws, row, settings.kop_alamat.strip(), ncols, _font(size=9, italic=True))
        row += 1
    if row > 1:
        rule = Border(bottom=Side(style="double"))
        for col in range(1, ncols + 1):
            ws.cell(row=row - 1, column=col).border = rule
        row += 1  # blank line under the kop
    _merged_line(ws, row, title, ncols, _font(True, 12), height=18)
    _merged_line(ws, row + 1, f"{scope} Tahun Anggaran {year}".upper(), ncols, _font(True, 11))
    _merged_line(ws, row + 2, f"Keadaan s.d. akhir bulan {BULAN[month - 1]} {year}", ncols, _font())
    return row + 4


def _header(ws, row: int, columns, height: float = 40) -> None:
    """Bold shaded header row with wrapped labels and the column widths."""
    for j, (label, width, _) in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=j)
        put(cell, label)
        cell.font = _font(True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.row_dimensions[row].height = height


def _style(ws, cell, key: tuple, apply) -> None:
    """Give ``cell`` the style identified by ``key``: built once by ``apply(cell)``, then copied
    (openpyxl hashes every new style object; copying the style of the first cell keeps a
    sheet of a few thousand cells fast)."""
    cache = _STYLES.setdefault(ws.parent, {})  # style indices belong to the workbook
    if key in cache:
        cell._style = copy(cache[key])
    else:
        apply(cell)
        cache[key] = copy(cell._style)


def _row(
    ws,
    row: int,
    columns,
    values,
    *,
    bold: bool = False,
    fill: PatternFill | None = None,
    indent: int = 0,
    outline: int = 0,
) -> None:
    """One table row: numbers with their formats, text wrapped, thin borders."""
    styles = _STYLES.setdefault(ws.parent, {})  # see _style (inlined)
    fill_key = fill and fill.fgColor.rgb
    lines = 1
    cells = ws._cells  # ws.cell() without its checks, 10 cells a row
    ws._current_row = max(ws._current_row, row)
    for j, ((_, width, kind), value) in enumerate(zip(columns, values), start=1):
        cell = cells.get((row, j))
        if cell is None:
            cell = cells[(row, j)] = Cell(ws, row=row, column=j)
        if kind in ("text", "center"):
            put(cell, value)
            lines = max(lines, _lines(value, width, bold, indent if j == 2 else 0))
        else:
            number = value if type(value) is float else _num(value)
            if type(number) in (int, float):
                # what cell.value = number does (NaN: an empty cell, as _num gives None for it)
                cell._value, cell.data_type = (number if number == number else None), "n"
            else:
                put(cell, number)
        key = (kind, j == 2 and indent, bold, fill_key)
        style = styles.get(key)
        if style is not None:
            cell._style = StyleArray(style)
        else:
            _apply_style(cell, kind, j == 2 and indent, bold, fill)
            styles[key] = copy(cell._style)
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
    if outline:
        ws.row_dimensions[row].outline_level = outline


def _apply_style(cell, kind: str, indent: int, bold: bool, fill: PatternFill | None) -> None:
    """Font, border, fill, number format and alignment of a table cell of ``kind``."""
    cell.font = _font(bold)
    cell.border = BOX
    if fill is not None:
        cell.fill = fill
    if kind in FORMATS:
        cell.number_format = FORMATS[kind]
        cell.alignment = Alignment(horizontal="right", vertical="top")
    elif kind == "text":
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=indent or 0)
    else:
        cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)


def _lines(value, width: float, bold: bool = False, indent: int = 0) -> int:
    """How many lines a wrapped text needs in a column ``width`` characters wide (an estimate
    on the safe side: neither Excel nor LibreOffice fits row heights of a generated file)."""
    if not isinstance(value, str) or " " not in value.strip():
        return 1  # empty, or one word such as a code: the column is wide enough
    factor = 0.85 if value.isupper() else (1.0 if bold else 1.1)  # capitals and bold run wider
    room = max(4, int((width - 1 - 2 * indent) * factor))
    if len(value) <= room and "\t" not in value:
        return 1  # fits: what textwrap would say, without wrapping
    return _wrapped_lines(value, room)


@lru_cache(maxsize=16384)
def _wrapped_lines(value: str, room: int) -> int:
    """Lines of ``value`` wrapped at ``room`` characters (names such as the penunjang sub
    kegiatan recur in every OPD)."""
    return max(1, len(textwrap.wrap(value, room, break_long_words=True)))


def _total_row(ws, row: int, columns, label_span: int, values) -> None:
    """The JUMLAH row: label merged over the first ``label_span`` columns, bold, shaded."""
    _row(ws, row, columns, ["JUMLAH"] + [None] * (label_span - 1) + list(values), bold=True, fill=TOTAL_FILL)
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=label_span)
    double = Side(style="double")
    for col in range(1, len(columns) + 1):
        cell = ws.cell(row=row, column=col)
        cell.border = Border(left=THIN, right=THIN, top=double, bottom=double)


def _notes(ws, row: int, lines: list[str]) -> int:
    """Small italic notes under the table (left-aligned, running over the empty cells)."""
    for i, text in enumerate(lines):
        cell = ws.cell(row=row + i, column=1)
        put(cell, text)
        cell.font = _font(size=8, italic=True)
    return row + len(lines)


def _signature(ws, row: int, settings: Settings, first_col: int, last_col: int, today: dt.date) -> int:
    """Place and date, jabatan, room to sign, name (bold, underlined), NIP; merged over
    ``first_col``..``last_col`` and centred. Dotted lines where the name or NIP is not set.
    Returns the last row used."""
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 10 for c in range(first_col, last_col + 1))
    nama = settings.ttd_nama.strip() if settings.ttd_nama else ""
    nip = settings.ttd_nip.strip() if settings.ttd_nip else ""
    lines = [
        (f"{settings.tempat}, {tanggal(today)}", _font()),
        (settings.ttd_jabatan, _font()),
        None,
        None,
        None,
        None,
        (nama or "(" + "." * 40 + ")", _font(True, underline="single" if nama else None)),
        (f"NIP. {nip}" if nip else "NIP. " + "." * 30, _font()),
    ]
    for i, line in enumerate(lines):
        r = row + i
        if line is None:
            continue
        text, font = line
        cell = ws.cell(row=r, column=first_col)
        put(cell, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=first_col, end_row=r, end_column=last_col)
        rows_needed = max(1, math.ceil(len(str(text)) * 1.1 / max(width, 1)))
        if rows_needed > 1:
            ws.row_dimensions[r].height = 13 * rows_needed
    return row + len(lines) - 1


def _print_setup(ws, header_row: int, last_row: int, ncols: int, freeze_col: int) -> None:
    """Frozen header, A4 landscape fitted to one page wide, header repeated on every page,
    page numbers in the footer."""
    ws.freeze_panes = ws.cell(row=header_row + 1, column=freeze_col)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(ncols)}{last_row}"
    fit_a4(ws)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "Halaman &P dari &N"
    ws.oddFooter.center.size = 8
    ws.oddFooter.center.font = FONT


def _status(row) -> str:
    return "Sudah lapor" if bool(row.reported) else "Belum lapor"


def _rekap_sheet(
    ws, recap: pd.DataFrame, tot: dict, settings: Settings, scope: str, year: int, month: int, today: dt.date
) -> None:
    """Sheet "Rekap OPD": one row per OPD and the JUMLAH row (values of kabupaten_totals)."""
    cols = REKAP_COLUMNS
    header = _heading(ws, settings, TITLE, scope, year, month, len(cols))
    _header(ws, header, cols)
    row = header + 1
    for i, r in enumerate(recap.itertuples(index=False), start=1):
        _row(
            ws,
            row,
            cols,
            [
                i,
                r.opd,
                r.sub_kegiatan,
                r.pagu,
                r.realisasi_keuangan,
                r.keuangan_pct,
                r.target_fisik_pct,
                r.fisik_pct,
                r.deviasi,
                _status(r),
            ],
        )
        row += 1
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(cols))}{row - 1}"
    _total_row(
        ws,
        row,
        cols,
        2,
        [
            tot["sub_kegiatan"],
            tot["pagu"],
            tot["realisasi_keuangan"],
            tot["keuangan_pct"],
            tot["target_fisik_pct"],
            tot["fisik_pct"],
            tot["deviasi"],
            f"{tot['opd_reported']} dari {tot['opd_total']} OPD",
        ],
    )
    ws.cell(row=row, column=len(cols)).font = _font(True, 9)
    row = _notes(
        ws,
        row + 2,
        [
            "Catatan: persen dalam poin (0-100). Fisik OPD dan jumlah = rata-rata realisasi fisik sub kegiatan "
            "tertimbang pagu; deviasi = realisasi fisik - target fisik (negatif berarti terlambat).",
            "OPD yang belum melapor dihitung dengan pagu DPA tanpa realisasi (fisiknya dihitung 0 pada jumlah).",
        ],
    )
    last = _signature(ws, row + 1, settings, 7, len(cols), today)
    _print_setup(ws, header, last, len(cols), 3)


def _buckets(df: pd.DataFrame, keys: list[str]) -> dict:
    """Rows of ``df`` (as named tuples) grouped by the values of ``keys`` (a tuple, or the
    single value when there is one key)."""
    out: dict = {}
    row = namedtuple("Pandas", df.columns, rename=True)  # the rows of df.itertuples(index=False)
    columns = [df[c].tolist() for c in df.columns]  # (much faster on Arrow-backed text)
    at = [list(df.columns).index(k) for k in keys]
    for values in zip(*columns):
        key = tuple(values[i] for i in at)
        out.setdefault(key if len(keys) > 1 else key[0], []).append(row._make(values))
    return out


def _rincian_sheet(
    ws,
    recap: pd.DataFrame,
    levels: dict[str, pd.DataFrame],
    leaves: pd.DataFrame,
    tot: dict,
    settings: Settings,
    scope: str,
    year: int,
    month: int,
    today: dt.date,
) -> None:
    """Sheet "Rincian": per OPD its programs, kegiatan and sub kegiatan; program and kegiatan
    rows carry the subtotals of :func:`core.recap.level_recap` (``levels``: its ``program`` and
    ``kegiatan`` tables); the JUMLAH row the kabupaten totals."""
    cols = RINCIAN_COLUMNS
    header = _heading(ws, settings, RINCIAN_TITLE, scope, year, month, len(cols))
    _header(ws, header, cols)
    ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=True)
    row = header + 1

    def figures(r):
        return [r.pagu, r.realisasi_keuangan, r.keuangan_pct, r.target_fisik_pct, r.fisik_pct, r.deviasi]

    prog_of, keg_of, subs_of = {}, {}, {}
    if not leaves.empty:
        leaves = leaves.copy()
        for key in ("program_kode", "program_nama", "kegiatan_kode", "kegiatan_nama"):
            leaves[key] = leaves[key].fillna("").astype(str)
        leaves["opd"] = leaves["opd"].fillna(leaves["opd_kode"])
        p_keys, k_keys = ["opd_kode", "program_kode", "program_nama"], ["kegiatan_kode", "kegiatan_nama"]
        prog_of = _buckets(levels["program"], ["opd_kode"])
        keg_of = _buckets(levels["kegiatan"], p_keys)
        subs_of = _buckets(leaves, p_keys + k_keys)
    for o in recap.itertuples(index=False):
        _row(ws, row, cols, [o.opd_kode, o.opd, None, None] + figures(o), bold=True, fill=OPD_FILL)
        row += 1
        for p in sorted(prog_of.get(o.opd_kode, []), key=lambda p: (_code_key(p.program_kode), p.program_nama)):
            _row(
                ws,
                row,
                cols,
                [p.program_kode, p.program_nama, None, None] + figures(p),
                bold=True,
                fill=PROGRAM_FILL,
                outline=1,
            )
            row += 1
            p_key = (o.opd_kode, p.program_kode, p.program_nama)
            for k in sorted(keg_of.get(p_key, []), key=lambda k: (_code_key(k.kegiatan_kode), k.kegiatan_nama)):
                _row(
                    ws,
                    row,
                    cols,
                    [k.kegiatan_kode, k.kegiatan_nama, None, None] + figures(k),
                    fill=KEGIATAN_FILL,
                    indent=1,
                    outline=2,
                )
                row += 1
                for s in sorted(
                    subs_of.get(p_key + (k.kegiatan_kode, k.kegiatan_nama), []), key=lambda s: _code_key(s.kode)
                ):
                    jenis = JENIS.get(s.jenis, s.jenis) if isinstance(s.jenis, str) else None
                    _row(
                        ws,
                        row,
                        cols,
                        [
                            s.kode,
                            s.nama,
                            s.sumber_dana,
                            jenis,
                            s.pagu,
                            s.realisasi_keuangan,
                            s.keuangan_pct,
                            s.target_fisik,
                            s.realisasi_fisik,
                            s.deviasi,
                        ],
                        indent=2,
                        outline=3,
                    )
                    row += 1
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(cols))}{max(row - 1, header + 1)}"
    _total_row(
        ws,
        row,
        cols,
        4,
        [
            tot["pagu"],
            tot["realisasi_keuangan"],
            tot["keuangan_pct"],
            tot["target_fisik_pct"],
            tot["fisik_pct"],
            tot["deviasi"],
        ],
    )
    row = _notes(
        ws,
        row + 2,
        [
            "Catatan: baris program dan kegiatan memuat jumlah sub kegiatan di bawahnya; fisik dan target "
            "fisiknya rata-rata tertimbang pagu. Persen dalam poin (0-100).",
            "Sub kegiatan tanpa angka realisasi belum dilaporkan OPD untuk bulan ini.",
        ],
    )
    last = _signature(ws, row + 1, settings, 7, len(cols), today)
    _print_setup(ws, header, last, len(cols), 3)


def recap_workbook(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    settings: Settings | None = None,
    today: dt.date | None = None,
) -> bytes:
    """Workbook bytes of the recap for (year, month): sheets "Rekap OPD" and "Rincian", only
    ``opd``'s rows when given. ``settings`` default to the install's (kop, signatory);
    ``today`` (default: today) dates the signature block.

    Raises :class:`NoData` when the period has neither a DPA nor a report.
    """
    with store.session():
        settings = settings or load(store)
        recap = recap_opd(store, year, month, opd)
        leaves = leaf_recap(store, year, month, opd)
        levels = {level: level_recap(store, year, month, level, opd) for level in ("program", "kegiatan")}
    if recap.empty:
        raise NoData(f"Belum ada DPA atau laporan untuk {BULAN[month - 1]} {year}; rekap tidak dapat dibuat.")
    tot = kabupaten_totals(recap)
    scope = str(recap["opd"].iloc[0]) if opd else settings.nama_daerah
    today = today or dt.date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = REKAP_SHEET
    _rekap_sheet(ws, recap, tot, settings, scope, year, month, today)
    _rincian_sheet(wb.create_sheet(RINCIAN_SHEET), recap, levels, leaves, tot, settings, scope, year, month, today)
    wb.properties.title = f"{TITLE.title()} {BULAN[month - 1]} {year}"
    wb.properties.creator = "Pantau"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
