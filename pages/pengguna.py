"""Pengguna (admin): create accounts, change role and scope, disable, reset passwords."""

import pandas as pd
import streamlit as st

from core.access import ROLES
from core.auth import AuthError, add_unit_kerja, create_user, reset_password, role_label, update_account
from ui.auth import require_page
from ui.safe import md_escape
from ui.state import get_store
from ui.tables import users_screen

user = require_page("pengguna", "pengguna")
store = get_store()
st.title("Pengguna")
st.caption(
    "Setiap pengguna hanya melihat dan mengubah data sesuai perannya. Operator OPD terbatas pada satu OPD; "
    "unit kerja terbatas pada satu unit."
)

if "flash_pengguna" in st.session_state:
    st.success(md_escape(st.session_state.pop("flash_pengguna")), icon=":material/check_circle:")

opds = {o.kode: o.nama for o in store.opds()}
units = dict(store.unit_kerja())
users = store.users()
users_screen(users, role_label).show()


def scope_inputs(prefix: str, role: str, opd_kode=None, unit_id=None):
    """OPD or unit picker for the roles that need one."""
    if role == "opd":
        if not opds:
            st.warning("Daftar OPD masih kosong: muat DPA dahulu pada halaman Impor Laporan.", icon=":material/info:")
            return None, None
        keys = list(opds)
        return st.selectbox(
            "OPD",
            keys,
            index=keys.index(opd_kode) if opd_kode in keys else 0,
            format_func=opds.get,
            key=f"{prefix}_opd",
        ), None
    if role == "unit":
        if not units:
            st.warning("Belum ada unit kerja. Tambahkan di bagian 'Unit kerja' di bawah.", icon=":material/info:")
            return None, None
        keys = list(units)
        return None, st.selectbox(
            "Unit kerja",
            keys,
            index=keys.index(unit_id) if unit_id in keys else 0,
            format_func=units.get,
            key=f"{prefix}_unit",
        )
    return None, None


tab_new, tab_edit, tab_unit = st.tabs(["Tambah pengguna", "Ubah / nonaktifkan / atur ulang", "Unit kerja"])
with tab_new:
    role = st.selectbox("Peran", list(ROLES), format_func=role_label, key="new_role")
    opd_kode, unit_id = scope_inputs("new", role)
    with st.form("new_user", clear_on_submit=False):
        c1, c2 = st.columns(2)
        username = c1.text_input("Nama pengguna", placeholder="mis. dinkes.operator")
        nama = c2.text_input("Nama lengkap")
        email = c1.text_input("E-mail (opsional, untuk SSO)")
        password = c2.text_input(
            "Kata sandi sementara",
            type="password",
            help="Minimal 10 karakter, memuat huruf dan angka. Pengguna wajib menggantinya saat pertama masuk.",
        )
        if st.form_submit_button("Buat pengguna", type="primary", icon=":material/person_add:"):
            try:
                created = create_user(
                    store,
                    user,
                    username,
                    nama,
                    role,
                    password,
                    opd_kode=opd_kode,
                    unit_id=unit_id,
                    email=email,
                )
            except AuthError as exc:
                st.error(md_escape(str(exc)), icon=":material/error:")
            else:
                st.session_state["flash_pengguna"] = f"Pengguna '{created.username}' dibuat."
                st.rerun()

with tab_edit:
    if users.empty:
        st.caption("Belum ada pengguna.")
    else:
        chosen = st.selectbox("Pilih pengguna", users["username"].tolist(), key="edit_user")
        row = users.set_index("username").loc[chosen]
        role = st.selectbox(
            "Peran",
            list(ROLES),
            index=list(ROLES).index(row["role"]),
            format_func=role_label,
            key=f"edit_role_{chosen}",
        )
        opd_kode, unit_id = scope_inputs(
            f"edit_{chosen}",
            role,
            None if pd.isna(row["opd_kode"]) else row["opd_kode"],
            None if pd.isna(row["unit_id"]) else int(row["unit_id"]),
        )
        with st.form(f"edit_{chosen}"):
            nama = st.text_input("Nama lengkap", row["nama"])
            email = st.text_input("E-mail (opsional, untuk SSO)", "" if pd.isna(row["email"]) else row["email"])
            active = st.checkbox("Akun aktif", bool(row["active"]))
            if st.form_submit_button("Simpan perubahan", type="primary", icon=":material/save:"):
                try:
                    update_account(
                        store,
                        user,
                        chosen,
                        nama=nama,
                        role=role,
                        opd_kode=opd_kode,
                        unit_id=unit_id,
                        email=email,
                        active=active,
                    )
                except AuthError as exc:
                    st.error(md_escape(str(exc)), icon=":material/error:")
                else:
                    st.session_state["flash_pengguna"] = f"Perubahan pengguna '{chosen}' disimpan."
                    st.rerun()
        with st.form(f"reset_{chosen}", clear_on_submit=True):
            st.markdown("**Atur ulang kata sandi** (juga membuka akun yang terkunci)")
            temp = st.text_input("Kata sandi sementara baru", type="password")
            if st.form_submit_button("Atur ulang", icon=":material/lock_reset:"):
                try:
                    reset_password(store, user, chosen, temp)
                except AuthError as exc:
                    st.error(md_escape(str(exc)), icon=":material/error:")
                else:
                    st.session_state["flash_pengguna"] = (
                        f"Kata sandi '{chosen}' diatur ulang; pengguna wajib menggantinya saat masuk."
                    )
                    st.rerun()

with tab_unit:
    st.caption("Unit kerja kecamatan (Kasi/Kasubbag) untuk pengguna berperan unit.")
    if units:
        st.markdown(", ".join(map(md_escape, units.values())))
    with st.form("new_unit", clear_on_submit=True):
        nama_unit = st.text_input("Nama unit kerja baru", placeholder="mis. Seksi Pemerintahan")
        if st.form_submit_button("Tambah unit kerja", icon=":material/add:"):
            if not nama_unit.strip():
                st.error("Nama unit kerja wajib diisi.", icon=":material/error:")
            else:
                try:
                    add_unit_kerja(store, user, nama_unit)
                except AuthError as exc:
                    st.error(md_escape(str(exc)), icon=":material/error:")
                else:
                    st.session_state["flash_pengguna"] = f"Unit kerja '{nama_unit.strip()}' ditambahkan."
                    st.rerun()
