"""``python -m cli kinerja``: the kinerja recap of a month, triwulan or year on the command line
(the rows of :func:`core.kinerja.kinerja_recap`, the same as the Data kinerja page and the Excel
export), as a readable table or JSON, optionally also written as the print-ready workbook. The
table ends with the summary of :func:`core.kinerja.recap_summary` (mean with the capaian maximum
of the settings, median, predikat distribution), as on the page and in the workbook."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from core.auth import UNSCOPED_ROLES
from core.format import number, percent
from core.kinerja import PREDIKAT, SANGAT_RENDAH, kinerja_recap, period, recap_summary, target_text
from core.settings import load as load_settings
from db.store import Store
from etl.kinerja import UnitMatcher, UnitRef
from exports.kinerja_xlsx import kinerja_workbook

from .output import actor, record_written, write_output

JSON_COLUMNS = [
    "unit",
    "indikator",
    "satuan",
    "arah",
    "agregasi",
    "target",
    "realisasi",
    "capaian",
    "predikat",
    "catatan",
    "bulan_terisi",
    "tidak_dilaporkan",
    "status",
    "unit_id",
    "indikator_id",
]


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    if value != value:  # pandas NA
        return None
    return value


def recap_rows(df) -> list[dict]:
    """The JSON rows of a recap (NaN and infinity as null: strict JSON)."""
    return [{c: _clean(v) for c, v in zip(JSON_COLUMNS, rec)} for rec in df[JSON_COLUMNS].itertuples(index=False)]


def _value(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return number(v, 0 if float(v).is_integer() else 2)


def run_kinerja(args) -> int:
    """Print the recap; exit 1 when the year has no indicators, the unit is unknown, or the
    workbook cannot be written."""
    p = period(args.year, args.month, args.triwulan, args.annual)
    with Store(args.db) as store:
        who = actor(store, args, UNSCOPED_ROLES, "mengekspor rekap kinerja")
        if who is None:
            return 1
        unit_id, unit_name = None, "semua unit"
        if args.unit:
            units = [UnitRef(i, n) for i, n in store.unit_kerja()]
            found = UnitMatcher(units).exact(args.unit)
            if found is None:
                known = ", ".join(u.nama for u in units) or "belum ada; impor Perjanjian Kinerja dahulu"
                print(f"Kesalahan: unit kerja '{args.unit}' tidak dikenal. Unit yang ada: {known}.", file=sys.stderr)
                return 1
            unit_id, unit_name = found.id, found.nama
        df = kinerja_recap(
            store, args.year, month=args.month, triwulan=args.triwulan, annual=args.annual, unit_id=unit_id
        )
        summary = recap_summary(df, load_settings(store).kinerja_capaian_maks)
        if df.empty:
            print(
                f"Kesalahan: belum ada indikator Perjanjian Kinerja tahun {args.year}; impor Perjanjian Kinerja "
                "terlebih dahulu.",
                file=sys.stderr,
            )
            return 1
        data = (
            kinerja_workbook(
                store, args.year, month=args.month, triwulan=args.triwulan, annual=args.annual, unit_id=unit_id
            )
            if args.out
            else None
        )
        if data is not None:
            out = Path(args.out)
            if not write_output(out, data):
                return 1
            record_written(store, who, out, f"rekap kinerja {unit_name} {p.label}")
    if args.json:
        print(json.dumps(recap_rows(df), ensure_ascii=False, indent=1, allow_nan=False))
    else:
        head = ["Unit", "Indikator", "Satuan", "Target", "Realisasi", "Capaian", "Predikat"]
        body = [
            [
                r.unit,
                r.indikator if len(r.indikator) <= 60 else r.indikator[:57] + "...",
                r.satuan or "-",
                target_text(r.target, r.satuan, "-"),
                "tidak dilaporkan" if r.tidak_dilaporkan and r.realisasi != r.realisasi else _value(r.realisasi),
                percent(r.capaian),
                r.predikat or (r.catatan or "-"),
            ]
            for r in df.itertuples()
        ]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
        print(f"Rekap capaian kinerja {p.label}")
        for row in [head] + body:
            print(
                "  ".join(
                    str(x).rjust(w) if i in (3, 4, 5) else str(x).ljust(w) for i, (x, w) in enumerate(zip(row, widths))
                )
            )
        maks = percent(summary["maks"], 0)
        print(
            f"Rata-rata capaian {percent(summary['rata_capaian'])} (capaian di atas {maks} dihitung {maks}); "
            f"median {percent(summary['median_capaian'])}; {summary['dengan_capaian']} dari "
            f"{summary['indikator']} indikator memiliki capaian."
        )
        labels = [label for _, label in PREDIKAT] + [SANGAT_RENDAH]
        print("Sebaran predikat: " + "; ".join(f"{label} {summary['predikat'][label]}" for label in labels) + ".")
    if data is not None:
        print(f"Rekap Excel ditulis ke {args.out}.", file=sys.stderr if args.json else sys.stdout)
    return 0
