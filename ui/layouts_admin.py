"""Pengaturan: the remembered column layouts (issue 16 item 4), listed, renamed and deleted by an
admin (the rules are in :mod:`core.layouts`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import layouts
from core.access import User
from core.format import waktu
from db.store import Store
from etl.columns import FIELD_LABEL
from ui.safe import md_escape


def layouts_frame(rows: list[dict], opd_names: dict[str, str]) -> pd.DataFrame:
    """The layouts as a table: name, OPD (or every OPD), the column of each field, who and when."""
    return pd.DataFrame(
        [
            {
                "Nama format": r["name"],
                "Berlaku untuk": opd_names.get(r["opd_kode"], r["opd_kode"]) if r["opd_kode"] else "Semua OPD",
                "Kolom": "; ".join(f"{FIELD_LABEL.get(f, f)} ← {p}" for f, p in r["paths"].items()),
                "Disimpan oleh": r["created_by"],
                "Waktu": waktu(r["created_at"]),
            }
            for r in rows
        ],
        columns=["Nama format", "Berlaku untuk", "Kolom", "Disimpan oleh", "Waktu"],
    )


def layouts_section(store: Store, user: User) -> None:
    """List, rename and delete the remembered column layouts."""
    st.subheader("Format kolom yang diingat")
    st.caption(
        "Format kolom disimpan saat pemetaan kolom dikonfirmasi di halaman Impor. Laporan berikutnya dengan "
        "judul kolom yang sama dibaca dengan format ini tanpa ditanyakan lagi."
    )
    if msg := st.session_state.pop("layouts_flash", None):
        st.success(md_escape(msg), icon=":material/task_alt:")
    rows = store.layouts()
    if not rows:
        st.caption("Belum ada format kolom yang diingat.")
        return
    opd_names = {o.kode: o.nama for o in store.opds()}
    st.dataframe(
        layouts_frame(rows, opd_names),
        hide_index=True,
        width="stretch",
        column_config={"Kolom": st.column_config.TextColumn(width="large")},
    )
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox("Pilih format", list(by_id), format_func=lambda i: by_id[i]["name"], key="layout_pick")
    if chosen is None:
        return
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    new_name = c1.text_input("Nama baru", value=by_id[chosen]["name"], max_chars=80, key=f"layout_name_{chosen}")
    if c2.button("Ganti nama", key="layout_rename"):
        try:
            name = layouts.rename(store, user, int(chosen), new_name)
            st.session_state["layouts_flash"] = f"Nama format diganti menjadi '{name}'."
            st.rerun()
        except layouts.LayoutRefused as exc:
            st.error(md_escape(str(exc)), icon=":material/block:")
    sure = st.checkbox("Ya, hapus format ini (laporan yang sudah dimuat tidak berubah)", key=f"layout_sure_{chosen}")
    if st.button("Hapus format", disabled=not sure, key="layout_delete"):
        try:
            layouts.delete(store, user, int(chosen))
            st.session_state["layouts_flash"] = f"Format '{by_id[chosen]['name']}' dihapus."
            st.rerun()
        except layouts.LayoutRefused as exc:
            st.error(md_escape(str(exc)), icon=":material/block:")
