"""Read a sniffed file into plain sheets: a name and a grid of cell values.

The one place that touches spreadsheet parsers. Excel, ODS and legacy .xls go through
python-calamine (fast, reads cached formula values); CSV and HTML tables through the
standard library. Every grid keeps true sheet coordinates (``row0``/``col0`` offsets)
so that messages can name the real row and column.

python-calamine trusts sizes written inside the file: a 1 KB upload can make it allocate
tens of gigabytes and abort the whole process (a cell at XFD1048576, a huge shared-string
count, a damaged .xls sector table). So an .xlsx is checked here before calamine opens it,
and the formats that cannot be checked cheaply (.xls, .xlsb, .ods) are parsed in a child
process with a memory and time limit: a crash there rejects the file, never the server.
Every zip member is first inflated as a stream and measured by its actual size, never by the
size its headers state (:func:`_check_inflated`); HTML tables and CSV are bounded by the same
sheet limits as workbooks (cells and rows) while they are read.
"""

from __future__ import annotations

import copy
import csv
import html
import io
import pickle
import re
import subprocess
import sys
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import python_calamine

from .issues import Rejected, column_letter, reject
from .sniff import MAX_UNCOMPRESSED_BYTES, Sniffed

MAX_DATA_ROWS = 50_000
# Cells of one sheet's used range (rows x columns) that may be read into memory.
MAX_CELLS = 3_000_000
# Formats parsed in a child process (calamine cannot be protected against their bad input).
ISOLATED_FORMATS = ("xls", "xlsb", "ods")
CHILD_TIMEOUT_S = 60
CHILD_MEMORY_BYTES = 1024**3
_ROOT = str(Path(__file__).resolve().parent.parent)


@dataclass
class Sheet:
    """One sheet: ``rows[i][j]`` is the cell at sheet row ``row0 + i + 1`` (1-based)
    and column index ``col0 + j`` (0-based). Empty cells are ``None``."""

    name: str | None
    rows: list[list]
    row0: int = 0
    col0: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def sheet_row(self, i: int) -> int:
        """1-based row number in the original sheet (or CSV line) for grid row ``i``."""
        return self.row0 + i + 1


def read_sheets(name: str, data: bytes, sniffed: Sniffed, max_rows: int = MAX_DATA_ROWS) -> list[Sheet]:
    """Return every visible sheet of the file as a :class:`Sheet`."""
    reading = start_read(name, data, sniffed, max_rows)
    return reading.sheets(reading.parse())


@dataclass
class Reading:
    """A file read in three steps, so that the parser's heavy work can run on another thread:
    :func:`start_read` makes the checks that must pass before a parser touches the bytes,
    :meth:`parse` runs the parser (python-calamine, or a child process; it holds no Python
    lock, so other threads go on meanwhile), :meth:`sheets` turns its result into sheets."""

    name: str
    data: bytes
    sniffed: Sniffed
    max_rows: int
    patches: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)

    @property
    def parses(self) -> bool:
        """True when :meth:`parse` does real work (workbooks; CSV and HTML are read in :meth:`sheets`)."""
        return self.sniffed.format not in ("csv", "html")

    def parse(self) -> tuple | None:
        """The parser's result for :meth:`sheets` (``None`` for CSV and HTML). May raise :class:`Rejected`."""
        if not self.parses:
            return None
        if self.sniffed.format in ISOLATED_FORMATS:
            return _parse_isolated(self.name, self.data, self.max_rows)
        return _parse_book(self.data, self.max_rows)

    def sheets(self, parsed: tuple | None) -> list[Sheet]:
        """Every visible sheet, from :meth:`parse`'s result. May raise :class:`Rejected`."""
        fmt = self.sniffed.format
        if fmt == "csv":
            return [_read_csv(self.name, self.sniffed.text or "", self.max_rows)]
        if fmt == "html":
            return _read_html(self.name, self.sniffed.text or "", self.max_rows)
        assert parsed is not None  # parse() returns None only for CSV and HTML
        return _sheets_from(self.name, parsed, self.max_rows, self.patches)


