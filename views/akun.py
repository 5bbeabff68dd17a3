"""Akun Saya: who I am, my role and scope, and changing my password."""

import streamlit as st

from core.auth import AuthError, change_own_password, role_label
from ui.auth import must_change_password, require_page, sign_out
from ui.safe import md_escape
from ui.state import get_store

user = require_page("akun", "akun")
store = get_store()
st.title("Akun Saya")
if must_change_password():
    st.warning(
        "Kata sandi Anda adalah kata sandi sementara dari admin. Ganti dahulu sebelum memakai Pantau.",
        icon=":material/key:",
    )

scope = ""
if user.opd_scope:
    scope = next((o.nama for o in store.opds() if o.kode == user.opd_scope), user.opd_scope)
elif user.unit_id is not None:
    scope = dict(store.unit_kerja()).get(user.unit_id, str(user.unit_id))
st.markdown(
    f"**{md_escape(user.nama)}** ({md_escape(user.username)})  \nPeran: {role_label(user.role)}"
    + (f"  \nCakupan data: {md_escape(scope)}" if scope else "")
)

with st.form("change_password", clear_on_submit=True):
    st.subheader("Ganti kata sandi")
    old = st.text_input("Kata sandi lama", type="password")
    new1 = st.text_input("Kata sandi baru", type="password", help="Minimal 10 karakter, memuat huruf dan angka.")
    new2 = st.text_input("Ulangi kata sandi baru", type="password")
    if st.form_submit_button("Simpan kata sandi baru", type="primary", icon=":material/key:"):
        if new1 != new2:
            st.error("Kedua kata sandi baru tidak sama. Ketik ulang.", icon=":material/error:")
        else:
            try:
                change_own_password(store, user.username, old, new1)
            except AuthError as exc:
                st.error(md_escape(str(exc)), icon=":material/error:")
            else:
                st.session_state["flash_akun"] = "Kata sandi berhasil diganti."
                st.rerun()
if "flash_akun" in st.session_state:
    st.success(md_escape(st.session_state.pop("flash_akun")), icon=":material/check_circle:")

st.divider()
if st.button("Keluar dari Pantau", icon=":material/logout:", key="logout_akun"):
    sign_out(store, notice="Anda telah keluar.")
    st.rerun()
