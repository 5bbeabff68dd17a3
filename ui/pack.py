"""The meeting pack for the Materi Rakor page, computed and built once per state of the data,
settings, period and date (``st.cache_data`` keyed on ``Store.data_version``), not on every
rerun of the page."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.settings import Settings
from db.store import Store
from exports.pack_data import PackData, pack_data
from exports.pack_pptx import build_pptx
from exports.pack_xlsx import build_xlsx


def pack_cached(store: Store, year: int, month: int, settings: Settings, lowest_n: int = 5) -> PackData:
    """:func:`exports.pack_data.pack_data` for today (open tindak lanjut are judged late against today)."""
    return _pack(store, str(store.path), store.data_version(), year, month, settings, dt.date.today(), lowest_n)


def pack_files_cached(
    store: Store, year: int, month: int, settings: Settings, lowest_n: int = 5
) -> tuple[bytes, bytes]:
    """(PPTX bytes, XLSX bytes) of the pack (about a second for 40 OPDs; built once)."""
    return _files(store, str(store.path), store.data_version(), year, month, settings, dt.date.today(), lowest_n)


@st.cache_data(max_entries=8, show_spinner=False)
def _pack(
    _store: Store, path: str, version: int, year: int, month: int, settings: Settings, today: dt.date, lowest_n: int
) -> PackData:
    # path, version and today only key the cache: another database, changed data, another day
    return pack_data(_store, year, month, settings, today, lowest_n)


@st.cache_data(max_entries=8, show_spinner=False)
def _files(
    _store: Store, path: str, version: int, year: int, month: int, settings: Settings, today: dt.date, lowest_n: int
) -> tuple[bytes, bytes]:
    pack = _pack(_store, path, version, year, month, settings, today, lowest_n)
    return build_pptx(pack), build_xlsx(pack)
