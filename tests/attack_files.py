"""Attack files of issue 15 item 2, generated when the tests run (no binaries in the repository):
small uploads crafted to make a parser exhaust the server's memory or time.

``python tests/attack_files.py write DIR`` writes every file into DIR;
``python tests/attack_files.py measure FILE`` analyses one file in this process (as the app does)
and prints JSON: the outcome, the issue codes and message, the seconds taken and the peak RSS of
the whole process (``resource.getrusage``). ``tests/test_attack_files.py`` runs ``measure`` in a
fresh process per file and holds each to the budget (refused, < 10 s, < 600 MB).
"""

from __future__ import annotations

import io
import json
import resource
import struct
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------- HTML tables saved as .xls
_HTML_HEAD = (
    "<html><head><meta charset='utf-8'></head><body><h3>LAPORAN REALISASI FISIK DAN KEUANGAN</h3>"
    "<table border=1><tr><th>Kode</th><th>Uraian</th><th>Pagu</th><th>Realisasi</th></tr>"
)


def html_colspan(mb: float = 1.4) -> bytes:
    """Rows of ``<td colspan=1000>``: each 20 bytes of HTML asked for 1000 cells (1.4 MB grew the
    app by 1.1 GB; 12.4 MB killed it at 5.9 GB)."""
    cell = "<td colspan=1000>1</td>"
    row = "<tr>" + cell * 40 + "</tr>\n"
    n = int(mb * 1024**2) // len(row)
    return (_HTML_HEAD + row * n + "</table></body></html>").encode()


