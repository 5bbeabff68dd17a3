"""The print-ready Excel recap of data kinerja for a month, a triwulan or the year (DESIGN §6):
kop of the kecamatan, title, period, approval status and date, one block per unit with its
indicators (target, realisasi, capaian, predikat), the summary (mean capaian with capaian above
the setting ``kinerja_capaian_maks`` counted as that maximum, median, predikat distribution:
:func:`core.kinerja.recap_summary`), the Kasubbag's analysis notes, and the Camat's signature
block (settings ``camat_*``). A month's target is :func:`core.kinerja.month_target` (bulanan,
from the triwulan target by the stok/alir rule), as on every page; an indicator whose realisasi
a file gave as text reads "tidak dilaporkan".

Every number comes from :func:`core.kinerja.kinerja_recap` (the same rows as the Data kinerja
page and ``python -m etl kinerja``) and is written as a number; every cell goes through
:func:`exports.table_xlsx.put` (uploaded text starting with = + - @ stays text).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.format import percent
from core.kinerja import (
    MONTH_TARGET_RULE,
    PREDIKAT,
    SANGAT_RENDAH,
    capped_mean,
    kinerja_recap,
    month_target_heading,
    period,
    period_status,
    predikat,
    recap_summary,
)
from core.review import STATUS_LABEL
from core.settings import Settings, load
from db.store import Store

from .sheet_layout import (
    BOX,
    HEADER_FILL,
    TOTAL_FILL,
    _header,
    _merged_line,
    _notes,
    _print_setup,
    _signature,
    add_logo,
    tanggal,
)
from .table_xlsx import fit_a4, put

SHEET = "Rekap Kinerja"
ANALISIS_SHEET = "Analisis"
TITLE = "REKAPITULASI CAPAIAN KINERJA"
FONT = "Arial"
UNIT_FILL = PatternFill("solid", fgColor="DDEBF7")
# (header, width, kind): text | center | value (number, format by value) | pct
COLUMNS = [
    ("No", 5, "center"),
    ("Unit Kerja / Indikator Kinerja", 52, "text"),
    ("Satuan", 11, "center"),
    ("Arah", 8, "center"),
    ("Target", 12, "value"),
    ("Realisasi", 12, "value"),
    ("Capaian (%)", 11, "pct"),
    ("Predikat", 14, "center"),
    ("Bulan terisi", 9, "center"),
    ("Keterangan / Status", 40, "text"),
]
ARAH = {"naik": "Naik", "turun": "Turun"}
NO_DATA = "Belum ada indikator Perjanjian Kinerja untuk periode ini; impor Perjanjian Kinerja terlebih dahulu."


class NoData(ValueError):
    """No indicators for the year (message in Indonesian)."""


def _font(bold=False, size=10, **kw) -> Font:
    return Font(name=FONT, size=size, bold=bold, **kw)


def _value(v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return None
    return float(v) if isinstance(v, (int, float)) else v


def _write_row(ws, row: int, values: list, *, bold: bool = False, fill: PatternFill | None = None) -> None:
    for j, ((_, _, kind), value) in enumerate(zip(COLUMNS, values), start=1):
        cell = ws.cell(row=row, column=j)
        value = _value(value) if kind in ("value", "pct") else value
        put(cell, value)
        cell.font = _font(bold)
        cell.border = BOX
        if fill is not None:
            cell.fill = fill
        if kind == "pct":
            cell.number_format = "0.00"
            cell.alignment = Alignment(horizontal="right", vertical="top")
        elif kind == "value":
            cell.number_format = "#,##0" if isinstance(value, float) and value.is_integer() else "#,##0.00"
            cell.alignment = Alignment(horizontal="right", vertical="top")
        elif kind == "text":
            cell.alignment = Alignment(
                horizontal="left", vertical="top", wrap_text=True, indent=1 if j == 2 and not bold else 0
            )
        else:
            cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    text = max((len(str(v)) / max(w - 2, 4) for (_, w, k), v in zip(COLUMNS, values) if k == "text" and v), default=1)
    if text > 1:
        ws.row_dimensions[row].height = 12.75 * int(text + 0.999) + 2


def approval_summary(store: Store, year: int, months: list[int], unit_ids: list[int]) -> dict:
    """Per unit: period status and the last approval (who, when) over ``months``; overall:
    how many units are approved and the date of the last approval."""
    reviews = store.review_rows(year)
    per_unit = {}
    for unit_id in unit_ids:
        rows = reviews[(reviews["unit_id"] == unit_id) & (reviews["bulan"].isin(months))]
        status = period_status(rows["status"].tolist()) if not rows.empty else None
        approved = rows[rows["status"] == "approved"]
        last = approved.sort_values("approved_at").iloc[-1] if not approved.empty else None
        per_unit[unit_id] = {
            "status": status or "draft",
            "approved_at": last["approved_at"] if last is not None and status == "approved" else None,
            "approved_by": last["approved_by"] if last is not None and status == "approved" else None,
        }
    approved_units = [u for u, v in per_unit.items() if v["status"] == "approved"]
    dates = [v["approved_at"] for v in per_unit.values() if v["approved_at"] is not None]
    return {
        "units": per_unit,
        "approved": len(approved_units),
        "total": len(unit_ids),
        "all_approved": bool(unit_ids) and len(approved_units) == len(unit_ids),
        "last_approved_at": max(dates) if dates else None,
    }


def _status_text(info: dict) -> str:
    text = STATUS_LABEL.get(info["status"], info["status"])
    if info["approved_at"] is not None:
        text += f" {tanggal(pd.Timestamp(info['approved_at']))}"
        if info["approved_by"]:
            text += f" ({info['approved_by']})"
    return text


def kinerja_workbook(
    store: Store,
    year: int,
    *,
    month: int | None = None,
    triwulan: int | None = None,
    annual: bool = False,
    unit_id: int | None = None,
    settings: Settings | None = None,
    today: dt.date | None = None,
) -> bytes:
    """Workbook bytes of the kinerja recap of a period (only ``unit_id``'s block when given):
    sheet "Rekap Kinerja" (kop, title, period, approval status, per-unit blocks, average capaian,
    Camat's signature) and sheet "Analisis" (the analysis notes of the period). Raises
    :class:`NoData` when the year has no indicators."""
    p = period(year, month, triwulan, annual)
    with store.session():
        settings = settings or load(store)
        recap = kinerja_recap(store, year, month=month, triwulan=triwulan, annual=annual, unit_id=unit_id)
        notes = store.analisis(year, p.key, unit_id)
        units = list(dict.fromkeys(recap["unit_id"].tolist()))
        approval = approval_summary(store, year, p.months, units)
    if recap.empty:
        raise NoData(NO_DATA)
    today = today or dt.date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ncols = len(COLUMNS)
    row = 1
    add_logo(ws, settings)
    kop = [(settings.kop_1, 14), ((settings.kecamatan_nama or "").upper(), 13)]
    for text, size in kop:
        if text and text.strip():
            _merged_line(ws, row, text.strip(), ncols, _font(True, size), height=size + 6)
            row += 1
    if settings.kecamatan_alamat.strip():
        _merged_line(ws, row, settings.kecamatan_alamat.strip(), ncols, _font(size=9, italic=True))
        row += 1
    if row > 1:
        for col in range(1, ncols + 1):
            ws.cell(row=row - 1, column=col).border = Border(bottom=Side(style="double"))
        row += 1
    scope = recap["unit"].iloc[0] if unit_id is not None else (settings.kecamatan_nama or settings.nama_daerah)
    _merged_line(ws, row, TITLE, ncols, _font(True, 12), height=18)
    _merged_line(ws, row + 1, f"{scope} Tahun {year}".upper(), ncols, _font(True, 11))
    _merged_line(ws, row + 2, f"Periode: {p.label}", ncols, _font())
    if approval["all_approved"]:
        status = (
            f"Status: disetujui Camat ({approval['approved']} dari {approval['total']} unit), "
            f"terakhir {tanggal(pd.Timestamp(approval['last_approved_at']).date())}"
        )
    else:
        status = (
            f"Status: BELUM DISETUJUI seluruhnya ({approval['approved']} dari {approval['total']} unit disetujui Camat)"
        )
    _merged_line(ws, row + 3, status, ncols, _font(bold=not approval["all_approved"], italic=True))
    header = row + 5
    _header(ws, header, COLUMNS, height=30)
    row = header + 1
    for u in units:
        block = recap[recap["unit_id"] == u]
        mean = capped_mean(block["capaian"], settings.kinerja_capaian_maks)
        _write_row(
            ws,
            row,
            [
                None,
                block["unit"].iloc[0],
                None,
                None,
                None,
                None,
                mean,
                predikat(mean),
                None,
                _status_text(approval["units"][u]),
            ],
            bold=True,
            fill=UNIT_FILL,
        )
        row += 1
        for i, r in enumerate(block.itertuples(index=False), start=1):
            note = r.keterangan if isinstance(r.keterangan, str) else None
            if isinstance(r.catatan, str) and r.catatan:
                note = f"{r.catatan} {note}".strip() if note else r.catatan
            _write_row(
                ws,
                row,
                [
                    i,
                    r.indikator,
                    r.satuan,
                    ARAH.get(r.arah, r.arah),
                    r.target,
                    "tidak dilaporkan" if pd.isna(r.realisasi) and r.tidak_dilaporkan else r.realisasi,
                    r.capaian,
                    r.predikat,
                    f"{r.bulan_terisi}/{r.bulan_periode}",
                    note,
                ],
            )
            row += 1
    ws.auto_filter.ref = f"A{header}:{get_column_letter(ncols)}{row - 1}"
    summary = recap_summary(recap, settings.kinerja_capaian_maks)
    overall = summary["rata_capaian"]
    maks = percent(summary["maks"], 0)
    _write_row(
        ws,
        row,
        [
            None,
            f"RATA-RATA CAPAIAN (capaian di atas {maks} dihitung {maks})",
            None,
            None,
            None,
            None,
            overall,
            predikat(overall),
            None,
            f"{summary['dengan_capaian']} dari {summary['indikator']} indikator memiliki capaian"
            + (f"; tanpa batas: {percent(summary['rata_mentah'])}" if summary["dibatasi"] else ""),
        ],
        bold=True,
        fill=TOTAL_FILL,
    )
    row += 1
    _write_row(
        ws,
        row,
        [None, "MEDIAN CAPAIAN", None, None, None, None, summary["median_capaian"], None, None, None],
        bold=True,
        fill=TOTAL_FILL,
    )
    row += 1
    labels = [label for _, label in PREDIKAT] + [SANGAT_RENDAH]
    distribution = "; ".join(f"{label}: {summary['predikat'][label]}" for label in labels)
    _write_row(
        ws,
        row,
        [None, "SEBARAN PREDIKAT (jumlah indikator)", None, None, None, None, None, None, None, distribution],
        bold=True,
        fill=TOTAL_FILL,
    )
    explained = [
        "Capaian = realisasi / target x 100 (arah naik); (2 x target - realisasi) / target x 100 (arah turun). "
        "Predikat menurut Permendagri 86/2017: >= 91 sangat tinggi, 76-90 tinggi, 66-75 sedang, 51-65 rendah, "
        "<= 50 sangat rendah.",
        "Triwulan dan tahun: indikator keadaan (stok) memakai bulan terakhir yang dilaporkan, indikator jumlah "
        "(alir) menjumlahkan bulan-bulannya.",
        f"Rata-rata capaian menghitung capaian di atas {maks} sebagai {maks}; capaian setiap indikator ditulis "
        "apa adanya. Median adalah nilai tengah capaian.",
    ]
    if p.month:
        explained.append(f"Kolom Target: {month_target_heading(p.month)}. {MONTH_TARGET_RULE}")
    if summary["tidak_dilaporkan"]:
        explained.append(
            f"{summary['tidak_dilaporkan']} indikator tidak dilaporkan: realisasinya pada berkas unit berupa teks, "
            "bukan angka (lihat kolom Keterangan)."
        )
    row = _notes(ws, row + 2, explained)
    signer = dataclasses.replace(
        settings,
        tempat=settings.kecamatan_tempat or settings.tempat,
        ttd_jabatan=settings.camat_jabatan,
        ttd_nama=settings.camat_nama,
        ttd_nip=settings.camat_nip,
    )
    last = _signature(ws, row + 1, signer, 7, ncols, today)
    _print_setup(ws, header, last, ncols, 3)
    _analysis_sheet(wb.create_sheet(ANALISIS_SHEET), notes, p.label)
    wb.properties.title = f"{TITLE.title()} {p.label}"
    wb.properties.creator = "Pantau"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _analysis_sheet(ws, notes: pd.DataFrame, label: str) -> None:
    put(ws.cell(row=1, column=1), f"ANALISIS DAN EVALUASI DATA KINERJA {label.upper()}")
    ws.cell(row=1, column=1).font = _font(True, 12)
    for j, (head, width) in enumerate(
        [("Unit Kerja", 36), ("Analisis Kasubbag Program dan Keuangan", 90), ("Oleh", 14), ("Waktu", 17)], start=1
    ):
        cell = ws.cell(row=3, column=j)
        put(cell, head)
        cell.font = _font(True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        ws.column_dimensions[get_column_letter(j)].width = width
    fit_a4(ws)
    if notes.empty:
        put(ws.cell(row=4, column=1), "Belum ada catatan analisis untuk periode ini.")
        return
    for i, n in enumerate(notes.itertuples(index=False), start=4):
        for j, value in enumerate([n.unit, n.note, n.created_by, pd.Timestamp(n.created_at).to_pydatetime()], start=1):
            cell = ws.cell(row=i, column=j)
            put(cell, value)
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if j == 4:
                cell.number_format = "dd-mm-yyyy hh:mm"
