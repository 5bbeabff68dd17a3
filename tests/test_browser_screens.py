"""Screenshots of every page of the admin menu with the demo data, at 1366x768 (an office laptop)
and at 390x844 (a phone), under ``tests/artifacts/screens/`` (gitignored): ``1366_NN_<page>.png``
and ``390_NN_<page>.png``. Look at them: would a Kabag put this on the projector?

Also asserts the fit (issue 17 item 5): at 1366 px, with the sidebar open, every table on the
pages with a main table (Ringkasan, Rekap OPD, Fisik, Status Pengumpulan, Impor Laporan,
Pengguna) shows all its columns without a horizontal scroll bar (the data grid's scroller is no
wider than its box), and Ringkasan and Rekap OPD show their OPD cards only on a phone: at 390 px
the cards are in sight and the wide table is hidden, at 1366 px the other way round; on the
phone an OPD picked above the cards opens its programs, with the OPD's full figures.

One server, one sign-in per browser context (the phone context reuses the desktop's session
cookie), both viewports in one test.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from tests.test_browser import (
    ADMIN,
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    STEP_MS,
    login,
    menu,
    no_exception,
    prepare_db,
    require_browser,
    shot,
    sidebar,
    streamlit_server,
)
from tests.test_browser_walk import _demo_files, settled

pytestmark = [pytest.mark.browser]
SCREENS = ARTIFACTS / "screens"
SCREENS_BUDGET_S = 420  # 17 pages twice on a slow 2-core runner
PERIOD = "?tahun=2026&bulan=4"
# pages whose tables must fit at 1366 px (their titles in the menu)
FIT_PAGES = {"Ringkasan", "Rekap OPD", "Fisik vs Non Fisik", "Status Pengumpulan", "Impor Laporan", "Pengguna"}
# pages with OPD cards on a phone, and the keys of their card and wide-table containers
CARD_PAGES = {"Ringkasan": "ringkasan", "Rekap OPD": "rekap"}
# every visible data grid of the main area: [columns' total width, visible width]
_GRID_WIDTHS = """() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stDataFrame]')]
    .filter(e => e.offsetParent !== null)
    .map(e => { const s = e.querySelector('.dvn-scroller');
                return s ? [s.scrollWidth, s.clientWidth] : null; })
    .filter(w => w !== null)"""
_SHOWN = """(sel) => { const e = document.querySelector(sel);
    if (!e) return null;
    const r = e.getBoundingClientRect();
    return getComputedStyle(e).display !== 'none' && r.width > 0 && r.height > 0; }"""


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")


def _cards_and_table(pg, key: str) -> tuple[bool | None, bool | None]:
    """Whether the OPD cards and the wide table of a page are shown."""
    return (
        pg.evaluate(_SHOWN, f".st-key-pantau_kartu_{key}"),
        pg.evaluate(_SHOWN, f".st-key-pantau_tabel_{key}"),
    )


def test_screens_every_page_desktop_and_phone(tmp_path):
    require_browser()
    from playwright import sync_api

    start = time.monotonic()
    SCREENS.mkdir(parents=True, exist_ok=True)
    prepare_db(tmp_path, paths=_demo_files(tmp_path), accounts=[ADMIN])
    wide: list[str] = []
    cards: list[str] = []
    with streamlit_server(tmp_path) as server, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            desk_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
            desk = desk_ctx.new_page()
            desk.set_default_timeout(STEP_MS)
            login(desk, server + "/" + PERIOD, ADMIN)
            titles = menu(desk)
            assert titles[0] == "Ringkasan" and FIT_PAGES <= set(titles), titles
            paths = {}
            for n, title in enumerate(titles, start=1):
                link = sidebar(desk).locator("[data-testid=stSidebarNav]").get_by_role("link", name=title, exact=True)
                paths[title] = urlsplit(link.get_attribute("href") or "/").path
                link.click()
                desk.locator("[data-testid=stMain] h1").first.wait_for()
                settled(desk)
                no_exception(desk)
                if title in FIT_PAGES:
                    desk.locator("[data-testid=stMain] [data-testid=stDataFrame]").first.wait_for()
                    desk.wait_for_timeout(500)  # the grids measure their columns after they paint
                    grids = desk.evaluate(_GRID_WIDTHS)
                    assert grids, f"{title}: no table"
                    wide += [
                        f"{title}: table {i + 1} is {w} px wide in {c} px"
                        for i, (w, c) in enumerate(grids)
                        if w > c + 1
                    ]
                if title in CARD_PAGES:
                    shown = _cards_and_table(desk, CARD_PAGES[title])
                    if shown != (False, True):
                        cards.append(f"{title} at 1366 px: cards, table shown = {shown}")
                shot(desk, f"screens/1366_{n:02d}_{_slug(title)}.png")

            phone_ctx = browser.new_context(**PHONE, storage_state=desk_ctx.storage_state())
            phone = phone_ctx.new_page()
            phone.set_default_timeout(STEP_MS)
            for n, title in enumerate(titles, start=1):
                login(phone, server + paths[title] + PERIOD, ADMIN)  # the session cookie signs it in
                phone.locator("[data-testid=stMain] h1").first.wait_for()
                settled(phone)
                no_exception(phone)
                if title in CARD_PAGES:
                    shown = _cards_and_table(phone, CARD_PAGES[title])
                    if shown != (True, False):
                        cards.append(f"{title} at 390 px: cards, table shown = {shown}")
                shot(phone, f"screens/390_{n:02d}_{_slug(title)}.png")
                if title == "Rekap OPD":  # the phone's way into the drill-down: a picker above the cards
                    phone.locator(".st-key-pilih_kartu_rekap [data-testid=stSelectbox]").click()
                    phone.get_by_role("option", name="Dinas Kesehatan", exact=True).click()
                    phone.get_by_role("heading", name="Program - Dinas Kesehatan").wait_for()
                    settled(phone)
                    no_exception(phone)
                    phone.get_by_text("Pagu Rp 12.340.442.000").first.wait_for()  # the full value
        finally:
            browser.close()
    assert not wide, "tables wider than the page at 1366x768:\n" + "\n".join(wide)
    assert not cards, "\n".join(cards)
    assert time.monotonic() - start < SCREENS_BUDGET_S
