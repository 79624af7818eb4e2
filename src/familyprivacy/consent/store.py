"""The encrypted, tamper-evident offline store of one worker's visits and decisions.

One SQLite file per worker. Each visit and each decision is an event in the
signed hash chain of ``consent.envelope``: the header (routing facts only) is in
clear, the body (everything personal) is AES-GCM encrypted under the data key,
which only the worker's passphrase unwraps. Each event and its outbox row are
written in one fully-synced transaction, so a save that returned survives a crash.

Typical use by the recording screens::

    store = Store.create(path, passphrase, worker_name)     # or Store.open(path)
    store.unlock(passphrase)                                # WrongPassphrase if not
    visit_id = store.record_visit(visit)
    event_id = store.record_decision(decision)              # decision.replaces names the earlier one
    store.current_decisions(visit_id)                       # {choice_id: Decision}, derived from events
    store.find_by_case_reference("CH-12345")                # decrypts and matches in memory
    store.set_secret("inbox-device-token", token)          # encrypted; store.secret(name) reads it
    store.lock()

``find_by_case_reference`` decrypts the visit bodies and compares in memory,
rather than keeping a keyed index: a worker's store holds tens to hundreds of
visits, and an index would be one more thing derived from a reference on disk.
The sync reads the outbox through the methods of ``OutboxMixin``.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from familyprivacy.consent import crypto, db, schema, state
from familyprivacy.consent.chain import VerifyReport, verify_chain
from familyprivacy.consent.envelope import GENESIS, Envelope, canonical, public_key_bytes, seal
from familyprivacy.consent.errors import NotAStore, StoreCorrupt, StoreError, StoreLocked, UnknownRecord
from familyprivacy.consent.model import Decision, ModelError, Visit, new_id, utc_now
from familyprivacy.consent.outbox import OutboxMixin

_Record = TypeVar("_Record", Visit, Decision)
_SEALED_PREFIX = "secret:"  # meta rows of ``set_secret``; the rest of meta is the store's own


class Store(OutboxMixin):
    """A worker's records. Opened locked; ``unlock`` with the passphrase before reading or writing."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._mutex = threading.RLock()
        self._data_key: bytes | None = None
        self._signing_key: Ed25519PrivateKey | None = None
        self._worker_name: str | None = None
        self._decision_cache: dict[str, tuple[int, list[Decision]]] = {}
        self._visit_cache: dict[str, Visit] = {}
        meta = self._meta()
        if meta.get("format") != schema.FORMAT:
            raise NotAStore(f"{path}: is a SQLite database but not a records store")
        try:
            self.store_id = bytes(meta["store_id"]).decode("ascii")
            self.device_id: str = bytes(meta["device_id"]).decode("ascii")
            self._public_key = bytes(meta["device_public_key"])
        except (KeyError, UnicodeDecodeError):
            raise StoreCorrupt(f"{path}: the store's identity is missing or damaged") from None

    # --- lifecycle --------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, passphrase: str, worker_name: str,
               kdf: crypto.KdfParams | None = None) -> Store:
        """Make a new, empty store at ``path`` (never over an existing file) and return it unlocked."""
        path = Path(path)
        if not passphrase:
            raise StoreError("a passphrase is needed to protect the records")
        if not worker_name.strip():
            raise StoreError("the store needs the worker's name")
        if path.exists():
            raise StoreError(f"{path}: a file is already there; it was not changed")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        params = kdf or crypto.KdfParams.default()
        data_key, signing_key = crypto.new_key(), Ed25519PrivateKey.generate()
        store_id, device_id = new_id(), new_id()
        raw_private = signing_key.private_bytes(serialization.Encoding.Raw,
                                                serialization.PrivateFormat.Raw,
                                                serialization.NoEncryption())
        meta: dict[str, bytes] = {
            "format": schema.FORMAT, "store_id": store_id.encode(), "device_id": device_id.encode(),
            "created_at": utc_now().encode(), "kdf": params.to_json().encode(),
            "wrapped_key": crypto.wrap_data_key(passphrase, params, data_key, store_id),
            "device_public_key": public_key_bytes(signing_key),
            "device_private_key": crypto.encrypt(data_key, raw_private, b"device-key:" + device_id.encode()),
            "worker_name": crypto.encrypt(data_key, worker_name.encode(), b"worker:" + store_id.encode()),
        }
        partial = path.with_name(path.name + ".creating")
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)  # the worker's alone; SQLite gives -wal and -shm the same mode
        conn = db.connect(partial, create=True)
        try:
            db.make_durable(conn, partial)
            conn.execute("BEGIN IMMEDIATE")
            schema.create(conn)
            conn.executemany("INSERT INTO meta (name, value) VALUES (?, ?)", list(meta.items()))
            conn.execute("COMMIT")
        finally:
            conn.close()
        _publish(partial, path)
        _fsync_dir(path.parent)
        store = cls.open(path)
        store._set_keys(data_key, signing_key, worker_name)
        return store

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open an existing store, locked. Refuses, without writing, anything that is not one."""
        path = Path(path)
        conn = db.connect(path)
        try:
            version = schema.read_version(conn, path)
            if version == 0:
                raise NotAStore(f"{path}: is a SQLite database but not a records store")
            db.quick_check(conn, path)
            db.make_durable(conn, path)
            schema.upgrade(conn, path)
            return cls(conn, path)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreCorrupt(f"{path}: the file is damaged ({exc}); it was not changed") from None
        except BaseException:
            conn.close()
            raise

    def unlock(self, passphrase: str) -> None:
        """Derive the key from the passphrase; raises WrongPassphrase and changes nothing if it is wrong."""
        meta = self._meta()
        params = crypto.KdfParams.from_json(bytes(meta["kdf"]))
        data_key = crypto.unwrap_data_key(passphrase, params, bytes(meta["wrapped_key"]), self.store_id)
        try:
            raw = crypto.decrypt(data_key, bytes(meta["device_private_key"]),
                                 b"device-key:" + self.device_id.encode())
            name = crypto.decrypt(data_key, bytes(meta["worker_name"]),
                                  b"worker:" + self.store_id.encode()).decode()
            signing_key = Ed25519PrivateKey.from_private_bytes(raw)
        except (InvalidTag, KeyError, ValueError):
            raise StoreCorrupt(f"{self.path}: the device key does not belong to this store's key") from None
        if public_key_bytes(signing_key) != self._public_key:
            raise StoreCorrupt(f"{self.path}: the device's public key was replaced")
        self._set_keys(data_key, signing_key, name)

    def _set_keys(self, data_key: bytes, signing_key: Ed25519PrivateKey, worker_name: str) -> None:
        with self._mutex:
            self._data_key, self._signing_key, self._worker_name = data_key, signing_key, worker_name

    def lock(self) -> None:
        """Forget the keys; reading or writing needs ``unlock`` again."""
        with self._mutex:
            self._data_key = self._signing_key = self._worker_name = None
            self._decision_cache, self._visit_cache = {}, {}

    @property
    def is_unlocked(self) -> bool:
        return self._data_key is not None

    def close(self) -> None:
        self.lock()
        with self._mutex:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def device_public_key(self) -> bytes:
        """The raw Ed25519 public key that signs this store's events (for enrolment with the inbox)."""
        return self._public_key

    def worker_name(self) -> str:
        self._keys()
        assert self._worker_name is not None
        return self._worker_name

    def change_passphrase(self, new_passphrase: str, kdf: crypto.KdfParams | None = None) -> None:
        """Re-wrap the data key (e.g. with stronger Argon2id parameters); the records are not rewritten."""
        data_key, _ = self._keys()
        if not new_passphrase:
            raise StoreError("a passphrase is needed to protect the records")
        params = kdf or crypto.KdfParams.default()
        wrapped = crypto.wrap_data_key(new_passphrase, params, data_key, self.store_id)
        with self._transaction():
            self._conn.executemany("UPDATE meta SET value = ? WHERE name = ?",
                                   [(params.to_json().encode(), "kdf"), (wrapped, "wrapped_key")])

    # --- secrets ----------------------------------------------------------------------------------

    def set_secret(self, name: str, value: str) -> None:
        """Keep a small secret of this store's (the inbox's device token) encrypted beside its records.

        A secret belongs to one worker's store, as its device key does, and is as safe as the records:
        AES-GCM under the data key, a fresh nonce per write, bound to this store and this name.
        Needs the store unlocked (``StoreLocked`` otherwise); replaces any earlier value.
        """
        data_key, _ = self._keys()
        blob = crypto.encrypt(data_key, value.encode("utf-8"), self._secret_ad(name))
        with self._transaction():
            self._conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                               (_SEALED_PREFIX + name, blob))

    def secret(self, name: str) -> str | None:
        """The secret saved under ``name``, or None if there is none. Needs the store unlocked."""
        data_key, _ = self._keys()
        where = self._secret_ad(name)
        with self._mutex:
            row = self._conn.execute("SELECT value FROM meta WHERE name = ?",
                                     (_SEALED_PREFIX + name,)).fetchone()
        if row is None:
            return None
        try:
            return crypto.decrypt(data_key, bytes(row[0]), where).decode("utf-8")
        except (InvalidTag, UnicodeDecodeError):
            raise StoreCorrupt(f"{self.path}: a saved secret cannot be decrypted (altered, moved, or "
                               "made with another store's key)") from None

    def _secret_ad(self, name: str) -> bytes:
        if not (0 < len(name) <= 100 and name.isascii() and name.isprintable()):
            raise StoreError("a secret's name must be short printable ASCII text")
        return f"secret:{name}|store:{self.store_id}".encode()

    # --- writing ----------------------------------------------------------------------------------

    def record_visit(self, visit: Visit) -> str:
        """Save a visit (validated) as a signed event; returns its visit_id."""
        body = visit.to_body()
        with self._transaction():
            if self._conn.execute("SELECT 1 FROM events WHERE visit_id = ? AND type = 'visit'",
                                  (visit.visit_id,)).fetchone():
                raise StoreError("a visit with this id is already recorded")
            self._append("visit", visit.visit_id, visit.council_id, visit.notice_id, body)
        return visit.visit_id

    def record_decision(self, decision: Decision) -> str:
        """Save a decision as a signed event (a change names the one it replaces); returns the event id."""
        body = decision.to_body()
        with self._mutex:
            with self._transaction():
                visit = self._visit(decision.visit_id)
                earlier = self._decisions(decision.visit_id)  # brings the cache up to the last commit
                state.check_next(visit, earlier, decision)
                event_id, seq = self._append("decision", visit.visit_id, visit.council_id, visit.notice_id,
                                             body)
            self._decision_cache[visit.visit_id] = (seq, [*earlier, decision])  # committed
        return event_id

    def _append(self, kind: str, visit_id: str, council_id: str, notice_id: str,
                body: dict[str, Any]) -> tuple[str, int]:
        data_key, signing_key = self._keys()
        last = self._conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        event_id = new_id()
        plain = canonical(body)
        env = seal({"event_id": event_id, "device_id": self.device_id, "seq": seq, "prev": prev,
                    "type": kind, "council_id": council_id, "notice_id": notice_id,
                    "recorded_at": utc_now()}, body, signing_key, body_bytes=plain)
        blob = crypto.encrypt(data_key, plain, crypto.body_ad(event_id, visit_id))
        now = time.time()
        self._conn.execute(
            "INSERT INTO events (seq, event_id, type, visit_id, header, hash, signature, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, event_id, kind, visit_id, canonical(env.header).decode(), env.hash,
             base64.b64decode(env.signature), blob))
        self._conn.execute("INSERT INTO outbox (seq, state, changed_at) VALUES (?, 'waiting', ?)", (seq, now))
        head = {"seq": seq, "hash": env.hash, "mac": crypto.mac(crypto.subkey(data_key, "head"),
                                                                 f"{seq}:{env.hash}".encode())}
        self._conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('head', ?)",
                           (json.dumps(head).encode(),))
        return event_id, seq

    # --- reading ----------------------------------------------------------------------------------

    def visits(self) -> list[Visit]:
        """Every visit still on the laptop (not yet erased after sync), oldest first."""
        self._keys()
        with self._mutex:
            rows = self._conn.execute("SELECT seq, event_id, visit_id, body FROM events WHERE type = 'visit' "
                                      "AND body IS NOT NULL ORDER BY seq").fetchall()
            return [self._load(Visit, *row) for row in rows]

    def visit(self, visit_id: str) -> Visit:
        self._keys()
        with self._mutex:
            return self._visit(visit_id)

    def decisions(self, visit_id: str) -> list[Decision]:
        """Every decision event of a visit, in the order recorded (the history)."""
        self._keys()
        with self._mutex:
            self._visit(visit_id)
            return self._decisions(visit_id)

    def current_decisions(self, visit_id: str) -> dict[str, Decision]:
        """The current decision for each choice of a visit, derived from its events."""
        return state.current(self.decisions(visit_id))

    def find_by_case_reference(self, reference: str) -> list[Visit]:
        """Visits for a case reference (exact, ignoring case and surrounding spaces)."""
        wanted = reference.strip().casefold()
        return [v for v in self.visits() if v.case_reference.strip().casefold() == wanted]

    def events(self) -> Iterator[Envelope]:
        """Every event in chain order; bodies decrypted (None where erased)."""
        self._keys()
        with self._mutex:
            rows = self._conn.execute("SELECT seq, event_id, visit_id, header, hash, signature, body "
                                      "FROM events ORDER BY seq").fetchall()
        for seq, event_id, visit_id, header, digest, signature, body in rows:
            yield Envelope(json.loads(header), self._body(seq, event_id, visit_id, body) if body else None,
                           digest,
                           base64.b64encode(signature).decode("ascii"))

    def verify(self) -> VerifyReport:
        """Check the whole chain, every signature and (when unlocked) every body; raises ChainBroken."""
        with self._mutex:
            return verify_chain(self._conn, self.device_id, self._public_key, self._data_key)

    def _visit(self, visit_id: str) -> Visit:
        row = self._conn.execute("SELECT seq, event_id, visit_id, body FROM events WHERE visit_id = ? AND "
                                 "type = 'visit' AND body IS NOT NULL", (visit_id,)).fetchone()
        if row is None:
            raise UnknownRecord("no such visit on this laptop (it may have been synced and erased)")
        known = self._visit_cache.get(visit_id)
        if known is None:  # a visit never changes: decrypt it once per unlock
            known = self._visit_cache[visit_id] = self._load(Visit, *row)
        return known

    def _decisions(self, visit_id: str) -> list[Decision]:
        """Decrypts only what is new since the last call: events are never changed, only appended
        (or erased with their whole visit, which ``_visit`` then refuses)."""
        last_seq, known = self._decision_cache.get(visit_id, (0, []))
        rows = self._conn.execute("SELECT seq, event_id, visit_id, body FROM events WHERE visit_id = ? AND "
                                  "type = 'decision' AND body IS NOT NULL AND seq > ? ORDER BY seq",
                                  (visit_id, last_seq)).fetchall()
        if rows:
            known = known + [self._load(Decision, *row) for row in rows]
            self._decision_cache[visit_id] = (rows[-1][0], known)
        return list(known)

    def _load(self, cls: type[_Record], seq: int, event_id: str, visit_id: str, blob: bytes) -> _Record:
        try:
            record = cls.from_body(self._body(seq, event_id, visit_id, blob))
        except ModelError as exc:
            raise StoreCorrupt(f"event seq {seq}: its content is invalid ({exc})") from None
        if record.visit_id != visit_id:
            raise StoreCorrupt(f"event seq {seq}: filed under the wrong visit")
        return record

    def _body(self, seq: int, event_id: str, visit_id: str, blob: bytes) -> dict[str, Any]:
        data_key, _ = self._keys()
        try:
            body = json.loads(crypto.decrypt(data_key, bytes(blob), crypto.body_ad(event_id, visit_id)))
        except InvalidTag:
            raise StoreCorrupt(f"event seq {seq}: cannot be decrypted (altered, moved, or made with another "
                               "store's key)") from None
        except ValueError:
            raise StoreCorrupt(f"event seq {seq}: decrypted content is not JSON") from None
        if not isinstance(body, dict):
            raise StoreCorrupt(f"event seq {seq}: decrypted content is not an object")
        return body

    # --- plumbing ---------------------------------------------------------------------------------

    def _keys(self) -> tuple[bytes, Ed25519PrivateKey]:
        data_key, signing_key = self._data_key, self._signing_key
        if data_key is None or signing_key is None:
            raise StoreLocked("the records are locked; unlock them with the passphrase first")
        return data_key, signing_key

    def _meta(self) -> dict[str, bytes]:
        try:
            return {name: bytes(value) for name, value in self._conn.execute("SELECT name, value FROM meta")}
        except sqlite3.DatabaseError:
            raise NotAStore(f"{self.path}: is a SQLite database but not a records store") from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT (fsync'd): all of it is saved, or none of it."""
        with self._mutex:
            self._keys()
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")


def _publish(partial: Path, path: Path) -> None:
    """Give the finished file its name, never replacing a file that appeared there meanwhile."""
    try:
        os.link(partial, path)
    except FileExistsError:
        partial.unlink()
        raise StoreError(f"{path}: a file appeared there while the store was being made; "
                         "it was not changed") from None
    except OSError:  # no hard links here (e.g. FAT): a rename that refuses to replace
        if path.exists():
            partial.unlink()
            raise StoreError(f"{path}: a file is already there; it was not changed") from None
        os.rename(partial, path)
        return
    partial.unlink()


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
