"""The whole app in a real browser with the demo data set: every page of the admin menu opens
without an error, its heading and main content render, and a full-page screenshot is saved
(tests/artifacts/walk_NN_<page>.png) for a human to look at: would a Kabag put this on the
projector? Also the Ringkasan at 1024x768 (XGA projector) with the demo data.

The menu is read from the sidebar, so pages added later are walked too.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from tests.test_browser import (
    ADMIN,
    ROOT,
    login,
    menu,
    metrics,
    no_exception,  # noqa: F401
    prepare_db,
    shot,
    sidebar,
    streamlit_server,
)

pytestmark = [pytest.mark.browser]
WALK_BUDGET_S = 240  # every page of the menu, on a slow 2-core runner


def _demo_files(tmp_path):
    out = tmp_path / "demo"
    subprocess.run(
        [sys.executable, "-m", "scripts.make_demo", "--out", str(out)], cwd=ROOT, check=True, capture_output=True
    )
    return sorted(p for p in out.rglob("*") if p.suffix in (".xlsx", ".xls", ".csv"))


def settled(pg) -> None:
    """Wait until the script run is over and nothing on the page is stale (faded), twice in a
    row half a second apart (a click starts its rerun a moment later)."""
    for _ in range(2):
        pg.wait_for_function(
            """() => !document.querySelector('[data-testid="stStatusWidget"]')
                                 && !document.querySelector('[data-stale="true"]')""",
            timeout=60_000,
        )
        pg.wait_for_timeout(500)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")


def test_walk_every_page_with_demo_data(tmp_path, page):
    start = time.monotonic()
    prepare_db(tmp_path, paths=_demo_files(tmp_path), accounts=[ADMIN])
    with streamlit_server(tmp_path) as server:
        login(page, server + "/?tahun=2026&bulan=4", ADMIN)
        titles = menu(page)
        assert titles[0] == "Ringkasan" and "Akun Saya" in titles, titles
        m = metrics(page)
        assert m["OPD sudah lapor"] == "7 / 10", m
        for n, title in enumerate(titles, start=1):
            sidebar(page).locator("[data-testid=stSidebarNav]").get_by_role("link", name=title, exact=True).click()
            page.locator("[data-testid=stMain] h1").first.wait_for()
            settled(page)
            no_exception(page)
            heading = page.locator("[data-testid=stMain] h1").first.inner_text().strip()
            assert heading, f"page {title!r} has no heading"
            # the period chosen at login stays for every page
            assert "tahun=2026" in page.url and "bulan=4" in page.url, (title, page.url)
            shot(page, f"walk_{n:02d}_{_slug(title)}.png")
    assert time.monotonic() - start < WALK_BUDGET_S


def test_ringkasan_demo_on_xga_projector(tmp_path, page):
    prepare_db(tmp_path, paths=_demo_files(tmp_path), accounts=[ADMIN])
    with streamlit_server(tmp_path) as server:
        page.set_viewport_size({"width": 1024, "height": 768})
        login(page, server + "/?tahun=2026&bulan=4", ADMIN)
        page.get_by_text("OPD sudah lapor").wait_for()
        page.locator(".js-plotly-plot").first.wait_for()
        settled(page)
        shot(page, "walk_ringkasan_1024.png")
        cut = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid=stMetricValue], [data-testid=stMetricLabel] p')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
        assert cut == [], f"KPI text cut off at 1024x768: {cut}"
