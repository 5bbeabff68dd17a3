"""The open database file shared by the Stores of a process (db/shared.py).

Readers of one process run side by side; a writer has the database alone and goes before new
readers; a block that reads and then writes sees no other writer in between; another process
that wants the file gets it while this process keeps reading, and the file alone holds every
committed write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT

from db import shared
from db.store import Store


def _users(store: Store) -> list[str]:
    return [u for (u,) in store.sql("SELECT username FROM app_user ORDER BY username")]


def _add_user(store: Store, name: str) -> None:
    from core.auth import create_user

    create_user(store, "uji", name, name.title(), "viewer", "Sandi-Uji-2026", must_change_password=False)


def test_readers_run_side_by_side_and_a_writer_has_the_database_alone(tmp_path):
    store = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    inside = threading.Barrier(4, timeout=10)
    order: list[str] = []

    def reader(name: str) -> None:
        with store.session(write=False):
            store.count_users()
            inside.wait()  # all three readers are inside at the same time, or this breaks
            time.sleep(0.3)
            order.append(f"{name} out")

    readers = [threading.Thread(target=reader, args=(f"r{i}",)) for i in range(3)]
    for t in readers:
        t.start()
    inside.wait()
    # a writer that comes while they read waits for all of them (and nobody reads beside it)
    with store.session(write=True):
        order.append("writer in")
        _add_user(store, "budi")
    for t in readers:
        t.join(10)
    assert order[-1] == "writer in" and sorted(order[:3]) == ["r0 out", "r1 out", "r2 out"]
    assert _users(store) == ["budi"]


def test_a_waiting_writer_goes_before_new_readers(tmp_path):
    store = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    first_in, let_go = threading.Event(), threading.Event()
    seen: dict[str, int] = {}

    def long_reader() -> None:
        with store.session(write=False):
            first_in.set()
            let_go.wait(10)

    def writer() -> None:
        with store.session(write=True):
            _add_user(store, "citra")

    def late_reader() -> None:
        seen["users"] = store.count_users()

    t1 = threading.Thread(target=long_reader)
    t1.start()
    assert first_in.wait(10)
    tw = threading.Thread(target=writer)
    tw.start()
    time.sleep(0.2)  # the writer waits for the long reader
    t2 = threading.Thread(target=late_reader)
    t2.start()
    time.sleep(0.2)
    assert "users" not in seen  # the late reader waits behind the writer
    let_go.set()
    for t in (t1, tw, t2):
        t.join(10)
    assert seen["users"] == 1  # and then sees the writer's work, whole


def test_a_block_that_reads_then_writes_has_no_writer_in_between(tmp_path):
    store = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    store.sql("CREATE TABLE counter (n INTEGER)")
    store.sql("INSERT INTO counter VALUES (0)")

    def bump() -> None:
        for _ in range(20):
            with store.session():  # an update block: reads beside the readers, writes alone
                (n,) = store.con.execute("SELECT n FROM counter").fetchone()
                time.sleep(0.001)
                store._wrote()  # from here on it has the database alone
                store.con.execute("UPDATE counter SET n = ?", [n + 1])

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert store.sql("SELECT n FROM counter") == [(80,)]  # no lost update


def test_a_reading_session_cannot_write(tmp_path):
    store = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    with store.session(write=False):
        with pytest.raises(RuntimeError, match="read session cannot change data"):
            _add_user(store, "dewi")
    assert _users(store) == []


def _other_process(db: Path, code: str, wait: str = "20") -> subprocess.Popen:
    script = f"from db.store import Store\nstore = Store({str(db)!r})\n{code}\n"
    env = {**os.environ, "PANTAU_DB_WAIT": wait, "PANTAU_DATA": str(db.parent)}
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_another_process_gets_the_file_while_this_one_keeps_reading(tmp_path):
    db = tmp_path / "pantau.duckdb"
    store = Store(db, data_dir=tmp_path)
    stop = threading.Event()
    reads = [0]

    def keep_reading() -> None:  # always some reader inside, as 30 browser sessions are
        while not stop.is_set():
            with store.session(write=False):
                store.count_users()
                time.sleep(0.01)
            reads[0] += 1

    readers = [threading.Thread(target=keep_reading) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        time.sleep(0.3)
        other = _other_process(
            db,
            "from core.auth import create_user\n"
            "create_user(store, 'cli', 'eko', 'Eko', 'viewer', 'Sandi-Uji-2026', must_change_password=False)\n"
            "print(store.count_users())",
        )
        out, err = other.communicate(timeout=120)
        # it waits at most PANTAU_DB_WAIT (20 s) for the file, else it fails with StoreBusy
        assert other.returncode == 0, err
        assert out.strip() == "1"
        before = reads[0]
        time.sleep(0.3)
        assert reads[0] > before  # and this process reads again afterwards
    finally:
        stop.set()
        for t in readers:
            t.join(10)
    assert _users(store) == ["eko"]  # this process sees the other's write


def test_an_idle_process_hands_the_file_over_and_takes_it_back(tmp_path):
    db = tmp_path / "pantau.duckdb"
    store = Store(db, data_dir=tmp_path)
    _add_user(store, "fajar")  # the file is open in this process now, and nobody is using it
    other = _other_process(db, "print(store.count_users())", wait="5")
    out, err = other.communicate(timeout=60)
    assert other.returncode == 0, err
    assert out.strip() == "1"
    assert store.count_users() == 1


def test_the_file_alone_holds_every_committed_write(tmp_path):
    db = tmp_path / "pantau.duckdb"
    store = Store(db, data_dir=tmp_path)
    _add_user(store, "gita")  # the Store keeps the file open: the write is checkpointed anyway
    copy = tmp_path / "salinan.duckdb"
    shutil.copyfile(db, copy)  # the file only, no write-ahead log beside it
    con = duckdb.connect(str(copy), read_only=True)
    try:
        assert con.execute("SELECT username FROM app_user").fetchall() == [("gita",)]
    finally:
        con.close()


def test_closing_every_store_of_the_file_closes_it(tmp_path):
    db = tmp_path / "pantau.duckdb"
    a, b = Store(db, data_dir=tmp_path), Store(db, data_dir=tmp_path)
    a.count_users()
    b.count_users()
    a.close()
    assert shared.shared_file(db)._con is not None  # b still uses it
    b.close()
    assert shared.shared_file(db)._con is None
    con = duckdb.connect(str(db), read_only=True)  # another program may open it now
    con.close()


def test_timing_counters_say_sessions_waits_and_opens(tmp_path):
    db = tmp_path / "pantau.duckdb"
    store = Store(db, data_dir=tmp_path)
    store.close()  # closed: the next session opens the file
    shared.STATS.sessions, shared.STATS.wait, shared.STATS.open = 0, 0.0, 0.0
    store.count_users()
    store.count_users()
    assert shared.STATS.sessions == 2
    assert shared.STATS.open > 0 and shared.STATS.wait >= 0


def test_a_file_nobody_uses_is_closed_and_opened_again_when_needed(tmp_path, monkeypatch):
    monkeypatch.setattr(shared, "IDLE_CLOSE_SECONDS", 0.2)
    db = tmp_path / "pantau.duckdb"
    store = Store(db, data_dir=tmp_path)
    _add_user(store, "hana")
    deadline = time.monotonic() + 10
    while shared.shared_file(db)._con is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert shared.shared_file(db)._con is None
    assert _users(store) == ["hana"]  # opened again


def test_a_store_dropped_without_close_gives_up_its_share(tmp_path):
    import gc

    db = tmp_path / "pantau.duckdb"
    store = Store(db, data_dir=tmp_path)
    store.count_users()
    assert shared.shared_file(db)._con is not None
    del store
    gc.collect()
    assert shared.shared_file(db)._con is None


def test_sign_in_bookkeeping_runs_beside_readers_one_at_a_time(tmp_path):
    import datetime as dt

    store = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    now = dt.datetime(2026, 5, 1, 8, 0)
    store.insert_login_session("s1", "budi", "kode", now + dt.timedelta(minutes=5), now)
    reader_in, let_go = threading.Event(), threading.Event()

    def long_reader() -> None:
        with store.session(write=False):
            reader_in.set()
            let_go.wait(10)

    t = threading.Thread(target=long_reader)
    t.start()
    assert reader_in.wait(10)
    errors: list[BaseException] = []

    def touch(i: int) -> None:
        try:
            for k in range(20):  # the same row from four threads: never a transaction conflict
                store.touch_login_session("s1", now + dt.timedelta(seconds=i * 100 + k))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    touchers = [threading.Thread(target=touch, args=(i,)) for i in range(4)]
    for x in touchers:
        x.start()
    for x in touchers:
        x.join(30)
    assert not any(x.is_alive() for x in touchers)  # done while the reader still reads
    let_go.set()
    t.join(10)
    assert not errors, errors
    assert store.sql("SELECT count(*) FROM login_session") == [(1,)]
    with store.bookkeeping():
        with pytest.raises(RuntimeError, match="log session cannot change data"):
            _add_user(store, "budi")


def test_bookkeeping_inside_a_read_while_others_wait_does_not_lock_up(tmp_path):
    import datetime as dt

    store = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path, wait=10)
    now = dt.datetime(2026, 5, 1, 8, 0)
    store.insert_login_session("s1", "budi", "kode", now + dt.timedelta(minutes=5), now)
    reading, go_on = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def page() -> None:  # a page run: reads, then records the session's activity inside its read
        try:
            with store.session(write=False):
                reading.set()
                go_on.wait(10)
                store.touch_login_session("s1", now + dt.timedelta(seconds=1))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def writer() -> None:
        try:
            _add_user(store, "citra")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def other_touch() -> None:  # waits for a place behind the writer
        try:
            store.touch_login_session("s1", now + dt.timedelta(seconds=2))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=page)]
    threads[0].start()
    assert reading.wait(10)
    for target in (writer, other_touch):
        threads.append(threading.Thread(target=target))
        threads[-1].start()
        time.sleep(0.2)
    started = time.monotonic()
    go_on.set()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert time.monotonic() - started < 5
    assert _users(store) == ["citra"]
