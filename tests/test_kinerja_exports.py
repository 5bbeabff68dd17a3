"""Request formats (a returned format, filled correctly, loads with zero warnings for its unit
and month), the print-ready recap workbook (its numbers are kinerja_recap's) and the CLI
``python -m etl kinerja`` (the same rows)."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile

import openpyxl
import pytest
from kinerja_support import CAMAT, SEKCAM, build_template, copy_store, unit_id

from cli import main as cli
from core import settings as settings_mod
from core.kinerja import kinerja_recap, month_target
from core.review import transition
from etl.pipeline import Upload, commit_batch
from exports.kinerja_format import format_filename, format_workbook, formats_zip
from exports.kinerja_xlsx import NoData, kinerja_workbook


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinerja_exports")
    build_template(folder)
    return folder


@pytest.fixture
def store(template, tmp_path):
    s = copy_store(template, tmp_path)
    yield s
    s.close()


# ---------------------------------------------------------------------------- request formats
def test_format_structure(store):
    u = unit_id(store, "Seksi Kesejahteraan Sosial")
    wb = openpyxl.load_workbook(io.BytesIO(format_workbook(store, u, 2026, 5)))
    assert wb.sheetnames == ["Data Kinerja", "Petunjuk"]
    ws = wb["Data Kinerja"]
    assert ws["A2"].value == "Unit Kerja : Seksi Kesejahteraan Sosial" and ws["A3"].value == "Bulan : Mei 2026"
    assert [c.value for c in ws[5]] == ["No", "Indikator Kinerja", "Satuan", "Target", "Realisasi", "Keterangan"]
    inds = store.indikator_frame(2026, u)
    # the month's target, as the form and the review show: alir a third of TW II (500 KK / 3 -> 167,
    # counted things rounded up), stok TW II as is (100 %, 40 menit)
    assert [ws.cell(row=r, column=4).value for r in range(6, 6 + len(inds))] == [50, 167, 2, 100, 40]
    for r, ind in enumerate(inds.to_dict("records"), start=6):
        assert ws.cell(row=r, column=2).value == ind["nama"]
        assert ws.cell(row=r, column=4).value == month_target(ind, 5).nilai
        assert ws.cell(row=r, column=5).value is None
        assert not ws.cell(row=r, column=5).protection.locked and not ws.cell(row=r, column=6).protection.locked
        assert ws.cell(row=r, column=2).protection.locked
    assert ws.protection.sheet
    rules = {str(dv.sqref): (dv.operator, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    pct_row = 6 + inds["satuan"].tolist().index("%")
    assert rules[f"E{pct_row}"] == ("between", "0", "100")
    assert any(op == "greaterThanOrEqual" for op, _, _ in rules.values())
    with pytest.raises(ValueError):
        format_workbook(store, u, 2025, 5)  # no PK for 2025


def test_formats_zip(store):
    names = zipfile.ZipFile(io.BytesIO(formats_zip(store, 2026, 5))).namelist()
    assert len(names) == 7 and "kinerja_seksi_pemerintahan_2026-05.xlsx" in names
    assert (
        format_filename("Subbag Umum dan Kepegawaian", 2026, 12) == "kinerja_subbag_umum_dan_kepegawaian_2026-12.xlsx"
    )
    one = zipfile.ZipFile(io.BytesIO(formats_zip(store, 2026, 5, [unit_id(store, "Sekretariat")]))).namelist()
    assert one == ["kinerja_sekretariat_2026-05.xlsx"]
    with pytest.raises(ValueError):
        formats_zip(store, 2030, 1)


def test_every_returned_format_round_trips_without_warnings(store):
    uploads, expected = [], {}
    for u, nama in store.unit_kerja():
        data = format_workbook(store, u, 2026, 6)
        wb = openpyxl.load_workbook(io.BytesIO(data))
        ws = wb["Data Kinerja"]
        inds = store.indikator_frame(2026, u)
        for r, ind in enumerate(inds.to_dict("records"), start=6):
            value = round(10 + ind["id"] * 1.25, 2)
            ws.cell(row=r, column=5).value = value
            ws.cell(row=r, column=6).value = f"catatan {ind['id']}"
            expected[ind["id"]] = value
        buf = io.BytesIO()
        wb.save(buf)
        uploads.append(Upload(format_filename(nama, 2026, 6), buf.getvalue()))
    results = [r for rs in commit_batch(store, uploads) for r in rs]
    assert [r["status"] for r in results] == ["accepted"] * 7
    assert all(r["issues"] == [] and r["held"] == 0 and r["month"] == 6 for r in results)
    assert {r["unit"] for r in results} == {n for _, n in store.unit_kerja()}
    values = store.kinerja_values(2026)
    june = values[values["bulan"] == 6].set_index("indikator_id")
    assert june["realisasi"].to_dict() == pytest.approx(expected)
    assert set(june["match_how"]) == {"exact"}
    assert june.loc[next(iter(expected)), "keterangan"] == f"catatan {next(iter(expected))}"


# ---------------------------------------------------------------------------- recap workbook
def _rows(ws):
    """Indicator rows of the recap sheet: (indikator, target, realisasi, capaian, predikat)."""
    out, header = [], None
    for r in range(1, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == "No":
            header = r
            continue
        if header and isinstance(ws.cell(row=r, column=1).value, int):
            out.append(tuple(ws.cell(row=r, column=c).value for c in (2, 5, 6, 7, 8)))
    return out


@pytest.mark.parametrize("when", [dict(month=3), dict(triwulan=2), dict(annual=True)])
def test_workbook_numbers_are_the_recap(store, when):
    recap = kinerja_recap(store, 2026, **when)
    ws = openpyxl.load_workbook(io.BytesIO(kinerja_workbook(store, 2026, **when)))["Rekap Kinerja"]
    rows = _rows(ws)
    assert len(rows) == len(recap) == 29
    for got, exp in zip(rows, recap.itertuples(index=False)):
        assert got[0] == exp.indikator
        for value, want in zip(got[1:4], (exp.target, exp.realisasi, exp.capaian)):
            assert (value is None and want != want) or value == pytest.approx(want)
        assert got[4] == (exp.predikat if isinstance(exp.predikat, str) else None)
    texts = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)]
    total = next(i for i, t in enumerate(texts, start=1) if isinstance(t, str) and t.startswith("RATA-RATA CAPAIAN"))
    assert texts[total - 1] == "RATA-RATA CAPAIAN (capaian di atas 100 % dihitung 100 %)"
    # the mean counts each capaian above 100 % as 100 %; the median is of the raw capaian
    assert ws.cell(row=total, column=7).value == pytest.approx(recap["capaian"].clip(upper=100).mean())
    assert texts[total] == "MEDIAN CAPAIAN"
    assert ws.cell(row=total + 1, column=7).value == pytest.approx(recap["capaian"].median())
    counts = {p: int((recap["predikat"] == p).sum()) for p in ("Sangat Tinggi", "Tinggi", "Sedang", "Rendah")}
    assert ws.cell(row=total + 2, column=10).value.startswith(
        f"Sangat Tinggi: {counts['Sangat Tinggi']}; Tinggi: {counts['Tinggi']}; Sedang: {counts['Sedang']}; "
    )
    assert sum(
        ws.cell(row=r, column=6).value or 0
        for r in range(1, ws.max_row + 1)
        if isinstance(ws.cell(row=r, column=1).value, int)
    ) == pytest.approx(recap["realisasi"].sum())


def test_workbook_approval_and_signature(store):
    cfg = dataclasses.replace(
        settings_mod.load(store),
        kecamatan_nama="Kecamatan Sukamaju Hilir",
        camat_nama="Drs. Budi Santoso",
        camat_nip="19700101 199003 1 001",
        camat_jabatan="Camat Sukamaju Hilir",
        kecamatan_tempat="Sukamaju",
    )
    settings_mod.save(store, cfg, "admin")
    ws = openpyxl.load_workbook(io.BytesIO(kinerja_workbook(store, 2026, month=3)))["Rekap Kinerja"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "KECAMATAN SUKAMAJU HILIR" in cells and "Periode: Maret 2026" in cells
    assert any(c.startswith("Status: BELUM DISETUJUI") and "0 dari 7" in c for c in cells)
    assert {"Camat Sukamaju Hilir", "Drs. Budi Santoso", "NIP. 19700101 199003 1 001"} <= set(cells)
    for u, _ in store.unit_kerja():
        transition(store, u, 2026, 3, "verify", SEKCAM)
        transition(store, u, 2026, 3, "approve", CAMAT)
    ws = openpyxl.load_workbook(io.BytesIO(kinerja_workbook(store, 2026, month=3)))["Rekap Kinerja"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.startswith("Status: disetujui Camat (7 dari 7 unit)") for c in cells)
    assert sum(1 for c in cells if c.startswith("Disetujui ") and "(camat)" in c) == 7
    # a triwulan is approved only when every month reported in it is
    ws = openpyxl.load_workbook(io.BytesIO(kinerja_workbook(store, 2026, triwulan=2)))["Rekap Kinerja"]
    assert any(str(c.value).startswith("Status: BELUM") for row in ws.iter_rows() for c in row)


def test_workbook_of_one_unit_and_no_data(store):
    u = unit_id(store, "Seksi Pemerintahan")
    ws = openpyxl.load_workbook(io.BytesIO(kinerja_workbook(store, 2026, annual=True, unit_id=u)))["Rekap Kinerja"]
    assert len(_rows(ws)) == 4
    with pytest.raises(NoData):
        kinerja_workbook(store, 2025, month=1)


# ---------------------------------------------------------------------------- CLI
def test_cli_kinerja_json_is_the_recap(store, capsys, tmp_path):
    db = str(store.path)
    assert cli.main(["kinerja", "--db", db, "--year", "2026", "--triwulan", "1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    recap = kinerja_recap(store, 2026, triwulan=1)
    assert len(rows) == 29 and [r["indikator"] for r in rows] == recap["indikator"].tolist()
    for r, exp in zip(rows, recap.itertuples(index=False)):
        assert set(r) >= {"unit", "indikator", "satuan", "target", "realisasi", "capaian", "predikat"}
        assert r["unit"] == exp.unit and r["target"] == pytest.approx(exp.target)
        assert (r["capaian"] is None and exp.capaian != exp.capaian) or r["capaian"] == pytest.approx(exp.capaian)
    out = tmp_path / "rekap.xlsx"
    assert (
        cli.main(["kinerja", "--db", db, "--year", "2026", "--month", "4", "--unit", "sekretariat", "--out", str(out)])
        == 0
    )
    text = capsys.readouterr().out
    assert "Rekap capaian kinerja April 2026" in text and "Sekretariat" in text and "Sangat Tinggi" in text
    assert "Seksi Pemerintahan" not in text
    assert len(_rows(openpyxl.load_workbook(out)["Rekap Kinerja"])) == 3
    actor, target, what = store.sql("SELECT actor, target, detail FROM audit_log WHERE action = 'download'")[-1]
    assert actor.startswith("cli:") and target == "rekap.xlsx"
    assert what.startswith("rekap kinerja Sekretariat April 2026;")
    assert cli.main(["kinerja", "--db", db, "--year", "2026", "--annual", "--unit", "Seksi Pariwisata"]) == 1
    assert "tidak dikenal" in capsys.readouterr().err
    assert cli.main(["kinerja", "--db", db, "--year", "2031", "--annual"]) == 1
    assert "Perjanjian Kinerja" in capsys.readouterr().err
