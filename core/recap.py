"""Recap per OPD and kabupaten totals for a period: the numbers of the Ringkasan page, the
CLI ``recap`` and the exports all come from :func:`recap_opd` and :func:`kabupaten_totals`."""

from __future__ import annotations

import pandas as pd

from db.store import Store

from .metrics import deviasi, fisik_pct, is_kritis, keuangan_pct

RECAP_COLUMNS = [
    "opd_kode",
    "opd",
    "singkatan",
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
    "reported_at",
]


def recap_opd(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    *,
    dana: list[str] | None = None,
    jenis: str | None = None,
) -> pd.DataFrame:
    """One row per OPD (only ``opd`` when given): pagu, realisasi keuangan Rp and %, fisik %
    (pagu-weighted), deviasi, pagu of fisik konstruksi and non fisik, and whether the OPD has
    reported for the month. ``dana`` / ``jenis`` count only the sub kegiatan that
    :func:`filter_leaves` keeps (the sums are made in the database).

    OPDs that have not reported keep their DPA pagu and show no realisation (NaN).
    """
    return _recap_frame(store.recap_sums(year, month, opd, dana=dana, jenis=jenis))


def _recap_frame(sums: pd.DataFrame) -> pd.DataFrame:
    """:func:`recap_opd` from ``Store.recap_sums`` rows (the formulas of core.metrics)."""
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
        return dict(
            pagu=0.0,
            realisasi_keuangan=0.0,
            keuangan_pct=None,
            fisik_pct=None,
            target_fisik_pct=None,
            deviasi=None,
            opd_reported=0,
            opd_total=0,
            sub_kegiatan=0,
            fisik_pagu=0.0,
            non_fisik_pagu=0.0,
        )
    pagu = float(recap["pagu"].sum())
    real = float(recap["realisasi_keuangan"].fillna(0).sum())
    fis = fisik_pct(float((recap["pagu"] * recap["fisik_pct"].fillna(0)).sum()), pagu)
    reported = recap["reported"].astype(bool)
    tgt = (
        fisik_pct(float((recap["pagu"] * recap["target_fisik_pct"].fillna(0)).sum()), pagu)
        if recap["target_fisik_pct"].notna().any()
        else None
    )
    return dict(
        pagu=pagu,
        realisasi_keuangan=real,
        keuangan_pct=keuangan_pct(real, pagu),
        fisik_pct=fis,
        target_fisik_pct=tgt,
        deviasi=deviasi(fis, tgt),
        opd_reported=int(reported.sum()),
        opd_total=int(len(recap)),
        sub_kegiatan=int(recap["sub_kegiatan"].sum()),
        fisik_pagu=float(recap["fisik_pagu"].sum()),
        non_fisik_pagu=float(recap["non_fisik_pagu"].sum()),
    )


def same_period_last_year(store: Store, year: int, month: int, opd: str | None = None) -> dict | None:
    """:func:`kabupaten_totals` of the same month one year earlier, or ``None`` when no OPD
    reported then (Ringkasan and the meeting pack compare with it)."""
    tot = kabupaten_totals(recap_opd(store, year - 1, month, opd))
    return tot if tot["opd_reported"] else None


def opd_level(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    *,
    dana: list[str] | None = None,
    jenis: str | None = None,
) -> pd.DataFrame:
    """``rollup(filter_leaves(leaf_recap(...), dana, jenis), "opd")`` with the sums made in the
    database (the Rekap OPD table of a province does not fetch every sub kegiatan): one row per
    OPD by kode, the columns of :func:`rollup`, the numbers of :func:`recap_opd`."""
    recap = recap_opd(store, year, month, opd, dana=dana, jenis=jenis)
    columns = LEVELS["opd"] + ROLLUP_COLUMNS
    return recap.sort_values("opd_kode", kind="stable")[columns].reset_index(drop=True)


def sumber_dana_list(store: Store, year: int, month: int, opd: str | None = None) -> list[str]:
    """Every single sumber dana named by the period's sub kegiatan ("DAU, PAD" names two), sorted:
    the choices of the sumber dana filter."""
    return sorted({f.strip() for v in store.leaf_sumber_dana(year, month, opd) for f in str(v).split(",") if f.strip()})


def filter_leaves(leaves: pd.DataFrame, dana: list[str] | None = None, jenis: str | None = None) -> pd.DataFrame:
    """The rows of :func:`leaf_recap` whose sumber dana text contains one of ``dana`` and whose
    jenis is ``jenis`` (``fisik``; ``non_fisik`` is everything else); ``Store.recap_sums``
    filters the same way in SQL."""
    view = leaves
    if dana:
        view = view[view["sumber_dana"].fillna("").map(lambda v: any(f in v for f in dana))]
    if jenis == "fisik":
        view = view[view["jenis"] == "fisik"]
    elif jenis is not None:
        view = view[view["jenis"] != "fisik"]
    return view


