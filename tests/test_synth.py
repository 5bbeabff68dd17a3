"""The synthetic generator (scripts/synth.py) writes what its ground truth says.

Files are read back with python-calamine (csv / html parsers for V4 and html_xls),
independently of the ETL package, so these tests check the generator itself.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from scripts import synth

LEAF = re.compile(r"^\d+(\.\d+){5}$")
SUBTOTAL = re.compile(r"^\d+\.\d+\.\d+(\.\d+\.\d+)?$")
FLAT_LAYOUTS = ("V1", "V2", "V3", "V4", "offset", "html_xls")


@pytest.fixture(scope="module")
def master() -> synth.Master:
    """A small kabupaten: 4 OPDs of 12 sub kegiatan."""
    return synth.make_master(seed=11, n_opd=4, subkeg_per_opd=12)


def to_number(value) -> float:
    """Read a cell written by the generator: a number or Indonesian-style text."""
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).replace("Rp", "").replace("%", "").replace(" ", "")
    return float(text.replace(".", "").replace(",", ".")) if text else 0.0


class _TableParser(HTMLParser):
    """Collect the cell texts of an HTML table, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_sheets(path: Path) -> dict[str, list[list]]:
    """All sheets of a written report as lists of rows (absolute positions kept)."""
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return {"csv": list(csv.reader(fh, delimiter=";"))}
    if path.suffix == ".xls":
        parser = _TableParser()
        parser.feed(path.read_text(encoding="utf-8"))
        return {"html": parser.rows}
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def table_rows(rows: list[list], pct_scale: float) -> list[dict]:
    """Rows that carry a kode: (kode, pagu, target, fisik, keuangan), in sheet order."""
    out = []
    for row in rows:
        for k, cell in enumerate(row):
            if isinstance(cell, str) and (LEAF.match(cell) or SUBTOTAL.match(cell)):
                out.append(
                    {
                        "kode": cell,
                        "pagu": to_number(row[k + 2]),
                        "target": to_number(row[k + 3]) * pct_scale,
                        "fisik": to_number(row[k + 4]) * pct_scale,
                        "keuangan": to_number(row[k + 5]),
                    }
                )
                break
    return out


def summarise(rows: list[dict]) -> dict:
    """Leaf count, sums and pagu-weighted fisik of the leaf rows."""
    leaves = [r for r in rows if LEAF.match(r["kode"])]
    pagu = sum(r["pagu"] for r in leaves)
    return {
        "leaf_rows": len(leaves),
        "sum_pagu": pagu,
        "sum_realisasi_keuangan": sum(r["keuangan"] for r in leaves),
        "fisik_weighted_mean": sum(r["pagu"] * r["fisik"] for r in leaves) / pagu,
    }


def assert_matches(truth: synth.ReportTruth, rows: list[dict]) -> None:
    """The rows read back agree with the ground truth, and subtotals with their leaves."""
    got = summarise(rows)
    assert got["leaf_rows"] == truth.leaf_rows
    assert got["sum_pagu"] == truth.sum_pagu
    assert got["sum_realisasi_keuangan"] == truth.sum_realisasi_keuangan
    assert got["fisik_weighted_mean"] == pytest.approx(truth.fisik_weighted_mean, abs=1e-3)
    leaves = [r for r in rows if LEAF.match(r["kode"])]
    for sub in (r for r in rows if SUBTOTAL.match(r["kode"])):
        under = [r for r in leaves if r["kode"].startswith(sub["kode"] + ".")]
        assert under, sub["kode"]
        pagu = sum(r["pagu"] for r in under)
        assert sub["pagu"] == pagu
        assert sub["keuangan"] == sum(r["keuangan"] for r in under)
        assert sub["fisik"] == pytest.approx(sum(r["pagu"] * r["fisik"] for r in under) / pagu, abs=0.006)


def test_dpa_roundtrip(master, tmp_path):
    """The DPA has the fixture's header, one row per belanja line, and the right totals."""
    truth = synth.write_dpa_xlsx(master, tmp_path / "dpa.xlsx")
    wb = CalamineWorkbook.from_path(str(tmp_path / "dpa.xlsx"))
    assert wb.sheet_names == ["DPA 2026"]
    rows = wb.get_sheet_by_index(0).to_python()
    assert tuple(rows[0]) == synth.DPA_COLUMNS
    body = rows[1:]
    assert len(body) == truth["belanja_lines"] == master.n_lines
    assert sum(r[4] for r in body) == truth["sum_pagu"]
    assert len({r[2] for r in body}) == truth["sub_kegiatan"] == 48
    per_opd: dict[str, float] = {}
    for r in body:
        per_opd[r[1]] = per_opd.get(r[1], 0) + r[4]
    assert {master.opd(n).singkatan: v for n, v in per_opd.items()} == truth["sum_pagu_per_opd"]
    for opd in master.opds:
        for sub in opd.subs:
            assert LEAF.match(sub.kode) and sub.kode.startswith(opd.bidang + ".")
            modal = any(line.kode.startswith(("5.2.03", "5.2.04")) for line in sub.lines)
            assert modal == sub.fisik
            assert 20_000_000 <= sub.pagu <= 5_000_000_000
            assert all(line.pagu > 0 and line.pagu % 1000 == 0 for line in sub.lines)


