"""Move an office's data from one database to another (issue 19): typically from the DuckDB
file of one office to the PostgreSQL server of many (``python -m etl migrate --from
data/pantau.duckdb --to postgresql://...``); the other direction works the same way.

Every table is copied (the import history, the realisation rows, the accounts, the audit log,
the sign-in sessions, ...) through the same consistent Parquet snapshot a backup uses
(:meth:`db.store.Store.export_snapshot` / :meth:`~db.store.Store.restore_snapshot`), in one
transaction on the target; the archive of original uploads is copied to the target's data folder
when it is another folder. Then every table is compared: row counts and an engine-independent
checksum of the rows (:meth:`db.store.Store.content_checksums`), and every archived original is
checked by its sha256. The target must hold no data yet: nothing is ever overwritten.

The recap summary (``recap_summary``) is derived data: the restore recomputes it on the target from
the copied rows. Its sums of products (pagu x fisik, pagu x target) may then differ from the
source's in the last bits of a float (another order of addition), so its checksum is not compared;
instead its row count must match and, per year, OPD and month, every sum must agree to 1e-9
relative (``summary_sums_by_month`` on both sides). A source whose summary disagrees with its own
rows beyond that is reported (run ``rebuild-summary`` on the source first).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from db.engine_pg import public_url
from db.store import Store

# The schema version table is the target's own (its migrations wrote it).
_NOT_COPIED = {"schema_version"}
# Recomputed on the target from the copied rows (restore_snapshot): compared by its sums, not by checksum.
_DERIVED = {"recap_summary"}
_REL_TOL = 1e-9


class MigrateError(ValueError):
    """A migration refused or failed, with the Indonesian message for the user."""


def _same_sums(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same OPD-month rows with the same numbers (floats to 1e-9 relative), whatever the
    dtypes each engine gives."""
    if a.shape != b.shape or list(a.columns) != list(b.columns):
        return False
    for name in a.columns:
        x, y = a[name].reset_index(drop=True), b[name].reset_index(drop=True)
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            fx, fy = x.astype("float64"), y.astype("float64")
            close = (fx - fy).abs() <= _REL_TOL * pd.concat([fx.abs(), fy.abs()], axis=1).max(axis=1).clip(lower=1.0)
            if not ((fx.isna() & fy.isna()) | close).all():
                return False
        elif not x.astype(str).equals(y.astype(str)):
            return False
    return True


def _summary_agrees(source: Store, target: Store) -> bool:
    """Per year, OPD and month, the recap summary's sums agree on both sides (1e-9 relative)."""
    years = sorted({int(t) for t, _ in source.periods()} | set(source.dpa_years()) | set(target.dpa_years()))
    for tahun in years:
        a, b = source.summary_sums_by_month(tahun, 1, 12), target.summary_sums_by_month(tahun, 1, 12)
        keys = ["bulan", "opd_kode"]
        if not _same_sums(a.sort_values(keys).reset_index(drop=True), b.sort_values(keys).reset_index(drop=True)):
            return False
    return True


def _archive_files(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every archived original under ``root/archive``."""
    archive = root / "archive"
    if not archive.is_dir():
        return {}
    out = {}
    for path in sorted(p for p in archive.rglob("*") if p.is_file() and not p.name.endswith(".tmp")):
        sha = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(1024 * 1024):
                sha.update(chunk)
        out[path.relative_to(archive).as_posix()] = sha.hexdigest()
    return out


def migrate(source: Store, target: Store, actor: str) -> dict:
    """Copy everything of ``source`` into the empty ``target`` and verify it; returns a report
    (engines, per table: rows and checksum on both sides and whether they match; the archive:
    files and whether every one arrived intact; ``ok``). Raises :class:`MigrateError` when the
    target already holds data, when the source's schema is newer than the target's, or when the
    verification finds any difference (the copied data then stay in the target for inspection:
    empty its database before trying again)."""
    if not target.is_empty():
        raise MigrateError(
            "Basis data tujuan sudah berisi data (ada riwayat impor). Migrasi hanya ke basis data yang "
            "kosong: buat basis data baru, lalu jalankan perintah ini lagi."
        )
    if source.schema_version() > target.schema_version():
        raise MigrateError("Basis data asal dibuat oleh versi Pantau yang lebih baru. Perbarui aplikasi ini dahulu.")
    with tempfile.TemporaryDirectory(prefix="pantau-migrate-") as tmp:
        snapshot = source.export_snapshot(Path(tmp))
        tables = {k: v for k, v in snapshot["tables"].items() if k not in _NOT_COPIED}
        with target.session():
            target_audit_before = target.count_rows("audit_log")
            target.restore_snapshot(Path(tmp), {**snapshot, "tables": tables})
    files = _archive_files(source.data_dir)
    if source.data_dir.resolve() != target.data_dir.resolve():
        for name in files:
            origin = source.data_dir / "archive" / name
            copy = target.data_dir / "archive" / name
            if not copy.exists():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, copy)
    arrived = _archive_files(target.data_dir)
    missing = sorted(name for name, sha in files.items() if arrived.get(name) != sha)
    before, after = source.content_checksums(), target.content_checksums()
    report_tables = {}
    for name in sorted(tables):
        src, dst = before.get(name), after.get(name)
        if name == "audit_log" and dst is not None and target_audit_before:
            # the target's own entries (written before the copy) follow the copied log
            dst = (dst[0] - target_audit_before, "(tidak dibandingkan: tujuan sudah punya log sendiri)")
        same = src is not None and dst is not None and src[0] == dst[0] and (src[1] == dst[1] or name == "audit_log")
        if name in _DERIVED and src is not None and dst is not None and src[0] == dst[0] and src[1] != dst[1]:
            same = _summary_agrees(source, target)
            dst = (dst[0], "(dihitung ulang di tujuan; jumlah per OPD-bulan sama s.d. 1e-9)" if same else dst[1])
        report_tables[name] = {
            "asal": {"baris": src[0], "checksum": src[1]} if src else None,
            "tujuan": {"baris": dst[0], "checksum": dst[1]} if dst else None,
            "cocok": same,
        }
    ok = all(t["cocok"] for t in report_tables.values()) and not missing
    report = {
        "asal": {"mesin": source.engine, "basis_data": public_url(str(source.path))},
        "tujuan": {"mesin": target.engine, "basis_data": public_url(str(target.path))},
        "tabel": report_tables,
        "arsip": {"berkas": len(files), "tidak_sampai": missing},
        "ok": ok,
    }
    if not ok:
        bad = [name for name, t in report_tables.items() if not t["cocok"]]
        raise MigrateError(
            "Verifikasi migrasi gagal: "
            + (f"tabel {', '.join(bad)} berbeda jumlah baris atau checksum-nya" if bad else "")
            + (
                " (ringkasan rekap di asal tidak sesuai dengan baris sub kegiatannya: jalankan "
                "'python -m etl rebuild-summary --db <asal>' lalu ulangi)"
                if _DERIVED & set(bad)
                else ""
            )
            + ("; " if bad and missing else "")
            + (f"{len(missing)} berkas asli tidak sampai utuh" if missing else "")
            + ". Kosongkan basis data tujuan, periksa ruang disk dan hak akses, lalu ulangi."
        )
    detail = f"{len(tables)} tabel, {len(files)} berkas asli"
    target.audit_many([(actor, "migrate", public_url(str(source.path)), detail)])
    return report
