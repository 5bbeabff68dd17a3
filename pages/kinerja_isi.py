"""Isi Data Kinerja: a unit (Kasi/Kasubbag) fills the realisasi of its indicators for the month
and sends them to the Sekcam (SOP "Mekanisme Pengumpulan Data Kinerja", step 3); the admin
(Kasubbag Program dan Keuangan) may fill on behalf of a unit. Locked once the Camat approved.

The target shown is the month's target of :func:`core.kinerja.month_target` (bulanan, derived
from the triwulan target by the indicator's stok/alir rule): the same number the Sekcam sees on
Review Kinerja and the recap and its Excel export show."""

import pandas as pd
import streamlit as st

from core import review
from core.format import period_label
from core.kinerja import MONTH_TARGET_RULE, month_target, month_target_heading, target_text
from core.kinerja_input import InputError, submit_values
from ui.auth import require_page
from ui.kinerja import DASH, history_frame, last_return, person, status_text, value_text, when_text
from ui.safe import md_escape, show_table
from ui.state import current_period, get_store

user = require_page("isi-kinerja", "kinerja_isi")
store = get_store()
year, month = current_period()
st.title("Isi Data Kinerja")

units = store.kinerja_units(year)
units = units[units["indikator"] > 0]
if user.role == "unit":
    units = units[units["id"] == user.unit_id]
if units.empty:
    if user.role == "unit":
        st.info(
            f"Unit kerja Anda belum memiliki indikator kinerja untuk tahun {year}. Minta Kasubbag Program dan "
            "Keuangan (admin) mengimpor Perjanjian Kinerja, atau pilih tahun lain di samping.",
            icon=":material/inbox:",
        )
    else:
        st.info(
            f"Belum ada indikator kinerja tahun {year}. Impor Perjanjian Kinerja di halaman Impor Laporan "
            "atau pilih tahun lain di samping.",
            icon=":material/inbox:",
        )
    st.stop()

names = dict(zip(units["id"].astype(int), units["nama"]))
if user.role == "unit":
    unit_id = int(user.unit_id)
else:
    unit_id = st.selectbox(
        "Unit kerja (admin mengisi atas nama unit)", list(names), format_func=names.get, key="isi_unit"
    )
unit = names[unit_id]

flash = st.session_state.pop("isi_flash", None)
if flash:
    st.success(md_escape(flash), icon=":material/task_alt:")

status = review.status_of(store, unit_id, year, month)
row = store.review_get(unit_id, year, month)
events = store.review_events(year, month, unit_id)
users = store.users()
people = dict(zip(users["username"], users["nama"]))
locked = status == "approved"
st.markdown(f"**{md_escape(unit)}** · bulan **{period_label(year, month)}** · status: **{status_text(status)}**")
if locked:
    st.error(
        md_escape(review.lock_message(unit, year, month, person(people, row["approved_by"]), row["approved_at"])),
        icon=":material/lock:",
    )
elif status == "returned":
    back = last_return(events)
    st.warning(
        f"**Dikembalikan oleh {md_escape(person(people, back['actor']))}** pada {when_text(back['created_at'])} "
        "dengan catatan:\n\n"
        f"> {md_escape(back['note'])}\n\nPerbaiki nilainya di bawah ini, lalu kirim kembali ke Sekcam.",
        icon=":material/undo:",
    )
elif status == "submitted":
    st.info(
        "Data bulan ini sudah disampaikan dan menunggu verifikasi Sekcam. Bila ada yang salah, perbaiki lalu "
        "kirim ulang; nilai lama tetap tersimpan sebagai riwayat.",
        icon=":material/outgoing_mail:",
    )
elif status == "verified":
    st.info(
        "Data bulan ini sudah diverifikasi Sekcam. Mengirim ulang nilai membuat rekap ini perlu diverifikasi ulang.",
        icon=":material/verified:",
    )
else:
    st.caption(
        "Isi realisasi setiap indikator untuk bulan ini (angka saja; desimal dengan koma, mis. 45,5), "
        "lalu tekan **Kirim ke Sekcam**. Indikator yang dikosongkan tidak dikirim."
    )

inds = store.indikator_frame(year, unit_id)
values = store.kinerja_values(year, unit_id)
now = {
    int(i): (r, k)
    for i, b, r, k in zip(values["indikator_id"], values["bulan"], values["realisasi"], values["keterangan"])
    if int(b) == month
}
WIDTHS = [0.4, 3.2, 1, 1.2, 1.3, 2]
st.caption(f"**{month_target_heading(month)}.** {MONTH_TARGET_RULE}")
with st.form(f"isi_{unit_id}_{year}_{month}", border=True):
    head = st.columns(WIDTHS, vertical_alignment="bottom")
    for col, label in zip(head, ["No", "Indikator", "Satuan", "Target bulan ini", "Realisasi", "Keterangan"]):
        col.markdown(f"**{label}**")
    entered = {}
    for ind in inds.to_dict("records"):
        ind_id = int(ind["id"])
        old = now.get(ind_id, (None, None))
        cols = st.columns(WIDTHS, vertical_alignment="center")
        cols[0].write(str(int(ind["no"])) if pd.notna(ind["no"]) else "")
        cols[1].markdown(md_escape(ind["nama"]))
        cols[2].markdown(md_escape(ind["satuan"] or "–"))
        target = month_target(ind, month)
        cols[3].markdown(
            target_text(target.nilai, ind["satuan"], DASH),
            help=(target.dasar or target.alasan or None),
        )
        val = cols[4].text_input(
            f"Realisasi {md_escape(ind['nama'])}",
            value=value_text(old[0], dash=""),
            key=f"val_{year}_{month}_{ind_id}",
            label_visibility="collapsed",
            disabled=locked,
            # a file wrote text in place of the number: the value is stored as not reported
            placeholder="tidak dilaporkan: isi angkanya" if ind_id in now and pd.isna(old[0]) else "realisasi",
        )
        ket = cols[5].text_input(
            f"Keterangan {md_escape(ind['nama'])}",
            value=old[1] if isinstance(old[1], str) else "",
            key=f"ket_{year}_{month}_{ind_id}",
            label_visibility="collapsed",
            disabled=locked,
            placeholder="keterangan (opsional)",
        )
        entered[ind_id] = (val, ket)
    note = st.text_input("Catatan untuk Sekcam (opsional)", key=f"isi_note_{unit_id}_{year}_{month}", disabled=locked)
    sent = st.form_submit_button("Kirim ke Sekcam", type="primary", icon=":material/send:", disabled=locked)

if sent:
    try:
        ids = submit_values(store, unit_id, year, month, entered, user, note=note.strip() or None)
    except InputError as exc:
        st.error(
            "Data belum dikirim; perbaiki dahulu:\n\n" + "\n".join(f"- {p}" for p in exc.problems),
            icon=":material/error:",
        )
    except review.ReviewError as exc:  # Locked included
        st.error(md_escape(str(exc)), icon=":material/block:")
    else:
        st.session_state["isi_flash"] = (
            f"{len(ids)} nilai indikator {unit} bulan {period_label(year, month)} "
            "terkirim ke Sekcam untuk diverifikasi."
        )
        st.rerun()

if not events.empty:
    with st.expander("Riwayat penyampaian dan review bulan ini", icon=":material/history:"):
        show_table(history_frame(events, people), hide_index=True)
