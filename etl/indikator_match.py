"""Tolerant matching of indicator names written in a returned kinerja format against the
indicators of the unit's Perjanjian Kinerja (pure functions, no database).

Returned files differ from the PK in case, spaces, punctuation and spelling ("Prosentase" for
"Persentase", "Jml" for "Jumlah", "rata2"). The rule: a value is attached to an indicator
automatically only when the names are the same after normalisation, or nearly the same by
spelling alone (``fuzzy``: very similar, clearly better than any other candidate, the same
numbers in the name and the same satuan). Anything else is ``unsure`` (with the candidates)
or ``none``: the caller holds the value until a user confirms; it is never attached silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .text import norm

# Spelling variants seen in returned formats -> the PK's word (whole words, after norm()).
_WORDS = {
    "prosentase": "persentase",
    "presentase": "persentase",
    "prosentasi": "persentase",
    "persentasi": "persentase",
    "persen": "persentase",
    "pct": "persentase",
    "jml": "jumlah",
    "jmlh": "jumlah",
    "jlh": "jumlah",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "thd": "terhadap",
    "utk": "untuk",
    "dr": "dari",
    "tdk": "tidak",
    "pd": "pada",
    "sd": "sampai dengan",
    "krn": "karena",
    "dlm": "dalam",
    "rata2": "rata rata",
    "rerata": "rata rata",
    "ratarata": "rata rata",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "pemdes": "pemerintahan desa",
    "kelurahan": "kelurahan",
    "ds": "desa",
}
_AMP = re.compile(r"&")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")

FUZZY_MIN = 0.93  # similarity for an automatic fuzzy match ...
FUZZY_MARGIN = 0.08  # ... at least this much better than the second candidate
UNSURE_MIN = 0.55  # below this, a candidate is not worth showing


def normalise(name: object) -> str:
    """The comparable form of an indicator name: :func:`etl.text.norm` (case, accents,
    punctuation, spaces) with ``&`` as ``dan`` and common spelling variants replaced."""
    text = _AMP.sub(" dan ", str(name or ""))
    words = norm(text).split()
    return " ".join(_WORDS.get(w, w) for w in words)


def _numbers(text: str) -> list[str]:
    return _DIGITS.findall(text)


CONTAINED = 0.85  # score of a name whose words all occur in the other (shortened name): never automatic


def similarity(a: str, b: str) -> float:
    """Similarity 0..1 of two normalised names: the best of the character ratio, the ratio of
    the sorted words (word order changed), and :data:`CONTAINED` when every word of the
    shorter name (at least two words) occurs in the longer one (a shortened name)."""
    if not a or not b:
        return 0.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    sa, sb = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    best = max(ratio, SequenceMatcher(None, sa, sb, autojunk=False).ratio())
    short, long_ = sorted((set(a.split()), set(b.split())), key=len)
    if len(short) >= 2 and short <= long_:
        best = max(best, CONTAINED)
    return best


@dataclass(frozen=True)
class Candidate:
    """An indicator the name might mean."""

    id: int | None
    nama: str
    satuan: str | None
    score: float


@dataclass
class Match:
    """How a name was matched: ``how`` is exact | normalised | fuzzy (attached, ``indikator_id``
    set) or unsure | none (held; ``candidates`` best first)."""

    how: str
    indikator_id: int | None = None
    nama: str | None = None
    score: float = 0.0
    candidates: list[Candidate] = field(default_factory=list)
    reason: str | None = None

    @property
    def attached(self) -> bool:
        return self.how in ("exact", "normalised", "fuzzy")


def _same_satuan(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    na, nb = normalise(a), normalise(b)
    return na == nb or na.replace("persentase", "%") == nb.replace("persentase", "%")


def match_indikator(
    name: str, indicators: Sequence[tuple[int | None, str, str | None]], satuan: str | None = None
) -> Match:
    """Match one name against ``indicators`` ((id, nama, satuan) of the unit and year)."""
    raw = str(name or "").strip()
    exact = [i for i in indicators if i[1].strip() == raw]
    if len(exact) == 1:
        return Match("exact", exact[0][0], exact[0][1], 1.0)
    key = normalise(raw)
    same = [i for i in indicators if normalise(i[1]) == key]
    if len(same) == 1:
        return Match("normalised", same[0][0], same[0][1], 1.0)
    scored = sorted(
        (Candidate(i[0], i[1], i[2], round(similarity(key, normalise(i[1])), 4)) for i in indicators),
        key=lambda c: -c.score,
    )
    shown = [c for c in scored if c.score >= UNSURE_MIN][:3]
    if len(same) > 1:
        return Match(
            "unsure",
            candidates=[Candidate(i[0], i[1], i[2], 1.0) for i in same],
            reason="nama ini sama dengan lebih dari satu indikator",
        )
    if not shown:
        return Match(
            "none",
            score=scored[0].score if scored else 0.0,
            candidates=scored[:3],
            reason="tidak ada indikator unit yang mirip",
        )
    best = shown[0]
    second = scored[1].score if len(scored) > 1 else 0.0
    if (
        best.score >= FUZZY_MIN
        and best.score - second >= FUZZY_MARGIN
        and _numbers(key) == _numbers(normalise(best.nama))
        and _same_satuan(satuan, best.satuan)
    ):
        return Match("fuzzy", best.id, best.nama, best.score, shown)
    why = []
    if best.score < FUZZY_MIN:
        why.append(f"kemiripan tertinggi {best.score:.0%}")
    elif best.score - second < FUZZY_MARGIN:
        why.append("dua indikator sama miripnya")
    if _numbers(key) != _numbers(normalise(best.nama)):
        why.append("angka dalam nama berbeda")
    if not _same_satuan(satuan, best.satuan):
        why.append(f"satuan berbeda ('{satuan}' dan '{best.satuan}')")
    return Match("unsure", score=best.score, candidates=shown, reason=", ".join(why) or None)


def match_rows(
    names: Sequence[tuple[str, str | None]], indicators: Sequence[tuple[int | None, str, str | None]]
) -> list[Match]:
    """Match every (name, satuan) of a file: like :func:`match_indikator`, and one indicator
    takes at most one row. When two rows would take the same indicator, an exact or normalised
    match keeps it and the other row becomes ``unsure``; two equally good rows both become
    ``unsure`` (the caller reports the duplicate)."""
    matches = [match_indikator(n, indicators, s) for n, s in names]
    rank = {"exact": 3, "normalised": 2, "fuzzy": 1}
    taken: dict[int | None, list[int]] = {}
    for i, m in enumerate(matches):
        if m.attached:
            taken.setdefault(m.indikator_id, []).append(i)
    for rows in taken.values():
        if len(rows) < 2:
            continue
        best = max(rank[matches[i].how] for i in rows)
        keep = [i for i in rows if rank[matches[i].how] == best]
        for i in rows:
            if i in keep and len(keep) == 1:
                continue
            m = matches[i]
            matches[i] = Match(
                "unsure",
                score=m.score,
                candidates=[Candidate(m.indikator_id, m.nama or "", None, m.score)],
                reason="indikator yang sama sudah dipakai baris lain",
            )
    return matches
