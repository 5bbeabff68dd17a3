"""Turn an analysed file into what the Impor page shows: a summary row, recognised columns,
and a table of issues. Plain functions, tested without Streamlit."""

from __future__ import annotations

import pandas as pd

from core.format import percent, rupiah
from core.months import month_name
from etl.columns import FIELD_LABEL
from etl.issues import column_letter
from etl.pipeline import FileAnalysis, Report
from etl.source import SOURCE_LABEL
from etl.template import LAYOUT, LAYOUT_LABEL

SEVERITY_LABEL = {"error": "Galat", "warning": "Peringatan", "info": "Info"}
KIND_LABEL = {
    "dpa": "DPA / daftar sub kegiatan",
    "realisasi": "Laporan realisasi",
    "targets": "Perjanjian Kinerja (target)",
    "kinerja": "Data kinerja unit",
    None: "-",
}
STATUS_LABEL = {
    "accepted": "Diterima",
    "flagged": "Diterima dengan catatan",
    "rejected": "Ditolak",
    "duplicate": "Sudah pernah diimpor",
}


def report_period(rep: Report) -> str:
    """``Maret 2026`` / ``Tahun 2026`` / ``-``."""
    if rep.month and rep.year:
        return f"{month_name(rep.month)} {rep.year}"
    if rep.year:
        return f"Tahun {rep.year}"
    return "-"


def summary_rows(analysis: FileAnalysis) -> pd.DataFrame:
    """One row per report found in the file (a multi-month workbook gives several)."""
    rows = []
    for rep in analysis.reports or [None]:
        if rep is None:
            rows.append(
                {
                    "Berkas": analysis.name,
                    "Lembar": "-",
                    "Jenis": "-",
                    "OPD": "-",
                    "Periode": "-",
                    "Baris sub kegiatan": 0,
                    "Pagu": "-",
                    "Realisasi keuangan": "-",
                    "Fisik": "-",
                    "Status": "Ditolak",
                }
            )
            continue
        opd = rep.opd.nama if rep.opd else (f"{len(rep.dpa.opds)} OPD" if rep.dpa else (rep.opd_text or "?"))
        status = "Ditolak" if analysis.rejected else ("Ada catatan" if rep.warnings or analysis.issues else "Siap")
        kind = KIND_LABEL.get(rep.kind, rep.kind)
        if rep.layout == LAYOUT:  # a returned request template of Pantau
            kind = f"{kind} ({LAYOUT_LABEL})"
        rows.append(
            {
                "Berkas": analysis.name,
                "Lembar": rep.sheet or "-",
                "Jenis": kind,
                "Sumber": SOURCE_LABEL.get(rep.source or "", "-"),
                "OPD": opd,
                "Periode": report_period(rep),
                "Baris sub kegiatan": rep.rows,
                "Pagu": rupiah(rep.pagu),
                "Realisasi keuangan": rupiah(rep.realisasi_keuangan),
                "Fisik": percent(rep.fisik_pct) if rep.kind == "realisasi" else "-",
                "Status": status,
            }
        )
    return pd.DataFrame(rows)


def columns_text(rep: Report) -> str:
    """ "Realisasi Keuangan (Rp) ← kolom H 'KEUANGAN › REALISASI › Rp'; ..." for the recognised columns
    of a report: each field with the column letter and the header path it was read from."""
    col0 = rep.col0 or 0
    parts = [
        f"{FIELD_LABEL.get(f, f)} ← kolom {column_letter(col0 + rep.header.fields[f])} '{path}'"
        for f, path in rep.header.matched().items()
        if f != "no"
    ]
    text = "; ".join(parts)
    if rep.header.notes:
        text += ". Catatan: " + "; ".join(rep.header.notes)
    if rep.header.ignored:
        text += ". Tidak dipakai: " + ", ".join(f"'{x}'" for x in rep.header.ignored)
    return text


def issues_frame(analysis: FileAnalysis) -> pd.DataFrame:
    """All issues of a file as a table: Berkas, Lembar, Baris, Kolom, Tingkat, Pesan, Nilai."""
    rows = [
        {
            "Berkas": analysis.name,
            "Lembar": i.sheet or "",
            "Baris": i.row,
            "Kolom": i.column or "",
            "Tingkat": SEVERITY_LABEL.get(i.severity, i.severity),
            "Pesan": i.message,
            "Nilai": i.raw or "",
        }
        for i in analysis.all_issues()
    ]
    df = pd.DataFrame(rows, columns=["Berkas", "Lembar", "Baris", "Kolom", "Tingkat", "Pesan", "Nilai"])
    df["Baris"] = [str(int(r)) if pd.notna(r) else "" for r in df["Baris"]]
    return df


def stored_issues_frame(issues: pd.DataFrame) -> pd.DataFrame:
    """The stored notes of one import (``Store.import_issues``) with the preview's labels."""
    return pd.DataFrame(
        {
            "Lembar": issues["sheet"].fillna(""),
            "Baris": [str(int(r)) if pd.notna(r) else "" for r in issues["row"]],
            "Kolom": issues["column"].fillna(""),
            "Tingkat": issues["severity"].map(lambda s: SEVERITY_LABEL.get(s, s)),
            "Pesan": issues["message"],
            "Nilai": issues["raw_value"].fillna(""),
        }
    )


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """Import history for display (Indonesian headers, formatted money)."""
    if history.empty:
        return pd.DataFrame()
    out = pd.DataFrame(
        {
            "ID": history["id"],
            "Waktu": history["created_at"].dt.strftime("%d-%m-%Y %H:%M"),
            "Berkas": history["file_name"],
            "Jenis": history["kind"].map(lambda k: KIND_LABEL.get(k, k)),
            "OPD": history["opd"].fillna("-"),
            "Periode": [
                f"{month_name(int(m))} {int(y)}" if pd.notna(m) else (f"Tahun {int(y)}" if pd.notna(y) else "-")
                for y, m in zip(history["tahun"], history["bulan"])
            ],
            "Baris": history["rows_accepted"],
            "Baris bercatatan": history["rows_flagged"],
            "Pagu": history["pagu"].map(rupiah),
            "Status": [
                f"Digantikan (#{int(s)})" if pd.notna(s) else STATUS_LABEL.get(st, st)
                for st, s in zip(history["status"], history["superseded_by"])
            ],
            "Oleh": history["created_by"],
        }
    )
    return out
