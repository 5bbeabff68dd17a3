"""Rakor meetings and tindak lanjut (SOP steps 13-14): the followups API the meeting pack and the
Rekap OPD page read, recording meetings and decisions (validation, audit, history), status
updates with dated notes, the OPD scope, the page (AppTest) and the Laporan pelaksanaan Rakor."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from daerah_support import demo_daerah  # noqa: F401 (a fixture, used by pytestmark)
from pg_support import use_both_engines

from core import tindak_lanjut as tl
from ui.safe import md_escape

pytestmark = pytest.mark.usefixtures("demo_daerah")  # a configured daerah (issue 17)

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
    a = store.insert_tindak_lanjut(
        rid, dinkes, "Serapan rendah", "Percepat lelang", "Kadinkes", dt.date(2026, 4, 30), "admin"
    )
    b = store.insert_tindak_lanjut(
        rid, distan, "Kontrak terlambat", "Teguran tertulis", "PPK", dt.date(2026, 5, 31), "admin"
    )
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

use_both_engines(globals())  # store / dpa_store: DuckDB and PostgreSQL

ADMIN = User("admin1", "Admin Adpem", "admin")
VIEWER = User("viewer1", "Kabag", "viewer")
TODAY = dt.date(2026, 5, 10)


def _audit(store, action: str) -> list[tuple]:
    return store.sql("SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY id", [action])


def _meeting(store, opds, **kw) -> int:
    args = dict(
        tanggal=APR14,
        tahun=2026,
        bulan=3,
        tempat="Ruang Rapat Setda",
        pimpinan="Sekretaris Daerah",
        peserta=[opds["Dinas Kesehatan"], opds["Dinas Pertanian"]],
        catatan=None,
        today=TODAY,
    )
    args.update(kw)
    return tl.create_rakor(store, ADMIN, **args)


def _decision(opd_kode, masalah, keputusan, pic, batas_waktu=None) -> dict:
    """The fields of a new decision as the form returns them (a blank text box is "")."""
    return dict(opd_kode=opd_kode, masalah=masalah, keputusan=keputusan, pic=pic, batas_waktu=batas_waktu)


def _shown(store, rid: int, tl_id: int) -> dict:
    """The form of an existing decision as the page fills it: its fields, its status, an empty
    catatan and, once the meeting is final (or the decision cancelled), Dibatalkan and its reason."""
    row = tl.decisions(store, rid).set_index("id").loc[tl_id]
    values = dict(
        opd_kode=row["opd_kode"],
        masalah=row["masalah"] or "",
        keputusan=row["keputusan"] or "",
        pic=row["pic"] or "",
        batas_waktu=tl.to_date(row["batas_waktu"]),
        status=row["status"],
        catatan="",
    )
    if tl.get_rakor(store, rid)["status"] == "final" or row["dibatalkan"]:
        values |= dict(
            dibatalkan=bool(row["dibatalkan"]),
            alasan_batal=row["alasan_batal"] if isinstance(row["alasan_batal"], str) else "",
        )
    return values


def _form(store, rid: int, tl_id: int | None, values: dict, rows: pd.DataFrame | None = None) -> tl.DecisionForm:
    """``form_decision`` as the page calls it (the meeting's decisions as shown, the OPD list)."""
    rakor = tl.get_rakor(store, rid)
    return tl.form_decision(
        tl.decisions(store, rid) if rows is None else rows,
        tl_id,
        values,
        opds=tl._opd_names(store),
        rakor_tanggal=rakor["tanggal"],
    )


def _enter(store, rid: int, tl_id: int | None, values: dict, today: dt.date = TODAY) -> str:
    """One decision entered through the form and saved, as the page does; the page's message."""
    form = _form(store, rid, tl_id, values)
    assert not form.errors, form.errors
    return tl.save_decision_form(store, ADMIN, rid, form, today=today)


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
        tl.create_rakor(
            dpa_store,
            VIEWER,
            tanggal=APR14,
            tahun=2026,
            bulan=3,
            tempat="x",
            pimpinan="y",
            peserta=[opds["Dinas Kesehatan"]],
        )
    assert tl.meetings(dpa_store).empty and not _audit(dpa_store, "rakor_create")
    rid = _meeting(dpa_store, opds)
    r = tl.get_rakor(dpa_store, rid)
    assert (r["tanggal"], r["tahun"], r["bulan"], r["status"]) == (APR14, 2026, 3, "draft")
    assert _audit(dpa_store, "rakor_create") == [
        (
            "admin1",
            f"rakor {rid}",
            "tanggal 14-04-2026, periode Maret 2026, tempat Ruang Rapat Setda, pimpinan "
            "Sekretaris Daerah, peserta 2 OPD: Dinas Kesehatan, Dinas Pertanian",
        )
    ]
    changed = tl.update_rakor(
        dpa_store,
        ADMIN,
        rid,
        tanggal=APR14,
        tahun=2026,
        bulan=3,
        tempat="Aula Bupati",
        pimpinan="Sekretaris Daerah",
        peserta=[opds["Dinas Kesehatan"]],
        today=TODAY,
    )
    assert changed == ["tempat", "peserta"]
    assert [d for _, _, d in _audit(dpa_store, "rakor_update")] == [
        "tempat: 'Ruang Rapat Setda' -> 'Aula Bupati'",
        "peserta: dikurangi Dinas Pertanian",
    ]
    assert tl.get_rakor(dpa_store, rid)["peserta"] == [opds["Dinas Kesehatan"]]


def test_decisions_form_add_edit_delete_while_recording(dpa_store, opds):
    rid = _meeting(dpa_store, opds)
    dinkes, distan = opds["Dinas Kesehatan"], opds["Dinas Pertanian"]
    assert tl.decisions(dpa_store, rid).empty
    first = _decision(dinkes, "Serapan rendah", "Percepat lelang", "Kadinkes", dt.date(2026, 4, 30))
    form = _form(dpa_store, rid, None, first)
    assert not form.errors and form.tl_id is None and form.status is None
    assert form.changes.adds == [first] and not form.changes.updates and not form.changes.deletes
    with pytest.raises(PermissionError):  # only the admin records decisions
        tl.save_decision_form(dpa_store, VIEWER, rid, form, today=TODAY)
    assert tl.decisions(dpa_store, rid).empty
    assert tl.save_decision_form(dpa_store, ADMIN, rid, form, today=TODAY) == "Keputusan disimpan: 1 ditambah."
    # an empty form is not a decision: each required field is named, nothing is stored
    empty = _form(dpa_store, rid, None, _decision(None, "", " ", ""))
    assert empty.errors == [
        "OPD: wajib diisi.",
        "Permasalahan: wajib diisi.",
        "Keputusan / tindak lanjut: wajib diisi.",
        "Penanggung jawab: wajib diisi.",
    ]
    with pytest.raises(tl.RakorError):
        tl.save_decision_form(dpa_store, ADMIN, rid, empty, today=TODAY)
    second = _decision(distan, "Kontrak terlambat", "Teguran tertulis", "PPK")
    assert _enter(dpa_store, rid, None, second) == "Keputusan disimpan: 1 ditambah."
    rows = tl.decisions(dpa_store, rid, as_of=TODAY)
    assert rows["keputusan"].tolist() == ["Percepat lelang", "Teguran tertulis"]
    assert rows["status"].tolist() == ["open", "open"] and rows["terlambat"].tolist() == [True, False]
    assert rows["batas_waktu"].iloc[0] == dt.date(2026, 4, 30) and pd.isna(rows["batas_waktu"].iloc[1])
    a, b = rows["id"].tolist()
    assert [r[1] for r in _audit(dpa_store, "tindak_lanjut_add")] == [
        f"tindak lanjut {a} (rakor {rid})",
        f"tindak lanjut {b} (rakor {rid})",
    ]
    assert (
        "keputusan 'Percepat lelang'; PIC 'Kadinkes'; batas waktu 30-04-2026"
        in _audit(dpa_store, "tindak_lanjut_add")[0][2]
    )
    # every decision starts its history on the meeting day
    assert tl.history(dpa_store, a)[["tanggal", "status"]].values.tolist() == [[APR14, "open"]]

    # the form of a decision left as shown changes nothing
    same = _form(dpa_store, rid, a, _shown(dpa_store, rid, a))
    assert same.empty and not same.errors
    before = dpa_store.table_checksums()
    assert tl.save_decision_form(dpa_store, ADMIN, rid, same, today=TODAY) == "Tidak ada perubahan pada keputusan."
    assert dpa_store.table_checksums() == before
    # change a due date: only the changed field is written, audited old -> new
    later = _form(dpa_store, rid, a, _shown(dpa_store, rid, a) | dict(batas_waktu=dt.date(2026, 5, 15)))
    assert later.changes.updates == [(a, {"batas_waktu": dt.date(2026, 5, 15)})] and later.status is None
    assert tl.save_decision_form(dpa_store, ADMIN, rid, later, today=TODAY) == "Keputusan disimpan: 1 diubah."
    assert _audit(dpa_store, "tindak_lanjut_update") == [
        ("admin1", f"tindak lanjut {a} (rakor {rid})", "batas_waktu: 30-04-2026 -> 15-05-2026")
    ]
    # delete the other one, as the page's Hapus button does (allowed while the meeting is being recorded)
    assert tl.save_decisions(dpa_store, ADMIN, rid, tl.DecisionChanges(deletes=[b])) == dict(
        ditambah=0, diubah=0, dibatalkan=0, dihapus=1
    )
    deleted = _audit(dpa_store, "tindak_lanjut_delete")
    assert (
        len(deleted) == 1
        and "OPD Dinas Pertanian; masalah 'Kontrak terlambat'; keputusan 'Teguran tertulis'" in deleted[0][2]
    )
    assert tl.decisions(dpa_store, rid)["id"].tolist() == [a]
    assert not tl.followups(dpa_store, as_of=TODAY)["terlambat"].any()  # now due 15 May


def test_decision_form_validation_names_the_field(dpa_store, opds):
    rid = _meeting(dpa_store, opds)
    names = tl._opd_names(dpa_store)
    no_decision = _decision(opds["Dinas Kesehatan"], "Serapan rendah", "", "Kadinkes", dt.date(2026, 4, 1))
    form = _form(dpa_store, rid, None, no_decision)
    assert form.errors == [
        "Keputusan / tindak lanjut: wajib diisi.",
        "Batas waktu (tenggat): 01-04-2026 lebih awal dari tanggal rakor 14-04-2026. Isi batas waktu pada atau "
        "setelah tanggal rakor.",
    ]
    unknown = _form(dpa_store, rid, None, _decision("9.99", "x", "y", "z") | dict(dibatalkan=True))
    assert unknown.errors == [
        "OPD: '9.99' tidak ada dalam daftar OPD. Pilih OPD dari daftar.",
        "Dibatalkan: keputusan baru tidak dapat langsung dibatalkan. Simpan dahulu keputusannya; pembatalan hanya "
        "untuk keputusan yang sudah tercatat.",
    ]
    long = _form(dpa_store, rid, None, _decision(opds["Dinas Kesehatan"], "a" * 2001, "y", "z"))
    assert long.errors == ["Permasalahan: terlalu panjang (2001 karakter, paling banyak 2000)."]
    before = dpa_store.table_checksums()
    for refused in (form, unknown, long):
        assert refused.changes.empty
        with pytest.raises(tl.RakorError) as err:
            tl.save_decision_form(dpa_store, ADMIN, rid, refused, today=TODAY)
        assert err.value.messages == refused.errors
        with pytest.raises(tl.RakorError):
            tl.save_decisions(dpa_store, ADMIN, rid, refused.changes)
    assert dpa_store.table_checksums() == before

    # an existing decision: a reason without the cancellation is refused; a tenggat before the
    # meeting is kept while unchanged (the meeting's date corrected later), refused when changed
    _enter(dpa_store, rid, None, _decision(opds["Dinas Kesehatan"], "x", "y", "z", dt.date(2026, 4, 16)))
    (a,) = tl.decisions(dpa_store, rid)["id"].tolist()
    assert _form(dpa_store, rid, a, _shown(dpa_store, rid, a) | dict(alasan_batal="Tidak jadi")).errors == [
        "Alasan batal: diisi, tetapi Dibatalkan tidak dicentang. Centang Dibatalkan atau kosongkan alasannya."
    ]
    moved = dict(tahun=2026, bulan=3, tempat="Ruang Rapat Setda", pimpinan="Sekretaris Daerah", today=TODAY)
    tl.update_rakor(dpa_store, ADMIN, rid, tanggal=dt.date(2026, 4, 20), peserta=list(names)[:1], **moved)
    kept = _form(dpa_store, rid, a, _shown(dpa_store, rid, a) | dict(pic="Kadinkes"))
    assert not kept.errors and kept.changes.updates == [(a, {"pic": "Kadinkes"})]
    assert _form(dpa_store, rid, a, _shown(dpa_store, rid, a) | dict(batas_waktu=dt.date(2026, 4, 18))).errors == [
        "Batas waktu (tenggat): 18-04-2026 lebih awal dari tanggal rakor 20-04-2026. Isi batas waktu pada atau "
        "setelah tanggal rakor."
    ]


def test_final_meeting_refuses_deletion_and_cancels_with_reason(dpa_store, opds):
    rid = _meeting(dpa_store, opds)
    _enter(dpa_store, rid, None, _decision(opds["Dinas Kesehatan"], "Serapan rendah", "Percepat lelang", "Kadinkes"))
    tl.finalize_rakor(dpa_store, ADMIN, rid)
    assert tl.get_rakor(dpa_store, rid)["status"] == "final"
    assert _audit(dpa_store, "rakor_final") == [
        ("admin1", f"rakor {rid}", "hasil rakor tanggal 14-04-2026 ditetapkan: 1 keputusan")
    ]
    (tl_id,) = tl.decisions(dpa_store, rid)["id"].tolist()
    # the page offers no Hapus button once final; a delete from a page opened before is refused, naming it
    before = dpa_store.table_checksums()
    with pytest.raises(tl.RakorError) as err:
        tl.save_decisions(dpa_store, ADMIN, rid, tl.DecisionChanges(deletes=[tl_id]))
    assert err.value.messages == [
        f"Keputusan No. {tl_id} (Dinas Kesehatan: 'Percepat lelang') tidak dapat dihapus karena hasil rakor sudah "
        "ditetapkan. Bila keputusan tidak berlaku lagi, centang Dibatalkan dan isi Alasan batal."
    ]
    assert dpa_store.table_checksums() == before and not _audit(dpa_store, "tindak_lanjut_delete")
    shown = _shown(dpa_store, rid, tl_id)
    assert (shown["dibatalkan"], shown["alasan_batal"]) == (False, "")  # the final form offers the cancellation
    assert _form(dpa_store, rid, tl_id, shown | dict(dibatalkan=True)).errors == [
        "Alasan batal: tuliskan alasan pembatalan keputusan ini."
    ]
    cancel = shown | dict(dibatalkan=True, alasan_batal="Sudah tertampung di APBD Perubahan")
    assert _form(dpa_store, rid, tl_id, cancel | dict(status="done", catatan="Selesai")).errors == [
        "Status: keputusan yang dibatalkan tidak diubah statusnya. Batalkan saja, atau ubah statusnya tanpa "
        "membatalkan."
    ]
    form = _form(dpa_store, rid, tl_id, cancel)
    assert form.changes.updates == [(tl_id, {"dibatalkan": True, "alasan_batal": "Sudah tertampung di APBD Perubahan"})]
    assert tl.save_decision_form(dpa_store, ADMIN, rid, form, today=TODAY) == "Keputusan disimpan: 1 dibatalkan."
    assert _audit(dpa_store, "tindak_lanjut_batal") == [
        (
            "admin1",
            f"tindak lanjut {tl_id} (rakor {rid})",
            "dibatalkan: tidak -> ya; alasan_batal: - -> 'Sudah tertampung di APBD Perubahan'",
        )
    ]
    assert tl.followups(dpa_store).empty  # cancelled: out of the follow-ups...
    kept = tl.decisions(dpa_store, rid)  # ...but kept with the meeting
    assert kept["status_label"].tolist() == ["Dibatalkan"] and kept["dibatalkan"].tolist() == [True]
    with pytest.raises(tl.RakorError, match="sudah dibatalkan"):
        tl.update_status(dpa_store, ADMIN, tl_id, "done", "selesai", today=TODAY)


def test_decision_form_saves_fields_and_status_all_or_nothing(dpa_store, opds):
    rid = _meeting(dpa_store, opds)
    dinkes, distan = opds["Dinas Kesehatan"], opds["Dinas Pertanian"]
    _enter(dpa_store, rid, None, _decision(dinkes, "Serapan rendah", "Percepat lelang", "Kadinkes"))
    _enter(dpa_store, rid, None, _decision(distan, "Kontrak terlambat", "Teguran tertulis", "PPK"))
    a, b = tl.decisions(dpa_store, rid)["id"].tolist()
    tl.finalize_rakor(dpa_store, ADMIN, rid)
    # a changed decision with a new status: both saved together, each audited, the status dated
    values = _shown(dpa_store, rid, b) | dict(pic="PPK Distan", status="in_progress", catatan="Teguran disusun")
    form = _form(dpa_store, rid, b, values)
    assert form.changes.updates == [(b, {"pic": "PPK Distan"})] and (form.status, form.note) == (
        "in_progress",
        "Teguran disusun",
    )
    message = tl.save_decision_form(dpa_store, ADMIN, rid, form, today=TODAY)
    assert message == "Keputusan disimpan: 1 diubah, status menjadi Dalam proses."
    row = tl.decisions(dpa_store, rid).set_index("id").loc[b]
    assert (row["pic"], row["status"], row["catatan_terakhir"]) == ("PPK Distan", "in_progress", "Teguran disusun")
    assert tl.history(dpa_store, b)[["tanggal", "status", "note", "actor"]].values.tolist()[-1] == [
        TODAY,
        "in_progress",
        "Teguran disusun",
        "admin1",
    ]
    assert _audit(dpa_store, "tindak_lanjut_update") == [
        ("admin1", f"tindak lanjut {b} (rakor {rid})", "pic: 'PPK' -> 'PPK Distan'")
    ]
    assert _audit(dpa_store, "tindak_lanjut_status") == [
        (
            "admin1",
            f"tindak lanjut {b} ({distan})",
            "Belum ditindaklanjuti -> Dalam proses per 10-05-2026: Teguran disusun",
        )
    ]
    # a form opened before another admin cancelled the decision: its status cannot be recorded,
    # so its changed Keputusan is not saved either
    shown = tl.decisions(dpa_store, rid)
    stale = _form(
        dpa_store,
        rid,
        a,
        _shown(dpa_store, rid, a) | dict(keputusan="Lelang ulang", status="done", catatan="Kontrak ditandatangani"),
        rows=shown,
    )
    assert not stale.errors
    _enter(dpa_store, rid, a, _shown(dpa_store, rid, a) | dict(dibatalkan=True, alasan_batal="Ditangani provinsi"))
    before = dpa_store.table_checksums()
    with pytest.raises(tl.RakorError) as err:
        tl.save_decision_form(dpa_store, ADMIN, rid, stale, today=TODAY)
    assert err.value.messages == ["Keputusan ini sudah dibatalkan; statusnya tidak dapat diperbarui."]
    assert dpa_store.table_checksums() == before
    assert tl.decisions(dpa_store, rid).set_index("id").loc[a, "keputusan"] == "Percepat lelang"
    assert len(_audit(dpa_store, "tindak_lanjut_update")) == 1


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
        "sesudahnya.",
    ]
    with pytest.raises(tl.RakorError, match="belum terjadi"):
        tl.update_status(dpa_store, dinkes_op, ids["a"], "done", "x", tanggal=dt.date(2026, 5, 11), today=TODAY)
    assert not _audit(dpa_store, "tindak_lanjut_status")
    tl.update_status(
        dpa_store, dinkes_op, ids["a"], "done", "Kontrak ditandatangani 8 Mei", tanggal=dt.date(2026, 5, 8), today=TODAY
    )
    hist = tl.history(dpa_store, ids["a"])
    assert hist[["tanggal", "status", "note", "actor"]].values.tolist() == [
        [APR14, "open", None, "admin"],
        [dt.date(2026, 4, 20), "in_progress", "Dokumen lelang disusun", "admin"],
        [dt.date(2026, 5, 8), "done", "Kontrak ditandatangani 8 Mei", "dinkes1"],
    ]
    assert _audit(dpa_store, "tindak_lanjut_status") == [
        (
            "dinkes1",
            f"tindak lanjut {ids['a']} ({ids['dinkes']})",
            "Dalam proses -> Selesai per 08-05-2026: Kontrak ditandatangani 8 Mei",
        )
    ]
    row = tl.followups(dpa_store, as_of=TODAY).set_index("id").loc[ids["a"]]
    assert (row["status"], row["terlambat"], row["catatan_terakhir"]) == ("done", False, "Kontrak ditandatangani 8 Mei")
    # a note without a status change keeps the status and becomes the latest note
    tl.update_status(dpa_store, ADMIN, ids["c"], "open", "Menunggu verifikasi inspektorat", today=TODAY)
    row = tl.followups(dpa_store, as_of=TODAY).set_index("id").loc[ids["c"]]
    assert (row["status"], row["catatan_terakhir"]) == ("open", "Menunggu verifikasi inspektorat")
    assert tl.open_counts(dpa_store, as_of=TODAY).to_dict("records") == [
        {"opd_kode": ids["dinkes"], "terbuka": 1, "terlambat": 0}
    ]


