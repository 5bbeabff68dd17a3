"""Text normalisation shared by the ingest and the rules that remember names (core.held)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^a-z0-9%]+")
_MULTI_SPACE = re.compile(r"\s+")


def norm(value: object) -> str:
    """Lower-case, accent-free, punctuation-free label with single spaces.

    ``"Pagu Anggaran (Rp)"`` becomes ``"pagu anggaran rp"``; ``%`` is kept as a word
    because it distinguishes "Keuangan (%)" from "Keuangan (Rp)".
    """
    try:
        return _norm_cached(value)
    except TypeError:  # a value that cannot be a cache key
        return _norm(value)


def _norm(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("%", " % ")
    return _MULTI_SPACE.sub(" ", _NON_WORD.sub(" ", text)).strip()


_norm_cached = lru_cache(maxsize=8192, typed=True)(_norm)  # labels and titles repeat from file to file
