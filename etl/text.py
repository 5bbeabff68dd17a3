"""Text helpers of the readers: normalising labels, month words in titles and file names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from core.months import BULAN
from core.text import norm  # noqa: F401 (the ingest's normalisation lives in core, used by both)

T = TypeVar("T")

# Month words as they appear in titles, sheet and file names (full, short, English).
_MONTH_WORDS: dict[str, int] = {}
for _i, _name in enumerate(BULAN, start=1):
    _MONTH_WORDS[_name.lower()] = _i
    _MONTH_WORDS[_name.lower()[:3]] = _i
for _i, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    _MONTH_WORDS.setdefault(_name, _i)
    _MONTH_WORDS.setdefault(_name[:3], _i)
_MONTH_WORDS.update(
    {"pebruari": 2, "peb": 2, "agt": 8, "agu": 8, "okt": 10, "nop": 11, "des": 12, "sept": 9, "nopember": 11}
)


def month_from_word(word: str) -> int | None:
    """Month number for a month word (``"maret"``, ``"Mar"``, ``"APRIL"``), else ``None``."""
    return _MONTH_WORDS.get(word.lower())


def cell_text(value: object) -> str:
    """A cell as display text: floats that are whole numbers lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def named_in(key: str, by_len: Sequence[tuple[str, T]]) -> list[T]:
    """The things whose alias appears in the normalised text ``key`` as whole words, given
    ``by_len``: (alias, thing) pairs, longest alias first. A longer name wins over a shorter
    one inside it ("dinas kesehatan hewan" is not also "dinas kesehatan")."""
    hay = f" {key} "
    found: list[T] = []
    for alias, thing in by_len:
        if f" {alias} " in hay and thing not in found:
            found.append(thing)
            hay = hay.replace(f" {alias} ", " ")
    return found
