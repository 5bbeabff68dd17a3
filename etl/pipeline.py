"""Read -> normalise -> validate -> load, for one uploaded file at a time.

:func:`analyse` is pure (bytes + master list in, a :class:`FileAnalysis` out): the UI shows it
as a preview and the user may supply the OPD or period where the file is silent or
contradicts itself. :func:`commit` loads an analysis in one transaction (all or nothing per
file), archives the bytes by sha256, skips exact duplicates and supersedes older reports.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import attrgetter
from pathlib import Path

import pandas as pd
import pyarrow as pa

from core.access import User, kinerja_upload_refusal, upload_refusal
from core.logs import log_failure
from core.metrics import weighted_fisik
from core.months import month_name
from db.store import ImportInProgress, Store, StoreBusy

from . import dpa as dpa_mod
from . import kinerja as kinerja_mod
from . import rak as rak_mod
from .classify import jenis_from_name, jenis_from_text
from .codes import ORGANISASI, REKENING, code_kind, split_code
from .columns import FIELD_LABEL, Header, find_header
from .detect import PeriodHit, detect_year, file_name_periods, find_period, opd_in_title, period_in_title, title_lines
from .issues import ERROR, INFO, WARNING, Issue, Rejected, column_letter, reject
from .mapping import Layout, Mapping, find_layout, header_from_mapping, layout_from
from .opd_match import OpdMatcher, OpdRef, default_singkatan
from .reader import Sheet, read_sheets
from .realisasi import LeafRow, column_label, name_key, parse_table
from .sniff import MAX_FILE_BYTES, sniff
from .source import dpa_source, is_nomenclature, realisasi_source, sheet_kind
from .template import LAYOUT, Marker, layout_matches, read_marker
from .text import norm
from .wilayah import check_wilayah

# Realisasi fisik may be absent (a keuangan-only LRA): stored as missing, never 0.
REQUIRED_REALISASI = ("pagu", "realisasi_keuangan")
# Files written per hold of the database (one session) by commit_many, each in its own transaction.
COMMIT_CHUNK = 50


@dataclass
class Master:
    """What the pipeline needs to know of the database: OPDs and DPA sub kegiatan."""

    opds: list[OpdRef]
    sub_kegiatan: dict[tuple[int, str, str], tuple[str, str]]  # (tahun, opd, kode) -> (jenis, source)
    kinerja: kinerja_mod.KinerjaMaster = field(default_factory=kinerja_mod.KinerjaMaster)  # units, indicators
    # (tahun, opd) -> normalised sub kegiatan name -> kode, of the DPA (not of provisional lists)
    names: dict[tuple[int, str], dict[str, str]] = field(default_factory=dict)
    dpa_years: set[int] | None = None  # years with a DPA (None: every year of ``sub_kegiatan``)
    layouts: list[Layout] = field(default_factory=list)  # remembered column layouts (issue 16)
    # kode -> kabupaten/kota of every stored OPD (a province install; None: the own daerah)
    opd_wilayah: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store) -> Master:
        """Load the master list from the store (in one reading session: one state of the data;
        the Python objects are built after it)."""
        with store.session(write=False):
            opds = store.opds()
            table = store.sub_kegiatan_table()
            confirmed = store.name_matches()  # names a person confirmed
            kinerja = kinerja_mod.KinerjaMaster.from_store(store)
            dpa_years = set(store.dpa_years())
            layouts = store.layouts()
        tahun, opd, kode, nama, jenis, source, provisional = (column.to_pylist() for column in table.columns)
        names: dict[tuple[int, str], dict[str, str]] = {}
        for t, o, k, n, p in zip(tahun, opd, kode, nama, provisional):
            if not p:  # rows reported by name are matched against the DPA, not a provisional list
                names.setdefault((t, o), {})[norm(n)] = k
        for t, o, nama_norm, k in confirmed:
            names.setdefault((t, o), {})[nama_norm] = k
        return cls(
            [OpdRef(o.kode, o.nama, o.singkatan) for o in opds],
            dict(zip(zip(tahun, opd, kode), zip(jenis, source))),
            kinerja,
            names,
            dpa_years,
            [Layout(r["name"], r["signature"], r["paths"], r["height"], r["opd_kode"], r["id"]) for r in layouts],
            {o.kode: o.wilayah for o in opds},
        )

    def __post_init__(self) -> None:
        self.years = self.dpa_years if self.dpa_years is not None else {k[0] for k in self.sub_kegiatan}
        self._owners: dict[tuple[int, str], list[str]] | None = None
        self._matcher: OpdMatcher | None = None

    @property
    def owners(self) -> dict[tuple[int, str], list[str]]:
        """(tahun, sub kegiatan kode) -> the OPDs whose DPA holds it (built on first use: only
        a report with codes outside its own DPA needs it)."""
        if self._owners is None:
            owners: dict[tuple[int, str], list[str]] = {}
            for tahun, opd_kode, kode in self.sub_kegiatan:
                owners.setdefault((tahun, kode), []).append(opd_kode)
            self._owners = owners
        return self._owners

    def matcher(self) -> OpdMatcher:
        """Matcher over the OPD list (built once)."""
        if self._matcher is None:
            self._matcher = OpdMatcher(self.opds)
        return self._matcher

    def merged_with(self, rep: Report) -> Master:
        """This master plus the OPDs and sub kegiatan of a (not yet loaded) DPA report, so that
        reports uploaded in the same batch can be previewed against it."""
        dpa, year = rep.dpa, rep.year
        assert dpa is not None and year is not None  # an accepted DPA report (without errors) has both
        known = {o.kode for o in self.opds}
        opds = list(self.opds) + [OpdRef(k, n, s) for k, (n, s) in dpa.opds.items() if k not in known]
        subs = dict(self.sub_kegiatan)
        subs.update({(year, s.opd_kode, s.kode): (s.jenis, s.jenis_source) for s in dpa.sub_kegiatan.values()})
        names = {k: dict(v) for k, v in self.names.items()}
        for s in dpa.sub_kegiatan.values():
            names.setdefault((year, s.opd_kode), {})[norm(s.nama)] = s.kode
        years = None if self.dpa_years is None else self.dpa_years | {year}
        return Master(opds, subs, self.kinerja, names, years, self.layouts, self.opd_wilayah)

    def with_targets(self, rep: Report) -> Master:
        """This master plus the units and indicators of a (not yet loaded) targets workbook."""
        return Master(
            self.opds,
            self.sub_kegiatan,
            self.kinerja.merged_with(rep),
            self.names,
            self.dpa_years,
            self.layouts,
            self.opd_wilayah,
        )

    def by_kode(self, kode: str) -> OpdRef | None:
        return next((o for o in self.opds if o.kode == kode), None)


@dataclass
class Report:
    """One loadable unit: a DPA, or one month of one OPD's realisation report."""

    kind: str
    sheet: str | None
    header: Header
    year: int | None = None
    month: int | None = None
    opd: OpdRef | None = None
    opd_text: str | None = None
    leaves: list[LeafRow] = field(default_factory=list)
    dpa: dpa_mod.DpaTable | None = None
    issues: list[Issue] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # "opd" / "period" / "unit": ask the user
    unit: kinerja_mod.UnitRef | None = None  # kind kinerja: the unit kerja
    unit_text: str | None = None
    kinerja: kinerja_mod.KinerjaTable | None = None
    targets: kinerja_mod.TargetsTable | None = None
    layout: str | None = None  # "pantau": a returned request template of Pantau (etl.template)
    source: str | None = None  # the family of file (etl.source.SOURCE_LABEL)
    provisional: bool = False  # no DPA of the year: the report's rows are the activity list for now
    col0: int = 0  # the sheet's first column (header columns are counted from it)
    kas: rak_mod.RakTable | None = None  # kind rak: planned cash per sub kegiatan and month
    layout_name: str | None = None  # the remembered layout the report was read with
    org: tuple[str, str] | None = None  # (code, name) of the organisation row the rows stand under
    # rows named without a code whose name is only close to the DPA's: held for a person, with the
    # candidate sub kegiatan ((kode, nama), ...) - not loaded until confirmed
    held: list[tuple[LeafRow, list[tuple[str, str]]]] = field(default_factory=list)
    sample_rows: list[list] = field(default_factory=list, repr=False)  # first data rows (for candidates)
    wilayah: str | None = None  # the kabupaten/kota the file is from (etl.wilayah; new OPDs take it)

    def samples(self, col: int, n: int = 3) -> list:
        """The first non-empty values of grid column ``col`` under the header."""
        values = [row[col] for row in self.sample_rows if col < len(row) and row[col] is not None]
        return [v if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v) for v in values[:n]]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def rows(self) -> int:
        table = self.targets if self.targets is not None else self.kinerja
        if table is not None:
            return len(table.rows)
        if self.kas is not None:
            return len(self.kas.rows)
        return len(self.dpa.sub_kegiatan) if self.dpa else len(self.leaves)

    @property
    def pagu(self) -> float | None:
        if self.kind in ("targets", "kinerja"):
            return None
        if self.dpa:
            return round(sum(s.pagu for s in self.dpa.sub_kegiatan.values()), 2)
        if self.kas is not None:
            return round(sum(r.pagu for r in self.kas.rows), 2)
        return round(sum(lf.pagu or 0 for lf in self.leaves), 2)

    @property
    def realisasi_keuangan(self) -> float | None:
        if self.dpa or self.kind in ("targets", "kinerja", "rak"):
            return None
        return round(sum(lf.realisasi_keuangan or 0 for lf in self.leaves), 2)

    @property
    def fisik_pct(self) -> float | None:
        return weighted_fisik([lf.pagu for lf in self.leaves], [lf.realisasi_fisik for lf in self.leaves])

    @property
    def flagged_rows(self) -> int:
        if self.kinerja is not None:
            return sum(1 for r in self.kinerja.rows if r.flags)
        if self.dpa or self.targets is not None:
            return 0
        return sum(1 for lf in self.leaves if lf.flags)


@dataclass
class FileAnalysis:
    """Everything learned about one file before loading it."""

    name: str
    sha256: str
    size: int
    format: str | None = None
    reports: list[Report] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # file-level
    data: bytes = b""
    unit_hint: str | None = None  # the unit kerja the user named (kinerja files)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR] + [e for r in self.reports for e in r.errors]

    @property
    def rejected(self) -> bool:
        return bool(self.errors)

    @property
    def kind(self) -> str | None:
        return self.reports[0].kind if self.reports else None

    def all_issues(self) -> list[Issue]:
        return list(self.issues) + [i for r in self.reports for i in r.issues]


