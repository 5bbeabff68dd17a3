"""Permintaan Laporan (admin, Rakor POK SOP steps 4-6): for the chosen month, the request letter
and one pre-filled Excel template per OPD, ready to sign and send."""

import datetime as dt

import pandas as pd
import streamlit as st

from core import settings as settings_mod
from core.format import DATE_INPUT_FORMAT, number, period_label, rupiah
from exports.recap_xlsx import tanggal
from exports.request_letter import DOCX_MIME, default_perihal, default_tembusan
from exports.request_template import default_contact, plan_of, request_rows
from ui.auth import require_page
from ui.downloads import audited_download, request_letter_cached, request_zip_cached
from ui.state import current_period, get_store

require_page("permintaan", "permintaan")
store = get_store()
year, month = current_period()
cfg = settings_mod.load(store)
st.title("Permintaan Laporan")
st.caption(
    f"Surat permohonan laporan realisasi fisik dan keuangan **{period_label(year, month)}** beserta format "
    "laporan (Excel) untuk setiap OPD, sudah berisi sub kegiatan dan pagu DPA serta laporan bulan lalu."
)

rows = request_rows(store, year, month)
plan = plan_of(rows, year, month)
if plan.empty:
    st.info(
        f"Belum ada DPA tahun {year}, jadi daftar OPD dan sub kegiatannya belum ada. Impor DPA terlebih dahulu "
        "pada halaman Impor Laporan, lalu kembali ke halaman ini.",
        icon=":material/inbox:",
    )
    st.page_link("pages/impor.py", label="Buka halaman Impor Laporan", icon=":material/upload_file:")
    st.stop()

names = dict(zip(plan["opd_kode"], plan["opd"]))
chosen = st.multiselect(
    "OPD tujuan", list(names), default=list(names), format_func=names.get, placeholder="Pilih OPD", key="permintaan_opd"
)
if not chosen:
    st.warning("Pilih paling sedikit satu OPD tujuan.", icon=":material/group_off:")
    st.stop()
rows = rows[rows["opd_kode"].isin(chosen)]
plan = plan_of(rows, year, month)
deadline = cfg.deadline(year, month)

c1, c2 = st.columns([2, 1])
nomor = c1.text_input(
    "Nomor surat",
    placeholder="mis. 027/123/Adpem/2026 (kosongkan bila diisi saat penandatanganan)",
    key="permintaan_nomor",
)
tanggal_surat = c2.date_input("Tanggal surat", dt.date.today(), format=DATE_INPUT_FORMAT, key="permintaan_tanggal")
with st.expander("Isi surat lainnya (sifat, lampiran, hal, narahubung, tembusan)"):
    c1, c2 = st.columns(2)
    sifat = c1.text_input("Sifat", "Penting", key="permintaan_sifat")
    lampiran = c2.text_input("Lampiran", "1 (satu) berkas", key="permintaan_lampiran")
    perihal = st.text_input("Hal", default_perihal(year, month), key="permintaan_hal")
    kontak = st.text_input(
        "Narahubung (dicantumkan pada surat dan lembar Petunjuk)", default_contact(cfg), key="permintaan_kontak"
    )
    tembusan = st.text_area("Tembusan (satu per baris)", "\n".join(default_tembusan(cfg)), key="permintaan_tembusan")

st.subheader("Pratinjau")
m = st.columns(3)
m[0].metric("OPD tujuan", f"{len(plan)} dari {len(names)}", border=True)
m[1].metric("Sub kegiatan", number(int(plan["sub_kegiatan"].sum())), border=True)
m[2].metric("Batas penyampaian", tanggal(deadline), border=True)
st.caption(
    f"Batas: tanggal {cfg.batas_hari} bulan berikutnya (ubah di Pengaturan). Penanda tangan surat: "
    f"{cfg.ttd_jabatan}" + (f", {cfg.ttd_nama}" if cfg.ttd_nama else " (nama belum diisi di Pengaturan)") + "."
)
prev = period_label(year, month - 1) if month > 1 else None
st.dataframe(
    pd.DataFrame(
        {
            "OPD": plan["opd"],
            "Sub kegiatan": plan["sub_kegiatan"].map(number),
            "Pagu": plan["pagu"].map(rupiah),
            f"Laporan {prev or 'bulan lalu'}": plan["bulan_lalu"].map(
                lambda b: "terisi di format" if b else ("-" if prev is None else "belum ada")
            ),
            "Berkas format": plan["file_name"],
        }
    ),
    hide_index=True,
    width="stretch",
)

opd_kodes = tuple(plan["opd_kode"])
# Building every OPD's workbook takes seconds for a whole kabupaten: only on request, then kept
# (and cached) for as long as the choices and the data stay the same.
wanted = (year, month, opd_kodes, kontak)
if st.button(
    "Siapkan format laporan dan surat",
    icon=":material/build:",
    key="permintaan_siapkan",
    type="primary" if st.session_state.get("permintaan_siap") != wanted else "secondary",
):
    st.session_state["permintaan_siap"] = wanted
if st.session_state.get("permintaan_siap") != wanted:
    st.caption(
        "Tekan tombol di atas untuk menyusun format laporan (satu berkas Excel per OPD) dan surat "
        "permohonan sesuai pilihan ini."
    )
    st.stop()
c1, c2 = st.columns(2)
with c1:
    audited_download(
        f"Unduh format laporan ({len(plan)} berkas Excel, .zip)",
        request_zip_cached(rows, year, month, cfg, kontak),
        f"Format_Laporan_Realisasi_{year}-{month:02d}.zip",
        what=f"format laporan {len(plan)} OPD",
        key="dl_permintaan_zip",
        mime="application/zip",
        type="primary",
    )
with c2:
    audited_download(
        "Unduh surat permohonan (Word)",
        request_letter_cached(
            plan,
            year,
            month,
            cfg,
            nomor=nomor,
            tanggal_surat=tanggal_surat,
            sifat=sifat,
            lampiran=lampiran,
            perihal=perihal,
            kontak=kontak,
            tembusan=tuple(tembusan.splitlines()),
        ),
        f"Surat_Permohonan_Laporan_{year}-{month:02d}.docx",
        what="surat permohonan laporan",
        key="dl_permintaan_surat",
        mime=DOCX_MIME,
    )
st.caption(
    "Format laporan dikunci tanpa kata sandi dan berisi lembar Petunjuk. Berkas yang dikembalikan OPD "
    "diunggah di Impor Laporan dan dikenali sebagai format Pantau."
)
