"""Normalise one OPD realisation table into leaf rows (sub kegiatan) and validate them.

Program and kegiatan rows carry subtotals of their sub kegiatan and a JUMLAH/TOTAL row ends
the table: only leaf rows are loaded, the subtotals are used to cross-check (DESIGN.md 4).
"""

from __future__ import annotations

import hashlib
import math
import re
import statistics
from dataclasses import dataclass, field
from operator import itemgetter

from core.numbers import MAX_MAGNITUDE, MAX_PERCENT, NotANumber, NumberOutOfRange, parse_number, plain_numbers, within

from .codes import KEGIATAN, PROGRAM, REKENING, SUB_KEGIATAN, code_kind, split_code
from .columns import FIELD_LABEL, Header
from .issues import INFO, WARNING, Issue, column_letter
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
    target_keuangan: float | None = None  # keuangan plan to date (anggaran kas s.d. bulan ini, RENCANA Rp)
    flags: list[str] = field(default_factory=list)


@dataclass
class Table:
    """Result of :func:`parse_table`."""

    leaves: list[LeafRow]
    issues: list[Issue]
    fraction_scale: bool = False


def column_label(header: Header, sheet: Sheet, name: str) -> str:
    """Where field ``name`` sits, for messages: the column letter, or a CSV's column label."""
    idx = header.fields[name]
    if sheet.name is None and header.labels.get(idx):
        return header.labels[idx]
    return column_letter(sheet.col0 + idx)


_col = column_label


def _number_fix(raw) -> str:
    """How to fix a cell that is not a number: a formula or an error value needs Excel to
    calculate and save the file; anything else should be written as a plain number."""
    text = str(raw).strip()
    if text.startswith("="):
        return (
            "Sel ini berisi rumus yang belum pernah dihitung (berkas dibuat oleh aplikasi lain). Buka berkas "
            "di Excel, tekan Ctrl+Alt+F9 untuk menghitung ulang, simpan, lalu unggah kembali."
        )
    if text.startswith("#"):
        return (
            "Sel ini berisi hasil rumus yang galat (mis. #DIV/0!, #REF!). Perbaiki rumusnya di Excel, simpan, "
            "lalu unggah kembali."
        )
    return "Tulis angka saja, mis. 1.250.000.000."


def _cell(row: list, idx: int | None):
    """The cell of ``row`` in column ``idx``; ``None`` where the column or the cell is missing."""
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
    if CODE.match(text):
        return text
    code, _ = split_code(value)  # "1.01.01.1.01.01 Penyusunan Dokumen ..." (code and name in one cell)
    return code


def name_key(nama: str | None, row_no: int) -> str:
    """The key of a sub kegiatan reported by name without a code: ``~`` and a short digest of
    its normalised name (the same name gives the same key every month)."""
    if not nama or not norm(nama):
        return f"baris-{row_no}"
    return "~" + hashlib.sha1(norm(nama).encode()).hexdigest()[:10]


def _name(row: list, idx: int | None) -> str | None:
    """The name cell of ``row`` as text (numbers as display text)."""
    nama = _cell(row, idx)
    if nama is not None and type(nama) is not str:
        nama = cell_text(nama)
    return nama


def _is_total(row: list, raw_kode, header: Header) -> bool:
    """True for a JUMLAH/TOTAL row (named in the No, Kode or name column)."""
    f = header.fields
    first = (_cell(row, f.get("no")), raw_kode, _name(row, f.get("nama")))
    return any(isinstance(t, str) and _TOTAL.match(norm(t)) for t in first)


@dataclass(slots=True)
class _Rows:
    """The budget rows of a table, column-wise: grid index, code (``None`` without one) and name."""

    i: list[int]
    kode: list[str | None]
    nama: list[str | None]
    total: int | None = None  # grid index of the JUMLAH/TOTAL row that ends the table


