"""The Impor page analyses each upload once per (bytes, hints) and saves what it previewed."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pages import (
    DINKES_MAR,
    DISTAN_MAR,
    DPA,
    FIXTURES,
    new_app,
    opd_kode,
    open_impor,
    run,
    save,
    summary_tables,
    table_with,
    upload,
)

from core.format import number

SIPD = "bad/export_sipd.xlsx"  # silent about OPD and period: the user's hints decide


@pytest.fixture
def spies(monkeypatch) -> dict[str, list]:
    """Record every file analysed (name, the analysis) and every analysis committed."""
    from etl import pipeline

    calls: dict[str, list] = {"analyse": [], "commit": []}
    analyse, commit, commit_many = pipeline.analyse, pipeline.commit, pipeline.commit_many

    def counting_analyse(name, data, master, *args, **hints):
        analysis = analyse(name, data, master, *args, **hints)
        calls["analyse"].append((name, analysis))
        return analysis

    def record(analyses):  # once each: commit may call commit_many
        calls["commit"].extend(a for a in analyses if not any(a is c for c in calls["commit"]))

    def recording_commit(store, analysis, *args, **kwargs):
        record([analysis])
        return commit(store, analysis, *args, **kwargs)

    def recording_commit_many(store, analyses, *args, **kwargs):
        record(analyses)
        return commit_many(store, analyses, *args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse", counting_analyse)
    monkeypatch.setattr(pipeline, "commit", recording_commit)
    monkeypatch.setattr(pipeline, "commit_many", recording_commit_many)
    return calls


def _load_dpa(db: Path) -> None:
    from db.store import Store
    from etl.pipeline import ingest_paths

    store = Store(db, data_dir=db.parent / "data")
    try:
        assert [r["status"] for r in ingest_paths(store, [FIXTURES / DPA])] == ["accepted"]
    finally:
        store.close()


def test_reruns_do_not_analyse_again_and_save_stores_the_preview(app_env, spies):
    _load_dpa(app_env)
    spies["analyse"].clear()
    spies["commit"].clear()
    at = run(new_app())
    open_impor(at)
    upload(at, [DINKES_MAR, DISTAN_MAR, SIPD])
    names = [Path(r).name for r in (DINKES_MAR, DISTAN_MAR, SIPD)]
    assert sorted(n for n, _ in spies["analyse"]) == sorted(names)
    preview = summary_tables(at)

    # reruns: a plain one, and one from a widget that has nothing to do with the uploads
    run(at)
    pick = at.selectbox(key="history_pick")
    pick.set_value(pick.options[0] if pick.value != pick.options[0] else pick.options[-1])
    run(at)
    assert len(spies["analyse"]) == 3
    assert summary_tables(at) == preview

    # a hint names the OPD of the silent file: that file alone is analysed again
    opd = next(s for s in at.selectbox if s.label == "OPD")
    opd.set_value(opd_kode(app_env, "Dinas Pertanian"))
    run(at)
    assert [n for n, _ in spies["analyse"][3:]] == ["export_sipd.xlsx"]
    assert summary_tables(at)["export_sipd.xlsx"]["OPD"] == "Dinas Pertanian"
    run(at)
    assert len(spies["analyse"]) == 4

    # saving commits the very analyses of the preview (the refused file is left out), none made anew
    shown = {n: a for n, a in spies["analyse"]}
    rows = summary_tables(at)
    save(at)
    assert len(spies["analyse"]) == 4
    committed = {a.name: a for a in spies["commit"]}
    assert set(committed) == {Path(DINKES_MAR).name, Path(DISTAN_MAR).name}
    assert all(committed[n] is shown[n] for n in committed)
    assert [s.value for s in at.success] == ["Impor selesai: 2 diterima."]
    history = table_with(at, "ID", "Berkas", "Status")[0].set_index("Berkas")
    for name in committed:
        assert history.loc[name, "Pagu"] == rows[name]["Pagu"]
        assert history.loc[name, "Baris"] == number(rows[name]["Baris sub kegiatan"])  # as text: "1.234"
        assert history.loc[name, "Periode"] == rows[name]["Periode"]
    assert not summary_tables(at), "the uploader is cleared after saving"


def test_reports_beside_a_dpa_are_matched_against_it_once_and_again_after_it_is_loaded(app_env, spies):
    at = run(new_app())
    open_impor(at)
    upload(at, [DPA, DINKES_MAR])
    # the DPA, then the report against the empty database (to learn what it is) and against the DPA
    assert [n for n, _ in spies["analyse"]] == ["dpa_2026.xlsx"] + ["realisasi_dinkes_2026-03.xlsx"] * 2
    assert summary_tables(at)["realisasi_dinkes_2026-03.xlsx"]["OPD"] == "Dinas Kesehatan"
    run(at)
    assert len(spies["analyse"]) == 3
    preview = summary_tables(at)["realisasi_dinkes_2026-03.xlsx"]
    save(at)
    # after the DPA is loaded, the report is matched once more against the stored master list
    assert [n for n, _ in spies["analyse"][3:]] == ["realisasi_dinkes_2026-03.xlsx"]
    assert [a.name for a in spies["commit"]] == ["dpa_2026.xlsx", "realisasi_dinkes_2026-03.xlsx"]
    assert spies["commit"][1] is spies["analyse"][3][1]
    history = table_with(at, "ID", "Berkas", "Status")[0].set_index("Berkas")
    assert history.loc["realisasi_dinkes_2026-03.xlsx", "Pagu"] == preview["Pagu"]
    assert history.loc["realisasi_dinkes_2026-03.xlsx", "OPD"] == "Dinas Kesehatan"
