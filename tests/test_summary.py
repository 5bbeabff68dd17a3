"""The recap summary (``recap_summary``, db/summary.py, issue 18) equals the leaf recap after any
sequence of writes: DPA imports and revisions, reports and their supersession (the same OPD and
month again), reports before the DPA (provisional lists, reconciled when the DPA comes), anggaran
kas, manual jenis, confirmed held rows and removed imports; inside a caller's transaction or not.
Checked for every year, OPD and month and every sum (integers exactly, floats within 1e-6
relative), for the jenis and sumber dana splits, and by ``rebuild-summary`` finding nothing to
change. Plus: the migration fills the table for data already there, a failed write leaves the
summary as it was, the recap pages' figures come from the summary, and the command line."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from pg_support import use_both_engines

from core.recap import jenis_recap, kurva_s, recap_opd, sumber_dana_recap
from db.store import Store
from etl.pipeline import SUB_KEGIATAN_COLUMNS, ingest_paths

use_both_engines(globals())  # dpa_store: DuckDB and PostgreSQL

ROOT = Path(__file__).resolve().parent.parent
OPDS = ["1.02.0.00.0.00.01.0000", "2.09.0.00.0.00.01.0000", "7.01.0.00.0.00.01.0000"]
CODES = [f"1.02.02.1.0{k}.000{s}" for k in (1, 2) for s in (1, 2, 3)]
DANA = ["DAU", "PAD", "DAK Fisik", "DAU, PAD", None, " dau "]
YEARS = [2025, 2026]
INTS = ["sub_kegiatan", "n_target", "n_fisik"]
FLOATS = ["pagu", "pagu_murni", "realisasi_keuangan", "pagu_x_fisik", "pagu_x_target", "plan_keu", "plan_pagu"]
FLOATS += ["fisik_pagu", "non_fisik_pagu"]

pagu = st.one_of(st.integers(0, 5_000_000_000).map(float), st.floats(0, 1e9, allow_nan=False))
percent = st.one_of(st.none(), st.floats(0, 120, allow_nan=False))
rupiah = st.one_of(st.none(), st.integers(0, 3_000_000_000).map(float), st.floats(0, 1e9, allow_nan=False))


# ---------------------------------------------------------------------------- comparison
def _frames_equal(leaf: pd.DataFrame, summ: pd.DataFrame, keys: list[str]) -> None:
    assert summ.columns.tolist() == leaf.columns.tolist()
    assert len(summ) == len(leaf), (leaf[keys], summ[keys])
    leaf, summ = leaf.reset_index(drop=True), summ.reset_index(drop=True)
    for k in keys:
        assert (
            leaf[k].astype(object).where(leaf[k].notna(), None).tolist()
            == summ[k].astype(object).where(summ[k].notna(), None).tolist()
        ), k
    for c in INTS:
        assert leaf[c].astype("int64").tolist() == summ[c].astype("int64").tolist(), c
    assert leaf["reported"].astype(bool).tolist() == summ["reported"].astype(bool).tolist()
    for c in FLOATS:
        for a, b in zip(leaf[c].astype("float64"), summ[c].astype("float64")):
            if math.isnan(a) or math.isnan(b):
                assert math.isnan(a) and math.isnan(b), (c, a, b)
            else:
                assert b == pytest.approx(a, rel=1e-6, abs=1e-6), c
    if "reported_at" in leaf:
        assert leaf["reported_at"].tolist() == summ["reported_at"].tolist() or (
            leaf["reported_at"].isna().all() and summ["reported_at"].isna().all()
        )


def assert_summary_is_leaf_recap(store: Store) -> None:
    """Every year, month and OPD: the summary's sums are the leaf recap's; the jenis and sumber dana
    splits and the sumber dana list too; a rebuild changes nothing."""
    years = [
        r[0]
        for r in store.sql(
            "SELECT tahun FROM sub_kegiatan UNION SELECT tahun FROM import UNION SELECT tahun FROM recap_summary"
        )
    ]
    for year in [y for y in years if y is not None]:
        leaf = store.leaf_sums_by_month(year, 1, 12)
        _frames_equal(leaf, store.summary_sums_by_month(year, 1, 12), ["bulan", "opd_kode", "opd", "singkatan"])
        for opd in OPDS[:1]:
            _frames_equal(
                store.leaf_sums_by_month(year, 1, 12, opd),
                store.recap_sums_by_month(year, 1, 12, opd),
                ["bulan", "opd_kode"],
            )
        for month in sorted(set(leaf["bulan"]) & set(leaf.loc[leaf["reported"], "bulan"]))[:1] + [12]:
            for by in ("jenis", "sumber_dana"):
                _frames_equal(store.leaf_group_sums(year, month, by), store.group_sums(year, month, by), [by])
            assert store.leaf_sumber_dana_rows(year, month) == store.leaf_sumber_dana(year, month)
    assert all(y["opd_months_changed"] == 0 for y in store.rebuild_summary()), store.rebuild_summary()


# ---------------------------------------------------------------------------- writes as the pipeline makes them
class Writer:
    """The Store calls of etl.pipeline._write for each kind of file, on generated content."""

    def __init__(self, store: Store):
        self.store = store

    def _import(self, kind: str, tahun: int, bulan: int | None, opd: str | None, name: str) -> int:
        import_id = self.store.next_import_ids(1)[0]
        self.store.insert_imports(
            [
                dict(
                    id=import_id,
                    file_name=name,
                    sha256=f"{kind}-{import_id}",
                    kind=kind,
                    created_by="test",
                    tahun=tahun,
                    bulan=bulan,
                    opd_kode=opd,
                    status="accepted",
                )
            ]
        )
        return import_id

    def dpa(self, tahun: int, subs: list[tuple]) -> int:
        """subs: (opd, kode, pagu, sumber dana, jenis)."""
        import_id = self._import("dpa", tahun, None, None, f"dpa_{tahun}.xlsx")
        self.store.upsert_opds({o: (f"Dinas {o[:4]}", None) for o in {s[0] for s in subs}})
        frame = pd.DataFrame.from_records(
            [
                (tahun, kode, opd, f"Sub {kode}", kode[:7], None, kode[:12], None, p, dana, None, jenis, "rule", None)
                + (import_id,)
                for opd, kode, p, dana, jenis in subs
            ],
            columns=list(SUB_KEGIATAN_COLUMNS),
        )
        lines = pd.DataFrame(
            {
                "tahun": [tahun] * len(subs),
                "opd_kode": [s[0] for s in subs],
                "sub_kegiatan_kode": [s[1] for s in subs],
                "kode_rekening": ["5.1.02"] * len(subs),
                "uraian": ["Belanja"] * len(subs),
                "pagu": [s[2] for s in subs],
                "sumber_dana": [s[3] for s in subs],
                "source_row": list(range(len(subs))),
                "import_id": [import_id] * len(subs),
            }
        )
        self.store.replace_dpa(import_id, tahun, frame, lines)
        for (old_opd,) in self.store.sql(
            "SELECT DISTINCT opd_kode FROM sub_kegiatan WHERE tahun = ? AND provisional", [tahun]
        ):
            dpa_codes = {s[1] for s in subs if s[0] == old_opd}
            codes = {
                k: k
                for (k,) in self.store.sql(
                    "SELECT kode FROM sub_kegiatan WHERE tahun = ? AND opd_kode = ? AND provisional", [tahun, old_opd]
                )
                if k in dpa_codes
            }
            if any(s[0] == old_opd for s in subs):
                self.store.reconcile_provisional(tahun, old_opd, old_opd, codes)
        return import_id

    def report(self, tahun: int, bulan: int, opd: str, rows: list[tuple], held: bool) -> int:
        """rows: (kode, pagu, target fisik, fisik, keuangan, target keuangan, sumber dana, jenis)."""
        import_id = self._import("realisasi", tahun, bulan, opd, f"lap_{opd}_{bulan}.xlsx")
        if not self.store.sql("SELECT 1 FROM sub_kegiatan WHERE tahun = ? AND NOT provisional LIMIT 1", [tahun]):
            self.store.upsert_opds({opd: (f"Dinas {opd[:4]}", None)})
            self.store.add_provisional_sub_kegiatan(
                pd.DataFrame.from_records(
                    [
                        (tahun, r[0], opd, f"Sub {r[0]}", None, None, None, None, r[1] or 0.0, r[6], None)
                        + (r[7] or "non_fisik", "rule")
                        for r in rows
                    ],
                    columns=list(SUB_KEGIATAN_COLUMNS[:13]),
                )
            )
        if held:
            self.store.insert_held(
                [
                    dict(
                        import_id=import_id,
                        tahun=tahun,
                        bulan=bulan,
                        opd_kode=opd,
                        source_row=99,
                        nama="Sub mirip",
                        pagu=1_000_000.0,
                        target_fisik=50.0,
                        realisasi_fisik=40.0,
                        realisasi_keuangan=300_000.0,
                        target_keuangan=None,
                        permasalahan=None,
                        solusi=None,
                        candidates_json="[]",
                    )
                ]
            )
        if rows:
            cols = ["sub_kegiatan_kode", "pagu", "target_fisik", "realisasi_fisik", "realisasi_keuangan"]
            cols += ["target_keuangan", "sumber_dana", "jenis"]
            data: dict[str, list] = {c: [r[i] for r in rows] for i, c in enumerate(cols)}
            n = len(rows)
            data |= {
                "import_id": [import_id] * n,
                "tahun": [tahun] * n,
                "bulan": [bulan] * n,
                "opd_kode": [opd] * n,
                "nama": [f"Sub {r[0]}" for r in rows],
                "jenis_source": ["file" if r[7] else None for r in rows],
                "source_row": list(range(n)),
                "flagged": [False] * n,
            }
            self.store.insert_realisasi(
                pa.table(
                    data,
                    schema=pa.schema(
                        [(c, pa.float64()) for c in cols[1:6]]
                        + [
                            ("sub_kegiatan_kode", pa.string()),
                            ("sumber_dana", pa.string()),
                            ("jenis", pa.string()),
                            ("import_id", pa.int64()),
                            ("tahun", pa.int32()),
                            ("bulan", pa.int32()),
                            ("opd_kode", pa.string()),
                            ("nama", pa.string()),
                            ("jenis_source", pa.string()),
                            ("source_row", pa.int32()),
                            ("flagged", pa.bool_()),
                        ]
                    ),
                )
            )
        self.store.supersede_realisasi([import_id])
        return import_id

    def rak(self, tahun: int, opd: str, values: list[tuple]) -> int:
        """values: (kode, bulan, nilai)."""
        import_id = self._import("rak", tahun, None, opd, f"rak_{opd}.xlsx")
        rows = pd.DataFrame(
            {
                "tahun": [tahun] * len(values),
                "opd_kode": [opd] * len(values),
                "sub_kegiatan_kode": [v[0] for v in values],
                "bulan": [v[1] for v in values],
                "nilai": [float(v[2]) for v in values],
            }
        )
        self.store.replace_anggaran_kas(import_id, tahun, opd, rows)
        return import_id


report_row = st.tuples(
    st.sampled_from(CODES + ["9.99.99.9.99.9999"]),  # the last: a code outside the DPA
    st.one_of(st.none(), pagu),
    percent,
    percent,
    rupiah,
    rupiah,
    st.sampled_from(DANA),
    st.sampled_from([None, "fisik", "non_fisik"]),
)


class SummaryMachine(RuleBasedStateMachine):
    """Random writes; after each, the summary equals the leaf recap."""

    def __init__(self):
        super().__init__()
        self.store = Store(":memory:")
        self.writer = Writer(self.store)

    def teardown(self):
        self.store.close()

    @initialize(one_pass=st.booleans())
    def refresh_path(self, one_pass):
        """Refresh touched OPDs one by one, or the whole year in one pass (a kabupaten DPA)."""
        self.store.per_opd_min = 0 if one_pass else 8

    def _run(self, in_transaction: bool, fn, *args):
        if in_transaction:
            with self.store.transaction():
                return fn(*args)
        return fn(*args)

    @rule(
        tahun=st.sampled_from(YEARS),
        subs=st.lists(
            st.tuples(
                st.sampled_from(OPDS),
                st.sampled_from(CODES),
                pagu,
                st.sampled_from(DANA),
                st.sampled_from(["fisik", "non_fisik"]),
            ),
            min_size=1,
            max_size=10,
            unique_by=lambda s: (s[0], s[1]),
        ),
        in_tx=st.booleans(),
    )
    def dpa_or_revision(self, tahun, subs, in_tx):
        self._run(in_tx, self.writer.dpa, tahun, subs)

    @rule(
        tahun=st.sampled_from(YEARS),
        bulan=st.integers(1, 12),
        opd=st.sampled_from(OPDS),
        rows=st.lists(report_row, max_size=6, unique_by=lambda r: r[0]),
        held=st.booleans(),
        in_tx=st.booleans(),
    )
    def report(self, tahun, bulan, opd, rows, held, in_tx):
        self._run(in_tx, self.writer.report, tahun, bulan, opd, rows, held)

    @rule(
        tahun=st.sampled_from(YEARS),
        opd=st.sampled_from(OPDS),
        values=st.lists(
            st.tuples(st.sampled_from(CODES), st.integers(1, 12), st.integers(0, 500_000_000)),
            max_size=12,
            unique_by=lambda v: (v[0], v[1]),
        ),
        in_tx=st.booleans(),
    )
    def anggaran_kas(self, tahun, opd, values, in_tx):
        self._run(in_tx, self.writer.rak, tahun, opd, values)

    @precondition(lambda self: self.store.count_rows("sub_kegiatan") > 0)
    @rule(pick=st.integers(0, 1000), jenis=st.sampled_from(["fisik", "non_fisik"]))
    def jenis_override(self, pick, jenis):
        subs = self.store.sql("SELECT tahun, opd_kode, kode FROM sub_kegiatan ORDER BY 1, 2, 3")
        tahun, opd, kode = subs[pick % len(subs)]
        self.store.override_jenis(tahun, opd, kode, jenis, "diubah manual", "test")

    @precondition(lambda self: bool(self.store.held_rows()["id"].tolist()))
    @rule(pick=st.integers(0, 1000), code=st.sampled_from(CODES))
    def confirm_held(self, pick, code):
        ids = self.store.held_rows()["id"].tolist()
        with self.store.transaction():
            self.store.confirm_held(ids[pick % len(ids)], code, "sub mirip", "test")

    @precondition(lambda self: self.store.count_rows("import") > 0)
    @rule(pick=st.integers(0, 1000))
    def remove_import(self, pick):
        ids = sorted(self.store.import_ids())
        self.store.remove_imports([ids[pick % len(ids)]])

    @invariant()
    def summary_is_leaf_recap(self):
        assert_summary_is_leaf_recap(self.store)


TestSummaryMachine = SummaryMachine.TestCase
TestSummaryMachine.settings = settings(
    max_examples=int(os.environ.get("SUMMARY_EXAMPLES", "12")),
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---------------------------------------------------------------------------- plain tests
def test_a_rejected_write_leaves_the_summary_as_it_was():
    store = Store(":memory:")
    w = Writer(store)
    w.dpa(2026, [(OPDS[0], CODES[0], 1_000_000.0, "DAU", "fisik")])
    w.report(2026, 3, OPDS[0], [(CODES[0], 1_000_000.0, 50.0, 40.0, 300_000.0, None, "DAU", None)], False)
    before = store.sql("SELECT * FROM recap_summary ORDER BY ALL")
    with pytest.raises(RuntimeError), store.transaction():
        w.report(2026, 3, OPDS[0], [(CODES[0], 1_000_000.0, 60.0, 55.0, 900_000.0, None, "DAU", None)], False)
        assert store.recap_sums(2026, 3)["realisasi_keuangan"].tolist() == [300_000.0]  # not yet refreshed
        raise RuntimeError("gagal di tengah")
    assert store.sql("SELECT * FROM recap_summary ORDER BY ALL") == before
    assert store.recap_sums(2026, 3)["realisasi_keuangan"].tolist() == [300_000.0]
    w.report(2026, 3, OPDS[0], [(CODES[0], 1_000_000.0, 60.0, 55.0, 900_000.0, None, "DAU", None)], False)
    assert store.recap_sums(2026, 3)["realisasi_keuangan"].tolist() == [900_000.0]
    assert_summary_is_leaf_recap(store)


def test_the_recap_pages_read_the_summary(march_store):
    """Ringkasan, Rekap OPD, kurva S, the jenis and sumber dana splits: the summary's figures, the
    same as the leaf rows give; a summary changed behind the Store's back shows (it is what they read)."""
    store = march_store
    assert_summary_is_leaf_recap(store)
    recap = recap_opd(store, 2026, 3)
    assert recap["reported"].any() and recap["realisasi_keuangan"].sum() > 0
    curve = kurva_s(store, 2026)
    march = curve[curve["bulan"] == 3].iloc[0]
    assert march["keuangan_pct"] == pytest.approx(recap["realisasi_keuangan"].sum() / recap["pagu"].sum() * 100)
    jenis = jenis_recap(store, 2026, 3)
    assert jenis["pagu"].sum() == pytest.approx(recap["pagu"].sum())
    dana = sumber_dana_recap(store, 2026, 3)
    assert dana["pagu"].sum() == pytest.approx(recap["pagu"].sum())
    with store.session():
        store.con.execute(
            "UPDATE recap_summary SET realisasi_keuangan = 0 WHERE tahun = 2026 AND bulan = 3 AND reported"
        )
    assert recap_opd(store, 2026, 3)["realisasi_keuangan"].fillna(0).sum() == 0
    # the filtered views read the leaf rows
    assert recap_opd(store, 2026, 3, jenis="non_fisik")["realisasi_keuangan"].sum() > 0
    changed = store.rebuild_summary(2026)
    assert changed[0]["opd_months_changed"] == recap["reported"].sum()
    assert all(c["berbeda"] == ["realisasi_keuangan"] for c in changed[0]["changed"])
    pd.testing.assert_frame_equal(recap_opd(store, 2026, 3), recap)


