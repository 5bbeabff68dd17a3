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
  Perjanjian Kinerja, a triwulan its triwulan target.
- **Target of a month** (:func:`month_target`), the one target every screen and file shows for
  a month - the unit's form and request format, the Sekcam's review, the recap, the Excel export
  and the CLI: the *monthly* target derived from the triwulan target by the indicator's rule.
  ``stok`` (a state: a percentage, an index, a time) holds the triwulan's level for each of its
  months (the state to reach); ``alir`` (a flow: letters, KK verified per month) takes one third
  of the triwulan's target (the PK's triwulan targets of a flow are per triwulan: they add up to
  the annual target, :func:`etl.kinerja.infer_agregasi`), because a month's count is compared
  with a month's share. A triwulan recap of ``alir`` sums its months against the triwulan
  target, so nothing is counted twice.
- **Counted things are whole** (:func:`satuan_kind`, :func:`whole_target`): a target in a unit
  that is counted (KK, orang, dokumen, kegiatan, surat, desa, ...) is a whole number, rounded
  up (500 KK / 3 = 166,67 becomes 167 KK: the month's share is not met with 166); the rounded
  target is the one shown *and* the one capaian is computed with. Percentages, rupiah and
  measures (menit, indeks, km) keep their decimals.
- **Summary of a recap** (:func:`recap_summary`): the predikat distribution, the median of the
  capaian, and their mean with each capaian above a maximum (setting ``kinerja_capaian_maks``,
  default 100 %) counted as that maximum, so one 300 % does not lift an average of indicators
  that are mostly Rendah; the raw capaian stays on every row.
- **Not reported** (``tidak dilaporkan``): a value of an imported file whose realisasi cell held
  text ("tercapai", "n/a", "-") is stored without a number and flagged; the recap counts the
  indicator as not reported for that month and says what the file said.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from core.format import format_decimal
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
    "tidak_dilaporkan",
    "keterangan",
    "status",
]
DEFAULT_CAPAIAN_MAKS = 100.0  # the capaian counted at most in a mean (setting kinerja_capaian_maks)
# Units of counted things (first word of the satuan, lower case): their targets are whole numbers.
COUNTED = frozenset(
    """kk keluarga rt rumah jiwa orang peserta penduduk pegawai asn anggota pelaku siswa murid
    unit buah barang paket set eksemplar lembar berkas dokumen laporan surat sppt sertifikat akta izin
    kegiatan kali rapat acara event forum desa kelurahan dusun rw lembaga kelompok koperasi umkm usaha
    pasar kasus kejadian perkara pelanggaran pengaduan aduan layanan titik lokasi sekolah bangunan
    kendaraan""".split()
)
PERCENT_SATUAN = ("%", "persen", "persentase", "prosentase")
RUPIAH_SATUAN = ("rp", "rupiah", "rp.")


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


def satuan_kind(satuan: str | None) -> str:
    """How values of a satuan are written: ``persen`` (``%``, ``persen``), ``rupiah`` (``Rp``),
    ``cacah`` (counted things: KK, orang, dokumen, kegiatan, ... - whole numbers) or ``lain``
    (measures and anything unknown: menit, indeks, km; decimals kept)."""
    text = (satuan or "").strip().lower()
    if not text:
        return "lain"
    if text in PERCENT_SATUAN or text.startswith("% "):
        return "persen"
    words = re.split(r"[\s().,/]+", text)
    first = next((w for w in words if w), "")
    if text in RUPIAH_SATUAN or first in ("rp", "rupiah"):
        return "rupiah"
    return "cacah" if first in COUNTED else "lain"


def whole_target(value, satuan: str | None) -> float | None:
    """A target as it counts: rounded up to a whole number for a counted satuan
    (:func:`satuan_kind` ``cacah``: 166,67 KK -> 167), unchanged otherwise. A float error of a
    division (200,0000001) does not round up."""
    x = _number(value)
    if x is None or satuan_kind(satuan) != "cacah":
        return x
    return float(math.ceil(round(x, 6)))


def target_text(value, satuan: str | None, dash: str = "–") -> str:
    """A target (or realisasi) for the screen by its satuan's rule: whole for counted things
    (``167``), up to two decimals otherwise (``19,92``, ``1.250.000,5``), ``dash`` when missing.
    Never "166,67 KK"."""
    x = _number(value)
    if x is None:
        return dash
    if satuan_kind(satuan) == "cacah":
        return format_decimal(whole_target(x, satuan), format="#,##0")
    return format_decimal(round(x, 2), format="#,##0.##")