# ---------------------------------------------------------------------------- analyse
def analyse(
    name: str,
    data: bytes,
    master: Master,
    *,
    opd: str | None = None,
    period: tuple[int, int] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    unit: str | None = None,
    mapping: Mapping | None = None,
    wilayah: str | None = None,
) -> FileAnalysis:
    """Sniff, read, recognise and validate one file. Never raises for bad input.

    ``mapping`` is a column mapping a person confirmed for this file: it replaces the automatic
    layout; without it, a remembered layout whose header is in the file wins over the automatic one.

    ``opd`` (a kode, name or abbreviation) and ``period`` ((year, month)) are what the user
    said; they decide where the file is silent and, when the file disagrees, win with a warning.
    ``unit`` (an id or name) does the same for the unit kerja of a kinerja file. ``wilayah``: the
    kabupaten/kota the file is from (a province install, :func:`etl.wilayah.check_wilayah`).
    """
    upload = Upload(name, data, opd, period, unit)
    analysis = FileAnalysis(name=name, sha256=upload.sha256, size=len(data), data=data, unit_hint=unit)
    try:
        sniffed = sniff(name, data, max_bytes)  # stage 1: what is this file (refuses what is dangerous)
        analysis.format = sniffed.format
        analysis.issues.extend(sniffed.warnings)
        sheets = read_sheets(name, data, sniffed)  # stage 2: the cells of every visible sheet
        marker = read_marker(data, sniffed.format, sniffed.archive)
        # stages 3-6: header block, layout, leaf rows, validation (per sheet, in _recognise)
        _recognise(analysis, sheets, master, opd, period, marker, mapping)
        check_wilayah(analysis, wilayah, master.opd_wilayah)  # stage 7: a province's kabupaten/kota
    except Exception as exc:
        _failed(analysis, exc)
    return analysis


def _failed(analysis: FileAnalysis, exc: Exception) -> None:
    """A refusal becomes the file's error; anything else too, never a traceback: the technical
    detail (which may name server paths) goes to the server's log, the message quotes its code."""
    if isinstance(exc, Rejected):
        analysis.issues.append(exc.issue)
        return
    ref = log_failure(f"analisis berkas '{analysis.name}'", exc)
    analysis.issues.append(
        Issue(
            ERROR,
            "internal_error",
            f"Berkas '{analysis.name}' tidak dapat diproses "
            "karena kesalahan tak terduga di Pantau. Simpan ulang sebagai .xlsx lalu coba "
            "lagi; bila tetap gagal, kirim berkas ini ke admin dengan kode rujukan "
            f"{ref} (rinciannya tercatat di log server).",
            raw=type(exc).__name__,
        )
    )


def _recognise(
    analysis: FileAnalysis,
    sheets: list[Sheet],
    master: Master,
    opd_hint,
    period_hint,
    marker: Marker | None = None,
    mapping: Mapping | None = None,
) -> None:
    """The layout and kind of every sheet; the reports of the file (helper sheets never decide
    its kind and never reject it)."""
    name = analysis.name
    found: list[tuple[Sheet, Header, str]] = []
    layout_of: dict[str | None, str] = {}
    if mapping is not None:
        sheet = next((s for s in sheets if mapping.sheet in (None, s.name)), None)
        if sheet is None:
            raise reject("bad_mapping", f"Lembar '{mapping.sheet}' pada pemetaan kolom tidak ada di berkas '{name}'.")
        mapped = header_from_mapping(sheet, mapping)
        found.append((sheet, mapped, sheet_kind(mapped)))
    for sheet in sheets if mapping is None else []:
        hit = find_layout(sheet, master.layouts) if master.layouts else None
        header = hit[0] if hit else find_header(sheet)
        if hit:
            layout_of[sheet.name] = hit[1].name
        if header is not None:
            found.append((sheet, header, sheet_kind(header)))
    if not found:
        raise reject(
            "header_not_found",
            f"Judul kolom tabel tidak ditemukan pada berkas '{name}'. Pastikan ada "
            "satu baris judul kolom (mis. 'Kode Rekening', 'Uraian', 'Pagu', 'Realisasi Fisik', "
            "'Realisasi Keuangan') tepat di atas data.",
        )
    kinds = {k for _, _, k in found}
    if not kinds & {"dpa", "realisasi"} and any(is_nomenclature(h) for _, h, _ in found):
        raise reject(
            "not_a_report",
            f"Berkas '{name}' berisi daftar kode dan nomenklatur (program, kegiatan, sub kegiatan, "
            "indikator), bukan DPA atau laporan realisasi: tidak ada kolom pagu maupun realisasi. Unggah "
            "DPA dari BPKAD atau laporan realisasi fisik dan keuangan OPD.",
        )
    if "realisasi" in kinds:
        real = [(s, h) for s, h, k in found if k == "realisasi"]
        complete = [(s, h) for s, h in real if all(f in h.fields for f in REQUIRED_REALISASI)]
        if complete and len(complete) < len(real):
            # a helper sheet that looks like a report (monthly FISKEU, a covering letter's summary)
            for sheet, _ in real:
                if (sheet, _) not in complete:
                    analysis.issues.append(
                        Issue(
                            INFO,
                            "helper_sheet",
                            f"Lembar '{sheet.name}' tidak memuat kolom pagu dan realisasi keuangan; dilewati.",
                            sheet=sheet.name,
                        )
                    )
            real = complete
    elif "rak" in kinds:
        for sheet, header, k in found:
            if k == "rak":
                analysis.reports.append(_analyse_rak(name, sheet, header, master, opd_hint, period_hint))
        _flag_period_twice(analysis.reports, lambda rep: rep.opd.nama if rep.opd else rep.opd_text, "anggaran kas")
        return
    elif "dpa" in kinds:
        sheet, header = next((s, h) for s, h, k in found if k == "dpa")
        analysis.reports.append(_analyse_dpa(name, sheet, header, period_hint))
        return
    elif kinds & {"kinerja", "targets"}:
        _recognise_kinerja(analysis, [(s, h) for s, h, _ in found], master, period_hint)
        return
    else:
        real = [
            (s, h)
            for s, h, k in found
            if k in ("realisasi_incomplete", "helper") and ("kode" in h.fields or "nama" in h.fields)
        ]
    if not real:
        raise reject(
            "header_not_found",
            f"Berkas '{name}' tidak memuat tabel laporan realisasi atau DPA yang "
            "dikenali. Kolom yang terbaca: "
            + ", ".join(sorted({FIELD_LABEL.get(f, f) for _, h, _ in found for f in h.fields}))
            + ".",
        )
    multi = len(real) > 1
    reports = [
        rep
        for sheet, header in real
        for rep in _analyse_realisasi(name, sheet, header, master, opd_hint, period_hint, multi, marker)
    ]
    reports = _drop_repeated_sheets(_drop_empty_sheets(reports, analysis))
    _attach_permasalahan(reports, [(s, h) for s, h, _ in found])
    owners = {(rep.opd.kode if rep.opd else rep.opd_text) for rep in reports}
    for rep in reports:
        rep.source = realisasi_source(rep.header, len(owners) > 1, rep.layout == LAYOUT)
        rep.layout_name = layout_of.get(rep.sheet)
    analysis.reports.extend(reports)
    _flag_period_twice(analysis.reports, lambda rep: rep.opd.nama if rep.opd else rep.opd_text, "laporan")


def _text_cell(row: list, idx: int | None) -> str | None:
    """A cell as stripped text; blank and "-" are ``None``."""
    v = row[idx] if idx is not None and idx < len(row) else None
    text = str(v).strip() if v is not None else ""
    return text if text not in ("", "-") else None


def _attach_permasalahan(reports: list[Report], found: list[tuple[Sheet, Header]]) -> None:
    """Fill permasalahan and solusi from a Form-M sheet of the same workbook (URAIAN KEGIATAN |
    PERMASALAHAN | UPAYA PEMECAHAN MASALAH): a report of one sub kegiatan takes every item; a
    report of many takes the items whose uraian names one of its sub kegiatan."""
    for sheet, header in found:
        f = header.fields
        if "permasalahan" not in f or "pagu" in f or any(rep.sheet == sheet.name for rep in reports):
            continue
        items = []
        unit = None
        for row in sheet.rows[header.data_start :]:
            unit = _text_cell(row, f.get("unit")) or unit
            masalah, solusi = _text_cell(row, f.get("permasalahan")), _text_cell(row, f.get("solusi"))
            if masalah:
                items.append((unit, _text_cell(row, f.get("nama")), masalah, solusi))
        if not items:
            continue
        for rep in reports:
            if len(rep.leaves) == 1 and len(reports) == 1:
                targets = {0: items}
            else:
                owner = norm(rep.opd.nama if rep.opd else rep.opd_text or "")
                by_name = {norm(lf.nama or ""): k for k, lf in enumerate(rep.leaves)}
                targets = {}
                for item in items:
                    if item[0] and owner and norm(item[0]) not in owner and owner not in norm(item[0]):
                        continue
                    k = by_name.get(norm(item[1] or ""))
                    if k is not None:
                        targets.setdefault(k, []).append(item)
            for k, its in targets.items():
                leaf = rep.leaves[k]
                extra_m = "; ".join(m for _, n, m, _ in its)
                extra_s = "; ".join(s for _, _, _, s in its if s)
                leaf.permasalahan = "; ".join(x for x in (leaf.permasalahan, extra_m) if x) or None
                leaf.solusi = "; ".join(x for x in (leaf.solusi, extra_s) if x) or None
            if targets:
                rep.issues.append(
                    Issue(
                        INFO,
                        "permasalahan_sheet",
                        f"Permasalahan dan solusi diambil dari lembar '{sheet.name}'.",
                        sheet=sheet.name,
                    )
                )


def _drop_empty_sheets(reports: list[Report], analysis: FileAnalysis) -> list[Report]:
    """In a workbook of several report sheets (one per OPD), a sheet without any sub kegiatan row
    is not a report: it is left out with a note instead of rejecting the others."""
    full = [rep for rep in reports if rep.leaves]
    if not full or len(full) == len(reports):
        return reports
    for rep in reports:
        if not rep.leaves:
            analysis.issues.append(
                Issue(
                    INFO,
                    "empty_sheet",
                    f"Lembar '{rep.sheet}' tidak berisi baris sub kegiatan; dilewati.",
                    sheet=rep.sheet,
                )
            )
    return full


def _leaf_key(rep: Report) -> tuple:
    return tuple((lf.kode, lf.pagu, lf.realisasi_keuangan, lf.realisasi_fisik) for lf in rep.leaves)


def _drop_repeated_sheets(reports: list[Report]) -> list[Report]:
    """Sheets that repeat rows of another sheet of the same OPD and month (a whole-OPD sheet and
    one filtered copy per bidang): each sub kegiatan is read once, from the sheet that holds the
    most rows; a sheet whose rows all appear there is left out with a note."""
    kept: list[Report] = []
    for rep in sorted(reports, key=lambda r: -len(r.leaves)):
        rows = set(_leaf_key(rep))
        twin = next(
            (
                k
                for k in kept
                if rows
                and (k.opd_text, k.opd, k.year, k.month) == (rep.opd_text, rep.opd, rep.year, rep.month)
                and rows <= set(_leaf_key(k))
            ),
            None,
        )
        if twin is None:
            kept.append(rep)
        else:
            twin.issues.append(
                Issue(
                    INFO,
                    "sheet_repeats",
                    f"Lembar '{rep.sheet}' berisi baris yang sama dengan lembar '{twin.sheet}'; dibaca sekali saja.",
                    sheet=rep.sheet,
                )
            )
    order = {id(r): i for i, r in enumerate(reports)}
    return sorted(kept, key=lambda r: order[id(r)])


