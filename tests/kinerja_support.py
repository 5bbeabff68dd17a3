"""Shared helpers of the kinerja tests: a database with the fixture Perjanjian Kinerja and the
14 unit submissions (March and April 2026), built once per session and copied per test."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
from conftest import FIXTURES

from core.access import User
from db.store import Store
from etl.pipeline import ingest_paths

PK = FIXTURES / "master" / "perjanjian_kinerja_2026.xlsx"
SUBMISSIONS = sorted((FIXTURES / "kinerja").glob("*.xlsx"))
ADMIN = User("admin", "Admin", "admin")
SEKCAM = User("sekcam", "Sekretaris Camat", "reviewer")
CAMAT = User("camat", "Camat", "approver")


def build_template(folder: Path) -> list[dict]:
    """Load the PK and every fixture submission into a fresh database in ``folder``."""
    store = Store(folder / "pantau.duckdb", data_dir=folder)
    try:
        return ingest_paths(store, [PK] + SUBMISSIONS)
    finally:
        store.close()


def copy_store(template: Path, tmp_path: Path, request=None) -> Store:
    """A copy of the store in ``template`` (made by :func:`build_template`): on DuckDB, or on
    PostgreSQL when the test runs with ``engine`` "postgres" (``request``: the test's)."""
    if request is not None and request.getfixturevalue("engine") == "postgres":
        from pg_support import pg_copy_of

        return pg_copy_of(request.getfixturevalue("pg_cluster"), template, tmp_path)
    folder = tmp_path / f"data_{template.name}"
    shutil.copytree(template, folder, ignore=shutil.ignore_patterns("*.lock"))
    return Store(folder / "pantau.duckdb", data_dir=folder)


def unit_id(store: Store, nama: str) -> int:
    return next(i for i, n in store.unit_kerja() if n == nama)


def indikator_id(store: Store, unit: str, nama: str, year: int = 2026) -> int:
    df = store.indikator_frame(year, unit_id(store, unit))
    return int(df.loc[df["nama"] == nama, "id"].iloc[0])


def edit_workbook(path_or_bytes, edits: dict[tuple[int, int], object], sheet: str | None = None) -> bytes:
    """The workbook with cells (row, column) set to new values."""
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet] if sheet else wb.worksheets[0]
    for (r, c), value in edits.items():
        ws.cell(row=r, column=c).value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