def start_read(name: str, data: bytes, sniffed: Sniffed, max_rows: int = MAX_DATA_ROWS) -> Reading:
    """Begin reading a sniffed file: an .xlsx is checked here, before any parser opens it
    (see the module docstring). Raises :class:`Rejected` for a file that must not be parsed."""
    patches = {}
    if sniffed.format not in ("csv", "html", *ISOLATED_FORMATS):
        patches = _check_xlsx(name, data, max_rows, sniffed.archive)
    elif sniffed.archive is not None:  # .xlsb, .ods: measured before the child process inflates them
        _check_inflated(name, sniffed.archive)
    return Reading(name, data, sniffed, max_rows, patches)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# Characters that copy-paste from web pages leaves in cells and that nobody can see.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_NUMBER_LIKE = re.compile(r"[0-9.,%()+\- ]+")


def _unicode_text(value: str) -> str | None:
    """A non-ASCII text cell without invisible characters; a code or number typed in full-width
    digits ("１.０６.０２") becomes ASCII so that it is recognised."""
    value = value.translate(_INVISIBLE).strip()
    if value and not value.isascii():
        folded = unicodedata.normalize("NFKC", value)
        if folded.isascii() and _NUMBER_LIKE.fullmatch(folded):
            value = folded.strip()
    return value or None


def _clean_rows(rows) -> list[list]:
    """Grid rows with text stripped and empty or whitespace-only cells as ``None``."""
    return [
        [((v.strip() or None) if v.isascii() else _unicode_text(v)) if type(v) is str else v for v in row]
        for row in rows
    ]


def _too_many_rows(name: str, sheet: str | None, height: int, max_rows: int) -> Rejected:
    where = f"Lembar '{sheet}' pada berkas '{name}'" if sheet else f"Berkas '{name}'"
    return reject(
        "too_many_rows",
        f"{where} berisi {_thousands(height)} baris, melebihi batas "
        f"{_thousands(max_rows)} baris data. Satu laporan OPD biasanya di bawah 5.000 baris; periksa "
        "apakah berkas yang diunggah benar, atau pecah per OPD.",
        sheet=sheet,
        raw=str(height),
    )


def _range_too_large(name: str, sheet: str, rows: int, cols: int, last: str) -> Rejected:
    return reject(
        "used_range_too_large",
        f"Lembar '{sheet}' pada berkas '{name}' memakai area sampai sel {last} "
        f"({_thousands(rows)} baris x {_thousands(cols)} kolom), jauh lebih besar dari tabel laporan: "
        "ada isi atau spasi nyasar di sel yang jauh dari tabel. Di Excel tekan Ctrl+End untuk menemukan "
        "sel itu, hapus baris dan kolom kosong sesudah tabel, simpan, lalu unggah kembali.",
        sheet=sheet,
        raw=last,
    )


