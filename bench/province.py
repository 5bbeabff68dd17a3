"""Province-scale synthetic database for ``make bench`` (issue 4).

A province of ``n_kab`` kabupaten, each with ``n_opd`` OPDs of ``n_sub`` sub kegiatan, reporting
every month: 35 x 40 x 500 x 12 = about 8.4 M realisasi rows. Pantau's schema is per kabupaten,
so the province is modelled as 1,400 OPDs whose kode and nama carry their kabupaten
(``3201/1.02.0.00.0.00.01.0000``, ``Kab. Batu Jaya - Dinas Kesehatan``) and which name it as
their kabupaten/kota (``opd.wilayah``: ``Kabupaten Batu Jaya``).

The database is created through :class:`db.store.Store` (so the migrations run) and filled with
DuckDB SQL (``range``, ``hash``-based pseudo-random values) inside one Store session; no Excel
file is involved. It looks like real ingested data:

- one DPA import per kabupaten (``sub_kegiatan``, classification by rule, program and kegiatan
  codes; names only in the reports, as a real DPA load leaves them);
- one report import per OPD and month, with ids in arrival order; about 5 % of OPD-months have
  an older version (lower numbers) that the newer one supersedes (``superseded_by``), so a
  query that ignores supersession gets different sums; in December about 15 % of OPDs (and in
  November about 4 %) have not reported yet;
- report rows: cumulative and monotone realisasi fisik and keuangan, target fisik on an S curve
  (fisik konstruksi) or a line (non fisik), pagu changed from July for about 2 % of sub kegiatan
  (pergeseran), about 1 % of sub kegiatan missing from a month's report, about 2 % of OPDs
  reporting one code that is not in the DPA, permasalahan/solusi where the work is behind.
- the recap summary (``recap_summary``, issue 18) rebuilt from those rows at the end
  (``Store.rebuild_summary``), as the Store keeps it on every write of its own.

Deterministic for a given configuration (``hash`` of DuckDB; its version is part of the cache
key). :func:`prepare` caches the built file under ``bench/work/`` keyed on the configuration,
this file and the DuckDB version, so reruns do not rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import time
from pathlib import Path

import duckdb
import pandas as pd

from scripts import synth  # names of OPDs, programs, problems

ROOT = Path(__file__).resolve().parents[1]
GENERATOR_VERSION = 2  # 2: OPDs name their kabupaten (opd.wilayah)
PROVINCE = {"seed": 35, "year": 2025, "n_kab": 35, "n_opd": 40, "n_sub": 500, "months": 12}
# 10 programs x 5 kegiatan x 10 sub kegiatan = 500 sub kegiatan per OPD
PROGRAMS, KEGIATAN, SUBS = 10, 5, 10
KAB_FIRST = ("Tanjung", "Bukit", "Sungai", "Muara", "Pulau", "Batu", "Air")
KAB_SECOND = ("Makmur", "Jaya", "Permai", "Lestari", "Sejahtera")
ADMIN = ("admin", "Provinsi-35-Kabupaten")


def kabupaten(n: int) -> list[tuple[str, str]]:
    """(kode, nama) of ``n`` fictional kabupaten (at most 35)."""
    names = [f"{a} {b}" for a in KAB_FIRST for b in KAB_SECOND]
    if n > len(names):
        raise ValueError(f"at most {len(names)} kabupaten")
    return [(f"32{i + 1:02d}", names[i]) for i in range(n)]


def _opd_types(n_opd: int) -> list[tuple[synth.OpdSpec, str, str, str]]:
    """(spec, kode, nama, singkatan) of the ``n_opd`` OPD types of a kabupaten."""
    out = []
    for spec in synth.OPD_SPECS[:n_opd]:
        out.append((spec, f"{spec.bidang}.0.00.0.00.01.0000", spec.nama, spec.singkatan))
    for j in range(n_opd - len(out)):
        name = synth.KECAMATAN[j]
        out.append(
            (
                synth.KECAMATAN_SPEC,
                f"7.01.0.00.0.00.{j + 1:02d}.0000",
                f"Kecamatan {name}",
                "kec" + name.lower().replace(" ", ""),
            )
        )
    return out


def _template(seed: int, n_opd: int, n_sub: int) -> pd.DataFrame:
    """The sub kegiatan of one kabupaten (the same tree in every kabupaten; the values differ):
    OPD type index, codes, names and jenis (fisik konstruksi where the name says so)."""
    if n_sub != PROGRAMS * KEGIATAN * SUBS:
        raise ValueError(f"n_sub must be {PROGRAMS * KEGIATAN * SUBS}")
    rng = random.Random(f"province-template-{seed}")
    rows = []
    for t, (spec, _, _, _) in enumerate(_opd_types(n_opd)):
        share = spec.fisik_share or 0.0
        for p in range(1, PROGRAMS + 1):
            penunjang = p == 1
            prog_kode = f"{spec.bidang}.{p:02d}"
            prog_nama = (
                synth.PENUNJANG_PROGRAM
                if penunjang
                else f"{spec.programs[(p - 2) % len(spec.programs)]}"
                + (f" {(p - 2) // len(spec.programs) + 1}" if p - 2 >= len(spec.programs) else "")
            )
            for k in range(1, KEGIATAN + 1):
                keg_kode = f"{prog_kode}.{2 if penunjang else 1}.{k:02d}"
                if penunjang:
                    keg_code, keg_nama, named = synth.PENUNJANG_KEGIATAN[(k - 1) % len(synth.PENUNJANG_KEGIATAN)]
                    keg_kode = f"{prog_kode}.{keg_code}"
                else:
                    topic = spec.topics[(p + k) % len(spec.topics)]
                    keg_nama = f"{synth.KEGIATAN_VERBS[k - 1]} {topic}"
                for s in range(1, SUBS + 1):
                    fisik = (not penunjang) and bool(spec.fisik_objects) and rng.random() < share
                    if penunjang:
                        nama = named[(s - 1) % len(named)][0]
                        nama += f" Bagian {s // len(named) + 1}" if s > len(named) else ""
                    elif fisik:
                        obj = spec.fisik_objects[rng.randrange(len(spec.fisik_objects))][0]
                        nama = f"{rng.choice(synth.FISIK_WORKS)} {obj}"
                    else:
                        nama = f"{synth.SUB_ACTIVITIES[(s - 1) % len(synth.SUB_ACTIVITIES)]} {topic}"
                    rows.append(
                        (
                            t,
                            len(rows),
                            prog_kode,
                            prog_nama,
                            keg_kode,
                            keg_nama,
                            f"{keg_kode}.{s:04d}",
                            nama,
                            "fisik" if fisik else "non_fisik",
                            "kata kunci pekerjaan konstruksi" if fisik else "tanpa belanja modal konstruksi",
                        )
                    )
    return pd.DataFrame(
        rows,
        columns=[
            "t",
            "tix",
            "program_kode",
            "program_nama",
            "kegiatan_kode",
            "kegiatan_nama",
            "kode",
            "nama",
            "jenis",
            "jenis_rule",
        ],
    )


def _opds(cfg: dict) -> pd.DataFrame:
    """The province's OPDs: kabupaten number, OPD type, kode, nama, singkatan."""
    rows = []
    for kab, (kab_kode, kab_nama) in enumerate(kabupaten(cfg["n_kab"])):
        slug = kab_nama.lower().replace(" ", "")
        for t, (_, kode, nama, singkatan) in enumerate(_opd_types(cfg["n_opd"])):
            rows.append(
                (kab, t, kab_kode, kab_nama, f"{kab_kode}/{kode}", f"Kab. {kab_nama} - {nama}", f"{singkatan}.{slug}")
            )
    return pd.DataFrame(rows, columns=["kab", "t", "kab_kode", "kab_nama", "kode", "nama", "singkatan"])


