"""Log Audit (admin): who did what and when; read-only, filterable and exportable."""

import datetime as dt

import pandas as pd
import streamlit as st

from core.audit_text import action_label, keterangan
from core.format import DATE_INPUT_FORMAT, tanggal_angka, waktu
from exports.table_xlsx import table_to_xlsx
from ui.auth import require_page
from ui.downloads import audited_download
from ui.state import get_store

require_page("audit", "audit")
store = get_store()
st.title("Log Audit")
st.caption(
    "Catatan setiap kegiatan: masuk/keluar, impor, penggantian laporan, perubahan pengguna, dan unduhan. "
    "Log ini tidak dapat diubah dari aplikasi."
)

today = dt.date.today()
c1, c2, c3, c4 = st.columns(4)
since = c1.date_input("Dari tanggal", today - dt.timedelta(days=30), format=DATE_INPUT_FORMAT)
until = c2.date_input("Sampai tanggal", today, format=DATE_INPUT_FORMAT)
users = [""] + sorted(store.users()["username"].tolist())
actor = c3.selectbox("Pengguna", users, format_func=lambda u: u or "- semua -", placeholder="Pilih pengguna")
actions = [""] + store.audit_actions()
action = c4.selectbox(
    "Kegiatan", actions, format_func=lambda a: action_label(a) if a else "- semua -", placeholder="Pilih kegiatan"
)

log = store.audit_entries(since, until, actor or None, action or None)
if log.empty:
    st.info("Tidak ada catatan untuk penyaring ini.", icon=":material/filter_alt_off:")
    st.stop()
opd_names = {o.kode: o.nama for o in store.opds()}
unit_names = dict(store.unit_kerja())
table = pd.DataFrame(
    {
        "No.": log["id"],
        "Waktu": log["created_at"].map(waktu),
        "Pengguna": log["actor"],
        "Kegiatan": log["action"].map(action_label),
        "Objek": log["target"].map(lambda t: t if isinstance(t, str) and t else "-"),
        "Keterangan": [keterangan(a, d, opd_names, unit_names) for a, d in zip(log["action"], log["detail"])],
    }
)
st.caption(f"{len(table)} catatan, terbaru di atas.")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "No.": st.column_config.NumberColumn(format="%d", width="small"),
        "Keterangan": st.column_config.TextColumn(width="large"),
    },
)
audited_download(
    "Unduh Excel",
    table_to_xlsx(table, "Log Audit Pantau", f"{tanggal_angka(since)} s.d. {tanggal_angka(until)}"),
    f"log_audit_{since:%Y%m%d}_{until:%Y%m%d}.xlsx",
    what="log audit",
    key="download_audit",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
