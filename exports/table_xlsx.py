"""A plain, tidy Excel download of one table (numbers stay numbers).

The print-ready recap with kop and signature block comes with the dashboards issue; this is
the "every table has an Excel download" baseline. Text that starts with = + - @ is written
as text, never as a formula.
"""

from __future__ import annotations

import io
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

RUPIAH = "#,##0"
PERCENT = "0.00"


def _safe(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def put(cell, value) -> None:
    """Write a value into a cell; text that starts with = + - @ (e.g. from an uploaded file)
    stays text and can never become a formula."""
    value = _safe(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell._value = value  # bypass openpyxl's formula detection: stays text
        cell.data_type = "s"
    else:
        cell.value = value


def table_to_xlsx(
    df: pd.DataFrame,
    title: str,
    subtitle: str | None = None,
    formats: dict[str, str] | None = None,
    sheet: str = "Data",
) -> bytes:
    """Workbook bytes: title rows, bold frozen header with autofilter, number formats per column,
    ready to print (A4 landscape, one page wide, the header repeated on every page)."""
    formats = formats or {}
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    put(ws["A1"], title)
    ws["A1"].font = Font(bold=True, size=14)
    start = 3
    if subtitle:
        put(ws["A2"], subtitle)
        start = 4
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for j, col in enumerate(df.columns, start=1):
        cell = ws.cell(row=start, column=j)
        put(cell, str(col))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, row in enumerate(df.itertuples(index=False), start=start + 1):
        for j, (col, value) in enumerate(zip(df.columns, row), start=1):
            cell = ws.cell(row=i, column=j)
            put(cell, value)
            if col in formats:
                cell.number_format = formats[col]
    for j, col in enumerate(df.columns, start=1):
        values = [str(col)] + [str(v) for v in df[col].head(200).tolist()]
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(10, max(len(v) for v in values) + 2))
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    if len(df.columns):
        ws.auto_filter.ref = f"A{start}:{get_column_letter(len(df.columns))}{start + max(len(df), 1)}"
    # Printed on A4, one page wide and as many pages long as the table needs (fitting the height
    # too would shrink a long table onto one unreadable page), the header row on every page.
    fit_a4(ws)
    ws.print_title_rows = f"{start}:{start}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fit_a4(ws, orientation: str = "landscape") -> None:
    """Print on A4 in ``orientation``, fitted to one page wide and as many pages long as needed."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
