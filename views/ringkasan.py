"""Ringkasan: KPI cards and the recap per OPD for the chosen month."""

import streamlit as st

from core import settings as settings_mod
from core.format import number, percent, period_label, points, rupiah, rupiah_compact
from core.recap import kabupaten_totals
from core.received import apply_demo_received
from etl.demo import load_demo
from exports.table_xlsx import PERCENT, RUPIAH
from ui import cache
from ui.auth import require_page
from ui.charts import serapan_figure
from ui.downloads import audited_download
from ui.safe import md_escape
from ui.state import current_period, current_user, current_wilayah, get_store, set_period
from ui.tables import RANK_LIMIT, ranking_search, recap_export, table_and_cards, wilayah_screen, with_lights

MISSING_NAMED = 15  # OPDs named in the "belum melapor" warning (a province has hundreds)

user = require_page("", "ringkasan")
store = get_store()
year, month = current_period()
scope = user.opd_scope
scope_name = next((o.nama for o in cache.opds(store) if o.kode == scope), scope) if scope else None
wilayah = current_wilayah()
# a province install over all its kabupaten/kota: one row per kabupaten/kota, not 1,400 OPDs
by_wilayah = not scope and not wilayah and bool(cache.wilayah_list(store))
st.title("Ringkasan Realisasi" + (f" - {md_escape(scope_name or wilayah)}" if scope or wilayah else ""))
st.caption(
    f"Keadaan s.d. akhir bulan **{period_label(year, month)}**. Angka kumulatif dari laporan OPD yang "
    "berlaku; OPD yang belum melapor dihitung dengan pagu DPA tanpa realisasi."
)

if cache.is_empty(store):
    if not user.is_admin:
        st.info(
            "Belum ada data di Pantau. Admin (Bagian Administrasi Pembangunan) perlu memuat DPA terlebih "
            "dahulu" + ("; setelah itu unggah laporan OPD Anda pada halaman **Impor Laporan**." if scope else "."),
            icon=":material/inbox:",
        )
        st.stop()
    if "flash" in st.session_state:
        st.success(md_escape(st.session_state.pop("flash")), icon=":material/check_circle:")
    st.info(
        "**Selamat datang di Pantau.** Basis data masih kosong. Mulai dengan mengimpor DPA dan laporan "
        "realisasi OPD pada halaman **Impor Laporan**, atau coba dulu dengan data contoh.",
        icon=":material/waving_hand:",
    )
    st.page_link("views/impor.py", label="Buka halaman Impor Laporan", icon=":material/upload_file:")
    st.caption(
        "Data contoh memakai daerah fiktif (Kabupaten Tanjung Makmur): selama data contoh ada, kop dan "
        "penandatangan pada unduhan memakai daerah fiktif itu. Pengaturan daerah Anda tetap tersimpan dan "
        "berlaku lagi setelah data contoh dihapus."
    )
    agree = st.checkbox("Saya mengerti, muat data contoh yang fiktif", key="demo_agree")
    if st.button("Muat data contoh (Kabupaten Tanjung Makmur, fiktif)", icon=":material/dataset:", disabled=not agree):
        bar = st.progress(0.0, text="Memuat data contoh ...")
        before = store.import_ids()
        results = load_demo(
            store, current_user(), progress=lambda d, t, n: bar.progress(d / t, text=f"Memuat {d} dari {t}: {n}")
        )
        demo = sorted(store.import_ids() - before)
        settings_mod.begin_demo(store, user, demo)
        apply_demo_received(store, user, demo, settings_mod.load(store))
        periods = store.periods()
        ok = sum(r["status"] in ("accepted", "flagged") for r in results)
        st.session_state["flash"] = f"Data contoh dimuat: {ok} laporan. Ini data fiktif, bukan data resmi."
        if periods:
            set_period(*periods[0])
        st.rerun()
    st.stop()

if "flash" in st.session_state:
    st.success(md_escape(st.session_state.pop("flash")), icon=":material/check_circle:")
if user.is_admin and settings_mod.demo_active(store):
    with st.expander("Data contoh (fiktif) sedang dipakai", icon=":material/dataset:"):
        st.write(
            "Kop dan penandatangan unduhan memakai daerah fiktif data contoh. Hapus data contoh untuk kembali "
            "ke pengaturan daerah Anda dan mulai mengimpor data sendiri."
        )
        sure = st.checkbox("Ya, hapus semua data contoh", key="demo_remove_agree")
        if st.button("Hapus data contoh", icon=":material/delete:", disabled=not sure):
            n = settings_mod.remove_demo(store, user)
            st.session_state["flash"] = f"Data contoh dihapus ({n} berkas impor). Pengaturan daerah Anda berlaku lagi."
            st.rerun()

