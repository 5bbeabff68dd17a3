"""Report request (Rakor POK SOP steps 4-6): the pre-filled template per OPD, its round trip
through the ingest (a correct fill imports with zero issues and is recognised as "format Pantau";
a wrong fill is flagged cell by cell), the zip, the request letter and the Permintaan page."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import docx
import openpyxl
import pytest
from conftest import FIXTURES, load_expected
from daerah_support import demo_daerah  # noqa: F401 (a fixture, used by pytestmark)
from test_pages import download_bytes, new_app, run

from core.recap import recap_opd
from core.settings import Settings, load
from etl.pipeline import Master, analyse, ingest_paths
from etl.template import INPUT_FIELDS, KIND, read_marker
from exports import request_template as rt
from exports.request_letter import request_letter

pytestmark = pytest.mark.usefixtures("demo_daerah")  # a configured daerah (issue 17)

EXPECTED = load_expected()["files"]
DINKES_MAR = "realisasi/realisasi_dinkes_2026-03.xlsx"
DPA_PER_OPD = EXPECTED["master/dpa_2026.xlsx"]["sum_pagu_per_opd"]  # keyed by abbreviation, lower case
YEAR, MONTH = 2026, 4
COLS = {field: openpyxl.utils.column_index_from_string(letter) for field, letter in rt.COL.items()}
PREV = {field: openpyxl.utils.column_index_from_string(letter) for field, letter in rt.PREV.items()}


@pytest.fixture
def req_store(dpa_store):
    """The fixture DPA plus Dinas Kesehatan's March report (last month for an April request)."""
    results = ingest_paths(dpa_store, [FIXTURES / DINKES_MAR])
    assert [r["status"] for r in results] == ["accepted"], results
    return dpa_store


def _opd(store, nama: str):
    return next(o for o in store.opds() if o.nama == nama)


def _template(store, nama: str, year: int = YEAR, month: int = MONTH, settings: Settings | None = None):
    opd = _opd(store, nama)
    rows = rt.request_rows(store, year, month, [opd.kode])
    return opd, rt.template_workbook(rows, year, month, settings or load(store))


def _leaf_rows(ws) -> dict[str, int]:
    """Sub kegiatan code -> sheet row of the template."""
    out = {}
    for row in ws.iter_rows(min_row=rt.DATA_ROW):
        kode = row[COLS["kode"] - 1].value
        if isinstance(kode, str) and kode.count(".") == 5:
            out[kode] = row[0].row
    return out


