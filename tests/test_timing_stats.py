"""The per-thread database figures behind the server's timing log (``db.shared.STATS``, read by
``ui.web.install_timing_log`` for bench/load.py): every Store session is counted and its wait for
the database recorded, on a DuckDB file and on PostgreSQL (a free connection of the pool)."""

from __future__ import annotations

from db import shared


def _reset() -> None:
    shared.STATS.sessions = 0
    shared.STATS.wait = shared.STATS.open = 0.0


def test_each_store_session_is_counted_with_its_wait(both_store):
    both_store.periods()  # the first opening (migrations, the pool) is not what is measured
    _reset()
    both_store.periods()
    with both_store.session(write=False):
        both_store.dpa_years()
        both_store.periods()  # inside the same session: not another one
    assert shared.STATS.sessions == 2
    assert 0.0 <= shared.STATS.wait < 5.0