@pytest.fixture
def march_store(dpa_store):
    res = ingest_paths(
        dpa_store,
        [FIXTURES / "realisasi/realisasi_dinkes_2026-03.xlsx", FIXTURES / "realisasi/distan_2026-03.csv"],
    )
    assert [r["status"] for r in res] == ["accepted", "accepted"], res
    return dpa_store


def test_the_migration_fills_the_summary_for_existing_data(tmp_path):
    """A database from before the summary (schema 11) gets it filled when a Store opens it."""
    db = tmp_path / "old.duckdb"
    con_store = Store(db, data_dir=tmp_path)
    ingest_paths(con_store, [FIXTURES / "master" / "dpa_2026.xlsx"])
    ingest_paths(con_store, [FIXTURES / "realisasi/realisasi_dinkes_2026-03.xlsx"])
    expected = con_store.leaf_sums_by_month(2026, 1, 12)
    with con_store.session():
        con_store.con.execute("DROP TABLE recap_summary")
        con_store.con.execute("DELETE FROM schema_version WHERE version = 12")
    reopened = Store(db, data_dir=tmp_path)
    assert 12 in {r[0] for r in reopened.sql("SELECT version FROM schema_version")}
    _frames_equal(expected, reopened.summary_sums_by_month(2026, 1, 12), ["bulan", "opd_kode"])
    assert reopened.sql("SELECT count(*) FROM recap_summary")[0][0] > 0


