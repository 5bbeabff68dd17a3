"""Every number of the Rakor POK meeting pack (SOP step 10: "mempersiapkan materi rakor"),
computed once by :func:`pack_data` from the recap functions of :mod:`core`.

The slides (:mod:`exports.pack_pptx`), the workbook (:mod:`exports.pack_xlsx`), the Materi Rakor
page and ``python -m etl pack`` all read a :class:`PackData`; none of them computes a figure of
its own, so the numbers in the room are the numbers on screen and in the recap.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

import pandas as pd

from core.breakdown import by_jenis, by_sumber_dana, masalah_per_opd
from core.format import period_label
from core.metrics import traffic_light
from core.recap import (
    kabupaten_totals,
    kritis_count,
    kritis_recap,
    kurva_s,
    leaf_recap,
    recap_opd,
    same_period_last_year,
    target_serapan,
)
from core.settings import Settings
from core.status import reporting_status
from core.tindak_lanjut import FOLLOWUP_COLUMNS as TINDAK_LANJUT_COLUMNS
from core.tindak_lanjut import open_followups
from db.store import Store

RANKING_COLUMNS = ["peringkat", "opd_kode", "opd", "label", "value", "lampu"]
KRITIS_COLUMNS = [
    "opd_kode",
    "opd",
    "label",
    "kode",
    "nama",
    "pagu",
    "target_fisik",
    "realisasi_fisik",
    "deviasi",
    "permasalahan",
]
KURVA_COLUMNS = ["bulan", "target_fisik_pct", "fisik_pct", "target_serapan_pct", "keuangan_pct"]
BELUM_COLUMNS = ["opd_kode", "opd", "label", "status", "batas", "hari_terlambat"]


@dataclass(kw_only=True)
class PackPreview:
    """What the Materi Rakor page shows before the pack is built (:func:`pack_preview`): the
    figures that come from the recap summary and a few small queries, and the counts of the lists.

    ``recap`` is :func:`core.recap.recap_opd` plus ``label`` (the OPD's short name on charts)
    and ``lampu`` (traffic light); ``totals`` and ``last_year`` are
    :func:`core.recap.kabupaten_totals` of this month and of the same month a year earlier
    (``None`` when nobody reported then); ``belum`` the OPDs that have not reported for the month
    with the days late (:func:`_belum`); ``kritis_total`` how many kontrak kritis the month has.
    ``top_n``: at most this many rows of each list on the slides (the workbook has them all)."""

    year: int
    month: int
    today: dt.date
    settings: Settings
    lowest_n: int
    top_n: int
    recap: pd.DataFrame
    totals: dict
    last_year: dict | None
    target_serapan: float
    not_reported: list[str]
    kritis_total: int
    tindak_lanjut: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TINDAK_LANJUT_COLUMNS))
    belum: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BELUM_COLUMNS))
    wilayah: str | None = None  # the kabupaten/kota of a province's pack (None: the whole install)

    @property
    def period(self) -> str:
        """``Maret 2026``."""
        return period_label(self.year, self.month)

    @property
    def has_data(self) -> bool:
        """A DPA or a report exists for the period."""
        return not self.recap.empty

    @property
    def has_reports(self) -> bool:
        """At least one OPD has reported for the month."""
        return bool(self.totals["opd_reported"])

    @property
    def file_stem(self) -> str:
        """``Materi_Rakor_2026-03`` (the PPTX and XLSX file names without extension), with the
        kabupaten/kota of a province's pack (``Materi_Rakor_2026-03_Kabupaten_Batu_Jaya``)."""
        where = "_" + re.sub(r"[^0-9A-Za-z]+", "_", self.wilayah).strip("_") if self.wilayah else ""
        return f"Materi_Rakor_{self.year}-{self.month:02d}{where}"

    @property
    def ranked(self) -> int:
        """OPDs in the rankings (reported, with a realisasi keuangan %)."""
        return int((self.recap["reported"].astype(bool) & self.recap["keuangan_pct"].notna()).sum())


@dataclass(kw_only=True)
class PackData(PackPreview):
    """The figures of one month's meeting pack (see :func:`pack_data` for their sources): those
    of :class:`PackPreview` and the full lists. ``kurva`` is the kurva S of the kabupaten from
    January to the pack's month (:func:`_kurva`); ``kritis`` every kontrak kritis, most behind
    first (``kritis_total`` rows); ``masalah`` every permasalahan per OPD."""

    ranking_keuangan: pd.DataFrame
    ranking_fisik: pd.DataFrame
    lowest: pd.DataFrame
    jenis: pd.DataFrame
    sumber_dana: pd.DataFrame
    kritis: pd.DataFrame
    masalah: pd.DataFrame
    kurva: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=KURVA_COLUMNS))


