"""Ingest of the kinerja cycle: the fixture Perjanjian Kinerja and unit submissions load with the
exact values of EXPECTED.json; tolerant indicator matching (and an unsure name held, never
attached, until confirmed); supersede with history; locked months refused; a bad file changes
nothing; unit detection and upload scope; form submission validation."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import FIXTURES
from kinerja_support import (
    ADMIN,
    CAMAT,
    PK,
    SEKCAM,
    build_template,
    copy_store,
    edit_workbook,
    indikator_id,
    unit_id,
)

from cli import main as cli
from core.access import User
from core.kinerja import kinerja_recap, recap_summary, tw_target
from core.kinerja_input import InputError, confirm_match, dismiss_match, submit_values
from core.review import Locked, ReviewError, transition
from db.store import Store
from etl.indikator_match import match_indikator, match_rows, normalise
from etl.kinerja import realisasi_cell
from etl.pipeline import Master, Upload, analyse, analyse_batch, commit_batch, ingest_paths
from ui.kinerja import recap_display

SEKR_MAR = FIXTURES / "kinerja" / "kinerja_sekretariat_2026-03.xlsx"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinerja_all")
    results = build_template(folder)
    return folder, results


@pytest.fixture(scope="module")
def pk_template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinerja_pk")
    store = Store(folder / "pantau.duckdb", data_dir=folder)
    try:
        assert [r["status"] for r in ingest_paths(store, [PK])] == ["accepted"]
    finally:
        store.close()
    return folder


@pytest.fixture
def store(template, tmp_path):
    s = copy_store(template[0], tmp_path)
    yield s
    s.close()


@pytest.fixture
def pk_store(pk_template, tmp_path):
    s = copy_store(pk_template, tmp_path)
    yield s
    s.close()


def _ingest(store, name: str, data: bytes, **hints) -> list[dict]:
    return commit_batch(store, [Upload(name, data, **hints)])[0]


def _archive(store) -> list[str]:
    root = store.data_dir / "archive"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


# ---------------------------------------------------------------------------- fixtures vs EXPECTED.json
def test_targets_workbook(template, expected):
    _, results = template
    exp = expected["files"]["master/perjanjian_kinerja_2026.xlsx"]
    res = results[0]
    assert (res["kind"], res["status"], res["year"], res["units"], res["rows"]) == (
        "targets",
        "accepted",
        exp["year"],
        exp["units"],
        exp["indicators"],
    )
    assert res["unit"] is None and res["pagu"] is None
    assert [i["code"] for i in res["issues"]] == ["agregasi_dari_aturan"]  # info only: nothing flagged
    store = Store(template[0] / "pantau.duckdb", data_dir=template[0])
    units = store.kinerja_units(2026)
    assert len(units) == exp["units"] and units["indikator"].sum() == exp["indicators"]
    sub_units = {e["unit"] for e in expected["files"].values() if e["kind"] == "kinerja"}
    assert set(units["nama"]) == sub_units
    inds = store.indikator_frame(2026)
    dok = inds[inds["nama"] == "Jumlah dokumen perencanaan dan penganggaran yang disusun"].iloc[0]
    assert [dok[c] for c in ("target_tahunan", "target_tw1", "target_tw2", "target_tw3", "target_tw4")] == [
        8,
        2,
        3,
        1,
        2,
    ]
    assert (dok["arah"], dok["agregasi"], dok["agregasi_source"]) == ("naik", "alir", "rule")
    assert (inds["agregasi"] == "stok").sum() == 16 and (inds["agregasi"] == "alir").sum() == 13
    assert set(inds.loc[inds["arah"] == "turun", "nama"]) == {
        "Rata-rata waktu layanan legalisir",
        "Rata-rata waktu layanan rekomendasi bansos",
        "Jumlah kejadian gangguan trantibum",
        "Rata-rata waktu respons pengaduan trantibum",
    }
    # annual = TW IV (not the sum) -> stok; annual = sum of the triwulan -> alir
    desa = inds[inds["nama"] == "Jumlah desa yang dibina"].iloc[0]
    assert desa["agregasi"] == "stok" and "TW IV" in desa["agregasi_rule"]
    musrenbang = inds[inds["nama"] == "Jumlah Musrenbang Desa yang difasilitasi"].iloc[0]
    assert musrenbang["agregasi"] == "alir" and "jumlah" in musrenbang["agregasi_rule"]
    store.close()


def test_every_submission_loads_exactly(template, expected):
    folder, results = template
    by_file = {r["file"]: r for r in results[1:]}
    store = Store(folder / "pantau.duckdb", data_dir=folder)
    values = store.kinerja_value_history(2026)
    inds = store.indikator_frame(2026)
    for key, exp in expected["files"].items():
        if exp["kind"] != "kinerja":
            continue
        res = by_file[key.split("/", 1)[1]]
        assert (res["status"], res["kind"], res["unit"], res["year"], res["month"]) == (
            "accepted",
            "kinerja",
            exp["unit"],
            exp["year"],
            exp["month"],
        )
        assert res["issues"] == [] and res["held"] == 0 and res["rows"] == len(exp["indicators"])
        assert "opd" not in res and res["pagu"] is None
        mine = values[(values["unit"] == exp["unit"]) & (values["bulan"] == exp["month"])]
        assert len(mine) == len(exp["indicators"]) and mine["active"].all()
        for ind in exp["indicators"]:
            row = mine[mine["indikator"] == ind["indikator"]].iloc[0]
            assert row["realisasi"] == pytest.approx(ind["realisasi"])
            assert row["target_file"] == pytest.approx(ind["target"]) and row["match_how"] == "exact"
            pk = inds[(inds["unit"] == exp["unit"]) & (inds["nama"] == ind["indikator"])].iloc[0]
            # EXPECTED convention: Target = target of the current triwulan
            assert tw_target(pk.to_dict(), exp["month"]) == pytest.approx(ind["target"])
            assert (pk["satuan"], pk["arah"]) == (ind["satuan"], ind["arah"])
    reviews = store.review_rows(2026)
    assert len(reviews) == 14 and set(reviews["status"]) == {"submitted"}
    imports = store.kinerja_imports(2026)
    assert len(imports) == 15 and imports["superseded_by"].isna().all()
    store.close()


def test_same_file_twice_is_a_duplicate_and_a_new_version_supersedes(store):
    before = store.table_checksums()
    assert ingest_paths(store, [SEKR_MAR])[0]["status"] == "duplicate"
    assert store.table_checksums() == before
    revised = edit_workbook(SEKR_MAR, {(7, 5): 250})  # row 7: the letters indicator
    res = _ingest(store, SEKR_MAR.name, revised)
    assert res[0]["status"] == "accepted"
    ind = indikator_id(store, "Sekretariat", "Jumlah surat masuk dan keluar yang diadministrasikan")
    hist = store.kinerja_value_history(2026, 3, indikator_id=ind)
    assert hist["realisasi"].tolist() == [250, 237] and hist["active"].tolist() == [True, False]
    assert hist["superseded_by"].iloc[1] == hist["id"].iloc[0]
    imports = store.kinerja_imports(2026, unit_id(store, "Sekretariat"), 3)
    assert imports["superseded_by"].tolist()[1] == imports["id"].tolist()[0]  # the old one, by the new
    assert kinerja_recap(store, 2026, month=3, unit_id=1).set_index("indikator_id").loc[ind, "realisasi"] == 250
    audit = store.audit_entries(action="kinerja_apply")
    assert json.loads(audit["detail"].iloc[0])["menggantikan_nilai"]


# ---------------------------------------------------------------------------- tolerant matching
def test_matching_rules():
    inds = [
        (1, "Persentase realisasi anggaran", "%"),
        (2, "Jumlah surat masuk dan keluar yang diadministrasikan", "surat"),
        (3, "Persentase layanan KK selesai sesuai SOP (<= 35 menit)", "%"),
    ]
    assert normalise("Prosentase  REALISASI anggaran.") == normalise("Persentase realisasi anggaran")
    m = match_indikator("Persentase realisasi anggaran", inds)
    assert (m.how, m.indikator_id, m.score) == ("exact", 1, 1.0)
    for name in ("Prosentase realisasi anggaran", "PERSENTASE   realisasi  Anggaran", "Presentase realisasi anggaran"):
        m = match_indikator(name, inds)
        assert (m.how, m.indikator_id) == ("normalised", 1), name
    m = match_indikator("Jml surat masuk & keluar yg diadministrasikan", inds)
    assert (m.how, m.indikator_id) == ("normalised", 2)
    m = match_indikator("Persentase realisasi angaran", inds, "%")  # one-letter typo
    assert (m.how, m.indikator_id) == ("fuzzy", 1) and m.score > 0.93
    m = match_indikator("Persentase layanan KK selesai sesuai SOP (<= 30 menit)", inds)  # another number
    assert (m.how, m.indikator_id) == ("unsure", None) and m.candidates[0].id == 3
    assert "angka" in m.reason
    m = match_indikator("Jumlah surat masuk", inds)  # shortened
    assert m.how == "unsure" and m.candidates[0].id == 2
    m = match_indikator("Jumlah kendaraan dinas operasional", inds)
    assert m.how == "none" and m.indikator_id is None
    m = match_indikator("Persentase realisasi angaran", inds, "rupiah")  # satuan differs
    assert m.how == "unsure"
    twice = match_rows([("Persentase realisasi anggaran", None), ("Prosentase realisasi anggaran", None)], inds)
    assert [(x.how, x.indikator_id) for x in twice] == [("exact", 1), ("unsure", None)]


def test_renamed_indicators_match_and_an_unsure_one_is_held_until_confirmed(pk_store, capsys, tmp_path):
    data = edit_workbook(
        SEKR_MAR,
        {
            (6, 2): "Prosentase  realisasi ANGGARAN",
            (7, 2): "JUMLAH SURAT MASUK DAN KELUAR YANG DIADMINISTRASIKAN",
            (8, 2): "Indeks kepuasan masyarakat",
        },
    )
    path = tmp_path / SEKR_MAR.name
    path.write_bytes(data)
    code = cli.main(["ingest", "--db", str(pk_store.path), "--json", str(path)])
    res = json.loads(capsys.readouterr().out)[0]
    assert code == 0 and res["status"] == "flagged" and res["held"] == 1 and res["rows"] == 3
    held = [i for i in res["issues"] if i["code"] == "indikator_ragu"]
    assert len(held) == 1 and held[0]["row"] == 8 and held[0]["column"] == "B" and held[0]["sheet"] == "Data Kinerja"
    assert "'Indeks kepuasan masyarakat'" in held[0]["message"]
    assert "Indeks Kepuasan Masyarakat (IKM) pelayanan kecamatan" in held[0]["message"]  # the candidate
    assert {i["code"] for i in res["issues"]} >= {"indikator_dinormalkan", "indikator_tidak_ada"}
    store = Store(pk_store.path, data_dir=pk_store.data_dir)
    ikm = indikator_id(store, "Sekretariat", "Indeks Kepuasan Masyarakat (IKM) pelayanan kecamatan")
    df = kinerja_recap(store, 2026, month=3, unit_id=unit_id(store, "Sekretariat")).set_index("indikator_id")
    assert df.loc[ikm, "realisasi"] != df.loc[ikm, "realisasi"]  # NaN: never attached silently
    assert df["realisasi"].notna().sum() == 2
    pending = store.pending_matches()
    assert len(pending) == 1 and pending["realisasi"].iloc[0] == pytest.approx(79.91)
    assert json.loads(pending["candidates_json"].iloc[0])[0]["id"] == ikm
    import_id = int(pending["import_id"].iloc[0])
    with pytest.raises(ReviewError):
        confirm_match(store, import_id, 8, indikator_id(store, "Seksi Pemerintahan", "Jumlah desa yang dibina"), ADMIN)
    new_id = confirm_match(store, import_id, 8, ikm, ADMIN)
    assert kinerja_recap(store, 2026, month=3, unit_id=1).set_index("indikator_id").loc[ikm, "realisasi"] == 79.91
    assert store.pending_matches().empty and store.active_value(ikm, 2026, 3)["id"] == new_id
    assert store.active_value(ikm, 2026, 3)["match_how"] == "confirmed"
    assert store.audit_entries(action="kinerja_match_confirm")["actor"].tolist() == ["admin"]
    with pytest.raises(ReviewError):
        confirm_match(store, import_id, 8, ikm, ADMIN)  # not held any more
    store.close()


def test_dismissed_row_and_unknown_indicator(pk_store):
    data = edit_workbook(SEKR_MAR, {(8, 2): "Jumlah kendaraan dinas operasional"})
    res = _ingest(pk_store, SEKR_MAR.name, data)[0]
    assert res["status"] == "flagged" and res["held"] == 1
    assert [i["row"] for i in res["issues"] if i["code"] == "indikator_tidak_dikenal"] == [8]
    import_id = int(pk_store.pending_matches()["import_id"].iloc[0])
    with pytest.raises(ReviewError):
        dismiss_match(pk_store, import_id, 8, ADMIN, " ")
    dismiss_match(pk_store, import_id, 8, ADMIN, "bukan indikator PK")
    assert pk_store.pending_matches().empty
    assert pk_store.pending_matches(status="dismissed")["note"].tolist() == ["bukan indikator PK"]


# ---------------------------------------------------------------------------- refused files
def test_a_bad_file_changes_nothing(store):
    data = edit_workbook(SEKR_MAR, {(2, 1): "Unit Kerja : Seksi Antah Berantah"})
    before, archived = store.table_checksums(), _archive(store)
    res = _ingest(store, SEKR_MAR.name, data)[0]
    assert res["status"] == "rejected"
    err = next(i for i in res["issues"] if i["severity"] == "error")
    assert err["code"] == "unknown_unit" and "Seksi Antah Berantah" in err["message"]
    assert store.table_checksums() == before and _archive(store) == archived


def test_text_in_a_realisasi_cell_is_loaded_as_not_reported(store):
    """'tercapai' and 'n/a' in place of numbers: the file is accepted, those rows are stored without a
    number and flagged 'tidak dilaporkan' (superseding the numbers in force), the other row loads."""
    data = edit_workbook(SEKR_MAR, {(7, 5): "tercapai", (8, 5): "n/a", (6, 5): 21.5})
    res = _ingest(store, "kinerja_sekretariat_2026-03_revisi.xlsx", data)[0]
    assert res["status"] == "flagged" and res["unit"] == "Sekretariat" and res["month"] == 3
    text = [(i["row"], i["column"], i["severity"]) for i in res["issues"] if i["code"] == "realisasi_bukan_angka"]
    assert text == [(7, "E", "warning"), (8, "E", "warning")]
    msg = next(i["message"] for i in res["issues"] if i["code"] == "realisasi_bukan_angka")
    assert "'tercapai'" in msg and "TIDAK DILAPORKAN" in msg
    recap = kinerja_recap(store, 2026, month=3, unit_id=unit_id(store, "Sekretariat"))
    by = recap.set_index("indikator")
    surat = by.loc["Jumlah surat masuk dan keluar yang diadministrasikan"]
    assert pd.isna(surat["realisasi"]) and pd.isna(surat["capaian"]) and surat["tidak_dilaporkan"] == 1
    assert surat["catatan"].startswith("Tidak dilaporkan: realisasi pada berkas tertulis 'tercapai'")
    ikm = by.loc["Indeks Kepuasan Masyarakat (IKM) pelayanan kecamatan"]
    assert pd.isna(ikm["realisasi"]) and "'n/a'" in ikm["catatan"]
    anggaran = by.loc["Persentase realisasi anggaran"]
    assert (anggaran["realisasi"], anggaran["tidak_dilaporkan"]) == (21.5, 0)
    assert anggaran["capaian"] == pytest.approx(21.5 / 20 * 100)
    assert recap_summary(recap)["tidak_dilaporkan"] == 2 and recap_summary(recap)["terisi"] == 1
    # the number 237 of the first file is history now; the month's state is submitted again
    hist = store.kinerja_value_history(2026, 3, indikator_id=indikator_id(store, "Sekretariat", surat.name))
    assert pd.isna(hist["realisasi"].iloc[0]) and hist["realisasi"].iloc[1] == 237
    assert hist["flagged"].iloc[0] and not hist["active"].iloc[1]
    # a triwulan says which month was not reported
    tw1 = kinerja_recap(store, 2026, triwulan=1, unit_id=unit_id(store, "Sekretariat")).set_index("indikator")
    assert tw1.loc[surat.name, "catatan"] == "Tidak dilaporkan 1 bulan (realisasi bukan angka): Maret ('tercapai')."
    # the Sekcam's table shows the flag in the Realisasi column
    shown = recap_display(recap, with_unit=False).set_index("Indikator")
    assert shown.loc[surat.name, "Realisasi"] == "⚠️\u00a0tidak dilaporkan"
    assert shown.loc["Persentase realisasi anggaran", "Realisasi"] == "21,5"


@pytest.mark.parametrize(
    "raw, parsed",
    [
        ("tercapai", (None, "tercapai")),
        (" n/a ", (None, "n/a")),
        ("-", (None, "-")),
        ("45,5", (45.5, None)),
        (None, (None, None)),
        ("", (None, None)),
    ],
)
def test_realisasi_cell_text_or_number(raw, parsed):
    assert realisasi_cell(raw) == parsed


def test_approved_month_is_locked_until_reopened(store):
    sekr = unit_id(store, "Sekretariat")
    transition(store, sekr, 2026, 3, "verify", SEKCAM)
    transition(store, sekr, 2026, 3, "approve", CAMAT)
    revised = edit_workbook(SEKR_MAR, {(7, 5): 250})
    before, archived = store.table_checksums(), _archive(store)
    res = _ingest(store, SEKR_MAR.name, revised)[0]
    assert res["status"] == "rejected"
    err = next(i for i in res["issues"] if i["severity"] == "error")
    assert err["code"] == "period_locked" and "sudah disetujui Camat" in err["message"] and "camat" in err["message"]
    assert store.table_checksums() == before and _archive(store) == archived
    surat = indikator_id(store, "Sekretariat", "Jumlah surat masuk dan keluar yang diadministrasikan")
    with pytest.raises(Locked):
        submit_values(store, sekr, 2026, 3, {surat: (1, None)}, ADMIN)
    assert store.table_checksums() == before
    # April of the same unit is not locked
    submit_values(store, sekr, 2026, 4, {surat: (231, None)}, ADMIN)
    transition(store, sekr, 2026, 3, "reopen", CAMAT, "angka surat salah")
    assert _ingest(store, SEKR_MAR.name, revised)[0]["status"] == "accepted"
    assert store.review_get(sekr, 2026, 3)["status"] == "submitted"


def test_unit_detection(pk_store):
    data = SEKR_MAR.read_bytes()
    # title says Sekretariat, file name says Seksi Pemerintahan: refused, the user must choose
    a = analyse("kinerja_seksi_pemerintahan_2026-03.xlsx", data, Master.from_store(pk_store))
    assert a.rejected and a.errors[0].code == "unit_conflict" and a.reports[0].needs == ["unit"]
    # title silent: the file name decides; the unit chosen by the user wins over the title with a warning
    untitled = edit_workbook(SEKR_MAR, {(2, 1): None})
    a = analyse("kinerja_sekretariat_2026-03.xlsx", untitled, Master.from_store(pk_store))
    assert not a.rejected and a.reports[0].unit.nama == "Sekretariat"
    a = analyse("laporan.xlsx", untitled, Master.from_store(pk_store))
    assert a.rejected and a.errors[0].code == "unknown_unit"
    a = analyse("laporan.xlsx", untitled, Master.from_store(pk_store), unit="Sekretariat")
    assert not a.rejected and a.reports[0].unit.nama == "Sekretariat"
    a = analyse("laporan.xlsx", data, Master.from_store(pk_store), unit="Subbag Program dan Keuangan")
    assert "unit_override" in {i.code for i in a.all_issues()}
    # short names and spelling of unit types
    sub = edit_workbook(SEKR_MAR, {(2, 1): "Unit Kerja : Sub Bagian Umum dan Kepegawaian"})
    a = analyse("laporan.xlsx", sub, Master.from_store(pk_store))
    assert a.reports[0].unit.nama == "Subbag Umum dan Kepegawaian"
    # no Perjanjian Kinerja yet: every unit is unknown
    fresh = Store(":memory:")
    a = analyse(SEKR_MAR.name, data, Master.from_store(fresh))
    assert a.errors[0].code == "unknown_unit" and "Perjanjian Kinerja" in a.errors[0].message


def test_upload_scope(pk_store):
    data = SEKR_MAR.read_bytes()
    master = Master.from_store(pk_store)
    sekr = unit_id(pk_store, "Sekretariat")
    own = User("kasubbag", "K", "unit", unit_id=sekr)
    other = User("kasi", "K", "unit", unit_id=unit_id(pk_store, "Seksi Pemerintahan"))
    opd = User("dinsos", "D", "opd", opd_kode="X")
    assert not analyse_batch([Upload(SEKR_MAR.name, data)], master, scope=own)[0].rejected
    for user in (other, opd):
        a = analyse_batch([Upload(SEKR_MAR.name, data)], master, scope=user)[0]
        assert a.rejected and a.errors[0].code == "outside_scope"
    a = analyse_batch([Upload(PK.name, PK.read_bytes())], master, scope=own)[0]
    assert a.rejected and "admin" in a.errors[0].message


def test_targets_reimport_updates_with_history(store):
    revised = edit_workbook(PK, {(7, 5): 85, (7, 9): 85})  # IKM: annual and TW IV target 82 -> 85
    res = _ingest(store, "perjanjian_kinerja_2026_revisi.xlsx", revised)[0]
    assert res["status"] == "accepted" and res["kind"] == "targets"
    ikm = indikator_id(store, "Sekretariat", "Indeks Kepuasan Masyarakat (IKM) pelayanan kecamatan")
    ind = store.indikator_get(ikm)
    assert (ind["target_tahunan"], ind["target_tw4"]) == (85, 85)
    hist = store.indikator_history(ikm)
    assert hist["target_tahunan"].iloc[0] == 82
    assert len(store.indikator_frame(2026)) == 29  # same indicators, same ids
    assert store.active_value(ikm, 2026, 3)["realisasi"] == pytest.approx(79.91)
    imports = store.kinerja_imports(2026)
    pk_rows = imports[imports["kind"] == "targets"]
    assert pk_rows["superseded_by"].isna().iloc[0] and pk_rows["superseded_by"].iloc[1] == pk_rows["id"].iloc[0]


def test_targets_with_bad_arah_are_refused(pk_store):
    bad = edit_workbook(PK, {(6, 10): "ke atas"})
    before = pk_store.table_checksums()
    res = _ingest(pk_store, "pk_2026.xlsx", bad)[0]
    assert res["status"] == "rejected"
    err = next(i for i in res["issues"] if i["severity"] == "error")
    assert (err["code"], err["row"], err["column"]) == ("invalid_arah", 6, "J")
    assert pk_store.table_checksums() == before


# ---------------------------------------------------------------------------- the form
def test_form_submission_is_all_or_nothing_and_audited(pk_store):
    pem = unit_id(pk_store, "Seksi Pemerintahan")
    desa = indikator_id(pk_store, "Seksi Pemerintahan", "Jumlah desa yang dibina")
    kk = indikator_id(pk_store, "Seksi Pemerintahan", "Persentase layanan KK selesai sesuai SOP (<= 35 menit)")
    other = indikator_id(pk_store, "Sekretariat", "Persentase realisasi anggaran")
    kasi = User("kasi", "Kasi Pem", "unit", unit_id=pem)
    before = pk_store.table_checksums()
    for values in (
        {desa: (5, None), kk: ("101", None)},
        {desa: ("lima", None)},
        {desa: (-1, None)},
        {other: (5, None)},
        {desa: (None, "belum ada")},
    ):
        with pytest.raises(InputError) as exc:
            submit_values(pk_store, pem, 2026, 5, values, kasi)
        assert exc.value.problems
    with pytest.raises(ReviewError):
        submit_values(pk_store, pem, 2026, 5, {desa: (5, None)}, User("x", "X", "unit", unit_id=pem + 1))
    with pytest.raises(ReviewError):
        submit_values(pk_store, pem, 2026, 5, {desa: (5, None)}, SEKCAM)
    assert pk_store.table_checksums() == before
    ids = submit_values(pk_store, pem, 2026, 5, {desa: ("7", "  dua desa baru "), kk: ("88,5", None)}, kasi)
    assert len(ids) == 2
    df = kinerja_recap(pk_store, 2026, month=5, unit_id=pem).set_index("indikator_id")
    assert (df.loc[desa, "realisasi"], df.loc[kk, "realisasi"]) == (7, 88.5)
    assert df.loc[desa, "keterangan"] == "dua desa baru" and df.loc[desa, "status"] == "submitted"
    assert len(pk_store.audit_entries(action="kinerja_input")) == 2
    submit_values(pk_store, pem, 2026, 5, {desa: (8, None)}, kasi)
    hist = pk_store.kinerja_value_history(2026, 5, indikator_id=desa)
    assert hist["realisasi"].tolist() == [8, 7] and hist["source"].tolist() == ["form", "form"]
