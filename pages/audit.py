"""Log Audit (admin): who did what and when; read-only, filterable and exportable."""

import datetime as dt

import streamlit as st

from exports.table_xlsx import table_to_xlsx
from ui.auth import require_page
from ui.downloads import audited_download
from ui.state import get_store

ACTION_LABEL = {
    "login": "Masuk",
    "login_failed": "Gagal masuk",
    "logout": "Keluar",
    "session_expired": "Sesi berakhir",
    "session_ended": "Sesi dihentikan",
    "import_realisasi": "Impor laporan realisasi",
    "import_dpa": "Impor DPA",
    "supersede": "Laporan diganti versi baru",
    "user_create": "Pengguna dibuat",
    "user_update": "Pengguna diubah",
    "password_reset": "Kata sandi diatur ulang",
    "password_change": "Kata sandi diganti",
    "download": "Unduhan",
    "backup": "Cadangan dibuat",
    "restore": "Cadangan dipulihkan",
    "unit_create": "Unit kerja ditambah",
    "jenis_override": "Klasifikasi diubah manual",
    "rakor_create": "Rakor dicatat",
    "rakor_update": "Data rakor diubah",
    "rakor_final": "Hasil rakor ditetapkan",
    "tindak_lanjut_add": "Keputusan rakor ditambah",
    "tindak_lanjut_update": "Keputusan rakor diubah",
    "tindak_lanjut_batal": "Keputusan rakor dibatalkan",
    "tindak_lanjut_delete": "Keputusan rakor dihapus",
    "tindak_lanjut_status": "Perkembangan tindak lanjut",
}

require_page("audit", "audit")
store = get_store()
st.title("Log Audit")
st.caption(
    "Catatan setiap kegiatan: masuk/keluar, impor, penggantian laporan, perubahan pengguna, dan unduhan. "
    "Log ini tidak dapat diubah dari aplikasi."
)

today = dt.date.today()
c1, c2, c3, c4 = st.columns(4)
since = c1.date_input("Dari tanggal", today - dt.timedelta(days=30), format="DD/MM/YYYY")
until = c2.date_input("Sampai tanggal", today, format="DD/MM/YYYY")
users = [""] + sorted(store.users()["username"].tolist())
actor = c3.selectbox("Pengguna", users, format_func=lambda u: u or "- semua -")
actions = [""] + store.audit_actions()
action = c4.selectbox("Kegiatan", actions, format_func=lambda a: ACTION_LABEL.get(a, a) if a else "- semua -")

log = store.audit_entries(since, until, actor or None, action or None)
if log.empty:
    st.info("Tidak ada catatan untuk penyaring ini.", icon=":material/filter_alt_off:")
    st.stop()
table = log.assign(action=log["action"].map(lambda a: ACTION_LABEL.get(a, a))).rename(
    columns={
        "id": "No.",
        "created_at": "Waktu",
        "actor": "Pengguna",
        "action": "Kegiatan",
        "target": "Objek",
        "detail": "Keterangan",
    }
)
st.caption(f"{len(table)} catatan, terbaru di atas.")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={"Waktu": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm:ss")},
)
audited_download(
    "Unduh Excel",
    table_to_xlsx(table, "Log Audit Pantau", f"{since:%d/%m/%Y} s.d. {until:%d/%m/%Y}"),
    f"log_audit_{since:%Y%m%d}_{until:%Y%m%d}.xlsx",
    what="log audit",
    key="download_audit",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
