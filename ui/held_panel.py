"""The rows held for a person (issue 14): a report's row named without a code whose name is only
close to a DPA sub kegiatan. Shown on the Impor page; the decision is core.held's."""

from __future__ import annotations

import streamlit as st

from core import held
from core.access import Forbidden, User
from core.format import rupiah
from core.months import month_name
from db.store import Store


def held_panel(store: Store, user: User, year: int) -> None:
    """List the rows waiting for the user's decision, with a form to confirm or leave out one."""
    rows = held.waiting(store, user, year)
    if rows.empty:
        return
    st.divider()
    st.subheader("Baris menunggu konfirmasi sub kegiatan")
    st.caption(
        "Nama sub kegiatan pada baris-baris ini hanya mirip dengan DPA, tidak sama persis. Baris belum dimuat "
        "sampai Anda memilih sub kegiatannya (nama itu diingat untuk bulan berikutnya) atau mengabaikannya."
    )
    st.dataframe(
        rows.assign(
            periode=[f"{month_name(int(b))} {int(t)}" for t, b in zip(rows["tahun"], rows["bulan"])],
            pagu_rp=rows["pagu"].map(rupiah),
            realisasi_rp=rows["realisasi_keuangan"].map(rupiah),
        )[["id", "opd", "periode", "file_name", "source_row", "nama", "pagu_rp", "realisasi_rp"]].rename(
            columns={
                "id": "No",
                "opd": "OPD",
                "periode": "Periode",
                "file_name": "Berkas",
                "source_row": "Baris",
                "nama": "Nama pada laporan",
                "pagu_rp": "Pagu",
                "realisasi_rp": "Realisasi keuangan",
            }
        ),
        hide_index=True,
        width="stretch",
    )
    labels = {
        int(i): f"#{int(i)} - {n} (baris {int(r)})" for i, n, r in zip(rows["id"], rows["nama"], rows["source_row"])
    }
    with st.form("held_form"):
        pick = st.selectbox("Baris", list(labels), format_func=labels.get, key="held_pick")
        row = store.held_row(int(pick)) if pick is not None else None
        options = [k for k, _ in (row or {}).get("candidates", [])]
        names = dict((row or {}).get("candidates", []))
        kode = st.selectbox(
            "Sub kegiatan menurut DPA", options, format_func=lambda k: f"{k} - {names.get(k, '')}", key="held_kode"
        )
        reason = st.text_input("Alasan bila diabaikan", key="held_reason")
        col1, col2 = st.columns(2)
        confirm = col1.form_submit_button("Konfirmasi sub kegiatan", type="primary")
        dismiss = col2.form_submit_button("Abaikan baris ini")
    try:
        if confirm and pick is not None and kode:
            held.confirm(store, user, int(pick), kode)
            st.success("Baris dimuat pada sub kegiatan yang dipilih; namanya diingat untuk laporan berikutnya.")
            st.rerun()
        if dismiss and pick is not None:
            held.dismiss(store, user, int(pick), reason)
            st.success("Baris diabaikan.")
            st.rerun()
    except (Forbidden, ValueError) as exc:
        st.error(str(exc))
