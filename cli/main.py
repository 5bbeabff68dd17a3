"""Command-line interface: ``python -m cli ingest|recap|export|pack|backup|restore|kinerja``
(``python -m etl ...`` is the same command).

``ingest [--db PATH] [--opd KODE] [--period YYYY-MM] [--json] FILE...`` loads DPA workbooks
and OPD realisation reports; exit 0 when nothing was rejected, 1 otherwise.
``recap [--db PATH] --year Y --month M [--json]`` prints one row per OPD.
``export recap [--db PATH] --year Y --month M --out FILE.xlsx [--opd KODE]`` writes the
print-ready Excel recap (the workbook of :mod:`exports.recap_xlsx`); exit 1 when the period has
no DPA or no report.
``pack [--db PATH] --year Y --month M --out DIR [--baris-slide N]`` writes the Rakor POK meeting pack
(``Materi_Rakor_Y-MM.pptx`` and ``.xlsx``, :mod:`exports.pack_pptx` / :mod:`exports.pack_xlsx`);
exit 1 when the period has no DPA or no report.
``backup [--db PATH] --out FILE.zip`` writes a backup; ``restore [--db PATH] FILE.zip``
restores one into an install without data.
``wilayah list|set NAMA|clear [--opd KODE]... [--kode-awal AWALAN]`` lists or sets the
kabupaten/kota of OPDs (a province install); ``recap``, ``export`` and ``pack`` take
``--wilayah NAMA`` for the OPDs of one kabupaten/kota, ``ingest --wilayah NAMA`` says which one
the files are from (:mod:`etl.wilayah`).
``rebuild-summary [--db PATH] [--tahun Y]`` recomputes the recap summary from the leaf rows and
prints, per year, what differed (JSON).
``kinerja [--db PATH] --year Y (--month M | --triwulan N | --annual) [--unit NAMA] [--json] [--out FILE.xlsx]``
prints the kinerja recap (unit, indikator, satuan, target, realisasi, capaian, predikat) and
optionally writes its print-ready workbook (:mod:`exports.kinerja_xlsx`).
``migrate --from DB --to DB [--from-data DIR] [--to-data DIR]`` copies every table and the
archive of originals into an empty database (e.g. a DuckDB file into PostgreSQL) and verifies
counts and checksums (:mod:`core.migrate`); prints JSON; exit 1 when refused or not verified.

``--db`` (and ``PANTAU_DB``) is a DuckDB file or a ``postgresql://user@host:port/db`` URL.

Every command that writes to the database or writes a file records who ran it in the audit log
(:func:`core.auth.cli_actor`): ``cli:<account>`` when ``--user`` names an active account allowed to
do it (refused, exit 1, otherwise), else ``cli:<OS user>``. Files written (export, pack, kinerja
--out, backup) are audited as the page downloads are (action ``download``: file, what and period).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
from pathlib import Path

from core.auth import UNSCOPED_ROLES, cli_actor
from core.backup import BackupError, ForeignBackup, restore_backup, write_backup
from core.format import number, percent, period_label, rupiah
from core.logs import log_failure
from core.migrate import MigrateError, migrate
from core.recap import kabupaten_totals, recap_opd
from core.settings import MATERI_BARIS_MAX, MATERI_BARIS_MIN
from core.settings import load as load_settings
from db.store import Store, StoreBusy, Unreachable
from etl.issues import Rejected
from etl.mapping import Layout, Mapping
from etl.pipeline import ingest_paths
from etl.text import norm
from exports.pack_data import pack_data
from exports.pack_pptx import build_pptx, plan
from exports.pack_xlsx import build_xlsx
from exports.recap_xlsx import recap_workbook

from .output import actor, record_written, write_output


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse messages, in Indonesian, no traceback
        self.print_usage(sys.stderr)
        print(f"Kesalahan: {message}", file=sys.stderr)
        sys.exit(2)


def _period(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"periode '{text}' tidak valid; tulis TAHUN-BULAN, mis. 2026-03")
    return int(m.group(1)), int(m.group(2))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and --help)."""
    p = _Parser(prog="python -m cli", description="Pantau: impor laporan dan rekap dari baris perintah.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ing = sub.add_parser("ingest", help="impor DPA dan laporan realisasi OPD")
    ing.add_argument("--db", help="berkas DuckDB atau URL postgresql://... (bawaan: PANTAU_DB atau data/pantau.duckdb)")
    ing.add_argument("--opd", help="kode, nama, atau singkatan OPD bila berkas tidak menyebutkannya")
    ing.add_argument("--period", type=_period, help="periode TAHUN-BULAN bila berkas tidak menyebutkannya")
    ing.add_argument("--unit", help="unit kerja (nama) data kinerja bila berkas tidak menyebutkannya")
    ing.add_argument("--json", action="store_true", help="keluaran JSON (satu larik)")
    ing.add_argument(
        "--mapping",
        metavar="FILE.json",
        help='pemetaan kolom yang dikonfirmasi, mis. {"sheet": "Progres", "header_rows": [5], '
        '"fields": {"kode": "B", "pagu": "D", "realisasi_keuangan": "E"}}',
    )
    ing.add_argument("--save-layout", metavar="NAMA", help="simpan pemetaan itu sebagai format untuk berkas berikutnya")
    ing.add_argument(
        "--last-wins",
        action="store_true",
        help="dua berkas untuk OPD dan bulan yang sama: muat yang terakhir (bawaan: keduanya ditolak)",
    )
    _user_option(ing)
    ing.add_argument("files", nargs="+", metavar="FILE")
    lay = sub.add_parser("layouts", help="format kolom yang diingat: daftar, ekspor, impor")
    lay.add_argument("action", choices=["list", "export", "import"])
    lay.add_argument("--db")
    lay.add_argument("--file", metavar="FILE.json", help="berkas tujuan (export) atau sumber (import); bawaan: layar")
    _user_option(lay)
    rec = sub.add_parser("recap", help="rekap per OPD untuk satu bulan")
    rec.add_argument("--db")
    rec.add_argument("--year", type=int, required=True)
    rec.add_argument("--month", type=int, required=True, choices=range(1, 13), metavar="MONTH")
    rec.add_argument("--json", action="store_true")
    exp = sub.add_parser("export", help="tulis rekap Excel siap cetak (kop, jumlah, tanda tangan)")
    exp.add_argument("what", choices=["recap"], help="yang diekspor: recap (rekap per OPD dan rinciannya)")
    exp.add_argument("--db")
    exp.add_argument("--year", type=int, required=True)
    exp.add_argument("--month", type=int, required=True, choices=range(1, 13), metavar="MONTH")
    exp.add_argument("--out", required=True, metavar="FILE.xlsx")
    exp.add_argument("--opd", help="hanya satu OPD: kode, nama, atau singkatan")
    _user_option(exp)
    pk = sub.add_parser("pack", help="tulis materi rakor POK (PPTX dan XLSX) untuk satu bulan")
    pk.add_argument("--db")
    pk.add_argument("--year", type=int, required=True)
    pk.add_argument("--month", type=int, required=True, choices=range(1, 13), metavar="MONTH")
    pk.add_argument("--out", required=True, metavar="DIR", help="folder tujuan (dibuat bila belum ada)")
    pk.add_argument(
        "--baris-slide",
        type=int,
        choices=range(MATERI_BARIS_MIN, MATERI_BARIS_MAX + 1),
        metavar=f"{MATERI_BARIS_MIN}-{MATERI_BARIS_MAX}",
        help="baris paling banyak per daftar pada slide (bawaan: Pengaturan); lampiran Excel memuat semuanya",
    )
    _user_option(pk)
    kin = sub.add_parser("kinerja", help="rekap capaian kinerja per unit dan indikator")
    kin.add_argument("--db")
    kin.add_argument("--year", type=int, required=True)
    when = kin.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", type=int, choices=range(1, 13), metavar="MONTH")
    when.add_argument("--triwulan", type=int, choices=range(1, 5), metavar="N")
    when.add_argument("--annual", action="store_true", help="rekap satu tahun")
    kin.add_argument("--unit", help="hanya satu unit kerja (nama)")
    kin.add_argument("--json", action="store_true")
    kin.add_argument("--out", metavar="FILE.xlsx", help="tulis juga rekap Excel siap cetak")
    _user_option(kin)
    bak = sub.add_parser("backup", help="buat cadangan (zip: basis data dan arsip berkas asli)")
    bak.add_argument("--db")
    bak.add_argument("--out", required=True, metavar="FILE.zip")
    _user_option(bak)
    res = sub.add_parser("restore", help="pulihkan cadangan ke instalasi yang belum berisi data")
    res.add_argument("--db")
    res.add_argument(
        "--kunci",
        metavar="KUNCI",
        help="kunci cadangan instalasi asal: isi berkas backup.key-nya, atau path berkas itu",
    )
    res.add_argument(
        "--terima-cadangan-lain",
        action="store_true",
        help="pulihkan cadangan instalasi lain tanpa kuncinya (Anda yakin berkas ini asli)",
    )
    res.add_argument("file", metavar="FILE.zip")
    mig = sub.add_parser("migrate", help="pindahkan seluruh data ke basis data lain (mis. DuckDB ke PostgreSQL)")
    mig.add_argument("--from", dest="source", required=True, metavar="DB", help="basis data asal (berkas atau URL)")
    mig.add_argument("--to", dest="target", required=True, metavar="DB", help="basis data tujuan yang masih kosong")
    mig.add_argument("--from-data", metavar="DIR", help="folder data asal (arsip berkas asli; bawaan: PANTAU_DATA)")
    mig.add_argument("--to-data", metavar="DIR", help="folder data tujuan (bawaan: sama dengan asal)")
    _user_option(mig)
    wil = sub.add_parser("wilayah", help="kabupaten/kota tiap OPD (instalasi pemerintah provinsi)")
    wil.add_argument("action", choices=["list", "set", "clear"], help="list: daftar; set: tetapkan; clear: kosongkan")
    wil.add_argument("nama", nargs="?", help='nama kabupaten/kota untuk set, mis. "Kabupaten Tanjung Makmur"')
    wil.add_argument("--db")
    wil.add_argument("--opd", action="append", default=[], metavar="KODE", help="kode, singkatan, atau nama OPD")
    wil.add_argument("--kode-awal", metavar="AWALAN", help="semua OPD yang kodenya diawali ini, mis. 3201/")
    _user_option(wil)
    for cmd in (rec, exp, pk):
        cmd.add_argument("--wilayah", metavar="NAMA", help="hanya OPD satu kabupaten/kota (instalasi provinsi)")
    ing.add_argument(
        "--wilayah",
        metavar="NAMA",
        help="kabupaten/kota asal berkas (instalasi provinsi): OPD berkas harus milik kabupaten/kota itu; "
        "OPD baru ikut kabupaten/kota ini",
    )
    reb = sub.add_parser("rebuild-summary", help="hitung ulang ringkasan rekap (recap_summary) dari baris sub kegiatan")
    reb.add_argument("--db")
    reb.add_argument("--tahun", "--year", dest="tahun", type=int, help="hanya satu tahun anggaran (bawaan: semua)")
    _user_option(reb)
    return p


def _user_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        metavar="NAMA",
        help="akun Pantau (aktif) yang menjalankan perintah, dicatat di log audit sebagai cli:NAMA "
        "(bawaan: cli:<akun sistem operasi>)",
    )