# Pseudo-random numbers in [0, 1) from DuckDB's hash of (seed, parts...).
_MACROS = """
CREATE OR REPLACE TEMP MACRO u(a, b) AS ((hash(getvariable('seed'), a, b) % 1000003)::DOUBLE / 1000003);
CREATE OR REPLACE TEMP MACRO u3(a, b, c) AS ((hash(getvariable('seed'), a, b, c) % 1000003)::DOUBLE / 1000003);
CREATE OR REPLACE TEMP MACRO smooth(x) AS (least(1.0, greatest(0.0, x)) * least(1.0, greatest(0.0, x))
                                         * (3 - 2 * least(1.0, greatest(0.0, x))));
"""

# Per sub kegiatan of the province: codes, DPA pagu, sumber dana and the parameters of its year.
_SUBS = """
CREATE TEMP TABLE g_sub AS
SELECT o.kab, o.kode AS opd_kode, t.*, o.kab * 100000 + t.tix AS sid,
       CASE WHEN t.jenis = 'fisik' THEN t.nama || ' Desa ' || list_extract(getvariable('desa'),
            1 + (hash(getvariable('seed'), o.kab, t.tix, 'desa') % len(getvariable('desa')))::INTEGER)
            ELSE t.nama END AS nama_full,
       -- DPA pagu: log-uniform, 50 jt - 2 M (fisik konstruksi) or 5 jt - 500 jt (non fisik), to the thousand
       round(CASE WHEN t.jenis = 'fisik' THEN exp(ln(5e7) + u(o.kab * 100000 + t.tix, 'pagu') * ln(40))
                  ELSE exp(ln(5e6) + u(o.kab * 100000 + t.tix, 'pagu') * ln(100)) END, -3) AS pagu,
       list_extract(CASE WHEN t.jenis = 'fisik' THEN ['DAK Fisik', 'DAU', 'PAD', 'Bankeu Provinsi']
                         ELSE ['DAU', 'PAD', 'DAK Non Fisik', 'DBHCHT'] END,
                    1 + floor(u(o.kab * 100000 + t.tix, 'dana') * 4)::INTEGER) AS sumber_dana,
       2 + floor(u(o.kab * 100000 + t.tix, 'start') * 4)::INTEGER AS f_start,      -- fisik: work starts 2..5
       9 + floor(u(o.kab * 100000 + t.tix, 'end') * 4)::INTEGER AS f_end,          -- and ends 9..12
       u(o.kab * 100000 + t.tix, 'late') < 0.12 AS late,                            -- non fisik starting in July
       CASE WHEN t.jenis = 'fisik' THEN 0.55 + 0.51 * u(o.kab * 100000 + t.tix, 'perf')
            ELSE 0.6 + 0.48 * u(o.kab * 100000 + t.tix, 'perf') END AS perf,
       CASE WHEN t.jenis = 'fisik' THEN 0.7 + 0.25 * u(o.kab * 100000 + t.tix, 'absorb')
            ELSE 0.82 + 0.17 * u(o.kab * 100000 + t.tix, 'absorb') END AS absorb,
       t.jenis = 'fisik' AND u(o.kab * 100000 + t.tix, 'dp') < 0.3 AS uang_muka,
       u(o.kab * 100000 + t.tix, 'geser') < 0.02 AS pergeseran,
       floor(u(o.kab * 100000 + t.tix, 'masalah') * 5)::INTEGER AS masalah_ix
FROM g_opd o JOIN g_template t ON t.t = o.t
"""

