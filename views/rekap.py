"""Rekap OPD: one row per OPD with traffic light, drill-down program -> kegiatan -> sub
kegiatan, kurva S, filters by sumber dana and jenis."""

import pandas as pd
import streamlit as st

from core.format import period_label
from exports.recap_xlsx import NoData
from exports.table_xlsx import PERCENT, RUPIAH
from ui import cache
from ui.auth import require_page
from ui.charts import kurva_s_figure
from ui.downloads import audited_download
from ui.safe import md_escape
from ui.state import current_period, current_wilayah, get_store, with_wilayah
from ui.tables import TL, full_values, level_export, table_and_cards, totals, with_followups, with_lights
from ui.tindak_lanjut import followup_display, style_late

user = require_page("rekap", "rekap")
store = get_store()
year, month = current_period()
cfg = cache.settings(store)
scope = user.opd_scope
wilayah = current_wilayah()
st.title(with_wilayah("Rekap OPD"))
st.caption(
    f"Keadaan s.d. akhir bulan **{period_label(year, month)}**. Pilih satu baris untuk melihat rinciannya: "
    "OPD → program → kegiatan → sub kegiatan. Lampu: deviasi fisik dan serapan terhadap target serapan "
    f"bulan ini ({cfg.target_for(month):.0f} %); kuning bila tertinggal lebih dari {cfg.kuning_poin:g} poin, "
    f"merah lebih dari {cfg.merah_poin:g} poin."
)

recap = cache.recap_opd(store, year, month, scope, wilayah=wilayah)
if recap.empty:
    st.info(
        f"Belum ada DPA atau laporan untuk {period_label(year, month)}. Pilih periode lain di samping atau "
        "impor DPA dan laporan OPD.",
        icon=":material/inbox:",
    )
    st.stop()

funds = cache.sumber_dana_list(store, year, month, scope, wilayah=wilayah)
c1, c2 = st.columns([2, 1])
chosen_funds = c1.multiselect("Sumber dana", funds, placeholder="Semua sumber dana")
jenis = c2.segmented_control("Jenis", ["Semua", "Fisik konstruksi", "Non fisik"], default="Semua")
jenis = {"Fisik konstruksi": "fisik", "Non fisik": "non_fisik"}.get(jenis)
# Sums per OPD in the database (a province has hundreds of thousands of sub kegiatan); the
# sub kegiatan of one OPD are read when it is chosen.
by_opd = cache.opd_level(store, year, month, scope, wilayah=wilayah, dana=chosen_funds, jenis=jenis)
if by_opd.empty:
    st.warning("Tidak ada sub kegiatan yang cocok dengan penyaring ini.", icon=":material/filter_alt_off:")
    st.stop()