def _clean_json(value):
    """``value`` as strict JSON allows it: NaN and infinity become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    return value


def cmd_ingest(args) -> int:
    mapping = None
    if args.mapping:
        try:
            mapping = Mapping.from_json(Path(args.mapping).read_text(encoding="utf-8"))
        except OSError as exc:
            print(f"Kesalahan: berkas pemetaan '{args.mapping}' tidak dapat dibaca: {exc.strerror}.", file=sys.stderr)
            return 1
        except Rejected as exc:
            print(f"Kesalahan: {exc.issue.message}", file=sys.stderr)
            return 1
    if args.save_layout and mapping is None:
        print("Kesalahan: --save-layout menyimpan pemetaan dari --mapping; berikan juga --mapping.", file=sys.stderr)
        return 1
    with Store(args.db) as store:
        who = actor(store, args, {"admin"}, "mengimpor DPA, laporan, dan data kinerja")
        if who is None:
            return 1
        results = ingest_paths(
            store,
            [Path(f) for f in args.files],
            opd=args.opd,
            period=args.period,
            user=who,
            unit=args.unit,
            mapping=mapping,
            save_layout=args.save_layout,
            last_wins=args.last_wins,
            wilayah=args.wilayah,
        )
    if args.json:
        print(json.dumps(_clean_json(results), ensure_ascii=False, indent=1, allow_nan=False))
    else:
        for r in results:
            where = f"{r.get('opd') or r.get('unit') or '-'} {r['month'] or ''}/{r['year'] or ''}".strip()
            money = (
                f"pagu {rupiah(r['pagu'])}; realisasi {rupiah(r['realisasi_keuangan'])}"
                if r["kind"] in ("dpa", "realisasi", None)
                else (
                    f"{r.get('held', 0)} baris menunggu konfirmasi indikator"
                    if r["kind"] == "kinerja"
                    else f"{r.get('units', 0)} unit"
                )
            )
            print(f"[{r['status'].upper():9}] {r['file']} ({r['kind'] or '?'}; {where}; {r['rows']} baris; {money})")
            for i in r["issues"]:
                loc = ", ".join(
                    x
                    for x in (
                        i["sheet"] and f"lembar {i['sheet']}",
                        i["row"] and f"baris {i['row']}",
                        i["column"] and f"kolom {i['column']}",
                    )
                    if x
                )
                print(f"    {i['severity']}: {i['message']}" + (f" [{loc}]" if loc else ""))
    return 1 if any(r["status"] in ("rejected", "needs_mapping") for r in results) else 0


def cmd_layouts(args) -> int:
    """``layouts list|export|import``: the column layouts people confirmed."""
    with Store(args.db) as store:
        if args.action == "import":
            who = actor(store, args, {"admin"}, "mengimpor format kolom")
            if who is None:
                return 1
            try:
                text = Path(args.file).read_text(encoding="utf-8") if args.file else sys.stdin.read()
                items = [Layout.from_dict(d) for d in json.loads(text)]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                print(f"Kesalahan: daftar format tidak dapat dibaca ({type(exc).__name__}).", file=sys.stderr)
                return 1
            with store.transaction():
                for item in items:
                    store.save_layout(item.name, item.signature, item.height, item.paths, item.opd_kode, who)
            print(f"{len(items)} format diimpor.")
            return 0
        rows = store.layouts()
    if args.action == "export":
        text = json.dumps(
            [Layout(r["name"], r["signature"], r["paths"], r["height"], r["opd_kode"]).to_json() for r in rows],
            ensure_ascii=False,
            indent=1,
        )
        if args.file:
            Path(args.file).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return 0
    if not rows:
        print("Belum ada format kolom yang disimpan.")
    for r in rows:
        fields = ", ".join(f"{f} ← {p}" for f, p in r["paths"].items())
        print(f"{r['name']} (OPD: {r['opd_kode'] or 'semua'}): {fields}")
    return 0


def _wilayah_known(store: Store, name: str | None) -> bool:
    """Whether ``--wilayah`` names a kabupaten/kota of the OPDs (or is not given); says which
    there are when not."""
    if not name:
        return True
    names = store.wilayah_list()
    if name in names:
        return True
    known = ", ".join(names) or "belum ada; tetapkan dengan: python -m cli wilayah set"
    print(f"Kesalahan: kabupaten/kota '{name}' tidak dikenal. Yang ada: {known}.", file=sys.stderr)
    return False


def cmd_wilayah(args) -> int:
    """``wilayah``: list the kabupaten/kota with their OPD counts, or set/clear that of OPDs."""
    with Store(args.db) as store:
        opds = store.opds()
        if args.action == "list":
            counts: dict[str, int] = {}
            for o in opds:
                label = o.wilayah or "(tanpa kabupaten/kota)"
                counts[label] = counts.get(label, 0) + 1
            for label, n in sorted(counts.items(), key=lambda kv: (kv[0].startswith("("), kv[0])):
                print(f"{label}: {n} OPD")
            return 0
        if args.action == "set" and not (args.nama or "").strip():
            print(
                'Kesalahan: sebutkan nama kabupaten/kota, mis. wilayah set "Kabupaten Tanjung Makmur".', file=sys.stderr
            )
            return 2
        who = actor(store, args, {"admin"}, "menetapkan kabupaten/kota OPD")
        if who is None:
            return 1
        kodes, refusal = _chosen_opds(opds, args.opd, args.kode_awal)
        if refusal:
            print(f"Kesalahan: {refusal}", file=sys.stderr)
            return 1
        name: str | None = args.nama.strip() if args.action == "set" else None
        changed = store.set_wilayah({k: name for k in kodes}, who)
    what = f"ditetapkan ke {name}" if name else "dikosongkan"
    print(f"Kabupaten/kota {len(kodes)} OPD {what} ({changed} berubah).")
    return 0


def cmd_recap(args) -> int:
    with Store(args.db) as store:
        if not _wilayah_known(store, args.wilayah):
            return 1
        df = recap_opd(store, args.year, args.month, wilayah=args.wilayah)
    cols = [
        "opd",
        "sub_kegiatan",
        "pagu",
        "realisasi_keuangan",
        "keuangan_pct",
        "fisik_pct",
        "fisik_pagu",
        "non_fisik_pagu",
    ]
    if args.json:
        rows = [
            {
                c: (None if (isinstance(v, float) and not math.isfinite(v)) else (int(v) if c == "sub_kegiatan" else v))
                for c, v in zip(cols, rec)
            }
            for rec in df[cols].itertuples(index=False)
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1, allow_nan=False))  # strict JSON: never NaN
        return 0
    if df.empty:
        print(f"Belum ada data untuk {args.month}/{args.year}. Impor DPA dan laporan realisasi terlebih dahulu.")
        return 0
    head = ["OPD", "Sub keg.", "Pagu", "Realisasi", "Keu %", "Fisik %", "Pagu fisik", "Pagu non fisik"]
    body = [
        [
            r.opd,
            number(r.sub_kegiatan),
            rupiah(r.pagu),
            rupiah(r.realisasi_keuangan),
            percent(r.keuangan_pct),
            percent(r.fisik_pct),
            rupiah(r.fisik_pagu),
            rupiah(r.non_fisik_pagu),
        ]
        for r in df.itertuples()
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    for row in [head] + body:
        print("  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in enumerate(zip(row, widths))))
    return 0


def _opd_named(opds: list, text: str) -> str | None:
    """Kode of the OPD of ``opds`` (rows of ``Store.opds``) named by its kode, singkatan or nama
    (case-insensitive), else ``None``."""
    key = norm(text)
    for o in opds:
        if text.strip() == o.kode or (key and key in (norm(o.singkatan), norm(o.nama))):
            return o.kode
    return None


def _find_opd(store: Store, text: str) -> str | None:
    """:func:`_opd_named` among the OPDs of ``store``."""
    return _opd_named(store.opds(), text)


def _chosen_opds(opds: list, texts: list[str], prefix: str | None) -> tuple[list[str], str | None]:
    """The kode of the OPDs ``wilayah set|clear`` is about: those named by ``texts`` (``--opd``,
    :func:`_opd_named`) and those whose kode starts with ``prefix`` (``--kode-awal``, a province's
    convention: ``3201/1.02.0.00.0.00.01.0000``), and ``None``; or no OPD and why not."""
    found = {text: _opd_named(opds, text) for text in texts}
    unknown = [text for text, kode in found.items() if kode is None]
    if unknown:
        return [], (
            f"OPD tidak dikenal: {', '.join(unknown)}. Tulis kode, singkatan, atau nama OPD sebagaimana "
            "tercantum di DPA yang dimuat."
        )
    chosen = list(dict.fromkeys(k for k in found.values() if k is not None))
    if prefix:
        by_prefix = [o.kode for o in opds if o.kode.startswith(prefix)]
        if not by_prefix:
            return [], f"Tidak ada OPD yang kodenya diawali '{prefix}'."
        chosen += [k for k in by_prefix if k not in chosen]
    if not chosen:
        return [], "Sebutkan OPD-nya: --opd KODE (boleh berulang) atau --kode-awal AWALAN."
    return chosen, None


def cmd_export(args) -> int:
    """``export recap``: the print-ready Excel recap of one month, written to ``--out``."""
    label = period_label(args.year, args.month)
    with Store(args.db) as store:
        who = actor(store, args, UNSCOPED_ROLES, "mengekspor rekap")
        if who is None or not _wilayah_known(store, args.wilayah):
            return 1
        opd = None
        if args.opd:
            opd = _find_opd(store, args.opd)
            if opd is None:
                known = ", ".join(o.singkatan or o.kode for o in store.opds()) or "belum ada; impor DPA dahulu"
                print(f"Kesalahan: OPD '{args.opd}' tidak dikenal. OPD yang ada: {known}.", file=sys.stderr)
                return 1
        recap = recap_opd(store, args.year, args.month, opd, wilayah=args.wilayah)
        if recap.empty:
            print(
                f"Kesalahan: belum ada DPA atau laporan untuk {label}; rekap tidak dibuat. Impor DPA dan "
                "laporan realisasi terlebih dahulu, atau pilih periode lain.",
                file=sys.stderr,
            )
            return 1
        tot = kabupaten_totals(recap)
        if tot["opd_reported"] == 0:
            who = f"{recap['opd'].iloc[0]} " if opd else "OPD "
            print(
                f"Kesalahan: belum ada laporan realisasi {who}untuk {label} (hanya pagu DPA); rekap tidak dibuat.",
                file=sys.stderr,
            )
            return 1
        data = recap_workbook(store, args.year, args.month, opd, wilayah=args.wilayah)
        out = Path(args.out)
        if not write_output(out, data):
            return 1
        scope = recap["opd"].iloc[0] if opd else args.wilayah or "semua OPD"
        record_written(store, who, out, f"rekap siap cetak {scope} {label}")
    print(
        f"Rekap {label} ditulis ke {out}: {tot['opd_total']} OPD ({tot['opd_reported']} sudah lapor), "
        f"{tot['sub_kegiatan']} sub kegiatan, pagu {rupiah(tot['pagu'])}, realisasi "
        f"{rupiah(tot['realisasi_keuangan'])} ({percent(tot['keuangan_pct'])})."
    )
    return 0


def cmd_pack(args) -> int:
    """``pack``: the meeting slides and workbook of one month, written into ``--out``."""
    label = period_label(args.year, args.month)
    with Store(args.db) as store:
        who = actor(store, args, UNSCOPED_ROLES, "menyusun materi rakor")
        if who is None or not _wilayah_known(store, args.wilayah):
            return 1
        pack = pack_data(
            store,
            args.year,
            args.month,
            load_settings(store),
            dt.date.today(),
            top_n=args.baris_slide,
            wilayah=args.wilayah,
        )
        if not pack.has_data or not pack.has_reports:
            what = "DPA atau laporan" if not pack.has_data else "laporan realisasi OPD"
            print(
                f"Kesalahan: belum ada {what} untuk {label}; materi rakor tidak dibuat. Impor DPA dan laporan "
                "realisasi terlebih dahulu, atau pilih periode lain.",
                file=sys.stderr,
            )
            return 1
        out = Path(args.out)
        files = {out / f"{pack.file_stem}.pptx": build_pptx(pack), out / f"{pack.file_stem}.xlsx": build_xlsx(pack)}
        for path, data in files.items():
            if not write_output(path, data):
                return 1
            record_written(store, who, path, f"materi rakor ({path.suffix[1:]}) {label}")
    t = pack.totals
    print(
        f"Materi rakor {label} ditulis ke {out}: {' dan '.join(p.name for p in files)} ({len(plan(pack))} slide); "
        f"{t['opd_reported']} dari {t['opd_total']} OPD sudah lapor, serapan {percent(t['keuangan_pct'])}, fisik "
        f"{percent(t['fisik_pct'])}, {number(len(pack.kritis))} kontrak kritis, {len(pack.tindak_lanjut)} tindak "
        f"lanjut terbuka. Slide memuat paling banyak {pack.top_n} baris per daftar; buku kerja memuat semuanya."
    )
    return 0


def cmd_backup(args) -> int:
    out = Path(args.out)
    with Store(args.db) as store:
        who = actor(store, args, {"admin"}, "membuat cadangan")
        if who is None:
            return 1
        try:
            write_backup(store, who, out)
        except OSError as exc:
            print(f"Kesalahan: berkas '{out}' tidak dapat ditulis: {exc.strerror}.", file=sys.stderr)
            return 1
        record_written(store, who, out, "cadangan basis data")
    print(f"Cadangan ditulis ke {out} ({out.stat().st_size / 1024**2:.1f} MB).")
    return 0


def cmd_restore(args) -> int:
    key = args.kunci
    if key and Path(key).is_file():
        try:
            key = Path(key).read_text(encoding="ascii", errors="replace")
        except OSError as exc:
            print(f"Kesalahan: berkas kunci '{args.kunci}' tidak dapat dibaca: {exc.strerror}.", file=sys.stderr)
            return 1
    with Store(args.db) as store:
        try:
            who = cli_actor(store, None, {"admin"}, "memulihkan cadangan")  # the install holds no account yet
            tables = restore_backup(store, Path(args.file), who, key=key, confirm_foreign=args.terima_cadangan_lain)
        except ForeignBackup as exc:
            print(
                f"Kesalahan: {exc} Di baris perintah: --kunci KUNCI atau --kunci PATH/backup.key, atau "
                "--terima-cadangan-lain.",
                file=sys.stderr,
            )
            return 1
        except BackupError as exc:
            print(f"Kesalahan: {exc}", file=sys.stderr)
            return 1
    print(
        f"Cadangan dipulihkan: {tables.get('import', 0)} impor, {tables.get('realisasi', 0)} baris realisasi, "
        f"{tables.get('app_user', 0)} pengguna."
    )
    return 0


def cmd_rebuild_summary(args) -> int:
    """``rebuild-summary``: the recap summary recomputed from the leaf rows (all or nothing); prints
    per year the rows before and after and every OPD-month that differed, as JSON."""
    with Store(args.db) as store:
        who = actor(store, args, {"admin"}, "menghitung ulang ringkasan rekap")
        if who is None:
            return 1
        years = store.rebuild_summary(args.tahun, actor=who)
    print(json.dumps(years, ensure_ascii=False, indent=1, allow_nan=False))
    return 0


def cmd_kinerja(args) -> int:
    """``kinerja``: the recap of :func:`core.kinerja.kinerja_recap` as a table or JSON."""
    from .kinerja import run_kinerja

    return run_kinerja(args)


def cmd_migrate(args) -> int:
    source_data = Path(args.from_data) if args.from_data else None
    target_data = Path(args.to_data) if args.to_data else source_data
    with Store(args.source, data_dir=source_data) as source, Store(args.target, data_dir=target_data) as target:
        who = actor(source, args, {"admin"}, "memindahkan data")
        if who is None:
            return 1
        try:
            report = migrate(source, target, who)
        except MigrateError as exc:
            print(f"Kesalahan: {exc}", file=sys.stderr)
            return 1
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "layouts": cmd_layouts,
    "recap": cmd_recap,
    "export": cmd_export,
    "pack": cmd_pack,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "kinerja": cmd_kinerja,
    "migrate": cmd_migrate,
    "rebuild-summary": cmd_rebuild_summary,
    "wilayah": cmd_wilayah,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (StoreBusy, Unreachable) as exc:
        print(f"Kesalahan: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Dibatalkan.", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback or a server path for users: the detail goes to the log
        ref = log_failure(f"python -m cli {args.command}", exc, console=False)
        print(
            f"Kesalahan: perintah '{args.command}' berhenti karena kesalahan tak terduga di Pantau. "
            f"Rincian teknisnya dicatat di log Pantau dengan kode rujukan {ref}; sampaikan kode ini "
            "kepada admin. Periksa berkas dan pilihan perintah, lalu coba lagi.",
            file=sys.stderr,
        )
        return 1
