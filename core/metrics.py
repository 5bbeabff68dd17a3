"""The formulas of DESIGN.md section 5. Every screen, export and CLI uses these."""

from __future__ import annotations

import pandas as pd


def keuangan_pct(realisasi, pagu):
    """Realisasi keuangan % = realisasi Rp / pagu x 100 (``None``/NaN where pagu is 0 or missing).

    Works on scalars and on pandas Series alike.
    """
    if isinstance(pagu, pd.Series) or isinstance(realisasi, pd.Series):
        pagu = pd.Series(pagu, dtype="float64")
        return (pd.Series(realisasi, dtype="float64") / pagu.where(pagu > 0)) * 100
    if not pagu or pagu <= 0 or realisasi is None:
        return None
    return realisasi / pagu * 100


def fisik_pct(sum_pagu_x_fisik, sum_pagu):
    """Pagu-weighted mean of fisik %: sum(pagu x fisik) / sum(pagu) (OPD and kabupaten level)."""
    if isinstance(sum_pagu, pd.Series) or isinstance(sum_pagu_x_fisik, pd.Series):
        sum_pagu = pd.Series(sum_pagu, dtype="float64")
        return pd.Series(sum_pagu_x_fisik, dtype="float64") / sum_pagu.where(sum_pagu > 0)
    if not sum_pagu or sum_pagu <= 0 or sum_pagu_x_fisik is None:
        return None
    return sum_pagu_x_fisik / sum_pagu


def weighted_fisik(pagu, fisik) -> float | None:
    """Pagu-weighted mean of fisik % over rows held in memory, given as two sequences: sum(pagu x
    fisik) / sum(pagu) over the rows that have both (pass 0 for a missing fisik to count its pagu).
    The one Python form of the numerator; the database's is ``db.store._RECAP_SUMS`` (the same
    formula over a period's sub kegiatan, a missing fisik counting as 0). Used for the kabupaten
    from the OPDs (:func:`core.recap.kabupaten_totals`) and for a report before it is loaded."""
    pairs = [(p, f) for p, f in zip(pagu, fisik) if p is not None and f is not None]
    total = sum(p for p, _ in pairs)
    return fisik_pct(sum(p * f for p, f in pairs), total) if pairs else None


def deviasi(realisasi_fisik, target_fisik):
    """Deviasi = realisasi fisik - target fisik, in percentage points (negative = late)."""
    if isinstance(realisasi_fisik, pd.Series) or isinstance(target_fisik, pd.Series):
        return pd.Series(realisasi_fisik, dtype="float64") - pd.Series(target_fisik, dtype="float64")
    if realisasi_fisik is None or target_fisik is None:
        return None
    return realisasi_fisik - target_fisik


def traffic_light(
    deviasi_poin, serapan_pct, target_serapan_pct, kuning: float = 5.0, merah: float = 10.0
) -> str | None:
    """``hijau`` / ``kuning`` / ``merah`` by the worse of two gaps in points: deviasi fisik, and
    realisasi keuangan against the month's target absorption (DESIGN §5). ``None`` without data."""
    gaps = []
    if deviasi_poin is not None and not pd.isna(deviasi_poin):
        gaps.append(deviasi_poin)
    if serapan_pct is not None and not pd.isna(serapan_pct) and target_serapan_pct is not None:
        gaps.append(serapan_pct - target_serapan_pct)
    if not gaps:
        return None
    worst = min(gaps)
    return "merah" if worst < -merah else ("kuning" if worst < -kuning else "hijau")


def is_kritis(target_fisik, deviasi_poin, awal: float = 10.0, akhir: float = 5.0) -> bool:
    """A fisik konstruksi contract is kritis when its plan is 0-70 % and it is more than
    ``awal`` points behind, or its plan is 70-100 % and it is more than ``akhir`` points behind
    (DESIGN §5). Works on scalars and on pandas Series alike (a Series: the boolean mask)."""
    if isinstance(target_fisik, pd.Series) or isinstance(deviasi_poin, pd.Series):
        target = pd.Series(target_fisik, dtype="float64")
        dev = pd.Series(deviasi_poin, dtype="float64")
        return target.notna() & dev.notna() & (dev < -target.le(70).map({True: awal, False: akhir}))
    if target_fisik is None or deviasi_poin is None or pd.isna(target_fisik) or pd.isna(deviasi_poin):
        return False
    return deviasi_poin < -(awal if target_fisik <= 70 else akhir)
