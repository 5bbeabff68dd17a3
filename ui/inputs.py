"""Form inputs the Indonesian way: a decimal shown and typed with a comma (``5,5``), where
``st.number_input`` would show ``5.50`` (its format is a printf pattern with a dot)."""

from __future__ import annotations

from core.format import format_decimal
from core.numbers import field_number


def decimal_text(value: float | None) -> str:
    """``5,5`` / ``12`` (up to two decimals, no thousands separator): the text of a decimal field."""
    return "" if value is None else format_decimal(value, format="0.##")


def decimal_input(parent, label: str, value: float, *, lo: float, hi: float, key: str | None = None, help=None):
    """A text box holding ``value`` as ``5,5``; returns ``(number, problem)`` as
    :func:`core.numbers.field_number` (a problem names the field; the page shows it on save)."""
    text = parent.text_input(label, decimal_text(value), key=key, help=help)
    return field_number(text, label, lo, hi)
