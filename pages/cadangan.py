"""Cadangan (admin): download a signed backup; restore one into an install without data, uploaded
or placed in the server's restore folder (backups larger than the upload limit)."""

import datetime as dt

import streamlit as st

from core.backup import (
    RESTORE_FOLDER,
    BackupError,
    ForeignBackup,
    inspect_backup,
    key_text,
    make_backup,
    restore_backup,
    server_backups,
)
from core.format import waktu_panjang
from ui.auth import require_page, sign_out
from ui.downloads import audited_download
from ui.safe import md_escape
from ui.state import get_store

user = require_page("cadangan", "cadangan")
store = get_store()
st.title("Cadangan dan Pemulihan")

st.subheader("Buat cadangan")
st.caption(
    "Cadangan memuat seluruh isi basis data (DPA, laporan, pengguna, log audit) dan semua berkas asli yang "
    "pernah diunggah, dalam satu berkas zip bertanda tangan. Simpan di tempat aman: berkas ini berisi data "
    "anggaran dan akun."
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
with st.expander("Kunci cadangan instalasi ini"):
    st.caption(
        "Setiap cadangan ditandatangani dengan kunci rahasia instalasi ini, sehingga cadangan yang diubah "
        "ditolak saat dipulihkan. Untuk memulihkan cadangan ini di komputer lain, bawa kunci ini (atau berkas "
        "backup.key di folder data) secara terpisah dari berkas cadangannya."
    )
    if st.toggle("Tampilkan kunci", key="show_backup_key"):
        st.code(key_text(store), language=None)

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
on_server = server_backups(store)
where = st.radio(
    "Sumber cadangan",
    ["unggah", "server"],
    format_func={
        "unggah": "Unggah berkas",
        "server": f"Berkas di folder pemulihan server ({len(on_server)})",
    }.get,
    horizontal=True,
    key="restore_where",
)
source = None
if where == "unggah":
    uploaded = st.file_uploader(
        "Berkas cadangan (.zip)",
        type=["zip"],
        key="restore_file",
        help="Cadangan yang lebih besar dari batas unggah: salin ke folder pemulihan di server, lalu pilih "
        "'Berkas di folder pemulihan server'.",
    )
    source = uploaded
else:
    st.caption(
        "Untuk cadangan besar (melebihi batas unggah halaman ini): salin berkas cadangan ke folder "
        f"'{RESTORE_FOLDER}' di dalam folder data Pantau di server, lalu muat ulang halaman ini."
    )
    if on_server:
        chosen = st.selectbox("Berkas cadangan di server", on_server, format_func=lambda p: p.name)
        source = chosen
    else:
        st.info("Folder pemulihan di server belum berisi berkas cadangan (.zip).", icon=":material/folder_open:")
if source is None:
    st.stop()

key = st.session_state.get("restore_key") or None
try:
    info = inspect_backup(source, store, key)
except BackupError as exc:
    st.error(md_escape(str(exc)), icon=":material/error:")
    if key:
        st.text_input("Kunci cadangan instalasi asal", type="password", key="restore_key")
    st.stop()
manifest = info.manifest
rows = manifest["tables"]
st.markdown(
    f"Cadangan dibuat **{md_escape(waktu_panjang(manifest.get('created_at')))}** oleh "
    f"**{md_escape(manifest.get('created_by', '-'))}**: "
    f"{int(rows.get('import', 0))} impor, {int(rows.get('realisasi', 0))} baris realisasi, "
    f"{int(rows.get('app_user', 0))} pengguna, "
    f"{sum(1 for f in manifest['files'] if f.startswith('archive/'))} berkas asli."
)
confirm = False
if info.trusted:
    st.success("Tanda tangan cadangan cocok: berkas ini asli dan utuh.", icon=":material/verified:")
else:
    st.warning(
        "Cadangan ini dibuat oleh instalasi Pantau lain (atau oleh versi sebelum cadangan bertanda tangan), "
        "jadi keasliannya tidak dapat diperiksa dengan kunci instalasi ini. Masukkan kunci cadangan "
        "instalasi asal, atau nyatakan bahwa Anda yakin berkas ini asli.",
        icon=":material/gpp_maybe:",
    )
    st.text_input(
        "Kunci cadangan instalasi asal",
        type="password",
        key="restore_key",
        help="Isi berkas backup.key di folder data instalasi asal (64 karakter), atau kunci yang ditampilkan "
        "di halaman Cadangan instalasi itu.",
    )
    confirm = st.checkbox(
        "Saya yakin berkas cadangan ini asli (berasal dari instalasi Pantau kami dan tidak diubah); pulihkan "
        "tanpa memeriksa tanda tangannya.",
        key="restore_confirm",
    )
if st.button(
    "Pulihkan sekarang",
    type="primary",
    icon=":material/settings_backup_restore:",
    disabled=not (info.trusted or confirm),
):
    try:
        with st.spinner("Memulihkan cadangan ..."):
            restore_backup(store, source, user, key=key, confirm_foreign=confirm)
    except ForeignBackup as exc:
        st.error(md_escape(str(exc)), icon=":material/gpp_bad:")
    except BackupError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
    else:
        # the accounts are now the backup's: end this session with the right message (the
        # signed-in account may not exist in the backup: not "akun dinonaktifkan")
        sign_out(store, "restore_sign_out", "Cadangan berhasil dipulihkan. Masuk dengan akun dari cadangan.")
        st.rerun()