# Reports: one per OPD and month (unless not yet reported), sometimes after an older version.
_REPORTS = """
CREATE TEMP TABLE g_rep AS
WITH om AS (
    SELECT o.kode AS opd_kode, o.singkatan, o.kab, o.t, m.range::INTEGER AS bulan,
           1 + floor(u3(o.kode, m.range, 'day') * 14)::INTEGER AS day,
           u3(o.kode, m.range, 'old') < 0.05 AS has_old
    FROM g_opd o CROSS JOIN range(1, getvariable('months') + 1) m
    WHERE NOT (m.range = 12 AND u3(o.kode, 12, 'missing') < 0.15)
      AND NOT (m.range = 11 AND u3(o.kode, 11, 'missing') < 0.04)
),
versions AS (
    SELECT *, false AS old, make_timestamp(getvariable('year') + (bulan = 12)::INTEGER, bulan % 12 + 1, day,
           8 + floor(u3(opd_kode, bulan, 'hour') * 8)::INTEGER, 0, 0) AS created_at FROM om
    UNION ALL
    SELECT *, true AS old, make_timestamp(getvariable('year') + (bulan = 12)::INTEGER, bulan % 12 + 1,
           greatest(1, day - 3), 7, 30, 0) AS created_at FROM om WHERE has_old
)
SELECT (getvariable('n_kab') + row_number() OVER (ORDER BY created_at, opd_kode, old DESC))::BIGINT AS id, *
FROM versions
"""

