"""Writing the CLI's output files."""

from __future__ import annotations

import sys
from pathlib import Path


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
        tmp.unlink(missing_ok=True)
        print(f"Kesalahan: berkas '{out}' tidak dapat ditulis: {exc.strerror}.", file=sys.stderr)
        return False