LEVELS = {
    "opd": ["opd_kode", "opd"],
    "program": ["opd_kode", "opd", "program_kode", "program_nama"],
    "kegiatan": ["opd_kode", "opd", "program_kode", "program_nama", "kegiatan_kode", "kegiatan_nama"],
}


def leaf_recap(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    *,
    jenis: str | None = None,
    behind: float | None = None,
) -> pd.DataFrame:
    """Every sub kegiatan of the period with keuangan %, fisik, target and deviasi; program and
    kegiatan codes filled from the sub kegiatan code where the file and DPA say nothing. Only
    ``jenis`` (see :func:`filter_leaves`) and only those more than ``behind`` points behind
    their target fisik when given (selected in the database)."""
    df = store.leaf_rows(year, month, opd, jenis=jenis, behind=behind)
    if df.empty:
        return df
    if df["program_kode"].isna().any() or df["kegiatan_kode"].isna().any():
        parts = df["kode"].str.split(".")
        df["program_kode"] = df["program_kode"].fillna(parts.str[:3].str.join("."))
        df["kegiatan_kode"] = df["kegiatan_kode"].fillna(parts.str[:5].str.join("."))
    df["program_nama"] = df["program_nama"].fillna("Program " + df["program_kode"])
    df["kegiatan_nama"] = df["kegiatan_nama"].fillna("Kegiatan " + df["kegiatan_kode"])
    return _leaf_figures(df)


def _leaf_figures(df: pd.DataFrame) -> pd.DataFrame:
    """Pagu (0 where missing), keuangan % and deviasi of leaf rows."""
    df["pagu"] = df["pagu"].fillna(0.0)
    df["keuangan_pct"] = keuangan_pct(df["realisasi_keuangan"], df["pagu"])
    df["deviasi"] = deviasi(df["realisasi_fisik"], df["target_fisik"])
    return df


JENIS_LABEL = {"fisik": "Fisik konstruksi", "non_fisik": "Non fisik"}


def jenis_split(leaves: pd.DataFrame) -> pd.DataFrame:
    """Pagu, realisasi keuangan, keuangan % and number of sub kegiatan of fisik konstruksi and
    non fisik (anything not classified fisik counts as non fisik), from :func:`leaf_recap`."""
    jenis = leaves["jenis"].where(leaves["jenis"] == "fisik", "non_fisik")
    return _split_frame(
        leaves.assign(jenis=jenis)
        .groupby("jenis")
        .agg(pagu=("pagu", "sum"), realisasi_keuangan=("realisasi_keuangan", "sum"), sub_kegiatan=("kode", "size"))
        .reset_index()
    )


def jenis_recap(store: Store, year: int, month: int, opd: str | None = None) -> pd.DataFrame:
    """``jenis_split(leaf_recap(store, year, month, opd))`` with the sums made in the database."""
    return _split_frame(store.jenis_sums(year, month, opd))


def _split_frame(split: pd.DataFrame) -> pd.DataFrame:
    """Label and keuangan % of the fisik / non fisik sums."""
    split["label"] = split["jenis"].map(JENIS_LABEL)
    split["keuangan_pct"] = keuangan_pct(split["realisasi_keuangan"], split["pagu"])
    return split


def kontrak_kritis(leaves: pd.DataFrame, awal: float, akhir: float) -> pd.DataFrame:
    """The fisik konstruksi sub kegiatan of :func:`leaf_recap` that are kritis (DESIGN §5,
    :func:`core.metrics.is_kritis` with the settings' thresholds ``awal``/``akhir``), most
    behind first. Used by the Ringkasan KPI, the Fisik page and the meeting pack."""
    if leaves.empty:
        return leaves
    fisik = leaves[leaves["jenis"] == "fisik"]
    return fisik[is_kritis(fisik["target_fisik"], fisik["deviasi"], awal, akhir)].sort_values("deviasi", kind="stable")


KRITIS_COLUMNS = [
    "opd_kode",
    "kode",
    "nama",
    "sumber_dana",
    "pagu",
    "target_fisik",
    "realisasi_fisik",
    "realisasi_keuangan",
    "jenis",
    "permasalahan",
    "solusi",
]


