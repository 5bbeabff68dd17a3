"""Fisik konstruksi vs non fisik (etl.classify), against the rules and the fixtures' ground truth."""

from __future__ import annotations

import pytest
from conftest import DPA_FIXTURE, FIXTURES, load_expected
from pg_support import use_both_engines

from etl.classify import FISIK, NON_FISIK, classify, jenis_from_belanja, jenis_from_name, jenis_from_text

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

EXPECTED = load_expected()["files"]


def _truth() -> dict[str, str]:
    """kode -> ground-truth jenis over every leaf of every fixture (consistent across files)."""
    out: dict[str, str] = {}
    for key, exp in EXPECTED.items():
        for kode, leaf in exp.get("leaves", {}).items():
            assert out.setdefault(kode, leaf["jenis"]) == leaf["jenis"], (key, kode)
    return out


TRUTH = _truth()


# ---------------------------------------------------------------------------- rule 2: belanja modal
@pytest.mark.parametrize(
    "codes, jenis",
    [
        (["5.2.03.01.01.0001"], FISIK),  # gedung dan bangunan
        (["5.2.04.01.01.0012"], FISIK),  # jalan, irigasi dan jaringan
        (["5.1.02.01.01.0026", "5.2.03.03.01.0001"], FISIK),  # any one line is enough
        (["5.1.02.01.01.0026", "5.1.02.02.01.0003"], NON_FISIK),  # barang dan jasa only
        (["5.2.02.05.01.0001"], NON_FISIK),  # belanja modal peralatan: not konstruksi
        (["5.2.05.01.01.0001"], NON_FISIK),  # aset tetap lainnya
        ([" 5.2.04.01.01.0012 "], FISIK),
        ([], NON_FISIK),
    ],
)
def test_belanja_modal_rule(codes, jenis):
    assert jenis_from_belanja(codes) == jenis


def test_belanja_rule_beats_the_name():
    # the name says "Pembangunan Gedung" but the DPA has no construction line: the DPA decides
    assert classify("Pembangunan Gedung Kantor", ["5.1.02.01.01.0026"]) == (
        NON_FISIK,
        "rule",
        "tanpa belanja modal 5.2.03/5.2.04",
    )
    assert classify("Penyediaan Jasa Kantor", ["5.2.03.01.01.0001"]) == (FISIK, "rule", "belanja modal 5.2.03/5.2.04")


def test_explicit_jenis_column_wins():
    assert classify("Pembangunan Gedung Kantor", ["5.2.03.01.01.0001"], "Non Fisik")[:2] == (NON_FISIK, "file")
    assert classify("Penyusunan Dokumen", None, "Fisik")[:2] == (FISIK, "file")


@pytest.mark.parametrize(
    "text, jenis",
    [
        ("Fisik", FISIK),
        ("FISIK", FISIK),
        ("Konstruksi", FISIK),
        ("Fisik Konstruksi", FISIK),
        ("Non Fisik", NON_FISIK),
        ("Non-Fisik", NON_FISIK),
        ("NF", NON_FISIK),
        ("nonfisik", NON_FISIK),
        ("", None),
        (None, None),
        ("lainnya", None),
    ],
)
def test_jenis_from_text(text, jenis):
    assert jenis_from_text(text) == jenis


# ---------------------------------------------------------------------------- rule 3: keywords
@pytest.mark.parametrize(
    "nama, jenis",
    [
        ("Pembangunan Gedung Kantor", FISIK),
        ("Pembangunan Jembatan Desa X", FISIK),
        ("Rehabilitasi Jaringan Irigasi Desa Sukamaju", FISIK),
        ("Peningkatan Jalan Kabupaten Ruas Karangsari - Margaluyu", FISIK),
        ("Pembangunan Drainase Lingkungan", FISIK),
        ("Pembangunan Puskesmas Karangsari", FISIK),
        ("Rehabilitasi Ruang Kelas SDN 1 Sukamaju", FISIK),
        ("Pemeliharaan Berkala Rumah Singgah Kertajaya", FISIK),
        ("Penyusunan Dokumen Perencanaan Pembangunan Daerah", NON_FISIK),
        ("Rehabilitasi Sosial Dasar Penyandang Disabilitas Terlantar", NON_FISIK),
        ("Sosialisasi Pembangunan Jembatan", NON_FISIK),
        ("Monitoring dan Evaluasi Pembangunan Jalan", NON_FISIK),
        ("Penyediaan Gaji dan Tunjangan ASN", NON_FISIK),
        ("Pengadaan Alat Kesehatan", NON_FISIK),
        ("Koordinasi dan Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD", NON_FISIK),
        ("", NON_FISIK),
    ],
)
def test_keyword_rule(nama, jenis):
    assert jenis_from_name(nama) == jenis


def test_keyword_rule_used_without_dpa_lines():
    assert classify("Pembangunan Jembatan Desa X") == (FISIK, "rule", "kata kunci nama sub kegiatan")
    assert classify("Penyusunan Dokumen Perencanaan Pembangunan Daerah", []) == (
        NON_FISIK,
        "rule",
        "kata kunci nama sub kegiatan",
    )


