"""Many users at once (issues 18 and 19): ``make bench-load`` (30 sessions, 2 minutes: the kabupaten
demo DB on one process over DuckDB and on two replicas over PostgreSQL, then the province DB on
DuckDB) and, shorter, part of ``make bench`` (10 sessions, 30 seconds, kabupaten, both engines).

``python -m bench.load [--db kabupaten|province] [--engine duckdb|postgres] [--sessions N]
[--seconds S] [--json FILE]`` (``--db`` and ``--engine`` repeatable: every database on every engine)

What it does, all on loopback and bounded in time:

1. A copy of the database for this run under ``bench/work/load/``: the **kabupaten** demo DB (the
   sample data of ``etl.demo``: 10 OPDs, January-April 2026, built once and cached) or the
   **province** DB of ``bench/province.py`` (1,400 OPDs, 8.6 M realisasi rows). The daerah is
   configured (the sample data's kop) and N viewer accounts ``beban01``... plus one admin for the
   command line are created through the Store (``core.auth.create_user``).
2. ``streamlit run serve.py`` on a free port with ``PANTAU_TIMING_LOG`` set, so the server logs its
   own time of every script run (``ui.web.install_timing_log``).
3. ONE headless Debian chromium (``/usr/bin/chromium`` through Playwright's async API) with N
   browser contexts, i.e. N Streamlit sessions with their own cookies. Each signs in through the
   login form as its own user (at most 4 sign-ins at a time; not counted in the figures). The
   measured window of S seconds starts once all N have signed in (bounded: after
   ``min(60 + 10 N, 600)`` s it starts with those that have), so all N are at work for the whole
   window; each loops until it closes: Ringkasan -> Rekap OPD -> drill-down (a click on one OPD's
   row of the Rekap table until "Program - <OPD>" shows) -> Materi Rakor, through the sidebar menu.
   On the province DB a session first picks a kabupaten/kota (as a province user does: the
   sidebar's choice, here ``?wilayah=`` in the URL; session *i* the *i*-th of the 35, round robin),
   so its pages show that kabupaten/kota's 40 OPDs; the pick is part of the sign-in, not counted.
4. While they run (5 s into the window), a batch import through the command line into the same
   database:
   ``python -m cli ingest --db ... --user admin.beban --json FILES`` (kabupaten: the demo OPDs'
   May 2026 reports, 10 files in the demo's layouts; province: the 40-OPD DPA and 40 reports of
   ``bench/work/inputs``). On DuckDB, the app's process keeps the file open (reading
   sessions side by side, writers alone) and hands it to the CLI between sessions,
   so they take turns (a session waits up to ``PANTAU_DB_WAIT`` seconds, then shows "sedang dipakai");
   the CLI's exit code, time and statuses are reported.

**PostgreSQL mode** (``--engine postgres``, issue 19): the same copy of the database (accounts
included) is moved into a throwaway PostgreSQL cluster (``tests/pg_support.py``: Debian's
``initdb``/``pg_ctl`` on a free loopback port, run as the ``postgres`` user when this runs as root)
with ``python -m etl migrate --from <copy> --to <url> --from-data ... --to-data <shared>`` (verified:
counts and checksums), then ANALYZEd. **Two** ``streamlit run serve.py`` replicas start on two
ports with the same ``PANTAU_DB`` URL and the same ``PANTAU_DATA`` folder (the README's "Satu server
untuk banyak kantor", each with its own timing log). Sticky sessions as nginx ``ip_hash`` gives
them: browser context *i* talks to replica ``(i - 1) mod 2`` for the whole run (round-robin, no
proxy in between: the contexts all come from 127.0.0.1, and a proxy would take CPU from the same 2
cores). The CLI batch import goes into the same PostgreSQL database (``--db <url>``). The cluster
and the servers are stopped at the end of the run, also when it fails (``finally``; an ``atexit``
hook and a SIGTERM handler as a backstop; the servers also get SIGTERM if this process dies).

``--think D``: each session reads a rendered page for a pause drawn uniformly between D/2 and 3D/2
seconds (the same pauses in every run) before its next click; without it (``make bench``,
``make bench-load``) the next click comes at once, so N sessions on 2 cores mostly measure how fast
the one chromium renders (about 0.56 s of its CPU a navigation against the server's 0.08 s, measured
on a quiet machine; README "Ke mana CPU-nya pergi").

Per navigation, the time to a rendered page: from the click until the page's heading is present
and Streamlit's running indicator (``stStatusWidget``) is gone (checked again 200 ms later, so a
page that is still running is not taken as done; the 200 ms are not counted). An error is an
exception box on the page (``stException``), the "database busy" notice, or a navigation that
timed out (60 s); after an error the session reloads the app and continues. Reported: p50 and p95
per page and over all (and per replica), navigations, errors by kind, the server's own time per
script run (p50, p95, CPU) from its log (all replicas together and each), the CLI's result and the
load average. **The browser shares the 2 cores
with the server** (and, on the development machine, with other work): the figures say so.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench import province

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work" / "load"
CHROMIUM = os.environ.get("PANTAU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Beban-Uji-2026"
ADMIN = "admin.beban"
STEP_TIMEOUT_MS = 60_000
LOGIN_PARALLEL = 4
BUDGET_P95 = {"kabupaten": 3.0, "province": 5.0}
THINK_NOTE = (
    "each session reads a rendered page before its next click, for a pause drawn uniformly between half and "
    "one and a half times think_seconds (the same pauses in every run); the pauses are not in the figures"
)
SHARED_NOTE = "browser (chromium, N contexts) and server share the same 2 cores"
SHARED_NOTE_PG = "browser (chromium, N contexts), both app replicas and the PostgreSQL server share the same 2 cores"
ENGINES = ("duckdb", "postgres")
REPLICAS = {"duckdb": 1, "postgres": 2}
STICKY = (
    "sticky per session as nginx ip_hash: browser context i always talks to replica (i - 1) mod 2 "
    "(round-robin assignment, no proxy in between)"
)
# (key, menu link, heading of the page once rendered)
MENU_STEPS = {
    "ringkasan": ("Ringkasan", "Ringkasan Realisasi"),
    "rekap": ("Rekap OPD", "Rekap OPD"),
    "materi": ("Materi Rakor", "Materi Rakor POK"),
}
STEPS = ("ringkasan", "rekap", "drilldown", "materi")
IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
# Check for the end of a run every 50 ms, not on every animation frame (Playwright's default):
# a check on every frame keeps all N pages painting while they wait, CPU the app never asked for.
POLL_MS = 50


# ----------------------------------------------------------------------------- databases
def _fingerprint(*paths: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for p in paths:
        for f in sorted(p.rglob("*.py") if p.is_dir() else [p]) + sorted(p.glob("*.sql") if p.is_dir() else []):
            digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def _kabupaten_base() -> Path:
    """The demo database (sample data loaded, daerah configured), built once under WORK."""
    from db.store import Store
    from etl.demo import load_demo

    base = WORK / "kabupaten_base"
    key = _fingerprint(ROOT / "scripts" / "make_demo.py", ROOT / "scripts" / "synth.py", ROOT / "db" / "migrations")
    stamp = base / "fingerprint.txt"
    if stamp.exists() and stamp.read_text() == key and (base / "pantau.duckdb").exists():
        return base
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    store = Store(base / "pantau.duckdb", data_dir=base / "data")
    results = load_demo(store, user="bench")
    refused = [r["file"] for r in results if r["status"] not in ("accepted", "flagged", "duplicate")]
    if refused:
        raise RuntimeError(f"demo files refused: {refused}")
    province.configure_daerah(store)
    store.close()
    stamp.write_text(key)
    return base


def _may_reports(out: Path) -> list[Path]:
    """The demo OPDs' May 2026 reports (the next month of the sample data), for the CLI batch."""
    from scripts import make_demo, synth

    out.mkdir(parents=True, exist_ok=True)
    master = synth.make_master(
        make_demo.SEED, make_demo.N_OPD, make_demo.SUBKEG_PER_OPD, year=make_demo.YEAR, kabupaten=make_demo.KABUPATEN
    )
    files = []
    for singkatan, (layout, _) in make_demo.PLAN.items():
        layout = "V1" if layout in ("multi_month", "html_xls") else layout
        files.append(Path(synth.write_report(master, singkatan, make_demo.YEAR, 5, layout, out).path))
    return files


