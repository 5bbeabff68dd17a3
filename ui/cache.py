"""Dashboard reads cached per state of the data: a page run asks the database only when something
changed since the last run (any process that writes bumps :meth:`db.store.Store.data_version`,
which is part of every cache key), so reruns on a province-size database stay well under a second.

Each wrapper has the signature of the core function it calls (store first) and returns the
same numbers; ``st.cache_data`` hands every caller its own copy, so a page may change what it
gets. Keep arguments hashable (tuples, not lists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core import recap as _recap
from core import settings as _settings
from core import tindak_lanjut as _tindak_lanjut
from core import wilayah as _wilayah
from core.settings import Settings
from db.store import Store
from exports.table_xlsx import table_to_xlsx

# Above this many sub kegiatan the print-ready recap is built when the user asks for it (a
# province's workbook takes minutes, one kabupaten/kota of the province bench's 20,000 about two
# seconds: 30 users each opening the Rekap of another kabupaten queued two minutes of builds),
# not on every page run. A kabupaten has 1,500-4,000 (DESIGN.md): built on the first run.
EAGER_WORKBOOK_ROWS = 5_000
EAGER_TABLE_ROWS = 5_000

_FUNCTIONS: dict[str, Callable] = {
    "recap_opd": _recap.recap_opd,
    "same_period_last_year": _recap.same_period_last_year,
    "kurva_s": _recap.kurva_s,
    "leaf_recap": _recap.leaf_recap,
    "opd_level": _recap.opd_level,
    "level_recap": _recap.level_recap,
    "jenis_recap": _recap.jenis_recap,
    "kritis_recap": _recap.kritis_recap,
    "sumber_dana_list": _recap.sumber_dana_list,
    "settings": _settings.load,
    "is_empty": Store.is_empty,
    "opds": Store.opds,
    "wilayah_list": Store.wilayah_list,
    "province_overview": _wilayah.province_overview,
    "reporting_status": Store.reporting_status,
    "classification": Store.classification,
    "jenis_overrides": Store.jenis_overrides,
    "periods": Store.periods,
    "dpa_years": Store.dpa_years,
    "indikator_years": Store.indikator_years,
    "open_counts": _tindak_lanjut.open_counts,
    "open_followups": _tindak_lanjut.open_followups,
}


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(_store: Store, path: str, version: int, name: str, args: tuple, kwargs: tuple):
    # path and version only key the cache: another database, or data changed since
    return _FUNCTIONS[name](_store, *args, **dict(kwargs))


def _get(store: Store, name: str, *args, **kwargs):
    return _cached(store, str(store.path), store.data_version(), name, args, tuple(sorted(kwargs.items())))


def _tuple(values) -> tuple | None:
    return tuple(values) if values else None


def recap_opd(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    *,
    wilayah: str | None = None,
    dana=None,
    jenis: str | None = None,
) -> pd.DataFrame:
    """:func:`core.recap.recap_opd`."""
    return _get(store, "recap_opd", year, month, opd, wilayah=wilayah, dana=_tuple(dana), jenis=jenis)


def same_period_last_year(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> dict | None:
    """:func:`core.recap.same_period_last_year`."""
    return _get(store, "same_period_last_year", year, month, opd, wilayah=wilayah)


def kurva_s(
    store: Store,
    year: int,
    opd: str | None = None,
    kode: str | None = None,
    upto: int = 12,
    *,
    wilayah: str | None = None,
) -> pd.DataFrame:
    """:func:`core.recap.kurva_s`."""
    return _get(store, "kurva_s", year, opd, kode, upto, wilayah=wilayah)


def leaf_recap(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    *,
    wilayah: str | None = None,
    dana=None,
    jenis: str | None = None,
) -> pd.DataFrame:
    """:func:`core.recap.leaf_recap` (meant for one OPD: every leaf of a province is large)."""
    return _get(store, "leaf_recap", year, month, opd, wilayah=wilayah, dana=_tuple(dana), jenis=jenis)


def opd_level(
    store: Store,
    year: int,
    month: int,
    opd: str | None = None,
    *,
    wilayah: str | None = None,
    dana=None,
    jenis: str | None = None,
) -> pd.DataFrame:
    """:func:`core.recap.opd_level`."""
    return _get(store, "opd_level", year, month, opd, wilayah=wilayah, dana=_tuple(dana), jenis=jenis)


def level_recap(
    store: Store,
    year: int,
    month: int,
    level: str,
    opd: str | None = None,
    *,
    wilayah: str | None = None,
    dana=None,
    jenis: str | None = None,
) -> pd.DataFrame:
    """:func:`core.recap.level_recap`."""
    return _get(store, "level_recap", year, month, level, opd, wilayah=wilayah, dana=_tuple(dana), jenis=jenis)


def jenis_recap(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> pd.DataFrame:
    """:func:`core.recap.jenis_recap`."""
    return _get(store, "jenis_recap", year, month, opd, wilayah=wilayah)


def kritis_recap(
    store: Store,
    year: int,
    month: int,
    opd: str | None,
    awal: float,
    akhir: float,
    *,
    wilayah: str | None = None,
) -> pd.DataFrame:
    """:func:`core.recap.kritis_recap`."""
    return _get(store, "kritis_recap", year, month, opd, float(awal), float(akhir), wilayah=wilayah)


def sumber_dana_list(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> list[str]:
    """:func:`core.recap.sumber_dana_list`."""
    return _get(store, "sumber_dana_list", year, month, opd, wilayah=wilayah)


def settings(store: Store) -> Settings:
    """:func:`core.settings.load`."""
    return _get(store, "settings")


def is_empty(store: Store) -> bool:
    """:meth:`db.store.Store.is_empty`."""
    return _get(store, "is_empty")


def opds(store: Store) -> list:
    """:meth:`db.store.Store.opds`."""
    return _get(store, "opds")


def reporting_status(
    store: Store, year: int, month: int, opd: str | None = None, *, wilayah: str | None = None
) -> pd.DataFrame:
    """:meth:`db.store.Store.reporting_status`."""
    return _get(store, "reporting_status", year, month, opd, wilayah=wilayah)


def province_overview(store: Store, year: int, month: int) -> pd.DataFrame:
    """:func:`core.wilayah.province_overview` (about 50 ms for 1,400 OPDs: once per state of the
    data, not on every rerun of the Ringkasan)."""
    return _get(store, "province_overview", year, month)


def wilayah_list(store: Store) -> list[str]:
    """:meth:`db.store.Store.wilayah_list`."""
    return _get(store, "wilayah_list")


def classification(store: Store, year: int, opd: str | None = None, *, wilayah: str | None = None) -> pd.DataFrame:
    """:meth:`db.store.Store.classification`."""
    return _get(store, "classification", year, opd, wilayah=wilayah)


def jenis_overrides(store: Store, year: int) -> pd.DataFrame:
    """:meth:`db.store.Store.jenis_overrides`."""
    return _get(store, "jenis_overrides", year)


def periods(store: Store) -> list[tuple[int, int]]:
    """:meth:`db.store.Store.periods`."""
    return _get(store, "periods")


def dpa_years(store: Store) -> list[int]:
    """:meth:`db.store.Store.dpa_years`."""
    return _get(store, "dpa_years")


def indikator_years(store: Store) -> list[int]:
    """:meth:`db.store.Store.indikator_years`."""
    return _get(store, "indikator_years")


def open_counts(store: Store, *, opd_kode: str | None = None) -> pd.DataFrame:
    """:func:`core.tindak_lanjut.open_counts` as of today (the date is part of the key: a
    follow-up becomes overdue at midnight without any change of the data)."""
    return _get(store, "open_counts", as_of=dt.date.today(), opd_kode=opd_kode)


def open_followups(store: Store, *, opd_kode: str | None = None) -> pd.DataFrame:
    """:func:`core.tindak_lanjut.open_followups` as of today (see :func:`open_counts`)."""
    return _get(store, "open_followups", as_of=dt.date.today(), opd_kode=opd_kode)


@st.cache_data(max_entries=64, show_spinner=False)
def table_xlsx(table: pd.DataFrame, title: str, subtitle: str | None = None, formats: dict | None = None) -> bytes:
    """:func:`exports.table_xlsx.table_to_xlsx`, built once per table content (hashed)."""
    return table_to_xlsx(table, title, subtitle, formats=formats)


def xlsx(table: pd.DataFrame, title: str, subtitle: str | None = None, formats: dict | None = None):
    """Data for a table's download button: the workbook bytes (:func:`table_xlsx`) for a table of
    at most :data:`EAGER_TABLE_ROWS` rows, else a function that builds them when the button is
    clicked (a province's kontrak kritis list of some 60,000 rows takes about ten seconds)."""
    if len(table) <= EAGER_TABLE_ROWS:
        return table_xlsx(table, title, subtitle, formats)
    return lambda: table_to_xlsx(table, title, subtitle, formats=formats)


def recap_workbook_data(
    store: Store, year: int, month: int, opd: str | None, cfg: Settings, rows: int, wilayah: str | None = None
):
    """The print-ready recap for a download button: its bytes (cached per state of the data) when
    the period has at most :data:`EAGER_WORKBOOK_ROWS` sub kegiatan (``rows``), else a function
    that builds them when the button is clicked (Streamlit's deferred download)."""
    from ui.downloads import recap_workbook_cached

    if rows <= EAGER_WORKBOOK_ROWS:
        return recap_workbook_cached(store, year, month, opd, cfg, wilayah)
    return lambda: recap_workbook_cached(store, year, month, opd, cfg, wilayah)


@st.cache_data(max_entries=64, show_spinner=False)
def level_screen(
    table: pd.DataFrame,
    code: str | None,
    name: str,
    name_label: str,
    total: dict | None = None,
    counts: bool = True,
):
    """:func:`ui.tables.level_screen`, formatted once per table content (1,400 OPDs of a
    province are some 9,000 numbers to format)."""
    from ui.tables import level_screen as screen

    return screen(table, code, name, name_label, total, counts)


@st.cache_data(max_entries=32, show_spinner=False)
def recap_screen(recap: pd.DataFrame, target_serapan: float, kuning: float, merah: float):
    """:func:`ui.tables.recap_screen`, formatted once per recap and thresholds."""
    from ui.tables import recap_screen as screen

    return screen(recap, target_serapan, kuning, merah)


@st.cache_resource(max_entries=32, show_spinner=False)
def ranking_figure(
    recap: pd.DataFrame, column: str, title: str, lights: pd.Series | None = None, limit: int | None = None
):
    """:func:`ui.charts.ranking_figure`, built once per recap: one figure object shared by
    every run and session (a copy would be validated bar by bar again), so do not change it."""
    from ui.charts import ranking_figure as figure

    return figure(recap, column, title, lights, limit)


def formatted(table: pd.DataFrame, rupiah: tuple = (), percent: tuple = (), points: tuple = ()) -> pd.DataFrame:
    """``table`` with the named columns as Indonesian text (:mod:`ui.format`) for ``st.dataframe``,
    formatted once per table content (a province's kontrak kritis list has tens of thousands of
    rows). The content is hashed here in full: ``st.cache_data`` hashes only a sample of a table
    of 50,000 rows or more, which could show a stale table."""
    content = int(pd.util.hash_pandas_object(table, index=False).sum()) if len(table) else 0
    return _formatted(table, content, tuple(table.columns), len(table), rupiah, percent, points)


@st.cache_data(max_entries=64, show_spinner=False)
def _formatted(
    _table: pd.DataFrame, content: int, columns: tuple, rows: int, rupiah: tuple, percent: tuple, points: tuple
) -> pd.DataFrame:
    # content, columns and rows only key the cache
    from core import format as fmt

    out = _table.copy()
    for columns, formatter in ((rupiah, fmt.rupiah), (percent, fmt.percent), (points, fmt.points)):
        for column in columns:
            out[column] = out[column].map(formatter)
    return out


def screen(name: str, table: pd.DataFrame):
    """``ui.tables.<name>(table)`` (a screen shape such as :func:`ui.tables.kritis_screen`), built
    once per table content (a province's kontrak kritis list has tens of thousands of rows); the
    content is hashed in full, as in :func:`formatted`."""
    content = int(pd.util.hash_pandas_object(table, index=False).sum()) if len(table) else 0
    return _screen(table, content, tuple(table.columns), len(table), name)


@st.cache_data(max_entries=64, show_spinner=False)
def _screen(_table: pd.DataFrame, content: int, columns: tuple, rows: int, name: str):
    # content, columns and rows only key the cache
    from ui import tables

    return getattr(tables, name)(_table)
