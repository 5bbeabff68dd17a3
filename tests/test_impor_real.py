"""The Impor page with real pemda files (../shared/fixtures/real, read from there): the preview
names the source recognised and the header path of every field, and saving stores exactly the
figures of EXPECTED.json. Issue 14."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_pages import MIME, new_app, open_impor, run, save, table_with

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "fixtures" / "real"
pytestmark = pytest.mark.skipif(
    not (REAL / "EXPECTED.json").exists(), reason="shared/fixtures/real is not beside the repo"
)
EXPECTED = json.loads((REAL / "EXPECTED.json").read_text(encoding="utf-8"))["files"] if REAL.exists() else {}
# the files that need no hint from the user (the one without a year is covered by the CLI test)
FILES = sorted(k for k, v in EXPECTED.items() if v["outcome"] == "accept" and not v.get("hints"))
SOURCES = {"dpa": "SIPD-RI rincian belanja (DPA)", "LRA": "SIPD rekapitulasi", "rfk.xls": "Form-RFK"}


def _upload(at, keys: list[str]):
    items = [
        (Path(k).name, (REAL / k).read_bytes(), MIME.get(Path(k).suffix.lower(), "application/octet-stream"))
        for k in keys
    ]
    at.file_uploader[0].set_value(items)
    return run(at)


def _summary(at):
    import pandas as pd

    frames = [df.value for df in at.dataframe if "Berkas" in df.value.columns and "Sumber" in df.value.columns]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _expected_pagu(exp: dict) -> float:
    if exp["kind"] == "dpa":
        return exp["dpa"]["pagu"]
    return sum(r["pagu"] for r in exp.get("reports", [])) or exp["reports_total"]["pagu"]


@pytest.mark.parametrize("key", FILES)
def test_impor_page_previews_and_saves_a_real_file(app_env, key):
    from db.store import Store

    exp = EXPECTED[key]
    at = run(new_app())
    open_impor(at)
    _upload(at, [key])
    summary = _summary(at)
    assert len(summary), [c.value for c in at.caption]
    assert set(summary["Status"]) <= {"Siap", "Ada catatan"}, summary
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # as read (file text is escaped)
    assert "Kolom dikenali" in captions
    if "rfk.xls" in key and "laporan" not in key:
        assert set(summary["Sumber"]) == {"Form-RFK (laporan realisasi fisik dan keuangan)"}
        assert "KEUANGAN › REALISASI › Rp" in captions and "FISIK ( % ) › REALISASI › KUM" in captions
    if "LRA" in key:
        assert summary["Sumber"].str.startswith("SIPD rekapitulasi").all()
        assert "Kelompok Belanja › Total › Realisasi" in captions
    if exp["kind"] == "dpa":
        assert set(summary["Sumber"]) == {"SIPD-RI rincian belanja (DPA)"}
        assert "KODE SUB KEGIATAN" in captions
    if "laporan_rfk" in key:
        assert set(summary["Sumber"]) == {"Kompilasi RFK, satu OPD per lembar"}
        assert len(summary) == exp["reports_total"]["reports"]
    save(at)
    assert not at.error, [e.value for e in at.error]
    history = table_with(at, "ID", "Berkas", "Status")[0]
    assert set(history["Status"]) <= {"Diterima", "Diterima dengan catatan"}
    store = Store(app_env, data_dir=app_env.parent / "data")
    stored = store.import_history()
    assert stored["pagu"].sum() == pytest.approx(_expected_pagu(exp), abs=len(stored))
    if exp["kind"] == "realisasi":
        want = (
            sum(r["realisasi_keuangan"] for r in exp.get("reports", [])) or exp["reports_total"]["realisasi_keuangan"]
        )
        assert stored["realisasi_keuangan"].sum() == pytest.approx(want, abs=len(stored))
