"""Tamper evidence: whatever an attacker with the file changes in an event, verify names the link."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.errors import ChainBroken, StoreCorrupt
from familyprivacy.consent.store import Store
from tests.test_consent_model import sample_decision, sample_visit

PASS = "tamper test passphrase"
TEXT_COLUMNS = ("event_id", "type", "visit_id", "header", "hash")


def _three_events(tmp_path: Path) -> Store:
    store = Store.create(tmp_path / "records.db", PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests())
    visit = sample_visit()
    store.record_visit(visit)
    store.record_decision(sample_decision(visit))
    store.record_decision(sample_decision(visit, choice_id="research", kind="data-consent"))
    assert store.verify().events == 3
    return store


@contextmanager
def attacker(path: Path) -> Iterator[sqlite3.Connection]:
    """Someone editing the file with any SQLite tool: no triggers, no constraints in the way."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    try:
        yield conn
    finally:
        conn.close()


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1:]


def test_flipping_any_byte_of_an_event_is_detected(tmp_path: Path) -> None:
    store = _three_events(tmp_path)
    flips = 0
    with attacker(store.path) as conn:
        for column in (*TEXT_COLUMNS, "signature", "body"):
            original = conn.execute(f"SELECT CAST({column} AS BLOB) FROM events WHERE seq = 2").fetchone()[0]
            cast = "CAST(? AS TEXT)" if column in TEXT_COLUMNS else "?"
            for index in range(len(original)):
                conn.execute(f"UPDATE events SET {column} = {cast} WHERE seq = 2", (_flip(original, index),))
                with pytest.raises(ChainBroken) as caught:
                    store.verify()
                assert caught.value.seq == 2, (column, index)
                flips += 1
            conn.execute(f"UPDATE events SET {column} = {cast} WHERE seq = 2", (original,))
    assert flips > 900  # header, hash, signature, ids, and the whole encrypted body
    assert store.verify().events == 3  # restored exactly: verify passes again


def test_flipping_a_byte_in_the_raw_file_is_detected(tmp_path: Path) -> None:
    store = _three_events(tmp_path)
    digest = store.outbox_pending(3)[1].hash
    store.close()  # checkpoints the WAL into the main file
    raw = store.path.read_bytes()
    header_at = raw.index(b'"seq":2')  # inside event 2's clear header
    store.path.write_bytes(_flip(raw, header_at + 6))
    with Store.open(store.path) as again:
        again.unlock(PASS)
        with pytest.raises(ChainBroken, match="seq 2"):
            again.verify()
    store.path.write_bytes(_flip(raw, raw.index(digest.encode()) + 10))
    with Store.open(store.path) as again, pytest.raises(ChainBroken) as caught:
        again.verify()  # even locked: the hash column no longer matches
    assert caught.value.seq in (2, 3)


def test_reordering_events_is_detected(tmp_path: Path) -> None:
    store = _three_events(tmp_path)
    with attacker(store.path) as conn:
        conn.execute("UPDATE events SET seq = 100 WHERE seq = 2")
        conn.execute("UPDATE outbox SET seq = 100 WHERE seq = 2")
        conn.execute("UPDATE events SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE outbox SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE events SET seq = 3 WHERE seq = 100")
        conn.execute("UPDATE outbox SET seq = 3 WHERE seq = 100")
    with pytest.raises(ChainBroken, match="event seq 2") as caught:
        store.verify()
    assert caught.value.seq == 2


@pytest.mark.parametrize("victim", [1, 2])
def test_deleting_an_event_is_detected(tmp_path: Path, victim: int) -> None:
    store = _three_events(tmp_path)
    with attacker(store.path) as conn:
        conn.execute("DELETE FROM outbox WHERE seq = ?", (victim,))
        conn.execute("DELETE FROM events WHERE seq = ?", (victim,))
    with pytest.raises(ChainBroken) as caught:
        store.verify()
    assert caught.value.seq == victim + 1


def test_deleting_the_newest_event_is_detected(tmp_path: Path) -> None:
    store = _three_events(tmp_path)
    with attacker(store.path) as conn:
        head_before_third = store.outbox_pending(3)[1]
        conn.execute("DELETE FROM outbox WHERE seq = 3")
        conn.execute("DELETE FROM events WHERE seq = 3")
    with pytest.raises(ChainBroken, match="after seq 2 are missing"):
        store.verify()
    # covering it up by rewriting the head is caught by its keyed seal, which only the passphrase opens
    with attacker(store.path) as conn:
        conn.execute("UPDATE meta SET value = json_set(CAST(value AS TEXT), '$.seq', 2, '$.hash', ?) "
                     "WHERE name = 'head'", (head_before_third.hash,))
    with pytest.raises(ChainBroken, match="not written by this store"):
        store.verify()


def test_moving_bodies_or_erasing_unconfirmed_ones_is_detected(tmp_path: Path) -> None:
    store = _three_events(tmp_path)
    with attacker(store.path) as conn:
        body3 = conn.execute("SELECT body FROM events WHERE seq = 3").fetchone()[0]
        body2 = conn.execute("SELECT body FROM events WHERE seq = 2").fetchone()[0]
        conn.execute("UPDATE events SET body = ? WHERE seq = 2", (body3,))
    with pytest.raises(ChainBroken, match="seq 2: its encrypted body was altered or moved"):
        store.verify()
    with attacker(store.path) as conn:
        conn.execute("UPDATE events SET body = ? WHERE seq = 2", (body2,))
        conn.execute("UPDATE events SET body = NULL WHERE seq = 3")
    with pytest.raises(ChainBroken, match="never confirmed"):
        store.verify()


def test_a_substituted_device_key_is_detected(tmp_path: Path) -> None:
    store = _three_events(tmp_path)
    other = Store.create(tmp_path / "other.db", PASS, "Mallory", kdf=KdfParams.fast_for_tests())
    with attacker(store.path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE name = 'device_public_key'",
                     (other.device_public_key(),))
    with Store.open(store.path) as again:
        with pytest.raises(ChainBroken, match="signature is not valid"):
            again.verify()
        with pytest.raises(StoreCorrupt, match="public key was replaced"):
            again.unlock(PASS)
