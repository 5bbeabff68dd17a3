"""Ingest of the kinerja cycle: the Perjanjian Kinerja targets workbook (kind ``targets``) and
a unit's returned request format (kind ``kinerja``), recognised by content (etl.pipeline calls
:func:`analyse_targets` / :func:`analyse_kinerja`, then :func:`load_targets` / :func:`load_kinerja`
inside its transaction). Same rules as realisation reports (DESIGN.md section 4): all or nothing
per file, errors and warnings name sheet, row, column and the raw value in Indonesian, archive,
duplicates and supersede with history.

Unit: from the title ("Unit Kerja : Seksi Pemerintahan"), else the file name, matched against
the unit list (created by the targets workbook); contradictions and unknown units are refused
(the Impor page asks). Indicator names are matched tolerantly (:mod:`etl.indikator_match`): a
value whose indicator is unsure is held (``kinerja_pending``) with a warning naming the row, the
name written and the candidates, until a user confirms it; it is never attached silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from core.kinerja import month_target, target_text, tw_target
from core.months import month_name
from core.numbers import NotANumber, parse_number
from core.review import lock_message

from .columns import FIELD_LABEL, Header
from .detect import detect_year, title_lines
from .indikator_match import Match, match_rows, normalise
from .issues import ERROR, INFO, WARNING, Issue, column_letter, reject
from .reader import Sheet
from .text import cell_text, named_in, norm

TW_FIELDS = ("tw1", "tw2", "tw3", "tw4")
_UNIT_LABEL = re.compile(
    r"^\s*(unit kerja|unit organisasi|unit|satuan kerja|seksi|sub ?bagian|subbag|bagian|bidang)"
    r"\s*[:=]\s*(.+)$",
    re.I,
)
_UNIT_WORDS = [
    (re.compile(p), r)
    for p, r in [
        (r"\bsub bagian\b|\bsubbagian\b|\bkasubbag\b|\bkasubag\b|\bsubag\b", "subbag"),
        (r"\bkasi\b|\bkepala seksi\b", "seksi"),
        (r"\bsekertariat\b|\bsekretaris\b", "sekretariat"),
        (r"\btrantib\b", "ketentraman dan ketertiban"),
        (r"\bkesos\b", "kesejahteraan sosial"),
        (r"\bekbang\b", "ekonomi dan pembangunan"),
        (r"\bpem\b|\bpemerintah\b", "pemerintahan"),
    ]
]
_UNIT_TYPE = re.compile(r"^(seksi|subbag|bagian|bidang|unit)\s+")


# ---------------------------------------------------------------------------- master
@dataclass(frozen=True)
class UnitRef:
    """A unit kerja (``id`` is None for a unit of a targets workbook not loaded yet)."""

    id: int | None
    nama: str


def unit_key(text: str) -> str:
    """Comparable form of a unit name ("Sub Bagian Umum" and "Subbag Umum" are the same)."""
    key = norm(text)
    for pattern, repl in _UNIT_WORDS:
        key = pattern.sub(repl, key)
    return re.sub(r"\s+", " ", key).strip()


class UnitMatcher:
    """Match free text against the unit list (full name, or the name without "Seksi"/"Subbag"
    where that is unique); never guesses between two units."""

    def __init__(self, units: list[UnitRef]):
        counts: dict[str, int] = {}
        per: dict[str, set[str]] = {}
        for u in units:
            key = unit_key(u.nama)
            aliases = {key, _UNIT_TYPE.sub("", key)}
            per[u.nama] = {a for a in aliases if a}
            for a in per[u.nama]:
                counts[a] = counts.get(a, 0) + 1
        self._alias = {a: u for u in units for a in per[u.nama] if counts[a] == 1}
        self._by_len = sorted(self._alias.items(), key=lambda kv: -len(kv[0]))

    def exact(self, text: str) -> UnitRef | None:
        """The unit whose name (or short name) equals ``text``."""
        return self._alias.get(unit_key(text))

    def search(self, text: str) -> list[UnitRef]:
        """Units named anywhere in ``text`` as whole words, longest names first."""
        return named_in(unit_key(text), self._by_len)


@dataclass
class KinerjaMaster:
    """What the kinerja ingest needs from the database: units, active indicators (dicts with
    id, unit_id, tahun, no, nama, satuan, arah, agregasi, targets) and approved unit-months."""

    units: list[UnitRef] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    locked: dict[tuple[int, int, int], tuple] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store) -> KinerjaMaster:
        units, inds, locked = store.kinerja_master_rows()
        return cls([UnitRef(i, n) for i, n in units], inds, {(u, y, m): (by, at) for u, y, m, by, at in locked})

    def matcher(self) -> UnitMatcher:
        return UnitMatcher(self.units)

    def indicators_of(self, unit: UnitRef, year: int) -> list[dict]:
        """Active indicators of a unit for a year (by unit id, or by name for an unloaded unit)."""
        if unit.id is not None:
            return [i for i in self.indicators if i["unit_id"] == unit.id and i["tahun"] == year]
        key = unit_key(unit.nama)
        return [
            i for i in self.indicators if i.get("unit_nama") and unit_key(i["unit_nama"]) == key and i["tahun"] == year
        ]

    def merged_with(self, rep) -> KinerjaMaster:
        """This master plus a (not yet loaded) targets workbook, so that unit formats uploaded in
        the same batch can be previewed against it (new units and indicators have no id yet)."""
        known = {unit_key(u.nama) for u in self.units}
        units = list(self.units) + [UnitRef(None, n) for n in rep.targets.units if unit_key(n) not in known]
        by_key = {unit_key(u.nama): u for u in units}
        inds = [i for i in self.indicators if i["tahun"] != rep.year]
        for t in rep.targets.rows:
            unit = by_key[unit_key(t.unit)]
            inds.append(
                dict(
                    id=None,
                    unit_id=unit.id,
                    unit_nama=t.unit,
                    tahun=rep.year,
                    no=t.no,
                    nama=t.nama,
                    satuan=t.satuan,
                    arah=t.arah,
                    agregasi=t.agregasi,
                    target_tahunan=t.target_tahunan,
                    **{f"target_tw{k}": v for k, v in enumerate(t.tw, start=1)},
                )
            )
        return KinerjaMaster(units, inds, dict(self.locked))


# ---------------------------------------------------------------------------- targets
@dataclass
class TargetRow:
    """One indicator of the Perjanjian Kinerja workbook."""

    row: int
    unit: str
    no: int | None
    nama: str
    satuan: str | None
    arah: str
    agregasi: str
    agregasi_source: str
    agregasi_rule: str | None
    target_tahunan: float | None
    tw: list[float | None]


@dataclass
class TargetsTable:
    rows: list[TargetRow] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # in the order of the workbook


_ARAH_WORDS = {
    "naik": "naik",
    "positif": "naik",
    "+": "naik",
    "maksimal": "naik",
    "maksimum": "naik",
    "meningkat": "naik",
    "tinggi": "naik",
    "turun": "turun",
    "negatif": "turun",
    "-": "turun",
    "minimal": "turun",
    "minimum": "turun",
    "menurun": "turun",
    "rendah": "turun",
}
_AGREGASI_WORDS = {
    "stok": "stok",
    "stock": "stok",
    "kumulatif": "stok",
    "akumulatif": "stok",
    "posisi": "stok",
    "keadaan": "stok",
    "terakhir": "stok",
    "alir": "alir",
    "flow": "alir",
    "jumlah": "alir",
    "non kumulatif": "alir",
    "tidak kumulatif": "alir",
    "per bulan": "alir",
    "dijumlahkan": "alir",
}
_STATE_NAME = re.compile(r"^(persentase|indeks|rata rata|rasio|tingkat|nilai|skor|angka|proporsi|cakupan)\b")
_STATE_SATUAN = re.compile(r"^(%|persen|indeks|nilai|skor|poin|rasio|menit|jam|hari)$")


def parse_arah(text) -> str | None:
    """``naik`` / ``turun`` from the words people write (positif/negatif, maksimal/minimal,
    "semakin tinggi semakin baik"), else ``None``."""
    key = norm(text).replace("%", "").strip() if text is not None else ""
    if not key and isinstance(text, str) and text.strip() in "+-":
        key = text.strip()
    if key in _ARAH_WORDS:
        return _ARAH_WORDS[key]
    if re.search(r"(semakin|makin) (tinggi|besar|banyak)", key):
        return "naik"
    if re.search(r"(semakin|makin) (rendah|kecil|sedikit)", key):
        return "turun"
    return None


def parse_agregasi(text) -> str | None:
    """``stok`` / ``alir`` from a cell of an Agregasi column, else ``None``."""
    key = norm(text)
    return _AGREGASI_WORDS.get(key)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-6, 0.005 * max(abs(a), abs(b)))


def infer_agregasi(
    nama: str, satuan: str | None, annual: float | None, tw: list[float | None]
) -> tuple[str, str, bool]:
    """Agregasi of an indicator without an Agregasi column: (``stok``|``alir``, the rule, sure).

    A percentage, index, average or time (by satuan or the first word of the name) is a state
    (``stok``). Else the targets decide: the annual target equal to the sum of the triwulan
    targets means a flow (``alir``), equal to the TW IV target a state. When neither (or both)
    hold, the name decides ("Jumlah ..." a flow) and the result is marked unsure (a warning)."""
    key, sat = normalise(nama), norm(satuan or "")
    if _STATE_SATUAN.match(sat) or _STATE_NAME.match(key):
        return "stok", "satuan/nama menunjukkan keadaan (persen, indeks, rata-rata, waktu)", True
    known = [v for v in tw if v is not None]
    if annual is not None and len(known) == len(tw):
        is_sum, is_last = _close(sum(known), annual), _close(known[3], annual)
        if is_sum and not is_last:
            return "alir", "target tahunan = jumlah target TW I-IV", True
        if is_last and not is_sum:
            return "stok", "target tahunan = target TW IV", True
    guess = "alir" if key.startswith(("jumlah", "banyaknya", "banyak")) else "stok"
    return guess, "ditebak dari nama indikator (pola target tidak menentukan)", False


def _num(raw, issues, s, r, col, label, where_fix: str) -> float | None:
    try:
        value = parse_number(raw)
    except NotANumber:
        issues.append(
            Issue(
                ERROR,
                "non_numeric_value",
                f"{label} '{raw}' bukan angka. {where_fix}",
                sheet=s,
                row=r,
                column=col,
                raw=str(raw),
            )
        )
        return None
    return value


def _col_of(sheet: Sheet, header: Header, name: str) -> str | None:
    idx = header.fields.get(name)
    return None if idx is None else column_letter(sheet.col0 + idx)


def _get(row: list, idx: int | None):
    if idx is None or idx >= len(row):
        return None
    return row[idx]


def parse_targets(sheet: Sheet, header: Header) -> tuple[TargetsTable, list[Issue]]:
    """Rows of a Perjanjian Kinerja table (Unit, No, Indikator, Satuan, Target Tahunan, TW I-IV,
    Arah[, Agregasi]); a blank unit cell continues the unit above (merged cells)."""
    f, s = header.fields, sheet.name
    table, issues = TargetsTable(), []
    unit = None
    seen: dict[tuple[str, str], int] = {}
    guessed = 0
    for i in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[i]
        r = sheet.sheet_row(i)
        unit_cell = cell_text(_get(row, f.get("unit")))
        nama = cell_text(_get(row, f["indikator"]))
        if unit_cell:
            unit = unit_cell
        if not nama:
            continue
        if not unit:
            issues.append(
                Issue(
                    ERROR,
                    "missing_unit",
                    f"Unit kerja untuk indikator '{nama}' kosong. Isi kolom Unit "
                    "pada baris ini (atau baris pertama unit tersebut).",
                    sheet=s,
                    row=r,
                    column=_col_of(sheet, header, "unit"),
                    raw=nama,
                )
            )
            continue
        fix = "Tulis target sebagai angka (mis. 95 atau 45,5) pada baris ini."
        annual = _num(
            _get(row, f.get("target_tahunan")),
            issues,
            s,
            r,
            _col_of(sheet, header, "target_tahunan"),
            "Target tahunan",
            fix,
        )
        tw = [
            _num(_get(row, f.get(k)), issues, s, r, _col_of(sheet, header, k), f"Target TW {k[-1]}", fix)
            for k in TW_FIELDS
        ]
        for label, value, key in [("Target tahunan", annual, "target_tahunan")] + [
            (f"Target TW {k[-1]}", v, k) for k, v in zip(TW_FIELDS, tw)
        ]:
            if value is not None and value < 0:
                issues.append(
                    Issue(
                        ERROR,
                        "negative_value",
                        f"{label} bernilai negatif ({value:g}). Target tidak boleh negatif; perbaiki angkanya.",
                        sheet=s,
                        row=r,
                        column=_col_of(sheet, header, key),
                        raw=str(value),
                    )
                )
        if annual is None and all(v is None for v in tw):
            issues.append(
                Issue(
                    WARNING,
                    "target_kosong",
                    f"Indikator '{nama}' tidak memiliki target (tahunan maupun "
                    "triwulan); capaiannya tidak dapat dihitung. Isi targetnya pada PK.",
                    sheet=s,
                    row=r,
                )
            )
        raw_arah = _get(row, f.get("arah"))
        arah = parse_arah(raw_arah) if raw_arah not in (None, "") else None
        if arah is None:
            if raw_arah not in (None, ""):
                issues.append(
                    Issue(
                        ERROR,
                        "invalid_arah",
                        f"Arah '{raw_arah}' tidak dikenali. Tulis 'naik' (makin "
                        "tinggi makin baik) atau 'turun' (makin rendah makin baik).",
                        sheet=s,
                        row=r,
                        column=_col_of(sheet, header, "arah"),
                        raw=str(raw_arah),
                    )
                )
                continue
            arah = "naik"
            issues.append(
                Issue(
                    WARNING,
                    "arah_kosong",
                    f"Arah indikator '{nama}' kosong; dianggap 'naik' (makin "
                    "tinggi makin baik). Isi kolom Arah bila indikator ini makin rendah makin baik.",
                    sheet=s,
                    row=r,
                    column=_col_of(sheet, header, "arah"),
                )
            )
        satuan = cell_text(_get(row, f.get("satuan"))) or None
        raw_agg = _get(row, f.get("agregasi"))
        agregasi = parse_agregasi(raw_agg) if raw_agg not in (None, "") else None
        if agregasi is not None:
            source, rule = "file", None
        else:
            if raw_agg not in (None, ""):
                issues.append(
                    Issue(
                        ERROR,
                        "invalid_agregasi",
                        f"Agregasi '{raw_agg}' tidak dikenali. Tulis 'stok' "
                        "(nilai terakhir yang dihitung, mis. persen) atau 'alir' (dijumlahkan, mis. "
                        "jumlah surat).",
                        sheet=s,
                        row=r,
                        column=_col_of(sheet, header, "agregasi"),
                        raw=str(raw_agg),
                    )
                )
                continue
            agregasi, rule, sure = infer_agregasi(nama, satuan, annual, tw)
            source = "rule"
            if not sure:
                guessed += 1
                issues.append(
                    Issue(
                        WARNING,
                        "agregasi_ditebak",
                        f"Cara merekap indikator '{nama}' per triwulan/tahun "
                        f"tidak dapat dipastikan; dianggap '{agregasi}' ({rule}). Periksa dan ubah di "
                        "halaman Data kinerja bila keliru, atau tambahkan kolom Agregasi (stok/alir).",
                        sheet=s,
                        row=r,
                        raw=nama,
                    )
                )
        unit_ind = (unit_key(unit), normalise(nama))
        if unit_ind in seen:
            issues.append(
                Issue(
                    ERROR,
                    "duplicate_indikator",
                    f"Indikator '{nama}' unit {unit} tertulis dua kali "
                    f"(baris {seen[unit_ind]} dan {r}). Hapus salah satu baris.",
                    sheet=s,
                    row=r,
                    column=_col_of(sheet, header, "indikator"),
                    raw=nama,
                )
            )
            continue
        seen[unit_ind] = r
        no_raw = _get(row, f.get("no"))
        try:
            no_number = parse_number(no_raw) if no_raw not in (None, "") else None
            no = int(no_number) if no_number is not None else None
        except (NotANumber, ValueError, TypeError):
            no = None
        if unit not in table.units:
            table.units.append(unit)
        table.rows.append(TargetRow(r, unit, no, nama, satuan, arah, agregasi, source, rule, annual, tw))
    if not table.rows and not any(i.severity == ERROR for i in issues):
        issues.append(
            Issue(
                ERROR,
                "no_data_rows",
                "Tidak ada baris indikator di bawah judul kolom Perjanjian "
                "Kinerja. Isi Unit, Indikator dan target di bawah judul kolom.",
                sheet=s,
            )
        )
    inferred = [t for t in table.rows if t.agregasi_source == "rule"]
    if inferred and len(inferred) > guessed:
        n_stok = sum(1 for t in inferred if t.agregasi == "stok")
        issues.append(
            Issue(
                INFO,
                "agregasi_dari_aturan",
                f"Kolom Agregasi tidak ada; cara merekap {len(inferred)} "
                f"indikator ditentukan dari satuan dan pola target: {n_stok} stok (nilai terakhir), "
                f"{len(inferred) - n_stok} alir (dijumlahkan). Periksa di halaman Data kinerja.",
                sheet=s,
            )
        )
    return table, issues


def analyse_targets(rep, name: str, sheet: Sheet, header: Header, master: KinerjaMaster, period_hint) -> None:
    """Fill a ``targets`` report: year, rows, issues (see :func:`parse_targets`)."""
    missing = [FIELD_LABEL[c] for c in ("unit", "indikator") if c not in header.fields]
    if "target_tahunan" not in header.fields and not all(k in header.fields for k in TW_FIELDS):
        missing.append("Target Tahunan atau Target TW I-IV")
    if missing:
        raise reject(
            "missing_required_column",
            f"Kolom wajib Perjanjian Kinerja tidak ditemukan pada lembar "
            f"'{sheet.name}' berkas '{name}': {', '.join(missing)}. Tambahkan kolom tersebut pada baris "
            "judul (Unit, Indikator, Satuan, Target Tahunan, TW I-IV, Arah).",
            sheet=sheet.name,
            row=sheet.sheet_row(header.first),
            raw=", ".join(missing),
        )
    detect_year(
        rep,
        name,
        sheet.name,
        title_lines(sheet.rows, header.first),
        period_hint,
        "Tahun Perjanjian Kinerja",
        "Tulis pada judul, mis. 'PERJANJIAN KINERJA TAHUN 2026'",
    )
    table, issues = parse_targets(sheet, header)
    rep.targets = table
    rep.issues.extend(issues)
    if rep.year is None:
        return
    # Targets that change for a unit whose recap of this year is already approved: say so.
    approved: dict[int, list[int]] = {}
    for u, y, m in master.locked:
        if y == rep.year:
            approved.setdefault(u, []).append(m)
    matcher = master.matcher()
    for t in table.rows:
        unit = matcher.exact(t.unit)
        if unit is None or unit.id not in approved:
            continue
        old = next((i for i in master.indicators_of(unit, rep.year) if normalise(i["nama"]) == normalise(t.nama)), None)
        new = [t.target_tahunan] + list(t.tw)
        if old is not None and [old["target_tahunan"]] + [old[f"target_tw{k}"] for k in range(1, 5)] != new:
            months = ", ".join(month_name(m) for m in sorted(approved[unit.id]))
            rep.issues.append(
                Issue(
                    WARNING,
                    "target_rekap_disetujui",
                    f"Target '{t.nama}' ({t.unit}) berubah, padahal "
                    f"rekap bulan {months} {rep.year} unit ini sudah disetujui Camat; capaian rekap "
                    "tersebut akan dihitung dengan target baru. Periksa kembali sebelum menyimpan.",
                    sheet=sheet.name,
                    row=t.row,
                    raw=t.nama,
                )
            )


def load_targets(store, import_id: int, rep, user: str) -> dict:
    """Apply a targets workbook (inside the caller's transaction): units created as needed;
    per unit, indicators matched by name are updated (previous state kept in
    ``indikator_history``), new ones added, and active ones missing from the workbook
    deactivated. Earlier targets imports that no longer set anything are superseded."""
    summary = {"unit_baru": 0, "indikator_baru": 0, "indikator_diubah": 0, "indikator_dinonaktifkan": 0}
    units_before = {n for _, n in store.unit_kerja()}
    unit_ids = {}
    for nama in rep.targets.units:
        existing = UnitMatcher([UnitRef(i, n) for i, n in store.unit_kerja()]).exact(nama)
        unit_ids[nama] = existing.id if existing else store.add_unit_kerja(nama, user)
        summary["unit_baru"] += nama not in units_before and existing is None
    for nama, unit_id in unit_ids.items():
        old = store.indikator_frame(rep.year, unit_id, include_inactive=True).to_dict("records")
        by_key = {normalise(o["nama"]): o for o in old}
        seen = set()
        new_rows = []
        for t in (t for t in rep.targets.rows if t.unit == nama):
            values = dict(
                no=t.no,
                nama=t.nama,
                satuan=t.satuan,
                arah=t.arah,
                target_tahunan=t.target_tahunan,
                target_tw1=t.tw[0],
                target_tw2=t.tw[1],
                target_tw3=t.tw[2],
                target_tw4=t.tw[3],
            )
            o = by_key.get(normalise(t.nama))
            if o is None:
                new_rows.append(
                    dict(
                        values,
                        unit_id=unit_id,
                        tahun=rep.year,
                        agregasi=t.agregasi,
                        agregasi_source=t.agregasi_source,
                        agregasi_rule=t.agregasi_rule,
                        source="import",
                        import_id=import_id,
                        source_row=t.row,
                    )
                )
                continue
            seen.add(o["id"])
            if o["agregasi_source"] != "manual":  # a choice made in the app survives a new PK
                values.update(agregasi=t.agregasi, agregasi_source=t.agregasi_source, agregasi_rule=t.agregasi_rule)
            changed = {k: v for k, v in values.items() if not _same(o.get(k), v)}
            if not o["active"]:
                changed["active"] = True
            store.update_indikator(
                int(o["id"]),
                dict(changed, import_id=import_id, source_row=t.row),
                user,
                f"Perjanjian Kinerja diimpor (impor #{import_id})",
            )
            summary["indikator_diubah"] += bool(changed)
        if new_rows:
            store.insert_indikator(new_rows, user)
            summary["indikator_baru"] += len(new_rows)
        for o in old:
            if o["active"] and o["id"] not in seen:
                store.update_indikator(
                    int(o["id"]), {"active": False}, user, f"tidak ada lagi dalam Perjanjian Kinerja impor #{import_id}"
                )
                summary["indikator_dinonaktifkan"] += 1
    summary["menggantikan"] = store.supersede_targets(import_id, rep.year)
    return summary


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9 or (a is None and b is None)
        except (TypeError, ValueError):
            return False
    if a is None or b is None:
        return a is None and b is None
    try:
        if a != a and b != b:  # both NaN
            return True
    except TypeError:
        pass
    return a == b


# ---------------------------------------------------------------------------- unit submissions
@dataclass
class KinerjaRow:
    """One indicator row of a returned format."""

    row: int
    no: int | None
    nama: str
    satuan: str | None
    target: float | None
    realisasi: float | None
    keterangan: str | None
    match: Match | None = None
    flags: list[str] = field(default_factory=list)
    teks: str | None = None  # text written in place of a number ("tercapai", "n/a", "-"): not reported


@dataclass
class KinerjaTable:
    rows: list[KinerjaRow] = field(default_factory=list)

    @property
    def attached(self) -> list[KinerjaRow]:
        """Rows loaded: a number, or a text in place of it (stored without a number, flagged
        ``tidak_dilaporkan``), of an indicator matched with certainty."""
        return [
            r for r in self.rows if r.match and r.match.attached and (r.realisasi is not None or r.teks is not None)
        ]

    @property
    def held(self) -> list[KinerjaRow]:
        return [r for r in self.rows if r.match and not r.match.attached and r.realisasi is not None]


def _realisasi_index(header: Header) -> int | None:
    if "realisasi" in header.fields:
        return header.fields["realisasi"]
    for idx, label in header.labels.items():
        key = norm(label)
        if key.startswith(("realisasi", "capaian")) and idx != header.fields.get("indikator"):
            return idx
    return None


def detect_unit(rep, name: str, sheet: Sheet, lines: list[str], master: KinerjaMaster, hint) -> None:
    """The unit of a returned format: the user's choice, else the title ("Unit Kerja : ..."),
    else the file name; unknown or contradicting sources are refused (the Impor page asks)."""
    matcher = master.matcher()
    label_text = next((m.group(2).strip() for m in map(_UNIT_LABEL.match, lines) if m), None)
    rep.unit_text = label_text
    if not master.units:
        rep.needs.append("unit")
        rep.issues.append(
            Issue(
                ERROR,
                "unknown_unit",
                "Daftar unit kerja belum ada. Impor Perjanjian Kinerja "
                "(target per unit) terlebih dahulu, lalu unggah ulang berkas ini.",
                sheet=sheet.name,
                raw=label_text,
            )
        )
        return
    if hint not in (None, ""):
        found = (
            next((u for u in master.units if str(u.id) == str(hint)), None)
            or matcher.exact(str(hint))
            or next(iter(matcher.search(str(hint))), None)
        )
        if found is None:
            rep.issues.append(
                Issue(
                    ERROR,
                    "unknown_unit",
                    f"Unit kerja '{hint}' yang dipilih tidak ada dalam daftar unit. Pilih salah satu unit yang ada.",
                    raw=str(hint),
                )
            )
            return
        rep.unit = found
        others = [t for t in (label_text,) if t and matcher.exact(t) not in (None, found)]
        if others:
            rep.issues.append(
                Issue(
                    WARNING,
                    "unit_override",
                    f"Unit ditetapkan pengguna: {found.nama}, berbeda dengan judul berkas '{others[0]}'.",
                    sheet=sheet.name,
                    raw=others[0],
                )
            )
        return
    candidates: dict[str, tuple[UnitRef, str]] = {}
    if label_text:
        hit = matcher.exact(label_text) or next(iter(matcher.search(label_text)), None)
        if hit is None:
            rep.needs.append("unit")
            known = ", ".join(u.nama for u in master.units)
            rep.issues.append(
                Issue(
                    ERROR,
                    "unknown_unit",
                    f"Unit kerja '{label_text}' pada judul berkas '{name}' tidak "
                    f"ada dalam daftar unit ({known}). Periksa penulisan nama unit, atau impor "
                    "Perjanjian Kinerja yang memuat unit ini terlebih dahulu.",
                    sheet=sheet.name,
                    raw=label_text,
                )
            )
            return
        candidates[hit.nama] = (hit, f"judul '{label_text}'")
    file_hits = matcher.search(Path(name).stem.replace("_", " ").replace("-", " "))
    if file_hits:
        candidates.setdefault(file_hits[0].nama, (file_hits[0], f"nama berkas '{name}'"))
    if len(candidates) > 1:
        rep.needs.append("unit")
        rep.issues.append(
            Issue(
                ERROR,
                "unit_conflict",
                "Unit kerja berkas tidak konsisten: "
                + "; ".join(f"{src} = {u.nama}" for u, src in candidates.values())
                + ". Pilih unit yang benar pada pratinjau impor (baris perintah: --unit NAMA).",
                sheet=sheet.name,
            )
        )
        return
    if candidates:
        rep.unit = next(iter(candidates.values()))[0]
        return
    rep.needs.append("unit")
    rep.issues.append(
        Issue(
            ERROR,
            "unknown_unit",
            f"Unit kerja tidak dapat dikenali dari judul atau nama berkas "
            f"'{name}'. Tulis pada judul, mis. 'Unit Kerja : Seksi Pemerintahan', atau pilih unit "
            "pada pratinjau impor (baris perintah: --unit NAMA).",
            sheet=sheet.name,
        )
    )


def parse_kinerja(sheet: Sheet, header: Header) -> tuple[KinerjaTable, list[Issue]]:
    """Indicator rows of a returned format; rows without an indicator name (signature block,
    notes) are skipped. Numbers may be written the Indonesian way."""
    f, s = header.fields, sheet.name
    real_idx = _realisasi_index(header)
    assert real_idx is not None  # analyse_kinerja refuses a sheet without the column
    real_col = column_letter(sheet.col0 + real_idx)
    table, issues = KinerjaTable(), []
    for i in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[i]
        r = sheet.sheet_row(i)
        nama = cell_text(_get(row, f["indikator"]))
        raw_real = _get(row, real_idx)
        if not nama:
            if isinstance(raw_real, (int, float)) and not isinstance(raw_real, bool):
                issues.append(
                    Issue(
                        WARNING,
                        "indikator_kosong",
                        f"Baris {r} berisi realisasi {raw_real:g} tanpa nama "
                        "indikator; nilai ini tidak dimuat. Isi nama indikatornya.",
                        sheet=s,
                        row=r,
                        column=real_col,
                        raw=str(raw_real),
                    )
                )
            continue
        realisasi, teks = realisasi_cell(raw_real)
        if teks is not None:
            issues.append(
                Issue(
                    WARNING,
                    "realisasi_bukan_angka",
                    f"Realisasi indikator '{nama}' tertulis '{teks}', bukan angka; baris ini dimuat sebagai "
                    "TIDAK DILAPORKAN (tanpa nilai) dan ditandai untuk Sekcam. Tulis angkanya, mis. 45,5, "
                    "lalu unggah ulang atau isi melalui formulir.",
                    sheet=s,
                    row=r,
                    column=real_col,
                    raw=teks,
                )
            )
        target = None
        raw_target = _get(row, f.get("target"))
        if raw_target not in (None, ""):
            try:
                target = parse_number(raw_target)
            except NotANumber:
                issues.append(
                    Issue(
                        WARNING,
                        "non_numeric_value",
                        f"Target '{raw_target}' indikator '{nama}' bukan "
                        "angka; target diambil dari Perjanjian Kinerja.",
                        sheet=s,
                        row=r,
                        column=_col_of(sheet, header, "target"),
                        raw=str(raw_target),
                    )
                )
        no_raw = _get(row, f.get("no"))
        try:
            no_number = parse_number(no_raw) if no_raw not in (None, "") else None
            no = int(no_number) if no_number is not None else None
        except (NotANumber, ValueError, TypeError):
            no = None
        keterangan = cell_text(_get(row, f.get("keterangan"))) or None
        satuan = cell_text(_get(row, f.get("satuan"))) or None
        table.rows.append(KinerjaRow(r, no, nama, satuan, target, realisasi, keterangan, teks=teks))
    return table, issues


def realisasi_cell(raw) -> tuple[float | None, str | None]:
    """(number, None) of a realisasi cell; (None, the text) for a text in place of a number
    ("tercapai", "n/a", "-"); (None, None) for an empty cell."""
    try:
        value = parse_number(raw)
    except NotANumber:
        return None, cell_text(raw) or str(raw)
    if value is None and isinstance(raw, str) and raw.strip():
        return None, raw.strip()
    return value, None


def _is_percent(satuan: str | None) -> bool:
    s = (satuan or "").strip().lower()
    return s in ("%", "persen", "persentase", "prosentase") or s.startswith("% ")


def analyse_kinerja(
    rep,
    name: str,
    sheet: Sheet,
    header: Header,
    master: KinerjaMaster,
    unit_hint,
    period_hint,
    multi: bool,
    detect_period,
) -> None:
    """Fill a ``kinerja`` report: period (``detect_period`` of etl.pipeline), unit, rows and
    their indicator matches, and the checks (lock, values, targets, missing indicators)."""
    where = f"lembar '{sheet.name}' berkas '{name}'" if sheet.name else f"berkas '{name}'"
    if _realisasi_index(header) is None:
        raise reject(
            "missing_required_column",
            f"Kolom Realisasi tidak ditemukan pada {where}. Tambahkan kolom "
            "'Realisasi' di samping kolom Indikator dan Target (pakai format permintaan data dari Pantau).",
            sheet=sheet.name,
            row=sheet.sheet_row(header.first),
            raw="Realisasi",
        )
    lines = title_lines(sheet.rows, header.first)
    detect_period(rep, name, sheet, lines, period_hint, multi)
    detect_unit(rep, name, sheet, lines, master, unit_hint)
    table, issues = parse_kinerja(sheet, header)
    rep.kinerja = table
    rep.issues.extend(issues)
    s = sheet.name
    if not table.rows:
        rep.issues.append(
            Issue(
                ERROR,
                "no_data_rows",
                f"Tidak ada baris indikator di bawah judul kolom pada {where}. "
                "Isi realisasi setiap indikator di bawah judul kolom.",
                sheet=s,
                row=sheet.sheet_row(header.last),
            )
        )
        return
    if rep.unit is None or rep.year is None or rep.month is None:
        return
    locked = master.locked.get((rep.unit.id, rep.year, rep.month)) if rep.unit.id is not None else None
    if locked is not None:
        rep.issues.append(
            Issue(
                ERROR,
                "period_locked",
                f"Berkas '{name}': " + lock_message(rep.unit.nama, rep.year, rep.month, *locked),
                sheet=s,
            )
        )
        return
    indicators = master.indicators_of(rep.unit, rep.year)
    if not indicators:
        rep.issues.append(
            Issue(
                ERROR,
                "no_targets",
                f"Unit {rep.unit.nama} belum memiliki indikator Perjanjian Kinerja "
                f"tahun {rep.year}. Impor Perjanjian Kinerja tahun {rep.year} terlebih dahulu, lalu "
                "unggah ulang berkas ini.",
                sheet=s,
            )
        )
        return
    by_id: dict[int | None, dict] = {id(i): i for i in indicators}  # keyed like Match and Candidate ids
    refs = [(id(i), i["nama"], i.get("satuan")) for i in indicators]
    matches = match_rows([(r.nama, r.satuan) for r in table.rows], refs)
    ind_col = _col_of(sheet, header, "indikator")
    used = set()
    for r, m in zip(table.rows, matches):
        ind = by_id.get(m.indikator_id) if m.attached else None
        # ids are the indicators' real ids (None for a PK not loaded yet) once matched
        r.match = Match(
            m.how,
            ind["id"] if ind else None,
            m.nama,
            m.score,
            [type(c)(by_id[c.id]["id"], c.nama, c.satuan, c.score) for c in m.candidates],
            m.reason,
        )
        if ind is not None:
            used.add(id(ind))
        _check_row(rep, r, ind, sheet, header, ind_col)
    missing = [i["nama"] for i in indicators if id(i) not in used]
    if missing:
        rep.issues.append(
            Issue(
                WARNING,
                "indikator_tidak_ada",
                f"{len(missing)} indikator {rep.unit.nama} tidak ada "
                f"(atau belum dapat dicocokkan) dalam berkas: "
                + "; ".join(missing)
                + ". Lengkapi berkas, atau isi melalui formulir data kinerja.",
                sheet=s,
            )
        )


def _check_row(rep, r: KinerjaRow, ind: dict | None, sheet: Sheet, header: Header, ind_col: str | None) -> None:
    s = sheet.name
    m = r.match
    assert m is not None  # set by the caller
    if ind is None:
        if r.realisasi is None:
            return  # a label or heading row without values
        cands = "; ".join(f"'{c.nama}' ({c.score:.0%})" for c in m.candidates) or "tidak ada yang mirip"
        code = "indikator_ragu" if m.how == "unsure" else "indikator_tidak_dikenal"
        what = (
            "tidak dapat dipastikan cocok dengan indikator Perjanjian Kinerja"
            if m.how == "unsure"
            else "tidak ada dalam Perjanjian Kinerja unit ini"
        )
        r.flags.append(code)
        rep.issues.append(
            Issue(
                WARNING,
                code,
                f"Nama indikator '{r.nama}' {what}"
                + (f" ({m.reason})" if m.reason else "")
                + f". Kandidat: {cands}. Nilai {r.realisasi:g} belum dimuat: pilih indikator yang benar "
                "pada halaman Data kinerja (atau perbaiki nama indikator pada berkas).",
                sheet=s,
                row=r.row,
                column=ind_col,
                raw=r.nama,
            )
        )
        return
    if m.how == "normalised" and r.nama != ind["nama"]:
        rep.issues.append(
            Issue(
                INFO,
                "indikator_dinormalkan",
                f"Nama indikator '{r.nama}' dicocokkan dengan "
                f"'{ind['nama']}' (beda huruf besar/kecil, spasi atau ejaan).",
                sheet=s,
                row=r.row,
                column=ind_col,
                raw=r.nama,
            )
        )
    if m.how == "fuzzy":
        r.flags.append("indikator_mirip")
        rep.issues.append(
            Issue(
                WARNING,
                "indikator_mirip",
                f"Nama indikator '{r.nama}' dicocokkan otomatis dengan "
                f"'{ind['nama']}' (kemiripan {m.score:.0%}). Periksa bahwa ini benar; bila keliru, "
                "perbaiki nama pada berkas lalu unggah ulang.",
                sheet=s,
                row=r.row,
                column=ind_col,
                raw=r.nama,
            )
        )
    real_idx = _realisasi_index(header)
    assert real_idx is not None  # analyse_kinerja refuses a sheet without the column
    if r.realisasi is None and r.teks is not None:
        r.flags.append("tidak_dilaporkan")  # the warning was given when the row was read
        return
    if r.realisasi is None:
        r.flags.append("realisasi_kosong")
        rep.issues.append(
            Issue(
                WARNING,
                "realisasi_kosong",
                f"Realisasi indikator '{ind['nama']}' kosong; indikator ini "
                "dianggap belum dilaporkan. Isi realisasinya lalu unggah ulang, atau isi melalui "
                "formulir.",
                sheet=s,
                row=r.row,
                column=column_letter(sheet.col0 + real_idx),
            )
        )
        return
    real_col = column_letter(sheet.col0 + real_idx)
    if r.realisasi < 0:
        r.flags.append("negative_value")
        rep.issues.append(
            Issue(
                WARNING,
                "negative_value",
                f"Realisasi '{ind['nama']}' bernilai negatif ({r.realisasi:g}). Periksa angkanya.",
                sheet=s,
                row=r.row,
                column=real_col,
                raw=str(r.realisasi),
            )
        )
    satuan = ind.get("satuan") or r.satuan
    if _is_percent(satuan):
        expected = tw_target(ind, rep.month)
        if r.realisasi > 100:
            r.flags.append("persen_di_luar_rentang")
            rep.issues.append(
                Issue(
                    WARNING,
                    "persen_di_luar_rentang",
                    f"Realisasi '{ind['nama']}' = {r.realisasi:g} % di luar rentang 0-100 %. Periksa angkanya.",
                    sheet=s,
                    row=r.row,
                    column=real_col,
                    raw=str(r.realisasi),
                )
            )
        elif 0 < r.realisasi <= 1 and expected is not None and expected > 5:
            r.flags.append("persen_pecahan")
            rep.issues.append(
                Issue(
                    WARNING,
                    "persen_pecahan",
                    f"Realisasi '{ind['nama']}' = {r.realisasi:g} padahal "
                    f"targetnya {expected:g} %: mungkin ditulis sebagai pecahan ({r.realisasi * 100:g} %?). "
                    "Periksa dan tulis dalam persen; nilai dimuat apa adanya.",
                    sheet=s,
                    row=r.row,
                    column=real_col,
                    raw=str(r.realisasi),
                )
            )
    if (
        r.satuan
        and ind.get("satuan")
        and norm(r.satuan) != norm(ind["satuan"])
        and not (_is_percent(r.satuan) and _is_percent(ind["satuan"]))
    ):
        r.flags.append("satuan_berbeda")
        rep.issues.append(
            Issue(
                WARNING,
                "satuan_berbeda",
                f"Satuan '{r.satuan}' indikator '{ind['nama']}' berbeda dengan "
                f"Perjanjian Kinerja ('{ind['satuan']}'). Periksa apakah realisasi ditulis dalam satuan "
                "yang sama.",
                sheet=s,
                row=r.row,
                column=_col_of(sheet, header, "satuan"),
                raw=r.satuan,
            )
        )
    # the file may carry the month's target (the request format) or its triwulan's (older formats)
    monthly, quarterly = month_target(ind, rep.month).nilai, tw_target(ind, rep.month)
    known = [t for t in (monthly, quarterly) if t is not None]
    if r.target is not None and known and all(abs(r.target - t) > 1e-9 for t in known):
        satuan = ind.get("satuan")
        rep.issues.append(
            Issue(
                WARNING,
                "target_berbeda",
                f"Target '{ind['nama']}' pada berkas ({r.target:g}) berbeda dengan target Perjanjian Kinerja "
                f"(bulan {month_name(rep.month)}: {target_text(monthly, satuan)}; triwulan: "
                f"{target_text(quarterly, satuan)}); capaian dihitung dengan target bulanan Perjanjian Kinerja.",
                sheet=s,
                row=r.row,
                column=_col_of(sheet, header, "target"),
                raw=str(r.target),
            )
        )


def load_kinerja(store, import_id: int, rep, file_name: str, user: str) -> dict:
    """Write a unit's returned format (inside the caller's transaction): attached values
    supersede the ones in force, unsure rows are held, earlier imports of the unit-month are
    superseded where nothing of them is in force any more, and the month becomes ``submitted``."""
    from core.review import check_unlocked, record_submission

    unit_id = rep.unit.id
    if unit_id is None or any(r.match.attached and r.match.indikator_id is None for r in rep.kinerja.rows if r.match):
        raise RuntimeError("kinerja report analysed against a targets workbook that is not loaded")
    check_unlocked(store, unit_id, rep.year, rep.month)
    rows = [
        dict(
            indikator_id=r.match.indikator_id,
            unit_id=unit_id,
            tahun=rep.year,
            bulan=rep.month,
            realisasi=r.realisasi,
            keterangan=r.keterangan,
            source="import",
            import_id=import_id,
            sheet=rep.sheet,
            source_row=r.row,
            nama_file=r.nama,
            target_file=r.target,
            match_how=r.match.how,
            match_score=r.match.score,
            flagged=bool(r.flags),
        )
        for r in rep.kinerja.attached
    ]
    written = store.write_kinerja(rows, user)
    import json

    held = [
        dict(
            import_id=import_id,
            sheet=rep.sheet,
            row=r.row,
            unit_id=unit_id,
            tahun=rep.year,
            bulan=rep.month,
            nama_file=r.nama,
            satuan_file=r.satuan,
            target_file=r.target,
            realisasi=r.realisasi,
            keterangan=r.keterangan,
            how=r.match.how,
            candidates_json=json.dumps(
                [dict(id=c.id, nama=c.nama, satuan=c.satuan, score=c.score) for c in r.match.candidates],
                ensure_ascii=False,
            ),
        )
        for r in rep.kinerja.held
    ]
    store.insert_pending(held)
    old = store.supersede_kinerja_imports(unit_id, rep.year, rep.month, import_id)
    record_submission(store, unit_id, rep.year, rep.month, user, f"berkas '{file_name}'")
    return {
        "nilai": len(written),
        "menggantikan_nilai": [o for o in written.values() if o],
        "ditahan": len(held),
        "menggantikan_impor": old,
    }
