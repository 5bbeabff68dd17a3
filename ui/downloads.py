"""Downloads that leave a trace: every export or original file handed out is written to the
audit log (who, which file, what it was)."""
from __future__ import annotations

import streamlit as st

from ui.state import current_user, get_store


def audited_download(label: str, data: bytes, file_name: str, *, what: str, key: str, mime: str | None = None,
                     **kwargs) -> None:
    """``st.download_button`` that records the download in the audit log when clicked."""
    st.download_button(label, data, file_name=file_name, mime=mime, key=key, on_click=_record,
                       args=(what, file_name), icon=kwargs.pop("icon", ":material/download:"), **kwargs)


def _record(what: str, file_name: str) -> None:
    get_store().audit_many([(current_user(), "download", file_name, what)])
