"""Materi Rakor: the meeting pack of the chosen month (SOP step 10) - what it will hold (main
figures, counts of its lists, the rankings) at once from the recap summary, and the PPTX and XLSX
downloads (audited): built on the first run for a kabupaten, when asked for a province."""

import datetime as dt

import pandas as pd
import streamlit as st

from core import settings as settings_mod
from core.format import number, percent, period_label, points, rupiah, rupiah_compact
from exports.pack_pptx import MIME_PPTX, outline, plan
from exports.pack_xlsx import MIME_XLSX, SHEETS
from ui import cache
from ui.auth import require_page
from ui.downloads import audited_download
from ui.pack import EAGER_PACK_SUB_KEGIATAN, pack_cached, pack_files_cached, preview_cached
from ui.safe import md_escape
from ui.state import current_period, current_wilayah, get_store, with_wilayah
from ui.tables import RANK_LIMIT, ranking_search

MISSING_NAMED = 15  # OPDs named in the "belum melapor" caption (a province has hundreds)
BUILT = "materi_built"  # session key: the pack the user asked to build (data version, period, options)

user = require_page("materi", "materi")
store = get_store()
year, month = current_period()
cfg = cache.settings(store)
wilayah = current_wilayah()
st.title(with_wilayah("Materi Rakor POK"))
st.caption(
    f"Bahan Rapat Koordinasi Pengendalian Operasional Kegiatan untuk keadaan s.d. akhir bulan "
    f"**{period_label(year, month)}** (pilih periode di samping): slide PowerPoint dengan grafik yang dapat "
    "disunting dan buku kerja Excel (lampiran) berisi angka yang sama dan daftar yang lengkap."
)

opt1, opt2 = st.columns(2)
lowest_n = opt1.number_input(
    "Jumlah OPD dengan serapan terendah yang ditampilkan", min_value=1, max_value=20, value=5, step=1
)
top_n = opt2.number_input(
    "Baris paling banyak per daftar pada slide",
    min_value=settings_mod.MATERI_BARIS_MIN,
    max_value=settings_mod.MATERI_BARIS_MAX,
    value=int(min(max(cfg.materi_baris_slide, settings_mod.MATERI_BARIS_MIN), settings_mod.MATERI_BARIS_MAX)),
    step=5,
    help="Kontrak kritis (yang paling tertinggal lebih dulu), OPD belum melapor, permasalahan dan tindak lanjut "
    "pada slide dibatasi sebanyak ini; peringkat OPD menampilkan sebanyak ini teratas dan terbawah. Slide "
    "menyebut berapa yang tidak ditampilkan; lampiran Excel memuat daftar lengkap. Nilai awalnya diatur di "
    "Pengaturan.",
)
lowest_n, top_n = int(lowest_n), int(top_n)
preview = preview_cached(store, year, month, cfg, lowest_n, top_n, wilayah)
if not preview.has_data:
    st.info(
        f"Belum ada DPA atau laporan untuk {period_label(year, month)}. Pilih periode lain di samping, atau impor "
        "DPA dan laporan OPD terlebih dahulu.",
        icon=":material/inbox:",
    )
    st.stop()
if not preview.has_reports:
    st.warning(
        f"Belum ada laporan realisasi OPD untuk {period_label(year, month)}: slide peringkat, kontrak kritis "
        "dan permasalahan masih kosong.",
        icon=":material/event_busy:",
    )

t, last = preview.totals, preview.last_year


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
    help=f"Target serapan s.d. {period_label(year, month)}: {percent(preview.target_serapan)}.",
)
row1[3].metric("Realisasi fisik", percent(t["fisik_pct"]), delta=versus("fisik_pct"), border=True)
row2 = st.columns(4)
row2[0].metric("Deviasi fisik", f"{points(t['deviasi'])} poin" if t["deviasi"] is not None else "-", border=True)
row2[1].metric("OPD sudah melapor", f"{number(t['opd_reported'])} / {number(t['opd_total'])}", border=True)
row2[2].metric("Kontrak kritis", number(preview.kritis_total), border=True)
tl = preview.tindak_lanjut
late = int(tl["terlambat"].astype(bool).sum()) if len(tl) else 0
row2[3].metric(
    "Tindak lanjut terbuka",
    number(len(tl)),
    border=True,
    help=f"{late} di antaranya melewati batas waktu." if late else None,
)
if last is None:
    st.caption(f"Pembanding {period_label(year - 1, month)}: belum ada laporan pada periode itu di Pantau.")

