"""The kabupaten/kota of a province install (issue 18, item 3): OPDs name their kabupaten/kota,
and every recap chosen for one reads only its OPDs, with the same numbers as the whole recap
cut to those OPDs; the province overview adds the OPDs up per kabupaten/kota. Both engines."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from core import recap as recap_mod
from core.breakdown import by_jenis, by_sumber_dana
from core.recap import kabupaten_totals
from core.wilayah import NO_WILAYAH, opd_wilayah, province_overview, wilayah_recap
from etl.pipeline import ingest_paths
from tests.conftest import FIXTURES
from tests.pg_support import use_both_engines

use_both_engines(globals())

EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))["files"]
APRIL = sorted(k for k, v in EXPECTED.items() if v["kind"] == "realisasi" and v["month"] == 4)
A, B = "Kabupaten Tanjung Makmur", "Kota Bukit Permai"


@pytest.fixture
def province(dpa_store):
    """The fixture DPA and the April reports, the OPDs split over two kabupaten/kota (the
    first three by name in A, the next three in B, the rest naming none)."""
    res = ingest_paths(dpa_store, [FIXTURES / k for k in APRIL])
    assert all(r["status"] in ("accepted", "flagged") for r in res), res
    opds = dpa_store.opds()
    assign = {o.kode: A for o in opds[:3]} | {o.kode: B for o in opds[3:6]}
    assert dpa_store.set_wilayah(assign, "admin") == 6
    return dpa_store, {A: {o.kode for o in opds[:3]}, B: {o.kode for o in opds[3:6]}}


def test_set_wilayah_lists_audits_and_refuses_unknown_opds(province):
    store, groups = province
    assert store.wilayah_list() == [A, B]
    assert {o.kode for o in store.opds() if o.wilayah == A} == groups[A]
    log = store.audit_entries(action="opd_wilayah")
    assert len(log) == 6 and set(log["target"]) == groups[A] | groups[B]
    assert json.loads(log.iloc[0]["detail"])["dari"] is None
    # the same assignment again changes nothing and logs nothing
    assert store.set_wilayah({k: A for k in groups[A]}, "admin") == 0
    assert len(store.audit_entries(action="opd_wilayah")) == 6
    with pytest.raises(ValueError, match="OPD tidak dikenal: 9.99"):
        store.set_wilayah({"9.99": A}, "admin")
    # blank clears (spaces tidied); a version bump so cached reads follow
    before = store.data_version()
    one = sorted(groups[B])[0]
    assert store.set_wilayah({one: "  "}, "admin") == 1
    assert store.data_version() != before
    assert next(o for o in store.opds() if o.kode == one).wilayah is None


def test_every_recap_of_a_kabupaten_is_the_whole_recap_cut_to_its_opds(province):
    store, groups = province
    whole = recap_mod.recap_opd(store, 2026, 4)
    for name, kodes in groups.items():
        part = recap_mod.recap_opd(store, 2026, 4, wilayah=name)
        assert set(part["opd_kode"]) == kodes
        expected = whole[whole["opd_kode"].isin(kodes)].reset_index(drop=True)
        pd.testing.assert_frame_equal(part.reset_index(drop=True), expected)
        tot = kabupaten_totals(part)
        assert tot["pagu"] == pytest.approx(float(expected["pagu"].sum()))
        # kurva S (summary path) month 4 = the kabupaten totals; month by month from the same sums
        curve = recap_mod.kurva_s(store, 2026, upto=4, wilayah=name)
        assert curve.iloc[3]["pagu"] == pytest.approx(tot["pagu"])
        assert curve.iloc[3]["keuangan_pct"] == pytest.approx(tot["keuangan_pct"])
        # jenis and sumber dana splits (summary) and leaf rows add up to the same pagu
        assert by_jenis(store, 2026, 4, wilayah=name)["pagu"].sum() == pytest.approx(tot["pagu"])
        assert by_sumber_dana(store, 2026, 4, wilayah=name)["pagu"].sum() == pytest.approx(tot["pagu"])
        leaves = recap_mod.leaf_recap(store, 2026, 4, wilayah=name)
        assert set(leaves["opd_kode"]) == kodes
        assert leaves["pagu"].sum() == pytest.approx(tot["pagu"])
        # a filtered recap (leaf path) keeps to the kabupaten too
        fisik = recap_mod.recap_opd(store, 2026, 4, wilayah=name, jenis="fisik")
        assert set(fisik["opd_kode"]) <= kodes
        levels = recap_mod.level_recap(store, 2026, 4, "program", wilayah=name)
        assert set(levels["opd_kode"]) == kodes
        status = store.reporting_status(2026, 4, wilayah=name)
        assert set(status["opd_kode"]) == kodes
        kritis = recap_mod.kritis_recap(store, 2026, 4, None, 5, 10, wilayah=name)
        assert set(kritis["opd_kode"]) <= kodes
    # an OPD and a kabupaten/kota it is not in: nothing
    outsider = sorted(groups[B])[0]
    assert recap_mod.recap_opd(store, 2026, 4, outsider, wilayah=A).empty


def test_province_overview_adds_the_opds_up_per_kabupaten(province):
    store, groups = province
    whole = recap_mod.recap_opd(store, 2026, 4)
    rows = wilayah_recap(whole, opd_wilayah(store.opds()))
    assert rows["wilayah"].tolist() == [A, B, NO_WILAYAH]
    pd.testing.assert_frame_equal(province_overview(store, 2026, 4), rows)  # what the Ringkasan caches
    for _, row in rows.iterrows():
        if row["wilayah"] == NO_WILAYAH:
            part = whole[~whole["opd_kode"].isin(groups[A] | groups[B])]
        else:
            part = recap_mod.recap_opd(store, 2026, 4, wilayah=row["wilayah"])
        tot = kabupaten_totals(part)
        assert row["pagu"] == pytest.approx(tot["pagu"])
        assert row["keuangan_pct"] == pytest.approx(tot["keuangan_pct"])
        assert row["fisik_pct"] == pytest.approx(tot["fisik_pct"])
        assert (row["opd_reported"], row["opd_total"]) == (tot["opd_reported"], tot["opd_total"])
    assert rows["pagu"].sum() == pytest.approx(float(whole["pagu"].sum()))
    assert wilayah_recap(whole.iloc[0:0], {}).empty


def test_a_kabupaten_whose_opds_have_not_reported_shows_no_realisation():
    recap = pd.DataFrame(
        {
            "opd_kode": ["a", "b"],
            "opd": ["A", "B"],
            "singkatan": [None, None],
            "sub_kegiatan": [3, 4],
            "pagu": [100.0, 300.0],
            "pagu_murni": [100.0, 300.0],
            "realisasi_keuangan": [float("nan"), 30.0],
            "keuangan_pct": [float("nan"), 10.0],
            "fisik_pct": [float("nan"), 20.0],
            "target_fisik_pct": [float("nan"), 25.0],
            "deviasi": [float("nan"), -5.0],
            "fisik_pagu": [0.0, 300.0],
            "non_fisik_pagu": [100.0, 0.0],
            "reported": [False, True],
            "reported_at": [None, None],
            "target_keuangan_pct": [float("nan"), 40.0],
            "plan_share": [0.0, 0.5],
        }
    )
    rows = wilayah_recap(recap, {"a": "X", "b": "Y"}).set_index("wilayah")
    assert not rows.at["X", "reported"] and pd.isna(rows.at["X", "keuangan_pct"])
    assert rows.at["Y", "keuangan_pct"] == pytest.approx(10.0)
    # the absorption target of Y: half its pagu planned at 40 % (the other half takes the flat target)
    assert rows.at["Y", "plan_share"] == pytest.approx(0.5)
    assert rows.at["Y", "target_keuangan_pct"] == pytest.approx(40.0)
    assert (rows.at["Y", "opd_reported"], rows.at["Y", "opd_total"]) == (1, 1)


def test_the_meeting_pack_and_the_print_recap_of_a_kabupaten(province):
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from core.settings import load
    from exports.pack_data import pack_data, pack_preview
    from exports.recap_xlsx import recap_workbook

    store, groups = province
    settings = load(store)
    today = dt.date(2026, 5, 20)
    pack = pack_data(store, 2026, 4, settings, today, wilayah=A)
    part = recap_mod.recap_opd(store, 2026, 4, wilayah=A)
    assert set(pack.recap["opd_kode"]) == groups[A]
    assert pack.totals == kabupaten_totals(part)
    assert pack.settings.nama_daerah == A and pack.settings.kop_1 == settings.kop_1
    assert pack.file_stem == "Materi_Rakor_2026-04_Kabupaten_Tanjung_Makmur"
    assert set(pack.kritis["opd_kode"]) <= groups[A]
    assert pack.jenis["pagu"].sum() == pytest.approx(pack.totals["pagu"])
    assert pack.kurva.iloc[3]["keuangan_pct"] == pytest.approx(pack.totals["keuangan_pct"])
    preview = pack_preview(store, 2026, 4, settings, today, wilayah=A)
    assert preview.kritis_total == pack.kritis_total and preview.totals == pack.totals

    wb = load_workbook(io.BytesIO(recap_workbook(store, 2026, 4, None, settings, today, wilayah=A)))
    text = [str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert any(A.upper() in t for t in text)
    assert not any(n.nama in t for n in store.opds() if n.kode in groups[B] for t in text)


def test_cli_sets_lists_and_reports_by_kabupaten(tmp_path, capsys):
    from cli.main import main
    from db.store import Store

    db = str(tmp_path / "cli.duckdb")
    store = Store(db, data_dir=tmp_path)
    ingest_paths(store, [FIXTURES / "master" / "dpa_2026.xlsx", *(FIXTURES / k for k in APRIL)])
    store.close()
    assert main(["wilayah", "set", A, "--db", db, "--opd", "dinkes", "--opd", "Dinas Pendidikan"]) == 0
    assert "Kabupaten/kota 2 OPD ditetapkan ke Kabupaten Tanjung Makmur (2 berubah)." in capsys.readouterr().out
    assert main(["wilayah", "set", B, "--db", db, "--kode-awal", "1.0", "--opd", "BAPPEDA"]) == 0  # 1.01-1.06
    assert "6 OPD ditetapkan ke Kota Bukit Permai (6 berubah)" in capsys.readouterr().out
    assert main(["wilayah", "set", A, "--db", db, "--opd", "1.01.0.00.0.00.01.0000", "--opd", "dinkes"]) == 0
    assert "2 OPD ditetapkan ke Kabupaten Tanjung Makmur (2 berubah)" in capsys.readouterr().out
    assert main(["wilayah", "list", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{A}: 2 OPD", f"{B}: 4 OPD", "(tanpa kabupaten/kota): 2 OPD"]
    # unknown OPD, unknown prefix, no OPD named, no name: refused with the reason
    assert main(["wilayah", "set", A, "--db", db, "--opd", "Dinas Pariwisata"]) == 1
    assert "OPD tidak dikenal: Dinas Pariwisata" in capsys.readouterr().err
    assert main(["wilayah", "set", A, "--db", db, "--kode-awal", "9."]) == 1
    assert "Tidak ada OPD yang kodenya diawali '9.'" in capsys.readouterr().err
    assert main(["wilayah", "set", A, "--db", db]) == 1
    assert "--opd KODE" in capsys.readouterr().err
    assert main(["wilayah", "set", "--db", db, "--opd", "dinkes"]) == 2
    # the recap of one kabupaten/kota, and a name that is none
    assert main(["recap", "--db", db, "--year", "2026", "--month", "4", "--json", "--wilayah", B]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 4 and "Dinas Kesehatan" not in [r["opd"] for r in rows]
    assert main(["recap", "--db", db, "--year", "2026", "--month", "4", "--wilayah", "Kota Lain"]) == 1
    assert f"Yang ada: {A}, {B}." in capsys.readouterr().err
    out = tmp_path / "rekap_b.xlsx"
    assert (
        main(["export", "recap", "--db", db, "--year", "2026", "--month", "4", "--out", str(out), "--wilayah", B]) == 0
    )
    assert "4 OPD" in capsys.readouterr().out and out.exists()
    assert main(["wilayah", "clear", "--db", db, "--opd", "dinkes"]) == 0
    assert "1 OPD dikosongkan (1 berubah)" in capsys.readouterr().out


# --------------------------------------------------------------------------- the ingest stage
def _analysis(kind: str, codes: list[str]):
    from types import SimpleNamespace

    if kind == "dpa":
        rep = SimpleNamespace(
            kind="dpa",
            sheet="DPA",
            issues=[],
            wilayah=None,
            dpa=SimpleNamespace(opds={c: (f"OPD {c}", None) for c in codes}),
        )
    else:
        rep = SimpleNamespace(
            kind=kind, sheet="S", issues=[], wilayah=None, opd=SimpleNamespace(kode=codes[0], nama="X")
        )
    return SimpleNamespace(name="f.xlsx", reports=[rep])


def test_check_wilayah_refuses_an_opd_of_another_kabupaten():
    from etl.wilayah import check_wilayah

    known = {"1.02": A, "1.03": A, "1.04": B, "5.01": None}
    ok = _analysis("realisasi", ["1.02"])
    check_wilayah(ok, f"  {A} ", known)
    assert ok.reports[0].issues == [] and ok.reports[0].wilayah == A
    other = _analysis("realisasi", ["1.02"])
    check_wilayah(other, B, known)
    (issue,) = other.reports[0].issues
    assert issue.code == "wilayah_lain" and issue.severity == "error" and issue.sheet == "S"
    assert f"terdaftar untuk {A}, bukan {B}" in issue.message and "3201/1.02" in issue.message
    unsaid = _analysis("realisasi", ["1.04"])
    check_wilayah(unsaid, None, known)
    assert f'--wilayah "{B}"' in unsaid.reports[0].issues[0].message
    own = _analysis("realisasi", ["5.01"])  # the province's own OPD: no kabupaten/kota said, none named
    check_wilayah(own, None, known)
    assert own.reports[0].issues == []
    check_wilayah(own, A, known)
    assert "tanpa kabupaten/kota" in own.reports[0].issues[0].message
    # a DPA: the OPDs grouped per kabupaten/kota they belong to, new ones pass
    dpa = _analysis("dpa", ["1.02", "1.03", "1.04", "9.99"])
    check_wilayah(dpa, B, known)
    (issue,) = dpa.reports[0].issues
    assert "OPD 1.02 (OPD 1.02), 1.03 (OPD 1.03) terdaftar untuk" in issue.message
    # a kabupaten install (no OPD names one): nothing to check
    plain = _analysis("dpa", ["1.02"])
    check_wilayah(plain, None, {"1.02": None})
    assert plain.reports[0].issues == []


def test_a_province_ingests_each_kabupaten_into_its_own_opds(dpa_store):
    store = dpa_store
    opds = store.opds()
    store.set_wilayah({o.kode: A for o in opds}, "admin")
    dinkes = next(k for k in APRIL if "DINKES" in k)
    # not said which kabupaten/kota: refused, naming the one the OPD belongs to
    (res,) = ingest_paths(store, [FIXTURES / dinkes])
    assert res["status"] == "rejected"
    assert any(i["code"] == "wilayah_lain" and f'--wilayah "{A}"' in i["message"] for i in res["issues"])
    # said, but another: refused; the right one: loaded
    (res,) = ingest_paths(store, [FIXTURES / dinkes], wilayah=B)
    assert res["status"] == "rejected" and any(f"terdaftar untuk {A}, bukan {B}" in i["message"] for i in res["issues"])
    (res,) = ingest_paths(store, [FIXTURES / dinkes], wilayah=A)
    assert res["status"] in ("accepted", "flagged"), res
    # another kabupaten's DPA with the same SIPD OPD codes is refused, not taken as a revision
    (res,) = ingest_paths(store, [FIXTURES / "master" / "dpa_2026.xlsx"], wilayah=B)
    assert res["status"] == "rejected"
    assert any("dan 3 OPD lain terdaftar untuk" in i["message"] for i in res["issues"])
    assert store.wilayah_list() == [A]


def test_new_opds_take_the_kabupaten_of_their_file(tmp_path):
    from db.store import Store

    store = Store(tmp_path / "p.duckdb", data_dir=tmp_path)
    try:
        (res,) = ingest_paths(store, [FIXTURES / "master" / "dpa_2026.xlsx"], wilayah=B)
        assert res["status"] == "accepted"
        assert {o.wilayah for o in store.opds()} == {B}
        # the same DPA again from B: a revision of B's own OPDs, accepted
        (res,) = ingest_paths(store, [FIXTURES / "master" / "dpa_2026.xlsx"], wilayah=B, last_wins=True)
        assert res["status"] in ("accepted", "duplicate", "flagged"), res
    finally:
        store.close()
