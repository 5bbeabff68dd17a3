"""The Rakor POK meeting slides (SOP step 10) as a PowerPoint file (python-pptx).

16:9, made to be read from the back of a meeting room: titles 28 pt, table text 14 pt or more,
at most :data:`MAX_ROWS` rows per table slide (fewer when the texts wrap) and at most
:data:`MAX_BARS` OPDs per ranking chart; longer parts continue on "(lanjutan)" slides. A list
longer than the pack's ``top_n`` (the setting ``materi_baris_slide``) shows its first ``top_n``
rows (the most behind, the most overdue; a ranking its top and bottom ``top_n``) and says on its
last slide how many more there are and that the workbook has them all: a province has tens of
thousands of kontrak kritis, and nobody projects thousands of slides. Charts
are native PowerPoint charts (editable, their data in the embedded workbook); their labels are
written out in Indonesian form (``45,50 %``, ``Rp 1,23 M``) so they read the same on any
computer, whatever its language setting.

Every figure comes from :class:`exports.pack_data.PackData`; :func:`plan` decides the slides
(the Materi Rakor page lists them) and :func:`build_pptx` draws them.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Inches, Pt

from core.colors import COLOURS
from core.format import number, percent, points, rupiah_compact, tanggal
from core.months import BULAN

from .pack_data import PackData, PackPreview

MAX_ROWS = 8  # table rows per slide (the brief of the meeting room: "at most ~8")
MAX_BARS = 15  # OPDs per ranking chart (bar labels stay 14 pt or more)
MAX_MASALAH = 3  # permasalahan per OPD on the slides (the workbook lists them all)
NAMED = 5  # OPDs named in a slide's note ("Belum melapor: A, B, C"); more are counted
FONT = "Calibri"
TITLE_PT = 28
TABLE_PT = 16
SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.5
BODY_TOP, BODY_BOTTOM = 1.55, 6.95  # the content area under the title and subtitle
MIME_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

NAVY = "1F3864"
INK = "1A1A1A"
GREY = "595959"
LINE = "BFBFBF"
HEADER_FILL = "DCE6F2"
ZEBRA = "F4F6F9"
CARD_FILL = "F2F5FA"
LIGHT_TEXT = {"hijau": "Hijau", "kuning": "Kuning", "merah": "Merah"}
LIGHT_FONT = {"hijau": "FFFFFF", "kuning": "000000", "merah": "FFFFFF"}
PAGU_COLOUR = "90A4AE"


def _hex(colour: str) -> str:
    """``#2e7d32`` -> ``2E7D32`` (DrawingML colour values)."""
    return colour.lstrip("#").upper()


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(_hex(hex_colour))


# ----------------------------------------------------------------------------- the plan
@dataclass
class Col:
    """A table column: header, width in inches, alignment (``l``/``c``/``r``)."""

    header: str
    width: float
    align: str = "l"


@dataclass
class Slide:
    """One slide of the plan: its kind, title, subtitle and what it shows."""

    kind: str  # title | summary | kurva | ranking | table | split | sumber | empty
    title: str
    subtitle: str = ""
    data: dict = field(default_factory=dict)


# Advance widths of Calibri (metric-compatible Carlito), 1/1000 em, for ASCII 32..126: the
# table layout estimates line breaks with them (a wrong guess makes rows too tall or text cut).
_WIDTHS = [
    226,
    326,
    401,
    498,
    507,
    715,
    682,
    221,
    303,
    303,
    498,
    498,
    250,
    306,
    252,
    386,
    507,
    507,
    507,
    507,
    507,
    507,
    507,
    507,
    507,
    507,
    268,
    268,
    498,
    498,
    498,
    463,
    894,
    579,
    544,
    533,
    615,
    488,
    459,
    631,
    623,
    252,
    319,
    520,
    420,
    855,
    646,
    662,
    517,
    673,
    543,
    459,
    487,
    642,
    567,
    890,
    519,
    487,
    468,
    307,
    386,
    307,
    498,
    498,
    291,
    479,
    525,
    423,
    525,
    498,
    305,
    471,
    525,
    230,
    239,
    455,
    230,
    799,
    525,
    527,
    525,
    525,
    349,
    391,
    335,
    525,
    452,
    715,
    433,
    453,
    395,
    314,
    460,
    314,
    498,
]


