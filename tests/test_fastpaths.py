"""Fast paths of the ingest must read exactly as the general code they short-cut."""
from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from etl import numbers
from etl.numbers import NotANumber, parse_number
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
_plainish = st.builds(lambda sign, rp, whole, sep, dec, pct: f"{sign}{rp}{whole.replace(',', sep)}{dec}{pct}",
                      st.sampled_from(["", "-", "+"]), st.sampled_from(["", "Rp", "Rp ", "Rp.", "Rp. ", "RP "]),
                      st.integers(0, 10**13).map(lambda n: f"{n:,}"), st.sampled_from([".", ",", ""]),
                      st.sampled_from(["", ",", ",5", ",00", ",1234", ".5"]), st.sampled_from(["", "%", " %", "  %"]))


@settings(max_examples=400, deadline=None)
@given(st.one_of(_plainish, _digits, st.text("0123456789.,-+ %Rp()", max_size=14)))
def test_plain_numbers_read_as_the_general_path(text):
    try:
        fast = parse_number(text)
    except NotANumber as exc:
        fast = exc
    assert _same(fast, _general(text))


def test_plain_number_shapes():
    assert parse_number("Rp 1.250.000") == 1_250_000
    assert parse_number("1.250.000,50") == 1_250_000.5
    assert parse_number("-2,95 %") == -2.95
    assert parse_number("1.250") == 1250
    assert math.copysign(1, parse_number("-0")) == -1


def test_repeats_lists_earlier_positions_of_a_code():
    assert _repeats(["1.01", None, "1.02", "1.01", None, "1.01"]) == {3: [0], 5: [0, 3]}
    assert _repeats([None, None]) == {}
