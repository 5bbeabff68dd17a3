"""What the user must never read on a page (issue 17 item 6): English words of the UI or of
Streamlit's own widgets, and raw values (None, NaN, JSON, ISO timestamps, dot decimals, internal
codes). :func:`findings` is used by the browser walk (tests/test_browser_language.py) and tested
on its own (tests/test_language_check.py), so Indonesian words are not flagged falsely.
"""

from __future__ import annotations

import re

# English UI words and phrases (Streamlit's widgets, typical leaks of an untranslated page) and
# the raw values of Python, pandas and the database's English status codes. Matched as whole
# words, case-sensitively (so "Nama" or "nanas" is not "nan", "Data" stays Indonesian).
ENGLISH = [
    "Upload",
    "Uploading",
    "Browse files",
    "Drag and drop",
    "Limit 200MB",
    "per file",
    "Select...",
    "Choose an option",
    "Choose options",
    "No options to select",
    "Please fill out",
    "Please select",
    "No results",
    "No data",
    "Deploy",
    "Running",
    "Loading",
    "Download",
    "Search",
    "Clear all",
    "Add row",
    "Delete",
    "Submit",
    "Cancel",
    "Error",
    "Warning",
    "Show more",
    "View more",
    "View less",
    "Press Enter",
    "empty",
    "Today",
    "Yesterday",
    "Sunday",
    "Monday",
    "January",
    "February",
    "March",
    "May",
    "June",
    "July",
    "August",
    "October",
    "December",
    "Aug",
    "Oct",
    "Dec",
]
RAW_WORDS = [
    "None",
    "NaN",
    "nan",
    "NaT",
    "<NA>",
    "null",
    "undefined",
    "True",
    "False",
    "true",
    "false",
    "inf",
    "dtype",
    "Timestamp",
    # status codes kept in the database, never shown as they are
    "accepted",
    "flagged",
    "rejected",
    "superseded",
    "pending",
    "draft",
    "final",
    "open",
    "in_progress",
    "done",
    "submitted",
    "verified",
    "returned",
    "approved",
    "requested",
    "viewer",
    "reviewer",
    "approver",
    "non_fisik",
]
PATTERNS: dict[str, re.Pattern] = {
    "JSON": re.compile(r"[{\[]\s*\"\w+\"\s*:"),
    "tanggal ISO": re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?![\w-])"),
    "tanggal bergaris miring": re.compile(r"(?<![\w/])\d{1,2}/\d{1,2}/\d{4}(?![\w/])"),
    # one date format: "2 Desember 2026" or "02-12-2026", not "2 Des" or "2 Des 2026"
    "tanggal dengan bulan disingkat": re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Agu|Agt|Sep|Okt|Nov|Des)\b"),
    "angka desimal bertitik": re.compile(r"(?<!\d\.)(?<![\w,])\d+\.\d{1,2}(?![\w,]|\.\d)"),
    "kode internal triwulan": re.compile(r"\b(?:tw|TW)[1-4]\b"),
    "kode internal (snake_case)": re.compile(r"(?<![\w.\-/])[a-z]+_[a-z_]+(?![\w.\-/])"),
}
# Indonesian practice writes the time with a dot (pukul 13.45, 02-12-2026 13.45, 2 Desember 2026 13.45,
# 08.00-16.00): not a dot decimal.
_TIME_BEFORE = re.compile(r"(?:pukul|jam|\d{2}-\d{2}-\d{4}|\d{4},?|\d{1,2} [A-Z][a-z]{2,8}|\d{2}\.\d{2}\s?-)\s*$")
_TIME_AFTER = re.compile(r"^(?:\s?-\s?\d{2}\.\d{2}|\s?WIB)")
_TIME_ITSELF = re.compile(r"0\d\.\d{2}|[01]\d\.[0-5]\d(?=\s?-)")


def _word(word: str) -> re.Pattern:
    left = r"(?<![\w])" if word[0].isalnum() else ""
    right = r"(?![\w])" if word[-1].isalnum() else ""
    return re.compile(left + re.escape(word) + right)


_WORDS = [(w, _word(w)) for w in ENGLISH + RAW_WORDS]


def _snippet(text: str, start: int, end: int) -> str:
    return text[max(0, start - 30) : end + 30].replace("\n", " ⏎ ")


def findings(text: str) -> list[tuple[str, str]]:
    """Every forbidden word or raw token in ``text``: (what, snippet around it)."""
    out: list[tuple[str, str]] = []
    for word, pattern in _WORDS:
        for m in pattern.finditer(text):
            out.append((word, _snippet(text, m.start(), m.end())))
    for name, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            if name == "angka desimal bertitik" and (
                _TIME_ITSELF.fullmatch(m.group(0))
                or _TIME_BEFORE.search(text[max(0, m.start() - 12) : m.start()])
                or _TIME_AFTER.match(text[m.end() : m.end() + 8])
            ):
                continue
            out.append((name, _snippet(text, m.start(), m.end())))
    return out
