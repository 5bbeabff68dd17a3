"""The print-ready Excel recap of a month (DESIGN §6): kop, title, period, the recap per OPD
and the program / kegiatan / sub kegiatan detail, totals, signature block, A4 landscape.

Every number comes from :mod:`core.recap` (``recap_opd``, ``kabupaten_totals``, ``leaf_recap``,
``rollup``) and is written as a number, never as text, so users can keep calculating; a
missing value is an empty cell. Written with XlsxWriter in constant-memory mode (row by row,
top to bottom); every text goes through ``write_string``, so text from an upload that starts
with = + - @ stays text.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import namedtuple

import pandas as pd
import xlsxwriter

from core.months import BULAN
from core.recap import kabupaten_totals, leaf_recap, level_recap, recap_opd
from core.settings import Settings, load
from db.store import Store

from .sheet_layout import (
    DEVIASI,
    FONT,
    FORMATS,
    HEADER_FILL,
    KEGIATAN_FILL,
    LINE_HEIGHT,
    OPD_FILL,
    PROGRAM_FILL,
    TEXT_KINDS,
    TOTAL_FILL,
    _code_key,
    _lines,
    _num,
    logo_scale,
    signature_lines,
    signature_rows_needed,
    tanggal,
)
from .table_xlsx import A4, XLSXWRITER_OPTIONS, write_value

__all__ = ["DEVIASI", "REKAP_SHEET", "RINCIAN_SHEET", "TITLE", "NoData", "recap_workbook", "tanggal"]

REKAP_SHEET = "Rekap OPD"
RINCIAN_SHEET = "Rincian"
TITLE = "REKAPITULASI REALISASI FISIK DAN KEUANGAN"
RINCIAN_TITLE = "RINCIAN REALISASI FISIK DAN KEUANGAN PER PROGRAM, KEGIATAN DAN SUB KEGIATAN"
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
GREY = "#808080"  # thin cell borders
DOUBLE = 6  # XlsxWriter border style: double line
BOX = {"border": 1, "border_color": GREY}  # a thin grey box round a table cell
# a total cell: thin grey sides, double rules (automatic colour) above and below
TOTAL_BOX = {"left": 1, "right": 1, "left_color": GREY, "right_color": GREY, "top": DOUBLE, "bottom": DOUBLE}


class NoData(ValueError):
    """Neither a DPA nor a report exists for the period (message in Indonesian)."""


def _colour(fill) -> str | None:
    """``#RRGGBB`` of an openpyxl solid fill of :mod:`exports.sheet_layout` (``None``: no fill)."""
    return None if fill is None else "#" + fill.fgColor.rgb[-6:]