@dataclass(frozen=True)
class Target:
    """A target of an indicator for a period: the value (``None`` with ``alasan`` when it cannot
    be given) and how it was derived (``dasar``, Indonesian, e.g. "target TW II ÷ 3")."""

    nilai: float | None
    alasan: str | None = None
    dasar: str = ""


def month_target(ind: Mapping, month: int) -> Target:
    """The target of a month (see the module docstring): the triwulan's target for ``stok``, a
    third of it for ``alir``; whole and rounded up for a counted satuan. ``ind`` is a mapping with
    ``agregasi``, ``satuan`` and ``target_tw1``..``target_tw4``."""
    tw = triwulan_of(month)
    t = _number(ind.get(f"target_tw{tw}"))
    if t is None:
        return Target(None, f"Target triwulan {ROMAN[tw]} belum ditetapkan.")
    satuan = ind.get("satuan")
    if ind.get("agregasi") == "alir":
        share = whole_target(t / 3.0, satuan)
        rounded = satuan_kind(satuan) == "cacah" and share is not None and abs(share - t / 3.0) > 1e-6
        return Target(share, None, f"target TW {ROMAN[tw]} ÷ 3" + (", dibulatkan ke atas" if rounded else ""))
    return Target(whole_target(t, satuan), None, f"target TW {ROMAN[tw]}")


def month_target_heading(month: int) -> str:
    """The heading of the target column of a month: ``Target bulan April (bulanan, dari target
    triwulan II)``."""
    return f"Target bulan {BULAN[month - 1]} (bulanan, dari target triwulan {ROMAN[triwulan_of(month)]})"


# The rule of the monthly target in words (screens and Excel notes).
MONTH_TARGET_RULE = (
    "Target bulanan diturunkan dari target triwulan Perjanjian Kinerja: indikator stok (keadaan, mis. "
    "persen, indeks, waktu layanan) memakai target triwulannya pada setiap bulan; indikator alir (jumlah "
    "per bulan) memakai sepertiga target triwulan. Target satuan cacah (KK, orang, dokumen, kegiatan, ...) "
    "berupa bilangan bulat, dibulatkan ke atas."
)


def target_for(ind: Mapping, p: Period) -> tuple[float | None, str | None]:
    """Target of an indicator (a mapping with ``agregasi``, ``satuan``, ``target_tahunan``,
    ``target_tw1``..``target_tw4``) for a period, or (None, reason): a month's is
    :func:`month_target`, a triwulan's its TW target, the year's the annual target (whole for a
    counted satuan, :func:`whole_target`)."""
    if p.month:
        month = month_target(ind, p.month)
        return month.nilai, month.alasan
    satuan = ind.get("satuan")
    if p.annual:
        t = _number(ind.get("target_tahunan"))
        return (whole_target(t, satuan), None) if t is not None else (None, "Target tahunan belum ditetapkan.")
    tw = p.triwulan or 1
    t = _number(ind.get(f"target_tw{tw}"))
    if t is None:
        return None, f"Target triwulan {ROMAN[tw]} belum ditetapkan."
    return whole_target(t, satuan), None


def tw_target(ind: Mapping, month: int) -> float | None:
    """The target of the month's triwulan as written in the Perjanjian Kinerja (a returned file
    may carry it in its Target column: the ingest accepts it as well as :func:`month_target`)."""
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


def _not_reported_note(texts: list[tuple[int, str | None]], p: Period) -> str:
    """Why an indicator counts as not reported in some months: what the files said."""
    said = [f"'{t}'" if t else "teks" for _, t in texts]
    if p.month:
        return (
            f"Tidak dilaporkan: realisasi pada berkas tertulis {said[0]}, bukan angka. "
            "Minta unit mengirim angkanya (formulir atau berkas baru)."
        )
    months = ", ".join(f"{BULAN[m - 1]} ({w})" for (m, _), w in zip(texts, said))
    return f"Tidak dilaporkan {len(texts)} bulan (realisasi bukan angka): {months}."