def _flag_period_twice(reports: list[Report], owner, what: str) -> None:
    """An error on every sheet that repeats the (owner, year, month) of an earlier sheet of the
    same workbook; ``owner(rep)`` is the OPD or unit name, ``what`` names the content."""
    seen: dict[tuple, str | None] = {}
    for rep in reports:
        key = (owner(rep), rep.year, rep.month)
        if None not in key and key in seen:
            assert rep.month is not None  # a part of key
            rep.issues.append(
                Issue(
                    ERROR,
                    "period_twice",
                    f"Lembar '{rep.sheet}' dan '{seen[key]}' sama-sama berisi "
                    f"{what} {key[0]} bulan {month_name(rep.month)} {rep.year}. Hapus salah satu "
                    "lembar atau perbaiki judul bulannya.",
                    sheet=rep.sheet,
                )
            )
        seen[key] = rep.sheet


def _recognise_kinerja(analysis: FileAnalysis, found: list[tuple[Sheet, Header]], master: Master, period_hint) -> None:
    """A Perjanjian Kinerja workbook (its first targets sheet) or a unit's returned kinerja
    format (each kinerja sheet one month): see :mod:`etl.kinerja`."""
    targets = [(s, h) for s, h in found if sheet_kind(h) == "targets"]
    if targets:
        sheet, header = targets[0]
        rep = Report("targets", sheet.name, header)
        kinerja_mod.analyse_targets(rep, analysis.name, sheet, header, master.kinerja, period_hint)
        analysis.reports.append(rep)
        return
    sheets = [(s, h) for s, h in found if sheet_kind(h) == "kinerja"]
    for sheet, header in sheets:
        rep = Report("kinerja", sheet.name, header)
        kinerja_mod.analyse_kinerja(
            rep,
            analysis.name,
            sheet,
            header,
            master.kinerja,
            analysis.unit_hint,
            period_hint,
            len(sheets) > 1,
            _detect_period,
        )
        analysis.reports.append(rep)
    _flag_period_twice(analysis.reports, lambda rep: rep.unit.nama if rep.unit else None, "data kinerja")


def _analyse_dpa(name: str, sheet: Sheet, header: Header, period_hint) -> Report:
    rep = Report("dpa", sheet.name, header, col0=sheet.col0)
    missing = dpa_mod.required_missing(header)
    if missing:
        raise reject(
            "missing_required_column",
            f"Kolom wajib DPA tidak ditemukan: {', '.join(missing)} "
            f"(lembar '{sheet.name}'). Tambahkan kolom tersebut pada baris judul.",
            sheet=sheet.name,
        )
    rep.source = dpa_source(header)
    if "pagu" in header.ambiguous:  # two pagu columns nothing can tell apart: asked, never guessed
        options = _columns_named(sheet, header, header.ambiguous["pagu"])
        raise reject(
            "ambiguous_column",
            f"Kolom pagu pada lembar '{sheet.name}' berkas '{name}' tidak dapat ditentukan dengan pasti: {options}. "
            "Pilih kolomnya pada pratinjau impor (baris perintah: --mapping).",
            sheet=sheet.name,
            raw=options,
        )
    years = dpa_mod.years_in(sheet, header)
    lines = title_lines(sheet.rows, header.first)
    if len(years) == 1 and not period_hint:
        lines = [f"TAHUN ANGGARAN {next(iter(years))}"] + lines  # the TAHUN column of a SIPD export
    elif len(years) > 1:
        raise reject(
            "period_conflict",
            f"Kolom Tahun pada lembar '{sheet.name}' berkas '{name}' berisi lebih dari satu tahun: "
            f"{', '.join(map(str, sorted(years)))}. Satu DPA berisi satu tahun anggaran; pisahkan per tahun.",
            sheet=sheet.name,
        )
    detect_year(
        rep,
        name,
        sheet.name,
        lines,
        period_hint,
        "Tahun anggaran DPA",
        "Tulis tahunnya pada judul atau beri nama berkas seperti 'dpa_2026.xlsx'",
    )
    table = dpa_mod.parse_dpa(sheet, header)
    rep.dpa = table
    rep.issues.extend(table.issues)
    return rep


def _analyse_realisasi(
    name, sheet: Sheet, header: Header, master: Master, opd_hint, period_hint, multi: bool, marker: Marker | None = None
) -> list[Report]:
    """The report(s) of one sheet: one, or one per OPD where the sheet holds several organisations
    (a SIPD recap of the whole pemda, each OPD under its own organisation row)."""
    rep = Report("realisasi", sheet.name, header, col0=sheet.col0)
    rep.sample_rows = sheet.rows[header.data_start : header.data_start + 10]
    where = f"lembar '{sheet.name}' berkas '{name}'" if sheet.name else f"berkas '{name}'"
    missing = [FIELD_LABEL[c] for c in REQUIRED_REALISASI if c not in header.fields]
    if "kode" not in header.fields and "no" not in header.fields and "nama" not in header.fields:
        missing.insert(0, FIELD_LABEL["kode"])
    if missing:
        recognised = ", ".join(f"{FIELD_LABEL.get(f, f)} ('{lab}')" for f, lab in header.matched().items())
        raise reject(
            "missing_required_column",
            f"Kolom wajib tidak ditemukan pada {where}: "
            f"{', '.join(missing)}. Kolom yang dikenali: {recognised}. Tambahkan kolom tersebut atau "
            "ganti judulnya (mis. 'Pagu Anggaran (Rp)').",
            sheet=sheet.name,
            row=sheet.sheet_row(header.first),
            raw=", ".join(missing),
        )
    template = _template(rep, sheet, marker)
    header = rep.header
    lines = title_lines(sheet.rows, header.first)
    _detect_period(rep, name, sheet, lines + _header_period_lines(header), period_hint, multi, template)
    table = parse_table(sheet, header)
    rep.leaves = table.leaves
    rep.issues.extend(table.issues)
    _one_sub_kegiatan(rep, lines)
    sections = _organisation_sections(sheet, rep.header)
    if len(sections) < 2 or opd_hint:
        rep.org = sections[0][1:] if sections else None
        return [_finish_realisasi(rep, name, sheet, lines, master, opd_hint, template, split=False)]
    parts = []
    for k, (start, code, nama) in enumerate(sections):
        end = sections[k + 1][0] if k + 1 < len(sections) else len(sheet.rows)
        part = replace(rep, leaves=[lf for lf in rep.leaves if start <= lf.row - sheet.row0 - 1 < end])
        part.issues, part.needs, part.org = list(rep.issues), list(rep.needs), (code, nama)
        if part.leaves:
            parts.append(_finish_realisasi(part, name, sheet, lines, master, opd_hint, template, split=True))
    return parts


def _organisation_sections(sheet: Sheet, header: Header) -> list[tuple[int, str, str]]:
    """(grid row, code, name) where each organisation (an eight-segment SKPD code) starts, in order;
    the name is the uraian of the row where its code first appears."""
    inm = header.fields.get("nama")
    out: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for i in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[i]
        for v in row:
            if not isinstance(v, str) or "." not in v:
                continue
            code, _ = split_code(v)
            if code and code not in seen and code_kind(code) == ORGANISASI:
                nama = row[inm] if inm is not None and inm < len(row) else None
                if isinstance(nama, str) and nama.strip():
                    seen.add(code)
                    out.append((i, code, nama.strip()))
                break
    return out


def _finish_realisasi(
    rep: Report,
    name: str,
    sheet: Sheet,
    lines: list[str],
    master: Master,
    opd_hint,
    template: Marker | None,
    split: bool,
) -> Report:
    """OPD, checks and classification of a parsed realisation report (``split``: one of the
    organisations of a sheet that holds several)."""
    header = rep.header
    where = f"lembar '{sheet.name}' berkas '{name}'" if sheet.name else f"berkas '{name}'"
    _detect_opd(rep, name, sheet, lines, master, opd_hint, template, split)
    akun = [] if rep.leaves or "kode" in header.fields else _rekening_codes(sheet, header)
    if akun:
        _refuse_akun(rep, where, akun[0], sheet)
    elif not rep.leaves:
        rep.issues.append(
            Issue(
                ERROR,
                "no_data_rows",
                f"Tidak ada baris sub kegiatan di bawah judul kolom pada "
                f"{where}. Isi data sub kegiatan (kode 6 segmen, mis. "
                "1.02.01.2.01.0001) di bawah judul kolom.",
                sheet=sheet.name,
                row=sheet.sheet_row(header.last),
            )
        )
    else:
        _refuse_ambiguous(rep, name, sheet, header)
        _check_realisasi_filled(rep, name, sheet)
        if not rep.errors and all(code_kind(lf.kode) == REKENING for lf in rep.leaves):
            _refuse_akun(rep, where, rep.leaves[0].kode, sheet)
        sanity_flags(rep)
    _apply_jenis(rep, master, _kode_column(header, sheet))
    if "target_fisik" not in header.fields and "realisasi_fisik" in header.fields:
        rep.issues.append(
            Issue(
                WARNING,
                "missing_target",
                "Kolom Target Fisik tidak ada; deviasi tidak dapat dihitung untuk laporan ini.",
                sheet=sheet.name,
            )
        )
    if "realisasi_fisik" not in header.fields:
        rep.issues.append(
            Issue(
                INFO,
                "keuangan_only",
                "Laporan ini hanya memuat realisasi keuangan; realisasi fisik dicatat kosong (bukan 0 %).",
                sheet=sheet.name,
            )
        )
    return rep


def _analyse_rak(name: str, sheet: Sheet, header: Header, master: Master, opd_hint, period_hint) -> Report:
    """SIPD anggaran kas: the planned cash of each sub kegiatan per month (the keuangan target
    curve). Its year from the title (or the user), its OPD as for a realisation report."""
    rep = Report("rak", sheet.name, header, col0=sheet.col0, source="sipd_rak")
    lines = title_lines(sheet.rows, header.first)
    detect_year(
        rep, name, sheet.name, lines, period_hint, "Tahun anggaran kas", "Tulis tahunnya pada judul, mis. 'TAHUN 2026'"
    )
    rep.kas = rak_mod.parse_rak(sheet, header)
    rep.issues.extend(rep.kas.issues)
    if not rep.kas.rows:
        rep.issues.append(
            Issue(
                ERROR,
                "no_data_rows",
                f"Tidak ada baris sub kegiatan di bawah judul kolom anggaran kas pada lembar '{sheet.name}'.",
                sheet=sheet.name,
            )
        )
        return rep
    sections = _organisation_sections(sheet, header)
    rep.org = sections[0][1:] if sections else None
    _detect_opd(rep, name, sheet, lines, master, opd_hint)
    return rep


def _rekening_codes(sheet: Sheet, header: Header) -> list[str]:
    """The rekening codes in the kode rekening column under the header (none: not an akun table)."""
    idx = header.fields.get("kode_rekening")
    if idx is None:
        return []
    codes = (split_code(row[idx])[0] for row in sheet.rows[header.data_start :] if idx < len(row))
    return [c for c in codes if c and code_kind(c) == REKENING]


