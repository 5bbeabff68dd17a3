"""The Impor page of issue 16 in a real browser: the batch summary table, a conflict side by side
and the column mapping editor, each screenshotted to ``tests/artifacts/`` (impor_summary.png,
impor_conflict.png, impor_mapping.png) to be looked at."""

from __future__ import annotations

import io
import time

import pytest
from test_browser import (
    ADMIN,
    BUDGET_S,
    DINKES_MAR,
    DPA,
    login,
    no_exception,
    open_menu,
    prepare_db,
    require_browser,
    shot,
    streamlit_server,
    wait_idle,
)
from test_mapping import _report

pytestmark = [pytest.mark.browser]


@pytest.fixture
def dpa_server(tmp_path):
    require_browser()
    prepare_db(tmp_path, paths=[DPA], accounts=[ADMIN])
    with streamlit_server(tmp_path) as base:
        yield base


def test_summary_conflict_and_mapping_editor(dpa_server, page, tmp_path):
    import openpyxl

    start = time.monotonic()
    unsure = _report(tmp_path / "dinkes_maret_2026.xlsx", "MARET")
    wb = openpyxl.load_workbook(DINKES_MAR)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and cell.value > 1_000_000:
                cell.value = cell.value * 2
                break
    buf = io.BytesIO()
    wb.save(buf)
    revised = tmp_path / "realisasi_dinkes_2026-03_revisi.xlsx"
    revised.write_bytes(buf.getvalue())
    distan = DINKES_MAR.parent / "distan_2026-03.csv"

    login(page, dpa_server + "/", ADMIN)
    open_menu(page, "Impor Laporan")
    page.set_input_files("input[type=file]", [str(unsure), str(DINKES_MAR), str(revised), str(distan)])
    page.get_by_text("berkas siap disimpan").wait_for()
    wait_idle(page)
    no_exception(page)
    page.get_by_role("heading", name="Laporan ganda dalam unggahan ini").wait_for()
    page.get_by_role("heading", name="Pemetaan kolom").wait_for()
    page.wait_for_timeout(600)
    page.get_by_role("heading", name="Pratinjau").scroll_into_view_if_needed()
    page.screenshot(path=str(__import__("test_browser").ARTIFACTS / "impor_summary.png"))
    page.get_by_role("heading", name="Laporan ganda dalam unggahan ini").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(__import__("test_browser").ARTIFACTS / "impor_conflict.png"))
    page.get_by_role("heading", name="Pemetaan kolom").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(__import__("test_browser").ARTIFACTS / "impor_mapping.png"))
    shot(page, "impor_full.png")
    assert time.monotonic() - start < BUDGET_S * 2
