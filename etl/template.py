"""Pantau's own report layout: the request template (``exports.request_template``) and how the
ingest recognises a returned one.

A template carries a marker in the workbook's custom document properties (``pantau_*``, kept by
Excel and LibreOffice when the OPD saves the file): what it is, for which OPD and month, on which
sheet and header row. The ingest reads the marker, checks that the sheet still has the template's
columns on that row, and then calls the layout "format Pantau". The values are validated exactly as
in any other report, and the marker's OPD and period are one more source beside the title, sheet
name and file name: where they disagree, the usual conflict handling applies (DESIGN.md section 4).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass

KIND = "laporan_realisasi"
VERSION = "1"
PREFIX = "pantau_"
LAYOUT = "pantau"  # Report.layout of a recognised template
LAYOUT_LABEL = "format Pantau"

# The template's columns, left to right: (field the ingest maps the label to, label). The last
# five repeat last month's report for reference; "bulan lalu" makes the ingest ignore them.
COLUMNS: list[tuple[str | None, str]] = [
    ("no", "No"),
    ("kode", "Kode"),
    ("nama", "Program / Kegiatan / Sub Kegiatan"),
    ("sumber_dana", "Sumber Dana"),
    ("jenis", "Jenis (Fisik / Non Fisik)"),
    ("pagu", "Pagu Anggaran (Rp)"),
    ("target_fisik", "Target Fisik s.d. Bulan Ini (%)"),
    ("realisasi_fisik", "Realisasi Fisik s.d. Bulan Ini (%)"),
    ("realisasi_keuangan", "Realisasi Keuangan s.d. Bulan Ini (Rp)"),
    ("permasalahan", "Permasalahan"),
    ("solusi", "Solusi / Tindak Lanjut"),
    (None, "Target Fisik s.d. Bulan Lalu (%)"),
    (None, "Realisasi Fisik s.d. Bulan Lalu (%)"),
    (None, "Realisasi Keuangan s.d. Bulan Lalu (Rp)"),
    (None, "Permasalahan Bulan Lalu"),
    (None, "Solusi Bulan Lalu"),
]
FIELDS = [f for f, _ in COLUMNS if f]
# Columns the OPD fills (the only unlocked cells of a sub kegiatan row).
INPUT_FIELDS = ("target_fisik", "realisasi_fisik", "realisasi_keuangan", "permasalahan", "solusi")

_PROPERTY = re.compile(
    rb"<(?:\w+:)?property\b([^>]*)>\s*<(?:\w+:)?\w+[^>]*>([^<]*)</(?:\w+:)?\w+>\s*"
    rb"</(?:\w+:)?property>"
)
_ODS_PROPERTY = re.compile(rb"<meta:user-defined\b([^>]*)>([^<]*)</meta:user-defined>")
_NAME = re.compile(rb'\b(?:meta:)?name="([^"]*)"')
_MAX_PART = 256 * 1024  # a marker is a few hundred bytes; a larger part is not read


@dataclass(frozen=True)
class Marker:
    """The ``pantau_*`` properties of a workbook made by Pantau."""

    kind: str
    version: str | None = None
    opd_kode: str | None = None
    year: int | None = None
    month: int | None = None
    sheet: str | None = None
    header_row: int | None = None  # 1-based sheet row of the column header

    def properties(self) -> dict[str, str | int]:
        """The marker as custom document properties (name -> value) for the workbook writer."""
        values = {
            "kind": self.kind,
            "versi": self.version,
            "opd_kode": self.opd_kode,
            "tahun": self.year,
            "bulan": self.month,
            "lembar": self.sheet,
            "baris_judul_kolom": self.header_row,
        }
        return {PREFIX + k: v for k, v in values.items() if v is not None}


def _int(text: str | None) -> int | None:
    try:
        number = float(str(text).strip())  # LibreOffice writes whole numbers as doubles (vt:r8)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        return None
    return archive.read(info)


def read_marker(data: bytes, fmt: str | None, archive: zipfile.ZipFile | None = None) -> Marker | None:
    """The Pantau marker of an .xlsx (docProps/custom.xml) or .ods (meta.xml) file, or ``None``.
    ``archive``: ``data`` already opened as a zip.

    Never raises: a damaged or missing part means no marker (the file is read as any other)."""
    if fmt not in ("xlsx", "ods"):
        return None
    try:
        archive = archive or zipfile.ZipFile(io.BytesIO(data))
        if fmt == "xlsx":
            xml, pattern = _part(archive, "docProps/custom.xml"), _PROPERTY
        else:
            xml, pattern = _part(archive, "meta.xml"), _ODS_PROPERTY
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    if not xml or PREFIX.encode() not in xml:
        return None
    values: dict[str, str] = {}
    for attrs, raw in pattern.findall(xml):
        name = _NAME.search(attrs)
        if name is None:
            continue
        key = html.unescape(name.group(1).decode("utf-8", "replace"))
        if key.startswith(PREFIX):
            values[key[len(PREFIX) :]] = html.unescape(raw.decode("utf-8", "replace")).strip()
    if values.get("kind") != KIND:
        return None
    month = _int(values.get("bulan"))
    return Marker(
        KIND,
        values.get("versi"),
        values.get("opd_kode") or None,
        _int(values.get("tahun")),
        month if month and 1 <= month <= 12 else None,
        values.get("lembar") or None,
        _int(values.get("baris_judul_kolom")),
    )


def layout_matches(marker: Marker, sheet_name: str | None, header_row: int, fields: dict[str, int]) -> bool:
    """True when a sheet is the template the marker describes: the same sheet, the column header
    on the same row and every template column recognised in the template's order."""
    if marker.sheet != sheet_name or marker.header_row != header_row:
        return False
    if any(f not in fields for f in FIELDS):
        return False
    positions = [fields[f] for f in FIELDS]
    return positions == sorted(positions)