def _refuse_akun(rep: Report, where: str, example: str | None, sheet: Sheet) -> None:
    """A table per akun or rekening belanja (an APBD by akun), not per sub kegiatan: refused
    saying so."""
    codes = f" (kode {example} dst.)" if example else ""
    rep.issues.append(
        Issue(
            ERROR,
            "apbd_per_akun",
            f"Tabel pada {where} berisi anggaran/realisasi per akun atau rekening belanja{codes}, bukan per sub "
            "kegiatan, dan judulnya tidak menyebut kegiatannya. Unggah laporan realisasi per sub kegiatan "
            "(Form-RFK atau rekapitulasi belanja per sub kegiatan).",
            sheet=sheet.name,
        )
    )


def _header_period_lines(header: Header) -> list[str]:
    """Header labels that name a period ("SD JUNI" over the anggaran kas column of an LRA)."""
    return [label for label in header.labels.values() if re.search(r"\b(s\.?\s?d\.?|sampai dengan)\b", label, re.I)]


def _columns_named(sheet: Sheet, header: Header, cols: list[int]) -> str:
    """ "kolom E ('FISIK › REAL'); kolom F (...)": candidate columns for a message."""
    return "; ".join(f"kolom {column_letter(sheet.col0 + c)} ('{header.labels.get(c, '')}')" for c in cols)


def _refuse_ambiguous(rep: Report, name: str, sheet: Sheet, header: Header) -> None:
    """Two columns that could both be a number the recap uses: refused with the candidates
    named, never guessed (the user picks the column; CLI: --mapping)."""
    for fld, cols in header.ambiguous.items():
        options = _columns_named(sheet, header, cols)
        rep.issues.append(
            Issue(
                ERROR,
                "ambiguous_column",
                f"Kolom {FIELD_LABEL.get(fld, fld)} pada lembar '{sheet.name}' berkas '{name}' tidak dapat "
                f"ditentukan dengan pasti: {options}. Hapus atau ganti judul kolom yang bukan "
                f"{FIELD_LABEL.get(fld, fld)}, lalu unggah kembali.",
                sheet=sheet.name,
                row=sheet.sheet_row(header.first),
                raw=options,
            )
        )


def _one_sub_kegiatan(rep: Report, lines: list[str]) -> None:
    """A Form-RFK made for one (sub) kegiatan lists its rekening lines ("Belanja ...") without
    codes: they make one sub kegiatan, named in the title, with the sums of pagu and realisasi
    and the pagu-weighted fisik (the form's own weighted total)."""
    leaves = rep.leaves
    nameless = all(lf.kode.startswith(("~", "baris-")) for lf in leaves)
    rekening = all(code_kind(lf.kode) == REKENING for lf in leaves)  # rekening codes in the code column
    if not leaves or not (nameless or rekening):
        return
    if nameless and not all(norm(lf.nama or "").startswith("belanja") for lf in leaves):
        return
    title = _kegiatan_in_title(lines)
    if not title:
        return
    pagu = [lf.pagu for lf in leaves]
    first = leaves[0]
    one = LeafRow(
        first.row,
        name_key(title, first.row),
        title,
        pagu=round(sum(p or 0 for p in pagu), 2),
        target_fisik=weighted_fisik(pagu, [lf.target_fisik for lf in leaves]),
        realisasi_fisik=weighted_fisik(pagu, [lf.realisasi_fisik for lf in leaves]),
        realisasi_keuangan=None
        if all(lf.realisasi_keuangan is None for lf in leaves)
        else round(sum(lf.realisasi_keuangan or 0 for lf in leaves), 2),
        sumber_dana=first.sumber_dana,
        lokasi=first.lokasi,
        permasalahan="; ".join(lf.permasalahan for lf in leaves if lf.permasalahan) or None,
        solusi="; ".join(lf.solusi for lf in leaves if lf.solusi) or None,
        flags=sorted({f for lf in leaves for f in lf.flags}),
    )
    rep.leaves = [one]
    rep.issues.append(
        Issue(
            INFO,
            "rekening_rows",
            f"{len(leaves)} baris rekening belanja dijumlahkan menjadi satu sub kegiatan '{title}' "
            "(dari judul laporan).",
            sheet=rep.sheet,
        )
    )


_KEGIATAN_LABEL = re.compile(r"^\s*(nama )?(sub ?kegiatan|kegiatan)\s*[:=]\s*(.+)$", re.I)


def _kegiatan_in_title(lines: list[str]) -> str | None:
    """The (sub) kegiatan named in the title rows ("NAMA KEGIATAN : X ( Y )" gives Y, the sub
    kegiatan written in brackets after its kegiatan; a "SUB KEGIATAN :" line wins)."""
    found = None
    for line in lines:
        m = _KEGIATAN_LABEL.match(line)
        if not m:
            continue
        text = m.group(3).strip().lstrip(":").strip()
        inner = re.search(r"\(([^()]+)\)\s*$", text)
        name = (inner.group(1) if inner else text).strip()
        if "sub" in m.group(2).lower():
            return name
        found = found or name
    return found


def _check_realisasi_filled(rep: Report, name: str, sheet: Sheet) -> None:
    """A report whose realisasi columns are empty in every row says nothing: refused."""
    if any(lf.realisasi_keuangan is not None or lf.realisasi_fisik is not None for lf in rep.leaves):
        return
    cols = [
        f"{FIELD_LABEL[f]} (kolom {column_letter(sheet.col0 + rep.header.fields[f])})"
        for f in ("realisasi_keuangan", "realisasi_fisik")
        if f in rep.header.fields
    ]
    rep.issues.append(
        Issue(
            ERROR,
            "realisasi_empty",
            f"Kolom realisasi pada lembar '{sheet.name}' berkas '{name}' kosong di semua baris: "
            f"{', '.join(cols)}. Berkas ini tampaknya format yang belum diisi; isi realisasinya lalu unggah kembali.",
            sheet=sheet.name,
        )
    )


def sanity_flags(rep: Report) -> None:
    """Whole-file checks that catch a column taken for another: realisasi equal to the pagu on
    every row, realisasi above the pagu in total."""
    pairs = [(lf.pagu, lf.realisasi_keuangan) for lf in rep.leaves if lf.pagu and lf.realisasi_keuangan is not None]
    if len(pairs) >= 3 and all(abs(real - pagu) < 0.5 for pagu, real in pairs):
        rep.issues.append(
            Issue(
                WARNING,
                "realisasi_sama_pagu",
                "Realisasi keuangan sama dengan pagu pada semua baris. Periksa apakah kolom realisasi benar "
                "(bukan kolom rencana atau anggaran).",
                sheet=rep.sheet,
            )
        )
    total_pagu = sum(lf.pagu or 0 for lf in rep.leaves)
    total_real = sum(lf.realisasi_keuangan or 0 for lf in rep.leaves)
    if total_pagu > 0 and total_real > total_pagu + 0.5:
        rep.issues.append(
            Issue(
                WARNING,
                "realisasi_melebihi_pagu_total",
                f"Jumlah realisasi keuangan (Rp {total_real:,.0f}) melebihi jumlah pagu "
                f"(Rp {total_pagu:,.0f}).".replace(",", "."),
                sheet=rep.sheet,
            )
        )


def _template(rep: Report, sheet: Sheet, marker: Marker | None) -> Marker | None:
    """The marker of Pantau's request template when ``sheet`` is the template's sheet (its OPD and
    period then count as one more source). Where the columns are still the template's, the report
    is in the canonical layout: its Jenis column is the DPA's classification printed for reference
    (locked in the template), not the OPD's own, so it is not read as one."""
    if marker is None or marker.sheet != sheet.name:
        return None
    header = rep.header
    if layout_matches(marker, sheet.name, sheet.sheet_row(header.first), header.fields):
        rep.layout = LAYOUT
        label = header.labels.get(header.fields["jenis"], "Jenis")
        rep.header = replace(
            header, fields={f: i for f, i in header.fields.items() if f != "jenis"}, ignored=header.ignored + [label]
        )
    else:
        rep.issues.append(
            Issue(
                INFO,
                "template_changed",
                "Berkas ini dibuat dari templat Pantau, tetapi susunan "
                "judul kolomnya telah diubah; berkas dibaca seperti laporan biasa. Untuk bulan "
                "berikutnya, pakai templat baru dari Pantau tanpa mengubah kolom.",
                sheet=sheet.name,
            )
        )
    return marker


def _detect_period(
    rep: Report, name: str, sheet: Sheet, lines: list[str], hint, multi: bool, template: Marker | None = None
) -> None:
    hits: list[PeriodHit] = [h for h in (period_in_title(lines), find_period(sheet.name or "", "sheet")) if h]
    if template and template.year:
        month = f"{month_name(template.month)} " if template.month else ""
        hits.append(PeriodHit("templat", template.year, template.month, f"{month}{template.year}"))
    file_hits = file_name_periods(Path(name).stem)
    file_hit = file_hits[0] if file_hits else None
    if file_hits and not multi:
        hits.extend(file_hits)
    invalid = [h for h in hits if h.invalid_month]
    months = {h.month for h in hits if h.month}
    years = {h.year for h in hits if h.year}
    if not years:
        # "TAHUN ANGGARAN 2026" on one title line, the month on another ("SD JUNI" over a column)
        years = {h.year for h in (find_period(line, "title") for line in lines) if h and h.year}
    if not years and file_hit and file_hit.year:
        years = {file_hit.year}
    label = {"title": "judul", "sheet": "nama lembar", "file": "nama berkas", "templat": "penanda templat Pantau"}
    if hint:
        rep.year, rep.month = hint
        differs = [h for h in hits if (h.month and h.month != hint[1]) or (h.year and h.year != hint[0])]
        if differs:
            rep.issues.append(
                Issue(
                    WARNING,
                    "period_override",
                    f"Periode ditetapkan pengguna: "
                    f"{month_name(hint[1])} {hint[0]}, berbeda dengan "
                    + "; ".join(f"{label[h.source]} '{h.text}'" for h in differs)
                    + ".",
                    sheet=sheet.name,
                )
            )
        return
    if invalid:
        h = invalid[0]
        rep.issues.append(
            Issue(
                ERROR,
                "invalid_period",
                f"Bulan '{h.invalid_month}' pada {label[h.source]} "
                f"('{h.text}') tidak valid: bulan harus 1-12. Perbaiki judul laporan, "
                "mis. 'KEADAAN BULAN : MARET 2026'.",
                sheet=sheet.name,
                raw=h.text,
            )
        )
        rep.needs.append("period")
        return
    if len(months) > 1 or len(years) > 1:
        rep.issues.append(
            Issue(
                ERROR,
                "period_conflict",
                "Periode laporan tidak konsisten: "
                + "; ".join(
                    f"{label[h.source]} '{h.text}' = {month_name(h.month) if h.month else '?'} {h.year or ''}".rstrip()
                    for h in hits
                )
                + ". Samakan judul, nama lembar dan nama berkas, atau pilih periode yang benar "
                "(pada pratinjau impor, atau --period TAHUN-BULAN di baris perintah).",
                sheet=sheet.name,
            )
        )
        rep.needs.append("period")
        return
    if not months or not years:
        rep.issues.append(
            Issue(
                ERROR,
                "invalid_period",
                f"Bulan/tahun laporan tidak ditemukan pada judul, nama "
                f"lembar, atau nama berkas '{name}'. Tulis pada judul, mis. 'KEADAAN BULAN : "
                "MARET 2026', atau pilih periode pada pratinjau impor (baris perintah: --period 2026-03).",
                sheet=sheet.name,
            )
        )
        rep.needs.append("period")
        return
    rep.month, rep.year = months.pop(), years.pop()


