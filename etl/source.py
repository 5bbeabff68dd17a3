"""What a recognised table is: a DPA, a realisation report, a kinerja format, a helper sheet,
and which family (``source``) of pemda file it comes from. Decided by what the layout says
(fields found, header paths), never by file or sheet names (DESIGN.md section 4a)."""

from __future__ import annotations

from .columns import Header
from .text import norm

REALISASI_FIELDS = ("realisasi_keuangan", "realisasi_fisik", "persen_keuangan")

# Source names of the JSON contract and the preview.
SOURCE_LABEL = {
    "sipd_rincian": "SIPD-RI rincian belanja (DPA)",
    "sipd_lra": "SIPD rekapitulasi belanja / LRA per sub kegiatan",
    "sipd_rak": "SIPD anggaran kas",
    "form_rfk": "Form-RFK (laporan realisasi fisik dan keuangan)",
    "compilation": "Kompilasi RFK, satu OPD per lembar",
    "pantau_template": "Format Pantau",
    "table": "Tabel laporan",
}


def sheet_kind(header: Header) -> str:
    """``dpa``, ``realisasi``, ``rak``, ``targets``, ``kinerja``, ``helper`` (a sheet beside the report:
    PBJ, sisa tender, a covering letter's summary, an input helper) or ``unknown``.

    A DPA lists sub kegiatan by code with their OPD and pagu and has no realisation; a
    realisation report has a pagu and a REALISASI column. Helper sheets never decide a file's
    kind and never reject it."""
    f = header.fields
    if "indikator" in f and not any(k in f for k in REALISASI_FIELDS + ("pagu",)):
        return "targets" if ("target_tahunan" in f or "tw1" in f) else "kinerja"
    has_real = any(k in f for k in REALISASI_FIELDS)
    if "kode" in f and not has_real and sum(1 for m in range(1, 13) if f"kas_{m}" in f) >= 6:
        return "rak"  # planned cash per month (SIPD anggaran kas)
    if "kode" in f and "pagu" in f and not has_real and ("kode_opd" in f or "nama_opd" in f or "tahun" in f):
        return "dpa"
    if "pagu" in f and has_real:
        return "realisasi"
    if "pagu" in f and ("kode" in f or "nama" in f) and not ("kode_opd" in f or "nama_opd" in f):
        return "realisasi_incomplete"  # a report without its realisation columns (refused if nothing better)
    if has_real or "pagu" in f:
        return "helper"
    return "unknown"


def is_nomenclature(header: Header) -> bool:
    """A list of codes and names (Permendagri 90 nomenklatur) rather than a report."""
    return any("nomenklatur" in norm(label) for label in header.labels.values())


def realisasi_source(header: Header, multi_opd: bool, template: bool) -> str:
    """The family of a realisation report (see :data:`SOURCE_LABEL`)."""
    if template:
        return "pantau_template"
    f = header.fields
    deep = any(label.count("›") >= 2 for label in header.labels.values())
    if "realisasi_fisik" not in f and "target_fisik" not in f and "kode_rekening" in f:
        return "sipd_lra"
    if multi_opd:
        return "compilation"
    if deep:
        return "form_rfk"
    return "table"


def dpa_source(header: Header) -> str:
    """``sipd_rincian`` for a flat SIPD-RI export (one line per rekening), else ``table``."""
    f = header.fields
    if "kode_rekening" in f and ("tahun" in f or "kode_sub_unit" in f or "program_kode" in f or "kode_opd" in f):
        return "sipd_rincian"
    return "table"
