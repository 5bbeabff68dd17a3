"""Write the demo data set of the fictional "Kabupaten Tanjung Makmur".

Usage::

    python -m scripts.make_demo [--out data/demo]

Writes ``master/dpa_2026.xlsx`` (10 OPDs, 15 sub kegiatan each), the previous year's DPA
and a 12-month workbook per OPD for 2025 (the "same period last year"), OPD realisation
reports for January-April 2026 in varied layouts under ``realisasi/`` (some OPDs
have not reported some months, so "belum lapor" shows), the data kinerja of a fictional
Kecamatan Sukamaju under ``kinerja/`` (:mod:`scripts.demo_kinerja`: 7 units, their Perjanjian
Kinerja, February-April submissions and the review state of each unit-month),
``EXPECTED.json`` with the ground truth of every file, and a README.txt in Indonesian. Deterministic and
idempotent: the ``master/`` and ``realisasi/`` folders are rewritten on every run and
the files are byte-identical from run to run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from scripts import synth
from scripts.demo_kinerja import write_kinerja

SEED = 7
YEAR = 2026
PREV_YEAR = 2025  # a full previous year, so "same period last year" has data
KABUPATEN = "Tanjung Makmur"
N_OPD = 10
SUBKEG_PER_OPD = 15

# OPD -> (layout, months reported). The OPD keeps its habit; gaps make "belum lapor".
PLAN: dict[str, tuple[str, list[int]]] = {
    "disdik": ("V1", [1, 2, 3, 4]),
    "dinkes": ("V2", [1, 2, 3, 4]),
    "dpupr": ("V3", [1, 2, 3, 4]),
    "dishub": ("V4", [1, 2, 3]),
    "dinsos": ("V1", [1, 2, 3, 4]),
    "distan": ("offset", [1, 2, 3, 4]),
    "dpkp": ("multi_month", [1, 2, 3, 4]),
    "bappeda": ("html_xls", [1, 2, 3, 4]),
    "dlh": ("V2", [1, 2]),
    "disdukcapil": ("V4", [1, 3]),
}

README = """\
DATA CONTOH - KABUPATEN TANJUNG MAKMUR (FIKTIF)
================================================

Folder ini berisi data contoh untuk mencoba aplikasi Pantau. Semua nama daerah,
perangkat daerah, kegiatan, angka anggaran, pejabat dan NIP di dalamnya adalah
FIKTIF, dibuat otomatis oleh program (scripts/make_demo.py). Jangan digunakan
sebagai data resmi.

Isi folder
----------
master/dpa_2026.xlsx
    Daftar DPA Tahun Anggaran 2026 dari BPKAD: {n_opd} OPD, {n_sub} sub kegiatan,
    {n_lines} baris rekening belanja, total pagu {pagu}.
master/dpa_2025.xlsx
    DPA tahun sebelumnya (2025), sebagai pembanding "periode yang sama tahun lalu".

realisasi/2025/
    Laporan 2025 setiap OPD: satu file, satu sheet per bulan (Januari s.d. Desember).

realisasi/
    Laporan realisasi fisik dan keuangan bulanan dari OPD, Januari s.d. April 2026,
    dalam berbagai bentuk yang biasa dikirim OPD:
      - realisasi_<opd>_2026-MM.xlsx         format standar (judul, header baris 6)
      - Lap Realisasi <OPD> <Bulan> 2026.xlsx header dua baris, persen sebagai pecahan
      - <OPD>_<BULAN>_2026.xlsx              angka ditulis sebagai teks ("Rp 1.250.000")
      - <opd>_2026-MM.csv                    CSV titik koma, desimal koma
      - Form Realisasi <OPD> <Bulan> 2026.xlsx tabel mulai kolom C, nama kolom berbeda
      - Realisasi <OPD> 2026.xlsx            satu file, satu sheet per bulan
      - realisasi_<opd>_2026-MM.xls          ekspor aplikasi web (tabel HTML)

    OPD yang BELUM LAPOR (sengaja, agar status pengumpulan terlihat):
{belum}

kinerja/
    Data kinerja Kecamatan Sukamaju (fiktif): Perjanjian Kinerja 2026 tujuh unit
    (Kasubbag dan Kasi) dan data kinerja bulanan Februari s.d. April 2026 dari
    setiap unit. Saat dimuat dari halaman Ringkasan, rekap setiap unit dan bulan
    diberi status review yang berbeda-beda (disampaikan, terverifikasi,
    dikembalikan dengan catatan, disetujui; satu unit belum menyampaikan data
    April) sesuai kinerja/review.json. Satu isian April berupa teks ("tercapai")
    dan tampil sebagai "tidak dilaporkan".

