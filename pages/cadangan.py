"""Cadangan (admin): download a consistent backup; restore one into an install without data."""

import datetime as dt

import streamlit as st

from core.backup import BackupError, make_backup, read_manifest, restore_backup
from ui.auth import require_page
from ui.downloads import audited_download
from ui.state import get_store

user = require_page("cadangan", "cadangan")
store = get_store()
st.title("Cadangan dan Pemulihan")

st.subheader("Buat cadangan")
st.caption(
    "Cadangan memuat seluruh isi basis data (DPA, laporan, pengguna, log audit) dan semua berkas asli yang "
    "pernah diunggah, dalam satu berkas zip. Simpan di tempat aman: berkas ini berisi data anggaran dan akun."
)
if st.button("Siapkan berkas cadangan", icon=":material/backup:"):
    with st.spinner("Menyiapkan cadangan ..."):
        st.session_state["backup_zip"] = make_backup(store, user)
        st.session_state["backup_name"] = f"pantau-cadangan-{dt.datetime.now():%Y%m%d-%H%M}.zip"
if "backup_zip" in st.session_state:
    size = len(st.session_state["backup_zip"]) / 1024**2
    st.success(f"Cadangan siap ({size:,.1f} MB).".replace(".", ","), icon=":material/check_circle:")
    audited_download(
        "Unduh cadangan",
        st.session_state["backup_zip"],
        st.session_state["backup_name"],
        what="cadangan basis data",
        key="download_backup",
        mime="application/zip",
    )

st.divider()
st.subheader("Pulihkan dari cadangan")
if not store.is_empty():
    st.info(
        "Pemulihan hanya dapat dilakukan pada instalasi yang belum berisi data, agar tidak ada data yang "
        "tertimpa. Untuk memindahkan Pantau ke komputer lain: pasang Pantau baru, buat admin pertama, lalu "
        "pulihkan cadangan di sana.",
        icon=":material/info:",
    )
    st.stop()
st.caption(
    "Basis data ini belum berisi data. Seluruh isi cadangan (termasuk daftar pengguna) akan dipulihkan; "
    "setelah itu masuk dengan akun yang ada di cadangan."
)
uploaded = st.file_uploader("Berkas cadangan (.zip)", type=["zip"], key="restore_file")
if uploaded is not None:
    data = uploaded.getvalue()
    try:
        manifest = read_manifest(data)
    except BackupError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    rows = manifest["tables"]
    st.write(
        f"Cadangan dibuat **{manifest.get('created_at', '-')}** oleh **{manifest.get('created_by', '-')}**: "
        f"{rows.get('import', 0)} impor, {rows.get('realisasi', 0)} baris realisasi, "
        f"{rows.get('app_user', 0)} pengguna, {sum(1 for f in manifest['files'] if f.startswith('archive/'))} "
        "berkas asli."
    )
    if st.button("Pulihkan sekarang", type="primary", icon=":material/settings_backup_restore:"):
        try:
            restore_backup(store, data, user)
        except BackupError as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            st.session_state["login_notice"] = "Cadangan berhasil dipulihkan. Masuk dengan akun dari cadangan."
            st.rerun()
