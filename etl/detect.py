"""Find the period (year, month) and the OPD of a report in its title rows, sheet name and
file name. Where sources disagree or say nothing, the caller must ask the user (UI) or fail
(CLI): nothing is guessed silently (DESIGN.md section 4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .issues import ERROR, Issue
from .text import month_from_word, norm

_YEAR = r"(20\d{2})"
_LABELLED_NUM = re.compile(r"\b(?:bulan|bln|periode|keadaan|s d|sd|sampai dengan)\s+(\d{1,2})\s+" + _YEAR)
_NUM_PERIOD = re.compile(r"\b" + _YEAR + r"\s(\d{1,2})\b|\b(\d{1,2})\s" + _YEAR + r"\b")
_OPD_LABEL = re.compile(
    r"^\s*(opd|skpd|perangkat daerah|nama opd|nama skpd|satuan kerja|satker|instansi|"
    r"organisasi|unit kerja|unit organisasi|dinas badan)\s*[:=]\s*(.+)$",
    re.I,
)


@dataclass(frozen=True)
class PeriodHit:
    """A period found in one source: ``title``, ``sheet`` or ``file``."""

    source: str
    year: int | None
    month: int | None
    text: str
    invalid_month: int | None = None  # e.g. 13 written in the title


def file_name_periods(stem: str) -> list[PeriodHit]:
    """Periods named in a file name: usually one; two different ones
    ("realisasi_dinsos_2026-03_revisi_2026-04") are all returned, so that the caller reports a
    conflict instead of guessing (DESIGN §4: never guess silently)."""
    first = find_period(stem, "file")
    if first is None or first.month is None:
        return [first] if first else []
    key = norm(stem).replace("%", " ")
    hits = [first]
    for nm in _NUM_PERIOD.finditer(key):
        y, m = (nm.group(1), nm.group(2)) if nm.group(1) else (nm.group(4), nm.group(3))
        if 1 <= int(m) <= 12 and (int(y), int(m)) not in {(h.year, h.month) for h in hits}:
            hits.append(PeriodHit("file", int(y), int(m), stem))
    return hits


def find_period(text: str, source: str, numeric: bool = True) -> PeriodHit | None:
    """Period named in ``text`` ("KEADAAN BULAN : APRIL 2026", "dinsos_2026-03")."""
    if not text:
        return None
    key = norm(text).replace("%", " ")
    words = key.split()
    year = None
    ym = re.search(_YEAR, key)
    if ym:
        year = int(ym.group(1))
    months = []
    for w in words:
        m = month_from_word(w)
        if not m:
            continue
        # An abbreviation ("mar", "des") counts only next to a year in a short text; "mei" is a full name.
        if len(w) <= 3 and w != "mei" and len(words) > 1 and not (year and len(words) <= 4):
            continue
        months.append(m)
    if months:
        # "JANUARI S/D MARET 2026": a cumulative report is as of the last month named.
        return PeriodHit(source, year, months[-1], text)
    if numeric:
        lm = _LABELLED_NUM.search(key)
        if lm:
            month = int(lm.group(1))
            if not 1 <= month <= 12:
                return PeriodHit(source, int(lm.group(2)), None, text, invalid_month=month)
            return PeriodHit(source, int(lm.group(2)), month, text)
        nm = _NUM_PERIOD.search(key)
        if nm and source == "file":
            y, mo = (nm.group(1), nm.group(2)) if nm.group(1) else (nm.group(4), nm.group(3))
            month = int(mo)
            if 1 <= month <= 12:
                return PeriodHit(source, int(y), month, text)
            return PeriodHit(source, int(y), None, text, invalid_month=month)
    if year:
        return PeriodHit(source, year, None, text)
    return None


def title_lines(rows: list[list], upto: int) -> list[str]:
    """Text lines above the header (each row's non-empty cells joined)."""
    lines = []
    for row in rows[:upto]:
        cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
        if cells:
            lines.append(" ".join(cells))
    return lines


def period_in_title(lines: list[str]) -> PeriodHit | None:
    """The period written in the title rows; a line naming a month wins over a year alone."""
    best = None
    for line in lines:
        if _OPD_LABEL.match(line):
            continue
        hit = find_period(line, "title")
        if hit and (hit.month or hit.invalid_month):
            return hit
        if hit and best is None:
            best = hit
    return best


def opd_in_title(lines: list[str]) -> str | None:
    """The OPD named after a label such as "OPD :" or "SKPD :" in the title rows."""
    for line in lines:
        m = _OPD_LABEL.match(line)
        if m:
            return m.group(2).strip()
    return None


SOURCE_LABEL = {"title": "judul", "sheet": "nama lembar", "file": "nama berkas", "templat": "penanda templat Pantau"}


def detect_year(rep, name: str, sheet_name: str | None, lines: list[str], period_hint, what: str, example: str) -> None:
    """Year of a yearly workbook (DPA, Perjanjian Kinerja) from its title ``lines``, sheet name
    and file name, or the user's ``period_hint``; sets ``rep.year``, or records a
    period_conflict / invalid_period error (and ``rep.needs``) naming ``what`` ("Tahun
    anggaran DPA") with ``example`` as the fix ("beri nama berkas seperti 'dpa_2026.xlsx'")."""
    hits = [
        h
        for h in (period_in_title(lines), find_period(sheet_name or "", "sheet"), find_period(Path(name).stem, "file"))
        if h and h.year
    ]
    years = {h.year for h in hits}
    if period_hint:
        rep.year = period_hint[0]
    elif len(years) == 1:
        rep.year = years.pop()
    elif years:
        rep.needs.append("period")
        rep.issues.append(
            Issue(
                ERROR,
                "period_conflict",
                f"{what} tidak konsisten: "
                + "; ".join(f"{SOURCE_LABEL.get(h.source, h.source)} '{h.text}' = {h.year}" for h in hits)
                + ". Samakan judulnya, atau pilih tahun yang benar pada pratinjau impor (baris "
                "perintah: --period TAHUN-01).",
                sheet=sheet_name,
            )
        )
    else:
        rep.needs.append("period")
        rep.issues.append(
            Issue(
                ERROR,
                "invalid_period",
                f"{what} tidak ditemukan pada judul, nama lembar, atau nama "
                f"berkas '{name}'. {example}, atau pilih tahunnya pada pratinjau impor (baris "
                "perintah: --period TAHUN-01).",
                sheet=sheet_name,
            )
        )
