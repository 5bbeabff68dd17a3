"""Display and export shapes of the recap table (same numbers, two presentations)."""

from __future__ import annotations

import pandas as pd

from core.format import number, percent, points, rupiah
from core.metrics import traffic_light
from core.recap import target_serapan as recap_target_serapan

from .charts import LIGHT_DOT, LIGHT_LABEL


def recap_export(recap: pd.DataFrame) -> pd.DataFrame:
    """Recap with Indonesian headers and numeric values (for Excel)."""
    return pd.DataFrame(
        {
            "OPD": recap["opd"],
            "Jumlah Sub Kegiatan": recap["sub_kegiatan"].astype(int),
            "Pagu (Rp)": recap["pagu"],
            "Realisasi Keuangan (Rp)": recap["realisasi_keuangan"],
            "Keuangan (%)": recap["keuangan_pct"].round(2),
            "Fisik (%)": recap["fisik_pct"].round(2),
            "Target Fisik (%)": recap["target_fisik_pct"].round(2),
            "Deviasi (poin)": recap["deviasi"].round(2),
            "Pagu Fisik (Rp)": recap["fisik_pagu"],
            "Pagu Non Fisik (Rp)": recap["non_fisik_pagu"],
            "Status": recap["reported"].map({True: "Sudah lapor", False: "Belum lapor"}),
        }
    )


def recap_display(recap: pd.DataFrame) -> pd.DataFrame:
    """Recap for the screen: Indonesian-formatted text ("Rp 1.234", "45,50 %", "-" when empty).

    ``st.dataframe`` ignores a Styler's ``na_rep``, so the cells are formatted here; the Excel
    download keeps the numbers."""
    df = recap_export(recap)
    return pd.DataFrame(
        {
            "OPD": df["OPD"],
            "Sub keg.": df["Jumlah Sub Kegiatan"].map(number),
            "Pagu": df["Pagu (Rp)"].map(rupiah),
            "Realisasi keuangan": df["Realisasi Keuangan (Rp)"].map(rupiah),
            "Keuangan": df["Keuangan (%)"].map(percent),
            "Fisik": df["Fisik (%)"].map(percent),
            "Target fisik": df["Target Fisik (%)"].map(percent),
            "Deviasi": df["Deviasi (poin)"].map(points),
            "Status": df["Status"],
        }
    )


def with_lights(df: pd.DataFrame, target_serapan: float, kuning: float, merah: float) -> pd.DataFrame:
    """Add the traffic light (``lampu``: hijau/kuning/merah/None) of each row (DESIGN §5); the
    absorption target is the anggaran kas where the rows have one, else ``target_serapan``."""
    targets = recap_target_serapan(df, target_serapan)
    return df.assign(
        lampu=[traffic_light(d, k, t, kuning, merah) for d, k, t in zip(df["deviasi"], df["keuangan_pct"], targets)]
    )


def level_export(df: pd.DataFrame, code: str | None, name: str, name_label: str) -> pd.DataFrame:
    """A rollup (or leaf) table with Indonesian headers and numbers kept as numbers (for Excel)."""
    out = {}
    if code:
        out["Kode"] = df[code]
    out[name_label] = df[name]
    if "sub_kegiatan" in df:
        out["Jumlah Sub Kegiatan"] = df["sub_kegiatan"]
    fis = "fisik_pct" if "fisik_pct" in df else "realisasi_fisik"
    tgt = "target_fisik_pct" if "target_fisik_pct" in df else "target_fisik"
    out.update(
        {
            "Pagu (Rp)": df["pagu"],
            "Realisasi Keuangan (Rp)": df["realisasi_keuangan"],
            "Keuangan (%)": df["keuangan_pct"].round(2),
            "Target Fisik (%)": df[tgt].round(2),
            "Realisasi Fisik (%)": df[fis].round(2),
            "Deviasi (poin)": df["deviasi"].round(2),
        }
    )
    if "lampu" in df:
        out["Status"] = df["lampu"].map(lambda v: LIGHT_LABEL.get(v, "-"))
    return pd.DataFrame(out).reset_index(drop=True)


_LEVEL_SCREEN = {
    "Jumlah Sub Kegiatan": ("Sub keg.", number),
    "Pagu (Rp)": ("Pagu", rupiah),
    "Realisasi Keuangan (Rp)": ("Realisasi keuangan", rupiah),
    "Keuangan (%)": ("Keuangan", percent),
    "Target Fisik (%)": ("Target fisik", percent),
    "Realisasi Fisik (%)": ("Fisik", percent),
    "Deviasi (poin)": ("Deviasi", points),
}


def level_display(df: pd.DataFrame, code: str | None, name: str, name_label: str) -> pd.DataFrame:
    """The same table for the screen: money and percent as Indonesian text, a coloured dot."""
    exp = level_export(df, code, name, name_label)
    out = {}
    for col in exp.columns:
        label, fmt = _LEVEL_SCREEN.get(col, (col, None))
        out[label] = exp[col].map(fmt) if fmt else exp[col]
    if "lampu" in df:
        out["Status"] = df["lampu"].map(lambda v: LIGHT_DOT.get(v, LIGHT_DOT[None])).reset_index(drop=True)
    return pd.DataFrame(out)