def _labels(recap: pd.DataFrame) -> pd.Series:
    """Short OPD names for charts: the singkatan (upper case), the name where it has none or
    where two OPDs share one."""
    short = recap["singkatan"].map(lambda s: s.strip().upper() if isinstance(s, str) and s.strip() else None)
    label = short.fillna(recap["opd"])
    dup = label.duplicated(keep=False)
    return label.where(~dup, recap["opd"])


def _ranking(recap: pd.DataFrame, column: str) -> pd.DataFrame:
    """Reported OPDs by ``column``, highest first (ties by name); rank 1 is the best."""
    rows = recap[recap["reported"].astype(bool) & recap[column].notna()]
    rows = rows.sort_values([column, "label"], ascending=[False, True], kind="stable")
    out = pd.DataFrame(
        {
            "opd_kode": rows["opd_kode"],
            "opd": rows["opd"],
            "label": rows["label"],
            "value": rows[column].astype(float),
            "lampu": rows["lampu"],
        }
    ).reset_index(drop=True)
    out.insert(0, "peringkat", range(1, len(out) + 1))
    return out[RANKING_COLUMNS]


def _tindak_lanjut(store: Store, today: dt.date) -> pd.DataFrame:
    """Follow-ups of earlier meetings still open on ``today`` (``core.tindak_lanjut``), overdue
    ones marked ``terlambat``."""
    return open_followups(store, as_of=today)