def kritis_recap(store: Store, year: int, month: int, opd: str | None, awal: float, akhir: float) -> pd.DataFrame:
    """``kontrak_kritis(leaf_recap(store, year, month, opd), awal, akhir)`` with the columns
    :data:`KRITIS_COLUMNS`, ``opd``, ``keuangan_pct`` and ``deviasi``, reading only the fisik
    konstruksi rows that are behind by more than the smaller threshold (a kritis row always is)."""
    leaves = store.leaf_rows(year, month, opd, jenis="fisik", behind=min(awal, akhir), columns=KRITIS_COLUMNS)
    return kontrak_kritis(_leaf_figures(leaves) if not leaves.empty else leaves, awal, akhir)


ROLLUP_COLUMNS = [
    "sub_kegiatan",
    "pagu",
    "realisasi_keuangan",
    "reported",
    "keuangan_pct",
    "fisik_pct",
    "target_fisik_pct",
    "deviasi",
]


def rollup(leaves: pd.DataFrame, level: str) -> pd.DataFrame:
    """Sums of leaf rows per OPD, program or kegiatan: pagu, realisasi, pagu-weighted fisik and
    target, deviasi, keuangan %, number of sub kegiatan (the same formulas as :func:`recap_opd`)."""
    keys = LEVELS[level]
    if leaves.empty:
        return pd.DataFrame(
            columns=keys
            + ["sub_kegiatan", "pagu", "realisasi_keuangan", "keuangan_pct", "fisik_pct", "target_fisik_pct", "deviasi"]
        )
    work = leaves.assign(
        pxf=leaves["pagu"] * leaves["realisasi_fisik"].fillna(0),
        pxt=leaves["pagu"] * leaves["target_fisik"].fillna(0),
        has_t=leaves["target_fisik"].notna(),
        real=leaves["realisasi_keuangan"],
    )
    g = (
        work.groupby(keys, dropna=False, sort=True)
        .agg(
            sub_kegiatan=("kode", "size"),
            pagu=("pagu", "sum"),
            realisasi_keuangan=("real", "sum"),
            pxf=("pxf", "sum"),
            pxt=("pxt", "sum"),
            has_t=("has_t", "any"),
            reported=("reported", "any"),
        )
        .reset_index()
    )
    g["realisasi_keuangan"] = g["realisasi_keuangan"].where(g["reported"])
    g["keuangan_pct"] = keuangan_pct(g["realisasi_keuangan"], g["pagu"])
    g["fisik_pct"] = fisik_pct(g["pxf"], g["pagu"]).where(g["reported"])
    g["target_fisik_pct"] = fisik_pct(g["pxt"], g["pagu"]).where(g["has_t"] & g["reported"])
    g["deviasi"] = deviasi(g["fisik_pct"], g["target_fisik_pct"])
    return g.drop(columns=["pxf", "pxt", "has_t"])


def kurva_s(store: Store, year: int, opd: str | None = None, kode: str | None = None, upto: int = 12) -> pd.DataFrame:
    """Month by month (1..``upto``): pagu, realisasi keuangan %, fisik % and target fisik % of the
    kabupaten or one OPD (:func:`kabupaten_totals` of :func:`recap_opd`, the Ringkasan numbers),
    or of one sub kegiatan ``kode`` of the OPD ``opd`` (cumulative values as reported each month)."""
    if kode is not None and opd is None:
        raise ValueError("kurva_s: a sub kegiatan is chosen within an OPD (kode needs opd)")
    rows = []
    with store.session():
        by_month = store.recap_sums_by_month(year, 1, upto, opd) if kode is None else None
        for month in range(1, upto + 1):
            if kode is None:
                sums = by_month[by_month["bulan"] == month].drop(columns="bulan").reset_index(drop=True)
                tot = kabupaten_totals(_recap_frame(sums))
                pagu = tot["pagu"] if tot["opd_total"] else None
                reported = tot["opd_reported"] > 0
            else:
                leaves = leaf_recap(store, year, month, opd)
                leaves = leaves[leaves["kode"] == kode] if not leaves.empty else leaves
                tot = rollup(leaves, "opd").iloc[0] if not leaves.empty else None
                pagu = float(tot["pagu"]) if tot is not None else None
                reported = tot is not None and bool(tot["reported"])
            if not reported:
                rows.append(dict(bulan=month, pagu=pagu, keuangan_pct=None, fisik_pct=None, target_fisik_pct=None))
            else:
                rows.append(
                    dict(
                        bulan=month,
                        pagu=pagu,
                        keuangan_pct=tot["keuangan_pct"],
                        fisik_pct=tot["fisik_pct"],
                        target_fisik_pct=tot["target_fisik_pct"],
                    )
                )
    return pd.DataFrame(rows)
