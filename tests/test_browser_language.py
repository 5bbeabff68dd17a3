"""No English UI text and no raw values on any page (issue 17 item 6), in a real browser.

One server holds the demo data set (scripts.make_demo), the Perjanjian Kinerja and the kinerja
formats of the fixtures, a rakor with decisions, and one account per role of core/access.py
(admin, an OPD operator, a unit kerja, the Sekcam, the Camat, a reader). One browser signs in as
each role in turn and walks every page of its menu: on every page the visible text of the main
area and the sidebar (every tab and expander opened), the cells of the data grids, the texts of
the charts, the values
shown in input boxes and the placeholder, aria and title texts of inputs are checked with
:func:`tests.language_support.findings`; for the admin also the preview of Impor Laporan with
files chosen (:data:`UPLOADS`). The failure lists page, role, source and the offending snippet of
every finding, all pages at once.

Screenshots of every page of every role at 1366x768 go to tests/artifacts/lang_<role>_<page>.png.
"""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest

from tests.language_support import findings
from tests.test_browser import (
    FIXTURES,
    Account,
    expand,
    expect,
    login,
    menu,
    no_exception,
    prepare_db,
    shot,
    sidebar,
    streamlit_server,
)
from tests.test_browser_walk import _demo_files, _slug, settled

pytestmark = [pytest.mark.browser]
BUDGET_S = 600  # six roles, about fifty pages, on a slow 2-core runner

ADMIN = Account("admin.adpem", "Admin Adpem", "admin", "Rahasia-2026")
OPD = Account("dinkes.op", "Operator Dinkes", "opd", "Dinkes-Lapor-2026", opd="Dinas Kesehatan")
VIEWER = Account("kabag.adpem", "Kabag Adpem", "viewer", "Baca-Saja-2026")
REVIEWER = Account("sekcam", "Sekretaris Camat", "reviewer", "Periksa-Rekap-2026")
APPROVER = Account("camat", "Camat Sukamaju Hilir", "approver", "Setujui-Rekap-2026")
UNIT = Account("kasi.pem", "Kasi Pemerintahan", "unit", "Isi-Data-2026x")
UNIT_NAME = "Seksi Pemerintahan"

# Everything a user reads on the page: the text of main area and sidebar, the cells and headers
# of the data grids (drawn on a canvas, mirrored in an accessible table), and the texts Streamlit
# puts in the inputs (placeholder, aria-label, title).
_COLLECT = """() => {
    const out = [];
    for (const sel of ['[data-testid=stMain]', '[data-testid=stSidebar]']) {
        const root = document.querySelector(sel);
        if (!root) continue;
        out.push(['teks', root.innerText]);
        const cells = [...root.querySelectorAll('[data-testid^=glide-cell], [role=columnheader]')];
        out.push(['sel tabel', cells.map(c => c.textContent).join('\\n')]);
        const svg = [...root.querySelectorAll('svg text')].map(t => t.textContent);
        out.push(['grafik', svg.join('\\n')]);
        for (const e of root.querySelectorAll('input, textarea')) {
            // what a box shows: a number input's "5.00", a date input's "02/12/2026"
            const style = getComputedStyle(e);
            const shown = e.offsetWidth > 1 && e.offsetHeight > 1 && style.visibility !== 'hidden'
                && style.opacity !== '0' && !e.closest('[aria-hidden=true]');
            if (shown && e.value && !['hidden', 'file', 'checkbox', 'radio', 'password', 'date'].includes(e.type))
                out.push(['isian', e.value]);
            // a placeholder shows only in an empty box; BaseWeb's select shows it in a div (innerText)
            if (e.getAttribute('placeholder') && !e.value) out.push(['placeholder', e.getAttribute('placeholder')]);
            for (const a of ['aria-label', 'title'])
                if (e.getAttribute(a)) out.push([a, e.getAttribute(a)]);
        }
    }
    return out;
}"""
# Material icons are ligatures: their names ("upload_file") are text in the DOM, never read.
_HIDE_ICONS = "[data-testid=stIconMaterial], [translate=no][aria-hidden=true] { display: none !important; }"


