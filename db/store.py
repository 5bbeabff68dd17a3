"""The one module that owns the database connection, the schema and every query.

The database: ``PANTAU_DB`` (default ``data/pantau.duckdb``), a DuckDB file (the embedded default
for one office) or a ``postgresql://user@host:port/db`` URL (the server engine for many offices
and app replicas; :mod:`db.engine_pg`). Archived uploads: ``PANTAU_DATA`` (default ``data/``)
under ``archive/``. The schema is created and migrated by the numbered SQL files in
``db/migrations`` (DuckDB) or ``db/migrations_pg`` (PostgreSQL, the same numbers) when a
:class:`Store` opens. Queries are parameterised; nothing outside ``db/`` writes SQL.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psycopg
import pyarrow as pa

from db.connected import connected as _connected
from db.connected import reading as _reading
from db.engine_pg import PgConnection, PgPool, PoolBusy, acquire_pool, arrow_rows, is_url, release_pool
from db.engine_pg import Unreachable as Unreachable  # re-exported: PANTAU_DB's server cannot be reached
from db.finite import check_finite
from db.held import HeldQueries
from db.install import InstallQueries
from db.kinerja import KinerjaQueries
from db.layouts import LayoutQueries
from db.rakor import RakorQueries
from db.request import RequestQueries
from db.sessions import SessionQueries
from db.shared import StoreBusy as StoreBusy  # re-exported: the database stayed busy too long
from db.shared import record_session, shared_file
from db.summary import SummaryQueries, atomic

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATIONS_PG = Path(__file__).resolve().parent / "migrations_pg"
# What either engine raises when it refuses a statement (e.g. a snapshot that does not fit the schema).
DATABASE_ERRORS: tuple[type[Exception], ...] = (duckdb.Error, psycopg.Error)
# Advisory lock keys (PostgreSQL): the schema migration, and the class of "OPD-month import" locks.
_MIGRATE_LOCK = 7_146_100
_IMPORT_LOCK_CLASS = 7_146_101
SUMMARY_VERSION = 12  # the migration that adds recap_summary (db/summary.py)


def default_db_path() -> Path | str:
    """``PANTAU_DB`` (a file path, or a ``postgresql://`` URL as it is) or ``data/pantau.duckdb``
    under the project root."""
    target = os.environ.get("PANTAU_DB")
    if is_url(target):
        return str(target)
    return Path(target or ROOT / "data" / "pantau.duckdb")


def default_data_dir() -> Path:
    """``PANTAU_DATA`` or ``data/`` under the project root."""
    return Path(os.environ.get("PANTAU_DATA") or ROOT / "data")


@dataclass(frozen=True)
class OpdRow:
    """An OPD of the master list."""

    kode: str
    nama: str
    singkatan: str | None
    wilayah: str | None = None  # the kabupaten/kota of a province install (None: the own daerah)


# The leaf rows (sub kegiatan) of the months $bulan_dari..$bulan_sampai of $tahun (only OPD $opd's
# when not NULL, only the OPDs of kabupaten/kota $wilayah when not NULL; the filters sit inside so
# one OPD's rows cost one OPD's scan): an OPD's DPA sub
# kegiatan for the year plus any reported code missing from the DPA, once per month, in one
# FULL JOIN of the rows of the reports in force with the DPA. Reported values where the OPD's
# active report of the month has the row (pagu: the reported one), else the DPA pagu with no
# realisation. Names, codes and sumber dana: the DPA's, else the report's (program and kegiatan:
# the report's first). Jenis: a manual override wins, then the report's jenis column, then the
# DPA classification. Program and kegiatan codes the file and DPA leave empty are the first three
# and five parts of the sub kegiatan code; missing names are "Program <kode>" / "Kegiatan <kode>".
_LEAF_CTE = """
    WITH active AS (
        SELECT id, opd_kode, bulan, created_at FROM import
        WHERE kind = 'realisasi' AND tahun = $tahun AND bulan BETWEEN $bulan_dari AND $bulan_sampai
          AND superseded_by IS NULL AND ($opd::VARCHAR IS NULL OR opd_kode = $opd)
          AND ($wilayah::VARCHAR IS NULL OR opd_kode IN (SELECT kode FROM opd WHERE wilayah = $wilayah))
    ),
    r AS (SELECT x.* FROM realisasi x JOIN active a ON x.import_id = a.id),  -- x.bulan = a.bulan
    kas AS (
        SELECT opd_kode, sub_kegiatan_kode, bulan,
               sum(nilai) OVER (PARTITION BY opd_kode, sub_kegiatan_kode ORDER BY bulan) AS kas_kum
        FROM anggaran_kas WHERE tahun = $tahun AND ($opd::VARCHAR IS NULL OR opd_kode = $opd)
          AND ($wilayah::VARCHAR IS NULL OR opd_kode IN (SELECT kode FROM opd WHERE wilayah = $wilayah))
    ),
    sk AS (
        SELECT m.bulan, s.* FROM sub_kegiatan s
        CROSS JOIN (SELECT g::INTEGER AS bulan FROM generate_series($bulan_dari, $bulan_sampai) AS t(g)) m
        WHERE s.tahun = $tahun AND ($opd::VARCHAR IS NULL OR s.opd_kode = $opd)
          AND ($wilayah::VARCHAR IS NULL OR s.opd_kode IN (SELECT kode FROM opd WHERE wilayah = $wilayah))
    ),
    leaf0 AS (
        SELECT coalesce(r.bulan, sk.bulan) AS bulan, coalesce(r.opd_kode, sk.opd_kode) AS opd_kode,
               coalesce(r.sub_kegiatan_kode, sk.kode) AS kode, coalesce(sk.nama, r.nama) AS nama,
               coalesce(r.program_kode, sk.program_kode) AS program_kode,
               coalesce(r.program_nama, sk.program_nama) AS program_nama,
               coalesce(r.kegiatan_kode, sk.kegiatan_kode) AS kegiatan_kode,
               coalesce(r.kegiatan_nama, sk.kegiatan_nama) AS kegiatan_nama,
               coalesce(r.sumber_dana, sk.sumber_dana) AS sumber_dana,
               CASE WHEN r.import_id IS NULL THEN sk.pagu ELSE r.pagu END AS pagu, sk.pagu_murni,
               r.target_fisik, r.realisasi_fisik, r.realisasi_keuangan,
               coalesce(r.target_keuangan, kas.kas_kum) AS target_keuangan,
               CASE WHEN sk.jenis_source = 'manual' THEN sk.jenis ELSE coalesce(r.jenis, sk.jenis) END AS jenis,
               CASE WHEN sk.jenis_source = 'manual' THEN 'manual'
                    ELSE coalesce(r.jenis_source, sk.jenis_source) END AS jenis_source,
               r.permasalahan, r.solusi, coalesce(r.flagged, false) AS flagged, r.import_id IS NOT NULL AS reported
        FROM r FULL JOIN sk ON sk.bulan = r.bulan AND sk.opd_kode = r.opd_kode AND sk.kode = r.sub_kegiatan_kode
        LEFT JOIN kas ON kas.bulan = coalesce(r.bulan, sk.bulan) AND kas.opd_kode = coalesce(r.opd_kode, sk.opd_kode)
            AND kas.sub_kegiatan_kode = coalesce(r.sub_kegiatan_kode, sk.kode)
    ),
    leaf1 AS (
        SELECT bulan, opd_kode, kode, nama,
               coalesce(program_kode, array_to_string((string_to_array(kode, '.'))[1:3], '.')) AS program_kode,
               program_nama,
               coalesce(kegiatan_kode, array_to_string((string_to_array(kode, '.'))[1:5], '.')) AS kegiatan_kode,
               kegiatan_nama, {rest}
        FROM leaf0
    ),
    leaf AS (
        SELECT bulan, opd_kode, kode, nama, program_kode,
               coalesce(program_nama, 'Program ' || program_kode) AS program_nama, kegiatan_kode,
               coalesce(kegiatan_nama, 'Kegiatan ' || kegiatan_kode) AS kegiatan_nama, {rest}
        FROM leaf1
    )
"""
# The columns of leaf0 after the program and kegiatan ones (kept as they are by leaf1 and leaf).
_LEAF_REST = (
    "sumber_dana",
    "pagu",
    "pagu_murni",
    "target_fisik",
    "realisasi_fisik",
    "realisasi_keuangan",
    "target_keuangan",
    "jenis",
    "jenis_source",
    "permasalahan",
    "solusi",
    "flagged",
    "reported",
)
_LEAF_CTE = _LEAF_CTE.replace("{rest}", ", ".join(_LEAF_REST))
# Every column of a leaf row but the month (what leaf_rows returns without ``columns``).
_LEAF_ALL = ("opd_kode", "kode", "nama", "program_kode", "program_nama", "kegiatan_kode", "kegiatan_nama", *_LEAF_REST)
LEAF_COLUMNS = (
    "opd_kode",
    "kode",
    "nama",
    "program_kode",
    "program_nama",
    "kegiatan_kode",
    "kegiatan_nama",
    "sumber_dana",
    "pagu",
    "target_fisik",
    "realisasi_fisik",
    "realisasi_keuangan",
    "jenis",
    "jenis_source",
    "permasalahan",
    "solusi",
    "flagged",
    "reported",
)
# Optional filters on leaf rows l: sumber dana $dana (a list; a row matches when its sumber dana
# text contains one of them, as the Rekap OPD filter does), jenis $jenis ('fisik': fisik
# konstruksi; 'non_fisik': everything else) and one sub kegiatan code $kode.
_LEAF_FILTER = """
    ($dana::VARCHAR[] IS NULL
     OR len(list_filter($dana::VARCHAR[], lambda f: contains(coalesce(l.sumber_dana, ''), f))) > 0)
    AND ($jenis::VARCHAR IS NULL
         OR CASE WHEN $jenis = 'fisik' THEN l.jenis = 'fisik' ELSE l.jenis IS DISTINCT FROM 'fisik' END)
    AND ($kode::VARCHAR IS NULL OR l.kode = $kode)
"""
# The same filter in PostgreSQL's dialect (no lambdas: the sumber dana test is a subquery).
_LEAF_FILTER_PG = _LEAF_FILTER.replace(
    "len(list_filter($dana::VARCHAR[], lambda f: contains(coalesce(l.sumber_dana, ''), f))) > 0",
    "EXISTS (SELECT 1 FROM unnest($dana::VARCHAR[]) AS d(f) WHERE strpos(coalesce(l.sumber_dana, ''), f) > 0)",
)
# The sums of every recap (OPD, program, kegiatan, jenis, sumber dana, kabupaten, kurva S), the raw
# material of core.recap: pagu (0 where missing), realisasi keuangan, and the numerators of the
# pagu-weighted fisik and target fisik (DESIGN section 5; a sub kegiatan without a value counts as
# 0 % with its whole pagu). This is the one place they are written; core.recap turns them into
# percentages (core.metrics.fisik_pct).
_RECAP_SUMS = """
    count(*) AS sub_kegiatan,
    sum(coalesce(l.pagu, 0)) AS pagu,
    sum(l.pagu_murni) AS pagu_murni,
    sum(l.realisasi_keuangan) AS realisasi_keuangan,
    sum(coalesce(l.pagu, 0) * coalesce(l.realisasi_fisik, 0)) AS pagu_x_fisik,
    sum(coalesce(l.pagu, 0) * coalesce(l.target_fisik, 0)) AS pagu_x_target,
    count(l.target_fisik) AS n_target,
    count(l.realisasi_fisik) AS n_fisik,
    sum(l.target_keuangan) AS plan_keu,
    sum(CASE WHEN l.target_keuangan IS NOT NULL THEN coalesce(l.pagu, 0) ELSE 0 END) AS plan_pagu,
    sum(CASE WHEN l.jenis = 'fisik' THEN coalesce(l.pagu, 0) ELSE 0 END) AS fisik_pagu,
    sum(CASE WHEN l.jenis = 'fisik' THEN 0 ELSE coalesce(l.pagu, 0) END) AS non_fisik_pagu,
    bool_or(l.reported) AS reported
"""


def _leaf_params(tahun: int, dari: int, sampai: int, opd: str | None, wilayah: str | None = None, **more) -> dict:
    """Named parameters of ``_LEAF_CTE`` (``more``: those of the query, e.g. ``_LEAF_FILTER``'s)."""
    if "dana" in more:
        more["dana"] = list(more["dana"]) if more["dana"] else None
    return dict(tahun=tahun, bulan_dari=dari, bulan_sampai=sampai, opd=opd, wilayah=wilayah, **more)


# Groupings of :meth:`Store.group_sums`: the key columns of each.
GROUPS = {
    "program": ("l.opd_kode", "o.nama AS opd", "l.program_kode", "l.program_nama"),
    "kegiatan": (
        "l.opd_kode",
        "o.nama AS opd",
        "l.program_kode",
        "l.program_nama",
        "l.kegiatan_kode",
        "l.kegiatan_nama",
    ),
    "jenis": ("CASE WHEN l.jenis = 'fisik' THEN 'fisik' ELSE 'non_fisik' END AS jenis",),
    "sumber_dana": ("l.sumber_dana",),
}


class ImportInProgress(RuntimeError):
    """Another process is importing a report of the same OPD and month right now (PostgreSQL)."""

    def __init__(self, opd_kode: str, tahun: int, bulan: int, holder: str | None):
        who = holder or "pengguna lain"
        what = f"DPA tahun {tahun}" if bulan == 0 else f"Laporan OPD {opd_kode} bulan {bulan}/{tahun}"
        super().__init__(
            f"{what} sedang diimpor oleh {who}, coba lagi setelah impor itu selesai (biasanya beberapa "
            "detik). Tidak ada data yang berubah."
        )
        self.opd_kode, self.tahun, self.bulan, self.holder = opd_kode, tahun, bulan, holder


def wilayah_name(value: object) -> str | None:
    """A kabupaten/kota name as stored: its words joined by one space; blank (or not text): none
    (the install's own daerah). One rule for the Store, the ingest and the Pengaturan table."""
    return (" ".join(value.split()) or None) if isinstance(value, str) else None


def _wait_seconds() -> float:
    try:
        return float(os.environ.get("PANTAU_DB_WAIT", "60"))
    except ValueError:
        return 60.0


class Store(
    RakorQueries,
    RequestQueries,
    KinerjaQueries,
    SessionQueries,
    LayoutQueries,
    InstallQueries,
    HeldQueries,
    SummaryQueries,
):
    """Connection, schema migrations and every query of Pantau.

    ``path``: a DuckDB file, ``":memory:"`` or a ``postgresql://`` URL (:attr:`engine` is then
    ``"postgres"``). On PostgreSQL a session borrows a connection of a pool and there is no lock
    file: transactions and advisory locks (:meth:`claim_period`) keep concurrent writers apart.

    DuckDB lets one process at a time have a database file open for writing. The Stores of one
    process share the open file (:mod:`db.shared`): reading sessions (``session(write=False)``,
    the query methods marked ``@reading``) run side by side, each on its own cursor; any other
    session has the database alone. Another process (a CLI import beside the app) that wants the
    file gets it as soon as the sessions running here end, and hands it back the same way. A
    caller that has waited ``PANTAU_DB_WAIT`` seconds (default 60) gets :class:`StoreBusy` with
    a message to try again. ``":memory:"`` keeps one connection (tests).
    """

    # the leaf recap, for the summary kept beside it (db/summary.py)
    _LEAF_SQL = _LEAF_CTE
    _SUMS_SQL = _RECAP_SUMS
    _SUM_NAMES = tuple(re.findall(r"\bAS (\w+)\s*(?:,|$)", _RECAP_SUMS))
    _leaf_params = staticmethod(_leaf_params)

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        data_dir: str | os.PathLike | None = None,
        wait: float | None = None,
    ):
        target = path if path else default_db_path()
        self.engine = "postgres" if is_url(target) else "duckdb"
        self.path: Path | str = str(target) if self.engine == "postgres" else Path(target)
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.wait = _wait_seconds() if wait is None else wait
        self._local = threading.local()
        self._memory = str(self.path) == ":memory:"
        self._mem_lock = threading.RLock()
        self._pool: PgPool | None = None
        if self.engine == "postgres":
            self._pg_pool()
        elif self._memory:
            self._mem_con = duckdb.connect(":memory:")
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._shared = None if self.pg or self._memory else shared_file(self.path)
        self._attached: weakref.finalize | None = None  # this Store's share of the open file
        self.lock_path = Path(str(self.path) + ".lock")
        self.version_path = Path(str(self.path) + ".version")
        with self.session(write=True):
            self._migrate()

    def _pg_pool(self) -> PgPool:
        """The connection pool (PostgreSQL), taken again when the store is used after :meth:`close`."""
        if self._pool is None:
            self._pool = acquire_pool(str(self.path), max_size=int(os.environ.get("PANTAU_DB_POOL", "10")))
        return self._pool

    @property
    def pg(self) -> bool:
        """Is this store on PostgreSQL?"""
        return self.engine == "postgres"

    @property
    def _leaf_filter(self) -> str:
        return _LEAF_FILTER_PG if self.pg else _LEAF_FILTER

    # ------------------------------------------------------------------ basics
    def close(self) -> None:
        """Release the in-memory connection, the connection pool, or this Store's share of the
        open database file (closed once no Store of this process uses it)."""
        if self._attached is not None:
            self._attached()  # detaches once
            self._attached = None
        if self._memory:
            self._mem_con.close()
        if self._pool is not None:
            self._pool = None
            release_pool(str(self.path))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def con(self) -> Any:
        """The connection of the current session (only valid inside :meth:`session`)."""
        con = getattr(self._local, "con", None)
        if con is None:
            raise RuntimeError("Store.con is only available inside 'with store.session():'")
        return con

    @contextmanager
    def session(self, write: bool | None = None) -> Iterator[Store]:
        """Hold the database for a block of operations (re-entrant within a thread).

        On a DuckDB file: ``write=False`` reads only, side by side with the other readers of the
        process; ``write=True`` has the database alone; the default reads beside the readers and,
        at its first write, waits for them to finish and has the database alone from then on (no
        other writer comes in between, so what it read still holds). A reading block cannot write."""
        with self._session("read" if write is False else "write" if write else "update"):
            yield self

    @contextmanager
    def bookkeeping(self) -> Iterator[Store]:
        """A session for writes that only keep track of sign-ins (a session's last activity,
        one-time codes): beside the readers (DuckDB gives each reader a whole view of the data),
        one bookkeeping write at a time in the process; no data changes in it."""
        with self._session("log"):
            yield self

    @contextmanager
    def _session(self, mode: str) -> Iterator[Store]:
        if getattr(self._local, "depth", 0):
            if mode == "write" and self._local.mode != "write":
                self._upgrade()
            # bookkeeping inside a session that others read beside: still one at a time
            lock = self._shared.log_lock if self._shared and mode == "log" and self._local.mode != "write" else None
            if lock is not None and not lock.acquire(timeout=self.wait):
                raise StoreBusy()
            self._local.depth += 1
            try:
                yield self
            finally:
                self._local.depth -= 1
                if lock is not None:
                    lock.release()
            return
        if self._memory:
            with self._mem_lock:
                self._enter(self._mem_con, mode)
                try:
                    yield self
                finally:
                    self._leave()
            return
        if self.pg:
            start = time.perf_counter()
            try:
                connection = self._pg_pool().connection(timeout=self.wait)
                pg_con = connection.__enter__()
            except PoolBusy:
                raise StoreBusy("semua koneksi ke PostgreSQL sedang terpakai") from None
            record_session(time.perf_counter() - start)  # for the timing log (ui.web)
            try:
                self._enter(pg_con, mode)
                try:
                    yield self
                finally:
                    wrote = self._local.wrote
                    self._leave()
                    if wrote:
                        pg_con.execute("SELECT nextval('pantau_data_version')")
            finally:
                connection.__exit__(None, None, None)
            return
        shared = self._shared
        assert shared is not None
        if self._attached is None:
            shared.attach()
            # a Store dropped without close() gives up its share when it is collected
            self._attached = weakref.finalize(self, shared.detach)
        cursor = shared.acquire(mode, time.monotonic() + self.wait)
        wrote = False
        try:
            self._enter(cursor, mode)
            try:
                yield self
            finally:
                wrote, mode = self._local.wrote, self._local.mode
                self._leave()
        finally:
            try:
                if mode == "write":
                    # the file alone complete after every write (sign-ins and the audit log too), as
                    # when each operation closed it; what was committed is in the write-ahead log anyway
                    with contextlib.suppress(duckdb.Error):
                        cursor.execute("CHECKPOINT")
                if wrote:
                    self._bump_version()
            finally:
                shared.release(cursor, mode)

    def others_waiting(self) -> bool:
        """Does another session wait for the database while this one holds it (a DuckDB file:
        sessions of this process, or another process that asked for the file)? A long batch of
        writes then ends its session between two files so that the others get their turn. On
        PostgreSQL readers never wait for a writer: always ``False``."""
        return self._shared is not None and self._shared.wanted()

    def _upgrade(self) -> None:
        """The current session is about to write: a reading one may not; an update session
        waits for the readers and has the database alone from now on."""
        if self._local.mode in ("read", "log"):
            raise RuntimeError(f"a {self._local.mode} session cannot change data")
        if self._local.mode == "update":
            if self._shared is not None:
                self._shared.upgrade(time.monotonic() + self.wait)
            self._local.mode = "write"

    def _enter(self, con, mode: str) -> None:
        self._local.con, self._local.depth, self._local.wrote, self._local.mode = con, 1, False, mode
        self._local.dirty = None  # inside transaction(): the (year, OPD) pairs whose summary is stale

    def _leave(self) -> None:
        self._local.con, self._local.depth = None, 0

    def _wrote(self) -> None:
        """Mark the current session as having changed data (see :meth:`data_version`)."""
        if self._local.mode != "write":
            self._upgrade()
        self._local.wrote = True

    def _bump_version(self) -> None:
        version = self.data_version() + 1
        tmp = self.version_path.with_suffix(".tmp")
        tmp.write_text(str(version))
        os.replace(tmp, self.version_path)

    def data_version(self) -> int:
        """A counter that grows with every session that changed data, in any process: a
        cache key for read results (``st.cache_data``) that needs no database access."""
        if self._memory:
            return id(self)
        if self.pg:
            with self._pg_pool().connection() as pg_con:
                row = pg_con.execute(
                    "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM pantau_data_version"
                ).fetchone()
            return int(row[0]) if row else 0
        try:
            return int(self.version_path.read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _migrate(self) -> None:
        if self.pg:
            self._migrate_pg()
            return
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
            "name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        done = {r[0] for r in self.con.execute("SELECT version FROM schema_version").fetchall()}
        pending = [f for f in sorted(MIGRATIONS.glob("*.sql")) if int(f.name.split("_", 1)[0]) not in done]
        for file in pending:
            version = int(file.name.split("_", 1)[0])
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(file.read_text(encoding="utf-8"))
                self.con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.name])
                if file == pending[-1] and version >= SUMMARY_VERSION:
                    # the summary (derived data) recomputed with the schema complete, in the last one's transaction
                    self._fill_summary()
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            self._wrote()

    def _migrate_pg(self) -> None:
        """Apply the files of ``db/migrations_pg`` not applied yet, in one transaction under an
        advisory lock: replicas starting at once migrate one after the other."""
        con = self.con
        con.execute("BEGIN")
        try:
            con.execute("SELECT pg_advisory_xact_lock(?)", [_MIGRATE_LOCK])
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                "name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
            )
            con.execute("CREATE SEQUENCE IF NOT EXISTS pantau_data_version")
            done = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
            pending = [f for f in sorted(MIGRATIONS_PG.glob("*.sql")) if int(f.name.split("_", 1)[0]) not in done]
            for file in pending:
                version = int(file.name.split("_", 1)[0])
                con.script(file.read_text(encoding="utf-8"))
                con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.name])
                self._wrote()
            if pending and int(pending[-1].name.split("_", 1)[0]) >= SUMMARY_VERSION:
                self._fill_summary()  # the summary (derived data) with the schema complete, as on DuckDB
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    @_connected
    def claim_period(self, opd_kode: str, tahun: int, bulan: int, actor: str) -> None:
        """Inside an import's transaction: hold the OPD and month until the transaction ends, or
        raise :class:`ImportInProgress` (naming who holds it) when another import of the same OPD
        and month is under way (``bulan`` 0: the DPA of the year, every OPD). PostgreSQL only
        (DuckDB's lock file lets one writer in at a time)."""
        if not self.pg:
            return
        self.con.execute("SELECT set_config('application_name', ?, true)", [f"pantau:{actor}"[:63]])
        got = self._value(
            "SELECT pg_try_advisory_xact_lock(?::INTEGER, hashtext(?) # ?::INTEGER)",
            [_IMPORT_LOCK_CLASS, opd_kode, tahun * 100 + bulan],
        )
        if got:
            return
        holder = self._one(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ?::INTEGER::oid "
            "AND l.objid = (hashtext(?) # ?::INTEGER)::oid AND l.pid <> pg_backend_pid()",
            [_IMPORT_LOCK_CLASS, opd_kode, tahun * 100 + bulan],
        )
        name = holder[0] if holder and holder[0] else None
        raise ImportInProgress(opd_kode, tahun, bulan, name.split(":", 1)[1] if name and ":" in name else name)

    @_reading
    def schema_version(self) -> int:
        """Highest applied migration number."""
        return self._value("SELECT max(version) FROM schema_version") or 0

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All-or-nothing block inside a session: commits on success, rolls back on any exception."""
        with self.session(write=True):
            self.con.execute("BEGIN TRANSACTION")
            self._local.dirty = set()
            try:
                yield self
                self._flush_summary()  # the summary of what changed, in this transaction
            except BaseException:
                self._local.dirty = None
                self.con.execute("ROLLBACK")
                raise
            else:
                self._local.dirty = None
                self.con.execute("COMMIT")
                self._wrote()

    def _one(self, sql: str, params: list | None = None) -> tuple | None:
        """First row of a query (the result is read to the end, as DuckDB 2 requires)."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def _dicts(self, sql: str, params: list | None = None) -> list[dict]:
        """Every row of a query as a dict keyed by column name (read to the end)."""
        cur = self.con.execute(sql, params or [])
        rows = cur.fetchall()
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in rows]

    def _dict(self, sql: str, params: list | None = None) -> dict | None:
        """The first row of a query as a dict keyed by column name, or ``None``."""
        rows = self._dicts(sql, params)
        return rows[0] if rows else None

    def _append(
        self, table: str, data: pa.Table | pd.DataFrame, columns: str | None = None, select: str | None = None
    ) -> None:
        """INSERT INTO ``table`` the rows of an Arrow table or DataFrame: by column name, or
        ``columns`` filled from ``select`` (expressions over the data's columns)."""
        # DuckDB finds ``_append_source`` among this frame's variables (a replacement scan): less than
        # half the work of registering and unregistering a view for every insert.
        check_finite(table, data)  # never an inf, NaN or absurd number stored (issue 15)
        if self.pg:
            self._append_pg(table, data, columns, select)
            return
        _append_source = data  # noqa: F841 (read by DuckDB by name)
        cols = columns or ", ".join(data.column_names if isinstance(data, pa.Table) else data.columns)
        self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {select or cols} FROM _append_source")

    def _append_pg(self, table: str, data: pa.Table | pd.DataFrame, columns: str | None, select: str | None) -> None:
        """:meth:`_append` on PostgreSQL: ``COPY`` straight into the table, or (with ``select``)
        into a temporary table read by an ``INSERT ... SELECT``."""
        con: PgConnection = self.con
        if select is None:
            arrow = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
            con.copy_rows(table, arrow.column_names, arrow_rows(arrow))
            return
        con.stage("_append_source", data)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {select} FROM _append_source")
        con.execute("DROP TABLE _append_source")

    def _stage(self, name: str, data: pd.DataFrame) -> None:
        """PostgreSQL: a temporary table ``name`` with ``data`` for the next queries (DuckDB reads
        the caller's variable of that name instead)."""
        if self.pg:
            self.con.stage(name, data)

    def _df(self, sql: str, params: dict | list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def _frame(self, sql: str, params: dict | list | None = None) -> pd.DataFrame:
        """Like :meth:`_df`, for results of many rows: read through Arrow (about three times
        faster for hundreds of thousands of rows with text columns; the same frame)."""
        if self.pg:
            return self._df(sql, params)
        return self.con.sql(sql, params=params or None).to_arrow_table().to_pandas()

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

    @_reading
    def read_archived(self, import_id: int, opd: str | None = None) -> tuple[str, bytes] | None:
        """Original file name and bytes of an import, or ``None`` when missing (or, with
        ``opd``, when the import is not that OPD's)."""
        row = self._one(
            "SELECT file_name, sha256 FROM import WHERE id = ? AND (?::VARCHAR IS NULL OR opd_kode = ?)",
            [import_id, opd, opd],
        )
        if not row:
            return None
        path = self.archive_path(row[1], row[0])
        return (row[0], path.read_bytes()) if path.exists() else None

    # ------------------------------------------------------------------ master data
    @_reading
    def opds(self) -> list[OpdRow]:
        """The OPD master list, by name."""
        rows = self.con.execute("SELECT kode, nama, singkatan, wilayah FROM opd ORDER BY nama").fetchall()
        return [OpdRow(*r) for r in rows]

    @_reading
    def wilayah_list(self) -> list[str]:
        """The kabupaten/kota the OPDs belong to (a province install), by name; empty when no
        OPD names one (a kabupaten/kota install)."""
        return [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT wilayah FROM opd WHERE wilayah IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]

    @_connected
    def set_wilayah(self, assign: dict[str, str | None], actor: str) -> int:
        """Set the kabupaten/kota of OPDs (kode -> nama kabupaten/kota; ``None`` or blank: the
        install's own daerah), all or nothing, audited as ``opd_wilayah`` per changed OPD. Every
        kode must be an OPD of the master list. Returns how many OPDs changed."""
        known = {o.kode: o.wilayah for o in self.opds()}
        unknown = sorted(set(assign) - set(known))
        if unknown:
            raise ValueError("OPD tidak dikenal: " + ", ".join(unknown[:10]))
        wanted = {k: wilayah_name(v) for k, v in assign.items()}
        changed = {k: v for k, v in wanted.items() if v != known[k]}
        if not changed:
            return 0
        with self.transaction():
            self._wrote()
            for kode, wilayah in changed.items():
                self.con.execute("UPDATE opd SET wilayah = ? WHERE kode = ?", [wilayah, kode])
            self.audit_many(
                [
                    (actor, "opd_wilayah", kode, json.dumps({"dari": known[kode], "menjadi": wilayah}))
                    for kode, wilayah in changed.items()
                ]
            )
        return len(changed)

    @_reading
    def sub_kegiatan_table(self) -> pa.Table:
        """Every DPA sub kegiatan as one Arrow table (tahun, opd_kode, kode, nama, jenis,
        jenis_source, provisional), read for every import. Fetched column by column inside the
        session and turned into Python objects by the caller after it: a province's 700,000 rows
        take a second as Python tuples, which another process waiting for the file need not wait for."""
        return self.con.sql(
            "SELECT tahun, opd_kode, kode, nama, jenis, jenis_source, coalesce(provisional, false) AS provisional "
            "FROM sub_kegiatan"
        ).to_arrow_table()

    @_reading
    def dpa_years(self) -> list[int]:
        """Years for which a DPA is loaded (a provisional list taken from reports is not a DPA)."""
        return [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT tahun FROM sub_kegiatan WHERE NOT coalesce(provisional, false) ORDER BY 1"
            ).fetchall()
        ]

    @_connected
    def upsert_opds(self, opds: dict[str, tuple[str, str]], wilayah: str | None = None) -> None:
        """Add or rename OPDs (kode -> (nama, singkatan)); an existing singkatan is kept. A new OPD
        (or one that names none) takes the kabupaten/kota ``wilayah`` of the file it comes from;
        an OPD keeps the one it names (the ingest refuses a file of another: etl.wilayah)."""
        self._wrote()
        for kode, (nama, singkatan) in opds.items():
            self.con.execute(
                "INSERT INTO opd (kode, nama, singkatan, wilayah) VALUES (?, ?, ?, ?) ON CONFLICT (kode) DO UPDATE "
                "SET nama = excluded.nama, singkatan = coalesce(opd.singkatan, excluded.singkatan), "
                "wilayah = coalesce(opd.wilayah, excluded.wilayah)",
                [kode, nama, singkatan, wilayah],
            )

    # ------------------------------------------------------------------ imports
    @_reading
    def loaded_shas(self, shas: list[str]) -> set[str]:
        """Which of these sha256 values were loaded before (idempotency check)."""
        if not shas:
            return set()
        rows = self.con.execute(
            "SELECT DISTINCT sha256 FROM import WHERE list_contains(?, sha256)", [list(shas)]
        ).fetchall()
        return {r[0] for r in rows}

    @_connected
    def next_import_ids(self, n: int) -> list[int]:
        """``n`` fresh import ids."""
        return [
            r[0] for r in self.con.execute("SELECT nextval('seq_import') FROM generate_series(1, ?)", [n]).fetchall()
        ]

    @atomic
    def insert_imports(self, records: list[dict]) -> None:
        """Insert rows into ``import`` (dict keys are column names)."""
        if not records:
            return
        self._wrote()
        self._touch((r.get("tahun"), r.get("opd_kode")) for r in records if r.get("kind") == "realisasi")
        # column by column: a tenth of the work of Table.from_pylist inferring a schema from dicts
        self._append("import", pa.table({name: [r[name] for r in records] for name in records[0]}))

    @_connected
    def insert_issues(self, issues: list[dict]) -> None:
        """Store the issues of imports (import_id, sheet, row, column, severity, code, message, raw)."""
        if not issues:
            return
        self._wrote()
        table = pa.Table.from_pylist(
            issues,
            schema=pa.schema(
                [
                    ("import_id", pa.int64()),
                    ("sheet", pa.string()),
                    ("row", pa.int64()),
                    ("column", pa.string()),
                    ("severity", pa.string()),
                    ("code", pa.string()),
                    ("message", pa.string()),
                    ("raw", pa.string()),
                ]
            ),
        )
        self._append(
            "import_issue",
            table,
            'id, import_id, sheet, "row", "column", severity, code, message, raw_value',
            'nextval(\'seq_issue\'), import_id, sheet, "row", "column", severity, code, message, raw',
        )

    @atomic
    def supersede_realisasi(self, new_ids: list[int]) -> dict[int, list[int]]:
        """For each OPD and month among the new reports, the newest import stays in force and
        every older one is marked superseded by it. Returns {new id: [superseded ids]}."""
        self._wrote()
        rows = self.con.execute(
            """
            UPDATE import SET superseded_by = n.new_id
            FROM (SELECT opd_kode, tahun, bulan, max(id) AS new_id FROM import
                  WHERE kind = 'realisasi' AND list_contains(?, id) GROUP BY opd_kode, tahun, bulan) n
            WHERE import.kind = 'realisasi' AND import.opd_kode = n.opd_kode AND import.tahun = n.tahun
              AND import.bulan = n.bulan AND import.superseded_by IS NULL AND import.id <> n.new_id
            RETURNING import.id, import.superseded_by, import.tahun, import.opd_kode
            """,
            [list(new_ids)],
        ).fetchall()
        self._touch((r[2], r[3]) for r in rows)
        out: dict[int, list[int]] = {}
        for old, new, _, _ in rows:
            out.setdefault(new, []).append(old)
        return out

    @atomic
    def insert_realisasi(self, table: pa.Table) -> None:
        """Bulk insert leaf rows: an Arrow table whose columns are named as in ``realisasi``."""
        self._wrote()
        self._append("realisasi", table)
        self._touch(zip(table.column("tahun").to_pylist(), table.column("opd_kode").to_pylist()))

    @atomic
    def add_provisional_sub_kegiatan(self, subs: pd.DataFrame) -> int:
        """Sub kegiatan taken from a report while no DPA of its year is loaded (marked
        provisional); one already listed for that year and OPD is kept as it is. Returns how many
        were added."""
        if subs.empty:
            return 0
        check_finite("sub_kegiatan", subs)
        self._wrote()
        _new = subs  # noqa: F841 (read by DuckDB by name)
        self._stage("_new", subs)
        before = self._value("SELECT count(*) FROM sub_kegiatan")
        self._touch(zip(subs["tahun"], subs["opd_kode"]))
        cols = ", ".join(subs.columns)
        self.con.execute(
            f"INSERT INTO sub_kegiatan ({cols}, provisional) SELECT {cols}, true FROM _new n "
            "WHERE NOT EXISTS (SELECT 1 FROM sub_kegiatan s WHERE s.tahun = n.tahun AND s.opd_kode = n.opd_kode "
            "AND s.kode = n.kode)"
        )
        return self._value("SELECT count(*) FROM sub_kegiatan") - before

    @_reading
    def provisional_lists(self, tahun: int) -> pd.DataFrame:
        """The provisional sub kegiatan of ``tahun`` (taken from reports before the DPA came):
        OPD kode and name, sub kegiatan kode and name."""
        return self._df(
            "SELECT s.opd_kode, o.nama AS opd, s.kode, s.nama FROM sub_kegiatan s "
            "LEFT JOIN opd o ON o.kode = s.opd_kode WHERE s.tahun = ? AND coalesce(s.provisional, false) "
            "ORDER BY s.opd_kode, s.kode",
            [tahun],
        )

    @atomic
    def reconcile_provisional(self, tahun: int, old_opd: str, new_opd: str, codes: dict[str, str]) -> None:
        """Move the reports of a provisional OPD (``old_opd``) onto the DPA's OPD ``new_opd`` and
        their rows onto the DPA's sub kegiatan (``codes``: provisional kode -> DPA kode); the
        provisional list of ``old_opd`` is dropped. Rows without a match keep their kode (they show
        as not in the DPA)."""
        self._wrote()
        self._touch([(tahun, old_opd), (tahun, new_opd)])
        for old, new in codes.items():
            self.con.execute(
                "UPDATE realisasi SET sub_kegiatan_kode = ? WHERE tahun = ? AND opd_kode = ? AND sub_kegiatan_kode = ?",
                [new, tahun, old_opd, old],
            )
        if old_opd != new_opd:
            self.con.execute(
                "UPDATE realisasi SET opd_kode = ? WHERE tahun = ? AND opd_kode = ?", [new_opd, tahun, old_opd]
            )
            self.con.execute(
                "UPDATE import SET opd_kode = ? WHERE tahun = ? AND opd_kode = ? AND kind = 'realisasi'",
                [new_opd, tahun, old_opd],
            )
        self.con.execute(
            "DELETE FROM sub_kegiatan WHERE tahun = ? AND opd_kode = ? AND coalesce(provisional, false)",
            [tahun, old_opd],
        )

    @atomic
    def replace_anggaran_kas(self, import_id: int, tahun: int, opd_kode: str, rows: pd.DataFrame) -> None:
        """The anggaran kas of one OPD and year (rows: tahun, opd_kode, sub_kegiatan_kode, bulan,
        nilai), replacing an earlier one; the earlier import is marked superseded."""
        self._wrote()
        self._touch([(tahun, opd_kode)] + list(zip(rows["tahun"], rows["opd_kode"])))
        self.con.execute(
            "UPDATE import SET superseded_by = ? WHERE kind = 'rak' AND tahun = ? AND opd_kode = ? AND id <> ? "
            "AND superseded_by IS NULL",
            [import_id, tahun, opd_kode, import_id],
        )
        self.con.execute("DELETE FROM anggaran_kas WHERE tahun = ? AND opd_kode = ?", [tahun, opd_kode])
        self._append("anggaran_kas", rows.assign(import_id=import_id))

    @_reading
    def dpa_changes(self, tahun: int) -> pd.DataFrame:
        """The history of DPA revisions of ``tahun``: per import, each sub kegiatan added, removed
        or re-budgeted (pagu before and after), oldest first."""
        return self._df(
            "SELECT c.import_id, i.created_at, i.file_name, c.opd_kode, o.nama AS opd, c.kode, c.nama, c.change, "
            "c.pagu_before, c.pagu_after FROM dpa_change c JOIN import i ON i.id = c.import_id "
            "LEFT JOIN opd o ON o.kode = c.opd_kode WHERE c.tahun = ? ORDER BY c.import_id, c.opd_kode, c.kode",
            [tahun],
        )

    @atomic
    def replace_dpa(self, import_id: int, tahun: int, subs: pd.DataFrame, lines: pd.DataFrame) -> list[int]:
        """Replace the DPA sub kegiatan of the OPDs in ``subs`` for ``tahun``; keep manual overrides.

        Returns the ids of earlier DPA imports that no longer contribute any sub kegiatan
        (they are marked superseded).
        """
        self._wrote()
        opd_list = sorted(subs["opd_kode"].unique().tolist())
        self._touch((tahun, opd) for opd in opd_list)
        # A revision (pergeseran / perubahan): what each OPD had before, for the history and pagu murni.
        self.con.execute("DROP TABLE IF EXISTS dpa_before")
        self.con.execute(
            "CREATE TEMP TABLE dpa_before AS SELECT opd_kode, kode, nama, pagu, pagu_murni "
            "FROM sub_kegiatan WHERE tahun = ? AND list_contains(?, opd_kode) AND NOT coalesce(provisional, false)",
            [tahun, opd_list],
        )
        _new = subs  # noqa: F841 (read by DuckDB by name)
        self._stage("_new", subs[["opd_kode", "kode", "nama", "pagu"]])
        self.con.execute(
            "INSERT INTO dpa_change SELECT ?, ?, coalesce(n.opd_kode, o.opd_kode), coalesce(n.kode, o.kode), "
            "coalesce(n.nama, o.nama), CASE WHEN o.kode IS NULL THEN 'added' WHEN n.kode IS NULL THEN 'removed' "
            "ELSE 'changed' END, o.pagu, n.pagu "
            "FROM dpa_before o FULL JOIN (SELECT opd_kode, kode, nama, pagu FROM _new) n "
            "ON o.opd_kode = n.opd_kode AND o.kode = n.kode "
            "WHERE coalesce(n.opd_kode, o.opd_kode) IN (SELECT opd_kode FROM dpa_before) "
            "AND (o.kode IS NULL OR n.kode IS NULL OR abs(o.pagu - n.pagu) >= 0.5)",
            [import_id, tahun],
        )
        self.con.execute("DELETE FROM belanja WHERE tahun = ? AND list_contains(?, opd_kode)", [tahun, opd_list])
        self.con.execute("DELETE FROM sub_kegiatan WHERE tahun = ? AND list_contains(?, opd_kode)", [tahun, opd_list])
        self._append("sub_kegiatan", subs)
        self._append("belanja", lines)
        # pagu murni: the first DPA's pagu, kept through revisions (a sub kegiatan added later has none)
        self.con.execute(
            "UPDATE sub_kegiatan SET pagu_murni = CASE WHEN o.kode IS NOT NULL THEN coalesce(o.pagu_murni, o.pagu) "
            "WHEN sub_kegiatan.opd_kode IN (SELECT opd_kode FROM dpa_before) THEN NULL ELSE sub_kegiatan.pagu END "
            "FROM sub_kegiatan s LEFT JOIN dpa_before o ON o.opd_kode = s.opd_kode AND o.kode = s.kode "
            "WHERE sub_kegiatan.tahun = ? AND sub_kegiatan.import_id = ? AND s.tahun = sub_kegiatan.tahun "
            "AND s.opd_kode = sub_kegiatan.opd_kode AND s.kode = sub_kegiatan.kode",
            [tahun, import_id],
        )
        self.con.execute("DROP TABLE dpa_before")
        # A manual classification survives a new DPA (latest override per sub kegiatan wins).
        self.con.execute(
            "UPDATE sub_kegiatan SET jenis = o.jenis, jenis_source = 'manual', jenis_rule = o.reason "
            "FROM (SELECT tahun, opd_kode, sub_kegiatan_kode, (array_agg(jenis ORDER BY created_at DESC))[1] AS jenis, "
            "      (array_agg(reason ORDER BY created_at DESC))[1] AS reason FROM jenis_override "
            "      GROUP BY tahun, opd_kode, sub_kegiatan_kode) o "
            "WHERE sub_kegiatan.tahun = o.tahun AND sub_kegiatan.opd_kode = o.opd_kode "
            "AND sub_kegiatan.kode = o.sub_kegiatan_kode AND sub_kegiatan.tahun = ?",
            [tahun],
        )
        old = [
            r[0]
            for r in self.con.execute(
                "SELECT i.id FROM import i WHERE i.kind = 'dpa' AND i.tahun = ? AND i.id <> ? "
                "AND i.superseded_by IS NULL AND NOT EXISTS (SELECT 1 FROM sub_kegiatan s WHERE s.import_id = i.id)",
                [tahun, import_id],
            ).fetchall()
        ]
        if old:
            self.con.execute("UPDATE import SET superseded_by = ? WHERE list_contains(?, id)", [import_id, old])
        return old

    @_connected
    def audit_many(self, entries: list[tuple[str, str, str | None, str | None]]) -> None:
        """Append several (actor, action, target, detail) entries to the audit log.

        An audit entry alone does not bump :meth:`data_version`: a login or a download changes
        no figure, so it must not throw away every cached read (nothing cached reads the log)."""
        if not entries:
            return
        table = pa.table(
            {
                name: pa.array([e[i] for e in entries], pa.string())
                for i, name in enumerate(("actor", "action", "target", "detail"))
            }
        )
        self._append(
            "audit_log",
            table,
            "id, actor, action, target, detail",
            "nextval('seq_audit'), actor, action, target, detail",
        )

    @_reading
    def import_history(self, limit: int = 500, opd: str | None = None) -> pd.DataFrame:
        """Latest imports with OPD name and whether they are still in force (only ``opd``'s when given)."""
        return self._df(
            "SELECT i.id, i.created_at, i.file_name, i.kind, i.sheet, i.tahun, i.bulan, i.opd_kode, o.nama AS opd, "
            "i.rows_accepted, i.rows_flagged, i.pagu, i.realisasi_keuangan, i.status, i.superseded_by, i.created_by, "
            "i.sha256 FROM import i LEFT JOIN opd o ON o.kode = i.opd_kode "
            "WHERE ?::VARCHAR IS NULL OR i.opd_kode = ? ORDER BY i.id DESC LIMIT ?",
            [opd, opd, limit],
        )

    @_reading
    def import_issues(self, import_id: int, opd: str | None = None) -> pd.DataFrame:
        """Warnings stored for one import (with ``opd``: only if the import is that OPD's)."""
        return self._df(
            'SELECT sheet, "row", "column", severity, code, message, raw_value FROM import_issue '
            "WHERE import_id = ? AND (?::VARCHAR IS NULL OR import_id IN "
            '(SELECT id FROM import WHERE opd_kode = ?)) ORDER BY "row" NULLS FIRST, id',
            [import_id, opd, opd],
        )

    @_reading
    def count_rows(self, table: str) -> int:
        """Row count of one of Pantau's tables (for tests and status)."""
        allowed = {"opd", "import", "import_issue", "sub_kegiatan", "belanja", "realisasi", "audit_log", "app_user"}
        if table not in allowed:
            raise ValueError(table)
        return self._value(f"SELECT count(*) FROM {table}")

    @_connected
    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        """Run a read query and return all rows: for tests and diagnostics, not for the app."""
        return self.con.execute(query, params or []).fetchall()

    @_reading
    def table_checksums(self) -> dict[str, tuple[int, int]]:
        """(row count, order-independent hash of all rows) of every table: proves that a
        rejected file left the database unchanged."""
        out = {}
        for name in self._tables():
            quoted = '"' + name.replace('"', '""') + '"'
            if self.pg:  # the first 60 bits of each row's md5
                row = self._one(
                    f"SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) "
                    f"FROM {quoted} t"
                )
            else:
                row = self._one(f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {quoted} t")
            assert row is not None  # an aggregate without GROUP BY returns one row
            out[name] = (int(row[0]), int(row[1]))
        return out

    @_reading
    def content_checksums(self) -> dict[str, tuple[int, str]]:
        """(row count, order-independent checksum of the rows' values: the sum of a 64-bit BLAKE2 hash
        of each row's Python repr) of every table,
        the same on DuckDB and PostgreSQL for the same content (columns by name; values in their
        Python form): what ``python -m etl migrate`` compares between the two databases."""
        out = {}
        for name in self._tables():
            table = self.con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
            names = sorted(table.column_names)
            columns = [table.column(n).to_pylist() for n in names]
            total = 0
            for row in zip(*columns):
                total += int.from_bytes(hashlib.blake2b(repr(row).encode("utf-8"), digest_size=8).digest(), "big")
            out[name] = (table.num_rows, f"{total % 2**64:016x}")
        return out

    @_reading
    def is_empty(self) -> bool:
        """True before any DPA or report has been loaded (first run)."""
        return self._value("SELECT count(*) FROM import") == 0

    @_reading
    def periods(self) -> list[tuple[int, int]]:
        """(tahun, bulan) pairs that have at least one active realisation report, newest first."""
        return [
            tuple(r)
            for r in self.con.execute(
                "SELECT DISTINCT tahun, bulan FROM import WHERE kind = 'realisasi' AND superseded_by IS NULL "
                "ORDER BY tahun DESC, bulan DESC"
            ).fetchall()
        ]

    # ------------------------------------------------------------------ users
    _USER_FIELDS = (
        "nama",
        "role",
        "opd_kode",
        "unit_id",
        "email",
        "password_hash",
        "active",
        "failed_attempts",
        "locked_until",
        "must_change_password",
        "last_login",
    )

    @_reading
    def count_users(self) -> int:
        """Number of user accounts (0 on a fresh install: the setup screen shows)."""
        return self._value("SELECT count(*) FROM app_user")

    @_reading
    def get_user(self, username: str) -> dict | None:
        """One account with every column (including the password hash), or ``None``."""
        return self._dict("SELECT * FROM app_user WHERE username = ?", [username])

    @_reading
    def user_by_email(self, email: str) -> dict | None:
        """The active account with this e-mail address (single sign-on), or ``None``."""
        row = self._one("SELECT username FROM app_user WHERE lower(email) = lower(?) AND active", [email])
        return self.get_user(row[0]) if row else None

    @_reading
    def users(self) -> pd.DataFrame:
        """Every account without password hashes, with the OPD and unit names."""
        return self._df(
            "SELECT u.username, u.nama, u.role, u.opd_kode, o.nama AS opd, u.unit_id, k.nama AS unit, u.email, "
            "u.active, u.failed_attempts, u.locked_until, u.must_change_password, u.created_at, u.last_login "
            "FROM app_user u LEFT JOIN opd o ON o.kode = u.opd_kode LEFT JOIN unit_kerja k ON k.id = u.unit_id "
            "ORDER BY u.username"
        )

    @_connected
    def insert_user(
        self,
        username: str,
        nama: str,
        role: str,
        password_hash: str | None,
        *,
        opd_kode: str | None = None,
        unit_id: int | None = None,
        email: str | None = None,
        must_change_password: bool = False,
    ) -> None:
        """Create an account (the username must be new)."""
        self._wrote()
        self.con.execute(
            "INSERT INTO app_user (username, nama, role, opd_kode, unit_id, email, password_hash, "
            "must_change_password) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [username, nama, role, opd_kode, unit_id, email, password_hash, must_change_password],
        )

    @_connected
    def update_user(self, username: str, **fields) -> None:
        """Change columns of an account (names of :data:`_USER_FIELDS`)."""
        unknown = set(fields) - set(self._USER_FIELDS)
        if unknown:
            raise ValueError(f"unknown user fields: {sorted(unknown)}")
        if not fields:
            return
        self._wrote()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.con.execute(
            f"UPDATE app_user SET {assignments}, updated_at = current_timestamp WHERE username = ?",
            [*fields.values(), username],
        )

    @_reading
    def unit_kerja(self) -> list[tuple[int, str]]:
        """(id, nama) of every unit kerja, by name."""
        return [tuple(r) for r in self.con.execute("SELECT id, nama FROM unit_kerja ORDER BY nama").fetchall()]

    @_connected
    def add_unit_kerja(self, nama: str, actor: str) -> int:
        """Add a unit kerja (or find it by name; audited when new); returns its id."""
        row = self._one("SELECT id FROM unit_kerja WHERE lower(nama) = lower(?)", [nama])
        if row:
            return row[0]
        self._wrote()
        new_id = self._value("INSERT INTO unit_kerja (id, nama) VALUES (nextval('seq_unit'), ?) RETURNING id", [nama])
        self.audit_many([(actor, "unit_create", nama, None)])
        return new_id

    # ------------------------------------------------------------------ audit log
    @_reading
    def audit_entries(
        self, since=None, until=None, actor: str | None = None, action: str | None = None, limit: int = 5000
    ) -> pd.DataFrame:
        """Audit log entries, newest first, optionally filtered (dates inclusive)."""
        return self._df(
            "SELECT id, created_at, actor, action, target, detail FROM audit_log "
            "WHERE (?::DATE IS NULL OR created_at >= ?::DATE) "
            "AND (?::DATE IS NULL OR created_at < ?::DATE + INTERVAL '1 day') "
            "AND (?::VARCHAR IS NULL OR actor = ?) AND (?::VARCHAR IS NULL OR action = ?) "
            "ORDER BY id DESC LIMIT ?",
            [since, since, until, until, actor, actor, action, action, limit],
        )

    @_reading
    def audit_actions(self) -> list[str]:
        """Distinct actions in the audit log (for filters)."""
        return [r[0] for r in self.con.execute("SELECT DISTINCT action FROM audit_log ORDER BY 1").fetchall()]

    # ------------------------------------------------------------------ backup
    def _tables(self) -> list[str]:
        if self.pg:
            return [
                r[0]
                for r in self.con.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                    "AND table_type = 'BASE TABLE' ORDER BY 1"
                ).fetchall()
            ]
        return [
            r[0]
            for r in self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]

    @_connected
    def export_snapshot(self, directory: Path) -> dict:
        """Write every table to ``directory/<table>.parquet`` under one hold of the database (a
        consistent snapshot). Returns {"schema_version", "tables": {name: rows}, "sequences"}."""
        directory.mkdir(parents=True, exist_ok=True)
        if self.pg:
            return self._export_snapshot_pg(directory)
        tables = {}
        for name in self._tables():
            target = str(directory / f"{name}.parquet").replace("'", "''")
            self.con.execute(f"COPY (SELECT * FROM \"{name}\") TO '{target}' (FORMAT parquet)")
            tables[name] = self._value(f'SELECT count(*) FROM "{name}"')
        # the last value handed out; a sequence created with START n and not used yet has none
        # (NULL): n - 1, or a restore would hand out ids already taken (a migrated database's
        # first import failed on import_pkey)
        sequences = {
            r[0]: r[1]
            for r in self.con.execute(
                "SELECT sequence_name, coalesce(last_value, start_value - 1) FROM duckdb_sequences() "
                "WHERE database_name = current_database()"
            ).fetchall()
        }
        return {"schema_version": self.schema_version(), "tables": tables, "sequences": sequences}

    def _export_snapshot_pg(self, directory: Path) -> dict:
        """:meth:`export_snapshot` on PostgreSQL: in one repeatable-read transaction (a consistent
        snapshot while others write), every table read through Arrow into a Parquet file."""
        import pyarrow.parquet as pq

        tables = {}
        with self.transaction():
            self.con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for name in self._tables():
                table = self.con.execute(f'SELECT * FROM "{name}"').to_arrow_table()
                pq.write_table(table, directory / f"{name}.parquet")
                tables[name] = table.num_rows
            sequences = {
                r[0]: r[1]
                for r in self.con.execute(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() "
                    "AND sequencename LIKE 'seq\\_%'"
                ).fetchall()
            }
        return {"schema_version": self.schema_version(), "tables": tables, "sequences": sequences}

    @_connected
    def restore_snapshot(self, directory: Path, manifest: dict) -> None:
        """Replace the content of every table by the snapshot in ``directory`` (see
        :meth:`export_snapshot`), all or nothing; sequences continue after the restored ids. The
        audit rows this install wrote before (first admin, logins) follow the restored log."""
        known = set(self._tables())
        if self.pg:
            self._restore_snapshot_pg(directory, manifest, known)
            return
        with self.transaction():
            self.con.execute("CREATE OR REPLACE TEMP TABLE own_audit AS SELECT * FROM audit_log")
            for name in manifest["tables"]:
                if name == "schema_version" or name not in known:
                    continue
                self.con.execute(f'DELETE FROM "{name}"')
                self.con.execute(
                    f'INSERT INTO "{name}" BY NAME SELECT * FROM read_parquet(?)', [str(directory / f"{name}.parquet")]
                )
            for seq, last in manifest.get("sequences", {}).items():
                if not re.fullmatch(r"seq_[a-z_]+", seq):
                    continue
                self.con.execute(f"DROP SEQUENCE IF EXISTS {seq}")
                self.con.execute(f"CREATE SEQUENCE {seq} START {int(last or 0) + 1}")
            if "audit_log" in manifest["tables"]:
                self.con.execute(
                    "INSERT INTO audit_log (id, created_at, actor, action, target, detail) SELECT "
                    "nextval('seq_audit'), created_at, actor, action, target, detail FROM own_audit ORDER BY id"
                )
            self.con.execute("DROP TABLE own_audit")
            self._fill_summary()  # derived data: from the restored rows, whatever the backup held

    def _restore_snapshot_pg(self, directory: Path, manifest: dict, known: set[str]) -> None:
        """:meth:`restore_snapshot` on PostgreSQL: each table emptied and filled by ``COPY`` from
        its Parquet file (columns by name), in one transaction."""
        import pyarrow.parquet as pq

        with self.transaction():
            self.con.execute("DROP TABLE IF EXISTS own_audit")
            self.con.execute("CREATE TEMP TABLE own_audit AS SELECT * FROM audit_log")
            for name in manifest["tables"]:
                if name == "schema_version" or name not in known:
                    continue
                self.con.execute(f'DELETE FROM "{name}"')
                table = pq.read_table(directory / f"{name}.parquet")
                columns = {r[0] for r in self.con.execute(f'SELECT * FROM "{name}" LIMIT 0').description}
                table = table.select([c for c in table.column_names if c in columns])
                self.con.copy_rows(f'"{name}"', table.column_names, arrow_rows(table))
            for seq, last in manifest.get("sequences", {}).items():
                if not re.fullmatch(r"seq_[a-z_]+", seq):
                    continue
                self.con.execute(f"CREATE SEQUENCE IF NOT EXISTS {seq}")
                self.con.execute("SELECT setval(?, ?, false)", [seq, int(last or 0) + 1])
            if "audit_log" in manifest["tables"]:
                self.con.execute(
                    "INSERT INTO audit_log (id, created_at, actor, action, target, detail) SELECT "
                    "nextval('seq_audit'), created_at, actor, action, target, detail FROM own_audit ORDER BY id"
                )
            self.con.execute("DROP TABLE own_audit")
            self._fill_summary()  # derived data: from the restored rows, whatever the backup held

    # ------------------------------------------------------------------ recap
    @_reading
    def recap_sums(
        self,
        tahun: int,
        bulan: int,
        opd: str | None = None,
        *,
        wilayah: str | None = None,
        dana: list[str] | None = None,
        jenis: str | None = None,
        kode: str | None = None,
    ) -> pd.DataFrame:
        """Per OPD sums for a period (only ``opd`` when given, only the OPDs of kabupaten/kota
        ``wilayah`` when given): the raw material of
        :func:`core.recap.recap_opd`. ``dana`` / ``jenis`` keep only the sub kegiatan of those
        sumber dana / that jenis (see ``_LEAF_FILTER``).

        The leaf set of an OPD is its DPA sub kegiatan for the year plus any reported code
        missing from the DPA. Pagu is the reported pagu where reported, else the DPA pagu;
        a sub kegiatan an OPD left out of its report counts with no realisation.
        """
        sums = self.recap_sums_by_month(tahun, bulan, bulan, opd, wilayah=wilayah, dana=dana, jenis=jenis, kode=kode)
        return sums.drop(columns="bulan")

    @_reading
    def recap_sums_by_month(
        self,
        tahun: int,
        dari: int,
        sampai: int,
        opd: str | None = None,
        *,
        wilayah: str | None = None,
        dana: list[str] | None = None,
        jenis: str | None = None,
        kode: str | None = None,
    ) -> pd.DataFrame:
        """:meth:`recap_sums` of every month ``dari``..``sampai`` in one query (column ``bulan``;
        a month with neither DPA nor report has no rows; only sub kegiatan ``kode`` when given).
        Without a filter the sums come from the summary (``recap_summary``), else from the leaf rows."""
        if not dana and jenis is None and kode is None:
            return self.summary_sums_by_month(tahun, dari, sampai, opd, wilayah=wilayah)
        return self.leaf_sums_by_month(tahun, dari, sampai, opd, wilayah=wilayah, dana=dana, jenis=jenis, kode=kode)

    @_reading
    def leaf_sums_by_month(
        self,
        tahun: int,
        dari: int,
        sampai: int,
        opd: str | None = None,
        *,
        wilayah: str | None = None,
        dana: list[str] | None = None,
        jenis: str | None = None,
        kode: str | None = None,
    ) -> pd.DataFrame:
        """:meth:`recap_sums_by_month` computed from the leaf rows (what the summary holds)."""
        return self._df(
            _LEAF_CTE
            + f"""
            SELECT l.bulan, l.opd_kode, o.nama AS opd, o.singkatan, {_RECAP_SUMS},
                   (SELECT max(a.created_at) FROM active a WHERE a.opd_kode = l.opd_kode AND a.bulan = l.bulan)
                       AS reported_at
            FROM leaf l LEFT JOIN opd o ON o.kode = l.opd_kode
            WHERE {self._leaf_filter}
            GROUP BY l.bulan, l.opd_kode, o.nama, o.singkatan
            ORDER BY l.bulan, o.nama, l.opd_kode
            """,
            _leaf_params(tahun, dari, sampai, opd, wilayah, dana=dana, jenis=jenis, kode=kode),
        )

    @_reading
    def group_sums(
        self,
        tahun: int,
        bulan: int,
        by: str,
        opd: str | None = None,
        *,
        wilayah: str | None = None,
        dana: list[str] | None = None,
        jenis: str | None = None,
    ) -> pd.DataFrame:
        """The sums of :meth:`recap_sums` per program, kegiatan (with their OPD), jenis (``fisik``
        or ``non_fisik``: anything not ``fisik``) or sumber dana text (``by``, a key of
        :data:`GROUPS`), ordered by the key columns (missing last). Without a filter, the sums by
        jenis and by sumber dana come from the summary (``recap_summary``)."""
        if by in ("jenis", "sumber_dana") and not dana and jenis is None:
            return self.summary_group_sums(tahun, bulan, by, opd, wilayah=wilayah)
        return self.leaf_group_sums(tahun, bulan, by, opd, wilayah=wilayah, dana=dana, jenis=jenis)

    @_reading
    def leaf_group_sums(
        self,
        tahun: int,
        bulan: int,
        by: str,
        opd: str | None = None,
        *,
        wilayah: str | None = None,
        dana: list[str] | None = None,
        jenis: str | None = None,
    ) -> pd.DataFrame:
        """:meth:`group_sums` computed from the leaf rows."""
        keys = GROUPS[by]
        return self._df(
            _LEAF_CTE
            + f"""
            SELECT {", ".join(keys)}, {_RECAP_SUMS}
            FROM leaf l LEFT JOIN opd o ON o.kode = l.opd_kode
            WHERE {self._leaf_filter}
            GROUP BY {", ".join(k.split(" AS ")[0] for k in keys)}
            ORDER BY {", ".join(str(i + 1) for i in range(len(keys)))}
            """,
            _leaf_params(tahun, bulan, bulan, opd, wilayah, dana=dana, jenis=jenis, kode=None),
        )

    @_reading
    def leaf_sumber_dana(
        self, tahun: int, bulan: int, opd: str | None = None, *, wilayah: str | None = None
    ) -> list[str]:
        """The distinct sumber dana texts of a period's sub kegiatan (as written, e.g. "DAU, PAD"): the
        summary keeps every one."""
        return self.summary_sumber_dana(tahun, bulan, opd, wilayah=wilayah)

    @_reading
    def leaf_sumber_dana_rows(self, tahun: int, bulan: int, opd: str | None = None) -> list[str]:
        """:meth:`leaf_sumber_dana` read from the leaf rows."""
        return [
            r[0]
            for r in self.con.execute(
                _LEAF_CTE + "SELECT DISTINCT l.sumber_dana FROM leaf l WHERE l.sumber_dana IS NOT NULL ORDER BY 1",
                _leaf_params(tahun, bulan, bulan, opd),
            ).fetchall()
        ]

    @_reading
    def leaf_rows(
        self,
        tahun: int,
        bulan: int,
        opd: str | None = None,
        *,
        wilayah: str | None = None,
        dana: list[str] | None = None,
        jenis: str | None = None,
        behind: float | None = None,
        columns: list[str] | None = None,
    ) -> pd.DataFrame:
        """Every sub kegiatan of the period with its program, kegiatan, sumber dana, jenis,
        pagu, target and realisation (see ``_LEAF_CTE``) and the OPD's name, only ``opd``'s
        when given; only ``dana`` / ``jenis`` (see ``_LEAF_FILTER``) and only rows more than ``behind``
        points behind their target fisik when given; only ``columns`` (of ``LEAF_COLUMNS``)
        and the name when given."""
        unknown = set(columns or ()) - set(LEAF_COLUMNS)
        if unknown:
            raise ValueError(f"unknown leaf columns: {sorted(unknown)}")
        select = ", ".join(f"l.{c}" for c in (columns or _LEAF_ALL))
        fetch = self._df if opd else self._frame  # one OPD: a few hundred rows
        return fetch(
            _LEAF_CTE
            + f"""
            SELECT {select}, o.nama AS opd FROM leaf l LEFT JOIN opd o ON o.kode = l.opd_kode
            WHERE {self._leaf_filter}
              AND ($behind::DOUBLE IS NULL OR l.realisasi_fisik - l.target_fisik < -$behind)
            ORDER BY o.nama, l.kode
            """,
            _leaf_params(tahun, bulan, bulan, opd, wilayah, dana=dana, jenis=jenis, kode=None, behind=behind),
        )

    @_reading
    def reporting_status(
        self, tahun: int, bulan: int, opd: str | None = None, *, wilayah: str | None = None
    ) -> pd.DataFrame:
        """Per OPD of the year's DPA (or with a report): the report in force for the month, if
        any (import id, file, when, by whom, rows and flagged rows) and how many versions came in."""
        return self._df(
            """
            WITH opds AS (
                SELECT DISTINCT opd_kode FROM sub_kegiatan WHERE tahun = ?
                UNION SELECT DISTINCT opd_kode FROM import WHERE kind = 'realisasi' AND tahun = ? AND bulan = ?
            ),
            cur AS (
                SELECT * FROM import WHERE kind = 'realisasi' AND tahun = ? AND bulan = ? AND superseded_by IS NULL
            ),
            versions AS (
                SELECT opd_kode, count(*) AS versi, min(coalesce(received_at, created_at)) AS first_at FROM import
                WHERE kind = 'realisasi' AND tahun = ? AND bulan = ? GROUP BY opd_kode
            )
            SELECT x.opd_kode, o.nama AS opd, o.singkatan, c.id AS import_id, c.file_name, c.created_at,
                   coalesce(c.received_at, c.created_at) AS received_at, c.received_note, c.created_by,
                   c.rows_accepted, c.rows_flagged, v.versi, v.first_at
            FROM opds x LEFT JOIN opd o ON o.kode = x.opd_kode
            LEFT JOIN cur c ON c.opd_kode = x.opd_kode
            LEFT JOIN versions v ON v.opd_kode = x.opd_kode
            WHERE (?::VARCHAR IS NULL OR x.opd_kode = ?) AND (?::VARCHAR IS NULL OR o.wilayah = ?)
            ORDER BY o.nama
            """,
            [tahun, tahun, bulan, tahun, bulan, tahun, bulan, opd, opd, wilayah, wilayah],
        )

    @_reading
    def classification(self, tahun: int, opd: str | None = None, *, wilayah: str | None = None) -> pd.DataFrame:
        """The DPA sub kegiatan of a year with their jenis, the rule that decided it and pagu (only
        ``opd``'s, only those of the OPDs of kabupaten/kota ``wilayah`` when given)."""
        return self._df(
            "SELECT sk.opd_kode, o.nama AS opd, sk.kode, sk.nama, sk.pagu, sk.sumber_dana, sk.jenis, "
            "sk.jenis_source, sk.jenis_rule FROM sub_kegiatan sk LEFT JOIN opd o ON o.kode = sk.opd_kode "
            "WHERE sk.tahun = ? AND (?::VARCHAR IS NULL OR sk.opd_kode = ?) "
            "AND (?::VARCHAR IS NULL OR o.wilayah = ?) ORDER BY o.nama, sk.kode",
            [tahun, opd, opd, wilayah, wilayah],
        )

    @_connected
    def override_jenis(self, tahun: int, opd_kode: str, kode: str, jenis: str, reason: str, actor: str) -> None:
        """Classify a sub kegiatan by hand: kept in ``jenis_override`` (history) and the audit log."""
        with self.transaction():
            before = self._one(
                "SELECT jenis, jenis_source FROM sub_kegiatan WHERE tahun = ? AND opd_kode = ? AND kode = ?",
                [tahun, opd_kode, kode],
            )
            if before is None:
                raise KeyError(kode)
            self.con.execute(
                "INSERT INTO jenis_override (tahun, opd_kode, sub_kegiatan_kode, jenis, reason, "
                "created_by) VALUES (?, ?, ?, ?, ?, ?)",
                [tahun, opd_kode, kode, jenis, reason, actor],
            )
            self.con.execute(
                "UPDATE sub_kegiatan SET jenis = ?, jenis_source = 'manual', jenis_rule = ? "
                "WHERE tahun = ? AND opd_kode = ? AND kode = ?",
                [jenis, reason, tahun, opd_kode, kode],
            )
            self._touch([(tahun, opd_kode)])
            self.audit_many(
                [(actor, "jenis_override", f"{opd_kode} {kode}", f"{before[0]} ({before[1]}) -> {jenis}: {reason}")]
            )

    @_reading
    def jenis_overrides(self, tahun: int) -> pd.DataFrame:
        """History of manual classifications of a year, newest first."""
        return self._df(
            "SELECT j.created_at, j.created_by, j.opd_kode, o.nama AS opd, j.sub_kegiatan_kode, "
            "j.jenis, j.reason FROM jenis_override j LEFT JOIN opd o ON o.kode = j.opd_kode "
            "WHERE j.tahun = ? ORDER BY j.created_at DESC",
            [tahun],
        )

    # ------------------------------------------------------------------ settings
    @_reading
    def settings(self) -> dict[str, str]:
        """Every stored setting (key -> text)."""
        return dict(self.con.execute("SELECT key, value FROM setting").fetchall())

    @_connected
    def save_settings(self, values: dict[str, str], actor: str, changed: list[str]) -> None:
        """Store settings (all or nothing); the changed keys go to the audit log."""
        with self.transaction():
            for key, value in values.items():
                self.con.execute(
                    "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                    "SET value = excluded.value",
                    [key, value],
                )
            if changed:
                self.audit_many([(actor, "settings", None, ", ".join(changed))])

    @_reading
    def report_leaves(self, import_id: int) -> pd.DataFrame:
        """Leaf rows loaded by one import."""
        return self._df("SELECT * FROM realisasi WHERE import_id = ? ORDER BY source_row", [import_id])
