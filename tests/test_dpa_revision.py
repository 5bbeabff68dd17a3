"""A second DPA of the same year is a revision (pergeseran / perubahan): it supersedes the first
with history, reports keep matching, and the recap shows pagu murni beside pagu terakhir."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import DPA_FIXTURE, FIXTURES
from pg_support import use_both_engines

from core.recap import recap_opd
from etl.pipeline import ingest_paths

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

DINKES_REPORT = FIXTURES / "realisasi" / "realisasi_dinkes_2026-03.xlsx"


def _revised(tmp_path):
    """The fixture DPA with one line's pagu raised by 1,000,000, the last sub kegiatan of Dinas
    Kesehatan removed and one new sub kegiatan added."""
    wb = openpyxl.load_workbook(DPA_FIXTURE)
    ws = wb.active
    rows = list(ws.iter_rows(min_row=2))
    changed = rows[0][2].value
    rows[0][4].value = rows[0][4].value + 1_000_000
    dinkes = [r for r in rows if r[1].value == "Dinas Kesehatan"]
    removed = dinkes[-1][2].value
    removed_pagu = sum(r[4].value for r in rows if r[2].value == removed)
    for r in reversed(rows):
        if r[2].value == removed:
            ws.delete_rows(r[0].row)
    ws.append(
        [
            rows[0][0].value,
            "Dinas Kesehatan",
            "1.02.01.2.01.0099",
            "Sub kegiatan baru hasil pergeseran",
            5_000_000,
            "DAU",
            "5.1.02.01.01.0026",
            "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Cetak",
        ]
    )
    path = tmp_path / "dpa_pergeseran_2026.xlsx"
    wb.save(path)
    return path, changed, removed, removed_pagu


def test_a_second_dpa_of_the_year_is_a_revision_with_history(store, tmp_path):
    first = ingest_paths(store, [DPA_FIXTURE])
    murni = first[0]["pagu"]
    report = ingest_paths(store, [DINKES_REPORT])
    assert report[0]["status"] in ("accepted", "flagged")
    before = recap_opd(store, 2026, 3)
    path, changed, removed, removed_pagu = _revised(tmp_path)
    second = ingest_paths(store, [path])
    assert second[0]["status"] in ("accepted", "flagged"), second[0]["issues"][:2]
    changes = store.dpa_changes(2026)
    got = {(c.kode, c.change) for c in changes.itertuples()}
    assert (changed, "changed") in got and (removed, "removed") in got and ("1.02.01.2.01.0099", "added") in got
    assert len(changes) == 3
    row = changes[changes["kode"] == changed].iloc[0]
    assert row["pagu_after"] - row["pagu_before"] == pytest.approx(1_000_000)
    # the recap: pagu terakhir is the revision's; pagu murni the first DPA's; the report still matches
    after = recap_opd(store, 2026, 3)
    assert after["pagu_murni"].sum() == pytest.approx(murni - removed_pagu, abs=1)  # the added one has none
    assert after["pagu"].sum() != pytest.approx(after["pagu_murni"].sum())
    dinkes_before = before[before["opd"] == "Dinas Kesehatan"].iloc[0]
    dinkes_after = after[after["opd"] == "Dinas Kesehatan"].iloc[0]
    assert dinkes_after["realisasi_keuangan"] == pytest.approx(dinkes_before["realisasi_keuangan"])
    assert bool(dinkes_after["reported"])
    assert store.import_history().query("kind == 'dpa'")["superseded_by"].notna().sum() == 1


def test_a_report_before_its_dpa_is_provisional_and_reconciled_when_the_dpa_comes(store):
    """No DPA of 2026 yet: the report's rows are Dinas Kesehatan's provisional list (flagged once);
    the DPA then takes over, the report's rows matched to its sub kegiatan, nothing counted twice."""
    (early,) = ingest_paths(store, [DINKES_REPORT])
    assert early["status"] == "flagged"
    assert [i["code"] for i in early["issues"] if i["severity"] == "warning"].count("dpa_belum_dimuat") == 1
    provisional = recap_opd(store, 2026, 3)
    assert len(provisional) == 1 and provisional["pagu"].sum() == pytest.approx(early["pagu"])
    (dpa,) = ingest_paths(store, [DPA_FIXTURE])
    assert "provisional_reconciled" in {i["code"] for i in dpa["issues"]}
    assert store.provisional_lists(2026).empty
    after = recap_opd(store, 2026, 3)
    dinkes = after[after["opd"] == "Dinas Kesehatan"]
    assert len(dinkes) == 1 and bool(dinkes.iloc[0]["reported"])
    assert dinkes.iloc[0]["realisasi_keuangan"] == pytest.approx(early["realisasi_keuangan"])
    assert after["sub_kegiatan"].sum() == dpa["rows"]
