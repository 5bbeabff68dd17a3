"""Backup and restore: one zip with a consistent Parquet snapshot of every table and the
archive of original uploads, checked by a manifest of sha256 sums and signed.

The manifest is signed with HMAC-SHA256 (``manifest.sig``) by a secret the install generates
at first use (``<data dir>/backup.key``, readable by its owner only; it is never part of a
backup). A backup whose signature does not match is refused, even when its sums were
recomputed after a change. A backup made by another install (or by a Pantau before signing)
restores with that install's key, or with the explicit confirmation of an admin.

A backup restores only into an install without data (no imports yet), so nothing is ever
overwritten by accident. The restore is all or nothing: every member is streamed to a staging
folder beside the archive and checked first (never a whole member in memory); the originals
are moved into place and the tables replaced in one transaction only when everything checked
out, and the moved originals are taken back if the database refuses the snapshot. The audit
rows the new install wrote before the restore (first admin, logins) are kept after the
restored log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from core.access import User, require_role
from db.store import DATABASE_ERRORS, Store

FORMAT = "pantau-backup"
FORMAT_VERSION = 2  # 2: signed (manifest.sig) and the install id in the manifest
MAX_RESTORE_BYTES = 20 * 1024**3  # uncompressed size a backup may declare
KEY_FILE = "backup.key"
SIGNATURE = "manifest.sig"
RESTORE_FOLDER = "pemulihan"  # <data dir>/pemulihan: large backups placed on the server for the Cadangan page
_CHUNK = 1024 * 1024
# Tables that belong to the install, never to a backup (sign-in sessions of this server).
_LOCAL_TABLE = re.compile(r".*session.*")
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_SHA = re.compile(r"[0-9a-f]{64}")

log = logging.getLogger(__name__)

Source = bytes | str | os.PathLike | BinaryIO


class BackupError(ValueError):
    """A backup that cannot be restored, with the Indonesian message for the user."""


class ForeignBackup(BackupError):
    """A backup signed by another install (or unsigned): restorable with that install's key or
    the admin's explicit confirmation."""


@dataclass(frozen=True)
class BackupInfo:
    """What :func:`inspect_backup` found: the manifest and who signed it.

    ``origin`` is ``"ini"`` (signed by this install, or by the key given), or ``"lain"`` (made
    by another install or unsigned: its authenticity cannot be checked here)."""

    manifest: dict
    origin: str

    @property
    def trusted(self) -> bool:
        return self.origin == "ini"


# --------------------------------------------------------------------------- the install's key
def backup_key(store: Store) -> bytes:
    """This install's signing secret (32 random bytes), created on first use in the data folder
    with owner-only permissions (0600)."""
    path = store.data_dir / KEY_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    except ValueError:
        raise BackupError(
            f"Berkas kunci cadangan '{KEY_FILE}' di folder data rusak. Pulihkan berkas itu dari salinan "
            "atau hapus agar kunci baru dibuat (cadangan lama lalu dianggap dari instalasi lain)."
        ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


def key_text(store: Store) -> str:
    """This install's key as the text an admin copies to restore its backups elsewhere."""
    return backup_key(store).hex()


def install_id(key: bytes) -> str:
    """A public name of the install holding ``key`` (does not reveal the key)."""
    return hashlib.sha256(b"pantau-install:" + key).hexdigest()[:16]


def parse_key(text: str | bytes | None) -> bytes | None:
    """A key typed by an admin or read from another install's ``backup.key`` (64 hex digits);
    :class:`BackupError` when it is not one."""
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    text = text.strip().lower()
    if not text:
        return None
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise BackupError(
            "Kunci cadangan tidak valid: kunci berupa 64 karakter heksadesimal (isi berkas backup.key "
            "di folder data instalasi asal)."
        )
    return bytes.fromhex(text)


def _sign(key: bytes, manifest_bytes: bytes) -> str:
    return hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- making a backup
def _local(table: str) -> bool:
    return bool(_LOCAL_TABLE.fullmatch(table))


def write_backup(store: Store, actor: User | str, out: str | os.PathLike) -> dict:
    """Write the signed backup zip to ``out`` (whole or not at all: a temporary file renamed into
    place), streaming every file from disk; returns the manifest. Audited. Admins only (it holds
    every account's password hash): :class:`core.access.Forbidden` else."""
    actor = require_role(actor, {"admin"}, "membuat cadangan")
    key = backup_key(store)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(out.name + ".tmp")
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            zipfile.ZipFile(tmp_out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
        ):
            snapshot = store.export_snapshot(Path(tmp))
            snapshot["tables"] = {k: v for k, v in snapshot["tables"].items() if not _local(k)}
            files = {}
            for path in sorted(Path(tmp).glob("*.parquet")):
                if path.stem in snapshot["tables"]:
                    files[f"db/{path.name}"] = _add(zf, path, f"db/{path.name}")
            archive = store.data_dir / "archive"
            if archive.exists():
                for path in sorted(p for p in archive.rglob("*") if p.is_file() and not p.name.endswith(".tmp")):
                    name = "archive/" + path.relative_to(archive).as_posix()
                    files[name] = _add(zf, path, name)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": dt.datetime.now().isoformat(timespec="seconds"),
                "created_by": actor,
                "install": install_id(key),
                **snapshot,
                "files": files,
            }
            manifest_bytes = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
            zf.writestr("manifest.json", manifest_bytes)
            zf.writestr(SIGNATURE, _sign(key, manifest_bytes))
        tmp_out.replace(out)
    except BaseException:
        tmp_out.unlink(missing_ok=True)
        raise
    store.audit_many([(actor, "backup", out.name, json.dumps(snapshot["tables"]))])
    return manifest


