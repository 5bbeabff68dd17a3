"""The recap of a period, the one implementation behind every screen, export, slide and CLI
figure: the database makes the sums (``db.store._RECAP_SUMS``: pagu, realisasi and the numerators
of the pagu-weighted fisik and target, per OPD, program, kegiatan, jenis, sumber dana or month) and
:func:`figures` turns sums into percentages with the formulas of :mod:`core.metrics`. Unfiltered,
the per OPD-month sums come pre-added from ``recap_summary`` (db/summary.py); filtered ones and
program / kegiatan sums from the leaf rows: the same sums either way.

Per OPD: :func:`recap_opd` and :func:`opd_level`; kabupaten: :func:`kabupaten_totals`; program
and kegiatan: :func:`level_recap`; fisik konstruksi vs non fisik: :func:`jenis_recap`; sumber
dana: :func:`sumber_dana_recap`; month by month: :func:`kurva_s`; sub kegiatan rows:
:func:`leaf_recap`; kontrak kritis: :func:`kritis_recap` (the rule: :func:`kontrak_kritis`).
"""

from __future__ import annotations

import pandas as pd

from db.store import Store

from .metrics import deviasi, fisik_pct, is_kritis, keuangan_pct, weighted_fisik

RECAP_COLUMNS = [
    "opd_kode",
    "opd",
    "singkatan",
    "sub_kegiatan",
    "pagu",
    "pagu_murni",
    "realisasi_keuangan",
    "keuangan_pct",
    "fisik_pct",
    "target_fisik_pct",
    "deviasi",
    "fisik_pagu",
    "non_fisik_pagu",
    "reported",
    "reported_at",
    "target_keuangan_pct",
    "plan_share",
]
FIGURES = [
    "sub_kegiatan",
    "pagu",
    "realisasi_keuangan",
    "reported",
    "keuangan_pct",
    "fisik_pct",
    "target_fisik_pct",
    "deviasi",
    "target_keuangan_pct",
    "plan_share",
]
# Raw sums of a group (``Store.recap_sums`` / ``Store.group_sums``); every one adds up across groups.
SUMS = [
    "sub_kegiatan",
    "pagu",
    "pagu_murni",
    "realisasi_keuangan",
    "pagu_x_fisik",
    "pagu_x_target",
    "n_target",
    "n_fisik",
    "plan_keu",
    "plan_pagu",
    "fisik_pagu",
    "non_fisik_pagu",
    "reported",
]


def figures(sums: pd.DataFrame) -> pd.DataFrame:
    """The key columns of ``sums`` (rows of ``Store.recap_sums`` / ``Store.group_sums``) with
    :data:`FIGURES`: number of sub kegiatan, pagu, realisasi keuangan Rp and %, fisik and target
    fisik % (pagu-weighted), deviasi, and whether any of it was reported. A group nobody reported
    keeps its pagu and shows no realisation (NaN); target only where some sub kegiatan has one."""
    keys = [c for c in sums.columns if c not in SUMS]
    out = sums[keys + ["sub_kegiatan", "pagu"]].copy()
    reported = sums["reported"].astype(bool)
    out["realisasi_keuangan"] = sums["realisasi_keuangan"].astype("float64").where(reported)
    out["reported"] = reported
    out["keuangan_pct"] = keuangan_pct(out["realisasi_keuangan"], sums["pagu"])
    # a keuangan-only report (SIPD LRA) has no fisik: missing, never 0 %
    out["fisik_pct"] = fisik_pct(sums["pagu_x_fisik"], sums["pagu"]).where(reported & (sums["n_fisik"] > 0))
    has_target = reported & (sums["n_target"] > 0)
    out["target_fisik_pct"] = fisik_pct(sums["pagu_x_target"], sums["pagu"]).where(has_target)
    out["deviasi"] = deviasi(out["fisik_pct"], out["target_fisik_pct"])
    # the keuangan plan where a file gives one (SIPD anggaran kas, RENCANA Rp, PAGU AKAS): its % of
    # the pagu it covers, and the share of the pagu covered (see :func:`target_serapan`)
    covered = sums["plan_pagu"].astype("float64")
    out["target_keuangan_pct"] = (sums["plan_keu"].astype("float64") / covered * 100).where(covered > 0)
    out["plan_share"] = (covered / sums["pagu"].astype("float64")).where(sums["pagu"] > 0).fillna(0.0)
    return out.reset_index(drop=True)


