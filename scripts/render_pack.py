"""Render the meeting pack of the demo data to PNG images, one per slide (``make slides``).

Usage::

    python -m scripts.render_pack [--out tests/artifacts/slides] [--year 2026 --month 4] [--db FILE]

Without ``--db`` the demo files (``python -m scripts.make_demo``, written to a temporary folder) are
loaded into a temporary database, with a sample meeting and its decisions for the tindak
lanjut slide. The pack (PPTX and XLSX) is written to ``--out`` and the
slides are converted with LibreOffice headless (Impress: Debian package
``libreoffice-impress-nogui``) to PDF, then to ``slide-NN.png`` with ``pdftoppm``. Look at
every image before a release: overlapping shapes, cut labels and tiny fonts show up here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_demo(tmp: Path, year: int | None, month: int | None):
    """A temporary database with the demo files (written by make_demo.py into ``tmp``) and,
    for the tindak lanjut slide, a sample meeting about the month before with three decisions."""
    from core import tindak_lanjut as tl
    from core.access import User
    from db.store import Store
    from etl.pipeline import ingest_paths

    demo = tmp / "demo"
    subprocess.run(
        [sys.executable, "-m", "scripts.make_demo", "--out", str(demo)], cwd=ROOT, check=True, capture_output=True
    )
    files = sorted(p for p in demo.rglob("*") if p.suffix.lower() in (".xlsx", ".xls", ".csv"))
    store = Store(tmp / "pantau.duckdb", data_dir=tmp)
    results = ingest_paths(store, files)
    bad = [r["file"] for r in results if r["status"] == "rejected"]
    if bad:
        raise SystemExit(f"Data contoh ditolak: {bad}")
    year, month = (year, month) if year and month else store.periods()[0]
    prev = (year, month - 1) if month > 1 else (year - 1, 12)
    held = dt.date(year, month, 5) if dt.date(year, month, 5) <= dt.date.today() else dt.date.today()
    opds = [o.kode for o in store.opds()][:3]
    admin = User("contoh", "Admin contoh", "admin")
    rid = tl.create_rakor(
        store,
        admin,
        tanggal=held,
        tahun=prev[0],
        bulan=prev[1],
        tempat="Ruang Rapat Setda",
        pimpinan="Sekretaris Daerah",
        peserta=opds,
    )
    adds = [
        dict(
            opd_kode=opds[0],
            masalah="Keterlambatan lelang paket jalan lingkungan",
            keputusan="Percepat proses tender dan laporkan jadwal baru ke Bagian Adpem",
            pic="Kepala Bidang Bina Marga",
            batas_waktu=held + dt.timedelta(days=10),
        ),
        dict(
            opd_kode=opds[1],
            masalah="SPJ belanja bulan lalu belum diserahkan",
            keputusan="Serahkan SPJ ke BPKAD",
            pic="PPK-SKPD",
            batas_waktu=held + dt.timedelta(days=60),
        ),
        dict(
            opd_kode=opds[2],
            masalah="Menunggu petunjuk teknis DAK",
            keputusan="Konsultasi ke kementerian teknis",
            pic="Sekretaris Dinas",
            batas_waktu=None,
        ),
    ]
    tl.save_decisions(store, admin, rid, tl.DecisionChanges(adds=adds))
    return store, year, month


def render(pptx: Path, out: Path, dpi: int = 80) -> list[Path]:
    """PPTX -> PDF (LibreOffice headless, private profile) -> one PNG per slide."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) tidak ditemukan; pasang paket libreoffice-impress-nogui.")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(pptx),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    pdf = out / (pptx.stem + ".pdf")
    if not pdf.exists():
        raise SystemExit(
            "LibreOffice tidak dapat membuka PPTX (apakah Impress terpasang? paket "
            f"libreoffice-impress-nogui): {done.stderr.strip() or done.stdout.strip()}"
        )
    for old in out.glob("slide-*.png"):
        old.unlink()
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / "slide")], check=True)
    else:
        subprocess.run(["convert", "-density", str(dpi), str(pdf), str(out / "slide-%02d.png")], check=True)
    return sorted(out.glob("slide-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render materi rakor (data contoh) ke gambar PNG per slide.")
    parser.add_argument("--out", default=str(ROOT / "tests" / "artifacts" / "slides"))
    parser.add_argument("--db", help="basis data yang dipakai (bawaan: data contoh di basis data sementara)")
    parser.add_argument("--year", type=int)
    parser.add_argument("--month", type=int)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args(argv)

    from core.settings import load
    from db.store import Store
    from exports.pack_data import pack_data
    from exports.pack_pptx import build_pptx
    from exports.pack_xlsx import build_xlsx

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            store = Store(args.db)
            year, month = (args.year, args.month) if args.year and args.month else store.periods()[0]
        else:
            store, year, month = _load_demo(Path(tmp), args.year, args.month)
        pack = pack_data(store, year, month, load(store), dt.date.today())
        pptx = out / f"{pack.file_stem}.pptx"
        pptx.write_bytes(build_pptx(pack))
        (out / f"{pack.file_stem}.xlsx").write_bytes(build_xlsx(pack))
        store.close()
    images = render(pptx, out, args.dpi)
    print(f"{len(images)} slide {pack.period} dirender ke {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
