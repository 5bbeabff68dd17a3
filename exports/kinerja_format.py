"""The data-request format of the kinerja cycle (SOP "Mekanisme Pengumpulan Data Kinerja",
steps 1-3): one pre-filled workbook per unit for a month, and all of them as one zip.

A format lists the unit's indicators with satuan and the month's target (the monthly target of
:func:`core.kinerja.month_target`, the same as the form, the review and the recap show), and
leaves Realisasi and Keterangan empty. The sheet is protected: only those two columns can be
typed into, and Realisasi accepts only numbers (0-100 for a percentage). Its title ("Unit Kerja :
...", "Bulan : ...") and file name (``kinerja_<unit>_<yyyy-mm>.xlsx``) are what the ingest
recognises, so a returned format loads with its unit, month and indicators matched exactly.
"""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.kinerja import MONTH_TARGET_RULE, month_target, month_target_heading
from core.months import BULAN
from core.settings import load
from db.store import Store

from .table_xlsx import fit_a4, put

SHEET = "Data Kinerja"
TITLE = "FORMAT PENGUMPULAN DATA KINERJA"
COLUMNS = [("No", 5), ("Indikator Kinerja", 60), ("Satuan", 12), ("Target", 12), ("Realisasi", 14), ("Keterangan", 40)]
HEADER_ROW = 5
FONT = "Arial"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")


def _is_percent(satuan) -> bool:
    s = (satuan or "").strip().lower()
    return s in ("%", "persen", "persentase", "prosentase") or s.startswith("% ")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def format_filename(unit: str, year: int, month: int) -> str:
    """``kinerja_seksi_pemerintahan_2026-03.xlsx``."""
    return f"kinerja_{_slug(unit)}_{year}-{month:02d}.xlsx"


def _number_format(value) -> str:
    return "#,##0" if isinstance(value, (int, float)) and float(value).is_integer() else "#,##0.00"


