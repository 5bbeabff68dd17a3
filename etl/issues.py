"""Problems found while reading a file: errors reject the file, warnings flag rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass
class Issue:
    """One finding, located as precisely as the input allows.

    ``code`` is a stable machine word (e.g. ``decompression_bomb``); ``message`` is
    the Indonesian text shown to users and says what is wrong and how to fix it.
    ``row`` is the 1-based sheet row (CSV: line number), ``column`` the Excel column
    letter (CSV: the column header).
    """

    severity: str
    code: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    raw: str | None = None

    def as_dict(self) -> dict:
        """Plain dict for JSON output."""
        return asdict(self)


class Rejected(Exception):
    """Raised inside the pipeline to refuse a whole file with one error issue."""

    def __init__(self, issue: Issue):
        super().__init__(issue.message)
        self.issue = issue


def reject(code: str, message: str, **where) -> Rejected:
    """Build a :class:`Rejected` carrying an error issue."""
    return Rejected(Issue(ERROR, code, message, **where))


def column_letter(index: int) -> str:
    """Excel column letter for a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
