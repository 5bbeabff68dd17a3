"""Screen shapes of the tindak lanjut tables (pages Rakor & Tindak Lanjut and Rekap OPD): dates
as ``14-04-2026``, Indonesian headers, overdue rows in bold red with a warning mark."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.colors import COLOURS
from core.tindak_lanjut import tgl
from db.store import Store
from exports.rakor_report import rakor_docx, rakor_xlsx

TERLAMBAT = "⚠ Terlambat"


def followup_export(df: pd.DataFrame) -> pd.DataFrame:
    """Follow-ups (:func:`core.tindak_lanjut.followups`) with Indonesian headers, for Excel."""
    return pd.DataFrame(
        {
            "ID": df["id"],
            "Tanggal rakor": df["rakor_tanggal"].map(tgl),
            "OPD": df["opd"],
            "Permasalahan": df["masalah"],
            "Keputusan / tindak lanjut": df["keputusan"],
            "PIC": df["pic"].fillna("-"),
            "Batas waktu": df["batas_waktu"].map(tgl),
            "Status": df["status_label"],
            "Terlambat": df["terlambat"].map({True: "Ya", False: "-"}),
            "Catatan terakhir": df["catatan_terakhir"].fillna("-"),
        }
    ).reset_index(drop=True)


def followup_display(df: pd.DataFrame, with_opd: bool = True):
    """The same table for ``st.dataframe``: a Styler that sets overdue rows in bold red and
    marks them "⚠ Terlambat"."""
    out = followup_export(df)
    out["Terlambat"] = df["terlambat"].map({True: TERLAMBAT, False: ""}).reset_index(drop=True)
    if not with_opd:
        out = out.drop(columns=["OPD"])
    late = df["terlambat"].reset_index(drop=True)
    return style_late(out, late)


def style_late(table: pd.DataFrame, late: pd.Series, columns: list[str] | None = None):
    """A Styler of ``table`` with the rows where ``late`` (by position) is true in bold red (only
    the cells of ``columns`` when given); the table itself when no row is late (a Styler of a
    province's 1,400 OPDs costs half a second on every run)."""
    if not late.any():
        return table
    red = f"color: {COLOURS['merah']}; font-weight: bold"
    styles = pd.DataFrame("", index=table.index, columns=table.columns)
    styles.loc[late.to_numpy(dtype=bool), [c for c in table.columns if columns is None or c in columns]] = red
    return table.style.apply(lambda _: styles, axis=None)


def report_cached(store: Store, rakor_id: int, kind: str, today: dt.date) -> bytes:
    """The Laporan pelaksanaan Rakor (``kind`` "xlsx" or "docx", about half a second for both),
    built once per state of the data and date rather than on every rerun of the page."""
    return _report(store, str(store.path), store.data_version(), rakor_id, kind, today)


@st.cache_data(max_entries=8, show_spinner=False)
def _report(_store: Store, path: str, version: int, rakor_id: int, kind: str, today: dt.date) -> bytes:
    # path, version and today only key the cache: another database, changed data, the status date
    return (rakor_xlsx if kind == "xlsx" else rakor_docx)(_store, rakor_id, today=today)