class _Sheet:
    """One worksheet written top to bottom, with the workbook's formats (each added once).
    Rows and columns are counted from 1 as in Excel; XlsxWriter's 0-based calls stay inside."""

    def __init__(self, wb: xlsxwriter.Workbook, formats: dict, name: str, columns):
        self.wb, self.formats, self.columns = wb, formats, columns
        self.ws = wb.add_worksheet(name)
        self.ncols = len(columns)
        self.row_cells: dict = {}  # the cells of a row style, see row()

    def fmt(self, **props):
        """The format with ``props`` (Arial 10 unless told otherwise)."""
        key = tuple(sorted(props.items()))
        fmt = self.formats.get(key)
        if fmt is None:
            fmt = self.formats[key] = self.wb.add_format({"font_name": FONT, "font_size": 10, **props})
        return fmt

    def cell_fmt(self, kind: str, indent: int = 0, bold: bool = False, fill: str | None = None, total: bool = False):
        """Format of a table cell of ``kind``: thin grey box (double rules above and below a
        total), the number format and alignment of the kind, bold and shading when told."""
        key = ("cell", kind, indent, bold, fill, total)
        fmt = self.formats.get(key)
        if fmt is None:
            props: dict = {"bold": bold, **(TOTAL_BOX if total else BOX)}
            if fill:
                props.update(bg_color=fill, pattern=1)
            if kind in FORMATS:
                props.update(num_format=FORMATS[kind], align="right", valign="top")
            elif kind == "text":
                props.update(align="left", valign="top", text_wrap=True, indent=indent)
            else:
                props.update(align="center", valign="top", text_wrap=True)
            fmt = self.formats[key] = self.fmt(**props)
        return fmt

    def line(self, row: int, text: str, fmt, first: int = 1, last: int | None = None, height=None) -> None:
        """Text merged over columns ``first``..``last`` (default: the table width)."""
        last = last or self.ncols
        self.ws.merge_range(row - 1, first - 1, row - 1, last - 1, "", fmt)
        self.ws.write_string(row - 1, first - 1, text, fmt)
        if height:
            self.ws.set_row(row - 1, height)

    def heading(self, settings: Settings, title: str, scope: str, year: int, month: int) -> int:
        """Kop (with a double rule under it), title, scope and period; returns the header row."""
        kop = [
            (text.strip(), {"bold": True, "font_size": size}, size + 6)
            for text, size in [(settings.kop_1, 14), (settings.kop_2, 13), (settings.kop_3, 12)]
            if text and text.strip()
        ]
        if settings.kop_alamat and settings.kop_alamat.strip():
            kop.append((settings.kop_alamat.strip(), {"font_size": 9, "italic": True}, None))
        centred = {"align": "center", "valign": "vcenter", "text_wrap": True}
        if settings.logo_file:
            scale = logo_scale(settings.logo_file)
            self.ws.insert_image(0, 0, settings.logo_file, {"x_scale": scale, "y_scale": scale})
        row = 1
        for i, (text, font, height) in enumerate(kop):
            rule = {"bottom": DOUBLE} if i == len(kop) - 1 else {}
            self.line(row, text, self.fmt(**font, **centred, **rule), height=height)
            row += 1
        if kop:
            row += 1  # blank line under the kop
        self.line(row, title, self.fmt(bold=True, font_size=12, **centred), height=18)
        self.line(row + 1, f"{scope} Tahun Anggaran {year}".upper(), self.fmt(bold=True, font_size=11, **centred))
        self.line(row + 2, f"Keadaan s.d. akhir bulan {BULAN[month - 1]} {year}", self.fmt(**centred))
        return row + 4

    def header(self, row: int, height: float = 40) -> None:
        """Bold shaded header row with wrapped labels, and the column widths."""
        fmt = self.fmt(
            bold=True,
            bg_color=_colour(HEADER_FILL),
            pattern=1,
            **BOX,
            align="center",
            valign="vcenter",
            text_wrap=True,
        )
        for j, (label, width, _) in enumerate(self.columns):
            self.ws.set_column(j, j, width)
            self.ws.write_string(row - 1, j, label, fmt)
        self.ws.set_row(row - 1, height)

    def row(self, row: int, values, *, bold=False, fill=None, indent=0, outline=0, total=False) -> None:
        """One table row: numbers with their formats, text wrapped, thin borders; its height
        from the longest wrapped text, its outline level (program 1, kegiatan 2, sub 3)."""
        ws, r, lines = self.ws, row - 1, 1
        key = (bold, fill, indent, total)
        cells = self.row_cells.get(key)
        if cells is None:  # per column: (width, text?, indent, format)
            cells = self.row_cells[key] = [
                (
                    width,
                    kind in TEXT_KINDS,
                    indent if j == 1 else 0,
                    self.cell_fmt(kind, indent if j == 1 else 0, bold, fill, total),
                )
                for j, (_, width, kind) in enumerate(self.columns)
            ]
        for j, ((width, text, cell_indent, fmt), value) in enumerate(zip(cells, values)):
            if not text:
                if type(value) is float and math.isfinite(value):
                    ws.write_number(r, j, value, fmt)
                else:
                    write_value(ws, r, j, _num(value), fmt)
            elif type(value) is str:
                ws.write_string(r, j, value, fmt)
                lines = max(lines, _lines(value, width, bold, cell_indent))
            else:
                write_value(ws, r, j, value, fmt)
        if lines > 1 or outline:
            ws.set_row(r, LINE_HEIGHT * lines + 2 if lines > 1 else None, None, {"level": outline} if outline else None)

    def total(self, row: int, label_span: int, values, last_fmt=None) -> None:
        """The JUMLAH row: label merged over the first ``label_span`` columns, bold, shaded,
        double rules above and below."""
        fill = _colour(TOTAL_FILL)
        self.row(row, [None] * label_span + list(values), bold=True, fill=fill, total=True)
        label = self.fmt(
            bold=True,
            bg_color=fill,
            pattern=1,
            **TOTAL_BOX,
            align="center",
            valign="vcenter",
        )
        self.ws.merge_range(row - 1, 0, row - 1, label_span - 1, "", label)
        self.ws.write_string(row - 1, 0, "JUMLAH", label)
        if last_fmt is not None:
            write_value(self.ws, row - 1, self.ncols - 1, values[-1], last_fmt)

    def notes(self, row: int, lines: list[str]) -> int:
        """Small italic notes under the table (left-aligned, running over the empty cells)."""
        fmt = self.fmt(font_size=8, italic=True)
        for i, text in enumerate(lines):
            self.ws.write_string(row - 1 + i, 0, text, fmt)
        return row + len(lines)

    def signature(self, row: int, settings: Settings, first_col: int, today: dt.date) -> int:
        """Place and date, jabatan, room to sign, name (bold, underlined), NIP; merged over
        ``first_col`` to the last column and centred. Returns the last row used."""
        width = sum(w for _, w, _ in self.columns[first_col - 1 :])
        lines = signature_lines(settings, today)
        for i, line in enumerate(lines):
            if line is None:
                continue
            text, bold, underline = line
            fmt = self.fmt(bold=bold, underline=1 if underline else 0, align="center", valign="vcenter", text_wrap=True)
            needed = signature_rows_needed(text, width)
            self.line(row + i, text, fmt, first=first_col, height=13 * needed if needed > 1 else None)
        return row + len(lines) - 1

    def print_setup(self, header_row: int, last_row: int, freeze_col: int) -> None:
        """Frozen header, A4 landscape fitted to one page wide, header repeated on every page,
        page numbers in the footer."""
        ws = self.ws
        ws.freeze_panes(header_row, freeze_col - 1)
        ws.repeat_rows(header_row - 1)
        ws.print_area(0, 0, last_row - 1, self.ncols - 1)
        ws.set_paper(A4)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.set_header("", {"margin": 0.3})
        ws.set_footer(f'&C&"{FONT}"&8Halaman &P dari &N', {"margin": 0.3})


