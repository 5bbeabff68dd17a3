"""The data kinerja part of the demo set: a fictional Kecamatan Sukamaju (Kabupaten Tanjung
Makmur) with 7 units (Kasubbag and Kasi), its Perjanjian Kinerja 2026 (indicators with satuan,
arah, stok/alir, annual and triwulan targets) and three months of unit submissions (February to
April 2026), plus ``kinerja/review.json``: the review state each unit-month reaches once loaded
(``etl.demo.apply_demo_reviews``), so that every state shows: belum disampaikan, disampaikan,
terverifikasi, dikembalikan with a note, and disetujui.

Written by :func:`write_kinerja` (called from ``scripts/make_demo.py``); deterministic.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from core.kinerja import month_target
from core.months import BULAN
from scripts.synth import _save_workbook

YEAR = 2026
MONTHS = (2, 3, 4)
KECAMATAN = "Kecamatan Sukamaju"
FONT = "Arial"

# unit -> indicators: (nama, satuan, arah, agregasi, annual, (TW I..IV), realisasi Feb/Mar/Apr).
# A realisasi may be text (written in place of a number): it loads as "tidak dilaporkan".
PK: dict[str, list[tuple]] = {
    "Subbag Program dan Keuangan": [
        ("Persentase realisasi anggaran kecamatan", "%", "naik", "stok", 95, (20, 45, 70, 95), (11.4, 19.6, 27.9)),
        (
            "Jumlah dokumen perencanaan dan pelaporan yang disusun",
            "dokumen",
            "naik",
            "alir",
            10,
            (3, 3, 2, 2),
            (1, 1, 1),
        ),
        ("Persentase SPJ yang diverifikasi tepat waktu", "%", "naik", "stok", 100, (100, 100, 100, 100), (96, 98, 100)),
    ],
    "Subbag Umum dan Kepegawaian": [
        ("Persentase kehadiran pegawai", "%", "naik", "stok", 97, (97, 97, 97, 97), (95.2, 96.1, 94.8)),
        (
            "Jumlah surat masuk dan keluar yang diadministrasikan",
            "surat",
            "naik",
            "alir",
            2400,
            (600, 600, 600, 600),
            (188, 214, 176),
        ),
        ("Rata-rata waktu layanan legalisir", "menit", "turun", "stok", 15, (20, 18, 16, 15), (21, 19.5, 17)),
    ],
    "Seksi Pemerintahan": [
        ("Jumlah desa yang dibina", "desa", "naik", "stok", 12, (12, 12, 12, 12), (8, 10, 11)),
        (
            "Persentase desa yang menyampaikan LPPD tepat waktu",
            "%",
            "naik",
            "stok",
            100,
            (100, 100, 100, 100),
            (58.3, 75, 83.3),
        ),
        (
            "Jumlah wajib pajak PBB-P2 yang terlayani",
            "SPPT",
            "naik",
            "alir",
            18000,
            (3000, 6000, 6000, 3000),
            (640, 1210, 1385),
        ),
    ],
    "Seksi Pelayanan Umum": [
        (
            "Jumlah layanan administrasi kependudukan yang diproses",
            "dokumen",
            "naik",
            "alir",
            4800,
            (1200, 1200, 1200, 1200),
            (352, 371, 298),
        ),
        (
            "Indeks Kepuasan Masyarakat (IKM) pelayanan kecamatan",
            "indeks",
            "naik",
            "stok",
            82,
            (80, 81, 82, 82),
            (78.4, 79.9, 80.6),
        ),
        ("Rata-rata waktu layanan KTP-el", "menit", "turun", "stok", 30, (40, 35, 32, 30), (44, 41, 36)),
    ],
    "Seksi Ketentraman dan Ketertiban": [
        ("Jumlah pelanggaran Perda yang ditertibkan", "kasus", "naik", "alir", 48, (12, 12, 12, 12), (3, 9, None)),
        ("Jumlah kejadian gangguan trantibum", "kejadian", "turun", "alir", 24, (6, 6, 6, 6), (1, 3, None)),
        ("Persentase anggota Linmas desa yang terlatih", "%", "naik", "stok", 75, (20, 40, 60, 75), (8, 15, None)),
    ],
    "Seksi Kesejahteraan Sosial": [
        (
            "Jumlah penerima bantuan sosial yang diverifikasi",
            "KK",
            "naik",
            "alir",
            2400,
            (900, 500, 500, 500),
            (262, 341, 118),
        ),
        (
            "Jumlah layanan Surat Keterangan Tidak Mampu",
            "surat",
            "naik",
            "alir",
            600,
            (150, 150, 150, 150),
            (47, 55, 39),
        ),
        (
            "Jumlah kegiatan keagamaan dan sosial yang difasilitasi",
            "kegiatan",
            "naik",
            "alir",
            20,
            (5, 5, 5, 5),
            (2, 1, 1),
        ),
        (
            "Persentase rekomendasi beasiswa yang diproses tepat waktu",
            "%",
            "naik",
            "stok",
            100,
            (100, 100, 100, 100),
            (100, 92.5, "tercapai"),
        ),
    ],
    "Seksi Ekonomi dan Pembangunan": [
        ("Jumlah UMKM yang dibina", "unit usaha", "naik", "alir", 60, (15, 15, 15, 15), (4, 6, 15)),
        (
            "Jumlah kegiatan pembangunan desa yang dimonitor",
            "kegiatan",
            "naik",
            "alir",
            96,
            (12, 36, 36, 12),
            (3, 4, 5),
        ),
        ("Persentase realisasi Dana Desa yang dimonitor", "%", "naik", "stok", 100, (20, 60, 80, 100), (12, 18.5, 35)),
        (
            "Jumlah pelaku usaha yang mengikuti pelatihan",
            "orang",
            "naik",
            "alir",
            200,
            (40, 60, 60, 40),
            (12, 14, 11),
        ),
    ],
}

# The state each unit-month reaches after loading (a unit without a file for a month stays
# "belum disampaikan": Seksi Ketentraman dan Ketertiban in April).
SEKCAM_NOTE_MAR = (
    "Jumlah pelanggaran Perda bulan Maret (9 kasus) tidak sama dengan rekap Satpol PP (7 kasus); mohon "
    "diperiksa dan dikirim ulang."
)
SEKCAM_NOTE_APR = (
    "Capaian jumlah UMKM yang dibina 300 %: mohon lampirkan daftar UMKM yang dibina bulan April sebagai bukti."
)
REVIEW: dict[int, dict[str, dict]] = {
    2: {unit: {"status": "approved"} for unit in PK},
    3: {
        **{unit: {"status": "approved"} for unit in PK},
        "Seksi Pelayanan Umum": {"status": "verified"},
        "Seksi Ketentraman dan Ketertiban": {"status": "returned", "note": SEKCAM_NOTE_MAR},
    },
    4: {
        "Subbag Program dan Keuangan": {"status": "approved"},
        "Subbag Umum dan Kepegawaian": {"status": "verified"},
        "Seksi Pemerintahan": {"status": "verified"},
        "Seksi Pelayanan Umum": {"status": "submitted"},
        "Seksi Kesejahteraan Sosial": {"status": "submitted"},
        "Seksi Ekonomi dan Pembangunan": {"status": "returned", "note": SEKCAM_NOTE_APR},
    },
}


def _workbook() -> Workbook:
    wb = Workbook()
    wb.properties.creator = "Pantau (data contoh)"
    wb.properties.created = wb.properties.modified = dt.datetime(YEAR, 1, 1)
    return wb


def _save(wb: Workbook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _save_workbook(wb, path, YEAR)  # fixed time stamps: the same content gives the same bytes


def _slug(text: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _indicator(nama, satuan, arah, agregasi, annual, tw) -> dict:
    return dict(
        nama=nama,
        satuan=satuan,
        arah=arah,
        agregasi=agregasi,
        target_tahunan=annual,
        **{f"target_tw{k}": v for k, v in enumerate(tw, start=1)},
    )


def write_pk(path: Path) -> None:
    """The Perjanjian Kinerja workbook (one table: Unit, No, Indikator, Satuan, Target Tahunan,
    TW I-IV, Arah, Agregasi)."""
    wb = _workbook()
    ws = wb.active
    ws.title = f"PK {YEAR}"
    ws.append([f"PERJANJIAN KINERJA TAHUN {YEAR}"])
    ws.append([f"{KECAMATAN.upper()} - KABUPATEN TANJUNG MAKMUR (DATA CONTOH, FIKTIF)"])
    ws.append([])
    header = ["Unit", "No", "Indikator", "Satuan", "Target Tahunan", "TW I", "TW II", "TW III", "TW IV", "Arah"]
    ws.append(header + ["Agregasi"])
    for unit, rows in PK.items():
        for no, (nama, satuan, arah, agregasi, annual, tw, _) in enumerate(rows, start=1):
            ws.append([unit, no, nama, satuan, annual, *tw, arah, agregasi])
    for cell in ws[4]:
        cell.font = Font(name=FONT, bold=True)
    ws["A1"].font = Font(name=FONT, bold=True, size=12)
    for col, width in zip("ABCDEFGHIJK", (34, 5, 60, 11, 15, 8, 8, 8, 8, 8, 10)):
        ws.column_dimensions[col].width = width
    _save(wb, path)


def write_submission(path: Path, unit: str, month: int) -> None:
    """A unit's returned request format for a month (the layout of the Permintaan Data Kinerja
    format): title, unit and month lines, then No, Indikator Kinerja, Satuan, Target (the month's
    target), Realisasi, Keterangan."""
    wb = _workbook()
    ws = wb.active
    ws.title = "Data Kinerja"
    ws.append(["FORMAT PENGUMPULAN DATA KINERJA"])
    ws.append([f"Unit Kerja : {unit}"])
    ws.append([f"Bulan : {BULAN[month - 1]} {YEAR}"])
    ws.append([])
    ws.append(["No", "Indikator Kinerja", "Satuan", "Target", "Realisasi", "Keterangan"])
    for no, (nama, satuan, arah, agregasi, annual, tw, values) in enumerate(PK[unit], start=1):
        target = month_target(_indicator(nama, satuan, arah, agregasi, annual, tw), month).nilai
        value = values[MONTHS.index(month)]
        note = "Sudah sesuai target, angka menyusul" if isinstance(value, str) else None
        ws.append([no, nama, satuan, target, value, note])
    ws.append([])
    ws.append([None, None, None, None, f"Sukamaju, 5 {BULAN[month % 12]} {YEAR}"])
    ws.append([None, None, None, None, "Petugas Pengisi,"])
    ws.column_dimensions["B"].width = 60
    _save(wb, path)


def write_kinerja(out: Path) -> dict:
    """Write ``kinerja/perjanjian_kinerja_2026.xlsx``, the submissions under ``kinerja/2026-MM/``
    and ``kinerja/review.json`` into ``out``; returns the manifest of the kinerja part."""
    folder = out / "kinerja"
    write_pk(folder / f"perjanjian_kinerja_{YEAR}.xlsx")
    files = []
    for month in MONTHS:
        for unit, rows in PK.items():
            if all(r[6][MONTHS.index(month)] is None for r in rows):
                continue  # not submitted this month
            rel = Path("kinerja") / f"{YEAR}-{month:02d}" / f"kinerja_{_slug(unit)}_{YEAR}-{month:02d}.xlsx"
            write_submission(out / rel, unit, month)
            files.append(str(rel))
    review = {
        f"{YEAR}-{month:02d}": {unit: state for unit, state in states.items()} for month, states in REVIEW.items()
    }
    (folder / "review.json").write_text(json.dumps(review, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return {
        "kecamatan": KECAMATAN,
        "units": list(PK),
        "indikator": sum(len(rows) for rows in PK.values()),
        "targets": f"kinerja/perjanjian_kinerja_{YEAR}.xlsx",
        "submissions": files,
        "review": "kinerja/review.json",
    }
