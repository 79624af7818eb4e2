"""Bad store files get a clear refusal naming the file, and are never written to."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.errors import (
    NotAStore,
    SchemaTooNew,
    StoreCorrupt,
    StoreError,
    WrongPassphrase,
)
from familyprivacy.consent.store import Store
from tests.test_consent_model import PERSONAL, sample_decision, sample_visit

PASS = "bad files passphrase"


def _store_with_data(path: Path) -> Path:
    store = Store.create(path, PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests())
    visit = sample_visit()
    store.record_visit(visit)
    for i in range(40):  # enough pages that truncation cuts into the tables
        store.record_decision(sample_decision(visit, choice_id=f"choice-{i}"))
    store.close()
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _refused(path: Path, error: type[StoreError], match: str) -> StoreError:
    before = _snapshot(path.parent)
    store = None
    try:
        with pytest.raises(error, match=match) as caught:
            store = Store.open(path)
            store.unlock(PASS)
            store.verify()
    finally:
        if store is not None:
            store.close()
    assert str(path) in str(caught.value) or error is WrongPassphrase
    assert not any(p in str(caught.value) for p in PERSONAL)
    assert _snapshot(path.parent) == before  # nothing overwritten, nothing added
    return caught.value


def test_truncated(tmp_path: Path) -> None:
    path = _store_with_data(tmp_path / "records.db")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _refused(path, StoreCorrupt, "damaged")


def test_truncated_inside_the_header(tmp_path: Path) -> None:
    path = _store_with_data(tmp_path / "records.db")
    path.write_bytes(path.read_bytes()[:50])
    _refused(path, StoreError, "records.db")


def test_newer_schema_version(tmp_path: Path) -> None:
    path = _store_with_data(tmp_path / "records.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    _refused(path, SchemaTooNew, "newer version")


@pytest.mark.parametrize("content", [b"", b"hello, I am a text file\n" * 100, bytes(range(256)) * 40])
def test_not_a_database(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "records.db"
    path.write_bytes(content)
    _refused(path, NotAStore, "not a records store")


def test_another_programs_database(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (name TEXT, value BLOB)")
    conn.execute("INSERT INTO meta VALUES ('format', 'something else')")
    conn.commit()
    conn.close()
    _refused(path, NotAStore, "not a records store")


def test_missing_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(NotAStore, match="no records store here"):
        Store.open(tmp_path / "records.db")
    assert list(tmp_path.iterdir()) == []


def test_someone_elses_key(tmp_path: Path) -> None:
    """Another worker's passphrase, and bodies or keys copied in from another worker's store."""
    mine = _store_with_data(tmp_path / "mine" / "records.db")
    theirs = Store.create(tmp_path / "theirs" / "records.db", "their passphrase", "Other Worker",
                          kdf=KdfParams.fast_for_tests())
    visit = sample_visit()
    theirs.record_visit(visit)
    theirs.close()
    with Store.open(mine) as store, pytest.raises(WrongPassphrase):
        store.unlock("their passphrase")
    # their wrapped key and key parameters pasted into my file: they do not match my device key's seal on
    # the key settings, so my file says its settings were changed (not that my passphrase is wrong)
    copy = tmp_path / "pasted" / "records.db"
    copy.parent.mkdir()
    shutil.copy(mine, copy)
    _paste(theirs.path, copy, "wrapped_key", "kdf")
    _refused(copy, StoreCorrupt, "key settings are damaged")
    # … and with their store id, seal and public key too, their passphrase opens the wrapped key but not
    # my device key
    _paste(theirs.path, copy, "store_id", "key_seal", "device_public_key")
    before = _snapshot(copy.parent)
    with Store.open(copy) as store, pytest.raises(StoreCorrupt, match="device key"):
        store.unlock("their passphrase")
    assert _snapshot(copy.parent) == before


def _paste(source: Path, target: Path, *names: str) -> None:
    src = sqlite3.connect(source)
    rows = src.execute(f"SELECT name, value FROM meta WHERE name IN ({', '.join('?' * len(names))})",
                       names).fetchall()
    src.close()
    conn = sqlite3.connect(target)
    conn.executemany("UPDATE meta SET value = ? WHERE name = ?", [(v, n) for n, v in rows])
    conn.commit()
    conn.close()


def test_a_store_that_fails_to_open_does_not_take_the_caller_down(tmp_path: Path) -> None:
    """Every refusal is a StoreError, so the app can show it and carry on."""
    path = tmp_path / "records.db"
    for content in (b"SQLite format 3\x00" + b"\xff" * 200, b"SQLite format 3\x00" + bytes(4096)):
        path.write_bytes(content)
        with pytest.raises(StoreError):
            Store.open(path).unlock(PASS)
