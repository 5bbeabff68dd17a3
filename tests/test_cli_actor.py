"""The command line records who ran it honestly (issue 15, low items): ``--user`` must name an
existing, active account allowed to do the command (else exit 1 with a clear message and nothing
written), and is recorded as ``cli:<account>``; without it the OS account is recorded as
``cli:<os user>``. Files the command line writes (export recap, pack, kinerja --out, backup) are
audited as page downloads are (action ``download``: file name, what and period)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

import cli.main as cli
from core.auth import CLI_PREFIX, AuthError, cli_actor, create_user, os_user, update_account

DINKES = FIXTURES / "realisasi" / "realisasi_dinkes_2026-03.xlsx"
BAPPEDA = FIXTURES / "realisasi" / "realisasi_bappeda_2026-03.xlsx"
PASSWORD = "rahasia-kuat-123"


@pytest.fixture
def accounts(dpa_store):
    """The DPA store with an admin, a viewer, an OPD operator and a disabled admin."""
    dinkes = next(o.kode for o in dpa_store.opds() if o.nama == "Dinas Kesehatan")
    create_user(dpa_store, "setup", "admin1", "Admin Satu", "admin", PASSWORD)
    create_user(dpa_store, "setup", "bupati", "Bupati", "viewer", PASSWORD)
    create_user(dpa_store, "setup", "dinkes.op", "Operator Dinkes", "opd", PASSWORD, opd_kode=dinkes)
    create_user(dpa_store, "setup", "lama", "Admin Lama", "admin", PASSWORD)
    update_account(
        dpa_store,
        "setup",
        "lama",
        nama="Admin Lama",
        role="admin",
        opd_kode=None,
        unit_id=None,
        email=None,
        active=False,
    )
    return dpa_store


def _audit(store, action: str) -> list[tuple]:
    return store.sql("SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY id", [action])


def _imports(store) -> list[tuple]:
    return store.sql("SELECT file_name, created_by FROM import WHERE kind = 'realisasi' ORDER BY id")


def test_the_rule_lives_in_core(accounts):
    assert cli_actor(accounts, "ADMIN1 ", {"admin"}, "x") == "cli:admin1"
    assert cli_actor(accounts, None, {"admin"}, "x") == CLI_PREFIX + os_user()
    assert os_user() and ":" not in os_user()
    with pytest.raises(AuthError, match="tidak ada di Pantau"):
        cli_actor(accounts, "kepala", {"admin"}, "mengimpor")
    with pytest.raises(AuthError, match="dinonaktifkan"):
        cli_actor(accounts, "lama", {"admin"}, "mengimpor")
    with pytest.raises(AuthError, match="tidak berwenang mengimpor"):
        cli_actor(accounts, "bupati", {"admin"}, "mengimpor")


@pytest.mark.parametrize(
    "user, said",
    [
        ("kepala", "Pengguna 'kepala' tidak ada di Pantau"),
        ("lama", "Akun 'lama' dinonaktifkan"),
        ("bupati", "Akun 'bupati' (peran viewer) tidak berwenang mengimpor"),
        ("dinkes.op", "Akun 'dinkes.op' (peran opd) tidak berwenang mengimpor"),
    ],
)
def test_ingest_refuses_a_user_that_is_not_an_allowed_active_account(accounts, capsys, user, said):
    before = accounts.sql("SELECT count(*) FROM audit_log")
    assert cli.main(["ingest", "--db", str(accounts.path), "--user", user, str(DINKES)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Kesalahan: ") and said in err and "Traceback" not in err
    assert _imports(accounts) == []
    assert accounts.sql("SELECT count(*) FROM audit_log") == before


def test_ingest_records_cli_and_the_account_or_the_os_user(accounts, capsys):
    db = str(accounts.path)
    assert cli.main(["ingest", "--db", db, "--user", "Admin1", str(DINKES)]) == 0
    assert _imports(accounts) == [(DINKES.name, "cli:admin1")]
    assert _audit(accounts, "import_realisasi")[-1][0] == "cli:admin1"
    # without --user (scripts, cron): the OS account, never a made-up app account
    assert cli.main(["ingest", "--db", db, str(BAPPEDA)]) == 0
    assert _imports(accounts)[-1][1] == f"cli:{os_user()}"
    assert [a for a, _, _ in _audit(accounts, "import_realisasi")] == ["cli:admin1", f"cli:{os_user()}"]


def test_export_pack_and_backup_are_audited_as_downloads(accounts, tmp_path, capsys):
    db = str(accounts.path)
    assert cli.main(["ingest", "--db", db, "--user", "admin1", str(DINKES)]) == 0
    out = tmp_path / "keluar" / "rekap.xlsx"
    # a viewer may export (the recap is what the viewer sees in the app); an unknown name may not
    assert cli.main(["export", "recap", "--db", db, "--year", "2026", "--month", "3", "--out", str(out)]) == 0
    assert (
        cli.main(
            ["export", "recap", "--db", db, "--year", "2026", "--month", "3", "--out", str(out), "--user", "bupati"]
        )
        == 0
    )
    refused = tmp_path / "tidak.xlsx"
    assert (
        cli.main(
            ["export", "recap", "--db", db, "--year", "2026", "--month", "3", "--out", str(refused), "--user", "x.y"]
        )
        == 1
    )
    assert not refused.exists()
    assert (
        cli.main(
            [
                "pack",
                "--db",
                db,
                "--year",
                "2026",
                "--month",
                "3",
                "--out",
                str(tmp_path / "materi"),
                "--user",
                "bupati",
            ]
        )
        == 0
    )
    backup = tmp_path / "cadangan.zip"
    assert cli.main(["backup", "--db", db, "--out", str(backup), "--user", "bupati"]) == 1
    assert "tidak berwenang membuat cadangan" in capsys.readouterr().err and not backup.exists()
    assert cli.main(["backup", "--db", db, "--out", str(backup), "--user", "admin1"]) == 0

    got = _audit(accounts, "download")
    assert [(a, t) for a, t, _ in got] == [
        (f"cli:{os_user()}", "rekap.xlsx"),
        ("cli:bupati", "rekap.xlsx"),
        ("cli:bupati", "Materi_Rakor_2026-03.pptx"),
        ("cli:bupati", "Materi_Rakor_2026-03.xlsx"),
        ("cli:admin1", "cadangan.zip"),
    ]
    details = [d for _, _, d in got]
    assert details[0].startswith("rekap siap cetak semua OPD Maret 2026; ditulis lewat baris perintah ke ")
    assert details[0].endswith(str(out.resolve()))
    assert details[2].startswith("materi rakor (pptx) Maret 2026;") and details[3].startswith("materi rakor (xlsx)")
    assert details[4].startswith("cadangan basis data;") and str(backup.resolve()) in details[4]
    assert _audit(accounts, "backup")[-1][:2] == ("cli:admin1", "cadangan.zip")


def test_one_opd_export_names_the_opd(accounts, tmp_path):
    db = str(accounts.path)
    assert cli.main(["ingest", "--db", db, str(DINKES)]) == 0
    out = tmp_path / "dinkes.xlsx"
    assert (
        cli.main(
            [
                "export",
                "recap",
                "--db",
                db,
                "--year",
                "2026",
                "--month",
                "3",
                "--out",
                str(out),
                "--opd",
                "Dinas Kesehatan",
            ]
        )
        == 0
    )
    assert _audit(accounts, "download")[-1][2].startswith("rekap siap cetak Dinas Kesehatan Maret 2026;")


def test_a_failed_write_is_not_audited(accounts, tmp_path, capsys):
    db = str(accounts.path)
    assert cli.main(["ingest", "--db", db, str(DINKES)]) == 0
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    out = Path(blocker, "rekap.xlsx")
    assert cli.main(["export", "recap", "--db", db, "--year", "2026", "--month", "3", "--out", str(out)]) == 1
    assert "tidak dapat ditulis" in capsys.readouterr().err
    assert _audit(accounts, "download") == []
