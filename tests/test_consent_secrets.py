"""A store's secrets (the inbox's device token): encrypted, bound to their name and store, never in clear."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.errors import StoreCorrupt, StoreError, StoreLocked
from familyprivacy.consent.store import Store

PASS = "correct horse battery"
TOKEN = "tok-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a"
ROW = "secret:inbox-device-token"  # the meta row that holds it


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.create(tmp_path / "records.db", PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests())


def _raw_files(store: Store) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in store.path.parent.iterdir() if p.name.startswith("records.db")}


def test_a_secret_survives_lock_and_reopening(store: Store) -> None:
    assert store.secret("inbox-device-token") is None
    store.set_secret("inbox-device-token", TOKEN)
    store.set_secret("other", "ünïcode ✓")
    assert store.secret("inbox-device-token") == TOKEN
    store.close()
    reopened = Store.open(store.path)
    reopened.unlock(PASS)
    assert reopened.secret("inbox-device-token") == TOKEN and reopened.secret("other") == "ünïcode ✓"
    reopened.set_secret("inbox-device-token", "replaced")
    assert reopened.secret("inbox-device-token") == "replaced"
    reopened.close()


def test_an_absent_name_gives_none_and_a_bad_name_is_refused(store: Store) -> None:
    store.set_secret("inbox-device-token", TOKEN)
    assert store.secret("inbox-device-tokens") is None
    for bad in ("", "x" * 101, "tab\there", "naïve"):
        with pytest.raises(StoreError, match="secret's name"):
            store.set_secret(bad, TOKEN)
    store.close()


def test_a_locked_store_neither_reads_nor_writes_a_secret(store: Store) -> None:
    store.set_secret("inbox-device-token", TOKEN)
    store.lock()
    with pytest.raises(StoreLocked):
        store.secret("inbox-device-token")
    with pytest.raises(StoreLocked):
        store.set_secret("inbox-device-token", "other")
    store.unlock(PASS)
    assert store.secret("inbox-device-token") == TOKEN  # the refused write changed nothing
    store.close()


def test_the_token_never_reaches_the_disk_in_clear(store: Store) -> None:
    store.set_secret("inbox-device-token", TOKEN)
    needles = [TOKEN.encode(), TOKEN.encode("utf-16-le"), TOKEN[4:20].encode()]
    while_open = _raw_files(store)
    assert "records.db-wal" in while_open and len(while_open["records.db-wal"]) > 0  # the write is in the WAL
    store.close()
    after_close = _raw_files(store)
    for files in (while_open, after_close):
        for name, data in files.items():
            assert not any(n in data for n in needles), name
    # and it really was written: the row exists, encrypted
    with sqlite3.connect(store.path) as conn:
        (blob,) = conn.execute("SELECT value FROM meta WHERE name = ?", (ROW,)).fetchone()
    assert len(blob) >= 12 + 16 + len(TOKEN)


def test_each_write_uses_a_fresh_nonce(store: Store) -> None:
    blobs = []
    for _ in range(2):
        store.set_secret("inbox-device-token", TOKEN)
        row = store._conn.execute("SELECT value FROM meta WHERE name = ?", (ROW,)).fetchone()
        blobs.append(bytes(row[0]))
    assert blobs[0] != blobs[1] and blobs[0][:12] != blobs[1][:12]
    store.close()


def test_a_value_moved_to_another_name_or_store_fails_to_decrypt(store: Store, tmp_path: Path) -> None:
    store.set_secret("inbox-device-token", TOKEN)
    store.close()
    with sqlite3.connect(store.path) as conn:
        conn.execute("INSERT INTO meta (name, value) SELECT 'secret:moved', value FROM meta WHERE name = ?",
                     (ROW,))
    conn.close()
    reopened = Store.open(store.path)
    reopened.unlock(PASS)
    with pytest.raises(StoreCorrupt, match="secret cannot be decrypted") as caught:
        reopened.secret("moved")
    assert TOKEN not in str(caught.value) and str(store.path) in str(caught.value)
    assert reopened.secret("inbox-device-token") == TOKEN  # the original is untouched
    reopened.close()

    other = Store.create(tmp_path / "other" / "records.db", PASS, "Sam", kdf=KdfParams.fast_for_tests())
    with sqlite3.connect(store.path) as src:
        (blob,) = src.execute("SELECT value FROM meta WHERE name = ?", (ROW,)).fetchone()
    src.close()
    other._conn.execute("INSERT INTO meta (name, value) VALUES (?, ?)", (ROW, blob))
    with pytest.raises(StoreCorrupt):
        other.secret("inbox-device-token")
    other.close()


def test_a_damaged_value_is_reported_not_returned(store: Store) -> None:
    store.set_secret("inbox-device-token", TOKEN)
    row = store._conn.execute("SELECT value FROM meta WHERE name = ?", (ROW,)).fetchone()
    damaged = bytearray(row[0])
    damaged[-1] ^= 1
    store._conn.execute("UPDATE meta SET value = ? WHERE name = ?", (bytes(damaged), ROW))
    with pytest.raises(StoreCorrupt):
        store.secret("inbox-device-token")
    store._conn.execute("UPDATE meta SET value = ? WHERE name = ?", (b"short", ROW))
    with pytest.raises(StoreCorrupt):
        store.secret("inbox-device-token")
    store.close()