def test_cli_rebuild_summary(tmp_path):
    db = tmp_path / "cli.duckdb"
    store = Store(db, data_dir=tmp_path)
    ingest_paths(store, [FIXTURES / "master" / "dpa_2026.xlsx", FIXTURES / "realisasi/distan_2026-03.csv"])
    with store.session():
        store.con.execute("DELETE FROM recap_summary WHERE bulan = 3")
    env = {**os.environ, "PANTAU_DATA": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "etl", "rebuild-summary", "--db", str(db), "--tahun", "2026"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    n_opd = store.sql("SELECT count(DISTINCT opd_kode) FROM sub_kegiatan WHERE tahun = 2026")[0][0]
    assert out[0]["tahun"] == 2026 and out[0]["opd_months_changed"] == n_opd
    assert {c["bulan"] for c in out[0]["changed"]} == {3}
    assert all(c["berbeda"] == ["ditambah"] for c in out[0]["changed"])
    assert out[0]["rows_after"] - out[0]["rows_before"] > 0
    assert_summary_is_leaf_recap(store)
    again = subprocess.run(
        [sys.executable, "-m", "etl", "rebuild-summary", "--db", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert json.loads(again.stdout)[0]["opd_months_changed"] == 0
    assert store.audit_entries(action="summary_rebuild").shape[0] == 2


def test_the_summary_keeps_every_sum_of_the_recap():
    """The summary's columns are the sums core.recap reads (``_RECAP_SUMS``, one formula)."""
    from core.recap import SUMS

    store = Store(":memory:")
    columns = [
        r[0]
        for r in store.sql(
            "SELECT column_name FROM information_schema.columns WHERE "
            "table_name = 'recap_summary' ORDER BY ordinal_position"
        )
    ]
    assert list(Store._SUM_NAMES) == SUMS
    assert columns == ["tahun", "bulan", "opd_kode", "jenis", "sumber_dana", *SUMS, "reported_at"]