def _scan(grid: list[list], header: Header) -> _Rows:
    """The rows under the header up to a JUMLAH/TOTAL row. A row with a code is a budget row;
    without a code column, a row with a name and a pagu is one. Signature blocks and notes
    (no code) are skipped."""
    f = header.fields
    ik, inm = f.get("kode"), f.get("nama")
    start = header.data_start
    body = grid[start:]
    codes: list[str | None]
    if ik is None:
        raw = [None] * len(body)
        codes = [None] * len(body)
    else:
        raw = [r[ik] if ik < len(r) else None for r in body]
        match = CODE.match
        codes = [v if type(v) is str and match(v) else (None if v is None else _normal_code(v)) for v in raw]
    blanks = [k for k, c in enumerate(codes) if c is None]
    end, total = len(body), None
    for k in blanks:
        if _is_total(body[k], raw[k], header):
            end, total = k, start + k
            break
    if ik is not None:
        keep = [k for k, c in enumerate(codes[:end]) if c is not None]
        if ik == inm:
            # codes written in the name cells of some rows only: a named row with a pagu counts too
            ipagu = f.get("pagu")
            keep = sorted(
                set(keep) | {k for k in blanks if k < end and _name(body[k], inm) and _cell(body[k], ipagu) is not None}
            )
        kinds = {code_kind(c) for k in keep if (c := codes[k])}
        if REKENING in kinds and kinds & {SUB_KEGIATAN, KEGIATAN, PROGRAM}:
            # rekening lines written in the code column under their sub kegiatan: details, not leaves
            keep = [k for k in keep if not (c := codes[k]) or code_kind(c) != REKENING]
        irek = f.get("kode_rekening")
        if irek is not None and irek != ik:
            # rekening lines under a sub kegiatan (SIPD LRA): the sub kegiatan row carries their sum
            keep = [k for k in keep if split_code(_cell(body[k], irek))[0] is None]
    else:
        ipagu = f.get("pagu")
        keep = [k for k in blanks if k < end and _name(body[k], inm) and _cell(body[k], ipagu) is not None]
    names = [None] * len(keep) if inm is None else [body[k][inm] if inm < len(body[k]) else None for k in keep]
    names = [v if v is None or type(v) is str else cell_text(v) for v in names]
    if inm is not None and inm == ik:
        names = [split_code(v)[1] if v is not None else None for v in names]
    return _Rows([start + k for k in keep], [codes[k] for k in keep], names, total)


def parse_table(sheet: Sheet, header: Header) -> Table:
    """Read the data rows under ``header``; return the leaves and the issues found."""
    f = header.fields
    grid = sheet.rows
    issues: list[Issue] = []
    numeric = [(name, f[name]) for name in _NUMERIC if name in f]
    rows = _scan(grid, header)
    leaves_idx = _leaf_indexes(rows, grid, f.get("no"))
    # Percentages are read as fractions (x 100) only when every value of the column is at most 1:
    # a fisik of 100 is 100 %, and one value above 1 keeps the whole column as written.
    fraction = _fraction_scale([_values(grid[i], numeric) for i in rows.i], f)
    if fraction:
        issues.append(
            Issue(
                INFO,
                "percent_as_fraction",
                "Nilai persen pada berkas ini tersimpan sebagai pecahan (mis. 0,3333 dengan format %); "
                "dibaca sebagai 33,33 %.",
                sheet=sheet.name,
            )
        )
    cells_of = [grid[rows.i[pos]] for pos in leaves_idx]
    numbers, bad = _leaf_numbers(cells_of, f, fraction)
    texts = _leaf_texts(cells_of, f)
    leaves = _build_leaves(rows, leaves_idx, sheet.row0 + 1, numbers, texts)
    for leaf, plan in zip(leaves, numbers["target_keuangan"]):
        leaf.target_keuangan = plan
    _flag_leaves(leaves, rows, leaves_idx, numbers, bad, header, sheet, issues)
    issues.extend(_check_subtotals(rows, leaves_idx, leaves, grid, header, sheet))
    return Table(leaves, issues, fraction)


def _column(cells_of: list[list], idx: int) -> list:
    """Column ``idx`` of the rows ``cells_of`` (``None`` past a row's end)."""
    if cells_of and min(map(len, cells_of)) > idx:  # the usual grid: rows padded to one width
        return list(map(itemgetter(idx), cells_of))
    return [c[idx] if idx < len(c) else None for c in cells_of]


