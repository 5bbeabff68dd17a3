"""Sign-in sessions in a real browser (``streamlit run serve.py`` + headless Chromium, see
``tests/test_browser.py``): the session cookie is HttpOnly and SameSite=Strict; signing in from a
deep link lands on that page; a reload and a new tab stay signed in; Keluar in one tab signs the
other out on its next action; a second browser that presents only the Streamlit session id (as
the upload URLs show it) gets the login screen, and neither downloads nor uploads.

Screenshots on failure: ``tests/artifacts/<test>_failure*.png``.
"""

from __future__ import annotations

import re

import pytest

from core.sessions import COOKIE
from tests.test_browser import (
    ADMIN,
    FIXTURES,
    STEP_MS,
    no_exception,
    prepare_db,
    require_browser,
    sidebar,
    streamlit_server,
    wait_idle,
)

pytestmark = [pytest.mark.browser]
UPLOAD = re.compile(r"/_stcore/upload_file/([^/]+)/")
# Makes every Streamlit connection of a browser context present the session id stored in
# localStorage['pantau_test_sid'] (the Sec-WebSocket-Protocol entry a reconnecting tab sends).
HIJACK = """
(() => {
  const Native = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const sid = window.localStorage.getItem("pantau_test_sid");
    if (sid && Array.isArray(protocols)) {
      protocols = protocols.slice();
      while (protocols.length < 3) protocols.push("");
      protocols[2] = sid;
    }
    return new Native(url, protocols);
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""


@pytest.fixture
def base(tmp_path):
    require_browser()
    prepare_db(tmp_path, accounts=[ADMIN])
    with streamlit_server(tmp_path) as url:
        yield url


def _signed_in(pg) -> None:
    sidebar(pg).get_by_text("Masuk sebagai").wait_for()
    wait_idle(pg)
    no_exception(pg)


def _login_form(pg):
    form = pg.locator("[data-testid=stForm]")
    form.get_by_role("button", name="Masuk").wait_for()
    return form


def _sign_in(pg, url: str) -> None:
    pg.goto(url)
    form = _login_form(pg)
    form.get_by_label("Nama pengguna", exact=True).fill(ADMIN.username)
    form.get_by_label("Kata sandi", exact=True).fill(ADMIN.password)
    form.get_by_role("button", name="Masuk").click()
    _signed_in(pg)


def test_deep_link_reload_new_tab_and_keluar_in_another_tab(base, open_page):
    pg = open_page()
    _sign_in(pg, f"{base}/rekap?tahun=2026&bulan=4")
    pg.get_by_role("heading", name="Rekap OPD").first.wait_for()
    assert pg.url == f"{base}/rekap?tahun=2026&bulan=4"

    cookie = next(c for c in pg.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]  # http here
    assert COOKIE not in pg.evaluate("document.cookie")  # page scripts cannot read it

    pg.reload()
    _signed_in(pg)
    pg.get_by_role("heading", name="Rekap OPD").first.wait_for()

    tab = pg.context.new_page()
    tab.set_default_timeout(STEP_MS)
    tab.goto(f"{base}/status")
    _signed_in(tab)
    tab.get_by_role("heading", name="Status Pengumpulan").first.wait_for()

    sidebar(pg).get_by_role("button", name="Keluar").click()
    pg.get_by_text("Anda telah keluar.").wait_for()
    _login_form(pg)

    # the other tab is signed out on its next action
    tab.locator("[data-testid=stSidebarNav]").get_by_text("Ringkasan", exact=True).click()
    _login_form(tab)
    tab.get_by_text("Anda telah keluar.").wait_for()
    # the signed-in sidebar of the last render goes away (awaited: a busy machine shows it a moment longer)
    sidebar(tab).get_by_text("Masuk sebagai").first.wait_for(state="detached")
    no_exception(tab)

    # a bookmark after Keluar asks to sign in again
    tab.goto(f"{base}/rekap?tahun=2026&bulan=4")
    _login_form(tab)


def test_the_streamlit_session_id_alone_grants_nothing(base, open_page):
    pg = open_page()
    _sign_in(pg, base)
    pg.locator("[data-testid=stSidebarNav]").get_by_text("Impor Laporan", exact=True).click()
    pg.get_by_role("heading", name="Impor Laporan").first.wait_for()
    wait_idle(pg)
    with pg.expect_request(lambda r: UPLOAD.search(r.url) is not None) as upload:
        pg.set_input_files("input[type=file]", [str(FIXTURES / "realisasi" / "distan_2026-03.csv")])
    sid = UPLOAD.search(upload.value.url).group(1)
    wait_idle(pg)
    # The signed-in tab goes away first: open, it would reconnect to its session and take it
    # back from the intruder while the intruder's page runs (a race that failed once in CI).
    pg.close()

    intruder = open_page()  # another browser: no cookies, only the session id
    intruder.context.add_init_script(HIJACK)
    intruder.goto(base)
    intruder.evaluate("sid => window.localStorage.setItem('pantau_test_sid', sid)", sid)
    intruder.reload()
    _login_form(intruder)
    wait_idle(intruder)
    # Streamlit did reattach the signed-in session (its state knew a user, hence this notice),
    # yet without the cookie the gate signs nobody in
    intruder.get_by_text("Sesi Anda telah berakhir. Silakan masuk kembali.").wait_for()
    assert sidebar(intruder).get_by_text("Masuk sebagai").count() == 0
    assert intruder.locator("[data-testid=stSidebarNav]").count() == 0  # no menu
    no_exception(intruder)

    # nor can it download or upload with that id
    denied = intruder.context.request.get(f"{base}/media/anything.xlsx")
    assert denied.status == 403
    put = intruder.context.request.put(f"{base}/_stcore/upload_file/{sid}/x", multipart={"file": "isi"})
    assert put.status == 403

    # the signed-in browser still works (a new tab with its cookie)
    pg = pg.context.new_page()
    pg.goto(base)
    _signed_in(pg)
