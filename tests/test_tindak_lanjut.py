"""Rakor meetings and tindak lanjut (SOP steps 13-14): the followups API the meeting pack and the
Rekap OPD page read, recording meetings and decisions (validation, audit, history), status
updates with dated notes, the OPD scope, the page (AppTest) and the Laporan pelaksanaan Rakor."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core import tindak_lanjut as tl

APR14 = dt.date(2026, 4, 14)


@pytest.fixture
def opds(dpa_store) -> dict[str, str]:
    """OPD name -> kode of the fixture DPA."""
    return {o.nama: o.kode for o in dpa_store.opds()}


def _seed(store, opds) -> dict:
    """One meeting on 14 April 2026 about March, three decisions written with the raw store
    methods (the API test must not depend on the recording functions)."""
    dinkes, distan = opds["Dinas Kesehatan"], opds["Dinas Pertanian"]
    rid = store.insert_rakor(APR14, 2026, 3, "Ruang Rapat Setda", "Sekretaris Daerah", None, "admin")
    store.set_rakor_peserta(rid, [dinkes, distan])
    a = store.insert_tindak_lanjut(rid, dinkes, "Serapan rendah", "Percepat lelang", "Kadinkes",
                                   dt.date(2026, 4, 30), "admin")
    b = store.insert_tindak_lanjut(rid, distan, "Kontrak terlambat", "Teguran tertulis", "PPK",
                                   dt.date(2026, 5, 31), "admin")
    c = store.insert_tindak_lanjut(rid, dinkes, "SPJ belum lengkap", "Lengkapi SPJ", "Bendahara", None, "admin")
    for i in (a, b, c):
        store.insert_tindak_lanjut_note(i, APR14, "open", None, "admin")
    store.insert_tindak_lanjut_note(a, dt.date(2026, 4, 20), "in_progress", "Dokumen lelang disusun", "admin")
    store.update_tindak_lanjut(a, "admin", status="in_progress")
    store.insert_tindak_lanjut_note(b, dt.date(2026, 5, 2), "done", "Teguran dikirim", "admin")
    store.update_tindak_lanjut(b, "admin", status="done")
    return dict(rakor=rid, a=a, b=b, c=c, dinkes=dinkes, distan=distan)


# --------------------------------------------------------------------------- the followups API
def test_followups_columns_order_labels_and_terlambat(dpa_store, opds):
    ids = _seed(dpa_store, opds)
    df = tl.followups(dpa_store, as_of=dt.date(2026, 5, 10))
    assert list(df.columns) == tl.FOLLOWUP_COLUMNS
    # by OPD name (Dinas Kesehatan before Dinas Pertanian), then batas waktu with none last
    assert df["id"].tolist() == [ids["a"], ids["c"], ids["b"]]
    assert df["opd"].tolist() == ["Dinas Kesehatan", "Dinas Kesehatan", "Dinas Pertanian"]
    assert df["rakor_tanggal"].tolist() == [APR14] * 3
    assert df["batas_waktu"].iloc[0] == dt.date(2026, 4, 30) and pd.isna(df["batas_waktu"].iloc[1])
    assert df["status"].tolist() == ["in_progress", "open", "done"]
    assert df["status_label"].tolist() == ["Dalam proses", "Belum ditindaklanjuti", "Selesai"]
    # a: due 30 April, not done, as of 10 May -> overdue; c: no due date; b: done (due passes irrelevant)
    assert df["terlambat"].tolist() == [True, False, False]
    assert df["catatan_terakhir"].tolist() == ["Dokumen lelang disusun", None, "Teguran dikirim"]
    # before the due date nothing is overdue; the day itself is not late yet
    assert not tl.followups(dpa_store, as_of=dt.date(2026, 4, 30))["terlambat"].any()
    assert tl.followups(dpa_store, as_of=dt.date(2026, 5, 1))["terlambat"].tolist() == [True, False, False]


def test_followups_filters_open_followups_and_last_rakor(dpa_store, opds):
    ids = _seed(dpa_store, opds)
    assert tl.followups(dpa_store, status="done")["id"].tolist() == [ids["b"]]
    assert tl.open_followups(dpa_store, as_of=dt.date(2026, 5, 10))["id"].tolist() == [ids["a"], ids["c"]]
    assert tl.followups(dpa_store, opd_kode=ids["distan"])["id"].tolist() == [ids["b"]]
    assert tl.followups(dpa_store, rakor_id=ids["rakor"] + 1).empty
    assert list(tl.followups(dpa_store, rakor_id=ids["rakor"] + 1).columns) == tl.FOLLOWUP_COLUMNS
    with pytest.raises(ValueError):
        tl.followups(dpa_store, status="selesai")
    last = tl.last_rakor(dpa_store)
    assert (last["id"], last["tanggal"], last["tahun"], last["bulan"]) == (ids["rakor"], APR14, 2026, 3)
    assert sorted(last["peserta"]) == sorted([ids["dinkes"], ids["distan"]])
    assert tl.last_rakor(dpa_store, before=APR14) is None
    assert tl.last_rakor(dpa_store, before=APR14 + dt.timedelta(days=1))["id"] == ids["rakor"]
    counts = tl.open_counts(dpa_store, as_of=dt.date(2026, 5, 10)).set_index("opd_kode")
    assert counts.to_dict("index") == {ids["dinkes"]: {"terbuka": 2, "terlambat": 1}}
