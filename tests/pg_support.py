"""A throwaway PostgreSQL cluster for the tests that run on both engines.

:class:`PgCluster` runs ``initdb`` and ``pg_ctl start`` (Debian's ``postgresql`` package: binaries in
``/usr/lib/postgresql/<version>/bin`` or on PATH) in a temporary directory, listening on a free port
of 127.0.0.1 with trust authentication and its unix socket in that directory; it stops the server
and removes the directory at the end. PostgreSQL refuses to run as root: when the tests run as
root, the cluster belongs to the ``postgres`` user (``runuser``). Each test gets a database of its
own (:meth:`PgCluster.new_database`).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def pg_bin() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``, or ``None`` when PostgreSQL is not installed."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    return None


SKIP_REASON = (
    "PostgreSQL is not installed (no initdb/pg_ctl): install Debian's 'postgresql' package "
    "(.ci/run does) to run the PostgreSQL half of these tests"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    """A PostgreSQL server of its own, for one test session."""

    def __init__(self, base: Path | None = None):
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError(SKIP_REASON)
        self.bin = bindir
        self.as_root = os.geteuid() == 0
        # as root, the cluster's directory must be reachable by the postgres user (pytest's tmp
        # directories are private to root)
        self.dir = Path(tempfile.mkdtemp(prefix="pantau-pg-", dir=None if self.as_root else base))
        self.data = self.dir / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        if self.as_root:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.user = "postgres"
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c max_connections=400"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options, "-w", "start")
        self.url = f"postgresql://{self.user}@127.0.0.1:{self.port}"

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bin / tool), *args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, cwd=self.dir)

    def admin(self, sql: str) -> None:
        """Run one statement in the ``postgres`` database (autocommit)."""
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as con:
            con.execute(sql)

    def new_database(self, prefix: str = "t", template: str | None = None) -> str:
        """A new database (empty, or a copy of the database ``template``); its URL."""
        name = f"{prefix}_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return f"{self.url}/{name}"

    def stop(self) -> None:
        """Stop the server (fast: sessions are ended) and remove its directory."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def use_both_engines(namespace: dict) -> None:
    """Make the ``store`` and ``dpa_store`` fixtures of a test module (``globals()``) run on both
    engines: DuckDB and PostgreSQL (conftest's ``both_store`` and ``both_dpa_store``)."""
    import pytest

    @pytest.fixture
    def store(both_store):
        return both_store

    @pytest.fixture
    def dpa_store(both_dpa_store):
        return both_dpa_store

    namespace["store"] = store
    namespace["dpa_store"] = dpa_store


_TEMPLATES: dict[tuple[int, str], str] = {}


def pg_copy_of(cluster: PgCluster, folder: Path, tmp_path: Path, db_name: str = "pantau.duckdb"):
    """A PostgreSQL twin of the DuckDB store in ``folder`` (a module's template, with its archive):
    the template is copied once into a PostgreSQL template database (the backup snapshot: every
    table, sequences continued), then each call clones that database and the archive."""
    from db.store import Store

    key = (id(cluster), str(folder))
    if key not in _TEMPLATES:
        duck = Store(folder / db_name, data_dir=folder)
        url = cluster.new_database("tpl")
        server = Store(url, data_dir=folder)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                snapshot = duck.export_snapshot(Path(tmp))
                tables = {k: v for k, v in snapshot["tables"].items() if k != "schema_version"}
                server.restore_snapshot(Path(tmp), {**snapshot, "tables": tables})
        finally:
            duck.close()
            server.close()
        _TEMPLATES[key] = url.rsplit("/", 1)[1]
    data = tmp_path / f"data_{folder.name}"
    if (folder / "archive").is_dir():
        shutil.copytree(folder / "archive", data / "archive")
    data.mkdir(parents=True, exist_ok=True)
    return Store(cluster.new_database("copy", template=_TEMPLATES[key]), data_dir=data)
