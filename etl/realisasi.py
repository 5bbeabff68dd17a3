"""Normalise one OPD realisation table into leaf rows (sub kegiatan) and validate them.

Program and kegiatan rows carry subtotals of their sub kegiatan and a JUMLAH/TOTAL row ends
the table: only leaf rows are loaded, the subtotals are used to cross-check (DESIGN.md 4).
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from .columns import FIELD_LABEL, Header
from .issues import INFO, WARNING, Issue, column_letter
from .numbers import NotANumber, parse_number
from .reader import Sheet
from .text import cell_text, norm

CODE = re.compile(r"^\d+(\.\d+)+$")
_TOTAL = re.compile(r"^(jumlah|total|grand total|jumlah total|total keseluruhan|jumlah seluruhnya)\b")
_ROMAN = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")

MONEY = ("pagu", "realisasi_keuangan")
PERCENT = ("target_fisik", "realisasi_fisik")
TEXT = ("sumber_dana", "lokasi", "permasalahan", "solusi", "jenis")
_NUMERIC = MONEY + PERCENT + ("persen_keuangan",)


@dataclass(slots=True)
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


@dataclass(slots=True)
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


_SPACES = re.compile(r"\s+")


def _normal_code(value) -> str | None:
    if value is None:
        return None
    if type(value) is str and CODE.match(value):
        return value
    text = _SPACES.sub("", cell_text(value)).strip(".")
    return text if CODE.match(text) else None


def parse_table(sheet: Sheet, header: Header) -> Table:
    """Read the data rows under ``header``; return the leaves and the issues found."""
    f = header.fields
    issues: list[Issue] = []
    rows: list[_Row] = []
    total_row: _Row | None = None
    sheet_label = sheet.name
    idx_kode, idx_nama, idx_no, idx_pagu = f.get("kode"), f.get("nama"), f.get("no"), f.get("pagu")
    numeric = [(name, f[name]) for name in _NUMERIC if name in f]
    ik = -1 if idx_kode is None else idx_kode
    inm = -1 if idx_nama is None else idx_nama
    ino = -1 if idx_no is None else idx_no
    for i in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[i]
        width = len(row)
        kode = row[ik] if 0 <= ik < width else None
        if not (type(kode) is str and CODE.match(kode)):
            kode = _normal_code(kode)
        nama = row[inm] if 0 <= inm < width else None
        if nama is not None and type(nama) is not str:
            nama = cell_text(nama)
        marker = row[ino] if 0 <= ino < width else None
        if kode is None:
            # Not a budget row: a JUMLAH/TOTAL row ends the table; signature blocks and notes are skipped.
            first = (marker, _get(row, idx_kode), nama)
            if any(isinstance(t, str) and _TOTAL.match(norm(t)) for t in first):
                total_row = _Row(i, None, nama, *_values(row, numeric), marker)
                break
            if idx_kode is not None or not (nama and _get(row, idx_pagu) is not None):
                continue
        rows.append(_Row(i, kode, nama, None, None, marker))   # numbers are read later, once

    leaves_idx = _leaf_indexes(rows)
    leaf_set = set(leaves_idx)
    for pos, r in enumerate(rows):
        if pos not in leaf_set or pos < 60:   # parents (subtotal check) and the sample for the % scale
            r.values, r.raw = _values(sheet.rows[r.i], numeric)
    fraction = _fraction_scale(rows[:60], f, sheet)
    if fraction:
        issues.append(Issue(INFO, "percent_as_fraction",
                            "Nilai persen pada berkas ini tersimpan sebagai pecahan (mis. 0,3333 dengan format %); "
                            "dibaca sebagai 33,33 %.", sheet=sheet_label))

    by_code = {r.kode: r for r in rows if r.kode}
    leaf_rows = [rows[pos] for pos in leaves_idx]
    cells_of = [sheet.rows[r.i] for r in leaf_rows]
    n = len(leaf_rows)

    def column(idx):
        return [c[idx] if idx < len(c) else None for c in cells_of]

    # Numbers column by column: cells Excel already holds as numbers pass straight through.
    numbers: dict[str, list] = {name: [None] * n for name in MONEY + PERCENT}
    bad: dict[int, list[tuple[str, object]]] = {}
    for name in MONEY + PERCENT:
        if name not in f:
            continue
        raw = column(f[name])
        values = raw
        if not all(v is None or type(v) is float for v in raw):
            values = []
            for k, v in enumerate(raw):
                if v is None or type(v) is float:
                    values.append(v)
                    continue
                try:
                    values.append(parse_number(v))
                except NotANumber:
                    values.append(None)
                    bad.setdefault(k, []).append((name, v))
        if fraction and name in PERCENT:   # 0.3333 -> 33.33, without float noise
            values = [round(v * 100, 6) if v is not None and type(r) is float else v for v, r in zip(values, raw)]
        numbers[name] = values
    texts = {name: [None] * n for name in TEXT}
    for name in TEXT:
        if name in f:
            texts[name] = [None if v is None else ((v.strip() if type(v) is str else cell_text(v)) or None)
                           for v in column(f[name])]

    leaves: list[LeafRow] = []
    seen: dict[str, int] = {}
    row0 = sheet.row0 + 1
    for k, r in enumerate(leaf_rows):
        kode = r.kode
        row_no = row0 + r.i
        program = kegiatan = None
        if kode and kode.count(".") >= 4:
            kegiatan = kode[:kode.rfind(".")]
            program = ".".join(kode.split(".", 3)[:3])
        leaf = LeafRow(row_no, kode or f"baris-{row_no}", r.nama, program,
                       by_code[program].nama if program in by_code else None, kegiatan,
                       by_code[kegiatan].nama if kegiatan in by_code else None,
                       numbers["pagu"][k], numbers["target_fisik"][k], numbers["realisasi_fisik"][k],
                       numbers["realisasi_keuangan"][k], texts["sumber_dana"][k], texts["lokasi"][k],
                       texts["permasalahan"][k], texts["solusi"][k], texts["jenis"][k])
        for name, raw in bad.get(k, ()):
            leaf.flags.append("non_numeric_value")
            issues.append(Issue(WARNING, "non_numeric_value",
                                f"Nilai '{raw}' pada kolom {FIELD_LABEL[name]} bukan angka; baris tetap dimuat "
                                f"tanpa nilai ini. Tulis angka saja, mis. 1.250.000.000.",
                                sheet=sheet_label, row=row_no, column=_col(header, sheet, name), raw=str(raw)))
        pagu, keu, tf, rf = leaf.pagu, leaf.realisasi_keuangan, leaf.target_fisik, leaf.realisasi_fisik
        if (pagu is not None and pagu < 0) or (keu is not None and (keu < 0 or (pagu and keu > pagu + 0.5))) \
                or (tf is not None and not 0 <= tf <= 100) or (rf is not None and not 0 <= rf <= 100):
            _validate_leaf(leaf, header, sheet, issues)
        if kode:
            if kode in seen:
                for other in leaves:
                    if other.kode == kode and "duplicate_code" not in other.flags:
                        other.flags.append("duplicate_code")
                        issues.append(_dup_issue(other, sheet_label, header, sheet))
                leaf.flags.append("duplicate_code")
                issues.append(_dup_issue(leaf, sheet_label, header, sheet))
            seen[kode] = leaf.row
        leaves.append(leaf)
    issues.extend(_check_subtotals(rows, leaves_idx, leaves, total_row, header, sheet))
    return Table(leaves, issues, fraction)


def _dup_issue(leaf: LeafRow, sheet_label, header, sheet) -> Issue:
    return Issue(WARNING, "duplicate_code", f"Kode sub kegiatan {leaf.kode} muncul lebih dari sekali dalam laporan. "
                 "Periksa kode pada baris ini; setiap sub kegiatan hanya boleh satu baris.",
                 sheet=sheet_label, row=leaf.row, column=_col(header, sheet, "kode") if "kode" in header.fields else None,
                 raw=leaf.kode)


_BAD = object()   # marks a cell whose text is not a number


def _values(row: list, numeric: list[tuple[str, int]]) -> tuple[dict, dict]:
    """Raw cells and parsed numbers of the numeric columns ``numeric`` = [(field, index)]."""
    raw = {}
    values = {}
    width = len(row)
    for name, idx in numeric:
        value = row[idx] if idx < width else None
        raw[name] = value
        if value is None or type(value) is float:
            values[name] = value
        else:
            try:
                values[name] = parse_number(value)
            except NotANumber:
                values[name] = _BAD
    return values, raw


def _leaf_indexes(rows: list[_Row]) -> list[int]:
    """Rows that are sub kegiatan: the deepest code level with no descendants.

    Without a code column the "No" marker decides (I, II = program; A, B = kegiatan; 1, 2 = sub kegiatan).
    """
    coded = [r for r in rows if r.kode]
    if coded:
        # A code at the deepest level cannot have descendants: those would be deeper still.
        depth = max(r.kode.count(".") for r in coded)
        return [i for i, r in enumerate(rows) if r.kode and r.kode.count(".") == depth]
    out = []
    for i, r in enumerate(rows):
        m = norm(cell_text(r.marker))
        if m and re.fullmatch(r"\d+", m) and not _ROMAN.match(m):
            out.append(i)
    return out


def _num(value):
    return None if value is _BAD else value


def _fraction_scale(rows: list[_Row], f: dict, sheet: Sheet) -> bool:
    """True when percentages are stored as fractions (0.3333 shown as 33,33 % by Excel).

    Decided by the realisasi keuangan % column where there is one (it must equal realisasi/pagu
    as a fraction), else by all fisik values lying in 0..1 with some non-whole value.
    """
    diffs_frac, diffs_pct = [], []
    if "persen_keuangan" in f:
        for r in rows[:200]:   # a sample decides; the whole sheet uses one convention
            pagu, keu, pct = (_num(r.values.get(k)) for k in ("pagu", "realisasi_keuangan", "persen_keuangan"))
            if pagu and keu is not None and pct is not None and isinstance(r.raw.get("persen_keuangan"), float):
                ratio = keu / pagu
                diffs_frac.append(abs(pct - ratio))
                diffs_pct.append(abs(pct - ratio * 100))
        if diffs_frac:
            return statistics.median(diffs_frac) < statistics.median(diffs_pct)
    values = [r.values[k] for r in rows for k in PERCENT if isinstance(r.raw.get(k), float)]
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


def _ancestors(kode: str, parents: set[str]) -> list[str]:
    """The codes among ``parents`` that ``kode`` lies under (1.02.01.2.01.0001 -> 1.02.01.2.01, 1.02.01)."""
    out = []
    cut = kode.rfind(".")
    while cut > 0:
        kode = kode[:cut]
        if kode in parents:
            out.append(kode)
        cut = kode.rfind(".")
    return out


def _check_subtotals(rows, leaves_idx, leaves, total_row, header, sheet) -> list[Issue]:
    """Warn where a program/kegiatan/total row differs from the sum of its sub kegiatan."""
    issues = []
    # Sum the leaves into every ancestor code (1.02.01, 1.02.01.2.01, ...) in one pass; an
    # ancestor with a missing or negative leaf value is not checked (the leaf is already flagged).
    leaf_set = set(leaves_idx)
    parents = {r.kode for i, r in enumerate(rows) if i not in leaf_set and r.kode}
    sums: dict[str, list] = {}
    total = [0.0, 0.0, False, False]
    for leaf in leaves:
        pagu, keu = leaf.pagu, leaf.realisasi_keuangan
        negative = "negative_value" in leaf.flags
        bad_pagu, bad_keu = pagu is None or negative, keu is None or negative
        for acc in [total] + [sums.setdefault(p, [0.0, 0.0, False, False]) for p in _ancestors(leaf.kode, parents)]:
            if bad_pagu:
                acc[2] = True
            else:
                acc[0] += pagu
            if bad_keu:
                acc[3] = True
            else:
                acc[1] += keu
    checks = [(r, sums[r.kode], r.kode) for i, r in enumerate(rows)
              if i not in leaf_set and r.kode and r.kode in sums and r.values is not None]
    if total_row is not None and leaves:
        checks.append((total_row, total, "JUMLAH"))
    for r, acc, label in checks:
        for j, name in enumerate(MONEY):
            stated = _num(r.values.get(name))
            if stated is None or acc[2 + j]:
                continue
            computed = acc[j]
            if abs(computed - stated) > max(1.0, abs(stated) * 1e-6):
                issues.append(Issue(WARNING, "subtotal_mismatch",
                                    f"Subtotal {FIELD_LABEL[name]} baris {label} (Rp {stated:,.0f}) tidak sama dengan "
                                    f"jumlah sub kegiatannya (Rp {computed:,.0f}). Data sub kegiatan yang dipakai; "
                                    "periksa rumus subtotal.".replace(",", "."), sheet=sheet.name,
                                    row=sheet.sheet_row(r.i), column=_col(header, sheet, name), raw=str(stated)))
    return issues
