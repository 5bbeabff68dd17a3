"""Writing the CLI's output files, and who the audit log records for them."""

from __future__ import annotations

import sys
from pathlib import Path

from core.auth import AuthError, cli_actor
from db.store import Store


def write_output(out: Path, data: bytes) -> bool:
    """Write ``data`` to ``out`` whole or not at all (a temporary file renamed into place); on
    failure print an Indonesian message to stderr and return False."""
    tmp = out.with_name(out.name + ".tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(out)
        return True
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # the folder itself could not be made (a file of that name): nothing to remove
            pass
        print(f"Kesalahan: berkas '{out}' tidak dapat ditulis: {exc.strerror}.", file=sys.stderr)
        return False


def actor(store: Store, args, roles: frozenset[str] | set[str], what: str) -> str | None:
    """The audit name of this run (:func:`core.auth.cli_actor`), or ``None`` after printing why
    the account named by ``--user`` may not be used."""
    try:
        return cli_actor(store, getattr(args, "user", None), roles, what)
    except AuthError as exc:
        print(f"Kesalahan: {exc}", file=sys.stderr)
        return None


def record_written(store: Store, who: str, out: Path, what: str) -> None:
    """Audit a file the command line wrote, as a download from a page is audited (action
    ``download``, the file name, what it holds), with where it was written."""
    store.audit_many([(who, "download", out.name, f"{what}; ditulis lewat baris perintah ke {out.resolve()}")])