def _prepare(tmp_path):
    from core import tindak_lanjut as tl
    from core.access import User
    from core.auth import create_user

    pk = FIXTURES / "master" / "perjanjian_kinerja_2026.xlsx"
    kinerja = sorted((FIXTURES / "kinerja").glob("*.xlsx"))
    store = prepare_db(
        tmp_path,
        paths=[*_demo_files(tmp_path), pk, *kinerja],
        accounts=[ADMIN, OPD, VIEWER, REVIEWER, APPROVER],
    )
    unit_id = next(i for i, n in store.unit_kerja() if n == UNIT_NAME)
    create_user(
        store, "test", UNIT.username, UNIT.nama, UNIT.role, UNIT.password, unit_id=unit_id, must_change_password=False
    )
    # a rakor with decisions: one with a deadline, one without, one overdue and one done
    admin = User(ADMIN.username, ADMIN.nama, "admin")
    opds = {o.nama: o.kode for o in store.opds()}
    day = dt.date(2026, 5, 12)
    rid = tl.create_rakor(
        store,
        admin,
        tanggal=day,
        tahun=2026,
        bulan=4,
        tempat="Ruang Rapat Setda",
        pimpinan="Sekretaris Daerah",
        peserta=list(opds.values())[:4],
        catatan="Percepat realisasi fisik.",
    )
    adds = [
        dict(
            opd_kode=opds["Dinas Kesehatan"],
            masalah="Lelang gagal",
            keputusan="Lelang ulang",
            pic="PPK",
            batas_waktu=dt.date(2026, 6, 30),
        ),
        dict(
            opd_kode=list(opds.values())[1],
            masalah="SPJ terlambat",
            keputusan="Percepat SPJ",
            pic="Bendahara",
            batas_waktu=None,
        ),
    ]
    tl.save_decisions(store, admin, rid, tl.DecisionChanges(adds=adds))
    first = int(tl.decisions(store, rid)["id"].iloc[0])
    tl.update_status(store, admin, first, "in_progress", "Dokumen lelang disiapkan.", tanggal=dt.date(2026, 5, 20))
    return store


def _texts_of_page(pg, name: str) -> list[list[str]]:
    """(source, text) of the page, then with every tab in turn and every expander opened (a
    screenshot ``<name>_tabN.png`` of every further tab)."""
    hidden = pg.add_style_tag(content=_HIDE_ICONS)
    texts = [*pg.evaluate(_COLLECT)]
    main = pg.locator("[data-testid=stMain]")
    for details in main.locator("details").all():
        if details.is_visible() and details.get_attribute("open") is None:
            expand(details)
    tabs = main.locator("[data-testid=stTabs] [role=tab]")
    n = tabs.count()
    if n == 0:
        texts.extend(pg.evaluate(_COLLECT))
    for i in range(n):
        tabs.nth(i).click()
        pg.wait_for_timeout(300)
        for details in main.locator("details").all():
            if details.is_visible() and details.get_attribute("open") is None:
                expand(details)
        texts.extend(pg.evaluate(_COLLECT))
        if i:
            hidden.evaluate("e => e.disabled = true")
            shot(pg, f"{name}_tab{i + 1}.png")
            hidden.evaluate("e => e.disabled = false")
    hidden.evaluate("e => e.remove()")  # the icons show again in the next page's screenshot
    return texts


# Files whose preview on Impor Laporan shows the recognised columns, warnings, refusals and a
# question (the period) - the texts a page walk without an upload never reaches.
UPLOADS = [
    FIXTURES / "realisasi" / "realisasi_dinkes_2026-03.xlsx",
    FIXTURES / "bad" / "fisik_140_persen.xlsx",
    FIXTURES / "bad" / "pagu_teks.xlsx",
    FIXTURES / "bad" / "bulan_13.xlsx",
    FIXTURES / "bad" / "periode_tidak_jelas.xlsx",
    FIXTURES / "bad" / "terproteksi_password.xlsx",
]


def _check(pg, role: str, title: str, name: str, found: list[str]) -> None:
    seen: set[tuple[str, str]] = set()
    for source, text in _texts_of_page(pg, name):
        for what, snippet in findings(text):
            if (what, snippet) not in seen:
                seen.add((what, snippet))
                found.append(f"[{role}] {title} ({source}): {what!r} in …{snippet}…")


def _impor_preview(pg, found: list[str]) -> None:
    """Impor Laporan with files chosen: the preview of each (not saved)."""
    sidebar(pg).locator("[data-testid=stSidebarNav]").get_by_role("link", name="Impor Laporan", exact=True).click()
    pg.locator("[data-testid=stMain] h1").first.wait_for()
    settled(pg)
    pg.set_input_files("input[type=file]", [str(p) for p in UPLOADS])
    pg.get_by_text("berkas siap disimpan").wait_for(timeout=120_000)
    settled(pg)
    no_exception(pg)
    shot(pg, "lang_admin_impor_pratinjau.png")
    _check(pg, "admin", "Impor Laporan (pratinjau)", "lang_admin_impor_pratinjau", found)


