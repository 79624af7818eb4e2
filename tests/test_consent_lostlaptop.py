"""A lost laptop reveals nothing: no personal field appears in the raw .db, -wal or -shm bytes."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.model import Capture
from familyprivacy.consent.store import Store
from tests.test_consent_model import PERSONAL, sample_decision, sample_visit

PASS = "lost laptop passphrase"
SECRETS = [*PERSONAL, "Piotr Nowak", "they asked to think it over", "help-and-support", "stockton-reason"]


def _raw(path: Path) -> dict[str, bytes]:
    files = {suffix: Path(str(path) + suffix) for suffix in ("", "-wal", "-shm")}
    return {suffix: p.read_bytes() for suffix, p in files.items() if p.exists()}


def _leaks(raw: dict[str, bytes], secrets: list[str]) -> list[tuple[str, str]]:
    found = []
    for suffix, data in raw.items():
        for secret in secrets:
            for form in (secret.encode("utf-8"), secret.encode("utf-16-le"), base64.b64encode(
                    secret.encode())[:-4]):
                if form and form in data:
                    found.append((suffix or ".db", secret))
    return found


def test_no_personal_field_in_the_files_on_disk(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "records.db", PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests())
    visit = sample_visit()
    store.record_visit(visit)
    given = sample_decision(visit)
    store.record_decision(given)
    deferred = sample_decision(visit, choice_id="research", kind="data-consent", status="deferred",
                               reason="they asked to think it over",
                               capture=Capture("verbal", None, "Witness Wanda"))
    store.record_decision(deferred)
    strokes = json.dumps(given.to_body()["capture"]["signature_strokes"], separators=(",", ":"))
    secrets = [*SECRETS, strokes, '"status":"given"', '"status":"deferred"']

    while_open = _raw(store.path)
    assert set(while_open) == {"", "-wal", "-shm"} and len(while_open["-wal"]) > 0
    assert _leaks(while_open, secrets) == []

    store.close()  # checkpoint: everything now sits in the main file
    after_close = _raw(store.path)
    assert _leaks(after_close, secrets) == []
    # and the check itself can fail: the clear routing facts are there to be found
    assert visit.council_id.encode() in after_close[""]
    assert visit.visit_id.encode() in after_close[""]


def test_the_key_is_never_on_disk_in_the_clear(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "records.db", PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests())
    store.record_visit(sample_visit())
    data_key = store._data_key
    assert data_key is not None and store._signing_key is not None
    from cryptography.hazmat.primitives import serialization

    private = store._signing_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                               serialization.NoEncryption())
    raw = _raw(store.path)
    store.close()
    raw_after = _raw(store.path)
    for data in (*raw.values(), *raw_after.values()):
        for secret in (data_key, private, PASS.encode(), data_key.hex().encode(), private.hex().encode()):
            assert secret not in data