def _detect_opd(
    rep: Report,
    name: str,
    sheet: Sheet,
    lines: list[str],
    master: Master,
    hint,
    template: Marker | None = None,
    split: bool = False,
) -> None:
    """The OPD of a report from what the user said, the title, the organisation row
    (``rep.org``; ``split``: the sheet's rows stand under several), a template marker or the file
    name; where they disagree or say nothing, the user is asked."""
    matcher = master.matcher()
    if rep.year is not None and rep.year not in master.years:
        _provisional_opd(rep, name, sheet, lines, master, hint, split)
        return
    if not master.opds:
        rep.opd_text = opd_in_title(lines)
        rep.issues.append(
            Issue(
                ERROR,
                "no_master",
                "Daftar OPD belum ada. Impor DPA (daftar sub kegiatan dari "
                "BPKAD) terlebih dahulu, lalu unggah ulang laporan ini.",
                sheet=sheet.name,
            )
        )
        return
    if hint:
        found = matcher.exact(hint) or next(iter(matcher.search(hint)), None)
        if found is None:
            rep.issues.append(
                Issue(ERROR, "unknown_opd", f"OPD '{hint}' yang dipilih tidak ada dalam daftar OPD.", raw=hint)
            )
            return
        rep.opd = found
        return
    title_text = opd_in_title(lines)
    candidates: dict[str, tuple[OpdRef, str]] = {}
    if title_text:
        rep.opd_text = title_text
        hit = matcher.exact(title_text) or next(iter(matcher.search(title_text)), None)
        if hit is None:
            rep.needs.append("opd")
            rep.issues.append(
                Issue(
                    ERROR,
                    "unknown_opd",
                    f"OPD '{title_text}' pada judul laporan tidak ada dalam "
                    "daftar OPD (DPA). Periksa penulisan nama OPD, atau impor DPA yang memuat OPD "
                    "ini terlebih dahulu.",
                    sheet=sheet.name,
                    raw=title_text,
                )
            )
            return
        candidates[hit.kode] = (hit, f"judul '{title_text}'")
    else:
        for line in lines:
            for hit in matcher.search(line):
                candidates.setdefault(hit.kode, (hit, f"judul '{line}'"))
    org = rep.org
    if org:
        hit = master.by_kode(org[0]) or matcher.exact(org[1]) or next(iter(matcher.search(org[1])), None)
        if hit is not None:
            candidates.setdefault(hit.kode, (hit, f"baris organisasi '{org[1]}'"))
        elif split:  # one of several OPDs of the sheet, not in the DPA: asked, never guessed
            rep.opd_text = org[1]
            rep.needs.append("opd")
            rep.issues.append(
                Issue(
                    ERROR,
                    "unknown_opd",
                    f"OPD '{org[1]}' (kode {org[0]}) pada lembar '{sheet.name}' tidak ada dalam daftar OPD (DPA).",
                    sheet=sheet.name,
                    raw=org[1],
                )
            )
            return
    marked = master.by_kode(template.opd_kode) if template and template.opd_kode else None
    if marked:
        candidates.setdefault(marked.kode, (marked, "penanda templat Pantau"))
    file_hits = matcher.search(Path(name).stem.replace("_", " "))
    if file_hits:
        candidates.setdefault(file_hits[0].kode, (file_hits[0], f"nama berkas '{name}'"))
    if len(candidates) > 1:
        rep.needs.append("opd")
        rep.issues.append(
            Issue(
                ERROR,
                "opd_conflict",
                "OPD laporan tidak konsisten: "
                + "; ".join(f"{src} = {o.nama}" for o, src in candidates.values())
                + ". Pilih OPD yang benar pada pratinjau impor (baris perintah: --opd KODE).",
                sheet=sheet.name,
            )
        )
        return
    if candidates:
        rep.opd = next(iter(candidates.values()))[0]
        return
    _opd_unknown(rep, name, sheet)


def _opd_unknown(rep: Report, name: str, sheet: Sheet) -> None:
    """The file names no OPD anywhere: the user is asked (CLI: --opd)."""
    rep.needs.append("opd")
    rep.issues.append(
        Issue(
            ERROR,
            "unknown_opd",
            f"OPD tidak dapat dikenali dari judul, nama lembar, atau nama "
            f"berkas '{name}'. Tulis pada judul, mis. 'OPD : DINAS KESEHATAN', atau pilih OPD "
            "pada pratinjau impor (baris perintah: --opd KODE).",
            sheet=sheet.name,
        )
    )


_OPD_WORD = re.compile(
    r"^(dinas|badan|satuan polisi|sekretariat|inspektorat|kecamatan|kelurahan|bagian|biro|rumah sakit|rsud|kantor"
    r"|bappeda|bapelitbang|bappelitbangda|bpkad|bpkpad|bkpsdm|bkd|bpbd|bpkd|bapenda|dprd|satpol|kesbangpol|setda"
    r"|setwan|uptd|puskesmas|disdik|dinkes|dispupr|dpupr|dinsos|dishub|diskominfo|disdukcapil)\b"
)


def opd_title_unlabelled(lines: list[str]) -> str | None:
    """An OPD named alone on a title line ("DINAS KESEHATAN" under "LAPORAN REALISASI ..."),
    as a compilation with one OPD per sheet writes it."""
    for line in lines:
        key = norm(line)
        if _OPD_WORD.match(key) and not re.search(r"\b(laporan|tahun|kondisi|bulan)\b", key) and len(key.split()) <= 14:
            return line.strip()
    return None


def _provisional_opd(rep: Report, name: str, sheet: Sheet, lines: list[str], master: Master, hint, split: bool) -> None:
    """No DPA of the report's year is loaded: the OPD comes from what the user said, the title or
    the organisation row (an OPD already known by that name is reused, else it is created), and the
    report's rows become the OPD's provisional activity list (flagged once; DESIGN.md 4a)."""
    org = rep.org
    text = hint or (org[1] if split and org else None)
    text = text or opd_in_title(lines) or opd_title_unlabelled(lines) or (org[1] if org else None)
    if not text and master.opds:
        # an OPD already known (from the OPD list) named in the title lines or the file name
        matcher = master.matcher()
        found = {o.kode: o for line in lines for o in matcher.search(line)}
        found.update({o.kode: o for o in matcher.search(Path(name).stem.replace("_", " "))[:1]})
        if len(found) == 1:
            text = next(iter(found.values())).nama
    if not text:
        _opd_unknown(rep, name, sheet)
        return
    rep.opd_text = text
    known = master.matcher().exact(text) if master.opds else None
    if known is None and org and org[1] == text:
        known = master.by_kode(org[0])
    if known is None:
        kode = org[0] if org and org[1] == text else "~" + norm(text).upper().replace(" ", "-")[:60]
        known = OpdRef(kode, text, default_singkatan(text))
    rep.opd = known
    rep.provisional = True
    rep.issues.append(
        Issue(
            WARNING,
            "dpa_belum_dimuat",
            f"DPA TA {rep.year} belum dimuat; daftar sub kegiatan {known.nama} diambil dari laporan ini "
            "(sementara). Impor DPA tahun ini agar laporan dicocokkan dengan DPA.",
            sheet=sheet.name,
        )
    )


def _kode_column(header: Header, sheet: Sheet) -> str | None:
    """Letter (or CSV label) of the sub kegiatan code column, for messages about the code."""
    return column_label(header, sheet, "kode") if "kode" in header.fields else None


def _match_names(rep: Report, master: Master) -> set[str]:
    """Rows reported by name without a code get the DPA's code when their normalised name is the
    DPA's exactly; a name that is only close is listed with its candidates and left unattached
    (a person decides; never attached by guess). Returns the keys of those unsure rows."""
    opd, year = rep.opd, rep.year
    assert opd is not None and year is not None  # called only when the OPD's DPA of the year is known
    names = master.names.get((year, opd.kode), {})
    nameless = [lf for lf in rep.leaves if lf.kode.startswith(("~", "baris-"))]
    if not names or not nameless:
        return set()
    matched, unsure = 0, set()
    for leaf in nameless:
        kode = names.get(norm(leaf.nama or ""))
        if kode:
            leaf.kode = kode
            matched += 1
            continue
        close = difflib.get_close_matches(norm(leaf.nama or ""), list(names), n=3, cutoff=0.85)
        unsure.add(leaf.kode)
        leaf.flags.append("nama_tidak_di_dpa")
        if close:
            # unsure: held for a person to confirm the sub kegiatan (never attached by guess)
            rep.held.append((leaf, [(names[c], c) for c in close]))
            hint = " Kandidat: " + "; ".join(f"{names[c]} ({c})" for c in close) + "."
            what = "Baris ditahan (tidak dimuat) sampai sub kegiatannya dikonfirmasi pada halaman Impor Laporan."
        else:
            hint, what = (
                "",
                "Baris dimuat tanpa dicocokkan; tulis kode sub kegiatannya atau samakan namanya dengan DPA.",
            )
        rep.issues.append(
            Issue(
                WARNING,
                "nama_tidak_di_dpa",
                f"Sub kegiatan '{leaf.nama}' tidak ada dengan nama yang sama dalam DPA {opd.nama} tahun "
                f"{rep.year}.{hint} {what}",
                sheet=rep.sheet,
                row=leaf.row,
                raw=leaf.nama,
            )
        )
    if rep.held:
        held = {id(lf) for lf, _ in rep.held}
        rep.leaves = [lf for lf in rep.leaves if id(lf) not in held]
    if matched:
        rep.issues.append(
            Issue(
                INFO,
                "nama_cocok_dpa",
                f"{matched} sub kegiatan tanpa kode dicocokkan dengan DPA menurut namanya.",
                sheet=rep.sheet,
            )
        )
    return unsure


def _apply_jenis(rep: Report, master: Master, kode_column: str | None = None) -> None:
    """Jenis of each leaf: a manual override, else the file's jenis column, else the DPA's rule,
    else the name keywords (the same order :meth:`db.store.Store.recap_sums` applies)."""
    dpa_known = rep.year in master.years and rep.opd is not None
    opd_kode = rep.opd.kode if rep.opd else None
    unsure = _match_names(rep, master) if dpa_known else set()
    year, sub_kegiatan = rep.year, master.sub_kegiatan
    for leaf in rep.leaves:
        explicit = jenis_from_text(leaf.jenis_text) if leaf.jenis_text is not None else None
        # no key holds None: without a year or an OPD nothing is known
        known = sub_kegiatan.get((year, opd_kode, leaf.kode)) if year is not None and opd_kode is not None else None
        # A manual decision of Adpem wins; then the OPD's own jenis column; then the DPA rule; then keywords.
        if known and known[1] == "manual":
            leaf.jenis, leaf.jenis_source = known
        elif explicit:
            leaf.jenis, leaf.jenis_source = explicit, "file"
        elif known:
            leaf.jenis, leaf.jenis_source = known
        else:
            leaf.jenis, leaf.jenis_source = jenis_from_name(leaf.nama or ""), "rule"
        if dpa_known and not known and leaf.kode not in unsure:
            assert rep.opd is not None and year is not None  # dpa_known
            leaf.flags.append("kode_tidak_di_dpa")
            owners = [master.by_kode(k) for k in master.owners.get((year, leaf.kode), [])]
            extra = (" Menurut DPA kode ini milik " + ", ".join(o.nama for o in owners if o) + ".") if owners else ""
            rep.issues.append(
                Issue(
                    WARNING,
                    "kode_tidak_di_dpa",
                    f"Kode {leaf.kode} tidak ada dalam DPA {rep.opd.nama} "
                    f"tahun {rep.year}.{extra} Periksa kode sub kegiatan atau OPD laporan; baris "
                    "tetap dimuat.",
                    sheet=rep.sheet,
                    row=leaf.row,
                    column=kode_column,
                    raw=leaf.kode,
                )
            )


