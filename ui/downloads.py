"""Downloads that leave a trace: every export or original file handed out is written to the
audit log (who, which file, what it was)."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from core.settings import Settings
from db.store import Store
from exports.recap_xlsx import recap_workbook
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
