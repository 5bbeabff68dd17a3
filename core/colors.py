"""The one palette of the charts, slides and workbooks (hex colours by meaning)."""

from __future__ import annotations

COLOURS = {
    "hijau": "#2e7d32",
    "kuning": "#f9a825",
    "merah": "#c62828",
    "fisik": "#1565c0",
    "non_fisik": "#90a4ae",
    "target": "#6d4c41",
    "keuangan": "#00897b",
}