# ---------------------------------------------------------------------------- commit
# Examples kept per issue code in the JSON output (a bad 25,000-line file gives a count, not 13 MB).
ISSUE_EXAMPLES = 5


def summarised_issues(issues: list[Issue]) -> tuple[list[dict], dict[str, int]]:
    """The issues as JSON objects, at most :data:`ISSUE_EXAMPLES` per code, and the count per code."""
    counts: dict[str, int] = {}
    out = []
    for i in issues:
        counts[i.code] = counts.get(i.code, 0) + 1
        if counts[i.code] <= ISSUE_EXAMPLES:
            out.append(
                dict(severity=i.severity, sheet=i.sheet, row=i.row, column=i.column, message=i.message, code=i.code)
            )
    return out, counts


def needs_mapping(analysis: FileAnalysis) -> dict[str, list[dict]] | None:
    """Where the file waits for a person (two columns could be a figure the recap uses, nothing
    else wrong): the candidate columns per field, each with its letter, header path and first
    values; ``None`` otherwise (CLI: ``--mapping``; the Impor page asks)."""
    errors = analysis.errors
    if not errors or any(e.code != "ambiguous_column" for e in errors):
        return None
    out: dict[str, list[dict]] = {}
    for rep in analysis.reports:
        for fld, cols in rep.header.ambiguous.items():
            out[fld] = [
                dict(column=column_letter(rep.col0 + c), header=rep.header.labels.get(c, ""), samples=rep.samples(c))
                for c in cols
            ]
    return out or None


def result_rows(analysis: FileAnalysis, status: str | None = None) -> list[dict]:
    """The JSON contract of ``python -m etl ingest --json``: one object per report or refused file.
    Each report also says ``source`` (the family of file), ``fields`` (the header path each field
    was read from) and ``fisik_pct`` (pagu-weighted; null where the file has no fisik)."""
    if analysis.rejected or not analysis.reports:
        issues, counts = summarised_issues(analysis.issues + [i for r in analysis.reports for i in r.issues])
        ask = needs_mapping(analysis)
        return [
            dict(
                file=analysis.name,
                status="needs_mapping" if ask else "rejected",
                kind=analysis.kind,
                **_who(analysis.reports[0] if analysis.reports else None),
                year=None,
                month=None,
                rows=0,
                pagu=None,
                realisasi_keuangan=None,
                fisik_pct=None,
                source=analysis.reports[0].source if analysis.reports else None,
                fields={},
                layout=None,
                **({"candidates": ask} if ask else {}),
                issues=issues,
                issue_counts=counts,
            )
        ]
    out = []
    for rep in analysis.reports:
        all_issues = analysis.issues + rep.issues
        issues, counts = summarised_issues(all_issues)
        st = status or ("flagged" if any(i.severity == WARNING for i in all_issues) else "accepted")
        out.append(
            dict(
                file=analysis.name,
                status=st,
                kind=rep.kind,
                **_who(rep),
                year=rep.year,
                month=rep.month,
                rows=rep.rows,
                pagu=rep.pagu,
                realisasi_keuangan=rep.realisasi_keuangan,
                fisik_pct=None if rep.fisik_pct is None else round(rep.fisik_pct, 4),
                source=rep.source,
                fields={f: path for f, path in rep.header.matched().items() if f != "no"},
                layout=rep.layout_name,
                issues=issues,
                issue_counts=counts,
                **_kinerja_counts(rep),
            )
        )
    return out


def _who(rep: Report | None) -> dict:
    """``opd`` of a realisation report or DPA; ``unit`` (in its place) of kinerja and targets files."""
    if rep is not None and rep.kind == "kinerja":
        return {"unit": rep.unit.nama if rep.unit else rep.unit_text}
    if rep is not None and rep.kind == "targets":
        return {"unit": None}
    return {"opd": _opd_label(rep) if rep is not None else None}


def _kinerja_counts(rep: Report) -> dict:
    """Kinerja files: ``held`` (rows waiting for a confirmed indicator); targets: ``units``."""
    if rep.kinerja is not None:
        return {"held": len(rep.kinerja.held)}
    if rep.targets is not None:
        return {"units": len(rep.targets.units)}
    if rep.kind == "realisasi":
        return {"held": len(rep.held)}
    return {}


def _opd_label(rep: Report) -> str | None:
    if rep.opd:
        return rep.opd.nama
    if rep.dpa:
        return None
    return rep.opd_text


def commit(store: Store, analysis: FileAnalysis, user: str = "admin") -> list[dict]:
    """Load one analysed file (see :func:`commit_many`)."""
    return commit_many(store, [analysis], user)[0]


def commit_many(
    store: Store, analyses: list[FileAnalysis], user: str = "admin", scope: User | None = None
) -> list[list[dict]]:
    """Load analysed files: rejected files write nothing; the same bytes already loaded are a
    no-op (``duplicate``); originals are archived by sha256; a newer report for the same OPD
    and month supersedes the older one. For an OPD operator (``scope``) only its own OPD's
    imports count as already loaded: the same bytes loaded by another OPD are not reported
    (an OPD must not learn what another OPD uploaded).

    Every file is all or nothing: each is written in a transaction of its own. A hold of the
    database (a session) spans up to :data:`COMMIT_CHUNK` files and ends after the file being
    written as soon as another session waits for the database (on a DuckDB file: the app's
    readers beside a CLI batch, or the CLI beside the app), which gets its turn before the rest
    are written; so a batch never keeps the others waiting longer than one file takes. A crash
    leaves each file fully in or fully out and re-running the batch loads the rest.
    Returns :func:`result_rows` per file.
    """
    out: list[list[dict] | None] = [None] * len(analyses)
    queue = []
    for i, a in enumerate(analyses):
        if a.rejected:
            out[i] = result_rows(a)
        else:
            queue.append(i)
    seen: set[str] = set()  # files of this batch written (or found loaded) so far: a second copy is a duplicate
    while queue:
        chunk, queue = queue[:COMMIT_CHUNK], queue[COMMIT_CHUNK:]
        with store.session():
            loaded = _own(store, store.loaded_shas([analyses[i].sha256 for i in chunk]), scope)
            for n, i in enumerate(chunk):
                sha = analyses[i].sha256
                if sha in loaded or sha in seen:
                    out[i] = result_rows(analyses[i], status="duplicate")
                    continue
                seen.add(sha)
                _write_file(store, analyses[i], user)
                out[i] = result_rows(analyses[i])
                if n + 1 < len(chunk) and store.others_waiting():
                    queue = chunk[n + 1 :] + queue  # their turn; the rest in the next session
                    break
    done = [rows for rows in out if rows is not None]
    assert len(done) == len(out)  # every file is rejected, a duplicate or written
    return done


def _own(store: Store, shas: set[str], scope: User | None) -> set[str]:
    """Of ``shas`` (loaded before), those an OPD operator may know about: its own OPD's imports."""
    if not shas or scope is None or scope.is_admin or not scope.opd_scope:
        return shas
    own = store.import_history(limit=1_000_000, opd=scope.opd_scope)
    return shas & set(own["sha256"])


def _write_file(store: Store, a: FileAnalysis, user: str) -> None:
    """Archive the original and write the file in one transaction; a failure is reported on the
    file (nothing of it is written), never a traceback."""
    try:
        store.archive(a.sha256, a.name, a.data)
        with store.transaction():
            _write(store, a, user)
    except StoreBusy:
        raise
    except Exception as exc:
        _store_failed(a, exc)


def _store_failed(a: FileAnalysis, exc: Exception | None = None) -> None:
    if isinstance(exc, ImportInProgress):  # the same OPD and month being imported elsewhere (PostgreSQL)
        a.issues.append(Issue(ERROR, "import_in_progress", f"Berkas '{a.name}' tidak disimpan: {exc}"))
        return
    # the technical detail (it may name tables or server paths) goes to the log, the message quotes its code
    ref = log_failure(f"penyimpanan berkas '{a.name}'", exc) if exc is not None else None
    a.issues.append(
        Issue(
            ERROR,
            "store_failed",
            f"Berkas '{a.name}' gagal disimpan ke basis data; tidak ada "
            "data yang berubah. Coba lagi; bila tetap gagal, hubungi admin"
            + (f" dengan kode rujukan {ref} (rinciannya tercatat di log server)." if ref else "."),
            raw=type(exc).__name__ if exc is not None else None,
        )
    )


def _issue_records(import_id: int, issues: list[Issue]) -> list[dict]:
    """The ``import_issue`` rows of an import's issues."""
    return [
        dict(
            import_id=import_id,
            sheet=i.sheet,
            row=i.row,
            column=i.column,
            severity=i.severity,
            code=i.code,
            message=i.message,
            raw=i.raw,
        )
        for i in issues
    ]