def format_workbook(store: Store, unit_id: int, year: int, month: int) -> bytes:
    """The request format of one unit for a month (xlsx bytes). Raises ``ValueError`` when the
    unit has no indicators for ``year`` (import the Perjanjian Kinerja first)."""
    with store.session():
        inds = store.indikator_frame(year, unit_id)
        units = dict(store.unit_kerja())
        settings = load(store)
    unit = units.get(unit_id)
    if unit is None:
        raise ValueError(f"Unit kerja #{unit_id} tidak ada.")
    if inds.empty:
        raise ValueError(
            f"Unit {unit} belum memiliki indikator Perjanjian Kinerja tahun {year}; impor Perjanjian "
            "Kinerja terlebih dahulu."
        )
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    lines = [
        (TITLE, Font(name=FONT, size=12, bold=True)),
        (f"Unit Kerja : {unit}", Font(name=FONT, size=10, bold=True)),
        (f"Bulan : {BULAN[month - 1]} {year}", Font(name=FONT, size=10, bold=True)),
    ]
    for r, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1)
        put(cell, text)
        cell.font = font
    for j, (label, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=j)
        put(cell, label)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    first = HEADER_ROW + 1
    row = first
    pct_rows, num_rows = [], []
    for i, ind in enumerate(inds.to_dict("records"), start=1):
        target = month_target(ind, month).nilai
        no = ind.get("no")
        values = [i if no is None or pd.isna(no) else int(no), ind["nama"], ind.get("satuan"), target, None, None]
        for j, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=j)
            put(cell, value)
            cell.font = Font(name=FONT)
            cell.border = BOX
            cell.alignment = Alignment(
                vertical="top", wrap_text=j in (2, 6), horizontal="center" if j in (1, 3) else None
            )
            if j in (5, 6):
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
        ws.cell(row=row, column=4).number_format = _number_format(target)
        ws.cell(row=row, column=5).number_format = "#,##0.00"
        (pct_rows if _is_percent(ind.get("satuan")) else num_rows).append(row)
        row += 1
    last = row - 1
    for rows, dv in (
        (pct_rows, DataValidation(type="decimal", operator="between", formula1="0", formula2="100")),
        (num_rows, DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")),
    ):
        if not rows:
            continue
        dv.allow_blank = True
        dv.showErrorMessage = True
        dv.errorTitle = "Nilai tidak valid"
        dv.error = (
            "Isi angka persen 0 sampai 100 (tanpa tanda %)."
            if rows is pct_rows
            else "Isi angka 0 atau lebih (tanpa satuan atau teks)."
        )
        dv.showInputMessage = True
        dv.promptTitle = "Realisasi"
        dv.prompt = "Isi realisasi bulan ini sebagai angka."
        for r in rows:
            dv.add(f"E{r}")
        ws.add_data_validation(dv)
    notes = [
        f"Catatan: kolom Target berisi {month_target_heading(month)} menurut Perjanjian Kinerja {year}. "
        "Isi kolom Realisasi (angka saja) dan Keterangan bila perlu; kolom lain dikunci.",
        MONTH_TARGET_RULE,
        "Untuk indikator jumlah (dijumlahkan per bulan), isi realisasi bulan ini saja, bukan kumulatif. "
        "Jangan mengubah nama indikator, urutan kolom, atau judul lembar.",
    ]
    r = last + 2
    for text in notes:
        cell = ws.cell(row=r, column=1)
        put(cell, text)
        cell.font = Font(name=FONT, size=8, italic=True)
        r += 1
    tempat = settings.kecamatan_tempat or settings.tempat
    for offset, text in enumerate(
        [f"{tempat}, .................... {year}", "Petugas Pengisi,", None, None, "(" + "." * 35 + ")"]
    ):
        if text:
            cell = ws.cell(row=r + 1 + offset, column=5)
            put(cell, text)
            cell.font = Font(name=FONT)
    ws.freeze_panes = ws.cell(row=first, column=1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may be changed
    ws.protection.formatRows = False
    fit_a4(ws)
    _instructions(wb.create_sheet("Petunjuk"), unit, year, month)
    wb.active = 0
    wb.properties.title = f"{TITLE.title()} {unit} {BULAN[month - 1]} {year}"
    wb.properties.creator = "Pantau"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _instructions(ws, unit: str, year: int, month: int) -> None:
    lines = [
        "PETUNJUK PENGISIAN FORMAT DATA KINERJA",
        "",
        f"1. Format ini untuk {unit}, data bulan {BULAN[month - 1]} {year}.",
        f"2. Isi kolom Realisasi (kuning) dengan angka capaian bulan {BULAN[month - 1]}; tulis persen tanpa tanda %, "
        "mis. 45,5.",
        "3. Indikator yang dijumlahkan per bulan (mis. jumlah surat): isi angka bulan ini saja.",
        "4. Indikator keadaan (mis. persentase, indeks, rata-rata waktu): isi keadaan pada akhir bulan.",
        f"5. Kolom Target berisi {month_target_heading(month)} menurut Perjanjian Kinerja, sebagai "
        f"pembanding. {MONTH_TARGET_RULE}",
        "6. Kolom Keterangan untuk penjelasan singkat (kendala, sumber data).",
        "7. Jangan mengubah nama indikator, judul, atau nama lembar; simpan sebagai .xlsx dan kirim kembali "
        "kepada Subbag Program dan Keuangan dalam 2 hari kerja (SOP Pengumpulan Data Kinerja).",
    ]
    ws.column_dimensions["A"].width = 110
    for r, text in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1)
        put(cell, text or None)
        cell.font = Font(name=FONT, bold=r == 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.protection.sheet = True


def formats_zip(store: Store, year: int, month: int, unit_ids: list[int] | None = None) -> bytes:
    """One zip with the request format of every unit that has indicators in ``year`` (or of
    ``unit_ids``), named by :func:`format_filename`. Raises ``ValueError`` when there is none."""
    with store.session():
        units = store.kinerja_units(year)
        chosen = [
            (int(i), n)
            for i, n, k in zip(units["id"], units["nama"], units["indikator"])
            if k and (unit_ids is None or int(i) in unit_ids)
        ]
        if not chosen:
            raise ValueError(
                f"Belum ada unit dengan indikator Perjanjian Kinerja tahun {year}; impor Perjanjian "
                "Kinerja terlebih dahulu."
            )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for unit_id, nama in chosen:
                zf.writestr(format_filename(nama, year, month), format_workbook(store, unit_id, year, month))
    return buf.getvalue()
