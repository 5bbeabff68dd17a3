"""Status pengumpulan: who has reported for the month (when, which file, flagged rows), who
is late or missing, and a ready reminder per OPD to chase."""

import pandas as pd
import streamlit as st

from core.format import number, period_label
from core.status import reminder_text, reporting_status, status_counts, whatsapp_link
from ui import cache
from ui.auth import require_page
from ui.downloads import audited_download
from ui.safe import md_escape
from ui.state import current_period, get_store

LABEL = {
    "tepat_waktu": "🟢 Tepat waktu",
    "terlambat": "🟡 Terlambat",
    "belum": "⚪ Belum lapor",
    "belum_lewat_batas": "🔴 Belum lapor (lewat batas)",
}

user = require_page("status", "status")
store = get_store()
year, month = current_period()
cfg = cache.settings(store)
st.title("Status Pengumpulan Laporan")
raw = cache.reporting_status(store, year, month, user.opd_scope)
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
    "bulan berikutnya; ubah di Pengaturan)."
)
counts = status_counts(status)
c = st.columns(3)
c[0].metric("Sudah lapor", f"{counts['reported']} / {counts['total']}", border=True)
c[1].metric("Terlambat", number(counts["late"]), border=True)
c[2].metric("Belum lapor", number(counts["missing"]), border=True)

table = pd.DataFrame(
    {
        "OPD": status["opd"].fillna(status["opd_kode"]),
        "Status": status["status"].map(LABEL),
        "Diterima": status["created_at"].dt.strftime("%d-%m-%Y %H:%M").fillna("-"),
        "Berkas": status["file_name"].fillna("-"),
        "Oleh": status["created_by"].fillna("-"),
        "Baris": status["rows_accepted"].map(lambda v: number(v) if pd.notna(v) else "-"),
        "Baris bercatatan": status["rows_flagged"].map(lambda v: number(v) if pd.notna(v) else "-"),
        "Versi": status["versi"].map(lambda v: number(v) if pd.notna(v) else "-"),
    }
)
st.dataframe(table, hide_index=True, width="stretch")
audited_download(
    "Unduh Excel",
    cache.xlsx(
        table.assign(Status=status["status"].map(lambda s: LABEL[s].split(" ", 1)[1])),
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
    for row in chase.itertuples():
        name = row.opd if isinstance(row.opd, str) else row.opd_kode
        with st.expander(f"{md_escape(name)} - {LABEL[row.status]}"):
            text = reminder_text(name, year, month, cfg)
            st.code(text, language=None, wrap_lines=True)
            st.link_button("Kirim lewat WhatsApp", whatsapp_link(text), icon=":material/chat:")