def _write(store: Store, a: FileAnalysis, user: str) -> None:
    """Write a validated file (all its reports) inside the caller's transaction, with as few
    statements as possible."""
    reports = a.reports
    if not reports:
        return
    # one import of an OPD and month at a time (PostgreSQL: concurrent writers; DuckDB: a no-op)
    periods = {(rep.opd.kode, rep.year, rep.month) for rep in reports if rep.kind == "realisasi" and rep.opd}
    periods |= {("", rep.year, 0) for rep in reports if rep.kind == "dpa" and rep.year}  # a DPA: its year
    for opd_kode, year, month in sorted(periods):
        assert year is not None and month is not None  # a report is written only with its period
        store.claim_period(opd_kode, year, month, user)
    ids = store.next_import_ids(len(reports))
    imports, realisasi, realisasi_ids = [], [], []
    issues: list[dict] = []
    audits: list[tuple[str, str, str | None, str | None]] = []
    for import_id, rep in zip(ids, reports):
        rep_issues = a.issues + rep.issues
        flagged = any(i.severity == WARNING for i in rep_issues)
        imports.append(
            dict(
                id=import_id,
                file_name=a.name,
                sha256=a.sha256,
                size_bytes=a.size,
                format=a.format,
                kind=rep.kind,
                sheet=rep.sheet,
                created_by=user,
                tahun=rep.year,
                bulan=rep.month,
                opd_kode=rep.opd.kode if rep.opd else None,
                unit_id=rep.unit.id if rep.unit else None,
                rows_accepted=rep.rows,
                rows_flagged=rep.flagged_rows,
                rows_rejected=0,
                pagu=rep.pagu,
                realisasi_keuangan=rep.realisasi_keuangan,
                columns_json=json.dumps(rep.header.matched(), ensure_ascii=False),
                source=rep.source,
                status="flagged" if flagged else "accepted",
            )
        )
        issues.extend(_issue_records(import_id, rep_issues))
        detail = {"import_id": import_id, "tahun": rep.year, "bulan": rep.month, "baris": rep.rows}
        # a file is written only without errors: a report then has its OPD (unit, year)
        if rep.kind == "realisasi":
            assert rep.opd is not None
            detail["opd"] = rep.opd.kode
            realisasi.append((import_id, rep))
            realisasi_ids.append(import_id)
        elif rep.kind == "kinerja":
            assert rep.unit is not None
            detail["unit"] = rep.unit.nama
        audits.append((user, f"import_{rep.kind}", a.name, json.dumps(detail, ensure_ascii=False)))
    store.insert_imports(imports)
    store.insert_issues(issues)
    for import_id, rep in zip(ids, reports):
        if rep.kind == "rak":
            assert rep.opd is not None and rep.year is not None and rep.kas is not None  # written without errors
            store.replace_anggaran_kas(
                import_id, rep.year, rep.opd.kode, rak_mod.frame(rep.kas, rep.year, rep.opd.kode)
            )
            if rep.provisional:
                _upsert_opd(store, rep.opd, rep.wilayah)
        if rep.kind == "dpa":
            noted = len(rep.issues)
            _load_dpa(store, import_id, rep)
            # what loading it found: a revision, reports reconciled
            store.insert_issues(_issue_records(import_id, rep.issues[noted:]))
        elif rep.kind == "targets":
            summary = kinerja_mod.load_targets(store, import_id, rep, user)
            audits.append((user, "targets_apply", a.name, json.dumps(dict(summary, import_id=import_id))))
        elif rep.kind == "kinerja":
            summary = kinerja_mod.load_kinerja(store, import_id, rep, a.name, user)
            audits.append((user, "kinerja_apply", a.name, json.dumps(dict(summary, import_id=import_id))))
    for _, rep in realisasi:
        if rep.provisional:
            _load_provisional(store, rep)
    store.insert_held(
        [
            dict(
                import_id=import_id,
                tahun=rep.year,
                bulan=rep.month,
                opd_kode=rep.opd.kode,
                source_row=lf.row,
                nama=lf.nama,
                pagu=lf.pagu,
                target_fisik=lf.target_fisik,
                realisasi_fisik=lf.realisasi_fisik,
                realisasi_keuangan=lf.realisasi_keuangan,
                target_keuangan=lf.target_keuangan,
                permasalahan=lf.permasalahan,
                solusi=lf.solusi,
                candidates_json=json.dumps([[kode, nama] for kode, nama in cands], ensure_ascii=False),
            )
            for import_id, rep in realisasi
            if rep.opd is not None
            for lf, cands in rep.held
        ]
    )
    if realisasi:
        store.insert_realisasi(_realisasi_table(realisasi))
        for new_id, old in store.supersede_realisasi(realisasi_ids).items():
            audits.append((user, "supersede", None, json.dumps({"import_id": new_id, "menggantikan": old})))
    store.audit_many(audits)


_TEXT_COLS = (
    "sub_kegiatan_kode",
    "nama",
    "program_kode",
    "program_nama",
    "kegiatan_kode",
    "kegiatan_nama",
    "sumber_dana",
    "lokasi",
    "permasalahan",
    "solusi",
    "jenis",
    "jenis_source",
)
_NUM_COLS = ("pagu", "target_fisik", "realisasi_fisik", "realisasi_keuangan", "target_keuangan")
_LEAF_VALUES = attrgetter(*(("kode",) + _TEXT_COLS[1:] + _NUM_COLS + ("row",)))


def _realisasi_table(reports: list[tuple[int, Report]]) -> pa.Table:
    """The leaf rows of realisation reports ((import id, report) pairs) as one Arrow table shaped
    like the ``realisasi`` table: one Arrow column per column for all the reports together
    (building a column has a fixed cost that thousands of small columns would pay again)."""
    columns: list[list] = [[] for _ in range(len(_TEXT_COLS) + len(_NUM_COLS) + 1)]
    tahun, bulan, opd_kode, import_ids, flagged = [], [], [], [], []
    for import_id, rep in reports:
        leaves = rep.leaves
        n = len(leaves)
        if not n:
            continue
        for column, cells in zip(columns, zip(*map(_LEAF_VALUES, leaves))):
            column.extend(cells)
        tahun += [rep.year] * n
        bulan += [rep.month] * n
        assert rep.opd is not None  # a written realisasi report has its OPD
        opd_kode += [rep.opd.kode] * n
        import_ids += [import_id] * n
        flagged.extend([bool(lf.flags) for lf in leaves])
    table = {
        "tahun": pa.array(tahun, pa.int32()),
        "bulan": pa.array(bulan, pa.int32()),
        "opd_kode": pa.array(opd_kode, pa.string()),
    }
    for name, values in zip(_TEXT_COLS, columns):
        table[name] = pa.array(values, pa.string())
    for name, values in zip(_NUM_COLS, columns[len(_TEXT_COLS) :]):
        table[name] = pa.array(values, pa.float64())
    table["source_row"] = pa.array(columns[-1], pa.int32())
    table["flagged"] = pa.array(flagged, pa.bool_())
    table["import_id"] = pa.array(import_ids, pa.int64())
    return pa.table(table)


def _upsert_opd(store: Store, opd: OpdRef, wilayah: str | None = None) -> None:
    """Add an OPD a report named (before the DPA of its year), with a default abbreviation (and
    the kabupaten/kota of the file, a new OPD of a province install)."""
    store.upsert_opds({opd.kode: (opd.nama, opd.singkatan or default_singkatan(opd.nama))}, wilayah=wilayah)


def _load_provisional(store: Store, rep: Report) -> None:
    """The OPD and sub kegiatan of a report loaded before the DPA of its year (marked provisional)."""
    assert rep.opd is not None  # a written realisasi report has its OPD
    _upsert_opd(store, rep.opd, rep.wilayah)
    seen: set[str] = set()
    records = []
    for lf in rep.leaves:
        if lf.kode in seen:
            continue
        seen.add(lf.kode)
        records.append(
            (
                rep.year,
                lf.kode,
                rep.opd.kode,
                lf.nama or lf.kode,
                lf.program_kode,
                lf.program_nama,
                lf.kegiatan_kode,
                lf.kegiatan_nama,
                lf.pagu or 0.0,
                lf.sumber_dana,
                lf.lokasi,
                lf.jenis or "non_fisik",
                lf.jenis_source or "rule",
            )
        )
    store.add_provisional_sub_kegiatan(pd.DataFrame.from_records(records, columns=list(SUB_KEGIATAN_COLUMNS[:13])))


# Columns of ``sub_kegiatan`` a DPA writes (a provisional list writes the first thirteen).
SUB_KEGIATAN_COLUMNS = (
    "tahun",
    "kode",
    "opd_kode",
    "nama",
    "program_kode",
    "program_nama",
    "kegiatan_kode",
    "kegiatan_nama",
    "pagu",
    "sumber_dana",
    "lokasi",
    "jenis",
    "jenis_source",
    "jenis_rule",
    "import_id",
)


def _load_dpa(store: Store, import_id: int, rep: Report) -> None:
    table = rep.dpa
    assert table is not None  # a DPA report
    store.upsert_opds(table.opds, wilayah=rep.wilayah)
    subs = pd.DataFrame.from_records(
        [
            (
                rep.year,
                s.kode,
                s.opd_kode,
                s.nama,
                s.program_kode,
                None,
                s.kegiatan_kode,
                None,
                s.pagu,
                ", ".join(s.sumber_dana) or None,
                s.lokasi,
                s.jenis,
                s.jenis_source,
                s.jenis_rule,
                import_id,
            )
            for s in table.sub_kegiatan.values()
        ],
        columns=list(SUB_KEGIATAN_COLUMNS),
    )
    lines = pd.DataFrame.from_records(
        [
            (
                rep.year,
                s.opd_kode,
                ln.sub_kegiatan_kode,
                ln.kode_rekening,
                ln.uraian,
                ln.pagu,
                ln.sumber_dana,
                ln.row,
                import_id,
            )
            for s in table.sub_kegiatan.values()
            for ln in s.lines
        ],
        columns=[
            "tahun",
            "opd_kode",
            "sub_kegiatan_kode",
            "kode_rekening",
            "uraian",
            "pagu",
            "sumber_dana",
            "source_row",
            "import_id",
        ],
    )
    store.replace_dpa(import_id, rep.year, subs, lines)
    changes = store.dpa_changes(rep.year)
    changes = changes[changes["import_id"] == import_id]
    if len(changes):
        count = changes["change"].value_counts()
        rep.issues.append(
            Issue(
                INFO,
                "dpa_revisi",
                f"DPA ini merevisi DPA TA {rep.year} sebelumnya (pergeseran/perubahan): "
                f"{count.get('added', 0)} sub kegiatan ditambah, {count.get('removed', 0)} dihapus, "
                f"{count.get('changed', 0)} berubah pagu. Pagu murni tetap tersimpan; riwayat ada di basis data.",
            )
        )
    _reconcile(store, rep, table)


def _reconcile(store: Store, rep: Report, table: dpa_mod.DpaTable) -> None:
    """Reports loaded before this DPA (provisional lists): an OPD of the same name is matched to
    the DPA's, its rows to the DPA's sub kegiatan by code or else by exact normalised name; what
    cannot be matched is listed (never attached by guess)."""
    provisional = store.provisional_lists(rep.year)
    if provisional.empty:
        return
    matcher = OpdMatcher([OpdRef(k, n, s) for k, (n, s) in table.opds.items()])
    by_opd: dict[str, dict[str, str]] = {}
    for s in table.sub_kegiatan.values():
        by_opd.setdefault(s.opd_kode, {})[norm(s.nama)] = s.kode
    for (old_kode, opd_nama), rows in provisional.groupby(["opd_kode", "opd"], dropna=False):
        target = table.opds.get(old_kode) and OpdRef(old_kode, table.opds[old_kode][0]) or matcher.exact(opd_nama or "")
        if target is None:
            rep.issues.append(
                Issue(
                    INFO,
                    "provisional_unmatched_opd",
                    f"Laporan {opd_nama} (dimuat sebelum DPA) tidak cocok dengan OPD mana pun di DPA ini; "
                    "daftar sub kegiatan sementaranya tetap dipakai.",
                    raw=opd_nama,
                )
            )
            continue
        names = by_opd.get(target.kode, {})
        codes = {kode: kode for kode in rows["kode"] if kode in {s.kode for s in table.sub_kegiatan.values()}}
        codes.update({kode: names[norm(nama)] for kode, nama in zip(rows["kode"], rows["nama"]) if norm(nama) in names})
        unmatched = [nama for kode, nama in zip(rows["kode"], rows["nama"]) if kode not in codes]
        store.reconcile_provisional(rep.year, old_kode, target.kode, codes)
        rep.issues.append(
            Issue(
                INFO,
                "provisional_reconciled",
                f"Laporan {opd_nama} yang dimuat sebelum DPA dicocokkan dengan DPA {target.nama}: {len(codes)} sub "
                f"kegiatan cocok, {len(unmatched)} tidak cocok"
                + (f" ({'; '.join(unmatched[:5])}{' ...' if len(unmatched) > 5 else ''})" if unmatched else "")
                + ".",
                raw=opd_nama,
            )
        )


