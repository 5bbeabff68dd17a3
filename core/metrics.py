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
    """Pagu-weighted mean of fisik % over rows given as two sequences."""
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
