"""Real pemda spreadsheets (../shared/fixtures/real, third-party public documents read from there,
never copied here) go in with exactly the figures of their EXPECTED.json: each into a fresh
database, and all together as one batch. Issue 14."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.recap import recap_opd
from db.store import Store
from etl.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "fixtures" / "real"
pytestmark = pytest.mark.skipif(
    not (REAL / "EXPECTED.json").exists(), reason="shared/fixtures/real is not beside the repo"
)
EXPECTED = json.loads((REAL / "EXPECTED.json").read_text(encoding="utf-8"))["files"] if REAL.exists() else {}
ACCEPT = sorted(k for k, v in EXPECTED.items() if v["outcome"] == "accept")
REJECT = sorted(k for k, v in EXPECTED.items() if v["outcome"] == "reject")


def _period(exp: dict) -> tuple[int, int] | None:
    hint = exp.get("hints", {}).get("period")
    return (int(hint[:4]), int(hint[5:7])) if hint else None


def _ingest(tmp_path: Path, key: str, db: str | None = None) -> tuple[Store, list[dict]]:
    store = Store(db or tmp_path / "pantau.duckdb", data_dir=tmp_path)
    return store, ingest_paths(store, [REAL / key], period=_period(EXPECTED[key]))


def _good(results: list[dict]) -> list[dict]:
    return [r for r in results if r["status"] in ("accepted", "flagged")]


@pytest.mark.parametrize("key", ACCEPT)
def test_real_file_gives_its_expected_figures(tmp_path, key, db_target):
    """On DuckDB and on PostgreSQL (``db_target``)."""
    exp = EXPECTED[key]
    store, results = _ingest(tmp_path, key, db_target)
    try:
        good = _good(results)
        assert good and len(good) == len(results), [i["message"] for r in results for i in r["issues"]][:3]
        assert {r["kind"] for r in good} == {exp["kind"]}
        if exp["kind"] == "dpa":
            d = exp["dpa"]
            assert sum(r["rows"] for r in good) == d["sub_kegiatan"]
            assert sum(r["pagu"] for r in good) == pytest.approx(d["pagu"], abs=1)
            assert {r["year"] for r in good} == {d["year"]}
            recap = recap_opd(store, d["year"], 12)
            assert len(recap) == d["opd_count"]
            assert recap["pagu"].sum() == pytest.approx(d["pagu"], abs=1)
            return
        wants = exp.get("reports") or []
        for want in wants:
            (rep,) = [r for r in good if r["pagu"] == pytest.approx(want["pagu"], abs=1)]
            assert (rep["year"], rep["month"], rep["rows"]) == (want["year"], want["month"], want["leaf_rows"])
            assert rep["realisasi_keuangan"] == pytest.approx(want["realisasi_keuangan"], abs=1)
            if want["fisik_pct"] is None:
                assert rep["fisik_pct"] is None
            else:
                assert rep["fisik_pct"] == pytest.approx(want["fisik_pct"], abs=0.01)
            assert want["opd_contains"] in rep["opd"].lower()
        tot = exp.get("reports_total")
        if tot:
            assert len(good) == tot["reports"]
            assert sum(r["rows"] for r in good) == tot["leaf_rows"]
            assert sum(r["pagu"] for r in good) == pytest.approx(tot["pagu"], abs=len(good))
            assert sum(r["realisasi_keuangan"] for r in good) == pytest.approx(tot["realisasi_keuangan"], abs=len(good))
            assert {(r["year"], r["month"]) for r in good} == {(tot["year"], tot["month"])}
            for sheet in exp.get("per_sheet", []):
                (rep,) = [r for r in good if r["pagu"] == pytest.approx(sheet["pagu"], abs=1)]
                assert rep["rows"] == sheet["leaf_rows"], sheet["sheet"]
                assert rep["realisasi_keuangan"] == pytest.approx(sheet["realisasi_keuangan"], abs=1)
                assert rep["fisik_pct"] == pytest.approx(sheet["fisik_pct"], abs=0.01), sheet["sheet"]
        # the recap of the period equals the file's figures (a report before its DPA makes the list)
        first = good[0]
        recap = recap_opd(store, first["year"], first["month"])
        assert recap["pagu"].sum() == pytest.approx(sum(r["pagu"] for r in good), abs=len(good))
        assert recap["realisasi_keuangan"].sum() == pytest.approx(
            sum(r["realisasi_keuangan"] for r in good), abs=len(good)
        )
        assert recap["sub_kegiatan"].sum() == sum(r["rows"] for r in good)
    finally:
        store.close()


@pytest.mark.parametrize("key", REJECT)
def test_out_of_scope_real_file_is_refused_saying_what_it_is(tmp_path, key):
    store, results = _ingest(tmp_path, key)
    try:
        assert [r["status"] for r in results] == ["rejected"]
        assert store.count_rows("realisasi") == 0 and store.count_rows("sub_kegiatan") == 0
        text = " ".join(i["message"] for i in results[0]["issues"] if i["severity"] == "error").lower()
        reason = EXPECTED[key]["reason"]
        word = "nomenklatur" if "nomenclature" in reason else "kosong"
        assert word in text, text
    finally:
        store.close()


def test_form_rfk_fields_come_from_the_realisasi_branch(tmp_path):
    """KEUANGAN › RENCANA is the plan and never realisasi; % TTB (weighted) is never the percentage."""
    store, results = _ingest(tmp_path, "asrani27_ipb/rfk.xls")
    try:
        (rep,) = results
        assert rep["source"] == "form_rfk"
        assert rep["fields"]["realisasi_keuangan"] == "KEUANGAN › REALISASI › Rp"
        assert rep["fields"]["target_keuangan"] == "KEUANGAN › RENCANA › Rp"
        assert rep["fields"]["realisasi_fisik"] == "FISIK ( % ) › REALISASI › KUM"
        assert rep["realisasi_keuangan"] != 607515296  # the plan of the same file
        leaves = store.report_leaves(int(store.import_history().iloc[0]["id"]))
        (permasalahan,) = leaves["permasalahan"].tolist()
        assert "kenaikan harga" in permasalahan and "SK Kegiatan" in permasalahan  # from sheet M
    finally:
        store.close()


def test_lra_is_keuangan_only_and_read_once(tmp_path):
    store, results = _ingest(tmp_path, "aliefneutron_realisasi_anggaran/LRA DINKES.xlsx")
    try:
        (rep,) = results
        assert rep["source"] == "sipd_lra"
        assert rep["fields"]["pagu"] == "Kelompok Belanja › Total › Anggaran"
        assert rep["fields"]["realisasi_keuangan"] == "Kelompok Belanja › Total › Realisasi"
        assert rep["fisik_pct"] is None
        leaves = store.report_leaves(int(store.import_history().iloc[0]["id"]))
        assert leaves["realisasi_fisik"].isna().all()  # absent, never 0
        assert leaves["target_keuangan"].sum() == pytest.approx(174_380_423_337, abs=1)  # PAGU AKAS s.d. Juni
        recap = recap_opd(store, 2026, 6)
        assert recap["fisik_pct"].isna().all()
    finally:
        store.close()


def test_sipd_rincian_keeps_every_sumber_dana_and_warns_blank_pagu(tmp_path):
    store, results = _ingest(tmp_path, "asrani27_pergeseran/rekeningbelanja.xlsx")
    try:
        (rep,) = results
        assert rep["source"] == "sipd_rincian"
        assert rep["fields"]["kode"] == "KODE SUB KEGIATAN"
        assert rep["status"] == "flagged" and rep["issue_counts"] == {"pagu_kosong": 2}
        with store.session():
            multi = store.con.execute("SELECT count(*) FROM sub_kegiatan WHERE sumber_dana LIKE '%,%'").fetchone()[0]
        assert multi == 179
    finally:
        store.close()


def test_all_real_files_as_one_batch(tmp_path, db_target):
    """Accept files of different years together: each keeps its own figures."""
    store = Store(db_target, data_dir=tmp_path)  # DuckDB and PostgreSQL
    try:
        keys = [k for k in ACCEPT if not EXPECTED[k].get("hints")]
        results = ingest_paths(store, [REAL / k for k in keys])
        assert all(r["status"] in ("accepted", "flagged") for r in results), [
            (r["file"], [i["message"] for i in r["issues"] if i["severity"] == "error"][:1]) for r in results
        ]
        by_file: dict[str, list[dict]] = {}
        for r in results:
            by_file.setdefault(r["file"], []).append(r)
        for key in keys:
            exp = EXPECTED[key]
            got = by_file[Path(key).name]
            want = (
                exp["dpa"]["pagu"]
                if exp["kind"] == "dpa"
                else sum(x["pagu"] for x in exp.get("reports", [])) or exp["reports_total"]["pagu"]
            )
            assert sum(r["pagu"] for r in got) == pytest.approx(want, abs=len(got))
    finally:
        store.close()


def test_cli_json_names_source_fields_and_fisik(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "ingest",
            "--db",
            str(tmp_path / "p.duckdb"),
            "--json",
            str(REAL / "asrani27_ipb/rfk.xls"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-500:]
    (rep,) = json.loads(out.stdout)
    assert rep["source"] == "form_rfk" and rep["fisik_pct"] == pytest.approx(53.9436, abs=0.01)
    assert rep["fields"]["pagu"] == "NILAI DPA › Rp"


def test_a_pemda_wide_recap_gives_one_report_per_organisation(tmp_path, db_target):
    """A SIPD recap of several OPDs in one sheet (each under its organisation row) is split by
    organisation, never read as one OPD."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["REKAPITULASI BELANJA PER SUB KEGIATAN"])
    ws.append(["TAHUN ANGGARAN 2026"])
    ws.append(["Kode", None, None, "Uraian", "Kelompok Belanja", None])
    ws.append([None, None, None, None, "Total", None])
    ws.append([None, None, None, None, "Anggaran", "Realisasi SD JUNI"])
    orgs = [
        ("1.02.2.14.0.00.01.0000", "Dinas Kesehatan", "1.02.01.2.01"),
        ("1.03.0.00.0.00.01.0000", "Dinas PUPR", "1.03.01.2.01"),
    ]
    for org, nama, keg in orgs:
        ws.append(["1", org, None, nama, 300.0, 120.0])
        ws.append(["1", org, keg + ".0001", "Sub kegiatan A", 100.0, 40.0])
        ws.append(["1", org, keg + ".0002", "Sub kegiatan B", 200.0, 80.0])
    wb.save(tmp_path / "lra_pemda_juni_2026.xlsx")
    store = Store(db_target, data_dir=tmp_path)
    try:
        results = ingest_paths(store, [tmp_path / "lra_pemda_juni_2026.xlsx"])
        assert [(r["status"] in ("accepted", "flagged"), r["opd"], r["rows"], r["pagu"]) for r in results] == [
            (True, "Dinas Kesehatan", 2, 300.0),
            (True, "Dinas PUPR", 2, 300.0),
        ], results[0]["issues"][:3]
        assert {(r["year"], r["month"]) for r in results} == {(2026, 6)}
    finally:
        store.close()


def test_an_apbd_by_akun_is_refused_saying_so(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["LAPORAN REALISASI ANGGARAN PEMERINTAH PROVINSI"])
    ws.append(["SKPD : DINAS KESEHATAN"])
    ws.append(["BULAN JUNI 2026"])
    ws.append(["Kode Rekening", "Uraian", "Anggaran", "Realisasi Keuangan (Rp)"])
    ws.append(["5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", 100.0, 40.0])
    ws.append(["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 50.0, 20.0])
    wb.save(tmp_path / "lra_akun.xlsx")
    store = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    try:
        (r,) = ingest_paths(store, [tmp_path / "lra_akun.xlsx"])
        assert r["status"] == "rejected" and "apbd_per_akun" in {i["code"] for i in r["issues"]}
    finally:
        store.close()
