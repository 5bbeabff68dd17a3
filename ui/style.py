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
</style>
"""


def apply() -> None:
    """Add Pantau's projector CSS to the page (call once per run, from app.py)."""
    st.html(_CSS.replace("@TOP@", SIDEBAR_TOP_KEY))
