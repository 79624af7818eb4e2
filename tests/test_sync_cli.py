"""``familyprivacy sync``: a worker enrols with a one-time code, sends, and sees the state."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from familyprivacy import paths
from familyprivacy.cli import main
from familyprivacy.consent.cli import new_store_path
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.model import Capture, Child, Decision, Grantor, Visit, Worker, utc_now
from familyprivacy.consent.store import Store
from familyprivacy.server import admin
from tests.conftest_pg import start_server

PASS = "correct horse battery"


def _store_with_a_visit() -> tuple[Path, int]:
    path = new_store_path()
    path.parent.mkdir(parents=True)
    with Store.create(path, PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests()) as store:
        visit = Visit(council_id="essex", notice_id="essex/childrens-services", case_reference="CH-12345",
                      grantors=(Grantor("g1", "Amelia Nowak", "mother"),), children=(Child("c1", "Zofia"),),
                      worker=Worker("Jo Caseworker", "w1"), started_at=utc_now(), ended_at=None,
                      language="pl", content_fingerprint="sha256:" + "0" * 64)
        store.record_visit(visit)
        store.record_decision(Decision(
            visit_id=visit.visit_id, choice_id="research", kind="data-consent", status="given",
            grantor_ids=("g1",), child_ids=("c1",), capture=Capture("verbal", None, "A Witness"),
            recorded_by="w1", language="pl", content_fingerprint=visit.content_fingerprint))
    return path, 2


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str,
         *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_enrol_then_send_everything(tmp_path: Path, request: pytest.FixtureRequest,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    server = start_server("sqlite", tmp_path, request)
    _path, events = _store_with_a_visit()
    worker = ("--worker", "Jo Caseworker")

    status, out, _ = _run(monkeypatch, capsys, PASS + "\n", "sync", "status", *worker)
    assert status == 0 and "enrolled: no" in out and "waiting 2" in out

    status, _, err = _run(monkeypatch, capsys, PASS + "\nnot-a-code\n", "sync", "enrol",
                          "--server", server.url, *worker)
    assert status == 1 and err  # the inbox refused the code; said plainly
    assert server.count() == 0

    code = admin.add_enrolment_code(server.engine, "laptop 7")
    status, out, _ = _run(monkeypatch, capsys, f"{PASS}\n{code}\n", "sync", "enrol",
                          "--server", server.url, *worker)
    assert status == 0 and "enrolled" in out
    saved = json.loads((paths.data_dir() / "sync.json").read_text())
    assert "device_token" not in saved and saved["server_url"] == server.url

    status, out, _ = _run(monkeypatch, capsys, PASS + "\n", "sync", "now", *worker)
    assert status == 0 and f"confirmed {events}" in out
    assert server.count() == events

    status, _, err = _run(monkeypatch, capsys, "wrong passphrase\n", "sync", "now", *worker)
    assert status == 1 and "passphrase" in err.lower()
    assert "Amelia" not in err and "CH-12345" not in err
