"""Deterministic generator of a fictional kabupaten's budget and realisation reports.

Used by ``scripts/make_demo.py`` (sample data for the UI), ``bench/bench.py`` (ingest
benchmark) and the tests. Everything is derived from a seed, so the same call writes
byte-identical files (zip timestamps and document properties are fixed).

Main entry points::

    master = make_master(seed=7, n_opd=10, subkeg_per_opd=15)
    write_dpa_xlsx(master, "dpa_2026.xlsx")                 # the finance agency's DPA list
    opd = master.opds[0]
    truth = write_report(master, opd, 2026, 3, "V1", "out/")  # one OPD's monthly report
    truth.leaf_rows, truth.sum_pagu, truth.sum_realisasi_keuangan, truth.fisik_weighted_mean

Layouts (see the fixtures in ``../shared/fixtures/realisasi``):

``V1``
    sheet "Realisasi", four title rows, header on row 6, percentages 0-100, JUMLAH row.
``V2``
    sheet "Lap Realisasi", two-row header (merged "Realisasi" over Fisik/Keuangan/%),
    a column-number row, percentages stored as fractions with a ``0.00%`` format, TOTAL row.
``V3``
    sheet "Sheet1", V1 header, numbers mixed with Indonesian text ("Rp 1.250.000",
    "1.250.000,00", "25%", "20,62", "-2,95 %"), "JUMLAH TOTAL" row.
``V4``
    semicolon CSV, UTF-8 with BOM, CRLF, decimal comma, header on line 1, no title.
``offset``
    V1-like but the table starts in column C on a sheet "Form Realisasi", header
    synonyms ("Uraian", "Nilai DPA (Rp)") and a merged "Realisasi" over
    "Fisik (%) | Keuangan (Rp) | Keuangan (%)".
``html_xls``
    an HTML ``<table>`` saved with an ``.xls`` extension, as web systems export it.
``multi_month``
    one workbook, one V1-style sheet per month named "Januari", "Februari", ...

Values written to reports are cumulative to the end of the month (s.d. bulan ini):
target fisik and realisasi fisik in percent (2 decimals), realisasi keuangan in whole
rupiah; all three are non-decreasing over the months, fisik stays within 0-100 and
keuangan never exceeds pagu.

Sub kegiatan codes are unique across the whole kabupaten: every named OPD has its own
urusan.bidang prefix and the Kecamatan units (prefix 7.01) get disjoint program
numbers unless ``shared_kecamatan_codes=True`` (then every kecamatan uses the same
codes, as real SIPD data does).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
import random
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
LAYOUTS = ("V1", "V2", "V3", "V4", "offset", "html_xls", "multi_month")

# ---------------------------------------------------------------------------
# Reference data (Indonesian text that ends up in the files)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpdSpec:
    """Template of one OPD type: its urusan.bidang prefix, names and typical work."""

    bidang: str
    nama: str
    singkatan: str
    programs: tuple[str, ...]
    topics: tuple[str, ...]
    fisik_objects: tuple[tuple[str, str], ...] = ()
    fisik_share: float = 0.0
    specials: tuple[str, ...] = ()
    jabatan: str | None = None


OPD_SPECS: tuple[OpdSpec, ...] = (
    OpdSpec(
        "1.01",
        "Dinas Pendidikan",
        "disdik",
        (
            "PROGRAM PENGELOLAAN PENDIDIKAN",
            "PROGRAM PENGEMBANGAN KURIKULUM",
            "PROGRAM PENDIDIK DAN TENAGA KEPENDIDIKAN",
        ),
        (
            "Pendidikan Anak Usia Dini",
            "Pendidikan Sekolah Dasar",
            "Pendidikan Sekolah Menengah Pertama",
            "Pendidikan Nonformal/Kesetaraan",
        ),
        (
            ("Ruang Kelas SDN", "gedung"),
            ("Toilet Sekolah SDN", "gedung"),
            ("Gedung SMPN", "gedung"),
            ("Perpustakaan SDN", "gedung"),
        ),
        0.35,
        ("Pengadaan Buku Teks Pelajaran", "Pengadaan Mebel Sekolah", "Penyediaan Biaya Personil Peserta Didik"),
    ),
    OpdSpec(
        "1.02",
        "Dinas Kesehatan",
        "dinkes",
        (
            "PROGRAM PEMENUHAN UPAYA KESEHATAN PERORANGAN DAN UPAYA KESEHATAN MASYARAKAT",
            "PROGRAM PENINGKATAN KAPASITAS SUMBER DAYA MANUSIA KESEHATAN",
            "PROGRAM SEDIAAN FARMASI, ALAT KESEHATAN DAN MAKANAN MINUMAN",
            "PROGRAM PEMBERDAYAAN MASYARAKAT BIDANG KESEHATAN",
        ),
        (
            "Kesehatan Ibu dan Anak",
            "Kesehatan Lingkungan",
            "Percepatan Penurunan Stunting",
            "Pencegahan Penyakit Menular",
            "Imunisasi",
        ),
        (("Gedung Puskesmas", "gedung"), ("Puskesmas Pembantu", "gedung"), ("Pos Kesehatan Desa", "gedung")),
        0.35,
        ("Pengadaan Alat Kesehatan", "Pengadaan Obat dan Bahan Medis Habis Pakai", "Pemberian Makanan Tambahan Balita"),
    ),
    OpdSpec(
        "1.03",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "dpupr",
        (
            "PROGRAM PENGELOLAAN SUMBER DAYA AIR (SDA)",
            "PROGRAM PENYELENGGARAAN JALAN",
            "PROGRAM PENATAAN BANGUNAN GEDUNG",
            "PROGRAM PENYELENGGARAAN PENATAAN RUANG",
        ),
        ("Jaringan Irigasi", "Jalan Kabupaten", "Bangunan Gedung", "Penataan Ruang", "Jembatan"),
        (
            ("Jalan Kabupaten Ruas", "jalan"),
            ("Jembatan", "jembatan"),
            ("Saluran Irigasi", "irigasi"),
            ("Drainase Jalan", "drainase"),
            ("Tembok Penahan Tanah", "drainase"),
        ),
        0.6,
        ("Penyusunan Rencana Detail Tata Ruang",),
    ),
    OpdSpec(
        "2.15",
        "Dinas Perhubungan",
        "dishub",
        ("PROGRAM PENYELENGGARAAN LALU LINTAS DAN ANGKUTAN JALAN (LLAJ)",),
        ("Keselamatan Lalu Lintas", "Angkutan Umum", "Perparkiran", "Manajemen dan Rekayasa Lalu Lintas"),
        (("Halte", "gedung"), ("Terminal Penumpang Tipe C", "gedung"), ("Rambu dan Marka Jalan Ruas", "jalan")),
        0.3,
        ("Uji Berkala Kendaraan Bermotor",),
    ),
    OpdSpec(
        "1.06",
        "Dinas Sosial",
        "dinsos",
        ("PROGRAM REHABILITASI SOSIAL", "PROGRAM PERLINDUNGAN DAN JAMINAN SOSIAL", "PROGRAM PENANGANAN BENCANA"),
        (
            "Rehabilitasi Sosial Penyandang Disabilitas",
            "Perlindungan Sosial Korban Bencana",
            "Pengelolaan Data Fakir Miskin",
            "Lanjut Usia Terlantar",
        ),
        (("Rumah Singgah", "gedung"),),
        0.2,
        ("Penyediaan Permakanan bagi Lansia Terlantar", "Pemutakhiran Data Terpadu Kesejahteraan Sosial"),
    ),
    OpdSpec(
        "3.27",
        "Dinas Pertanian",
        "distan",
        (
            "PROGRAM PENYEDIAAN DAN PENGEMBANGAN SARANA PERTANIAN",
            "PROGRAM PENYEDIAAN DAN PENGEMBANGAN PRASARANA PERTANIAN",
            "PROGRAM PENYULUHAN PERTANIAN",
        ),
        ("Sarana Pertanian", "Prasarana Pertanian", "Penyuluhan Pertanian", "Pengendalian Hama Terpadu"),
        (
            ("Jalan Usaha Tani", "jalan"),
            ("Jaringan Irigasi Tersier", "irigasi"),
            ("Gedung Balai Penyuluhan Pertanian", "gedung"),
        ),
        0.35,
        ("Penyediaan Benih Padi Unggul", "Pendampingan Kelompok Tani"),
    ),
    OpdSpec(
        "1.04",
        "Dinas Perumahan dan Kawasan Permukiman",
        "dpkp",
        (
            "PROGRAM PENGEMBANGAN PERUMAHAN",
            "PROGRAM KAWASAN PERMUKIMAN",
            "PROGRAM PENINGKATAN PRASARANA, SARANA DAN UTILITAS UMUM (PSU)",
        ),
        ("Rumah Tidak Layak Huni", "Kawasan Permukiman Kumuh", "Prasarana, Sarana dan Utilitas Umum"),
        (
            ("Jalan Lingkungan", "jalan"),
            ("Drainase Lingkungan", "drainase"),
            ("Gedung Serbaguna", "gedung"),
            ("MCK Komunal", "gedung"),
        ),
        0.55,
        ("Bantuan Stimulan Rumah Swadaya",),
    ),
    OpdSpec(
        "5.01",
        "Badan Perencanaan Pembangunan Daerah",
        "bappeda",
        (
            "PROGRAM PERENCANAAN, PENGENDALIAN DAN EVALUASI PEMBANGUNAN DAERAH",
            "PROGRAM KOORDINASI DAN SINKRONISASI PERENCANAAN PEMBANGUNAN DAERAH",
        ),
        ("Pengendalian dan Evaluasi Pembangunan", "Data dan Informasi Pembangunan", "Perencanaan Pembangunan Daerah"),
        (),
        0.0,
        ("Penyelenggaraan Musrenbang RKPD", "Penyusunan Laporan Kinerja Pemerintah Daerah"),
    ),
    OpdSpec(
        "2.11",
        "Dinas Lingkungan Hidup",
        "dlh",
        (
            "PROGRAM PENGENDALIAN PENCEMARAN DAN/ATAU KERUSAKAN LINGKUNGAN HIDUP",
            "PROGRAM PENGELOLAAN PERSAMPAHAN",
            "PROGRAM PENINGKATAN PENDIDIKAN, PELATIHAN DAN PENYULUHAN LINGKUNGAN HIDUP UNTUK MASYARAKAT",
        ),
        ("Pengendalian Pencemaran Air", "Pengelolaan Sampah", "Ruang Terbuka Hijau", "Kualitas Udara"),
        (("TPS3R", "gedung"), ("Bank Sampah", "gedung"), ("Taman Kota", "gedung")),
        0.3,
        ("Pengadaan Armada Pengangkut Sampah",),
    ),
    OpdSpec(
        "2.12",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "disdukcapil",
        (
            "PROGRAM PENDAFTARAN PENDUDUK",
            "PROGRAM PENCATATAN SIPIL",
            "PROGRAM PENGELOLAAN INFORMASI ADMINISTRASI KEPENDUDUKAN",
        ),
        ("Pelayanan Pendaftaran Penduduk", "Pelayanan Pencatatan Sipil", "Administrasi Kependudukan"),
        (),
        0.0,
        ("Pengadaan Blangko KTP Elektronik",),
    ),
    OpdSpec(
        "2.16",
        "Dinas Komunikasi dan Informatika",
        "diskominfo",
        ("PROGRAM INFORMASI DAN KOMUNIKASI PUBLIK", "PROGRAM APLIKASI INFORMATIKA"),
        (
            "Layanan Pengaduan Masyarakat",
            "Sistem Pemerintahan Berbasis Elektronik",
            "Jaringan Intra Pemerintah Daerah",
            "Diseminasi Informasi",
        ),
        (("Ruang Command Center", "gedung"),),
        0.1,
    ),
    OpdSpec(
        "5.02",
        "Badan Pengelolaan Keuangan dan Aset Daerah",
        "bpkad",
        ("PROGRAM PENGELOLAAN KEUANGAN DAERAH", "PROGRAM PENGELOLAAN BARANG MILIK DAERAH"),
        ("Penatausahaan Keuangan Daerah", "Akuntansi dan Pelaporan Keuangan", "Barang Milik Daerah"),
        (),
        0.0,
        ("Penyusunan Laporan Keuangan Pemerintah Daerah",),
    ),
    OpdSpec(
        "1.05",
        "Satuan Polisi Pamong Praja",
        "satpolpp",
        ("PROGRAM PENINGKATAN KETENTERAMAN DAN KETERTIBAN UMUM",),
        ("Ketenteraman dan Ketertiban Umum", "Penegakan Peraturan Daerah"),
        (),
        0.0,
    ),
    OpdSpec(
        "2.07",
        "Dinas Tenaga Kerja",
        "disnaker",
        (
            "PROGRAM PELATIHAN KERJA DAN PRODUKTIVITAS TENAGA KERJA",
            "PROGRAM PENEMPATAN TENAGA KERJA",
            "PROGRAM HUBUNGAN INDUSTRIAL",
        ),
        ("Pelatihan Kerja", "Penempatan Tenaga Kerja", "Hubungan Industrial"),
        (("Gedung Balai Latihan Kerja", "gedung"),),
        0.1,
    ),
    OpdSpec(
        "2.08",
        "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
        "dp3a",
        (
            "PROGRAM PENGARUSUTAMAAN GENDER DAN PEMBERDAYAAN PEREMPUAN",
            "PROGRAM PERLINDUNGAN KHUSUS ANAK",
            "PROGRAM PEMENUHAN HAK ANAK (PHA)",
        ),
        ("Pengarusutamaan Gender", "Perlindungan Perempuan", "Perlindungan Khusus Anak", "Kabupaten Layak Anak"),
    ),
    OpdSpec(
        "2.09",
        "Dinas Ketahanan Pangan",
        "dkp",
        (
            "PROGRAM PENINGKATAN DIVERSIFIKASI DAN KETAHANAN PANGAN MASYARAKAT",
            "PROGRAM PENANGANAN KERAWANAN PANGAN",
            "PROGRAM PENGAWASAN KEAMANAN PANGAN",
        ),
        ("Cadangan Pangan", "Diversifikasi Pangan", "Keamanan Pangan Segar"),
        (("Gudang Cadangan Pangan", "gedung"),),
        0.1,
    ),
    OpdSpec(
        "2.13",
        "Dinas Pemberdayaan Masyarakat dan Desa",
        "dpmd",
        (
            "PROGRAM PENATAAN DESA",
            "PROGRAM ADMINISTRASI PEMERINTAHAN DESA",
            "PROGRAM PEMBERDAYAAN LEMBAGA KEMASYARAKATAN, LEMBAGA ADAT DAN MASYARAKAT HUKUM ADAT",
        ),
        ("Administrasi Pemerintahan Desa", "Badan Usaha Milik Desa", "Lembaga Kemasyarakatan Desa"),
    ),
    OpdSpec(
        "2.14",
        "Dinas Pengendalian Penduduk dan Keluarga Berencana",
        "dppkb",
        ("PROGRAM PEMBINAAN KELUARGA BERENCANA (KB)", "PROGRAM PEMBERDAYAAN DAN PENINGKATAN KELUARGA SEJAHTERA (KS)"),
        ("Keluarga Berencana", "Ketahanan Keluarga", "Penyuluh KB"),
    ),
    OpdSpec(
        "2.17",
        "Dinas Koperasi, Usaha Kecil dan Menengah",
        "diskopukm",
        (
            "PROGRAM PENGAWASAN DAN PEMERIKSAAN KOPERASI",
            "PROGRAM PEMBERDAYAAN USAHA MENENGAH, USAHA KECIL, DAN USAHA MIKRO (UMKM)",
        ),
        ("Koperasi", "Usaha Mikro", "Kewirausahaan"),
    ),
    OpdSpec(
        "2.18",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "dpmptsp",
        ("PROGRAM PELAYANAN PENANAMAN MODAL", "PROGRAM PROMOSI PENANAMAN MODAL"),
        ("Pelayanan Perizinan", "Promosi Penanaman Modal", "Pengendalian Pelaksanaan Penanaman Modal"),
    ),
    OpdSpec(
        "2.19",
        "Dinas Pemuda dan Olahraga",
        "dispora",
        (
            "PROGRAM PENGEMBANGAN KAPASITAS DAYA SAING KEPEMUDAAN",
            "PROGRAM PENGEMBANGAN KAPASITAS DAYA SAING KEOLAHRAGAAN",
        ),
        ("Kepemudaan", "Olahraga Prestasi", "Olahraga Rekreasi"),
        (("Gelanggang Olahraga", "gedung"), ("Lapangan Sepak Bola", "gedung")),
        0.2,
    ),
    OpdSpec(
        "2.23",
        "Dinas Perpustakaan dan Kearsipan",
        "dispusip",
        ("PROGRAM PEMBINAAN PERPUSTAKAAN", "PROGRAM PENGELOLAAN ARSIP"),
        ("Perpustakaan Daerah", "Budaya Gemar Membaca", "Pengelolaan Arsip"),
    ),
    OpdSpec(
        "3.25",
        "Dinas Perikanan",
        "diskan",
        ("PROGRAM PENGELOLAAN PERIKANAN BUDIDAYA", "PROGRAM PENGELOLAAN PERIKANAN TANGKAP"),
        ("Perikanan Budidaya", "Perikanan Tangkap", "Pengolahan Hasil Perikanan"),
        (("Balai Benih Ikan", "gedung"),),
        0.15,
    ),
    OpdSpec(
        "3.26",
        "Dinas Pariwisata dan Kebudayaan",
        "disparbud",
        (
            "PROGRAM PENINGKATAN DAYA TARIK DESTINASI PARIWISATA",
            "PROGRAM PEMASARAN PARIWISATA",
            "PROGRAM PENGEMBANGAN KEBUDAYAAN",
        ),
        ("Destinasi Pariwisata", "Pemasaran Pariwisata", "Kesenian Tradisional"),
        (("Fasilitas Objek Wisata", "gedung"),),
        0.2,
    ),
    OpdSpec(
        "3.30",
        "Dinas Perindustrian dan Perdagangan",
        "disperindag",
        (
            "PROGRAM STABILISASI HARGA BARANG KEBUTUHAN POKOK DAN BARANG PENTING",
            "PROGRAM PENINGKATAN SARANA DISTRIBUSI PERDAGANGAN",
            "PROGRAM PERENCANAAN DAN PEMBANGUNAN INDUSTRI",
        ),
        ("Harga Barang Kebutuhan Pokok", "Sarana Distribusi Perdagangan", "Industri Kecil dan Menengah"),
        (("Pasar Rakyat", "gedung"),),
        0.2,
    ),
    OpdSpec(
        "4.01",
        "Sekretariat Daerah",
        "setda",
        ("PROGRAM PEMERINTAHAN DAN KESEJAHTERAAN RAKYAT", "PROGRAM PEREKONOMIAN DAN PEMBANGUNAN"),
        ("Administrasi Pemerintahan", "Kesejahteraan Rakyat", "Administrasi Pembangunan", "Pengadaan Barang dan Jasa"),
        jabatan="Sekretaris Daerah",
    ),
    OpdSpec(
        "4.02",
        "Sekretariat DPRD",
        "setwan",
        ("PROGRAM DUKUNGAN PELAKSANAAN TUGAS DAN FUNGSI DPRD",),
        ("Fasilitasi Rapat DPRD", "Reses DPRD", "Pembentukan Peraturan Daerah"),
        jabatan="Sekretaris DPRD",
    ),
    OpdSpec(
        "5.03",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "bkpsdm",
        ("PROGRAM KEPEGAWAIAN DAERAH", "PROGRAM PENGEMBANGAN SUMBER DAYA MANUSIA"),
        ("Pengadaan dan Pemberhentian ASN", "Pengembangan Kompetensi ASN", "Penilaian Kinerja ASN"),
    ),
    OpdSpec(
        "6.01",
        "Inspektorat Daerah",
        "inspektorat",
        ("PROGRAM PENYELENGGARAAN PENGAWASAN", "PROGRAM PERUMUSAN KEBIJAKAN, PENDAMPINGAN DAN ASISTENSI"),
        ("Pengawasan Internal", "Pendampingan dan Asistensi", "Reviu Laporan Keuangan"),
        jabatan="Inspektur Daerah",
    ),
    OpdSpec(
        "8.01",
        "Badan Kesatuan Bangsa dan Politik",
        "bakesbangpol",
        (
            "PROGRAM PENGUATAN IDEOLOGI PANCASILA DAN KARAKTER KEBANGSAAN",
            "PROGRAM PEMBERDAYAAN DAN PENGAWASAN ORGANISASI KEMASYARAKATAN",
        ),
        ("Wawasan Kebangsaan", "Organisasi Kemasyarakatan", "Pendidikan Politik"),
    ),
)

KECAMATAN_SPEC = OpdSpec(
    "7.01",
    "Kecamatan",
    "kec",
    (
        "PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK",
        "PROGRAM PEMBERDAYAAN MASYARAKAT DESA DAN KELURAHAN",
        "PROGRAM KOORDINASI KETENTRAMAN DAN KETERTIBAN UMUM",
    ),
    (
        "Pelayanan Administrasi Terpadu Kecamatan",
        "Pemberdayaan Masyarakat Desa",
        "Ketentraman dan Ketertiban Umum",
        "Penyelenggaraan Pemerintahan Desa",
    ),
    (("Jalan Lingkungan", "jalan"), ("Drainase Lingkungan", "drainase"), ("Balai Pertemuan", "gedung")),
    0.15,
)

KECAMATAN = (
    "Makmur Jaya",
    "Tanjung Harapan",
    "Sungai Lestari",
    "Bukit Permai",
    "Suka Damai",
    "Karang Anyar",
    "Sumber Rejeki",
    "Padang Sejahtera",
    "Talang Indah",
    "Rantau Baru",
    "Pasir Putih",
    "Teluk Sari",
    "Mekar Mulya",
    "Lubuk Jaya",
    "Air Bening",
    "Batu Ampar",
    "Sido Mulyo",
    "Cinta Damai",
    "Gunung Sari",
    "Muara Baru",
    "Kuala Indah",
    "Pematang Raya",
    "Sinar Harapan",
    "Tanjung Sari",
)
DESA = (
    "Sukamulya",
    "Sukadana",
    "Babakanjaya",
    "Margaluyu",
    "Sirnagalih",
    "Kertajaya",
    "Neglasari",
    "Cikahuripan",
    "Mekarsari",
    "Tanjungsari",
    "Sukarame",
    "Cijati",
    "Pasirbuncir",
    "Sindangjaya",
    "Wangunreja",
    "Sidorejo",
    "Sumberagung",
    "Karangrejo",
    "Mulyasari",
    "Purwodadi",
    "Harapan Jaya",
    "Bumi Ayu",
    "Suka Makmur",
    "Tanjung Baru",
)

# Program 01 of every OPD: (kegiatan code, kegiatan name, ((sub name, kind), ...)).
PENUNJANG_PROGRAM = "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA"
PENUNJANG_KEGIATAN = (
    (
        "2.01",
        "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",
        (
            ("Penyusunan Dokumen Perencanaan Perangkat Daerah", "umum"),
            ("Koordinasi dan Penyusunan Dokumen RKA-SKPD", "umum"),
            ("Koordinasi dan Penyusunan DPA-SKPD", "umum"),
            ("Koordinasi dan Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD", "umum"),
            ("Evaluasi Kinerja Perangkat Daerah", "umum"),
        ),
    ),
    (
        "2.02",
        "Administrasi Keuangan Perangkat Daerah",
        (
            ("Penyediaan Gaji dan Tunjangan ASN", "gaji"),
            ("Penyediaan Administrasi Pelaksanaan Tugas ASN", "umum"),
            ("Koordinasi dan Penyusunan Laporan Keuangan Akhir Tahun SKPD", "umum"),
        ),
    ),
    (
        "2.06",
        "Administrasi Umum Perangkat Daerah",
        (
            ("Penyediaan Peralatan dan Perlengkapan Kantor", "umum"),
            ("Penyediaan Bahan Logistik Kantor", "umum"),
            ("Penyediaan Barang Cetakan dan Penggandaan", "umum"),
            ("Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD", "umum"),
        ),
    ),
    (
        "2.08",
        "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah",
        (
            ("Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik", "umum"),
            ("Penyediaan Jasa Pelayanan Umum Kantor", "umum"),
            ("Penyediaan Jasa Kebersihan Kantor", "umum"),
        ),
    ),
    (
        "2.09",
        "Pemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah",
        (
            ("Penyediaan Jasa Pemeliharaan, Biaya Pemeliharaan, dan Pajak Kendaraan Perorangan Dinas", "umum"),
            ("Pemeliharaan Peralatan dan Mesin Lainnya", "umum"),
            ("Rehabilitasi Gedung Kantor dan Bangunan Lainnya", "gedung"),
        ),
    ),
)
KEGIATAN_VERBS = ("Peningkatan Kualitas", "Pengelolaan", "Penyelenggaraan", "Pengembangan", "Pembinaan")
SUB_ACTIVITIES = (
    "Sosialisasi dan Edukasi",
    "Monitoring, Evaluasi dan Pelaporan",
    "Pendataan dan Verifikasi",
    "Bimbingan Teknis",
    "Koordinasi dan Sinkronisasi",
    "Fasilitasi",
    "Penyusunan Dokumen Perencanaan",
)
FISIK_WORKS = ("Pembangunan", "Rehabilitasi", "Peningkatan", "Pemeliharaan Berkala")

# Belanja lines (kode rekening, uraian).
MODAL_KONSTRUKSI = {
    "gedung": ("5.2.03.01.01.0001", "Belanja Modal Bangunan Gedung Kantor"),
    "jalan": ("5.2.04.01.01.0012", "Belanja Modal Jalan Kabupaten"),
    "jembatan": ("5.2.04.01.02.0001", "Belanja Modal Jembatan pada Jalan Kabupaten"),
    "irigasi": ("5.2.04.03.01.0001", "Belanja Modal Bangunan Air Irigasi"),
    "drainase": ("5.2.04.04.01.0001", "Belanja Modal Bangunan Pengaman/Drainase"),
}
MODAL_PERALATAN = ("5.2.02.05.01.0001", "Belanja Modal Peralatan dan Mesin")
FISIK_SUPPORT = (
    ("5.1.02.02.08.0001", "Belanja Jasa Konsultansi Pengawasan Pekerjaan Konstruksi"),
    ("5.1.02.02.07.0001", "Belanja Jasa Konsultansi Perencanaan Pekerjaan Konstruksi"),
    ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor"),
)
BELANJA_UMUM = (
    ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor"),
    ("5.1.02.01.01.0026", "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Cetak"),
    ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat"),
    ("5.1.02.02.01.0003", "Honorarium Narasumber atau Pembahas, Moderator, Pembawa Acara, dan Panitia"),
    ("5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi"),
    ("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa"),
)
BELANJA_GAJI = (
    ("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS"),
    ("5.1.01.01.02.0001", "Belanja Tunjangan Keluarga PNS"),
    ("5.1.01.01.03.0001", "Belanja Tunjangan Jabatan PNS"),
    ("5.1.01.01.05.0001", "Belanja Tunjangan Fungsional Umum PNS"),
)
SUMBER_FISIK = (("DAK Fisik", 35), ("DAU", 30), ("PAD", 15), ("Bankeu Provinsi", 20))
SUMBER_NON_FISIK = (("DAU", 40), ("PAD", 30), ("DAK Non Fisik", 15), ("DBHCHT", 15))

# (permasalahan, solusi) pairs.
MASALAH_UMUM = (
    ("Menunggu pergeseran anggaran", "Menunggu penetapan DPPA"),
    ("Menunggu juknis", "Konsultasi ke kementerian teknis"),
    ("Keterlambatan SPJ dari bidang teknis", "Percepatan penyampaian SPJ ke PPK-SKPD"),
    ("Perubahan jadwal kegiatan", "Penjadwalan ulang pada bulan berikutnya"),
)
MASALAH_FISIK = (
    ("Proses tender masih berlangsung", "Percepatan proses pengadaan melalui UKPBJ"),
    ("Addendum kontrak dalam proses", "Percepatan penyelesaian addendum oleh PPK"),
    ("Pembebasan lahan belum selesai", "Koordinasi dengan pemerintah desa dan pemilik lahan"),
    ("Curah hujan tinggi menghambat pekerjaan", "Penambahan tenaga kerja dan jam kerja"),
    ("Gagal lelang", "Tender ulang"),
)
MASALAH_TERJADWAL = ("Kegiatan dijadwalkan pada triwulan III", "Pelaksanaan sesuai jadwal")

NAMA_DEPAN = (
    "Asep",
    "Dewi",
    "Wawan",
    "Siti",
    "Budi",
    "Rina",
    "Agus",
    "Yuni",
    "Hendra",
    "Nurul",
    "Dedi",
    "Lina",
    "Eko",
    "Sri",
    "Bambang",
    "Rahmat",
    "Fitri",
    "Yusuf",
    "Ratna",
    "Joko",
)
NAMA_BELAKANG = (
    "Setiawan",
    "Hidayat",
    "Nurjanah",
    "Saputra",
    "Rahayu",
    "Kurniawan",
    "Lestari",
    "Pratama",
    "Wibowo",
    "Susanti",
    "Gunawan",
    "Permana",
    "Maulana",
    "Handayani",
)
GELAR = (
    ", S.IP., M.AP.",
    ", S.Sos., M.Si.",
    ", S.E., M.M.",
    ", S.T., M.T.",
    ", S.H., M.H.",
    ", S.Pd., M.Pd.",
    ", S.KM., M.Kes.",
)

# ---------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------


@dataclass
class BelanjaLine:
    """One line of the DPA: a kode rekening belanja and its pagu."""

    kode: str
    uraian: str
    pagu: int


@dataclass
class SubKegiatan:
    """A leaf budget activity with its DPA lines and report attributes."""

    kode: str
    nama: str
    sumber_dana: str
    lokasi: str
    fisik: bool
    lines: list[BelanjaLine] = field(default_factory=list)

    @property
    def pagu(self) -> int:
        """Pagu of the sub kegiatan: the sum of its belanja lines."""
        return sum(line.pagu for line in self.lines)


@dataclass
class Kegiatan:
    """A kegiatan (5-segment code) grouping sub kegiatan."""

    kode: str
    nama: str
    subs: list[SubKegiatan] = field(default_factory=list)


@dataclass
class Program:
    """A program (3-segment code) grouping kegiatan."""

    kode: str
    nama: str
    kegiatan: list[Kegiatan] = field(default_factory=list)


@dataclass
class Opd:
    """A regional agency (dinas, badan, kecamatan) and its budget tree."""

    kode: str
    nama: str
    singkatan: str
    bidang: str
    jabatan: str
    kepala: str
    nip: str
    programs: list[Program] = field(default_factory=list)

    @property
    def subs(self) -> list[SubKegiatan]:
        """All sub kegiatan of the OPD in code order."""
        return [s for p in self.programs for k in p.kegiatan for s in k.subs]

    @property
    def pagu(self) -> int:
        """Total pagu of the OPD."""
        return sum(s.pagu for s in self.subs)


@dataclass
class Master:
    """A fictional kabupaten's DPA for one year."""

    seed: int
    year: int
    kabupaten: str
    opds: list[Opd]
    _curves: dict = field(default_factory=dict, repr=False, compare=False)

    def opd(self, key: str) -> Opd:
        """Find an OPD by singkatan (case-insensitive), kode or nama."""
        for o in self.opds:
            if key.lower() in (o.singkatan.lower(), o.kode, o.nama.lower()):
                return o
        raise KeyError(key)

    @property
    def n_lines(self) -> int:
        """Number of belanja lines (rows of the DPA workbook)."""
        return sum(len(s.lines) for o in self.opds for s in o.subs)


