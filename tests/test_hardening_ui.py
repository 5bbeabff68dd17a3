"""Issue 15 item 5 in the app: no traceback reaches a user while the database is busy at the
login screen, or for a report with values too large to be real (preview, save, Ringkasan)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest
from test_hardening_numbers import _csv_with_huge_values, _xlsx_with_huge_values
from test_pages import APP, DPA, FIXTURES, new_app, open_impor, run, save

from db.store import Store, StoreBusy


@contextmanager
def _held(db: Path):
    """The database held by another process-like writer until the block ends."""
    holder = Store(db, data_dir=db.parent / "data")
    held, release = threading.Event(), threading.Event()

    def hold():
        with holder.session(write=True):  # a writing session: the database alone
            held.set()
            release.wait(60)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        t.join()


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.warning, *at.error, *at.info, *at.success)]
    return "\n".join(str(p) for p in parts)


def test_login_screen_while_the_database_is_busy_says_so(app_env, monkeypatch):
    monkeypatch.setenv("PANTAU_DB_WAIT", "0.3")
    Store(app_env, data_dir=app_env.parent / "data")  # the database exists, no account yet
    with _held(app_env):
        # the app's first opening of the store (it migrates) finds the database busy
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        assert [w.value for w in at.warning] == [StoreBusy.MESSAGE]
    at.run()  # free again: the first-run screen
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning
    with _held(app_env):
        at.run()  # the store is open now; the login screen's own reads find it busy
        assert not at.exception, [e.value for e in at.exception]
        assert [w.value for w in at.warning] == [StoreBusy.MESSAGE]
        assert "Traceback" not in _texts(at) and str(app_env.parent) not in _texts(at)


def test_report_with_huge_values_previews_saves_and_shows_without_a_traceback(app_env, tmp_path):
    from etl.pipeline import ingest_paths

    store = Store(app_env, data_dir=app_env.parent / "data")
    assert [r["status"] for r in ingest_paths(store, [FIXTURES / DPA])] == ["accepted"]
    files = [_csv_with_huge_values(tmp_path), _xlsx_with_huge_values(tmp_path)]
    at = run(new_app())
    open_impor(at)
    at.file_uploader[0].set_value([(p.name, p.read_bytes(), "application/octet-stream") for p in files])
    run(at)  # the preview
    shown = _texts(at) + "\n".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "terlalu besar" in shown and "∞" not in shown and "inf" not in shown.lower().split()
    save(at)
    assert store.count_rows("realisasi") > 0
    at.switch_page("views/ringkasan.py")
    run(at)
    page = _texts(at) + "\n".join(str(m.value) for m in at.metric)
    assert "∞" not in page and "nan" not in page.lower().split()
