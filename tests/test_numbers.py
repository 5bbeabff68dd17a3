"""Indonesian numbers: parsing (etl.numbers) and formatting (ui.format)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import format as fmt
from core.numbers import NotANumber, parse_number


# ---------------------------------------------------------------------------- parse_number
@pytest.mark.parametrize(
    "text, value",
    [
        ("Rp 1.250.000.000", 1_250_000_000),
        ("Rp1.250.000.000", 1_250_000_000),
        ("Rp. 1.250.000.000", 1_250_000_000),
        ("IDR 1.250.000", 1_250_000),
        ("1.250.000.000,00", 1_250_000_000),
        ("1.250.000.000,50", 1_250_000_000.5),
        ("Rp 1.250.000.000,00", 1_250_000_000),
        ("45,5", 45.5),
        ("45,5%", 45.5),
        ("45,5 %", 45.5),
        ("100%", 100),
        ("0,3333", 0.3333),
        ("-2,95 %", -2.95),
        ("-2,95%", -2.95),
        ("(1.000)", -1000),
        ("(Rp 1.250.000)", -1_250_000),
        ("1.000-", -1000),
        ("1,250,000.00", 1_250_000),
        ("1,250,000", 1_250_000),
        ("1250000", 1_250_000),
        ("1.250", 1250),  # one dot + three digits: Indonesian thousands
        ("12.5", 12.5),  # one dot, not three digits: decimal point
        ("1 250 000", 1_250_000),
        ("\u00a01.250.000\u00a0", 1_250_000),
        ("+5", 5),
        ("0", 0),
        ("0,00", 0),
    ],
)
def test_parse_indonesian_text(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "value, expected",
    [
        (1250000000, 1_250_000_000.0),
        (45.5, 45.5),
        (0, 0.0),
        (-3, -3.0),
    ],
)
def test_parse_real_numbers_pass_through(value, expected):
    result = parse_number(value)
    assert result == expected and isinstance(result, float)


@pytest.mark.parametrize("blank", [None, "", "   ", "-", "--", "\u2013", float("nan")])
def test_blanks_are_none(blank):
    assert parse_number(blank) is None


@pytest.mark.parametrize(
    "text",
    [
        "lima juta",
        "12a",
        "1.2.3",
        "1,2,3",
        "1.25.000",
        "Rp x",
        "--5",
        "1e5",
        "inf",
        "nan",
        "0x10",
        "n/a",
        "tidak ada",
        True,
    ],
)
def test_not_a_number_raises(text):
    with pytest.raises(NotANumber):
        parse_number(text)


def test_minus_zero_keeps_its_sign():
    assert math.copysign(1, parse_number("-0")) == -1


def test_not_a_number_is_a_value_error():
    # callers that catch ValueError also catch it
    with pytest.raises(ValueError):
        parse_number("lima juta")


@pytest.mark.parametrize("text", ["Rp -", "Rp    -", "Rp. -", "Rp", "%", "(-)"])
def test_accounting_empty_amount(text):
    # Excel's accounting format shows an empty amount as "Rp -" (HTML/CSV exports keep that text)
    assert parse_number(text) is None


# ---------------------------------------------------------------------------- property: format -> parse
def _group_dots(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@st.composite
def indonesian_number(draw):
    """(text, value): a non-negative integer or 2-decimal value written the Indonesian way."""
    whole = draw(st.integers(min_value=0, max_value=10**13))
    decimals = draw(st.booleans())
    cents = draw(st.integers(min_value=0, max_value=99)) if decimals else 0
    dots = draw(st.booleans())
    body = _group_dots(whole) if dots else str(whole)
    if decimals:
        body += f",{cents:02d}"
    prefix = draw(st.sampled_from(["", "Rp ", "Rp", "Rp. ", "Rp  "]))
    suffix = draw(st.sampled_from(["", "%", " %"]))
    space = draw(st.sampled_from(["", " ", "  "]))
    value = (whole * 100 + cents) / 100
    return f"{space}{prefix}{body}{suffix}{space}", value


@settings(max_examples=400, deadline=None)
@given(indonesian_number())
def test_property_format_then_parse_roundtrip(case):
    text, value = case
    assert parse_number(text) == value, text


@settings(max_examples=200, deadline=None)
@given(indonesian_number(), st.sampled_from(["minus", "paren", "trailing"]))
def test_property_negative_forms(case, form):
    text, value = case
    text = text.strip()
    written = {"minus": "-" + text, "paren": f"({text})", "trailing": text + "-"}[form]
    assert parse_number(written) == -value, written


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_property_english_style_with_decimals(whole, cents):
    # "1,250,000.00": where both separators appear the last one is the decimal separator
    text = f"{whole:,}.{cents:02d}"
    assert parse_number(text) == (whole * 100 + cents) / 100


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e13, max_value=1e13, allow_nan=False))
def test_property_ui_format_rupiah_parses_back(value):
    assert parse_number(fmt.rupiah(value)) == round(value)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1000, max_value=1000, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_property_ui_format_percent_parses_back(value, digits):
    parsed = parse_number(fmt.percent(value, digits))
    assert math.isclose(parsed, value, abs_tol=0.5 * 10**-digits + 1e-9)


# ---------------------------------------------------------------------------- ui.format
@pytest.mark.parametrize(
    "value, text",
    [
        (1_234_567_890, "Rp 1.234.567.890"),
        (1_250_000_000, "Rp 1.250.000.000"),
        (0, "Rp 0"),
        (999.6, "Rp 1.000"),
        (-1_500_000, "Rp -1.500.000"),
    ],
)
def test_rupiah(value, text):
    assert fmt.rupiah(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (1_234_567_890, "Rp 1,23 M"),
        (205_133_378_000, "Rp 205,13 M"),
        (450_500_000, "Rp 450,5 jt"),
        (450_000_000, "Rp 450 jt"),
        (1_500_000_000_000, "Rp 1,5 T"),
        (12_500, "Rp 12.500"),
        (1_000_000, "Rp 1 jt"),
    ],
)
def test_rupiah_compact(value, text):
    assert fmt.rupiah_compact(value) == text


@pytest.mark.parametrize(
    "value, text",
    [(999_960_000, "Rp 1 M"), (999_999_000_000, "Rp 1 T"), (999_960, "Rp 1 jt"), (-999_960_000, "Rp -1 M")],
)
def test_rupiah_compact_rounds_into_next_unit(value, text):
    assert fmt.rupiah_compact(value) == text


@pytest.mark.parametrize(
    "value, digits, text",
    [
        (45.5, 2, "45,50 %"),
        (45.5, 1, "45,5 %"),
        (12.606, 2, "12,61 %"),
        (100, 0, "100 %"),
        (-4.38, 2, "-4,38 %"),
    ],
)
def test_percent(value, digits, text):
    assert fmt.percent(value, digits) == text


def test_missing_values_show_a_dash():
    for f in (fmt.rupiah, fmt.rupiah_compact, fmt.percent, fmt.number, fmt.points):
        assert f(None) == "-"
        assert f(float("nan")) == "-"


def test_number_points_period_label():
    assert fmt.number(1234) == "1.234"
    assert fmt.number(12.5, 2) == "12,50"
    assert fmt.points(1.25) == "+1,25"
    assert fmt.points(-4.38) == "-4,38"
    assert fmt.points(0) == "0,00"
    assert fmt.period_label(2026, 3) == "Maret 2026"
    assert fmt.period_label(2026, 12) == "Desember 2026"
