"""The request letter (surat permohonan laporan realisasi fisik dan keuangan, Rakor POK SOP steps
4-6) as a Word document: kop, place and date, nomor, sifat, lampiran, hal, the OPDs addressed, the
request with the period, the format and the deadline, the contact, the signatory from settings and
tembusan; a lampiran lists every OPD with its template file.

Built with python-docx on an F4 page (215 x 330 mm, the usual paper of regional government letters),
Arial 12. Dates are Indonesian (``10 April 2026``).
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core.format import number, rupiah
from core.months import BULAN
from core.settings import Settings
from db.store import Store

from .recap_xlsx import tanggal
from .request_template import default_contact, pimpinan, request_plan, title_case

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Arial"
SIZE = 12
# More OPDs than this are listed in the lampiran instead of under "Yth.".
MAX_IN_LETTER = 5
# pPr children that come after w:pBdr in the WordprocessingML schema (the order Word requires).
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def kepala_daerah(nama_daerah: str) -> str:
    """ "Kabupaten Tanjung Makmur" -> "Bupati Tanjung Makmur"; "Kota X" -> "Wali Kota X"."""
    nama = " ".join(str(nama_daerah).split())
    low = nama.lower()
    if low.startswith("kabupaten "):
        return "Bupati " + nama[len("kabupaten ") :]
    if low.startswith("kota "):
        return "Wali Kota " + nama[len("kota ") :]
    if low.startswith("provinsi "):
        return "Gubernur " + nama[len("provinsi ") :]
    return "Kepala Daerah " + nama


def default_perihal(year: int, month: int) -> str:
    """``Permohonan Laporan Realisasi Fisik dan Keuangan Bulan Maret 2026``."""
    return f"Permohonan Laporan Realisasi Fisik dan Keuangan Bulan {BULAN[month - 1]} {year}"


def default_tembusan(settings: Settings) -> list[str]:
    """The head of the region (as a report) and the Sekretaris Daerah."""
    return [f"{kepala_daerah(settings.nama_daerah)} (sebagai laporan)", f"Sekretaris Daerah {settings.nama_daerah}"]


def _paragraph(
    doc_or_cell,
    text: str = "",
    *,
    bold: bool = False,
    size: float = SIZE,
    align=WD_ALIGN_PARAGRAPH.LEFT,
    before: float = 0,
    after: float = 0,
    indent: float | None = None,
    first: float | None = None,
    underline: bool = False,
    keep: bool = False,
):
    p = doc_or_cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    if indent is not None:
        fmt.left_indent = Cm(indent)
    if first is not None:
        fmt.first_line_indent = Cm(first)
    if keep:
        fmt.keep_with_next = True
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.underline = underline
        run.font.size = Pt(size)
    return p


def _rule(paragraph) -> None:
    """The double line under the kop (a thick-thin paragraph border)."""
    pPr = paragraph.paragraph_format.element.get_or_add_pPr()  # element: the w:p
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thickThinSmallGap"), ("w:sz", "24"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    pPr.insert_element_before(border, *_AFTER_PBDR)


def _kop(doc, settings: Settings) -> None:
    """The kop: the logo (when set) left of the centred lines, a double rule under them."""
    lines = [(settings.kop_1, 14), (settings.kop_2, 15), (settings.kop_3, 13)]
    lines = [(t.strip().upper(), s, True) for t, s in lines if t and t.strip()]
    if settings.kop_alamat and settings.kop_alamat.strip():
        lines.append((settings.kop_alamat.strip(), 10, False))
    if not lines:
        _paragraph(doc, "", after=4)
        return
    container = doc
    if settings.logo_file:
        table = doc.add_table(rows=1, cols=2)
        _no_borders(table)
        _widths(table, (Cm(2.8), Cm(13.8)))
        logo_cell, container = table.rows[0].cells
        logo_cell.paragraphs[0].add_run().add_picture(settings.logo_file, height=Cm(2.4))
        logo_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, (text, size, bold) in enumerate(lines):
        if i == 0 and container is not doc:
            p = container.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(text)
            run.bold, run.font.size = bold, Pt(size)
        else:
            _paragraph(container, text, bold=bold, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
    last = _paragraph(doc, "", size=4) if container is not doc else doc.paragraphs[-1]
    last.paragraph_format.space_after = Pt(2)
    _rule(last)
    _paragraph(doc, "", after=4)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table, widths) -> None:
    """Column widths that Word and LibreOffice both honour (the grid and every cell)."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _cell_text(cell, text: str, *, bold: bool = False, size: float = SIZE, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _fields(container, rows: list[tuple[str, str]], widths=(Cm(2.6), Cm(0.5), Cm(13.0)), size: float = SIZE) -> None:
    """Label : value lines, aligned in a borderless table (in the document or in a table cell)."""
    table = (
        container.add_table(rows=len(rows), cols=3)
        if hasattr(container, "sections")
        else container.add_table(len(rows), 3)
    )
    _no_borders(table)
    for r, (label, value) in enumerate(rows):
        for c, text in enumerate((label, ":", value)):
            _cell_text(table.cell(r, c), text, size=size)
    _widths(table, widths)


