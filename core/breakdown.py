"""Breakdowns of a period's sub kegiatan (the rows of :func:`core.recap.leaf_recap`) for the
meeting pack and the pages: fisik konstruksi vs non fisik, sumber dana, and the problems and
solutions the OPDs reported.

Sums use :func:`core.recap.rollup` (the formulas of :func:`core.recap.recap_opd`): every group's
pagu, realisasi, keuangan %, pagu-weighted fisik % and deviasi are computed the way an OPD's are,
so the groups add up to :func:`core.recap.kabupaten_totals`.
"""

from __future__ import annotations

import pandas as pd

from .recap import jenis_split, rollup

NO_SUMBER = "Tidak disebutkan"
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


def _grouped(leaves: pd.DataFrame, key: pd.Series, labels: dict) -> pd.DataFrame:
    """:func:`rollup` of ``leaves`` per value of ``key`` (the group takes the place of the OPD)."""
    if leaves.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    work = leaves.assign(opd_kode=key.values, opd=key.map(labels).values)
    out = rollup(work, "opd").rename(columns={"opd_kode": "key", "opd": "label"})
    return out[GROUP_COLUMNS]


def by_jenis(leaves: pd.DataFrame) -> pd.DataFrame:
    """Fisik konstruksi and non fisik, fisik first (only the kinds that occur): pagu,
    realisasi, keuangan % and number of sub kegiatan from :func:`core.recap.jenis_split` (the
    one place that splits them), plus their pagu-weighted fisik %, target and deviasi."""
    if leaves.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    split = jenis_split(leaves).rename(columns={"jenis": "key"})
    kind = leaves["jenis"].where(leaves["jenis"] == "fisik", "non_fisik")
    fisik = _grouped(leaves, kind, {})[["key", "fisik_pct", "target_fisik_pct", "deviasi", "reported"]]
    out = split.merge(fisik, on="key", how="left")
    out = out.sort_values("key", key=lambda s: s.map({"fisik": 0, "non_fisik": 1}))
    return out[GROUP_COLUMNS].reset_index(drop=True)


def _sumber_key(value) -> str:
    """Spelling-independent key of a sumber dana ("DAK  Fisik" and "DAK FISIK" are one)."""
    if not isinstance(value, str) or not value.strip():
        return ""
    return " ".join(value.upper().split())


def by_sumber_dana(leaves: pd.DataFrame) -> pd.DataFrame:
    """One row per sumber dana (DAU, DAK Fisik, DAK Non Fisik, Bankeu, ... as the DPA or the
    report names it; spellings that differ only in case or spaces are one source, labelled by
    the most common spelling), largest pagu first; sub kegiatan without one last, labelled
    "Tidak disebutkan"."""
    if leaves.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    key = leaves["sumber_dana"].map(_sumber_key)
    spelled = pd.DataFrame(
        {"key": key, "text": leaves["sumber_dana"].map(lambda v: " ".join(v.split()) if isinstance(v, str) else None)}
    )
    labels = {k: (g["text"].value_counts().index[0] if k else NO_SUMBER) for k, g in spelled.groupby("key", sort=False)}
    out = _grouped(leaves, key, labels)
    out = out.assign(_none=out["key"] == "").sort_values(["_none", "pagu", "label"], ascending=[True, False, True])
    return out.drop(columns="_none").reset_index(drop=True)


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
