"""Several writers on one DuckDB file, and a CLI import killed halfway.

DuckDB lets one process write a file at a time; the process that has it open hands it to a
process waiting for it between sessions (db/shared.py), and within the app process writing
sessions have it alone, so browser sessions (threads of the app process) and CLI imports
(other processes) take turns. These tests prove that every import lands, that a
writer that waits too long gets a clear Indonesian message, and that a SIGKILL leaves every
file fully in or fully out, with a re-run completing the batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import DPA_FIXTURE, ROOT

from core.auth import os_user
from db.store import Store, StoreBusy
from etl.pipeline import Upload, commit_batch, ingest_paths
from scripts import synth

N_OPD, SUBS, MONTHS = 16, 60, 12


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict:
    """A generated kabupaten: DPA plus N_OPD x MONTHS single-month CSV reports."""
    work = tmp_path_factory.mktemp("batch")
    master = synth.make_master(seed=5, n_opd=N_OPD, subkeg_per_opd=SUBS)
    dpa = work / "dpa.xlsx"
    synth.write_dpa_xlsx(master, dpa)
    reports = []
    (work / "reports").mkdir()
    for opd in master.opds:
        for month in range(1, MONTHS + 1):
            reports.append(Path(synth.write_report(master, opd, 2026, month, "V4", work / "reports").path))
    return {"dpa": dpa, "reports": sorted(reports)}


def _cli(db: Path, files: list[Path], **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "ingest", "--db", str(db), "--json", *map(str, files)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PANTAU_DATA": str(db.parent), **env},
    )


def _loaded_files(store: Store) -> set[str]:
    return {r[0] for r in store.sql("SELECT file_name FROM import WHERE kind = 'realisasi'")}


def _assert_every_file_whole(store: Store) -> None:
    """Every import row has exactly its leaf rows; no leaf row without its import."""
    broken = store.sql("""
        SELECT i.id, i.file_name, i.rows_accepted, count(r.import_id)
        FROM import i LEFT JOIN realisasi r ON r.import_id = i.id
        WHERE i.kind = 'realisasi' GROUP BY ALL HAVING count(r.import_id) <> i.rows_accepted""")
    assert broken == []
    orphans = store.sql("SELECT count(*) FROM realisasi WHERE import_id NOT IN (SELECT id FROM import)")
    assert orphans == [(0,)]


def test_app_sessions_and_cli_write_at_once(batch, tmp_path):
    db = tmp_path / "pantau.duckdb"
    app_store = Store(db, data_dir=tmp_path)  # the app process: one Store, many sessions (threads)
    assert ingest_paths(app_store, [batch["dpa"]])[0]["status"] == "accepted"
    reports = batch["reports"]
    session_a, session_b, cli_files = reports[0::3], reports[1::3], reports[2::3]
    errors: list[BaseException] = []
    results: dict[str, list] = {}

    def upload(name: str, files: list[Path]) -> None:
        try:
            # one file per click, as people do, so the sessions interleave with each other and the CLI
            results[name] = [commit_batch(app_store, [Upload(f.name, f.read_bytes())], name)[0] for f in files]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    cli = _cli(db, cli_files)
    threads = [threading.Thread(target=upload, args=(n, f)) for n, f in (("sesi_a", session_a), ("sesi_b", session_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    out, err = cli.communicate(timeout=300)
    assert not errors, errors
    assert cli.returncode == 0, (
        err,
        [(r["file"], r["status"], r["issues"][:1]) for r in json.loads(out or "[]") if r["status"] != "accepted"][:3],
    )
    assert "Traceback" not in err
    cli_results = json.loads(out)
    assert {r["file"] for r in cli_results} == {f.name for f in cli_files}
    assert {r["status"] for r in cli_results} == {"accepted"}
    for name in ("sesi_a", "sesi_b"):
        assert {r[0]["status"] for r in results[name]} == {"accepted"}, name
    assert _loaded_files(app_store) == {f.name for f in reports}
    _assert_every_file_whole(app_store)
    by_user = dict(app_store.sql("SELECT created_by, count(*) FROM import WHERE kind = 'realisasi' GROUP BY 1"))
    # the CLI without --user records the OS account it ran under (core.auth.cli_actor)
    assert by_user == {"sesi_a": len(session_a), "sesi_b": len(session_b), f"cli:{os_user()}": len(cli_files)}


def test_a_writer_that_waits_too_long_is_told_to_try_again(tmp_path):
    db = tmp_path / "pantau.duckdb"
    holder = Store(db, data_dir=tmp_path)
    impatient = Store(db, data_dir=tmp_path, wait=0.3)
    held, release = threading.Event(), threading.Event()

    def hold():
        with holder.session(write=True):  # a writer: it has the database alone
            held.set()
            release.wait(30)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="sedang dipakai .* coba lagi"):
            impatient.count_users()
        assert time.monotonic() - started < 5
        # the CLI says the same, in one line, with exit code 1
        cli = _cli(db, [DPA_FIXTURE], PANTAU_DB_WAIT="0.5")
        out, err = cli.communicate(timeout=120)
        assert cli.returncode == 1
        assert "sedang dipakai" in err and "Traceback" not in err
    finally:
        release.set()
        t.join()
    assert impatient.count_users() == 0  # free again: works at once


def test_sigkill_midway_leaves_whole_files_and_rerun_completes(batch, tmp_path):
    db = tmp_path / "pantau.duckdb"
    store = Store(db, data_dir=tmp_path)
    assert ingest_paths(store, [batch["dpa"]])[0]["status"] == "accepted"
    reports = batch["reports"]
    version_file = Path(str(db) + ".version")
    start_version = store.data_version()

    cli = _cli(db, reports)
    # Kill as soon as the first chunk of files is committed (the version file moves), i.e. midway.
    deadline = time.monotonic() + 120
    while cli.poll() is None and time.monotonic() < deadline:
        try:
            if int(version_file.read_text() or 0) > start_version:
                break
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.005)
    assert cli.poll() is None, "the CLI finished before it could be killed; make the batch larger"
    os.kill(cli.pid, signal.SIGKILL)
    cli.wait(timeout=30)
    assert cli.returncode == -signal.SIGKILL

    store = Store(db, data_dir=tmp_path)  # the database opens after the crash
    loaded = _loaded_files(store)
    assert 0 < len(loaded) < len(reports), len(loaded)
    _assert_every_file_whole(store)

    rerun = _cli(db, reports)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    statuses = {r["file"]: r["status"] for r in json.loads(out)}
    assert {f for f, s in statuses.items() if s == "duplicate"} == loaded
    assert {f for f, s in statuses.items() if s == "accepted"} == {f.name for f in reports} - loaded
    assert _loaded_files(store) == {f.name for f in reports}
    _assert_every_file_whole(store)
    assert store.sql("SELECT count(*) FROM import WHERE kind = 'realisasi'") == [(len(reports),)]


def test_a_batch_hands_the_database_over_between_files_when_a_reader_waits(batch, tmp_path, monkeypatch):
    """A batch of reports holds the database for many files only while nobody else asks for it:
    a reader that asks while the first file is written reads before the second one is written
    (not after the whole batch), and every file still lands."""
    from etl import pipeline

    store = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    assert ingest_paths(store, [batch["dpa"]])[0]["status"] == "accepted"
    files = batch["reports"][:4]
    events: list[str] = []
    real_write = pipeline._write

    def read():
        with store.session(write=False):
            store.con.execute("SELECT count(*) FROM realisasi").fetchall()
        events.append("read")

    reader = threading.Thread(target=read)

    def watched_write(s, analysis, user):
        events.append(f"write {analysis.name}")
        if len(events) == 1:  # the first file: a reader comes and waits for its turn
            reader.start()
            deadline = time.monotonic() + 10
            while not s.others_waiting() and time.monotonic() < deadline:
                time.sleep(0.005)
            assert s.others_waiting()
        real_write(s, analysis, user)

    monkeypatch.setattr(pipeline, "_write", watched_write)
    results = ingest_paths(store, files)
    reader.join(10)
    assert [r["status"] for r in results] == ["accepted"] * len(files)
    assert events[:3] == [f"write {files[0].name}", "read", f"write {files[1].name}"], events
    assert _loaded_files(store) == {f.name for f in files}
    assert not store.others_waiting()
    store.close()