@pytest.mark.parametrize(
    "status, due, as_of, late",
    [
        ("open", dt.date(2026, 4, 30), dt.date(2026, 5, 1), True),
        ("in_progress", dt.date(2026, 4, 30), dt.date(2026, 5, 1), True),
        ("done", dt.date(2026, 4, 30), dt.date(2026, 5, 1), False),
        ("open", dt.date(2026, 4, 30), dt.date(2026, 4, 30), False),
        ("open", None, dt.date(2030, 1, 1), False),
        ("open", pd.NaT, dt.date(2030, 1, 1), False),
        ("open", pd.Timestamp("2026-04-30"), dt.date(2026, 5, 1), True),
    ],
)
def test_is_terlambat(status, due, as_of, late):
    assert tl.is_terlambat(status, due, as_of) is late


# --------------------------------------------------------------------------- the page (AppTest)
MARCH = ["realisasi/realisasi_dinkes_2026-03.xlsx", "realisasi/distan_2026-03.csv"]


@pytest.fixture
def app_store(app_env):
    """The app's database with the fixture DPA and the March reports of Dinkes and Distan."""
    from conftest import DPA_FIXTURE, FIXTURES

    from db.store import Store
    from etl.pipeline import ingest_paths

    store = Store(app_env, data_dir=app_env.parent / "data")
    results = ingest_paths(store, [DPA_FIXTURE] + [FIXTURES / r for r in MARCH])
    assert all(r["status"] == "accepted" for r in results), results
    return store


