"""The Rakor POK meeting pack as an Excel workbook: one sheet per slide topic, the same numbers
as the slides (from :class:`exports.pack_data.PackData`), with native Excel charts.

Each sheet has the kop, title and period, a header row, numbers written as numbers with their
formats (Rupiah ``#,##0``, percent ``0.00``, deviasi in red when negative), and is set up to
print on A4 landscape fitted to the page width. Every cell goes through
:func:`exports.table_xlsx.put` (text from uploads never becomes a formula). The layout helpers
are those of the print-ready recap (:mod:`exports.recap_xlsx`).
"""

from __future__ import annotations

import io
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from core.colors import COLOURS
from core.months import BULAN

from .pack_data import PackData
from .sheet_layout import TOTAL_FILL, _font, _header, _heading, _notes, _print_setup, _row, _signature, tanggal
from .table_xlsx import put

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIGHT = {"hijau": "Hijau", "kuning": "Kuning", "merah": "Merah"}
PAGU_COLOUR = "90A4AE"

# sheet name -> title (one sheet per slide topic, in slide order)
SHEETS = {
    "Ringkasan": "RINGKASAN REALISASI FISIK DAN KEUANGAN",
    "Kurva S": "KURVA S: TARGET DAN REALISASI FISIK DAN KEUANGAN",
    "Belum Melapor": "OPD YANG BELUM MENYAMPAIKAN LAPORAN",
    "Peringkat Keuangan": "PERINGKAT OPD MENURUT REALISASI KEUANGAN",
    "Peringkat Fisik": "PERINGKAT OPD MENURUT REALISASI FISIK",
    "OPD Terendah": "OPD DENGAN SERAPAN ANGGARAN TERENDAH",
    "Fisik Non Fisik": "REALISASI FISIK KONSTRUKSI DAN NON FISIK",
    "Sumber Dana": "REALISASI PER SUMBER DANA",
    "Kontrak Kritis": "KONTRAK KRITIS (FISIK KONSTRUKSI)",
    "Permasalahan": "PERMASALAHAN DAN SOLUSI PER OPD",
    "Tindak Lanjut": "TINDAK LANJUT RAKOR SEBELUMNYA",
}

RINGKASAN_COLS = [
    ("Uraian", 38, "text"),
    ("Nilai", 22, "num"),
    ("Satuan", 10, "center"),
    ("Tahun lalu", 22, "num"),
    ("Selisih", 16, "num"),
]
KURVA_COLS = [
    ("Bulan", 14, "text"),
    ("Target Fisik (%)", 13, "pct"),
    ("Realisasi Fisik (%)", 13, "pct"),
    ("Target Serapan (%)", 13, "pct"),
    ("Realisasi Keuangan (%)", 13, "pct"),
]
KURVA_SERIES_COLOURS = [COLOURS[k].lstrip("#").upper() for k in ("target", "fisik", "keuangan", "keuangan")]
BELUM_COLS = [
    ("No", 5, "no"),
    ("OPD", 44, "text"),
    ("Singkatan", 16, "center"),
    ("Batas Penyampaian", 14, "date"),
    ("Terlambat (hari)", 12, "count"),
    ("Keterangan", 24, "text"),
]
RANKING_COLS = [
    ("Peringkat", 10, "no"),
    ("OPD", 44, "text"),
    ("Singkatan", 16, "center"),
    ("Realisasi (%)", 13, "pct"),
    ("Lampu", 10, "center"),
]
LOWEST_COLS = [
    ("No", 5, "no"),
    ("OPD", 40, "text"),
    ("Pagu (Rp)", 19, "rupiah"),
    ("Realisasi Keuangan (Rp)", 19, "rupiah"),
    ("Keuangan (%)", 11, "pct"),
    ("Target Fisik (%)", 11, "pct"),
    ("Realisasi Fisik (%)", 11, "pct"),
    ("Deviasi (poin)", 11, "dev"),
    ("Lampu", 10, "center"),
]
GROUP_COLS = [
    ("{what}", 26, "text"),
    ("Jumlah Sub Kegiatan", 11, "count"),
    ("Pagu (Rp)", 19, "rupiah"),
    ("Realisasi Keuangan (Rp)", 19, "rupiah"),
    ("Keuangan (%)", 11, "pct"),
    ("Target Fisik (%)", 11, "pct"),
    ("Realisasi Fisik (%)", 11, "pct"),
    ("Deviasi (poin)", 11, "dev"),
]
KRITIS_COLS = [
    ("No", 5, "no"),
    ("OPD", 28, "text"),
    ("Kode", 20, "text"),
    ("Sub Kegiatan", 40, "text"),
    ("Pagu (Rp)", 17, "rupiah"),
    ("Target Fisik (%)", 10, "pct"),
    ("Realisasi Fisik (%)", 10, "pct"),
    ("Deviasi (poin)", 10, "dev"),
    ("Permasalahan", 30, "text"),
]
MASALAH_COLS = [
    ("No", 5, "no"),
    ("OPD", 30, "text"),
    ("Permasalahan", 40, "text"),
    ("Solusi / Tindak Lanjut OPD", 40, "text"),
    ("Jumlah Sub Kegiatan", 11, "count"),
    ("Pagu (Rp)", 17, "rupiah"),
]
TL_COLS = [
    ("No", 5, "no"),
    ("Tanggal Rakor", 12, "date"),
    ("OPD", 26, "text"),
    ("Masalah", 32, "text"),
    ("Keputusan / Tindak Lanjut", 32, "text"),
    ("PIC", 16, "text"),
    ("Batas Waktu", 12, "date"),
    ("Status", 14, "center"),
    ("Terlambat", 10, "center"),
    ("Catatan Terakhir", 30, "text"),
]
DATE_FORMAT = "dd-mm-yyyy"


