"""Session-wide state of the Streamlit app: the store, the chosen period and (a province
install) the chosen kabupaten/kota.

The period (tahun, bulan) and the kabupaten/kota live in ``st.session_state`` and in the URL
query (``?tahun=2026&bulan=3&wilayah=...``) so they survive page changes and can be bookmarked.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.months import BULAN
from db.store import Store, default_db_path
from ui import cache
from ui.safe import md_escape


@st.cache_resource(show_spinner=False)
def _store_for(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """The process-wide store for ``PANTAU_DB`` (the file is shared by the sessions; see :mod:`db.shared`)."""
    return _store_for(str(default_db_path()))


def current_user() -> str:
    """Username of the signed-in user (the actor recorded in imports and the audit log)."""
    auth = st.session_state.get("auth")
    return auth["username"] if auth else "-"


def _default_period(store: Store) -> tuple[int, int]:
    periods = store.periods()
    if periods:
        return periods[0]
    today = dt.date.today()
    years = store.dpa_years()
    if years and today.year not in years:
        return years[-1], 12
    return today.year, today.month


def current_period() -> tuple[int, int]:
    """The (tahun, bulan) chosen in the sidebar."""
    return st.session_state["period"]


def set_period(year: int, month: int) -> None:
    """Change the chosen period (e.g. after loading data); the sidebar follows on the next run."""
    st.session_state["period"] = (int(year), int(month))
    st.session_state["_pending_period"] = (int(year), int(month))


def sidebar_period(store: Store) -> tuple[int, int]:
    """Year and month selectors, kept in session state and the URL. Drawn where the caller is
    (app.py: the top block of the sidebar, shown above the menu by ui.style)."""
    if "period" not in st.session_state:
        qp = st.query_params
        try:
            year, month = int(qp["tahun"]), int(qp["bulan"])
            if not 1 <= month <= 12:
                raise ValueError
        except (KeyError, ValueError):
            year, month = _default_period(store)
        st.session_state["period"] = (year, month)
        st.session_state["_pending_period"] = (year, month)
    pending = st.session_state.pop("_pending_period", None)
    if pending or "_w_tahun" not in st.session_state:
        # Widget values may only be set before the widgets are drawn in a run.
        st.session_state["_w_tahun"], st.session_state["_w_bulan"] = pending or st.session_state["period"]
    years = sorted(
        {
            *cache.dpa_years(store),
            *(p[0] for p in cache.periods(store)),
            *cache.indikator_years(store),
            st.session_state["_w_tahun"],
            dt.date.today().year,
        }
    )
    st.markdown("### Periode laporan")
    col1, col2 = st.columns([1, 1.4])
    year = col1.selectbox("Tahun", years, key="_w_tahun")
    month = col2.selectbox("Bulan", list(range(1, 13)), key="_w_bulan", format_func=lambda m: BULAN[m - 1])
    st.session_state["period"] = (int(year), int(month))
    st.query_params["tahun"], st.query_params["bulan"] = str(year), str(month)
    return int(year), int(month)


ALL_WILAYAH = "Semua kabupaten/kota"


def current_wilayah() -> str | None:
    """The kabupaten/kota chosen in the sidebar (a province install), ``None`` for all of them
    (and always for an install whose OPDs name none)."""
    return st.session_state.get("wilayah")


def with_wilayah(title: str) -> str:
    """A page's title followed by the kabupaten/kota chosen in the sidebar, when one is."""
    wilayah = current_wilayah()
    return f"{title} - {md_escape(wilayah)}" if wilayah else title


def sidebar_wilayah(store: Store, opd_scope: str | None) -> str | None:
    """The kabupaten/kota selector of a province install (its OPDs name their kabupaten/kota),
    below the period; nothing for a kabupaten/kota install or an OPD operator (who sees only
    their own OPD). Kept in session state and the URL like the period."""
    names = cache.wilayah_list(store)
    if opd_scope or not names:
        st.session_state["wilayah"] = None
        st.query_params.pop("wilayah", None)
        return None
    if "_w_wilayah" not in st.session_state:
        wanted = st.query_params.get("wilayah") or st.session_state.get("wilayah")
        st.session_state["_w_wilayah"] = wanted if wanted in names else ALL_WILAYAH
    elif st.session_state["_w_wilayah"] not in (ALL_WILAYAH, *names):  # renamed or cleared meanwhile
        st.session_state["_w_wilayah"] = ALL_WILAYAH
    chosen = st.selectbox(
        "Kabupaten/Kota",
        [ALL_WILAYAH, *names],
        key="_w_wilayah",
        help="Pilih kabupaten/kota untuk melihat OPD-nya; semua halaman rekap mengikuti pilihan ini.",
    )
    wilayah = None if chosen == ALL_WILAYAH else chosen
    st.session_state["wilayah"] = wilayah
    if wilayah:
        st.query_params["wilayah"] = wilayah
    else:
        st.query_params.pop("wilayah", None)
    return wilayah
