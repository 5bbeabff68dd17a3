"""The kabupaten/kota of a province install (issue 18): a province consolidates the OPDs of 20-40
kabupaten/kota, each OPD naming its own (``opd.wilayah``). A user of the province picks one first;
the overview of the whole province is one row per kabupaten/kota, the same sums as the
per-OPD recap (:func:`core.recap.kabupaten_totals` of that kabupaten/kota's OPDs).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from db.store import Store

from .recap import kabupaten_totals, recap_opd

NO_WILAYAH = "Tanpa kabupaten/kota"  # OPDs that name none (e.g. the province's own OPDs)
WILAYAH_COLUMNS = [
    "wilayah",
    "sub_kegiatan",
    "pagu",
    "realisasi_keuangan",
    "keuangan_pct",
    "fisik_pct",
    "target_fisik_pct",
    "deviasi",
    "fisik_pagu",
    "non_fisik_pagu",
    "reported",
    "opd_reported",
    "opd_total",
    "target_keuangan_pct",
    "plan_share",
]


def opd_wilayah(opds: Iterable) -> dict[str, str]:
    """OPD kode -> its kabupaten/kota (rows of ``Store.opds``), :data:`NO_WILAYAH` where none."""
    return {o.kode: o.wilayah or NO_WILAYAH for o in opds}


def wilayah_recap(recap: pd.DataFrame, wilayah_of: dict[str, str]) -> pd.DataFrame:
    """One row per kabupaten/kota (by name; :data:`NO_WILAYAH` last) of a per-OPD recap
    (:func:`core.recap.recap_opd`): :func:`core.recap.kabupaten_totals` of its OPDs, ``reported``
    when at least one of them reported, and the absorption target (anggaran kas) of its OPDs
    pagu-weighted, in the ``target_keuangan_pct`` / ``plan_share`` form the traffic light reads
    (``core.recap.recap_target_serapan``). ``wilayah_of``: :func:`opd_wilayah`."""
    if recap.empty:
        return pd.DataFrame(columns=WILAYAH_COLUMNS)
    keys = recap["opd_kode"].map(lambda k: wilayah_of.get(k, NO_WILAYAH))
    rows = []
    for name, part in recap.groupby(keys, sort=False):
        tot = kabupaten_totals(part)
        pagu = part["pagu"].astype("float64").fillna(0.0)
        share = part["plan_share"].astype("float64").fillna(0.0).clip(0.0, 1.0)
        planned = part["target_keuangan_pct"].astype("float64")
        weight = pagu * share * planned.notna()
        total_pagu = float(pagu.sum())
        plan_share = float(weight.sum()) / total_pagu if total_pagu > 0 else 0.0
        target = float((weight * planned.fillna(0.0)).sum()) / float(weight.sum()) if weight.sum() > 0 else np.nan
        rows.append(
            dict(
                wilayah=name,
                sub_kegiatan=tot["sub_kegiatan"],
                pagu=tot["pagu"],
                realisasi_keuangan=tot["realisasi_keuangan"] if tot["opd_reported"] else np.nan,
                keuangan_pct=tot["keuangan_pct"] if tot["opd_reported"] else np.nan,
                fisik_pct=tot["fisik_pct"] if tot["opd_reported"] else np.nan,
                target_fisik_pct=tot["target_fisik_pct"],
                deviasi=tot["deviasi"] if tot["opd_reported"] else np.nan,
                fisik_pagu=tot["fisik_pagu"],
                non_fisik_pagu=tot["non_fisik_pagu"],
                reported=tot["opd_reported"] > 0,
                opd_reported=tot["opd_reported"],
                opd_total=tot["opd_total"],
                target_keuangan_pct=target,
                plan_share=plan_share,
            )
        )
    out = pd.DataFrame(rows, columns=WILAYAH_COLUMNS)
    last = out["wilayah"] == NO_WILAYAH
    out = out.assign(_last=last).sort_values(["_last", "wilayah"], kind="stable").drop(columns="_last")
    for column in ("keuangan_pct", "fisik_pct", "target_fisik_pct", "deviasi", "realisasi_keuangan"):
        out[column] = out[column].astype("float64")
    return out.reset_index(drop=True)


def province_overview(store: Store, year: int, month: int) -> pd.DataFrame:
    """:func:`wilayah_recap` of the period's recap of every OPD (:func:`core.recap.recap_opd`):
    the Ringkasan of a province over all its kabupaten/kota."""
    return wilayah_recap(recap_opd(store, year, month), opd_wilayah(store.opds()))
