"""End to end in a real browser: ``streamlit run app.py`` + headless Chromium (Debian package).

Playwright drives the system Chromium (``PANTAU_CHROMIUM``, default ``/usr/bin/chromium``);
``playwright install`` is never needed. Each test starts its own server on a free port with
``PANTAU_DB`` / ``PANTAU_DATA`` in ``tmp_path`` and always stops it. Screenshots go to
``tests/artifacts/`` (gitignored): impor_preview.png, impor_done.png, ringkasan.png, and
``<test>_failure.png`` when a step fails.

Run only these: ``pytest -m browser``; skip them: ``pytest -m "not browser"``.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("PANTAU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DPA = FIXTURES / "master" / "dpa_2026.xlsx"
DINKES_MAR = FIXTURES / "realisasi" / "realisasi_dinkes_2026-03.xlsx"
STEP_MS = 30_000          # one UI step (upload + preview, save, page load) on a slow 2-core runner
BUDGET_S = 90             # a whole browser test

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set PANTAU_CHROMIUM)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-test.txt)")


# --------------------------------------------------------------------------- server and browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(tmp_path: Path):
    """``streamlit run app.py`` on a free port with its own DB; yields the base URL."""
    port = _free_port()
    env = dict(os.environ, PANTAU_DB=str(tmp_path / "pantau.duckdb"), PANTAU_DATA=str(tmp_path / "data"),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log_path = tmp_path / "streamlit.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false",
             # no file watcher: a source edit during the run must not pop "File change. Rerun"
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                        if r.read().strip() == b"ok":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not answer /_stcore/health in 60 s:\n"
                                f"{log_path.read_text(errors='replace')}")
                time.sleep(0.25)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture
def server(tmp_path):
    with streamlit_server(tmp_path) as base:
        yield base


@pytest.fixture
def page(request):
    """A Chromium page (1440x900, id-ID locale); a failure screenshot is saved on error."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="id-ID",
                                          accept_downloads=True)
            pg = context.new_page()
            pg.set_default_timeout(STEP_MS)
            failed_before = request.session.testsfailed
            yield pg
            if request.session.testsfailed > failed_before:     # the call phase failed
                with contextlib.suppress(Exception):
                    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}_failure.png"), full_page=True)
        finally:
            browser.close()


def wait_idle(pg) -> None:
    """Wait until Streamlit has finished the current script run (no 'Running...' widget)."""
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=STEP_MS)
    pg.wait_for_timeout(300)


def expand(details) -> None:
    """Open a collapsed st.expander (its <details>), retrying if a rerun swallowed the click."""
    for _ in range(3):
        if details.get_attribute("open") is not None:
            return
        details.locator("summary").click()
        with contextlib.suppress(sync_api.TimeoutError):
            details.page.wait_for_function("(d) => d.open", arg=details.element_handle(), timeout=3000)
    assert details.get_attribute("open") is not None, "expander did not open"


def no_exception(pg) -> None:
    exc = pg.locator("[data-testid=stException]")
    assert exc.count() == 0, exc.first.inner_text()