def target_serapan(recap: pd.DataFrame, flat: float | pd.Series) -> pd.Series:
    """The target absorption (%) of each row of a recap: the planned cash (anggaran kas) of the
    sub kegiatan that have one, the month's flat target curve (``flat`` %, Pengaturan) for the rest,
    weighted by pagu. Without plan columns: ``flat`` everywhere."""
    if "target_keuangan_pct" not in recap or "plan_share" not in recap:
        return pd.Series(flat, index=recap.index, dtype="float64")
    share = recap["plan_share"].astype("float64").fillna(0.0).clip(0.0, 1.0)
    planned = recap["target_keuangan_pct"].astype("float64").fillna(flat)
    return share * planned + (1 - share) * flat


def recap_opd(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    *,
    wilayah: str | None = None,
    dana: list[str] | None = None,
    jenis: str | None = None,
) -> pd.DataFrame:
    """One row per OPD (only ``opd`` when given), by name: pagu, realisasi keuangan Rp and %, fisik %
    (pagu-weighted), deviasi, pagu of fisik konstruksi and non fisik, and whether the OPD has
    reported for the month; only the OPDs of kabupaten/kota ``wilayah`` when given (a province
    install). ``dana`` / ``jenis`` count only the sub kegiatan of those sumber dana
    / that jenis (see :func:`leaf_recap`).

    OPDs that have not reported keep their DPA pagu and show no realisation (NaN).
    """
    return _recap_frame(store.recap_sums(year, month, opd, wilayah=wilayah, dana=dana, jenis=jenis))