_IMPORTS = """
INSERT INTO import (id, file_name, sha256, size_bytes, format, kind, sheet, created_by, created_at, tahun, bulan,
                    opd_kode, rows_accepted, rows_flagged, rows_rejected, pagu, realisasi_keuangan, columns_json,
                    status, superseded_by)
SELECT k.kab + 1, concat('DPA_', replace(k.kab_nama, ' ', '_'), '_', getvariable('year'), '.xlsx'),
       sha256('dpa' || k.kab_nama), 1000000, 'xlsx', 'dpa', 'DPA', 'admin',
       make_timestamp(getvariable('year'), 1, 15, 9, 0, 0), getvariable('year'), NULL, NULL,
       getvariable('n_opd') * getvariable('n_sub'), 0, 0, NULL, NULL, NULL, 'accepted', NULL
FROM (SELECT DISTINCT kab, kab_nama FROM g_opd) k
UNION ALL
SELECT r.id, concat('laporan_realisasi_', r.singkatan, '_', getvariable('year'), '-', lpad(r.bulan::VARCHAR, 2, '0'),
                     CASE WHEN r.old THEN '_awal' ELSE '' END, '.xlsx'),
       sha256(concat(r.opd_kode, r.bulan, r.old)), 60000, 'xlsx', 'realisasi', 'Sheet1', 'operator.' || r.singkatan,
       r.created_at, getvariable('year'), r.bulan, r.opd_kode, 0, 0, 0, NULL, NULL, NULL, 'accepted',
       CASE WHEN r.old THEN (SELECT n.id FROM g_rep n WHERE n.opd_kode = r.opd_kode AND n.bulan = r.bulan
                                                       AND NOT n.old) END
FROM g_rep r
"""

_SUB_KEGIATAN = """
INSERT INTO sub_kegiatan (tahun, kode, opd_kode, nama, program_kode, program_nama, kegiatan_kode, kegiatan_nama,
                          pagu, sumber_dana, lokasi, jenis, jenis_source, jenis_rule, import_id)
SELECT getvariable('year'), kode, opd_kode, nama_full, program_kode, NULL, kegiatan_kode, NULL, pagu, sumber_dana,
       NULL, jenis, 'rule', jenis_rule, kab + 1
FROM g_sub ORDER BY opd_kode, kode
"""

# Cumulative values of month m: target on the sub kegiatan's curve, fisik = target x perf (capped
# at 100, so never decreasing), keuangan = pagu x fisik x absorb (an advance of 20 % once work
# starts where there is uang muka); an older superseded version reported 90 % of that.
_REALISASI = """
INSERT INTO realisasi (import_id, tahun, bulan, opd_kode, sub_kegiatan_kode, nama, program_kode, program_nama,
                       kegiatan_kode, kegiatan_nama, pagu, target_fisik, realisasi_fisik, realisasi_keuangan,
                       sumber_dana, lokasi, permasalahan, solusi, jenis, jenis_source, source_row, flagged)
WITH v AS (
    SELECT r.id AS import_id, r.bulan, r.old, s.*,
           CASE WHEN s.pergeseran AND r.bulan >= 7 THEN round(s.pagu * 1.1, -3) ELSE s.pagu END AS pagu_rep,
           round(CASE WHEN s.jenis = 'fisik' THEN
                   CASE WHEN r.bulan < s.f_start THEN 0
                        ELSE 100 * smooth((r.bulan - s.f_start + 1)
                                          / (greatest(s.f_end, s.f_start + 3) - s.f_start + 1))
                   END
                 WHEN s.late THEN CASE WHEN r.bulan < 7 THEN 0 ELSE 100 * (r.bulan - 6) / 6 END
                 ELSE 100 * r.bulan / 12 END, 2) AS target
    FROM g_rep r JOIN g_sub s ON s.opd_kode = r.opd_kode
    WHERE u3(s.sid, r.bulan, 'skip') >= 0.01                 -- about 1 % left out of a month's report
),
w AS (
    SELECT *, round(least(100, target * perf) * CASE WHEN old THEN 0.9 ELSE 1 END, 2) AS fisik FROM v
),
x AS (
    SELECT *, floor(pagu_rep * least(1.0, greatest(fisik * absorb / 100,
                                                    CASE WHEN uang_muka AND target > 0 THEN 0.2 ELSE 0 END))
                    * CASE WHEN old THEN 0.9 ELSE 1 END) AS keuangan,
           fisik - target < -5 AND u3(sid, bulan, 'lapor') < 0.25 AS bermasalah
    FROM w
)
SELECT import_id, getvariable('year'), bulan, opd_kode, kode, nama_full, program_kode, program_nama, kegiatan_kode,
       kegiatan_nama, pagu_rep, target, fisik, keuangan, sumber_dana, NULL,
       CASE WHEN bermasalah THEN list_extract(CASE WHEN jenis = 'fisik' THEN getvariable('masalah_fisik')
                                                   ELSE getvariable('masalah_umum') END, 1 + masalah_ix % 4) END,
       CASE WHEN bermasalah THEN list_extract(CASE WHEN jenis = 'fisik' THEN getvariable('solusi_fisik')
                                                   ELSE getvariable('solusi_umum') END, 1 + masalah_ix % 4) END,
       jenis, 'rule', 10 + row_number() OVER (PARTITION BY import_id ORDER BY kode), false
FROM x
ORDER BY import_id, kode
"""

