"""Indonesian number formatting (Babel, locale ``id_ID``): Rupiah, compact Rupiah, percent."""

from __future__ import annotations

import math
from functools import cache

from babel import Locale
from babel.numbers import parse_pattern

from core.months import BULAN

LOCALE = "id_ID"
_LOCALE = Locale.parse(LOCALE)


@cache
def _pattern(fmt: str):
    return parse_pattern(fmt)


def format_decimal(value, format: str, locale: str = LOCALE) -> str:
    """``babel.numbers.format_decimal`` with the locale and the pattern parsed once (what Babel
    does on every call: a table of 60,000 rows has a quarter of a million numbers)."""
    return _pattern(format).apply(value, _LOCALE if locale == LOCALE else Locale.parse(locale))


def _missing(value) -> bool:
    """Nothing to show: None, NaN, and infinity too (never "∞" or a crash on a page or in an export)."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def rupiah(value, dash: str = "-") -> str:
    """``Rp 1.234.567.890`` (rounded to whole rupiah)."""
    if _missing(value):
        return dash
    return "Rp " + format_decimal(round(value), format="#,##0", locale=LOCALE)


def rupiah_compact(value, dash: str = "-") -> str:
    """Compact Rupiah: ``Rp 1,23 T``, ``Rp 1,23 M``, ``Rp 450,5 jt``, ``Rp 12.500``."""
    if _missing(value):
        return dash
    for size, unit, digits in ((1e12, "T", 2), (1e9, "M", 2), (1e6, "jt", 1)):
        # Choose the unit after rounding, so 999.960.000 reads "Rp 1 M", not "Rp 1.000 jt".
        if round(abs(value) / size, digits) >= 1:
            text = format_decimal(round(value / size, digits), format="#,##0." + "#" * digits, locale=LOCALE)
            return f"Rp {text} {unit}"
    return rupiah(value)


def percent(value, digits: int = 2, dash: str = "-") -> str:
    """``45,5 %`` style percentage of a value already in points (0-100)."""
    if _missing(value):
        return dash
    fmt = "#,##0." + "0" * digits if digits else "#,##0"
    return f"{format_decimal(value, format=fmt, locale=LOCALE)} %"


def number(value, digits: int = 0, dash: str = "-") -> str:
    """Plain Indonesian number: ``1.234`` or ``12,50``."""
    if _missing(value):
        return dash
    fmt = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=fmt, locale=LOCALE)


def points(value, dash: str = "-") -> str:
    """Signed percentage points for deviasi: ``+1,25`` / ``-4,38``."""
    if _missing(value):
        return dash
    sign = "+" if value > 0 else ""
    return sign + format_decimal(value, format="#,##0.00", locale=LOCALE)


def period_label(year: int, month: int) -> str:
    """``Maret 2026``."""
    return f"{BULAN[month - 1]} {year}"


def tanggal(day, dash: str = "-") -> str:
    """A date the Indonesian way: ``2 Desember 2026`` (a date, datetime or pandas Timestamp;
    ``dash`` when missing: None, NaT)."""
    try:
        d, m, y = int(day.day), int(day.month), int(day.year)
    except (AttributeError, TypeError, ValueError):
        return dash
    return f"{d} {BULAN[m - 1]} {y}"