def _add(zf: zipfile.ZipFile, path: Path, name: str) -> str:
    """Copy ``path`` into the zip as ``name`` in chunks; its sha256."""
    sha = hashlib.sha256()
    with path.open("rb") as src, zf.open(name, "w", force_zip64=True) as dst:
        while chunk := src.read(_CHUNK):
            sha.update(chunk)
            dst.write(chunk)
    return sha.hexdigest()


def make_backup(store: Store, actor: User | str) -> bytes:
    """The backup zip as bytes (see :func:`write_backup`): for the page's download button."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cadangan.zip"
        write_backup(store, actor, out)
        return out.read_bytes()


# --------------------------------------------------------------------------- reading one
_DAMAGED = (
    "Berkas cadangan rusak (isi zip tidak utuh, mungkin terpotong saat diunduh atau disalin). "
    "Gunakan salinan cadangan yang lain."
)
# What a damaged zip raises while being read (a flipped bit, a cut file, a lying header).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)


def _open(source: Source) -> zipfile.ZipFile:
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    elif hasattr(source, "seek"):
        source.seek(0)
    try:
        return zipfile.ZipFile(source)
    except FileNotFoundError:
        raise BackupError(f"Berkas cadangan '{source}' tidak ditemukan.") from None
    except IsADirectoryError:
        raise BackupError(f"'{source}' adalah folder, bukan berkas cadangan.") from None
    except PermissionError:
        raise BackupError(f"Berkas cadangan '{source}' tidak dapat dibaca (izin ditolak).") from None
    except _ZIP_ERRORS:
        raise BackupError(
            "Berkas ini bukan cadangan Pantau (bukan berkas zip yang utuh). Pilih berkas "
            "'pantau-cadangan-....zip' yang diunduh dari halaman Cadangan."
        ) from None


def _read_small(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise BackupError(f"{name} pada cadangan terlalu besar; berkas ini bukan cadangan Pantau.")
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except _ZIP_ERRORS:
        raise BackupError(_DAMAGED) from None
    if len(data) > limit:
        raise BackupError(f"{name} pada cadangan terlalu besar; berkas ini bukan cadangan Pantau.")
    return data


def _check_manifest(manifest: object) -> dict:
    """The manifest's shape, so that nothing later meets a surprise (a clear message each)."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Berkas zip ini bukan cadangan Pantau (format tidak dikenal).")
    version = manifest.get("schema_version", 0)
    if isinstance(version, bool) or not isinstance(version, int | str) or not str(version).strip().isdigit():
        raise BackupError(
            f"manifest.json pada cadangan rusak: versi skema '{str(version)[:40]}' bukan bilangan bulat. "
            "Gunakan berkas cadangan lain."
        )
    manifest["schema_version"] = int(str(version).strip())
    tables, files = manifest.get("tables"), manifest.get("files")
    if not isinstance(tables, dict) or not isinstance(files, dict):
        raise BackupError("manifest.json pada cadangan rusak: daftar tabel atau berkas tidak ada.")
    for name, sha in files.items():
        if not _safe(name):
            raise BackupError(f"Cadangan memuat nama berkas yang tidak aman: '{str(name)[:200]}'.")
        if not isinstance(sha, str) or not _SHA.fullmatch(sha):
            raise BackupError(f"manifest.json pada cadangan rusak: sidik berkas '{name}' tidak valid.")
    for name, rows in tables.items():
        if not isinstance(name, str) or not _TABLE_NAME.fullmatch(name):
            raise BackupError(f"manifest.json pada cadangan rusak: nama tabel '{str(name)[:60]}' tidak valid.")
        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
            raise BackupError(f"manifest.json pada cadangan rusak: jumlah baris tabel '{name}' tidak valid.")
        if name != "schema_version" and f"db/{name}.parquet" not in files:
            raise BackupError(
                f"Cadangan tidak lengkap: manifest menyebut tabel '{name}', tetapi berkas datanya tidak ada "
                "di cadangan. Gunakan berkas cadangan lain."
            )
    sequences = manifest.get("sequences", {})
    if not isinstance(sequences, dict) or not all(
        isinstance(v, int | None) and not isinstance(v, bool) for v in sequences.values()
    ):
        raise BackupError("manifest.json pada cadangan rusak: nilai urutan nomor tidak valid.")
    return manifest