# About 2 % of OPDs report one sub kegiatan that is not in the DPA (every month they report).
_EXTRA = """
INSERT INTO realisasi (import_id, tahun, bulan, opd_kode, sub_kegiatan_kode, nama, program_kode, program_nama,
                       kegiatan_kode, kegiatan_nama, pagu, target_fisik, realisasi_fisik, realisasi_keuangan,
                       sumber_dana, lokasi, permasalahan, solusi, jenis, jenis_source, source_row, flagged)
SELECT r.id, getvariable('year'), r.bulan, r.opd_kode, t.kegiatan_kode || '.9001',
       'Kegiatan Tambahan Hasil Pergeseran Anggaran', t.program_kode, t.program_nama, t.kegiatan_kode,
       t.kegiatan_nama, 150000000, round(100 * r.bulan / 12, 2), round(90 * r.bulan / 12, 2),
       floor(150000000 * 0.8 * r.bulan / 12), 'DAU', NULL, NULL, NULL, 'non_fisik', 'rule', 9000, true
FROM g_rep r JOIN g_opd o ON o.kode = r.opd_kode
JOIN g_template t ON t.t = o.t AND t.tix = o.t * 500 + 60           -- a kegiatan of program 02
WHERE u(o.kode, 'extra') < 0.02
"""

_IMPORT_SUMS = """
UPDATE import SET rows_accepted = s.n, rows_flagged = s.flagged, pagu = s.pagu, realisasi_keuangan = s.keu,
                  status = CASE WHEN s.flagged > 0 THEN 'flagged' ELSE 'accepted' END
FROM (SELECT import_id, count(*) AS n, count(*) FILTER (WHERE flagged) AS flagged, sum(pagu) AS pagu,
             sum(realisasi_keuangan) AS keu FROM realisasi GROUP BY import_id) s
WHERE import.id = s.import_id
"""