@dataclass
class MonthValue:
    """Cumulative realisation of one sub kegiatan at the end of one month."""

    target_fisik: float
    realisasi_fisik: float
    realisasi_keuangan: int
    permasalahan: str = ""
    solusi: str = ""


@dataclass
class ReportRow:
    """One row of a realisation report table (program, kegiatan, sub or total)."""

    level: str  # "program" | "kegiatan" | "sub" | "total"
    no: object
    kode: str
    nama: str
    pagu: int
    target_fisik: float
    realisasi_fisik: float
    realisasi_keuangan: int
    sumber_dana: str = ""
    lokasi: str = ""
    permasalahan: str = ""
    solusi: str = ""

    @property
    def persen_keuangan(self) -> float:
        """Realisasi keuangan as a percentage of pagu (2 decimals)."""
        return round(self.realisasi_keuangan / self.pagu * 100, 2) if self.pagu else 0.0

    @property
    def deviasi(self) -> float:
        """Realisasi fisik minus target fisik, in percentage points."""
        return round(self.realisasi_fisik - self.target_fisik, 2)


@dataclass
class ReportTruth:
    """Ground truth of a written report (one sheet / one month).

    For ``multi_month`` files the truth describes the latest month and ``per_month``
    holds one truth per sheet.
    """

    path: str
    layout: str
    opd: str
    opd_name: str
    year: int
    month: int
    sheet: str | None
    header_row: int
    leaf_rows: int
    sum_pagu: int
    sum_realisasi_keuangan: int
    fisik_weighted_mean: float
    fisik_rows: int
    per_month: list[ReportTruth] = field(default_factory=list)

    def as_dict(self) -> dict:
        """A JSON-friendly dict (same keys as the fixtures' EXPECTED.json)."""
        data = asdict(self)
        if not self.per_month:
            data.pop("per_month")
        return data


