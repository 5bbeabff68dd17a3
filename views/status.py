"""Status pengumpulan: who has reported for the month (when received, which file, flagged rows),
who is late or missing (by the received date against the deadline), a ready reminder per OPD to
chase, and (admin) the received date of a report that came on paper or by e-mail earlier."""

import datetime as dt

import streamlit as st

from core.access import Forbidden
from core.format import number, period_label
from core.received import ReceivedError, set_received
from core.status import REMINDERS_LISTED, reminder_text, reporting_status, status_counts, whatsapp_link
from ui import cache
from ui.auth import require_page
from ui.downloads import audited_download
from ui.safe import md_escape
from ui.state import current_period, current_wilayah, get_store, with_wilayah
from ui.tables import STATUS_LABEL as LABEL
from ui.tables import status_export, status_screen

user = require_page("status", "status")
store = get_store()
year, month = current_period()
cfg = cache.settings(store)
wilayah = current_wilayah()
st.title(with_wilayah("Status Pengumpulan Laporan"))
if "flash_status" in st.session_state:
    st.success(md_escape(st.session_state.pop("flash_status")), icon=":material/check_circle:")
raw = cache.reporting_status(store, year, month, user.opd_scope, wilayah=wilayah)
if raw.empty:
    st.info(
        "Belum ada DPA untuk tahun ini, jadi daftar OPD belum ada. Impor DPA terlebih dahulu.", icon=":material/inbox:"
    )
    st.stop()
status = reporting_status(raw, year, month, cfg)
deadline = cfg.deadline(year, month)
done = status["status"].isin(["tepat_waktu", "terlambat"])
st.caption(
    f"Laporan {period_label(year, month)} paling lambat **{deadline:%d-%m-%Y}** (tanggal {cfg.batas_hari} "
    "bulan berikutnya; ubah di Pengaturan). Keterlambatan dihitung dari tanggal laporan diterima: tanggal unggah, "
    "atau tanggal yang dicatat admin untuk laporan yang lebih dahulu diterima dalam bentuk cetak atau lewat surel."
)
counts = status_counts(status)
c = st.columns(3)
c[0].metric("Sudah lapor", f"{counts['reported']} / {counts['total']}", border=True)
c[1].metric("Terlambat", number(counts["late"]), border=True)
c[2].metric("Belum lapor", number(counts["missing"]), border=True)

status_screen(status).show()
audited_download(
    "Unduh Excel",
    cache.xlsx(
        status_export(status),
        f"Status Pengumpulan Laporan - {period_label(year, month)}",
        f"Batas penyampaian {deadline:%d-%m-%Y}",
    ),
    f"status_pengumpulan_{year}-{month:02d}.xlsx",
    what="status pengumpulan",
    key="dl_status",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

chase = status[~done]
st.subheader("OPD yang perlu diingatkan")
if chase.empty:
    st.success("Semua OPD sudah menyampaikan laporan.", icon=":material/check_circle:")
else:
    st.caption(
        "Salin pesan (tombol salin di pojok kotak) atau buka WhatsApp dengan pesan terisi; pilih penerimanya "
        "di WhatsApp. Pantau tidak mengirim apa pun sendiri."
    )
    rows = list(chase.itertuples())
    if len(rows) > REMINDERS_LISTED:  # a province: one OPD at a time, not hundreds of boxes
        chase_labels = {
            i: f"{r.opd if isinstance(r.opd, str) else r.opd_kode} - {LABEL[r.status].split(' ', 1)[1]}"
            for i, r in enumerate(rows)
        }
        chosen = st.selectbox(
            f"OPD ({number(len(rows))} perlu diingatkan)",
            list(chase_labels),
            format_func=chase_labels.get,
            key="status_ingatkan",
        )
        rows = [rows[chosen]]
    for row in rows:
        name = row.opd if isinstance(row.opd, str) else row.opd_kode
        with st.expander(f"{md_escape(name)} - {LABEL[row.status]}", expanded=len(rows) == 1):
            text = reminder_text(name, year, month, cfg, today=dt.date.today())
            st.code(text, language=None, wrap_lines=True)
            st.link_button("Kirim lewat WhatsApp", whatsapp_link(text), icon=":material/chat:")

reported = status[status["import_id"].notna()]
if user.is_admin and not reported.empty:
    st.subheader("Ubah tanggal diterima")
    st.caption(
        "Untuk laporan yang sudah diterima dalam bentuk cetak atau lewat surel sebelum diunggah. Tanggal tidak "
        "boleh sesudah tanggal unggah; alasan wajib diisi dan perubahan dicatat di Log Audit."
    )
    names = {
        int(r.import_id): f"{r.opd if isinstance(r.opd, str) else r.opd_kode} (diterima {r.received_at:%d-%m-%Y})"
        for r in reported.itertuples()
    }
    with st.form("received_form"):
        chosen = st.selectbox("Laporan", list(names), format_func=names.get, key="received_import")
        c1, c2 = st.columns([1, 2])
        when = c1.date_input("Tanggal diterima", dt.date.today(), format="DD-MM-YYYY", key="received_date")
        reason = c2.text_input("Alasan", placeholder="mis. diterima dalam bentuk cetak di loket", key="received_reason")
        if st.form_submit_button("Simpan tanggal diterima", icon=":material/event_available:"):
            try:
                set_received(store, user, int(chosen), when, reason)
            except (ReceivedError, Forbidden) as e:
                st.error(md_escape(str(e)), icon=":material/error:")
            else:
                st.session_state["flash_status"] = (
                    f"Tanggal diterima laporan {names[int(chosen)].rsplit(' (', 1)[0]} menjadi {when:%d-%m-%Y}."
                )
                st.rerun()
