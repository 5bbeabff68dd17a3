"""Header block and layout: where the header of a table is and what each column means.

A header is a block of one to four rows (a merged "KEUANGAN" over "RENCANA | REALISASI" over
"Rp | % KUM | % TTB"), possibly followed by a row of column numbers (1 2 3 ... 6a 6b). Each column
gets its header *path* (``KEUANGAN › REALISASI › Rp``) and the path, not a flat label, decides the
field: realisasi only from a REALISASI branch, the plan from RENCANA/TARGET, weighted (% TTB),
deviasi, sisa and capaian columns never. Single-row headers ("Pagu Anggaran (Rp)", "Nilai DPA")
are matched by normalised synonyms. Where the header alone cannot say which column holds the
sub kegiatan code, the codes in the cells decide (DESIGN.md section 4 and 4a).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from core.months import BULAN
from core.numbers import NotANumber, parse_number

from .codes import REKENING, SUB_KEGIATAN, code_kind, split_code
from .issues import column_letter
from .reader import Sheet
from .text import norm

SEP = " › "

# Ordered: the first pattern that matches a normalised label wins. Columns of last month ("Realisasi
# s.d. Bulan Lalu") are ignored: they never hold the reported month's values.
_RULES: list[tuple[str, re.Pattern]] = [
    (f, re.compile(p))
    for f, p in [
        ("no", r"^(no|nomor|no urut|nmr)$"),
        ("ignore", r"\bsisa\b|\bbobot\b|\bttb\b|tertimbang|kontrak|keterangan tambahan|bulan lalu|bulan sebelumnya"),
        ("tahun", r"^(tahun|tahun anggaran|ta)$"),
        # SIPD-RI exports name every level: the header says which code is the sub kegiatan's.
        ("kode", r"^(kode|kd) sub ?kegiatan$"),
        ("nama", r"^(nama|uraian) sub ?kegiatan$|^sub ?kegiatan$"),
        ("kode_sub_unit", r"^(kode|kd) sub unit"),
        ("nama_sub_unit", r"^(nama )?sub unit"),
        ("program_kode", r"^(kode|kd) program$"),
        ("kegiatan_kode", r"^(kode|kd) kegiatan$"),
        ("program_nama", r"^(nama )?program$"),
        ("kegiatan_nama", r"^(nama )?kegiatan$"),
        ("ignore", r"^(kode|nama) (urusan|bidang urusan|standar harga|ssh)$|^kode sumber dana$|^(bidang )?urusan$"),
        ("ignore", r"^(akun|kelompok|objek|obyek|rincian (objek|obyek))$"),
        ("uraian_rekening", r"uraian rekening|nama rekening|uraian belanja|nama akun|uraian akun"),
        ("kode_rekening", r"rekening belanja|kode akun|kode belanja|kode rek belanja|^kode rekening$|^rekening\b"),
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
        # a pergeseran export shows the pagu before and after: the one after is the pagu in force
        ("pagu_sebelum", r"(pagu|anggaran|nilai|apbd).*\b(sebelum|semula|murni)\b"),
        ("pagu", r"pagu|nilai dpa|\bdpa\b|anggaran|alokasi|\bapbd\b|nilai rincian"),
        ("lokasi", r"lokasi"),
        ("solusi", r"^(upaya|solusi|pemecahan|langkah)"),
        ("ignore", r"^pihak yang|^kode permasalahan"),
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
    "target_keuangan": "Rencana/Target Keuangan (Rp)",
    "pagu_modal": "Anggaran Belanja Modal",
    "deviasi": "Deviasi",
    "sumber_dana": "Sumber Dana",
    "lokasi": "Lokasi",
    "permasalahan": "Permasalahan",
    "solusi": "Solusi",
    "jenis": "Jenis",
    "kode_opd": "Kode OPD",
    "nama_opd": "Nama OPD",
    "kode_sub_unit": "Kode Sub Unit",
    "nama_sub_unit": "Nama Sub Unit",
    "program_kode": "Kode Program",
    "program_nama": "Nama Program",
    "kegiatan_kode": "Kode Kegiatan",
    "kegiatan_nama": "Nama Kegiatan",
    "tahun": "Tahun",
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

# Columns of a header block that are read: a report table is far narrower (a sheet tens of
# thousands of cells wide would otherwise be scanned again for every candidate header row).
MAX_HEADER_WIDTH = 512
# Fields whose wrong column would give a wrong number: two candidates are never settled by order.
CRITICAL = ("pagu", "realisasi_keuangan", "realisasi_fisik", "target_fisik")

_CODE = re.compile(r"^\d+(\.\d+)+$")
_NUMBERISH = re.compile(r"^[\d.,%\s()-]+$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}[a-z]?\)?$")


@lru_cache(maxsize=4096)
def field_for(label: str) -> str | None:
    """The field a normalised single header label stands for, or ``None``."""
    if not label:
        return None
    for name, pattern in _RULES:
        if pattern.search(label):
            return name
    return None


# Parts of a header path (normalised), for multi-row headers.
_PLAN = re.compile(r"^(rencana|ren|target|trg|rcn)\b")
_REAL = re.compile(r"^(realisasi|real)\b")
_SKIP = re.compile(
    r"\b(deviasi|dev|selisih|sisa|capa\w*|cap|kat|kategori|rata2|rata rata|bobot|ttb|tertimbang|lalu|sebelumnya)\b"
)
_AKAS = re.compile(r"\bakas\b|anggaran kas")
_COMPONENT = re.compile(
    r"^(belanja )?(operasi|modal|pegawai|barang( dan)? jasa|hibah|bansos|bantuan sosial|tidak terduga|transfer)$"
)
_PAGU = re.compile(r"pagu|nilai dpa|\bdpa\b|nilai anggaran|^anggaran$|alokasi|\bapbd\b|nilai rincian")


_MONTHS = {name.lower(): i for i, name in enumerate(BULAN, start=1)} | {"pebruari": 2, "nopember": 11}
_NOT_MONEY = re.compile(r"\b(volume|satuan|harga|koefisien|vol)\b")


def _month_of(parts: tuple[str, ...]) -> int | None:
    """The month a header path names on its own ("Januari", "Bulan Januari"), else ``None``."""
    for p in parts:
        words = p.split()
        if words[:1] == ["bulan"]:
            words = words[1:]
        if len(words) == 1 and words[0] in _MONTHS:
            return _MONTHS[words[0]]
    return None


@lru_cache(maxsize=4096)
def field_for_path(parts: tuple[str, ...]) -> str | None:
    """The field of a column whose header path is ``parts`` (normalised labels, top to bottom).

    A one-label path goes by the synonyms of :func:`field_for`. Deeper paths go by their branch:
    REALISASI/REAL gives realisasi, RENCANA/REN/TARGET the plan (never realisasi), weighted (TTB),
    deviasi, sisa and capaian columns are ignored; the last label says Rp or %.
    """
    if not parts:
        return None
    if len(parts) == 1 and parts[0] in _MONTHS:
        return f"kas_{_MONTHS[parts[0]]}"
    if len(parts) == 1:
        return field_for(parts[0])
    last = parts[-1]
    pct = "%" in last or "persen" in last or last in ("kum", "kumulatif")
    if any(_SKIP.search(p) for p in parts):
        return "ignore"
    if any(p in ("bulan ini", "pada bulan ini", "bln ini") for p in parts):
        return "ignore"  # this month's flow; the report's figures are cumulative (s.d. bulan ini)
    month = _month_of(parts)
    if month and not any(_REAL.match(p) for p in parts) and not pct and not _NOT_MONEY.search(last):
        return f"kas_{month}"  # planned cash of one month (SIPD anggaran kas)
    if any(_AKAS.search(p) for p in parts):
        return "ignore" if pct else "target_keuangan"
    if _NOT_MONEY.search(last):
        return "ignore"  # volume, satuan, harga satuan: not an amount
    component = next((p for p in parts if _COMPONENT.match(p)), None)
    if component:
        return "pagu_modal" if "modal" in component and _PAGU.search(last) else "ignore"
    plan = any(_PLAN.match(p) for p in parts)
    real = any(_REAL.match(p) for p in parts)
    if plan and real:
        return "ignore"
    if any("fisik" in p or "progres" in p for p in parts):
        if plan:
            return "target_fisik"
        if "rp" in last.split():
            return "ignore"
        if not real and len(parts) > 2:
            return "ignore"  # a branch we do not know (a misspelt CAPAIAN): never taken for realisasi
        return "realisasi_fisik"
    if real:
        return "persen_keuangan" if pct else "realisasi_keuangan"
    if plan:
        return "ignore" if pct else "target_keuangan"
    if any(_PAGU.search(p) for p in parts):
        return "ignore" if pct else "pagu"
    return field_for(last) or field_for(" ".join(parts))


@dataclass
class Header:
    """A recognised header: where it is in the grid and what each column means."""

    first: int  # grid index of the first header row
    last: int  # grid index of the last header row (data follow)
    fields: dict[str, int]  # field -> grid column index
    labels: dict[int, str]  # grid column index -> header path ("KEUANGAN › REALISASI › Rp")
    ignored: list[str] = field(default_factory=list)  # labels not understood
    data_start: int = 0
    ambiguous: dict[str, list[int]] = field(default_factory=dict)  # field -> candidate columns
    notes: list[str] = field(default_factory=list)  # how the layout stage decided (for messages)

    def matched(self) -> dict[str, str]:
        """Field -> the header path of its column, for the preview ("columns recognised")."""
        return {f: self.labels.get(c, "") for f, c in self.fields.items()}


def _is_text_label(value) -> bool:
    """A header label: text that is neither a code nor a number ("%" and "( Rp )" are labels)."""
    return (
        isinstance(value, str)
        and not _CODE.match(value)
        and not (_NUMBERISH.match(value) and any(ch.isdigit() for ch in value))
    )


def _is_number_row(row: list) -> bool:
    """A row of column numbers under a header (1 2 3 ..., also "6a", "(7)")."""
    values = [v for v in row[:MAX_HEADER_WIDTH] if v is not None]
    if len(values) < 3:
        return False
    nums = []
    for v in values:
        if isinstance(v, float):
            if not v.is_integer():
                return False
            nums.append(v)
            continue
        text = str(v).strip()
        if not _COLUMN_NUMBER.match(text):
            return False
        nums.append(float(re.sub(r"\D", "", text)))
    return min(nums) <= 2 and sum(1 for a, b in zip(nums, nums[1:]) if b >= a) >= len(nums) - 2


def _is_label_row(row: list) -> bool:
    """A row that may belong to a header block: text labels, with at most a stray note or two
    beside them (a number typed right of the table), no codes."""
    values = [v for v in row[:MAX_HEADER_WIDTH] if v is not None]
    labels = sum(1 for v in values if _is_text_label(v))
    return labels >= 1 and len(values) - labels <= labels // 4


def data_start_after(rows: list[list], last: int) -> int:
    """The first data row under a header block ending at grid row ``last``: a column-number row
    and empty rows are skipped."""
    start = last + 1
    while start < len(rows) and (_is_number_row(rows[start]) or not any(v is not None for v in rows[start])):
        start += 1
    return start


def _merged_value(sheet: Sheet, i: int, j: int) -> str | None:
    """The label of a merged range covering grid cell (i, j), from its top-left cell."""
    r, c = sheet.row0 + i, sheet.col0 + j
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 <= r <= r1 and c0 <= c <= c1 and (r0, c0) != (r, c):
            ti, tj = r0 - sheet.row0, c0 - sheet.col0
            if 0 <= ti < len(sheet.rows) and 0 <= tj < len(sheet.rows[ti]):
                value = sheet.rows[ti][tj]
                return value if _is_text_label(value) else None
    return None


def block_paths(sheet: Sheet, top: int, bottom: int) -> dict[int, tuple[str, ...]]:
    """The header path of every column of the block ``top..bottom`` (grid rows, inclusive).

    A parent label spreads over the columns its merged range covers; where the file keeps no
    merge information, it spreads to the right over columns that have a label below it and
    share its own parents."""
    rows = sheet.rows[top : bottom + 1]
    width = min(max((len(r) for r in rows), default=0), MAX_HEADER_WIDTH)
    grid: list[list[str | None]] = []
    for k, row in enumerate(rows):
        line = []
        for j in range(width):
            v = row[j] if j < len(row) else None
            if not _is_text_label(v):
                v = _merged_value(sheet, top + k, j) if sheet.merged else None
            line.append(v.strip() if isinstance(v, str) else None)
        grid.append(line)
    for k in range(len(grid) - 1):
        line = grid[k]
        for j in range(1, width):
            if line[j] is not None or line[j - 1] is None:
                continue
            if not any(grid[d][j] for d in range(k + 1, len(grid))):
                continue
            if k and any(grid[u][j] != grid[u][j - 1] for u in range(k)):
                continue
            line[j] = line[j - 1]
    paths: dict[int, tuple[str, ...]] = {}
    for j in range(width):
        parts: list[str] = []
        for k in range(len(grid)):
            label = grid[k][j]
            if label and (not parts or norm(parts[-1]) != norm(label)):
                parts.append(label)
        if parts:
            paths[j] = tuple(parts)
    return paths


def map_paths(paths: dict[int, tuple[str, ...]]) -> tuple[dict[str, list[int]], list[str]]:
    """Field -> the columns whose path stands for it (in column order), and the labels not understood."""
    found: dict[str, list[int]] = {}
    ignored = []
    for idx, parts in sorted(paths.items()):
        key = tuple(norm(p) for p in parts)
        name = field_for_path(key)
        if name == "tw":
            num = re.search(r"(iv|i{1,3}|[1-4])$", key[-1])
            name = "tw" + str({"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(num.group(1), num.group(1))) if num else None
        if name is None or name == "ignore":
            if any(key):
                ignored.append(SEP.join(parts))
            continue
        found.setdefault(name, []).append(idx)
    return found, ignored


def _score(found: dict[str, list[int]]) -> int:
    return len([f for f in found if f != "no"])


def find_header(
    sheet: Sheet, required_any: tuple[str, ...] = ("kode", "nama", "indikator"), scan_rows: int = 40
) -> Header | None:
    """Locate the header block within the first ``scan_rows`` rows, or ``None``.

    A header names at least three known fields, one of them an identifying column (kode, nama or
    indikator); it may take up to three more label rows under its first row (the deeper block
    wins only when it names more fields). A column-number row after it is skipped. Columns whose
    path names the same field twice are settled by the cells (see :func:`settle_layout`).
    """
    rows = sheet.rows
    best: tuple[int, int, int, dict] | None = None  # (score, first, last, paths)
    for i, row in enumerate(rows[:scan_rows]):
        if sum(1 for v in row[:MAX_HEADER_WIDTH] if _is_text_label(v)) < 2:
            continue
        last = i
        while True:
            paths = block_paths(sheet, i, last)
            found, _ = map_paths(paths)
            score = _score(found)
            if score >= 3 and any(f in found for f in required_any):
                # a label row under the header belongs to it even when it names no new field: it can
                # show that one column is really two ("FISIK" over "REAL | REAL")
                deeper = best is not None and score == best[0] and i == best[1] and last > best[2]
                if best is None or score > best[0] or deeper:
                    best = (score, i, last, paths)
            nxt = last + 1
            if nxt >= len(rows) or nxt - i >= 4 or not _is_label_row(rows[nxt]) or _is_number_row(rows[nxt]):
                break
            last = nxt
        if best is not None and best[0] >= 6 and best[1] < i:
            break
    if best is None:
        return None
    _, first, last, paths = best
    found, ignored = map_paths(paths)
    data_start = data_start_after(rows, last)
    labels = {idx: SEP.join(parts) for idx, parts in paths.items()}
    header = Header(first, last, {}, labels, ignored, data_start)
    for name, cols in found.items():
        header.fields[name] = cols[0]
        if len(cols) > 1:
            header.ambiguous[name] = cols
    settle_layout(sheet, header)
    return header


# ---------------------------------------------------------------------------- settled by the cells
_SAMPLE = 400


def _numbers(sheet: Sheet, header: Header, idx: int) -> list[float | None]:
    out: list[float | None] = []
    for row in sheet.rows[header.data_start : header.data_start + _SAMPLE]:
        v = row[idx] if idx < len(row) else None
        try:
            out.append(parse_number(v))
        except NotANumber:
            out.append(None)
    return out


def _weighted_of(base: list, other: list, pagu: list) -> bool:
    """True when ``other`` is ``base`` weighted by each row's share of the pagu (a % TTB column):
    other / (base x pagu) is one constant over the rows that have all three."""
    ratios = sorted(o / (b * p) for b, o, p in zip(base, other, pagu) if b and o and p)
    if len(ratios) < 2:
        return False
    mid = ratios[len(ratios) // 2]
    # a weighted column edited by hand in a few rows is still the weighted column
    near = sum(1 for r in ratios if abs(r - mid) <= 1e-4 * abs(mid))
    return mid > 0 and near >= 0.8 * len(ratios)


def _settle_duplicates(sheet: Sheet, header: Header) -> None:
    """Two columns for one field: where one is the other weighted by the pagu share (% KUM beside
    % TTB under the same label), the unweighted one is the field; otherwise a critical field
    stays ambiguous (the file waits for a person) and any other field takes the first column."""
    pagu_col = header.fields.get("pagu")
    pagu = _numbers(sheet, header, pagu_col) if pagu_col is not None else None
    for name, cols in list(header.ambiguous.items()):
        keep = list(cols)
        if pagu is not None:
            values = {c: _numbers(sheet, header, c) for c in cols}
            for a in cols:
                for b in cols:
                    if a != b and b in keep and a in keep and _weighted_of(values[a], values[b], pagu):
                        keep.remove(b)
                        header.notes.append(
                            f"kolom {column_letter(sheet.col0 + b)} ('{header.labels.get(b)}') berisi nilai "
                            f"tertimbang; dipakai kolom {column_letter(sheet.col0 + a)}"
                        )
        if len(keep) == 1 or name not in CRITICAL:
            header.fields[name] = keep[0]
            del header.ambiguous[name]
        else:
            header.ambiguous[name] = keep
            header.fields[name] = keep[0]


def _code_profile(sheet: Sheet, header: Header) -> dict[int, dict[str, int]]:
    """Per column, how many cells of the data sample hold a code of each kind."""
    prof: dict[int, dict[str, int]] = {}
    for row in sheet.rows[header.data_start : header.data_start + _SAMPLE]:
        for j, v in enumerate(row):
            if v is None or isinstance(v, float):
                continue
            code, _ = split_code(v)
            if code:
                kinds = prof.setdefault(j, {})
                kind = code_kind(code)
                kinds[kind] = kinds.get(kind, 0) + 1
    return prof


def settle_layout(sheet: Sheet, header: Header) -> None:
    """Decide by the cells what the header alone cannot: duplicate columns of one field, and
    which column holds the sub kegiatan code (the header may say only "Kode" over several code
    columns, or name a column "Kode Rekening" that holds sub kegiatan codes)."""
    if header.ambiguous:
        _settle_duplicates(sheet, header)
    f = header.fields
    if "pagu" not in f and "pagu_sebelum" in f:  # "PAGU MURNI" alone is the pagu of a DPA murni
        f["pagu"] = f.pop("pagu_sebelum")
    prof = _code_profile(sheet, header)
    subs = {j: k.get(SUB_KEGIATAN, 0) for j, k in prof.items() if k.get(SUB_KEGIATAN)}
    kode = f.get("kode")
    if kode is not None and kode in subs:
        return
    if not subs:
        return
    labelled = [
        j for j in subs if "kode" in norm(header.labels.get(j, "")) or "sub kegiatan" in norm(header.labels.get(j, ""))
    ]
    pick = max(labelled or subs, key=lambda j: (subs[j], -j))
    old = kode
    f["kode"] = pick
    header.notes.append(
        f"kode sub kegiatan dibaca dari kolom '{header.labels.get(pick, '')}' (isi selnya berupa kode sub kegiatan)"
    )
    if old is not None and old != pick and prof.get(old, {}).get(REKENING) and "kode_rekening" not in f:
        f["kode_rekening"] = old
    if "kode_rekening" not in f:
        rek = [j for j, k in prof.items() if k.get(REKENING, 0) >= max(1, sum(k.values()) // 2) and j != pick]
        if rek:
            f["kode_rekening"] = rek[0]
    # a code written with its name in one cell: the same column is the name where none is better
    if f.get("nama") is None:
        f["nama"] = pick
