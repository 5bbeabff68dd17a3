"""Every bad input of tests/fixtures/bad: refused with a clear Indonesian message and nothing stored,
or loaded with the expected warnings."""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES, load_bad_expected
from pg_support import use_both_engines

from etl.pipeline import Master, analyse, commit, ingest_paths

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

BAD = load_bad_expected()["files"]
TABLES = ("opd", "import", "import_issue", "sub_kegiatan", "belanja", "realisasi", "audit_log")

# reasons of bad/EXPECTED.json that are our issue codes as they are
SAME_CODE = {
    "invalid_container",
    "too_many_rows",
    "decompression_bomb",
    "invalid_period",
    "period_conflict",
    "empty_file",
    "no_data_rows",
    "not_a_spreadsheet",
    "header_not_found",
    "missing_required_column",
    "corrupt_file",
    "encrypted_or_corrupt",
    "unknown_opd",
}
INDONESIAN = re.compile(r"\b(berkas|lembar|kolom|tidak|bulan|periode|judul|baris|unggah|simpan|OPD)\b", re.I)


def _snapshot(store) -> dict:
    counts = {t: store.count_rows(t) for t in TABLES}
    archive = store.data_dir / "archive"
    counts["archive_files"] = sorted(p.name for p in archive.rglob("*") if p.is_file()) if archive.exists() else []
    counts["checksum"] = store.table_checksums()["import"]  # every column of every import row
    return counts


def test_every_bad_file_is_listed():
    on_disk = {p.name for p in (FIXTURES / "bad").iterdir() if p.name != "EXPECTED.json"}
    assert on_disk == set(BAD)


@pytest.mark.parametrize("name", sorted(n for n, e in BAD.items() if e["outcome"] == "reject"))
def test_rejected(dpa_store, name):
    exp = BAD[name]
    path = FIXTURES / "bad" / name
    data = path.read_bytes()
    assert len(data) == exp["size_bytes"]

    # analyse never raises, whatever the bytes
    analysis = analyse(name, data, Master.from_store(dpa_store))
    assert analysis.rejected
    codes = [i.code for i in analysis.errors]
    assert "internal_error" not in codes, [i.message for i in analysis.errors]

    before = _snapshot(dpa_store)
    results = ingest_paths(dpa_store, [path])
    after = _snapshot(dpa_store)

    assert len(results) == 1
    res = results[0]
    assert res["status"] == "rejected"
    assert (res["rows"], res["pagu"], res["realisasi_keuangan"]) == (0, None, None)
    errors = [i for i in res["issues"] if i["severity"] == "error"]
    assert errors, res
    for err in errors:
        assert err["message"].strip()
        assert INDONESIAN.search(err["message"]), err["message"]
        assert "Traceback" not in err["message"]
    reason = exp["reason"]
    if reason in SAME_CODE:
        assert reason in [e["code"] for e in errors], (reason, errors)
    assert after == before  # a rejected file changes nothing (tables, archive, import rows)


def test_rejection_details(dpa_store):
    """Spot checks that messages say where and what."""
    m = Master.from_store(dpa_store)

    def err(name):
        a = analyse(name, (FIXTURES / "bad" / name).read_bytes(), m)
        return a.errors[0]

    e = err("baris_200rb.xlsx")
    assert e.code == "too_many_rows" and "50.000" in e.message and e.sheet
    e = err("bom_kompresi.xlsx")
    assert e.code == "decompression_bomb" and e.raw == str(BAD["bom_kompresi.xlsx"]["declared_uncompressed_bytes"])
    e = err("bulan_13.xlsx")
    assert e.code == "invalid_period" and "13" in e.message
    e = err("bulan_sheet_vs_judul.xlsx")
    assert e.code == "period_conflict" and "April" in e.message and "Maret" in e.message
    e = err("tanpa_kolom_pagu.xlsx")
    assert e.code == "missing_required_column" and "Pagu" in e.raw
    e = err("realisasi_brida_2026-03.xlsx")
    assert e.code == "unknown_opd" and e.raw.lower() == BAD["realisasi_brida_2026-03.xlsx"]["opd_name"].lower()
    e = err("scan_laporan_dinkes.xlsx")
    assert e.code == "not_a_spreadsheet" and "PNG" in e.message
    e = err("laporan_kosong.xlsx")
    assert e.code == "empty_file" and "laporan_kosong.xlsx" in e.message


def test_export_sipd_is_read_by_content_but_refused_without_opd_and_period(dpa_store):
    name = "export_sipd.xlsx"
    analysis = analyse(name, (FIXTURES / "bad" / name).read_bytes(), Master.from_store(dpa_store))
    assert analysis.format == "csv"
    assert "format_mismatch" in [i.code for i in analysis.issues if i.severity == "warning"]
    assert analysis.rejected
    assert {"invalid_period", "unknown_opd"} <= {i.code for i in analysis.errors}
    assert analysis.reports[0].rows == 15  # the table itself was read
    assert set(analysis.reports[0].needs) == {"opd", "period"}