# ---------------------------------------------------------------------------
# Master (DPA) generation
# ---------------------------------------------------------------------------


def _rng(*parts: object) -> random.Random:
    """A random generator seeded deterministically from the given parts."""
    return random.Random(":".join(str(p) for p in parts))


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    """Pick one option from (value, weight) pairs."""
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _log_uniform(rng: random.Random, low: float, high: float) -> int:
    """A pagu between low and high rupiah, log-uniform, rounded to 1,000."""
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    return max(1000, int(round(value / 1000)) * 1000)


def _kepala(rng: random.Random) -> tuple[str, str]:
    """A fictional head of agency: (name with degrees, NIP)."""
    nama = f"{rng.choice(NAMA_DEPAN)} {rng.choice(NAMA_BELAKANG)}{rng.choice(GELAR)}"
    born = dt.date(rng.randint(1966, 1982), rng.randint(1, 12), rng.randint(1, 28))
    tmt = (born.year + rng.randint(23, 30), rng.randint(1, 12))
    nip = f"{born:%Y%m%d} {tmt[0]}{tmt[1]:02d} {rng.randint(1, 2)} {rng.randint(1, 15):03d}"
    return nama, nip


def _opd_templates(n_opd: int, shared_kecamatan_codes: bool) -> list[tuple[OpdSpec, str, str, int]]:
    """(spec, nama, singkatan, program-number base) for the first n_opd units."""
    out = []
    for spec in OPD_SPECS[:n_opd]:
        out.append((spec, spec.nama, spec.singkatan, 0))
    n_kec = n_opd - len(out)
    if n_kec > len(KECAMATAN):
        raise ValueError(f"at most {len(OPD_SPECS) + len(KECAMATAN)} OPDs are supported")
    for j in range(n_kec):
        name = KECAMATAN[j]
        base = 0 if shared_kecamatan_codes else j * (len(KECAMATAN_SPEC.programs) + 1)
        out.append((KECAMATAN_SPEC, f"Kecamatan {name}", "kec" + name.lower().replace(" ", ""), base))
    return out