def _leaf_numbers(cells_of: list[list], f: dict, fraction: bool) -> tuple[dict[str, list], dict[int, list]]:
    """The money and percent columns of the leaf rows, and the cells that are not numbers
    (leaf position -> [(field, raw cell, too large)]). Cells Excel already holds as numbers pass
    straight through; a value out of its field's range (:func:`_out_of_range`) is dropped like a
    text that is not a number."""
    n = len(cells_of)
    numbers: dict[str, list] = {name: [None] * n for name in MONEY + PERCENT + ("target_keuangan",)}
    bad: dict[int, list[tuple[str, object, bool]]] = {}
    for name in MONEY + PERCENT + ("target_keuangan",):
        if name not in f:
            continue
        raw = _column(cells_of, f[name])
        values: list | None = raw
        if not all(v is None or type(v) is float for v in raw):
            values = _texts_as_numbers(raw)
        if values is None:
            values = []
            for k, v in enumerate(raw):
                if v is None or type(v) is float:
                    values.append(v)
                    continue
                try:
                    values.append(parse_number(v))
                except NotANumber as exc:
                    values.append(None)
                    bad.setdefault(k, []).append((name, v, isinstance(exc, NumberOutOfRange)))
        if fraction and name in PERCENT:  # 0.3333 -> 33.33, without float noise
            values = [round(v * 100, 6) if v is not None and type(r) is float else v for v, r in zip(values, raw)]
        numbers[name] = _out_of_range(name, values, raw, bad)
    return numbers, bad


def _out_of_range(name: str, values: list, raw: list, bad: dict) -> list:
    """``values`` with every value that is not finite or past its field's bound (rupiah below
    10^15, percentages within +-10.000) dropped and recorded in ``bad``: nothing downstream meets
    inf or NaN, and no sum can overflow. A NaN cell is blank. One pass over the column in the
    usual case (all within range)."""
    limit = MAX_PERCENT + 1e-9 if name in PERCENT else MAX_MAGNITUDE
    present = [v for v in values if v is not None]
    if not present or (within(max(present), limit) and within(min(present), limit) and within(sum(present), 1e300)):
        return values  # the sum is NaN when any value is
    out = list(values)
    for k, v in enumerate(values):
        if v is not None and not within(v, limit):
            out[k] = None
            if v == v:  # not NaN
                bad.setdefault(k, []).append((name, raw[k], True))
    return out


def _texts_as_numbers(raw: list) -> list | None:
    """A column of numbers and number texts read at once (see :func:`plain_numbers`), or ``None``
    when some cell needs a closer look (then every cell is parsed on its own)."""
    texts = [v for v in raw if type(v) is str]
    if len(texts) == len(raw):
        return plain_numbers(texts)
    if not all(v is None or type(v) is float for v in raw if type(v) is not str):
        return None
    parsed = plain_numbers(texts)
    if parsed is None:
        return None
    read = iter(parsed)
    return [next(read) if type(v) is str else v for v in raw]


def _leaf_texts(cells_of: list[list], f: dict) -> dict[str, list]:
    """The text columns of the leaf rows (stripped; blank as ``None``)."""
    texts: dict[str, list[str | None]] = {name: [None] * len(cells_of) for name in TEXT}
    for name in TEXT:
        if name in f:
            texts[name] = [
                None if v is None else ((v.strip() if type(v) is str else cell_text(v)) or None)
                for v in _column(cells_of, f[name])
            ]
    return texts


def _build_leaves(rows: _Rows, leaves_idx: list[int], row0: int, numbers: dict, texts: dict) -> list[LeafRow]:
    """One :class:`LeafRow` per leaf, with its program and kegiatan (code and name from their rows)."""
    name_of = dict(zip(rows.kode, rows.nama))  # the last row of a code names it
    name_of.pop(None, None)
    parents: dict[str, tuple] = {}
    row_nos, kodes, programs = [], [], []
    for pos in leaves_idx:
        kode = rows.kode[pos]
        row_no = row0 + rows.i[pos]
        row_nos.append(row_no)
        kodes.append(kode or name_key(rows.nama[pos], row_no))
        if kode and kode.count(".") >= 4:
            kegiatan = kode[: kode.rfind(".")]
            up = parents.get(kegiatan)
            if up is None:
                program = ".".join(kode.split(".", 3)[:3])
                up = parents[kegiatan] = (program, name_of.get(program), kegiatan, name_of.get(kegiatan))
            programs.append(up)
        else:
            programs.append((None, None, None, None))
    program_kode, program_nama, kegiatan_kode, kegiatan_nama = zip(*programs) if programs else ((),) * 4
    return list(
        map(
            LeafRow,
            row_nos,
            kodes,
            [rows.nama[pos] for pos in leaves_idx],
            program_kode,
            program_nama,
            kegiatan_kode,
            kegiatan_nama,
            numbers["pagu"],
            numbers["target_fisik"],
            numbers["realisasi_fisik"],
            numbers["realisasi_keuangan"],
            texts["sumber_dana"],
            texts["lokasi"],
            texts["permasalahan"],
            texts["solusi"],
            texts["jenis"],
        )
    )


