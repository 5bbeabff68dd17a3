"""Fisik vs Non fisik: split of pagu and realisation, the classification with the deciding
rule and a manual override (reason required; history and audit log), kontrak kritis."""

import pandas as pd
import streamlit as st

from core.format import number, period_label, rupiah, rupiah_compact, waktu
from core.klasifikasi import KlasifikasiError, override_jenis
from core.recap import JENIS_LABEL as JENIS
from exports.table_xlsx import PERCENT, RUPIAH, table_to_xlsx
from ui import cache
from ui.auth import require_page
from ui.charts import split_figure
from ui.downloads import audited_download
from ui.safe import md_escape
from ui.state import current_period, current_wilayah, get_store, with_wilayah
from ui.tables import KRITIS_SHOWN, matching_rows, split_screen

SOURCE = {"manual": "Manual", "file": "Kolom jenis pada laporan", "rule": "Aturan otomatis", None: "-"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Above this many sub kegiatan (a province) the classification is shown one OPD at a time.
CLASSIFICATION_ROWS = 5_000

user = require_page("fisik", "fisik")
store = get_store()
year, month = current_period()
cfg = cache.settings(store)
scope = user.opd_scope
wilayah = current_wilayah()
st.title(with_wilayah("Fisik Konstruksi dan Non Fisik"))
split = cache.jenis_recap(store, year, month, scope, wilayah=wilayah)
if split.empty:
    st.info(f"Belum ada DPA atau laporan untuk {period_label(year, month)}.", icon=":material/inbox:")
    st.stop()

cols = st.columns(max(2, len(split)))
for col, row in zip(cols, split.itertuples()):
    col.metric(
        f"{row.label}: pagu",
        rupiah_compact(row.pagu),
        border=True,
        help=f"{rupiah(row.pagu)}; realisasi {rupiah(row.realisasi_keuangan)}",
    )
left, right = st.columns([1, 1])
left.plotly_chart(
    split_figure(split, f"Pagu dan realisasi s.d. {period_label(year, month)}"), config={"displaylogo": False}
)
split_table = pd.DataFrame(
    {
        "Jenis": split["label"],
        "Sub kegiatan": split["sub_kegiatan"],
        "Pagu (Rp)": split["pagu"],
        "Realisasi Keuangan (Rp)": split["realisasi_keuangan"],
        "Serapan (%)": split["keuangan_pct"],
    }
)
with right:
    split_screen(split).show()
with right:
    audited_download(
        "Unduh Excel (fisik vs non fisik)",
        cache.xlsx(
            split_table,
            f"Pagu dan Realisasi Fisik Konstruksi dan Non Fisik - {period_label(year, month)}",
            "Keadaan s.d. akhir bulan.",
            formats={"Pagu (Rp)": RUPIAH, "Realisasi Keuangan (Rp)": RUPIAH, "Serapan (%)": PERCENT},
        ),
        f"fisik_non_fisik_{year}-{month:02d}.xlsx",
        what="fisik vs non fisik",
        key="dl_split",
        mime=XLSX,
    )

st.subheader("Kontrak kritis (fisik konstruksi)")
st.caption(
    f"Kritis: rencana 0-70 % dan tertinggal lebih dari {cfg.kritis_awal_poin:g} poin, atau rencana "
    f"70-100 % dan tertinggal lebih dari {cfg.kritis_akhir_poin:g} poin."
)
kritis = cache.kritis_recap(store, year, month, scope, cfg.kritis_awal_poin, cfg.kritis_akhir_poin, wilayah=wilayah)
if kritis.empty:
    st.success("Tidak ada kontrak fisik konstruksi yang kritis pada periode ini.", icon=":material/check_circle:")
else:
    table = pd.DataFrame(
        {
            "OPD": kritis["opd"],
            "Kode": kritis["kode"],
            "Sub kegiatan": kritis["nama"],
            "Pagu (Rp)": kritis["pagu"],
            "Target Fisik (%)": kritis["target_fisik"],
            "Realisasi Fisik (%)": kritis["realisasi_fisik"],
            "Deviasi (poin)": kritis["deviasi"],
            "Permasalahan": kritis["permasalahan"].fillna(""),
        }
    )
    shown = table
    if len(table) > KRITIS_SHOWN:  # a province: the most behind first, a search for any other
        query = st.text_input(
            "Cari kontrak kritis",
            placeholder="nama OPD, kode, atau nama sub kegiatan",
            key="kritis_cari",
        )
        found = matching_rows(table, query, ["OPD", "Kode", "Sub kegiatan"])
        shown = found.head(KRITIS_SHOWN)
        if query.strip():
            st.caption(
                f"{number(len(found))} dari {number(len(table))} kontrak kritis cocok dengan pencarian"
                + (f"; ditampilkan {number(len(shown))} yang paling tertinggal." if len(found) > len(shown) else ".")
            )
        else:
            st.caption(
                f"Ditampilkan {number(len(shown))} kontrak kritis yang paling tertinggal dari {number(len(table))}. "
                "Daftar lengkap ada pada unduhan Excel di bawah; cari untuk menampilkan kontrak lain."
            )
    if shown.empty:
        st.info("Tidak ada kontrak kritis yang cocok dengan pencarian.", icon=":material/search_off:")
    else:
        cache.screen("kritis_screen", shown).show()
    audited_download(
        "Unduh Excel (kontrak kritis)",
        cache.xlsx(
            table,
            f"Kontrak Kritis - {period_label(year, month)}",
            None,
            formats={
                "Pagu (Rp)": RUPIAH,
                "Target Fisik (%)": PERCENT,
                "Realisasi Fisik (%)": PERCENT,
                "Deviasi (poin)": PERCENT,
            },
        ),
        f"kontrak_kritis_{year}-{month:02d}.xlsx",
        what="kontrak kritis",
        key="dl_kritis",
        mime=XLSX,
    )

st.subheader("Klasifikasi sub kegiatan")
class_opd = scope
if not scope and split["sub_kegiatan"].sum() > CLASSIFICATION_ROWS:
    names = {o.kode: o.nama for o in cache.opds(store) if not wilayah or o.wilayah == wilayah}
    class_opd = st.selectbox(
        "OPD",
        list(names),
        format_func=names.get,
        key="klasifikasi_opd",
        help="Sub kegiatan sebanyak ini ditampilkan per OPD.",
    )
classes = cache.classification(store, year, class_opd, wilayah=wilayah)
if classes.empty:
    st.caption("Klasifikasi berasal dari DPA; DPA tahun ini belum dimuat.")
    st.stop()
table = pd.DataFrame(
    {
        "OPD": classes["opd"],
        "Kode": classes["kode"],
        "Sub kegiatan": classes["nama"],
        "Pagu (Rp)": classes["pagu"],
        "Jenis": classes["jenis"].map(JENIS),
        "Ditentukan oleh": classes["jenis_source"].map(lambda s: SOURCE.get(s, s)),
        "Aturan / alasan": classes["jenis_rule"].fillna(""),
    }
)
cache.screen("classification_screen", table).show()
audited_download(
    "Unduh Excel (klasifikasi)",
    cache.xlsx(table, f"Klasifikasi Sub Kegiatan {year}", None, formats={"Pagu (Rp)": RUPIAH}),
    f"klasifikasi_{year}.xlsx",
    what="klasifikasi",
    key="dl_klasifikasi",
    mime=XLSX,
)

if user.is_admin:
    with st.form("override", clear_on_submit=True):
        st.markdown("**Ubah klasifikasi secara manual** (tercatat di riwayat dan log audit)")
        keys = list(zip(classes["opd_kode"], classes["kode"]))
        labels = {k: f"{o} · {k[1]} · {n}" for k, o, n in zip(keys, classes["opd"], classes["nama"])}
        chosen = st.selectbox(
            "Sub kegiatan", keys, format_func=labels.get, index=None, placeholder="Pilih sub kegiatan"
        )
        new_jenis = st.radio("Jenis baru", list(JENIS), format_func=JENIS.get, horizontal=True)
        reason = st.text_input("Alasan (wajib)", placeholder="mis. belanja modal gedung sesuai kontrak")
        if st.form_submit_button("Simpan klasifikasi", type="primary", icon=":material/save:"):
            if chosen is None or not reason.strip():
                st.error("Pilih sub kegiatan dan tulis alasannya.", icon=":material/error:")
            else:
                try:
                    override_jenis(store, user, year, chosen[0], chosen[1], new_jenis, reason)
                except KlasifikasiError as exc:
                    st.error(md_escape(str(exc)), icon=":material/error:")
                else:
                    st.session_state["flash_fisik"] = f"Klasifikasi {chosen[1]} diubah menjadi {JENIS[new_jenis]}."
                    st.rerun()
    if "flash_fisik" in st.session_state:
        st.success(md_escape(st.session_state.pop("flash_fisik")), icon=":material/check_circle:")
    history = cache.jenis_overrides(store, year)
    if not history.empty:
        st.caption("Riwayat perubahan manual")
        changes = pd.DataFrame(
            {
                "Waktu": history["created_at"].map(waktu),
                "Oleh": history["created_by"],
                "OPD": history["opd"],
                "Kode": history["sub_kegiatan_kode"],
                "Jenis": history["jenis"].map(JENIS),
                "Alasan": history["reason"],
            }
        )
        st.dataframe(changes, hide_index=True, width="stretch")
        audited_download(
            "Unduh Excel (riwayat perubahan klasifikasi)",
            table_to_xlsx(changes, f"Riwayat Perubahan Klasifikasi Manual {year}", None),
            f"riwayat_klasifikasi_{year}.xlsx",
            what="riwayat klasifikasi",
            key="dl_override_history",
            mime=XLSX,
        )