def _signature(doc, settings: Settings, day: dt.date | None = None) -> None:
    """Jabatan, room to sign, name (bold, underlined) and NIP in the right half of the page."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, (Cm(8.0), Cm(9.0)))
    row_pr = table.rows[0]._tr.get_or_add_trPr()
    row_pr.append(OxmlElement("w:cantSplit"))  # the block never splits over two pages
    right = table.cell(0, 1)
    nama = settings.ttd_nama.strip() if settings.ttd_nama else ""
    nip = settings.ttd_nip.strip() if settings.ttd_nip else ""
    first = right.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if day is not None:
        first.add_run(f"{settings.tempat}, {tanggal(day)}").font.size = Pt(SIZE)
        first = right.add_paragraph()
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first.add_run(f"{settings.ttd_jabatan},").font.size = Pt(SIZE)
    for _ in range(3):
        right.add_paragraph()
    _paragraph(
        right, nama or "(" + "." * 40 + ")", bold=bool(nama), underline=bool(nama), align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _paragraph(right, f"NIP. {nip}" if nip else "NIP. " + "." * 30, align=WD_ALIGN_PARAGRAPH.CENTER)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.5), Cm(33.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(SIZE)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def request_letter(
    store: Store,
    year: int,
    month: int,
    settings: Settings,
    *,
    nomor: str = "",
    tanggal_surat: dt.date | None = None,
    opd_kodes: list[str] | None = None,
    sifat: str = "Penting",
    lampiran: str = "1 (satu) berkas",
    perihal: str | None = None,
    kontak: str | None = None,
    tembusan: list[str] | None = None,
    daftar_di_lampiran: bool | None = None,
) -> bytes:
    """The request letter for (year, month) as .docx bytes, addressed to every OPD of the year's
    DPA (only ``opd_kodes`` when given). ``nomor`` empty leaves a dotted line to fill at signing;
    ``tanggal_surat`` defaults to today; the deadline is :meth:`Settings.deadline` (day
    ``batas_hari`` of the next month). More than :data:`MAX_IN_LETTER` OPDs are listed in the
    lampiran unless ``daftar_di_lampiran`` says otherwise. Raises ``ValueError`` (Indonesian) when
    no OPD is addressed."""
    plan = request_plan(store, year, month, opd_kodes)
    if plan.empty:
        raise ValueError(f"Belum ada DPA tahun {year} untuk OPD yang dipilih; surat tidak dapat dibuat.")
    return letter_docx(
        plan,
        year,
        month,
        settings,
        nomor=nomor,
        tanggal_surat=tanggal_surat,
        sifat=sifat,
        lampiran=lampiran,
        perihal=perihal,
        kontak=kontak,
        tembusan=tembusan,
        daftar_di_lampiran=daftar_di_lampiran,
    )


def letter_docx(
    plan: pd.DataFrame,
    year: int,
    month: int,
    settings: Settings,
    *,
    nomor: str = "",
    tanggal_surat: dt.date | None = None,
    sifat: str = "Penting",
    lampiran: str = "1 (satu) berkas",
    perihal: str | None = None,
    kontak: str | None = None,
    tembusan: list[str] | None = None,
    daftar_di_lampiran: bool | None = None,
) -> bytes:
    """The letter from a :func:`exports.request_template.request_plan` (see :func:`request_letter`)."""
    day = tanggal_surat or dt.date.today()
    nomor = nomor.strip() or "." * 30
    perihal = (perihal or "").strip() or default_perihal(year, month)
    kontak = (kontak or "").strip() or default_contact(settings)
    tembusan = default_tembusan(settings) if tembusan is None else [t.strip() for t in tembusan if t.strip()]
    in_lampiran = len(plan) > MAX_IN_LETTER if daftar_di_lampiran is None else daftar_di_lampiran
    period = f"{BULAN[month - 1]} {year}"
    deadline = tanggal(settings.deadline(year, month))
    unit = " ".join(title_case(t) for t in (settings.kop_3, settings.kop_2) if t and t.strip())
    unit = f"{unit} {settings.nama_daerah}".strip()
    heads = [pimpinan(o) for o in plan["opd"]]

    doc = Document()
    _page(doc)
    _kop(doc, settings)
    _paragraph(doc, f"{settings.tempat}, {tanggal(day)}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=6)
    _fields(doc, [("Nomor", nomor), ("Sifat", sifat), ("Lampiran", lampiran), ("Hal", perihal)])
    _paragraph(doc, "", after=6)
    _paragraph(doc, "Yth. Kepala Perangkat Daerah di lingkungan", keep=True)
    _paragraph(doc, f"Pemerintah {settings.nama_daerah}", indent=1.0, keep=True)
    if in_lampiran:
        _paragraph(doc, "(daftar terlampir)", indent=1.0, keep=True)
    else:
        for i, head in enumerate(heads, start=1):
            _paragraph(doc, f"{i}. {head}", indent=1.6, first=-0.6, keep=True)
    _paragraph(doc, "di", keep=True, before=4)
    _paragraph(doc, "Tempat", indent=1.0, after=10)

    body = (
        f"Dalam rangka pengendalian pelaksanaan kegiatan Tahun Anggaran {year} dan sebagai bahan Rapat "
        f"Koordinasi Pengendalian Operasional Kegiatan (Rakor POK) {settings.nama_daerah}, dengan hormat kami "
        f"mohon Saudara menyampaikan Laporan Realisasi Fisik dan Keuangan keadaan sampai dengan akhir bulan "
        f"{period}, dengan ketentuan sebagai berikut:"
    )
    _paragraph(doc, body, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first=1.25, after=4)
    points = [
        f"laporan disusun menggunakan format terlampir, yaitu berkas Excel untuk masing-masing Perangkat Daerah "
        f"(Laporan_Realisasi_<singkatan>_{year}-{month:02d}.xlsx) yang telah memuat daftar program, kegiatan, "
        f"sub kegiatan, dan pagu sesuai DPA Tahun Anggaran {year} serta laporan bulan sebelumnya sebagai pembanding;",
        f"target fisik dan realisasi fisik (dalam persen) serta realisasi keuangan (dalam rupiah, sesuai SP2D) diisi "
        f"secara kumulatif sampai dengan akhir bulan {period};",
        "permasalahan dan solusi/tindak lanjut diisi untuk setiap sub kegiatan yang mengalami keterlambatan atau "
        "hambatan;",
        f"laporan ditandatangani oleh Kepala Perangkat Daerah dan disampaikan paling lambat tanggal {deadline} "
        f"dalam bentuk berkas Excel melalui aplikasi Pantau (menu Impor Laporan) atau kepada {unit}.",
    ]
    for letter, text in zip("abcd", points):
        _paragraph(doc, f"{letter}.\t{text}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=1.9, first=-0.65, after=2)
    _paragraph(
        doc,
        f"Untuk keterangan lebih lanjut, Saudara dapat menghubungi {kontak}.",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first=1.25,
        before=4,
        after=4,
    )
    _paragraph(
        doc,
        "Demikian, atas perhatian dan kerja sama Saudara kami sampaikan terima kasih.",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first=1.25,
        after=12,
        keep=True,
    )
    _signature(doc, settings)
    if tembusan:
        _paragraph(doc, "Tembusan:", before=18, underline=False, size=11)
        for i, text in enumerate(tembusan, start=1):
            end = ";" if i < len(tembusan) else "."
            _paragraph(doc, f"{i}. {text.rstrip(';.')}{end}", indent=0.6, first=-0.6, size=11)

    _lampiran(doc, plan, heads, settings, nomor, day, perihal, year, month)
    doc.core_properties.title = perihal
    doc.core_properties.author = "Pantau"
    doc.core_properties.subject = "Surat permohonan laporan realisasi fisik dan keuangan"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _lampiran(
    doc,
    plan: pd.DataFrame,
    heads: list[str],
    settings: Settings,
    nomor: str,
    day: dt.date,
    perihal: str,
    year: int,
    month: int,
) -> None:
    """A new page: the OPDs addressed, their number of sub kegiatan, pagu and template file."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    _widths(head, (Cm(7.5), Cm(9.5)))
    box = head.cell(0, 1)
    _cell_text(box, f"LAMPIRAN SURAT {settings.ttd_jabatan.upper()}", size=10)
    _fields(
        box,
        [("NOMOR", nomor), ("TANGGAL", tanggal(day)), ("HAL", perihal)],
        widths=(Cm(2.2), Cm(0.4), Cm(6.7)),
        size=10,
    )
    _paragraph(doc, "", after=6)
    _paragraph(
        doc,
        "DAFTAR PERANGKAT DAERAH DAN FORMAT LAPORAN REALISASI FISIK DAN KEUANGAN",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(
        doc,
        f"KEADAAN S.D. AKHIR BULAN {BULAN[month - 1].upper()} {year}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=8,
    )
    widths = (Cm(1.0), Cm(6.0), Cm(2.1), Cm(3.3), Cm(4.6))
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("No", "Yth.", "Sub Kegiatan", "Pagu (Rp)", "Berkas format laporan")):
        _cell_text(cell, text, bold=True, size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    for i, (r, head_name) in enumerate(zip(plan.itertuples(index=False), heads), start=1):
        cells = table.add_row().cells
        values = (str(i), head_name, number(r.sub_kegiatan), rupiah(r.pagu).replace("Rp ", ""), r.file_name)
        aligns = (
            WD_ALIGN_PARAGRAPH.CENTER,
            WD_ALIGN_PARAGRAPH.LEFT,
            WD_ALIGN_PARAGRAPH.RIGHT,
            WD_ALIGN_PARAGRAPH.RIGHT,
            WD_ALIGN_PARAGRAPH.LEFT,
        )
        for cell, text, align in zip(cells, values, aligns):
            _cell_text(cell, text, size=9 if cell is cells[4] else 10, align=align)
    cells = table.add_row().cells
    _cell_text(cells[1], "JUMLAH", bold=True, size=10)
    _cell_text(cells[2], number(int(plan["sub_kegiatan"].sum())), bold=True, size=10, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _cell_text(
        cells[3],
        rupiah(float(plan["pagu"].sum())).replace("Rp ", ""),
        bold=True,
        size=10,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    _widths(table, widths)
    _paragraph(doc, "", after=12)
    _signature(doc, settings)