st.subheader("Isi materi")
st.dataframe(outline(preview), hide_index=True, width="stretch")
st.caption(
    f"Daftar yang lebih panjang dari {number(top_n)} baris dipotong pada slide, dengan keterangan berapa yang "
    f"tidak ditampilkan; lampiran Excel (lembar {', '.join(SHEETS)}) memuat semuanya."
)

# A kabupaten's pack is built on the first run (about a second); a province's (hundreds of
# thousands of sub kegiatan) when the user asks, once per state of the data and options.
wanted = (str(store.path), store.data_version(), year, month, lowest_n, top_n, dt.date.today().isoformat(), wilayah)
eager = int(t["sub_kegiatan"] or 0) <= EAGER_PACK_SUB_KEGIATAN
if not eager and st.session_state.get(BUILT) != wanted:
    st.info(
        f"Materi rakor untuk {number(t['sub_kegiatan'])} sub kegiatan disusun bila diminta (dapat memakan waktu "
        "hingga beberapa menit): tekan tombol di bawah, lalu unduh slide dan buku kerjanya.",
        icon=":material/hourglass_top:",
    )
    if st.button("Susun materi rakor", type="primary", icon=":material/slideshow:", key="susun_materi"):
        st.session_state[BUILT] = wanted
if eager or st.session_state.get(BUILT) == wanted:
    with st.spinner("Menyusun materi rakor ..."):
        pack = pack_cached(store, year, month, cfg, lowest_n, top_n, wilayah)
        pptx, xlsx = pack_files_cached(store, year, month, cfg, lowest_n, top_n, wilayah)
    slides = plan(pack)
    c1, c2 = st.columns(2)
    with c1:
        audited_download(
            f"Unduh slide (PowerPoint, {number(len(slides))} slide)" if not eager else "Unduh slide (PowerPoint)",
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
    with st.expander(f"Daftar slide ({number(len(slides))} slide 16:9)", expanded=eager):
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
        st.caption("Tabel paling banyak 8 baris per slide (bersambung bila lebih).")

if preview.has_reports:
    st.subheader("Peringkat OPD")
    lit = preview.recap
    left, right = st.columns(2)
    left.plotly_chart(
        cache.ranking_figure(lit, "keuangan_pct", "Realisasi keuangan (%)", lit["lampu"], RANK_LIMIT),
        config={"displaylogo": False},
    )
    right.plotly_chart(
        cache.ranking_figure(lit, "fisik_pct", "Realisasi fisik (%)", lit["lampu"], RANK_LIMIT),
        config={"displaylogo": False},
    )
    ranked = preview.ranked
    if ranked > 2 * RANK_LIMIT:
        st.caption(
            f"Ditampilkan {RANK_LIMIT} OPD teratas dan {RANK_LIMIT} terbawah dari {number(ranked)} OPD; cari OPD "
            "lain di bawah."
        )
        query = st.text_input(
            "Cari peringkat OPD", placeholder="Ketik sebagian nama OPD, lalu Enter", key="cari_peringkat_materi"
        )
        if query.strip():
            found = ranking_search(lit, query)
            if found.frame.empty:
                st.caption(f"Tidak ada OPD yang cocok dengan \u201c{md_escape(query)}\u201d.")
            else:
                found.show()
    missing = preview.not_reported
    if missing:
        named = ", ".join(map(md_escape, missing[:MISSING_NAMED]))
        more = len(missing) - MISSING_NAMED
        st.caption(
            "Belum melapor (tidak diperingkat): "
            + named
            + (f", dan {number(more)} OPD lainnya (lihat Status Pengumpulan)." if more > 0 else ".")
        )
