"""Concurrent imports on PostgreSQL, the server way (issue 19): no lock file, each import one
transaction, different OPDs in parallel, the same OPD and month at once refused to all but one
with "sedang diimpor oleh ..., coba lagi" and nothing half-written.

Each writer is a CLI process (``python -m etl ingest --db postgresql://...``), as a second app
replica or an operator's script would be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from core.recap import recap_opd
from db.store import ImportInProgress, Store
from etl.pipeline import ingest_paths
from scripts import synth

N_OPD, SUBS, MONTHS = 8, 40, 6


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict:
    """A generated kabupaten of 8 OPDs: the DPA, each OPD's reports of January-June (with their
    ground truth) and a second, differently laid out March report of every OPD."""
    work = tmp_path_factory.mktemp("pg_batch")
    master = synth.make_master(seed=11, n_opd=N_OPD, subkeg_per_opd=SUBS)
    dpa = work / "dpa.xlsx"
    synth.write_dpa_xlsx(master, dpa)
    by_opd: dict[str, list[Path]] = {}
    truth: dict[tuple[str, int], synth.ReportTruth] = {}
    for opd in master.opds:
        folder = work / opd.kode
        folder.mkdir()
        for month in range(1, MONTHS + 1):
            t = synth.write_report(master, opd, 2026, month, "V4", folder)
            by_opd.setdefault(opd.kode, []).append(Path(t.path))
            truth[(opd.kode, month)] = t
    second = {}
    for opd in master.opds:
        (work / "again" / opd.kode).mkdir(parents=True)
        second[opd.kode] = Path(synth.write_report(master, opd, 2026, 3, "V1", work / "again" / opd.kode).path)
    return {"dpa": dpa, "by_opd": by_opd, "truth": truth, "second": second}


@pytest.fixture
def pg_store(pg_cluster, batch, tmp_path):
    store = Store(pg_cluster.new_database("conc"), data_dir=tmp_path)
    assert ingest_paths(store, [batch["dpa"]])[0]["status"] == "accepted"
    try:
        yield store
    finally:
        store.close()


def _cli(store: Store, files: list[Path], user: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "ingest", "--db", str(store.path), "--json", *map(str, files)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PANTAU_DATA": str(store.data_dir), "USER": user, "LOGNAME": user},
    )


def _finish(proc: subprocess.Popen) -> tuple[int, list[dict], str]:
    out, err = proc.communicate(timeout=300)
    assert "Traceback" not in err, err
    return proc.returncode, json.loads(out or "[]"), err


def _assert_every_file_whole(store: Store) -> None:
    broken = store.sql(
        "SELECT i.id, i.file_name, i.rows_accepted, count(r.import_id) FROM import i "
        "LEFT JOIN realisasi r ON r.import_id = i.id WHERE i.kind = 'realisasi' "
        "GROUP BY i.id, i.file_name, i.rows_accepted HAVING count(r.import_id) <> i.rows_accepted"
    )
    assert broken == []
    assert store.sql("SELECT count(*) FROM realisasi WHERE import_id NOT IN (SELECT id FROM import)") == [(0,)]


def test_eight_processes_import_different_opds_at_once(pg_store, batch):
    procs = [_cli(pg_store, files, "op") for files in batch["by_opd"].values()]
    finished = [_finish(p) for p in procs]
    for code, results, err in finished:
        assert code == 0, (err, [r["issues"][:1] for r in results if r["status"] != "accepted"])
        assert {r["status"] for r in results} == {"accepted"}
    assert not Path(f"{pg_store.path}.lock").exists()
    _assert_every_file_whole(pg_store)
    assert pg_store.sql("SELECT count(*) FROM import WHERE kind = 'realisasi' AND superseded_by IS NULL") == [
        (N_OPD * MONTHS,)
    ]
    # totals exact: every OPD and month is its report's ground truth, to the rupiah
    for month in range(1, MONTHS + 1):
        recap = recap_opd(pg_store, 2026, month).set_index("opd_kode")
        for opd_kode in batch["by_opd"]:
            t = batch["truth"][(opd_kode, month)]
            row = recap.loc[opd_kode]
            assert row["realisasi_keuangan"] == t.sum_realisasi_keuangan, (opd_kode, month)
            assert row["pagu"] == t.sum_pagu, (opd_kode, month)
            assert row["sub_kegiatan"] == t.leaf_rows


def test_an_import_of_an_opd_month_under_way_refuses_the_second_cleanly(pg_store, batch):
    opd_kode = sorted(batch["by_opd"])[0]
    march = batch["by_opd"][opd_kode][2]
    before = pg_store.table_checksums()
    with pg_store.transaction():  # another writer (an app session of user sesi_a) is importing it
        pg_store.claim_period(opd_kode, 2026, 3, "sesi_a")
        code, results, _ = _finish(_cli(pg_store, [march], "op"))
    assert code == 1
    (result,) = results
    assert result["status"] == "rejected"
    message = result["issues"][0]["message"]
    assert "sedang diimpor oleh sesi_a, coba lagi" in message, message
    assert pg_store.table_checksums()["realisasi"] == before["realisasi"]
    assert pg_store.table_checksums()["import"] == before["import"]
    # once the other import is done, the same file goes in
    code, results, _ = _finish(_cli(pg_store, [march], "op"))
    assert code == 0 and results[0]["status"] == "accepted"
    # a second store (another replica) is refused the same OPD and month, not another OPD or month
    with pg_store.transaction():
        pg_store.claim_period(opd_kode, 2026, 3, "sesi_a")
        with pytest.raises(ImportInProgress, match="sedang diimpor oleh sesi_a"):
            second = Store(str(pg_store.path), data_dir=pg_store.data_dir)
            try:
                with second.transaction():
                    second.claim_period(opd_kode, 2026, 3, "sesi_b")
            finally:
                second.close()
        second = Store(str(pg_store.path), data_dir=pg_store.data_dir)
        try:
            with second.transaction():
                second.claim_period(sorted(batch["by_opd"])[1], 2026, 3, "sesi_b")
                second.claim_period(opd_kode, 2026, 4, "sesi_b")
        finally:
            second.close()


def test_two_processes_with_the_same_opd_month_at_once_one_wins(pg_store, batch):
    """Every OPD's March twice at once (two files laid out differently): per OPD, one report is in
    force, each loser was told to try again or came in after and superseded it; nothing half-written."""
    first = [batch["by_opd"][k][2] for k in sorted(batch["by_opd"])]
    second = [batch["second"][k] for k in sorted(batch["by_opd"])]
    pairs = [(_cli(pg_store, [a], "satu"), _cli(pg_store, [b], "dua")) for a, b in zip(first, second)]
    outcomes = []
    for a, b in pairs:
        for proc in (a, b):
            code, results, _ = _finish(proc)
            (result,) = results
            if result["status"] == "rejected":
                assert code == 1
                assert "coba lagi" in result["issues"][0]["message"], result["issues"]
            else:
                assert code == 0 and result["status"] == "accepted", result
            outcomes.append(result["status"])
    assert outcomes.count("accepted") >= N_OPD
    _assert_every_file_whole(pg_store)
    in_force = pg_store.sql(
        "SELECT opd_kode, count(*) FROM import WHERE kind = 'realisasi' AND superseded_by IS NULL "
        "AND tahun = 2026 AND bulan = 3 GROUP BY opd_kode"
    )
    assert sorted(in_force) == [(k, 1) for k in sorted(batch["by_opd"])]
    # the report in force of each OPD carries its figures in full
    recap = recap_opd(pg_store, 2026, 3).set_index("opd_kode")
    for k in batch["by_opd"]:
        assert recap.loc[k, "realisasi_keuangan"] == batch["truth"][(k, 3)].sum_realisasi_keuangan


def test_a_dpa_import_under_way_refuses_a_second_dpa_of_its_year(pg_cluster, batch, tmp_path):
    store = Store(pg_cluster.new_database("dpa"), data_dir=tmp_path)
    try:
        with store.transaction():  # an admin's DPA of 2026 being written elsewhere
            store.claim_period("", 2026, 0, "admin_a")
            code, results, _ = _finish(_cli(store, [batch["dpa"]], "op"))
        assert code == 1 and results[0]["status"] == "rejected"
        assert "DPA tahun 2026 sedang diimpor oleh admin_a, coba lagi" in results[0]["issues"][0]["message"]
        assert store.count_rows("sub_kegiatan") == 0 and store.is_empty()
        code, results, _ = _finish(_cli(store, [batch["dpa"]], "op"))
        assert code == 0 and store.count_rows("sub_kegiatan") == N_OPD * SUBS
    finally:
        store.close()
