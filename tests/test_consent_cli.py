"""``familyprivacy records …`` as a worker or a script uses it (passphrase on standard input)."""

from __future__ import annotations

import io
import json
import re
import sqlite3

import pytest

from familyprivacy import paths
from familyprivacy.cli import main
from familyprivacy.consent import crypto
from familyprivacy.consent.cli import store_path, worker_slug
from familyprivacy.consent.store import Store
from tests.test_consent_model import sample_decision, sample_visit

PASS = "cli test passphrase"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto.KdfParams, "default", crypto.KdfParams.fast_for_tests)


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str,
        stdin: str = PASS + "\n") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(["records", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_init_unlock_list_show_export_verify(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(monkeypatch, capsys, "init", "--worker", "Jo Caseworker")
    assert status == 0 and "Created an empty, encrypted records store" in out
    (path,) = (paths.data_dir() / "workers").glob("*/records.db")  # in a folder with a random name
    assert re.fullmatch(r"[0-9a-f]{32}", path.parent.name) and store_path(None) == path

    status, out, _ = run(monkeypatch, capsys, "unlock-test")
    assert status == 0 and out.startswith("Unlocked in ")
    status, _, err = run(monkeypatch, capsys, "unlock-test", stdin="not it\n")
    assert status == 1 and "does not unlock" in err

    visit = sample_visit()
    with Store.open(path) as store:
        store.unlock(PASS)
        store.record_visit(visit)
        store.record_decision(sample_decision(visit))

    status, out, _ = run(monkeypatch, capsys, "list")
    assert status == 0 and visit.visit_id in out and "CH-12345" in out and "1 visit(s)" in out
    status, out, _ = run(monkeypatch, capsys, "show", visit.visit_id)
    assert status == 0 and "Amelia Nowak" in out and "help-and-support: given" in out
    status, out, _ = run(monkeypatch, capsys, "export", "--format", "json")
    exported = json.loads(out)
    assert exported["worker"] == "Jo Caseworker"
    assert exported["visits"][0]["visit"]["case_reference"] == "CH-12345"
    assert exported["visits"][0]["decisions"][0]["status"] == "given"
    status, out, _ = run(monkeypatch, capsys, "verify")
    assert status == 0 and out.startswith("OK: 2 events")
    status, out, _ = run(monkeypatch, capsys, "verify", "--locked", stdin="")
    assert status == 0 and "not checked" in out

    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_append_only")
    conn.execute("UPDATE events SET hash = replace(hash, substr(hash, 1, 1), 'x') WHERE seq = 2")
    conn.commit()
    conn.close()
    status, out, _ = run(monkeypatch, capsys, "verify")
    assert status == 1 and out.startswith("BROKEN at event seq 2")


def test_refusals(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(monkeypatch, capsys, "list")
    assert status == 2 and "no records on this laptop yet" in err
    status, _, err = run(monkeypatch, capsys, "init")
    assert status == 2 and "--worker NAME" in err
    status, _, err = run(monkeypatch, capsys, "init", "--worker", "Sam", stdin="short\n")
    assert status == 2 and "at least 8 characters" in err
    assert not (paths.data_dir() / "workers").exists()
    assert run(monkeypatch, capsys, "init", "--worker", "Sam")[0] == 0
    status, _, err = run(monkeypatch, capsys, "init", "--worker", "Sam")
    assert status == 2 and "already exist" in err
    assert run(monkeypatch, capsys, "init", "--worker", "Łucja Kowalska")[0] == 0
    status, _, err = run(monkeypatch, capsys, "list")
    assert status == 2 and "2 workers" in err
    status, out, _ = run(monkeypatch, capsys, "list", "--worker", "Łucja Kowalska")
    assert status == 0 and "0 visit(s)" in out
    status, _, err = run(monkeypatch, capsys, "show", "nope", "--worker", "Sam")
    assert status == 2 and "no such visit" in err
    with pytest.raises(SystemExit):  # there is no way to pass a passphrase on the command line
        run(monkeypatch, capsys, "unlock-test", "--passphrase", PASS)


def test_worker_slugs() -> None:
    assert worker_slug("Jo Caseworker") == "jo-caseworker"
    assert worker_slug("Łucja  Kowalska-Nowak") == "ucja-kowalska-nowak"
    assert worker_slug("Zoë") == "zoe"
    assert worker_slug("علی").startswith("worker-") and worker_slug("علی") != worker_slug("حسن")
    assert "/" not in worker_slug("../../etc") and worker_slug("../../etc") == "etc"
