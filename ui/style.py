"""Page-wide CSS that keeps the screens readable on an office projector."""

import streamlit as st

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
</style>
"""


def apply() -> None:
    """Add Pantau's projector CSS to the page (call once per run, from app.py)."""
    st.html(_CSS)
