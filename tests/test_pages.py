"""The Streamlit pages through ``streamlit.testing.v1.AppTest`` (no browser).

Each test gets its own DuckDB file and archive folder (``PANTAU_DB`` / ``PANTAU_DATA`` in
``tmp_path``), set before the AppTest is created: the store is cached per DB path with
``st.cache_resource``, so a unique path per test means a fresh database.

Expected numbers come from ``tests/fixtures/EXPECTED.json`` and are formatted with the
app's own ``ui.format`` helpers, so a change of format is a change in one place.

AppTest quirk (Streamlit 1.67): after ``at.switch_page(...)`` the sidebar elements written by
``app.py`` before ``nav.run()`` are missing from ``at.sidebar`` (a bare two-page app shows
the same), so the sidebar period selectors are only inspected on the first page run.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
FIXTURES = ROOT / "tests" / "fixtures"
EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))["files"]
DPA = "master/dpa_2026.xlsx"
DINKES_MAR = "realisasi/realisasi_dinkes_2026-03.xlsx"
DISTAN_MAR = "realisasi/distan_2026-03.csv"
BAD = "bad/tanpa_kolom_pagu.xlsx"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME = {".xlsx": XLSX_MIME, ".xls": "application/vnd.ms-excel", ".csv": "text/csv", ".html": "text/html"}
N_OPD = len(EXPECTED[DPA]["sum_pagu_per_opd"])


# --------------------------------------------------------------------------- helpers
def download_bytes(storages: list, button) -> bytes:
    """The bytes behind a download button of the last run (looked up by its media URL)."""
    name = button.proto.url.rsplit("/", 1)[-1]
    for storage in reversed(storages):
        try:
            return storage.get_file(name).content
        except Exception:  # noqa: BLE001 - not in this run's storage
            continue
    raise AssertionError(f"download bytes for {button.label!r} ({button.proto.url}) not found")


PASSWORD = "Rahasia-2026"


def app_store():
    """The store of the app under test (``PANTAU_DB``: a DuckDB file or a PostgreSQL URL)."""
    import os

    from db.store import Store

    db = os.environ["PANTAU_DB"]
    return Store(db, data_dir=os.environ.get("PANTAU_DATA") or Path(db).parent / "data")


def ensure_user(username: str = "admin", role: str = "admin", opd_kode: str | None = None):
    """Create the account in the test DB (``PANTAU_DB``) unless it exists; returns the User."""

    from core.auth import create_user, to_user

    store = app_store()
    row = store.get_user(username)
    if row:
        return to_user(row)
    return create_user(
        store, "test", username, f"Pengguna {username}", role, PASSWORD, opd_kode=opd_kode, must_change_password=False
    )


def new_app(
    query: dict | None = None, user: str | None = "admin", role: str = "admin", opd_kode: str | None = None
) -> AppTest:
    """An AppTest of app.py, signed in as ``user`` (created with ``role`` when new); ``None``: signed out."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if user:
        account = ensure_user(user, role, opd_kode)
        sign_in_test(at, account.username)
    return at


def session_token(username: str) -> str:
    """A real sign-in session of ``username`` in the test DB: the token a browser's cookie would carry."""

    from core import sessions

    store = app_store()
    token = sessions.redeem(store, sessions.begin(store, username))
    assert token
    return token


def complete_sign_in(at: AppTest) -> AppTest:
    """Do what the browser does after a successful sign-in form: post the one-time code of the
    page's hand-over script to the cookie route (here: :func:`core.sessions.redeem`) and load the
    page again with the cookie's token."""

    from core import sessions
    from ui.auth import TEST_TOKEN_KEY

    codes = [m.group(1) for h in at.html for m in [re.search(r"kode: (\"[^\"]+\")", h.proto.body)] if m]
    assert len(codes) == 1, [h.proto.body for h in at.html]
    store = app_store()
    token = sessions.redeem(store, json.loads(codes[0]))
    assert token, "the one-time code was not redeemable"
    at.session_state[TEST_TOKEN_KEY] = token
    return run(at)


