"""Pantau: the Streamlit entry point and router.

``streamlit run app.py``. The page list is built at run time, so pages can be hidden per
role once logins exist. Pages live in ``pages/`` and contain UI only.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import streamlit as st  # noqa: E402

from ui.state import current_user, get_store, sidebar_period  # noqa: E402

st.set_page_config(page_title="Pantau - Pengendalian Realisasi", page_icon=":material/monitoring:",
                   layout="wide")

store = get_store()
pages = [
    st.Page("pages/ringkasan.py", title="Ringkasan", icon=":material/dashboard:", default=True),
    st.Page("pages/impor.py", title="Impor Laporan", icon=":material/upload_file:", url_path="impor"),
]
nav = st.navigation(pages)
with st.sidebar:
    st.markdown("## :material/monitoring: Pantau")
    st.caption("Pengendalian realisasi fisik dan keuangan")
sidebar_period(store)
with st.sidebar:
    st.divider()
    st.caption(f"Masuk sebagai: **{current_user()}**")
goto = st.session_state.pop("_goto", None)
if goto and goto != nav.url_path:
    st.switch_page(next(p for p in pages if p.url_path == goto))
nav.run()
