"""Pengaturan (admin): daerah, kop and logo, signatory, budget year, modules, thresholds, target
absorption curve, deadline. Edits the install's own settings (also while the sample data is loaded)."""

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from core import settings as settings_mod
from core.modules import MODULES
from core.months import BULAN
from core.numbers import field_number
from ui.auth import require_page
from ui.inputs import decimal_input, decimal_text
from ui.layouts_admin import layouts_section
from ui.safe import md_escape
from ui.state import get_store
from ui.wilayah_admin import wilayah_section

user = require_page("pengaturan", "pengaturan")
store = get_store()
cfg = settings_mod.load_own(store)
st.title("Pengaturan")
if settings_mod.demo_active(store):
    st.info(
        "Data contoh (fiktif) sedang dipakai: selama itu kop dan penandatangan unduhan memakai daerah fiktif data "
        "contoh. Yang Anda ubah di sini adalah pengaturan daerah Anda sendiri, yang berlaku lagi setelah data "
        "contoh dihapus (halaman Ringkasan).",
        icon=":material/dataset:",
    )
if "flash_pengaturan" in st.session_state:
    st.success(md_escape(st.session_state.pop("flash_pengaturan")), icon=":material/check_circle:")

with st.form("settings"):
    st.subheader("Daerah dan kop surat")
    nama_daerah = st.text_input("Nama daerah", cfg.nama_daerah)
    kop = [st.text_input(f"Kop baris {i}", getattr(cfg, f"kop_{i}")) for i in (1, 2, 3)]
    kop_alamat = st.text_input("Alamat (baris kop terakhir)", cfg.kop_alamat)
    logo_now = settings_mod.logo_path(store, cfg)
    c1, c2 = st.columns([1, 3])
    if logo_now is not None:
        c1.image(str(logo_now), width=72)
        hapus_logo = c1.checkbox("Hapus logo", key="logo_remove")
    else:
        hapus_logo = False
        c1.caption("Belum ada logo.")
    logo = c2.file_uploader("Logo daerah untuk kop (PNG atau JPG, paling besar 1 MB)", ["png", "jpg"])
    st.subheader("Penandatangan")
    c1, c2 = st.columns(2)
    tempat = c1.text_input("Tempat penandatanganan", cfg.tempat)
    ttd_jabatan = c2.text_input("Jabatan", cfg.ttd_jabatan)
    ttd_nama = c1.text_input("Nama", cfg.ttd_nama)
    ttd_nip = c2.text_input("NIP", cfg.ttd_nip)
    st.subheader("Tahun anggaran dan modul")
    c1, c2, c3 = st.columns(3)
    tahun = c1.number_input("Tahun anggaran", 2000, 2100, int(cfg.tahun_anggaran or dt.date.today().year))
    modul = [
        m
        for (m, label), col in zip(MODULES.items(), (c2, c3))
        if col.checkbox(f"Modul {label}", m in cfg.modul, key=f"modul_{m}")
    ]
    st.subheader("Kecamatan (data kinerja)")
    c1, c2 = st.columns(2)
    kecamatan_nama = c1.text_input("Nama kecamatan", cfg.kecamatan_nama, placeholder="Kecamatan ...")
    kecamatan_tempat = c2.text_input("Tempat penandatanganan rekap kinerja", cfg.kecamatan_tempat)
    kecamatan_alamat = st.text_input("Alamat kantor kecamatan (baris kop)", cfg.kecamatan_alamat)
    c1, c2, c3 = st.columns(3)
    camat_jabatan = c1.text_input("Jabatan penandatangan rekap kinerja", cfg.camat_jabatan)
    camat_nama = c2.text_input("Nama Camat", cfg.camat_nama)
    camat_nip = c3.text_input("NIP Camat", cfg.camat_nip)
    capaian_maks = st.number_input(
        "Batas capaian dalam rata-rata (%)",
        100,
        1000,
        int(round(cfg.kinerja_capaian_maks)),
        5,
        help="Capaian indikator di atas batas ini dihitung sebesar batas saat merata-ratakan (100: capaian 300 % "
        "dihitung 100 %), agar satu indikator yang jauh melampaui target tidak menutupi indikator lain yang "
        "rendah. Capaian setiap indikator tetap ditampilkan apa adanya.",
    )
    st.subheader("Ambang dan batas waktu")
    c1, c2, c3 = st.columns(3)
    kuning, kuning_problem = decimal_input(
        c1, "Kuning bila tertinggal lebih dari (poin)", cfg.kuning_poin, lo=0, hi=100, key="cfg_kuning"
    )
    merah, merah_problem = decimal_input(
        c2, "Merah bila tertinggal lebih dari (poin)", cfg.merah_poin, lo=0, hi=100, key="cfg_merah"
    )
    batas = c3.number_input("Batas laporan: tanggal ... bulan berikutnya", 1, 28, int(cfg.batas_hari))
    c1, c2 = st.columns(2)
    kritis_awal, kritis_awal_problem = decimal_input(
        c1,
        "Kontrak kritis, rencana 0-70 %: tertinggal lebih dari (poin)",
        cfg.kritis_awal_poin,
        lo=0,
        hi=100,
        key="cfg_kritis_awal",
    )
    kritis_akhir, kritis_akhir_problem = decimal_input(
        c2,
        "Kontrak kritis, rencana 70-100 %: tertinggal lebih dari (poin)",
        cfg.kritis_akhir_poin,
        lo=0,
        hi=100,
        key="cfg_kritis_akhir",
    )
    baris_slide = st.number_input(
        "Materi rakor: baris paling banyak per daftar pada slide",
        settings_mod.MATERI_BARIS_MIN,
        settings_mod.MATERI_BARIS_MAX,
        int(cfg.materi_baris_slide),
        5,
        help="Kontrak kritis (yang paling tertinggal lebih dulu), OPD belum melapor, permasalahan dan tindak lanjut "
        "pada slide dibatasi sebanyak ini; peringkat OPD menampilkan sebanyak ini teratas dan terbawah. Slide "
        "menyebut berapa yang tidak ditampilkan; daftar lengkap selalu ada di lampiran Excel.",
    )
    st.subheader("Target serapan anggaran kumulatif (%)")
    st.caption("Angka dengan koma desimal, mis. 7,5.")
    curve = st.data_editor(
        pd.DataFrame({"Bulan": BULAN, "Target (%)": [decimal_text(v) for v in cfg.target_serapan]}),
        hide_index=True,
        disabled=["Bulan"],
        key="curve_editor",
        column_config={"Target (%)": st.column_config.TextColumn("Target (%)", alignment="right")},
    )
    curve_values = [
        field_number(text, f"Target serapan {bulan}", 0, 100) for bulan, text in zip(BULAN, curve["Target (%)"])
    ]
    if st.form_submit_button("Simpan pengaturan", type="primary", icon=":material/save:"):
        new = dataclasses.replace(
            cfg,
            nama_daerah=nama_daerah.strip(),
            kop_1=kop[0].strip(),
            kop_2=kop[1].strip(),
            kop_3=kop[2].strip(),
            kop_alamat=kop_alamat.strip(),
            tempat=tempat.strip(),
            ttd_jabatan=ttd_jabatan.strip(),
            ttd_nama=ttd_nama.strip(),
            ttd_nip=settings_mod.clean_nip(ttd_nip),
            tahun_anggaran=int(tahun),
            modul=modul,
            logo="" if hapus_logo else cfg.logo,
            kuning_poin=cfg.kuning_poin if kuning is None else kuning,
            merah_poin=cfg.merah_poin if merah is None else merah,
            kritis_awal_poin=cfg.kritis_awal_poin if kritis_awal is None else kritis_awal,
            kritis_akhir_poin=cfg.kritis_akhir_poin if kritis_akhir is None else kritis_akhir,
            batas_hari=int(batas),
            materi_baris_slide=int(baris_slide),
            target_serapan=[-1.0 if v is None else v for v, _ in curve_values],
            kecamatan_nama=kecamatan_nama.strip(),
            kecamatan_tempat=kecamatan_tempat.strip(),
            kecamatan_alamat=kecamatan_alamat.strip(),
            camat_jabatan=camat_jabatan.strip(),
            camat_nama=camat_nama.strip(),
            camat_nip=settings_mod.clean_nip(camat_nip),
            kinerja_capaian_maks=float(capaian_maks),
        )
        typed = [kuning_problem, merah_problem, kritis_awal_problem, kritis_akhir_problem]
        typed += [problem for _, problem in curve_values]
        problems = [p for p in typed if p] or settings_mod.problems(new, required=settings_mod.is_configured(cfg))
        if logo is not None and settings_mod.logo_problem(logo.getvalue()):
            problems.append(settings_mod.logo_problem(logo.getvalue()) or "")
        if problems:
            for p in problems:
                st.error(p, icon=":material/error:")
        else:
            if logo is not None:
                new = dataclasses.replace(new, logo=settings_mod.save_logo(store, logo.getvalue()))
            settings_mod.save(store, new, user)
            st.session_state["flash_pengaturan"] = "Pengaturan disimpan."
            st.rerun()

wilayah_section(store, user, cfg.nama_daerah)
st.divider()
layouts_section(store, user)
