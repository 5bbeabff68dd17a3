"""Data kinerja computations (DESIGN §5): capaian, predikat, periods, targets of a period,
aggregation over months, and the recap used by pages, the Excel export and the CLI alike.

Rules decided here (one formula, one function):

- **Capaian** (:func:`capaian`): ``naik`` realisasi / target x 100; ``turun`` (lower is better)
  (2 x target - realisasi) / target x 100, not clipped (a ``turun`` value above twice its target
  gives a negative capaian). No capaian, with the reason, when the realisasi or the target is
  missing, or the target is 0 or negative (a ratio to 0 means nothing).
- **Predikat** (:func:`predikat`), Permendagri 86/2017 scale on the unrounded capaian, each band
  closed at its lower bound: >= 91 Sangat Tinggi, >= 76 Tinggi, >= 66 Sedang, >= 51 Rendah,
  otherwise Sangat Rendah. A value between two printed bands belongs to the lower band:
  90.5 is Tinggi, 75.9 Sedang, 65.5 Rendah, 50.9 Sangat Rendah.
- **Aggregation over months** (:func:`aggregate`): ``stok`` (a state such as a percentage or an
  index) takes the last month reported within the period; ``alir`` (a flow such as letters
  issued) takes the sum of the months reported. Months without a value are left out (the
  recap says how many months of the period were reported).
- **Target of a period** (:func:`target_for`): the year uses the annual target of the
  Perjanjian Kinerja, a triwulan its triwulan target. A month uses its triwulan's target: as
  is for ``stok`` (the state to reach by the end of the triwulan, which is also the "Target"
  column of the request format), and one third of it for ``alir`` (the triwulan's flow spread
  evenly over its three months, so a month's count is compared with a month's share).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from core.months import BULAN

ARAH = ("naik", "turun")
AGREGASI = ("stok", "alir")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PREDIKAT = (  # (lower bound, label), Permendagri 86/2017
    (91.0, "Sangat Tinggi"),
    (76.0, "Tinggi"),
    (66.0, "Sedang"),
    (51.0, "Rendah"),
)
SANGAT_RENDAH = "Sangat Rendah"

RECAP_COLUMNS = [
    "unit_id",
    "unit",
    "indikator_id",
    "no",
    "indikator",
    "satuan",
    "arah",
    "agregasi",
    "target",
    "realisasi",
    "capaian",
    "predikat",
    "catatan",
    "bulan_terisi",
    "bulan_periode",
    "bulan_terakhir",
    "keterangan",
    "status",
]


# ---------------------------------------------------------------------------- periods
def triwulan_of(month: int) -> int:
    """Triwulan (1-4) of a month: months 1-3, 4-6, 7-9, 10-12."""
    if not 1 <= int(month) <= 12:
        raise ValueError(f"bulan {month} tidak valid (1-12)")
    return (int(month) - 1) // 3 + 1


@dataclass(frozen=True)
class Period:
    """A recap period: one month, one triwulan, or the whole year."""

    year: int
    month: int | None = None
    triwulan: int | None = None
    annual: bool = False

    @property
    def kind(self) -> str:
        """``bulan`` | ``triwulan`` | ``tahun``."""
        return "bulan" if self.month else ("triwulan" if self.triwulan else "tahun")

    @property
    def months(self) -> list[int]:
        """The months the period covers."""
        if self.month:
            return [self.month]
        if self.triwulan:
            return list(range(3 * self.triwulan - 2, 3 * self.triwulan + 1))
        return list(range(1, 13))

    @property
    def key(self) -> str:
        """Storage key of the period (analysis notes): ``B03``, ``TW1``, ``TAHUN``."""
        if self.month:
            return f"B{self.month:02d}"
        if self.triwulan:
            return f"TW{self.triwulan}"
        return "TAHUN"

    @property
    def label(self) -> str:
        """``Maret 2026`` / ``Triwulan I 2026`` / ``Tahun 2026``."""
        if self.month:
            return f"{BULAN[self.month - 1]} {self.year}"
        if self.triwulan:
            return f"Triwulan {ROMAN[self.triwulan]} {self.year}"
        return f"Tahun {self.year}"


def period(year: int, month: int | None = None, triwulan: int | None = None, annual: bool = False) -> Period:
    """Validate and build a :class:`Period`: exactly one of ``month``, ``triwulan``, ``annual``."""
    chosen = [x for x in (month, triwulan, annual or None) if x]
    if len(chosen) != 1:
        raise ValueError("Pilih tepat satu periode: bulan, triwulan, atau tahun.")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"Bulan {month} tidak valid; pilih 1-12.")
    if triwulan is not None and not 1 <= int(triwulan) <= 4:
        raise ValueError(f"Triwulan {triwulan} tidak valid; pilih 1-4.")
    return Period(int(year), int(month) if month else None, int(triwulan) if triwulan else None, bool(annual))


def period_from_key(year: int, key: str) -> Period:
    """Inverse of :attr:`Period.key`."""
    if key.startswith("B"):
        return period(year, month=int(key[1:]))
    if key.startswith("TW"):
        return period(year, triwulan=int(key[2:]))
    return period(year, annual=True)


# ---------------------------------------------------------------------------- formulas
def _number(value) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


@dataclass(frozen=True)
class Capaian:
    """A capaian in percent, or ``None`` with the reason (Indonesian) why it cannot be computed."""

    nilai: float | None
    alasan: str | None = None


def capaian(target, realisasi, arah: str) -> Capaian:
    """Capaian kinerja in percent (DESIGN §5): ``naik`` r / t x 100, ``turun`` (2t - r) / t x 100."""
    t, r = _number(target), _number(realisasi)
    if arah not in ARAH:
        raise ValueError(f"arah '{arah}' tidak dikenal (naik/turun)")
    if r is None:
        return Capaian(None, "Realisasi belum ada.")
    if t is None:
        return Capaian(None, "Target belum ditetapkan.")
    if t == 0:
        return Capaian(None, "Target 0: capaian tidak dapat dihitung sebagai persen.")
    if t < 0:
        return Capaian(None, "Target negatif: capaian tidak dapat dihitung.")
    if arah == "naik":
        return Capaian(r / t * 100.0)
    return Capaian((2.0 * t - r) / t * 100.0)


def predikat(nilai) -> str | None:
    """Predikat of a capaian (Permendagri 86/2017); ``None`` when there is no capaian."""
    x = _number(nilai)
    if x is None:
        return None
    for lower, label in PREDIKAT:
        if x >= lower:
            return label
    return SANGAT_RENDAH


def aggregate(values: Mapping[int, float | None], agregasi: str, months: list[int]) -> tuple[float | None, list[int]]:
    """Value of an indicator over ``months`` from its monthly values (month -> value):
    ``stok`` the last month reported, ``alir`` the sum. Returns (value, months reported)."""
    if agregasi not in AGREGASI:
        raise ValueError(f"agregasi '{agregasi}' tidak dikenal (stok/alir)")
    reported = [m for m in months if _number(values.get(m)) is not None]
    if not reported:
        return None, []
    if agregasi == "stok":
        return _number(values[reported[-1]]), reported
    return float(sum(_number(values[m]) or 0.0 for m in reported)), reported


def target_for(ind: Mapping, p: Period) -> tuple[float | None, str | None]:
    """Target of an indicator (a mapping with ``agregasi``, ``target_tahunan``,
    ``target_tw1``..``target_tw4``) for a period, or (None, reason). See the module docstring."""
    if p.annual:
        t = _number(ind.get("target_tahunan"))
        return (t, None) if t is not None else (None, "Target tahunan belum ditetapkan.")
    tw = p.triwulan or triwulan_of(p.month or 0)  # a period is a year, a triwulan or a month
    t = _number(ind.get(f"target_tw{tw}"))
    if t is None:
        return None, f"Target triwulan {ROMAN[tw]} belum ditetapkan."
    if p.month and ind.get("agregasi") == "alir":
        return t / 3.0, None
    return t, None


def format_target(ind: Mapping, month: int) -> float | None:
    """The "Target" of a month's request format: the target of the month's triwulan as in the
    Perjanjian Kinerja (for every indicator; the returned file is checked against it)."""
    return _number(ind.get(f"target_tw{triwulan_of(month)}"))


# ---------------------------------------------------------------------------- recap
STATUS_ORDER = ("draft", "returned", "submitted", "verified", "approved")


def period_status(statuses: list[str | None]) -> str | None:
    """Review status of a period made of several months: the least advanced status among the
    months that have data (draft < returned < submitted < verified < approved)."""
    known = [s for s in statuses if s]
    if not known:
        return None
    return min(known, key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else -1)


def recap_frame(
    indicators: pd.DataFrame, values: pd.DataFrame, p: Period, reviews: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The recap rows of ``p`` (pure): ``indicators`` as :meth:`Store.indikator_frame`,
    ``values`` the values in force as :meth:`Store.kinerja_values` (indikator_id, bulan,
    realisasi, keterangan), ``reviews`` as :meth:`Store.review_rows` (unit_id, bulan, status)."""
    by_ind: dict[int, dict[int, tuple]] = {}
    for r in values.itertuples(index=False):
        by_ind.setdefault(int(r.indikator_id), {})[int(r.bulan)] = (r.realisasi, r.keterangan)
    status_of: dict[tuple[int, int], str] = {}
    if reviews is not None and not reviews.empty:
        status_of = {(int(u), int(b)): s for u, b, s in zip(reviews["unit_id"], reviews["bulan"], reviews["status"])}
    rows = []
    for ind in indicators.to_dict("records"):
        monthly = by_ind.get(int(ind["id"]), {})
        value, reported = aggregate({m: v[0] for m, v in monthly.items()}, ind["agregasi"], p.months)
        target, why_target = target_for(ind, p)
        cap = capaian(target, value, ind["arah"])
        catatan = cap.alasan if value is None else (why_target or cap.alasan)
        last = reported[-1] if reported else None
        notes = [monthly[m][1] for m in reported if isinstance(monthly[m][1], str) and monthly[m][1].strip()]
        statuses = [status_of.get((int(ind["unit_id"]), m)) for m in reported]
        rows.append(
            {
                "unit_id": int(ind["unit_id"]),
                "unit": ind["unit"],
                "indikator_id": int(ind["id"]),
                "no": ind.get("no"),
                "indikator": ind["nama"],
                "satuan": ind.get("satuan"),
                "arah": ind["arah"],
                "agregasi": ind["agregasi"],
                "target": target,
                "realisasi": value,
                "capaian": cap.nilai,
                "predikat": predikat(cap.nilai),
                "catatan": catatan,
                "bulan_terisi": len(reported),
                "bulan_periode": len(p.months),
                "bulan_terakhir": last,
                "keterangan": "; ".join(dict.fromkeys(notes)) or None,
                "status": period_status(statuses) if p.month is None else status_of.get((int(ind["unit_id"]), p.month)),
            }
        )
    df = pd.DataFrame(rows, columns=RECAP_COLUMNS)
    for col in ("target", "realisasi", "capaian"):
        df[col] = df[col].astype("float64")
    return df


