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


# --------------------------------------------------------------------------- recording a meeting
from core.access import User  # noqa: E402

ADMIN = User("admin1", "Admin Adpem", "admin")
VIEWER = User("viewer1", "Kabag", "viewer")
TODAY = dt.date(2026, 5, 10)


def _audit(store, action: str) -> list[tuple]:
    return store.sql("SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY id", [action])


def _meeting(store, opds, **kw) -> int:
    args = dict(tanggal=APR14, tahun=2026, bulan=3, tempat="Ruang Rapat Setda", pimpinan="Sekretaris Daerah",
                peserta=[opds["Dinas Kesehatan"], opds["Dinas Pertanian"]], catatan=None, today=TODAY)
    args.update(kw)
    return tl.create_rakor(store, ADMIN, **args)


def _edited(original: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """The decisions table after the user added ``rows`` (labels as on screen)."""
    new = pd.DataFrame([{**{c: None for c in original.columns}, "Dibatalkan": False, **r} for r in rows])
    return pd.concat([original, new], ignore_index=True) if not original.empty else new


def test_create_rakor_validates_and_audits(dpa_store, opds):
    with pytest.raises(tl.RakorError) as err:
        _meeting(dpa_store, opds, tanggal=dt.date(2026, 6, 1), tempat=" ", peserta=["9.99"])
    msgs = err.value.messages
    assert any("Tanggal rakor 01-06-2026 belum terjadi (hari ini 10-05-2026)" in m for m in msgs)
    assert "Tempat wajib diisi." in msgs
    assert any("Peserta: OPD 9.99 tidak ada dalam daftar OPD" in m for m in msgs)
    with pytest.raises(tl.RakorError, match="lebih awal dari periode yang dibahas \\(Maret 2026\\)"):
        _meeting(dpa_store, opds, tanggal=dt.date(2026, 2, 20))
    with pytest.raises(PermissionError):
        tl.create_rakor(dpa_store, VIEWER, tanggal=APR14, tahun=2026, bulan=3, tempat="x", pimpinan="y",
                        peserta=[opds["Dinas Kesehatan"]])
    assert tl.meetings(dpa_store).empty and not _audit(dpa_store, "rakor_create")
    rid = _meeting(dpa_store, opds)
    r = tl.get_rakor(dpa_store, rid)
    assert (r["tanggal"], r["tahun"], r["bulan"], r["status"]) == (APR14, 2026, 3, "draft")
    assert _audit(dpa_store, "rakor_create") == [(
        "admin1", f"rakor {rid}", "tanggal 14-04-2026, periode Maret 2026, tempat Ruang Rapat Setda, pimpinan "
        "Sekretaris Daerah, peserta 2 OPD: Dinas Kesehatan, Dinas Pertanian")]
    changed = tl.update_rakor(dpa_store, ADMIN, rid, tanggal=APR14, tahun=2026, bulan=3, tempat="Aula Bupati",
                              pimpinan="Sekretaris Daerah", peserta=[opds["Dinas Kesehatan"]], today=TODAY)
    assert changed == ["tempat", "peserta"]
    assert [d for _, _, d in _audit(dpa_store, "rakor_update")] == [
        "tempat: 'Ruang Rapat Setda' -> 'Aula Bupati'", "peserta: dikurangi Dinas Pertanian"]
    assert tl.get_rakor(dpa_store, rid)["peserta"] == [opds["Dinas Kesehatan"]]


def test_decisions_table_add_edit_delete_while_recording(dpa_store, opds):
    rid = _meeting(dpa_store, opds)
    dinkes, distan = opds["Dinas Kesehatan"], opds["Dinas Pertanian"]
    original = tl.editor_frame(tl.decisions(dpa_store, rid))
    assert list(original.columns) == list(tl.EDITOR_LABELS.values()) and original.empty
    edited = _edited(original, [
        {"OPD": dinkes, "Permasalahan": "Serapan rendah", "Keputusan / tindak lanjut": "Percepat lelang",
         "PIC": "Kadinkes", "Batas waktu": dt.date(2026, 4, 30)},
        {},                                               # an empty new row: ignored
        {"OPD": distan, "Permasalahan": "Kontrak terlambat", "Keputusan / tindak lanjut": "Teguran tertulis",
         "PIC": "PPK", "Batas waktu": None}])
    changes = tl.diff_decisions(original, edited, opds=tl._opd_names(dpa_store), rakor_tanggal=APR14, final=False)
    assert not changes.errors and len(changes.adds) == 2 and not changes.updates and not changes.deletes
    assert tl.save_decisions(dpa_store, ADMIN, rid, changes) == dict(ditambah=2, diubah=0, dibatalkan=0, dihapus=0)
    rows = tl.decisions(dpa_store, rid, as_of=TODAY)
    assert rows["keputusan"].tolist() == ["Percepat lelang", "Teguran tertulis"]
    assert rows["status"].tolist() == ["open", "open"] and rows["terlambat"].tolist() == [True, False]
    a, b = rows["id"].tolist()
    assert [r[1] for r in _audit(dpa_store, "tindak_lanjut_add")] == [f"tindak lanjut {a} (rakor {rid})",
                                                                       f"tindak lanjut {b} (rakor {rid})"]
    assert "keputusan 'Percepat lelang'; PIC 'Kadinkes'; batas waktu 30-04-2026" in \
        _audit(dpa_store, "tindak_lanjut_add")[0][2]
    # every decision starts its history on the meeting day
    assert tl.history(dpa_store, a)[["tanggal", "status"]].values.tolist() == [[APR14, "open"]]

    # change a due date and delete the other row (allowed while the meeting is being recorded)
    original = tl.editor_frame(tl.decisions(dpa_store, rid))
    edited = original[original["ID"] == a].copy()
    edited.loc[edited.index[0], "Batas waktu"] = dt.date(2026, 5, 15)
    changes = tl.diff_decisions(original, edited, opds=tl._opd_names(dpa_store), rakor_tanggal=APR14, final=False)
    assert changes.updates == [(a, {"batas_waktu": dt.date(2026, 5, 15)})] and changes.deletes == [b]
    tl.save_decisions(dpa_store, ADMIN, rid, changes)
    assert _audit(dpa_store, "tindak_lanjut_update") == [
        ("admin1", f"tindak lanjut {a} (rakor {rid})", "batas_waktu: 30-04-2026 -> 15-05-2026")]
    deleted = _audit(dpa_store, "tindak_lanjut_delete")
    assert len(deleted) == 1 and "OPD Dinas Pertanian; masalah 'Kontrak terlambat'; keputusan 'Teguran tertulis'" \
        in deleted[0][2]
    assert tl.decisions(dpa_store, rid)["id"].tolist() == [a]
    assert not tl.followups(dpa_store, as_of=TODAY)["terlambat"].any()   # now due 15 May


def test_decisions_validation_names_row_and_column(dpa_store, opds):
    rid = _meeting(dpa_store, opds)
    original = tl.editor_frame(tl.decisions(dpa_store, rid))
    edited = _edited(original, [
        {"OPD": opds["Dinas Kesehatan"], "Permasalahan": "Serapan rendah", "Keputusan / tindak lanjut": "",
         "PIC": "Kadinkes", "Batas waktu": dt.date(2026, 4, 1)},
        {"OPD": "9.99", "Permasalahan": "x", "Keputusan / tindak lanjut": "y", "PIC": "z", "Dibatalkan": True}])
    changes = tl.diff_decisions(original, edited, opds=tl._opd_names(dpa_store), rakor_tanggal=APR14, final=False)
    assert changes.errors == [
        "Baris 1, kolom Keputusan / tindak lanjut: wajib diisi.",
        "Baris 1, kolom Batas waktu: 01-04-2026 lebih awal dari tanggal rakor 14-04-2026. Isi batas waktu pada atau "
        "setelah tanggal rakor.",
        "Baris 2, kolom OPD: '9.99' tidak ada dalam daftar OPD. Pilih OPD dari daftar.",
        "Baris 2, kolom Dibatalkan: keputusan baru tidak dapat langsung dibatalkan. Hapus centangnya atau hapus baris "
        "ini."]
    before = dpa_store.table_checksums()
    with pytest.raises(tl.RakorError):
        tl.save_decisions(dpa_store, ADMIN, rid, changes)
    assert dpa_store.table_checksums() == before


def test_final_meeting_refuses_deletion_and_cancels_with_reason(dpa_store, opds):
    rid = _meeting(dpa_store, opds)
    original = tl.editor_frame(tl.decisions(dpa_store, rid))
    edited = _edited(original, [{"OPD": opds["Dinas Kesehatan"], "Permasalahan": "Serapan rendah",
                                 "Keputusan / tindak lanjut": "Percepat lelang", "PIC": "Kadinkes"}])
    tl.save_decisions(dpa_store, ADMIN, rid, tl.diff_decisions(original, edited, opds=tl._opd_names(dpa_store),
                                                               rakor_tanggal=APR14, final=False))
    tl.finalize_rakor(dpa_store, ADMIN, rid)
    assert tl.get_rakor(dpa_store, rid)["status"] == "final"
    assert _audit(dpa_store, "rakor_final") == [("admin1", f"rakor {rid}",
                                                 "hasil rakor tanggal 14-04-2026 ditetapkan: 1 keputusan")]
    original = tl.editor_frame(tl.decisions(dpa_store, rid))
    (tl_id,) = original["ID"].tolist()
    refused = tl.diff_decisions(original, original.iloc[0:0], opds=tl._opd_names(dpa_store), rakor_tanggal=APR14,
                                final=True)
    assert not refused.deletes and len(refused.errors) == 1
    assert f"Keputusan ID {tl_id} (Dinas Kesehatan: 'Percepat lelang') tidak dapat dihapus" in refused.errors[0]
    with pytest.raises(tl.RakorError, match="tidak dapat dihapus"):          # even bypassing the diff
        tl.save_decisions(dpa_store, ADMIN, rid, tl.DecisionChanges(deletes=[tl_id]))
    edited = original.copy()
    edited.loc[0, "Dibatalkan"] = True
    assert tl.diff_decisions(original, edited, opds=tl._opd_names(dpa_store), rakor_tanggal=APR14,
                             final=True).errors == ["Baris 1 (ID %d), kolom Alasan batal: tuliskan alasan pembatalan "
                                                    "keputusan ini." % tl_id]
    edited.loc[0, "Alasan batal"] = "Sudah tertampung di APBD Perubahan"
    changes = tl.diff_decisions(original, edited, opds=tl._opd_names(dpa_store), rakor_tanggal=APR14, final=True)
    assert tl.save_decisions(dpa_store, ADMIN, rid, changes)["dibatalkan"] == 1
    assert _audit(dpa_store, "tindak_lanjut_batal") == [(
        "admin1", f"tindak lanjut {tl_id} (rakor {rid})",
        "dibatalkan: tidak -> ya; alasan_batal: - -> 'Sudah tertampung di APBD Perubahan'")]
    assert tl.followups(dpa_store).empty                     # cancelled: out of the follow-ups...
    kept = tl.decisions(dpa_store, rid)                     # ...but kept with the meeting
    assert kept["status_label"].tolist() == ["Dibatalkan"] and kept["dibatalkan"].tolist() == [True]
    with pytest.raises(tl.RakorError, match="sudah dibatalkan"):
        tl.update_status(dpa_store, ADMIN, tl_id, "done", "selesai", today=TODAY)


# --------------------------------------------------------------------------- status updates
def test_status_updates_keep_dated_history_and_respect_the_opd_scope(dpa_store, opds):
    ids = _seed(dpa_store, opds)
    dinkes_op = User("dinkes1", "Operator Dinkes", "opd", opd_kode=ids["dinkes"])
    with pytest.raises(PermissionError, match="akun Anda hanya dapat memperbarui tindak lanjut Dinas Kesehatan"):
        tl.update_status(dpa_store, dinkes_op, ids["b"], "done", "sudah", today=TODAY)
    with pytest.raises(PermissionError):
        tl.update_status(dpa_store, VIEWER, ids["a"], "done", "sudah", today=TODAY)
    with pytest.raises(tl.RakorError) as err:
        tl.update_status(dpa_store, dinkes_op, ids["a"], "selesai", " ", tanggal=dt.date(2026, 4, 18), today=TODAY)
    assert err.value.messages == [
        "Status 'selesai' tidak dikenal. Pilih: Belum ditindaklanjuti, Dalam proses, Selesai.",
        "Catatan wajib diisi: tuliskan perkembangan tindak lanjut (apa yang sudah dilakukan).",
        "Tanggal catatan 18-04-2026 lebih awal dari catatan terakhir (20-04-2026). Isi tanggal yang sama atau "
        "sesudahnya."]
    with pytest.raises(tl.RakorError, match="belum terjadi"):
        tl.update_status(dpa_store, dinkes_op, ids["a"], "done", "x", tanggal=dt.date(2026, 5, 11), today=TODAY)
    assert not _audit(dpa_store, "tindak_lanjut_status")
    tl.update_status(dpa_store, dinkes_op, ids["a"], "done", "Kontrak ditandatangani 8 Mei",
                     tanggal=dt.date(2026, 5, 8), today=TODAY)
    hist = tl.history(dpa_store, ids["a"])
    assert hist[["tanggal", "status", "note", "actor"]].values.tolist() == [
        [APR14, "open", None, "admin"],
        [dt.date(2026, 4, 20), "in_progress", "Dokumen lelang disusun", "admin"],
        [dt.date(2026, 5, 8), "done", "Kontrak ditandatangani 8 Mei", "dinkes1"]]
    assert _audit(dpa_store, "tindak_lanjut_status") == [(
        "dinkes1", f"tindak lanjut {ids['a']} ({ids['dinkes']})",
        "Dalam proses -> Selesai per 08-05-2026: Kontrak ditandatangani 8 Mei")]
    row = tl.followups(dpa_store, as_of=TODAY).set_index("id").loc[ids["a"]]
    assert (row["status"], row["terlambat"], row["catatan_terakhir"]) == ("done", False,
                                                                          "Kontrak ditandatangani 8 Mei")
    # a note without a status change keeps the status and becomes the latest note
    tl.update_status(dpa_store, ADMIN, ids["c"], "open", "Menunggu verifikasi inspektorat", today=TODAY)
    row = tl.followups(dpa_store, as_of=TODAY).set_index("id").loc[ids["c"]]
    assert (row["status"], row["catatan_terakhir"]) == ("open", "Menunggu verifikasi inspektorat")
    assert tl.open_counts(dpa_store, as_of=TODAY).to_dict("records") == [
        {"opd_kode": ids["dinkes"], "terbuka": 1, "terlambat": 0}]


@pytest.mark.parametrize("status, due, as_of, late", [
    ("open", dt.date(2026, 4, 30), dt.date(2026, 5, 1), True),
    ("in_progress", dt.date(2026, 4, 30), dt.date(2026, 5, 1), True),
    ("done", dt.date(2026, 4, 30), dt.date(2026, 5, 1), False),
    ("open", dt.date(2026, 4, 30), dt.date(2026, 4, 30), False),
    ("open", None, dt.date(2030, 1, 1), False),
    ("open", pd.NaT, dt.date(2030, 1, 1), False),
    ("open", pd.Timestamp("2026-04-30"), dt.date(2026, 5, 1), True),
])
def test_is_terlambat(status, due, as_of, late):
    assert tl.is_terlambat(status, due, as_of) is late
