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


def recap_display(recap: pd.DataFrame):
    """Recap for ``st.dataframe``: numbers stay sortable, shown in Indonesian format."""
    df = recap_export(recap)
    fmt = {c: rupiah for c in df.columns if c.endswith("(Rp)")}
    fmt.update({c: percent for c in ("Keuangan (%)", "Fisik (%)", "Target Fisik (%)")})
    fmt["Deviasi (poin)"] = points
    fmt["Jumlah Sub Kegiatan"] = number
    return df.style.format(fmt, na_rep="-")
