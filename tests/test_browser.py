"""End to end in a real browser: ``streamlit run serve.py`` (app.py) + headless Chromium (Debian package).

Playwright drives the system Chromium (``PANTAU_CHROMIUM``, default ``/usr/bin/chromium``);
``playwright install`` is never needed. Each test starts its own server on a free port with
``PANTAU_DB`` / ``PANTAU_DATA`` in ``tmp_path`` and always stops it. The app starts with a
login gate: a test creates its accounts (and loads data) in the test process before the server
starts (:func:`prepare_db`), then signs in through the login form (:func:`login`); one test
goes through the first-run setup screen on an empty database. A page load starts a new
Streamlit session, so a test that opens a URL signs in again; moving between pages goes
through the sidebar menu (:func:`open_menu`).

Screenshots go to ``tests/artifacts/`` (gitignored): setup.png, login.png, impor_preview.png,
impor_done.png, ringkasan.png, opd_ringkasan.png, opd_refused.png, concurrent_a.png,
concurrent_b.png, ringkasan_1024.png, sidebar_1366x768.png, sidebar_390x844.png,
sidebar_390x844_after_menu.png, and ``<test>_failure.png`` (``<test>_failure_2.png``
for a second browser session) when a step fails.

Run only these: ``pytest -m browser``; skip them: ``pytest -m "not browser"``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("PANTAU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DPA = FIXTURES / "master" / "dpa_2026.xlsx"
REALISASI = FIXTURES / "realisasi"
DINKES_MAR = REALISASI / "realisasi_dinkes_2026-03.xlsx"
STEP_MS = 30_000  # one UI step (upload + preview, save, page load) on a slow 2-core runner
BUDGET_S = 90  # a whole browser test

pytestmark = [pytest.mark.browser]
try:
    from playwright import sync_api
except ImportError:  # the tests skip when they run (require_browser)
    sync_api = None  # type: ignore[assignment]
expect = sync_api.expect if sync_api else None


def require_browser() -> None:
    """Skip the running test unless Playwright and the system Chromium are there (decided when
    the test runs, in the fixtures, so that collection never depends on the machine)."""
    if sync_api is None:
        pytest.skip("playwright is not installed (requirements-test.txt)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set PANTAU_CHROMIUM)")


# --------------------------------------------------------------------------- server and browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(tmp_path: Path):
    """``streamlit run serve.py`` (app.py with the session cookie route) on a free port with its own
    DB; yields the base URL."""
    port = _free_port()
    env = dict(
        os.environ,
        PANTAU_DB=str(tmp_path / "pantau.duckdb"),
        PANTAU_DATA=str(tmp_path / "data"),
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    log_path = tmp_path / "streamlit.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "serve.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--browser.gatherUsageStats",
                "false",
                # no file watcher: a source edit during the run must not pop "File change. Rerun"
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
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
                    pytest.fail(
                        f"streamlit did not answer /_stcore/health in 60 s:\n{log_path.read_text(errors='replace')}"
                    )
                time.sleep(0.25)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def db_path(tmp_path: Path) -> Path:
    """The database file the server of :func:`streamlit_server` uses."""
    return tmp_path / "pantau.duckdb"


class Account(NamedTuple):
    username: str
    nama: str
    role: str
    password: str
    opd: str | None = None  # OPD name (role "opd")


ADMIN = Account("admin.adpem", "Admin Adpem", "admin", "Rahasia-2026")
DINKES_OP = Account("dinkes.op", "Operator Dinkes", "opd", "Dinkes-Lapor-2026", opd="Dinas Kesehatan")
VIEWER = Account("kabag.adpem", "Kabag Adpem", "viewer", "Baca-Saja-2026")
READ_MENU = ["Ringkasan", "Rekap OPD", "Fisik vs Non Fisik", "Status Pengumpulan"]
ADMIN_MENU = READ_MENU + [
    "Materi Rakor",
    "Rakor & Tindak Lanjut",
    "Permintaan Laporan",
    "Permintaan Data Kinerja",
    "Isi Data Kinerja",
    "Data Kinerja",
    "Review Kinerja",
    "Impor Laporan",
    "Pengaturan",
    "Pengguna",
    "Log Audit",
    "Cadangan",
    "Akun Saya",
]
OPD_MENU = READ_MENU + ["Rakor & Tindak Lanjut", "Impor Laporan", "Akun Saya"]
VIEWER_MENU = READ_MENU + ["Materi Rakor", "Rakor & Tindak Lanjut", "Data Kinerja", "Akun Saya"]


def open_store(tmp_path: Path):
    """A Store on the server's database file (it opens the file per operation, so the test
    process and the server can both use it)."""
    from db.store import Store

    return Store(db_path(tmp_path), data_dir=tmp_path / "data")


def prepare_db(tmp_path: Path, *, paths=(), accounts=()):
    """Load ``paths`` and create ``accounts`` before the server starts; returns the Store."""
    from core.auth import create_user
    from etl.pipeline import ingest_paths

    store = open_store(tmp_path)
    if paths:
        results = ingest_paths(store, [Path(p) for p in paths], user="test")
        assert all(r["status"] in ("accepted", "flagged") for r in results), results
    for acc in accounts:
        create_user(
            store,
            "test",
            acc.username,
            acc.nama,
            acc.role,
            acc.password,
            opd_kode=opd_kode(store, acc.opd) if acc.opd else None,
            must_change_password=False,
        )
    return store


def opd_kode(store, nama: str) -> str:
    kode = next((o.kode for o in store.opds() if o.nama == nama), None)
    assert kode, f"OPD {nama!r} not in the DPA: {store.opds()}"
    return kode


def imports(store) -> list[dict]:
    """The import table as seen from the test process (id order)."""
    cols = [
        "id",
        "file_name",
        "kind",
        "opd_kode",
        "tahun",
        "bulan",
        "status",
        "superseded_by",
        "created_by",
        "rows_accepted",
    ]
    return [dict(zip(cols, row)) for row in store.sql(f"SELECT {', '.join(cols)} FROM import ORDER BY id")]


@pytest.fixture
def server(tmp_path):
    """A server on an empty database (no account yet: the setup screen shows)."""
    require_browser()  # before the server starts
    with streamlit_server(tmp_path) as base:
        yield base


@pytest.fixture
def admin_server(tmp_path):
    """A server on a database that holds only the account :data:`ADMIN`."""
    require_browser()
    prepare_db(tmp_path, accounts=[ADMIN])
    with streamlit_server(tmp_path) as base:
        yield base


def wait_idle(pg) -> None:
    """Wait until Streamlit has finished the current script run (no 'Running...' widget)."""
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=STEP_MS)
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


def sidebar(pg):
    return pg.locator("[data-testid=stSidebar]")


def login(pg, url: str, acc: Account) -> None:
    """Open ``url`` (a new Streamlit session) signed in as ``acc``: the browser's session cookie
    may already sign it in (a page opened after signing in); otherwise (or as another user,
    after Keluar) sign in through the login form. Waits until the signed-in app has rendered."""
    pg.goto(url)
    form = pg.locator("[data-testid=stForm]")
    signed = sidebar(pg).get_by_text("Masuk sebagai")
    form.get_by_role("button", name="Masuk").or_(signed).first.wait_for()
    if signed.count():
        if f"({acc.username})" in sidebar(pg).inner_text():
            wait_idle(pg)
            no_exception(pg)
            return
        sidebar(pg).get_by_role("button", name="Keluar").click()
    form.get_by_role("button", name="Masuk").wait_for()
    form.get_by_label("Nama pengguna", exact=True).fill(acc.username)
    form.get_by_label("Kata sandi", exact=True).fill(acc.password)
    form.get_by_role("button", name="Masuk").click()
    sidebar(pg).get_by_text("Masuk sebagai").wait_for()
    wait_idle(pg)
    no_exception(pg)


def menu(pg) -> list[str]:
    """Labels of the sidebar menu (st.navigation), in order."""
    links = pg.locator("[data-testid=stSidebarNavLink] span[label]")
    links.first.wait_for()
    return [link.get_attribute("label") for link in links.all()]


def open_menu(pg, title: str, heading: str | None = None) -> None:
    """Go to a page through the sidebar menu (keeps the Streamlit session, unlike goto)."""
    # the link, not a section header of the same name (the page Data Kinerja in the section Data Kinerja)
    pg.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title, exact=True).click()
    pg.get_by_role("heading", name=heading or title).first.wait_for()
    wait_idle(pg)
    no_exception(pg)


def grid_rows(frame) -> list[list[str]]:
    """Cell texts of one st.dataframe (glide grid), row by row."""
    frame.locator("[data-testid^=glide-cell]").first.wait_for(state="attached")
    rows: dict[int, dict[int, str]] = {}
    for cell in frame.locator("[data-testid^=glide-cell]").all():
        _, _, col, row = cell.get_attribute("data-testid").rsplit("-", 3)
        rows.setdefault(int(row), {})[int(col)] = cell.text_content()
    return [[cols[c] for c in sorted(cols)] for _, cols in sorted(rows.items())]


def metrics(pg) -> dict[str, str]:
    return {
        m.locator("[data-testid=stMetricLabel]").inner_text().strip(): m.locator("[data-testid=stMetricValue]")
        .inner_text()
        .strip()
        for m in pg.locator("[data-testid=stMetric]").all()
    }


# --------------------------------------------------------------------------- first run and login
def test_first_run_setup_then_login(server, page, tmp_path):
    """Empty database: the setup screen creates the first admin (password rules enforced),
    signs in at once; after Keluar the new account signs in through the login form."""
    start = time.monotonic()
    page.goto(server + "/")
    page.get_by_text("Selamat datang di Pantau").wait_for()
    wait_idle(page)
    no_exception(page)
    form = page.locator("[data-testid=stForm]")
    form.get_by_label("Nama lengkap", exact=True).fill(ADMIN.nama)
    form.get_by_label("Nama pengguna", exact=True).fill(ADMIN.username)
    submit = form.get_by_role("button", name="Buat admin dan masuk")
    for pw1, pw2, error in (
        ("pendek1", "pendek1", "Kata sandi minimal 10 karakter."),
        ("tanpaangkasama", "tanpaangkasama", "Kata sandi harus memuat huruf dan angka"),
        (ADMIN.password, ADMIN.password + "x", "Kedua kata sandi tidak sama"),
    ):
        form.get_by_label("Kata sandi", exact=True).fill(pw1)
        form.get_by_label("Ulangi kata sandi", exact=True).fill(pw2)
        submit.click()
        page.locator("[data-testid=stAlert]").filter(has_text=error).wait_for()
        wait_idle(page)
        no_exception(page)
    assert open_store(tmp_path).count_users() == 0
    form.get_by_label("Kata sandi", exact=True).fill(ADMIN.password)
    form.get_by_label("Ulangi kata sandi", exact=True).fill(ADMIN.password)
    page.wait_for_timeout(300)
    shot(page, "setup.png")
    submit.click()
    sidebar(page).get_by_text("Masuk sebagai").wait_for()
    wait_idle(page)
    no_exception(page)
    # signed in as the new admin, on the empty Ringkasan with the full admin menu
    side = sidebar(page).inner_text()
    assert f"Masuk sebagai {ADMIN.nama} ({ADMIN.username})" in side, side
    assert "Admin (Bagian Adpem" in side, side
    page.get_by_text("Basis data masih kosong").wait_for()
    assert menu(page) == ADMIN_MENU
    row = open_store(tmp_path).get_user(ADMIN.username)
    assert row["role"] == "admin" and row["nama"] == ADMIN.nama and not row["must_change_password"], row
    assert row["password_hash"].startswith("$argon2id$"), "password must be stored as an argon2id hash"

    # Keluar -> login form with a notice; the new account signs in there
    sidebar(page).get_by_role("button", name="Keluar").click()
    page.get_by_text("Anda telah keluar.").wait_for()
    wait_idle(page)  # the page of the signed-in user may linger until the run that logs out ends
    expect(page.get_by_text("Selamat datang di Pantau")).to_have_count(0, timeout=STEP_MS)
    expect(sidebar(page).get_by_text("Masuk sebagai")).to_have_count(0, timeout=STEP_MS)
    page.wait_for_timeout(300)
    shot(page, "login.png")
    login(page, server + "/", ADMIN)
    page.get_by_text("Basis data masih kosong").wait_for()
    assert time.monotonic() - start < BUDGET_S


# --------------------------------------------------------------------------- the main flow
def test_import_then_ringkasan(admin_server, page):
    from core.format import rupiah, rupiah_compact

    server = admin_server
    start = time.monotonic()
    expected = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))["files"]
    dpa = expected["master/dpa_2026.xlsx"]
    dinkes = expected["realisasi/realisasi_dinkes_2026-03.xlsx"]

    login(page, server + "/", ADMIN)
    page.get_by_text("Basis data masih kosong").wait_for()

    open_menu(page, "Impor Laporan")
    sidebar(page).get_by_text("Periode laporan").wait_for()
    page.set_input_files("input[type=file]", [str(DPA), str(DINKES_MAR)])
    save = page.get_by_role("button", name="Simpan 2 berkas ke basis data")
    save.wait_for()
    wait_idle(page)
    no_exception(page)
    page.get_by_text("2 dari 2 berkas siap disimpan").wait_for()
    # one summary table of the batch (issue 16), its figures in the grid's cells
    page.get_by_text(rupiah(dinkes["sum_pagu"]), exact=True).first.wait_for(state="attached")
    assert rupiah(dinkes["sum_pagu"]) == "Rp 48.270.950.000"
    for text in (
        rupiah(dpa["sum_pagu"]),
        "Maret 2026",
        "Dinas Kesehatan",
        "Tahun 2026",
        rupiah(dinkes["sum_realisasi_keuangan"]),
    ):
        assert page.get_by_text(text, exact=True).count() >= 1, text
    page.wait_for_timeout(500)  # let the data grids paint before the screenshot
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
    side = sidebar(page)
    assert "Maret" in side.inner_text() or side.locator("input[value=Maret]").count() >= 1, side.inner_text()

    # Ringkasan for March 2026, by URL (the default page lives at "/", see
    # test_ringkasan_url_path_is_served). Opening a URL starts a new session: sign in again.
    login(page, server + "/?tahun=2026&bulan=3", ADMIN)
    page.get_by_text("OPD sudah lapor").wait_for()
    wait_idle(page)
    no_exception(page)
    page.get_by_text("akhir bulan Maret 2026").wait_for()
    m = metrics(page)
    assert m["Pagu"] == rupiah_compact(dpa["sum_pagu"]) == "Rp 205,13 M", m
    assert m["Realisasi keuangan"] == rupiah_compact(dinkes["sum_realisasi_keuangan"]), m
    assert m["OPD sudah lapor"] == f"1 / {len(dpa['sum_pagu_per_opd'])}", m
    # the recap table: one row per OPD, in Indonesian format (never "None"), money compact
    cells = page.locator("[data-testid^=glide-cell]")
    cells.filter(has_text="Dinas Kesehatan").first.wait_for(state="attached")
    texts = [c.text_content() for c in cells.all()]
    assert rupiah_compact(dinkes["sum_pagu"]) in texts, texts[:40]
    assert rupiah_compact(dinkes["sum_realisasi_keuangan"]) in texts, texts[:40]
    assert "JUMLAH" in texts and rupiah_compact(dpa["sum_pagu"]) in texts, texts[-20:]
    assert "None" not in texts, texts[:40]
    assert all(name in texts for name in ("Dinas Kesehatan", "Dinas Sosial", "Dinas Pertanian")), texts[:40]
    page.get_by_role("button", name="Unduh Excel").wait_for()
    page.wait_for_timeout(500)
    shot(page, "ringkasan.png")

    # the sidebar period drives the page and the URL
    # (the month box sits low in a long sidebar: type the choice instead of finding it in a list)
    sidebar(page).locator("[data-testid=stSelectbox]").nth(1).click()
    page.keyboard.type("April")
    page.keyboard.press("Enter")
    page.get_by_text("akhir bulan April 2026").wait_for()
    page.wait_for_url("**bulan=4**")
    no_exception(page)

    assert time.monotonic() - start < BUDGET_S


# --------------------------------------------------------------------------- deep links (known bugs)
def test_deep_link_to_impor_on_fresh_server(admin_server, page):
    """A deep link on a fresh server shows the login form first (a wrong password is refused
    with the remaining attempts), then opens the linked page with the full app around it."""
    server = admin_server
    start = time.monotonic()
    page.goto(server + "/impor")
    form = page.locator("[data-testid=stForm]")
    form.get_by_role("button", name="Masuk").wait_for()
    assert sidebar(page).get_by_text("Masuk sebagai").count() == 0
    assert page.get_by_role("heading", name="Impor Laporan").count() == 0
    form.get_by_label("Nama pengguna", exact=True).fill(ADMIN.username)
    form.get_by_label("Kata sandi", exact=True).fill("Salah-sandi-99")
    form.get_by_role("button", name="Masuk").click()
    error = page.locator("[data-testid=stAlert]").filter(has_text="Nama pengguna atau kata sandi salah")
    error.wait_for()
    assert "Sisa percobaan sebelum akun dikunci: 4" in error.inner_text(), error.inner_text()
    form.get_by_label("Kata sandi", exact=True).fill(ADMIN.password)
    form.get_by_role("button", name="Masuk").click()
    page.get_by_role("heading", name="Impor Laporan").wait_for()
    wait_idle(page)
    assert "/impor" in page.url, page.url
    page.set_input_files("input[type=file]", [str(DINKES_MAR)])
    page.get_by_role("heading", name="Pratinjau").or_(page.locator("[data-testid=stException]")).first.wait_for()
    wait_idle(page)
    no_exception(page)
    nav = page.locator("[data-testid=stSidebarNav]")
    assert nav.get_by_text("Ringkasan", exact=True).count() == 1, nav.inner_text()
    assert sidebar(page).get_by_text("Periode laporan").count() == 1
    assert time.monotonic() - start < BUDGET_S


# --------------------------------------------------------------------------- sidebar
ADMIN_SECTIONS = ["Rakor POK", "Data Kinerja", "Administrasi"]
# a phone's browser: Streamlit closes its sidebar after a menu choice on a mobile device
PHONE = dict(
    viewport={"width": 390, "height": 844},
    is_mobile=True,
    has_touch=True,
    user_agent=(
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36"
    ),
    locale="id-ID",
)


def menu_sections(pg) -> list[str]:
    """Headers of the sections of the sidebar menu, in order."""
    headers = pg.locator("[data-testid=stNavSectionHeader]")
    headers.first.wait_for()
    return [h.inner_text().strip() for h in headers.all()]


def top(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, locator
    return box["y"]


def test_sidebar_sections_period_on_top_phone_closes(admin_server, open_page):
    """The menu comes in sections (Rakor POK, Data Kinerja, Administrasi) below the period
    (1366x768); on a phone (390x844) the sidebar starts closed and closes again after a page is
    chosen from the menu. Screenshots: sidebar_1366x768.png, sidebar_390x844.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    desk = open_page()
    desk.set_viewport_size({"width": 1366, "height": 768})
    login(desk, admin_server, ADMIN)
    assert menu_sections(desk) == ADMIN_SECTIONS
    assert menu(desk) == ADMIN_MENU
    links = desk.locator("[data-testid=stSidebarNavLink]")
    # the name and the period above the menu, the account below it
    assert top(sidebar(desk).get_by_text("Periode laporan")) < top(links.first)
    assert top(sidebar(desk).locator("[data-testid=stSelectbox]").nth(1)) < top(links.first)
    assert top(sidebar(desk).get_by_text("Masuk sebagai")) > top(links.last)
    desk.screenshot(path=str(ARTIFACTS / "sidebar_1366x768.png"))

    browser = desk.context.browser
    assert browser is not None
    phone = browser.new_context(**PHONE).new_page()
    phone.set_default_timeout(STEP_MS)
    try:
        login(phone, admin_server, ADMIN)
        side = sidebar(phone)
        expect(side).to_have_attribute("data-collapsed", "true")  # closed on a small screen
        phone.locator("[data-testid=stExpandSidebarButton]").click()
        expect(side).to_have_attribute("data-collapsed", "false")
        assert menu_sections(phone) == ADMIN_SECTIONS
        assert top(side.get_by_text("Periode laporan")) < top(phone.locator("[data-testid=stSidebarNavLink]").first)
        phone.screenshot(path=str(ARTIFACTS / "sidebar_390x844.png"))
        phone.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Rekap OPD", exact=True).click()
        phone.get_by_role("heading", name="Rekap OPD").first.wait_for()
        wait_idle(phone)
        no_exception(phone)
        expect(side).to_have_attribute("data-collapsed", "true")  # the page, not the menu, is in sight
        phone.screenshot(path=str(ARTIFACTS / "sidebar_390x844_after_menu.png"))
    finally:
        phone.context.close()


