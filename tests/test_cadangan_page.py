"""The Cadangan page's restore (issue 15, item 6) through AppTest: a tampered backup (one more admin,
its sums recomputed, the signature left as it was) is refused with a clear message and changes
nothing; the good backup restores, and the admin who restored it is signed out with the notice
that tells them to sign in with an account of the backup."""

from __future__ import annotations

import shutil

from test_backup import _retamper
from test_pages import DINKES_MAR, DPA, FIXTURES, new_app, run

from core.auth import create_user
from core.backup import KEY_FILE, make_backup
from db.store import Store
from etl.pipeline import ingest_paths

NOTICE = "Cadangan berhasil dipulihkan. Masuk dengan akun dari cadangan."


def _texts(at) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.warning, *at.error, *at.info, *at.success)]
    return "\n".join(str(p) for p in parts)


def _restore_button(at):
    return next(b for b in at.button if b.label == "Pulihkan sekarang")


def test_restore_page_refuses_a_tampered_backup_and_restores_a_good_one(app_env, tmp_path):
    # the install that made the backup; this install holds its key (the same Pantau moved to a new disk)
    source = Store(tmp_path / "asal" / "pantau.duckdb", data_dir=tmp_path / "asal")
    results = ingest_paths(source, [FIXTURES / DPA, FIXTURES / DINKES_MAR])
    assert all(r["status"] in ("accepted", "flagged") for r in results), results
    create_user(source, "test", "admin1", "Admin Satu", "admin", "Rahasia-2026")
    good = make_backup(source, "admin1")
    tampered = _retamper(good)
    data_dir = app_env.parent / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source.data_dir / KEY_FILE, data_dir / KEY_FILE)
    store = Store(app_env, data_dir=data_dir)

    at = run(new_app())
    at.switch_page("views/cadangan.py")
    run(at)
    assert [t.value for t in at.title] == ["Cadangan dan Pemulihan"]

    # tampered: refused before anything is written, in plain words, no traceback
    at.file_uploader[0].set_value([("cadangan.zip", tampered, "application/zip")])
    run(at)
    refusals = [e.value for e in at.error]
    if not refusals:  # refused when restoring rather than when inspecting: the button says so
        assert not _restore_button(at).disabled
        _restore_button(at).click()
        run(at)
        refusals = [e.value for e in at.error]
    assert len(refusals) == 1 and "Tanda tangan cadangan tidak cocok" in refusals[0].replace("\\", ""), refusals
    assert "Traceback" not in _texts(at) and str(tmp_path) not in _texts(at)
    assert store.is_empty() and store.get_user("penyusup") is None and store.get_user("admin1") is None
    assert not any(p.is_file() for p in (data_dir / "archive").rglob("*"))  # no original moved in

    # the good backup: signature checked, restored, the admin signed out with the right notice
    at.file_uploader[0].set_value([("cadangan.zip", good, "application/zip")])
    run(at)
    assert not at.error, [e.value for e in at.error]
    assert any("Tanda tangan cadangan cocok" in s.value for s in at.success)
    assert "Admin Satu" not in _texts(at) and "admin1" in _texts(at)  # made by admin1
    _restore_button(at).click()
    run(at)
    assert store.count_rows("realisasi") == source.count_rows("realisasi") > 0
    assert store.get_user("admin1") is not None and store.get_user("penyusup") is None
    shown = _texts(at)
    assert NOTICE in shown.replace("\\", ""), shown
    assert "dinonaktifkan" not in shown and "terlalu lama" not in shown
    assert not [t.value for t in at.title if t.value == "Cadangan dan Pemulihan"]  # the login screen now
    assert store.audit_entries(action="restore")["actor"].tolist() == ["admin"]