def sign_in_test(at: AppTest, username: str) -> str:
    """Sign ``at`` in as ``username`` the way AppTest can (no browser, no cookies): the session
    token goes where ``ui.auth`` looks when a run has no browser client. Returns the token."""
    from ui.auth import TEST_TOKEN_KEY

    token = session_token(username)
    at.session_state[TEST_TOKEN_KEY] = token
    return token


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload_item(rel: str, name: str | None = None) -> tuple[str, bytes, str]:
    path = FIXTURES / rel
    name = name or path.name
    return name, path.read_bytes(), MIME.get(path.suffix.lower(), "application/octet-stream")


def open_impor(at: AppTest) -> AppTest:
    at.switch_page("views/impor.py")
    run(at)
    assert [t.value for t in at.title] == ["Impor Laporan"]
    return at


def upload(at: AppTest, rels: list[str]) -> AppTest:
    at.file_uploader[0].set_value([upload_item(r) for r in rels])
    return run(at)


def save_button(at: AppTest):
    buttons = [b for b in at.button if b.label.startswith("Simpan ")]
    assert len(buttons) == 1, [b.label for b in at.button]
    return buttons[0]


def save(at: AppTest) -> AppTest:
    save_button(at).click()
    return run(at)


def summary_tables(at: AppTest) -> dict[str, dict]:
    """Preview summary rows by file name (the first table in each file's expander)."""
    out = {}
    for df in at.dataframe:
        v = df.value
        if "Berkas" in v.columns and "Baris sub kegiatan" in v.columns:
            for row in v.to_dict("records"):
                out[row["Berkas"]] = row
    return out


def table_with(at: AppTest, *columns: str):
    frames = [df.value for df in at.dataframe if set(columns) <= set(df.value.columns)]
    assert frames, f"no table with columns {columns}; tables: {[list(d.value.columns) for d in at.dataframe]}"
    return frames


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def load_via_page(at: AppTest, rels: list[str]) -> AppTest:
    """Upload on the Impor page and save; asserts nothing was rejected."""
    open_impor(at)
    upload(at, rels)
    assert save_button(at).label == f"Simpan {len(rels)} berkas ke basis data"
    save(at)
    assert [s.value for s in at.success] and not at.error, ([s.value for s in at.success], [e.value for e in at.error])
    return at


def opd_kode(db: Path, name: str) -> str:
    """The OPD kode (from the DPA) of an OPD name, read from the test DB."""
    from db.store import Store

    store = Store(db, data_dir=db.parent / "data")
    try:
        return next(o.kode for o in store.opds() if o.nama == name)
    finally:
        store.close()


def expected_totals(report_keys: list[str]) -> dict:
    """Kabupaten totals for the fixture DPA plus the given reports (one per OPD)."""
    from core.metrics import keuangan_pct

    dpa = EXPECTED[DPA]["sum_pagu_per_opd"]
    reports = {EXPECTED[k]["opd"]: EXPECTED[k] for k in report_keys}
    pagu_opd = {opd: (reports[opd]["sum_pagu"] if opd in reports else p) for opd, p in dpa.items()}
    pagu = sum(pagu_opd.values())
    real = sum(r["sum_realisasi_keuangan"] for r in reports.values())
    pagu_x_fisik = sum(
        leaf["pagu"] * leaf["fisik"]
        for r in reports.values()
        for leaf in r["leaves"].values()
        if leaf["fisik"] is not None
    )
    return dict(
        pagu=pagu,
        realisasi=real,
        keuangan_pct=keuangan_pct(real, pagu),
        fisik_pct=pagu_x_fisik / pagu,
        pagu_opd=pagu_opd,
        reported=set(reports),
        names={r["opd_name"]: r["opd"] for r in reports.values()},
    )


# --------------------------------------------------------------------------- Ringkasan, empty DB
def test_empty_db_shows_welcome(app_env):
    at = run(new_app())
    info = " ".join(i.value for i in at.info)
    assert "Selamat datang di Pantau" in info and "Impor Laporan" in info
    labels = [b.label for b in at.button]
    assert any(lbl.startswith("Muat data contoh") for lbl in labels), labels
    assert not at.metric
    assert [t.value for t in at.title] == ["Ringkasan Realisasi"]
    # the sidebar offers the period
    keys = {s.key for s in at.sidebar.selectbox}
    assert {"_w_tahun", "_w_bulan"} <= keys


