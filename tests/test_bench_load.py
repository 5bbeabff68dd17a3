"""The figures of the load script (bench/load.py) from its raw records: the servers' timing logs of
two replicas added up and kept apart, a long run's figures merged into bench/results.json, and the
named budgets of the PostgreSQL run (issue 19, item 6)."""

from __future__ import annotations

import json

from bench import bench, load


def _log(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _line(t, seconds, page="rekap", outcome="ok"):
    return {"t": t, "seconds": seconds, "cpu_seconds": seconds / 10, "page": page, "outcome": outcome}


def test_server_times_of_two_replicas_together_and_each(tmp_path):
    one, two = tmp_path / "timing_1.jsonl", tmp_path / "timing_2.jsonl"
    _log(one, [_line(5.0, 9.0), _line(100.0, 1.0), _line(101.0, 3.0, "ringkasan")])
    _log(two, [_line(102.0, 2.0), _line(103.0, 4.0, outcome="stop"), _line(104.0, 6.0)])
    with two.open("a") as f:
        f.write("{not json\n")  # a line cut short is skipped
    out = load._server_times([one, two], since=50.0)  # the line at t=5 is before the run
    assert out["runs"] == 5
    assert out["p50"] == 3.0 and out["p95"] == 5.6  # 1, 2, 3, 4, 6: linear between 4 and 6
    assert out["outcomes"] == {"ok": 4, "stop": 1}
    assert out["pages"]["ringkasan"] == {"runs": 1, "p50": 3.0, "p95": 3.0}
    assert out["replicas"]["1"] == {"runs": 2, "p50": 2.0, "p95": 2.9}
    assert out["replicas"]["2"]["runs"] == 3 and out["replicas"]["2"]["p50"] == 4.0
    assert "replicas" not in load._server_times([one], since=50.0)


def test_a_long_run_is_merged_into_the_results_file_beside_the_other_sections(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"budgets": {"x": 1}, "load": {"p95": 2.0}}))
    load._merge_results(results, "kabupaten", {"p95": 30.0})
    load._merge_results(results, "kabupaten_pg", {"p95": 12.0})
    data = json.loads(results.read_text())
    assert data["budgets"] == {"x": 1} and data["load"] == {"p95": 2.0}
    assert data["load_full"] == {"kabupaten": {"p95": 30.0}, "kabupaten_pg": {"p95": 12.0}}


def test_named_budgets_of_the_postgres_load_run():
    fig = {"p95": 2.5, "budget_p95": 3.0, "errors": 0, "task_errors": []}
    assert bench.load_budgets(fig, "load_pg") == {
        "load_pg_p95_kabupaten_seconds": {"value": 2.5, "limit": "< 3.0 s", "pass": True},
        "load_pg_errors": {"value": 0, "limit": "== 0", "pass": True},
    }
    failed = bench.load_budgets({**fig, "p95": 12.6, "errors": 2}, "load_pg")
    assert not failed["load_pg_p95_kabupaten_seconds"]["pass"] and not failed["load_pg_errors"]["pass"]


def test_reading_pauses_lie_around_the_mean_and_repeat_from_run_to_run():
    import random

    first, again = random.Random(3), random.Random(3)
    # a session's pauses are the same in every run
    assert [load.pause(10.0, first) for _ in range(5)] == [load.pause(10.0, again) for _ in range(5)]
    rng = random.Random(7)
    many = [load.pause(10.0, rng) for _ in range(2000)]
    assert min(many) >= 5.0 and max(many) <= 15.0
    assert 9.5 < sum(many) / len(many) < 10.5
    assert load.pause(0.0, rng) == 0.0  # no pauses: the next click at once


def test_province_sessions_pick_the_kabupaten_round_robin():
    names = ["Kabupaten A", "Kabupaten B", "Kabupaten C"]
    assert [load.kabupaten_for(i, names) for i in range(1, 6)] == names + names[:2]
    assert load.kabupaten_for(1, []) is None  # a kabupaten DB: nothing to pick
