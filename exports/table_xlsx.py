"""A plain, tidy Excel download of one table (numbers stay numbers), and the two openpyxl
helpers the other exports share (:func:`put`, :func:`fit_a4`).

The print-ready recap with kop and signature block is :mod:`exports.recap_xlsx`; this is the
"every table has an Excel download" baseline, written with XlsxWriter. Text that starts with
= + - @ is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import xlsxwriter
from openpyxl.worksheet.properties import PageSetupProperties

RUPIAH = "#,##0"
PERCENT = "0.00"
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"  # what openpyxl gives a datetime cell
A4 = 9  # paper size code of A4 (XlsxWriter set_paper, openpyxl PAPERSIZE_A4)
# Workbook options of every XlsxWriter export: rows are written in order and flushed as they go
# (constant memory), a str never becomes a formula, dates get a readable format.
XLSXWRITER_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "default_date_format": DATE_FORMAT,
    "remove_timezone": True,
}


def _safe(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def put(cell, value) -> None:
    """Write a value into an openpyxl cell; text that starts with = + - @ (e.g. from an uploaded
    file) stays text and can never become a formula."""
    value = _safe(value)
    cell.value = value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula: keep it a string


def write_value(ws, row: int, col: int, value, fmt=None) -> None:
    """Write ``value`` into XlsxWriter worksheet ``ws`` at (``row``, ``col``), both 0-based: text
    with ``write_string`` (so = + - @ stay text), numbers as numbers, dates as dates, booleans
    as booleans; missing (None, NaN, NA, NaT) and infinite numbers as an empty cell with
    ``fmt``."""
    if value is None or value is pd.NA or value is pd.NaT:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, (bool, np.bool_)):
        ws.write_boolean(row, col, bool(value), fmt)
    elif isinstance(value, (int, float, Decimal, np.integer, np.floating)):
        number = float(value) if isinstance(value, (Decimal, np.floating)) else value
        if isinstance(number, float) and not math.isfinite(number):
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write_number(row, col, int(number) if isinstance(number, np.integer) else number, fmt)
    elif isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


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
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, XLSXWRITER_OPTIONS)
    ws = wb.add_worksheet(sheet[:31])
    ws.write_string(0, 0, title, wb.add_format({"bold": True, "font_size": 14}))
    head = 2  # 0-based row of the header
    if subtitle:
        ws.write_string(1, 0, subtitle)
        head = 3
    columns = list(df.columns)
    for j, col in enumerate(columns):
        values = [str(col)] + [str(v) for v in df[col].head(200).tolist()]
        ws.set_column(j, j, min(60, max(10, max(len(v) for v in values) + 2)))
    header = wb.add_format({"bold": True, "bg_color": "#DDE6F0", "pattern": 1, "text_wrap": True, "valign": "vcenter"})
    for j, col in enumerate(columns):
        ws.write_string(head, j, str(col), header)
    date_fmt = wb.add_format({"num_format": DATE_FORMAT})
    col_fmts = [wb.add_format({"num_format": formats[c]}) if c in formats else None for c in columns]
    for i, row in enumerate(df.itertuples(index=False, name=None), start=head + 1):
        for j, value in enumerate(row):
            value = _safe(value)
            fmt = col_fmts[j]
            if fmt is None and isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
                fmt = date_fmt
            write_value(ws, i, j, value, fmt)
    ws.freeze_panes(head + 1, 0)
    if columns:
        ws.autofilter(head, 0, head + max(len(df), 1), len(columns) - 1)
    # Printed on A4, one page wide and as many pages long as the table needs (fitting the height
    # too would shrink a long table onto one unreadable page), the header row on every page.
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(head)
    wb.close()
    return buf.getvalue()


def fit_a4(ws, orientation: str = "landscape") -> None:
    """Print an openpyxl sheet on A4 in ``orientation``, fitted to one page wide and as many
    pages long as needed."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
