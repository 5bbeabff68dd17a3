"""Backup and restore: a consistent, signed zip round-trips into an empty install, through the
functions, the CLI and the Cadangan page; damaged, tampered (even re-hashed) or misplaced backups
are refused with a clear message and change nothing; members are streamed, never read whole."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import zipfile

import duckdb
import pytest
from conftest import FIXTURES, ROOT

from core import auth, backup
from core.backup import (
    BackupError,
    ForeignBackup,
    inspect_backup,
    key_text,
    make_backup,
    read_manifest,
    restore_backup,
)
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


def _fresh(tmp_path, name="baru") -> Store:
    return Store(tmp_path / name / "pantau.duckdb", data_dir=tmp_path / name)


def test_backup_round_trip_into_empty_install(full_store, tmp_path):
    data = make_backup(full_store, "admin1")
    manifest = read_manifest(data)
    assert manifest["tables"]["realisasi"] == full_store.count_rows("realisasi") > 0
    assert sum(1 for f in manifest["files"] if f.startswith("archive/")) == 4

    fresh = _fresh(tmp_path)
    # the new install wrote its own audit rows before the restore (its first admin): they stay
    auth.create_user(fresh, "test", "pemulih", "Admin Baru", "admin", "Rahasia-2026")
    own_log = fresh.sql("SELECT actor, action, target FROM audit_log ORDER BY id")
    assert own_log
    tables = restore_backup(fresh, data, "admin-baru", key=key_text(full_store))
    assert tables == manifest["tables"]
    assert _data_checksums(fresh) == _data_checksums(full_store)
    assert _archive(fresh) == _archive(full_store)
    for month in (3,):
        assert recap_opd(fresh, 2026, month).equals(recap_opd(full_store, 2026, month))
    # the old audit log came along, followed by the new install's own rows and the restore entry
    old_log = full_store.sql("SELECT id, actor, action FROM audit_log ORDER BY id")
    new_log = fresh.sql("SELECT id, actor, action, target FROM audit_log ORDER BY id")
    n = len(old_log) - 1  # the backup's own entry was written after its snapshot
    assert [r[:3] for r in new_log[:n]] == old_log[:-1]
    assert [r[1:] for r in new_log[n : n + len(own_log)]] == own_log
    assert new_log[-1][1:3] == ("admin-baru", "restore")
    assert len({r[0] for r in new_log}) == len(new_log)
    assert auth.authenticate(fresh, "admin1", "Rahasia-2026").user.role == "admin"
    # sequences continue after the restored ids: a new import gets a fresh id
    res = ingest_paths(fresh, [FIXTURES / "realisasi" / "Lap Realisasi DINKES April 2026.xlsx"])
    assert res[0]["status"] in ("accepted", "flagged")
    assert fresh.sql("SELECT count(DISTINCT id) = count(*) FROM import")[0][0]
    # no staging folder is left behind
    assert not [p for p in fresh.data_dir.iterdir() if p.name.startswith(".pemulihan")]


def test_key_is_made_once_private_and_never_in_a_backup(full_store):
    key = key_text(full_store)
    path = full_store.data_dir / "backup.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert key_text(full_store) == key and len(key) == 64
    with zipfile.ZipFile(io.BytesIO(make_backup(full_store, "admin1"))) as zf:
        assert not any("backup.key" in n for n in zf.namelist())
        assert all(key.encode() not in zf.read(n) for n in zf.namelist())
        assert "manifest.sig" in zf.namelist()


def test_backup_of_another_install_needs_its_key_or_a_confirmation(full_store, tmp_path):
    data = make_backup(full_store, "admin1")
    fresh = _fresh(tmp_path)
    assert inspect_backup(data, fresh).origin == "lain"
    assert inspect_backup(data, fresh, key_text(full_store)).origin == "ini"
    with pytest.raises(ForeignBackup, match="instalasi Pantau lain"):
        restore_backup(fresh, data, "x")
    with pytest.raises(BackupError, match="Kunci yang diberikan tidak cocok"):
        restore_backup(fresh, data, "x", key="ab" * 32)
    with pytest.raises(BackupError, match="Kunci cadangan tidak valid"):
        restore_backup(fresh, data, "x", key="bukan kunci")
    assert fresh.is_empty() and not (fresh.data_dir / "archive").exists()
    restore_backup(fresh, data, "x", confirm_foreign=True)
    assert _data_checksums(fresh) == _data_checksums(full_store)
    detail = json.loads(fresh.sql("SELECT detail FROM audit_log WHERE action = 'restore'")[0][0])
    assert "dikonfirmasi admin" in detail["asal"]


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


def _manifest_change(**changes):
    def change(name, content):
        if name != "manifest.json":
            return content
        return json.dumps({**json.loads(content), **changes}).encode()

    return change


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda name, c: c[:-10] + b"0123456789" if name.endswith("realisasi.parquet") else c, "tidak cocok"),
        (lambda name, c: None if name.endswith("import.parquet") else c, "tidak lengkap"),
        (lambda name, c: None if name == "manifest.json" else c, "manifest.json"),
        (_manifest_change(schema_version=99), "lebih baru"),
        (_manifest_change(schema_version="lima"), "bukan bilangan bulat"),
        (_manifest_change(schema_version=[5]), "bukan bilangan bulat"),
        (_manifest_change(tables={"import": 1, "tabel_hilang": 3}), "menyebut tabel 'tabel_hilang'"),
        (_manifest_change(tables={"import; DROP TABLE x": 1}), "nama tabel"),
        (_manifest_change(files={"../../etc/passwd": "0" * 64}), "tidak aman"),
        (_manifest_change(sequences={"seq_audit": "x"}), "urutan nomor"),
        (lambda name, c: b"{not json" if name == "manifest.json" else c, "manifest.json pada cadangan rusak"),
        (lambda name, c: b"[1, 2]" if name == "manifest.json" else c, "format tidak dikenal"),
    ],
)
def test_damaged_backups_are_refused(full_store, tmp_path, damage, message):
    data = _rezip(make_backup(full_store, "admin1"), damage)
    fresh = _fresh(tmp_path)
    before = fresh.table_checksums()
    with pytest.raises(BackupError, match=message):
        restore_backup(fresh, data, "x", confirm_foreign=True)
    assert fresh.table_checksums() == before
    assert not (tmp_path / "baru" / "archive").exists()
    assert not [p for p in fresh.data_dir.iterdir() if p.name.startswith(".pemulihan")]


def _retamper(data: bytes, *, install: str | None = None) -> bytes:
    """A backup with one more admin account, its sums recomputed (the signature left as it was)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = zipfile.ZipFile(io.BytesIO(data))
    users = pq.read_table(io.BytesIO(src.read("db/app_user.parquet"))).to_pylist()
    intruder = {**users[0], "username": "penyusup", "nama": "Penyusup"}
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(users + [intruder]), buf)
    new_users = buf.getvalue()
    manifest = json.loads(src.read("manifest.json"))
    manifest["files"]["db/app_user.parquet"] = hashlib.sha256(new_users).hexdigest()
    manifest["tables"]["app_user"] += 1
    if install is not None:
        manifest["install"] = install

    def change(name, content):
        if name == "db/app_user.parquet":
            return new_users
        if name == "manifest.json":
            return json.dumps(manifest).encode()
        return content

    return _rezip(data, change)


