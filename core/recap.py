"""Recap per OPD and kabupaten totals for a period: the numbers of the Ringkasan page, the
CLI ``recap`` and the exports all come from :func:`recap_opd` and :func:`kabupaten_totals`."""
from __future__ import annotations

import pandas as pd

from db.store import Store

from .metrics import deviasi, fisik_pct, keuangan_pct

RECAP_COLUMNS = ["opd_kode", "opd", "singkatan", "sub_kegiatan", "pagu", "realisasi_keuangan", "keuangan_pct",
                 "fisik_pct", "target_fisik_pct", "deviasi", "fisik_pagu", "non_fisik_pagu", "reported",
                 "reported_at"]


def recap_opd(store: Store, year: int, month: int, opd: str | None = None) -> pd.DataFrame:
    """One row per OPD (only ``opd`` when given): pagu, realisasi keuangan Rp and %, fisik %
    (pagu-weighted), deviasi, pagu of fisik konstruksi and non fisik, and whether the OPD has
    reported for the month.

    OPDs that have not reported keep their DPA pagu and show no realisation (NaN).
    """
    sums = store.recap_sums(year, month, opd)
    if sums.empty:
        return pd.DataFrame(columns=RECAP_COLUMNS)
    out = sums[["opd_kode", "opd", "singkatan", "sub_kegiatan", "pagu"]].copy()
    out["opd"] = out["opd"].fillna(out["opd_kode"])
    reported = sums["reported"].astype(bool)
    out["realisasi_keuangan"] = sums["realisasi_keuangan"].where(reported)
    out["keuangan_pct"] = keuangan_pct(out["realisasi_keuangan"], sums["pagu"])
    out["fisik_pct"] = fisik_pct(sums["pagu_x_fisik"], sums["pagu"]).where(reported)
    has_target = reported & (sums["n_target"] > 0)
    out["target_fisik_pct"] = fisik_pct(sums["pagu_x_target"], sums["pagu"]).where(has_target)
    out["deviasi"] = deviasi(out["fisik_pct"], out["target_fisik_pct"])
    out["fisik_pagu"] = sums["fisik_pagu"]
    out["non_fisik_pagu"] = sums["non_fisik_pagu"]
    out["reported"] = reported
    out["reported_at"] = sums["reported_at"]
    return out[RECAP_COLUMNS].reset_index(drop=True)


def kabupaten_totals(recap: pd.DataFrame) -> dict:
    """Kabupaten KPIs from a recap: pagu, realisasi Rp and %, fisik % (pagu-weighted over all
    OPDs, a non-reporting OPD counting as 0), deviasi, and OPDs reported x of y."""
    if recap.empty:
        return dict(pagu=0.0, realisasi_keuangan=0.0, keuangan_pct=None, fisik_pct=None, target_fisik_pct=None,
                    deviasi=None, opd_reported=0, opd_total=0, sub_kegiatan=0, fisik_pagu=0.0, non_fisik_pagu=0.0)
    pagu = float(recap["pagu"].sum())
    real = float(recap["realisasi_keuangan"].fillna(0).sum())
    fis = fisik_pct(float((recap["pagu"] * recap["fisik_pct"].fillna(0)).sum()), pagu)
    reported = recap["reported"].astype(bool)
    tgt = fisik_pct(float((recap["pagu"] * recap["target_fisik_pct"].fillna(0)).sum()), pagu) \
        if recap["target_fisik_pct"].notna().any() else None
    return dict(pagu=pagu, realisasi_keuangan=real, keuangan_pct=keuangan_pct(real, pagu), fisik_pct=fis,
                target_fisik_pct=tgt, deviasi=deviasi(fis, tgt), opd_reported=int(reported.sum()),
                opd_total=int(len(recap)), sub_kegiatan=int(recap["sub_kegiatan"].sum()),
                fisik_pagu=float(recap["fisik_pagu"].sum()), non_fisik_pagu=float(recap["non_fisik_pagu"].sum()))
