"""The kop logo set on Pengaturan or in the first-run setup is printed in the exports: the
print-ready recap (XlsxWriter), the meeting pack (PPTX title slide and the openpyxl XLSX), the
request letter (DOCX) and the Rakor report (XLSX and DOCX); with no logo, none of them carries a
picture, and the sample data's fictional daerah never shows the install's logo."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile

import pytest
from conftest import DPA_FIXTURE, FIXTURES, realisasi_fixtures
from PIL import Image

from core import settings as settings_mod
from core import tindak_lanjut as tl
from core.access import User
from core.settings import Settings, load, save, save_logo
from exports.pack_data import pack_data
from exports.pack_pptx import build_pptx
from exports.pack_xlsx import build_xlsx
from exports.rakor_report import rakor_docx, rakor_xlsx
from exports.recap_xlsx import recap_workbook
from exports.request_letter import request_letter

YEAR, MONTH = 2026, 4
TODAY = dt.date(2026, 5, 5)
ADMIN = User("admin", "Admin", "admin")
OWN = dict(
    nama_daerah="Kabupaten Contoh",
    kop_1="PEMERINTAH KABUPATEN CONTOH",
    tempat="Kota Contoh",
    ttd_nama="NAMA PENANDATANGAN",
)


def _png(colour=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 150), colour).save(buf, "PNG")
    return buf.getvalue()


def _media(data: bytes) -> list[str]:
    """The pictures packed in an Office file (xlsx, docx and pptx are zip files)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [n for n in z.namelist() if "/media/" in n]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from db.store import Store
    from etl.pipeline import ingest_paths

    tmp = tmp_path_factory.mktemp("logo")
    s = Store(tmp / "pantau.duckdb", data_dir=tmp)
    results = ingest_paths(s, [DPA_FIXTURE] + [FIXTURES / k for k in realisasi_fixtures()])
    assert all(r["status"] in ("accepted", "flagged") for r in results), results
    save(s, Settings(**OWN), "test")
    return s


def _exports(store) -> dict[str, bytes]:
    cfg = load(store)
    peserta = [o.kode for o in store.opds()][:2]
    rid = tl.create_rakor(
        store,
        ADMIN,
        tanggal=dt.date(2026, 5, 4),
        tahun=YEAR,
        bulan=MONTH,
        tempat="Ruang Rapat",
        pimpinan="Sekretaris Daerah",
        peserta=peserta,
        today=TODAY,
    )
    pack = pack_data(store, YEAR, MONTH, cfg, TODAY)
    return {
        "recap": recap_workbook(store, YEAR, MONTH, settings=cfg, today=TODAY),
        "pack_pptx": build_pptx(pack),
        "pack_xlsx": build_xlsx(pack),
        "letter": request_letter(store, YEAR, MONTH, cfg, tanggal_surat=TODAY),
        "rakor_xlsx": rakor_xlsx(store, rid, cfg, TODAY),
        "rakor_docx": rakor_docx(store, rid, cfg, TODAY),
    }


def test_no_logo_no_picture(store):
    assert load(store).logo_file == ""
    for name, data in _exports(store).items():
        if name == "pack_xlsx":
            continue  # the pack's workbook draws charts, not pictures
        assert _media(data) == [], name


def test_logo_printed_in_every_export(store):
    own = settings_mod.load_own(store)
    save(store, dataclasses.replace(own, logo=save_logo(store, _png())), "test")
    cfg = load(store)
    assert cfg.logo_file.endswith(".png") and cfg.logo == cfg.logo_file.rsplit("/", 1)[-1]
    for name, data in _exports(store).items():
        assert _media(data), f"{name}: the logo is missing"
    # the derived file path is never stored as a setting
    assert "logo_file" not in store.settings()


def test_logo_gone_from_disk_is_left_out(store, tmp_path):
    own = settings_mod.load_own(store)
    name = save_logo(store, _png((10, 120, 10)))
    save(store, dataclasses.replace(own, logo=name), "test")
    (store.data_dir / settings_mod.LOGO_DIR / name).unlink()
    assert load(store).logo_file == ""
    assert _media(recap_workbook(store, YEAR, MONTH, today=TODAY)) == []