def html_rowspan(mb: float = 1.0) -> bytes:
    """One cell spanning 1000 columns and 100.000 rows, then many empty rows it fills."""
    body = "<tr><td colspan=1000 rowspan=100000>x</td></tr>\n" + "<tr></tr>" * (int(mb * 1024**2) // 9)
    return (_HTML_HEAD + body + "</table></body></html>").encode()


def html_many_tables(mb: float = 5.0) -> bytes:
    """Hundreds of thousands of tables, each with one wide row."""
    one = "<table><tr><td colspan=1000>1</td></tr></table>"
    return ("<html><body>" + one * (int(mb * 1024**2) // len(one)) + "</body></html>").encode()


# ---------------------------------------------------------------------------- zips that lie about sizes
def _deflate_repeated(head: bytes, unit: bytes, total: int, tail: bytes) -> bytes:
    """A raw deflate stream of ``head`` + ``unit`` repeated to ``total`` bytes + ``tail``, made
    without compressing ``total`` bytes: after a full flush a block does not depend on what came
    before, so one compressed block of 1 MB of ``unit`` is repeated."""
    chunk = unit * (1024**2 // len(unit))
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [first.compress(head) + first.flush(zlib.Z_FULL_FLUSH)]
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeated = block.compress(chunk) + block.flush(zlib.Z_FULL_FLUSH)
    out.append(repeated * (total // len(chunk)))
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    out.append(last.compress(tail) + last.flush())
    return b"".join(out)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand: (name, raw deflate data, declared size, crc) per member; the
    declared size goes into both the local header and the central directory."""
    body, central = io.BytesIO(), io.BytesIO()
    for name, raw, declared, crc in members:
        offset = body.tell()
        encoded = name.encode()
        local = (b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(raw), declared, len(encoded), 0)
        body.write(struct.pack("<4sHHHHHIIIHH", *local))
        body.write(encoded + raw)
        central.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(raw),
                declared,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded)
    cd = central.getvalue()
    n = len(members)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(cd), body.tell(), 0)
    return body.getvalue() + cd + end


def _plain(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), len(data), zlib.crc32(data)


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Realisasi" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>'
)
_SHEET_TAIL = b"</t></is></c></row></sheetData></worksheet>"
_SMALL_SHEET = _SHEET_HEAD + b"Pagu" + _SHEET_TAIL
_CELLS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
)
_CELLS_TAIL = b"</row></sheetData></worksheet>"
_SST_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
)
_SST_TAIL = b"</t></si></sst>"
_SMALL_SST = _SST_HEAD + b"Kode" + _SST_TAIL


def xlsx_lying_member(member: str = "xl/worksheets/sheet1.xml", inflated: int = 1024**3) -> bytes:
    """An .xlsx whose ``member`` says 17 KB in both headers and inflates to ``inflated`` bytes: a
    sheet of tens of millions of cells, or one huge shared text (1 GB made the app reach 2.2 GB
    before the file was called corrupt)."""
    members = []
    for name, data in (
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _RELS),
        ("xl/workbook.xml", _WORKBOOK),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ("xl/sharedStrings.xml", _SMALL_SST),
        ("xl/worksheets/sheet1.xml", _SMALL_SHEET),
    ):
        if name == member and "sharedStrings" in name:  # one huge text
            members.append((name, _deflate_repeated(_SST_HEAD, b"A", inflated, _SST_TAIL), 17 * 1024, 0))
        elif name == member:  # tens of millions of cells in one row
            cells = _deflate_repeated(_CELLS_HEAD, b"<c><v>1</v></c>", inflated, _CELLS_TAIL)
            members.append((name, cells, 17 * 1024, 0))
        else:
            members.append((name, *_plain(data)))
    return _zip(members)


def html_dense(mb: float = 23.0) -> bytes:
    """Millions of tiny cells, under the upload limit: the HTML parser (pure Python) would take a
    minute; it stops after its CPU budget."""
    row = "<tr>" + "<td>1</td>" * 100 + "</tr>\n"
    return (_HTML_HEAD + row * (int(mb * 1024**2) // len(row)) + "</table></body></html>").encode()


def ods_lying_content(inflated: int = 1024**3) -> bytes:
    """An .ods whose content.xml says 17 KB and inflates to 1 GB of cells."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
        b'<table:table table:name="Realisasi"><table:table-row>'
    )
    tail = b"</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    unit = b"<table:table-cell><text:p>1</text:p></table:table-cell>"
    return _zip(
        [
            ("mimetype", *_plain(b"application/vnd.oasis.opendocument.spreadsheet")),
            ("content.xml", _deflate_repeated(head, unit, inflated, tail), 17 * 1024, 0),
        ]
    )


def csv_wide(mb: float = 20.0) -> bytes:
    """A CSV of a few lines holding millions of empty cells (only separators)."""
    line = ";" * (int(mb * 1024**2) // 4) + "\n"
    return ("kode;uraian;pagu;realisasi\n" + line * 4).encode()


def csv_long_cell() -> bytes:
    """A CSV cell longer than the csv module's field limit (131.072 characters): an opening quote
    never closed, as a careless export leaves it."""
    return ('kode;uraian;pagu\n1.02.01.2.01.0001;"Penyusunan dokumen' + " x" * 70_000 + ";1000\n").encode()


# file name -> (maker, the issue code of its refusal)
ATTACKS = {
    "tabel_colspan_1_4mb.xls": (lambda: html_colspan(1.4), "used_range_too_large"),
    "tabel_colspan_12mb.xls": (lambda: html_colspan(12.4), "used_range_too_large"),
    "tabel_rowspan.xls": (lambda: html_rowspan(1.0), "used_range_too_large"),
    "tabel_banyak.xls": (lambda: html_many_tables(5.0), "used_range_too_large"),
    "tabel_padat.xls": (lambda: html_dense(23.0), "html_too_large"),
    "sheet_bohong_1gb.xlsx": (lambda: xlsx_lying_member("xl/worksheets/sheet1.xml"), "zip_bomb"),
    "sharedstrings_bohong_1gb.xlsx": (lambda: xlsx_lying_member("xl/sharedStrings.xml"), "zip_bomb"),
    "content_bohong_1gb.ods": (ods_lying_content, "zip_bomb"),
    "csv_lebar.csv": (lambda: csv_wide(20.0), "used_range_too_large"),
    "csv_sel_panjang.csv": (csv_long_cell, "cell_too_long"),
}


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (make, _) in ATTACKS.items():
        path = folder / name
        path.write_bytes(make())
        paths.append(path)
    return paths


def measure(path: Path) -> dict:
    """Analyse ``path`` in this process as the app does; outcome, seconds and peak RSS (MB)."""
    sys.path.insert(0, str(ROOT))
    from etl.pipeline import Master, analyse

    master = Master([], {})
    data = path.read_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    analysis = analyse(path.name, data, master)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "file": path.name,
        "size_mb": round(len(data) / 1024**2, 2),
        "rejected": analysis.rejected,
        "codes": [i.code for i in analysis.errors],
        "message": analysis.errors[0].message if analysis.errors else "",
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        for p in write(Path(sys.argv[2])):
            print(p, p.stat().st_size)
    elif len(sys.argv) == 3 and sys.argv[1] == "measure":
        print(json.dumps(measure(Path(sys.argv[2])), ensure_ascii=False))
    else:
        print(__doc__)
        sys.exit(2)
