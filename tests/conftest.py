"""Shared fixtures: the public fixture corpus, its ground truth, and fresh stores in tmp dirs."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The pages are tested on installs that name no daerah: the first-run setup (ui/setup.py, tested in
# tests/test_setup_pages.py) would stand in front of every page. Browser runs inherit it too.
os.environ.setdefault("PANTAU_SKIP_SETUP", "1")

FIXTURES = ROOT / "tests" / "fixtures"
DPA_FIXTURE = FIXTURES / "master" / "dpa_2026.xlsx"


def load_expected() -> dict:
    """EXPECTED.json of the public corpus (usable at collection time for parametrisation)."""
    return json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))


def load_bad_expected() -> dict:
    """bad/EXPECTED.json: bad inputs and their expected outcome."""
    return json.loads((FIXTURES / "bad" / "EXPECTED.json").read_text(encoding="utf-8"))


def realisasi_fixtures() -> list[str]:
    """Keys of EXPECTED.json for every public realisasi report ("realisasi/...")."""
    return sorted(k for k, v in load_expected()["files"].items() if v["kind"] == "realisasi")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def expected() -> dict:
    return load_expected()


@pytest.fixture(scope="session")
def bad_expected() -> dict:
    return load_bad_expected()


@pytest.fixture
def store(tmp_path):
    from db.store import Store

    s = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    try:
        yield s
    finally:
        s.close()


def copy_store(db: Path, data_dir: Path, to_db: Path, to_data_dir: Path) -> None:
    """Copy a closed store: the DuckDB file, its data version and the archived originals."""
    to_db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db, to_db)
    version = Path(f"{db}.version")
    if version.exists():
        shutil.copyfile(version, f"{to_db}.version")
    if (data_dir / "archive").is_dir():
        shutil.copytree(data_dir / "archive", to_data_dir / "archive", dirs_exist_ok=True)


@pytest.fixture(scope="session")
def dpa_template(tmp_path_factory) -> Path:
    """A store file with the fixture DPA loaded (archive beside it), made once per test session:
    :func:`dpa_store` copies it instead of reading the DPA again for every test."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    folder = tmp_path_factory.mktemp("dpa_template")
    store = Store(folder / "pantau.duckdb", data_dir=folder)
    try:
        results = ingest_paths(store, [DPA_FIXTURE])
        assert [r["status"] for r in results] == ["accepted"], results
    finally:
        store.close()
    return folder / "pantau.duckdb"


@pytest.fixture
def dpa_store(tmp_path, dpa_template):
    """A fresh store with the fixture DPA (8 OPDs, 163 sub kegiatan) loaded, in ``tmp_path`` as
    :func:`store` (a copy of :func:`dpa_template`; do not ask for both in one test)."""
    from db.store import Store

    copy_store(dpa_template, dpa_template.parent, tmp_path / "pantau.duckdb", tmp_path)
    s = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
    try:
        yield s
    finally:
        s.close()


# --------------------------------------------------------------------------- both engines (issue 19)
ENGINES = ("duckdb", "postgres")


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL server for the session (tests/pg_support.py); skips the test when
    PostgreSQL is not installed."""
    from tests.pg_support import SKIP_REASON, PgCluster, pg_bin

    if pg_bin() is None:
        pytest.skip(SKIP_REASON)
    cluster = PgCluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    """The engine of the test's store: each test that asks runs once on DuckDB, once on PostgreSQL."""
    return request.param


@pytest.fixture
def db_target(engine, tmp_path, request) -> str:
    """A fresh, empty database of ``engine``: a DuckDB file in ``tmp_path`` or a new database
    of :func:`pg_cluster` (its URL)."""
    if engine == "duckdb":
        return str(tmp_path / "pantau.duckdb")
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture
def both_store(db_target, tmp_path):
    """A fresh store on each engine (see :func:`engine`), archive in ``tmp_path``. A test module
    runs on both engines with ``use_both_engines(globals())`` (tests/pg_support.py)."""
    from db.store import Store

    s = Store(db_target, data_dir=tmp_path)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="session")
def pg_dpa_template(pg_cluster, tmp_path_factory) -> tuple[str, Path]:
    """A PostgreSQL database with the fixture DPA loaded (the twin of :func:`dpa_template`): its
    name and the archive folder beside it."""
    from db.store import Store
    from etl.pipeline import ingest_paths

    folder = tmp_path_factory.mktemp("pg_dpa_template")
    url = pg_cluster.new_database("dpa_template")
    store = Store(url, data_dir=folder)
    try:
        results = ingest_paths(store, [DPA_FIXTURE])
        assert [r["status"] for r in results] == ["accepted"], results
    finally:
        store.close()
    return url.rsplit("/", 1)[1], folder


@pytest.fixture
def both_dpa_store(engine, tmp_path, request):
    """:func:`dpa_store` on each engine (PostgreSQL: a copy of :func:`pg_dpa_template`)."""
    from db.store import Store

    if engine == "duckdb":
        template_db = request.getfixturevalue("dpa_template")
        copy_store(template_db, template_db.parent, tmp_path / "pantau.duckdb", tmp_path)
        duck = Store(tmp_path / "pantau.duckdb", data_dir=tmp_path)
        try:
            yield duck
        finally:
            duck.close()
        return
    cluster = request.getfixturevalue("pg_cluster")
    template, folder = request.getfixturevalue("pg_dpa_template")
    url = cluster.new_database("dpa_copy", template=template)
    shutil.copytree(folder / "archive", tmp_path / "archive", dirs_exist_ok=True)
    s = Store(url, data_dir=tmp_path)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def app_env(tmp_path, monkeypatch) -> Path:
    """A fresh DB path and archive folder for the app under test; returns the DB path."""
    db = tmp_path / "pantau.duckdb"
    monkeypatch.setenv("PANTAU_DB", str(db))
    monkeypatch.setenv("PANTAU_DATA", str(tmp_path / "data"))
    return db


@pytest.fixture
def media(monkeypatch) -> list:
    """Capture AppTest's in-memory media storages so download-button bytes can be read."""
    import streamlit.testing.v1.app_test as app_test_mod
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    storages: list = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, endpoint):
            super().__init__(endpoint)
            storages.append(self)

    monkeypatch.setattr(app_test_mod, "MemoryMediaFileStorage", Recording)
    return storages


# --------------------------------------------------------------------------- browser (tests/test_browser*.py)
@pytest.fixture
def open_page(request):
    """Factory of Chromium pages (1440x900, id-ID locale), each in its own browser context, i.e.
    its own Streamlit session; a failure screenshot of every page is saved on error. Skips the
    test when Playwright or the system Chromium is missing (see ``require_browser``)."""
    from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, STEP_MS, require_browser

    require_browser()
    from playwright import sync_api

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []

        def new_page():
            context = browser.new_context(
                viewport={"width": 1440, "height": 900}, locale="id-ID", accept_downloads=True
            )
            pg = context.new_page()
            pg.set_default_timeout(STEP_MS)
            pages.append(pg)
            return pg

        try:
            failed_before = request.session.testsfailed
            yield new_page
            if request.session.testsfailed > failed_before:  # the call phase failed
                for i, pg in enumerate(pages):
                    suffix = f"_{i + 1}" if i else ""
                    with contextlib.suppress(Exception):
                        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}_failure{suffix}.png"), full_page=True)
        finally:
            browser.close()


@pytest.fixture
def page(open_page):
    """One Chromium page (see :func:`open_page`)."""
    return open_page()
