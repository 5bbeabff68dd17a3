"""Downloads that leave a trace: every export or original file handed out is written to the
audit log (who, which file, what it was)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.settings import Settings
from db.store import Store
from exports.recap_xlsx import recap_workbook
from exports.request_letter import letter_docx
from exports.request_template import zip_of
from ui.auth import verified_username
from ui.state import get_store


def audited_download(
    label: str, data: bytes, file_name: str, *, what: str, key: str, mime: str | None = None, **kwargs
) -> None:
    """``st.download_button`` that records the download in the audit log when clicked."""
    st.download_button(
        label,
        data,
        file_name=file_name,
        mime=mime,
        key=key,
        on_click=_record,
        args=(what, file_name),
        icon=kwargs.pop("icon", ":material/download:"),
        **kwargs,
    )


def _record(what: str, file_name: str) -> None:
    # a callback runs before the login gate: ask the session cookie, not the previous run's state
    user = verified_username()
    if user:
        get_store().audit_many([(user, "download", file_name, what)])


def recap_workbook_cached(
    store: Store, year: int, month: int, opd: str | None, settings: Settings, wilayah: str | None = None
) -> bytes:
    """The print-ready recap (about a third of a second to build), built once per state of the
    data and settings rather than on every rerun of the page."""
    return _recap_workbook(
        store, str(store.path), store.data_version(), year, month, opd, settings, dt.date.today(), wilayah
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _recap_workbook(
    _store: Store,
    path: str,
    version: int,
    year: int,
    month: int,
    opd: str | None,
    settings: Settings,
    today: dt.date,
    wilayah: str | None,
) -> bytes:
    # path, version and today only key the cache: another database, changed data, the date signed
    return recap_workbook(_store, year, month, opd, settings, today, wilayah=wilayah)


def request_zip_cached(rows: pd.DataFrame, year: int, month: int, settings: Settings, contact: str | None) -> bytes:
    """The zip of request templates of ``rows`` (:func:`exports.request_template.request_rows`; a few
    seconds for a whole kabupaten), built once per content of the rows, settings, period and
    contact rather than on every rerun of the page (an audited download changes no input)."""
    return _request_zip(rows, year, month, settings, contact)


@st.cache_data(max_entries=8, show_spinner="Menyusun format laporan ...")
def _request_zip(rows: pd.DataFrame, year: int, month: int, settings: Settings, contact: str | None) -> bytes:
    return zip_of(rows, year, month, settings, contact)


def request_letter_cached(plan: pd.DataFrame, year: int, month: int, settings: Settings, **fields) -> bytes:
    """The request letter for ``plan`` (:func:`exports.request_template.plan_of`), cached like the zip."""
    return _request_letter(plan, year, month, settings, tuple(sorted(fields.items())))


@st.cache_data(max_entries=16, show_spinner=False)
def _request_letter(plan: pd.DataFrame, year: int, month: int, settings: Settings, fields: tuple) -> bytes:
    values = dict(fields)
    if values.get("tembusan") is not None:
        values["tembusan"] = list(values["tembusan"])
    return letter_docx(plan, year, month, settings, **values)