recap = cache.recap_opd(store, year, month, scope, wilayah=wilayah)
if recap.empty:
    st.warning(
        f"Belum ada DPA atau laporan untuk {period_label(year, month)}. Pilih periode lain di samping, "
        "atau impor laporannya.",
        icon=":material/event_busy:",
    )
    st.stop()
tot = kabupaten_totals(recap)

if tot["opd_reported"] == 0:
    st.info(
        f"Belum ada laporan OPD untuk {period_label(year, month)}. Pagu di bawah berasal dari DPA; "
        "unggah laporan pada halaman Impor Laporan atau pilih bulan lain di samping.",
        icon=":material/inbox:",
    )

cfg = cache.settings(store)
last = cache.same_period_last_year(store, year, month, scope, wilayah=wilayah)
last_label = period_label(year - 1, month)
kritis = cache.kritis_recap(store, year, month, scope, cfg.kritis_awal_poin, cfg.kritis_akhir_poin, wilayah=wilayah)


def versus(key: str, unit: str) -> str | None:
    """Change against the same month last year, for st.metric's delta (None without data)."""
    if last is None or tot[key] is None or last[key] is None:
        return None
    return f"{points(tot[key] - last[key])} {unit} vs {last_label}"


row1 = st.columns(3)
row1[0].metric("Pagu", rupiah_compact(tot["pagu"]), help=rupiah(tot["pagu"]), border=True)
row1[1].metric(
    "Realisasi keuangan", rupiah_compact(tot["realisasi_keuangan"]), help=rupiah(tot["realisasi_keuangan"]), border=True
)
row1[2].metric(
    "Serapan anggaran",
    percent(tot["keuangan_pct"]),
    border=True,
    delta=versus("keuangan_pct", "poin"),
    help=f"Realisasi keuangan dibagi pagu. Target serapan s.d. {period_label(year, month)}: "
    f"{percent(cfg.target_for(month))}.",
)
row2 = st.columns(4)
row2[0].metric(
    "Realisasi fisik",
    percent(tot["fisik_pct"]),
    border=True,
    delta=versus("fisik_pct", "poin"),
    help="Rata-rata fisik sub kegiatan tertimbang pagu.",
)
row2[1].metric(
    "Deviasi fisik",
    f"{points(tot['deviasi'])} poin" if tot["deviasi"] is not None else "-",
    border=True,
    help="Realisasi fisik dikurangi target fisik; negatif berarti terlambat.",
)
row2[2].metric("OPD sudah lapor", f"{tot['opd_reported']} / {tot['opd_total']}", border=True)
row2[3].metric(
    "Sub kegiatan kritis",
    f"{len(kritis)}",
    border=True,
    help=f"Kontrak fisik konstruksi yang tertinggal lebih dari {cfg.kritis_awal_poin:g} poin (rencana "
    f"0-70 %) atau {cfg.kritis_akhir_poin:g} poin (rencana 70-100 %). Rinciannya di halaman Fisik "
    "vs Non Fisik.",
)
if last is None:
    st.caption(f"Pembanding {last_label}: belum ada laporan pada periode itu di Pantau.")

st.subheader("Serapan anggaran terhadap target")
curve = cache.kurva_s(store, year, scope, upto=month, wilayah=wilayah)
last_curve = cache.kurva_s(store, year - 1, scope, upto=12, wilayah=wilayah) if last is not None else None
st.plotly_chart(
    serapan_figure(
        curve,
        cfg.target_serapan,
        f"Serapan kumulatif {year} terhadap target serapan",
        last_curve,
        f"Realisasi {year - 1}",
    ),
    config={"displaylogo": False},
)