def kinerja_recap(
    store,
    year: int,
    *,
    month: int | None = None,
    triwulan: int | None = None,
    annual: bool = False,
    unit_id: int | None = None,
) -> pd.DataFrame:
    """Recap per unit and indicator for a month, a triwulan or the year: columns
    :data:`RECAP_COLUMNS` (target, realisasi, capaian in percent, predikat, the reason where
    there is no capaian, months reported, review status). Only ``unit_id``'s rows when given.
    Ordered by unit (order of the Perjanjian Kinerja) and indicator number."""
    p = period(year, month, triwulan, annual)
    with store.session():
        indicators = store.indikator_frame(year, unit_id)
        values = store.kinerja_values(year, unit_id)
        reviews = store.review_rows(year, unit_id=unit_id)
    return recap_frame(indicators, values, p, reviews)


def kinerja_monthly(store, year: int, *, unit_id: int | None = None, indikator_id: int | None = None) -> pd.DataFrame:
    """Month by month (1-12) recap rows of each indicator (the trend chart): the columns of
    :func:`kinerja_recap` plus ``bulan``."""
    with store.session():
        indicators = store.indikator_frame(year, unit_id)
        values = store.kinerja_values(year, unit_id)
        reviews = store.review_rows(year, unit_id=unit_id)
    if indikator_id is not None:
        indicators = indicators[indicators["id"] == indikator_id]
    frames = []
    for m in range(1, 13):
        df = recap_frame(indicators, values, period(year, month=m), reviews)
        df.insert(0, "bulan", m)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def recap_summary(recap: pd.DataFrame) -> dict:
    """Counts for a recap: indicators, with a value, with a capaian, per predikat, mean capaian."""
    caps = recap["capaian"].dropna()
    return {
        "indikator": int(len(recap)),
        "terisi": int(recap["realisasi"].notna().sum()),
        "dengan_capaian": int(len(caps)),
        "rata_capaian": float(caps.mean()) if len(caps) else None,
        "predikat": {
            label: int((recap["predikat"] == label).sum()) for label in [lab for _, lab in PREDIKAT] + [SANGAT_RENDAH]
        },
    }