# ---------------------------------------------------------------------------- ground truth
@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """DPA plus every public realisasi report, loaded once for this module."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    tmp = tmp_path_factory.mktemp("classify")
    store = Store(tmp / "pantau.duckdb", data_dir=tmp)
    files = [DPA_FIXTURE] + [FIXTURES / k for k in sorted(EXPECTED) if EXPECTED[k]["kind"] == "realisasi"]
    results = ingest_paths(store, files)
    assert all(r["status"] in ("accepted", "flagged") for r in results), [(r["file"], r["status"]) for r in results]
    yield store
    store.close()


def test_dpa_jenis_agrees_with_truth(loaded):
    rows = loaded.sql("SELECT kode, jenis, jenis_source FROM sub_kegiatan WHERE tahun = 2026")
    dpa = {r[0]: r[1] for r in rows}
    assert set(TRUTH) <= set(dpa)
    wrong = {k: (dpa[k], j) for k, j in TRUTH.items() if dpa[k] != j}
    assert wrong == {}
    assert {r[2] for r in rows} == {"rule"}


def test_stored_realisasi_jenis_agrees_with_truth(loaded):
    """(a) with the DPA loaded every stored leaf carries the ground-truth jenis: 100 %."""
    history = loaded.import_history()
    reports = history[history["kind"] == "realisasi"]
    assert len(reports) == len([k for k in EXPECTED if EXPECTED[k]["kind"] == "realisasi"])
    checked = 0
    for rec in reports.itertuples():
        key = "realisasi/" + rec.file_name
        leaves = loaded.report_leaves(rec.id)
        truth = {k: v["jenis"] for k, v in EXPECTED[key]["leaves"].items()}
        got = dict(zip(leaves["sub_kegiatan_kode"], leaves["jenis"]))
        assert got == truth, key
        assert set(leaves["jenis_source"]) == {"rule"}
        assert int((leaves["jenis"] == "fisik").sum()) == EXPECTED[key]["fisik_rows"]
        checked += len(leaves)
    assert checked == sum(EXPECTED[k]["leaf_rows"] for k in EXPECTED if EXPECTED[k]["kind"] == "realisasi")


def test_keyword_rule_alone_agrees_with_truth(loaded):
    """(b) the keyword rule on the names only (no DPA lines): >= 90 % agreement."""
    names = dict(loaded.sql("SELECT kode, nama FROM sub_kegiatan WHERE tahun = 2026"))
    hits = sum(jenis_from_name(names[k]) == j for k, j in TRUTH.items())
    share = hits / len(TRUTH)
    misses = sorted((k, names[k], j) for k, j in TRUTH.items() if jenis_from_name(names[k]) != j)
    print(f"keyword rule agreement: {hits}/{len(TRUTH)} = {share:.1%}; misses: {misses}")
    assert len(TRUTH) == 163
    assert share >= 0.90


def test_keyword_rule_on_report_names_without_dpa():
    """A report loaded before any DPA year exists is classified by name (jenis_source 'rule')."""
    from etl.opd_match import OpdRef
    from etl.pipeline import Master, analyse

    # an OPD list without DPA sub kegiatan: only the keyword rule is available
    master = Master([OpdRef("1.04.0.00.0.00.01.0000", "Dinas Perumahan dan Kawasan Permukiman", "DPKP")], {})
    key = "realisasi/dpkp_2026-04.csv"
    analysis = analyse("dpkp_2026-04.csv", (FIXTURES / key).read_bytes(), master)
    assert not analysis.rejected
    leaves = analysis.reports[0].leaves
    truth = {k: v["jenis"] for k, v in EXPECTED[key]["leaves"].items()}
    agree = sum(lf.jenis == truth[lf.kode] for lf in leaves) / len(leaves)
    print(f"keyword rule on {key}: {agree:.1%}")
    assert agree >= 0.90
    assert {lf.jenis_source for lf in leaves} == {"rule"}


def test_recap_fisik_pagu_agrees_with_stored_jenis_when_file_has_jenis_column(dpa_store, tmp_path):
    from core.recap import recap_opd
    from etl.pipeline import ingest_paths

    key = "realisasi/dinsos_2026-03.csv"
    leaves = EXPECTED[key]["leaves"]
    first_fisik = next(k for k, v in leaves.items() if v["jenis"] == FISIK)
    lines = ["kode;nama;pagu;realisasi_fisik;realisasi_keuangan;jenis"]
    for k, v in leaves.items():
        jenis = "Non Fisik" if k == first_fisik or v["jenis"] == NON_FISIK else "Fisik"
        lines.append(f"{k};Sub {k};{v['pagu']};{str(v['fisik']).replace('.', ',')};{v['keu']};{jenis}")
    path = tmp_path / "dinsos_2026-03.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    res = ingest_paths(dpa_store, [path])[0]
    assert res["status"] in ("accepted", "flagged")
    hist = dpa_store.import_history()
    stored = dpa_store.report_leaves(int(hist[hist["file_name"] == path.name]["id"].iloc[0]))
    stored_fisik = stored.loc[stored["jenis"] == FISIK, "pagu"].sum()
    recap = recap_opd(dpa_store, 2026, 3)
    assert recap[recap["opd"] == "Dinas Sosial"]["fisik_pagu"].iloc[0] == stored_fisik
