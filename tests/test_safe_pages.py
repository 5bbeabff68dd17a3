"""No user-supplied text is rendered as markdown or HTML on any page (issue 15, item 4).

Markdown and HTML payloads go in through every field that reaches a page: the OPD name and a sub
kegiatan name of a DPA, permasalahan and solusi of a report, the report's file name, a kinerja
indicator name of the Perjanjian Kinerja, the notes of a rakor and its tindak lanjut, and a user's
full name (also the signed-in admin's own). Then every page is walked as that admin (AppTest,
signed in through a real session token) and every text Streamlit reads as markdown (bodies of
markdown, captions, alerts, headings and toasts; labels and help of widgets, expanders, tabs and
metrics; radio options) is rendered with markdown-it: no link or image of a payload, no raw
``<img``, no bold. The escaping itself is unit-tested in tests/test_safe_text.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from kinerja_support import PK, edit_workbook
from test_pages import PASSWORD, new_app, run

from core import tindak_lanjut as tl
from core.access import User
from core.auth import create_user
from db.store import Store
from etl.pipeline import ingest_paths
from scripts import synth

markdown_it = pytest.importorskip("markdown_it")

IMG = "![x](http://evil.example/x.png)"
LINK = "[Klik untuk verifikasi akun](http://evil.example)"
HTML = "<img src=x onerror=alert(1)>"
BOLD = "**tebal**"
PAYLOAD = f"{LINK} {IMG} {HTML} {BOLD}"
# one tag per field, so the walk can tell that each field did reach a page
FIELDS = {
    "opd": "Dinas Ujicoba",
    "sub": "Subkeg Ujicoba",
    "masalah": "Masalah Ujicoba",
    "solusi": "Solusi Ujicoba",
    "file": "Berkas Ujicoba",
    "indikator": "Indikator Ujicoba",
    "rakor": "Rakor Ujicoba",
    "tindak_lanjut": "Keputusan Ujicoba",
    "user": "Admin Ujicoba",
}
PAGES = [
    "views/ringkasan.py",
    "views/rekap.py",
    "views/fisik.py",
    "views/status.py",
    "views/materi.py",
    "views/rakor.py",
    "views/permintaan.py",
    "views/kinerja_permintaan.py",
    "views/kinerja_isi.py",
    "views/kinerja_data.py",
    "views/kinerja_review.py",
    "views/impor.py",
    "views/pengaturan.py",
    "views/pengguna.py",
    "views/audit.py",
    "views/cadangan.py",
    "views/akun.py",
]
# proto messages whose text is shown as it is (code, plain text, the app's own HTML, JSON)
PLAIN = {"Code", "Text", "Html", "Json", "Exception", "Arrow", "DataFrame", "Skeleton", "Empty", "IFrame", "Image"}
MARKDOWN_FIELDS = {"body", "label", "help", "caption"}
MARKDOWN_LISTS = {"Radio": {"options", "captions"}}


def _md(field: str) -> str:
    return f"{FIELDS[field]} {PAYLOAD}"


def _repeated(field) -> bool:
    return field.is_repeated if hasattr(field, "is_repeated") else field.label == field.LABEL_REPEATED


def _markdown_texts(message, out: list[str]) -> None:
    """Every string of a proto message (and its sub-messages) that Streamlit renders as markdown."""
    kind = message.DESCRIPTOR.name
    if kind in PLAIN:
        return
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            for sub in value if _repeated(field) else [value]:
                _markdown_texts(sub, out)
        elif field.type == field.TYPE_STRING:
            if _repeated(field):
                if field.name in MARKDOWN_LISTS.get(kind, ()):
                    out.extend(value)
            elif field.name in MARKDOWN_FIELDS and value:
                out.append(value)


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _page_texts(at) -> tuple[list[str], str]:
    """(markdown texts of the page, every text of the page incl. dataframe cells)."""
    md: list[str] = []
    plain: list[str] = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            _markdown_texts(proto, md)
        if getattr(node, "type", "") in ("arrow_data_frame", "dataframe", "table"):
            try:
                plain.append(node.value.to_string())
            except Exception:  # noqa: BLE001 - a frame AppTest cannot read back
                pass
    return md, "\n".join(md + plain)


def _renderer():
    return markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _injected(md: str, html: str) -> list[str]:
    """What of a payload ``html`` (the rendering of ``md``) turned into markup."""
    found = []
    if "<img" in html:
        found.append("image")
    if re.search(r"<a [^>]*evil\.example", html) or "verifikasi akun</a>" in html:
        found.append("link")
    if "<strong>tebal</strong>" in html:
        found.append("bold")
    return found


@pytest.fixture
def poisoned(app_env, tmp_path):
    """An install whose every user-supplied field carries the payloads."""
    store = Store(app_env, data_dir=app_env.parent / "data")
    master = synth.make_master(7, 2, 3, year=2026)
    opd = master.opds[0]
    opd.nama = _md("opd")
    sub = opd.subs[0]
    sub.nama = _md("sub")
    curve = synth.realisasi_curve(master, opd, sub)
    curve[2] = dataclasses.replace(curve[2], permasalahan=_md("masalah"), solusi=_md("solusi"))
    dpa = tmp_path / "in" / "dpa_2026.xlsx"
    synth.write_dpa_xlsx(master, dpa)
    # a file name cannot hold '/': the link and the raw HTML still can
    report = tmp_path / "in" / f"{FIELDS['file']} [Klik untuk verifikasi akun](http:evil.example) {HTML} {BOLD}.xlsx"
    synth.write_report(master, opd, 2026, 3, "V1", report)
    other = synth.write_report(master, master.opds[1], 2026, 3, "V1", tmp_path / "in").path
    pk = tmp_path / "in" / "pk_2026.xlsx"
    pk.write_bytes(edit_workbook(PK, {(6, 3): _md("indikator")}))
    results = ingest_paths(store, [dpa, report, other, pk])
    assert all(r["status"] in ("accepted", "flagged") for r in results), [
        (r["file"], r["status"], r["issues"][:2]) for r in results
    ]
    kode = next(o.kode for o in store.opds() if o.nama == _md("opd"))

    admin = create_user(store, "test", "admin", _md("user"), "admin", PASSWORD, must_change_password=False)
    create_user(store, "test", "operator", _md("user"), "opd", PASSWORD, opd_kode=kode)
    who = User(admin.username, admin.nama, "admin")
    rid = tl.create_rakor(
        store,
        who,
        tanggal=dt.date(2026, 4, 14),
        tahun=2026,
        bulan=3,
        tempat="Ruang Rapat",
        pimpinan="Sekretaris Daerah",
        peserta=[kode],
        catatan=_md("rakor"),
        today=dt.date(2026, 4, 15),
    )
    adds = [
        dict(
            opd_kode=kode,
            masalah=_md("tindak_lanjut"),
            keputusan=_md("tindak_lanjut"),
            pic=_md("tindak_lanjut"),
            batas_waktu=dt.date(2026, 4, 30),
        )
    ]
    tl.save_decisions(store, who, rid, tl.DecisionChanges(adds=adds))
    program = next(p for p in opd.programs if any(sub in k.subs for k in p.kegiatan))
    kegiatan = next(k for k in program.kegiatan if sub in k.subs)
    return {"store": store, "program": program.nama, "kegiatan": kegiatan.nama}


def _select(at, key: str, tag: str) -> None:
    """Select the row of the dataframe ``key`` whose text holds ``tag`` (a drill-down click)."""
    for frame in at.dataframe:
        if key not in frame.proto.id:
            continue
        text = frame.value.astype(str).agg(" ".join, axis=1)
        rows = [i for i, t in enumerate(text) if tag in t.replace("\\", "")]
        assert rows, (key, tag, text.tolist())
        at.session_state[key] = {"selection": {"rows": [rows[0]], "columns": [], "cells": []}}
        run(at)
        return
    raise AssertionError(f"no table {key}")


def test_no_page_renders_a_payload_as_markdown(poisoned):
    md = _renderer()
    at = run(new_app(query={"tahun": "2026", "bulan": "3"}))
    seen: dict[str, str] = {"app.py": _page_texts(at)[1]}
    problems = []
    for page in ["app.py", *PAGES]:
        if page != "app.py":
            at.switch_page(page)
            run(at)
        texts, everything = _page_texts(at)
        seen[page] = seen.get(page, "") + everything
        for text in texts:
            bad = _injected(text, md.render(text))
            if bad:
                problems.append(f"{page}: {', '.join(bad)} in {text[:200]!r}")
    # Rekap OPD drilled down to the poisoned sub kegiatan: its permasalahan and solusi
    at.switch_page("views/rekap.py")
    run(at)
    for key, tag in (
        ("rekap_opd", FIELDS["opd"]),
        ("rekap_program", poisoned["program"]),
        ("rekap_kegiatan", poisoned["kegiatan"]),
        ("rekap_sub", FIELDS["sub"]),
    ):
        _select(at, key, tag)
    texts, everything = _page_texts(at)
    seen["views/rekap.py (rincian)"] = everything
    for text in texts:
        bad = _injected(text, md.render(text))
        if bad:
            problems.append(f"rekap (rincian): {', '.join(bad)} in {text[:200]!r}")
    assert not problems, "\n".join(problems)
    # the payloads did reach the pages (else the walk proves nothing)
    shown = "\n".join(seen.values()).replace("\\", "")
    missing = [f for f, tag in FIELDS.items() if tag not in shown]
    assert not missing, missing


def test_the_check_finds_an_unescaped_payload():
    """The walk's detector is not blind: the raw payload is flagged, its escaped form is not."""
    from ui.safe import md_escape

    md = _renderer()
    assert _injected(PAYLOAD, md.render(PAYLOAD)) == ["image", "link", "bold"]
    assert _injected(md_escape(PAYLOAD), md.render(md_escape(PAYLOAD))) == []


def test_markdown_texts_are_collected_from_labels_and_bodies():
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.Radio_pb2 import Radio

    out: list[str] = []
    _markdown_texts(Alert(body="a"), out)
    _markdown_texts(Radio(label="b", options=["c"], help="d"), out)
    assert sorted(out) == ["a", "b", "c", "d"]