def _recap_frame(sums: pd.DataFrame) -> pd.DataFrame:
    """:func:`recap_opd` from ``Store.recap_sums`` rows."""
    if sums.empty:
        return pd.DataFrame(columns=RECAP_COLUMNS)
    out = figures(sums)
    out["opd"] = out["opd"].fillna(out["opd_kode"])
    out["fisik_pagu"] = sums["fisik_pagu"]
    out["non_fisik_pagu"] = sums["non_fisik_pagu"]
    out["pagu_murni"] = sums["pagu_murni"]  # the first DPA's pagu (pagu terakhir is ``pagu``)
    return out[RECAP_COLUMNS]


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
    # a non-reporting OPD counts as 0; an OPD whose report has no fisik at all (keuangan only) is left out
    keu_only = recap["reported"].astype(bool) & recap["fisik_pct"].isna()
    fis = (
        weighted_fisik(recap["pagu"][~keu_only], recap["fisik_pct"][~keu_only].fillna(0)) if (~keu_only).any() else None
    )
    reported = recap["reported"].astype(bool)
    tgt = (
        weighted_fisik(recap["pagu"], recap["target_fisik_pct"].fillna(0))
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


def same_period_last_year(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> dict | None:
    """:func:`kabupaten_totals` of the same month one year earlier, or ``None`` when no OPD
    reported then (Ringkasan and the meeting pack compare with it)."""
    tot = kabupaten_totals(recap_opd(store, year - 1, month, opd, wilayah=wilayah))
    return tot if tot["opd_reported"] else None


LEVELS = {
    "opd": ["opd_kode", "opd"],
    "program": ["opd_kode", "opd", "program_kode", "program_nama"],
    "kegiatan": ["opd_kode", "opd", "program_kode", "program_nama", "kegiatan_kode", "kegiatan_nama"],
}
ROLLUP_COLUMNS = FIGURES


def opd_level(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    *,
    wilayah: str | None = None,
    dana: list[str] | None = None,
    jenis: str | None = None,
) -> pd.DataFrame:
    """The Rekap OPD table: :func:`recap_opd` by OPD code with the columns of :func:`level_recap`."""
    recap = recap_opd(store, year, month, opd, wilayah=wilayah, dana=dana, jenis=jenis)
    return recap.sort_values("opd_kode", kind="stable")[LEVELS["opd"] + FIGURES].reset_index(drop=True)


def level_recap(
    store: Store,
    year: int,
    month: int,
    level: str,
    opd: str | None = None,
    *,
    wilayah: str | None = None,
    dana: list[str] | None = None,
    jenis: str | None = None,
) -> pd.DataFrame:
    """One row per OPD, program or kegiatan (``level``, a key of :data:`LEVELS`) with
    :data:`FIGURES`, by code; only ``opd``'s and only the sub kegiatan of ``dana`` / ``jenis``
    when given (see :func:`leaf_recap`). The figures of an OPD are those of :func:`recap_opd`."""
    if level == "opd":
        return opd_level(store, year, month, opd, wilayah=wilayah, dana=dana, jenis=jenis)
    sums = store.group_sums(year, month, level, opd, wilayah=wilayah, dana=dana, jenis=jenis)
    if sums.empty:
        return pd.DataFrame(columns=LEVELS[level] + FIGURES)
    return figures(sums)[LEVELS[level] + FIGURES]


def sumber_dana_list(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> list[str]:
    """Every single sumber dana named by the period's sub kegiatan ("DAU, PAD" names two), sorted:
    the choices of the sumber dana filter."""
    texts = store.leaf_sumber_dana(year, month, opd, wilayah=wilayah)
    return sorted({f.strip() for v in texts for f in str(v).split(",") if f.strip()})


def leaf_recap(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    *,
    wilayah: str | None = None,
    dana: list[str] | None = None,
    jenis: str | None = None,
    behind: float | None = None,
) -> pd.DataFrame:
    """Every sub kegiatan of the period with keuangan %, fisik, target and deviasi (program and
    kegiatan codes filled from the sub kegiatan code where the file and DPA say nothing). Only
    those whose sumber dana text contains one of ``dana``, only ``jenis`` (``fisik``;
    ``non_fisik`` is everything else) and only those more than ``behind`` points behind their
    target fisik when given (selected in the database)."""
    df = store.leaf_rows(year, month, opd, wilayah=wilayah, dana=dana, jenis=jenis, behind=behind)
    return _leaf_figures(df) if not df.empty else df


def _leaf_figures(df: pd.DataFrame) -> pd.DataFrame:
    """Pagu (0 where missing), keuangan % and deviasi of leaf rows."""
    df["pagu"] = df["pagu"].fillna(0.0)
    df["keuangan_pct"] = keuangan_pct(df["realisasi_keuangan"], df["pagu"])
    df["deviasi"] = deviasi(df["realisasi_fisik"], df["target_fisik"])
    return df


JENIS_LABEL = {"fisik": "Fisik konstruksi", "non_fisik": "Non fisik"}
JENIS_COLUMNS = ["jenis", "label"] + FIGURES


def jenis_recap(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> pd.DataFrame:
    """Fisik konstruksi, then non fisik (anything not classified fisik), those that occur, with
    :data:`FIGURES`; realisasi keuangan is 0 (not missing) where nobody reported."""
    sums = store.group_sums(year, month, "jenis", opd, wilayah=wilayah)
    if sums.empty:
        return pd.DataFrame(columns=JENIS_COLUMNS)
    out = figures(sums)
    out["realisasi_keuangan"] = out["realisasi_keuangan"].fillna(0.0)
    out["keuangan_pct"] = keuangan_pct(out["realisasi_keuangan"], out["pagu"])
    out["label"] = out["jenis"].map(JENIS_LABEL)
    return out[JENIS_COLUMNS]


NO_SUMBER = "Tidak disebutkan"
SUMBER_COLUMNS = ["key", "label"] + FIGURES


def _spelled(value) -> str | None:
    """A sumber dana as written with runs of spaces made one, ``None`` when blank."""
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def sumber_dana_recap(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> pd.DataFrame:
    """One row per sumber dana (DAU, DAK Fisik, Bankeu, ... as the DPA or the report names it;
    spellings that differ only in case or spaces are one source, ``key`` upper case, labelled by
    the most common spelling) with :data:`FIGURES`, largest pagu first; sub kegiatan without one
    last, key ``""``, labelled "Tidak disebutkan"."""
    sums = store.group_sums(year, month, "sumber_dana", opd, wilayah=wilayah)
    if sums.empty:
        return pd.DataFrame(columns=SUMBER_COLUMNS)
    text = sums["sumber_dana"].map(_spelled)
    sums = sums.drop(columns="sumber_dana").assign(key=text.map(lambda t: t.upper() if t else ""))
    counts = pd.DataFrame({"key": sums["key"], "text": text, "n": sums["sub_kegiatan"]})
    counts = counts[counts["text"].notna()].groupby(["key", "text"], as_index=False)["n"].sum()
    counts = counts.sort_values(["n", "text"], ascending=[False, True], kind="stable")
    labels = counts.drop_duplicates("key").set_index("key")["text"].to_dict() | {"": NO_SUMBER}
    groups = sums.groupby("key", sort=False)
    merged = groups.agg({c: ("any" if c == "reported" else "sum") for c in SUMS}).reset_index()
    merged["realisasi_keuangan"] = groups["realisasi_keuangan"].sum(min_count=1).to_numpy()
    out = figures(merged).assign(label=lambda d: d["key"].map(labels))
    out = out.assign(_none=out["key"] == "").sort_values(["_none", "pagu", "label"], ascending=[True, False, True])
    return out[SUMBER_COLUMNS].reset_index(drop=True)


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


def kontrak_kritis(leaves: pd.DataFrame, awal: float, akhir: float) -> pd.DataFrame:
    """The fisik konstruksi rows of ``leaves`` (rows of :func:`leaf_recap`) that are kritis (DESIGN
    §5, :func:`core.metrics.is_kritis` with the settings' thresholds ``awal``/``akhir``), most
    behind first."""
    if leaves.empty:
        return leaves
    fisik = leaves[leaves["jenis"] == "fisik"]
    return fisik[is_kritis(fisik["target_fisik"], fisik["deviasi"], awal, akhir)].sort_values("deviasi", kind="stable")


def kritis_recap(
    store: Store,
    year: int,
    month: int,
    opd: str | None,
    awal: float,
    akhir: float,
    *,
    wilayah: str | None = None,
) -> pd.DataFrame:
    """:func:`kontrak_kritis` of the period (only ``opd``'s when given) with the columns
    :data:`KRITIS_COLUMNS`, ``opd``, ``keuangan_pct`` and ``deviasi``: the kontrak kritis of the
    Ringkasan KPI, the Fisik page and the meeting pack. Reads only the fisik konstruksi rows
    behind by more than the smaller threshold (a kritis row always is)."""
    leaves = store.leaf_rows(
        year, month, opd, wilayah=wilayah, jenis="fisik", behind=min(awal, akhir), columns=KRITIS_COLUMNS
    )
    return kontrak_kritis(_leaf_figures(leaves) if not leaves.empty else leaves, awal, akhir)


def kritis_count(
    store: Store,
    year: int,
    month: int,
    opd: str | None,
    awal: float,
    akhir: float,
    *,
    wilayah: str | None = None,
) -> int:
    """How many rows :func:`kritis_recap` has (the same rows and test), reading only the columns
    the test needs: the count the Materi Rakor page shows before it builds the pack."""
    leaves = store.leaf_rows(
        year,
        month,
        opd,
        wilayah=wilayah,
        jenis="fisik",
        behind=min(awal, akhir),
        columns=["jenis", "target_fisik", "realisasi_fisik"],
    )
    if leaves.empty:
        return 0
    fisik = leaves[leaves["jenis"] == "fisik"]
    dev = deviasi(fisik["realisasi_fisik"], fisik["target_fisik"])
    return int(pd.Series(is_kritis(fisik["target_fisik"], dev, awal, akhir), dtype=bool).sum())


def kurva_s(
    store: Store,
    year: int,
    opd: str | None = None,
    kode: str | None = None,
    upto: int = 12,
    *,
    wilayah: str | None = None,
) -> pd.DataFrame:
    """Month by month (1..``upto``): pagu, realisasi keuangan %, fisik % and target fisik % of the
    kabupaten or one OPD (:func:`kabupaten_totals` of :func:`recap_opd`, the Ringkasan numbers),
    or of one sub kegiatan ``kode`` of the OPD ``opd`` (cumulative values as reported each month)."""
    if kode is not None and opd is None:
        raise ValueError("kurva_s: a sub kegiatan is chosen within an OPD (kode needs opd)")
    by_month = store.recap_sums_by_month(year, 1, upto, opd, wilayah=wilayah, kode=kode)
    # the figures of every OPD-month at once (one pass over the rows, not one per month)
    recap = _recap_frame(by_month.drop(columns="bulan")).assign(bulan=by_month["bulan"].to_numpy())
    months = dict(tuple(recap.groupby("bulan", sort=False))) if len(recap) else {}
    plans = by_month.groupby("bulan")[["plan_pagu", "plan_keu"]].sum()
    rows = []
    for month in range(1, upto + 1):
        tot = kabupaten_totals(months.get(month, recap.iloc[0:0]))
        row = dict(bulan=month, pagu=tot["pagu"] if tot["opd_total"] else None)
        reported = tot["opd_reported"] > 0
        for key in ("keuangan_pct", "fisik_pct", "target_fisik_pct"):
            row[key] = tot[key] if reported else None
        # the planned cash to date (anggaran kas) as % of the pagu it covers, and the share covered
        has_plan = month in plans.index
        plan_pagu = float(plans.at[month, "plan_pagu"]) if has_plan else 0.0
        plan_keu = float(plans.at[month, "plan_keu"]) if has_plan else 0.0
        row["target_keuangan_pct"] = plan_keu / plan_pagu * 100 if plan_pagu > 0 else None
        row["plan_share"] = plan_pagu / tot["pagu"] if tot["pagu"] else 0.0
        rows.append(row)
    return pd.DataFrame(rows)
