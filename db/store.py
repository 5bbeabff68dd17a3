"""The one module that owns the DuckDB connection, the schema and every query.

Location of the database file: ``PANTAU_DB`` (default ``data/pantau.duckdb``); archived
uploads: ``PANTAU_DATA`` (default ``data/``) under ``archive/``. The schema is created and
migrated by the numbered SQL files in ``db/migrations`` when a :class:`Store` opens.
Queries are parameterised; nothing outside this module writes SQL.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_db_path() -> Path:
    """``PANTAU_DB`` or ``data/pantau.duckdb`` under the project root."""
    return Path(os.environ.get("PANTAU_DB") or ROOT / "data" / "pantau.duckdb")


def default_data_dir() -> Path:
    """``PANTAU_DATA`` or ``data/`` under the project root."""
    return Path(os.environ.get("PANTAU_DATA") or ROOT / "data")


@dataclass(frozen=True)
class OpdRow:
    """An OPD of the master list."""

    kode: str
    nama: str
    singkatan: str | None


class Store:
    """Connection, schema migrations and every query of Pantau."""

    def __init__(self, path: str | os.PathLike | None = None, data_dir: str | os.PathLike | None = None,
                 read_only: bool = False):
        self.path = Path(path) if path else default_db_path()
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path), read_only=read_only)
        if not read_only:
            self._migrate()

    # ------------------------------------------------------------------ basics
    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _migrate(self) -> None:
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                         "name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)")
        done = {r[0] for r in self.con.execute("SELECT version FROM schema_version").fetchall()}
        for file in sorted(MIGRATIONS.glob("*.sql")):
            version = int(file.name.split("_", 1)[0])
            if version in done:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(file.read_text(encoding="utf-8"))
                self.con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.name])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise

    def schema_version(self) -> int:
        """Highest applied migration number."""
        return self.con.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All-or-nothing block: commits on success, rolls back on any exception."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def _df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    # ------------------------------------------------------------------ archive
    def archive_path(self, sha256: str, file_name: str) -> Path:
        """Where the original bytes of an upload are kept (by sha256)."""
        ext = re.sub(r"[^a-z0-9]", "", Path(file_name).suffix.lower())[:5]
        return self.data_dir / "archive" / sha256[:2] / (sha256 + (f".{ext}" if ext else ""))

    def archive(self, sha256: str, file_name: str, data: bytes) -> Path:
        """Write the uploaded bytes under ``archive/`` once; return the path."""
        path = self.archive_path(sha256, file_name)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return path

    def read_archived(self, import_id: int) -> tuple[str, bytes] | None:
        """Original file name and bytes of an import, or ``None`` when missing."""
        row = self.con.execute("SELECT file_name, sha256 FROM import WHERE id = ?", [import_id]).fetchone()
        if not row:
            return None
        path = self.archive_path(row[1], row[0])
        return (row[0], path.read_bytes()) if path.exists() else None

    # ------------------------------------------------------------------ master data
    def opds(self) -> list[OpdRow]:
        """The OPD master list, by name."""
        rows = self.con.execute("SELECT kode, nama, singkatan FROM opd ORDER BY nama").fetchall()
        return [OpdRow(*r) for r in rows]

    def sub_kegiatan_index(self) -> dict[tuple[int, str, str], tuple[str, str]]:
        """(tahun, opd_kode, kode) -> (jenis, jenis_source) of every DPA sub kegiatan."""
        rows = self.con.execute("SELECT tahun, opd_kode, kode, jenis, jenis_source FROM sub_kegiatan").fetchall()
        return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}

    def dpa_years(self) -> list[int]:
        """Years for which a DPA is loaded."""
        return [r[0] for r in self.con.execute("SELECT DISTINCT tahun FROM sub_kegiatan ORDER BY 1").fetchall()]

    def upsert_opds(self, opds: dict[str, tuple[str, str]]) -> None:
        """Add or rename OPDs (kode -> (nama, singkatan)); an existing singkatan is kept."""
        for kode, (nama, singkatan) in opds.items():
            self.con.execute(
                "INSERT INTO opd (kode, nama, singkatan) VALUES (?, ?, ?) ON CONFLICT (kode) DO UPDATE "
                "SET nama = excluded.nama, singkatan = coalesce(opd.singkatan, excluded.singkatan)",
                [kode, nama, singkatan])

    # ------------------------------------------------------------------ imports
    def loaded_shas(self, shas: list[str]) -> set[str]:
        """Which of these sha256 values were loaded before (idempotency check)."""
        if not shas:
            return set()
        rows = self.con.execute("SELECT DISTINCT sha256 FROM import WHERE list_contains(?, sha256)",
                                [list(shas)]).fetchall()
        return {r[0] for r in rows}

    def next_import_ids(self, n: int) -> list[int]:
        """``n`` fresh import ids."""
        return [r[0] for r in self.con.execute("SELECT nextval('seq_import') FROM range(?)", [n]).fetchall()]

    def insert_imports(self, records: list[dict]) -> None:
        """Insert rows into ``import`` (dict keys are column names)."""
        if not records:
            return
        table = pa.Table.from_pylist(records)
        self.con.register("_imports_tbl", table)
        try:
            cols = ", ".join(table.column_names)
            self.con.execute(f"INSERT INTO import ({cols}) SELECT {cols} FROM _imports_tbl")
        finally:
            self.con.unregister("_imports_tbl")

    def insert_issues(self, issues: list[dict]) -> None:
        """Store the issues of imports (import_id, sheet, row, column, severity, code, message, raw)."""
        if not issues:
            return
        table = pa.Table.from_pylist(issues, schema=pa.schema([
            ("import_id", pa.int64()), ("sheet", pa.string()), ("row", pa.int64()), ("column", pa.string()),
            ("severity", pa.string()), ("code", pa.string()), ("message", pa.string()), ("raw", pa.string())]))
        self.con.register("_issues_tbl", table)
        try:
            self.con.execute('INSERT INTO import_issue (id, import_id, sheet, "row", "column", severity, code, '
                             'message, raw_value) SELECT nextval(\'seq_issue\'), import_id, sheet, "row", '
                             '"column", severity, code, message, raw FROM _issues_tbl')
        finally:
            self.con.unregister("_issues_tbl")

    def supersede_realisasi(self, new_ids: list[int]) -> dict[int, list[int]]:
        """For each OPD and month among the new reports, the newest import stays in force and
        every older one is marked superseded by it. Returns {new id: [superseded ids]}."""
        rows = self.con.execute(
            """
            UPDATE import SET superseded_by = n.new_id
            FROM (SELECT opd_kode, tahun, bulan, max(id) AS new_id FROM import
                  WHERE kind = 'realisasi' AND list_contains(?, id) GROUP BY ALL) n
            WHERE import.kind = 'realisasi' AND import.opd_kode = n.opd_kode AND import.tahun = n.tahun
              AND import.bulan = n.bulan AND import.superseded_by IS NULL AND import.id <> n.new_id
            RETURNING import.id, import.superseded_by
            """, [list(new_ids)]).fetchall()
        out: dict[int, list[int]] = {}
        for old, new in rows:
            out.setdefault(new, []).append(old)
        return out

    def insert_realisasi(self, table: pa.Table) -> None:
        """Bulk insert leaf rows: an Arrow table whose columns are named as in ``realisasi``."""
        self.con.register("_real_df", table)
        try:
            cols = ", ".join(table.column_names)
            self.con.execute(f"INSERT INTO realisasi ({cols}) SELECT {cols} FROM _real_df")
        finally:
            self.con.unregister("_real_df")

    def replace_dpa(self, import_id: int, tahun: int, subs: pd.DataFrame, lines: pd.DataFrame) -> list[int]:
        """Replace the DPA sub kegiatan of the OPDs in ``subs`` for ``tahun``; keep manual overrides.

        Returns the ids of earlier DPA imports that no longer contribute any sub kegiatan
        (they are marked superseded).
        """
        opd_list = sorted(subs["opd_kode"].unique().tolist())
        self.con.execute("DELETE FROM belanja WHERE tahun = ? AND list_contains(?, opd_kode)", [tahun, opd_list])
        self.con.execute("DELETE FROM sub_kegiatan WHERE tahun = ? AND list_contains(?, opd_kode)", [tahun, opd_list])
        self.con.register("_subs_df", subs)
        self.con.register("_lines_df", lines)
        try:
            cols = ", ".join(subs.columns)
            self.con.execute(f"INSERT INTO sub_kegiatan ({cols}) SELECT {cols} FROM _subs_df")
            cols = ", ".join(lines.columns)
            self.con.execute(f"INSERT INTO belanja ({cols}) SELECT {cols} FROM _lines_df")
        finally:
            self.con.unregister("_subs_df")
            self.con.unregister("_lines_df")
        # A manual classification survives a new DPA (latest override per sub kegiatan wins).
        self.con.execute(
            "UPDATE sub_kegiatan SET jenis = o.jenis, jenis_source = 'manual', jenis_rule = o.reason "
            "FROM (SELECT tahun, opd_kode, sub_kegiatan_kode, arg_max(jenis, created_at) AS jenis, "
            "      arg_max(reason, created_at) AS reason FROM jenis_override GROUP BY ALL) o "
            "WHERE sub_kegiatan.tahun = o.tahun AND sub_kegiatan.opd_kode = o.opd_kode "
            "AND sub_kegiatan.kode = o.sub_kegiatan_kode AND sub_kegiatan.tahun = ?",
            [tahun])
        old = [r[0] for r in self.con.execute(
            "SELECT i.id FROM import i WHERE i.kind = 'dpa' AND i.tahun = ? AND i.id <> ? AND i.superseded_by IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM sub_kegiatan s WHERE s.import_id = i.id)", [tahun, import_id]).fetchall()]
        if old:
            self.con.execute("UPDATE import SET superseded_by = ? WHERE list_contains(?, id)", [import_id, old])
        return old

    def audit_many(self, entries: list[tuple[str, str, str | None, str | None]]) -> None:
        """Append several (actor, action, target, detail) entries to the audit log."""
        if not entries:
            return
        table = pa.table({name: pa.array([e[i] for e in entries], pa.string())
                          for i, name in enumerate(("actor", "action", "target", "detail"))})
        self.con.register("_audit_tbl", table)
        try:
            self.con.execute("INSERT INTO audit_log (id, actor, action, target, detail) "
                             "SELECT nextval('seq_audit'), actor, action, target, detail FROM _audit_tbl")
        finally:
            self.con.unregister("_audit_tbl")

    def import_history(self, limit: int = 500) -> pd.DataFrame:
        """Latest imports with OPD name and whether they are still in force."""
        return self._df(
            "SELECT i.id, i.created_at, i.file_name, i.kind, i.sheet, i.tahun, i.bulan, i.opd_kode, o.nama AS opd, "
            "i.rows_accepted, i.rows_flagged, i.pagu, i.realisasi_keuangan, i.status, i.superseded_by, i.created_by, "
            "i.sha256 FROM import i LEFT JOIN opd o ON o.kode = i.opd_kode ORDER BY i.id DESC LIMIT ?", [limit])

    def import_issues(self, import_id: int) -> pd.DataFrame:
        """Warnings stored for one import."""
        return self._df('SELECT sheet, "row", "column", severity, code, message, raw_value FROM import_issue '
                        'WHERE import_id = ? ORDER BY "row" NULLS FIRST, id', [import_id])

    def count_rows(self, table: str) -> int:
        """Row count of one of Pantau's tables (for tests and status)."""
        allowed = {"opd", "import", "import_issue", "sub_kegiatan", "belanja", "realisasi", "audit_log"}
        if table not in allowed:
            raise ValueError(table)
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def table_checksums(self) -> dict[str, tuple[int, int]]:
        """(row count, order-independent hash of all rows) of every table: proves that a
        rejected file left the database unchanged."""
        names = [r[0] for r in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "ORDER BY 1").fetchall()]
        out = {}
        for name in names:
            quoted = '"' + name.replace('"', '""') + '"'
            out[name] = tuple(self.con.execute(
                f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {quoted} t").fetchone())
        return out

    def is_empty(self) -> bool:
        """True before any DPA or report has been loaded (first run)."""
        return self.con.execute("SELECT count(*) FROM import").fetchone()[0] == 0

    def periods(self) -> list[tuple[int, int]]:
        """(tahun, bulan) pairs that have at least one active realisation report, newest first."""
        return [tuple(r) for r in self.con.execute(
            "SELECT DISTINCT tahun, bulan FROM import WHERE kind = 'realisasi' AND superseded_by IS NULL "
            "ORDER BY tahun DESC, bulan DESC").fetchall()]

    # ------------------------------------------------------------------ recap
    def recap_sums(self, tahun: int, bulan: int) -> pd.DataFrame:
        """Per OPD sums for a period: the raw material of :func:`core.recap.recap_opd`.

        The leaf set of an OPD is its DPA sub kegiatan for the year plus any reported code
        missing from the DPA. Pagu is the reported pagu where reported, else the DPA pagu;
        a sub kegiatan an OPD left out of its report counts with no realisation.
        """
        return self._df(
            """
            WITH active AS (
                SELECT id, opd_kode, created_at FROM import
                WHERE kind = 'realisasi' AND tahun = ? AND bulan = ? AND superseded_by IS NULL
            ),
            rep AS (
                SELECT r.opd_kode, r.sub_kegiatan_kode AS kode, r.pagu, r.target_fisik, r.realisasi_fisik,
                       r.realisasi_keuangan,
                       CASE WHEN sk.jenis_source = 'manual' THEN sk.jenis ELSE coalesce(r.jenis, sk.jenis) END AS jenis,
                       true AS reported
                FROM realisasi r JOIN active a ON r.import_id = a.id
                LEFT JOIN sub_kegiatan sk ON sk.tahun = r.tahun AND sk.opd_kode = r.opd_kode
                                          AND sk.kode = r.sub_kegiatan_kode
            ),
            dpa AS (
                SELECT sk.opd_kode, sk.kode, sk.pagu, NULL::DOUBLE AS target_fisik, NULL::DOUBLE AS realisasi_fisik,
                       NULL::DOUBLE AS realisasi_keuangan, sk.jenis, false AS reported
                FROM sub_kegiatan sk
                WHERE sk.tahun = ?
                  AND NOT EXISTS (SELECT 1 FROM rep WHERE rep.opd_kode = sk.opd_kode AND rep.kode = sk.kode)
            ),
            leaf AS (SELECT * FROM rep UNION ALL SELECT * FROM dpa)
            SELECT l.opd_kode, o.nama AS opd, o.singkatan,
                   count(*) AS sub_kegiatan,
                   sum(coalesce(l.pagu, 0)) AS pagu,
                   sum(l.realisasi_keuangan) AS realisasi_keuangan,
                   sum(coalesce(l.pagu, 0) * coalesce(l.realisasi_fisik, 0)) AS pagu_x_fisik,
                   sum(coalesce(l.pagu, 0) * coalesce(l.target_fisik, 0)) AS pagu_x_target,
                   count(l.target_fisik) AS n_target,
                   sum(CASE WHEN l.jenis = 'fisik' THEN coalesce(l.pagu, 0) ELSE 0 END) AS fisik_pagu,
                   sum(CASE WHEN l.jenis = 'fisik' THEN 0 ELSE coalesce(l.pagu, 0) END) AS non_fisik_pagu,
                   bool_or(l.reported) AS reported,
                   (SELECT max(a.created_at) FROM active a WHERE a.opd_kode = l.opd_kode) AS reported_at
            FROM leaf l LEFT JOIN opd o ON o.kode = l.opd_kode
            GROUP BY l.opd_kode, o.nama, o.singkatan
            ORDER BY o.nama
            """, [tahun, bulan, tahun])

    def report_leaves(self, import_id: int) -> pd.DataFrame:
        """Leaf rows loaded by one import."""
        return self._df("SELECT * FROM realisasi WHERE import_id = ? ORDER BY source_row", [import_id])
