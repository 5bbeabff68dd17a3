"""The province bench's counter of Store sessions (bench/province_bench.py, issue 18's page
figures): it must keep working when the Store's session machinery changes (it broke once when the
shared DuckDB file replaced one connection per session, and ``make bench`` lost its first renders)."""

from __future__ import annotations

import threading

from bench.province_bench import _SessionCounter
from db.store import Store


def test_counts_outermost_sessions_of_any_thread_and_restores_the_store(tmp_path):
    store = Store(tmp_path / "pantau.duckdb")
    original = Store._session
    with _SessionCounter() as counter:
        with store.session(write=False):
            with store.session(write=False):  # nested: the same session
                store.periods()
        worker = threading.Thread(target=lambda: store.dpa_years())
        worker.start()
        worker.join()
        assert counter.n == 2  # the nested block is one session; the worker's read another
        store.periods()
        assert counter.n == 3
    assert Store._session is original
    store.close()