@pytest.mark.parametrize("layout", FLAT_LAYOUTS)
def test_report_matches_truth(master, tmp_path, layout):
    """Each single-month layout reads back to its own ground truth."""
    opd = master.opds[1]
    truth = synth.write_report(master, opd, 2026, 4, layout, tmp_path)
    path = Path(truth.path)
    assert path.name == synth.report_filename(opd, 2026, 4, layout)
    sheets = read_sheets(path)
    if truth.sheet:
        assert list(sheets) == [truth.sheet]
    rows = next(iter(sheets.values()))
    assert truth.leaf_rows == len(opd.subs)
    assert_matches(truth, table_rows(rows, 100.0 if layout == "V2" else 1.0))
    assert truth.as_dict()["layout"] == layout and "per_month" not in truth.as_dict()


def test_header_positions(master, tmp_path):
    """Titles and headers sit where the truth says (offset starts in column C)."""
    v1 = synth.write_report(master, master.opds[0], 2026, 3, "V1", tmp_path)
    rows = read_sheets(Path(v1.path))["Realisasi"]
    assert rows[3][0] == "KEADAAN BULAN : MARET 2026"
    assert rows[v1.header_row - 1][:3] == ["No", "Kode Rekening", "Program / Kegiatan / Sub Kegiatan"]
    off = synth.write_report(master, master.opds[0], 2026, 3, "offset", tmp_path)
    rows = read_sheets(Path(off.path))["Form Realisasi"]
    assert rows[off.header_row - 1][2:6] == ["No", "Kode", "Uraian", "Nilai DPA (Rp)"]
    assert rows[off.header_row][7] == "Fisik (%)"
    v2 = synth.write_report(master, master.opds[0], 2026, 3, "V2", tmp_path)
    rows = read_sheets(Path(v2.path))["Lap Realisasi"]
    assert rows[v2.header_row + 1][:3] == [1.0, 2.0, 3.0]


def test_multi_month(master, tmp_path):
    """One sheet per month, each matching its own per-month truth."""
    truth = synth.write_report(master, master.opds[2], 2026, [1, 2, 3], "multi_month", tmp_path)
    sheets = read_sheets(Path(truth.path))
    assert list(sheets) == ["Januari", "Februari", "Maret"]
    assert [p.month for p in truth.per_month] == [1, 2, 3] and truth.month == 3
    for part in truth.per_month:
        assert_matches(part, table_rows(sheets[part.sheet], 1.0))


def test_curves_are_monotone_and_bounded(master):
    """Cumulative values never decrease; fisik within 0-100; keuangan within pagu."""
    for opd in master.opds:
        for sub in opd.subs:
            curve = synth.realisasi_curve(master, opd, sub)
            assert len(curve) == 12
            for prev, cur in zip(curve, curve[1:]):
                assert cur.target_fisik >= prev.target_fisik
                assert cur.realisasi_fisik >= prev.realisasi_fisik
                assert cur.realisasi_keuangan >= prev.realisasi_keuangan
            for v in curve:
                assert 0 <= v.realisasi_fisik <= 100 and 0 <= v.target_fisik <= 100
                assert 0 <= v.realisasi_keuangan <= sub.pagu


def test_deterministic_bytes(tmp_path):
    """The same seed writes byte-identical files."""
    a = synth.make_master(5, 2, 6)
    b = synth.make_master(5, 2, 6)
    for name, m in (("a", a), ("b", b)):
        synth.write_dpa_xlsx(m, tmp_path / name / "dpa.xlsx")
        synth.write_report(m, m.opds[0], 2026, 2, "V3", tmp_path / name / "v3.xlsx")
    for f in ("dpa.xlsx", "v3.xlsx"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_total_lines_and_unique_codes():
    """total_lines is honoured exactly; codes stay unique with kecamatan units."""
    m = synth.make_master(3, 34, 20, total_lines=1700)
    assert m.n_lines == 1700
    codes = [s.kode for o in m.opds for s in o.subs]
    assert len(codes) == len(set(codes)) == 34 * 20
    assert m.opds[-1].nama.startswith("Kecamatan ")
    assert len({o.singkatan for o in m.opds}) == 34