def _flag_leaves(
    leaves: list[LeafRow],
    rows: _Rows,
    leaves_idx: list[int],
    numbers: dict,
    bad: dict,
    header: Header,
    sheet: Sheet,
    issues: list[Issue],
) -> None:
    """Flag and report, leaf by leaf: cells that are not numbers, values out of range, duplicate codes."""
    suspect = [
        k
        for k, (pagu, keu, tf, rf) in enumerate(
            zip(numbers["pagu"], numbers["realisasi_keuangan"], numbers["target_fisik"], numbers["realisasi_fisik"])
        )
        if (pagu is not None and pagu < 0)
        or (keu is not None and (keu < 0 or (pagu and keu > pagu + 0.5)))
        or (tf is not None and not 0 <= tf <= 100)
        or (rf is not None and not 0 <= rf <= 100)
    ]
    kodes = [rows.kode[pos] for pos in leaves_idx]
    coded = [k for k in kodes if k]
    repeats = _repeats(kodes) if len(set(coded)) != len(coded) else {}
    suspect_set = set(suspect)
    sheet_label = sheet.name
    for k in sorted(suspect_set.union(bad, repeats)):
        leaf = leaves[k]
        for name, raw, too_large in bad.get(k, ()):
            if too_large:
                leaf.flags.append("number_out_of_range")
                issues.append(_too_large_issue(name, raw, leaf.row, sheet_label, _col(header, sheet, name)))
                continue
            leaf.flags.append("non_numeric_value")
            issues.append(
                Issue(
                    WARNING,
                    "non_numeric_value",
                    f"Nilai '{raw}' pada kolom {FIELD_LABEL[name]} bukan angka; baris tetap dimuat "
                    f"tanpa nilai ini. {_number_fix(raw)}",
                    sheet=sheet_label,
                    row=leaf.row,
                    column=_col(header, sheet, name),
                    raw=str(raw),
                )
            )
        if k in suspect_set:
            _validate_leaf(leaf, header, sheet, issues)
        if k in repeats:
            for j in repeats[k]:
                other = leaves[j]
                if "duplicate_code" not in other.flags:
                    other.flags.append("duplicate_code")
                    issues.append(_dup_issue(other, sheet_label, header, sheet))
            leaf.flags.append("duplicate_code")
            issues.append(_dup_issue(leaf, sheet_label, header, sheet))


def _too_large_issue(name: str, raw, row: int, sheet_label, column) -> Issue:
    """The warning of a value past its field's bound: shown as written (shortened when very long)."""
    text = "tak terhingga" if type(raw) is float and raw in (math.inf, -math.inf) else str(raw)
    shown = text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} karakter)"
    bound = "-10.000 sampai 10.000 %" if name in PERCENT else "di bawah Rp 1.000.000.000.000.000 (seribu triliun)"
    return Issue(
        WARNING,
        "number_out_of_range",
        f"Nilai '{shown}' pada kolom {FIELD_LABEL[name]} terlalu besar untuk angka yang wajar; batasnya "
        f"{bound}. Baris tetap dimuat tanpa nilai ini. Periksa sel ini: mungkin ada angka yang tertempel "
        "dua kali atau tertulis dalam format ilmiah (mis. 1E+20). Tulis angka yang benar, simpan, lalu "
        "unggah kembali.",
        sheet=sheet_label,
        row=row,
        column=column,
        raw=text if len(text) <= 200 else text[:200] + "...",
    )


def _repeats(kodes: list[str | None]) -> dict[int, list[int]]:
    """Positions whose code appeared before -> the earlier positions with that code."""
    seen: dict[str, list[int]] = {}
    out: dict[int, list[int]] = {}
    for k, kode in enumerate(kodes):
        if kode:
            before = seen.setdefault(kode, [])
            if before:
                out[k] = list(before)
            before.append(k)
    return out


def _dup_issue(leaf: LeafRow, sheet_label, header, sheet) -> Issue:
    return Issue(
        WARNING,
        "duplicate_code",
        f"Kode sub kegiatan {leaf.kode} muncul lebih dari sekali dalam laporan. "
        "Periksa kode pada baris ini; setiap sub kegiatan hanya boleh satu baris.",
        sheet=sheet_label,
        row=leaf.row,
        column=_col(header, sheet, "kode") if "kode" in header.fields else None,
        raw=leaf.kode,
    )


_BAD = object()  # marks a cell whose text is not a number