def _split_counts(n: int, rng: random.Random) -> tuple[int, int]:
    """How many sub kegiatan go to program 01 (penunjang) and to the OPD's own programs."""
    if n <= 1:
        return n, 0
    n01 = min(18, max(1, round(n * rng.uniform(0.2, 0.35))))
    return min(n01, n - 1), n - min(n01, n - 1)


def _chunks(total: int, rng: random.Random, low: int, high: int) -> list[int]:
    """Split ``total`` into positive chunks of roughly low..high items."""
    sizes = []
    while total > 0:
        size = min(total, rng.randint(low, high))
        sizes.append(size)
        total -= size
    return sizes


def _lokasi(rng: random.Random, kabupaten: str, fisik: bool) -> str:
    """A location text as OPDs write it."""
    kec = rng.choice(KECAMATAN)
    if fisik:
        return f"Desa {rng.choice(DESA)}, Kec. {kec}"
    return rng.choice((f"Kabupaten {kabupaten}", f"Kabupaten {kabupaten}", f"Kec. {kec}"))


def _sub_template(
    rng: random.Random, spec: OpdSpec, topic: str, specials: list[str], activities: list[str]
) -> tuple[str, str]:
    """Name and kind ("gaji", "umum", "peralatan" or a konstruksi kind) of a new sub kegiatan.

    ``specials`` and ``activities`` are consumed so names rarely repeat within a kegiatan.
    """
    if spec.fisik_objects and rng.random() < spec.fisik_share:
        obj, kind = rng.choice(spec.fisik_objects)
        return f"{rng.choice(FISIK_WORKS)} {obj} {rng.choice(DESA)}", kind
    if specials and rng.random() < 0.25:
        name = specials.pop(0)
        peralatan = name.startswith("Pengadaan") and ("Alat" in name or "Armada" in name or "Mebel" in name)
        return name, "peralatan" if peralatan else "umum"
    activity = activities.pop() if activities else rng.choice(SUB_ACTIVITIES)
    return f"{activity} {topic}", "umum"