def prepare_run(db: str, sessions: int, engine: str = "duckdb") -> tuple[Path, list[Path]]:
    """A fresh copy of the database for this run with its accounts (a DuckDB file; the PostgreSQL
    mode migrates it afterwards, :func:`pg_database`); returns the run folder and the files of the
    CLI batch."""
    from core.auth import create_user
    from db.store import Store

    run = WORK / (f"run_{db}" if engine == "duckdb" else f"run_{db}_{engine}")
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    if db == "kabupaten":
        base = _kabupaten_base()
        shutil.copy2(base / "pantau.duckdb", run / "pantau.duckdb")
        if (base / "data").exists():
            shutil.copytree(base / "data", run / "data")
        batch = _may_reports(run / "batch")
    elif db == "province":
        from bench import bench as ingest_bench

        src, _ = province.prepare(ROOT / "bench" / "work", "province_35kab", province.PROVINCE)
        shutil.copy2(src, run / "pantau.duckdb")
        manifest = ingest_bench.prepare_inputs(ingest_bench.WORK)
        batch = [Path(manifest["dpa"]["path"]), *(Path(r["path"]) for r in manifest["reports"])]
    else:
        raise ValueError(f"unknown database {db!r}: kabupaten or province")
    store = Store(run / "pantau.duckdb", data_dir=run / "data")
    province.configure_daerah(store)
    (run / "wilayah.json").write_text(json.dumps(store.wilayah_list()))
    existing = {u for (u,) in store.sql("SELECT username FROM app_user")}
    if ADMIN not in existing:
        create_user(store, "bench", ADMIN, "Admin Uji Beban", "admin", PASSWORD, must_change_password=False)
    for i in range(1, sessions + 1):
        name = f"beban{i:02d}"
        if name not in existing:
            create_user(store, "bench", name, f"Pengguna Beban {i}", "viewer", PASSWORD, must_change_password=False)
    store.close()
    return run, batch


