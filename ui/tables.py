"""Display and export shapes of the recap table (same numbers, two presentations)."""
from __future__ import annotations

import pandas as pd

from .format import number, percent, points, rupiah


def recap_export(recap: pd.DataFrame) -> pd.DataFrame:
    """Recap with Indonesian headers and numeric values (for Excel)."""
    return pd.DataFrame({
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
    })


def recap_display(recap: pd.DataFrame) -> pd.DataFrame:
    """Recap for the screen: Indonesian-formatted text ("Rp 1.234", "45,50 %", "-" when empty).

    ``st.dataframe`` ignores a Styler's ``na_rep``, so the cells are formatted here; the Excel
    download keeps the numbers."""
    df = recap_export(recap)
    return pd.DataFrame({
        "OPD": df["OPD"],
        "Sub keg.": df["Jumlah Sub Kegiatan"].map(number),
        "Pagu": df["Pagu (Rp)"].map(rupiah),
        "Realisasi keuangan": df["Realisasi Keuangan (Rp)"].map(rupiah),
        "Keuangan": df["Keuangan (%)"].map(percent),
        "Fisik": df["Fisik (%)"].map(percent),
        "Target fisik": df["Target Fisik (%)"].map(percent),
        "Deviasi": df["Deviasi (poin)"].map(points),
        "Status": df["Status"],
    })
