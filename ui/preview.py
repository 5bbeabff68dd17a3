"""Turn an analysed file into what the Impor page shows: a summary row, recognised columns,
and a table of issues. Plain functions, tested without Streamlit."""

from __future__ import annotations

import pandas as pd

from core.format import cell_text, percent, rupiah, waktu
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
            "Waktu": history["created_at"].map(waktu),
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


# ---------------------------------------------------------------------------- batch summary (issue 16)
SIAP, CATATAN, KONFIRMASI, KONFLIK, DITOLAK = "Siap", "Ada catatan", "Perlu konfirmasi", "Konflik", "Ditolak"
STATUS_ORDER = (SIAP, CATATAN, KONFIRMASI, KONFLIK, DITOLAK)
STATUS_COLOUR = {  # background of the Status cell (readable on a projector)
    SIAP: "#d7f0dc",
    CATATAN: "#fff1c2",
    KONFIRMASI: "#dbe7fb",
    KONFLIK: "#fbdcc4",
    DITOLAK: "#f8d4d4",
}
# Errors a person can settle on the page: which column is which (the mapping editor) ...
MAPPING_CODES = frozenset({"ambiguous_column", "missing_required_column", "header_not_found", "bad_mapping"})
# ... and the OPD, period or unit the file does not state (the hint boxes).
HINT_CODES = frozenset({"invalid_period", "period_conflict", "unknown_opd", "opd_conflict", "no_master"})


def mappable(analysis: FileAnalysis) -> bool:
    """The file waits for a column mapping: every error is one a mapping settles."""
    codes = {e.code for e in analysis.errors}
    return bool(codes) and codes <= MAPPING_CODES and analysis.kind in (None, "realisasi")


def file_status(analysis: FileAnalysis) -> str:
    """Siap / Ada catatan / Perlu konfirmasi / Ditolak of one file (conflicts are the batch's)."""
    if analysis.rejected:
        codes = {e.code for e in analysis.errors}
        needs = any(r.needs for r in analysis.reports)
        if mappable(analysis) or (needs and codes <= HINT_CODES):
            return KONFIRMASI
        return DITOLAK
    if any(r.warnings for r in analysis.reports) or analysis.issues:
        return CATATAN
    return SIAP


def in_force(history: pd.DataFrame) -> dict[tuple, dict]:
    """The stored realisation reports in force, by (opd kode, year, month), from
    :meth:`db.store.Store.import_history`."""
    if history.empty:
        return {}
    live = history[(history["kind"] == "realisasi") & history["superseded_by"].isna() & history["bulan"].notna()]
    return {(r["opd_kode"], int(r["tahun"]), int(r["bulan"])): r for r in live.to_dict("records")}


def supersedes(rep: Report, analysis: FileAnalysis, stored: dict[tuple, dict]) -> dict | None:
    """The stored import ``rep`` will replace when saved (``None``: none, or the same bytes)."""
    if rep.kind != "realisasi" or rep.opd is None or not rep.year or not rep.month:
        return None
    old = stored.get((rep.opd.kode, rep.year, rep.month))
    if old is None or old.get("sha256") == analysis.sha256:
        return None
    return old