def fingerprint(cfg: dict) -> str:
    """Changes with the configuration, this generator or DuckDB (whose hash() makes the values)."""
    digest = hashlib.sha256(
        json.dumps({"cfg": cfg, "v": GENERATOR_VERSION, "duckdb": duckdb.__version__}, sort_keys=True).encode()
    )
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def build(path: Path, cfg: dict) -> dict:
    """Create the database at ``path`` (through Store, so the schema is Pantau's) and fill it;
    returns row counts and totals."""
    from core.auth import create_user
    from db.store import Store

    for p in (path, Path(str(path) + ".wal"), Path(str(path) + ".version"), Path(str(path) + ".lock")):
        p.unlink(missing_ok=True)
    store = Store(path, data_dir=path.parent / "data")
    template = _template(cfg["seed"], cfg["n_opd"], cfg["n_sub"])
    opds = _opds(cfg)
    with store.session():
        con = store.con
        store._wrote()
        for name, value in (
            ("seed", cfg["seed"]),
            ("year", cfg["year"]),
            ("n_kab", cfg["n_kab"]),
            ("n_opd", cfg["n_opd"]),
            ("n_sub", cfg["n_sub"]),
            ("months", cfg["months"]),
            ("desa", list(synth.DESA)),
            ("masalah_fisik", [m for m, _ in synth.MASALAH_FISIK][:4]),
            ("solusi_fisik", [s for _, s in synth.MASALAH_FISIK][:4]),
            ("masalah_umum", [m for m, _ in synth.MASALAH_UMUM][:4]),
            ("solusi_umum", [s for _, s in synth.MASALAH_UMUM][:4]),
        ):
            con.execute(f"SET VARIABLE {name} = ?", [value])
        con.execute(_MACROS)
        con.register("_template", template)
        con.register("_opds", opds)
        con.execute("CREATE TEMP TABLE g_template AS SELECT * FROM _template")
        con.execute("CREATE TEMP TABLE g_opd AS SELECT * FROM _opds")
        con.unregister("_template")
        con.unregister("_opds")
        con.execute(
            "INSERT INTO opd (kode, nama, singkatan, wilayah) "
            "SELECT kode, nama, singkatan, 'Kabupaten ' || kab_nama FROM g_opd ORDER BY kode"
        )
        con.execute(_SUBS)
        con.execute(_REPORTS)
        con.execute(_IMPORTS)
        con.execute(_SUB_KEGIATAN)
        con.execute(_REALISASI)
        con.execute(_EXTRA)
        con.execute(_IMPORT_SUMS)
        last = con.execute("SELECT max(id) FROM import").fetchall()[0][0]
        con.execute("DROP SEQUENCE seq_import")
        con.execute(f"CREATE SEQUENCE seq_import START {int(last) + 1}")
        # the recap summary (issue 18) is kept by the Store's writes; rows written here need a rebuild
        start = time.perf_counter()
        store.rebuild_summary(cfg["year"])
        summary_seconds = time.perf_counter() - start
        con.execute("CHECKPOINT")
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("opd", "sub_kegiatan", "import", "realisasi")
        }
        counts["realisasi_active"] = con.execute(
            "SELECT count(*) FROM realisasi r JOIN import i ON i.id = r.import_id WHERE i.superseded_by IS NULL"
        ).fetchall()[0][0]
        counts["imports_superseded"] = con.execute(
            "SELECT count(*) FROM import WHERE superseded_by IS NOT NULL"
        ).fetchall()[0][0]
        counts["dpa_pagu"] = con.execute("SELECT sum(pagu) FROM sub_kegiatan").fetchall()[0][0]
        counts["recap_summary"] = con.execute("SELECT count(*) FROM recap_summary").fetchall()[0][0]
        counts["summary_build_seconds"] = round(summary_seconds, 1)
    create_user(store, "bench", ADMIN[0], "Admin Bench", "admin", ADMIN[1], must_change_password=False)
    return counts


def configure_daerah(store) -> None:
    """Name the daerah (the sample data's kop) when the database names none, so that the
    first-run setup (issue 17) does not stand in front of the pages."""
    import dataclasses

    from core import settings as settings_mod

    own = settings_mod.load_own(store)
    if not settings_mod.is_configured(own):
        settings_mod.save(store, dataclasses.replace(own, **settings_mod.DEMO_DAERAH), "bench")


def prepare(work: Path, name: str, cfg: dict, force: bool = False) -> tuple[Path, dict]:
    """The database for ``cfg`` under ``work/name/`` (built when missing or out of date)."""
    folder = work / name
    manifest_path = folder / "manifest.json"
    key = fingerprint(cfg)
    db = folder / "pantau.duckdb"
    if not force and manifest_path.exists() and db.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("fingerprint") == key:
            print(f"{name}: reusing {db.relative_to(ROOT)} ({manifest['counts']['realisasi']:,} realisasi rows)")
            return db, manifest
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    counts = build(db, cfg)
    manifest = {
        "fingerprint": key,
        "config": cfg,
        "counts": counts,
        "build_seconds": round(time.perf_counter() - start, 1),
        "db_bytes": db.stat().st_size,
    }
    manifest_path.write_text(json.dumps(manifest, indent=1, default=str))
    print(
        f"{name}: built {db.relative_to(ROOT)} in {manifest['build_seconds']} s "
        f"({counts['realisasi']:,} realisasi rows, {manifest['db_bytes'] / 1e6:,.0f} MB)"
    )
    return db, manifest


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build the province-scale bench database.")
    parser.add_argument("--kab", type=int, default=PROVINCE["n_kab"], help="number of kabupaten")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PANTAU_DB_WAIT", "600")
    db, manifest = prepare(
        ROOT / "bench" / "work", f"province_{args.kab}kab", {**PROVINCE, "n_kab": args.kab}, args.force
    )
    print(json.dumps(manifest["counts"], indent=1, default=str))
