"""Pantau: the Streamlit entry point and router.

``streamlit run app.py``. The login gate runs first; the menu is then built from the pages
the signed-in user's role may open (:func:`core.access.pages_for`). Pages live in ``pages/``
and contain UI only.
"""

import streamlit as st

from core.access import pages_for
from core.modules import visible_pages
from db.store import StoreBusy
from ui import cache
from ui.auth import gate, login_pages, must_change_password, run_page, sidebar_account
from ui.setup import setup_gate
from ui.state import get_store, sidebar_period
from ui.style import apply as apply_style

st.set_page_config(page_title="Pantau - Pengendalian Realisasi", page_icon=":material/monitoring:", layout="wide")
apply_style()

PAGES = {
    "ringkasan": dict(page="pages/ringkasan.py", title="Ringkasan", icon=":material/dashboard:", url_path=""),
    "rekap": dict(page="pages/rekap.py", title="Rekap OPD", icon=":material/table_chart:", url_path="rekap"),
    "fisik": dict(page="pages/fisik.py", title="Fisik vs Non Fisik", icon=":material/construction:", url_path="fisik"),
    "status": dict(page="pages/status.py", title="Status Pengumpulan", icon=":material/fact_check:", url_path="status"),
    "materi": dict(page="pages/materi.py", title="Materi Rakor", icon=":material/slideshow:", url_path="materi"),
    "rakor": dict(page="pages/rakor.py", title="Rakor & Tindak Lanjut", icon=":material/handshake:", url_path="rakor"),
    "permintaan": dict(
        page="pages/permintaan.py",
        title="Permintaan Laporan",
        icon=":material/forward_to_inbox:",
        url_path="permintaan",
    ),
    "kinerja_permintaan": dict(
        page="pages/kinerja_permintaan.py",
        title="Permintaan Data Kinerja",
        icon=":material/outgoing_mail:",
        url_path="permintaan-kinerja",
    ),
    "kinerja_isi": dict(
        page="pages/kinerja_isi.py", title="Isi Data Kinerja", icon=":material/edit_note:", url_path="isi-kinerja"
    ),
    "kinerja_data": dict(
        page="pages/kinerja_data.py", title="Data Kinerja", icon=":material/insights:", url_path="kinerja"
    ),
    "kinerja_review": dict(
        page="pages/kinerja_review.py", title="Review Kinerja", icon=":material/verified:", url_path="review-kinerja"
    ),
    "impor": dict(page="pages/impor.py", title="Impor Laporan", icon=":material/upload_file:", url_path="impor"),
    "pengaturan": dict(
        page="pages/pengaturan.py", title="Pengaturan", icon=":material/settings:", url_path="pengaturan"
    ),
    "pengguna": dict(page="pages/pengguna.py", title="Pengguna", icon=":material/group:", url_path="pengguna"),
    "audit": dict(page="pages/audit.py", title="Log Audit", icon=":material/history:", url_path="audit"),
    "cadangan": dict(page="pages/cadangan.py", title="Cadangan", icon=":material/backup:", url_path="cadangan"),
    "akun": dict(page="pages/akun.py", title="Akun Saya", icon=":material/account_circle:", url_path="akun"),
}


def _busy() -> None:
    st.warning(StoreBusy.MESSAGE, icon=":material/hourglass_top:")
    st.button("Coba lagi", icon=":material/refresh:", key="_busy_retry")
    st.stop()


try:
    store = get_store()  # the first opening migrates the database: it may find it busy too
    user = gate(store)
except StoreBusy:
    _busy()
if user is None:
    try:
        st.navigation(login_pages({k: p["url_path"] for k, p in PAGES.items()}), position="hidden").run()
    except StoreBusy:
        _busy()
    st.stop()

setup_gate(store, user)  # the first-run setup of the daerah (admin) until it is done
keys = ["akun"] if must_change_password() else visible_pages(pages_for(user), cache.settings(store).modul)
pages = [
    st.Page(
        PAGES[k]["page"],
        title=PAGES[k]["title"],
        icon=PAGES[k]["icon"],
        url_path=PAGES[k]["url_path"] or None,
        default=(i == 0),
    )
    for i, k in enumerate(keys)
]
nav = st.navigation(pages, expanded=True)  # every page listed (no "View more" fold)
with st.sidebar:
    st.markdown("## :material/monitoring: Pantau")
    st.caption("Pengendalian realisasi fisik dan keuangan")
try:
    sidebar_period(store)
    sidebar_account(store, user)
    goto = st.session_state.pop("_goto", None)
    if goto is not None and goto != nav.url_path:
        target = next((p for p in pages if p.url_path == goto), None)
        if target is not None:
            st.switch_page(target)
    run_page(nav, user)
except StoreBusy:
    _busy()
