"""Recognise an OPD from free text (title rows, file names) against the master list.

An OPD matches by code, by full name or by a common abbreviation (Dinkes, Disdik,
DPUPR, Bappeda ...). Abbreviations come from a list of names used across Indonesian
kabupaten plus the initials of the name; an abbreviation shared by two OPDs is dropped
rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import named_in, norm

# Common abbreviations by normalised full name (Permendagri 90/2019 nomenclature).
COMMON_ALIASES: dict[str, tuple[str, ...]] = {
    "dinas pendidikan": ("disdik", "dindik"),
    "dinas pendidikan dan kebudayaan": ("disdikbud", "dindikbud"),
    "dinas kesehatan": ("dinkes",),
    "dinas pekerjaan umum dan penataan ruang": ("dpupr", "dinas pupr", "pupr", "dispupr"),
    "dinas pekerjaan umum": ("dpu", "dispu"),
    "dinas perhubungan": ("dishub",),
    "dinas sosial": ("dinsos",),
    "dinas pertanian": ("distan", "dispertan"),
    "dinas perumahan dan kawasan permukiman": ("dpkp", "disperkim", "perkim"),
    "badan perencanaan pembangunan daerah": ("bappeda",),
    "badan perencanaan pembangunan penelitian dan pengembangan daerah": ("bappelitbangda",),
    "dinas lingkungan hidup": ("dlh",),
    "dinas kependudukan dan pencatatan sipil": ("disdukcapil", "dukcapil"),
    "dinas komunikasi dan informatika": ("diskominfo", "kominfo"),
    "badan pengelolaan keuangan dan aset daerah": ("bpkad",),
    "badan keuangan dan aset daerah": ("bkad",),
    "badan pendapatan daerah": ("bapenda",),
    "badan kepegawaian dan pengembangan sumber daya manusia": ("bkpsdm",),
    "badan kepegawaian daerah": ("bkd",),
    "satuan polisi pamong praja": ("satpol pp", "satpolpp"),
    "badan penanggulangan bencana daerah": ("bpbd",),
    "dinas tenaga kerja": ("disnaker",),
    "dinas penanaman modal dan pelayanan terpadu satu pintu": ("dpmptsp",),
    "dinas pemberdayaan masyarakat dan desa": ("dpmd",),
    "dinas kepemudaan dan olahraga": ("dispora",),
    "dinas pariwisata": ("dispar",),
    "dinas pariwisata dan kebudayaan": ("disparbud",),
    "dinas perikanan": ("diskan",),
    "dinas koperasi dan usaha mikro": ("diskopum", "dinkop"),
    "dinas perindustrian dan perdagangan": ("disperindag",),
    "dinas perpustakaan dan kearsipan": ("dispusip", "disarpus"),
    "dinas ketahanan pangan": ("dkp",),
    "inspektorat": ("itda", "inspektorat daerah"),
    "sekretariat daerah": ("setda",),
    "sekretariat dewan perwakilan rakyat daerah": ("setwan", "sekwan", "setdprd"),
    "badan kesatuan bangsa dan politik": ("kesbangpol",),
    "rumah sakit umum daerah": ("rsud",),
    "badan riset dan inovasi daerah": ("brida",),
    "dinas pemberdayaan perempuan dan perlindungan anak": ("dp3a", "dpppa"),
    "dinas pengendalian penduduk dan keluarga berencana": ("dppkb", "dalduk kb"),
    "dinas pemberdayaan perempuan perlindungan anak pengendalian penduduk dan keluarga berencana": (
        "dp3ap2kb",
        "dp3akb",
    ),
    "dinas koperasi usaha kecil dan menengah": ("diskopukm", "dinkop ukm"),
}

_STOP = {"dan", "serta", "kabupaten", "kota", "daerah_"}


@dataclass(frozen=True)
class OpdRef:
    """An OPD of the master list."""

    kode: str
    nama: str
    singkatan: str | None = None


def initials(nama: str) -> str:
    """Initials of the significant words: "Dinas Lingkungan Hidup" -> "dlh"."""
    words = [w for w in norm(nama).split() if w not in _STOP]
    return "".join(w[0] for w in words)


def aliases_for(nama: str, singkatan: str | None = None) -> set[str]:
    """Every normalised text that names this OPD (full name, abbreviations, initials)."""
    key = norm(nama)
    out = {key}
    out.update(COMMON_ALIASES.get(key, ()))
    if singkatan:
        out.add(norm(singkatan))
    ini = initials(nama)
    if len(ini) >= 3:
        out.add(ini)
    return out


def default_singkatan(nama: str) -> str:
    """A display abbreviation for a new OPD: the common one, else the initials."""
    common = COMMON_ALIASES.get(norm(nama))
    return (common[0] if common else initials(nama)).upper() if (common or len(initials(nama)) >= 3) else nama


class OpdMatcher:
    """Match free text against the master OPD list."""

    def __init__(self, opds: list[OpdRef]):
        self.opds = opds
        counts: dict[str, int] = {}
        per_opd = {}
        for opd in opds:
            al = aliases_for(opd.nama, opd.singkatan) | {norm(opd.kode)}
            per_opd[opd.kode] = al
            for a in al:
                counts[a] = counts.get(a, 0) + 1
        # Drop aliases that name two OPDs: never guess.
        self._alias: dict[str, OpdRef] = {}
        for opd in opds:
            for a in per_opd[opd.kode]:
                if counts[a] == 1 and a:
                    self._alias[a] = opd
        self._by_len = sorted(self._alias.items(), key=lambda kv: -len(kv[0]))

    def exact(self, text: str) -> OpdRef | None:
        """The OPD whose code, name or abbreviation equals ``text`` (normalised)."""
        key = norm(text)
        key = re.sub(r"^(pemerintah kabupaten \w+ )", "", key)
        return self._alias.get(key)

    def search(self, text: str) -> list[OpdRef]:
        """OPDs named anywhere inside ``text`` as whole words, longest names first."""
        return named_in(norm(text), self._by_len)
