"""Materi Rakor: the meeting pack of the chosen month (SOP step 10) - a preview of its main
figures and slides, and the PPTX and XLSX downloads (audited)."""

import pandas as pd
import streamlit as st

from core import settings as settings_mod
from core.format import number, percent, period_label, points, rupiah, rupiah_compact
from exports.pack_pptx import MIME_PPTX, plan
from exports.pack_xlsx import MIME_XLSX, SHEETS
from ui.auth import require_page
from ui.charts import ranking_figure
from ui.downloads import audited_download
from ui.pack import pack_cached, pack_files_cached
from ui.safe import md_escape
from ui.state import current_period, get_store

user = require_page("materi", "materi")
store = get_store()
year, month = current_period()
cfg = settings_mod.load(store)
st.title("Materi Rakor POK")
st.caption(
    f"Bahan Rapat Koordinasi Pengendalian Operasional Kegiatan untuk keadaan s.d. akhir bulan "
    f"**{period_label(year, month)}** (pilih periode di samping): slide PowerPoint dengan grafik yang dapat "
    "disunting dan buku kerja Excel berisi angka yang sama."
)

lowest_n = st.number_input(
    "Jumlah OPD dengan serapan terendah yang ditampilkan", min_value=1, max_value=20, value=5, step=1
)
pack = pack_cached(store, year, month, cfg, int(lowest_n))
if not pack.has_data:
    st.info(
        f"Belum ada DPA atau laporan untuk {period_label(year, month)}. Pilih periode lain di samping, atau impor "
        "DPA dan laporan OPD terlebih dahulu.",
        icon=":material/inbox:",
    )
    st.stop()
if not pack.has_reports:
    st.warning(
        f"Belum ada laporan realisasi OPD untuk {period_label(year, month)}: slide peringkat, kontrak kritis "
        "dan permasalahan masih kosong.",
        icon=":material/event_busy:",
    )

t, last = pack.totals, pack.last_year


def versus(key: str) -> str | None:
    """Change against the same month last year, for st.metric's delta."""
    if last is None or t[key] is None or last[key] is None:
        return None
    return f"{points(t[key] - last[key])} poin vs {period_label(year - 1, month)}"


row1 = st.columns(4)
row1[0].metric("Pagu", rupiah_compact(t["pagu"]), help=rupiah(t["pagu"]), border=True)
row1[1].metric(
    "Realisasi keuangan", rupiah_compact(t["realisasi_keuangan"]), help=rupiah(t["realisasi_keuangan"]), border=True
)
row1[2].metric(
    "Serapan anggaran",
    percent(t["keuangan_pct"]),
    delta=versus("keuangan_pct"),
    border=True,
    help=f"Target serapan s.d. {period_label(year, month)}: {percent(pack.target_serapan)}.",
)
row1[3].metric("Realisasi fisik", percent(t["fisik_pct"]), delta=versus("fisik_pct"), border=True)
row2 = st.columns(4)
row2[0].metric("Deviasi fisik", f"{points(t['deviasi'])} poin" if t["deviasi"] is not None else "-", border=True)
row2[1].metric("OPD sudah melapor", f"{t['opd_reported']} / {t['opd_total']}", border=True)
row2[2].metric("Kontrak kritis", number(len(pack.kritis)), border=True)
late = int(pack.tindak_lanjut["terlambat"].astype(bool).sum()) if len(pack.tindak_lanjut) else 0
row2[3].metric(
    "Tindak lanjut terbuka",
    number(len(pack.tindak_lanjut)),
    border=True,
    help=f"{late} di antaranya melewati batas waktu." if late else None,
)
if last is None:
    st.caption(f"Pembanding {period_label(year - 1, month)}: belum ada laporan pada periode itu di Pantau.")

with st.spinner("Menyusun materi rakor ..."):
    pptx, xlsx = pack_files_cached(store, year, month, cfg, int(lowest_n))
c1, c2 = st.columns(2)
with c1:
    audited_download(
        "Unduh slide (PowerPoint)",
        pptx,
        f"{pack.file_stem}.pptx",
        what="materi rakor (pptx)",
        key="dl_materi_pptx",
        mime=MIME_PPTX,
        type="primary",
    )
with c2:
    audited_download(
        "Unduh buku kerja (Excel)",
        xlsx,
        f"{pack.file_stem}.xlsx",
        what="materi rakor (xlsx)",
        key="dl_materi_xlsx",
        mime=MIME_XLSX,
    )

if pack.has_reports:
    st.subheader("Peringkat OPD")
    reported = pack.recap[pack.recap["reported"].astype(bool)]
    left, right = st.columns(2)
    left.plotly_chart(
        ranking_figure(reported, "keuangan_pct", "Realisasi keuangan (%)", reported["lampu"]),
        config={"displaylogo": False},
    )
    right.plotly_chart(
        ranking_figure(reported, "fisik_pct", "Realisasi fisik (%)", reported["lampu"]), config={"displaylogo": False}
    )
    if pack.not_reported:
        st.caption("Belum melapor (tidak diperingkat): " + ", ".join(map(md_escape, pack.not_reported)) + ".")

st.subheader("Isi slide")
slides = plan(pack)
st.dataframe(
    pd.DataFrame(
        {
            "No": range(1, len(slides) + 1),
            "Judul": [s.title for s in slides],
            "Keterangan": [s.subtitle for s in slides],
        }
    ),
    hide_index=True,
    width="stretch",
)
st.caption(
    f"{len(slides)} slide 16:9; tabel paling banyak 8 baris per slide (bersambung bila lebih). Buku kerja "
    f"Excel: lembar {', '.join(SHEETS)}."
)
