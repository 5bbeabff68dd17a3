"""Reporting status per OPD for a month (Status pengumpulan) and the reminder text to chase
the OPDs that have not reported."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import pandas as pd

from core.months import month_name
from core.received import days_late
from core.settings import Settings

REMINDERS_LISTED = 30  # above this many OPDs to chase, the page shows the reminder of one chosen OPD


def reporting_status(
    raw: pd.DataFrame, year: int, month: int, settings: Settings, today: dt.date | None = None
) -> pd.DataFrame:
    """Add ``status`` (``tepat_waktu`` / ``terlambat`` / ``belum`` / ``belum_lewat_batas``), the
    deadline (``batas``) and ``hari_terlambat`` (days after the deadline the first version was
    received; for a report still missing, days overdue until ``today``) to
    ``Store.reporting_status`` rows. Lateness is judged by the received date
    (:mod:`core.received`), not by the upload time."""
    today = today or dt.date.today()
    deadline = settings.deadline(year, month)
    out = raw.copy()

    def received(row) -> dt.date:
        when = row["first_at"] if pd.notna(row["first_at"]) else row.get("received_at", row.get("created_at"))
        return when.date() if isinstance(when, dt.datetime) else when

    def status(row) -> tuple[str, int]:
        if pd.isna(row["import_id"]):
            late = days_late(today, deadline)
            return ("belum_lewat_batas" if late else "belum"), late
        late = days_late(received(row), deadline)
        return ("terlambat" if late else "tepat_waktu"), late

    pairs = [status(r) for _, r in out.iterrows()]
    out["status"] = [p[0] for p in pairs]
    out["hari_terlambat"] = [p[1] for p in pairs]
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


def reminder_text(opd_name: str, year: int, month: int, settings: Settings, today: dt.date | None = None) -> str:
    """The message to send an OPD that has not reported (polite). Before the deadline it names
    the deadline; after it, never a past date: it asks for the report "segera" and says how many
    days the deadline has passed."""
    today = today or dt.date.today()
    deadline = settings.deadline(year, month)
    period = f"{month_name(month)} {year}"
    late = days_late(today, deadline)
    when = (
        f"segera (batas penyampaian telah lewat {late} hari)"
        if late
        else f"paling lambat tanggal {deadline.day} {month_name(deadline.month)} {deadline.year}"
    )
    return (
        f"Yth. Kepala {opd_name},\n"
        f"Dengan hormat, bersama ini kami mengingatkan bahwa laporan realisasi fisik dan keuangan "
        f"bulan {period} dari {opd_name} belum kami terima. Mohon laporan disampaikan {when} melalui aplikasi Pantau "
        f"atau kepada {settings.kop_3.title() or 'Bagian Administrasi Pembangunan'}, sebagai bahan Rapat "
        f"Koordinasi Pengendalian Operasional Kegiatan (Rakor POK).\n"
        f"Atas perhatian dan kerja samanya kami ucapkan terima kasih.\n"
        f"{settings.ttd_jabatan}" + (f"\n{settings.ttd_nama}" if settings.ttd_nama else "")
    )


def whatsapp_link(text: str) -> str:
    """A wa.me link with the message filled in (the user picks the recipient in WhatsApp)."""
    return "https://wa.me/?text=" + urllib.parse.quote(text)
