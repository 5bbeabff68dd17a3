"""Normalise the finance agency's DPA / activity list: many OPDs in one sheet, several belanja
lines per sub kegiatan (pagu of a sub kegiatan = sum of its lines; kode rekening kept)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.numbers import NotANumber, parse_number

from .classify import classify
from .codes import split_code
from .columns import FIELD_LABEL, Header
from .issues import ERROR, WARNING, Issue, column_letter
from .opd_match import default_singkatan
from .reader import Sheet
from .text import cell_text

REQUIRED = ("kode", "nama", "pagu")


@dataclass
class BelanjaLine:
    """One belanja line of the DPA."""

    row: int
    sub_kegiatan_kode: str
    kode_rekening: str | None
    uraian: str | None
    pagu: float
    sumber_dana: str | None


@dataclass
class SubKegiatan:
    """A sub kegiatan of the DPA with its summed pagu and classification."""

    kode: str
    nama: str
    opd_kode: str
    pagu: float = 0.0
    sumber_dana: list[str] = field(default_factory=list)
    lokasi: str | None = None
    lines: list[BelanjaLine] = field(default_factory=list)
    jenis: str = "non_fisik"
    jenis_source: str = "rule"
    jenis_rule: str = ""
    program_kode: str | None = None
    kegiatan_kode: str | None = None
    first_row: int = 0


@dataclass
class DpaTable:
    """Result of :func:`parse_dpa`."""

    opds: dict[str, tuple[str, str]]  # kode -> (nama, singkatan)
    sub_kegiatan: dict[tuple[str, str], SubKegiatan]  # (opd_kode, kode) -> sub kegiatan
    issues: list[Issue]


def parse_dpa(sheet: Sheet, header: Header) -> DpaTable:
    """Group the belanja lines of a DPA sheet by sub kegiatan and classify each one."""
    f = header.fields
    issues: list[Issue] = []
    s = sheet.name

    def col(name):
        return column_letter(sheet.col0 + f[name]) if s is not None else header.labels.get(f[name], name)

    def get(row, name):
        idx = f.get(name)
        return row[idx] if idx is not None and idx < len(row) else None

    opds: dict[str, tuple[str, str]] = {}
    subs: dict[tuple[str, str], SubKegiatan] = {}
    blank_pagu = 0
    same_cell = f.get("nama") == f.get("kode")
    for i in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[i]
        if not any(v is not None for v in row):
            continue
        r = sheet.sheet_row(i)
        raw_kode = get(row, "kode")
        kode, name_in_cell = split_code(raw_kode)
        if kode is None:
            text = cell_text(raw_kode).replace(" ", "")
            if not text:
                continue
            issues.append(
                Issue(
                    ERROR,
                    "invalid_code",
                    f"Kode sub kegiatan '{text}' tidak berformat kode "
                    "Permendagri 90 (mis. 1.02.01.2.01.0001). Perbaiki kode pada baris ini.",
                    sheet=s,
                    row=r,
                    column=col("kode"),
                    raw=text,
                )
            )
            continue
        opd_kode, opd_nama = _opd_of(get(row, "kode_opd"), get(row, "nama_opd"))
        if not opd_kode:
            issues.append(
                Issue(
                    ERROR,
                    "missing_opd",
                    "Kode/nama OPD kosong. Isi kolom Kode OPD dan Nama OPD pada setiap baris DPA.",
                    sheet=s,
                    row=r,
                )
            )
            continue
        if opd_kode not in opds:
            nama = opd_nama or opd_kode
            opds[opd_kode] = (nama, default_singkatan(nama))
        raw = get(row, "pagu")
        if raw is None:
            # SIPD exports leave the pagu of some lines blank: counted as 0, flagged (never refused)
            blank_pagu += 1
            if blank_pagu <= 1:
                issues.append(
                    Issue(
                        WARNING,
                        "pagu_kosong",
                        "Pagu kosong pada baris rincian belanja; dihitung 0. Periksa baris ini di SIPD.",
                        sheet=s,
                        row=r,
                        column=col("pagu"),
                    )
                )
            pagu = 0.0
        else:
            try:
                number = parse_number(raw)
            except NotANumber:
                number = None
            if number is None or number < 0:
                issues.append(
                    Issue(
                        ERROR,
                        "invalid_pagu",
                        f"Pagu '{raw}' tidak valid (harus angka tidak negatif). Perbaiki nilai pagu pada baris ini.",
                        sheet=s,
                        row=r,
                        column=col("pagu"),
                        raw=str(raw),
                    )
                )
                continue
            pagu = number
        sub = subs.get((opd_kode, kode))
        if sub is None:
            parts = kode.split(".")
            nama_sub = name_in_cell if same_cell else (split_code(get(row, "nama"))[1] or cell_text(get(row, "nama")))
            sub = subs[(opd_kode, kode)] = SubKegiatan(
                kode,
                nama_sub or kode,
                opd_kode,
                first_row=r,
                program_kode=".".join(parts[:3]) if len(parts) >= 5 else None,
                kegiatan_kode=".".join(parts[:5]) if len(parts) >= 5 else None,
            )
        dana = cell_text(get(row, "sumber_dana")) or None
        if dana and dana not in sub.sumber_dana:
            sub.sumber_dana.append(dana)
        if "lokasi" in f and not sub.lokasi:
            sub.lokasi = cell_text(get(row, "lokasi")) or None
        rek_kode, rek_nama = split_code(get(row, "kode_rekening"))
        line = BelanjaLine(
            r,
            kode,
            rek_kode or (cell_text(get(row, "kode_rekening")) or None),
            cell_text(get(row, "uraian_rekening")) or rek_nama,
            round(pagu, 2),
            dana,
        )
        sub.lines.append(line)
        sub.pagu = round(sub.pagu + line.pagu, 2)
    if blank_pagu > 1:
        issues.append(
            Issue(
                WARNING,
                "pagu_kosong",
                f"{blank_pagu} baris rincian belanja berpagu kosong; dihitung 0.",
                sheet=s,
                raw=str(blank_pagu),
            )
        )
    for sub in subs.values():
        codes = [ln.kode_rekening for ln in sub.lines if ln.kode_rekening]
        sub.jenis, sub.jenis_source, sub.jenis_rule = classify(sub.nama, codes or None)
    if not subs and not any(i.severity == ERROR for i in issues):
        issues.append(
            Issue(
                ERROR,
                "no_data_rows",
                "DPA tidak berisi baris sub kegiatan di bawah judul kolom. "
                "Pastikan data ada pada lembar yang sama dengan judul kolom.",
                sheet=s,
            )
        )
    return DpaTable(opds, subs, issues)


def _opd_of(kode_cell, nama_cell) -> tuple[str | None, str | None]:
    """(kode, nama) of the OPD of a DPA line: the SKPD code without its trailing dot, the name;
    a code written in the name cell ("1.01.2.22.0.00.02.0000 Dinas ...") is split off."""
    kode = cell_text(kode_cell).strip().rstrip(".") or None
    code_in_name, nama = split_code(nama_cell)
    if nama is None and nama_cell is not None and code_in_name is None:
        nama = cell_text(nama_cell) or None
    kode = kode or code_in_name or nama
    return kode, nama


def years_in(sheet: Sheet, header: Header) -> set[int]:
    """The years written in the TAHUN column of a SIPD export."""
    idx = header.fields.get("tahun")
    if idx is None:
        return set()
    years = set()
    for row in sheet.rows[header.data_start :]:
        v = row[idx] if idx < len(row) else None
        text = cell_text(v)
        if text.isdigit() and 2000 <= int(text) <= 2100:
            years.add(int(text))
    return years


def required_missing(header: Header) -> list[str]:
    """Required DPA columns that the header lacks (Indonesian labels)."""
    return [FIELD_LABEL[n] for n in REQUIRED if n not in header.fields]
