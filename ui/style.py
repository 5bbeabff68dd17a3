"""Page-wide CSS that keeps the screens readable on an office projector, and the sidebar's order."""

import streamlit as st

# key of the sidebar block (the app's name and the period) shown above the menu
SIDEBAR_TOP_KEY = "pantau_sidebar_atas"

# XGA projectors (1024x768) with the sidebar open leave ~650 px for the page: Streamlit's
# default metric size (2.25rem) then cuts 'Rp 205,5 M' with an ellipsis. Scale it down there.
_CSS = """
<style>
@media (max-width: 1279px) {
  [data-testid="stMetricValue"] { font-size: 1.45rem; }
  [data-testid="stMetricDelta"] { font-size: 0.8rem; }
  [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
}
@media (min-width: 1280px) and (max-width: 1599px) {
  [data-testid="stMetricValue"] { font-size: 1.9rem; }
}
/* The sidebar: the block keyed SIDEBAR_TOP_KEY (name and period) above the menu, the rest
   (the signed-in account) below it. Streamlit draws the menu (stSidebarNav) before the sidebar's
   own content, so that content is flattened into the sidebar's column and ordered. */
[data-testid="stSidebarContent"] { display: flex; flex-direction: column; row-gap: 1rem; padding-bottom: 6rem; }
[data-testid="stSidebarUserContent"],
[data-testid="stSidebarUserContent"] > div,
[data-testid="stSidebarUserContent"] > div > [data-testid="stVerticalBlock"] { display: contents; }
[data-testid="stSidebarHeader"] { order: 0; }
[data-testid="stSidebarNav"] { order: 2; }
[data-testid="stSidebarUserContent"] > div > [data-testid="stVerticalBlock"] > * { order: 3; }
[data-testid="stSidebarUserContent"] > div > [data-testid="stVerticalBlock"] > .st-key-@TOP@,
[data-testid="stSidebarUserContent"] > div > [data-testid="stVerticalBlock"] > :has(.st-key-@TOP@) { order: 1; }
/* Tables (issue 17): an office laptop (1366 px) with the sidebar open keeps ~900 px for the page
   with Streamlit's wide margins (5rem a side); narrower margins give the tables room. */
@media (min-width: 641px) and (max-width: 1599px) {
  [data-testid="stMainBlockContainer"] { padding-left: 2.5rem; padding-right: 2.5rem; }
}
/* A page draws an OPD table (container keyed pantau_tabel_*) and OPD cards (pantau_kartu_*):
   the cards on a phone, the table elsewhere. */
[class*="st-key-pantau_kartu_"] { display: none; }
@media (max-width: 640px) {
  [class*="st-key-pantau_kartu_"] { display: flex; }
  [class*="st-key-pantau_tabel_"] { display: none; }
}
.pantau-kartu-daftar { display: flex; flex-direction: column; gap: 0.6rem; }
.pantau-kartu { border: 1px solid #d5dbe3; border-radius: 0.5rem; padding: 0.6rem 0.75rem; background: #fff; }
.pantau-kartu-jumlah { background: #eef3f9; border-color: #9fb6d1; }
.pantau-kartu-kepala { display: flex; justify-content: space-between; gap: 0.5rem; margin-bottom: 0.4rem; }
.pantau-kartu-kepala span { white-space: nowrap; }
.pantau-kartu-isi { display: grid; grid-template-columns: 1fr 1fr; gap: 0.3rem 0.75rem; }
.pantau-kartu-isi div { display: flex; flex-direction: column; }
.pantau-kartu-isi span { font-size: 0.8rem; color: #5f6b7a; }
</style>
"""


def apply() -> None:
    """Add Pantau's projector CSS to the page (call once per run, from app.py)."""
    st.html(_CSS.replace("@TOP@", SIDEBAR_TOP_KEY))
