"""The layout of the print-ready openpyxl sheets (kop, title, bold header, table rows, notes,
signature block, A4 print setup) shared by the rakor, meeting-pack and kinerja exports, and the
constants and text helpers the XlsxWriter recap (:mod:`exports.recap_xlsx`) uses too.

Only openpyxl's public API: a table cell gets its look from a named style, built once per
workbook and key (assigning a font, border, fill and alignment object to every cell costs
several times more, as openpyxl hashes each of them).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from functools import lru_cache

import numpy as np
import pandas as pd
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.months import BULAN
from core.settings import Settings

from .table_xlsx import PERCENT, RUPIAH, fit_a4, put

DEVIASI = "0.00;[Red]-0.00"  # points; negative (late) in red
COUNT = "#,##0"
FORMATS = {"count": COUNT, "rupiah": RUPIAH, "pct": PERCENT, "dev": DEVIASI}
TEXT_KINDS = ("text", "center")

FONT = "Arial"
LINE_HEIGHT = 12.75  # points per line of 10 pt Arial
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
TOTAL_FILL = PatternFill("solid", fgColor="D9D9D9")
OPD_FILL = PatternFill("solid", fgColor="BDD7EE")
PROGRAM_FILL = PatternFill("solid", fgColor="DDEBF7")
KEGIATAN_FILL = PatternFill("solid", fgColor="F2F2F2")


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


LOGO_HEIGHT_PX = 72  # the kop logo's height on a sheet: about the three kop lines


def logo_scale(path: str, height_px: int = LOGO_HEIGHT_PX) -> float:
    """The factor that brings the picture at ``path`` to ``height_px`` pixels high."""
    from PIL import Image

    with Image.open(path) as img:
        return height_px / max(1, img.height)


def add_logo(ws, settings: Settings) -> None:
    """The kop logo (when one is set) in the sheet's top-left corner, beside the kop lines."""
    if not settings.logo_file:
        return
    img = SheetImage(settings.logo_file)
    scale = logo_scale(settings.logo_file)
    img.width, img.height = round(img.width * scale), round(img.height * scale)
    ws.add_image(img, "A1")


def _heading(ws, settings: Settings, title: str, scope: str, year: int, month: int, ncols: int) -> int:
    """Kop (with the logo and a double rule under it), title, scope and period; returns the header
    row number."""
    add_logo(ws, settings)
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


def _style_name(kind: str, indent: int, bold: bool, fill: PatternFill | None) -> str:
    """The name of the table-cell style of ``kind`` (see :func:`_apply_style`)."""
    parts = ["Pantau", kind] + (["tebal"] if bold else []) + ([f"inden {indent}"] if indent else [])
    return " ".join(parts + ([fill.fgColor.rgb[-6:]] if fill is not None else []))


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
    wb = ws.parent
    lines = 1
    for j, ((_, width, kind), value) in enumerate(zip(columns, values), start=1):
        cell = ws.cell(row=row, column=j)
        if kind in TEXT_KINDS:
            put(cell, value)
            lines = max(lines, _lines(value, width, bold, indent if j == 2 else 0))
        else:
            put(cell, _num(value))
        cell_indent = indent if j == 2 else 0
        name = _style_name(kind, cell_indent, bold, fill)
        if name not in wb.named_styles:
            style = NamedStyle(name=name)
            _apply_style(style, kind, cell_indent, bold, fill)
            wb.add_named_style(style)
        cell.style = name
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
    if outline:
        ws.row_dimensions[row].outline_level = outline


def _apply_style(target, kind: str, indent: int, bold: bool, fill: PatternFill | None) -> None:
    """Font, border, fill, number format and alignment of a table cell of ``kind`` (``target``:
    a cell or a named style)."""
    target.font = _font(bold)
    target.border = BOX
    if fill is not None:
        target.fill = fill
    if kind in FORMATS:
        target.number_format = FORMATS[kind]
        target.alignment = Alignment(horizontal="right", vertical="top")
    elif kind == "text":
        target.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=indent or 0)
    else:
        target.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)


def _notes(ws, row: int, lines: list[str]) -> int:
    """Small italic notes under the table (left-aligned, running over the empty cells)."""
    for i, text in enumerate(lines):
        cell = ws.cell(row=row + i, column=1)
        put(cell, text)
        cell.font = _font(size=8, italic=True)
    return row + len(lines)


def signature_lines(settings: Settings, today: dt.date) -> list[tuple[str, bool, bool] | None]:
    """The signature block, line by line: (text, bold, underlined), ``None`` for an empty line
    (room to sign). Place and date, jabatan, name (dotted when not set), NIP."""
    nama = settings.ttd_nama.strip() if settings.ttd_nama else ""
    nip = settings.ttd_nip.strip() if settings.ttd_nip else ""
    return [
        (f"{settings.tempat}, {tanggal(today)}", False, False),
        (settings.ttd_jabatan, False, False),
        None,
        None,
        None,
        None,
        (nama or "(" + "." * 40 + ")", True, bool(nama)),
        (f"NIP. {nip}" if nip else "NIP. " + "." * 30, False, False),
    ]


def signature_rows_needed(text: str, width: float) -> int:
    """Lines a centred signature line needs over merged columns ``width`` characters wide."""
    return max(1, math.ceil(len(str(text)) * 1.1 / max(width, 1)))


def _signature(ws, row: int, settings: Settings, first_col: int, last_col: int, today: dt.date) -> int:
    """Place and date, jabatan, room to sign, name (bold, underlined), NIP; merged over
    ``first_col``..``last_col`` and centred. Dotted lines where the name or NIP is not set.
    Returns the last row used."""
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 10 for c in range(first_col, last_col + 1))
    lines = signature_lines(settings, today)
    for i, line in enumerate(lines):
        r = row + i
        if line is None:
            continue
        text, bold, underline = line
        cell = ws.cell(row=r, column=first_col)
        put(cell, text)
        cell.font = _font(bold, underline="single" if underline else None)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=first_col, end_row=r, end_column=last_col)
        rows_needed = signature_rows_needed(text, width)
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
