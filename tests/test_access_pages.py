"""Logins and roles through the real app (AppTest): login and first-run setup screens, the
menu of every role, the page guard, and every download per role, scoped and audited."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest
from test_pages import (
    APP,
    DINKES_MAR,
    DISTAN_MAR,
    DPA,
    EXPECTED,
    FIXTURES,
    PASSWORD,
    complete_sign_in,
    download_bytes,  # noqa: F401
    ensure_user,
    new_app,
    run,
    sign_in_test,
)

ROOT = APP.parent
PAGE_FILES = {
    "ringkasan": "views/ringkasan.py",
    "rekap": "views/rekap.py",
    "fisik": "views/fisik.py",
    "status": "views/status.py",
    "materi": "views/materi.py",
    "rakor": "views/rakor.py",
    "permintaan": "views/permintaan.py",
    "kinerja_permintaan": "views/kinerja_permintaan.py",
    "kinerja_isi": "views/kinerja_isi.py",
    "kinerja_data": "views/kinerja_data.py",
    "kinerja_review": "views/kinerja_review.py",
    "impor": "views/impor.py",
    "pengaturan": "views/pengaturan.py",
    "pengguna": "views/pengguna.py",
    "audit": "views/audit.py",
    "cadangan": "views/cadangan.py",
    "akun": "views/akun.py",
}
TITLES = {
    "impor": "Impor Laporan",
    "pengguna": "Pengguna",
    "audit": "Log Audit",
    "rekap": "Rekap OPD",
    "fisik": "Fisik Konstruksi dan Non Fisik",
    "status": "Status Pengumpulan Laporan",
    "pengaturan": "Pengaturan",
    "cadangan": "Cadangan dan Pemulihan",
    "akun": "Akun Saya",
    "rakor": "Rakor & Tindak Lanjut",
    "permintaan": "Permintaan Laporan",
    "materi": "Materi Rakor POK",
    "kinerja_permintaan": "Permintaan Data Kinerja",
    "kinerja_isi": "Isi Data Kinerja",
    "kinerja_data": "Data Kinerja",
    "kinerja_review": "Review Kinerja",
}
READ = {"ringkasan", "rekap", "fisik", "status", "rakor"}
ALLOWED = {
    "admin": READ
    | {
        "materi",
        "permintaan",
        "kinerja_permintaan",
        "kinerja_isi",
        "kinerja_data",
        "kinerja_review",
        "impor",
        "pengaturan",
        "pengguna",
        "audit",
        "cadangan",
        "akun",
    },
    "opd": READ | {"impor", "akun"},
    "unit": {"kinerja_isi", "kinerja_data", "impor", "akun"},
    "reviewer": READ | {"materi", "kinerja_permintaan", "kinerja_data", "kinerja_review", "akun"},
    "approver": READ | {"materi", "kinerja_permintaan", "kinerja_data", "kinerja_review", "akun"},
    "viewer": READ | {"materi", "kinerja_data", "akun"},
}


def _store():
    from db.store import Store

    db = Path(os.environ["PANTAU_DB"])
    return Store(db, data_dir=db.parent / "data")


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory) -> Path:
    """The store of :func:`loaded`, made once for this module (each test gets a copy)."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    db = tmp_path_factory.mktemp("access_pages") / "pantau.duckdb"
    store = Store(db, data_dir=db.parent / "data")
    try:
        results = ingest_paths(store, [FIXTURES / DPA, FIXTURES / DINKES_MAR, FIXTURES / DISTAN_MAR])
        assert all(r["status"] == "accepted" for r in results), results
    finally:
        store.close()
    return db


@pytest.fixture
def loaded(app_env, loaded_template) -> dict:
    """DPA plus the March reports of Dinas Kesehatan and Dinas Pertanian; returns OPD kodes."""
    from conftest import copy_store

    copy_store(loaded_template, loaded_template.parent / "data", app_env, app_env.parent / "data")
    store = _store()
    kodes = {o.nama: o.kode for o in store.opds()}
    return {
        "dinkes": kodes[EXPECTED[DINKES_MAR]["opd_name"]],
        "distan": kodes[EXPECTED[DISTAN_MAR]["opd_name"]],
        "n_opd": len(kodes),
    }


def _sign(role: str, loaded: dict | None = None) -> AppTest:
    opd = loaded["dinkes"] if role == "opd" else None
    if role == "unit":
        unit = _store().add_unit_kerja("Seksi Pemerintahan", "test")
        from core.auth import create_user

        if not _store().get_user("unit1"):
            create_user(
                _store(),
                "test",
                "unit1",
                "Kasi Pemerintahan",
                "unit",
                PASSWORD,
                unit_id=unit,
                must_change_password=False,
            )
        return new_app(user="unit1")
    return new_app(user=f"{role}1", role=role, opd_kode=opd)


