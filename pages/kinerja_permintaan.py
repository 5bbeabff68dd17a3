"""Permintaan Data Kinerja: the Kasubbag Program dan Keuangan (admin) sends each unit its
pre-filled request format for the month and records it (SOP steps 1-2), records the staff's
compilation (step 4), and everyone involved follows each unit through requested -> submitted
-> compiled -> analysed -> verified/returned -> approved, with who, when and how long each step
took against the SOP's times (late steps stand out)."""

import datetime as dt

import streamlit as st

from core import review
from core.format import period_label
from exports.table_xlsx import table_to_xlsx
from ui.auth import require_page
from ui.downloads import audited_download
from ui.kinerja import late_css, steps_frame, tracking_frame, when_text
from ui.kinerja_downloads import formats_zip_cached
from ui.safe import md_escape, show_table
from ui.state import current_period, get_store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

user = require_page("permintaan-kinerja", "kinerja_permintaan")
store = get_store()
year, month = current_period()
label = period_label(year, month)
st.title("Permintaan Data Kinerja")
st.caption(
    f"Bulan **{label}**. Alur SOP Mekanisme Pengumpulan Data Kinerja: format permintaan dikirim ke setiap "
    "Kasi/Kasubbag (15 menit) → unit mengisi (2 hari kerja) → staf menghimpun (480 menit) → Kasubbag "
    "menganalisis (360 menit) → Sekcam memverifikasi (360 menit) → Camat menyetujui (60 menit). "
    "Waktu dihitung dalam jam kerja (Senin-Jumat 08.00-16.00)."
)

units = store.kinerja_units(year)
units = units[units["indikator"] > 0].reset_index(drop=True)
if units.empty:
    st.info(
        f"Belum ada indikator kinerja tahun {year}. Impor Perjanjian Kinerja (PK) di halaman Impor Laporan, "
        "atau pilih tahun lain di samping.",
        icon=":material/inbox:",
    )
    st.stop()

flash = st.session_state.pop("permintaan_flash", None)
if flash:
    st.success(md_escape(flash), icon=":material/task_alt:")

names = dict(zip(units["id"].astype(int), units["nama"]))
reviews = store.review_rows(year, month)
status = {int(u): s for u, s in zip(reviews["unit_id"], reviews["status"])}
events = store.review_events(year, month)
requested = set(events.loc[events["step"] == "requested", "unit_id"].astype(int))

st.subheader("1. Format permintaan data")
audited_download(
    f"Unduh format permintaan semua unit (zip, {len(names)} berkas Excel)",
    formats_zip_cached(store, year, month),
    f"format_data_kinerja_{year}-{month:02d}.zip",
    what=f"format permintaan data kinerja {label}",
    key="dl_formats",
    mime="application/zip",
    type="primary",
)
st.caption(
    "Setiap berkas sudah berisi indikator unit, satuan, dan target triwulan; unit mengisi kolom Realisasi dan "
    "Keterangan lalu mengirim kembali berkasnya (diunggah di Impor Laporan), atau mengisi langsung di halaman "
    "Isi Data Kinerja."
)

if user.role == "admin":
    can_request = [u for u in names if review.refusal(user, "requested", status.get(u, "draft"), u) is None]
    with st.form("catat_permintaan", border=True):
        st.markdown(
            "**Catat pengiriman format** (SOP langkah 1-2): pilih unit yang sudah dikirimi format. Yang "
            "terpilih: unit yang belum dimintai dan belum menyampaikan data."
        )
        waiting = [u for u in can_request if u not in requested and status.get(u, "draft") in ("draft", "returned")]
        chosen = st.multiselect(
            "Unit", can_request, default=waiting, format_func=names.get, key="req_units", placeholder="Pilih unit"
        )
        if st.form_submit_button("Catat: permintaan data sudah dikirim", icon=":material/outgoing_mail:"):
            if not chosen:
                st.error("Pilih sedikitnya satu unit.", icon=":material/error:")
            else:
                try:
                    done = review.record_step(store, year, month, "requested", user, unit_ids=[int(u) for u in chosen])
                except review.ReviewError as exc:
                    st.error(md_escape(str(exc)), icon=":material/error:")
                else:
                    st.session_state["permintaan_flash"] = f"Permintaan data {label} tercatat untuk {len(done)} unit."
                    st.rerun()
    submitted = [u for u in names if status.get(u) == "submitted"]
    compiled = set(events.loc[events["step"] == "compiled", "unit_id"].astype(int))
    todo = [u for u in submitted if u not in compiled]
    if todo:
        st.caption(
            f"Data dari {len(todo)} unit sudah masuk tetapi belum dicatat dihimpun: "
            + ", ".join(md_escape(names[u]) for u in todo)
            + "."
        )
        if st.button(
            "Catat: data sudah dihimpun staf (SOP langkah 4)", icon=":material/inventory:", key="catat_himpun"
        ):
            try:
                done = review.record_step(store, year, month, "compiled", user, unit_ids=todo)
            except review.ReviewError as exc:
                st.error(md_escape(str(exc)), icon=":material/error:")
            else:
                st.session_state["permintaan_flash"] = f"Penghimpunan data {label} tercatat untuk {len(done)} unit."
                st.rerun()

st.subheader("2. Pelacakan per unit")
now = dt.datetime.now()
durations = review.step_durations(store, year, month, now=now)
track = tracking_frame(durations, units, reviews)
counts = review.request_counts(names, reviews, events, durations)
c = st.columns(4)
c[0].metric("Format terkirim", f"{counts['requested']} / {counts['total']}", border=True)
c[1].metric("Sudah menyampaikan", counts["submitted"], border=True)
c[2].metric("Disetujui 🔒", counts["approved"], border=True)
c[3].metric("Unit melebihi waktu SOP", counts["late"], border=True)
st.caption(
    "Tiap sel: tanggal dan jam selesai · oleh · lama langkah itu (jam kerja). ⚠️ = lebih lama dari waktu "
    f"SOP; baris merah: ada langkah yang terlambat. Keadaan per {when_text(now)}."
)
show_table(track.style.apply(late_css, axis=1).hide(axis="index"), hide_index=True)
audited_download(
    "Unduh Excel (pelacakan)",
    table_to_xlsx(
        track.assign(Status=[s.split(" ", 1)[-1] for s in track["Status"]]),
        f"Pelacakan Pengumpulan Data Kinerja - {label}",
        f"Keadaan per {when_text(now)}; lama dalam jam kerja (Senin-Jumat 08.00-16.00)",
    ),
    f"pelacakan_kinerja_{year}-{month:02d}.xlsx",
    what="pelacakan data kinerja",
    key="dl_tracking",
    mime=XLSX,
)

with st.expander("Rincian setiap langkah dan waktunya", icon=":material/timer:"):
    if durations.empty:
        st.caption("Belum ada langkah tercatat bulan ini.")
    else:
        steps = steps_frame(durations)
        show_table(steps.style.apply(late_css, axis=1).hide(axis="index"), hide_index=True)