def _page(user: str, role: str, opd_kode: str | None = None):
    from test_pages import new_app, run

    at = run(new_app(query={"tahun": "2026", "bulan": "3"}, user=user, role=role, opd_kode=opd_kode))
    at.switch_page("views/rakor.py")
    return run(at)


def _table(at, column: str, without: str | None = None) -> pd.DataFrame:
    """The first read-only table of the page with ``column`` (and without ``without``)."""
    for df in at.dataframe:
        if (
            df.editing_mode == "read_only"
            and column in df.value.columns
            and (without is None or without not in df.value.columns)
        ):
            return df.value
    raise AssertionError(f"no table with {column!r}")


def _click(at, label: str):
    from test_pages import run

    next(b for b in at.button if b.label == label).click()
    return run(at)


def _recorded_meeting(store, opds) -> tuple[int, int, int]:
    """A meeting with a Dinkes decision overdue by today and a Distan decision, via the API."""
    rid = _meeting(store, opds, today=dt.date.today())
    due = dt.date.today() + dt.timedelta(days=30)
    for values in (
        _decision(opds["Dinas Kesehatan"], "Serapan rendah", "Percepat lelang", "Kadinkes", dt.date(2026, 4, 30)),
        _decision(opds["Dinas Pertanian"], "Kontrak terlambat", "Teguran tertulis", "PPK", due),
    ):
        _enter(store, rid, None, values, today=dt.date.today())
    a, b = tl.decisions(store, rid)["id"].tolist()
    return rid, a, b