def _width(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of ``text`` in inches at ``size_pt`` (bold about 4 % wider; other characters 0.55 em)."""
    em = sum(_WIDTHS[ord(ch) - 32] if 32 <= ord(ch) < 127 else 550 for ch in text) / 1000
    return em * size_pt / 72 * (1.04 if bold else 1.0)


def _lines(text: str, width_in: float, size_pt: float = TABLE_PT, bold: bool = False) -> int:
    """Lines ``text`` takes in a table cell ``width_in`` wide (greedy word wrap, like the
    renderers; 3 % room to spare for their differences)."""
    room = (width_in - 0.16) * 0.97
    total = 0
    for part in str(text or "").split("\n"):
        lines, used = 1, 0.0
        space = _width(" ", size_pt, bold)
        for word in part.split():
            w = _width(word, size_pt, bold)
            if used and used + space + w > room:
                lines, used = lines + 1, 0.0
            while w > room:  # a word longer than the cell breaks
                lines, w = lines + 1, w - room
            used += (space if used else 0) + w
        total += lines
    return max(1, total)


def _row_height(cells: list[str], cols: list[Col], size_pt: float = TABLE_PT, bold: bool = False) -> float:
    """Height in inches of a table row with these texts (1.2 line spacing, cell margins)."""
    lines = max(_lines(t, c.width, size_pt, bold) for t, c in zip(cells, cols))
    return lines * size_pt * 1.2 / 72 + 0.12


def _clip(text, limit: int = 220) -> str:
    """Text for a cell: blanks for missing, very long texts shortened (the workbook has them whole)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fill(rows: list[list[str]], cols: list[Col], height: float, max_rows: int) -> list[list[int]]:
    """Row indices per slide, filled in order: at most ``max_rows`` rows and what fits in
    ``height`` inches under the header."""
    header = _row_height([c.header for c in cols], cols, bold=True)
    pages, current, used = [], [], header
    for i, cells in enumerate(rows):
        h = _row_height(cells, cols)
        if current and (len(current) >= max_rows or used + h > height):
            pages.append(current)
            current, used = [], header
        current.append(i)
        used += h
    if current:
        pages.append(current)
    return pages


def _pages(rows: list[list[str]], cols: list[Col], height: float) -> list[list[int]]:
    """Split row indices into slides of at most :data:`MAX_ROWS` rows that fit ``height``;
    as evenly as the same number of slides allows (no lone row on the last slide)."""
    greedy = _fill(rows, cols, height, MAX_ROWS)
    if len(greedy) > 1:
        even = _fill(rows, cols, height, math.ceil(len(rows) / len(greedy)))
        if len(even) == len(greedy):
            return even
    return greedy


def _table_slides(
    title: str,
    subtitle: str,
    cols: list[Col],
    rows: list[list[str]],
    fills: list[list[str | None]] | None = None,
    note: str = "",
    height: float | None = None,
) -> list[Slide]:
    """Table slides for ``rows``, continued on "(lanjutan)" slides when they do not fit."""
    height = height or (BODY_BOTTOM - BODY_TOP - (0.45 if note else 0))
    pages = _pages(rows, cols, height)
    out = []
    for n, idx in enumerate(pages):
        label = title if n == 0 else f"{title} (lanjutan)"
        if len(pages) > 1:
            label += f" {n + 1}/{len(pages)}"
        out.append(
            Slide(
                "table",
                label,
                subtitle,
                dict(
                    cols=cols,
                    rows=[rows[i] for i in idx],
                    fills=[fills[i] for i in idx] if fills else None,
                    note=note if n == len(pages) - 1 else "",
                ),
            )
        )
    return out


def _chunks(n: int, size: int) -> list[range]:
    """``n`` items in as few nearly equal chunks of at most ``size``."""
    if n == 0:
        return []
    parts = math.ceil(n / size)
    base, extra = divmod(n, parts)
    out, start = [], 0
    for i in range(parts):
        stop = start + base + (1 if i < extra else 0)
        out.append(range(start, stop))
        start = stop
    return out


def _empty(title: str, message: str, subtitle: str = "") -> Slide:
    return Slide("empty", title, subtitle, dict(message=message))


def on_slides(total: int, top_n: int) -> int:
    """How many of a list of ``total`` rows the slides show (at most ``top_n``)."""
    return min(int(total), max(0, int(top_n)))


def ranking_cut(total: int, top_n: int) -> bool:
    """Does a ranking of ``total`` OPDs show only its top and bottom ``top_n``?"""
    return int(total) > 2 * max(1, int(top_n))


def _rest(rest: int, what: str, sheet: str, detail: str = "") -> str:
    """The closing line of a list cut on the slides: ``... dan 59.610 sub kegiatan kritis lainnya
    (dari 59.630): lihat lembar Kontrak Kritis pada lampiran Excel.`` (empty when nothing is left out)."""
    if rest <= 0:
        return ""
    return (
        f"... dan {number(rest)} {what} lainnya{f' ({detail})' if detail else ''}: lihat lembar {sheet} "
        "pada lampiran Excel."
    )


def _names(names: list[str], limit: int = NAMED) -> str:
    """``A, B, C`` (up to ``limit`` names), else ``221 OPD (lihat slide OPD Belum Melapor)``: a
    note has room for a few names."""
    if len(names) <= limit:
        return ", ".join(names)
    return f"{number(len(names))} OPD (lihat slide OPD Belum Melapor)"


def _ranking_slides(pack: PackData, ranking: pd.DataFrame, what: str, title: str, sheet: str) -> list[Slide]:
    subtitle = f"Keadaan s.d. akhir {pack.period}; OPD yang sudah melapor, urut dari yang tertinggi"
    if ranking.empty:
        return [
            _empty(
                title,
                f"Belum ada laporan realisasi OPD untuk {pack.period}, sehingga peringkat {what} belum dapat disusun.",
                subtitle,
            )
        ]
    note = (
        "Warna batang: lampu OPD (hijau, kuning, merah) menurut deviasi fisik dan serapan terhadap target "
        f"serapan s.d. {pack.period} ({percent(pack.target_serapan)})."
    )
    top_n = max(1, int(pack.top_n))
    if ranking_cut(len(ranking), top_n):  # the top and the bottom; the middle in the workbook
        first, last = top_n + 1, len(ranking) - top_n
        subtitle = (
            f"Keadaan s.d. akhir {pack.period}; {top_n} OPD teratas dan {top_n} terbawah dari "
            f"{number(len(ranking))} OPD yang sudah melapor"
        )
        note = (
            _rest(last - first + 1, "OPD", sheet, f"peringkat {number(first)}-{number(last)}")
            + " Warna batang: lampu OPD menurut deviasi fisik dan serapan."
        )
        if pack.not_reported:
            note += f" {number(len(pack.not_reported))} OPD belum melapor (tidak diperingkat)."
        parts = [ranking.iloc[:top_n], ranking.iloc[-top_n:]]
    else:
        parts = [ranking]
        if pack.not_reported:
            note += " Belum melapor: " + _names(pack.not_reported) + "."
    pieces = [part.iloc[c.start : c.stop] for part in parts for c in _chunks(len(part), MAX_BARS)]
    out = []
    for n, rows in enumerate(pieces):
        label = title if n == 0 else f"{title} (lanjutan)"
        if len(pieces) > 1:
            label += f" - peringkat {number(rows['peringkat'].iloc[0])}-{number(rows['peringkat'].iloc[-1])}"
        out.append(Slide("ranking", label, subtitle, dict(rows=rows, what=what, note=note)))
    return out


def _summary(pack: PackData) -> Slide:
    t, last = pack.totals, pack.last_year
    ly = pack.year - 1
    daerah = (pack.settings.nama_daerah or "").strip()
    subtitle = f"{daerah + ', k' if daerah else 'K'}eadaan s.d. akhir {pack.period}"

    def versus(key: str) -> str:
        if last is None or last.get(key) is None or t.get(key) is None:
            return ""
        return f"{BULAN[pack.month - 1]} {ly}: {percent(last[key])} ({points(t[key] - last[key])} poin)"

    cards = [
        ("Pagu", rupiah_compact(t["pagu"]), f"{number(t['sub_kegiatan'])} sub kegiatan"),
        (
            "Realisasi keuangan",
            rupiah_compact(t["realisasi_keuangan"]),
            f"{BULAN[pack.month - 1]} {ly}: {rupiah_compact(last['realisasi_keuangan'])}" if last else "",
        ),
        (
            "Serapan anggaran",
            percent(t["keuangan_pct"]),
            f"Target {percent(pack.target_serapan)}" + (f"\n{versus('keuangan_pct')}" if last else ""),
        ),
        (
            "Realisasi fisik",
            percent(t["fisik_pct"]),
            f"Target {percent(t['target_fisik_pct'])}" + (f"\n{versus('fisik_pct')}" if last else ""),
        ),
        (
            "Deviasi fisik",
            (points(t["deviasi"]) + " poin") if t["deviasi"] is not None else "-",
            "Negatif berarti terlambat dari rencana",
        ),
        (
            "OPD sudah melapor",
            f"{t['opd_reported']} / {t['opd_total']}",
            f"{t['opd_total'] - t['opd_reported']} OPD belum melapor"
            if t["opd_reported"] < t["opd_total"]
            else "Semua OPD sudah melapor",
        ),
    ]
    note = "" if last else (f"Pembanding {BULAN[pack.month - 1]} {ly}: belum ada laporan tahun {ly} di Pantau.")
    return Slide("summary", "Ringkasan Realisasi Kabupaten", subtitle, dict(cards=cards, note=note))


# the four lines of the kurva S (as on the Rekap page): column, name, colour, dashed, markers
KURVA_LINES = [
    ("target_fisik_pct", "Target fisik", COLOURS["target"], True, True),
    ("fisik_pct", "Realisasi fisik", COLOURS["fisik"], False, True),
    ("target_serapan_pct", "Target serapan", COLOURS["keuangan"], True, False),
    ("keuangan_pct", "Realisasi keuangan", COLOURS["keuangan"], False, True),
]


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _kurva_slide(pack: PackData) -> Slide:
    title = "Kurva S: Target dan Realisasi"
    subtitle = f"Kumulatif kabupaten per bulan, Januari s.d. {pack.period}"
    if not pack.has_data or pack.kurva.empty:
        return _empty(title, f"Belum ada DPA atau laporan untuk {pack.period}.", subtitle)
    now = pack.kurva.iloc[-1]
    if _missing(now["keuangan_pct"]):
        note = f"Belum ada laporan realisasi OPD untuk {pack.period}."
    else:
        note = (
            f"{pack.period}: realisasi fisik {percent(now['fisik_pct'])} (target {percent(now['target_fisik_pct'])}), "
            f"realisasi keuangan {percent(now['keuangan_pct'])} (target serapan {percent(now['target_serapan_pct'])})."
        )
    note += " Target serapan: anggaran kas bila dimuat, selebihnya kurva target Pengaturan."
    return Slide("kurva", title, subtitle, dict(curve=pack.kurva, note=note))


def _belum_slides(pack: PackData) -> list[Slide]:
    title = "OPD Belum Melapor"
    deadline = pack.settings.deadline(pack.year, pack.month)
    subtitle = (
        f"Laporan {pack.period} paling lambat {tanggal(deadline)}; "
        f"keadaan {tanggal(pack.today)}, menurut tanggal laporan diterima"
    )
    if not pack.has_data:
        return [_empty(title, f"Belum ada DPA atau laporan untuk {pack.period}.", subtitle)]
    if pack.belum.empty:
        return [_empty(title, f"Semua OPD sudah menyampaikan laporan {pack.period}.", subtitle)]
    cols = [
        Col("No", 0.8, "c"),
        Col("OPD", 6.33),
        Col("Batas penyampaian", 2.4, "c"),
        Col("Terlambat (hari)", 2.8, "r"),
    ]
    rows, fills = [], []
    shown = pack.belum.head(on_slides(len(pack.belum), pack.top_n))  # the most overdue first
    for i, r in enumerate(shown.itertuples(index=False), start=1):
        late = int(r.hari_terlambat)
        rows.append([str(i), _clip(r.opd), tanggal(r.batas), number(late) if late else "Belum lewat batas"])
        fills.append([None] * 3 + [COLOURS["merah"] if late else None])
    late_n = int((pack.belum["hari_terlambat"].astype(int) > 0).sum())
    note = f"{number(len(pack.belum))} OPD belum menyampaikan laporan {pack.period}" + (
        f", {number(late_n)} melewati batas penyampaian (merah)." if late_n else "."
    )
    if len(shown) < len(pack.belum):
        note = _rest(len(pack.belum) - len(shown), "OPD", "Belum Melapor", f"dari {number(len(pack.belum))}") + (
            f" Merah: {number(late_n)} OPD melewati batas penyampaian." if late_n else ""
        )
    return _table_slides(title, subtitle, cols, rows, fills, note=note)


def _rp(v) -> str:
    return rupiah_compact(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) else "-"


def _lowest_slides(pack: PackData) -> list[Slide]:
    title = f"{pack.lowest_n} OPD dengan Serapan Terendah"
    subtitle = f"Realisasi keuangan terendah s.d. akhir {pack.period} di antara OPD yang sudah melapor"
    if pack.lowest.empty:
        return [_empty(title, f"Belum ada laporan realisasi OPD untuk {pack.period}.", subtitle)]
    cols = [
        Col("No", 0.6, "c"),
        Col("OPD", 3.8),
        Col("Pagu", 1.55, "r"),
        Col("Realisasi", 1.55, "r"),
        Col("Keuangan", 1.35, "r"),
        Col("Fisik", 1.2, "r"),
        Col("Deviasi (poin)", 1.15, "r"),
        Col("Lampu", 1.13, "c"),
    ]
    rows, fills = [], []
    for i, r in enumerate(pack.lowest.itertuples(index=False), start=1):
        rows.append(
            [
                str(i),
                r.opd,
                _rp(r.pagu),
                _rp(r.realisasi_keuangan),
                percent(r.keuangan_pct),
                percent(r.fisik_pct),
                points(r.deviasi),
                LIGHT_TEXT.get(r.lampu, "-"),
            ]
        )
        fills.append([None] * 7 + [COLOURS.get(r.lampu)])
    note = f"Target serapan s.d. {pack.period}: {percent(pack.target_serapan)}."
    if pack.not_reported:
        note += f" Belum melapor (tidak dinilai): {_names(pack.not_reported)}."
    return _table_slides(title, subtitle, cols, rows, fills, note=note)


def _group_rows(df: pd.DataFrame) -> list[list[str]]:
    return [
        [
            r.label,
            number(r.sub_kegiatan),
            _rp(r.pagu),
            _rp(r.realisasi_keuangan),
            percent(r.keuangan_pct),
            percent(r.fisik_pct),
        ]
        for r in df.itertuples(index=False)
    ]


def _split_slide(pack: PackData) -> Slide:
    title = "Fisik Konstruksi dan Non Fisik"
    subtitle = f"Pagu dan realisasi keuangan s.d. akhir {pack.period}"
    if pack.jenis.empty:
        return _empty(title, f"Belum ada DPA atau laporan untuk {pack.period}.", subtitle)
    t = pack.totals
    rows = _group_rows(pack.jenis) + [
        [
            "Jumlah",
            number(t["sub_kegiatan"]),
            _rp(t["pagu"]),
            _rp(t["realisasi_keuangan"]),
            percent(t["keuangan_pct"]),
            percent(t["fisik_pct"]),
        ]
    ]
    return Slide("split", title, subtitle, dict(groups=pack.jenis, rows=rows))


def _sumber_slides(pack: PackData) -> list[Slide]:
    title = "Realisasi per Sumber Dana"
    subtitle = f"Pagu dan realisasi keuangan s.d. akhir {pack.period}"
    if pack.sumber_dana.empty:
        return [_empty(title, f"Belum ada DPA atau laporan untuk {pack.period}.", subtitle)]
    chunks = _chunks(len(pack.sumber_dana), MAX_ROWS)
    out = []
    for n, part in enumerate(chunks):
        groups = pack.sumber_dana.iloc[part.start : part.stop]
        label = title if n == 0 else f"{title} (lanjutan)"
        if len(chunks) > 1:
            label += f" {n + 1}/{len(chunks)}"
        out.append(Slide("sumber", label, subtitle, dict(groups=groups, rows=_group_rows(groups))))
    return out


def _kritis_slides(pack: PackData) -> list[Slide]:
    s = pack.settings
    title = "Kontrak Kritis (Fisik Konstruksi)"
    subtitle = (
        f"Rencana 0-70 % dan tertinggal > {number(s.kritis_awal_poin, 1)} poin, atau rencana 70-100 % dan "
        f"tertinggal > {number(s.kritis_akhir_poin, 1)} poin; s.d. akhir {pack.period}"
    )
    if pack.kritis.empty:
        message = (
            f"Belum ada laporan realisasi OPD untuk {pack.period}."
            if not pack.has_reports
            else f"Tidak ada kontrak fisik konstruksi yang kritis s.d. akhir {pack.period}."
        )
        return [_empty(title, message, subtitle)]
    cols = [
        Col("No", 0.6, "c"),
        Col("OPD", 1.75),
        Col("Sub kegiatan", 4.6),
        Col("Pagu", 1.45, "r"),
        Col("Target fisik", 1.3, "r"),
        Col("Realisasi fisik", 1.33, "r"),
        Col("Deviasi (poin)", 1.3, "r"),
    ]
    shown = pack.kritis.head(on_slides(len(pack.kritis), pack.top_n))  # the most behind first
    rows = [
        [
            str(i),
            _clip(r.label),
            _clip(r.nama, 160),
            _rp(r.pagu),
            percent(r.target_fisik),
            percent(r.realisasi_fisik),
            points(r.deviasi),
        ]
        for i, r in enumerate(shown.itertuples(index=False), start=1)
    ]
    fills = [[None] * 6 + [COLOURS["merah"]] for _ in rows]
    rest = len(pack.kritis) - len(shown)
    note = (
        _rest(rest, "sub kegiatan kritis", "Kontrak Kritis", f"dari {number(len(pack.kritis))}")
        if rest
        else f"{number(len(rows))} sub kegiatan kritis; paling tertinggal di atas."
    )
    return _table_slides(title, subtitle, cols, rows, fills, note=note)


def _masalah_slides(pack: PackData) -> list[Slide]:
    title = "Permasalahan dan Solusi per OPD"
    subtitle = f"Dari laporan realisasi OPD s.d. akhir {pack.period}"
    if pack.masalah.empty:
        message = (
            f"Belum ada laporan realisasi OPD untuk {pack.period}."
            if not pack.has_reports
            else f"Belum ada permasalahan yang dituliskan OPD dalam laporan {pack.period}."
        )
        return [_empty(title, message, subtitle)]
    cols = [
        Col("OPD", 1.8),
        Col("Permasalahan", 4.15),
        Col("Solusi / tindak lanjut OPD", 4.0),
        Col("Sub keg.", 1.05, "r"),
        Col("Pagu", 1.33, "r"),
    ]
    shown = pack.masalah.groupby("opd_kode", sort=False).head(MAX_MASALAH)  # the most frequent first
    cut = len(shown) > pack.top_n
    if cut:  # those of the most sub kegiatan (then pagu), kept in the list's order
        keep = shown.sort_values(["sub_kegiatan", "pagu"], ascending=False, kind="stable").head(pack.top_n).index
        shown = shown.loc[shown.index.isin(keep)]
    rows = [
        [_clip(r.label), _clip(r.permasalahan), _clip(r.solusi) or "-", number(r.sub_kegiatan), _rp(r.pagu)]
        for r in shown.itertuples(index=False)
    ]
    note = "Sub keg. dan pagu: sub kegiatan yang melaporkan permasalahan itu."
    if len(shown) < len(pack.masalah):
        picked = (
            f"{number(len(shown))} permasalahan yang mengenai sub kegiatan terbanyak "
            f"(paling banyak {MAX_MASALAH} per OPD)"
            if cut
            else f"Per OPD {MAX_MASALAH} permasalahan yang paling banyak dilaporkan"
        )
        rest = _rest(
            len(pack.masalah) - len(shown), "permasalahan", "Permasalahan", f"dari {number(len(pack.masalah))}"
        )
        note = f"{picked}. {rest}"
    return _table_slides(title, subtitle, cols, rows, note=note)


def _tindak_lanjut_slides(pack: PackData) -> list[Slide]:
    title = "Tindak Lanjut Rakor Sebelumnya"
    tl = pack.tindak_lanjut
    if tl.empty:
        return [
            _empty(
                title, "Belum ada tindak lanjut rakor sebelumnya yang masih terbuka.", f"Keadaan {tanggal(pack.today)}"
            )
        ]
    dates = [tanggal(d) for d in sorted({pd.Timestamp(d) for d in tl["rakor_tanggal"] if not pd.isna(d)})]
    held = ", ".join(dates) if len(dates) <= 3 else f"{dates[0]} s.d. {dates[-1]} ({len(dates)} rakor)"
    subtitle = f"Keputusan rakor {held} yang belum selesai, keadaan {tanggal(pack.today)}"
    cols = [
        Col("OPD", 1.6),
        Col("Masalah", 2.95),
        Col("Keputusan / tindak lanjut", 3.1),
        Col("PIC", 1.45),
        Col("Batas waktu", 1.15, "c"),
        Col("Status", 2.08, "c"),
    ]
    rows, fills = [], []
    overdue = [bool(t) if t is not None and not pd.isna(t) else False for t in tl["terlambat"]]
    for r, late in zip(tl.head(on_slides(len(tl), pack.top_n)).itertuples(index=False), overdue):
        status = (r.status_label or r.status or "-") + (" (terlambat)" if late else "")
        rows.append(
            [_clip(r.label), _clip(r.masalah), _clip(r.keputusan), _clip(r.pic) or "-", tanggal(r.batas_waktu), status]
        )
        fills.append([None] * 4 + ([COLOURS["merah"]] * 2 if late else [None, None]))
    late_n = sum(overdue)
    note = f"{number(len(tl))} tindak lanjut terbuka" + (
        f", {number(late_n)} melewati batas waktu (merah)." if late_n else "."
    )
    if len(rows) < len(tl):
        note = _rest(len(tl) - len(rows), "tindak lanjut terbuka", "Tindak Lanjut", f"dari {number(len(tl))}") + (
            f" Merah: {number(late_n)} melewati batas waktu." if late_n else ""
        )
    return _table_slides(title, subtitle, cols, rows, fills, note=note)


OUTLINE_COLUMNS = ["Bagian", "Jumlah", "Di slide", "Di lampiran Excel"]


def outline(preview: PackPreview) -> pd.DataFrame:
    """What the pack of ``preview`` will show, part by part, before it is built (the Materi Rakor
    page): how many rows each list has, how many of them the slides show (``top_n``) and that the
    workbook has them all. Permasalahan are counted only when the pack is built (leaf rows)."""
    n = int(preview.top_n)
    rows = [("Ringkasan dan kurva S", "-", "2 slide", "lembar Ringkasan dan Kurva S")]

    def listed(what: str, total: int, unit: str, first: str, sheet: str) -> tuple:
        shown = on_slides(total, n)
        on = (
            "tidak ada" if not total else (f"semua ({number(total)})" if shown == total else f"{number(shown)} {first}")
        )
        return (what, f"{number(total)} {unit}", on, f"semua, lembar {sheet}")

    rows.append(listed("OPD belum melapor", len(preview.belum), "OPD", "paling lama terlambat", "Belum Melapor"))
    reported = preview.recap[preview.recap["reported"].astype(bool)]
    for what, column, sheet in (
        ("Peringkat realisasi keuangan", "keuangan_pct", "Peringkat Keuangan"),
        ("Peringkat realisasi fisik", "fisik_pct", "Peringkat Fisik"),
    ):
        total = int(reported[column].notna().sum())
        on = (
            f"{number(n)} teratas dan {number(n)} terbawah"
            if ranking_cut(total, n)
            else (f"semua ({number(total)})" if total else "tidak ada")
        )
        rows.append((what, f"{number(total)} OPD", on, f"semua, lembar {sheet}"))
    lowest = min(int(preview.lowest_n), len(reported))
    rows.append(("OPD serapan terendah", f"{number(lowest)} OPD", f"semua ({number(lowest)})", "lembar OPD Terendah"))
    rows.append(
        (
            "Fisik konstruksi dan non fisik, sumber dana",
            "-",
            "1 slide atau lebih",
            "lembar Fisik Non Fisik, Sumber Dana",
        )
    )
    rows.append(listed("Kontrak kritis", preview.kritis_total, "sub kegiatan", "paling tertinggal", "Kontrak Kritis"))
    rows.append(
        (
            "Permasalahan dan solusi",
            "dihitung saat disusun",
            f"paling banyak {number(n)} ({MAX_MASALAH} per OPD)",
            "semua, lembar Permasalahan",
        )
    )
    rows.append(
        listed("Tindak lanjut rakor sebelumnya", len(preview.tindak_lanjut), "terbuka", "pertama", "Tindak Lanjut")
    )
    return pd.DataFrame(rows, columns=OUTLINE_COLUMNS)


def plan(pack: PackData) -> list[Slide]:
    """The slides of the pack, in order (the Materi Rakor page lists their titles)."""
    s = pack.settings
    slides = [Slide("title", "Materi Rakor POK", pack.period, dict(kop=[s.kop_1, s.kop_2, s.kop_3]))]
    if not pack.has_data:
        slides.append(_empty("Ringkasan Realisasi Kabupaten", f"Belum ada DPA atau laporan untuk {pack.period}."))
    else:
        slides.append(_summary(pack))
    slides.append(_kurva_slide(pack))
    slides += _belum_slides(pack)
    slides += _ranking_slides(
        pack, pack.ranking_keuangan, "realisasi keuangan", "Peringkat OPD: Realisasi Keuangan", "Peringkat Keuangan"
    )
    slides += _ranking_slides(
        pack, pack.ranking_fisik, "realisasi fisik", "Peringkat OPD: Realisasi Fisik", "Peringkat Fisik"
    )
    slides += _lowest_slides(pack)
    slides.append(_split_slide(pack))
    slides += _sumber_slides(pack)
    slides += _kritis_slides(pack)
    slides += _masalah_slides(pack)
    slides += _tindak_lanjut_slides(pack)
    return slides


# ----------------------------------------------------------------------------- drawing
_ALIGN_XML = {PP_ALIGN.LEFT: "l", PP_ALIGN.CENTER: "ctr", PP_ALIGN.RIGHT: "r"}
_ANCHOR_XML = {MSO_ANCHOR.TOP: "t", MSO_ANCHOR.MIDDLE: "ctr", MSO_ANCHOR.BOTTOM: "b"}


def _xfrm(x: float, y: float, w: float, h: float) -> str:
    return (
        f'<a:xfrm><a:off x="{int(Inches(x))}" y="{int(Inches(y))}"/>'
        f'<a:ext cx="{int(Inches(w))}" cy="{int(Inches(h))}"/></a:xfrm>'
    )


def _add_sp(slide, body: str) -> None:
    """Append a ``p:sp`` shape (its XML after the id) to the slide with the next free id.

    Text boxes and rectangles are written as DrawingML directly: python-pptx's generic
    attribute API costs milliseconds per shape, and a pack of 40 OPDs has hundreds of them."""
    tree = slide.shapes.element  # the slide's p:spTree
    sid = tree.max_shape_id + 1  # the id python-pptx gives a new shape
    tree.append(parse_xml(f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="{sid}" name="Shape {sid}"/>{body}</p:sp>'))


def _box(
    slide,
    x,
    y,
    w,
    h,
    text: str,
    size: float,
    *,
    bold: bool = False,
    colour: str = INK,
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
) -> None:
    """A text box; each line of ``text`` is a paragraph in Calibri ``size`` pt."""
    run = (
        f'<a:rPr lang="id-ID" sz="{int(size * 100)}" b="{int(bold)}" dirty="0"><a:solidFill>'
        f'<a:srgbClr val="{_hex(colour)}"/></a:solidFill><a:latin typeface="{FONT}"/></a:rPr>'
    )
    paras = "".join(
        f'<a:p><a:pPr algn="{_ALIGN_XML[align]}"/><a:r>{run}<a:t>{escape(_CONTROL.sub("", line))}</a:t></a:r></a:p>'
        for line in str(text).split("\n")
    )
    lr, tb = int(Inches(0.05)), int(Inches(0.02))
    _add_sp(
        slide,
        f'<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(x, y, w, h)}'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>'
        f'<p:txBody><a:bodyPr wrap="square" lIns="{lr}" tIns="{tb}" rIns="{lr}" bIns="{tb}" '
        f'anchor="{_ANCHOR_XML[anchor]}" rtlCol="0"><a:noAutofit/></a:bodyPr><a:lstStyle/>{paras}'
        f"</p:txBody>",
    )


def _rect(slide, x, y, w, h, fill: str, line: str | None = None) -> None:
    """A filled rectangle, with a 1 pt outline in ``line`` when given."""
    outline = (
        f'<a:ln w="12700"><a:solidFill><a:srgbClr val="{_hex(line)}"/></a:solidFill></a:ln>'
        if line
        else "<a:ln><a:noFill/></a:ln>"
    )
    _add_sp(
        slide,
        f'<p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(x, y, w, h)}<a:prstGeom prst="rect">'
        f'<a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="{_hex(fill)}"/></a:solidFill>{outline}</p:spPr>',
    )


def _frame(slide, pack: PackData, spec: Slide, number_: int, total: int) -> None:
    """Title band, subtitle and footer of a content slide."""
    _rect(slide, 0, 0, SLIDE_W, 1.0, NAVY)
    _box(
        slide,
        MARGIN,
        0.12,
        SLIDE_W - 2 * MARGIN,
        0.8,
        spec.title,
        TITLE_PT,
        bold=True,
        colour="FFFFFF",
        anchor=MSO_ANCHOR.MIDDLE,
    )
    if spec.subtitle:
        _box(slide, MARGIN, 1.05, SLIDE_W - 2 * MARGIN, 0.45, spec.subtitle, 16, colour=GREY, anchor=MSO_ANCHOR.MIDDLE)
    _rect(slide, MARGIN, 7.02, SLIDE_W - 2 * MARGIN, 0.02, LINE)
    _box(slide, MARGIN, 7.07, 9.5, 0.35, f"Rakor POK {pack.settings.nama_daerah} - {pack.period}", 12, colour=GREY)
    _box(slide, SLIDE_W - MARGIN - 2.5, 7.07, 2.5, 0.35, f"{number_} / {total}", 12, colour=GREY, align=PP_ALIGN.RIGHT)


def _note(slide, text: str) -> None:
    if text:
        _box(
            slide,
            MARGIN,
            BODY_BOTTOM - 0.42,
            SLIDE_W - 2 * MARGIN,
            0.45,
            text,
            14,
            colour=GREY,
            anchor=MSO_ANCHOR.BOTTOM,
        )


def _draw_title(slide, pack: PackData, spec: Slide) -> None:
    _rect(slide, 0, 0, 0.35, SLIDE_H, NAVY)
    _rect(slide, 0.35, 0, 0.08, SLIDE_H, COLOURS["keuangan"])
    kop = [k.strip() for k in spec.data["kop"] if k and k.strip()]
    y = 0.6
    if pack.settings.logo_file:
        logo = slide.shapes.add_picture(pack.settings.logo_file, 0, Inches(0.3), height=Inches(0.9))
        logo.left = int((Inches(SLIDE_W) - logo.width) / 2)
        y = 1.3
    for i, line in enumerate(kop):
        _box(
            slide,
            1.0,
            y,
            SLIDE_W - 2.0,
            0.5,
            line,
            24 if i == 0 else 20,
            bold=i == 0,
            colour=NAVY,
            align=PP_ALIGN.CENTER,
        )
        y += 0.5
    _rect(slide, 2.5, y + 0.15, SLIDE_W - 5.0, 0.04, NAVY)
    _box(
        slide,
        1.0,
        y + 0.5,
        SLIDE_W - 2.0,
        1.5,
        "MATERI RAPAT KOORDINASI PENGENDALIAN\nOPERASIONAL KEGIATAN (RAKOR POK)",
        36,
        bold=True,
        colour=INK,
        align=PP_ALIGN.CENTER,
    )
    _box(
        slide,
        1.0,
        y + 2.2,
        SLIDE_W - 2.0,
        0.6,
        f"Realisasi Fisik dan Keuangan s.d. Akhir Bulan {pack.period}",
        28,
        colour=INK,
        align=PP_ALIGN.CENTER,
    )
    _box(
        slide, 1.0, y + 2.85, SLIDE_W - 2.0, 0.5, f"Tahun Anggaran {pack.year}", 24, colour=GREY, align=PP_ALIGN.CENTER
    )
    s = pack.settings
    _box(
        slide,
        1.0,
        6.3,
        SLIDE_W - 2.0,
        0.5,
        f"{s.tempat}, {tanggal(pack.today)}",
        18,
        colour=GREY,
        align=PP_ALIGN.CENTER,
    )


def _draw_empty(slide, spec: Slide) -> None:
    _box(
        slide,
        1.5,
        2.6,
        SLIDE_W - 3.0,
        2.0,
        spec.data["message"],
        28,
        colour=GREY,
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
    )


def _draw_summary(slide, spec: Slide) -> None:
    cards = spec.data["cards"]
    w, h, gap = 3.95, 2.45, 0.24
    for i, (label, value, sub) in enumerate(cards):
        x = MARGIN + (i % 3) * (w + gap)
        y = BODY_TOP + 0.05 + (i // 3) * (h + gap)
        _rect(slide, x, y, w, h, CARD_FILL, LINE)
        _rect(slide, x, y, 0.1, h, COLOURS["keuangan"])
        _box(slide, x + 0.25, y + 0.15, w - 0.4, 0.45, label, 20, colour=GREY)
        _box(slide, x + 0.25, y + 0.6, w - 0.4, 0.85, value, 40, bold=True, colour=NAVY, anchor=MSO_ANCHOR.MIDDLE)
        if sub:
            _box(slide, x + 0.25, y + 1.5, w - 0.4, 0.85, sub, 16, colour=GREY)
    _note(slide, spec.data["note"])


def _font(font, size: float, colour: str = INK, bold: bool = False) -> None:
    font.size, font.name, font.bold = Pt(size), FONT, bold
    font.color.rgb = _rgb(colour)


def _label(point, text: str, size: float = 14, colour: str = INK, position=XL_LABEL_POSITION.OUTSIDE_END) -> None:
    """A data label with fixed Indonesian text (``45,50 %``) beside its bar."""
    dl = point.data_label
    dl.position = position
    tf = dl.text_frame
    tf.text = text
    for p in tf.paragraphs:
        for run in p.runs:
            _font(run.font, size, colour, bold=True)


def _value_axis_at_end(chart) -> None:
    """Put the percent scale under the bars of the (reversed) category axis: its labels at the
    "high" end of the category axis, which is the bottom once the categories run top to bottom.
    (``ValueAxis.crosses`` sets where the category axis crosses the value axis, the opposite
    crossing; the value axis line itself is hidden, so only the labels need to move.)"""
    chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.HIGH


def _axis_max(values) -> float:
    """Percent axis to 100, further when a bar and its label would not fit."""
    top = max([v for v in values if v is not None and not math.isnan(v)] or [0])
    return 100.0 if top <= 85 else float(math.ceil((top + 18) / 10) * 10)


def _draw_ranking(slide, spec: Slide) -> None:
    rows: pd.DataFrame = spec.data["rows"]
    cd = CategoryChartData(number_format="0.00")
    cd.categories = list(rows["label"])
    cd.add_series(f"Realisasi {spec.data['what']} (%)", [float(v) for v in rows["value"]])
    top, bottom = BODY_TOP, BODY_BOTTOM - (0.5 if spec.data["note"] else 0)
    # short charts (few OPDs) keep bars of a sensible thickness
    height = min(bottom - top, 0.7 + 0.6 * len(rows))
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(MARGIN), Inches(top), Inches(SLIDE_W - 2 * MARGIN), Inches(height), cd
    )
    chart = frame.chart
    chart.has_legend = False
    chart.has_title = False
    _font(chart.font, 14)
    plot = chart.plots[0]
    plot.gap_width = 45
    plot.vary_by_categories = False
    cat, val = chart.category_axis, chart.value_axis
    cat.reverse_order = True  # rank 1 on top
    _value_axis_at_end(chart)  # ... and the percent scale below the bars
    cat.has_major_gridlines = False
    cat.format.line.color.rgb = _rgb(LINE)
    _font(cat.tick_labels.font, 14 if len(rows) > 12 else 16, INK, bold=True)
    val.minimum_scale, val.maximum_scale = 0.0, _axis_max(rows["value"])
    val.major_unit = 10.0 if val.maximum_scale <= 110 else 20.0
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = _rgb("E0E0E0")
    val.tick_labels.number_format = '0" %"'
    val.tick_labels.number_format_is_linked = False
    _font(val.tick_labels.font, 14, GREY)
    val.format.line.fill.background()
    series = plot.series[0]
    for i, (v, light) in enumerate(zip(rows["value"], rows["lampu"])):
        pt = series.points[i]
        pt.format.fill.solid()
        pt.format.fill.fore_color.rgb = _rgb(COLOURS.get(light, COLOURS["fisik"]))
        _label(pt, percent(v), 14 if len(rows) > 12 else 16)
    _note(slide, spec.data["note"])


def _draw_kurva(slide, spec: Slide) -> None:
    """The kurva S as a native line chart: target and realisasi fisik, target serapan and
    realisasi keuangan by month (months without reports left as gaps); the last value of the two
    realisasi lines labelled in Indonesian form (fisik above its point, keuangan below)."""
    curve: pd.DataFrame = spec.data["curve"]
    cd = CategoryChartData(number_format="0.00")
    cd.categories = [BULAN[int(m) - 1][:3] for m in curve["bulan"]]
    for column, name, _, _, _ in KURVA_LINES:
        cd.add_series(name, [None if _missing(v) else float(v) for v in curve[column]])
    bottom = BODY_BOTTOM - (0.5 if spec.data["note"] else 0)
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.LINE_MARKERS,
        Inches(MARGIN),
        Inches(BODY_TOP),
        Inches(SLIDE_W - 2 * MARGIN),
        Inches(bottom - BODY_TOP),
        cd,
    )
    chart = frame.chart
    chart.has_title = False
    _font(chart.font, 14)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    _font(chart.legend.font, 16)
    cat, val = chart.category_axis, chart.value_axis
    _font(cat.tick_labels.font, 16, INK, bold=True)
    cat.format.line.color.rgb = _rgb(LINE)
    values = [v for column, *_ in KURVA_LINES for v in curve[column] if not _missing(v)]
    val.minimum_scale, val.maximum_scale = 0.0, _axis_max(values)
    val.major_unit = 10.0 if val.maximum_scale <= 110 else 20.0
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = _rgb("E0E0E0")
    val.tick_labels.number_format = '0" %"'
    val.tick_labels.number_format_is_linked = False
    _font(val.tick_labels.font, 14, GREY)
    val.format.line.fill.background()
    for series, (column, _, colour, dashed, markers) in zip(chart.plots[0].series, KURVA_LINES):
        series.smooth = False
        line = series.format.line
        line.color.rgb = _rgb(colour)
        line.width = Pt(2.5 if dashed else 3.5)
        if dashed:
            line.dash_style = MSO_LINE_DASH_STYLE.DASH
        marker = series.marker
        if markers:
            marker.style, marker.size = XL_MARKER_STYLE.CIRCLE, 8
            marker.format.fill.solid()
            marker.format.fill.fore_color.rgb = _rgb(colour)
            marker.format.line.color.rgb = _rgb(colour)
        else:
            marker.style = XL_MARKER_STYLE.NONE
        known = [i for i, v in enumerate(curve[column]) if not _missing(v)]
        if known and not dashed:  # the realisasi; the targets are in the note
            position = XL_LABEL_POSITION.ABOVE if column == "fisik_pct" else XL_LABEL_POSITION.BELOW
            _label(series.points[known[-1]], percent(curve[column].iloc[known[-1]]), 16, colour, position)
    _note(slide, spec.data["note"])


def _draw_table(slide, spec: Slide, x: float = MARGIN, y: float = BODY_TOP, last_bold: bool = False) -> float:
    """Draw the table of ``spec`` at (x, y) and its note; returns the table's bottom (inches).

    The rows are written as DrawingML in one go (python-pptx's per-cell API takes seconds for a
    long kontrak kritis list); the result is an ordinary, editable PowerPoint table."""
    cols: list[Col] = spec.data["cols"]
    rows: list[list[str]] = spec.data["rows"]
    fills = spec.data.get("fills")
    heights = [_row_height([c.header for c in cols], cols, bold=True)] + [_row_height(r, cols) for r in rows]
    shape = slide.shapes.add_table(
        len(rows) + 1, len(cols), Inches(x), Inches(y), Inches(sum(c.width for c in cols)), Inches(sum(heights))
    )
    table = shape.table
    table.first_row = True
    table.horz_banding = False
    tbl = shape.element.graphic.graphicData.tbl  # the a:tbl of the table's graphic frame
    for tr in tbl.findall(qn("a:tr")):
        tbl.remove(tr)
    grid = tbl.find(qn("a:tblGrid"))
    for gc, c in zip(grid.findall(qn("a:gridCol")), cols):
        gc.set("w", str(int(Inches(c.width))))
    xml = [_tr(heights[0], [(c.header, c.align, True, NAVY, HEADER_FILL) for c in cols])]
    for i, cells in enumerate(rows, start=1):
        bold = last_bold and i == len(rows)
        out = []
        for j, (text, c) in enumerate(zip(cells, cols)):
            fill = fills[i - 1][j] if fills else None
            colour = LIGHT_FONT.get(_LIGHT_OF.get(fill), "FFFFFF") if fill else INK
            out.append(
                (
                    text,
                    c.align,
                    bold or bool(fill),
                    colour,
                    (fill or (ZEBRA if i % 2 == 0 else "FFFFFF")).lstrip("#").upper(),
                )
            )
        xml.append(_tr(heights[i], out))
    for tr in parse_xml(f"<a:tbl {nsdecls('a')}>{''.join(xml)}</a:tbl>").findall(qn("a:tr")):
        tbl.append(tr)
    _note(slide, spec.data.get("note", ""))
    return y + sum(heights)


_LIGHT_OF = {v: k for k, v in COLOURS.items()}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML
_ALGN = {"l": "l", "c": "ctr", "r": "r"}
_MAR_LR, _MAR_TB = int(Inches(0.08)), int(Inches(0.04))


def _tr(height: float, cells: list[tuple]) -> str:
    """DrawingML of one table row: (text, align, bold, colour, fill) per cell, TABLE_PT text."""
    out = [f'<a:tr h="{int(Inches(height))}">']
    for text, align, bold, colour, fill in cells:
        paras = "".join(
            f'<a:p><a:pPr algn="{_ALGN[align]}"/><a:r><a:rPr lang="id-ID" sz="{int(TABLE_PT * 100)}" '
            f'b="{int(bool(bold))}" dirty="0"><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'
            f'<a:latin typeface="{FONT}"/></a:rPr><a:t>{escape(_CONTROL.sub("", line))}</a:t></a:r></a:p>'
            for line in (str(text).split("\n") or [""])
        )
        out.append(
            f"<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>{paras}</a:txBody>"
            f'<a:tcPr marL="{_MAR_LR}" marR="{_MAR_LR}" marT="{_MAR_TB}" marB="{_MAR_TB}" anchor="ctr">'
            f'<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill></a:tcPr></a:tc>'
        )
    out.append("</a:tr>")
    return "".join(out)


def _money_chart(slide, groups: pd.DataFrame, x: float, y: float, w: float, h: float) -> None:
    """Pagu and realisasi keuangan (Rp) per sumber dana: horizontal bars, compact Rupiah labels."""
    cd = CategoryChartData(number_format="#,##0")
    cd.categories = list(groups["label"])
    cd.add_series("Pagu", [float(v) for v in groups["pagu"]])
    cd.add_series("Realisasi keuangan", [float(v) if not pd.isna(v) else 0.0 for v in groups["realisasi_keuangan"]])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(x), Inches(y), Inches(w), Inches(h), cd).chart
    _money_axes(
        chart,
        len(groups),
        max(float(groups["pagu"].max() or 0), float(groups["realisasi_keuangan"].fillna(0).max() or 0)) * 1.45,
    )
    chart.category_axis.reverse_order = True  # largest sumber dana on top
    _value_axis_at_end(chart)
    for s_i, series in enumerate(chart.plots[0].series):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(PAGU_COLOUR if s_i == 0 else COLOURS["keuangan"])
        values = groups["pagu"] if s_i == 0 else groups["realisasi_keuangan"]
        for i, v in enumerate(values):
            _label(series.points[i], _rp(v), 14)


def _money_axes(chart, n_categories: int, top: float) -> None:
    """Common look of the Rupiah charts: legend below, no value axis (the bars carry labels)."""
    _font(chart.font, 14)
    chart.has_title = False
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    _font(chart.legend.font, 16)
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.overlap = -10
    cat, val = chart.category_axis, chart.value_axis
    _font(cat.tick_labels.font, 16 if n_categories <= 4 else 14, INK, bold=True)
    cat.format.line.color.rgb = _rgb(LINE)
    val.visible = False
    val.has_major_gridlines = False
    val.minimum_scale = 0.0
    val.maximum_scale = top if top > 0 else 1.0


def _split_chart(slide, groups: pd.DataFrame, x: float, y: float, w: float, h: float) -> None:
    """Fisik konstruksi vs non fisik: pagu and realisasi keuangan side by side, one series per
    kind in the app's colours (blue fisik, grey non fisik)."""
    cd = CategoryChartData(number_format="#,##0")
    cd.categories = ["Pagu", "Realisasi keuangan"]
    for r in groups.itertuples(index=False):
        real = float(r.realisasi_keuangan) if not pd.isna(r.realisasi_keuangan) else 0.0
        cd.add_series(r.label, [float(r.pagu), real])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(x), Inches(y), Inches(w), Inches(h), cd).chart
    _money_axes(chart, 2, float(groups["pagu"].max() or 0) * 1.2)
    chart.category_axis.reverse_order = True  # pagu on top
    _value_axis_at_end(chart)
    chart.plots[0].gap_width = 40
    for series, r in zip(chart.plots[0].series, groups.itertuples(index=False)):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(COLOURS["fisik" if r.key == "fisik" else "non_fisik"])
        for i, v in enumerate([r.pagu, r.realisasi_keuangan]):
            _label(series.points[i], _rp(v), 16)


