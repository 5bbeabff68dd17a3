"""Breakdowns of a period for the meeting pack: fisik konstruksi vs non fisik and sumber dana
(the sums of :mod:`core.recap`, so the groups add up to :func:`core.recap.kabupaten_totals`), and
the problems and solutions the OPDs reported.
"""

from __future__ import annotations

import pandas as pd

from db.store import Store

from .recap import jenis_recap, sumber_dana_recap

GROUP_COLUMNS = [
    "key",
    "label",
    "sub_kegiatan",
    "pagu",
    "realisasi_keuangan",
    "keuangan_pct",
    "fisik_pct",
    "target_fisik_pct",
    "deviasi",
    "reported",
]
MASALAH_COLUMNS = ["opd_kode", "opd", "permasalahan", "solusi", "sub_kegiatan", "pagu"]


def by_jenis(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> pd.DataFrame:
    """:func:`core.recap.jenis_recap` keyed ``fisik`` / ``non_fisik`` (fisik first)."""
    return jenis_recap(store, year, month, opd, wilayah=wilayah).rename(columns={"jenis": "key"})[GROUP_COLUMNS]


def by_sumber_dana(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> pd.DataFrame:
    """:func:`core.recap.sumber_dana_recap`: one row per sumber dana, largest pagu first, sub
    kegiatan without one last ("Tidak disebutkan")."""
    return sumber_dana_recap(store, year, month, opd, wilayah=wilayah)[GROUP_COLUMNS]


def masalah_per_opd(leaves: pd.DataFrame) -> pd.DataFrame:
    """Permasalahan and solusi the OPDs reported for their sub kegiatan, one row per OPD and
    distinct (permasalahan, solusi) with how many sub kegiatan and how much pagu it concerns;
    OPDs by name, within an OPD the most frequent problem first. Blank texts are left out."""
    if leaves.empty:
        return pd.DataFrame(columns=MASALAH_COLUMNS)

    def clean(series: pd.Series) -> pd.Series:
        return series.map(lambda v: " ".join(str(v).split()) if isinstance(v, str) and v.strip() else "")

    work = leaves.assign(
        permasalahan=clean(leaves["permasalahan"]),
        solusi=clean(leaves["solusi"]),
        opd=leaves["opd"].fillna(leaves["opd_kode"]),
    )
    work = work[work["permasalahan"] != ""]
    if work.empty:
        return pd.DataFrame(columns=MASALAH_COLUMNS)
    g = (
        work.groupby(["opd_kode", "opd", "permasalahan", "solusi"], sort=False, dropna=False)
        .agg(sub_kegiatan=("kode", "size"), pagu=("pagu", "sum"))
        .reset_index()
    )
    g = g.sort_values(
        ["opd", "opd_kode", "sub_kegiatan", "pagu", "permasalahan"], ascending=[True, True, False, False, True]
    )
    return g[MASALAH_COLUMNS].reset_index(drop=True)