# --------------------------------------------------------------------------- roles and scope
OTHER_OPD_REPORTS = [REALISASI / "dinsos_2026-03.csv", REALISASI / "distan_2026-03.csv"]


def test_opd_user_sees_only_own_opd(tmp_path, open_page):
    """An operator of Dinas Kesehatan sees and loads only Dinas Kesehatan: title, recap table,
    Excel export, menu, import history; a link to an admin page does not open it; another
    OPD's report is refused and saves nothing. A viewer beside it sees every OPD, read only."""
    import openpyxl

    start = time.monotonic()
    page = open_page()
    store = prepare_db(tmp_path, paths=[DPA, DINKES_MAR, *OTHER_OPD_REPORTS], accounts=[ADMIN, DINKES_OP, VIEWER])
    dinkes = opd_kode(store, "Dinas Kesehatan")
    bappeda = opd_kode(store, "Badan Perencanaan Pembangunan Daerah")
    others = sorted(o.nama for o in store.opds() if o.kode != dinkes)
    preloaded = [r["file_name"] for r in imports(store)]
    assert preloaded == ["dpa_2026.xlsx", DINKES_MAR.name, *(p.name for p in OTHER_OPD_REPORTS)]
    other_report = REALISASI / "realisasi_bappeda_2026-03.xlsx"
    own_report = REALISASI / "Lap Realisasi DINKES April 2026.xlsx"

    with streamlit_server(tmp_path) as server:
        # a link to the admin-only user page lands on the operator's Ringkasan instead
        login(page, server + "/pengguna?tahun=2026&bulan=3", DINKES_OP)
        # Ringkasan: title, KPIs and the recap table of Dinas Kesehatan only
        page.get_by_role("heading", name="Ringkasan Realisasi - Dinas Kesehatan").wait_for()
        assert "/pengguna" not in page.url, page.url
        assert page.get_by_role("heading", name="Pengguna").count() == 0
        assert page.get_by_text(ADMIN.username).count() == 0
        page.get_by_text("akhir bulan Maret 2026").wait_for()
        side = sidebar(page).inner_text()
        assert f"Masuk sebagai {DINKES_OP.nama} ({DINKES_OP.username})" in side, side
        assert "Operator OPD (hanya OPD sendiri) · Dinas Kesehatan" in side, side
        assert menu(page) == OPD_MENU
        page.get_by_text("OPD sudah lapor").wait_for()  # the KPI cards come after the caption
        wait_idle(page)
        assert metrics(page)["OPD sudah lapor"] == "1 / 1", metrics(page)
        rows = grid_rows(page.locator("[data-testid=stDataFrame]").first)
        assert [r[0] for r in rows] == ["Dinas Kesehatan"], rows
        main = page.locator("[data-testid=stMain]")
        main_text = main.inner_text() + " ".join(
            c.text_content() for c in main.locator("[data-testid^=glide-cell]").all()
        )
        assert not [n for n in others if n in main_text], main_text[:2000]
        with page.expect_download() as dl:
            page.get_by_role("button", name="Unduh Excel").click()
        assert dl.value.suggested_filename == "rekap_opd_2026-03.xlsx", dl.value.suggested_filename
        wb = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()), read_only=True)
        cells = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
        assert "Dinas Kesehatan" in cells and not [n for n in others if n in cells], cells
        wait_idle(page)
        shot(page, "opd_ringkasan.png")

        # Impor Laporan: own history only
        open_menu(page, "Impor Laporan")
        page.get_by_text("hanya laporan OPD ini yang dapat diunggah").wait_for()
        history = page.locator("[data-testid=stDataFrame]").first
        assert [r[2] for r in grid_rows(history)] == [DINKES_MAR.name], grid_rows(history)

        # another OPD's report is refused in the preview; the own report in the same batch is not
        page.set_input_files("input[type=file]", [str(other_report), str(own_report)])
        save = page.get_by_role("button", name="Simpan 1 berkas ke basis data")
        save.wait_for()
        wait_idle(page)
        no_exception(page)
        page.get_by_text("1 dari 2 berkas siap disimpan").wait_for()
        refusal = page.locator("[data-testid^=glide-cell]").filter(has_text="akun Anda hanya untuk")
        refusal.first.wait_for(state="attached")
        text = refusal.first.text_content()
        assert "Badan Perencanaan Pembangunan Daerah" in text and "Dinas Kesehatan" in text, text
        page.wait_for_timeout(500)
        shot(page, "opd_refused.png")
        save.click()
        page.get_by_text("Impor selesai: 1 diterima.").wait_for()
        wait_idle(page)
        no_exception(page)
        history = page.locator("[data-testid=stDataFrame]").first
        assert sorted(r[2] for r in grid_rows(history)) == sorted([DINKES_MAR.name, own_report.name])

        # contrast: a viewer in another session sees every OPD on Ringkasan and cannot import
        viewer = open_page()
        login(viewer, server + "/?tahun=2026&bulan=3", VIEWER)
        viewer.get_by_role("heading", name="Ringkasan Realisasi", exact=True).wait_for()
        assert menu(viewer) == VIEWER_MENU
        rows = grid_rows(viewer.locator("[data-testid=stDataFrame]").first)
        assert rows[-1][0] == "JUMLAH", rows  # the kabupaten totals close the table
        assert sorted(r[0] for r in rows[:-1]) == sorted(o.nama for o in store.opds()), rows
        assert metrics(viewer)["OPD sudah lapor"] == f"3 / {len(store.opds())}", metrics(viewer)

    # the database: the own report landed, nothing of the other OPD's report did
    rows = imports(store)
    assert [r["file_name"] for r in rows] == preloaded + [own_report.name], rows
    assert rows[-1]["opd_kode"] == dinkes and rows[-1]["created_by"] == DINKES_OP.username, rows[-1]
    assert store.sql("SELECT count(*) FROM realisasi WHERE opd_kode = ?", [bappeda]) == [(0,)]
    assert not [p for p in (tmp_path / "data").rglob("*") if "bappeda" in p.name.lower()]
    assert time.monotonic() - start < BUDGET_S