def test_demo_button_loads_data(app_env):
    if not (ROOT / "scripts" / "make_demo.py").exists():
        pytest.skip("scripts/make_demo.py is missing (the demo data generator is written separately)")
    at = run(new_app())
    demo = next(b for b in at.button if b.label.startswith("Muat data contoh"))
    assert demo.disabled  # asks first (issue 17)
    at.checkbox(key="demo_agree").check()
    run(at)
    demo = next(b for b in at.button if b.label.startswith("Muat data contoh"))
    demo.click()
    run(at)
    m = metrics(at)
    assert set(m) >= {"Pagu", "Realisasi keuangan", "Realisasi fisik", "Deviasi fisik", "OPD sudah lapor"}, m
    assert m["Pagu"].startswith("Rp ") and m["Pagu"] != "Rp 0", m
    done, total = (int(x) for x in m["OPD sudah lapor"].split("/"))
    assert total > 0 and 0 < done <= total, m
    assert any("Data contoh dimuat" in s.value and "fiktif" in s.value for s in at.success), [
        s.value for s in at.success
    ]
    assert not any(b.label.startswith("Muat data contoh") for b in at.button)
    # the period moved to the newest month of the demo data
    from core.format import period_label

    year, month = at.session_state["period"]
    assert any(period_label(year, month) in c.value for c in at.caption), [c.value for c in at.caption]


# --------------------------------------------------------------------------- Impor
def test_impor_preview_save_history(app_env, media):
    from core.format import percent, rupiah

    at = run(new_app())
    open_impor(at)
    assert any("Daftar OPD masih kosong" in i.value for i in at.info)
    assert any("Belum ada impor" in c.value for c in at.caption)

    rels = [DPA, DINKES_MAR, DISTAN_MAR, BAD]
    upload(at, rels)
    rows = summary_tables(at)
    assert set(rows) == {Path(r).name for r in rels}, rows.keys()

    dpa = rows["dpa_2026.xlsx"]
    assert dpa["Periode"] == "Tahun 2026"
    assert dpa["OPD"] == f"{N_OPD} OPD"
    assert dpa["Baris sub kegiatan"] == EXPECTED[DPA]["sub_kegiatan"]
    assert dpa["Pagu"] == rupiah(EXPECTED[DPA]["sum_pagu"]) == "Rp 205.133.378.000"
    assert dpa["Status"] == "Siap"
    for rel in (DINKES_MAR, DISTAN_MAR):
        exp, row = EXPECTED[rel], rows[Path(rel).name]
        assert row["OPD"] == exp["opd_name"], row
        assert row["Periode"] == "Maret 2026", row
        assert row["Baris sub kegiatan"] == exp["leaf_rows"], row
        assert row["Pagu"] == rupiah(exp["sum_pagu"]), row
        assert row["Realisasi keuangan"] == rupiah(exp["sum_realisasi_keuangan"]), row
        assert row["Fisik"] == percent(exp["fisik_weighted_mean"]), row
        assert row["Status"] in ("Siap", "Ada catatan"), row
    assert rows[Path(DINKES_MAR).name]["Pagu"] == "Rp 48.270.950.000"
    assert rows[Path(BAD).name]["Status"] == "Perlu konfirmasi"  # a required column not found: the user may map it

    # the file not saved: in the "Berkas yang belum dapat disimpan" table, with a useful message
    assert "Berkas yang belum dapat disimpan" in [s.value for s in at.subheader]
    rejected = table_with(at, "Berkas", "Tingkat", "Pesan")[-1]
    assert set(rejected["Berkas"]) == {Path(BAD).name}
    assert set(rejected["Tingkat"]) == {"Galat"}
    msg = " ".join(rejected["Pesan"])
    assert "Kolom wajib tidak ditemukan" in msg and "Pagu" in msg, msg
    assert any("**3** dari **4** berkas siap disimpan" in m.value for m in at.markdown)

    assert save_button(at).label == "Simpan 3 berkas ke basis data"
    save(at)
    assert [s.value for s in at.success] == ["Impor selesai: 3 diterima."]
    assert not at.error
    assert not summary_tables(at), "the uploader should be cleared after saving"

    history = table_with(at, "ID", "Berkas", "Status")[0]
    assert sorted(history["Berkas"]) == sorted(Path(r).name for r in rels[:3])
    assert set(history["Status"]) == {"Diterima"}
    by_file = history.set_index("Berkas")
    assert by_file.loc["dpa_2026.xlsx", "Pagu"] == rupiah(EXPECTED[DPA]["sum_pagu"])
    assert by_file.loc["realisasi_dinkes_2026-03.xlsx", "Periode"] == "Maret 2026"
    assert by_file.loc["realisasi_dinkes_2026-03.xlsx", "OPD"] == "Dinas Kesehatan"
    assert by_file.loc["distan_2026-03.csv", "Baris"] == str(EXPECTED[DISTAN_MAR]["leaf_rows"])

    # the archived original can be downloaded, byte for byte
    buttons = [b for b in at.get("download_button") if b.label == "Unduh berkas asli"]
    assert len(buttons) == 1
    pick = at.selectbox(key="history_pick")
    newest = int(history["ID"].max())
    assert pick.value == newest
    assert download_bytes(media, buttons[0]) == (FIXTURES / DISTAN_MAR).read_bytes()
    pick.set_value(int(by_file.loc["dpa_2026.xlsx", "ID"]))
    run(at)
    button = next(b for b in at.get("download_button") if b.label == "Unduh berkas asli")
    assert download_bytes(media, button) == (FIXTURES / DPA).read_bytes()


