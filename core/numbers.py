"""Parsing numbers written the Indonesian way ("Rp 1.250.000.000", "45,5 %"): report cells and typed input."""

from __future__ import annotations

import math
import re

_STRIP = re.compile(r"(?i)\s|rp\.?|idr|%|\u00a0")
_VALID = re.compile(r"^[+-]?[0-9.,]*[0-9][0-9.,]*$")
_ONE_COMMA_DECIMAL = re.compile(r"[0-9]*,[0-9]+|[0-9]+,")
_COMMA_THOUSANDS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")
_DOT_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
_ONE_DOT_THOUSANDS = re.compile(r"[0-9]{1,3}\.[0-9]{3}")
# The common shapes ("Rp 1.250.000", "1.250.000,00", "45,5 %", "-2,95%", "1250000"): parsed in one
# match; every text it accepts reads exactly as in the general path of parse_number.
_PLAIN = re.compile(r"(-?)(?:Rp\.? ?)?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]+))?(?: ?%)?")


# One or more plain numbers, one per line (see plain_numbers).
_PLAIN_COLUMN = re.compile(f"(?:{_PLAIN.pattern}\n)*{_PLAIN.pattern}")


# The largest magnitude a number read may have: 10^15 rupiah is a thousand trillion, far above any
# pemda budget (and any percentage). Larger values are typing or export errors, and overflow to
# infinity once summed; values past it are refused, so nothing downstream meets inf or NaN.
MAX_MAGNITUDE = 1e15
# The bound of a percentage (fisik, keuangan %): far above any real one (a 140 % fisik is flagged
# as out of range, but kept), small enough that no sum or average of them can overflow.
MAX_PERCENT = 10_000.0


class NotANumber(ValueError):
    """Raised when a cell holds text that is not a number (e.g. "lima juta")."""


class NumberOutOfRange(NotANumber):
    """Raised when a cell holds a number too large to be real (``1e309``, a 1 followed by 400 zeros,
    anything of magnitude :data:`MAX_MAGNITUDE` or more): never read as inf or NaN. A
    :class:`NotANumber`, so callers that skip a non-number skip it too."""


def within(value: float, limit: float = MAX_MAGNITUDE) -> bool:
    """True when ``value`` is finite and its magnitude below ``limit`` (NaN is not)."""
    return -limit < value < limit


def parse_number(value: object) -> float | None:
    """Return the number in ``value``; ``None`` for an empty cell.

    Accepts real numbers and text in Indonesian style: ``Rp 1.250.000.000``,
    ``1.250.000.000,00``, ``45,5``, ``45,5%``, ``-2,95 %``, ``(1.000)`` for a
    negative amount. A dot is the thousands separator and a comma the decimal
    separator; where both appear the last one is the decimal separator, so
    ``1,250,000.00`` also reads correctly. A single dot followed by exactly
    three digits (``1.250``) is read as thousands, as Indonesians write it.
    Raises :class:`NotANumber` for any other text, and :class:`NumberOutOfRange` for a
    number of magnitude :data:`MAX_MAGNITUDE` or more (never returns inf or NaN).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if type(value) is str:
        plain = _PLAIN.fullmatch(value)
        if plain:
            return _checked(_plain_number(plain), value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, int) and not -MAX_MAGNITUDE < value < MAX_MAGNITUDE:
            raise NumberOutOfRange(str(value) if value.bit_length() < 4000 else "(angka sangat panjang)")
        return _checked(float(value), value)
    number = _parse_text(value)
    return None if number is None else _checked(number, value)


def _checked(number: float, value: object) -> float:
    """``number`` when finite and of magnitude below :data:`MAX_MAGNITUDE`, else :class:`NumberOutOfRange`."""
    if -MAX_MAGNITUDE < number < MAX_MAGNITUDE:
        return number
    raise NumberOutOfRange(str(value))


def _plain_number(m: re.Match) -> float:
    """The number of a text matched by ``_PLAIN``: dots are thousands, the comma the decimal point."""
    sign, whole, decimals = m.groups()
    digits = whole.replace(".", "")
    number = float(f"{digits}.{decimals}" if decimals is not None else digits)
    return (-1.0 if sign else 1.0) * number


def plain_numbers(texts: list[str]) -> list[float] | None:
    """The numbers of many texts at once, as :func:`parse_number` reads them, when every text
    has one of the common shapes (``_PLAIN``): one regex match over all of them and one pass of
    ``float`` instead of a call per cell. ``None`` when any text needs the general path (the
    caller then parses one by one), or is too large (:class:`NumberOutOfRange` there)."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1 or not _PLAIN_COLUMN.fullmatch(joined):
        return None  # a text with a line break of its own, or a text that is not a plain number
    # In these shapes "Rp", dots (thousands), spaces and "%" carry no value and the comma is the
    # decimal point; what is left is a number float() reads, one per line.
    digits = joined.replace("Rp", "").replace(".", "").replace(" ", "").replace("%", "").replace(",", ".")
    numbers = list(map(float, digits.split("\n")))
    if max(map(abs, numbers)) >= MAX_MAGNITUDE:  # inf too; the texts hold no NaN
        return None
    return numbers


def _parse_text(value: object) -> float | None:
    """The general path of :func:`parse_number` for any text (see there)."""
    text = str(value).strip()
    if text in ("", "-", "--", "\u2013"):
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    text = _STRIP.sub("", text)
    if text in ("", "-", "--"):
        return None  # "Rp -" is how Excel's accounting format shows an empty amount
    if text.endswith("-") and not text.startswith("-"):
        negative, text = True, text[:-1]
    if not _VALID.match(text):
        raise NotANumber(str(value))
    sign = -1.0 if negative else 1.0
    if text[0] in "+-":
        if text[0] == "-":
            sign = -sign
        text = text[1:]
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif commas:
        if commas > 1 or not _ONE_COMMA_DECIMAL.fullmatch(text):
            if not _COMMA_THOUSANDS.fullmatch(text):
                raise NotANumber(str(value))
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
    elif dots:
        if dots > 1:
            if not _DOT_THOUSANDS.fullmatch(text):
                raise NotANumber(str(value))
            text = text.replace(".", "")
        elif _ONE_DOT_THOUSANDS.fullmatch(text):
            text = text.replace(".", "")
    try:
        number = float(text)
    except ValueError as exc:  # pragma: no cover - guarded by the regexes above
        raise NotANumber(str(value)) from exc
    return sign * number


def field_number(text: object, label: str, lo: float, hi: float) -> tuple[float | None, str | None]:
    """A number typed into a form field the Indonesian way (``5,5``, ``12``, ``7,25 %``):
    ``(value, None)``, or ``(None, message)`` naming the field ``label`` when it is empty, not a
    number or outside ``lo``..``hi`` (the screens never show or ask for ``5.50``)."""
    shown = f"{lo:g}".replace(".", ",") + " sampai " + f"{hi:g}".replace(".", ",")
    try:
        value = parse_number(text.strip() if isinstance(text, str) else text)
    except NotANumber:
        return None, f"{label}: '{text}' bukan angka. Tulis angka dengan koma desimal, mis. 5,5."
    if value is None:
        return None, f"{label}: wajib diisi (angka {shown})."
    if not lo <= value <= hi:
        return None, f"{label}: {str(text).strip()} di luar rentang {shown}."
    return value, None
