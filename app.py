"""Pantau: the Streamlit entry point and router.

``streamlit run app.py``. The login gate runs first; the menu is then built from the pages
the signed-in user's role may open (:func:`core.access.pages_for`) in the modules the office uses,
grouped in sections (:func:`core.modules.menu_sections`: Rakor POK, Data Kinerja, Administrasi),
below the period selector. Pages live in ``views/`` and contain UI only (a folder named
``pages/`` would switch on Streamlit's old multipage mode, which answers a fresh server's first
deep link with "Page not found" and can run a page file without this router).
"""

import streamlit as st

from core.access import pages_for
from core.modules import menu_sections, visible_pages
from db.store import StoreBusy, Unreachable
from ui import cache
from ui.auth import gate, login_pages, must_change_password, run_page, sidebar_account
from ui.setup import setup_gate
from ui.state import get_store, sidebar_period, sidebar_wilayah
from ui.style import SIDEBAR_TOP_KEY
from ui.style import apply as apply_style

# initial_sidebar_state="auto": the sidebar starts closed on a small screen (and the menu closes
# it after a page is chosen on a phone), open on a desktop.
st.set_page_config(
    page_title="Pantau - Pengendalian Realisasi",
    page_icon=":material/monitoring:",
    layout="wide",
    initial_sidebar_state="auto",
)
apply_style()

PAGES = {
    "ringkasan": dict(page="views/ringkasan.py", title="Ringkasan", icon=":material/dashboard:", url_path=""),
    "rekap": dict(page="views/rekap.py", title="Rekap OPD", icon=":material/table_chart:", url_path="rekap"),
    "fisik": dict(page="views/fisik.py", title="Fisik vs Non Fisik", icon=":material/construction:", url_path="fisik"),
    "status": dict(page="views/status.py", title="Status Pengumpulan", icon=":material/fact_check:", url_path="status"),
    "materi": dict(page="views/materi.py", title="Materi Rakor", icon=":material/slideshow:", url_path="materi"),
    "rakor": dict(page="views/rakor.py", title="Rakor & Tindak Lanjut", icon=":material/handshake:", url_path="rakor"),
    "permintaan": dict(
        page="views/permintaan.py",
        title="Permintaan Laporan",
        icon=":material/forward_to_inbox:",
        url_path="permintaan",
    ),
    "kinerja_permintaan": dict(
        page="views/kinerja_permintaan.py",
        title="Permintaan Data Kinerja",
        icon=":material/outgoing_mail:",
        url_path="permintaan-kinerja",
    ),
    "kinerja_isi": dict(
        page="views/kinerja_isi.py", title="Isi Data Kinerja", icon=":material/edit_note:", url_path="isi-kinerja"
    ),
    "kinerja_data": dict(
        page="views/kinerja_data.py", title="Data Kinerja", icon=":material/insights:", url_path="kinerja"
    ),
    "kinerja_review": dict(
        page="views/kinerja_review.py", title="Review Kinerja", icon=":material/verified:", url_path="review-kinerja"
    ),
    "impor": dict(page="views/impor.py", title="Impor Laporan", icon=":material/upload_file:", url_path="impor"),
    "pengaturan": dict(
        page="views/pengaturan.py", title="Pengaturan", icon=":material/settings:", url_path="pengaturan"
    ),
    "pengguna": dict(page="views/pengguna.py", title="Pengguna", icon=":material/group:", url_path="pengguna"),
    "audit": dict(page="views/audit.py", title="Log Audit", icon=":material/history:", url_path="audit"),
    "cadangan": dict(page="views/cadangan.py", title="Cadangan", icon=":material/backup:", url_path="cadangan"),
    "akun": dict(page="views/akun.py", title="Akun Saya", icon=":material/account_circle:", url_path="akun"),
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
except Unreachable as exc:  # PANTAU_DB names a PostgreSQL server that does not answer
    st.error(str(exc), icon=":material/cloud_off:")
    st.button("Coba lagi", icon=":material/refresh:", key="_unreachable_retry")
    st.stop()
if user is None:
    try:
        st.navigation(login_pages({k: p["url_path"] for k, p in PAGES.items()}), position="hidden").run()
    except StoreBusy:
        _busy()
    st.stop()

setup_gate(store, user)  # the first-run setup of the daerah (admin) until it is done
keys = ["akun"] if must_change_password() else visible_pages(pages_for(user), cache.settings(store).modul)
# The menu in sections (core.modules.menu_sections: one per module in use, then Administrasi);
# the first page of the first section opens by default.
grouped = menu_sections(keys)
first = next(iter(grouped.values()))[0]
sections = {
    name: [
        st.Page(
            PAGES[k]["page"],
            title=PAGES[k]["title"],
            icon=PAGES[k]["icon"],
            url_path=PAGES[k]["url_path"] or None,
            default=(k == first),
        )
        for k in section_keys
    ]
    for name, section_keys in grouped.items()
}
pages = [page for section in sections.values() for page in section]
nav = st.navigation(sections, expanded=True)  # every page listed (no "View more" fold)
# The name and the period on top of the sidebar: Streamlit draws the menu before the sidebar's
# content, so this block carries the key ui.style moves above the menu (SIDEBAR_TOP_KEY).
top = st.sidebar.container(key=SIDEBAR_TOP_KEY)
with top:
    st.markdown("## :material/monitoring: Pantau")
    st.caption("Pengendalian realisasi fisik dan keuangan")
try:
    with top:
        sidebar_period(store)
        sidebar_wilayah(store, user.opd_scope)
    sidebar_account(store, user)
    goto = st.session_state.pop("_goto", None)
    if goto is not None and goto != nav.url_path:
        target = next((p for p in pages if p.url_path == goto), None)
        if target is not None:
            st.switch_page(target)
    run_page(nav, user)
except StoreBusy:
    _busy()