def test_page_admin_records_a_meeting_with_two_decisions_and_updates_a_status(app_store):
    from test_pages import run

    opds = {o.nama: o.kode for o in app_store.opds()}
    dinkes, distan = opds["Dinas Kesehatan"], opds["Dinas Pertanian"]
    at = _page("admin1", "admin")
    assert [t.value for t in at.title] == ["Rakor & Tindak Lanjut"]
    assert [t.label for t in at.tabs] == ["Tindak lanjut", "Hasil rakor", "Catat rakor baru"]
    # a meeting without place is refused, nothing stored
    at.date_input(key="rakor_new_tanggal").set_value(APR14)
    at.text_input(key="rakor_new_pimpinan").set_value("Sekretaris Daerah")
    at.multiselect(key="rakor_new_peserta").set_value([dinkes, distan])
    _click(at, "Simpan rakor")
    assert [e.value for e in at.error] == [md_escape("Tempat wajib diisi.")]
    assert tl.meetings(app_store).empty
    at.text_input(key="rakor_new_tempat").set_value("Ruang Rapat Setda")
    _click(at, "Simpan rakor")
    assert any(md_escape("Rakor tanggal 14-04-2026 dicatat") in s.value for s in at.success), [
        e.value for e in at.error
    ]
    (rid,) = tl.meetings(app_store)["id"].tolist()
    assert tl.get_rakor(app_store, rid)["peserta"] == [dinkes, distan]
    assert at.session_state["rakor_tab"] == "Hasil rakor"  # the new meeting's tab opens for its decisions

    # two decisions entered one at a time through the form (issue 17: the deadline as dd-mm-yyyy)
    assert not at.data_editor
    assert at.selectbox(key=f"tl_form_pick_{rid}").value is None  # a new decision
    batas = at.date_input(key=f"tl_f_batas_{rid}_None_0")
    assert batas.value is None  # no deadline unless one is entered
    assert batas.proto.format == "DD-MM-YYYY"
    # an incomplete decision: the message names the form's field, nothing is saved
    at.selectbox(key=f"tl_f_opd_{rid}_None_0").set_value(dinkes)
    at.text_area(key=f"tl_f_masalah_{rid}_None_0").set_value("Serapan rendah")
    at.text_area(key=f"tl_f_keputusan_{rid}_None_0").set_value("Percepat lelang")
    _click(at, "Simpan keputusan")
    assert [e.value for e in at.error] == [md_escape("Penanggung jawab: wajib diisi.")]
    assert tl.decisions(app_store, rid).empty
    # the calendar offers no day before the meeting (form_decision refuses one too, tested below)
    at.text_input(key=f"tl_f_pic_{rid}_None_0").set_value("Kadinkes")
    assert at.date_input(key=f"tl_f_batas_{rid}_None_0").min == APR14
    at.text_area(key=f"tl_f_masalah_{rid}_None_0").set_value("Serapan belanja modal rendah")
    at.text_area(key=f"tl_f_keputusan_{rid}_None_0").set_value("Lelang ulang alat kesehatan")
    at.date_input(key=f"tl_f_batas_{rid}_None_0").set_value(dt.date(2026, 4, 30))
    _click(at, "Simpan keputusan")
    assert any(md_escape("Keputusan disimpan: 1 ditambah.") in s.value for s in at.success), [e.value for e in at.error]
    # the form starts empty again for the next decision (no deadline this time)
    assert at.selectbox(key=f"tl_f_opd_{rid}_None_1").value is None
    at.selectbox(key=f"tl_f_opd_{rid}_None_1").set_value(distan)
    at.text_area(key=f"tl_f_masalah_{rid}_None_1").set_value("Kontrak irigasi terlambat")
    at.text_area(key=f"tl_f_keputusan_{rid}_None_1").set_value("Teguran tertulis kepada penyedia")
    at.text_input(key=f"tl_f_pic_{rid}_None_1").set_value("PPK Distan")
    _click(at, "Simpan keputusan")
    assert any(md_escape("Keputusan disimpan: 1 ditambah.") in s.value for s in at.success)
    # the meeting's decisions, dates formatted the one way
    decided = _table(at, "Penanggung jawab")
    assert decided["Batas waktu"].tolist() == ["30-04-2026", "-"]
    assert decided["Status"].tolist() == ["Belum ditindaklanjuti"] * 2
    rows = tl.decisions(app_store, rid)
    assert rows["opd"].tolist() == ["Dinas Kesehatan", "Dinas Pertanian"]
    assert rows["batas_waktu"].iloc[0] == dt.date(2026, 4, 30) and pd.isna(rows["batas_waktu"].iloc[1])
    assert len(app_store.sql("SELECT * FROM audit_log WHERE action = 'tindak_lanjut_add' AND actor = 'admin1'")) == 2
    # the follow-up table: the Dinkes decision (due 30 April) is overdue today and marked
    table = _table(at, "Terlambat")
    assert table["Keputusan / tindak lanjut"].tolist() == [
        "Lelang ulang alat kesehatan",
        "Teguran tertulis kepada penyedia",
    ]
    assert table["Terlambat"].tolist() == ["⚠ Terlambat", ""]
    assert [m.value for m in at.metric][:2] == ["2", "1"]

    # a status update with a note (the first follow-up is chosen by default)
    a = int(rows["id"].iloc[0])
    assert at.selectbox(key="tl_pick").value == a
    at.selectbox(key="tl_new_status").set_value("in_progress")
    at.date_input(key="tl_new_date").set_value(dt.date(2026, 4, 20))
    at.text_area(key="tl_new_note").set_value("Dokumen lelang ulang sedang disusun")
    _click(at, "Simpan perkembangan")
    assert any(md_escape(f"Perkembangan tindak lanjut #{a} disimpan: Dalam proses.") in s.value for s in at.success)
    hist = tl.history(app_store, a)
    assert hist[["tanggal", "status", "note", "actor"]].values.tolist()[-1] == [
        dt.date(2026, 4, 20),
        "in_progress",
        "Dokumen lelang ulang sedang disusun",
        "admin1",
    ]
    assert _table(at, "Oleh")["Catatan"].tolist() == [
        "(keputusan dicatat pada rakor)",
        "Dokumen lelang ulang sedang disusun",
    ]

    # the meeting's data can be corrected (audited old -> new)
    at.text_input(key=f"rakor_edit_{rid}_tempat").set_value("Aula Bupati")
    _click(at, "Simpan data rakor")
    assert any(md_escape("Data rakor diperbarui.") in s.value for s in at.success)
    assert app_store.sql("SELECT detail FROM audit_log WHERE action = 'rakor_update'") == [
        ("tempat: 'Ruang Rapat Setda' -> 'Aula Bupati'",)
    ]

    # an existing decision edited through the same form: a later deadline and a new status with a note
    b = int(rows["id"].iloc[1])
    at.selectbox(key=f"tl_form_pick_{rid}").set_value(b)
    run(at)
    k = f"{rid}_{b}_2"
    assert at.text_area(key=f"tl_f_keputusan_{k}").value == "Teguran tertulis kepada penyedia"
    assert at.button(key=f"tl_delete_{b}").label == f"Hapus keputusan No. {b}"  # still a draft
    at.date_input(key=f"tl_f_batas_{k}").set_value(dt.date(2026, 5, 15))
    at.selectbox(key=f"tl_f_status_{k}").set_value("done")
    _click(at, "Simpan keputusan")
    assert [e.value for e in at.error] == [
        md_escape("Catatan perkembangan: wajib diisi bila status diubah; tuliskan perkembangan tindak lanjutnya.")
    ]
    at.text_input(key=f"tl_f_catatan_{k}").set_value("Teguran dikirim")
    _click(at, "Simpan keputusan")
    assert any(md_escape("Keputusan disimpan: 1 diubah, status menjadi Selesai.") in s.value for s in at.success)
    after = tl.decisions(app_store, rid).set_index("id")
    assert after.loc[b, "batas_waktu"] == dt.date(2026, 5, 15) and after.loc[b, "status"] == "done"
    assert app_store.sql(
        "SELECT detail FROM audit_log WHERE action = 'tindak_lanjut_update' ORDER BY id DESC LIMIT 1"
    ) == [("batas_waktu: - -> 15-05-2026",)]

    # fix the result: decisions are then cancelled with a reason, never deleted
    _click(at, "Tetapkan hasil rakor")
    assert tl.get_rakor(app_store, rid)["status"] == "final"
    assert not [x for x in at.button if x.label.startswith("Hapus keputusan")]
    k = f"{rid}_{b}_3"
    at.checkbox(key=f"tl_f_batal_{k}").check()
    _click(at, "Simpan keputusan")
    assert [e.value for e in at.error] == [md_escape("Alasan batal: tuliskan alasan pembatalan keputusan ini.")]
    at.text_input(key=f"tl_f_alasan_{k}").set_value("Kontrak diputus")
    _click(at, "Simpan keputusan")
    assert any(md_escape("Keputusan disimpan: 1 dibatalkan.") in s.value for s in at.success)
    assert tl.decisions(app_store, rid).set_index("id").loc[b, "dibatalkan"]