def _penunjang(rng: random.Random, n: int) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Pick n standard penunjang sub kegiatan, keeping the official order."""
    pool = [(kk, kn, sn, kind) for kk, kn, subs in PENUNJANG_KEGIATAN for sn, kind in subs]
    chosen = sorted(rng.sample(range(len(pool)), n))
    grouped: dict[str, tuple[str, list]] = {}
    for i in chosen:
        kk, kn, sn, kind = pool[i]
        grouped.setdefault(kk, (kn, []))[1].append((sn, kind))
    return [(kk, kn, subs) for kk, (kn, subs) in grouped.items()]


def _build_tree(
    rng: random.Random, spec: OpdSpec, bidang: str, base: int, n: int, kabupaten: str
) -> list[tuple[Program, list[tuple[SubKegiatan, str]]]]:
    """The program/kegiatan/sub tree of one OPD; returns programs with (sub, kind) pairs."""
    n01, n_spec = _split_counts(n, rng)
    out = []
    prog = Program(f"{bidang}.{base + 1:02d}", PENUNJANG_PROGRAM)
    kinds = []
    for kk, kn, subs in _penunjang(rng, n01):
        keg = Kegiatan(f"{prog.kode}.{kk}", kn)
        for i, (sn, kind) in enumerate(subs, 1):
            fisik = kind in MODAL_KONSTRUKSI
            sub = SubKegiatan(f"{keg.kode}.{i:04d}", sn, "", _lokasi(rng, kabupaten, fisik), fisik)
            keg.subs.append(sub)
            kinds.append((sub, kind))
        prog.kegiatan.append(keg)
    if prog.kegiatan:
        out.append((prog, kinds))
    if n_spec == 0:
        return out
    n_prog = min(len(spec.programs), max(1, math.ceil(n_spec / 6)))
    per_prog = [n_spec // n_prog + (1 if i < n_spec % n_prog else 0) for i in range(n_prog)]
    specials = list(spec.specials)
    for p_idx, count in enumerate(per_prog):
        prog = Program(f"{bidang}.{base + 2 + p_idx:02d}", spec.programs[p_idx])
        kinds = []
        for k_idx, size in enumerate(_chunks(count, rng, 1, 6 if n_spec < 60 else 9)):
            topic = spec.topics[(p_idx + k_idx) % len(spec.topics)]
            verb = KEGIATAN_VERBS[(k_idx // len(spec.topics) + p_idx) % len(KEGIATAN_VERBS)]
            keg = Kegiatan(f"{prog.kode}.2.{k_idx + 1:02d}", f"{verb} {topic}")
            activities = rng.sample(SUB_ACTIVITIES, len(SUB_ACTIVITIES))
            for i in range(size):
                name, kind = _sub_template(rng, spec, topic, specials, activities)
                fisik = kind in MODAL_KONSTRUKSI
                sub = SubKegiatan(f"{keg.kode}.{i + 1:04d}", name, "", _lokasi(rng, kabupaten, fisik), fisik)
                keg.subs.append(sub)
                kinds.append((sub, kind))
            prog.kegiatan.append(keg)
        out.append((prog, kinds))
    return out


def _line_pool(kind: str, rng: random.Random) -> list[tuple[str, str]]:
    """Candidate belanja lines for a sub kegiatan of the given kind, main line first."""
    if kind in MODAL_KONSTRUKSI:
        return [MODAL_KONSTRUKSI[kind], *FISIK_SUPPORT]
    if kind == "gaji":
        return list(BELANJA_GAJI)
    umum = rng.sample(BELANJA_UMUM, len(BELANJA_UMUM))
    return [MODAL_PERALATAN, *umum] if kind == "peralatan" else umum


def _sub_pagu(kind: str, rng: random.Random) -> int:
    """Total pagu of a sub kegiatan of the given kind (20 juta - 5 miliar)."""
    if kind in MODAL_KONSTRUKSI:
        return _log_uniform(rng, 150e6, 5e9)
    if kind == "gaji":
        return _log_uniform(rng, 1.5e9, 5e9)
    if kind == "peralatan":
        return _log_uniform(rng, 60e6, 2e9)
    return _log_uniform(rng, 20e6, 2e9)


def _split_pagu(total: int, n: int, rng: random.Random, main_share: float | None) -> list[int]:
    """Split a pagu into n positive multiples of 1,000 that add up exactly."""
    units = total // 1000
    if n == 1:
        return [total]
    if main_share is not None:
        weights = [main_share] + [rng.uniform(0.2, 1.0) * (1 - main_share) for _ in range(n - 1)]
    else:
        weights = [rng.uniform(0.2, 1.0) for _ in range(n)]
    scale = sum(weights)
    parts = [max(1, int(units * w / scale)) for w in weights[:-1]]
    parts.append(units - sum(parts))
    while parts[-1] < 1:  # only for tiny pagu: take units back from the largest part
        big = parts.index(max(parts[:-1]))
        parts[big] -= 1
        parts[-1] += 1
    return [p * 1000 for p in parts]


def _line_counts(n_subs: int, bounds: tuple[int, int], rng: random.Random, total: int | None) -> list[int]:
    """Number of belanja lines per sub kegiatan, optionally adjusted to sum to ``total``."""
    low, high = bounds
    counts = [rng.randint(low, high) for _ in range(n_subs)]
    if total is None:
        return counts
    if not n_subs * low <= total <= n_subs * high:
        raise ValueError(f"cannot make {total} lines from {n_subs} sub kegiatan of {bounds} lines")
    order = list(range(n_subs))
    rng.shuffle(order)
    diff, i = total - sum(counts), 0
    while diff:
        j = order[i % n_subs]
        step = 1 if diff > 0 else -1
        if low <= counts[j] + step <= high:
            counts[j] += step
            diff -= step
        i += 1
    return counts


def _fill_lines(sub: SubKegiatan, kind: str, n_lines: int, rng: random.Random) -> None:
    """Give a sub kegiatan its sumber dana and belanja lines."""
    if kind == "gaji":
        sub.sumber_dana = "DAU"
    else:
        sub.sumber_dana = _weighted(rng, SUMBER_FISIK if sub.fisik else SUMBER_NON_FISIK)
    pool = _line_pool(kind, rng)
    n_lines = min(n_lines, len(pool))
    main = (
        rng.uniform(0.85, 0.93)
        if kind in MODAL_KONSTRUKSI
        else (rng.uniform(0.6, 0.9) if kind in ("gaji", "peralatan") else None)
    )
    amounts = _split_pagu(_sub_pagu(kind, rng), n_lines, rng, main)
    sub.lines = [BelanjaLine(k, u, a) for (k, u), a in zip(pool[:n_lines], amounts)]


def make_master(
    seed: int,
    n_opd: int,
    subkeg_per_opd: int,
    lines_per_subkeg: tuple[int, int] = (1, 4),
    year: int = 2026,
    kabupaten: str = "Tanjung Makmur",
    total_lines: int | None = None,
    shared_kecamatan_codes: bool = False,
) -> Master:
    """Generate a fictional kabupaten's DPA.

    ``n_opd`` units are taken from :data:`OPD_SPECS` in order, then "Kecamatan ..."
    units. Each gets ``subkeg_per_opd`` sub kegiatan with ``lines_per_subkeg``
    (inclusive range) belanja lines each; ``total_lines`` forces the exact number of
    DPA rows (line counts are adjusted within the range). Fisik konstruksi sub
    kegiatan have a 5.2.03/5.2.04 belanja modal line, all others do not.
    """
    rng = _rng("master", seed)
    opds = []
    pending: list[tuple[SubKegiatan, str]] = []
    for idx, (spec, nama, singkatan, base) in enumerate(_opd_templates(n_opd, shared_kecamatan_codes)):
        bidang = spec.bidang
        if spec is KECAMATAN_SPEC:
            kode = f"{bidang}.0.00.0.00.{idx - len(OPD_SPECS) + 1:02d}.0000"
            jabatan = f"Camat {nama.removeprefix('Kecamatan ')}"
        else:
            kode = f"{bidang}.0.00.0.00.01.0000"
            jabatan = spec.jabatan or f"Kepala {nama}"
        kepala, nip = _kepala(rng)
        opd = Opd(kode, nama, singkatan, bidang, jabatan, kepala, nip)
        for prog, kinds in _build_tree(rng, spec, bidang, base, subkeg_per_opd, kabupaten):
            opd.programs.append(prog)
            pending.extend(kinds)
        opds.append(opd)
    counts = _line_counts(len(pending), lines_per_subkeg, rng, total_lines)
    for (sub, kind), n_lines in zip(pending, counts):
        _fill_lines(sub, kind, n_lines, rng)
    master = Master(seed, year, kabupaten, opds)
    if total_lines is not None and master.n_lines != total_lines:
        raise ValueError("line pool too small for the requested total_lines")
    return master


# ---------------------------------------------------------------------------
# Realisation model
# ---------------------------------------------------------------------------


def _smoothstep(x: float) -> float:
    """S-curve from 0 to 1 on [0, 1]."""
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def _target_curve(rng: random.Random, fisik: bool) -> tuple[list[float], bool]:
    """Planned cumulative fisik % for months 1..12, and whether work starts late."""
    if fisik:
        start, end = rng.randint(2, 5), rng.randint(9, 12)
        end = max(end, start + 3)
        curve = [0.0 if m < start else 100 * _smoothstep((m - start + 1) / (end - start + 1)) for m in range(1, 13)]
        return [round(min(100.0, v), 2) for v in curve], False
    start = 7 if rng.random() < 0.12 else 1
    curve = [0.0 if m < start else 100 * (m - start + 1) / (13 - start) for m in range(1, 13)]
    return [round(v, 2) for v in curve], start > 1


def _problem(rng: random.Random, fisik: bool, deviasi: float, late_start: bool, month_target: float) -> tuple[str, str]:
    """Permasalahan and solusi text for a month, often empty."""
    if late_start and month_target == 0:
        return MASALAH_TERJADWAL if rng.random() < 0.6 else ("", "")
    if deviasi < -5 and rng.random() < 0.7:
        return rng.choice(MASALAH_FISIK if fisik else MASALAH_UMUM)
    if rng.random() < 0.05:
        return "", "Pelaksanaan sesuai jadwal"
    return "", ""


def realisasi_curve(master: Master, opd: Opd, sub: SubKegiatan) -> list[MonthValue]:
    """Cumulative realisation of a sub kegiatan for months 1..12 (index 0 = Januari).

    Deterministic per (seed, OPD, sub kegiatan), so a month's values do not depend on
    which other months are generated. Target and realisasi fisik (percent, 2 decimals)
    and realisasi keuangan (rupiah) never decrease; fisik stays in 0-100 and keuangan
    never exceeds pagu.
    """
    key = (opd.singkatan, sub.kode)
    if key in master._curves:
        return master._curves[key]
    rng = _rng("realisasi", master.seed, *key)
    target, late = _target_curve(rng, sub.fisik)
    perf = rng.uniform(0.55, 1.06) if sub.fisik else rng.uniform(0.6, 1.08)
    absorb = rng.uniform(0.7, 0.95) if sub.fisik else rng.uniform(0.82, 0.99)
    uang_muka = sub.fisik and rng.random() < 0.3
    fisik_prev, keu_prev, out = 0.0, 0, []
    for m in range(12):
        fisik = round(min(100.0, target[m] * perf * rng.uniform(0.93, 1.04)), 2)
        fisik = max(fisik_prev, fisik)
        keu_pct = fisik * absorb * rng.uniform(0.95, 1.02)
        if uang_muka and target[m] > 0:
            keu_pct = max(keu_pct, 20.0)
        keu = max(keu_prev, min(sub.pagu, int(sub.pagu * keu_pct / 100)))
        masalah, solusi = _problem(rng, sub.fisik, fisik - target[m], late, target[m])
        out.append(MonthValue(target[m], fisik, keu, masalah, solusi))
        fisik_prev, keu_prev = fisik, keu
    master._curves[key] = out
    return out


def _weighted_mean(pairs: list[tuple[int, float]]) -> float:
    """Pagu-weighted mean of percentages (2 decimals); 0 when pagu is 0."""
    total = sum(p for p, _ in pairs)
    return round(sum(p * v for p, v in pairs) / total, 2) if total else 0.0


def _aggregate(level: str, no: object, kode: str, nama: str, leaves: list[ReportRow]) -> ReportRow:
    """A subtotal row: sums of Rp, pagu-weighted means of fisik."""
    return ReportRow(
        level,
        no,
        kode,
        nama,
        sum(r.pagu for r in leaves),
        _weighted_mean([(r.pagu, r.target_fisik) for r in leaves]),
        _weighted_mean([(r.pagu, r.realisasi_fisik) for r in leaves]),
        sum(r.realisasi_keuangan for r in leaves),
    )


def _roman(n: int) -> str:
    """Roman numeral for program numbering (I, II, ...)."""
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + letters, n - value
    return out


def report_rows(master: Master, opd: Opd, month: int, total_label: str = "JUMLAH") -> list[ReportRow]:
    """All rows of an OPD's report for a month: program, kegiatan, sub rows, then a total."""
    rows, all_leaves = [], []
    for p_no, prog in enumerate(opd.programs, 1):
        prog_rows, prog_leaves = [], []
        for k_no, keg in enumerate(prog.kegiatan, 1):
            leaves = []
            for s_no, sub in enumerate(keg.subs, 1):
                v = realisasi_curve(master, opd, sub)[month - 1]
                leaves.append(
                    ReportRow(
                        "sub",
                        s_no,
                        sub.kode,
                        sub.nama,
                        sub.pagu,
                        v.target_fisik,
                        v.realisasi_fisik,
                        v.realisasi_keuangan,
                        sub.sumber_dana,
                        sub.lokasi,
                        v.permasalahan,
                        v.solusi,
                    )
                )
            prog_rows.append(_aggregate("kegiatan", get_column_letter(k_no), keg.kode, keg.nama, leaves))
            prog_rows.extend(leaves)
            prog_leaves.extend(leaves)
        rows.append(_aggregate("program", _roman(p_no), prog.kode, prog.nama, prog_leaves))
        rows.extend(prog_rows)
        all_leaves.extend(prog_leaves)
    rows.append(_aggregate("total", "", "", total_label, all_leaves))
    return rows