def test_tampered_rehashed_backup_is_refused(full_store, tmp_path):
    data = _retamper(make_backup(full_store, "admin1"))
    # into this install (its own key): the signature does not match
    fresh = Store(tmp_path / "lain.duckdb", data_dir=full_store.data_dir)
    with pytest.raises(BackupError, match="Tanda tangan cadangan tidak cocok"):
        restore_backup(fresh, data, "x", confirm_foreign=True)
    assert fresh.is_empty()
    # elsewhere, with the key of the install that made it: refused as well
    other = _fresh(tmp_path)
    with pytest.raises(BackupError, match="Kunci yang diberikan tidak cocok"):
        restore_backup(other, data, "x", key=key_text(full_store))
    assert other.is_empty() and other.count_users() == 0
    # posing as another install: only an admin's explicit confirmation would take it
    posing = _retamper(make_backup(full_store, "admin1"), install="0123456789abcdef")
    with pytest.raises(ForeignBackup):
        restore_backup(fresh, posing, "x")
    assert fresh.is_empty() and fresh.count_users() == 0


def test_bit_flipped_zip_is_refused_without_traceback(full_store, tmp_path):
    data = bytearray(make_backup(full_store, "admin1"))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("db/realisasi.parquet")
    # a bit in the middle of the member's compressed data (after its local header)
    data[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0x10
    fresh = _fresh(tmp_path)
    with pytest.raises(BackupError, match="rusak"):
        restore_backup(fresh, bytes(data), "x", key=key_text(full_store))
    assert fresh.is_empty() and not (fresh.data_dir / "archive").exists()
    # a flipped bit in the central directory or a cut file: still a clear message
    with pytest.raises(BackupError, match="bukan cadangan Pantau|rusak"):
        restore_backup(fresh, bytes(data[: len(data) // 2]), "x", confirm_foreign=True)


def test_restore_is_all_or_nothing(full_store, tmp_path, monkeypatch):
    data = make_backup(full_store, "admin1")
    fresh = _fresh(tmp_path)
    before = fresh.table_checksums()

    def refuse(directory, manifest):
        raise duckdb.ConversionException("kolom tidak cocok")

    monkeypatch.setattr(fresh, "restore_snapshot", refuse)
    with pytest.raises(BackupError, match="Tidak ada yang diubah"):
        restore_backup(fresh, data, "x", key=key_text(full_store))
    assert fresh.table_checksums() == before
    archive = fresh.data_dir / "archive"
    assert not archive.exists() or not [p for p in archive.rglob("*") if p.is_file()]
    assert not [p for p in fresh.data_dir.iterdir() if p.name.startswith(".pemulihan")]


def test_restore_streams_members(full_store, tmp_path, monkeypatch):
    """No member is read whole: every read of a zip member asks for at most one chunk."""
    out = tmp_path / "cadangan.zip"
    backup.write_backup(full_store, "admin1", out)
    reads = []
    real_read = zipfile.ZipExtFile.read

    def read(self, n=-1):
        reads.append((self.name, n))
        return real_read(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    fresh = _fresh(tmp_path)
    restore_backup(fresh, out, "x", key=key_text(full_store))
    big = [(name, n) for name, n in reads if name.startswith(("db/", "archive/"))]
    assert big and all(0 < n <= backup._CHUNK for _, n in big)
    assert _data_checksums(fresh) == _data_checksums(full_store)


def test_not_a_zip_is_refused():
    with pytest.raises(BackupError, match="bukan cadangan Pantau"):
        read_manifest(b"PK\x03\x04 not really a zip")


def _cli(*a, data_dir):
    return subprocess.run(
        [sys.executable, "-m", "etl", *a],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PANTAU_DATA": str(data_dir), "PATH": ""},
    )


def test_cli_backup_and_restore(full_store, tmp_path):
    out = tmp_path / "cadangan.zip"
    r = _cli("backup", "--db", str(full_store.path), "--out", str(out), data_dir=full_store.data_dir)
    assert r.returncode == 0, r.stderr
    assert "Cadangan ditulis" in r.stdout
    target = tmp_path / "lain" / "pantau.duckdb"
    # another install: refused without the key, with a clear message
    r = _cli("restore", "--db", str(target), str(out), data_dir=target.parent)
    assert r.returncode == 1 and "--kunci" in r.stderr and "Traceback" not in r.stderr
    r = _cli(
        "restore", "--db", str(target), "--kunci", str(full_store.data_dir / "backup.key"), str(out),
        data_dir=target.parent,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Cadangan dipulihkan" in r.stdout
    assert _data_checksums(Store(target, data_dir=target.parent)) == _data_checksums(full_store)
    # a second restore into the now filled install is refused with a clear message, no traceback
    r = _cli("restore", "--db", str(target), "--terima-cadangan-lain", str(out), data_dir=target.parent)
    assert r.returncode == 1 and "belum berisi data" in r.stderr and "Traceback" not in r.stderr


def test_cli_refuses_damaged_backups_with_exit_1(full_store, tmp_path):
    good = make_backup(full_store, "admin1")
    cases = {
        "terpotong.zip": good[: len(good) // 3],
        "versi.zip": _rezip(good, _manifest_change(schema_version="abc")),
        "tabel.zip": _rezip(good, _manifest_change(tables={"hilang": 1})),
        "diubah.zip": _retamper(good),
    }
    target = tmp_path / "lain" / "pantau.duckdb"
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        r = _cli(
            "restore", "--db", str(target), "--kunci", key_text(full_store), str(tmp_path / name),
            data_dir=target.parent,
        )  # fmt: skip
        assert r.returncode == 1, (name, r.stderr)
        assert r.stderr.startswith("Kesalahan: ") and "Traceback" not in r.stderr, (name, r.stderr)
    r = _cli("restore", "--db", str(target), str(tmp_path / "tidak-ada.zip"), data_dir=target.parent)
    assert r.returncode == 1 and "tidak ditemukan" in r.stderr
    assert Store(target, data_dir=target.parent).is_empty()


def test_an_opd_does_not_learn_that_another_opd_loaded_the_same_bytes(full_store):
    """The duplicate check counts only the operator's own OPD's imports (issue 15, low)."""
    from core.access import User
    from etl.pipeline import Master, analyse, commit_many

    path = FIXTURES / REPORTS[1]
    loaded_as = full_store.sql("SELECT opd_kode FROM import WHERE file_name = ?", [path.name])[0][0]
    other = next(o.kode for o in full_store.opds() if o.kode != loaded_as)

    def again(scope):
        analysis = analyse(path.name, path.read_bytes(), Master.from_store(full_store))
        return commit_many(full_store, [analysis], "op", scope)[0][0]["status"]

    assert again(User("op1", "Op", "opd", opd_kode=loaded_as)) == "duplicate"
    assert again(None) == "duplicate"
    assert again(User("op2", "Op", "opd", opd_kode=other)) != "duplicate"