def test_kinerja_of_an_unknown_unit_is_refused(dpa_store):
    name = "kinerja_seksi_pariwisata_dan_kebudayaan_2026-03.xlsx"
    analysis = analyse(name, (FIXTURES / "bad" / name).read_bytes(), Master.from_store(dpa_store))
    assert analysis.rejected and analysis.kind == "kinerja"
    assert analysis.errors[0].code == BAD[name]["reason"] == "unknown_unit"
    assert analysis.reports[0].needs == ["unit"]


def test_commit_of_a_rejected_analysis_is_a_no_op(dpa_store):
    name = "bulan_13.xlsx"
    analysis = analyse(name, (FIXTURES / "bad" / name).read_bytes(), Master.from_store(dpa_store))
    before = _snapshot(dpa_store)
    assert commit(dpa_store, analysis)[0]["status"] == "rejected"
    assert _snapshot(dpa_store) == before


@pytest.mark.parametrize("name", sorted(n for n, e in BAD.items() if e["outcome"] == "accept_with_warnings"))
def test_accepted_with_warnings(dpa_store, name):
    exp = BAD[name]
    path = FIXTURES / "bad" / name
    results = ingest_paths(dpa_store, [path])
    assert len(results) == 1
    res = results[0]
    assert res["status"] == "flagged"
    assert res["kind"] == exp["kind"]
    assert res["month"] == exp["month"]
    assert res["rows"] == exp["leaf_rows"]
    opd = {o.nama: o.singkatan for o in dpa_store.opds()}[res["opd"]]
    assert opd == exp["opd"].upper()

    hist = dpa_store.import_history()
    imp = hist[hist["file_name"] == name].iloc[0]
    assert imp["status"] == "flagged"
    assert imp["rows_accepted"] == exp["leaf_rows"]
    issues = dpa_store.import_issues(int(imp["id"]))
    leaves = dpa_store.report_leaves(int(imp["id"]))
    assert len(leaves) == exp["leaf_rows"]
    for flag in exp["flags"]:
        hit = issues[(issues["code"] == flag["flag"]) & (issues["row"] == flag["row"])]
        assert len(hit) >= 1, (flag, issues[["code", "row"]].to_dict("records"))
        assert (hit["severity"] == "warning").all()
        assert hit["column"].notna().all() or flag["flag"] == "duplicate_code"
        row = leaves[leaves["source_row"] == flag["row"]]
        assert row["sub_kegiatan_kode"].tolist() == [flag["code"]]
        assert row["flagged"].tolist() == [True]


def test_flagged_values(dpa_store):
    """What is kept of the flagged rows."""
    for n in ("pagu_negatif.xlsx", "pagu_teks.xlsx", "fisik_140_persen.xlsx"):  # one OPD and month: one at a time
        ingest_paths(dpa_store, [FIXTURES / "bad" / n])
    hist = dpa_store.import_history().set_index("file_name")

    def leaf(name, row):
        leaves = dpa_store.report_leaves(int(hist.loc[name, "id"]))
        return leaves[leaves["source_row"] == row].iloc[0]

    assert leaf("pagu_negatif.xlsx", 11)["pagu"] < 0
    assert leaf("fisik_140_persen.xlsx", 9)["realisasi_fisik"] == 140
    teks = leaf("pagu_teks.xlsx", 10)
    assert teks["pagu"] != teks["pagu"]  # NaN: the text is not a number, the row stays without it
    issues = dpa_store.import_issues(int(hist.loc["pagu_teks.xlsx", "id"]))
    raw = issues[issues["code"] == "non_numeric_value"]["raw_value"].tolist()
    assert raw and all(r for r in raw)


def test_mutated_inputs_never_raise(dpa_store):
    """Truncated and bit-flipped copies of real reports: analyse() always answers, never raises."""
    import random

    rnd = random.Random(20260301)
    master = Master.from_store(dpa_store)
    files = sorted((FIXTURES / "realisasi").iterdir())
    outcomes = set()
    for _ in range(120):
        src = rnd.choice(files)
        data = bytearray(src.read_bytes())
        if rnd.random() < 0.5:
            data = data[: rnd.randrange(1, len(data))]
        else:
            for _ in range(rnd.randrange(1, 12)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        analysis = analyse(src.name, bytes(data), master)  # must not raise
        outcomes.add(analysis.rejected)
        for e in analysis.errors:
            assert e.message.strip() and INDONESIAN.search(e.message), e
    assert True in outcomes


def test_unsupported_zip_version_is_corrupt_file(dpa_store):
    data = bytearray((FIXTURES / "realisasi" / "realisasi_dinsos_2026-04.xlsx").read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 6 : central + 8] = (162).to_bytes(2, "little")  # "version needed to extract" = 16.2
    analysis = analyse("realisasi_dinsos_2026-04.xlsx", bytes(data), Master.from_store(dpa_store))
    assert analysis.rejected
    assert [e.code for e in analysis.errors] == ["corrupt_file"]


def test_missing_column_message_wording(dpa_store):
    data = b"kode;nama;pagu;realisasi_fisik\n1.06.01.2.02.0001;Sub;100;10\n"
    analysis = analyse("dinsos_2026-03.csv", data, Master.from_store(dpa_store))
    assert analysis.errors[0].code == "missing_required_column"
    assert "berkas berkas" not in analysis.errors[0].message
