"""Normalise one OPD realisation table into leaf rows (sub kegiatan) and validate them.

Program and kegiatan rows carry subtotals of their sub kegiatan and a JUMLAH/TOTAL row ends
the table: only leaf rows are loaded, the subtotals are used to cross-check (DESIGN.md 4).
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from .columns import FIELD_LABEL, Header
from .issues import ERROR, INFO, WARNING, Issue, column_letter
from .numbers import NotANumber, parse_number
from .reader import Sheet
from .text import cell_text, norm

CODE = re.compile(r"^\d+(\.\d+)+$")
_TOTAL = re.compile(r"^(jumlah|total|grand total|jumlah total|total keseluruhan|jumlah seluruhnya)\b")
_ROMAN = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")

MONEY = ("pagu", "realisasi_keuangan")
PERCENT = ("target_fisik", "realisasi_fisik")
TEXT = ("sumber_dana", "lokasi", "permasalahan", "solusi", "jenis")


@dataclass
class LeafRow:
    """One sub kegiatan of a report, values as reported (percent in points 0-100)."""

    row: int
    kode: str
    nama: str | None
    program_kode: str | None = None
    program_nama: str | None = None
    kegiatan_kode: str | None = None
    kegiatan_nama: str | None = None
    pagu: float | None = None
    target_fisik: float | None = None
    realisasi_fisik: float | None = None
    realisasi_keuangan: float | None = None
    sumber_dana: str | None = None
    lokasi: str | None = None
    permasalahan: str | None = None
    solusi: str | None = None
    jenis_text: str | None = None
    jenis: str | None = None
    jenis_source: str | None = None
    flags: list[str] = field(default_factory=list)


@dataclass
class _Row:
    i: int
    kode: str | None
    nama: str | None
    values: dict
    raw: dict
    marker: str | None


@dataclass
class Table:
    """Result of :func:`parse_table`."""

    leaves: list[LeafRow]
    issues: list[Issue]
    fraction_scale: bool = False


def _col(header: Header, sheet: Sheet, name: str) -> str:
    idx = header.fields[name]
    if sheet.name is None and header.labels.get(idx):
        return header.labels[idx]
    return column_letter(sheet.col0 + idx)


def _get(row: list, idx: int | None):
    if idx is None or idx >= len(row):
        return None
    return row[idx]


def _normal_code(value) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", "", cell_text(value)).strip(".")
    return text if CODE.match(text) else None


def parse_table(sheet: Sheet, header: Header, file_name: str) -> Table:
    """Read the data rows under ``header``; return the leaves and the issues found."""
    f = header.fields
    issues: list[Issue] = []
    rows: list[_Row] = []
    total_row: _Row | None = None
    sheet_label = sheet.name
    for i in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[i]
        if not any(v is not None for v in row):
            continue
        kode = _normal_code(_get(row, f.get("kode")))
        nama = _get(row, f.get("nama"))
        nama = cell_text(nama) if nama is not None else None
        marker = cell_text(_get(row, f.get("no"))) if "no" in f else None
        first_texts = [norm(cell_text(_get(row, f.get(k)))) for k in ("no", "kode", "nama") if k in f]
        if any(_TOTAL.match(t) for t in first_texts if t):
            total_row = _Row(i, None, nama, *_values(row, f), marker)
            break
        if kode is None and "kode" in f:
            continue   # signature block, notes, blank separators
        if kode is None and not (nama and _get(row, f.get("pagu")) is not None):
            continue
        values, raw = _values(row, f)
        rows.append(_Row(i, kode, nama, values, raw, marker))

    fraction = _fraction_scale(rows, f, sheet)
    if fraction:
        issues.append(Issue(INFO, "percent_as_fraction",
                            "Nilai persen pada berkas ini tersimpan sebagai pecahan (mis. 0,3333 dengan format %); "
                            "dibaca sebagai 33,33 %.", sheet=sheet_label))

    leaves_idx = _leaf_indexes(rows)
    by_code = {r.kode: r for r in rows if r.kode}
    leaves: list[LeafRow] = []
    seen: dict[str, int] = {}
    for pos in leaves_idx:
        r = rows[pos]
        leaf = LeafRow(row=sheet.sheet_row(r.i), kode=r.kode or f"baris-{sheet.sheet_row(r.i)}", nama=r.nama)
        if r.kode:
            parts = r.kode.split(".")
            if len(parts) >= 5:
                leaf.program_kode = ".".join(parts[:3])
                leaf.kegiatan_kode = ".".join(parts[:5])
                leaf.program_nama = by_code[leaf.program_kode].nama if leaf.program_kode in by_code else None
                leaf.kegiatan_nama = by_code[leaf.kegiatan_kode].nama if leaf.kegiatan_kode in by_code else None
        for name in MONEY + PERCENT:
            if name not in f:
                continue
            raw = r.raw.get(name)
            try:
                value = parse_number(raw)
            except NotANumber:
                leaf.flags.append("non_numeric_value")
                issues.append(Issue(WARNING, "non_numeric_value",
                                    f"Nilai '{raw}' pada kolom {FIELD_LABEL[name]} bukan angka; baris tetap dimuat "
                                    f"tanpa nilai ini. Tulis angka saja, mis. 1.250.000.000.",
                                    sheet=sheet_label, row=leaf.row, column=_col(header, sheet, name), raw=str(raw)))
                continue
            if value is not None and name in PERCENT and fraction and isinstance(raw, float):
                value = value * 100
            if value is not None:
                value = round(value, 2 if name in MONEY else 4)
            setattr(leaf, name, value)
        for name in TEXT:
            if name in f:
                value = _get(sheet.rows[r.i], f[name])
                text = cell_text(value) if value is not None else None
                setattr(leaf, "jenis_text" if name == "jenis" else name, text or None)
        _validate_leaf(leaf, header, sheet, issues)
        if r.kode:
            if r.kode in seen:
                for other in leaves:
                    if other.kode == r.kode and "duplicate_code" not in other.flags:
                        other.flags.append("duplicate_code")
                        issues.append(_dup_issue(other, sheet_label, header, sheet))
                leaf.flags.append("duplicate_code")
                issues.append(_dup_issue(leaf, sheet_label, header, sheet))
            seen[r.kode] = leaf.row
        leaves.append(leaf)
    issues.extend(_check_subtotals(rows, leaves_idx, leaves, total_row, header, sheet))
    return Table(leaves, issues, fraction)


def _dup_issue(leaf: LeafRow, sheet_label, header, sheet) -> Issue:
    return Issue(WARNING, "duplicate_code", f"Kode sub kegiatan {leaf.kode} muncul lebih dari sekali dalam laporan. "
                 "Periksa kode pada baris ini; setiap sub kegiatan hanya boleh satu baris.",
                 sheet=sheet_label, row=leaf.row, column=_col(header, sheet, "kode") if "kode" in header.fields else None,
                 raw=leaf.kode)


def _values(row: list, f: dict) -> tuple[dict, dict]:
    raw = {name: _get(row, f.get(name)) for name in MONEY + PERCENT + ("persen_keuangan",) if name in f}
    values = {}
    for name, value in raw.items():
        try:
            values[name] = parse_number(value)
        except NotANumber:
            values[name] = None
    return values, raw


def _leaf_indexes(rows: list[_Row]) -> list[int]:
    """Rows that are sub kegiatan: the deepest code level with no descendants.

    Without a code column the "No" marker decides (I, II = program; A, B = kegiatan; 1, 2 = sub kegiatan).
    """
    coded = [r for r in rows if r.kode]
    if coded:
        depth = max(len(r.kode.split(".")) for r in coded)
        codes = sorted({r.kode for r in coded})
        has_child = set()
        for c in codes:
            parts = c.split(".")
            for k in range(1, len(parts)):
                has_child.add(".".join(parts[:k]))
        return [i for i, r in enumerate(rows)
                if r.kode and len(r.kode.split(".")) == depth and r.kode not in has_child]
    out = []
    for i, r in enumerate(rows):
        m = norm(r.marker or "")
        if m and re.fullmatch(r"\d+", m) and not _ROMAN.match(m):
            out.append(i)
    return out


def _fraction_scale(rows: list[_Row], f: dict, sheet: Sheet) -> bool:
    """True when percentages are stored as fractions (0.3333 shown as 33,33 % by Excel).

    Decided by the realisasi keuangan % column where there is one (it must equal realisasi/pagu
    as a fraction), else by all fisik values lying in 0..1 with some non-whole value.
    """
    diffs_frac, diffs_pct = [], []
    if "persen_keuangan" in f:
        for r in rows:
            pagu, keu, pct = (r.values.get(k) for k in ("pagu", "realisasi_keuangan", "persen_keuangan"))
            if pagu and keu is not None and pct is not None and isinstance(r.raw.get("persen_keuangan"), float):
                ratio = keu / pagu
                diffs_frac.append(abs(pct - ratio))
                diffs_pct.append(abs(pct - ratio * 100))
        if diffs_frac:
            return statistics.median(diffs_frac) < statistics.median(diffs_pct)
    values = [r.values.get(k) for r in rows for k in PERCENT
              if isinstance(r.raw.get(k), float) and r.values.get(k) is not None]
    return bool(values) and max(abs(v) for v in values) <= 1.0 and any(0 < v < 1 for v in values) \
        and any(round(v, 2) != v for v in values)


def _validate_leaf(leaf: LeafRow, header: Header, sheet: Sheet, issues: list[Issue]) -> None:
    s = sheet.name
    for name in MONEY:
        value = getattr(leaf, name)
        if value is not None and value < 0:
            leaf.flags.append("negative_value")
            issues.append(Issue(WARNING, "negative_value", f"{FIELD_LABEL[name]} bernilai negatif "
                                f"({value:,.0f}). Periksa angka pada baris ini; pagu dan realisasi tidak boleh "
                                "negatif.".replace(",", "."), sheet=s, row=leaf.row,
                                column=_col(header, sheet, name), raw=str(value)))
    for name in PERCENT:
        value = getattr(leaf, name)
        if value is not None and not 0 <= value <= 100:
            leaf.flags.append("fisik_out_of_range")
            issues.append(Issue(WARNING, "fisik_out_of_range", f"{FIELD_LABEL[name]} = {value:g} % di luar "
                                "rentang 0-100 %. Periksa apakah tertulis dalam persen.", sheet=s, row=leaf.row,
                                column=_col(header, sheet, name), raw=str(value)))
    if leaf.pagu and leaf.realisasi_keuangan is not None and leaf.pagu > 0 \
            and leaf.realisasi_keuangan > leaf.pagu + 0.5:
        leaf.flags.append("realisasi_melebihi_pagu")
        issues.append(Issue(WARNING, "realisasi_melebihi_pagu",
                            f"Realisasi keuangan Rp {leaf.realisasi_keuangan:,.0f} melebihi pagu Rp {leaf.pagu:,.0f}. "
                            "Periksa angka realisasi atau pagu setelah pergeseran.".replace(",", "."),
                            sheet=s, row=leaf.row, column=_col(header, sheet, "realisasi_keuangan"),
                            raw=str(leaf.realisasi_keuangan)))


def _check_subtotals(rows, leaves_idx, leaves, total_row, header, sheet) -> list[Issue]:
    """Warn where a program/kegiatan/total row differs from the sum of its sub kegiatan."""
    issues = []
    leaf_by_code: dict[str, list[LeafRow]] = {}
    for leaf in leaves:
        leaf_by_code.setdefault(leaf.kode, []).append(leaf)
    leaf_set = set(leaves_idx)
    checks = []
    for i, r in enumerate(rows):
        if i in leaf_set or not r.kode:
            continue
        children = [lf for code, lfs in leaf_by_code.items() if code.startswith(r.kode + ".") for lf in lfs]
        checks.append((r, children, f"{r.kode}"))
    if total_row is not None:
        checks.append((total_row, leaves, "JUMLAH"))
    for r, children, label in checks:
        if not children:
            continue
        for name in MONEY:
            stated = r.values.get(name)
            if stated is None or name not in header.fields:
                continue
            vals = [getattr(c, name) for c in children]
            if any(v is None for v in vals) or any("negative_value" in c.flags for c in children):
                continue   # the leaf itself is already flagged
            total = sum(vals)
            if abs(total - stated) > max(1.0, abs(stated) * 1e-6):
                issues.append(Issue(WARNING, "subtotal_mismatch",
                                    f"Subtotal {FIELD_LABEL[name]} baris {label} (Rp {stated:,.0f}) tidak sama dengan "
                                    f"jumlah sub kegiatannya (Rp {total:,.0f}). Data sub kegiatan yang dipakai; "
                                    "periksa rumus subtotal.".replace(",", "."), sheet=sheet.name,
                                    row=sheet.sheet_row(r.i), column=_col(header, sheet, name), raw=str(stated)))
    return issues