# ---------------------------------------------------------------------------- workbooks
def _fatal(exc: BaseException) -> bool:
    """True for exceptions that must propagate (Ctrl+C, exit); a parser panic does not."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit))


def _detail(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _parse_book(data: bytes, max_rows: int) -> tuple:
    """Parse a workbook with calamine into plain, picklable data.

    Returns ``("ok", sheets)`` with ``(name, visible, row0, col0, rows, merged)`` per worksheet
    (hidden sheets without rows), or ``("fail", kind, sheet, detail)``. Runs in this process for
    checked .xlsx files and in a child process for the other formats.
    """
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = list(book.sheets_metadata)
    except BaseException as exc:  # calamine raises several error types, and panics, for broken files
        if _fatal(exc):
            raise
        return ("fail", "open", None, _detail(exc))
    sheets: list[tuple[str, bool, int, int, list[list] | None, list]] = []
    for meta in metas:
        if not str(meta.typ).endswith("WorkSheet"):
            continue
        if not str(meta.visible).endswith(".Visible"):
            sheets.append((meta.name, False, 0, 0, None, []))
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
            height, width = sheet.height, sheet.width
            if height > max_rows + 50:
                return ("fail", "rows", meta.name, height)
            if height * width > MAX_CELLS:
                return ("fail", "cells", meta.name, (height, width, sheet.end))
            start = sheet.start or (0, 0)
            rows = sheet.to_python(skip_empty_area=True)
            merged = list(sheet.merged_cell_ranges or [])
        except BaseException as exc:
            if _fatal(exc):
                raise
            return ("fail", "sheet", meta.name, _detail(exc))
        sheets.append((meta.name, True, start[0], start[1], rows, merged))
    return ("ok", sheets)


def _sheets_from(
    name: str, parsed: tuple, max_rows: int, patches: dict[str, dict[tuple[int, int], str]] | None = None
) -> list[Sheet]:
    """Sheets from :func:`_parse_book`'s result, or the rejection it stands for."""
    if parsed[0] != "ok":
        _, kind, sheet, detail = parsed
        if kind == "rows":
            raise _too_many_rows(name, sheet, detail, max_rows)
        if kind == "cells":
            height, width, end = detail
            last = f"{column_letter(end[1])}{end[0] + 1}" if end else "?"
            raise _range_too_large(name, sheet, height, width, last)
        if "password" in str(detail).lower() or "encrypt" in str(detail).lower():
            raise reject(
                "encrypted",
                f"Berkas '{name}' dilindungi kata sandi. Buka di Excel, hapus kata sandi "
                "(File > Info > Protect Workbook), simpan, lalu unggah kembali.",
                raw=str(detail),
            )
        if kind == "sheet":
            raise reject(
                "corrupt_file",
                f"Lembar '{sheet}' pada berkas '{name}' rusak dan tidak dapat dibaca. "
                "Salin isinya ke buku kerja baru, simpan sebagai .xlsx, lalu unggah kembali.",
                sheet=sheet,
                raw=str(detail),
            )
        raise reject(
            "corrupt_file",
            f"Berkas '{name}' rusak atau tidak lengkap sehingga tidak dapat dibuka sebagai "
            "buku kerja. Buka di Excel, simpan ulang sebagai .xlsx, lalu unggah kembali; bila Excel juga "
            "gagal membukanya, minta kiriman ulang berkas aslinya.",
            raw=str(detail),
        )
    sheets, hidden = [], []
    for sheet_name, visible, row0, col0, rows, merged in parsed[1]:
        if not visible:
            hidden.append(sheet_name)
            continue
        grid = _clean_rows(rows)
        if patches and patches.get(sheet_name):
            grid, row0, col0 = _patch(grid, row0, col0, patches[sheet_name])
        sheets.append(Sheet(sheet_name, grid, row0, col0, merged))
    if not any(v is not None for s in sheets for row in s.rows for v in row):
        if hidden:
            names = ", ".join(f"'{h}'" for h in hidden)
            raise reject(
                "hidden_sheets_only",
                f"Lembar yang terlihat pada berkas '{name}' kosong; ada lembar "
                f"tersembunyi: {names}. Jika laporan ada di sana, tampilkan lembarnya (klik kanan tab "
                "lembar > Unhide), simpan, lalu unggah kembali.",
                sheet=hidden[0],
                raw=names,
            )
        raise reject(
            "no_cells",
            f"Berkas '{name}' tidak berisi data pada sel mana pun (mungkin hanya gambar, "
            "hasil pindaian, atau grafik). Unggah laporan yang angkanya diketik di sel Excel, bukan "
            "gambar.",
        )
    return sheets


def _patch(grid: list[list], row0: int, col0: int, cells: dict[tuple[int, int], str]):
    """Put ``cells`` ((0-based sheet row, column) -> text) into ``grid``, growing it as needed."""
    top = min([row0] + [r for r, _ in cells]) if grid else min(r for r, _ in cells)
    left = min([col0] + [c for _, c in cells]) if grid else min(c for _, c in cells)
    if grid and (top, left) != (row0, col0):
        grid = [[None] * (col0 - left) + row for row in grid]
        grid = [[] for _ in range(row0 - top)] + grid
    row0, col0 = top, left
    for (r, c), value in sorted(cells.items()):
        i, j = r - row0, c - col0
        while len(grid) <= i:
            grid.append([])
        row = grid[i]
        if len(row) <= j:
            row.extend([None] * (j + 1 - len(row)))
        row[j] = value
    width = max(len(row) for row in grid)
    for row in grid:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    return grid, row0, col0


