"""Reporting status per OPD for a month (Status pengumpulan) and the reminder text to chase
the OPDs that have not reported."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import pandas as pd

from core.months import month_name
from core.settings import Settings


def reporting_status(
    raw: pd.DataFrame, year: int, month: int, settings: Settings, today: dt.date | None = None
) -> pd.DataFrame:
    """Add ``status`` (``tepat_waktu`` / ``terlambat`` / ``belum`` / ``belum_lewat_batas``) and the
    deadline to ``Store.reporting_status`` rows."""
    today = today or dt.date.today()
    deadline = settings.deadline(year, month)
    out = raw.copy()

    def status(row) -> str:
        if pd.isna(row["import_id"]):
            return "belum_lewat_batas" if today > deadline else "belum"
        first = row["first_at"].date() if pd.notna(row["first_at"]) else row["created_at"].date()
        return "terlambat" if first > deadline else "tepat_waktu"

    out["status"] = [status(r) for _, r in out.iterrows()] if len(out) else []
    out["batas"] = deadline
    return out


def status_counts(status: pd.DataFrame) -> dict[str, int]:
    """The Status pengumpulan KPIs from :func:`reporting_status` rows: ``reported`` (on time or
    late), ``late`` (reported after the deadline), ``missing`` (not reported) and ``total`` OPDs."""
    done = status["status"].isin(["tepat_waktu", "terlambat"])
    return dict(
        reported=int(done.sum()),
        late=int((status["status"] == "terlambat").sum()),
        missing=int((~done).sum()),
        total=len(status),
    )


def reminder_text(opd_name: str, year: int, month: int, settings: Settings) -> str:
    """The message to send an OPD that has not reported (polite, with the deadline)."""
    deadline = settings.deadline(year, month)
    period = f"{month_name(month)} {year}"
    return (
        f"Yth. Kepala {opd_name},\n"
        f"Dengan hormat, bersama ini kami mengingatkan bahwa laporan realisasi fisik dan keuangan "
        f"bulan {period} dari {opd_name} belum kami terima. Mohon laporan disampaikan paling lambat "
        f"tanggal {deadline.day} {month_name(deadline.month)} {deadline.year} melalui aplikasi Pantau "
        f"atau kepada {settings.kop_3.title() or 'Bagian Administrasi Pembangunan'}, sebagai bahan Rapat "
        f"Koordinasi Pengendalian Operasional Kegiatan (Rakor POK).\n"
        f"Atas perhatian dan kerja samanya kami ucapkan terima kasih.\n"
        f"{settings.ttd_jabatan}" + (f"\n{settings.ttd_nama}" if settings.ttd_nama else "")
    )


def whatsapp_link(text: str) -> str:
    """A wa.me link with the message filled in (the user picks the recipient in WhatsApp)."""
    return "https://wa.me/?text=" + urllib.parse.quote(text)
