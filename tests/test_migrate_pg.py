"""Moving an office to the server (issue 19): ``python -m etl migrate --from FILE --to postgresql://``
copies every table, the archive of originals and the audit log, and verifies counts and checksums;
backup and restore work on PostgreSQL too (and a DuckDB backup restores into PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import FIXTURES, ROOT

from core import auth
from core.backup import make_backup, restore_backup
from core.migrate import MigrateError, migrate
from core.recap import recap_opd
from db.store import Store
from etl.pipeline import ingest_paths

REPORTS = [
    "realisasi/realisasi_dinkes_2026-03.xlsx",
    "realisasi/distan_2026-03.csv",
    "realisasi/Lap Realisasi DPUPR Maret 2026.xlsx",
]
PW = "Rahasia-2026"


def _fill(store: Store) -> Store:
    results = ingest_paths(store, [FIXTURES / r for r in REPORTS])
    assert all(r["status"] in ("accepted", "flagged") for r in results), results
    auth.create_user(store, "test", "admin1", "Admin Satu", "admin", PW)
    row = store.sql("SELECT opd_kode, kode FROM sub_kegiatan WHERE jenis = 'non_fisik' ORDER BY 1, 2 LIMIT 1")[0]
    store.override_jenis(2026, row[0], row[1], "fisik", "rehab gedung", "admin1")
    return store


@pytest.fixture
def office(dpa_store):
    """An office's DuckDB store: the fixture DPA, three March reports, an admin, a manual jenis."""
    return _fill(dpa_store)


def _numbers(store: Store) -> pd.DataFrame:
    cols = ["opd_kode", "sub_kegiatan", "pagu", "realisasi_keuangan", "fisik_pct", "keuangan_pct"]
    return recap_opd(store, 2026, 3)[cols].sort_values("opd_kode").reset_index(drop=True)


def test_cli_migrate_duckdb_to_postgres_copies_and_verifies_everything(office, pg_cluster, tmp_path):
    url = pg_cluster.new_database("kantor")
    target_data = tmp_path / "server"
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "migrate", "--from", str(office.path), "--to", url]
        + ["--from-data", str(office.data_dir), "--to-data", str(target_data), "--user", "admin1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] is True
    assert report["asal"]["mesin"] == "duckdb" and report["tujuan"]["mesin"] == "postgres"
    counts = office.content_checksums()
    for name in ("import", "realisasi", "sub_kegiatan", "audit_log", "app_user", "jenis_override", "import_issue"):
        table = report["tabel"][name]
        assert table["cocok"] and table["asal"] == table["tujuan"], name
        assert table["asal"]["baris"] == counts[name][0] > 0, name
    assert report["arsip"] == {"berkas": 4, "tidak_sampai": []}  # the DPA and the three reports

    server = Store(url, data_dir=target_data)
    try:
        pd.testing.assert_frame_equal(_numbers(server), _numbers(office))
        assert server.content_checksums()["realisasi"] == counts["realisasi"]
        # the originals come back from the server's archive, the admin signs in with the same password
        first = int(office.import_history()["id"].min())
        assert server.read_archived(first) == office.read_archived(first)
        assert auth.authenticate(server, "admin1", PW).user.role == "admin"
        # ids continue after the copied ones; the move itself is in the audit log
        assert server.next_import_ids(1)[0] > int(office.import_history()["id"].max())
        assert server.sql("SELECT actor FROM audit_log WHERE action = 'migrate'") == [("cli:admin1",)]
    finally:
        server.close()


def test_migrate_refuses_a_target_with_data(office, pg_cluster, tmp_path):
    url = pg_cluster.new_database("penuh")
    target = Store(url, data_dir=tmp_path / "server")
    try:
        migrate(office, target, "test")
        before = target.table_checksums()
        with pytest.raises(MigrateError, match="sudah berisi data"):
            migrate(office, target, "test")
        assert target.table_checksums() == before
    finally:
        target.close()


def test_backup_and_restore_on_postgres_and_from_duckdb(office, pg_cluster, tmp_path):
    # an office on the server from the start: its backup restores into a fresh server database
    first = Store(pg_cluster.new_database("satu"), data_dir=tmp_path / "satu")
    second = Store(pg_cluster.new_database("dua"), data_dir=tmp_path / "dua")
    third = Store(pg_cluster.new_database("tiga"), data_dir=tmp_path / "tiga")
    try:
        ingest_paths(first, [FIXTURES / "master" / "dpa_2026.xlsx"])
        _fill(first)
        data = make_backup(first, "admin1")
        tables = restore_backup(second, data, "admin1", confirm_foreign=True)
        assert tables["realisasi"] == first.count_rows("realisasi") > 0
        same = {
            k: v
            for k, v in first.table_checksums().items()
            if k not in ("audit_log", "login_session", "schema_version")
        }
        assert {k: v for k, v in second.table_checksums().items() if k in same} == same
        pd.testing.assert_frame_equal(_numbers(second), _numbers(first))
        # a DuckDB office's backup restores into PostgreSQL with the same figures
        restore_backup(third, make_backup(office, "admin1"), "admin1", confirm_foreign=True)
        pd.testing.assert_frame_equal(_numbers(third), _numbers(office))
        assert third.content_checksums()["realisasi"] == office.content_checksums()["realisasi"]
    finally:
        for s in (first, second, third):
            s.close()


def test_migrate_of_the_sample_data_verifies_the_recomputed_summary_by_its_sums(pg_cluster, tmp_path):
    """The sample data (10 OPDs, four months): the target's recap summary, recomputed from the
    copied rows, may differ from the source's in a float's last bits (pagu x target added in
    another order); that is no failure, and the recaps read from it are the same numbers."""
    from etl.demo import load_demo

    source = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path / "data")
    load_demo(source, user="test")
    target = Store(pg_cluster.new_database("contoh"), data_dir=tmp_path / "server")
    try:
        report = migrate(source, target, "test")
        assert report["ok"] is True
        summary = report["tabel"]["recap_summary"]
        assert summary["cocok"] and summary["asal"]["baris"] == summary["tujuan"]["baris"] > 1000
        for tahun, bulan in source.periods():
            a, b = recap_opd(source, tahun, bulan), recap_opd(target, tahun, bulan)
            assert len(a) == len(b) == 10
            for col in ("pagu", "realisasi_keuangan", "fisik_pct", "keuangan_pct"):
                pd.testing.assert_series_equal(a[col], b[col], check_dtype=False, rtol=1e-12, check_names=False)
    finally:
        source.close()
        target.close()