# ----------------------------------------------------------------------------- cleanup
_CLEANUPS: dict[int, object] = {}  # what must be stopped even when a run dies: id -> callable


def _register(stop) -> int:
    """Remember ``stop()`` until :func:`_unregister`; run by the atexit hook if still there."""
    _CLEANUPS[id(stop)] = stop
    return id(stop)


def _unregister(key: int) -> None:
    _CLEANUPS.pop(key, None)


@atexit.register
def _stop_leftovers() -> None:
    for stop in list(_CLEANUPS.values())[::-1]:
        with contextlib.suppress(Exception):
            stop()  # type: ignore[operator]
    _CLEANUPS.clear()


def _sigterm_exits() -> None:
    """Turn SIGTERM into SystemExit, so that ``finally`` blocks stop servers and the cluster."""
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _die_with_parent() -> None:
    """In the child (``preexec_fn``): get SIGTERM when this process dies (Linux prctl)."""
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


# ----------------------------------------------------------------------------- databases on PostgreSQL
@contextlib.contextmanager
def pg_database(run: Path):
    """The run's DuckDB copy moved into a throwaway PostgreSQL cluster with ``python -m etl migrate``
    (archive into ``run/shared_data``, the folder every replica mounts); yields (URL, shared data
    folder, migration figures). The cluster is always stopped and removed."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.pg_support import PgCluster

    start = time.perf_counter()
    cluster = PgCluster()
    key = _register(cluster.stop)
    try:
        url = cluster.new_database("pantau")
        shared = run / "shared_data"
        cmd = [
            sys.executable,
            "-m",
            "etl",
            "migrate",
            "--from",
            str(run / "pantau.duckdb"),
            "--to",
            url,
            "--from-data",
            str(run / "data"),
            "--to-data",
            str(shared),
            "--user",
            ADMIN,
        ]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
        migrate_seconds = time.perf_counter() - t0
        if done.returncode:
            raise RuntimeError(f"migrate failed (exit {done.returncode}): {done.stderr[-1500:]}")
        report = json.loads(done.stdout)
        if not report.get("ok"):
            raise RuntimeError(f"migrate not verified: {done.stdout[-1500:]}")
        import psycopg

        with psycopg.connect(url, autocommit=True) as con:
            con.execute("ANALYZE")
            version = con.execute("SHOW server_version").fetchone()
        info = dict(
            migrate_seconds=round(migrate_seconds, 2),
            migrate_verified=True,
            tables=len(report.get("tabel", {})),
            archive_files=report.get("arsip", {}).get("berkas"),
            postgres_version=version[0] if version else None,
            cluster_seconds=round(time.perf_counter() - start, 2),
            command="python -m etl migrate --from <run copy>.duckdb --to postgresql://... --from-data ... "
            "--to-data <shared> --user " + ADMIN,
        )
        yield url, shared, info
    finally:
        _unregister(key)
        cluster.stop()


# ----------------------------------------------------------------------------- server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


@contextlib.contextmanager
def servers(run: Path, db: str, data: Path, count: int = 1):
    """``count`` replicas of ``streamlit run serve.py``, each on a free loopback port with the same
    ``PANTAU_DB`` (``db``: file or URL) and ``PANTAU_DATA`` (``data``) and its own timing log;
    started together, yields [(base URL, timing log path)]; always stopped."""
    procs: list[tuple[subprocess.Popen, str, Path, Path]] = []
    keys: list[int] = []
    try:
        for k in range(1, count + 1):
            port = _free_port()
            suffix = "" if count == 1 else f"_{k}"
            timing, log_path = run / f"timing{suffix}.jsonl", run / f"streamlit{suffix}.log"
            env = dict(
                os.environ,
                PANTAU_DB=db,
                PANTAU_DATA=str(data),
                PANTAU_TIMING_LOG=str(timing),
                STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
            )
            env.pop("PANTAU_SKIP_SETUP", None)
            with open(log_path, "wb") as log:
                proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "streamlit",
                        "run",
                        "serve.py",
                        "--server.headless",
                        "true",
                        "--server.address",
                        "127.0.0.1",
                        "--server.port",
                        str(port),
                        "--browser.gatherUsageStats",
                        "false",
                        "--server.fileWatcherType",
                        "none",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,  # only prctl: safe in the child
                )
            keys.append(_register(lambda proc=proc: _stop_process(proc)))
            procs.append((proc, f"http://127.0.0.1:{port}", timing, log_path))
        deadline = time.monotonic() + 90
        for proc, base, _, log_path in procs:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {proc.returncode}: {log_path.read_text()[-2000:]}")
                with contextlib.suppress(OSError):
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                        if r.read().strip() == b"ok":
                            break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not answer in 90 s: {log_path.read_text()[-2000:]}")
                time.sleep(0.25)
        yield [(base, timing) for _, base, timing, _ in procs]
    finally:
        for proc, *_ in procs:
            _stop_process(proc)
        for key in keys:
            _unregister(key)


@contextlib.contextmanager
def server(run: Path):
    """One replica on the run's DuckDB file: yields (base URL, timing log path)."""
    with servers(run, str(run / "pantau.duckdb"), run / "data") as found:
        yield found[0]