def test_impor_duplicate_upload_is_reported(app_env):
    at = run(new_app())
    load_via_page(at, [DPA, DINKES_MAR])
    upload(at, [DINKES_MAR])
    save(at)
    assert [s.value for s in at.success] == ["Impor selesai: 1 sudah pernah diimpor."]
    history = table_with(at, "ID", "Berkas", "Status")[0]
    assert len(history) == 2


def test_file_without_opd_and_period_asks_and_loads(app_env):
    """CSV text named .xlsx without OPD or period: the user picks both, then it loads."""
    from db.store import Store

    at = run(new_app())
    load_via_page(at, [DPA])
    upload(at, ["bad/export_sipd.xlsx"])
    rows = summary_tables(at)
    assert rows["export_sipd.xlsx"]["Status"] == "Perlu konfirmasi"
    assert any("tidak menyebutkan" in w.value and "OPD" in w.value and "periode" in w.value for w in at.warning), [
        w.value for w in at.warning
    ]
    assert save_button(at).label == "Simpan 0 berkas ke basis data"
    assert save_button(at).disabled
    issues = " ".join(" ".join(df["Pesan"]) for df in table_with(at, "Tingkat", "Pesan"))
    assert "isinya teks CSV" in issues  # the format mismatch is told, as a warning

    opd = next(s for s in at.selectbox if s.label == "OPD")
    assert "Dinas Pertanian" in opd.options
    opd.set_value(opd_kode(app_env, "Dinas Pertanian"))
    run(at)
    # OPD chosen, period not yet: still refused
    assert summary_tables(at)["export_sipd.xlsx"]["OPD"] == "Dinas Pertanian"
    assert summary_tables(at)["export_sipd.xlsx"]["Status"] == "Perlu konfirmasi"

    at.number_input(key=next(n.key for n in at.number_input if n.label == "Tahun")).set_value(2026)
    next(s for s in at.selectbox if s.label == "Bulan" and s.key.startswith("month_")).set_value(3)
    next(c for c in at.checkbox if c.label == "Pakai periode ini").check()
    run(at)
    row = summary_tables(at)["export_sipd.xlsx"]
    assert row["Periode"] == "Maret 2026", row
    assert row["OPD"] == "Dinas Pertanian", row
    assert row["Status"] in ("Siap", "Ada catatan"), row
    assert row["Baris sub kegiatan"] == 15
    assert save_button(at).label == "Simpan 1 berkas ke basis data"
    assert not save_button(at).disabled
    save(at)
    assert [s.value for s in at.success] == ["Impor selesai: 1 diterima dengan catatan."] or [
        s.value for s in at.success
    ] == ["Impor selesai: 1 diterima."], [s.value for s in at.success]

    store = Store(app_env, data_dir=app_env.parent / "data")
    try:
        hist = store.import_history()
        imp = hist[hist["file_name"] == "export_sipd.xlsx"]
        assert len(imp) == 1
        assert imp.iloc[0]["opd"] == "Dinas Pertanian"
        assert (int(imp.iloc[0]["tahun"]), int(imp.iloc[0]["bulan"])) == (2026, 3)
        assert len(store.report_leaves(int(imp.iloc[0]["id"]))) == 15
    finally:
        store.close()