def test_migrate_refuses_a_source_whose_summary_disagrees_with_its_rows(office, pg_cluster, tmp_path):
    with office.session():  # a summary gone stale outside Pantau (e.g. SQL written by hand)
        office.con.execute(
            "UPDATE recap_summary SET realisasi_keuangan = realisasi_keuangan + 1000 "
            "WHERE opd_kode = (SELECT min(opd_kode) FROM recap_summary WHERE realisasi_keuangan > 0)"
        )
    target = Store(pg_cluster.new_database("basi"), data_dir=tmp_path / "server")
    try:
        with pytest.raises(MigrateError, match="recap_summary.*rebuild-summary"):
            migrate(office, target, "test")
    finally:
        target.close()


def test_a_sequence_started_ahead_and_not_used_yet_migrates_past_the_ids_taken(dpa_store, pg_cluster, tmp_path):
    """A DuckDB sequence created with START n and not used yet has no last value (a database
    filled by SQL, as the province bench's): the snapshot must say n - 1, or the migrated
    database hands out an id already taken and the first import fails on import_pkey."""
    last = dpa_store.sql("SELECT max(id) FROM import")[0][0]
    with dpa_store.session():
        dpa_store.con.execute("DROP SEQUENCE seq_import")
        dpa_store.con.execute(f"CREATE SEQUENCE seq_import START {int(last) + 1}")
    assert dpa_store.export_snapshot(tmp_path / "snap")["sequences"]["seq_import"] == last
    target = Store(pg_cluster.new_database("seq"), data_dir=tmp_path / "pg_data")
    try:
        assert migrate(dpa_store, target, "test")["ok"]
        (res,) = ingest_paths(target, [FIXTURES / "realisasi" / "realisasi_dinkes_2026-03.xlsx"])
        assert res["status"] in ("accepted", "flagged"), res
        assert target.sql("SELECT max(id) FROM import")[0][0] == last + 1
    finally:
        target.close()
