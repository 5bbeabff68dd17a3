"""Recognise table headers: which column is pagu, realisasi fisik, ... by normalised synonyms.

Column names vary between OPDs ("Pagu Anggaran (Rp)", "Nilai DPA", "Anggaran"); a header may
span two rows (a merged "Realisasi" over "Fisik | Keuangan") and may be followed by a row of
column numbers (1 2 3 ...). DESIGN.md section 4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .reader import Sheet
from .text import norm

# Ordered: the first pattern that matches a normalised label wins. Columns of last month ("Realisasi
# s.d. Bulan Lalu") are ignored: they never hold the reported month's values.
_RULES: list[tuple[str, re.Pattern]] = [
    (f, re.compile(p))
    for f, p in [
        ("no", r"^(no|nomor|no urut|nmr)$"),
        ("ignore", r"\bsisa\b|\bbobot\b|kontrak|keterangan tambahan|bulan lalu|bulan sebelumnya"),
        ("uraian_rekening", r"uraian rekening|nama rekening|uraian belanja|nama akun|uraian akun"),
        ("kode_rekening", r"rekening belanja|kode akun|kode belanja|kode rek belanja"),
        ("kode_opd", r"kode (opd|skpd|perangkat daerah|unit kerja|organisasi)"),
        ("nama_opd", r"(^| )(opd|skpd|perangkat daerah|organisasi)$"),
        ("unit", r"^unit( kerja)?$|^seksi$|^bidang$"),
        ("indikator", r"indikator"),
        ("satuan", r"^satuan"),
        ("arah", r"^arah|polaritas"),
        ("agregasi", r"^(agregasi|akumulasi|sifat( data| indikator| nilai)?|cara (rekap|hitung|agregasi))$"),
        ("target_tahunan", r"target tahun|target \(?1 tahun|target akhir"),
        ("tw", r"^(target )?(tw|triwulan) ?(i{1,3}|iv|[1-4])$"),
        ("kode", r"\bkode\b|^kd\b"),
        ("deviasi", r"deviasi|selisih"),
        ("jenis", r"^jenis|fisik non fisik|non fisik fisik|klasifikasi|^kategori"),
        ("target_keuangan", r"(target|rencana).*(keuangan|rp|anggaran)"),
        ("target_fisik", r"(target|rencana).*fisik|fisik.*(target|rencana)"),
        ("realisasi_fisik", r"fisik|progres"),
        ("persen_keuangan", r"(keuangan|anggaran|serapan|realisasi|penyerapan).*%|persen.*keuangan|%.*keuangan"),
        ("realisasi_keuangan", r"realisasi.*(keuangan|rp|anggaran|belanja|spj|sp2d)|keuangan|penyerapan|serapan"),
        ("sumber_dana", r"sumber ?dana|sumber anggaran"),
        ("pagu", r"pagu|nilai dpa|\bdpa\b|anggaran|alokasi"),
        ("lokasi", r"lokasi"),
        ("permasalahan", r"permasalahan|masalah|kendala|hambatan"),
        ("solusi", r"solusi|upaya|tindak lanjut|pemecahan|rekomendasi"),
        ("keterangan", r"^keterangan|^ket$|catatan"),
        ("target", r"^target$"),
        ("realisasi", r"^realisasi$|^capaian$"),
        ("nama", r"uraian|nama|sub kegiatan|program|kegiatan"),
    ]
]

# Friendly Indonesian names of fields, for messages and the preview.
FIELD_LABEL = {
    "kode": "Kode",
    "nama": "Uraian/Nama",
    "pagu": "Pagu",
    "target_fisik": "Target Fisik (%)",
    "realisasi_fisik": "Realisasi Fisik (%)",
    "realisasi_keuangan": "Realisasi Keuangan (Rp)",
    "persen_keuangan": "Realisasi Keuangan (%)",
    "deviasi": "Deviasi",
    "sumber_dana": "Sumber Dana",
    "lokasi": "Lokasi",
    "permasalahan": "Permasalahan",
    "solusi": "Solusi",
    "jenis": "Jenis",
    "kode_opd": "Kode OPD",
    "nama_opd": "Nama OPD",
    "kode_rekening": "Kode Rekening Belanja",
    "uraian_rekening": "Uraian Rekening Belanja",
    "indikator": "Indikator",
    "satuan": "Satuan",
    "target": "Target",
    "realisasi": "Realisasi",
    "keterangan": "Keterangan",
    "unit": "Unit Kerja",
    "target_tahunan": "Target Tahunan",
    "arah": "Arah",
    "agregasi": "Agregasi",
    "tw": "Target Triwulan",
    "no": "No",
}

_CODE = re.compile(r"^\d+(\.\d+)+$")


@lru_cache(maxsize=4096)
def field_for(label: str) -> str | None:
    """The field a normalised header label stands for, or ``None``."""
    if not label:
        return None
    for name, pattern in _RULES:
        if pattern.search(label):
            return name
    return None


@dataclass
class Header:
    """A recognised header: its last row index in the grid and the column map."""

    first: int  # grid index of the first header row
    last: int  # grid index of the last header row (data follow)
    fields: dict[str, int]  # field -> grid column index
    labels: dict[int, str]  # grid column index -> original label text
    ignored: list[str] = field(default_factory=list)  # labels not understood
    data_start: int = 0

    def matched(self) -> dict[str, str]:
        """Field -> the original column label, for the preview ("columns recognised")."""
        return {f: self.labels.get(c, "") for f, c in self.fields.items()}


def _is_text_label(value) -> bool:
    return isinstance(value, str) and not _CODE.match(value) and not re.fullmatch(r"[\d.,%\s()-]+", value)


def _map_row(labels: list[str]) -> tuple[dict[str, int], list[str]]:
    fields: dict[str, int] = {}
    ignored = []
    for idx, label in enumerate(labels):
        key = norm(label)
        name = field_for(key)
        if name == "tw":
            num = re.search(r"(iv|i{1,3}|[1-4])$", key).group(1)
            name = "tw" + str({"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(num, num))
        if name is None or name == "ignore":
            if key:
                ignored.append(label)
            continue
        fields.setdefault(name, idx)
    return fields, ignored


def _is_number_row(row: list) -> bool:
    values = [v for v in row if v is not None]
    if len(values) < 3:
        return False
    nums = []
    for v in values:
        text = str(v).strip("() ")
        try:
            nums.append(float(text))
        except ValueError:
            return False
    return all(n.is_integer() for n in nums) and nums == sorted(nums) and nums[0] <= 2


def _combine(sheet: Sheet, top: list[str], bottom: list) -> list[str]:
    """Labels of a two-row header: the parent (forward-filled over merged cells) + child."""
    width = max(len(top), len(bottom))
    top = list(top) + [None] * (width - len(top))
    bottom = list(bottom) + [None] * (width - len(bottom))
    parents = [v or "" for v in top]
    for i in range(1, width):
        if not parents[i] and bottom[i] is not None and bottom[i - 1] is not None and parents[i - 1]:
            parents[i] = parents[i - 1]
    out = []
    for p, c in zip(parents, bottom):
        child = str(c) if c is not None else ""
        out.append(f"{p} {child}".strip() if p != child else p)
    return out


def find_header(
    sheet: Sheet, required_any: tuple[str, ...] = ("kode", "nama", "indikator"), scan_rows: int = 40
) -> Header | None:
    """Locate the header row(s) within the first ``scan_rows`` rows, or ``None``.

    A header row names at least three known fields, one of them an identifying
    column (kode, nama or indikator). A following sub-header row (text only, no
    codes) is merged into it, and a column-number row after it is skipped.
    """
    best: tuple[int, int] | None = None
    rows = sheet.rows
    for i, row in enumerate(rows[:scan_rows]):
        labels = [str(v) if _is_text_label(v) else "" for v in row]
        fields, _ = _map_row(labels)
        score = len([f for f in fields if f not in ("no",)])
        if score >= 3 and any(f in fields for f in required_any):
            if best is None or score > best[1]:
                best = (i, score)
            if score >= 5:
                break
    if best is None:
        return None
    i = best[0]
    top = rows[i]
    labels = [str(v) if _is_text_label(v) else "" for v in top]
    last = i
    if i + 1 < len(rows):
        nxt = rows[i + 1]
        texts = [v for v in nxt if v is not None]
        if texts and all(isinstance(v, str) and not _CODE.match(v) for v in texts) and not _is_number_row(nxt):
            combined = _combine(sheet, labels, nxt)
            f2, _ = _map_row(combined)
            f1, _ = _map_row(labels)
            if len(f2) >= len(f1):
                labels, last = combined, i + 1
    fields, ignored = _map_row(labels)
    data_start = last + 1
    while data_start < len(rows) and _is_number_row(rows[data_start]):
        data_start += 1
    label_map = {idx: lab for idx, lab in enumerate(labels) if lab}
    return Header(i, last, fields, label_map, ignored, data_start)
