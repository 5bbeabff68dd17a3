"""Shared fixtures: the public fixture corpus, its ground truth, and fresh stores in tmp dirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

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


@pytest.fixture
def dpa_store(store):
    """A fresh store with the fixture DPA (8 OPDs, 163 sub kegiatan) loaded."""
    from etl.pipeline import ingest_paths

    results = ingest_paths(store, [DPA_FIXTURE])
    assert [r["status"] for r in results] == ["accepted"], results
    return store


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