def test_page_opd_user_sees_and_updates_only_its_own_follow_ups(app_store):
    opds = {o.nama: o.kode for o in app_store.opds()}
    rid, a, b = _recorded_meeting(app_store, opds)
    at = _page("dinkes1", "opd", opds["Dinas Kesehatan"])
    assert [t.label for t in at.tabs] == ["Tindak lanjut", "Hasil rakor"]
    assert not at.data_editor  # decisions are read-only
    assert not [b for b in at.button if b.label == "Simpan keputusan"]
    assert [d.label for d in at.get("download_button")] == ["Unduh Excel (tindak lanjut)"]  # no full report
    table = _table(at, "Terlambat")
    assert table["Keputusan / tindak lanjut"].tolist() == ["Percepat lelang"] and "OPD" not in table.columns
    assert at.selectbox(key="tl_pick").options == [f"#{a} · Dinas Kesehatan · Percepat lelang"]
    decided = _table(at, "Permasalahan", without="Terlambat")
    assert decided["OPD"].tolist() == ["Dinas Kesehatan"]
    at.text_area(key="tl_new_note").set_value("Lelang ulang diumumkan")
    at.selectbox(key="tl_new_status").set_value("in_progress")
    _click(at, "Simpan perkembangan")
    assert tl.followups(app_store).set_index("id").loc[a, "status"] == "in_progress"
    assert tl.followups(app_store).set_index("id").loc[b, "status"] == "open"
    assert app_store.sql("SELECT actor FROM audit_log WHERE action = 'tindak_lanjut_status'") == [("dinkes1",)]


