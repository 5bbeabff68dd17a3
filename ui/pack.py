"""The meeting pack for the Materi Rakor page, computed and built once per state of the data,
settings, period and date (``st.cache_data`` keyed on ``Store.data_version``), not on every
rerun of the page: :func:`preview_cached` (what the pack will hold, from the recap summary and a
few small queries) on every run, :func:`pack_cached` and :func:`pack_files_cached` (the leaf rows,
the PPTX and the XLSX) when the pack is built."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.settings import Settings
from db.store import Store
from exports.pack_data import PackData, PackPreview, pack_data, pack_preview
from exports.pack_pptx import build_pptx
from exports.pack_xlsx import build_xlsx

# Up to this many sub kegiatan (a kabupaten: 1,500-4,000, DESIGN.md) the page builds the pack on its
# first run, as it always did (about a second for 40 OPDs); above it (a province: 700,000; one of its
# kabupaten/kota in the bench: 20,000, seconds each for every user opening another) only when asked.
EAGER_PACK_SUB_KEGIATAN = 5_000


def preview_cached(
    store: Store,
    year: int,
    month: int,
    settings: Settings,
    lowest_n: int = 5,
    top_n: int | None = None,
    wilayah: str | None = None,
) -> PackPreview:
    """:func:`exports.pack_data.pack_preview` for today."""
    return _preview(
        store, str(store.path), store.data_version(), year, month, settings, dt.date.today(), lowest_n, top_n, wilayah
    )


def pack_cached(
    store: Store,
    year: int,
    month: int,
    settings: Settings,
    lowest_n: int = 5,
    top_n: int | None = None,
    wilayah: str | None = None,
) -> PackData:
    """:func:`exports.pack_data.pack_data` for today (open tindak lanjut are judged late against today)."""
    return _pack(
        store, str(store.path), store.data_version(), year, month, settings, dt.date.today(), lowest_n, top_n, wilayah
    )


def pack_files_cached(
    store: Store,
    year: int,
    month: int,
    settings: Settings,
    lowest_n: int = 5,
    top_n: int | None = None,
    wilayah: str | None = None,
) -> tuple[bytes, bytes]:
    """(PPTX bytes, XLSX bytes) of the pack (about a second for 40 OPDs; built once)."""
    return _files(
        store, str(store.path), store.data_version(), year, month, settings, dt.date.today(), lowest_n, top_n, wilayah
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _preview(
    _store: Store,
    path: str,
    version: int,
    year: int,
    month: int,
    settings: Settings,
    today: dt.date,
    lowest_n: int,
    top_n: int | None,
    wilayah: str | None,
) -> PackPreview:
    # path, version and today only key the cache: another database, changed data, another day
    return pack_preview(_store, year, month, settings, today, lowest_n, top_n, wilayah=wilayah)


@st.cache_data(max_entries=8, show_spinner=False)
def _pack(
    _store: Store,
    path: str,
    version: int,
    year: int,
    month: int,
    settings: Settings,
    today: dt.date,
    lowest_n: int,
    top_n: int | None,
    wilayah: str | None,
) -> PackData:
    return pack_data(_store, year, month, settings, today, lowest_n, top_n, wilayah=wilayah)


@st.cache_data(max_entries=8, show_spinner=False)
def _files(
    _store: Store,
    path: str,
    version: int,
    year: int,
    month: int,
    settings: Settings,
    today: dt.date,
    lowest_n: int,
    top_n: int | None,
    wilayah: str | None,
) -> tuple[bytes, bytes]:
    pack = _pack(_store, path, version, year, month, settings, today, lowest_n, top_n, wilayah)
    return build_pptx(pack), build_xlsx(pack)
