"""Pengaturan: the kabupaten/kota of each OPD in a province install (issue 18, item 3), edited
in one table by an admin (:meth:`db.store.Store.set_wilayah`, audited)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import settings as settings_mod
from core.access import User
from core.format import number
from db.store import Store, wilayah_name

KODE, OPD, WILAYAH = "Kode", "OPD", "Kabupaten/Kota"


def wilayah_frame(opds: list) -> pd.DataFrame:
    """The OPDs (rows of ``Store.opds``) with their kabupaten/kota ("" where none), by kode."""
    rows = sorted(opds, key=lambda o: o.kode)
    return pd.DataFrame(
        {KODE: [o.kode for o in rows], OPD: [o.nama for o in rows], WILAYAH: [o.wilayah or "" for o in rows]}
    )


def wilayah_changes(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, str | None]:
    """kode -> new kabupaten/kota (``None``: cleared) of the rows whose kabupaten/kota the table edit
    changed (spaces tidied; the kode column is not editable)."""

    def tidy(v) -> str:
        return wilayah_name(v) or ""

    old = dict(zip(before[KODE], before[WILAYAH].map(tidy)))
    return {k: (tidy(v) or None) for k, v in zip(after[KODE], after[WILAYAH]) if tidy(v) != old.get(k, "")}


def wilayah_section(store: Store, user: User, nama_daerah: str) -> None:
    """The section, shown for a province (Nama daerah "Provinsi ...") or once any OPD names its
    kabupaten/kota; nothing before the DPA brings OPDs."""
    opds = store.opds()
    named = any(o.wilayah for o in opds)
    if not opds or not (named or settings_mod.split_daerah(nama_daerah)[0] == "Provinsi"):
        return
    st.divider()
    st.subheader("Kabupaten/Kota per OPD")
    st.caption(
        "Untuk pemerintah provinsi yang menghimpun laporan kabupaten/kota: tulis kabupaten/kota setiap OPD. "
        "Setelah disimpan, pilihan Kabupaten/Kota muncul di samping (di bawah periode) dan semua rekap mengikuti "
        "pilihan itu. Kosongkan untuk OPD provinsi sendiri. Dari baris perintah: "
        '`python -m cli wilayah set "Kabupaten ..." --kode-awal 3201/`.'
    )
    frame = wilayah_frame(opds)
    edited = st.data_editor(
        frame,
        key="wilayah_editor",
        hide_index=True,
        width="stretch",
        disabled=[KODE, OPD],
        column_config={WILAYAH: st.column_config.TextColumn(WILAYAH, max_chars=120)},
    )
    changes = wilayah_changes(frame, edited)
    if st.button(
        f"Simpan kabupaten/kota ({number(len(changes))} OPD berubah)",
        disabled=not changes,
        icon=":material/save:",
        key="wilayah_save",
    ):
        n = store.set_wilayah(changes, user.username)
        st.session_state["flash_pengaturan"] = f"Kabupaten/kota {number(n)} OPD disimpan."
        st.rerun()