try:
    audited_download(
        "Unduh rekap siap cetak (Excel: kop, rincian program/kegiatan, tanda tangan)",
        cache.recap_workbook_data(store, year, month, scope, cfg, int(recap["sub_kegiatan"].sum()), wilayah),
        f"rekap_realisasi_{year}-{month:02d}.xlsx",
        what="rekap siap cetak",
        key="dl_rekap_cetak",
        type="primary",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
except NoData as exc:
    st.caption(md_escape(str(exc)))
light = dict(target_serapan=cfg.target_for(month), kuning=cfg.kuning_poin, merah=cfg.merah_poin)
MONEY = {
    "Pagu (Rp)": RUPIAH,
    "Realisasi Keuangan (Rp)": RUPIAH,
    "Keuangan (%)": PERCENT,
    "Target Fisik (%)": PERCENT,
    "Realisasi Fisik (%)": PERCENT,
    "Deviasi (poin)": PERCENT,
}


def pick(table, code, name, label, key, title, total=None, followups=None):
    """Show a level as a selectable table with its Excel download; return the chosen row or None
    (also when the JUMLAH row is chosen). ``total``: the JUMLAH row (:func:`ui.tables.totals`);
    ``followups``: (open, overdue) follow-ups per row, shown in their own column, the overdue
    in bold red. The OPD level is drawn as cards on a phone."""
    st.subheader(md_escape(title))
    screen = cache.level_screen(table, code, name, label, total, counts=followups is None and code != "kode")
    if followups is not None:
        terbuka, terlambat = followups
        screen = with_followups(screen, terbuka, terlambat)
        late = pd.Series([t > 0 for t in terlambat] + [False] * (len(screen.frame) - len(terlambat)))
        screen = screen._replace(frame=style_late(screen.frame, late, [TL]))
    options = dict(on_select="rerun", selection_mode="single-row", key=key)
    picked = None
    if code is None:
        event, picked = table_and_cards(screen, "rekap", label, choose=True, **options)
    else:
        event = screen.show(**options)
    audited_download(
        f"Unduh Excel ({md_escape(title.lower())})",
        cache.xlsx(
            level_export(table, code, name, label),
            f"{title} - {period_label(year, month)}",
            "Keadaan s.d. akhir bulan; persen dalam poin (0-100).",
            formats=MONEY,
        ),
        f"{key}_{year}-{month:02d}.xlsx",
        what=title.lower(),
        key=f"dl_{key}",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    rows = [r for r in (event.selection.rows if event and event.selection else []) if r < len(table)]
    if not rows and picked is None:
        return None
    rows = rows or [picked]
    chosen = table.iloc[rows[0]]
    st.caption(f"**{md_escape(str(chosen[name]))}**: {full_values(chosen)}.")
    return chosen


opds = with_lights(by_opd, **light)
# Open follow-ups of the Rakor decisions per OPD (SOP step 14); overdue ones in bold red.
follow = opds[["opd_kode"]].merge(cache.open_counts(store, opd_kode=scope), on="opd_kode", how="left").fillna(0)
late_opds = opds["opd"][(follow["terlambat"] > 0).to_numpy()].tolist()
if late_opds:
    st.warning(
        f"**Tindak lanjut hasil Rakor melewati batas waktu** ({int(follow['terlambat'].sum())}): "
        f"{', '.join(map(md_escape, late_opds))}. Pilih OPD-nya untuk melihat daftarnya; perbarui di halaman Rakor & "
        "Tindak Lanjut.",
        icon=":material/alarm:",
    )
opd_row = pick(
    opds,
    None,
    "opd",
    "OPD",
    "rekap_opd",
    "Rekap per OPD",
    total=totals(by_opd) if len(by_opd) > 1 else None,
    followups=(
        (follow["terbuka"].astype(int).tolist(), follow["terlambat"].astype(int).tolist())
        if follow["terbuka"].sum()
        else None
    ),
)
subject = (scope and opds.iloc[0]["opd"]) or wilayah or cfg.nama_daerah or "semua OPD"
curve_opd, curve_kode = scope, None
if opd_row is not None:
    subject, curve_opd = opd_row["opd"], opd_row["opd_kode"]
    pending = cache.open_followups(store, opd_kode=opd_row["opd_kode"])
    if not pending.empty:
        st.markdown(
            f"**Tindak lanjut hasil Rakor yang belum selesai - {md_escape(opd_row['opd'])}** "
            f"({len(pending)}, terlambat {int(pending['terlambat'].sum())})"
        )
        st.dataframe(
            followup_display(pending, with_opd=False), hide_index=True, width="stretch", key="rekap_tindak_lanjut"
        )
    in_opd = dict(opd=opd_row["opd_kode"], dana=chosen_funds, jenis=jenis)
    programs = with_lights(cache.level_recap(store, year, month, "program", **in_opd), **light)
    prog_row = pick(programs, "program_kode", "program_nama", "Program", "rekap_program", f"Program - {opd_row['opd']}")
    if prog_row is not None:
        kegiatan = cache.level_recap(store, year, month, "kegiatan", **in_opd)
        kegiatan = kegiatan[kegiatan["program_kode"] == prog_row["program_kode"]].reset_index(drop=True)
        kegiatan = with_lights(kegiatan, **light)
        keg_row = pick(
            kegiatan,
            "kegiatan_kode",
            "kegiatan_nama",
            "Kegiatan",
            "rekap_kegiatan",
            f"Kegiatan - {prog_row['program_nama']}",
        )
        if keg_row is not None:
            subs = cache.leaf_recap(store, year, month, **in_opd)
            subs = subs[
                (subs["program_kode"] == prog_row["program_kode"]) & (subs["kegiatan_kode"] == keg_row["kegiatan_kode"])
            ]
            subs = with_lights(subs, **light)
            sub_row = pick(
                subs, "kode", "nama", "Sub kegiatan", "rekap_sub", f"Sub kegiatan - {keg_row['kegiatan_nama']}"
            )
            if sub_row is not None:
                subject, curve_kode = sub_row["nama"], sub_row["kode"]
                if isinstance(sub_row.get("permasalahan"), str) and sub_row["permasalahan"]:
                    st.info(
                        f"**Permasalahan:** {md_escape(sub_row['permasalahan'])}  \n"
                        f"**Solusi:** {md_escape(sub_row.get('solusi') or '-')}",
                        icon=":material/report:",
                    )

st.subheader("Kurva S")
curve = cache.kurva_s(store, year, curve_opd, curve_kode, upto=12, wilayah=None if curve_opd else wilayah)
if curve["fisik_pct"].notna().any() or curve["keuangan_pct"].notna().any():
    st.plotly_chart(
        kurva_s_figure(curve, cfg.target_serapan, f"Kurva S {year} - {subject}"), config={"displaylogo": False}
    )
    st.caption("Nilai kumulatif s.d. akhir tiap bulan dari laporan yang berlaku; bulan tanpa laporan kosong.")
else:
    st.caption("Belum ada laporan pada tahun ini untuk kurva S.")
