"""Downloads that leave a trace: every export or original file handed out is written to the
audit log (who, which file, what it was)."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from core.settings import Settings
from db.store import Store
from exports.recap_xlsx import recap_workbook
from exports.request_letter import request_letter
from exports.request_template import templates_zip
from ui.state import current_user, get_store


def audited_download(label: str, data: bytes, file_name: str, *, what: str, key: str, mime: str | None = None,
                     **kwargs) -> None:
    """``st.download_button`` that records the download in the audit log when clicked."""
    st.download_button(label, data, file_name=file_name, mime=mime, key=key, on_click=_record,
                       args=(what, file_name), icon=kwargs.pop("icon", ":material/download:"), **kwargs)


def _record(what: str, file_name: str) -> None:
    get_store().audit_many([(current_user(), "download", file_name, what)])


def recap_workbook_cached(store: Store, year: int, month: int, opd: str | None, settings: Settings) -> bytes:
    """The print-ready recap (about a third of a second to build), built once per state of the
    data and settings rather than on every rerun of the page."""
    return _recap_workbook(store, str(store.path), store.data_version(), year, month, opd, settings,
                           dt.date.today())


@st.cache_data(max_entries=16, show_spinner=False)
def _recap_workbook(_store: Store, path: str, version: int, year: int, month: int, opd: str | None,
                    settings: Settings, today: dt.date) -> bytes:
    # path, version and today only key the cache: another database, changed data, the date signed
    return recap_workbook(_store, year, month, opd, settings, today)


def request_zip_cached(store: Store, year: int, month: int, opd_kodes: tuple[str, ...], settings: Settings,
                       contact: str | None) -> bytes:
    """The zip of request templates (a few seconds for a whole kabupaten), built once per state of
    the data, settings, period, OPDs and contact rather than on every rerun of the page."""
    return _request_zip(store, str(store.path), store.data_version(), year, month, opd_kodes, settings, contact)


@st.cache_data(max_entries=8, show_spinner="Menyusun format laporan ...")
def _request_zip(_store: Store, path: str, version: int, year: int, month: int, opd_kodes: tuple[str, ...],
                 settings: Settings, contact: str | None) -> bytes:
    return templates_zip(_store, year, month, settings, list(opd_kodes), contact)


def request_letter_cached(store: Store, year: int, month: int, opd_kodes: tuple[str, ...], settings: Settings,
                          **fields) -> bytes:
    """The request letter (:func:`exports.request_letter.request_letter`), cached like the zip."""
    return _request_letter(store, str(store.path), store.data_version(), year, month, opd_kodes, settings,
                           tuple(sorted(fields.items())))


@st.cache_data(max_entries=16, show_spinner=False)
def _request_letter(_store: Store, path: str, version: int, year: int, month: int, opd_kodes: tuple[str, ...],
                    settings: Settings, fields: tuple) -> bytes:
    values = dict(fields)
    if values.get("tembusan") is not None:
        values["tembusan"] = list(values["tembusan"])
    return request_letter(_store, year, month, settings, opd_kodes=list(opd_kodes), **values)
