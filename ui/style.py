"""Page-wide CSS that keeps the screens readable on an office projector, the sidebar's order, and
Streamlit's own widget texts in Indonesian.

Streamlit's own texts (issue 17): the one place that localises what Streamlit writes itself.
- ``st.file_uploader`` (1.67) takes only a label: its button "Upload", the hint "25MB per file •
  XLSX" and the drag overlay "Drag and drop files here" have no parameter or config option
  (streamlit/streamlit#13500 asks for one). The CSS below hides those English texts and shows
  Indonesian ones in their place with ``::after`` (:data:`_STREAMLIT_TEXT_CSS`); the size limit shown is
  the server's ``server.maxUploadSize``. A page names the accepted file types in its label or help.
  The same for the "Stop" button of the running figure (top right) while a page works.
- Select boxes and multiselects show "Choose an option" / "Choose options" when empty: pages pass
  ``placeholder=``; :data:`_PLACEHOLDER_JS` replaces the defaults that remain (a widget without
  one) and sets the page's language to Indonesian.
- Dates: ``st.date_input(format=core.format.DATE_INPUT_FORMAT)`` (DD-MM-YYYY) everywhere.
"""

import streamlit as st

from core.format import number

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


_STREAMLIT_TEXT_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-has-shortcut]::after { content: "Pilih berkas"; }
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "atau seret berkas ke sini · paling besar @MB@ MB per berkas";
  font-size: 0.875rem; opacity: 0.7; white-space: normal; }
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span { font-size: 0; }
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span::after {
  content: "Lepaskan berkas di sini"; font-size: 0.875rem; }
/* the button beside the running figure while a page works */
[data-testid="stStatusWidget"] button { font-size: 0; }
[data-testid="stStatusWidget"] button::after { content: "Hentikan"; font-size: 0.875rem; }
</style>
"""

_PLACEHOLDER_JS = """
<script>
(() => {
  if (window.__pantauPlaceholders) return;
  window.__pantauPlaceholders = true;
  const texts = {"Choose an option": "Pilih salah satu", "Choose options": "Pilih satu atau lebih"};
  const fix = () => {
    document.documentElement.lang = "id";
    for (const e of document.querySelectorAll("input[placeholder]")) {
      const t = texts[e.getAttribute("placeholder")];
      if (t) e.setAttribute("placeholder", t);
    }
  };
  fix();
  new MutationObserver(fix).observe(document.body, {subtree: true, childList: true, attributes: true,
                                                    attributeFilter: ["placeholder"]});
})();
</script>
"""


def apply() -> None:
    """Add Pantau's projector CSS and the Indonesian texts of Streamlit's widgets to the page (call
    once per run, from app.py)."""
    st.html(_CSS.replace("@TOP@", SIDEBAR_TOP_KEY))
    st.html(_STREAMLIT_TEXT_CSS.replace("@MB@", number(st.get_option("server.maxUploadSize"))))
    st.html(_PLACEHOLDER_JS, unsafe_allow_javascript=True)