def inspect_backup(source: Source, store: Store | None = None, key: str | bytes | None = None) -> BackupInfo:
    """Check a backup zip (its manifest and signature; the files' sums are checked while
    restoring) and say who made it. ``store``: the install whose key is tried; ``key``: another
    install's key (text of its ``backup.key``). :class:`BackupError` says what is wrong."""
    other = parse_key(key)
    with _open(source) as zf:
        try:
            names = set(zf.namelist())
            if "manifest.json" not in names:
                raise BackupError("Berkas zip ini tidak memuat manifest.json, jadi bukan cadangan Pantau.")
            raw = _read_small(zf, "manifest.json", 64 * 1024**2)
            try:
                manifest = json.loads(raw)
            except ValueError:
                raise BackupError("manifest.json pada cadangan rusak. Gunakan berkas cadangan lain.") from None
            manifest = _check_manifest(manifest)
            if sum(i.file_size for i in zf.infolist()) > MAX_RESTORE_BYTES:
                raise BackupError("Cadangan ini terlalu besar untuk dipulihkan di sini.")
            signature = (
                _read_small(zf, SIGNATURE, 1024).decode("ascii", "replace").strip() if SIGNATURE in names else ""
            )
        except BackupError:
            raise
        except _ZIP_ERRORS:
            raise BackupError(_DAMAGED) from None
    own = backup_key(store) if store is not None else None
    for k in (own, other):
        if k is not None and signature and hmac.compare_digest(signature, _sign(k, raw)):
            return BackupInfo(manifest, "ini")
    if other is not None:
        raise BackupError(
            "Kunci yang diberikan tidak cocok dengan tanda tangan cadangan ini: cadangan dibuat oleh instalasi "
            "lain, atau isinya telah diubah setelah dibuat. Cadangan tidak dipulihkan."
        )
    if own is not None and manifest.get("install") == install_id(own):
        raise BackupError(
            "Tanda tangan cadangan tidak cocok: isi cadangan ini telah diubah setelah dibuat oleh instalasi ini. "
            "Cadangan tidak dipulihkan; gunakan salinan cadangan yang asli."
        )
    return BackupInfo(manifest, "lain")


def read_manifest(source: Source) -> dict:
    """Check a backup zip and return its manifest (signature not checked: see :func:`inspect_backup`)."""
    return inspect_backup(source).manifest


def _safe(name: object) -> bool:
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        return False
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and len(path.parts) >= 2
        and path.parts[0] in ("db", "archive")
        and (
            path.parts[0] != "db"
            or (len(path.parts) == 2 and path.suffix == ".parquet" and _TABLE_NAME.fullmatch(path.stem) is not None)
        )
    )


# --------------------------------------------------------------------------- restoring one
FOREIGN_MESSAGE = (
    "Cadangan ini dibuat oleh instalasi Pantau lain (atau oleh versi sebelum cadangan bertanda tangan), "
    "jadi keasliannya tidak dapat diperiksa dengan kunci instalasi ini. Masukkan kunci cadangan instalasi "
    "asal (isi berkas backup.key di folder datanya), atau nyatakan bahwa Anda yakin berkas ini asli."
)