def _values(row: list, numeric: list[tuple[str, int]]) -> tuple[dict, dict]:
    """Raw cells and parsed numbers of the numeric columns ``numeric`` = [(field, index)]."""
    raw = {}
    values = {}
    width = len(row)
    for name, idx in numeric:
        value = row[idx] if idx < width else None
        raw[name] = value
        if value is None or type(value) is float:
            values[name] = value if value is None or within(value) else _BAD
        else:
            try:
                values[name] = parse_number(value)
            except NotANumber:
                values[name] = _BAD
    return values, raw


def _leaf_indexes(rows: _Rows, grid: list[list], idx_no: int | None) -> list[int]:
    """Positions (in ``rows``) of the sub kegiatan: the deepest code level with no descendants.

    Without a code column the "No" marker decides (I, II = program; A, B = kegiatan; 1, 2 = sub kegiatan).
    """
    kodes = rows.kode
    coded: list[int] = []
    if any(kodes):
        # A code at the deepest level cannot have descendants: those would be deeper still.
        depths = [k.count(".") if k else -1 for k in kodes]
        depth = max(depths)
        coded = [pos for pos, d in enumerate(depths) if d == depth]
        if all(kodes):
            return coded
    out = []
    deepest = set(coded)
    for pos, i in enumerate(rows.i):
        if kodes[pos]:
            if pos in deepest:
                out.append(pos)
            continue
        m = norm(cell_text(_cell(grid[i], idx_no)))
        if m and re.fullmatch(r"\d+", m) and not _ROMAN.match(m):
            out.append(pos)
        elif not m and idx_no is not None and not _heading(rows.nama[pos]):
            out.append(pos)  # a sub kegiatan whose number was left out
    return out


_HEADING = re.compile(r"^(urusan|bidang urusan|program|kegiatan)\b")


def _heading(name: str | None) -> bool:
    """A program or kegiatan heading row (named so, or written in capitals)."""
    if not name:
        return True
    text = name.strip()
    return bool(_HEADING.match(norm(text))) or (text.isupper() and len(text) > 3)


def _num(value):
    return None if value is _BAD else value


def _fraction_scale(sample: list[tuple[dict, dict]], f: dict) -> bool:
    """True when percentages are stored as fractions (0.3333 shown as 33,33 % by Excel).

    ``sample`` holds the (numbers, raw cells) of the first rows (see :func:`_values`). Decided by
    the realisasi keuangan % column where there is one (it must equal realisasi/pagu as a
    fraction), else by all fisik values lying in 0..1 with some non-whole value.
    """
    diffs_frac, diffs_pct = [], []
    if "persen_keuangan" in f:
        for values, raw in sample[:200]:  # a sample decides; the whole sheet uses one convention
            pagu, keu, pct = (_num(values.get(k)) for k in ("pagu", "realisasi_keuangan", "persen_keuangan"))
            if pagu and keu is not None and pct is not None and isinstance(raw.get("persen_keuangan"), float):
                ratio = keu / pagu
                diffs_frac.append(abs(pct - ratio))
                diffs_pct.append(abs(pct - ratio * 100))
        if diffs_frac:
            return statistics.median(diffs_frac) < statistics.median(diffs_pct)
    percents = [v[k] for v, raw in sample for k in PERCENT if isinstance(raw.get(k), float)]
    return (
        bool(percents)
        and max(abs(v) for v in percents) <= 1.0
        and any(0 < v < 1 for v in percents)
        and any(round(v, 2) != v for v in percents)
    )


def _validate_leaf(leaf: LeafRow, header: Header, sheet: Sheet, issues: list[Issue]) -> None:
    s = sheet.name
    for name in MONEY:
        value = getattr(leaf, name)
        if value is not None and value < 0:
            leaf.flags.append("negative_value")
            issues.append(
                Issue(
                    WARNING,
                    "negative_value",
                    f"{FIELD_LABEL[name]} bernilai negatif "
                    f"({value:,.0f}). Periksa angka pada baris ini; pagu dan realisasi tidak boleh "
                    "negatif.".replace(",", "."),
                    sheet=s,
                    row=leaf.row,
                    column=_col(header, sheet, name),
                    raw=str(value),
                )
            )
    for name in PERCENT:
        value = getattr(leaf, name)
        if value is not None and not 0 <= value <= 100:
            leaf.flags.append("fisik_out_of_range")
            issues.append(
                Issue(
                    WARNING,
                    "fisik_out_of_range",
                    f"{FIELD_LABEL[name]} = {value:g} % di luar rentang 0-100 %. Periksa apakah tertulis dalam persen.",
                    sheet=s,
                    row=leaf.row,
                    column=_col(header, sheet, name),
                    raw=str(value),
                )
            )
    if (
        leaf.pagu
        and leaf.realisasi_keuangan is not None
        and leaf.pagu > 0
        and leaf.realisasi_keuangan > leaf.pagu + 0.5
    ):
        leaf.flags.append("realisasi_melebihi_pagu")
        issues.append(
            Issue(
                WARNING,
                "realisasi_melebihi_pagu",
                f"Realisasi keuangan Rp {leaf.realisasi_keuangan:,.0f} melebihi pagu Rp {leaf.pagu:,.0f}. "
                "Periksa angka realisasi atau pagu setelah pergeseran.".replace(",", "."),
                sheet=s,
                row=leaf.row,
                column=_col(header, sheet, "realisasi_keuangan"),
                raw=str(leaf.realisasi_keuangan),
            )
        )


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


