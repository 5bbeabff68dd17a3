"""Backup and restore: a consistent zip round-trips into an empty install, through the
functions and the CLI; damaged or misplaced backups are refused and change nothing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest
from conftest import FIXTURES, ROOT

from core import auth
from core.backup import BackupError, make_backup, read_manifest, restore_backup
from core.recap import recap_opd
from db.store import Store
from etl.pipeline import ingest_paths

REPORTS = [
    "realisasi/realisasi_dinkes_2026-03.xlsx",
    "realisasi/distan_2026-03.csv",
    "realisasi/Lap Realisasi DPUPR Maret 2026.xlsx",
]


@pytest.fixture
def full_store(dpa_store):
    results = ingest_paths(dpa_store, [FIXTURES / r for r in REPORTS])
    assert all(r["status"] in ("accepted", "flagged") for r in results), results
    auth.create_user(dpa_store, "test", "admin1", "Admin Satu", "admin", "Rahasia-2026")
    return dpa_store


def _archive(store) -> dict[str, bytes]:
    root = store.data_dir / "archive"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _data_checksums(store) -> dict:
    # the audit log of the restored install has one more entry: the restore itself
    return {k: v for k, v in store.table_checksums().items() if k not in ("audit_log", "schema_version")}


def test_backup_round_trip_into_empty_install(full_store, tmp_path):
    data = make_backup(full_store, "admin1")
    manifest = read_manifest(data)
    assert manifest["tables"]["realisasi"] == full_store.count_rows("realisasi") > 0
    assert sum(1 for f in manifest["files"] if f.startswith("archive/")) == 4

    fresh = Store(tmp_path / "baru" / "pantau.duckdb", data_dir=tmp_path / "baru")
    tables = restore_backup(fresh, data, "admin-baru")
    assert tables == manifest["tables"]
    assert _data_checksums(fresh) == _data_checksums(full_store)
    assert _archive(fresh) == _archive(full_store)
    for month in (3,):
        assert recap_opd(fresh, 2026, month).equals(recap_opd(full_store, 2026, month))
    # the old audit log came along, followed by the restore entry; the accounts work
    old_log = full_store.sql("SELECT id, actor, action FROM audit_log ORDER BY id")
    new_log = fresh.sql("SELECT id, actor, action FROM audit_log ORDER BY id")
    assert new_log[: len(old_log) - 1] == old_log[:-1] and new_log[-1][1:] == ("admin-baru", "restore")
    assert auth.authenticate(fresh, "admin1", "Rahasia-2026").user.role == "admin"
    # sequences continue after the restored ids: a new import gets a fresh id
    res = ingest_paths(fresh, [FIXTURES / "realisasi" / "Lap Realisasi DINKES April 2026.xlsx"])
    assert res[0]["status"] in ("accepted", "flagged")
    assert fresh.sql("SELECT count(DISTINCT id) = count(*) FROM import")[0][0]


def test_restore_is_refused_into_an_install_with_data(full_store):
    data = make_backup(full_store, "admin1")
    before = full_store.table_checksums()
    with pytest.raises(BackupError, match="belum berisi data"):
        restore_backup(full_store, data, "admin1")
    assert full_store.table_checksums() == before


def _rezip(data: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = change(info.filename, src.read(info.filename))
            if content is not None:
                dst.writestr(info.filename, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda name, c: c[:-10] + b"0123456789" if name.endswith("realisasi.parquet") else c, "tidak cocok"),
        (lambda name, c: None if name.endswith("import.parquet") else c, "tidak lengkap"),
        (lambda name, c: None if name == "manifest.json" else c, "manifest.json"),
        (
            lambda name, c: (
                json.dumps({**json.loads(c), "schema_version": 99}).encode() if name == "manifest.json" else c
            ),
            "lebih baru",
        ),
    ],
)
def test_damaged_backups_are_refused(full_store, tmp_path, damage, message):
    data = _rezip(make_backup(full_store, "admin1"), damage)
    fresh = Store(tmp_path / "baru" / "pantau.duckdb", data_dir=tmp_path / "baru")
    before = fresh.table_checksums()
    with pytest.raises(BackupError, match=message):
        restore_backup(fresh, data, "x")
    assert fresh.table_checksums() == before
    assert not (tmp_path / "baru" / "archive").exists()


def test_not_a_zip_is_refused():
    with pytest.raises(BackupError, match="bukan cadangan Pantau"):
        read_manifest(b"PK\x03\x04 not really a zip")


def test_cli_backup_and_restore(full_store, tmp_path):
    out = tmp_path / "cadangan.zip"

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "etl", *a],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PANTAU_DATA": str(full_store.data_dir), "PATH": ""},
        )

    r = run("backup", "--db", str(full_store.path), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "Cadangan ditulis" in r.stdout
    target = tmp_path / "lain" / "pantau.duckdb"
    r = subprocess.run(
        [sys.executable, "-m", "etl", "restore", "--db", str(target), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PANTAU_DATA": str(target.parent)},
    )
    assert r.returncode == 0, r.stderr
    assert "Cadangan dipulihkan" in r.stdout
    assert _data_checksums(Store(target, data_dir=target.parent)) == _data_checksums(full_store)
    # a second restore into the now filled install is refused with a clear message, no traceback
    r = subprocess.run(
        [sys.executable, "-m", "etl", "restore", "--db", str(target), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PANTAU_DATA": str(target.parent)},
    )
    assert r.returncode == 1 and "belum berisi data" in r.stderr and "Traceback" not in r.stderr