def recap_frame(
    indicators: pd.DataFrame, values: pd.DataFrame, p: Period, reviews: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The recap rows of ``p`` (pure): ``indicators`` as :meth:`Store.indikator_frame`,
    ``values`` the values in force as :meth:`Store.kinerja_values` (indikator_id, bulan,
    realisasi, keterangan; optional ``teks``: what a file wrote in place of a number),
    ``reviews`` as :meth:`Store.review_rows` (unit_id, bulan, status). A value without a number
    is a month *not reported* (``tidak_dilaporkan`` counts them; ``catatan`` says what was written)."""
    by_ind: dict[int, dict[int, tuple]] = {}
    texts = values["teks"] if "teks" in values.columns else [None] * len(values)
    for r, teks in zip(values.itertuples(index=False), texts):
        by_ind.setdefault(int(r.indikator_id), {})[int(r.bulan)] = (r.realisasi, r.keterangan, teks)
    status_of: dict[tuple[int, int], str] = {}
    if reviews is not None and not reviews.empty:
        status_of = {(int(u), int(b)): s for u, b, s in zip(reviews["unit_id"], reviews["bulan"], reviews["status"])}
    rows = []
    for ind in indicators.to_dict("records"):
        monthly = by_ind.get(int(ind["id"]), {})
        value, reported = aggregate({m: v[0] for m, v in monthly.items()}, ind["agregasi"], p.months)
        unreported = [
            (m, monthly[m][2] if isinstance(monthly[m][2], str) else None)
            for m in p.months
            if m in monthly and _number(monthly[m][0]) is None
        ]
        target, why_target = target_for(ind, p)
        cap = capaian(target, value, ind["arah"])
        catatan = cap.alasan if value is None else (why_target or cap.alasan)
        if unreported:
            note = _not_reported_note(unreported, p)
            catatan = note if value is None else f"{catatan} {note}".strip() if catatan else note
        last = reported[-1] if reported else None
        notes = [monthly[m][1] for m in reported if isinstance(monthly[m][1], str) and monthly[m][1].strip()]
        statuses = [status_of.get((int(ind["unit_id"]), m)) for m in reported + [m for m, _ in unreported]]
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
                "tidak_dilaporkan": len(unreported),
                "keterangan": "; ".join(dict.fromkeys(notes)) or None,
                "status": period_status(statuses) if p.month is None else status_of.get((int(ind["unit_id"]), p.month)),
            }
        )
    df = pd.DataFrame(rows, columns=RECAP_COLUMNS)
    for col in ("target", "realisasi", "capaian"):
        df[col] = df[col].astype("float64")
    df["tidak_dilaporkan"] = df["tidak_dilaporkan"].astype("int64")
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


def capped_mean(values, maks: float = DEFAULT_CAPAIAN_MAKS) -> float | None:
    """Mean of capaian values with each value above ``maks`` counted as ``maks`` (missing values
    left out); ``None`` when there is none. [300, 60, 52, 45, 44.25] with 100: 60.25."""
    xs = [x for x in (_number(v) for v in values) if x is not None]
    return sum(min(x, float(maks)) for x in xs) / len(xs) if xs else None


def recap_summary(recap: pd.DataFrame, maks: float = DEFAULT_CAPAIAN_MAKS) -> dict:
    """The summary figures of a recap (page, Excel and CLI alike): ``indikator``, ``terisi`` (with
    a value), ``tidak_dilaporkan`` (a text in place of a number), ``dengan_capaian``, ``predikat``
    (indicators per predikat, best first), ``median_capaian`` (of the raw capaian),
    ``rata_capaian`` (mean with capaian above ``maks`` counted as ``maks``: :func:`capped_mean`),
    ``rata_mentah`` (the plain mean), ``dibatasi`` (how many were above ``maks``) and ``maks``."""
    caps = recap["capaian"].dropna().astype("float64")
    return {
        "indikator": int(len(recap)),
        "terisi": int(recap["realisasi"].notna().sum()),
        "tidak_dilaporkan": int((recap["tidak_dilaporkan"] > 0).sum()) if "tidak_dilaporkan" in recap else 0,
        "dengan_capaian": int(len(caps)),
        "rata_capaian": capped_mean(caps, maks),
        "rata_mentah": float(caps.mean()) if len(caps) else None,
        "median_capaian": float(caps.median()) if len(caps) else None,
        "dibatasi": int((caps > float(maks)).sum()),
        "maks": float(maks),
        "predikat": {
            label: int((recap["predikat"] == label).sum()) for label in [lab for _, lab in PREDIKAT] + [SANGAT_RENDAH]
        },
    }
