"""Exports never turn a text from an upload into a formula (= + - @ at the start stay text)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd

from exports.table_xlsx import table_to_xlsx

NASTY = ['=HYPERLINK("http://contoh.invalid","klik")', "+1+2", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0"]


def test_text_that_looks_like_a_formula_stays_text():
    df = pd.DataFrame({"Uraian": NASTY, "Pagu (Rp)": [1.0, 2.0, 3.0, 4.0, 5.0]})
    data = table_to_xlsx(df, "=judul", "+subjudul")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet_xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    texts = [c.value for c in ws["A"] if c.value is not None]
    assert texts[:2] == ["=judul", "+subjudul"]
    assert texts[-5:] == NASTY
    for cell in ws["A"]:
        if cell.value is not None:
            assert cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
    # numbers stay numbers
    assert [c.value for c in ws["B"]][-5:] == [1, 2, 3, 4, 5]


def test_formula_text_from_an_upload_stays_text_in_the_audit_export(store):
    """An uploaded file name that starts with '=' reaches the audit log; its export keeps it as text."""
    store.audit_many([("op", "download", '=HYPERLINK("x").xlsx', "rekap")])
    log = store.audit_entries()
    data = table_to_xlsx(log, "Log Audit")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("x").xlsx')
    assert cell.data_type == "s"


def test_a_long_table_prints_one_page_wide_with_its_header_on_every_page():
    """A table of 300 rows is not shrunk onto one page: one page wide, as long as it needs,
    A4 landscape, and the header row repeats on every printed page."""
    df = pd.DataFrame({"OPD": [f"Dinas {i}" for i in range(300)], "Pagu (Rp)": [float(i) for i in range(300)]})
    ws = openpyxl.load_workbook(io.BytesIO(table_to_xlsx(df, "Rekap", "Maret 2026"))).active
    setup = ws.page_setup
    # fitToWidth absent means 1 (the OOXML default; XlsxWriter leaves it out)
    assert (int(setup.fitToWidth or 1), int(setup.fitToHeight)) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert setup.orientation == "landscape" and int(setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.print_title_rows == "$4:$4" and ws["A4"].value == "OPD"


def test_table_export_keeps_numbers_dates_formats_and_missing_values():
    """Numbers stay numbers with the column's format, dates stay dates, missing values (None,
    NaN, NaT, NA) are empty cells; the header is bold, frozen and filtered."""
    df = pd.DataFrame(
        {
            "OPD": ["Dinas A", None, "Dinas C"],
            "Pagu (Rp)": [1500000.0, float("nan"), 2500000.0],
            "Jumlah": pd.array([3, None, 5], dtype="Int64"),
            "Diunggah": pd.to_datetime(["2026-03-01 08:30", None, "2026-03-02"], format="mixed"),
            "Lapor": [True, False, True],
        }
    )
    ws = openpyxl.load_workbook(io.BytesIO(table_to_xlsx(df, "Rekap", formats={"Pagu (Rp)": "#,##0"}))).active
    assert ws["A1"].value == "Rekap" and ws["A1"].font.b
    assert [c.value for c in ws[3]] == list(df.columns) and all(c.font.b for c in ws[3])
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:E6"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert rows[0][:3] == ["Dinas A", 1500000, 3] and rows[0][4] is True
    assert rows[0][3] == dt.datetime(2026, 3, 1, 8, 30) and ws["D4"].is_date
    assert rows[1] == [None, None, None, None, False]
    assert ws["B4"].number_format == "#,##0" and ws["B6"].value == 2500000
    assert ws.column_dimensions["A"].width >= 10