def shot(pg, name: str) -> None:
    """Full-page screenshot. Streamlit scrolls inside its main container, so the viewport is
    stretched to the content height for the shot (full_page alone stops at the window)."""
    size = pg.viewport_size
    height = pg.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]') || document.body;
        return Math.max(main.scrollHeight, document.body.scrollHeight);
    }""")
    pg.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 40, 6000))})
    pg.wait_for_timeout(400)
    pg.screenshot(path=str(ARTIFACTS / name), full_page=True)
    pg.set_viewport_size(size)


# --------------------------------------------------------------------------- the main flow
def test_import_then_ringkasan(server, page):
    from ui.format import rupiah, rupiah_compact

    start = time.monotonic()
    expected = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))["files"]
    dpa = expected["master/dpa_2026.xlsx"]
    dinkes = expected["realisasi/realisasi_dinkes_2026-03.xlsx"]

    # Land on the app root first: with a folder named pages/ next to app.py, Streamlit 1.67
    # serves a deep link as an MPA v1 page until app.py has run once in the process (see
    # test_deep_link_to_impor_on_fresh_server).
    page.goto(server + "/")
    page.get_by_text("Selamat datang di Pantau").wait_for()
    no_exception(page)

    page.goto(server + "/impor")
    page.get_by_role("heading", name="Impor Laporan").wait_for()
    page.locator("[data-testid=stSidebar]").get_by_text("Periode laporan").wait_for()
    page.set_input_files("input[type=file]", [str(DPA), str(DINKES_MAR)])
    save = page.get_by_role("button", name="Simpan 2 berkas ke basis data")
    save.wait_for()
    wait_idle(page)
    no_exception(page)
    page.get_by_text("2 dari 2 berkas siap disimpan").wait_for()
    # open the per-file previews (collapsed when the file is ready) and read them
    expanders = page.locator("[data-testid=stExpander] details")
    assert expanders.count() == 2
    for i in range(2):
        expand(expanders.nth(i))
    page.get_by_text(rupiah(dinkes["sum_pagu"]), exact=True).first.wait_for(state="attached")
    assert rupiah(dinkes["sum_pagu"]) == "Rp 48.270.950.000"
    for text in (rupiah(dpa["sum_pagu"]), "Maret 2026", "Dinas Kesehatan", "Tahun 2026",
                 rupiah(dinkes["sum_realisasi_keuangan"])):
        assert page.get_by_text(text, exact=True).count() >= 1, text
    page.wait_for_timeout(500)          # let the data grids paint before the screenshot
    shot(page, "impor_preview.png")

    save.click()
    page.get_by_text("Impor selesai: 2 diterima.").wait_for()
    wait_idle(page)
    no_exception(page)
    page.get_by_role("heading", name="Riwayat impor").wait_for()
    page.get_by_role("button", name="Unduh berkas asli").wait_for()
    for name in ("dpa_2026.xlsx", "realisasi_dinkes_2026-03.xlsx"):
        assert page.get_by_text(name, exact=True).count() >= 1, name
    page.wait_for_timeout(500)
    shot(page, "impor_done.png")
    # the sidebar period follows what was just imported (March 2026)
    sidebar = page.locator("[data-testid=stSidebar]")
    assert "Maret" in sidebar.inner_text() or sidebar.locator("input[value=Maret]").count() >= 1, sidebar.inner_text()

    # Ringkasan for March 2026, by URL (the default page lives at "/", see
    # test_ringkasan_url_path_is_served)
    page.goto(server + "/?tahun=2026&bulan=3")
    page.get_by_text("OPD sudah lapor").wait_for()
    wait_idle(page)
    no_exception(page)
    page.get_by_text("akhir bulan Maret 2026").wait_for()
    metrics = {m.locator("[data-testid=stMetricLabel]").inner_text().strip():
               m.locator("[data-testid=stMetricValue]").inner_text().strip()
               for m in page.locator("[data-testid=stMetric]").all()}
    assert metrics["Pagu"] == rupiah_compact(dpa["sum_pagu"]) == "Rp 205,13 M", metrics
    assert metrics["Realisasi keuangan"] == rupiah_compact(dinkes["sum_realisasi_keuangan"]), metrics
    assert metrics["OPD sudah lapor"] == f"1 / {len(dpa['sum_pagu_per_opd'])}", metrics
    # the recap table: one row per OPD, in Indonesian format (never "None")
    cells = page.locator("[data-testid^=glide-cell]")
    cells.filter(has_text="Dinas Kesehatan").first.wait_for(state="attached")
    texts = [c.text_content() for c in cells.all()]
    assert rupiah(dinkes["sum_pagu"]) in texts and rupiah(dinkes["sum_realisasi_keuangan"]) in texts, texts[:40]
    assert "None" not in texts, texts[:40]
    assert all(name in texts for name in ("Dinas Kesehatan", "Dinas Sosial", "Dinas Pertanian")), texts[:40]
    page.get_by_role("button", name="Unduh Excel").wait_for()
    page.wait_for_timeout(500)
    shot(page, "ringkasan.png")

    # the sidebar period drives the page and the URL
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").nth(1).click()
    page.get_by_role("option", name="April").click()
    page.get_by_text("akhir bulan April 2026").wait_for()
    page.wait_for_url("**bulan=4**")
    no_exception(page)

    assert time.monotonic() - start < BUDGET_S


# --------------------------------------------------------------------------- deep links (known bugs)
def test_deep_link_to_impor_on_fresh_server(server, page):
    start = time.monotonic()
    page.goto(server + "/impor")
    page.get_by_role("heading", name="Impor Laporan").wait_for()
    wait_idle(page)
    page.set_input_files("input[type=file]", [str(DINKES_MAR)])
    page.get_by_role("heading", name="Pratinjau").or_(page.locator("[data-testid=stException]")).first.wait_for()
    wait_idle(page)
    no_exception(page)
    nav = page.locator("[data-testid=stSidebarNav]")
    assert nav.get_by_text("Ringkasan", exact=True).count() == 1, nav.inner_text()
    assert page.locator("[data-testid=stSidebar]").get_by_text("Periode laporan").count() == 1
    assert time.monotonic() - start < BUDGET_S
