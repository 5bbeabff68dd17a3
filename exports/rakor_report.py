"""Laporan pelaksanaan Rakor POK (SOP Pengendalian Pembangunan step 14, the pertanggungjawaban
of the meeting): the meeting's data, attendees, a summary of the realisation it discussed,
the permasalahan and keputusan per OPD with PIC, batas waktu and status, and the signature
block from the settings. Two forms with the same content: a print-ready workbook
(:func:`rakor_xlsx`, built with the helpers of :mod:`exports.recap_xlsx`) and a Word document
(:func:`rakor_docx`, python-docx).

The realisation numbers are :func:`core.recap.kabupaten_totals` of :func:`core.recap.recap_opd`
for the period the meeting discussed, so they equal every other screen and export.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
from babel.dates import format_date
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core import tindak_lanjut as tl
from core.format import percent, points, rupiah
from core.months import BULAN
from core.recap import kabupaten_totals, recap_opd
from core.settings import Settings, load
from db.store import Store

from .sheet_layout import (
    DEVIASI,
    _font,
    _header,
    _heading,
    _merged_line,
    _notes,
    _print_setup,
    _row,
    _signature,
    tanggal,
)
from .table_xlsx import PERCENT, RUPIAH, put

TITLE = "LAPORAN PELAKSANAAN RAPAT KOORDINASI PENGENDALIAN OPERASIONAL KEGIATAN (RAKOR POK)"
SHEET = "Laporan Rakor"
DATE_FORMAT = "DD-MM-YYYY"
# The decisions table: (header, width, kind) as in exports.recap_xlsx
COLUMNS = [
    ("No", 5, "no"),
    ("OPD", 28, "text"),
    ("Permasalahan", 38, "text"),
    ("Keputusan / Tindak Lanjut", 38, "text"),
    ("PIC", 16, "text"),
    ("Batas Waktu", 12, "center"),
    ("Status", 16, "center"),
    ("Keterangan", 30, "text"),
]
RED = "C62828"


class UnknownRakor(LookupError):
    """The meeting does not exist (message in Indonesian)."""


@dataclass
class ReportData:
    """Everything one report shows, read once."""

    rakor: dict
    peserta: list[tuple[str, str]]  # (kode, nama) of the attendees, by name
    totals: dict  # kabupaten_totals(recap_opd(tahun, bulan))
    decisions: pd.DataFrame  # tl.decisions(...) as of the report date
    settings: Settings
    today: dt.date

    @property
    def period(self) -> str:
        return f"{BULAN[self.rakor['bulan'] - 1]} {self.rakor['tahun']}"


def report_data(
    store: Store, rakor_id: int, settings: Settings | None = None, today: dt.date | None = None
) -> ReportData:
    """Read a meeting, its attendees, the period's kabupaten totals and its decisions (status
    as of ``today``) in one database session."""
    today = today or dt.date.today()
    with store.session():
        rakor = tl.get_rakor(store, rakor_id)
        if rakor is None:
            raise UnknownRakor(f"Rakor nomor {rakor_id} tidak ditemukan.")
        settings = settings or load(store)
        names = {o.kode: o.nama for o in store.opds()}
        totals = kabupaten_totals(recap_opd(store, rakor["tahun"], rakor["bulan"]))
        decisions = tl.decisions(store, rakor_id, as_of=today)
    peserta = sorted(((k, names.get(k, k)) for k in rakor["peserta"]), key=lambda p: p[1])
    return ReportData(rakor, peserta, totals, decisions, settings, today)


def hari_tanggal(day: dt.date) -> str:
    """``Selasa, 14 April 2026``."""
    return f"{format_date(day, 'EEEE', locale='id')}, {tanggal(day)}"


def summary_rows(totals: dict) -> list[tuple[str, object, str]]:
    """(label, value, kind) of the realisation summary; kind: rupiah | pct | dev | text."""
    return [
        ("Pagu anggaran", totals["pagu"], "rupiah"),
        ("Realisasi keuangan", totals["realisasi_keuangan"], "rupiah"),
        ("Realisasi keuangan (%)", totals["keuangan_pct"], "pct"),
        ("Target fisik (%)", totals["target_fisik_pct"], "pct"),
        ("Realisasi fisik (%)", totals["fisik_pct"], "pct"),
        ("Deviasi fisik (poin)", totals["deviasi"], "dev"),
        ("OPD yang telah melapor", f"{totals['opd_reported']} dari {totals['opd_total']} OPD", "text"),
        ("Jumlah sub kegiatan", totals["sub_kegiatan"], "count"),
    ]


def _screen_value(value, kind: str) -> str:
    if kind == "rupiah":
        return rupiah(value)
    if kind == "pct":
        return percent(value)
    if kind == "dev":
        return points(value)
    if kind == "count":
        return f"{value:,}".replace(",", ".")
    return str(value)


def _status_text(row) -> str:
    return tl.BATAL_LABEL if row.dibatalkan else row.status_label


def _keterangan(row) -> str | None:
    """Reason of a cancellation, else the latest note with its date, and the overdue mark."""
    parts = []
    if row.dibatalkan:
        parts.append(f"Alasan batal: {row.alasan_batal}" if row.alasan_batal else None)
    elif row.catatan_terakhir:
        parts.append(f"{tl.tgl(row.tanggal_catatan)}: {row.catatan_terakhir}")
    if row.terlambat:
        parts.append("Melewati batas waktu")
    text = "; ".join(p for p in parts if p)
    return text or None


# ---------------------------------------------------------------------------------- XLSX
def _pair(ws, row: int, label: str, value, ncols: int, number_format: str | None = None) -> int:
    """``label : value`` over the table width (label in column B, value merged C..last)."""
    a = ws.cell(row=row, column=2)
    put(a, label)
    a.font = _font()
    a.alignment = Alignment(vertical="top")
    b = ws.cell(row=row, column=3)
    put(b, value)
    b.font = _font(bold=number_format is not None)
    b.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    if number_format:
        b.number_format = number_format
    ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=ncols)
    if isinstance(value, str) and len(value) > 110:
        ws.row_dimensions[row].height = 13 * (len(value) // 110 + 1)
    return row + 1


def _section(ws, row: int, text: str) -> int:
    cell = ws.cell(row=row, column=1)
    put(cell, text)
    cell.font = _font(True, 11)
    return row + 1


def rakor_xlsx(store: Store, rakor_id: int, settings: Settings | None = None, today: dt.date | None = None) -> bytes:
    """Print-ready workbook of the Laporan pelaksanaan Rakor (one A4 landscape sheet): kop,
    title, meeting data, attendees, realisation summary (kabupaten_totals of recap_opd, as
    numbers), decisions per OPD with PIC, batas waktu (dates) and status, signature block."""
    data = report_data(store, rakor_id, settings, today)
    r, s, ncols = data.rakor, data.settings, len(COLUMNS)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for j, (_, width, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    row = _heading(ws, s, TITLE, s.nama_daerah, r["tahun"], r["bulan"], ncols) - 1
    row = _section(ws, row, "A. Pelaksanaan")
    row = _pair(ws, row, "Hari, tanggal", hari_tanggal(r["tanggal"]), ncols)
    row = _pair(ws, row, "Tempat", r["tempat"] or "-", ncols)
    row = _pair(ws, row, "Pimpinan rapat", r["pimpinan"] or "-", ncols)
    row = _pair(ws, row, "Realisasi yang dibahas", f"s.d. akhir bulan {data.period}", ncols)
    row = _pair(ws, row, "Jumlah peserta", f"{len(data.peserta)} OPD", ncols)
    if r["catatan"]:
        row = _pair(ws, row, "Arahan / catatan", r["catatan"], ncols)
    row += 1
    row = _section(ws, row, "B. Daftar OPD peserta")
    for i, (_, nama) in enumerate(data.peserta, start=1):
        put(ws.cell(row=row, column=1), i)
        ws.cell(row=row, column=1).font = _font()
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="right")
        cell = ws.cell(row=row, column=2)
        put(cell, nama)
        cell.font = _font()
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        row += 1
    row += 1
    row = _section(ws, row, f"C. Ringkasan realisasi fisik dan keuangan s.d. akhir bulan {data.period}")
    fmt = {"rupiah": RUPIAH, "pct": PERCENT, "dev": DEVIASI, "count": "#,##0", "text": None}
    for label, value, kind in summary_rows(data.totals):
        row = _pair(ws, row, label, value, ncols, fmt[kind] or "@")
    row += 1
    row = _section(ws, row, "D. Permasalahan dan keputusan / tindak lanjut per OPD")
    header = row
    _header(ws, header, COLUMNS)
    row = header + 1
    if data.decisions.empty:
        _merged_line(ws, row, "Tidak ada keputusan yang dicatat pada rakor ini.", ncols, _font(italic=True))
        row += 1
    for i, d in enumerate(data.decisions.itertuples(index=False), start=1):
        _row(ws, row, COLUMNS, [i, d.opd, d.masalah, d.keputusan, d.pic or "-", None, _status_text(d), _keterangan(d)])
        due = ws.cell(row=row, column=6)
        if not pd.isna(d.batas_waktu):
            due.value = d.batas_waktu
            due.number_format = DATE_FORMAT
        else:
            put(due, "-")
        if d.terlambat:
            for col in range(1, ncols + 1):
                cell = ws.cell(row=row, column=col)
                cell.font = Font(name=cell.font.name, size=cell.font.size, bold=True, color=RED)
        row += 1
    row = _notes(
        ws,
        row + 1,
        [
            f"Status tindak lanjut per {tanggal(data.today)}. Merah tebal: belum selesai dan melewati batas waktu.",
            "Angka realisasi sama dengan Rekap OPD Pantau untuk periode yang dibahas (persen dalam poin 0-100).",
        ],
    )
    last = _signature(ws, row + 1, s, 6, ncols, data.today)
    _print_setup(ws, header, last, ncols, 1)
    ws.freeze_panes = None  # the table starts low on the sheet: no frozen rows
    wb.properties.title = f"Laporan Pelaksanaan Rakor POK {tanggal(r['tanggal'])}"
    wb.properties.creator = "Pantau"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------- DOCX
def _para(
    doc,
    text: str = "",
    *,
    bold: bool = False,
    size: float = 11,
    align=None,
    italic: bool = False,
    space_after: float = 4,
    underline: bool = False,
):
    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.keep_with_next = bold  # a heading stays with what follows it
    return p


def _rule_below(paragraph) -> None:
    """A double line under a paragraph (the kop's rule)."""
    ppr = paragraph.paragraph_format.element.get_or_add_pPr()  # element: the w:p
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "double"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _cell(cell, text: str, *, bold: bool = False, size: float = 10, align=None, color: str | None = None) -> None:
    p = cell.paragraphs[0]  # a new cell holds one empty paragraph
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    if align is not None:
        p.alignment = align


def _shade(cell, fill: str = "D9D9D9") -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _table(
    doc,
    header: list[str],
    rows: list[list[str]],
    widths_cm: list[float],
    red_rows: set[int] = frozenset(),
    right: set[int] = frozenset(),
    size: float = 10,
):
    """A bordered table: shaded header repeated on every page, rows kept whole, fixed column
    widths; the rows in ``red_rows`` (0-based) in bold red; ``right`` columns right-aligned."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, text in enumerate(header):
        _cell(table.rows[0].cells[j], text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
        _shade(table.rows[0].cells[j])
    _row_flag(table.rows[0], "w:tblHeader")
    for i, values in enumerate(rows):
        row = table.add_row()
        _row_flag(row, "w:cantSplit")
        for j, text in enumerate(values):
            _cell(
                row.cells[j],
                text,
                bold=i in red_rows,
                color=RED if i in red_rows else None,
                size=size,
                align=WD_ALIGN_PARAGRAPH.RIGHT if j in right else None,
            )
    for j, width in enumerate(widths_cm):
        table.columns[j].width = Cm(width)
        for cell in table.columns[j].cells:
            cell.width = Cm(width)
    return table


def _row_flag(row, tag: str) -> None:
    """Set a row property without value (``w:tblHeader``: repeat as header; ``w:cantSplit``)."""
    row._tr.get_or_add_trPr().append(OxmlElement(tag))


def rakor_docx(store: Store, rakor_id: int, settings: Settings | None = None, today: dt.date | None = None) -> bytes:
    """The Laporan pelaksanaan Rakor as a Word document (A4 portrait): kop, title, dasar,
    waktu / tempat / pimpinan, peserta, ringkasan realisasi (kabupaten_totals of recap_opd),
    permasalahan and keputusan per OPD, penutup, signature block."""
    data = report_data(store, rakor_id, settings, today)
    r, s = data.rakor, data.settings
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)

    center = WD_ALIGN_PARAGRAPH.CENTER
    if s.logo_file:
        logo = _para(doc, "", align=center, space_after=0)
        logo.add_run().add_picture(s.logo_file, height=Cm(2.0))
    kop = [(s.kop_1, 14), (s.kop_2, 13), (s.kop_3, 12)]
    last = None
    for text, size in kop:
        if text and text.strip():
            last = _para(doc, text.strip(), bold=True, size=size, align=center, space_after=0)
    if s.kop_alamat and s.kop_alamat.strip():
        last = _para(doc, s.kop_alamat.strip(), size=9, italic=True, align=center, space_after=0)
    if last is not None:
        _rule_below(last)
    _para(doc, "", space_after=6)
    _para(doc, TITLE, bold=True, size=12, align=center, space_after=0)
    _para(
        doc,
        f"REALISASI FISIK DAN KEUANGAN S.D. AKHIR BULAN {data.period.upper()}",
        bold=True,
        size=11,
        align=center,
        space_after=12,
    )

    _para(doc, "I. DASAR", bold=True)
    for i, text in enumerate(
        [
            "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;",
            f"Peraturan Kepala Daerah tentang Penjabaran Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran "
            f"{r['tahun']};",
            "Standar Operasional Prosedur Pengendalian Pembangunan Daerah (Rapat Koordinasi Pengendalian "
            "Operasional Kegiatan).",
        ],
        start=1,
    ):
        _para(doc, f"{i}. {text}", space_after=2).paragraph_format.left_indent = Cm(0.6)

    _para(doc, "II. WAKTU DAN TEMPAT", bold=True).paragraph_format.space_before = Pt(8)
    for label, value in (
        ("Hari, tanggal", hari_tanggal(r["tanggal"])),
        ("Tempat", r["tempat"] or "-"),
        ("Pimpinan rapat", r["pimpinan"] or "-"),
        ("Realisasi yang dibahas", f"s.d. akhir bulan {data.period}"),
    ):
        p = _para(doc, f"{label}\t: {value}", space_after=2)
        p.paragraph_format.left_indent = Cm(0.6)
        p.paragraph_format.tab_stops.add_tab_stop(Cm(5.2))

    _para(doc, f"III. PESERTA ({len(data.peserta)} OPD)", bold=True).paragraph_format.space_before = Pt(8)
    for i, (_, nama) in enumerate(data.peserta, start=1):
        _para(doc, f"{i}. {nama}", space_after=0).paragraph_format.left_indent = Cm(0.6)

    _para(
        doc, f"IV. RINGKASAN REALISASI S.D. AKHIR BULAN {data.period.upper()}", bold=True
    ).paragraph_format.space_before = Pt(8)
    _para(doc, f"Realisasi {s.nama_daerah} menurut laporan OPD yang diterima (Rekap OPD Pantau):", space_after=4)
    _table(
        doc,
        ["Uraian", "Nilai"],
        [[label, _screen_value(value, kind)] for label, value, kind in summary_rows(data.totals)],
        [9.0, 7.0],
        right={1},
    )
    if r["catatan"]:
        _para(doc, "Arahan pimpinan rapat:", bold=True, space_after=2).paragraph_format.space_before = Pt(6)
        _para(doc, r["catatan"])

    _para(doc, "V. PERMASALAHAN DAN KEPUTUSAN / TINDAK LANJUT", bold=True).paragraph_format.space_before = Pt(10)
    if data.decisions.empty:
        _para(doc, "Tidak ada keputusan yang dicatat pada rakor ini.", italic=True)
    for n, (opd, group) in enumerate(data.decisions.groupby("opd", sort=False), start=1):
        heading = _para(doc, f"{n}. {opd}", bold=True, space_after=2)
        heading.paragraph_format.space_before = Pt(6)
        heading.paragraph_format.keep_with_next = True
        rows, red = [], set()
        for i, d in enumerate(group.itertuples(index=False)):
            rows.append(
                [
                    str(i + 1),
                    d.masalah,
                    d.keputusan,
                    d.pic or "-",
                    tl.tgl(d.batas_waktu),
                    _status_text(d) + (f" - {_keterangan(d)}" if _keterangan(d) else ""),
                ]
            )
            if d.terlambat:
                red.add(i)
        _table(
            doc,
            ["No", "Permasalahan", "Keputusan / Tindak Lanjut", "PIC", "Batas Waktu", "Status"],
            rows,
            [1.0, 3.9, 3.9, 2.2, 2.2, 2.8],
            red,
            size=9,
        )
    _para(
        doc,
        f"Status tindak lanjut per {tanggal(data.today)}; baris merah tebal: belum selesai dan melewati batas waktu.",
        size=8,
        italic=True,
    ).paragraph_format.space_before = Pt(4)

    _para(doc, "VI. PENUTUP", bold=True).paragraph_format.space_before = Pt(10)
    _para(
        doc,
        "Demikian laporan pelaksanaan Rapat Koordinasi Pengendalian Operasional Kegiatan ini disusun sebagai "
        "bahan pertanggungjawaban dan untuk dipantau tindak lanjutnya pada rakor berikutnya.",
    )

    sign = doc.add_table(rows=1, cols=2)
    box = sign.rows[0].cells[1]
    nama = s.ttd_nama.strip() if s.ttd_nama else ""
    nip = s.ttd_nip.strip() if s.ttd_nip else ""
    lines = [
        (f"{s.tempat}, {tanggal(data.today)}", False, False),
        (s.ttd_jabatan, False, False),
        ("", False, False),
        ("", False, False),
        ("", False, False),
        (nama or "(" + "." * 40 + ")", True, bool(nama)),
        (f"NIP. {nip}" if nip else "NIP. " + "." * 30, False, False),
    ]
    for i, (text, bold, underline) in enumerate(lines):
        p = box.paragraphs[0] if i == 0 else box.add_paragraph()
        p.alignment = center
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold, run.underline = bold, underline
    doc.core_properties.title = f"Laporan Pelaksanaan Rakor POK {tanggal(r['tanggal'])}"
    doc.core_properties.author = "Pantau"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