def restore_backup(
    store: Store,
    source: Source,
    actor: User | str,
    *,
    key: str | bytes | None = None,
    confirm_foreign: bool = False,
) -> dict:
    """Restore a backup into an install without data; returns the table row counts.

    ``source``: the zip as bytes, a path, or an open binary file. Refused (nothing changed)
    when the install already holds imports, when the backup comes from a newer Pantau, when its
    signature or any file's sha256 does not match, or when it is damaged. A backup of another
    install needs its ``key`` or ``confirm_foreign`` (:class:`ForeignBackup` else). Admins only
    (:class:`core.access.Forbidden` else)."""
    actor = require_role(actor, {"admin"}, "memulihkan cadangan")
    info = inspect_backup(source, store, key)
    if not info.trusted and not confirm_foreign:
        raise ForeignBackup(FOREIGN_MESSAGE)
    manifest = info.manifest
    if manifest["schema_version"] > store.schema_version():
        raise BackupError("Cadangan ini dibuat oleh versi Pantau yang lebih baru. Perbarui aplikasi ini dahulu.")
    if not store.is_empty():
        raise BackupError(_NOT_EMPTY)
    store.data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pemulihan-", dir=store.data_dir))
    try:
        _stage(source, manifest, staging)
        with store.session():
            if not store.is_empty():
                raise BackupError(_NOT_EMPTY)
            moved = _move_originals(staging / "archive", store.data_dir / "archive")
            try:
                tables = {k: v for k, v in manifest["tables"].items() if not _local(k)}
                store.restore_snapshot(staging / "db", {**manifest, "tables": tables})
            except DATABASE_ERRORS as exc:
                log.warning("restore refused by the database: %s", exc)
                _take_back(moved)
                raise BackupError(
                    "Isi basis data pada cadangan tidak dapat dimuat (tabelnya tidak sesuai dengan versi Pantau "
                    "ini). Tidak ada yang diubah."
                ) from None
            except BaseException:
                _take_back(moved)
                raise
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
                                "asal": "instalasi ini" if info.trusted else "instalasi lain (dikonfirmasi admin)",
                                "tabel": manifest["tables"],
                            },
                            ensure_ascii=False,
                        ),
                    )
                ]
            )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest["tables"]


_NOT_EMPTY = (
    "Pemulihan hanya dapat dilakukan pada instalasi yang belum berisi data (belum ada "
    "impor). Pasang Pantau baru (basis data kosong), lalu pulihkan di sana."
)


def _stage(source: Source, manifest: dict, staging: Path) -> None:
    """Stream every file of the manifest into ``staging`` (never a whole member in memory),
    checking its sha256; :class:`BackupError` on the first missing, damaged or changed file."""
    with _open(source) as zf:
        for name, sha in manifest["files"].items():
            target = staging / PurePosixPath(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            try:
                with zf.open(name) as src, target.open("wb") as dst:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        dst.write(chunk)
            except KeyError:
                raise BackupError(f"Cadangan tidak lengkap: berkas '{name}' tidak ada.") from None
            except _ZIP_ERRORS:
                raise BackupError(_DAMAGED) from None
            if digest.hexdigest() != sha:
                raise BackupError(f"Cadangan rusak: isi berkas '{name}' tidak cocok dengan manifest.")


def _move_originals(src_root: Path, dst_root: Path) -> list[Path]:
    """Move the staged originals into the archive (same file system: a rename each); the paths
    placed, for :func:`_take_back`. A file already there (same name, hence same content) stays."""
    moved: list[Path] = []
    if not src_root.is_dir():
        return moved
    try:
        for path in sorted(p for p in src_root.rglob("*") if p.is_file()):
            target = dst_root / path.relative_to(src_root)
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            moved.append(target)
    except OSError as exc:
        _take_back(moved)
        log.warning("restore: originals not moved into place: %s", exc)
        raise BackupError(
            f"Berkas asli dari cadangan tidak dapat ditempatkan di folder arsip ({exc.strerror}). "
            "Tidak ada yang diubah."
        ) from None
    return moved


def _take_back(moved: list[Path]) -> None:
    for path in moved:
        path.unlink(missing_ok=True)


def server_backups(store: Store) -> list[Path]:
    """Backup zips an admin placed in ``<data dir>/pemulihan`` on the server (for backups larger
    than the page's upload limit), newest first."""
    folder = store.data_dir / RESTORE_FOLDER
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob("*.zip") if p.is_file()), key=lambda p: p.stat().st_mtime, reverse=True)