# ----------------------------------------------------------------------------- sessions
class Record:
    """What all sessions measured."""

    def __init__(self):
        self.nav: list[dict] = []  # {"step", "seconds", "t", "session"}
        self.errors: list[dict] = []  # {"step", "kind", "detail", "t", "session"}
        self.logins: list[float] = []
        self.login_errors: list[str] = []


async def _rendered(page, heading: str, start: float) -> float:
    """Seconds from ``start`` until ``heading`` is there and the run has finished (confirmed
    200 ms later, not counted)."""
    heading_loc = page.get_by_role("heading", name=heading).first
    while True:
        await heading_loc.wait_for(timeout=STEP_TIMEOUT_MS)
        await page.wait_for_function(IDLE_JS, polling=POLL_MS, timeout=STEP_TIMEOUT_MS)
        done = time.perf_counter() - start
        await page.wait_for_timeout(200)
        if await page.evaluate(IDLE_JS) and await heading_loc.count():
            return done


async def _problem(page) -> tuple[str, str] | None:
    """An exception box or the busy notice on the page, else None."""
    exc = page.locator("[data-testid=stException]")
    if await exc.count():
        return "exception", (await exc.first.inner_text())[:300]
    busy = page.get_by_text("sedang dipakai", exact=False)
    if await busy.count():
        return "busy", (await busy.first.inner_text())[:300]
    return None


async def _login(page, base: str, username: str) -> None:
    await page.goto(base + "/")
    form = page.locator("[data-testid=stForm]")
    await form.get_by_role("button", name="Masuk").wait_for(timeout=STEP_TIMEOUT_MS)
    await form.get_by_label("Nama pengguna", exact=True).fill(username)
    await form.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    await form.get_by_role("button", name="Masuk").click()
    await page.locator("[data-testid=stSidebar]").get_by_text("Masuk sebagai").wait_for(timeout=STEP_TIMEOUT_MS)
    await page.wait_for_function(IDLE_JS, polling=POLL_MS, timeout=STEP_TIMEOUT_MS)


