"""The kinerja workbooks of the pages (request formats zip, print-ready recap), built once per
state of the data and settings instead of on every rerun (each takes about half a second)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.settings import Settings
from db.store import Store
from exports.kinerja_format import formats_zip
from exports.kinerja_xlsx import kinerja_workbook


def formats_zip_cached(store: Store, year: int, month: int) -> bytes:
    """:func:`exports.kinerja_format.formats_zip` of every unit for a month."""
    return _formats(store, str(store.path), store.data_version(), year, month)


def recap_workbook_cached(
    store: Store,
    year: int,
    month: int | None,
    triwulan: int | None,
    annual: bool,
    unit_id: int | None,
    settings: Settings,
) -> bytes:
    """:func:`exports.kinerja_xlsx.kinerja_workbook` of a period (signed today)."""
    return _recap(
        store, str(store.path), store.data_version(), year, month, triwulan, annual, unit_id, settings, dt.date.today()
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _formats(_store: Store, path: str, version: int, year: int, month: int) -> bytes:
    # path and version only key the cache: another database, changed data
    return formats_zip(_store, year, month)


@st.cache_data(max_entries=32, show_spinner=False)
def _recap(
    _store: Store,
    path: str,
    version: int,
    year: int,
    month,
    triwulan,
    annual,
    unit_id,
    settings: Settings,
    today: dt.date,
) -> bytes:
    return kinerja_workbook(
        _store, year, month=month, triwulan=triwulan, annual=annual, unit_id=unit_id, settings=settings, today=today
    )
