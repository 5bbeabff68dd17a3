"""Fast paths of the ingest must read exactly as the general code they short-cut."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from core import numbers
from core.numbers import NotANumber, parse_number
from etl.issues import column_letter
from etl.realisasi import _repeats


def _general(text: str):
    """parse_number's general path, or the exception it raises."""
    try:
        return numbers._parse_text(text)
    except NotANumber as exc:
        return exc


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, Exception) and isinstance(b, Exception):
        return type(a) is type(b) and str(a) == str(b)
    return type(a) is type(b) and a == b


_digits = st.text("0123456789", min_size=1, max_size=13)
_plainish = st.builds(
    lambda sign, rp, whole, sep, dec, pct: f"{sign}{rp}{whole.replace(',', sep)}{dec}{pct}",
    st.sampled_from(["", "-", "+"]),
    st.sampled_from(["", "Rp", "Rp ", "Rp.", "Rp. ", "RP "]),
    st.integers(0, 10**13).map(lambda n: f"{n:,}"),
    st.sampled_from([".", ",", ""]),
    st.sampled_from(["", ",", ",5", ",00", ",1234", ".5"]),
    st.sampled_from(["", "%", " %", "  %"]),
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_plainish, _digits, st.text("0123456789.,-+ %Rp()", max_size=14)))
def test_plain_numbers_read_as_the_general_path(text):
    try:
        fast = parse_number(text)
    except NotANumber as exc:
        fast = exc
    assert _same(fast, _general(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_plainish, _digits, st.text("0123456789.,-+ %Rp()\n", max_size=14)), min_size=1, max_size=8))
def test_a_column_of_texts_reads_as_cell_by_cell(texts):
    """plain_numbers answers for every text exactly as parse_number, or declines (None)."""
    column = numbers.plain_numbers(texts)
    if column is None:
        return
    assert len(column) == len(texts)
    assert all(_same(got, parse_number(text)) for got, text in zip(column, texts))


def test_a_column_of_plain_texts_is_read_at_once():
    assert numbers.plain_numbers(["Rp 1.250.000", "45,5 %", "-0", "12"]) == [1_250_000, 45.5, 0, 12]
    assert numbers.plain_numbers(["1.250.000", "lima juta"]) is None
    assert numbers.plain_numbers(["1.250\n2", "3"]) is None  # a line break inside a cell


def test_plain_number_shapes():
    assert parse_number("Rp 1.250.000") == 1_250_000
    assert parse_number("1.250.000,50") == 1_250_000.5
    assert parse_number("-2,95 %") == -2.95
    assert parse_number("1.250") == 1250
    assert math.copysign(1, parse_number("-0")) == -1


def test_repeats_lists_earlier_positions_of_a_code():
    assert _repeats(["1.01", None, "1.02", "1.01", None, "1.01"]) == {3: [0], 5: [0, 3]}
    assert _repeats([None, None]) == {}


# ---------------------------------------------------------------------------- .xlsx used range
_cell = st.tuples(st.integers(0, 16383), st.one_of(st.integers(1, 400), st.integers(1, 1_048_576)), st.booleans())


@st.composite
def _sheet_xml(draw) -> bytes:
    """A sheetData with rows (in order or not, some self-closed) and cells (some far or wide)."""
    rows = draw(
        st.lists(st.tuples(st.integers(1, 400), st.lists(_cell, max_size=4), st.booleans()), min_size=1, max_size=12)
    )
    if draw(st.booleans()):
        rows.sort(key=lambda r: r[0])
    parts = []
    for number, cells, closed in rows:
        if closed and not cells:
            parts.append(f'<row r="{number}" s="1"/>')
            continue
        body = "".join(
            f'<c r="{column_letter(c)}{r if far else number}"><v>1</v></c>'
            for c, r, far in cells
            if c < 26 or far or draw(st.booleans())
        )
        parts.append(f'<row r="{number}">{body}</row>')
    if draw(st.booleans()):
        parts.append(f'<row r="{draw(st.integers(1, 1_048_576))}" s="2"/>')
    return ("<worksheet><sheetData>" + "".join(parts) + "</sheetData></worksheet>").encode()


@settings(max_examples=400, deadline=None)
@given(_sheet_xml(), st.sampled_from([50_000, 2_000, 100]))
def test_small_range_only_passes_sheets_the_full_count_passes(xml, max_rows):
    """The one-scan check of the used range never lets through a sheet the full count refuses."""
    from etl.issues import Rejected
    from etl.reader import _count_range, _small_range

    if _small_range(xml, max_rows):
        try:
            _count_range("f.xlsx", "S", xml, max_rows)
        except Rejected as exc:
            raise AssertionError(f"fast path passed a sheet the full count refuses: {exc.issue.message}") from exc


def test_small_range_sends_far_and_wide_cells_to_the_full_count():
    from etl.reader import _count_range, _small_range

    base = b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="300"><c r="B300"><v>1</v></c></row>'
    assert _small_range(base + b"</sheetData>", 50_000)
    assert not _small_range(base.replace(b'r="B300"', b'r="AB300"') + b"</sheetData>", 50_000)
    assert not _small_range(base.replace(b'r="B300"', b'r="B3000"') + b"</sheetData>", 50_000)
    # a formatted empty row far below holds no cells: the full count looks, and lets it pass
    formatted = base + b'<row r="1048576" s="1"/></sheetData>'
    assert not _small_range(formatted, 50_000)
    _count_range("f.xlsx", "S", formatted, 50_000)
    assert not _small_range(base.replace(b'<row r="1">', b'<row r="1000">') + b"</sheetData>", 50_000)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"<f",
                b">",
                b"/",
                b" ",
                b"\t",
                b"\n",
                b"\x0b",
                b"\x0c",
                b"<fill",
                b"i",
                b"<",
                b"f",
                b'<c r="A1">',
                b"</f>",
                b"<v>1</v>",
            ]
        ),
        max_size=12,
    ).map(b"".join)
)
def test_formula_search_answers_as_the_pattern(xml):
    from etl.reader import _FORMULA, _has_formula

    assert _has_formula(xml) == bool(_FORMULA.search(xml))