def _status(row) -> str:
    return "Sudah lapor" if bool(row.reported) else "Belum lapor"


def _rekap_sheet(
    sheet: _Sheet, recap: pd.DataFrame, tot: dict, settings: Settings, scope: str, year: int, month: int, today
) -> None:
    """Sheet "Rekap OPD": one row per OPD and the JUMLAH row (values of kabupaten_totals)."""
    header = sheet.heading(settings, TITLE, scope, year, month)
    sheet.header(header)
    row = header + 1
    for i, r in enumerate(recap.itertuples(index=False), start=1):
        sheet.row(
            row,
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
    sheet.ws.autofilter(header - 1, 0, row - 2, sheet.ncols - 1)
    small = sheet.fmt(
        bold=True,
        font_size=9,
        bg_color=_colour(TOTAL_FILL),
        pattern=1,
        **TOTAL_BOX,
        align="center",
        valign="top",
        text_wrap=True,
    )
    sheet.total(
        row,
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
        last_fmt=small,
    )
    row = sheet.notes(
        row + 2,
        [
            "Catatan: persen dalam poin (0-100). Fisik OPD dan jumlah = rata-rata realisasi fisik sub kegiatan "
            "tertimbang pagu; deviasi = realisasi fisik - target fisik (negatif berarti terlambat).",
            "OPD yang belum melapor dihitung dengan pagu DPA tanpa realisasi (fisiknya dihitung 0 pada jumlah).",
        ],
    )
    last = sheet.signature(row + 1, settings, 7, today)
    sheet.print_setup(header, last, 3)


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
    sheet: _Sheet,
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
    header = sheet.heading(settings, RINCIAN_TITLE, scope, year, month)
    sheet.header(header)
    # outline symbols above the details (the program row sums what is under it)
    sheet.ws.outline_settings(visible=True, symbols_below=False, symbols_right=True, auto_style=False)
    row = header + 1
    opd_fill, program_fill, kegiatan_fill = _colour(OPD_FILL), _colour(PROGRAM_FILL), _colour(KEGIATAN_FILL)

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
        sheet.row(row, [o.opd_kode, o.opd, None, None] + figures(o), bold=True, fill=opd_fill)
        row += 1
        for p in sorted(prog_of.get(o.opd_kode, []), key=lambda p: (_code_key(p.program_kode), p.program_nama)):
            values = [p.program_kode, p.program_nama, None, None] + figures(p)
            sheet.row(row, values, bold=True, fill=program_fill, outline=1)
            row += 1
            p_key = (o.opd_kode, p.program_kode, p.program_nama)
            for k in sorted(keg_of.get(p_key, []), key=lambda k: (_code_key(k.kegiatan_kode), k.kegiatan_nama)):
                values = [k.kegiatan_kode, k.kegiatan_nama, None, None] + figures(k)
                sheet.row(row, values, fill=kegiatan_fill, indent=1, outline=2)
                row += 1
                for s in sorted(
                    subs_of.get(p_key + (k.kegiatan_kode, k.kegiatan_nama), []), key=lambda s: _code_key(s.kode)
                ):
                    jenis = JENIS.get(s.jenis, s.jenis) if isinstance(s.jenis, str) else None
                    values = [
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
                    ]
                    sheet.row(row, values, indent=2, outline=3)
                    row += 1
    sheet.ws.autofilter(header - 1, 0, max(row - 2, header), sheet.ncols - 1)
    sheet.total(
        row,
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
    row = sheet.notes(
        row + 2,
        [
            "Catatan: baris program dan kegiatan memuat jumlah sub kegiatan di bawahnya; fisik dan target "
            "fisiknya rata-rata tertimbang pagu. Persen dalam poin (0-100).",
            "Sub kegiatan tanpa angka realisasi belum dilaporkan OPD untuk bulan ini.",
        ],
    )
    last = sheet.signature(row + 1, settings, 7, today)
    sheet.print_setup(header, last, 3)


def recap_workbook(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    settings: Settings | None = None,
    today: dt.date | None = None,
    *,
    wilayah: str | None = None,
) -> bytes:
    """Workbook bytes of the recap for (year, month): sheets "Rekap OPD" and "Rincian", only
    ``opd``'s rows when given, only the OPDs of kabupaten/kota ``wilayah`` when given (a province
    install; the title names it under the province's kop). ``settings`` default to the install's (kop, signatory);
    ``today`` (default: today) dates the signature block.

    Raises :class:`NoData` when the period has neither a DPA nor a report.
    """
    with store.session(write=False):  # reads only, beside the other readers
        settings = settings or load(store)
        recap = recap_opd(store, year, month, opd, wilayah=wilayah)
        leaves = leaf_recap(store, year, month, opd, wilayah=wilayah)
        levels = {
            level: level_recap(store, year, month, level, opd, wilayah=wilayah) for level in ("program", "kegiatan")
        }
    if recap.empty:
        raise NoData(f"Belum ada DPA atau laporan untuk {BULAN[month - 1]} {year}; rekap tidak dapat dibuat.")
    tot = kabupaten_totals(recap)
    scope = str(recap["opd"].iloc[0]) if opd else wilayah or settings.nama_daerah
    today = today or dt.date.today()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, XLSXWRITER_OPTIONS)
    formats: dict = {}
    _rekap_sheet(_Sheet(wb, formats, REKAP_SHEET, REKAP_COLUMNS), recap, tot, settings, scope, year, month, today)
    _rincian_sheet(
        _Sheet(wb, formats, RINCIAN_SHEET, RINCIAN_COLUMNS),
        recap,
        levels,
        leaves,
        tot,
        settings,
        scope,
        year,
        month,
        today,
    )
    wb.set_properties({"title": f"{TITLE.title()} {BULAN[month - 1]} {year}", "author": "Pantau"})
    wb.close()
    return buf.getvalue()
