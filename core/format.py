"""Indonesian formatting (Babel, locale ``id_ID``): Rupiah, compact Rupiah, percent, and the one
date format of the screens, messages and exports: ``2 Desember 2026`` in prose and headings,
``02-12-2026`` in tight tables, ``02-12-2026 13.45`` where the time matters."""

from __future__ import annotations

import datetime as dt
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


def _as_datetime(value) -> dt.datetime | dt.date | None:
    """A date or datetime from a date, datetime, pandas Timestamp, ISO text or numpy datetime64;
    ``None`` for None, NaT, NaN, empty text and anything that is not a date."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("NaT", "<NA>"):
        return None  # pandas NaT (a datetime subclass) and NA, numpy NaT
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        parsed = dt.datetime.fromisoformat(text)
        return parsed.date() if len(text) <= 10 else parsed
    if isinstance(value, dt.datetime):  # pandas Timestamp too (a subclass)
        return value
    if isinstance(value, dt.date):
        return value
    if type(value).__name__ == "datetime64":  # numpy
        import pandas as pd

        return _as_datetime(pd.Timestamp(value))
    return None  # not a date: shown as missing


def _day(value) -> dt.date | None:
    moment = _as_datetime(value)
    return moment.date() if isinstance(moment, dt.datetime) else moment


def tanggal(value, dash: str = "-") -> str:
    """``2 Desember 2026`` (prose, headings, letters); ``dash`` when missing."""
    day = _day(value)
    return dash if day is None else f"{day.day} {BULAN[day.month - 1]} {day.year}"


def tanggal_angka(value, dash: str = "-") -> str:
    """``02-12-2026`` (tight tables); ``dash`` when missing."""
    day = _day(value)
    return dash if day is None else f"{day:%d-%m-%Y}"


def waktu(value, dash: str = "-") -> str:
    """``02-12-2026 13.45`` (date and time in tables; the time with a dot, as the Indonesian
    spelling rules and :func:`waktu_panjang` write it); a plain date shows without time."""
    moment = _as_datetime(value)
    if moment is None:
        return dash
    if not isinstance(moment, dt.datetime):
        return tanggal_angka(moment)
    return f"{moment:%d-%m-%Y %H.%M}"


def waktu_panjang(value, dash: str = "-") -> str:
    """``2 Desember 2026 pukul 13.45``."""
    moment = _as_datetime(value)
    if moment is None:
        return dash
    if not isinstance(moment, dt.datetime):
        return tanggal(moment)
    return f"{tanggal(moment)} pukul {moment:%H.%M}"


# The date format of st.date_input (Streamlit's pattern): the same order as tanggal_angka.
DATE_INPUT_FORMAT = "DD-MM-YYYY"


def cell_text(value, dash: str = "-") -> str:
    """A value read from a cell as the screens show it: ``7.924.221.000``, ``25``, ``21,92``,
    a date as ``02-12-2026``, text as it is; ``dash`` for nothing (never ``25.0`` or ``None``)."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return dash
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return format_decimal(value, format="#,##0.##")
    if isinstance(value, dt.date):
        return waktu(value) if isinstance(value, dt.datetime) and (value.hour or value.minute) else tanggal_angka(value)
    return str(value)