def test_page_viewer_reads_without_forms(app_store, media):
    from test_pages import download_bytes, run

    opds = {o.nama: o.kode for o in app_store.opds()}
    _recorded_meeting(app_store, opds)
    at = _page("viewer1", "viewer")
    assert [t.label for t in at.tabs] == ["Tindak lanjut", "Hasil rakor"]
    assert not at.data_editor
    assert not [
        b
        for b in at.button
        if b.label in ("Simpan perkembangan", "Simpan keputusan", "Simpan rakor", "Tetapkan hasil rakor")
    ]
    assert any("hanya dapat membaca" in c.value for c in at.caption)
    table = _table(at, "Terlambat")
    assert table["OPD"].tolist() == ["Dinas Kesehatan", "Dinas Pertanian"]
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["Unduh Excel (tindak lanjut)", "Laporan pelaksanaan (Excel)", "Laporan pelaksanaan (Word)"]
    button = at.get("download_button")[2]
    assert download_bytes(media, button)[:2] == b"PK"
    button.click()
    run(at)
    assert app_store.sql("SELECT actor, target FROM audit_log WHERE action = 'download'")[-1] == (
        "viewer1",
        "laporan_rakor_2026-04-14.docx",
    )


# --------------------------------------------------------------------------- Laporan pelaksanaan Rakor
@pytest.fixture
def march_store(dpa_store):
    from conftest import FIXTURES

    from etl.pipeline import ingest_paths

    results = ingest_paths(dpa_store, [FIXTURES / r for r in MARCH])
    assert all(r["status"] == "accepted" for r in results), results
    return dpa_store


