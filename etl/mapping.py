"""Column mappings a person confirmed, and the layouts remembered from them (issue 16).

A mapping says, for one file, which rows are the header and which column holds which field:
``{"sheet": "Progres", "header_rows": [5], "fields": {"kode": "B", "pagu": "D", ...}}`` (rows
1-based, columns as letters, sheet optional). Saved as a *layout*, it is kept as a signature of the
header block (its normalised labels, position-free) and a field -> header-path map, so that next
month's file with the same header is read the same way wherever the table starts.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from .columns import SEP, Header, block_paths, data_start_after
from .issues import column_letter, reject
from .reader import Sheet
from .text import norm

# Fields a mapping may assign (the preview's select boxes offer these).
MAPPABLE = (
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
    "no",
    "kode_rekening",
)


@dataclass
class Mapping:
    """A confirmed mapping of one file (see the module docstring)."""

    fields: dict[str, str]  # field -> column letter
    header_rows: list[int]  # 1-based sheet rows of the header block
    sheet: str | None = None

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        """Read ``--mapping FILE.json``; a bad mapping is refused with what is wrong."""
        try:
            data = json.loads(text)
            fields = {str(k): str(v).strip().upper() for k, v in data["fields"].items()}
            rows = [int(r) for r in data["header_rows"]]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise reject(
                "bad_mapping",
                "Berkas pemetaan kolom tidak dapat dibaca: harus JSON seperti "
                '{"sheet": "Progres", "header_rows": [5], "fields": {"kode": "B", "pagu": "D"}} '
                f"({type(exc).__name__}).",
            ) from None
        unknown = sorted(set(fields) - set(MAPPABLE))
        bad = [v for v in fields.values() if not v.isalpha() or len(v) > 3]
        if unknown or bad or not rows or min(rows) < 1:
            raise reject(
                "bad_mapping",
                "Pemetaan kolom tidak valid: "
                + "; ".join(
                    x
                    for x in (
                        unknown and f"isian tidak dikenal {', '.join(unknown)} (pilihan: {', '.join(MAPPABLE)})",
                        bad and f"kolom harus huruf, mis. 'B' (tertulis: {', '.join(bad)})",
                        (not rows or min(rows) < 1) and "header_rows harus nomor baris mulai 1",
                    )
                    if x
                ),
            )
        return cls(fields, sorted(rows), data.get("sheet"))


def _col_index(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n - 1


def header_from_mapping(sheet: Sheet, mapping: Mapping) -> Header:
    """The :class:`Header` a mapping gives on ``sheet``: its rows, its fields, the paths of its
    columns (for the preview); data start under it, after a column-number row if any."""
    first = mapping.header_rows[0] - sheet.row0 - 1
    last = mapping.header_rows[-1] - sheet.row0 - 1
    if first < 0 or last >= len(sheet.rows):
        raise reject(
            "bad_mapping",
            f"Baris judul {mapping.header_rows} berada di luar tabel lembar '{sheet.name}'.",
            sheet=sheet.name,
        )
    paths = block_paths(sheet, first, last)
    labels = {idx: SEP.join(parts) for idx, parts in paths.items()}
    fields = {f: _col_index(letter) - sheet.col0 for f, letter in mapping.fields.items()}
    outside = [f"{f} ({mapping.fields[f]})" for f, idx in fields.items() if idx < 0]
    if outside:
        raise reject("bad_mapping", f"Kolom di luar tabel: {', '.join(outside)}.", sheet=sheet.name)
    data_start = data_start_after(sheet.rows, last)
    return Header(first, last, fields, labels, [], data_start, notes=["pemetaan kolom dikonfirmasi pengguna"])


def signature(header: Header) -> str:
    """A position-free signature of a header block: its normalised paths in column order."""
    text = "|".join(norm(label) for _, label in sorted(header.labels.items()) if norm(label))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Layout:
    """A remembered layout: its name, the OPD it belongs to (``None``: everyone), the signature of
    its header block and, per field, the header path of its column."""

    name: str
    signature: str
    paths: dict[str, str]
    height: int = 1  # rows of the header block
    opd_kode: str | None = None
    id: int | None = None
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The layout as exported by ``python -m etl layouts export``."""
        return dict(name=self.name, signature=self.signature, paths=self.paths, height=self.height, opd=self.opd_kode)

    @classmethod
    def from_dict(cls, data: dict) -> Layout:
        return cls(
            str(data["name"]), str(data["signature"]), dict(data["paths"]), int(data.get("height", 1)), data.get("opd")
        )


def layout_from(header: Header, name: str, opd_kode: str | None) -> Layout:
    """The layout a confirmed header makes (fields by header path, not by letter)."""
    return Layout(name, signature(header), _paths_of(header), header.last - header.first + 1, opd_kode)


def _paths_of(header: Header) -> dict[str, str]:
    """Field -> header path of its column; a path that several columns share gets its
    occurrence ("FISIK › REAL [2]": the second column so headed)."""
    out = {}
    for f, c in header.fields.items():
        label = header.labels.get(c, "")
        same = sorted(i for i, lab in header.labels.items() if lab == label)
        out[f] = label if len(same) < 2 else f"{label} [{same.index(c) + 1}]"
    return out


def find_layout(sheet: Sheet, layouts: list[Layout], scan_rows: int = 40) -> tuple[Header, Layout] | None:
    """The first remembered layout whose header block is on ``sheet`` (anywhere in its first
    ``scan_rows`` rows), with the header it gives; ``None`` when none is."""
    for layout in layouts:
        for first in range(min(scan_rows, len(sheet.rows))):
            last = first + layout.height - 1
            if last >= len(sheet.rows) or not any(isinstance(v, str) for v in sheet.rows[first]):
                continue
            paths = block_paths(sheet, first, last)
            labels = {idx: SEP.join(parts) for idx, parts in paths.items()}
            probe = Header(first, last, {}, labels)
            if signature(probe) != layout.signature:
                continue
            probe.data_start = data_start_after(sheet.rows, last)
            header = apply_layout(probe, layout, sheet)
            if header is not None:
                return header, layout
    return None


def apply_layout(header: Header, layout: Layout, sheet: Sheet) -> Header | None:
    """``header`` read with a remembered layout: each field from the column with the layout's
    path; ``None`` when a path is no longer there (then the file is not this layout)."""
    by_path: dict[str, list[int]] = {}
    for idx, label in sorted(header.labels.items()):
        by_path.setdefault(label, []).append(idx)
    fields = {}
    for f, path in layout.paths.items():
        m = re.fullmatch(r"(.*) \[(\d+)\]", path)
        label, nth = (m.group(1), int(m.group(2))) if m else (path, 1)
        cols = by_path.get(label, [])
        if len(cols) < nth:
            return None
        fields[f] = cols[nth - 1]
    letters = ", ".join(f"{f}={column_letter(sheet.col0 + i)}" for f, i in fields.items())
    return Header(
        header.first,
        header.last,
        fields,
        header.labels,
        header.ignored,
        header.data_start,
        notes=[f"format dikenal: {layout.name} ({letters})"],
    )