# the rows ranked and tabled: the OPDs, or (a whole province) its kabupaten/kota
unit = "kabupaten/kota" if by_wilayah else "OPD"
rows = (
    cache.province_overview(store, year, month).assign(opd=lambda d: d["wilayah"], singkatan=None)
    if by_wilayah
    else recap
)
if not scope and tot["opd_reported"]:
    st.subheader("Peringkat Kabupaten/Kota" if by_wilayah else "Peringkat OPD")
    lit = with_lights(rows, cfg.target_for(month), cfg.kuning_poin, cfg.merah_poin)
    left, right = st.columns(2)
    left.plotly_chart(
        cache.ranking_figure(lit, "keuangan_pct", "Realisasi keuangan (%)", lit["lampu"], RANK_LIMIT),
        config={"displaylogo": False},
    )
    right.plotly_chart(
        cache.ranking_figure(lit, "fisik_pct", "Realisasi fisik (%)", lit["lampu"], RANK_LIMIT),
        config={"displaylogo": False},
    )
    ranked = int(lit["keuangan_pct"].notna().sum())
    st.caption(
        f"Warna batang: lampu lalu lintas {unit} (hijau, kuning, merah) menurut deviasi fisik dan serapan "
        f"terhadap target bulan ini. {unit[0].upper() + unit[1:]} yang belum melapor tidak diperingkat."
        + (
            f" Ditampilkan {RANK_LIMIT} {unit} teratas dan {RANK_LIMIT} terbawah dari {number(ranked)} {unit}; "
            f"cari {unit} lain di bawah."
            if ranked > 2 * RANK_LIMIT
            else ""
        )
    )
    if ranked > 2 * RANK_LIMIT:
        query = st.text_input(
            f"Cari peringkat {unit}", placeholder=f"Ketik sebagian nama {unit}, lalu Enter", key="cari_peringkat"
        )
        if query.strip():
            found = ranking_search(lit, query)
            if found.frame.empty:
                st.caption(f"Tidak ada {unit} yang cocok dengan \u201c{md_escape(query)}\u201d.")
            else:
                found.show()

if by_wilayah and 0 < tot["opd_reported"] < tot["opd_total"]:
    late = rows[rows["opd_reported"] < rows["opd_total"]]
    st.warning(
        f"{number(tot['opd_total'] - tot['opd_reported'])} OPD di {number(len(late))} kabupaten/kota belum "
        f"menyampaikan laporan {period_label(year, month)}: jumlahnya per kabupaten/kota ada pada kolom "
        "**OPD lapor** di bawah, nama OPD-nya di halaman Status Pengumpulan.",
        icon=":material/schedule:",
    )
elif 0 < tot["opd_reported"] < tot["opd_total"]:
    missing = recap.loc[~recap["reported"], "opd"].tolist()
    named = ", ".join(map(md_escape, missing[:MISSING_NAMED]))
    more = len(missing) - MISSING_NAMED
    st.warning(
        f"{number(len(missing))} OPD belum menyampaikan laporan {period_label(year, month)}: {named}"
        + (f", dan {number(more)} OPD lainnya (lihat Status Pengumpulan)." if more > 0 else ""),
        icon=":material/schedule:",
    )

if by_wilayah:
    st.subheader("Rekap per Kabupaten/Kota")
    st.caption("Pilih kabupaten/kota di samping (di bawah periode) untuk melihat rekap OPD-nya.")
    table_and_cards(
        wilayah_screen(rows, recap, cfg.target_for(month), cfg.kuning_poin, cfg.merah_poin),
        "ringkasan",
        name_label="Kabupaten/Kota",
        key="tabel_rekap",
    )
else:
    st.subheader("Rekap per OPD")
    table_and_cards(
        cache.recap_screen(recap, cfg.target_for(month), cfg.kuning_poin, cfg.merah_poin),
        "ringkasan",
        key="tabel_rekap",
    )
where = f" - {wilayah}" if wilayah else ""
audited_download(
    "Unduh Excel",
    cache.xlsx(
        recap_export(rows, "wilayah", "Kabupaten/Kota") if by_wilayah else recap_export(recap),
        f"Rekap Realisasi per {'Kabupaten/Kota' if by_wilayah else 'OPD'}{where} - {period_label(year, month)}",
        "Keadaan s.d. akhir bulan; persen dalam poin (0-100).",
        formats={
            "Pagu (Rp)": RUPIAH,
            "Realisasi Keuangan (Rp)": RUPIAH,
            "Keuangan (%)": PERCENT,
            "Fisik (%)": PERCENT,
            "Target Fisik (%)": PERCENT,
            "Deviasi (poin)": PERCENT,
            "Pagu Fisik (Rp)": RUPIAH,
            "Pagu Non Fisik (Rp)": RUPIAH,
        },
    ),
    file_name=f"rekap_{'kabupaten_kota' if by_wilayah else 'opd'}_{year}-{month:02d}.xlsx",
    what="rekap per kabupaten/kota" if by_wilayah else "rekap per OPD",
    key="download_recap",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
