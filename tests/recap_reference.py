"""A plain pandas reference for checking the recap: sums of the sub kegiatan rows of
:func:`core.recap.leaf_recap` written out directly from DESIGN section 5. The app never uses it;
tests compare the database-side recap of :mod:`core.recap` with it."""

from __future__ import annotations

import pandas as pd

from core.recap import FIGURES, JENIS_LABEL, LEVELS


def filter_leaves(leaves: pd.DataFrame, dana: list[str] | None = None, jenis: str | None = None) -> pd.DataFrame:
    """Rows whose sumber dana text contains one of ``dana`` and whose jenis is ``jenis``
    (``non_fisik``: anything not ``fisik``)."""
    view = leaves
    if dana:
        view = view[view["sumber_dana"].fillna("").map(lambda v: any(f in v for f in dana))]
    if jenis == "fisik":
        view = view[view["jenis"] == "fisik"]
    elif jenis is not None:
        view = view[view["jenis"] != "fisik"]
    return view


def rollup(leaves: pd.DataFrame, level: str | list[str]) -> pd.DataFrame:
    """Per group (``level``: a key of LEVELS or key columns): number of sub kegiatan, pagu,
    realisasi (of groups with a report), keuangan %, pagu-weighted fisik and target %, deviasi."""
    keys = LEVELS[level] if isinstance(level, str) else level
    rows = []
    for key, g in leaves.groupby(keys, dropna=False, sort=True):
        pagu = g["pagu"].sum()
        reported = bool(g["reported"].any())
        real = g["realisasi_keuangan"].sum() if reported else float("nan")
        fisik = (g["pagu"] * g["realisasi_fisik"].fillna(0)).sum() / pagu if reported and pagu > 0 else float("nan")
        has_t = reported and g["target_fisik"].notna().any() and pagu > 0
        target = (g["pagu"] * g["target_fisik"].fillna(0)).sum() / pagu if has_t else float("nan")
        rows.append(
            dict(
                zip(keys, key if isinstance(key, tuple) else (key,)),
                sub_kegiatan=len(g),
                pagu=pagu,
                realisasi_keuangan=real,
                reported=reported,
                keuangan_pct=real / pagu * 100 if pagu > 0 else float("nan"),
                fisik_pct=fisik,
                target_fisik_pct=target,
                deviasi=fisik - target,
            )
        )
    return pd.DataFrame(rows, columns=keys + FIGURES)


def jenis_split(leaves: pd.DataFrame) -> pd.DataFrame:
    """:func:`rollup` per fisik konstruksi / non fisik (anything not ``fisik``), realisasi 0
    where nobody reported."""
    kind = leaves["jenis"].where(leaves["jenis"] == "fisik", "non_fisik")
    out = rollup(leaves.assign(_jenis=kind), ["_jenis"]).rename(columns={"_jenis": "jenis"})
    out["realisasi_keuangan"] = out["realisasi_keuangan"].fillna(0.0)
    out["keuangan_pct"] = out["realisasi_keuangan"] / out["pagu"].where(out["pagu"] > 0) * 100
    out["label"] = out["jenis"].map(JENIS_LABEL)
    return out