def compute_truth(master: Master, opd: Opd, month: int) -> dict:
    """Ground truth of an OPD's report for a month (leaf rows only)."""
    leaves = [r for r in report_rows(master, opd, month) if r.level == "sub"]
    total = sum(r.pagu for r in leaves)
    fisik = sum(r.pagu * r.realisasi_fisik for r in leaves) / total if total else 0.0
    return {
        "leaf_rows": len(leaves),
        "sum_pagu": total,
        "sum_realisasi_keuangan": sum(r.realisasi_keuangan for r in leaves),
        "fisik_weighted_mean": round(fisik, 4),
        "fisik_rows": sum(1 for s in opd.subs if s.fisik),
    }


# ---------------------------------------------------------------------------
# Writers: shared helpers
# ---------------------------------------------------------------------------

BOLD = Font(bold=True)
MONEY_FMT = "#,##0"
PCT_FMT = "0.00"
COLUMNS_V1 = (
    "No",
    "Kode Rekening",
    "Program / Kegiatan / Sub Kegiatan",
    "Pagu Anggaran (Rp)",
    "Target Fisik (%)",
    "Realisasi Fisik (%)",
    "Realisasi Keuangan (Rp)",
    "Realisasi Keuangan (%)",
    "Deviasi Fisik (%)",
    "Sumber Dana",
    "Lokasi",
    "Permasalahan",
    "Solusi",
)
MONEY_COLS = (3, 6)
PCT_COLS = (4, 5, 7, 8)


def _row_values(row: ReportRow) -> list:
    """The 13 cell values of a row in V1 column order (percentages 0-100)."""
    return [
        row.no if row.no != "" else None,
        row.kode or None,
        row.nama,
        row.pagu,
        row.target_fisik,
        row.realisasi_fisik,
        row.realisasi_keuangan,
        row.persen_keuangan,
        row.deviasi,
        row.sumber_dana or None,
        row.lokasi or None,
        row.permasalahan or None,
        row.solusi or None,
    ]