def _fill(data: bytes, values: dict[str, tuple]) -> bytes:
    """Fill the input cells of the template as a user would (openpyxl, input cells only):
    ``values`` = code -> (target fisik, realisasi fisik, realisasi keuangan, permasalahan, solusi)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[rt.SHEET]
    rows = _leaf_rows(ws)
    for kode, vals in values.items():
        for field, value in zip(INPUT_FIELDS, vals):
            cell = ws.cell(row=rows[kode], column=COLS[field])
            assert cell.protection.locked is False, (kode, field)
            cell.value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _correct_values(store, opd_kode: str) -> dict[str, tuple]:
    """A plausible April fill for every sub kegiatan (whole rupiah, fisik 0-100)."""
    dpa = store.classification(YEAR, opd_kode)
    out = {}
    for i, r in enumerate(dpa.itertuples(index=False)):
        fisik = round(20 + (i * 7) % 60 + 0.25 * (i % 3), 2)
        problem = ("Proses lelang ulang", "Percepatan pengadaan melalui UKPBJ") if i % 5 == 0 else (None, None)
        out[r.kode] = (min(100.0, fisik + 5), fisik, int(r.pagu * fisik / 130), *problem)
    return out


# --------------------------------------------------------------------------- template content
def test_template_prefilled_from_dpa_and_last_month(req_store):
    opd, data = _template(req_store, "Dinas Kesehatan")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [rt.SHEET, rt.GUIDE_SHEET]
    ws = wb[rt.SHEET]
    assert ws["A3"].value == "OPD : Dinas Kesehatan"
    assert ws["A4"].value == "KEADAAN S.D. AKHIR BULAN : APRIL 2026"
    assert [c.value for c in ws[rt.HEADER_ROW]] == [label for _, label in rt.COLUMNS]
    rows = _leaf_rows(ws)
    dpa = req_store.classification(YEAR, opd.kode).set_index("kode")
    assert sorted(rows) == sorted(dpa.index)
    assert len(rows) == EXPECTED[DINKES_MAR]["leaf_rows"]
    for kode, r in rows.items():
        assert ws.cell(row=r, column=COLS["pagu"]).value == dpa.loc[kode, "pagu"]
        assert ws.cell(row=r, column=COLS["sumber_dana"]).value == dpa.loc[kode, "sumber_dana"]
        assert ws.cell(row=r, column=COLS["jenis"]).value == rt.JENIS[dpa.loc[kode, "jenis"]]
        assert all(ws.cell(row=r, column=COLS[f]).value is None for f in INPUT_FIELDS)
    assert sum(ws.cell(row=r, column=COLS["pagu"]).value for r in rows.values()) == DPA_PER_OPD["dinkes"]
    # last month's (March) report beside each row, as loaded from the fixture
    march = EXPECTED[DINKES_MAR]["leaves"]
    for kode, r in rows.items():
        assert ws.cell(row=r, column=PREV["realisasi_fisik"]).value == pytest.approx(march[kode]["fisik"])
        assert ws.cell(row=r, column=PREV["realisasi_keuangan"]).value == march[kode]["keu"]
    loaded = req_store.report_leaves(req_store.sql("SELECT id FROM import WHERE kind = 'realisasi'")[0][0])
    for lf in loaded.itertuples(index=False):
        r = rows[lf.sub_kegiatan_kode]
        assert ws.cell(row=r, column=PREV["target_fisik"]).value == pytest.approx(lf.target_fisik)
        assert ws.cell(row=r, column=PREV["permasalahan"]).value == (
            lf.permasalahan if isinstance(lf.permasalahan, str) else None
        )
    assert any(ws.cell(row=r, column=PREV["permasalahan"]).value for r in rows.values())
    # program and kegiatan rows with their codes and the names the March report gave them
    program = next(lf for lf in loaded.itertuples(index=False) if lf.program_nama)
    p_row = next(c.row for c in ws[openpyxl.utils.get_column_letter(COLS["kode"])] if c.value == program.program_kode)
    assert ws.cell(row=p_row, column=COLS["nama"]).value == program.program_nama
    assert ws.cell(row=p_row, column=COLS["pagu"]).value.startswith("=SUBTOTAL(9,")
    total = next(c.row for c in ws["A"] if c.value == "JUMLAH")
    assert ws.cell(row=total, column=COLS["pagu"]).value == f"=SUBTOTAL(9,F{rt.DATA_ROW}:F{total - 1})"


def test_template_without_last_month_report_and_january(req_store):
    _, data = _template(req_store, "Dinas Sosial")  # no March report of Dinas Sosial
    ws = openpyxl.load_workbook(io.BytesIO(data))[rt.SHEET]
    rows = _leaf_rows(ws)
    assert rows and all(ws.cell(row=r, column=c).value is None for r in rows.values() for c in PREV.values())
    guide = "\n".join(str(c.value) for c in openpyxl.load_workbook(io.BytesIO(data))[rt.GUIDE_SHEET]["B"] if c.value)
    assert "laporan Maret 2026 OPD ini belum diterima" in guide
    _, data = _template(req_store, "Dinas Kesehatan", month=1)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[rt.SHEET]
    assert all(ws.cell(row=r, column=c).value is None for r in _leaf_rows(ws).values() for c in PREV.values())
    assert "Januari adalah bulan pertama" in "\n".join(str(c.value) for c in wb[rt.GUIDE_SHEET]["B"] if c.value)


def test_template_protection_validation_guide_and_marker(req_store):
    cfg = load(req_store)
    cfg.batas_hari = 12
    opd, data = _template(req_store, "Dinas Kesehatan", settings=cfg)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[rt.SHEET]
    assert ws.protection.sheet and not ws.protection.password
    assert wb.security.lockStructure and not wb.security.workbookPassword
    rows = sorted(_leaf_rows(ws).values())
    leaf_set = set(rows)
    for r in range(rt.HEADER_ROW, rows[-1] + 2):
        for field, col in COLS.items():
            unlocked = ws.cell(row=r, column=col).protection.locked is False
            assert unlocked == (r in leaf_set and field in INPUT_FIELDS), (r, field)
    # validations on exactly the input cells of the sub kegiatan rows
    by_type = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert set(by_type) == {"decimal", "whole", "textLength"}

    def cells(dv):
        return {
            (c, r)
            for rng in dv.sqref.ranges
            for r in range(rng.min_row, rng.max_row + 1)
            for c in range(rng.min_col, rng.max_col + 1)
        }

    fisik, keu, teks = by_type["decimal"], by_type["whole"], by_type["textLength"]
    assert cells(fisik) == {(COLS[f], r) for r in rows for f in ("target_fisik", "realisasi_fisik")}
    # a missing operator / errorStyle is the schema's default (ECMA-376 18.3.1.32): between, stop
    operator, style = fisik.operator or "between", fisik.errorStyle or "stop"
    assert (operator, fisik.formula1, fisik.formula2, style) == ("between", "0", "100", "stop")
    assert cells(keu) == {(COLS["realisasi_keuangan"], r) for r in rows}
    assert (keu.operator, keu.formula1) == ("greaterThanOrEqual", "0")
    assert cells(teks) == {(COLS[f], r) for r in rows for f in ("permasalahan", "solusi")}
    for dv in (fisik, keu, teks):
        assert dv.showErrorMessage and dv.showInputMessage and dv.allow_blank
        assert len(dv.promptTitle) <= 32 and len(dv.prompt) <= 255 and len(dv.error) <= 255
    assert "0 sampai 100" in fisik.error and "tidak negatif" in keu.error and "April 2026" in fisik.prompt
    guide = "\n".join(str(c.value) for c in wb[rt.GUIDE_SHEET]["B"] if c.value)
    assert "paling lambat 12 Mei 2026" in guide
    assert "Narahubung: Bagian Administrasi Pembangunan Sekretariat Daerah Kabupaten Tanjung Makmur" in guide
    assert "tanpa kata sandi" in guide
    marker = read_marker(data, "xlsx")
    assert (marker.kind, marker.opd_kode, marker.year, marker.month, marker.sheet, marker.header_row) == (
        KIND,
        opd.kode,
        YEAR,
        MONTH,
        rt.SHEET,
        rt.HEADER_ROW,
    )


def test_zip_holds_one_template_per_opd(req_store):
    plan = rt.request_plan(req_store, YEAR, MONTH)
    opds = req_store.opds()
    assert len(plan) == len(opds) == len(DPA_PER_OPD)
    assert {s.lower(): p for s, p in zip(plan["singkatan"], plan["pagu"])} == DPA_PER_OPD
    assert plan["sub_kegiatan"].sum() == EXPECTED["master/dpa_2026.xlsx"]["sub_kegiatan"]
    assert plan.set_index("opd")["bulan_lalu"].to_dict() == {o.nama: o.nama == "Dinas Kesehatan" for o in opds}
    with zipfile.ZipFile(io.BytesIO(rt.templates_zip(req_store, YEAR, MONTH, load(req_store)))) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted(plan["file_name"])
        assert "Laporan_Realisasi_DINKES_2026-04.xlsx" in names
        markers = {name: read_marker(zf.read(name), "xlsx") for name in names}
    by_file = dict(zip(plan["file_name"], plan["opd_kode"]))
    assert {n: m.opd_kode for n, m in markers.items()} == by_file
    some = list(plan["opd_kode"][:2])
    with zipfile.ZipFile(io.BytesIO(rt.templates_zip(req_store, YEAR, MONTH, load(req_store), some))) as zf:
        assert sorted(zf.namelist()) == sorted(plan.set_index("opd_kode").loc[some, "file_name"])
    with pytest.raises(ValueError, match="Belum ada DPA tahun 2030"):
        rt.templates_zip(req_store, 2030, 1, load(req_store))


def test_words():
    assert rt.pimpinan("Dinas Kesehatan") == "Kepala Dinas Kesehatan"
    assert rt.pimpinan("Kecamatan Sukamaju") == "Camat Sukamaju"
    assert rt.pimpinan("Sekretariat Daerah") == "Sekretaris Daerah"
    assert rt.pimpinan("Sekretariat DPRD") == "Sekretaris DPRD"
    assert rt.pimpinan("Inspektorat Daerah") == "Inspektur Daerah"
    assert rt.title_case("BAGIAN ADMINISTRASI PEMBANGUNAN DAN DPRD") == "Bagian Administrasi Pembangunan dan DPRD"
    assert rt.file_name("SATPOL PP", "1.2", 2026, 3) == "Laporan_Realisasi_SATPOL_PP_2026-03.xlsx"


# --------------------------------------------------------------------------- round trip through the ingest
def test_round_trip_correct_fill_zero_issues(req_store, tmp_path):
    opd, data = _template(req_store, "Dinas Kesehatan")
    values = _correct_values(req_store, opd.kode)
    path = tmp_path / rt.file_name(opd.singkatan, opd.kode, YEAR, MONTH)
    path.write_bytes(_fill(data, values))
    analysis = analyse(path.name, path.read_bytes(), Master.from_store(req_store))
    assert [r.layout for r in analysis.reports] == ["pantau"]
    from ui.preview import summary_rows

    assert summary_rows(analysis)["Jenis"].tolist() == ["Laporan realisasi (format Pantau)"]

    [result] = ingest_paths(req_store, [path])
    assert (result["status"], result["kind"], result["opd"], result["year"], result["month"]) == (
        "accepted",
        "realisasi",
        "Dinas Kesehatan",
        YEAR,
        MONTH,
    ), result
    assert result["issues"] == []
    assert result["rows"] == len(values)
    import_id = req_store.sql("SELECT max(id) FROM import")[0][0]
    leaves = req_store.report_leaves(import_id).set_index("sub_kegiatan_kode")
    assert sorted(leaves.index) == sorted(values)
    for kode, (target, fisik, keu, masalah, solusi) in values.items():
        lf = leaves.loc[kode]
        assert (lf.target_fisik, lf.realisasi_fisik, lf.realisasi_keuangan) == (target, fisik, keu)
        assert [v if isinstance(v, str) else None for v in (lf.permasalahan, lf.solusi)] == [masalah, solusi]
        assert not lf.flagged
    # the classification stays the DPA's (the template's Jenis column is for reference only)
    dpa = req_store.classification(YEAR, opd.kode).set_index("kode")
    assert (leaves["jenis"] == dpa.loc[leaves.index, "jenis"]).all()
    assert set(leaves["jenis_source"]) <= {"rule", "manual"}
    assert leaves["program_nama"].notna().all()
    # the recap of April equals the numbers filled in
    recap = recap_opd(req_store, YEAR, MONTH, opd.kode).iloc[0]
    pagu = dpa["pagu"]
    assert recap["pagu"] == DPA_PER_OPD["dinkes"]
    assert recap["realisasi_keuangan"] == sum(v[2] for v in values.values())
    weighted = sum(pagu[k] * v[1] for k, v in values.items()) / pagu.sum()
    assert recap["fisik_pct"] == pytest.approx(weighted)
    assert recap["target_fisik_pct"] == pytest.approx(sum(pagu[k] * v[0] for k, v in values.items()) / pagu.sum())
    # the May template carries these April values as last month's
    _, may = _template(req_store, "Dinas Kesehatan", month=5)
    ws = openpyxl.load_workbook(io.BytesIO(may))[rt.SHEET]
    for kode, r in _leaf_rows(ws).items():
        assert ws.cell(row=r, column=PREV["realisasi_keuangan"]).value == values[kode][2]
        assert ws.cell(row=r, column=PREV["solusi"]).value == values[kode][4]


def test_round_trip_with_subtotals_as_values_is_cross_checked(req_store, tmp_path):
    """Subtotals saved as numbers (as after Excel calculated them, or pasted as values) are
    cross-checked: right ones pass silently, a wrong one is a subtotal_mismatch warning."""
    opd, data = _template(req_store, "Dinas Kesehatan")
    values = _correct_values(req_store, opd.kode)
    wb = openpyxl.load_workbook(io.BytesIO(_fill(data, values)))
    ws = wb[rt.SHEET]
    rows = _leaf_rows(ws)
    keu_by_row = {r: values[k][2] for k, r in rows.items()}
    pagu_by_row = {r: ws.cell(row=r, column=COLS["pagu"]).value for r in rows.values()}
    sources = {rt.COL["pagu"]: pagu_by_row, rt.COL["realisasi_keuangan"]: keu_by_row}
    for row in ws.iter_rows(min_row=rt.DATA_ROW):
        for cell in row:
            m = re.fullmatch(r"=SUBTOTAL\(9,([A-Z]+)(\d+):[A-Z]+(\d+)\)", str(cell.value))
            if m:  # SUBTOTAL(9, ...) adds the sub kegiatan rows of its range
                source = sources.get(m.group(1), {})
                first, last = int(m.group(2)), int(m.group(3))
                cell.value = sum(v for r, v in source.items() if first <= r <= last) if source else None
    total = next(c.row for c in ws["A"] if c.value == "JUMLAH")
    path = tmp_path / "Laporan_Realisasi_DINKES_2026-04.xlsx"
    wb.save(path)
    [ok] = ingest_paths(req_store, [path])
    assert ok["status"] == "accepted" and ok["issues"] == [], ok
    ws.cell(row=total, column=COLS["realisasi_keuangan"]).value += 1_000_000  # beyond the rounding tolerance
    bad = tmp_path / "Laporan_Realisasi_DINKES_2026-04 revisi.xlsx"
    wb.save(bad)
    [flagged] = ingest_paths(req_store, [bad])
    assert flagged["status"] == "flagged", flagged
    assert [(i["code"], i["row"], i["column"]) for i in flagged["issues"]] == [("subtotal_mismatch", total, "I")]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_round_trip_saved_by_libreoffice(req_store, tmp_path):
    """Saved again by a spreadsheet program (formulas calculated, properties rewritten): still
    recognised as format Pantau and imported with zero issues."""
    opd, data = _template(req_store, "Dinas Kesehatan")
    values = _correct_values(req_store, opd.kode)
    src = tmp_path / "in" / "Laporan_Realisasi_DINKES_2026-04.xlsx"
    src.parent.mkdir()
    src.write_bytes(_fill(data, values))
    out = tmp_path / "out"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    saved = out / src.name
    wb = openpyxl.load_workbook(saved, data_only=True)
    total = next(c.row for c in wb[rt.SHEET]["A"] if c.value == "JUMLAH")
    assert wb[rt.SHEET].cell(row=total, column=COLS["realisasi_keuangan"]).value == sum(v[2] for v in values.values())
    analysis = analyse(saved.name, saved.read_bytes(), Master.from_store(req_store))
    assert [r.layout for r in analysis.reports] == ["pantau"]
    [result] = ingest_paths(req_store, [saved])
    assert result["status"] == "accepted" and result["issues"] == [], result


def test_wrong_fill_flags_each_cell(req_store, tmp_path):
    opd, data = _template(req_store, "Dinas Kesehatan")
    values = _correct_values(req_store, opd.kode)
    codes = sorted(values)
    values[codes[0]] = (50.0, 120.0, 1_000_000, None, None)  # fisik above 100 %
    values[codes[1]] = (50.0, 40.0, -5_000_000, None, None)  # negative rupiah
    values[codes[2]] = ("lima puluh", 40.0, 2_000_000, None, None)  # text in a number cell
    dpa = req_store.classification(YEAR, opd.kode).set_index("kode")
    values[codes[3]] = (50.0, 40.0, int(dpa.loc[codes[3], "pagu"]) + 1_000_000, None, None)  # above pagu
    path = tmp_path / "Laporan_Realisasi_DINKES_2026-04.xlsx"
    path.write_bytes(_fill(data, values))
    rows = _leaf_rows(openpyxl.load_workbook(path)[rt.SHEET])
    [result] = ingest_paths(req_store, [path])
    assert result["status"] == "flagged"
    got = sorted((i["code"], i["sheet"], i["row"], i["column"], i["severity"]) for i in result["issues"])
    assert got == sorted(
        [
            ("fisik_out_of_range", rt.SHEET, rows[codes[0]], "H", "warning"),
            ("negative_value", rt.SHEET, rows[codes[1]], "I", "warning"),
            ("non_numeric_value", rt.SHEET, rows[codes[2]], "G", "warning"),
            ("realisasi_melebihi_pagu", rt.SHEET, rows[codes[3]], "I", "warning"),
        ]
    )
    messages = {i["code"]: i["message"] for i in result["issues"]}
    assert "120 % di luar rentang 0-100 %" in messages["fisik_out_of_range"]
    assert "'lima puluh'" in messages["non_numeric_value"] and "bukan angka" in messages["non_numeric_value"]
    leaves = req_store.report_leaves(req_store.sql("SELECT max(id) FROM import")[0][0]).set_index("sub_kegiatan_kode")
    assert leaves["flagged"].sum() == 4
    assert leaves.loc[codes[0], "realisasi_fisik"] == 120.0  # kept as reported, flagged
    assert leaves.loc[codes[2], "target_fisik"] != leaves.loc[codes[2], "target_fisik"]  # NaN: not a number


def test_marker_disagreeing_with_title_is_a_conflict(req_store, tmp_path):
    opd, data = _template(req_store, "Dinas Kesehatan")
    filled = _fill(data, _correct_values(req_store, opd.kode))
    master = Master.from_store(req_store)

    def edited(cell: str, text: str) -> bytes:
        wb = openpyxl.load_workbook(io.BytesIO(filled))
        wb[rt.SHEET][cell] = text
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    # another OPD written in the title (the file name is neutral): title and marker disagree
    a = analyse("laporan.xlsx", edited("A3", "OPD : Dinas Sosial"), master)
    [rep] = a.reports
    assert a.rejected and "opd" in rep.needs
    [err] = rep.errors
    assert err.code == "opd_conflict" and "penanda templat Pantau = Dinas Kesehatan" in err.message
    assert "Dinas Sosial" in err.message
    # another month in the title
    a = analyse("laporan.xlsx", edited("A4", "KEADAAN S.D. AKHIR BULAN : MEI 2026"), master)
    [err] = a.reports[0].errors
    assert err.code == "period_conflict" and "penanda templat Pantau 'April 2026'" in err.message
    # the OPD chooses in the preview: the choice wins, with a warning naming the marker
    a = analyse("laporan.xlsx", edited("A4", "KEADAAN S.D. AKHIR BULAN : MEI 2026"), master, period=(2026, 5))
    assert not a.rejected and (a.reports[0].year, a.reports[0].month) == (2026, 5)
    assert "penanda templat Pantau" in next(i.message for i in a.reports[0].issues if i.code == "period_override")
    # without title and file name the marker alone names OPD and period
    a = analyse("isian.xlsx", edited("A3", "Isian laporan"), master)
    assert not a.rejected and a.reports[0].opd.nama == "Dinas Kesehatan" and a.reports[0].month == MONTH


def test_changed_columns_read_as_an_ordinary_report(req_store):
    opd, data = _template(req_store, "Dinas Kesehatan")
    wb = openpyxl.load_workbook(io.BytesIO(_fill(data, _correct_values(req_store, opd.kode))))
    ws = wb[rt.SHEET]
    ws.protection.sheet = False
    ws.delete_cols(COLS["sumber_dana"])
    buf = io.BytesIO()
    wb.save(buf)
    a = analyse("Laporan_Realisasi_DINKES_2026-04.xlsx", buf.getvalue(), Master.from_store(req_store))
    [rep] = a.reports
    assert rep.layout is None and not a.rejected
    assert [i.code for i in rep.issues] == ["template_changed"] and rep.issues[0].severity == "info"
    assert rep.rows == EXPECTED[DINKES_MAR]["leaf_rows"]


# --------------------------------------------------------------------------- the letter
def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]

    def cells(tables):
        for t in tables:
            for row in t.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    cells(document.tables)
    return "\n".join(parts)


def _settings(store) -> Settings:
    cfg = load(store)
    cfg.ttd_nama, cfg.ttd_nip = "Drs. SUTARNO, M.Si", "19630103 198812 1 001"
    cfg.kop_alamat = "Jalan Merdeka No. 1, Tanjung Makmur"
    return cfg


def test_letter_lists_every_opd_with_deadline_and_signatory(req_store):
    cfg = _settings(req_store)
    data = request_letter(req_store, YEAR, MONTH, cfg, nomor="027/45/Adpem/2026", tanggal_surat=dt.date(2026, 5, 2))
    text = _docx_text(data)
    document = docx.Document(io.BytesIO(data))
    assert document.sections[0].page_height.cm == pytest.approx(33.0, abs=0.01)  # F4
    for expected in (
        "PEMERINTAH KABUPATEN TANJUNG MAKMUR",
        "SEKRETARIAT DAERAH",
        "BAGIAN ADMINISTRASI PEMBANGUNAN",
        "Jalan Merdeka No. 1, Tanjung Makmur",
        "Tanjung Makmur, 2 Mei 2026",
        "027/45/Adpem/2026",
        "Penting",
        "1 (satu) berkas",
        "Permohonan Laporan Realisasi Fisik dan Keuangan Bulan April 2026",
        "keadaan sampai dengan akhir bulan April 2026",
        "paling lambat tanggal 10 Mei 2026",
        "Kepala Bagian Administrasi Pembangunan,",
        "Drs. SUTARNO, M.Si",
        "NIP. 19630103 198812 1 001",
        "Tembusan:",
        "Bupati Tanjung Makmur (sebagai laporan);",
        "(daftar terlampir)",
        "Laporan_Realisasi_DINKES_2026-04.xlsx",
    ):
        assert expected in text, expected
    plan = rt.request_plan(req_store, YEAR, MONTH)
    for nama, file in zip(plan["opd"], plan["file_name"]):  # every OPD in the lampiran, with its file
        assert rt.pimpinan(nama) in text and file in text
    assert "Kepala Dinas Kesehatan" in text and "163" in text


def test_letter_for_chosen_opds_lists_them_under_yth(req_store):
    cfg = _settings(req_store)
    cfg.batas_hari = 15
    chosen = [_opd(req_store, "Dinas Kesehatan").kode, _opd(req_store, "Dinas Sosial").kode]
    data = request_letter(
        req_store,
        YEAR,
        12,
        cfg,
        opd_kodes=chosen,
        tanggal_surat=dt.date(2027, 1, 2),
        kontak="Sdr. Budi (0812-0000-0000)",
        tembusan=["Inspektur Daerah"],
    )
    text = _docx_text(data)
    assert "1. Kepala Dinas Kesehatan" in text and "2. Kepala Dinas Sosial" in text
    assert "(daftar terlampir)" not in text and "Kepala Dinas Pertanian" not in text
    assert "paling lambat tanggal 15 Januari 2027" in text  # batas_hari of the following month
    assert "menghubungi Sdr. Budi (0812-0000-0000)." in text
    assert "1. Inspektur Daerah." in text and "Bupati" not in text
    assert "Nomor\n:\n" + "." * 30 in text  # left to fill at signing
    with pytest.raises(ValueError, match="Belum ada DPA"):
        request_letter(req_store, 2030, 1, cfg)


# --------------------------------------------------------------------------- the page
def test_permintaan_page_downloads_are_audited(app_env, media):
    from db.store import Store

    store = Store(app_env, data_dir=app_env.parent / "data")
    at = run(new_app({"tahun": "2026", "bulan": "4"}))
    at.switch_page("views/permintaan.py")
    run(at)
    assert [t.value for t in at.title] == ["Permintaan Laporan"]
    assert "Impor DPA terlebih dahulu" in at.info[0].value and not at.get("download_button")

    ingest_paths(store, [FIXTURES / "master" / "dpa_2026.xlsx", FIXTURES / DINKES_MAR])
    run(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "OPD tujuan": f"{len(DPA_PER_OPD)} dari {len(DPA_PER_OPD)}",
        "Sub kegiatan": "163",
        "Batas penyampaian": "10 Mei 2026",
    }
    table = at.dataframe[0].value
    assert table.set_index("OPD").loc["Dinas Kesehatan", "Laporan Maret 2026"] == "terisi di format"
    assert len(table) == len(DPA_PER_OPD)
    assert not at.get("download_button")  # built only on request
    at.text_input(key="permintaan_nomor").set_value("027/77/Adpem/2026")
    at.button(key="permintaan_siapkan").click()
    run(at)
    buttons = {b.label: b for b in at.get("download_button")}
    zip_button = next(b for label, b in buttons.items() if label.startswith("Unduh format laporan"))
    with zipfile.ZipFile(io.BytesIO(download_bytes(media, zip_button))) as zf:
        assert len(zf.namelist()) == len(DPA_PER_OPD)
        assert read_marker(zf.read("Laporan_Realisasi_DINKES_2026-04.xlsx"), "xlsx").month == MONTH
    letter = download_bytes(media, buttons["Unduh surat permohonan (Word)"])
    assert "027/77/Adpem/2026" in _docx_text(letter)
    zip_button.click()
    run(at)
    next(b for b in at.get("download_button") if b.label == "Unduh surat permohonan (Word)").click()
    run(at)
    audit = store.sql("SELECT actor, target, detail FROM audit_log WHERE action = 'download' ORDER BY id")
    assert audit[-2:] == [
        ("admin", "Format_Laporan_Realisasi_2026-04.zip", f"format laporan {len(DPA_PER_OPD)} OPD"),
        ("admin", "Surat_Permohonan_Laporan_2026-04.docx", "surat permohonan laporan"),
    ]
    # fewer OPDs chosen: fewer files
    dinkes = _opd(store, "Dinas Kesehatan").kode
    at.multiselect(key="permintaan_opd").set_value([dinkes])
    run(at)
    assert not at.get("download_button")  # other choices: prepared again
    at.button(key="permintaan_siapkan").click()
    run(at)
    zip_button = next(b for b in at.get("download_button") if b.label.startswith("Unduh format laporan"))
    with zipfile.ZipFile(io.BytesIO(download_bytes(media, zip_button))) as zf:
        assert zf.namelist() == ["Laporan_Realisasi_DINKES_2026-04.xlsx"]


@pytest.mark.parametrize("role", ["opd", "viewer"])
def test_permintaan_page_is_for_admins_only(app_env, role):
    from core.access import User, can_open

    assert not can_open(User("u", "U", role, "1" if role == "opd" else None), "permintaan")
    at = run(new_app(user=f"{role}1", role=role, opd_kode="1.02.0.00.0.00.01.0000" if role == "opd" else None))
    with pytest.raises(ValueError):
        at.switch_page("views/permintaan.py")