def _walk(pg, server: str, acc: Account, found: list[str]) -> int:
    """Sign in as ``acc`` and check every page of its menu; returns the number of pages."""
    login(pg, server + "/?tahun=2026&bulan=4", acc)
    titles = menu(pg)
    for title in titles:
        sidebar(pg).locator("[data-testid=stSidebarNav]").get_by_role("link", name=title, exact=True).click()
        pg.locator("[data-testid=stMain] h1").first.wait_for()
        settled(pg)
        no_exception(pg)
        name = f"lang_{acc.role}_{_slug(title)}"
        shot(pg, f"{name}.png")
        _check(pg, acc.role, title, name, found)
    if acc.role == "admin":
        _impor_preview(pg, found)
    sidebar(pg).get_by_role("button", name="Keluar").click()
    pg.get_by_text("Anda telah keluar.").wait_for()
    return len(titles)


def test_no_english_or_raw_values_on_any_page(tmp_path, page):
    start = time.monotonic()
    _prepare(tmp_path)
    page.set_viewport_size({"width": 1366, "height": 768})
    found: list[str] = []
    pages = 0
    with streamlit_server(tmp_path) as server:
        roles = os.environ.get("PANTAU_LANG_ROLES")  # e.g. "admin,opd" while fixing one role's pages
        for acc in (ADMIN, OPD, VIEWER, UNIT, REVIEWER, APPROVER):
            if not roles or acc.role in roles.split(","):
                pages += _walk(page, server, acc, found)
    assert pages >= (40 if not roles else 1), pages
    assert not found, f"{len(found)} English words or raw values on the pages:\n" + "\n".join(found)
    assert time.monotonic() - start < BUDGET_S


def test_decision_deadline_is_typed_as_dd_mm_yyyy(tmp_path, page):
    """The tindak lanjut decision form in a browser: the deadline is typed day, month, year
    (30 06 2026) into the Indonesian date field and stored as 30 June 2026, shown as 30-06-2026
    (issue 17: the old grid's mm/dd/yyyy editor would not take it)."""
    from core import tindak_lanjut as tl
    from core.access import User

    start = time.monotonic()
    store = prepare_db(tmp_path, paths=[FIXTURES / "master" / "dpa_2026.xlsx"], accounts=[ADMIN])
    opds = {o.nama: o.kode for o in store.opds()}
    admin = User(ADMIN.username, ADMIN.nama, "admin")
    rid = tl.create_rakor(
        store,
        admin,
        tanggal=dt.date(2026, 5, 12),
        tahun=2026,
        bulan=4,
        tempat="Ruang Rapat Setda",
        pimpinan="Sekretaris Daerah",
        peserta=[opds["Dinas Kesehatan"]],
    )
    with streamlit_server(tmp_path) as server:
        login(page, server + "/rakor?tahun=2026&bulan=4", ADMIN)
        page.get_by_role("heading", name="Rakor & Tindak Lanjut").wait_for()
        page.locator("[data-testid=stTabs] [role=tab]").filter(has_text="Hasil rakor").click()
        form = page.locator("[data-testid=stForm]").filter(has_text="Keputusan baru")
        form.wait_for()
        form.get_by_role("combobox", name="OPD").click()
        page.keyboard.type("Dinas Kesehatan")
        page.keyboard.press("Enter")
        form.get_by_label("Permasalahan").fill("Lelang gagal")
        form.get_by_label("Keputusan / tindak lanjut").fill("Lelang ulang paling lambat akhir Juni")
        form.get_by_label("Penanggung jawab").fill("PPK Dinkes")
        form.locator("[data-testid=stDateInput] [data-type=day]").click()
        page.keyboard.type("30062026")
        expect(form.locator("[data-testid=stDateInput] [data-type=day]")).to_have_text("30")
        expect(form.locator("[data-testid=stDateInput] [data-type=month]")).to_have_text("06")
        form.get_by_role("button", name="Simpan keputusan").click()
        page.get_by_text("Keputusan disimpan: 1 ditambah.").wait_for()
        settled(page)
        no_exception(page)
        # the tab stays open with an empty form for the next decision
        expect(form.get_by_label("Permasalahan")).to_have_value("")
        shot(page, "lang_rakor_keputusan_tersimpan.png")
        rows = tl.decisions(store, rid)
        assert rows["batas_waktu"].tolist() == [dt.date(2026, 6, 30)], rows
        assert rows["pic"].tolist() == ["PPK Dinkes"]
        cells = page.locator("[data-testid=stMain] [data-testid^=glide-cell]")
        cells.filter(has_text="30-06-2026").first.wait_for(state="attached")
    assert time.monotonic() - start < 120