def _kurva(curve: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """:func:`core.recap.kurva_s` with the month's target serapan (:func:`core.recap.target_serapan`
    of the flat curve of Pengaturan: the anggaran kas where loaded), as the Rekap page draws it."""
    if curve.empty:
        return pd.DataFrame(columns=KURVA_COLUMNS)
    flat = pd.Series([settings.target_for(int(m)) for m in curve["bulan"]], index=curve.index, dtype="float64")
    return curve.assign(target_serapan_pct=target_serapan(curve, flat))[KURVA_COLUMNS].reset_index(drop=True)


def _belum(
    raw: pd.DataFrame, year: int, month: int, settings: Settings, today: dt.date, label_of: dict
) -> pd.DataFrame:
    """OPDs without a report for the month (:func:`core.status.reporting_status`: ``belum``, or
    ``belum_lewat_batas`` with the days overdue on ``today``), the most overdue first, then by name."""
    if raw.empty:
        return pd.DataFrame(columns=BELUM_COLUMNS)
    status = reporting_status(raw, year, month, settings, today=today)
    rows = status[status["status"].isin(["belum", "belum_lewat_batas"])]
    opd = rows["opd"].fillna(rows["opd_kode"])
    rows = rows.assign(opd=opd, label=rows["opd_kode"].map(label_of).fillna(opd))
    rows = rows.sort_values(["hari_terlambat", "opd"], ascending=[False, True], kind="stable")
    return rows[BELUM_COLUMNS].reset_index(drop=True)


def _preview(
    store: Store,
    year: int,
    month: int,
    settings: Settings,
    today: dt.date,
    lowest_n: int,
    top_n: int | None,
    wilayah: str | None = None,
) -> dict:
    """The fields of :class:`PackPreview` (inside the caller's store session), with ``kritis_total``
    left out (:func:`pack_data` counts the rows it loads; :func:`pack_preview` counts in SQL)."""
    recap = recap_opd(store, year, month, wilayah=wilayah)
    last = same_period_last_year(store, year, month, wilayah=wilayah)
    followups = _tindak_lanjut(store, today)
    if wilayah:
        followups = followups[followups["opd_kode"].isin(recap["opd_kode"])].reset_index(drop=True)
        # the pack is about the kabupaten/kota: its name where the pack names the daerah (the
        # summary slide, the workbook's headings); the kop stays the province's
        settings = replace(settings, nama_daerah=wilayah)
    raw_status = store.reporting_status(year, month, wilayah=wilayah)
    target = settings.target_for(month)
    totals = kabupaten_totals(recap)
    if recap.empty:
        recap = recap.assign(label=pd.Series(dtype=object), lampu=pd.Series(dtype=object))
    else:
        recap = recap.assign(
            label=_labels(recap),
            lampu=[
                traffic_light(d, k, target, settings.kuning_poin, settings.merah_poin) if rep else None
                for d, k, rep in zip(recap["deviasi"], recap["keuangan_pct"], recap["reported"])
            ],
        )
    label_of = dict(zip(recap["opd_kode"], recap["label"]))
    return dict(
        year=year,
        month=month,
        today=today,
        settings=settings,
        lowest_n=int(lowest_n),
        top_n=max(1, int(settings.materi_baris_slide if top_n is None else top_n)),
        recap=recap,
        totals=totals,
        last_year=last,
        target_serapan=target,
        not_reported=recap.loc[~recap["reported"].astype(bool), "opd"].tolist(),
        tindak_lanjut=followups.assign(
            label=followups["opd_kode"].map(label_of).fillna(followups["opd"]).fillna(followups["opd_kode"])
        ),
        belum=_belum(raw_status, year, month, settings, today, label_of),
        wilayah=wilayah,
    )


def pack_preview(
    store: Store,
    year: int,
    month: int,
    settings: Settings,
    today: dt.date,
    lowest_n: int = 5,
    top_n: int | None = None,
    *,
    wilayah: str | None = None,
) -> PackPreview:
    """What the pack of (year, month) will hold, without reading its leaf rows: the recap per OPD
    (from the recap summary), the comparison, the open tindak lanjut, the OPDs not yet reported and
    the number of kontrak kritis (:func:`core.recap.kritis_count`). A province's preview takes a
    fraction of a second where :func:`pack_data` reads hundreds of thousands of rows. ``wilayah``:
    only the OPDs of that kabupaten/kota (a province install)."""
    with store.session():
        parts = _preview(store, year, month, settings, today, lowest_n, top_n, wilayah)
        kritis_total = kritis_count(
            store, year, month, None, settings.kritis_awal_poin, settings.kritis_akhir_poin, wilayah=wilayah
        )
    return PackPreview(**parts, kritis_total=kritis_total)


def pack_data(
    store: Store,
    year: int,
    month: int,
    settings: Settings,
    today: dt.date,
    lowest_n: int = 5,
    top_n: int | None = None,
    *,
    wilayah: str | None = None,
) -> PackData:
    """Compute every figure of the meeting pack for (year, month).

    Sources: :func:`core.recap.recap_opd` and :func:`~core.recap.kabupaten_totals` (summary,
    rankings, lowest OPDs), :func:`~core.recap.same_period_last_year` (comparison),
    :mod:`core.breakdown` (fisik vs non fisik, sumber dana, and permasalahan of
    :func:`~core.recap.leaf_recap`) and :func:`~core.recap.kritis_recap` (thresholds from ``settings``),
    :func:`core.metrics.traffic_light` against ``settings.target_for(month)``, the open
    tindak lanjut as of ``today``, :func:`~core.recap.kurva_s` up to ``month`` with
    :func:`~core.recap.target_serapan`, and the OPDs not yet reported by
    :func:`core.status.reporting_status` (days late as of ``today``).
    ``lowest_n``: how many OPDs the "lowest" part lists (by realisasi keuangan %, among OPDs
    that reported). ``top_n``: rows per list on the slides (default: the setting
    ``materi_baris_slide``); every list is complete in the pack itself and in the workbook.
    ``wilayah``: only the OPDs of that kabupaten/kota (a province install), named as the daerah.
    """
    with store.session():
        parts = _preview(store, year, month, settings, today, lowest_n, top_n, wilayah)
        leaves = leaf_recap(store, year, month, wilayah=wilayah)
        jenis = by_jenis(store, year, month, wilayah=wilayah)
        sumber_dana = by_sumber_dana(store, year, month, wilayah=wilayah)
        kritis = kritis_recap(
            store, year, month, None, settings.kritis_awal_poin, settings.kritis_akhir_poin, wilayah=wilayah
        )
        curve = kurva_s(store, year, upto=month, wilayah=wilayah)
    recap = parts["recap"]
    reported = recap[recap["reported"].astype(bool)]
    lowest = reported.sort_values(["keuangan_pct", "fisik_pct", "label"], kind="stable").head(max(0, int(lowest_n)))
    label_of = dict(zip(recap["opd_kode"], recap["label"]))
    if kritis.empty:
        kritis = pd.DataFrame(columns=KRITIS_COLUMNS)
    else:
        kritis = kritis.assign(opd=kritis["opd"].fillna(kritis["opd_kode"]), label=kritis["opd_kode"].map(label_of))
        kritis = kritis[KRITIS_COLUMNS].reset_index(drop=True)
    return PackData(
        **parts,
        kritis_total=len(kritis),
        ranking_keuangan=_ranking(recap, "keuangan_pct"),
        ranking_fisik=_ranking(recap, "fisik_pct"),
        lowest=lowest.reset_index(drop=True),
        jenis=jenis,
        sumber_dana=sumber_dana,
        kritis=kritis,
        masalah=masalah_per_opd(leaves).assign(label=lambda d: d["opd_kode"].map(label_of)),
        kurva=_kurva(curve, settings),
    )