def test_opd_choice_offered_when_dpa_in_same_batch(app_env):
    """Empty DB, DPA and an OPD-less report in one batch: the OPD list comes from that DPA."""
    at = run(new_app())
    open_impor(at)
    upload(at, [DPA, "bad/export_sipd.xlsx"])
    opd = next((s for s in at.selectbox if s.label == "OPD"), None)
    assert opd is not None, [s.label for s in at.selectbox]
    assert "Dinas Pertanian" in opd.options and len(opd.options) == N_OPD + 1


# --------------------------------------------------------------------------- Ringkasan with data
MARCH_REPORTS = sorted(
    k for k, v in EXPECTED.items() if v["kind"] == "realisasi" and v["month"] == 3 and v["opd"] != "distan"
)


def test_ringkasan_after_march_reports(app_env, media):
    import openpyxl

    from core.format import percent, rupiah, rupiah_compact

    assert len(MARCH_REPORTS) == N_OPD - 1
    exp = expected_totals(MARCH_REPORTS)
    at = run(new_app({"tahun": "2026", "bulan": "3"}))
    load_via_page(at, [DPA, *MARCH_REPORTS])
    at.switch_page("views/ringkasan.py")
    run(at)
    assert at.session_state["period"] == (2026, 3)
    assert any("Maret 2026" in c.value for c in at.caption)

    m = metrics(at)
    assert m["Pagu"] == rupiah_compact(exp["pagu"]) == "Rp 205,13 M", m
    assert m["Realisasi keuangan"] == rupiah_compact(exp["realisasi"]), m
    assert m["Realisasi fisik"] == percent(exp["fisik_pct"]), m
    assert m["OPD sudah lapor"] == f"{N_OPD - 1} / {N_OPD}", m
    assert re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})*,\d\d poin|-", m["Deviasi fisik"]), m
    serapan = next(x for x in at.metric if x.label == "Serapan anggaran")
    assert serapan.value == percent(exp["keuangan_pct"]), serapan.value
    assert any("Dinas Pertanian" in w.value and "belum menyampaikan" in w.value for w in at.warning), [
        w.value for w in at.warning
    ]

    # the recap on screen: money compact (the full value in the Excel below), a JUMLAH row last
    recap = table_with(at, "OPD", "Lampu", "Pagu", "Realisasi")[0]
    assert len(recap) == N_OPD + 1 and recap["OPD"].is_unique
    assert recap.iloc[-1]["OPD"] == "JUMLAH" and recap.iloc[-1]["Pagu"] == rupiah_compact(exp["pagu"])
    assert recap.iloc[-1]["Lampu"] == f"{N_OPD - 1} dari {N_OPD} OPD"
    names = {v["opd_name"]: v["opd"] for v in EXPECTED.values() if v.get("opd_name")}
    by_name = recap.set_index("OPD")
    for name, kode in names.items():
        assert by_name.loc[name, "Pagu"] == rupiah_compact(exp["pagu_opd"][kode]), name
        if kode in exp["reported"]:
            assert re.fullmatch("(🟢 Hijau|🟡 Kuning|🔴 Merah)", by_name.loc[name, "Lampu"]), name
        else:
            assert by_name.loc[name, "Lampu"] == "⚪ Belum lapor", name
            assert by_name.loc[name, "Realisasi"] == "-", name  # never "None" on screen

    # Excel download: the same numbers
    dl = [b for b in at.get("download_button") if b.label == "Unduh Excel"]
    assert len(dl) == 1
    data = download_bytes(media, dl[0])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert "Maret 2026" in str(ws["A1"].value)
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "OPD")
    header = [c.value for c in ws[header_row]]
    body = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=header_row + 1)]
    body = [r for r in body if r.get("OPD")]
    assert len(body) == N_OPD
    assert sum(r["Pagu (Rp)"] for r in body) == pytest.approx(exp["pagu"])
    assert sum(r["Realisasi Keuangan (Rp)"] or 0 for r in body) == pytest.approx(exp["realisasi"])
    assert {r["OPD"]: r["Pagu (Rp)"] for r in body} == pytest.approx(
        {name: exp["pagu_opd"][kode] for name, kode in names.items()}
    )
    pagu_col = header.index("Pagu (Rp)") + 1
    assert ws.cell(header_row + 1, pagu_col).number_format == "#,##0"
    assert rupiah(exp["pagu"]) == "Rp 205.133.378.000"