# ---------------------------------------------------------------------------- .xlsx checks
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s([^>]*)>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
# Literal-prefix patterns (fast); the *_NS variants serve the rare files with a namespace prefix (<x:row>).
# Self-closed rows and cells (<row r="9"/>, <c r="XFD9" s="1"/>) hold no value: calamine does not count them.
_ROW_NUMBER = re.compile(rb'<row\s[^>]*?\br="(\d+)"[^>/]*>')
_ROW_NUMBER_NS = re.compile(rb'<\w+:row\s[^>]*?\br="(\d+)"[^>/]*>')
_WIDE_REF = re.compile(rb' r="([A-Z]{2,3})\d+"[^>/]*>')
_UNCACHED = re.compile(
    rb"<(?:\w+:)?c\s([^>]*?)>\s*<(?:\w+:)?f\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)"
    rb"\s*(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
# Where a formula without a saved value may be (plain substring tests, fast on large sheets);
# namespace-prefixed cells (<x:c>) are always checked with the full pattern.
_UNCACHED_HINTS = (b"</f></c>", b"<v/>", b"<v />", b"<v></v>", b"/></c>", b":c ")
_FORMULA = re.compile(rb"<f[\s>/]")
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s([^>]*?\bt="e"[^>/]*)>(.*?)</(?:\w+:)?c>', re.S)
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


def _attrs(raw: bytes) -> dict[str, str]:
    return {k.decode("ascii", "replace"): html.unescape(v.decode("utf-8", "replace")) for k, v in _ATTR.findall(raw)}


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _check_xlsx(
    name: str, data: bytes, max_rows: int, archive: zipfile.ZipFile | None = None
) -> dict[str, dict[tuple[int, int], str]]:
    """Refuse what would make calamine exhaust memory; return the cells calamine reads as empty
    although they are not: formulas without a saved value and error values (#DIV/0!).
    ``archive``: ``data`` already opened as a zip (by :func:`etl.sniff.sniff`)."""
    try:
        archive = archive or zipfile.ZipFile(io.BytesIO(data))
        _check_inflated(name, archive)  # every member by its actual size, before anything reads it
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            return {}
        if "xl/sharedStrings.xml" in names:
            info = archive.getinfo("xl/sharedStrings.xml")
            with archive.open(info) as fh:
                head = fh.read(2048)
            m = re.search(rb'\buniqueCount="(\d+)"', head)
            if m and int(m.group(1)) > info.file_size // 4 + 16:
                raise reject(
                    "corrupt_file",
                    f"Berkas '{name}' rusak: daftar teks bersama (sharedStrings) "
                    f"menyatakan {_thousands(int(m.group(1)))} teks padahal isinya jauh lebih kecil. Buka "
                    "di Excel, simpan ulang sebagai .xlsx, lalu unggah kembali.",
                    raw=m.group(1).decode(),
                )
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for raw in _REL_TAG.findall(archive.read("xl/_rels/workbook.xml.rels")):
                a = _attrs(raw)
                target = a.get("Target", "")
                target = (
                    target[1:]
                    if target.startswith("/xl/")
                    else (target if target.startswith("xl/") else "xl/" + target)
                )
                rels[a.get("Id")] = target
        patches: dict[str, dict[tuple[int, int], str]] = {}
        for raw in _SHEET_TAG.findall(archive.read("xl/workbook.xml")):
            a = _attrs(raw)
            if a.get("state", "visible") != "visible":
                continue
            rid = next((v for k, v in a.items() if k.endswith(":id")), None)
            part = rels.get(rid)
            if not part or part not in names or "/worksheets/" not in "/" + part:
                continue
            sheet_name = a.get("name", "")
            xml = _member(archive, name, part)
            _check_range(name, sheet_name, xml, max_rows)
            cells = _hidden_values(xml)
            if cells:
                patches[sheet_name] = cells
        return patches
    except Rejected:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError, NotImplementedError, RuntimeError):
        return {}  # calamine reports the damage with its own rejection below


def _member(archive: zipfile.ZipFile, name: str, part: str) -> bytes:
    """One member of the zip, inflated by :mod:`zipfile` and stopped at the limit of what all
    members may hold together: a member whose header lies about its size is refused as soon as
    it inflates past the limit, before it can fill the memory."""
    limit = MAX_UNCOMPRESSED_BYTES
    with archive.open(part) as fh:
        out = fh.read(limit + 1)
    if len(out) > limit:
        raise reject(
            "zip_bomb",
            f"Berkas '{name}' ditolak: isinya mengembang melebihi {limit // 1048576} MB saat dibuka "
            "(ukuran yang tertulis di berkas tidak benar). Simpan ulang dari Excel lalu unggah kembali.",
            raw=part,
        )
    return out