def _audit(action: str) -> list[tuple]:
    return _store().sql("SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY id", [action])


def _xlsx_rows(data: bytes) -> list[tuple]:
    ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    return [r for r in ws.iter_rows(values_only=True)]


# --------------------------------------------------------------------------- login and setup screens
def test_first_run_shows_setup_and_creates_the_first_admin(app_env):
    at = run(new_app(user=None))
    assert [t.value for t in at.title] == [":material/monitoring: Selamat datang di Pantau"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/ringkasan.py")
    at.text_input(key="setup_nama").set_value("Admin Adpem")
    at.text_input(key="setup_username").set_value("admin.adpem")
    at.text_input(key="setup_pw1").set_value("pendek")
    at.text_input(key="setup_pw2").set_value("pendek")
    at.button[0].click()
    run(at)
    assert any("minimal 10 karakter" in e.value for e in at.error)
    assert _store().count_users() == 0
    at.text_input(key="setup_pw1").set_value(PASSWORD)
    at.text_input(key="setup_pw2").set_value(PASSWORD)
    at.button[0].click()
    run(at)
    complete_sign_in(at)
    assert [t.value for t in at.title] == ["Ringkasan Realisasi"]
    row = _store().get_user("admin.adpem")
    assert row["role"] == "admin" and row["password_hash"].startswith("$argon2id$")


def test_login_form_wrong_then_right_password_then_logout(app_env):
    ensure_user("budi", "viewer")
    at = run(new_app(user=None))
    assert any("Masuk" == s.value for s in at.subheader)
    at.text_input(key="login_username").set_value("budi")
    at.text_input(key="login_password").set_value("salah-sandi-9")
    at.button[0].click()
    run(at)
    assert any("Nama pengguna atau kata sandi salah" in e.value and "Sisa percobaan" in e.value for e in at.error)
    at.text_input(key="login_password").set_value(PASSWORD)
    at.button[0].click()
    run(at)
    # signed in only once the browser has the cookie (the page hands over its one-time code)
    assert [t.value for t in at.title] != ["Ringkasan Realisasi"]
    assert any("Masuk sebagai" in i.value for i in at.info)
    assert "auth" not in at.session_state
    complete_sign_in(at)
    assert [t.value for t in at.title] == ["Ringkasan Realisasi"]
    assert any("budi" in c.value for c in at.sidebar.caption)
    # (AppTest loses app.py's sidebar widgets after a rerun, so log out from the Akun Saya page;
    # the sidebar button is the same sign_out and is clicked in the browser test)
    at.switch_page("views/akun.py")
    run(at)
    at.button(key="logout_akun").click()
    run(at)
    assert any("Anda telah keluar" in i.value for i in at.info)
    assert "auth" not in at.session_state
    assert [a[0] for a in _audit("login_failed")] == ["budi"]
    assert [a[0] for a in _audit("login")] == ["budi"] and [a[0] for a in _audit("logout")] == ["budi"]


def test_idle_session_expires_and_disabled_account_is_signed_out(app_env):
    from core import auth

    at = run(new_app(user="rina", role="viewer"))
    # the session was last active longer ago than the idle timeout (as the database records it)
    old = dt.datetime.now() - auth.IDLE_TIMEOUT - dt.timedelta(minutes=1)
    _store().sql("UPDATE login_session SET last_seen = ? WHERE username = 'rina'", [old])
    run(at)
    assert any("Sesi Anda berakhir" in i.value for i in at.info)
    assert _audit("session_expired") == [("rina", "rina", None)]

    at = run(new_app(user="rina"))
    assert [t.value for t in at.title] == ["Ringkasan Realisasi"]
    admin = ensure_user("admin")
    auth.update_account(
        _store(),
        admin.username,
        "rina",
        nama="Pengguna rina",
        role="viewer",
        opd_kode=None,
        unit_id=None,
        email=None,
        active=False,
    )
    run(at)
    assert any("dinonaktifkan" in i.value for i in at.info)


def test_temporary_password_allows_only_the_account_page(app_env):
    from core import auth

    admin = ensure_user("admin")
    auth.create_user(_store(), admin.username, "baru", "Pengguna Baru", "viewer", "Sementara-123")
    at = run(new_app(user="baru"))
    assert [t.value for t in at.title] == ["Akun Saya"]
    assert any("kata sandi sementara" in w.value for w in at.warning)
    with pytest.raises(ValueError):
        at.switch_page("views/ringkasan.py")


# --------------------------------------------------------------------------- menu and guard per role
@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_menu_and_pages_per_role(loaded, role):
    at = run(_sign(role, loaded))
    # the menu (st.navigation) registers only the role's pages: the others cannot be opened
    for page, path in PAGE_FILES.items():
        if page not in ALLOWED[role]:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(path)
    for page, path in PAGE_FILES.items():
        if page in ALLOWED[role]:
            at.switch_page(path)
            run(at)
            titles = [t.value for t in at.title]
            assert titles and titles[0].startswith(TITLES.get(page, "Ringkasan Realisasi")), (role, page, titles)
            assert not any("tidak tersedia untuk peran Anda" in e.value for e in at.error)


_RAKOR_READ = ["Ringkasan", "Rekap OPD", "Fisik vs Non Fisik", "Status Pengumpulan"]
# role -> the menu's sections (st.navigation) and their pages, in order
SECTIONS = {
    "admin": {
        "Rakor POK": [*_RAKOR_READ, "Materi Rakor", "Rakor & Tindak Lanjut", "Permintaan Laporan"],
        "Data Kinerja": ["Permintaan Data Kinerja", "Isi Data Kinerja", "Data Kinerja", "Review Kinerja"],
        "Administrasi": ["Impor Laporan", "Pengaturan", "Pengguna", "Log Audit", "Cadangan", "Akun Saya"],
    },
    "opd": {"Rakor POK": [*_RAKOR_READ, "Rakor & Tindak Lanjut"], "Administrasi": ["Impor Laporan", "Akun Saya"]},
    "unit": {"Data Kinerja": ["Isi Data Kinerja", "Data Kinerja"], "Administrasi": ["Impor Laporan", "Akun Saya"]},
    "reviewer": {
        "Rakor POK": [*_RAKOR_READ, "Materi Rakor", "Rakor & Tindak Lanjut"],
        "Data Kinerja": ["Permintaan Data Kinerja", "Data Kinerja", "Review Kinerja"],
        "Administrasi": ["Akun Saya"],
    },
    "viewer": {
        "Rakor POK": [*_RAKOR_READ, "Materi Rakor", "Rakor & Tindak Lanjut"],
        "Data Kinerja": ["Data Kinerja"],
        "Administrasi": ["Akun Saya"],
    },
}
SECTIONS["approver"] = SECTIONS["reviewer"]


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_menu_sections_per_role(loaded, role, monkeypatch):
    """The menu is grouped in sections (one per module, then Administrasi) holding exactly the
    role's pages; the first page of the first section opens by default."""
    import streamlit as st

    seen: list[dict[str, list[str]]] = []
    navigation = st.navigation

    def spy(pages, *args, **kwargs):
        if isinstance(pages, dict):
            seen.append({name: [p.title for p in section] for name, section in pages.items()})
        return navigation(pages, *args, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    at = run(_sign(role, loaded))
    assert seen and seen[-1] == SECTIONS[role], seen[-1:]
    titles = [t for section in SECTIONS[role].values() for t in section]
    assert len(titles) == len(ALLOWED[role])  # every page of the role, once
    first = titles[0]
    assert [t.value for t in at.title][0].startswith("Ringkasan Realisasi" if first == "Ringkasan" else first)


@pytest.mark.parametrize("page", ["pengguna", "audit", "cadangan", "impor", "pengaturan"])
def test_page_guard_stops_a_role_even_without_the_menu(loaded, page):
    """A page file run directly (as AppTest does) still refuses the role."""
    viewer = ensure_user("viewer1", "viewer")
    at = AppTest.from_file(str(ROOT / PAGE_FILES[page]), default_timeout=60)
    sign_in_test(at, viewer.username)
    at.session_state["period"] = (2026, 3)
    run(at)
    assert any("tidak tersedia untuk peran Anda" in e.value for e in at.error)
    assert not at.get("download_button") and not at.dataframe


# --------------------------------------------------------------------------- downloads per role
@pytest.mark.parametrize("role, rows", [("admin", "all"), ("viewer", "all"), ("reviewer", "all"), ("opd", "own")])
def test_ringkasan_download_is_scoped_and_audited(loaded, media, role, rows):
    at = run(_sign(role, loaded))
    button = at.get("download_button")[0]
    assert button.label == "Unduh Excel"
    data = download_bytes(media, button)
    names = [r[0] for r in _xlsx_rows(data)[3:] if r[0] and r[0] != "Jumlah"]
    opd_names = {o.nama for o in _store().opds()}
    listed = [n for n in names if n in opd_names]
    if rows == "own":
        assert listed == [EXPECTED[DINKES_MAR]["opd_name"]]
        assert [t.value for t in at.title] == [f"Ringkasan Realisasi - {EXPECTED[DINKES_MAR]['opd_name']}"]
        table = at.dataframe[0].value
        assert table["OPD"].tolist() == [EXPECTED[DINKES_MAR]["opd_name"]]
    else:
        assert len(listed) == loaded["n_opd"]
    button.click()
    run(at)
    assert _audit("download")[-1][:2] == (f"{role}1", "rekap_opd_2026-03.xlsx")


def test_opd_user_history_and_original_download_only_own(loaded, media):
    at = run(_sign("opd", loaded))
    at.switch_page("views/impor.py")
    run(at)
    history = [d.value for d in at.dataframe][-2 if len(at.dataframe) > 1 else -1]
    assert history["Berkas"].tolist() == [Path(DINKES_MAR).name]
    pick = at.selectbox(key="history_pick")
    assert len(pick.options) == 1
    button = next(b for b in at.get("download_button") if b.label == "Unduh berkas asli")
    assert download_bytes(media, button) == (FIXTURES / DINKES_MAR).read_bytes()
    button.click()
    run(at)
    assert _audit("download")[-1][:2] == ("opd1", Path(DINKES_MAR).name)


def test_opd_user_upload_of_another_opd_is_refused_on_the_page(loaded):
    at = run(_sign("opd", loaded))
    at.switch_page("views/impor.py")
    run(at)
    before = _store().table_checksums()
    path = FIXTURES / "realisasi" / "realisasi_distan_2026-04.xlsx"
    at.file_uploader[0].set_value(
        [(path.name, path.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    )
    run(at)
    rejected = [d.value for d in at.dataframe if "Pesan" in d.value.columns]
    assert any("akun Anda hanya untuk Dinas Kesehatan" in " ".join(df["Pesan"]) for df in rejected)
    save = [b for b in at.button if b.label.startswith("Simpan ")]
    assert save and save[0].disabled
    assert _store().table_checksums() == before


def test_admin_downloads_audit_log_and_backup(loaded, media):
    at = run(_sign("admin", loaded))
    at.switch_page("views/audit.py")
    run(at)
    log = at.dataframe[0].value
    assert {"Impor laporan realisasi", "Impor DPA"} <= set(log["Kegiatan"])
    button = at.get("download_button")[0]
    rows = _xlsx_rows(download_bytes(media, button))
    assert any(r and "Impor DPA" in [str(c) for c in r] for r in rows)
    button.click()
    run(at)
    actor, target, what = _audit("download")[-1]
    assert actor == "admin1" and target.startswith("log_audit_") and what == "log audit"

    at.switch_page("views/cadangan.py")
    run(at)
    at.button[[b.label for b in at.button].index("Siapkan berkas cadangan")].click()
    run(at)
    button = next(b for b in at.get("download_button") if b.label == "Unduh cadangan")
    with zipfile.ZipFile(io.BytesIO(download_bytes(media, button))) as zf:
        assert "manifest.json" in zf.namelist() and "db/realisasi.parquet" in zf.namelist()
    assert _audit("backup")[-1][0] == "admin1"
    # restore is offered only on an install without data
    assert any("belum berisi data" in i.value for i in at.info)
    assert not at.file_uploader


def test_admin_creates_an_opd_user_on_the_page(loaded):
    at = run(_sign("admin", loaded))
    at.switch_page("views/pengguna.py")
    run(at)
    at.selectbox(key="new_role").set_value("opd")
    run(at)
    at.selectbox(key="new_opd").set_value(loaded["distan"])
    form_inputs = [t for t in at.text_input if t.label in ("Nama pengguna", "Nama lengkap", "Kata sandi sementara")]
    values = {"Nama pengguna": "distan.op", "Nama lengkap": "Operator Distan", "Kata sandi sementara": "Sementara-123"}
    for t in form_inputs[:3]:
        t.set_value(values[t.label])
    next(b for b in at.button if b.label == "Buat pengguna").click()
    run(at)
    assert any("distan\\.op" in s.value for s in at.success), [e.value for e in at.error]  # escaped markdown
    row = _store().get_user("distan.op")
    assert (row["role"], row["opd_kode"], row["must_change_password"]) == ("opd", loaded["distan"], True)
    assert _audit("user_create")[-1][:2] == ("admin1", "distan.op")


@pytest.mark.parametrize(
    "page, label",
    [
        ("views/rekap.py", "Unduh Excel (rekap per opd)"),
        ("views/rekap.py", "Unduh rekap siap cetak"),
        ("views/status.py", "Unduh Excel"),
        ("views/fisik.py", "Unduh Excel (klasifikasi)"),
    ],
)
def test_dashboard_downloads_of_an_opd_user_hold_only_its_opd(loaded, media, page, label):
    at = run(_sign("opd", loaded))
    at.query_params["tahun"], at.query_params["bulan"] = "2026", "3"
    at.switch_page(page)
    run(at)
    button = next(b for b in at.get("download_button") if b.label.startswith(label))
    wb = openpyxl.load_workbook(io.BytesIO(download_bytes(media, button)), data_only=True)
    text = " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    own = EXPECTED[DINKES_MAR]["opd_name"]
    others = [o.nama for o in _store().opds() if o.nama != own]
    assert own in text
    assert not [o for o in others if o in text]
    button.click()
    run(at)
    assert _audit("download")[-1][0] == "opd1"
