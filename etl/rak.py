"""SIPD anggaran kas (RAK): the cash planned for each sub kegiatan in each month. Where present
it is the keuangan target curve of that sub kegiatan (DESIGN.md section 4a)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from core.numbers import NotANumber, parse_number

from .columns import FIELD_LABEL, Header
from .issues import WARNING, Issue, column_letter
from .reader import Sheet
from .realisasi import _leaf_indexes, _scan


@dataclass
class RakRow:
    """One sub kegiatan: its pagu (the row's own, else the year's sum) and the cash of each month."""

    row: int
    kode: str
    nama: str | None
    pagu: float
    bulan: list[float]  # 12 monthly amounts (not cumulative)


@dataclass
class RakTable:
    """Result of :func:`parse_rak`."""

    rows: list[RakRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def parse_rak(sheet: Sheet, header: Header) -> RakTable:
    """The sub kegiatan rows (deepest codes; program/kegiatan subtotals and rekening lines left
    out) with their twelve monthly amounts; a month column that is missing counts as 0."""
    f = header.fields
    rows = _scan(sheet.rows, header)
    out = RakTable()
    for pos in _leaf_indexes(rows, sheet.rows, f.get("no")):
        i = rows.i[pos]
        kode = rows.kode[pos]
        if not kode:
            continue
        cells = sheet.rows[i]
        months = []
        for m in range(1, 13):
            idx = f.get(f"kas_{m}")
            raw = cells[idx] if idx is not None and idx < len(cells) else None
            try:
                value = parse_number(raw) or 0.0
            except NotANumber:
                value = 0.0
                out.issues.append(
                    Issue(
                        WARNING,
                        "non_numeric_value",
                        f"Nilai '{raw}' pada kolom anggaran kas bulan ke-{m} bukan angka; dihitung 0.",
                        sheet=sheet.name,
                        row=sheet.sheet_row(i),
                        column=column_letter(sheet.col0 + idx) if idx is not None else None,
                        raw=str(raw),
                    )
                )
            months.append(value)
        ipagu = f.get("pagu")
        try:
            pagu = parse_number(cells[ipagu]) if ipagu is not None and ipagu < len(cells) else None
        except NotANumber:
            pagu = None
        total = sum(months)
        if pagu is not None and abs(pagu - total) > 1:
            out.issues.append(
                Issue(
                    WARNING,
                    "rak_tidak_sama_pagu",
                    f"Jumlah anggaran kas Januari-Desember (Rp {total:,.0f}) tidak sama dengan "
                    f"{FIELD_LABEL['pagu']} (Rp {pagu:,.0f}).".replace(",", "."),
                    sheet=sheet.name,
                    row=sheet.sheet_row(i),
                    raw=kode,
                )
            )
        out.rows.append(RakRow(sheet.sheet_row(i), kode, rows.nama[pos], pagu if pagu is not None else total, months))
    return out


def frame(table: RakTable, tahun: int, opd_kode: str) -> pd.DataFrame:
    """The ``anggaran_kas`` rows of a RAK: one per sub kegiatan and month."""
    return pd.DataFrame(
        [(tahun, opd_kode, r.kode, m, amount) for r in table.rows for m, amount in enumerate(r.bulan, start=1)],
        columns=["tahun", "opd_kode", "sub_kegiatan_kode", "bulan", "nilai"],
    )