_CHUNK = 1024**2  # inflated bytes per step: what one step may allocate


def _check_inflated(name: str, archive: zipfile.ZipFile) -> None:
    """Inflate every member of the zip as a stream, 1 MB at a time and keeping nothing, and
    measure it by what it actually inflates to, never by the size its headers state (a header may
    say 17 KB for a member of 1 GB: zipfile stops there and calls it damaged, but other readers
    inflate it all). The file is refused as soon as all members together pass
    :data:`MAX_UNCOMPRESSED_BYTES`, before any parser gets it. A damaged or encrypted member is
    measured as far as it inflates (its parser reports the damage)."""
    left = MAX_UNCOMPRESSED_BYTES
    for info in archive.infolist():
        if info.is_dir():
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
            raise reject(
                "corrupt_file",
                f"Berkas '{name}' memakai cara pemadatan zip yang tidak dikenal (metode {info.compress_type}) "
                f"pada bagian {info.filename}, sehingga tidak dibuka demi keamanan. Buka di Excel, simpan ulang "
                "sebagai .xlsx, lalu unggah kembali.",
                raw=info.filename,
            )
        probe = copy.copy(info)
        probe.file_size = 1 << 62  # the stated size is not trusted: read until the data ends
        try:
            with archive.open(probe) as fh:
                while chunk := fh.read(_CHUNK):
                    left -= len(chunk)
                    if left < 0:
                        raise reject(
                            "zip_bomb",
                            f"Berkas '{name}' ditolak demi keamanan: isinya mengembang melebihi "
                            f"{MAX_UNCOMPRESSED_BYTES // 1048576} MB saat dibuka, padahal ukuran yang tertulis di "
                            "dalam berkas jauh lebih kecil (berkas rusak atau sengaja dibuat begitu). Simpan ulang "
                            "laporan dari Excel lalu unggah kembali.",
                            raw=info.filename,
                        )
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError, zlib.error):
            pass  # damaged (bad CRC, truncated) or encrypted: measured as far as it inflates


def _check_range(name: str, sheet: str, xml: bytes, max_rows: int) -> None:
    """The area calamine would allocate for this sheet: rows from <row r>, columns from cell refs."""
    if not _small_range(xml, max_rows):
        _count_range(name, sheet, xml, max_rows)


def _count_range(name: str, sheet: str, xml: bytes, max_rows: int) -> None:
    """:func:`_check_range` from every row number and every reference past column Z."""
    rows = _ROW_NUMBER.findall(xml)
    if b":row " in xml:
        rows += _ROW_NUMBER_NS.findall(xml)
    if not rows:
        return  # no row numbers: calamine counts the rows that are there
    numbers = [int(r) for r in rows]
    first, last = min(numbers), max(numbers)
    digits = len(str(last))
    far = re.search(rb' r="[A-Z]{1,3}(\d{%d,})"[^>/]*>' % (digits + 1), xml)
    if far:
        last = max(last, int(far.group(1)))
    wide = set(_WIDE_REF.findall(xml))
    last_col = max((_col_index(w) for w in wide), default=25)
    height = last - first + 1
    if height > max_rows + 50 and len(numbers) > max_rows + 50:
        raise _too_many_rows(name, sheet, len(numbers), max_rows)
    if height > max_rows + 50 or height * (last_col + 1) > MAX_CELLS:
        raise _range_too_large(name, sheet, last, last_col + 1, f"{column_letter(last_col)}{last}")


_ROW_R = re.compile(rb'\br="(\d+)"')


def _small_range(xml: bytes, max_rows: int) -> bool:
    """True when the sheet surely fits: the last row that holds cells has a number of D digits,
    and no row or cell reference anywhere has more digits or a column past Z, so every cell
    lies within 10^D rows x 26 columns. One scan of the sheet instead of three; any other
    sheet gets the full count (:func:`_count_range`)."""
    end = len(xml)
    while True:  # the last <row> with cells (self-closed rows hold none)
        i = xml.rfind(b"<row ", 0, end)
        if i < 0:
            return False
        j = xml.find(b">", i)
        if j < 0:
            return False
        if xml[j - 1 : j] != b"/":
            break
        end = i
    m = _ROW_R.search(xml, i, j)
    if m is None:
        return False
    digits = len(m.group(1))
    bound = 10**digits
    if bound > max_rows + 50 or bound * 26 > MAX_CELLS:
        return False
    return re.search(rb' r="(?:[A-Z]{2,3}\d|[A-Z]?\d{%d})' % (digits + 1), xml) is None