def _report_meeting(store, opds) -> int:
    """A fixed meeting: Dinkes overdue (due 30 April), Distan cancelled, Distan done."""
    from core import settings as settings_mod

    cfg = settings_mod.load(store)
    cfg.ttd_nama, cfg.ttd_nip = "Drs. Ahmad Fauzi, M.Si", "19700101 199503 1 001"
    settings_mod.save(store, cfg, "admin1")
    rid = _meeting(store, opds, catatan="Percepat penyerapan anggaran triwulan II.")
    for values in (
        _decision(
            opds["Dinas Kesehatan"],
            "Serapan belanja modal rendah",
            "Lelang ulang alat kesehatan",
            "Kadinkes",
            dt.date(2026, 4, 30),
        ),
        _decision(
            opds["Dinas Pertanian"],
            "Kontrak irigasi terlambat",
            "Teguran tertulis kepada penyedia",
            "PPK Distan",
            dt.date(2026, 5, 31),
        ),
        _decision(opds["Dinas Pertanian"], "Pupuk bersubsidi terlambat", "Koordinasi dengan distributor", "Kabid PSP"),
    ):
        _enter(store, rid, None, values)
    tl.finalize_rakor(store, ADMIN, rid)
    ids = tl.decisions(store, rid)["id"].tolist()
    cancel = dict(dibatalkan=True, alasan_batal="Ditangani dinas provinsi")
    assert _enter(store, rid, ids[2], _shown(store, rid, ids[2]) | cancel) == "Keputusan disimpan: 1 dibatalkan."
    tl.update_status(store, ADMIN, ids[1], "done", "Teguran dikirim", tanggal=dt.date(2026, 5, 2), today=TODAY)
    return rid


def test_rakor_xlsx_holds_meeting_attendees_decisions_and_the_recap_numbers(march_store, opds):
    import io

    import openpyxl

    from core.recap import kabupaten_totals, recap_opd
    from exports.rakor_report import SHEET, TITLE, rakor_xlsx

    rid = _report_meeting(march_store, opds)
    wb = openpyxl.load_workbook(io.BytesIO(rakor_xlsx(march_store, rid, today=TODAY)))
    ws = wb[SHEET]
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    texts = [v for v in cells.values() if isinstance(v, str)]
    assert TITLE in texts and "PEMERINTAH KABUPATEN TANJUNG MAKMUR" in texts
    label = {v: (r, c) for (r, c), v in cells.items() if c == 2 and isinstance(v, str)}

    def value(name):
        r, _ = label[name]
        return ws.cell(row=r, column=3).value

    assert value("Hari, tanggal") == "Selasa, 14 April 2026"
    assert (value("Tempat"), value("Pimpinan rapat")) == ("Ruang Rapat Setda", "Sekretaris Daerah")
    assert value("Realisasi yang dibahas") == "s.d. akhir bulan Maret 2026"
    assert value("Arahan / catatan") == "Percepat penyerapan anggaran triwulan II."
    assert "Dinas Kesehatan" in label and "Dinas Pertanian" in label  # the attendees
    tot = kabupaten_totals(recap_opd(march_store, 2026, 3))
    assert value("Pagu anggaran") == tot["pagu"]
    assert value("Realisasi keuangan") == tot["realisasi_keuangan"]
    # (a workbook keeps 15 significant digits)
    assert value("Realisasi keuangan (%)") == pytest.approx(tot["keuangan_pct"], rel=1e-13)
    assert value("Realisasi fisik (%)") == pytest.approx(tot["fisik_pct"], rel=1e-13)
    assert value("Target fisik (%)") == pytest.approx(tot["target_fisik_pct"], rel=1e-13)
    assert value("Deviasi fisik (poin)") == pytest.approx(tot["deviasi"], rel=1e-13)
    assert value("OPD yang telah melapor") == f"{tot['opd_reported']} dari {tot['opd_total']} OPD" == "2 dari 8 OPD"
    assert ws.cell(row=label["Pagu anggaran"][0], column=3).number_format == "#,##0"
    # the decisions table: all three, the cancelled one with its reason, the overdue one in bold red
    header = next(r for (r, c), v in cells.items() if v == "Keputusan / Tindak Lanjut")
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 9)] for r in range(header + 1, header + 4)]
    assert [r[1] for r in rows] == ["Dinas Kesehatan", "Dinas Pertanian", "Dinas Pertanian"]
    assert [r[3] for r in rows] == [
        "Lelang ulang alat kesehatan",
        "Teguran tertulis kepada penyedia",
        "Koordinasi dengan distributor",
    ]
    assert [r[4] for r in rows] == ["Kadinkes", "PPK Distan", "Kabid PSP"]
    assert rows[0][5] == dt.datetime(2026, 4, 30) and rows[2][5] == "-"
    assert ws.cell(row=header + 1, column=6).number_format == "DD-MM-YYYY"
    assert [r[6] for r in rows] == ["Belum ditindaklanjuti", "Selesai", "Dibatalkan"]
    assert rows[0][7] == "Melewati batas waktu"
    assert rows[1][7] == "02-05-2026: Teguran dikirim"
    assert rows[2][7] == "Alasan batal: Ditangani dinas provinsi"
    assert ws.cell(row=header + 1, column=3).font.bold and ws.cell(row=header + 1, column=3).font.color.rgb.endswith(
        "C62828"
    )
    assert not ws.cell(row=header + 2, column=3).font.bold
    assert "Drs. Ahmad Fauzi, M.Si" in texts and "NIP. 19700101 199503 1 001" in texts
    assert "Tanjung Makmur, 10 Mei 2026" in texts
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4


