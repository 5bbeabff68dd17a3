"""The HTTP side of the sign-in session: a route that puts the session token in an HttpOnly
cookie, and a middleware that lets downloads and uploads through only with a valid cookie.

Both are Starlette parts given to ``st.App`` by ``serve.py`` (``make run`` starts
``streamlit run serve.py``, which serves ``app.py``). A page script cannot set an HttpOnly
cookie, so a successful sign-in (``ui/auth.py``) records the session in the database and hands
the browser a one-time code; the browser posts it to :data:`SESSION_PATH`, which redeems it
(:func:`core.sessions.redeem`) and answers with the cookie; the page then reloads and every
script run reads the cookie (``st.context.cookies``) and checks it against the database.

:func:`install_timing_log` (off unless ``PANTAU_TIMING_LOG`` names a file) records the server's own
time of every script run, one JSON line each, for ``bench/load.py``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from core import sessions
from core.auth import MAX_SESSION
from db import shared
from db.store import Store, StoreBusy, default_data_dir, default_db_path

TIMING_ENV = "PANTAU_TIMING_LOG"  # file that receives one JSON line per script run (unset: off)
SESSION_PATH = "/pantau/sesi"  # POST kode=<one-time code> -> 204 with the session cookie
GUARDED = ("/media/", "/_stcore/upload_file/")  # need a valid session cookie
DENIED = "Akses ditolak: masuk ke Pantau terlebih dahulu, lalu unduh dari halaman aplikasi."

_LOG = logging.getLogger("pantau.web")
_state: dict[str, Any] = {"active": False, "store": None}


def active() -> bool:
    """Does this process serve the cookie route (started through ``serve.py``)?"""
    return bool(_state["active"])


def _store() -> Store:
    path = str(default_db_path())
    store = _state["store"]
    if store is None or str(store.path) != path:
        store = _state["store"] = Store(path, data_dir=default_data_dir())
    return store


def _https(conn: HTTPConnection) -> bool:
    return conn.url.scheme in ("https", "wss") or conn.headers.get("x-forwarded-proto", "").lower() == "https"


def _same_origin(conn: HTTPConnection) -> bool:
    """A request from a page of this server (or from no page at all: no Origin header)."""
    origin = conn.headers.get("origin")
    if not origin:
        return True
    host = conn.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


async def _session_cookie(request: Request) -> Response:
    """Redeem the one-time code of a sign-in and set the session cookie."""
    if not _same_origin(request):
        return PlainTextResponse("Permintaan ditolak.", status_code=403)
    try:
        form = await request.form()
        code = str(form.get("kode") or "")
        token = await run_in_threadpool(sessions.redeem, _store(), code)
    except StoreBusy:
        return PlainTextResponse(StoreBusy.MESSAGE, status_code=503)
    except Exception:  # noqa: BLE001 - logged; the browser gets a plain message, never a traceback
        _LOG.exception("session cookie route failed")
        return PlainTextResponse("Terjadi kesalahan saat masuk. Coba lagi.", status_code=500)
    if not token:
        return PlainTextResponse("Kode masuk tidak berlaku lagi. Silakan masuk kembali.", status_code=400)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        sessions.COOKIE,
        token,
        max_age=int(MAX_SESSION.total_seconds()),
        path="/",
        secure=_https(request),
        httponly=True,
        samesite="strict",
    )
    return response


def routes() -> list[Route]:
    """The routes ``st.App`` serves beside Streamlit's own."""
    return [Route(SESSION_PATH, _session_cookie, methods=["POST"])]


class SessionGuard:
    """ASGI middleware: media files (downloads) and uploads need a valid session cookie; any
    other request passes unchanged (the app's pages check the cookie on every script run)."""

    def __init__(self, app) -> None:
        self.app = app
        _state["active"] = True

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(GUARDED):
            conn = HTTPConnection(scope)
            try:
                allowed = await run_in_threadpool(self._valid, conn.cookies.get(sessions.COOKIE))
            except Exception:  # noqa: BLE001 - logged; refuse rather than fail open
                _LOG.exception("session check of %s failed", scope.get("path"))
                allowed = False
            if not allowed:
                await PlainTextResponse(DENIED, status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _valid(token: str | None) -> bool:
        return bool(token) and sessions.check(_store(), token).user is not None


def middleware() -> list[Middleware]:
    """The middleware ``st.App`` runs before Streamlit's own."""
    return [Middleware(SessionGuard)]


def install_timing_log() -> bool:
    """When ``PANTAU_TIMING_LOG`` names a file, append to it one JSON line per script run of
    this server: ``t`` (epoch seconds at the end), ``seconds`` (wall clock of the run),
    ``cpu_seconds`` (CPU time of the script thread), ``page`` (file name of the page that ran, e.g. ``rekap``),
    ``session`` (Streamlit session id), ``outcome`` (``ok``, ``rerun``, ``stop`` or
    ``exception``), and of the database (:data:`db.shared.STATS`): ``db_sessions`` (Store
    sessions opened), the seconds spent waiting for the database (``db_lock_wait_seconds``:
    on a DuckDB file for a writing session of this process or for another process that had the
    file; on PostgreSQL for a free connection of the pool) and
    opening the file (``db_open_seconds``). Off (and free) when the variable is unset. Wraps the
    function through which Streamlit's ScriptRunner executes the script; returns whether the log
    is on."""
    path = os.environ.get(TIMING_ENV)
    if not path:
        return False
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.exec_func_with_error_handling
    if getattr(original, "_pantau_timed", False):
        return True
    lock = threading.Lock()
    spent = shared.STATS

    def timed(func, ctx):
        spent.wait = spent.open = 0.0
        spent.sessions = 0
        start, cpu = time.perf_counter(), time.thread_time()
        result = original(func, ctx)
        seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
        _, ok, rerun, stopped, uncaught = result
        outcome = "exception" if uncaught else "rerun" if rerun else "stop" if stopped else "ok" if ok else "error"
        try:
            info = ctx.pages_manager.get_pages().get(ctx.pages_manager.current_page_script_hash, {})
            script = os.path.basename(str(info.get("script_path") or ""))
            page = os.path.splitext(script)[0] or info.get("page_name", "")
        except Exception:  # noqa: BLE001 - the page name is a nicety; the timing is what counts
            page = ""
        line = json.dumps(
            {
                "t": round(time.time(), 3),
                "seconds": round(seconds, 4),
                "cpu_seconds": round(cpu, 4),
                "page": page,
                "db_sessions": spent.sessions,
                "db_lock_wait_seconds": round(spent.wait, 4),
                "db_open_seconds": round(spent.open, 4),
                "session": ctx.session_id,
                "outcome": outcome,
            }
        )
        with lock, open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
        return result

    timed._pantau_timed = True  # type: ignore[attr-defined]
    script_runner.exec_func_with_error_handling = timed
    return True
