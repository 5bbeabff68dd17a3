"""Read a sniffed file into plain sheets: a name and a grid of cell values.

The one place that touches spreadsheet parsers. Excel, ODS and legacy .xls go through
python-calamine (fast, reads cached formula values); CSV and HTML tables through the
standard library. Every grid keeps true sheet coordinates (``row0``/``col0`` offsets)
so that messages can name the real row and column.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

import python_calamine

from .issues import reject
from .sniff import Sniffed

MAX_DATA_ROWS = 50_000


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
    if sniffed.format == "csv":
        return [_read_csv(sniffed.text or "")]
    if sniffed.format == "html":
        return _read_html(name, sniffed.text or "")
    return _read_workbook(name, data, max_rows)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _clean_rows(rows) -> list[list]:
    """Grid rows with text stripped and empty or whitespace-only cells as ``None``."""
    return [[(v.strip() or None) if type(v) is str else v for v in row] for row in rows]


def _read_workbook(name: str, data: bytes, max_rows: int) -> list[Sheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types for broken files
        raise reject("corrupt_file", f"Berkas '{name}' tidak dapat dibuka sebagai buku kerja "
                     f"({type(exc).__name__}). Buka di Excel, simpan ulang sebagai .xlsx, lalu unggah kembali.")
    sheets = []
    for meta in book.sheets_metadata:
        if str(meta.visible).endswith("Visible") is False or str(meta.typ).endswith("WorkSheet") is False:
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
        except Exception as exc:
            raise reject("corrupt_file", f"Lembar '{meta.name}' pada berkas '{name}' rusak dan tidak dapat "
                         f"dibaca ({type(exc).__name__}). Salin isinya ke buku kerja baru lalu unggah kembali.",
                         sheet=meta.name)
        if sheet.height > max_rows + 50:
            raise reject("too_many_rows", f"Lembar '{meta.name}' pada berkas '{name}' berisi "
                         f"{_thousands(sheet.height)} baris, melebihi batas {_thousands(max_rows)} baris data. "
                         "Satu laporan OPD biasanya di bawah 5.000 baris; periksa apakah berkas yang diunggah "
                         "benar, atau pecah per OPD.",
                         sheet=meta.name, raw=str(sheet.height))
        start = sheet.start or (0, 0)
        rows = _clean_rows(sheet.to_python(skip_empty_area=True))
        merged = list(sheet.merged_cell_ranges or [])
        sheets.append(Sheet(meta.name, rows, start[0], start[1], merged))
    return sheets


def _read_csv(text: str) -> Sheet:
    sample = "\n".join(text.splitlines()[:20])
    counts = {d: sample.count(d) for d in (";", "\t", ",")}
    delimiter = ";" if counts[";"] else ("\t" if counts["\t"] else ",")
    if counts[";"] and counts[","] > counts[";"] * 3:
        delimiter = ","
    # Excel "CSV (Macintosh)" ends lines with a bare CR: normalise before the csv module reads it.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _clean_rows(reader)
    return Sheet(None, rows)


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list]] = []
        self._row: list | None = None
        self._cell: list[str] | None = None
        self._colspan = 1
        self._rowspan = 1
        self._spans: dict[int, int] = {}   # column -> rows still covered by a rowspan from above
        self._depth = 0
        self.preamble: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1
        elif tag == "table":
            self._depth += 1
            self.tables.append([])
            self._spans = {}
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            a = dict(attrs)
            col, row = (a.get("colspan") or "1").strip(), (a.get("rowspan") or "1").strip()
            self._colspan = int(col) if col.isdigit() and int(col) > 0 else 1
            self._rowspan = int(row) if row.isdigit() and int(row) > 0 else 1
            self._skip_spanned()
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag == "table":
            self._depth -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            start = len(self._row)
            self._row.append("".join(self._cell).strip())
            self._row.extend([""] * (self._colspan - 1))
            if self._rowspan > 1:
                for col in range(start, start + self._colspan):
                    self._spans[col] = self._rowspan - 1
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._skip_spanned()
            self.tables[-1].append(self._row)
            self._row = None

    def _skip_spanned(self) -> None:
        """Leave blank the cells covered by a rowspan from an earlier row (like a merged cell)."""
        while self._spans.get(len(self._row), 0) > 0:
            self._spans[len(self._row)] -= 1
            self._row.append("")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._depth == 0 and not self._skip and data.strip() and not self.tables:
            self.preamble.append(data.strip())


def _read_html(name: str, text: str) -> list[Sheet]:
    parser = _TableParser()
    parser.feed(text)
    tables = [t for t in parser.tables if t]
    if not tables:
        raise reject("not_a_spreadsheet", f"Berkas '{name}' berisi halaman HTML tanpa tabel. "
                     "Unduh ulang laporan dari aplikasi sebagai Excel.")
    # Title lines written outside the table (h3, p) are kept as leading one-cell rows.
    sheets = []
    for i, table in enumerate(tables, start=1):
        rows = _clean_rows(table)
        if i == 1:
            rows = [[line] for line in parser.preamble] + rows
        sheets.append(Sheet(f"Tabel {i}" if len(tables) > 1 else None, rows))
    return sheets