def test_rakor_docx_has_the_sections_numbers_and_decisions(march_store, opds):
    import io

    import docx

    from core.format import percent, points, rupiah
    from core.recap import kabupaten_totals, recap_opd
    from exports.rakor_report import TITLE, rakor_docx

    rid = _report_meeting(march_store, opds)
    doc = docx.Document(io.BytesIO(rakor_docx(march_store, rid, today=TODAY)))
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "PEMERINTAH KABUPATEN TANJUNG MAKMUR"
    assert TITLE in paras and "REALISASI FISIK DAN KEUANGAN S.D. AKHIR BULAN MARET 2026" in paras
    for heading in (
        "I. DASAR",
        "II. WAKTU DAN TEMPAT",
        "III. PESERTA (2 OPD)",
        "IV. RINGKASAN REALISASI S.D. AKHIR BULAN MARET 2026",
        "V. PERMASALAHAN DAN KEPUTUSAN / TINDAK LANJUT",
        "VI. PENUTUP",
    ):
        assert heading in paras, heading
    assert "Hari, tanggal\t: Selasa, 14 April 2026" in paras and "Tempat\t: Ruang Rapat Setda" in paras
    assert "Pimpinan rapat\t: Sekretaris Daerah" in paras
    assert ["1. Dinas Kesehatan", "2. Dinas Pertanian"] == [
        p for p in paras if p in ("1. Dinas Kesehatan", "2. Dinas Pertanian")
    ][-2:]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    summary = dict(r for r in tables[0][1:])
    tot = kabupaten_totals(recap_opd(march_store, 2026, 3))
    assert summary["Pagu anggaran"] == rupiah(tot["pagu"])
    assert summary["Realisasi keuangan"] == rupiah(tot["realisasi_keuangan"])
    assert summary["Realisasi keuangan (%)"] == percent(tot["keuangan_pct"])
    assert summary["Realisasi fisik (%)"] == percent(tot["fisik_pct"])
    assert summary["Target fisik (%)"] == percent(tot["target_fisik_pct"])
    assert summary["Deviasi fisik (poin)"] == points(tot["deviasi"])
    assert summary["OPD yang telah melapor"] == "2 dari 8 OPD"
    dinkes, distan = tables[1], tables[2]
    assert dinkes[0] == ["No", "Permasalahan", "Keputusan / Tindak Lanjut", "PIC", "Batas Waktu", "Status"]
    assert dinkes[1] == [
        "1",
        "Serapan belanja modal rendah",
        "Lelang ulang alat kesehatan",
        "Kadinkes",
        "30-04-2026",
        "Belum ditindaklanjuti - Melewati batas waktu",
    ]
    assert [r[2] for r in distan[1:]] == ["Teguran tertulis kepada penyedia", "Koordinasi dengan distributor"]
    assert [r[5] for r in distan[1:]] == [
        "Selesai - 02-05-2026: Teguran dikirim",
        "Dibatalkan - Alasan batal: Ditangani dinas provinsi",
    ]
    run = doc.tables[1].rows[1].cells[1].paragraphs[0].runs[0]
    assert run.bold and str(run.font.color.rgb) == "C62828"  # overdue stands out
    sign = [p.text for p in doc.tables[-1].rows[0].cells[1].paragraphs]
    assert sign[0] == "Tanjung Makmur, 10 Mei 2026" and "Drs. Ahmad Fauzi, M.Si" in sign
    assert "NIP. 19700101 199503 1 001" in sign


def test_report_of_an_unknown_meeting_is_refused(march_store):
    from exports.rakor_report import UnknownRakor, rakor_docx

    with pytest.raises(UnknownRakor, match="Rakor nomor 99 tidak ditemukan"):
        rakor_docx(march_store, 99)


# --------------------------------------------------------------------------- Rekap OPD shows the open follow-ups
def test_rekap_page_counts_open_follow_ups_and_lists_them_for_the_opd(app_store):
    from test_pages import new_app, run

    opds = {o.nama: o.kode for o in app_store.opds()}
    _, a, _ = _recorded_meeting(app_store, opds)
    at = run(new_app(query={"tahun": "2026", "bulan": "3"}))
    at.switch_page("views/rekap.py")
    run(at)
    table = at.dataframe[0].value.set_index("OPD")
    assert table.loc["Dinas Kesehatan", "TL terbuka"] == "1 (1 terlambat)"
    assert table.loc["Dinas Pertanian", "TL terbuka"] == "1"
    assert table.loc["JUMLAH", "TL terbuka"] == "2 (1 terlambat)"
    assert (table["TL terbuka"] == "-").sum() == len(table) - 3  # every other OPD: none
    # drill into Dinas Kesehatan: its open follow-up is listed and marked overdue
    row = list(at.dataframe[0].value["OPD"]).index("Dinas Kesehatan")
    at.session_state["rekap_opd"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    run(at)
    assert any(
        "Tindak lanjut hasil Rakor yang belum selesai - Dinas Kesehatan** (1, terlambat 1)" in m.value
        for m in at.markdown
    )
    listed = _table(at, "Terlambat")
    assert listed["Keputusan / tindak lanjut"].tolist() == ["Percepat lelang"]
    assert listed["Terlambat"].tolist() == ["⚠ Terlambat"] and "OPD" not in listed.columns
    # once done it is no longer counted
    tl.update_status(app_store, ADMIN, a, "done", "Kontrak ditandatangani")
    run(at)
    table = at.dataframe[0].value.set_index("OPD")
    assert table.loc["Dinas Kesehatan", "TL terbuka"] == "-"
    assert table.loc["JUMLAH", "TL terbuka"] == "1"
