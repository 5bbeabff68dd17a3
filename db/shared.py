"""One DuckDB file held open by this process for every :class:`~db.store.Store` of it, and handed
in turns to other processes (the app's server and a CLI import beside it).

DuckDB lets one process at a time have a database file open for writing. Opening the file for
every operation (as Pantau did before) costs 10-200 ms each time and made every browser session
wait behind every other one. Now a process keeps the file open while it has work and nobody
else asks for it:

* **Between processes.** The process that has the file open holds ``<db>.lock`` exclusively
  (``flock``). A process that wants the file and finds the lock taken holds ``<db>.want``
  shared while it waits. The holder's watcher thread notices the waiter (a non-blocking
  exclusive try on ``<db>.want`` fails), admits no new session, lets the running ones finish,
  closes the file (DuckDB checkpoints it) and releases the lock. A process that has just given
  the file up lets the waiters take it before it asks again, so a CLI import and the app take
  turns session by session and neither starves. Locks die with their process (``kill -9``).
  A file no session used for a few seconds is closed as well.
* **Within the process** (:meth:`SharedFile.acquire`). Reading sessions share the open
  database, each on its own DuckDB cursor. An update session (a block of reads that may end
  in writes) reads beside them, one at a time; when it writes it waits for the readers to
  finish and becomes a writing session, which has the database alone. Writers waiting go
  before new readers and update sessions. The Store checkpoints the file after a session that
  wrote, so the database file alone is complete after every write, as it was when every
  operation closed it.

A caller waits until its deadline, then gets :class:`StoreBusy`.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import threading
import time

import duckdb

# Per thread: Store sessions opened, seconds waited for the database (other sessions of this
# process, or another process) and seconds spent opening the file. Read and reset by the timing
# log of the app (ui.web.install_timing_log).
STATS = threading.local()

_WATCH_SECONDS = 0.02  # how often the holder looks for a process waiting for the file
IDLE_CLOSE_SECONDS = 5.0  # a file no session used for this long is closed (reopened when needed)


class StoreBusy(RuntimeError):
    """The database stayed locked by another process for longer than the wait allowed."""

    MESSAGE = (
        "Basis data sedang dipakai oleh proses lain (misalnya impor lewat baris perintah atau "
        "pengguna lain yang sedang menyimpan). Tunggu sebentar, lalu coba lagi."
    )

    def __init__(self, detail: str = ""):
        super().__init__(self.MESSAGE + (f" ({detail})" if detail else ""))


def _add(name: str, value: float) -> None:
    setattr(STATS, name, getattr(STATS, name, 0) + value)


def record_session(waited: float) -> None:
    """Count a Store session of this thread that did not go through :class:`SharedFile` (one on
    PostgreSQL) and the seconds it waited for its connection (a free one of the pool)."""
    _add("sessions", 1)
    _add("wait", waited)


def _try_flock(fd: int, mode: int) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


class SharedFile:
    """The open database file of one path in this process (get it with :func:`shared_file`)."""

    def __init__(self, path: str):
        self.path = path
        self.lock_path = path + ".lock"
        self.want_path = path + ".want"
        self._cond = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock_fd: int | None = None
        self._probe_fd: int | None = None
        self._readers = 0
        self._updater = False
        self._writer = False
        self._writers_waiting = 0  # writers waiting, and an update session waiting to write
        self._opening = False
        self._blocked = 0  # sessions of this process waiting for their turn
        # held by the one bookkeeping write at a time (DuckDB refuses two transactions writing one row)
        self.log_lock = threading.RLock()
        self._leaving = False  # another process waits: admit no one, close once idle
        self._gave_up = False  # just handed the file over: let the waiters take it first
        self._stores = 0  # open Stores of this path in this process
        self._watching = False  # a watcher thread runs (while the file is open)
        self._last_used = time.monotonic()

    # ------------------------------------------------------------------ Stores of the path
    def attach(self) -> None:
        """A Store of this path is in use."""
        with self._cond:
            self._stores += 1

    def detach(self) -> None:
        """A Store of this path was closed; the file is closed once no Store uses it."""
        with self._cond:
            self._stores -= 1
            if self._stores <= 0 and self._idle():
                self._close_locked(handed_over=False)

    # ------------------------------------------------------------------ sessions
    def acquire(self, mode: str, deadline: float) -> duckdb.DuckDBPyConnection:
        """A cursor on the open database for one session (:meth:`release` it). ``mode``:
        ``"read"`` (shared with the other readers and with one ``"update"`` session),
        ``"update"`` (reads beside the readers, may :meth:`upgrade` to writing; one at a time),
        ``"write"`` (alone) or ``"log"`` (a reader that writes bookkeeping rows no other session
        depends on, such as a sign-in's last activity: one at a time, holding :attr:`log_lock`).
        Waits until ``deadline`` (``time.monotonic``), then raises :class:`StoreBusy`."""
        start = time.perf_counter()
        cursor, opened = self._acquire(mode, deadline)
        # the place first, then the bookkeeping lock: the order of a bookkeeping write nested in a
        # reading session too (the other order waits forever for a reader that waits for the lock)
        if mode == "log" and not self.log_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            self._release_place(cursor, "read")
            raise StoreBusy()
        _add("sessions", 1)
        _add("open", opened)
        _add("wait", time.perf_counter() - start - opened)
        return cursor

    def _acquire(self, mode: str, deadline: float) -> tuple[duckdb.DuckDBPyConnection, float]:
        opened = 0.0
        with self._cond:
            if mode == "write":
                self._writers_waiting += 1
            try:
                while True:
                    free = not self._leaving and not self._writer
                    if mode in ("read", "log"):
                        admissible = free and self._writers_waiting == 0
                    elif mode == "update":
                        admissible = free and not self._updater and self._writers_waiting == 0
                    else:
                        admissible = free and not self._updater and self._readers == 0
                    if admissible and self._con is not None:
                        break
                    if admissible and not self._opening:
                        self._opening = True
                        self._cond.release()
                        t = time.perf_counter()
                        try:
                            self._take_file(deadline)
                        finally:
                            opened += time.perf_counter() - t
                            self._cond.acquire()
                            self._opening = False
                            self._cond.notify_all()
                        continue
                    self._blocked += 1
                    try:
                        self._wait(deadline)
                    finally:
                        self._blocked -= 1
                self._begin_locked(mode)
                try:
                    cursor = self._con.cursor()
                except BaseException:
                    self._end_locked(mode)
                    raise
            finally:
                if mode == "write":
                    self._writers_waiting -= 1
        return cursor, opened

    def upgrade(self, deadline: float) -> None:
        """Turn this thread's ``"update"`` session into a ``"write"`` one: wait until the readers
        have finished (new ones wait meanwhile; no other writer can come in between)."""
        start = time.perf_counter()
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._readers:
                    self._wait(deadline)
                self._updater, self._writer = False, True
            finally:
                self._writers_waiting -= 1
        _add("wait", time.perf_counter() - start)

    def wanted(self) -> bool:
        """Does a session wait for its turn: one of this process, or another process that asked
        for the file (noticed by the watcher)? A long batch of writes then ends its hold early."""
        with self._cond:
            return self._leaving or self._blocked > 0

    def release(self, cursor: duckdb.DuckDBPyConnection, mode: str) -> None:
        """End a session of :meth:`acquire` (``mode``: the one it has now)."""
        if mode == "log":
            self.log_lock.release()
        self._release_place(cursor, mode)

    def _release_place(self, cursor: duckdb.DuckDBPyConnection, mode: str) -> None:
        try:
            cursor.close()
        finally:
            with self._cond:
                self._end_locked(mode)

    def _wait(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StoreBusy()
        self._cond.wait(min(remaining, 0.5))

    def _begin_locked(self, mode: str) -> None:
        if mode in ("read", "log"):
            self._readers += 1
        elif mode == "update":
            self._updater = True
        else:
            self._writer = True

    def _end_locked(self, mode: str) -> None:
        self._last_used = time.monotonic()
        if mode in ("read", "log"):
            self._readers -= 1
        elif mode == "update":
            self._updater = False
        else:
            self._writer = False
        if self._idle() and (self._leaving or self._stores <= 0):
            self._close_locked(handed_over=self._leaving)
        self._cond.notify_all()

    def _idle(self) -> bool:
        return self._readers == 0 and not self._updater and not self._writer

    # ------------------------------------------------------------------ the file
    def _take_file(self, deadline: float) -> None:
        """Take ``<db>.lock`` and open the file (called by one thread at a time, without the
        condition held)."""
        if self._gave_up:
            self._gave_up = False
            # the processes that asked for the file take it (and leave <db>.want) before we ask again
            while self._someone_waits() and time.monotonic() < deadline:
                time.sleep(0.005)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_flock(fd, fcntl.LOCK_EX):
                self._wait_for_lock(fd, deadline)
            con = self._connect(deadline)
        except BaseException:
            os.close(fd)
            raise
        with self._cond:
            self._con, self._lock_fd = con, fd
            self._last_used = time.monotonic()
            self._cond.notify_all()
            if not self._watching:
                self._watching = True
                threading.Thread(target=self._watch, name=f"pantau-db-watch:{self.path}", daemon=True).start()

    def _wait_for_lock(self, fd: int, deadline: float) -> None:
        """Say (``<db>.want``) that this process waits, and wait for the lock file."""
        want = os.open(self.want_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            # blocking: others hold it exclusively only for a non-blocking try (microseconds)
            fcntl.flock(want, fcntl.LOCK_SH)
            delay = 0.005
            while not _try_flock(fd, fcntl.LOCK_EX):
                if time.monotonic() >= deadline:
                    raise StoreBusy()
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        finally:
            os.close(want)  # releases the shared lock

    def _connect(self, deadline: float) -> duckdb.DuckDBPyConnection:
        """Open the file; retry while a process outside Pantau's lock (e.g. the duckdb shell) holds it."""
        delay = 0.05
        while True:
            try:
                return duckdb.connect(self.path)
            except duckdb.IOException as exc:
                locked = "lock" in str(exc).lower()
                if not locked or time.monotonic() >= deadline:
                    raise (StoreBusy(str(exc).splitlines()[0]) if locked else exc) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _someone_waits(self) -> bool:
        """Does another process wait for the file (holds ``<db>.want``)?"""
        if self._probe_fd is None:
            self._probe_fd = os.open(self.want_path, os.O_RDWR | os.O_CREAT, 0o644)
        if _try_flock(self._probe_fd, fcntl.LOCK_EX):
            fcntl.flock(self._probe_fd, fcntl.LOCK_UN)
            return False
        return True

    def _close_locked(self, handed_over: bool) -> None:
        """Close the file (DuckDB checkpoints it) and release the lock file (condition held)."""
        if self._con is None:
            return
        con, fd = self._con, self._lock_fd
        self._con = self._lock_fd = None
        self._leaving = False
        self._gave_up = handed_over
        try:
            con.close()
        finally:
            if fd is not None:
                os.close(fd)
            self._cond.notify_all()

    def _watch(self) -> None:
        """While the file is open: hand it over when another process waits for it, and close it
        when no session has used it for :data:`IDLE_CLOSE_SECONDS`."""
        while True:
            with self._cond:
                if self._con is None:
                    self._watching = False
                    return
                if not self._leaving and self._someone_waits():
                    self._leaving = True
                if self._idle() and (self._leaving or time.monotonic() - self._last_used > IDLE_CLOSE_SECONDS):
                    self._close_locked(handed_over=self._leaving)
            time.sleep(_WATCH_SECONDS)

    def close(self) -> None:
        """Close the file now if no session runs (at exit)."""
        with self._cond:
            if self._idle():
                self._close_locked(handed_over=False)


_FILES: dict[str, SharedFile] = {}
_FILES_LOCK = threading.Lock()


def shared_file(path: str | os.PathLike) -> SharedFile:
    """The :class:`SharedFile` of a database path in this process (one per file)."""
    key = os.path.abspath(os.fspath(path))
    with _FILES_LOCK:
        shared = _FILES.get(key)
        if shared is None:
            shared = _FILES[key] = SharedFile(os.fspath(path))
        return shared


@atexit.register
def _close_all() -> None:
    for shared in list(_FILES.values()):
        with contextlib.suppress(Exception):
            shared.close()