EXPECTED.json
    Angka kunci setiap file (jumlah sub kegiatan, total pagu, total realisasi
    keuangan, rata-rata fisik tertimbang pagu) untuk memeriksa hasil impor.

Cara memakai
------------
1. Impor master/dpa_2026.xlsx lebih dahulu (halaman Impor).
2. Unggah file-file di folder realisasi/ (boleh sekaligus).
3. Buka Ringkasan, Rekap OPD dan Status pengumpulan untuk bulan April 2026.
4. Data kinerja: impor kinerja/perjanjian_kinerja_2026.xlsx lalu berkas-berkas di
   kinerja/2026-MM/, dan buka Data Kinerja serta Review Kinerja.

Membuat ulang data ini: python -m scripts.make_demo --out data/demo
"""


def _rupiah(value: int) -> str:
    """1234567 -> 'Rp 1.234.567'."""
    return "Rp " + f"{value:,}".replace(",", ".")


def _belum_lapor(master: synth.Master) -> str:
    """Indented lines listing which OPD misses which months (1-4)."""
    lines = []
    for opd in master.opds:
        _, months = PLAN[opd.singkatan]
        missing = [synth.BULAN[m - 1] for m in range(1, 5) if m not in months]
        if missing:
            lines.append(f"      - {opd.nama}: {', '.join(missing)}")
    return "\n".join(lines) or "      (tidak ada)"


def write_reports(master: synth.Master, out: Path) -> list[synth.ReportTruth]:
    """Write every OPD's reports according to PLAN; return their ground truth."""
    truths = []
    for opd in master.opds:
        layout, months = PLAN[opd.singkatan]
        if layout == "multi_month":
            truths.append(synth.write_report(master, opd, YEAR, months, layout, out))
            continue
        for month in months:
            truths.append(synth.write_report(master, opd, YEAR, month, layout, out))
    return truths


def write_previous_year(out: Path) -> dict:
    """The previous year's DPA and one 12-month workbook per OPD (sheet per month); returns
    its manifest (files relative to ``out``)."""
    master = synth.make_master(SEED + 1, N_OPD, SUBKEG_PER_OPD, year=PREV_YEAR, kabupaten=KABUPATEN)
    dpa = synth.write_dpa_xlsx(master, out / "master" / f"dpa_{PREV_YEAR}.xlsx")
    (out / "realisasi" / str(PREV_YEAR)).mkdir(parents=True, exist_ok=True)
    truths = [
        synth.write_report(
            master, opd, PREV_YEAR, list(range(1, 13)), "multi_month", out / "realisasi" / str(PREV_YEAR)
        )
        for opd in master.opds
    ]
    return synth.manifest(master, dpa, truths, out)


def make_demo(out: Path) -> dict:
    """Build the whole demo set in ``out`` and return its manifest (the current year's files,
    and the previous year's under ``previous_year``)."""
    master = synth.make_master(SEED, N_OPD, SUBKEG_PER_OPD, year=YEAR, kabupaten=KABUPATEN)
    for sub in ("master", "realisasi", "kinerja"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)
    dpa = synth.write_dpa_xlsx(master, out / "master" / f"dpa_{YEAR}.xlsx")
    truths = write_reports(master, out / "realisasi")
    data = synth.manifest(master, dpa, truths, out)
    data["previous_year"] = write_previous_year(out)
    data["kinerja"] = write_kinerja(out)
    (out / "EXPECTED.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = README.format(
        n_opd=dpa["opd"],
        n_sub=dpa["sub_kegiatan"],
        n_lines=dpa["belanja_lines"],
        pagu=_rupiah(dpa["sum_pagu"]),
        belum=_belum_lapor(master),
    )
    (out / "README.txt").write_text(readme, encoding="utf-8", newline="\r\n")
    return data


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Tulis data contoh Kabupaten Tanjung Makmur (fiktif).")
    parser.add_argument("--out", default="data/demo", help="folder tujuan (default: data/demo)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    out = Path(args.out)
    data = make_demo(out)
    print(f"{len(data['files'])} file ditulis ke {out} dalam {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