def _has_formula(xml: bytes) -> bool:
    """True when the sheet has a formula element (``<f>``, ``<f .../>``): the same answer as
    ``_FORMULA.search``, from a substring search several times cheaper on a large sheet."""
    i = xml.find(b"<f")
    while i >= 0:
        if xml[i + 2 : i + 3] in _AFTER_F:
            return True
        i = xml.find(b"<f", i + 2)
    return False


_AFTER_F = frozenset((b">", b"/", b" ", b"\t", b"\n", b"\r", b"\f", b"\v"))


def _hidden_values(xml: bytes) -> dict[tuple[int, int], str]:
    """Cells that calamine reads as empty: a formula never calculated (no saved value; written by
    scripts and some web exports) becomes its formula text, an error value its code (#DIV/0!)."""
    out: dict[tuple[int, int], str] = {}
    # Cells with a namespace prefix (<x:c>) only where rows have one too (<row > is found at once).
    prefixed = b"<row " not in xml and b":c " in xml
    if (_has_formula(xml) or prefixed) and any(hint in xml for hint in _UNCACHED_HINTS):
        for attrs, _, formula, empty_value in _UNCACHED.findall(xml):
            ref = _REF.search(attrs)
            if ref is None or (empty_value and b't="str"' in attrs):
                continue  # a formula whose saved result is the empty text
            text = html.unescape(formula.decode("utf-8", "replace")).strip()
            out[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = "=" + text if text else "=(rumus)"
    if b't="e"' in xml:
        for attrs, inner in _ERROR_CELL.findall(xml):
            ref, value = _REF.search(attrs), _ERROR_VALUE.search(inner)
            if ref is not None and value is not None and value.group(1).strip():
                out[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = value.group(1).decode("utf-8", "replace")
    return out


# ---------------------------------------------------------------------------- child process
class _PlainUnpickler(pickle.Unpickler):
    """Unpickles the child's grids: builtins and datetime values only."""

    def find_class(self, module, name):
        if module == "datetime" and name in ("datetime", "date", "time", "timedelta"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def _child_main(max_rows: int) -> None:
    """Entry point of the child process: workbook bytes on stdin, pickled result on stdout."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = CHILD_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(CHILD_MEMORY_BYTES, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass
    result = _parse_book(sys.stdin.buffer.read(), max_rows)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.flush()


def _parse_isolated(name: str, data: bytes, max_rows: int) -> tuple:
    """:func:`_parse_book` in a child process with a memory and time limit."""
    code = f"import sys; sys.path.insert(0, {_ROOT!r}); from etl.reader import _child_main; _child_main({max_rows})"
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", code], input=data, capture_output=True, timeout=CHILD_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        raise reject(
            "corrupt_file",
            f"Berkas '{name}' tidak selesai dibaca dalam {CHILD_TIMEOUT_S} detik; isinya "
            "kemungkinan rusak. Buka di Excel, simpan ulang sebagai .xlsx, lalu unggah kembali.",
            raw="timeout",
        ) from None
    except OSError as exc:
        raise reject(
            "read_unavailable",
            f"Berkas '{name}' belum dapat dibaca karena server sedang sibuk. "
            "Tunggu sebentar lalu unggah kembali; bila tetap gagal, hubungi admin.",
            raw=_detail(exc),
        ) from None
    parsed = None
    if proc.returncode == 0 and proc.stdout:
        try:
            parsed = _PlainUnpickler(io.BytesIO(proc.stdout)).load()
        except Exception:
            parsed = None
    if not (isinstance(parsed, tuple) and parsed and parsed[0] in ("ok", "fail")):
        # the parser died (memory limit, abort): the file is damaged or crafted
        parsed = ("fail", "open", None, f"pembaca berhenti (kode {proc.returncode})")
    return parsed


# ---------------------------------------------------------------------------- CSV and HTML
def _read_csv(name: str, text: str, max_rows: int = MAX_DATA_ROWS) -> Sheet:
    sample = "\n".join(text.splitlines()[:20])
    counts = {d: sample.count(d) for d in (";", "\t", ",")}
    delimiter = ";" if counts[";"] else ("\t" if counts["\t"] else ",")
    if counts[";"] and counts[","] > counts[";"] * 3:
        delimiter = ","
    # Excel "CSV (Macintosh)" ends lines with a bare CR: normalise before the csv module reads it.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.count("\n")
    if lines > max_rows + 50:
        raise _too_many_rows(name, None, lines, max_rows)
    cells = text.count(delimiter) + lines + 1  # at most this many cells
    if cells > MAX_CELLS:
        raise _too_many_cells(name, None, cells)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = _clean_rows(reader)
    except csv.Error as exc:
        line = _thousands(reader.line_num)
        if "field larger than field limit" in str(exc):
            raise reject(
                "cell_too_long",
                f"Berkas '{name}' tidak dapat dibaca: sel pada baris {line} berisi lebih dari "
                f"{_thousands(csv.field_size_limit())} karakter. Biasanya ada tanda petik pembuka yang "
                "tidak ditutup, sehingga sisa berkas terbaca sebagai satu sel. Periksa baris itu, perbaiki atau "
                "hapus tanda petiknya, simpan, lalu unggah kembali (atau simpan sebagai .xlsx).",
                row=reader.line_num,
                raw=str(exc),
            ) from None
        raise reject(
            "corrupt_file",
            f"Berkas '{name}' tidak dapat dibaca sebagai CSV (baris {line}: susunan tanda petik atau "
            "pemisah kolom tidak sah). Buka di Excel, simpan ulang sebagai .xlsx atau CSV, lalu unggah kembali.",
            row=reader.line_num,
            raw=str(exc),
        ) from None
    return Sheet(None, rows)


def _too_many_cells(name: str, sheet: str | None, cells: int) -> Rejected:
    where = f"Tabel '{sheet}' pada berkas '{name}'" if sheet else f"Berkas '{name}'"
    return reject(
        "used_range_too_large",
        f"{where} ditolak: tabelnya memuat lebih dari {_thousands(MAX_CELLS)} sel (batas satu lembar; "
        "mis. sel yang digabung ke ribuan kolom, atau baris berisi pemisah kolom saja), jauh lebih besar "
        "dari tabel laporan. Buka berkas di Excel, hapus kolom dan baris kosong sesudah tabel, simpan "
        "sebagai .xlsx, lalu unggah kembali.",
        sheet=sheet,
        raw=str(cells),
    )


class _TooLarge(Exception):
    """Raised inside :class:`_TableParser` when the page asks for more cells or rows than a sheet may hold."""

    def __init__(self, what: str, count: int):
        super().__init__(what)
        self.what, self.count = what, count


class _TableParser(HTMLParser):
    """Tables of an HTML page as grids. Tolerates what browsers tolerate: ``</td>``, ``</th>``
    and ``</tr>`` may be left out (they are optional in HTML) and an unclosed table ends the page.

    Bounded like a sheet while it reads: all tables together may hold ``max_cells`` cells (a
    ``colspan``/``rowspan`` counts every cell it covers) and ``max_rows`` rows (a table counts as
    one), so 20 bytes of ``<td colspan=1000>`` cannot ask for a thousand cells unchecked."""

    def __init__(self, max_cells: int = MAX_CELLS, max_rows: int = MAX_DATA_ROWS + 50) -> None:
        super().__init__(convert_charrefs=True)
        self._cells_left = max_cells
        self._rows_left = max_rows
        self._max_cells, self._max_rows = max_cells, max_rows
        self.tables: list[list[list]] = []
        self._row: list | None = None
        self._cell: list[str] | None = None
        self._colspan = 1
        self._rowspan = 1
        self._spans: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
        self._depth = 0
        self.preamble: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1
        elif tag == "table":
            self._end_row()
            self._depth += 1
            self._count_row()
            self.tables.append([])
            self._spans = {}
        elif tag == "tr" and self.tables:
            self._end_row()
            self._count_row()
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._end_cell()
            self._cell = []
            a = dict(attrs)
            col, row = (a.get("colspan") or "1").strip(), (a.get("rowspan") or "1").strip()
            self._colspan = min(int(col), 1000) if col.isdigit() and int(col) > 0 else 1
            self._rowspan = min(int(row), 100_000) if row.isdigit() and int(row) > 0 else 1
            self._skip_spanned()
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag == "table":
            self._end_row()
            self._depth = max(0, self._depth - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()

    def close(self):
        super().close()
        self._end_row()

    def _end_cell(self) -> None:
        if self._cell is None or self._row is None:
            return
        start = len(self._row)
        self._count_cells(self._colspan)
        self._row.append("".join(self._cell).strip())
        self._row.extend([""] * (self._colspan - 1))
        if self._rowspan > 1:
            for col in range(start, start + self._colspan):
                self._spans[col] = self._rowspan - 1
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None and self.tables:
            self._skip_spanned()
            self.tables[-1].append(self._row)
        self._row = None

    def _skip_spanned(self) -> None:
        """Leave blank the cells covered by a rowspan from an earlier row (like a merged cell)."""
        row = self._row
        assert row is not None  # called only inside a row
        while self._spans.get(len(row), 0) > 0:
            self._spans[len(row)] -= 1
            self._count_cells(1)
            row.append("")

    def _count_cells(self, n: int) -> None:
        self._cells_left -= n
        if self._cells_left < 0:
            raise _TooLarge("cells", self._max_cells)

    def _count_row(self) -> None:
        self._rows_left -= 1
        if self._rows_left < 0:
            raise _TooLarge("rows", self._max_rows)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._depth == 0 and not self._skip and data.strip() and not self.tables:
            self.preamble.append(data.strip())


# CPU seconds the HTML parser may take (pure Python, about 50.000 cells a second): a real report
# takes well under one; a page of millions of tiny cells is refused instead of holding the server.
HTML_CPU_SECONDS = 6.0
_HTML_STEP = 256 * 1024


def _feed(name: str, parser: _TableParser, text: str) -> None:
    """Feed ``text`` to ``parser`` in steps that end before a ``<`` (no text run is split), and
    refuse the page once parsing has taken :data:`HTML_CPU_SECONDS` of this thread's CPU time."""
    start = time.thread_time()
    i, n = 0, len(text)
    while i < n:
        j = text.find("<", i + _HTML_STEP)
        j = n if j < 0 else j
        parser.feed(text[i:j])
        i = j
        if i < n and time.thread_time() - start > HTML_CPU_SECONDS:
            raise reject(
                "html_too_large",
                f"Tabel HTML pada berkas '{name}' terlalu besar untuk dibaca (lebih dari "
                f"{HTML_CPU_SECONDS:.0f} detik; sudah {_thousands(sum(map(len, parser.tables)))} baris "
                "terbaca). Buka berkas di Excel, simpan sebagai .xlsx (jauh lebih cepat dibaca), lalu "
                "unggah kembali.",
                raw=f"{i} dari {n} karakter",
            )
    parser.close()


def _read_html(name: str, text: str, max_rows: int = MAX_DATA_ROWS) -> list[Sheet]:
    parser = _TableParser(MAX_CELLS, max_rows + 50)
    try:
        _feed(name, parser, text)
    except _TooLarge as exc:
        if exc.what == "rows":
            raise _too_many_rows(name, None, exc.count + 1, max_rows) from None
        raise _too_many_cells(name, None, exc.count + 1) from None
    tables = [t for t in parser.tables if t]
    if not tables:
        raise reject(
            "not_a_spreadsheet",
            f"Berkas '{name}' berisi halaman HTML tanpa tabel. Unduh ulang laporan dari aplikasi sebagai Excel.",
        )
    # Title lines written outside the table (h3, p) are kept as leading one-cell rows.
    sheets = []
    for i, table in enumerate(tables, start=1):
        if len(table) > max_rows + 50:
            raise _too_many_rows(name, None, len(table), max_rows)
        rows = _clean_rows(table)
        if i == 1:
            rows = [[line] for line in parser.preamble] + rows
        sheets.append(Sheet(f"Tabel {i}" if len(tables) > 1 else None, rows))
    return sheets