# ---------------------------------------------------------------------------- batch
@dataclass
class Upload:
    """One file to load, with what the user said about it (OPD, period) where needed."""

    name: str
    data: bytes
    opd: str | None = None
    period: tuple[int, int] | None = None
    unit: str | None = None  # kinerja files: the unit kerja (id or name) where the file is silent
    mapping: Mapping | None = None  # a column mapping a person confirmed for this file
    save_layout: str | None = None  # remember that mapping under this name once the file is loaded
    wilayah: str | None = None  # the kabupaten/kota the file is from (a province install)

    @cached_property
    def sha256(self) -> str:
        """The hex sha256 of the bytes (the idempotency key)."""
        return hashlib.sha256(self.data).hexdigest()


def preview_master(master: Master, analyses: list[FileAnalysis]) -> Master:
    """The master list as it will be once the acceptable DPA files among ``analyses`` are loaded."""
    for a in analyses:
        if a.kind == "dpa" and not a.rejected:
            master = master.merged_with(a.reports[0])
        elif a.kind == "targets" and not a.rejected:
            master = master.with_targets(a.reports[0])
    return master


def _analyse_all(uploads: list[Upload], master: Master, max_bytes: int, progress=None) -> list[FileAnalysis]:
    """:func:`analyse` of every upload in input order; ``progress(done, total, name)`` after each."""
    out = []
    for upload in uploads:
        out.append(
            analyse(
                upload.name,
                upload.data,
                master,
                opd=upload.opd,
                period=upload.period,
                max_bytes=max_bytes,
                unit=upload.unit,
                mapping=upload.mapping,
                wilayah=upload.wilayah,
            )
        )
        if progress:
            progress(len(out), len(uploads), upload.name)
    return out


def batch_conflicts(analyses: list[FileAnalysis]) -> dict[tuple, list[int]]:
    """Reports of the same OPD and month in two files of one batch: (opd, year, month) -> the
    positions of those files, in input order. Only one of them can be in force; a person picks."""
    seen: dict[tuple, list[int]] = {}
    shas: set[str] = set()
    for pos, a in enumerate(analyses):
        if a.rejected or a.sha256 in shas:  # the same bytes twice: a duplicate, loaded once
            continue
        shas.add(a.sha256)
        for rep in a.reports:
            if rep.kind == "realisasi" and rep.opd is not None:
                files = seen.setdefault((rep.opd.kode, rep.year, rep.month), [])
                if pos not in files:
                    files.append(pos)
    return {key: files for key, files in seen.items() if len(files) > 1}


def refuse_conflicts(analyses: list[FileAnalysis], last_wins: bool = False) -> None:
    """Refuse the files of an in-batch conflict (see :func:`batch_conflicts`), naming the others;
    ``last_wins``: all are loaded in input order, so the last is in force and the earlier ones
    stay in the history as superseded (the user said so)."""
    if last_wins:
        return
    opd_names = {rep.opd.kode: rep.opd.nama for a in analyses for rep in a.reports if rep.opd is not None}
    for (opd_kode, year, month), files in batch_conflicts(analyses).items():
        names = [analyses[i].name for i in files]
        for i in files:
            others = ", ".join(f"'{n}'" for n in names if n != analyses[i].name) or "berkas lain"
            analyses[i].issues.append(
                Issue(
                    ERROR,
                    "batch_conflict",
                    f"Berkas '{analyses[i].name}' dan {others} sama-sama berisi laporan {opd_names[opd_kode]} bulan "
                    f"{month_name(month)} {year}. Unggah satu saja, atau pakai --last-wins agar berkas terakhir "
                    "yang berlaku (yang lebih dulu tetap di riwayat).",
                )
            )


def enforce_scope(analyses: list[FileAnalysis], scope: User | None, master: Master) -> None:
    """Refuse, with a clear message, every report ``scope`` (the signed-in user) may not load:
    an OPD operator loads only its own OPD's reports and no DPA. ``None``: no limit (CLI, admin)."""
    if scope is None:
        return
    own = master.by_kode(scope.opd_kode) if scope.opd_kode else None
    for a in analyses:
        for rep in a.reports:
            if rep.kind in ("targets", "kinerja"):
                refusal = kinerja_upload_refusal(scope, rep.kind, rep.unit.id if rep.unit else None)
            else:
                refusal = upload_refusal(
                    scope,
                    rep.kind,
                    rep.opd.kode if rep.opd else None,
                    rep.opd.nama if rep.opd else rep.opd_text,
                    own.nama if own else None,
                )
            if refusal:
                rep.issues.append(Issue(ERROR, "outside_scope", f"Berkas '{a.name}': {refusal}", sheet=rep.sheet))


def analyse_batch(
    uploads: list[Upload], master: Master, max_bytes: int = MAX_FILE_BYTES, progress=None, scope: User | None = None
) -> list[FileAnalysis]:
    """Analyse many files for a preview; reports are checked against any DPA in the same batch
    and against what ``scope`` (the signed-in user) may load."""
    analysed = _analyse_all(uploads, master, max_bytes, progress)
    merged = preview_master(master, analysed) if scope is None or scope.is_admin else master
    if merged is not master:
        others = [i for i, a in enumerate(analysed) if a.kind not in ("dpa", "targets")]
        for i, a in zip(others, _analyse_all([uploads[i] for i in others], merged, max_bytes)):
            analysed[i] = a
    enforce_scope(analysed, scope, merged)
    return analysed


def commit_batch(
    store: Store,
    uploads: list[Upload],
    user: str = "admin",
    max_bytes: int = MAX_FILE_BYTES,
    progress=None,
    scope: User | None = None,
    last_wins: bool = False,
) -> list[list[dict]]:
    """Analyse and load many files, each all or nothing; DPA workbooks first so that the
    reports in the same batch are matched against the new OPD list. ``scope`` is the
    signed-in user whose limits apply (``None``: none, as for the CLI). Returns the
    :func:`result_rows` of each upload, in input order. ``progress(done, total, name)`` is
    called after each file is analysed.

    Files are analysed before the database is written, so other users do not wait while they are
    read; they are then loaded in chunks of :data:`COMMIT_CHUNK` (see :func:`commit_many`).
    """
    master = Master.from_store(store)
    analysed = _analyse_all(uploads, master, max_bytes, progress)
    enforce_scope(analysed, scope, master)
    results = _commit_analysed(store, uploads, analysed, master, user, max_bytes, scope, last_wins)
    for upload, analysis, rows in zip(uploads, analysed, results):
        if upload.save_layout and upload.mapping and any(r["status"] in ("accepted", "flagged") for r in rows):
            remember_layout(store, analysis, upload.save_layout, user)
    return results


def remember_layout(store: Store, analysis: FileAnalysis, name: str, user: str, shared: bool = False) -> None:
    """Keep the layout of an analysed file (its first report's header) under ``name``, for its
    OPD (``shared``: for every OPD), so that the next file with that header is read the same way."""
    rep = analysis.reports[0]
    layout = layout_from(rep.header, name, None if shared or rep.opd is None else rep.opd.kode)
    with store.transaction():
        store.save_layout(layout.name, layout.signature, layout.height, layout.paths, layout.opd_kode, user)
        store.audit_many([(user, "layout_save", name, json.dumps(layout.to_json(), ensure_ascii=False))])


def _commit_analysed(
    store: Store,
    uploads: list[Upload],
    analysed: list[FileAnalysis],
    master: Master,
    user: str,
    max_bytes: int,
    scope: User | None,
    last_wins: bool | None = False,
) -> list[list[dict]]:
    """Load analysed files: DPA and targets workbooks first, then the rest (re-analysed against
    the new master list when one was loaded), in chunks (see :func:`commit_many`). Two files of
    the batch for the same OPD and month are refused (:func:`refuse_conflicts`; ``last_wins``:
    the last one is loaded; ``None``: not checked, the caller has settled them)."""
    out: dict[int, list[dict]] = {}
    dpa_loaded = False
    for i, analysis in enumerate(analysed):
        if analysis.kind in ("dpa", "targets"):  # master lists first: reports are matched against them
            out[i] = commit(store, analysis, user)
            dpa_loaded = dpa_loaded or not analysis.rejected
    rest = [i for i in range(len(analysed)) if i not in out]
    if dpa_loaded and rest:
        master = Master.from_store(store)
        for i, a in zip(rest, _analyse_all([uploads[i] for i in rest], master, max_bytes)):
            analysed[i] = a
        enforce_scope([analysed[i] for i in rest], scope, master)
    if last_wins is not None:
        refuse_conflicts([analysed[i] for i in rest], last_wins)
    for i, res in zip(rest, commit_many(store, [analysed[i] for i in rest], user, scope)):
        out[i] = res
    return [out[i] for i in range(len(uploads))]


def ingest_paths(
    store: Store,
    paths: list[Path | str],
    *,
    opd: str | None = None,
    period: tuple[int, int] | None = None,
    user: str = "admin",
    max_bytes: int = MAX_FILE_BYTES,
    unit: str | None = None,
    mapping: Mapping | None = None,
    save_layout: str | None = None,
    last_wins: bool = False,
    wilayah: str | None = None,
) -> list[dict]:
    """Load files from disk (the CLI and batch jobs): :func:`commit_batch` over readable files.
    ``mapping`` / ``save_layout``: a confirmed column mapping for the files, and the name to
    remember it under; ``wilayah``: the kabupaten/kota the files are from (a province install)."""
    results: list[dict] = []
    uploads: list[Upload] = []
    slots: list[int | None] = []
    for path in map(Path, paths):
        try:
            uploads.append(Upload(path.name, path.read_bytes(), opd, period, unit, mapping, save_layout, wilayah))
            slots.append(len(uploads) - 1)
        except OSError as exc:
            slots.append(None)
            results.append(
                dict(
                    file=path.name,
                    status="rejected",
                    kind=None,
                    opd=None,
                    year=None,
                    month=None,
                    rows=0,
                    pagu=None,
                    realisasi_keuangan=None,
                    issues=[
                        dict(
                            severity=ERROR,
                            sheet=None,
                            row=None,
                            column=None,
                            code="unreadable",
                            message=f"Berkas '{path}' tidak dapat dibaca: {exc.strerror}. "
                            "Periksa nama dan lokasi berkas.",
                        )
                    ],
                )
            )
    loaded = commit_batch(store, uploads, user, max_bytes, last_wins=last_wins)
    ordered: list[dict] = []
    unreadable = iter(results)
    for slot in slots:
        if slot is None:
            ordered.append(next(unreadable))
        else:
            ordered.extend(loaded[slot])
    return ordered
