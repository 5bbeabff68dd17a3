"""First-run setup of the daerah (issue 17): until the install names its daerah, the admin sees
this form instead of the pages (others see a notice). Called by ``app.py`` after the login gate:
``setup_gate(store, user)``. Everything here is editable later on Pengaturan.

``PANTAU_SKIP_SETUP=1`` (automated tests of other pages only) lets an install without a daerah
through; a real install never sets it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import streamlit as st

from core import settings as settings_mod
from core.access import User
from core.modules import MODULES
from db.store import Store

KANTOR = {
    "setda": "Sekretariat Daerah - Bagian Administrasi Pembangunan",
    "kecamatan": "Kecamatan",
    "lain": "Perangkat daerah lain",
}
# kantor -> (instansi, unit, modules) suggested
_PRESET = {
    "setda": ("Sekretariat Daerah", "Bagian Administrasi Pembangunan", ["rakor"]),
    "kecamatan": ("Kecamatan ", "", ["kinerja"]),
    "lain": ("", "", ["rakor"]),
}


def setup_gate(store: Store, user: User) -> None:
    """Show the first-run setup (admin) or a notice (other roles) and stop the run while the
    install names no daerah; return at once when it does."""
    if os.environ.get("PANTAU_SKIP_SETUP") == "1":
        return
    own = settings_mod.load_own(store)
    if settings_mod.is_configured(own):
        return
    if not user.is_admin:
        st.title("Pantau belum siap dipakai")
        st.info(
            "Admin belum mengisi data daerah (nama daerah, kop surat dan penandatangan). Hubungi admin "
            "Pantau di kantor Anda; setelah data daerah diisi, halaman-halaman Pantau dapat dibuka.",
            icon=":material/hourglass_top:",
        )
        st.stop()
    setup_form(store, user, own)
    st.stop()


def setup_form(store: Store, user: User, own: settings_mod.Settings) -> None:
    """The first-run form: daerah, kantor, kop, logo, signatory, year, deadline, modules."""
    st.title("Pengaturan awal daerah")
    st.caption(
        "Isi sekali sebelum Pantau dipakai. Data ini tercetak pada kop dan tanda tangan setiap rekap, surat "
        "dan materi rakor. Semuanya dapat diubah kemudian pada halaman **Pengaturan**."
    )
    st.subheader("Daerah")
    c1, c2 = st.columns([1, 2])
    jenis, nama = settings_mod.split_daerah(own.nama_daerah)
    jenis = c1.selectbox("Jenis daerah", settings_mod.JENIS_DAERAH, index=settings_mod.JENIS_DAERAH.index(jenis))
    nama = c2.text_input("Nama daerah", nama, placeholder="mis. Lombok Timur")
    st.subheader("Kantor pengguna Pantau")
    kantor = st.radio("Kantor", list(KANTOR), format_func=KANTOR.get, horizontal=True, key="setup_kantor")
    instansi_default, unit_default, modules_default = _PRESET[kantor]
    c1, c2 = st.columns(2)
    instansi = c1.text_input(
        "Instansi (baris kedua kop)",
        instansi_default,
        key=f"setup_instansi_{kantor}",
        placeholder="mis. Sekretariat Daerah, atau Kecamatan Selong",
    )
    unit = c2.text_input(
        "Unit kerja (baris ketiga kop, boleh kosong)",
        unit_default,
        key=f"setup_unit_{kantor}",
        placeholder="mis. Bagian Administrasi Pembangunan",
    )
    alamat = st.text_input("Alamat kantor (baris terakhir kop)", own.kop_alamat, placeholder="Jalan ..., kode pos")
    logo = st.file_uploader("Logo daerah untuk kop (PNG atau JPG, paling besar 1 MB; boleh kosong)", ["png", "jpg"])
    st.subheader("Penandatangan")
    c1, c2 = st.columns(2)
    tempat = c1.text_input("Kota tempat penandatanganan", own.tempat, placeholder="mis. Selong")
    jabatan = c2.text_input(
        "Jabatan penandatangan", "Camat" if kantor == "kecamatan" else own.ttd_jabatan, key=f"setup_jabatan_{kantor}"
    )
    ttd_nama = c1.text_input("Nama penandatangan (dengan gelar)", own.ttd_nama)
    nip = c2.text_input("NIP penandatangan (18 angka)", own.ttd_nip, placeholder="19800101 200501 1 001")
    st.subheader("Tahun anggaran dan batas laporan")
    c1, c2 = st.columns(2)
    tahun = c1.number_input("Tahun anggaran", 2000, 2100, int(own.tahun_anggaran or dt.date.today().year))
    batas = c2.number_input("Laporan bulanan paling lambat tanggal ... bulan berikutnya", 1, 28, int(own.batas_hari))
    st.subheader("Modul yang dipakai")
    chosen = [
        m
        for m, label in MODULES.items()
        if st.checkbox(label, m in modules_default, key=f"setup_modul_{m}_{kantor}", help=_MODULE_HELP[m])
    ]
    if not st.button("Simpan dan mulai memakai Pantau", type="primary", icon=":material/check:"):
        return
    daerah = " ".join(f"{jenis} {nama}".split())
    new = dataclasses.replace(
        own,
        nama_daerah=daerah if nama.strip() else "",
        kop_1=f"PEMERINTAH {daerah.upper()}" if nama.strip() else "",
        kop_2=instansi.strip().upper(),
        kop_3=unit.strip().upper(),
        kop_alamat=alamat.strip(),
        tempat=tempat.strip(),
        ttd_jabatan=jabatan.strip(),
        ttd_nama=ttd_nama.strip(),
        ttd_nip=settings_mod.clean_nip(nip),
        tahun_anggaran=int(tahun),
        batas_hari=int(batas),
        modul=chosen,
    )
    if kantor == "kecamatan":  # the kinerja recaps are signed by the Camat of this kecamatan
        new = dataclasses.replace(
            new,
            kecamatan_nama=" ".join(instansi.split()).title(),
            kecamatan_alamat=new.kop_alamat,
            kecamatan_tempat=new.tempat,
            camat_jabatan=new.ttd_jabatan,
            camat_nama=new.ttd_nama,
            camat_nip=new.ttd_nip,
        )
    problems = settings_mod.problems(new, required=True)
    if kantor == "kecamatan" and instansi.strip().lower() in ("", "kecamatan"):
        problems.insert(0, "Tuliskan nama kecamatan pada isian Instansi, mis. Kecamatan Selong.")
    if logo is not None:
        problem = settings_mod.logo_problem(logo.getvalue())
        if problem:
            problems.append(problem)
    if problems:
        for p in problems:
            st.error(p, icon=":material/error:")
        return
    if logo is not None:
        new = dataclasses.replace(new, logo=settings_mod.save_logo(store, logo.getvalue()))
    settings_mod.save(store, new, user)
    st.session_state["flash"] = f"Pengaturan daerah {daerah} disimpan. Selamat memakai Pantau."
    st.rerun()


_MODULE_HELP = {
    "rakor": "Realisasi fisik dan keuangan OPD, status pengumpulan, materi dan tindak lanjut Rakor POK.",
    "kinerja": "Pengumpulan data kinerja unit kerja, review Sekcam dan persetujuan Camat.",
}
