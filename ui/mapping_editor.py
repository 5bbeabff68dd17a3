"""The column mapping editor of the Impor page (issue 16): for a file the engine is unsure of, the
user picks the header row(s) and assigns each field to a column (letter, header path, sample
values); the preview is recomputed at once, and only a confirmed mapping lets the file in.

The pure helpers (grid, header rows, column choices) are tested without Streamlit.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.format import cell_text, percent, rupiah
from etl import pipeline
from etl.columns import FIELD_LABEL
from etl.issues import Rejected, column_letter
from etl.mapping import MAPPABLE, Mapping, header_from_mapping
from etl.pipeline import FileAnalysis, Master
from etl.reader import Sheet, read_sheets
from etl.sniff import sniff
from ui.import_session import mapping_key
from ui.preview import HINT_CODES
from ui.safe import md_escape

# The fields offered, in the order a report lists them (the required ones first).
EDITOR_FIELDS = (
    "kode",
    "nama",
    "pagu",
    "realisasi_keuangan",
    "realisasi_fisik",
    "target_fisik",
    "target_keuangan",
    "permasalahan",
    "solusi",
    "sumber_dana",
    "lokasi",
    "jenis",
    "kode_rekening",
)
REQUIRED = ("pagu", "realisasi_keuangan")
GRID_ROWS = 14  # rows of the sheet shown to pick the header from


def read_grid(name: str, data: bytes) -> list[Sheet]:
    """The visible sheets of an upload (empty when it cannot be read: the file is refused anyway)."""
    try:
        return read_sheets(name, data, sniff(name, data))
    except Rejected:
        return []


def guess_header_rows(sheet: Sheet) -> tuple[int, int]:
    """1-based first and last header rows to start from: the row with most text labels among the
    first 30 (a mere starting point; the user decides)."""
    best, best_n = 0, -1
    for i, row in enumerate(sheet.rows[:30]):
        n = sum(1 for v in row if isinstance(v, str) and v.strip())
        if n > best_n:
            best, best_n = i, n
    first = sheet.sheet_row(best)
    return first, first


def column_choices(sheet: Sheet, header_rows: list[int]) -> list[dict]:
    """Every column of ``sheet`` under the header ``header_rows`` (1-based): letter, header path
    and up to 3 sample values."""
    try:
        header = header_from_mapping(sheet, Mapping({}, header_rows, sheet.name))
    except Rejected:
        return []
    width = max((len(r) for r in sheet.rows), default=0)
    below = sheet.rows[header.data_start : header.data_start + 12]
    out = []
    for j in range(width):
        samples = [r[j] for r in below if j < len(r) and r[j] not in (None, "")][:3]
        out.append(
            dict(
                letter=column_letter(sheet.col0 + j),
                header=header.labels.get(j, ""),
                samples=[_short(v) for v in samples],
            )
        )
    return out


def _short(value: object, width: int = 24) -> str:
    text = " ".join(cell_text(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def choice_label(choice: dict | None) -> str:
    """ "E · FISIK › REAL · contoh: 30; 40; 55" (plain text: select box options are not markdown)."""
    if choice is None:
        return "- tidak ada / pilih kolom -"
    head = choice["header"] or "(tanpa judul)"
    samples = "; ".join(choice["samples"]) or "kosong"
    return f"{choice['letter']} · {head} · contoh: {samples}"


def grid_frame(sheet: Sheet, around: int) -> pd.DataFrame:
    """A few rows of the sheet around ``around`` (1-based), column letters as headers, the sheet's
    row numbers as the first column: what the user picks the header rows from."""
    start = max(0, around - sheet.row0 - 1 - 3)
    rows = sheet.rows[start : start + GRID_ROWS]
    width = max((len(r) for r in rows), default=0)
    letters = [column_letter(sheet.col0 + j) for j in range(width)]
    data = [
        [sheet.sheet_row(start + i)] + ["" if v is None else _short(v, 30) for v in _padded(r, width)]
        for i, r in enumerate(rows)
    ]
    return pd.DataFrame(data, columns=["Baris"] + letters)


def _padded(row: list, width: int) -> list:
    return list(row) + [None] * (width - len(row))


def initial_fields(analysis: FileAnalysis) -> dict[str, str]:
    """The columns the engine was sure of (field -> letter), to start from; fields with two
    candidates start empty (never guessed)."""
    rep = next(iter(analysis.reports), None)
    if rep is None:
        return {}
    return {
        f: column_letter(rep.col0 + idx)
        for f, idx in rep.header.fields.items()
        if f in MAPPABLE and f not in rep.header.ambiguous and f != "no"
    }


def candidates_text(analysis: FileAnalysis) -> list[str]:
    """ "Realisasi Fisik (%): kolom E ('FISIK › REAL') atau kolom F ('FISIK › REAL')" per unsure field."""
    asked = pipeline.needs_mapping(analysis) or {}
    return [
        f"{FIELD_LABEL.get(f, f)}: "
        + " atau ".join(f"kolom {c['column']} ('{c['header']}', contoh {_samples(c['samples'])})" for c in cols)
        for f, cols in asked.items()
    ]


def _samples(values: list) -> str:
    return "; ".join(_short(v) for v in values) or "kosong"


# ---------------------------------------------------------------------------- Streamlit
def _grid(upload_id: str, name: str, data: bytes) -> list[Sheet]:
    cache = st.session_state.setdefault("mapping_grids", {})
    if upload_id not in cache:
        cache.clear()  # one file's grid at a time: the one being mapped
        cache[upload_id] = read_grid(name, data)
    return cache[upload_id]


def _preview(upload_id: str, name: str, data: bytes, master: Master, hints: dict, mapping: Mapping) -> FileAnalysis:
    cache = st.session_state.setdefault("mapping_previews", {})
    key = (upload_id, mapping_key(mapping), tuple(sorted(hints.items())))
    if key not in cache:
        if len(cache) > 20:
            cache.clear()
        cache[key] = pipeline.analyse(name, data, master, mapping=mapping, **hints)
    return cache[key]


def mapping_editor(
    upload_id: str,
    analysis: FileAnalysis,
    data: bytes,
    master: Master,
    hints: dict,
    is_admin: bool,
    layout_default: str,
) -> None:
    """The editor for one upload; a confirmed mapping goes to ``st.session_state["mappings"]``
    (the page reads the file with it) and the wish to remember it to ``["remember"]``."""
    sheets = [s for s in _grid(upload_id, analysis.name, data) if s.rows]
    if not sheets:
        st.error("Isi berkas tidak dapat dibaca untuk dipetakan.", icon=":material/block:")
        return
    for line in candidates_text(analysis):
        st.info("Pantau ragu menentukan kolom " + md_escape(line) + ". Pilih kolom yang benar.", icon=":material/help:")
    k = f"map_{upload_id}_"
    rep = next(iter(analysis.reports), None)
    names = [s.name or "" for s in sheets]
    start_sheet = rep.sheet if rep is not None and rep.sheet in names else names[0]
    if len(sheets) > 1:
        sheet_name = st.selectbox("Lembar", names, index=names.index(start_sheet), key=k + "sheet")
    else:
        sheet_name = names[0]
    sheet = sheets[names.index(sheet_name)]
    if rep is not None and rep.sheet == sheet.name:
        first0, last0 = sheet.sheet_row(rep.header.first), sheet.sheet_row(rep.header.last)
    else:
        first0, last0 = guess_header_rows(sheet)
    top, bottom = sheet.row0 + 1, sheet.row0 + len(sheet.rows)

    st.markdown("**1. Baris judul kolom**")
    c1, c2 = st.columns(2)
    first = int(c1.number_input("Baris judul pertama", top, bottom, value=first0, key=k + "first"))
    last = int(c2.number_input("Baris judul terakhir", top, bottom, value=max(last0, first), key=k + "last"))
    last = max(last, first)
    st.dataframe(grid_frame(sheet, first), hide_index=True, width="stretch", height=260)
    rows = list(range(first, last + 1))
    choices = column_choices(sheet, rows)
    by_letter = {c["letter"]: c for c in choices}

    st.markdown("**2. Kolom untuk setiap isian**")
    st.caption("Isian bertanda * wajib. Kode atau uraian sub kegiatan wajib salah satu.")
    start = initial_fields(analysis) if rep is not None and rep.sheet == sheet.name else {}
    options = [""] + list(by_letter)
    unsure = set(rep.header.ambiguous) if rep is not None else set()  # the engine asked: the user answers
    fields: dict[str, str] = {}
    cols = st.columns(2)
    for n, f in enumerate(EDITOR_FIELDS):
        label = FIELD_LABEL.get(f, f) + (" *" if f in REQUIRED or f in unsure else "")
        default = start.get(f, "")
        picked = cols[n % 2].selectbox(
            label,
            options,
            index=options.index(default) if default in options else 0,
            key=k + "f_" + f,
            format_func=lambda letter: choice_label(by_letter.get(letter)),
        )
        if picked:
            fields[f] = picked
    draft = Mapping(fields, rows, sheet.name)

    st.markdown("**3. Pratinjau dengan pemetaan ini**")
    missing = [FIELD_LABEL.get(f, f) for f in (*REQUIRED, *sorted(unsure - set(REQUIRED))) if f not in fields]
    if "kode" not in fields and "nama" not in fields:
        missing.insert(0, "Kode atau Uraian")
    twice = sorted({x for x in fields.values() if list(fields.values()).count(x) > 1})
    if missing:
        st.warning("Belum dipilih: " + ", ".join(missing) + ".", icon=":material/help:")
        return
    if twice:
        st.warning("Satu kolom dipilih untuk dua isian: kolom " + ", ".join(twice) + ".", icon=":material/help:")
        return
    result = _preview(upload_id, analysis.name, data, master, hints, draft)
    reps = result.reports
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Lembar": r.sheet or "-",
                    "Periode": f"{r.month or '-'}/{r.year or '-'}",
                    "OPD": r.opd.nama if r.opd else (r.opd_text or "-"),
                    "Baris sub kegiatan": r.rows,
                    "Pagu": rupiah(r.pagu),
                    "Realisasi keuangan": rupiah(r.realisasi_keuangan),
                    "Fisik": percent(r.fisik_pct),
                }
                for r in reps
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    blocking = [e for e in result.errors if e.code not in HINT_CODES]  # the OPD or period: asked after
    for err in blocking:
        st.error(md_escape(err.message), icon=":material/block:")
    remember = st.checkbox("Ingat format kolom ini untuk laporan berikutnya", value=True, key=k + "remember")
    name = shared = None
    if remember:
        name = st.text_input("Nama format", value=layout_default, max_chars=80, key=k + "name")
        shared = is_admin and st.checkbox("Berlaku untuk semua OPD", key=k + "shared")
    if st.button("Konfirmasi pemetaan kolom", type="primary", disabled=bool(blocking), key=k + "confirm"):
        st.session_state.setdefault("mappings", {})[upload_id] = draft
        remembered = st.session_state.setdefault("remember", {})
        if remember and name:
            remembered[upload_id] = (name, bool(shared))
        else:
            remembered.pop(upload_id, None)
        st.rerun()