# --------------------------------------------------------------------------- period in the URL
@pytest.fixture
def april_db(app_env):
    """The fixture DPA and all April reports loaded straight into the test DB."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    april = sorted(k for k, v in EXPECTED.items() if v["kind"] == "realisasi" and v["month"] == 4)
    store = Store(app_env, data_dir=app_env.parent / "data")
    try:
        res = ingest_paths(store, [FIXTURES / DPA, *(FIXTURES / k for k in april)])
        assert all(r["status"] in ("accepted", "flagged") for r in res), res
    finally:
        store.close()
    return april


def test_period_from_url(app_env, april_db):
    from core.format import rupiah_compact

    at = new_app({"tahun": "2026", "bulan": "4"})
    run(at)
    assert at.session_state["period"] == (2026, 4)
    assert at.sidebar.selectbox(key="_w_bulan").value == 4
    assert at.sidebar.selectbox(key="_w_tahun").value == 2026
    assert any("April 2026" in c.value for c in at.caption)
    exp = expected_totals(april_db)
    m = metrics(at)
    assert m["OPD sudah lapor"] == f"{len(exp['reported'])} / {N_OPD}", m
    assert m["Realisasi keuangan"] == rupiah_compact(exp["realisasi"]), m
    assert at.query_params["bulan"] == "4"


def test_invalid_period_in_url_falls_back(app_env, april_db):
    at = run(new_app({"tahun": "2026", "bulan": "13"}))
    assert at.session_state["period"] == (2026, 4)  # newest reported month
    at = run(new_app({"tahun": "abc", "bulan": "3"}))
    assert at.session_state["period"] == (2026, 4)


def test_sidebar_years_follow_new_data_in_a_running_session(app_env, april_db, tmp_path):
    """The sidebar's years are cached per data version (ui.cache): a DPA of another year loaded
    while a user has the app open appears in the year list on the next run, without a restart."""
    from db.store import Store
    from etl.pipeline import ingest_paths
    from scripts import synth

    at = run(new_app({"tahun": "2026", "bulan": "4"}))
    assert "2025" not in at.sidebar.selectbox(key="_w_tahun").options

    master = synth.make_master(5, 2, 3, year=2025, kabupaten="Tanjung Makmur")
    dpa = tmp_path / "dpa_2025.xlsx"
    synth.write_dpa_xlsx(master, dpa)
    store = Store(app_env, data_dir=app_env.parent / "data")
    try:
        res = ingest_paths(store, [dpa])
        assert all(r["status"] in ("accepted", "flagged") for r in res), res
    finally:
        store.close()

    run(at)
    assert at.sidebar.selectbox(key="_w_tahun").value == 2026  # the chosen year stays
    years = at.sidebar.selectbox(key="_w_tahun").options
    assert "2025" in years and "2026" in years