def _new_workbook(master: Master) -> Workbook:
    """A workbook with fixed document properties (for byte-identical output)."""
    wb = Workbook()
    wb.properties.creator = f"SIMONEV Kabupaten {master.kabupaten}"
    wb.properties.created = dt.datetime(master.year, 1, 1)
    wb.properties.modified = dt.datetime(master.year, 1, 1)
    return wb


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _save_workbook(wb: Workbook, path: Path, year: int) -> None:
    """Save with fixed zip timestamps so the same content gives the same bytes."""
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    stamp = (year, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with now()
                data = _MODIFIED.sub(rf"\g<1>{year}-01-01T00:00:00Z\g<2>".encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)


def _put(ws, row: int, col: int, value, fmt: str | None = None, bold: bool = False) -> None:
    """Write one cell (1-based row/col) with an optional number format and bold font."""
    if value is None:
        return
    cell = ws.cell(row=row, column=col, value=value)
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = BOLD


def _signature_date(master: Master, opd: Opd, month: int) -> str:
    """Place and date of signing: early in the following month."""
    day = _rng("ttd", master.seed, opd.singkatan, month).randint(2, 10)
    y, m = (master.year + 1, 1) if month == 12 else (master.year, month + 1)
    return f"{master.kabupaten}, {day} {BULAN[m - 1]} {y}"


def _write_signature(ws, row: int, col: int, master: Master, opd: Opd, month: int) -> None:
    """The signature block: place/date, jabatan, space, name, NIP."""
    _put(ws, row, col, _signature_date(master, opd, month))
    _put(ws, row + 1, col, opd.jabatan)
    _put(ws, row + 4, col, opd.kepala)
    _put(ws, row + 5, col, f"NIP. {opd.nip}")


def _set_widths(ws, col0: int) -> None:
    """Column widths like the fixtures (kode 20, uraian 60, money 20)."""
    for offset, width in ((1, 20), (2, 60), (3, 20), (6, 20)):
        ws.column_dimensions[get_column_letter(col0 + offset)].width = width


def _write_titles(ws, col: int, first_row: int, titles: list[str]) -> None:
    """Bold title lines, one per row."""
    for i, text in enumerate(titles):
        _put(ws, first_row + i, col, text, bold=True)


def _write_body(ws, row0: int, col0: int, rows: list[ReportRow], cell_fn) -> int:
    """Write table rows starting at row0; ``cell_fn(index, value)`` -> (value, fmt). Returns next row."""
    r = row0
    for row in rows:
        bold = row.level != "sub"
        for i, value in enumerate(_row_values(row)):
            value, fmt = cell_fn(i, value)
            _put(ws, r, col0 + i, value, fmt, bold)
        r += 1
    return r


def _plain_cell(i: int, value):
    """V1 cells: money as integers with #,##0, percentages 0-100 with 0.00."""
    if i in MONEY_COLS:
        return value, MONEY_FMT
    if i in PCT_COLS:
        return value, PCT_FMT
    return value, None


def _fraction_cell(i: int, value):
    """V2 cells: percentages as fractions with a % format."""
    if i in PCT_COLS:
        return round(value / 100, 4), "0.00%"
    return _plain_cell(i, value)


def _id_thousands(n: int) -> str:
    """1234567 -> '1.234.567'."""
    return f"{n:,}".replace(",", ".")


def _id_decimal(value: float, keep_zeros: bool) -> str:
    """45.5 -> '45,50' (or '45,5' without trailing zeros)."""
    text = f"{value:.2f}"
    if not keep_zeros:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _text_cell_factory(rng: random.Random):
    """V3 cells: a random mix of real numbers and Indonesian-style text."""

    def cell(i: int, value):
        if i in MONEY_COLS:
            style = rng.randrange(4)
            if style == 0:
                return value, MONEY_FMT
            return (f"Rp {_id_thousands(value)}", f"{_id_thousands(value)},00", _id_thousands(value))[style - 1], None
        if i in PCT_COLS:
            style = rng.randrange(5)
            if style == 0:
                return value, PCT_FMT
            text = _id_decimal(value, keep_zeros=rng.random() < 0.5)
            return text + ("", "%", " %", "")[style - 1], None
        return value, None

    return cell


def report_filename(opd: Opd, year: int, month: int, layout: str) -> str:
    """The conventional file name of a report (as the fixtures are named)."""
    abbr, bulan = opd.singkatan, BULAN[month - 1]
    names = {
        "V1": f"realisasi_{abbr}_{year}-{month:02d}.xlsx",
        "V2": f"Lap Realisasi {abbr.upper()} {bulan} {year}.xlsx",
        "V3": f"{abbr.upper()}_{bulan.upper()}_{year}.xlsx",
        "V4": f"{abbr}_{year}-{month:02d}.csv",
        "offset": f"Form Realisasi {abbr.upper()} {bulan} {year}.xlsx",
        "html_xls": f"realisasi_{abbr}_{year}-{month:02d}.xls",
        "multi_month": f"Realisasi {abbr.upper()} {year}.xlsx",
    }
    return names[layout]


# ---------------------------------------------------------------------------
# Writers: one per layout
# ---------------------------------------------------------------------------


def _report_titles(
    master: Master, opd: Opd, month: int, opd_label: str = "OPD", period_label: str = "KEADAAN BULAN"
) -> list[str]:
    """The four title lines above a realisation table."""
    return [
        "LAPORAN REALISASI FISIK DAN KEUANGAN",
        f"PEMERINTAH KABUPATEN {master.kabupaten.upper()}",
        f"{opd_label} : {opd.nama.upper()}",
        f"{period_label} : {BULAN[month - 1].upper()} {master.year}",
    ]


def _v1_sheet(ws, master: Master, opd: Opd, month: int, rows: list[ReportRow]) -> None:
    """Fill a worksheet in the V1 layout (also used per sheet by multi_month)."""
    _write_titles(ws, 1, 1, _report_titles(master, opd, month))
    for i, name in enumerate(COLUMNS_V1):
        _put(ws, 6, 1 + i, name, bold=True)
    end = _write_body(ws, 7, 1, rows, _plain_cell)
    _write_signature(ws, end + 2, 11, master, opd, month)
    _set_widths(ws, 1)


def _write_v1(master: Master, opd: Opd, month: int, path: Path) -> tuple[str, int]:
    """V1: sheet "Realisasi", header row 6, JUMLAH row, signature."""
    wb = _new_workbook(master)
    ws = wb.active
    ws.title = "Realisasi"
    _v1_sheet(ws, master, opd, month, report_rows(master, opd, month, "JUMLAH"))
    _save_workbook(wb, path, master.year)
    return "Realisasi", 6


def _write_v2(master: Master, opd: Opd, month: int, path: Path) -> tuple[str, int]:
    """V2: two-row header with merges, column-number row, fractions as %, TOTAL row."""
    wb = _new_workbook(master)
    ws = wb.active
    ws.title = "Lap Realisasi"
    _write_titles(ws, 1, 1, _report_titles(master, opd, month, "SKPD", "KEADAAN S/D BULAN"))
    top = [
        "No",
        "Kode Rekening",
        "Program / Kegiatan / Sub Kegiatan",
        "Pagu Anggaran (Rp)",
        "Target",
        "Realisasi",
        None,
        None,
        "Deviasi Fisik",
        "Sumber Dana",
        "Lokasi",
        "Permasalahan",
        "Solusi",
    ]
    sub = {5: "Fisik (%)", 6: "Fisik (%)", 7: "Keuangan (Rp)", 8: "%"}
    for col, name in enumerate(top, 1):
        _put(ws, 6, col, name, bold=True)
        if col in sub:
            _put(ws, 7, col, sub[col], bold=True)
        elif name:
            ws.merge_cells(start_row=6, start_column=col, end_row=7, end_column=col)
        _put(ws, 8, col, col, bold=True)
    ws.merge_cells("F6:H6")
    end = _write_body(ws, 9, 1, report_rows(master, opd, month, "TOTAL"), _fraction_cell)
    _write_signature(ws, end + 2, 11, master, opd, month)
    _set_widths(ws, 1)
    _save_workbook(wb, path, master.year)
    return "Lap Realisasi", 6


def _write_v3(master: Master, opd: Opd, month: int, path: Path) -> tuple[str, int]:
    """V3: sheet "Sheet1", V1 header, numbers mixed with Indonesian text."""
    wb = _new_workbook(master)
    ws = wb.active
    ws.title = "Sheet1"
    _write_titles(ws, 1, 1, _report_titles(master, opd, month))
    for i, name in enumerate(COLUMNS_V1):
        _put(ws, 6, 1 + i, name, bold=True)
    cell = _text_cell_factory(_rng("v3", master.seed, opd.singkatan, month))
    end = _write_body(ws, 7, 1, report_rows(master, opd, month, "JUMLAH TOTAL"), cell)
    _write_signature(ws, end + 2, 11, master, opd, month)
    _set_widths(ws, 1)
    _save_workbook(wb, path, master.year)
    return "Sheet1", 6


def _write_v4(master: Master, opd: Opd, month: int, path: Path) -> tuple[None, int]:
    """V4: semicolon CSV, UTF-8 with BOM, CRLF, decimal comma, subtotals, TOTAL line."""
    header = [
        "kode",
        "nama_sub_kegiatan",
        "pagu",
        "target_fisik",
        "realisasi_fisik",
        "realisasi_keuangan",
        "persen_keuangan",
        "sumber_dana",
        "lokasi",
        "permasalahan",
        "solusi",
    ]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for row in report_rows(master, opd, month, "TOTAL"):
            writer.writerow(
                [
                    row.kode,
                    row.nama,
                    row.pagu,
                    _id_decimal(row.target_fisik, True),
                    _id_decimal(row.realisasi_fisik, True),
                    f"{row.realisasi_keuangan},00",
                    _id_decimal(row.persen_keuangan, True),
                    row.sumber_dana,
                    row.lokasi,
                    row.permasalahan,
                    row.solusi,
                ]
            )
    return None, 1


def _write_offset(master: Master, opd: Opd, month: int, path: Path) -> tuple[str, int]:
    """offset: table from column C, header synonyms, merged "Realisasi" over three columns."""
    wb = _new_workbook(master)
    ws = wb.active
    ws.title = "Form Realisasi"
    c0 = 3
    _write_titles(
        ws,
        c0,
        2,
        [
            "LAPORAN PERKEMBANGAN REALISASI FISIK DAN KEUANGAN",
            f"PEMERINTAH KABUPATEN {master.kabupaten.upper()}",
            f"PERANGKAT DAERAH : {opd.nama.upper()}",
            f"s.d. Bulan {BULAN[month - 1]} {master.year}",
        ],
    )
    top = [
        "No",
        "Kode",
        "Uraian",
        "Nilai DPA (Rp)",
        "Target Fisik (%)",
        "Realisasi",
        None,
        None,
        "Deviasi (%)",
        "Sumber Dana",
        "Lokasi",
        "Kendala",
        "Tindak Lanjut",
    ]
    sub = {5: "Fisik (%)", 6: "Keuangan (Rp)", 7: "Keuangan (%)"}
    for i, name in enumerate(top):
        _put(ws, 7, c0 + i, name, bold=True)
        if i in sub:
            _put(ws, 8, c0 + i, sub[i], bold=True)
        elif name:
            ws.merge_cells(start_row=7, start_column=c0 + i, end_row=8, end_column=c0 + i)
    ws.merge_cells(start_row=7, start_column=c0 + 5, end_row=7, end_column=c0 + 7)
    end = _write_body(ws, 9, c0, report_rows(master, opd, month, "JUMLAH"), _plain_cell)
    _write_signature(ws, end + 2, c0 + 10, master, opd, month)
    _set_widths(ws, c0)
    _save_workbook(wb, path, master.year)
    return "Form Realisasi", 7


def _write_html_xls(master: Master, opd: Opd, month: int, path: Path) -> tuple[None, int]:
    """html_xls: an HTML table (title rows, header, Indonesian number text) saved as .xls."""
    esc = html.escape
    titles = _report_titles(master, opd, month, "SKPD", "BULAN")
    out = [
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel">',
        '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>',
        "<body>",
        '<table border="1">',
    ]
    out += [f'<tr><td colspan="13"><b>{esc(t)}</b></td></tr>' for t in titles]
    out.append("<tr>" + "".join(f"<th>{esc(c)}</th>" for c in COLUMNS_V1) + "</tr>")
    for row in report_rows(master, opd, month, "JUMLAH"):
        cells = []
        for i, value in enumerate(_row_values(row)):
            if value is None:
                text = ""
            elif i in MONEY_COLS:
                text = f"{_id_thousands(value)},00"
            elif i in PCT_COLS:
                text = _id_decimal(value, True)
            else:
                text = str(value)
            cells.append(f"<td>{esc(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</table>", "</body>", "</html>"]
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")
    return None, 5


def _write_multi_month(master: Master, opd: Opd, months: list[int], path: Path) -> list[str]:
    """multi_month: one V1-style sheet per month, named by the Indonesian month."""
    wb = _new_workbook(master)
    wb.remove(wb.active)
    for month in months:
        ws = wb.create_sheet(BULAN[month - 1])
        _v1_sheet(ws, master, opd, month, report_rows(master, opd, month, "JUMLAH"))
    _save_workbook(wb, path, master.year)
    return [BULAN[m - 1] for m in months]


WRITERS = {
    "V1": _write_v1,
    "V2": _write_v2,
    "V3": _write_v3,
    "V4": _write_v4,
    "offset": _write_offset,
    "html_xls": _write_html_xls,
}


def _truth(
    master: Master, opd: Opd, month: int, layout: str, path: Path, sheet: str | None, header_row: int
) -> ReportTruth:
    """Build the ReportTruth of one written sheet."""
    return ReportTruth(
        str(path),
        layout,
        opd.singkatan,
        opd.nama,
        master.year,
        month,
        sheet,
        header_row,
        **compute_truth(master, opd, month),
    )


def write_report(
    master: Master, opd: Opd | str, year: int, month: int | list[int], layout: str, path: str | Path
) -> ReportTruth:
    """Write one OPD's realisation report and return its ground truth.

    ``path`` is a file, or an existing directory (the conventional file name from
    :func:`report_filename` is used). ``month`` is a list of months for
    ``multi_month`` (an int is accepted there too).
    """
    if isinstance(opd, str):
        opd = master.opd(opd)
    if year != master.year:
        raise ValueError(f"master is for {master.year}, not {year}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {LAYOUTS}")
    months = [month] if isinstance(month, int) else sorted(month)
    if not months or any(not 1 <= m <= 12 for m in months):
        raise ValueError(f"invalid month(s): {month!r}")
    path = Path(path)
    if path.is_dir():
        path = path / report_filename(opd, year, months[-1], layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout == "multi_month":
        sheets = _write_multi_month(master, opd, months, path)
        parts = [_truth(master, opd, m, layout, path, s, 6) for m, s in zip(months, sheets)]
        last = parts[-1]
        return ReportTruth(**{**asdict(last), "per_month": parts})
    if len(months) != 1:
        raise ValueError(f"layout {layout} takes one month")
    sheet, header_row = WRITERS[layout](master, opd, months[0], path)
    return _truth(master, opd, months[0], layout, path, sheet, header_row)


# ---------------------------------------------------------------------------
# DPA writer and manifests
# ---------------------------------------------------------------------------

DPA_COLUMNS = (
    "Kode OPD",
    "Nama OPD",
    "Kode Sub Kegiatan",
    "Nama Sub Kegiatan",
    "Pagu",
    "Sumber Dana",
    "Kode Rekening Belanja",
    "Uraian Rekening Belanja",
)


def dpa_rows(master: Master):
    """Yield the DPA rows (one per belanja line) in the fixture's column order."""
    for opd in master.opds:
        for sub in opd.subs:
            for line in sub.lines:
                yield (opd.kode, opd.nama, sub.kode, sub.nama, line.pagu, sub.sumber_dana, line.kode, line.uraian)


def write_dpa_xlsx(master: Master, path: str | Path) -> dict:
    """Write the finance agency's DPA list (sheet "DPA <year>", header on row 1).

    Returns its ground truth: lines, sub kegiatan, sum of pagu, pagu per OPD.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    wb.properties.creator = f"BPKAD Kabupaten {master.kabupaten}"
    wb.properties.created = wb.properties.modified = dt.datetime(master.year, 1, 1)
    ws = wb.create_sheet(f"DPA {master.year}")
    for col, width in zip("ABCDEFGH", (24, 44, 22, 60, 18, 14, 20, 60)):
        ws.column_dimensions[col].width = width
    ws.append(DPA_COLUMNS)
    for row in dpa_rows(master):
        ws.append(row)
    _save_workbook(wb, path, master.year)
    return dpa_truth(master, path)


def dpa_truth(master: Master, path: str | Path = "") -> dict:
    """Ground truth of the DPA workbook of ``master``."""
    return {
        "path": str(path),
        "kind": "dpa",
        "year": master.year,
        "header_row": 1,
        "opd": len(master.opds),
        "sub_kegiatan": sum(len(o.subs) for o in master.opds),
        "belanja_lines": master.n_lines,
        "sum_pagu": sum(o.pagu for o in master.opds),
        "sum_pagu_per_opd": {o.singkatan: o.pagu for o in master.opds},
        "fisik_sub_kegiatan": sum(1 for o in master.opds for s in o.subs if s.fisik),
    }


def manifest(master: Master, dpa: dict | None, truths: list[ReportTruth], root: str | Path) -> dict:
    """An EXPECTED.json-style manifest with paths relative to ``root``."""
    root = Path(root)

    def rel(p: str) -> str:
        return Path(p).resolve().relative_to(root.resolve()).as_posix()

    files = {}
    if dpa:
        files[rel(dpa["path"])] = {k: v for k, v in dpa.items() if k != "path"}
    for t in truths:
        entry = {k: v for k, v in t.as_dict().items() if k != "path"}
        for part in entry.get("per_month", []):
            part.pop("path", None)
            part.pop("per_month", None)
        files[rel(t.path)] = {"kind": "realisasi", **entry}
    return {
        "generator": "scripts/synth.py",
        "seed": master.seed,
        "year": master.year,
        "kabupaten": master.kabupaten,
        "conventions": {
            "percent": "percentage points 0-100",
            "money": "integer rupiah",
            "fisik_weighted_mean": "sum(pagu*realisasi_fisik)/sum(pagu) over leaf rows",
        },
        "files": files,
    }
