"""The server's log of unexpected failures: the technical detail (traceback, paths) goes here,
never to a page or to the CLI's output, which show a clear message and a reference code.

File: ``PANTAU_LOG``, else ``logs/pantau.log`` under the data folder (``PANTAU_DATA``, default
``data/``). A caller may also copy a record to the process's console (``console=True``), never
where the CLI runs: its stderr is what the user sees.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path

from db.store import default_data_dir

LOGGER = "pantau"
_lock = threading.Lock()


def log_path() -> Path:
    """Where the log is written."""
    return Path(os.environ.get("PANTAU_LOG") or default_data_dir() / "logs" / "pantau.log")


def _logger(console: bool) -> logging.Logger:
    log = logging.getLogger(LOGGER)
    with _lock:
        wanted = str(log_path())
        if not any(getattr(h, "baseFilename", None) == os.path.abspath(wanted) for h in log.handlers):
            for h in [h for h in log.handlers if isinstance(h, RotatingFileHandler)]:
                log.removeHandler(h)  # PANTAU_LOG or PANTAU_DATA changed (tests)
                h.close()
            try:
                Path(wanted).parent.mkdir(parents=True, exist_ok=True)
                handler = RotatingFileHandler(wanted, maxBytes=5 * 1024**2, backupCount=3, encoding="utf-8")
            except OSError:
                handler = None
            if handler is not None:
                handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
                log.addHandler(handler)
        log.setLevel(logging.INFO)
        # the app's console is the server's log too; the CLI's stderr is the user's screen
        log.propagate = console
    return log


def log_failure(where: str, exc: BaseException, *, console: bool = False) -> str:
    """Record ``exc`` with its traceback in the log; return a short reference code to quote in the
    message shown to the user (so an admin finds the entry). ``console``: let the record reach
    the process's stderr as well (only where stderr is the server's console, never in code the
    CLI runs: there stderr is the user's screen). Never raises."""
    ref = secrets.token_hex(4)
    try:
        _logger(console).error("[%s] %s", ref, where, exc_info=(type(exc), exc, exc.__traceback__))
    except Exception:  # the log must never be the next failure
        if console:
            print(f"pantau [{ref}] {where}: {type(exc).__name__}", file=sys.stderr)
    return ref