# --------------------------------------------------------------------------- concurrency
def test_concurrent_saves_and_cli_import(tmp_path, open_page):
    """Two browser sessions (admin and the Dinkes operator) save different reports at the same
    moment while a CLI import runs beside the server: every import lands, none is lost."""
    start = time.monotonic()
    store = prepare_db(tmp_path, paths=[DPA], accounts=[ADMIN, DINKES_OP])
    batches = {
        ADMIN: [REALISASI / "realisasi_bappeda_2026-03.xlsx", *OTHER_OPD_REPORTS],
        DINKES_OP: [DINKES_MAR, REALISASI / "Lap Realisasi DINKES April 2026.xlsx"],
    }
    cli_files = [
        REALISASI / n
        for n in (
            "DISHUB_APRIL_2026.xlsx",
            "DPUPR_APRIL_2026.xlsx",
            "Lap Realisasi DISHUB Maret 2026.xlsx",
            "Lap Realisasi DPUPR Maret 2026.xlsx",
            "DISDIK_MARET_2026.xlsx",
        )
    ]

    with streamlit_server(tmp_path) as server:
        pages = {}
        for acc, files in batches.items():
            pg = pages[acc] = open_page()
            login(pg, server + "/", acc)
            open_menu(pg, "Impor Laporan")
            pg.set_input_files("input[type=file]", [str(f) for f in files])
        saves = {}
        for acc, pg in pages.items():
            n = len(batches[acc])
            saves[acc] = pg.get_by_role("button", name=f"Simpan {n} berkas ke basis data")
            saves[acc].wait_for()
            wait_idle(pg)
            no_exception(pg)
            pg.get_by_text(f"{n} dari {n} berkas siap disimpan").wait_for()

        env = dict(os.environ, PANTAU_DB=str(db_path(tmp_path)), PANTAU_DATA=str(tmp_path / "data"))
        cli = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "etl",
                "ingest",
                "--db",
                str(db_path(tmp_path)),
                "--json",
                "--user",
                ADMIN.username,
                *map(str, cli_files),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            for save in saves.values():  # both clicks within a few milliseconds
                save.click()
            assert cli.poll() is None, "the CLI import should still be running while the browsers save"
            for acc, pg in pages.items():
                pg.get_by_text(f"Impor selesai: {len(batches[acc])} diterima.").wait_for(timeout=2 * STEP_MS)
                wait_idle(pg)
                no_exception(pg)
                assert pg.get_by_text("Basis data sedang dipakai").count() == 0
            out, err = cli.communicate(timeout=60)
        finally:
            if cli.poll() is None:
                cli.kill()
                cli.wait()
        for name, pg in zip(("concurrent_a.png", "concurrent_b.png"), pages.values()):
            pg.wait_for_timeout(300)
            shot(pg, name)

    assert cli.returncode == 0, err.decode(errors="replace")
    cli_out = json.loads(out)
    assert [r["file"] for r in cli_out] == [f.name for f in cli_files], cli_out
    assert all(r["status"] == "accepted" for r in cli_out), [(r["file"], r["status"]) for r in cli_out]

    rows = imports(store)
    by_file = {r["file_name"]: r for r in rows}
    wanted = {
        "dpa_2026.xlsx": "test",
        **{f.name: f"cli:{ADMIN.username}" for f in cli_files},  # --user names an account
        **{f.name: acc.username for acc, files in batches.items() for f in files},
    }
    assert len(rows) == len(by_file) == len(wanted) == 11, [r["file_name"] for r in rows]
    assert {f: r["created_by"] for f, r in by_file.items()} == wanted
    assert all(r["status"] in ("accepted", "flagged") and r["superseded_by"] is None for r in rows), rows
    # every report's rows are there, under its own import id
    counts = dict(store.sql("SELECT import_id, count(*) FROM realisasi GROUP BY import_id"))
    for r in rows:
        if r["kind"] == "realisasi":
            assert counts.get(r["id"]) == r["rows_accepted"] > 0, (r, counts.get(r["id"]))
    assert time.monotonic() - start < BUDGET_S


# --------------------------------------------------------------------------- projector
def test_ringkasan_kpis_readable_on_xga_projector(tmp_path, page):
    start = time.monotonic()
    prepare_db(tmp_path, paths=[DPA, DINKES_MAR, *OTHER_OPD_REPORTS], accounts=[VIEWER])
    with streamlit_server(tmp_path) as server:
        page.set_viewport_size({"width": 1024, "height": 768})
        login(page, server + "/?tahun=2026&bulan=3", VIEWER)
        page.get_by_text("OPD sudah lapor").wait_for()
        page.wait_for_timeout(500)
        shot(page, "ringkasan_1024.png")
        cut = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMetricValue]')]
            .map(e => e.querySelector('[data-testid=stMarkdownContainer]') || e)
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
        cut += page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMetricLabel] p')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
    assert time.monotonic() - start < BUDGET_S
    assert cut == [], f"KPI values cut off at 1024x768: {cut}"