def _draw_split(slide, spec: Slide) -> None:
    groups = spec.data["groups"]
    cols = [
        Col("Jenis", 3.1),
        Col("Sub kegiatan", 1.73, "r"),
        Col("Pagu", 1.9, "r"),
        Col("Realisasi", 1.9, "r"),
        Col("Keuangan", 1.85, "r"),
        Col("Fisik", 1.85, "r"),
    ]
    fills = [[COLOURS["fisik"] if k == "fisik" else COLOURS["non_fisik"]] + [None] * 5 for k in groups["key"]]
    fills.append([None] * 6)
    sub = Slide("table", "", data=dict(cols=cols, rows=spec.data["rows"], fills=fills, note=""))
    bottom = _draw_table(slide, sub, last_bold=True)
    _split_chart(slide, groups, MARGIN, bottom + 0.15, SLIDE_W - 2 * MARGIN, BODY_BOTTOM - 0.45 - bottom - 0.15)
    _note(
        slide,
        "Keuangan = realisasi keuangan dibagi pagu; fisik = rata-rata realisasi fisik sub kegiatan tertimbang pagu.",
    )


def _draw_sumber(slide, spec: Slide) -> None:
    groups = spec.data["groups"]
    cols = [
        Col("Sumber dana", 1.85),
        Col("Sub keg.", 1.0, "r"),
        Col("Pagu", 1.35, "r"),
        Col("Realisasi", 1.35, "r"),
        Col("Keuangan", 1.2, "r"),
    ]
    width = sum(c.width for c in cols)
    _money_chart(slide, groups, MARGIN, BODY_TOP, SLIDE_W - 2 * MARGIN - width - 0.2, BODY_BOTTOM - BODY_TOP)
    rows = [r[:5] for r in spec.data["rows"]]
    sub = Slide("table", "", data=dict(cols=cols, rows=rows, fills=None, note=""))
    _draw_table(slide, sub, x=SLIDE_W - MARGIN - width, y=BODY_TOP + 0.1)


DRAW = {
    "summary": _draw_summary,
    "kurva": _draw_kurva,
    "ranking": _draw_ranking,
    "table": _draw_table,
    "split": _draw_split,
    "sumber": _draw_sumber,
    "empty": _draw_empty,
}


def build_pptx(pack: PackData) -> bytes:
    """The meeting slides of ``pack`` as PPTX bytes (16:9)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = prs.slide_layouts[6]
    slides = plan(pack)
    for n, spec in enumerate(slides, start=1):
        slide = prs.slides.add_slide(blank)
        if spec.kind == "title":
            _draw_title(slide, pack, spec)
        else:
            _frame(slide, pack, spec, n, len(slides))
            DRAW[spec.kind](slide, spec)
    props = prs.core_properties
    props.title = f"Materi Rakor POK {pack.period}"
    props.author = "Pantau"
    props.subject = pack.settings.nama_daerah
    stamp = dt.datetime.combine(pack.today, dt.time(8, 0))
    props.created = props.modified = stamp
    props.last_modified_by = "Pantau"
    props.revision = 1
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