def _missing(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _date(value):
    return None if _missing(value) else pd.Timestamp(value).date()


def _sheet(wb: Workbook, name: str, pack: PackData, cols) -> tuple:
    """A new sheet with kop, title and period; returns (sheet, header row number)."""
    ws = wb.create_sheet(name)
    header = _heading(ws, pack.settings, SHEETS[name], pack.settings.nama_daerah, pack.year, pack.month, len(cols))
    _header(ws, header, cols)
    return ws, header


def _write(ws, row: int, cols, values, **kw) -> None:
    """One row through recap_xlsx's ``_row``; dates get a date format."""
    _row(ws, row, cols, values, **kw)
    for j, (_, _, kind) in enumerate(cols, start=1):
        if kind == "date":
            cell = ws.cell(row=row, column=j)
            cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(horizontal="center", vertical="top")


def _empty_row(ws, row: int, ncols: int, text: str) -> None:
    cell = ws.cell(row=row, column=1)
    put(cell, text)
    cell.font = _font(italic=True)  # not merged: the text runs over the empty cells beside it


def _finish(
    ws,
    header: int,
    row: int,
    cols,
    notes: list[str],
    freeze_col: int = 3,
    chart: BarChart | LineChart | None = None,
) -> None:
    """Autofilter over the table, notes, the chart under them (inside the printed area, as wide
    as the table), print setup."""
    if row - 1 > header:
        ws.auto_filter.ref = f"A{header}:{get_column_letter(len(cols))}{row - 1}"
    last = max(_notes(ws, row + 1, notes) if notes else row, row)
    if chart is not None:
        chart.width = min(26.0, sum(c[1] for c in cols) * 0.2)  # column width unit ~0.2 cm
        ws.row_breaks.append(Break(id=last))  # the chart prints on a page of its own
        ws.add_chart(chart, f"A{last + 1}")
        last += 1 + math.ceil(chart.height / 0.53)  # default rows are 15 pt (0.53 cm)
    _print_setup(ws, header, last, len(cols), freeze_col)


def _bar_chart(
    ws,
    title: str,
    cats: Reference,
    data: Reference,
    *,
    horizontal: bool,
    y_title: str,
    n: int,
    colours: list[str] | None = None,
    series_colours: list[str] | None = None,
    percent: bool = True,
) -> BarChart:
    """A native Excel bar chart of the table's columns (placed by :func:`_finish`)."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.style = 10
    chart.title = title
    chart.y_axis.title = y_title
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.dataLabels = DataLabelList(
        showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False
    )
    chart.dataLabels.numFmt = "0.00" if percent else "#,##0"
    chart.y_axis.numFmt = "0" if percent else "#,##0"
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # first row (rank 1) on top
        chart.y_axis.crosses = "max"
    if percent:
        chart.y_axis.scaling.min = 0
    chart.legend = None if colours is not None or len(chart.series) == 1 else chart.legend
    if chart.legend is not None:
        chart.legend.position = "b"
    for s_i, series in enumerate(chart.series):
        if series_colours:
            series.graphicalProperties.solidFill = series_colours[s_i]
            series.graphicalProperties.line.solidFill = series_colours[s_i]
        for i, colour in enumerate(colours or []):
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = colour
            point.graphicalProperties.line.solidFill = colour
            series.dPt.append(point)
    chart.gapWidth = 50
    chart.height = max(7.5, 0.62 * n + 3) if horizontal else 9
    return chart


def _ringkasan(wb: Workbook, pack: PackData) -> None:
    cols = list(RINGKASAN_COLS)
    ly = f"{BULAN[pack.month - 1]} {pack.year - 1}"
    cols[1] = (pack.period, 22, "num")
    cols[3] = (ly, 22, "num")
    ws, header = _sheet(wb, "Ringkasan", pack, cols)
    t, last = pack.totals, pack.last_year or {}
    rp, pc = "#,##0", "0.00"
    items = [
        ("Pagu", "pagu", "Rp", rp),
        ("Realisasi keuangan", "realisasi_keuangan", "Rp", rp),
        ("Serapan anggaran (realisasi keuangan)", "keuangan_pct", "%", pc),
        ("Target serapan s.d. bulan ini", None, "%", pc),
        ("Realisasi fisik (tertimbang pagu)", "fisik_pct", "%", pc),
        ("Target fisik (tertimbang pagu)", "target_fisik_pct", "%", pc),
        ("Deviasi fisik", "deviasi", "poin", "0.00;[Red]-0.00"),
        ("OPD sudah melapor", "opd_reported", "OPD", "#,##0"),
        ("Jumlah OPD", "opd_total", "OPD", "#,##0"),
        ("Jumlah sub kegiatan", "sub_kegiatan", "sub keg.", "#,##0"),
        ("Pagu fisik konstruksi", "fisik_pagu", "Rp", rp),
        ("Pagu non fisik", "non_fisik_pagu", "Rp", rp),
    ]
    row = header + 1
    for label, key, unit, fmt in items:
        now = pack.target_serapan if key is None else t.get(key)
        before = None if key is None else last.get(key)
        diff = None if _missing(now) or _missing(before) else now - before
        _write(ws, row, cols, [label, now, unit, before, diff])
        for j in (2, 4, 5):
            ws.cell(row=row, column=j).number_format = fmt
            ws.cell(row=row, column=j).alignment = Alignment(horizontal="right", vertical="top")
        row += 1
    notes = [
        f"Keadaan s.d. akhir bulan {pack.period}. Persen dalam poin (0-100); deviasi = realisasi fisik - "
        "target fisik (negatif berarti terlambat)."
    ]
    notes.append(
        f"Kolom {ly}: "
        + (
            "bulan yang sama tahun lalu; selisih = tahun ini dikurangi tahun lalu."
            if pack.last_year
            else f"belum ada laporan tahun {pack.year - 1} di Pantau."
        )
    )
    if pack.not_reported:
        notes.append("OPD belum melapor: " + ", ".join(pack.not_reported) + ".")
    if not pack.has_data:
        notes.insert(0, f"Belum ada DPA atau laporan untuk {pack.period}.")
    last_row = _notes(ws, row + 1, notes)
    end = _signature(ws, last_row + 1, pack.settings, 2, 5, pack.today)
    _print_setup(ws, header, end, len(cols), 2)
    ws.page_setup.fitToHeight = 1  # the summary and its signature on one page


def _kurva(wb: Workbook, pack: PackData) -> None:
    """The kurva S from January to the pack's month (the PPTX slide's numbers) and a native line
    chart of its four columns (target dashed, months without reports left as gaps)."""
    cols = KURVA_COLS
    ws, header = _sheet(wb, "Kurva S", pack, cols)
    row = header + 1
    curve = pack.kurva if pack.has_data else pack.kurva.iloc[0:0]
    for r in curve.itertuples(index=False):
        _write(
            ws,
            row,
            cols,
            [BULAN[int(r.bulan) - 1], r.target_fisik_pct, r.fisik_pct, r.target_serapan_pct, r.keuangan_pct],
        )
        row += 1
    chart = None
    if curve.empty:
        _empty_row(ws, row, len(cols), f"Belum ada DPA atau laporan untuk {pack.period}.")
        row += 1
    else:
        chart = LineChart()
        chart.style = 12
        chart.title = f"Kurva S {pack.year}: target dan realisasi kumulatif (%) s.d. {pack.period}"
        chart.y_axis.title = "Persen (kumulatif)"
        chart.y_axis.numFmt = "0"
        chart.y_axis.scaling.min = 0
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        chart.add_data(Reference(ws, min_col=2, max_col=5, min_row=header, max_row=row - 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=row - 1))
        chart.display_blanks = "gap"
        chart.legend.position = "b"
        for i, (series, colour) in enumerate(zip(chart.series, KURVA_SERIES_COLOURS)):
            series.smooth = False
            series.graphicalProperties.line.solidFill = colour
            series.graphicalProperties.line.width = 28575  # 2.25 pt
            if i in (0, 2):  # the targets
                series.graphicalProperties.line.dashStyle = "dash"
            series.marker.symbol = "none" if i == 2 else "circle"
        chart.height = 9
    _finish(
        ws,
        header,
        row,
        cols,
        [
            "Persen kumulatif dari pagu (0-100); fisik tertimbang pagu. Target serapan: anggaran kas bila dimuat, "
            "selebihnya kurva target serapan Pengaturan. Bulan tanpa laporan dibiarkan kosong."
        ],
        freeze_col=2,
        chart=chart,
    )


def _belum(wb: Workbook, pack: PackData) -> None:
    """OPDs without a report for the month and the days past the deadline (core.status)."""
    cols = BELUM_COLS
    ws, header = _sheet(wb, "Belum Melapor", pack, cols)
    row = header + 1
    red = PatternFill("solid", fgColor=COLOURS["merah"].lstrip("#").upper())
    belum = pack.belum if pack.has_data else pack.belum.iloc[0:0]
    for i, r in enumerate(belum.itertuples(index=False), start=1):
        late = int(r.hari_terlambat)
        _write(
            ws,
            row,
            cols,
            [
                i,
                r.opd,
                r.label if r.label != r.opd else None,
                _date(r.batas),
                late,
                "Melewati batas penyampaian" if late else "Batas penyampaian belum lewat",
            ],
        )
        if late:
            cell = ws.cell(row=row, column=5)
            cell.fill = red
            cell.font = Font(name="Arial", size=10, bold=True, color="FFFFFF")
        row += 1
    if belum.empty:
        _empty_row(
            ws,
            row,
            len(cols),
            f"Semua OPD sudah menyampaikan laporan {pack.period}."
            if pack.has_data
            else f"Belum ada DPA atau laporan untuk {pack.period}.",
        )
        row += 1
    deadline = pack.settings.deadline(pack.year, pack.month)
    _finish(
        ws,
        header,
        row,
        cols,
        [
            f"Laporan {pack.period} paling lambat {tanggal(deadline)}; keadaan {tanggal(pack.today)}. "
            "Terlambat: hari sesudah batas penyampaian, menurut tanggal laporan diterima."
        ],
    )


def _ranking(wb: Workbook, pack: PackData, name: str, ranking: pd.DataFrame, what: str) -> None:
    cols = list(RANKING_COLS)
    cols[3] = (f"Realisasi {what} (%)", 13, "pct")
    ws, header = _sheet(wb, name, pack, cols)
    row = header + 1
    for r in ranking.itertuples(index=False):
        _write(ws, row, cols, [r.peringkat, r.opd, r.label, r.value, LIGHT.get(r.lampu, "-")])
        row += 1
    if ranking.empty:
        _empty_row(ws, row, len(cols), f"Belum ada laporan realisasi OPD untuk {pack.period}.")
        row += 1
    chart = (
        None
        if ranking.empty
        else _bar_chart(
            ws,
            f"Realisasi {what} (%) s.d. {pack.period}",
            Reference(ws, min_col=3, min_row=header + 1, max_row=row - 1),
            Reference(ws, min_col=4, min_row=header, max_row=row - 1),
            horizontal=True,
            y_title="Persen",
            n=len(ranking),
            colours=[COLOURS.get(x, COLOURS["fisik"]).lstrip("#").upper() for x in ranking["lampu"]],
        )
    )
    notes = [
        "Hanya OPD yang sudah melapor; peringkat 1 tertinggi. Lampu: deviasi fisik dan serapan terhadap "
        "target serapan bulan ini (lihat lembar Ringkasan)."
    ]
    if pack.not_reported:
        notes.append("Belum melapor (tidak diperingkat): " + ", ".join(pack.not_reported) + ".")
    _finish(ws, header, row, cols, notes, chart=chart)


def _lowest(wb: Workbook, pack: PackData) -> None:
    cols = LOWEST_COLS
    ws, header = _sheet(wb, "OPD Terendah", pack, cols)
    row = header + 1
    for i, r in enumerate(pack.lowest.itertuples(index=False), start=1):
        _write(
            ws,
            row,
            cols,
            [
                i,
                r.opd,
                r.pagu,
                r.realisasi_keuangan,
                r.keuangan_pct,
                r.target_fisik_pct,
                r.fisik_pct,
                r.deviasi,
                LIGHT.get(r.lampu, "-"),
            ],
        )
        row += 1
    if pack.lowest.empty:
        _empty_row(ws, row, len(cols), f"Belum ada laporan realisasi OPD untuk {pack.period}.")
        row += 1
    _finish(
        ws,
        header,
        row,
        cols,
        [f"{pack.lowest_n} OPD dengan realisasi keuangan (serapan) terendah di antara OPD yang sudah melapor."],
    )


def _groups(wb: Workbook, pack: PackData, name: str, groups: pd.DataFrame, what: str) -> None:
    cols = [(c[0].format(what=what), c[1], c[2]) for c in GROUP_COLS]
    ws, header = _sheet(wb, name, pack, cols)
    row = header + 1
    for r in groups.itertuples(index=False):
        _write(
            ws,
            row,
            cols,
            [
                r.label,
                r.sub_kegiatan,
                r.pagu,
                r.realisasi_keuangan,
                r.keuangan_pct,
                r.target_fisik_pct,
                r.fisik_pct,
                r.deviasi,
            ],
        )
        row += 1
    if groups.empty:
        _empty_row(ws, row, len(cols), f"Belum ada DPA atau laporan untuk {pack.period}.")
        _finish(ws, header, row + 1, cols, [])
        return
    first, last = header + 1, row - 1
    t = pack.totals
    _write(
        ws,
        row,
        cols,
        [
            "JUMLAH",
            t["sub_kegiatan"],
            t["pagu"],
            t["realisasi_keuangan"],
            t["keuangan_pct"],
            t["target_fisik_pct"],
            t["fisik_pct"],
            t["deviasi"],
        ],
        bold=True,
        fill=TOTAL_FILL,
    )
    split = name == "Fisik Non Fisik"
    chart = _bar_chart(
        ws,
        f"Pagu dan realisasi keuangan (Rp) {'' if split else 'per ' + what.lower() + ' '}s.d. {pack.period}",
        Reference(ws, min_col=1, min_row=first, max_row=last),
        Reference(ws, min_col=3, max_col=4, min_row=header, max_row=last),
        horizontal=not split,
        y_title="Rupiah",
        n=2 * len(groups),
        percent=False,
        series_colours=[PAGU_COLOUR, COLOURS["keuangan"].lstrip("#").upper()],
    )
    _finish(
        ws,
        header,
        row + 1,
        cols,
        ["Fisik dan target fisik: rata-rata tertimbang pagu; persen dalam poin (0-100)."],
        freeze_col=2,
        chart=chart,
    )


def _kritis(wb: Workbook, pack: PackData) -> None:
    cols = KRITIS_COLS
    ws, header = _sheet(wb, "Kontrak Kritis", pack, cols)
    row = header + 1
    for i, r in enumerate(pack.kritis.itertuples(index=False), start=1):
        _write(
            ws,
            row,
            cols,
            [
                i,
                r.opd,
                r.kode,
                r.nama,
                r.pagu,
                r.target_fisik,
                r.realisasi_fisik,
                r.deviasi,
                r.permasalahan if not _missing(r.permasalahan) else None,
            ],
        )
        row += 1
    if pack.kritis.empty:
        _empty_row(
            ws,
            row,
            len(cols),
            f"Tidak ada kontrak fisik konstruksi yang kritis s.d. akhir {pack.period}."
            if pack.has_reports
            else f"Belum ada laporan realisasi OPD untuk {pack.period}.",
        )
        row += 1
    s = pack.settings
    _finish(
        ws,
        header,
        row,
        cols,
        [
            f"Kritis: rencana 0-70 % dan tertinggal lebih dari {s.kritis_awal_poin:g} poin, atau rencana 70-100 % dan "
            f"tertinggal lebih dari {s.kritis_akhir_poin:g} poin (ambang dari Pengaturan). Paling tertinggal di atas."
        ],
    )


def _masalah(wb: Workbook, pack: PackData) -> None:
    cols = MASALAH_COLS
    ws, header = _sheet(wb, "Permasalahan", pack, cols)
    row = header + 1
    for i, r in enumerate(pack.masalah.itertuples(index=False), start=1):
        _write(ws, row, cols, [i, r.opd, r.permasalahan, r.solusi or None, r.sub_kegiatan, r.pagu])
        row += 1
    if pack.masalah.empty:
        _empty_row(
            ws,
            row,
            len(cols),
            f"Belum ada permasalahan yang dituliskan OPD dalam laporan {pack.period}."
            if pack.has_reports
            else f"Belum ada laporan realisasi OPD untuk {pack.period}.",
        )
        row += 1
    _finish(ws, header, row, cols, ["Jumlah sub kegiatan dan pagu: sub kegiatan yang melaporkan permasalahan itu."])


def _tindak_lanjut(wb: Workbook, pack: PackData) -> None:
    cols = TL_COLS
    ws, header = _sheet(wb, "Tindak Lanjut", pack, cols)
    row = header + 1
    red = PatternFill("solid", fgColor=COLOURS["merah"].lstrip("#").upper())
    for i, r in enumerate(pack.tindak_lanjut.itertuples(index=False), start=1):
        late = bool(r.terlambat) if not _missing(r.terlambat) else False
        _write(
            ws,
            row,
            cols,
            [
                i,
                _date(r.rakor_tanggal),
                r.opd,
                r.masalah,
                r.keputusan,
                r.pic,
                _date(r.batas_waktu),
                r.status_label or r.status,
                "Ya" if late else "Tidak",
                r.catatan_terakhir if not _missing(r.catatan_terakhir) else None,
            ],
        )
        if late:
            for j in (8, 9):
                cell = ws.cell(row=row, column=j)
                cell.fill = red
                cell.font = Font(name="Arial", size=10, bold=True, color="FFFFFF")
        row += 1
    if pack.tindak_lanjut.empty:
        _empty_row(ws, row, len(cols), "Belum ada tindak lanjut rakor sebelumnya yang masih terbuka.")
        row += 1
    _finish(
        ws,
        header,
        row,
        cols,
        [f"Tindak lanjut yang belum selesai per {tanggal(pack.today)}; terlambat = melewati batas waktu."],
    )


def build_xlsx(pack: PackData) -> bytes:
    """The meeting pack workbook of ``pack`` (one sheet per slide topic) as bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    _ringkasan(wb, pack)
    _kurva(wb, pack)
    _belum(wb, pack)
    _ranking(wb, pack, "Peringkat Keuangan", pack.ranking_keuangan, "keuangan")
    _ranking(wb, pack, "Peringkat Fisik", pack.ranking_fisik, "fisik")
    _lowest(wb, pack)
    _groups(wb, pack, "Fisik Non Fisik", pack.jenis, "Jenis")
    _groups(wb, pack, "Sumber Dana", pack.sumber_dana, "Sumber Dana")
    _kritis(wb, pack)
    _masalah(wb, pack)
    _tindak_lanjut(wb, pack)
    wb.properties.title = f"Materi Rakor POK {pack.period}"
    wb.properties.creator = "Pantau"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
