"""Backup and restore: one zip with a consistent Parquet snapshot of every table and the
archive of original uploads, checked by a manifest of sha256 sums.

A backup restores only into an install without data (no imports yet), so nothing is ever
overwritten by accident; the restore itself is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from core.access import User, require_role
from db.store import Store

FORMAT = "pantau-backup"
FORMAT_VERSION = 1
MAX_RESTORE_BYTES = 20 * 1024**3  # uncompressed size a backup may declare


class BackupError(ValueError):
    """A backup that cannot be restored, with the Indonesian message for the user."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_backup(store: Store, actor: User | str) -> bytes:
    """The backup zip as bytes (snapshot of every table plus the archived originals); audited.
    Admins only (it holds every account's password hash): :class:`core.access.Forbidden` else."""
    actor = require_role(actor, {"admin"}, "membuat cadangan")
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        snapshot = store.export_snapshot(Path(tmp))
        files = {}
        for path in sorted(Path(tmp).glob("*.parquet")):
            data = path.read_bytes()
            files[f"db/{path.name}"] = _sha(data)
            zf.writestr(f"db/{path.name}", data)
        archive = store.data_dir / "archive"
        if archive.exists():
            for path in sorted(p for p in archive.rglob("*") if p.is_file() and not p.name.endswith(".tmp")):
                data = path.read_bytes()
                name = "archive/" + path.relative_to(archive).as_posix()
                files[name] = _sha(data)
                zf.writestr(name, data)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": dt.datetime.now().isoformat(timespec="seconds"),
            "created_by": actor,
            **snapshot,
            "files": files,
        }
        zf.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
    store.audit_many([(actor, "backup", None, json.dumps(snapshot["tables"]))])
    return buf.getvalue()


def read_manifest(data: bytes) -> dict:
    """Check a backup zip and return its manifest; :class:`BackupError` says what is wrong."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BackupError(
            "Berkas ini bukan cadangan Pantau (bukan berkas zip). Pilih berkas "
            "'pantau-cadangan-....zip' yang diunduh dari halaman Cadangan."
        ) from None
    with zf:
        if "manifest.json" not in zf.namelist():
            raise BackupError("Berkas zip ini tidak memuat manifest.json, jadi bukan cadangan Pantau.")
        try:
            manifest = json.loads(zf.read("manifest.json"))
        except ValueError:
            raise BackupError("manifest.json pada cadangan rusak. Gunakan berkas cadangan lain.") from None
        if manifest.get("format") != FORMAT:
            raise BackupError("Berkas zip ini bukan cadangan Pantau (format tidak dikenal).")
        if sum(i.file_size for i in zf.infolist()) > MAX_RESTORE_BYTES:
            raise BackupError("Cadangan ini terlalu besar untuk dipulihkan di sini.")
        for name in manifest.get("files", {}):
            if not _safe(name):
                raise BackupError(f"Cadangan memuat nama berkas yang tidak aman: '{name}'.")
    return manifest


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and path.parts[0] in ("db", "archive")


def restore_backup(store: Store, data: bytes, actor: User | str) -> dict:
    """Restore a backup into an install without data; returns the table row counts.

    Refused (nothing changed) when the install already holds imports, when the backup comes
    from a newer Pantau, or when any file fails its sha256 check. Admins only
    (:class:`core.access.Forbidden` else)."""
    actor = require_role(actor, {"admin"}, "memulihkan cadangan")
    manifest = read_manifest(data)
    if int(manifest.get("schema_version", 0)) > store.schema_version():
        raise BackupError("Cadangan ini dibuat oleh versi Pantau yang lebih baru. Perbarui aplikasi ini dahulu.")
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(io.BytesIO(data)) as zf:
        contents = {}
        for name, sha in manifest["files"].items():
            try:
                content = zf.read(name)
            except KeyError:
                raise BackupError(f"Cadangan tidak lengkap: berkas '{name}' tidak ada.") from None
            if _sha(content) != sha:
                raise BackupError(f"Cadangan rusak: isi berkas '{name}' tidak cocok dengan manifest.")
            contents[name] = content
        for name, content in contents.items():
            if name.startswith("db/"):
                (Path(tmp) / PurePosixPath(name).name).write_bytes(content)
        with store.session():
            if not store.is_empty():
                raise BackupError(
                    "Pemulihan hanya dapat dilakukan pada instalasi yang belum berisi data (belum ada "
                    "impor). Pasang Pantau baru (basis data kosong), lalu pulihkan di sana."
                )
            for name, content in contents.items():
                if name.startswith("archive/"):
                    target = store.data_dir / "archive" / PurePosixPath(name).relative_to("archive")
                    if not target.exists():
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(content)
            store.restore_snapshot(Path(tmp), manifest)
            store.audit_many(
                [
                    (
                        actor,
                        "restore",
                        None,
                        json.dumps(
                            {
                                "dibuat": manifest.get("created_at"),
                                "oleh": manifest.get("created_by"),
                                "tabel": manifest["tables"],
                            }
                        ),
                    )
                ]
            )
    return manifest["tables"]