def _stated(row: list, idx: int | None) -> float | None:
    """A subtotal as written in ``row`` (``None`` when blank or not a number)."""
    value = _cell(row, idx)
    if value is None or type(value) is float:
        return value if value is None or within(value) else None
    try:
        return parse_number(value)
    except NotANumber:
        return None


def _leaf_sums(leaves: list[LeafRow], parents: set[str]) -> tuple[list, dict[str, list]]:
    """Pagu and realisasi keuangan of the leaves summed into the total and into every ancestor
    code among ``parents`` (1.02.01, 1.02.01.2.01, ...), each as [pagu, keu, pagu unusable,
    keu unusable]: a missing or negative leaf value makes the sum unusable (the leaf is flagged)."""
    # Sums per direct parent code first (one step per leaf), then each of those into its ancestors.
    by_prefix: dict[str | None, list] = {}
    for leaf in leaves:
        kode = leaf.kode
        cut = kode.rfind(".")
        prefix = kode[:cut] if cut > 0 else None
        acc = by_prefix.get(prefix)
        if acc is None:
            acc = by_prefix[prefix] = [0.0, 0.0, False, False]
        pagu, keu = leaf.pagu, leaf.realisasi_keuangan
        negative = leaf.flags and "negative_value" in leaf.flags
        if pagu is None or negative:
            acc[2] = True
        else:
            acc[0] += pagu
        if keu is None or negative:
            acc[3] = True
        else:
            acc[1] += keu
    sums: dict[str, list] = {}
    total = [0.0, 0.0, False, False]
    for prefix, part in by_prefix.items():
        # the codes a leaf under ``prefix`` lies under: the prefix itself and its own ancestors
        owners = [] if prefix is None else ([prefix] if prefix in parents else []) + _ancestors(prefix, parents)
        for acc in [total] + [sums.setdefault(p, [0.0, 0.0, False, False]) for p in owners]:
            acc[0] += part[0]
            acc[1] += part[1]
            acc[2] = acc[2] or part[2]
            acc[3] = acc[3] or part[3]
    return total, sums


def _check_subtotals(
    rows: _Rows, leaves_idx: list[int], leaves: list[LeafRow], grid: list[list], header: Header, sheet: Sheet
) -> list[Issue]:
    """Warn where a program/kegiatan/total row differs from the sum of its sub kegiatan."""
    issues = []
    leaf_set = set(leaves_idx)
    parents = [(pos, kode) for pos, kode in enumerate(rows.kode) if kode and pos not in leaf_set]
    total, sums = _leaf_sums(leaves, {kode for _, kode in parents})
    checks = [(rows.i[pos], sums[kode], kode) for pos, kode in parents if kode in sums]
    if rows.total is not None and leaves:
        checks.append((rows.total, total, "JUMLAH"))
    f = header.fields
    for i, acc, label in checks:
        for j, name in enumerate(MONEY):
            stated = _stated(grid[i], f.get(name))
            if stated is None or acc[2 + j]:
                continue
            computed = acc[j]
            if abs(computed - stated) > max(1.0, abs(stated) * 1e-6):
                issues.append(
                    Issue(
                        WARNING,
                        "subtotal_mismatch",
                        f"Subtotal {FIELD_LABEL[name]} baris {label} (Rp {stated:,.0f}) tidak sama dengan "
                        f"jumlah sub kegiatannya (Rp {computed:,.0f}). Data sub kegiatan yang dipakai; "
                        "periksa rumus subtotal.".replace(",", "."),
                        sheet=sheet.name,
                        row=sheet.sheet_row(i),
                        column=_col(header, sheet, name),
                        raw=str(stated),
                    )
                )
    return issues