async def _step(page, step: str, n: int) -> float:
    """Do one navigation; returns its seconds."""
    if step in MENU_STEPS:
        link, heading = MENU_STEPS[step]
        start = time.perf_counter()
        await page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=link, exact=True).click()
        return await _rendered(page, heading, start)
    # drill-down: select one OPD's row of the Rekap per OPD table (the row marker of row n)
    grid = page.locator(".st-key-rekap_opd [data-testid=stDataFrameResizable]").first
    await grid.wait_for(timeout=STEP_TIMEOUT_MS)
    box = await grid.bounding_box()
    if box is None:
        raise RuntimeError("the Rekap per OPD table has no size")
    rows = max(1, min(8, int((box["height"] - 40) // 35)))
    start = time.perf_counter()
    await page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 * (n % rows) + 17)
    return await _rendered(page, "Program - ", start)


def pause(think: float, rng) -> float:
    """The time a user reads a rendered page before the next click: uniform between half and
    one and a half times ``think`` seconds (0: none)."""
    return rng.uniform(0.5 * think, 1.5 * think) if think > 0 else 0.0


class Clock:
    """The measured window: it starts once every session has signed in (or the sign-in bound has
    passed), so that all N sessions are at work together for the whole window."""

    def __init__(self, sessions: int):
        self.waiting = sessions
        self.all_in = asyncio.Event()  # every session is through its sign-in
        self.ready = asyncio.Event()  # the window has started: ``deadline`` is set
        self.deadline = float("inf")  # perf_counter

    def signed_in(self) -> None:
        """One session is through its sign-in (or failed it)."""
        self.waiting -= 1
        if self.waiting <= 0:
            self.all_in.set()

    def start(self, seconds: float) -> float:
        """Open the window of ``seconds``; returns its start (perf_counter)."""
        now = time.perf_counter()
        self.deadline = now + seconds
        self.ready.set()
        return now


def kabupaten_for(i: int, names: list[str]) -> str | None:
    """The kabupaten/kota session ``i`` (from 1) picks first on a province DB (``names``: the
    kabupaten/kota its OPDs name), round robin; ``None`` on a kabupaten DB (no names)."""
    return names[(i - 1) % len(names)] if names else None


async def _session(
    i: int,
    browser,
    base: str,
    replica: int,
    clock: Clock,
    rec: Record,
    gate: asyncio.Semaphore,
    think: float = 0.0,
    wilayah: str | None = None,
) -> None:
    """One user: sign in (on its replica ``base``), pick the kabupaten/kota ``wilayah`` when
    given (a province user does so first: the sidebar choice, here through the URL), wait until
    every session has, then the page loop until the window closes (``clock.deadline``), reading
    each rendered page for a pause drawn from ``think`` (:func:`pause`; 0: the next click at once)."""
    import random

    from playwright.async_api import Error as PlaywrightError

    rng = random.Random(i)  # the same pauses in every run

    context = await browser.new_context(viewport={"width": 1440, "height": 900}, locale="id-ID")
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    name = f"beban{i:02d}"
    try:
        async with gate:
            start = time.perf_counter()
            try:
                await _login(page, base, name)
                if wilayah:
                    await page.goto(base + "/?" + urllib.parse.urlencode({"wilayah": wilayah}))
                    await page.get_by_role("heading", name=f"Ringkasan Realisasi - {wilayah}").wait_for(
                        timeout=STEP_TIMEOUT_MS
                    )
                    await page.wait_for_function(IDLE_JS, polling=POLL_MS, timeout=STEP_TIMEOUT_MS)
                rec.logins.append(time.perf_counter() - start)
            except PlaywrightError as exc:
                rec.login_errors.append(f"{name}: {str(exc).splitlines()[0]}")
                return
            finally:
                clock.signed_in()
        await clock.ready.wait()
        deadline = clock.deadline
        n = i
        while time.perf_counter() < deadline:
            for step in STEPS:
                if time.perf_counter() >= deadline:
                    break
                t = time.time()
                try:
                    seconds = await _step(page, step, n)
                    problem = await _problem(page)
                except PlaywrightError as exc:
                    kind = "timeout" if "Timeout" in type(exc).__name__ or "Timeout" in str(exc) else "browser"
                    rec.errors.append(
                        dict(
                            step=step,
                            kind=kind,
                            detail=str(exc).splitlines()[0][:300],
                            t=t,
                            session=name,
                            replica=replica,
                        )
                    )
                    with contextlib.suppress(PlaywrightError):  # start again from a fresh page load
                        await page.goto(base + "/")
                        await page.wait_for_function(IDLE_JS, polling=POLL_MS, timeout=STEP_TIMEOUT_MS)
                    break
                if problem:
                    rec.errors.append(
                        dict(step=step, kind=problem[0], detail=problem[1], t=t, session=name, replica=replica)
                    )
                    break
                rec.nav.append(dict(step=step, seconds=seconds, t=t, session=name, replica=replica))
                await asyncio.sleep(min(pause(think, rng), max(0.0, deadline - time.perf_counter())))
            n += 1
    finally:
        with contextlib.suppress(Exception):
            await context.close()


async def _cli_import(db: str, data: Path, files: list[Path], delay: float) -> dict:
    """The batch import through the command line into ``db`` (file or URL) with the archive in
    ``data``, started ``delay`` seconds into the run."""
    await asyncio.sleep(delay)
    env = dict(os.environ, PANTAU_DATA=str(data))
    cmd = [sys.executable, "-m", "cli", "ingest", "--db", db, "--user", ADMIN, "--json"]
    start, t = time.perf_counter(), time.time()
    proc = await asyncio.create_subprocess_exec(
        *cmd, *map(str, files), cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await proc.communicate()
    shown = [("<postgresql url>" if c == db and "://" in db else c) for c in cmd[1:]]
    result: dict = dict(
        command=" ".join(shown) + f" <{len(files)} files>",
        files=len(files),
        exit_code=proc.returncode,
        seconds=time.perf_counter() - start,
        started=t,
    )
    try:
        rows = json.loads(out.decode())
        statuses: dict[str, int] = {}
        for r in rows:
            statuses[r.get("status")] = statuses.get(r.get("status"), 0) + 1
        result["statuses"] = statuses
        result["rows"] = sum(int(r.get("rows") or 0) for r in rows)
    except ValueError:
        result["stdout_tail"] = out.decode(errors="replace")[-1000:]
    if proc.returncode:
        result["stderr_tail"] = err.decode(errors="replace")[-1500:]
    return result


async def _drive(
    bases: list[str],
    db: str,
    data: Path,
    batch: list[Path],
    sessions: int,
    seconds: float,
    rec: Record,
    think: float = 0.0,
    kabupaten: list[str] | None = None,
) -> dict:
    """All sessions (session i on replica ``(i - 1) mod len(bases)``, sticky; on a province DB
    each first picks a kabupaten/kota of ``kabupaten``, :func:`kabupaten_for`) and the CLI import."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            gate = asyncio.Semaphore(LOGIN_PARALLEL)
            clock = Clock(sessions)
            # the window starts once every session has signed in; bounded (a busy machine signs in
            # slowly: 25 s each, 4 at a time, was seen), then it starts with whoever is in
            login_bound = min(60 + 10 * sessions, 600)
            start = time.perf_counter()
            tasks = [
                asyncio.create_task(
                    _session(
                        i,
                        browser,
                        bases[(i - 1) % len(bases)],
                        (i - 1) % len(bases) + 1,
                        clock,
                        rec,
                        gate,
                        think,
                        kabupaten_for(i, kabupaten or []),
                    )
                )
                for i in range(1, sessions + 1)
            ]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(clock.all_in.wait(), timeout=login_bound)
            window = clock.start(seconds)
            signed_in_at_start = len(rec.logins)
            cli = asyncio.create_task(_cli_import(db, data, batch, delay=min(5.0, seconds / 6)))
            # bounded: what is not done 3 minutes after the window closes is stopped and counted
            _, pending = await asyncio.wait([*tasks, cli], timeout=seconds + 3 * 60)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            errors = [repr(t.exception()) for t in tasks if t not in pending and t.exception()]
            unfinished = sum(1 for t in tasks if t in pending)
            if cli in pending:
                cli_result: dict = {"error": "the CLI import had not finished within the bound; stopped"}
            else:
                cli_result = cli.result() if cli.exception() is None else {"error": repr(cli.exception())}
            return dict(
                cli=cli_result,
                task_errors=errors,
                unfinished=unfinished,
                sign_in_seconds=window - start,
                signed_in_at_start=signed_in_at_start,
                wall_seconds=time.perf_counter() - start,
            )
        finally:
            await browser.close()


# ----------------------------------------------------------------------------- figures
def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _server_times(timings: list[Path], since: float) -> dict:
    """p50/p95 of the servers' own script-run time (and CPU) from their timing logs, all replicas
    together, per page and (with more than one) per replica."""
    per_file: list[list[dict]] = []
    for timing in timings:
        lines = []
        if timing.exists():
            for line in timing.read_text().splitlines():
                with contextlib.suppress(ValueError):
                    lines.append(json.loads(line))
        per_file.append([x for x in lines if x["t"] >= since])
    lines = [x for rows in per_file for x in rows]
    out: dict = {"runs": len(lines)}
    if not lines:
        return out
    secs, cpu = [x["seconds"] for x in lines], [x["cpu_seconds"] for x in lines]
    out.update(p50=_pct(secs, 0.5), p95=_pct(secs, 0.95), cpu_p50=_pct(cpu, 0.5), cpu_p95=_pct(cpu, 0.95))
    waits = [x.get("db_lock_wait_seconds", 0.0) for x in lines]
    opens = [x.get("db_open_seconds", 0.0) for x in lines]
    out.update(
        db_lock_wait_p50=_pct(waits, 0.5),
        db_lock_wait_p95=_pct(waits, 0.95),
        db_open_p50=_pct(opens, 0.5),
        db_sessions_p50=_pct([x.get("db_sessions", 0) for x in lines], 0.5),
        share_lock_wait=sum(waits) / max(sum(secs), 1e-9),
        share_cpu=sum(cpu) / max(sum(secs), 1e-9),
    )
    out["outcomes"] = {k: sum(1 for x in lines if x["outcome"] == k) for k in sorted({x["outcome"] for x in lines})}
    pages: dict = {}
    for x in lines:
        pages.setdefault(x["page"] or "(none)", []).append(x["seconds"])
    out["pages"] = {k: dict(runs=len(v), p50=_pct(v, 0.5), p95=_pct(v, 0.95)) for k, v in sorted(pages.items())}
    if len(per_file) > 1:
        out["replicas"] = {
            str(k): dict(runs=len(rows), p50=_pct(v := [x["seconds"] for x in rows], 0.5), p95=_pct(v, 0.95))
            for k, rows in enumerate(per_file, start=1)
        }
    return out


def run(
    db: str = "kabupaten", sessions: int = 30, seconds: float = 120, engine: str = "duckdb", think: float = 0.0
) -> dict:
    """Prepare, serve, drive, and return the figures of one load run: ``engine`` ``duckdb`` (one
    server process on the DuckDB file) or ``postgres`` (the same data migrated into a throwaway
    cluster, two replicas); ``think``: the mean pause in which a user reads a rendered page
    (:func:`pause`). Servers and cluster are stopped before this returns or raises."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: duckdb or postgres")
    _sigterm_exits()
    started = time.perf_counter()
    run_dir, batch = prepare_run(db, sessions, engine)
    rec = Record()
    pg_info: dict = {}
    with contextlib.ExitStack() as stack:
        if engine == "postgres":
            target, data, pg_info = stack.enter_context(pg_database(run_dir))
        else:
            target, data = str(run_dir / "pantau.duckdb"), run_dir / "data"
        replicas = stack.enter_context(servers(run_dir, target, data, REPLICAS[engine]))
        load_before = os.getloadavg()
        since = time.time()
        kabupaten = json.loads((run_dir / "wilayah.json").read_text())
        result = asyncio.run(
            _drive([b for b, _ in replicas], target, data, batch, sessions, seconds, rec, think, kabupaten)
        )
        load_after = os.getloadavg()
        time.sleep(0.5)  # the last timing lines
    secs = [x["seconds"] for x in rec.nav]
    fig: dict = dict(
        db=db,
        engine=engine,
        replicas=len(replicas),
        sessions=sessions,
        seconds=seconds,
        think_seconds=think,
        kabupaten_picked=len(kabupaten),
        think=THINK_NOTE if think else "none: each session clicks the next page as soon as one has rendered",
        note=SHARED_NOTE if engine == "duckdb" else SHARED_NOTE_PG,
        cpu_count=os.cpu_count(),
        load_average_before=load_before,
        load_average_after=load_after,
        navigations=len(rec.nav),
        p50=_pct(secs, 0.5),
        p95=_pct(secs, 0.95),
        max=max(secs) if secs else None,
        per_step={
            s: dict(
                n=len(v := [x["seconds"] for x in rec.nav if x["step"] == s]),
                p50=_pct(v, 0.5),
                p95=_pct(v, 0.95),
            )
            for s in STEPS
        },
        errors=len(rec.errors) + len(rec.login_errors) + result["unfinished"],
        errors_by_kind={k: sum(e["kind"] == k for e in rec.errors) for k in sorted({e["kind"] for e in rec.errors})},
        error_samples=rec.errors[:10],
        logins=len(rec.logins),
        sessions_with_navigations=len({x["session"] for x in rec.nav}),
        login_p50=_pct(rec.logins, 0.5),
        login_errors=rec.login_errors[:10],
        server=_server_times([t for _, t in replicas], since),
        total_seconds=time.perf_counter() - started,
        **result,
    )
    if engine == "postgres":
        fig["sticky"] = STICKY
        fig["postgres"] = pg_info
        fig["per_replica"] = {
            str(k): dict(
                sessions=len({x["session"] for x in rec.nav if x["replica"] == k}),
                n=len(v := [x["seconds"] for x in rec.nav if x["replica"] == k]),
                p50=_pct(v, 0.5),
                p95=_pct(v, 0.95),
                errors=sum(1 for e in rec.errors if e.get("replica") == k),
            )
            for k in range(1, len(replicas) + 1)
        }
    fig["budget_p95"] = BUDGET_P95.get(db)
    fig["pass"] = bool(
        fig["p95"] is not None and fig["p95"] < fig["budget_p95"] and fig["errors"] == 0 and not fig["task_errors"]
    )
    shutil.rmtree(run_dir / "batch", ignore_errors=True)
    return fig


def print_table(fig: dict) -> None:
    """The human-readable summary of one load run."""
    f = lambda x: "   -  " if x is None else f"{x:6.2f}"  # noqa: E731
    engine = fig.get("engine", "duckdb")
    where = "one process, DuckDB file" if engine == "duckdb" else f"{fig['replicas']} replicas, PostgreSQL"
    print(
        f"\nload ({fig['db']} DB, {where}): {fig['sessions']} sessions x {fig['seconds']:.0f} s, "
        + (f"reading each page {fig['think_seconds']:g} s on average, " if fig.get("think_seconds") else "no pauses, ")
        + "one headless chromium; "
        f"{fig['note']} (cpu_count {fig['cpu_count']}, load average {fig['load_average_before'][0]:.1f} before, "
        f"{fig['load_average_after'][0]:.1f} after)"
    )
    print(f"{'page (time to rendered page, s)':<34} {'n':>5} {'p50':>7} {'p95':>7}")
    for step, s in fig["per_step"].items():
        print(f"{step:<34} {s['n']:>5} {f(s['p50'])} {f(s['p95'])}")
    verdict = "PASS" if fig["pass"] else "FAIL  <<<<<<<<<<"
    print(
        f"{'all navigations':<34} {fig['navigations']:>5} {f(fig['p50'])} {f(fig['p95'])}   budget p95 < "
        f"{fig['budget_p95']} s, 0 errors: {verdict}"
    )
    print(
        f"errors: {fig['errors']} {fig['errors_by_kind']}, sign-in errors {len(fig['login_errors'])}, sessions stopped "
        f"unfinished at the bound {fig['unfinished']}; sign-ins {fig['logins']} (p50 {f(fig['login_p50'])} s; "
        f"all took {fig.get('sign_in_seconds', 0):.0f} s, {fig.get('signed_in_at_start')} in when the window "
        f"started); sessions with navigations {fig.get('sessions_with_navigations')}"
    )
    for e in fig["error_samples"][:5]:
        print(f"   {e['session']} {e['step']} {e['kind']}: {e['detail'][:160]}")
    for e in fig["login_errors"][:5]:
        print(f"   sign-in: {e[:160]}")
    s = fig["server"]
    if s.get("runs"):
        print(
            f"server's own time per script run ({s['runs']} runs): p50 {s['p50']:.3f} s, p95 {s['p95']:.3f} s; "
            f"CPU p50 {s['cpu_p50']:.3f} s, p95 {s['cpu_p95']:.3f} s; {s['outcomes']}"
        )
        duck = engine == "duckdb"
        whose, waiting_for = ("server's", "the database") if duck else ("servers'", "a free connection of the pool")
        opening = f", opening the file p50 {s['db_open_p50']:.3f} s" if duck else ""
        print(
            f"   of the {whose} run time: {s['share_cpu']:.0%} CPU of the script thread, "
            f"{s['share_lock_wait']:.0%} waiting for {waiting_for} (p50 {s['db_lock_wait_p50']:.3f} s, "
            f"p95 {s['db_lock_wait_p95']:.3f} s per run; {s['db_sessions_p50']:.0f} Store sessions a run{opening})"
        )
        for k, x in s.get("replicas", {}).items():  # only with more than one replica
            print(f"   replica {k}: {x['runs']} runs, p50 {f(x['p50'])} s, p95 {f(x['p95'])} s")
        for page, x in s["pages"].items():
            print(f"   {page:<30} {x['runs']:>5} runs  p50 {x['p50']:.3f}  p95 {x['p95']:.3f}")
    c = fig["cli"]
    print(
        f"CLI batch import during the run: exit {c.get('exit_code')}, {c.get('seconds', 0):.1f} s, "
        f"{c.get('files')} files, statuses {c.get('statuses')}, {c.get('rows')} rows"
        + (f"\n   stderr: {c['stderr_tail'][-400:]}" if c.get("stderr_tail") else "")
        + (f"\n   error: {c['error']}" if c.get("error") else "")
    )
    if fig.get("per_replica"):
        print(f"sessions {fig['sticky']}:")
        for k, x in fig["per_replica"].items():
            print(
                f"   replica {k}: {x['sessions']} sessions, {x['n']} navigations, p50 {f(x['p50'])} s, "
                f"p95 {f(x['p95'])} s, errors {x['errors']}"
            )
    if fig.get("postgres"):
        pg = fig["postgres"]
        print(
            f"PostgreSQL {pg.get('postgres_version')} (throwaway cluster): migrate {pg.get('migrate_seconds')} s, "
            f"verified {pg.get('migrate_verified')}, {pg.get('tables')} tables"
        )
    if fig["task_errors"]:
        print(f"!!!! session tasks failed: {fig['task_errors'][:3]}")


def print_side_by_side(figs: dict) -> None:
    """DuckDB (one process) next to PostgreSQL (replicas) for each database run on both."""
    f = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
    for db, duck in figs.items():
        pg = figs.get(f"{db}_pg")
        if "_pg" in db or not pg or "p95" not in duck or "p95" not in pg:
            continue
        print(f"\n{db} DB, {duck['sessions']} sessions x {duck['seconds']:.0f} s: DuckDB vs PostgreSQL side by side")
        rows = [
            ("servers", "1 process", f"{pg['replicas']} replicas"),
            ("navigations", duck["navigations"], pg["navigations"]),
            ("p50 to rendered page (s)", f(duck["p50"]), f(pg["p50"])),
            ("p95 to rendered page (s)", f(duck["p95"]), f(pg["p95"])),
            ("errors", duck["errors"], pg["errors"]),
            ("server time per run p50 (s)", f(duck["server"].get("p50")), f(pg["server"].get("p50"))),
            ("server time per run p95 (s)", f(duck["server"].get("p95")), f(pg["server"].get("p95"))),
            (
                "CLI import (exit, s)",
                f"{duck['cli'].get('exit_code')}, {f(duck['cli'].get('seconds'))}",
                f"{pg['cli'].get('exit_code')}, {f(pg['cli'].get('seconds'))}",
            ),
        ]
        print(f"{'':<30} {'DuckDB':>14} {'PostgreSQL':>14}")
        for label, a, b in rows:
            print(f"{label:<30} {a!s:>14} {b!s:>14}")


def _merge_results(path: Path, key: str, fig: dict) -> None:
    """Put one run's figures into ``path``'s ``load_full`` section (created when missing)."""
    results = json.loads(path.read_text()) if path.exists() else {}
    results.setdefault("load_full", {})[key] = fig
    path.write_text(json.dumps(results, indent=1, default=str) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["kabupaten", "province"], action="append", help="repeatable")
    parser.add_argument(
        "--engine",
        choices=list(ENGINES),
        action="append",
        help="repeatable (default duckdb): duckdb = one process on the file; postgres = the same data "
        "migrated into a throwaway PostgreSQL cluster, two replicas",
    )
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a user reads a rendered page before the next click (each pause uniform between "
        "half and one and a half times this); 0 (default): the next click at once",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--results",
        type=Path,
        help="also merge them into this results file (bench/results.json) under 'load_full', one key per "
        "run (kabupaten, kabupaten_pg, province), the other keys kept",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("PANTAU_DB_WAIT", "60")
    figs: dict = {}
    for db in args.db or ["kabupaten"]:
        for engine in args.engine or ["duckdb"]:
            key = db if engine == "duckdb" else f"{db}_pg"
            try:
                figs[key] = run(db, args.sessions, args.seconds, engine, args.think)
                print_table(figs[key])
            except Exception as exc:  # noqa: BLE001 - the other runs' figures still count
                figs[key] = {"error": repr(exc), "engine": engine}
                print(f"\n!!!! load run on the {db} DB ({engine}) failed: {exc!r}")
            if args.json:  # after each run, so a later failure keeps the earlier figures
                args.json.parent.mkdir(parents=True, exist_ok=True)
                args.json.write_text(json.dumps(figs, indent=1, default=str) + "\n")
            if args.results:
                _merge_results(args.results, key, figs[key])
    print_side_by_side(figs)
    for path in (args.json, args.results):
        if path:
            print(f"\nfigures written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