def batch_frame(
    analyses: list[FileAnalysis],
    statuses: list[str],
    stored: dict[tuple, dict],
    layouts: dict[int, str] | None = None,
) -> pd.DataFrame:
    """The one summary table of a batch: one row per report found (a refused file: one row), with
    its status, its errors and warnings and the stored report it will replace. ``statuses`` per
    file (conflicts settled by the page); ``layouts``: file position -> how its columns were
    read when a person said so ("pemetaan dikonfirmasi")."""
    frames = []
    for pos, (a, status) in enumerate(zip(analyses, statuses)):
        kinerja = a.kind in ("targets", "kinerja")
        df = summary_rows(a).copy()
        df["Status"] = status
        errors = sum(1 for i in a.issues if i.severity == "error")
        warnings = sum(1 for i in a.issues if i.severity == "warning")
        reps = a.reports or [None]
        df["Galat"] = [errors + (len(r.errors) if r else 0) for r in reps]
        df["Peringatan"] = [warnings + (len(r.warnings) if r else 0) for r in reps]
        replaced = []
        for r in reps:
            old = supersedes(r, a, stored) if r is not None else None
            replaced.append(f"Ya, impor #{int(old['id'])} ({old['file_name']})" if old else "-")
        df["Menggantikan"] = replaced
        df["Format kolom"] = [
            (layouts or {}).get(pos) or (f"dikenal: {r.layout_name}" if r is not None and r.layout_name else "otomatis")
            for r in reps
        ]
        for r_i, r in enumerate(reps):  # a figure read from a column the engine was unsure of is not shown
            unsure = set(r.header.ambiguous) if r is not None else set()
            for fld, col in (
                ("pagu", "Pagu"),
                ("realisasi_keuangan", "Realisasi keuangan"),
                ("realisasi_fisik", "Fisik"),
            ):
                if fld in unsure:
                    df.loc[r_i, col] = "belum pasti"
        df["_pos"] = pos
        df["_rep"] = list(range(len(reps)))
        if kinerja:
            df["Baris sub kegiatan"] = [r.rows if r else 0 for r in reps]
        frames.append(df)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    if "Sumber" in out.columns:
        out["Sumber"] = out["Sumber"].fillna("-")
    first = ["Status", "Berkas", "OPD", "Periode", "Baris sub kegiatan", "Pagu", "Realisasi keuangan", "Fisik"]
    first += ["Menggantikan", "Galat", "Peringatan", "Format kolom"]  # what a reader needs, left to right
    return out[[c for c in first if c in out.columns] + [c for c in out.columns if c not in first]]


def status_counts(statuses: list[str]) -> str:
    """ "38 siap, 2 perlu konfirmasi, 2 ditolak" (in the order of the statuses)."""
    counts = {s: statuses.count(s) for s in STATUS_ORDER if statuses.count(s)}
    return ", ".join(f"{n} {s.lower()}" for s, n in counts.items())


def fields_frame(rep: Report) -> pd.DataFrame:
    """The recognised fields of a report: field, column letter, header path and 3 sample values."""
    rows = []
    for f, idx in rep.header.fields.items():
        if f == "no":
            continue
        rows.append(
            {
                "Isian": FIELD_LABEL.get(f, f),
                "Kolom": column_letter(rep.col0 + idx),
                "Judul kolom": rep.header.labels.get(idx, ""),
                "Contoh nilai": "; ".join(cell_text(v) for v in rep.samples(idx)),
            }
        )
    return pd.DataFrame(rows, columns=["Isian", "Kolom", "Judul kolom", "Contoh nilai"])


def leaves_frame(rep: Report, limit: int = 500) -> pd.DataFrame:
    """The first ``limit`` data rows of a realisation report as read."""
    return pd.DataFrame(
        [
            {
                "Baris": lf.row,
                "Kode": lf.kode if not lf.kode.startswith(("~", "baris-")) else "",
                "Uraian": lf.nama or "",
                "Pagu": lf.pagu,
                "Realisasi keuangan": lf.realisasi_keuangan,
                "Target fisik (%)": lf.target_fisik,
                "Realisasi fisik (%)": lf.realisasi_fisik,
                "Catatan": ", ".join(lf.flags),
            }
            for lf in rep.leaves[:limit]
        ],
        columns=[
            "Baris",
            "Kode",
            "Uraian",
            "Pagu",
            "Realisasi keuangan",
            "Target fisik (%)",
            "Realisasi fisik (%)",
            "Catatan",
        ],
    )


def name_matches_frame(rep: Report) -> pd.DataFrame:
    """Rows reported by name the engine could not match to the DPA with certainty, with the
    candidates it found (``nama_tidak_di_dpa``)."""
    rows = []
    for i in rep.issues:
        if i.code != "nama_tidak_di_dpa":
            continue
        _, _, maybe = i.message.partition(" Mungkin: ")
        rows.append(
            {
                "Baris": str(i.row) if i.row is not None else "",
                "Nama di laporan": i.raw or "",
                "Kandidat dalam DPA": maybe.split(". Baris dimuat")[0] if maybe else "(tidak ada yang mirip)",
            }
        )
    return pd.DataFrame(rows, columns=["Baris", "Nama di laporan", "Kandidat dalam DPA"])
