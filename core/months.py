"""Indonesian month names, shared by every package (the ingest reads them, pages and exports print them)."""

from __future__ import annotations

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


def month_name(month: int) -> str:
    """Indonesian month name for 1-12."""
    return BULAN[month - 1]
