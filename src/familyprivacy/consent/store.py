"""The encrypted, tamper-evident offline store of one worker's visits and decisions.

One SQLite file per worker. Each visit and each decision is an event in the
signed hash chain of ``consent.envelope``: the header (routing facts only) is in
clear, the body (everything personal) is AES-GCM encrypted under the data key,
which only the worker's passphrase unwraps. Each event and its outbox row are
written in one fully-synced transaction, and a save returns only once the anchor
beside the file (``consent.anchor``) names it too, so a save that returned
survives a crash, and one that later goes missing is reported by ``verify``.

Typical use by the recording screens::

    store = Store.create(path, passphrase, worker_name)     # or Store.open(path)
    store.unlock(passphrase)                                # WrongPassphrase if not
    visit_id = store.record_visit(visit)
    event_id = store.record_decision(decision)              # decision.replaces names the earlier one
    store.current_decisions(visit_id)                       # {choice_id: Decision}, derived from events
    store.find_by_case_reference("CH-12345")                # decrypts and matches in memory
    store.set_secret("inbox-device-token", token)          # encrypted; store.secret(name) reads it
    store.verify()                                          # chain, seals, anchor, integrity_check
    store.repair()                                          # rebuild damaged indexes from the rows
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

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from familyprivacy import paths
from familyprivacy.consent import anchor, checks, crypto, db, schema, state
from familyprivacy.consent.anchor import Anchor, AnchorUnreadable, Mark, Problem
from familyprivacy.consent.chain import (
    HEAD_VERSION,
    ChainState,
    VerifyReport,
    check_chain,
    check_head,
    head_version,
    outbox_seal,
    seal_head,
)
from familyprivacy.consent.envelope import (
    GENESIS,
    Envelope,
    canonical,
    load_public_key,
    public_key_bytes,
    seal,
)
from familyprivacy.consent.errors import (
    ChainBroken,
    IndexDamaged,
    NotAStore,
    SavesLost,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    UnknownRecord,
)
from familyprivacy.consent.model import Decision, ModelError, Visit, new_id, utc_now
from familyprivacy.consent.outbox import OutboxMixin

_Record = TypeVar("_Record", Visit, Decision)
_SEALED_PREFIX = "secret:"  # meta rows of ``set_secret``; the rest of meta is the store's own
# After a save's COMMIT, the first statement of writing its anchor (the crash tests freeze just before it);
# the same question asked anywhere else is worded differently, so that nothing else matches it.
ANCHOR_SQL = "SELECT e.seq, e.hash FROM events e ORDER BY e.seq DESC LIMIT 1"
_LAST_SQL = "SELECT seq AS newest, hash FROM events ORDER BY seq DESC LIMIT 1"
_CONFIRMED_SQL = ("SELECT e.seq, e.hash FROM outbox o JOIN events e ON e.seq = o.seq "
                  "WHERE o.state = 'confirmed' ORDER BY o.seq DESC LIMIT 1")


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
        paths.private_mkdir(path.parent)
        params = kdf or crypto.KdfParams.default()
        data_key, signing_key = crypto.new_key(), Ed25519PrivateKey.generate()
        store_id, device_id = new_id(), new_id()
        raw_private = signing_key.private_bytes(serialization.Encoding.Raw,
                                                serialization.PrivateFormat.Raw,
                                                serialization.NoEncryption())
        kdf_json = params.to_json().encode()
        wrapped = crypto.wrap_data_key(passphrase, params, data_key, store_id)
        meta: dict[str, bytes] = {
            "format": schema.FORMAT, "store_id": store_id.encode(), "device_id": device_id.encode(),
            "created_at": utc_now().encode(), "kdf": kdf_json, "wrapped_key": wrapped,
            "key_seal": signing_key.sign(_key_settings_message(store_id, kdf_json, wrapped)),
            "device_public_key": public_key_bytes(signing_key),
            "device_private_key": crypto.encrypt(data_key, raw_private, b"device-key:" + device_id.encode()),
            "worker_name": crypto.encrypt(data_key, worker_name.encode(), b"worker:" + store_id.encode()),
            "head": seal_head(data_key, 0, GENESIS),
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
        # the anchor first: a store whose head says "anchored" is never without one, even after a crash
        now = utc_now()
        anchor_path = anchor.path_for(path)
        anchor.write(anchor_path, Anchor(store_id, Mark(0, GENESIS, now), Mark(0, GENESIS, now)), data_key)
        try:
            _publish(partial, path)
        except BaseException:
            anchor_path.unlink(missing_ok=True)
            raise
        db.fsync_dir(path.parent)
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

    @property
    def anchor_path(self) -> Path:
        """The file beside the store that names its newest acknowledged and confirmed saves."""
        return anchor.path_for(self.path)

    def unlock(self, passphrase: str) -> None:
        """Derive the key from the passphrase; raises WrongPassphrase and changes nothing if it is wrong.

        Damaged or weakened key settings are said to be so (StoreCorrupt), and the passphrase is not tried.
        The first unlock by this release brings a store made by an earlier one up to date: its outbox rows
        sealed, its anchor written, its key settings sealed (one transaction, the anchor written first).
        """
        meta = self._meta()
        params = self._key_settings(meta)
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
        try:
            self._bring_up_to_date(meta)
        except BaseException:
            self.lock()
            raise

    def _key_settings(self, meta: dict[str, bytes]) -> crypto.KdfParams:
        """The Argon2id settings, once they are known to be the ones the store was sealed with."""
        said = f"{self.path}: the store's key settings are"
        kdf_json, wrapped = meta.get("kdf"), meta.get("wrapped_key")
        if kdf_json is None or wrapped is None:
            raise StoreCorrupt(f"{said} damaged (missing); the passphrase was not tried")
        try:
            params = crypto.KdfParams.from_json(kdf_json)
        except StoreCorrupt as exc:
            reason = str(exc).removeprefix("the store's key parameters are ")
            raise StoreCorrupt(f"{said} damaged ({reason}); the passphrase was not tried") from None
        if params.weakened():
            raise StoreCorrupt(f"{said} weakened below the least this app ever uses (Argon2id with "
                               f"{params.memory_cost} KiB, {params.iterations} pass(es)); the passphrase was "
                               "not tried")
        key_seal = meta.get("key_seal")
        if key_seal is not None:  # stores made before the seal get one at their first unlock
            try:
                load_public_key(self._public_key).verify(
                    key_seal, _key_settings_message(self.store_id, kdf_json, wrapped))
            except (InvalidSignature, ValueError):
                if self._public_key_replaced():
                    raise StoreCorrupt(f"{self.path}: the device's public key was replaced") from None
                raise StoreCorrupt(f"{said} damaged (they no longer match their seal: changed outside the "
                                   "app); the passphrase was not tried") from None
        return params

    def _public_key_replaced(self) -> bool:
        """Whether the newest event's signature fails too: then the key, not the settings, was changed."""
        row = self._conn.execute("SELECT hash, signature FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        if row is None:
            return False
        try:
            load_public_key(self._public_key).verify(bytes(row[1]), bytes.fromhex(str(row[0])))
        except (InvalidSignature, ValueError, TypeError):
            return True
        return False

    def _bring_up_to_date(self, meta: dict[str, bytes]) -> None:
        """Seal and anchor a store made before the anchor (``HEAD_VERSION``) and the key settings' seal."""
        data_key, signing_key = self._keys()
        sealed_keys = "key_seal" in meta
        try:
            anchored = head_version(meta.get("head")) >= HEAD_VERSION
        except ChainBroken:
            anchored = True  # a damaged head is verify's to report, not this to paper over
        if sealed_keys and anchored:
            return
        with self._mutex:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if not sealed_keys:
                    message = _key_settings_message(self.store_id, meta["kdf"], meta["wrapped_key"])
                    self._conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('key_seal', ?)",
                                       (signing_key.sign(message),))
                if not anchored:
                    self._anchor_first(data_key)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def _anchor_first(self, data_key: bytes) -> None:
        """Inside a write transaction: seal every outbox row, write the anchor, then the version-2 head.
        An anchor already there (an earlier attempt that crashed before its commit) is checked first."""
        last = self._conn.execute(_LAST_SQL).fetchone()
        current, found = self._anchor_state(data_key, require=False, last=last)
        head = self._conn.execute("SELECT value FROM meta WHERE name = 'head'").fetchone()
        try:  # what the old head says is kept on record before the new head replaces it
            check_head(None if head is None else head[0], int(last[0]) if last else 0,
                       str(last[1]) if last else GENESIS, data_key)
        except ChainBroken as exc:
            found.append(str(exc))
        outbox_key = crypto.subkey(data_key, "outbox")
        rows = self._conn.execute("SELECT o.seq, e.hash, o.state, o.reason, o.changed_at FROM outbox o "
                                  "JOIN events e ON e.seq = o.seq WHERE o.mac IS NULL").fetchall()
        self._conn.executemany("UPDATE outbox SET mac = ? WHERE seq = ?", [
            (outbox_seal(outbox_key, seq, digest, state_, reason, changed_at), seq)
            for seq, digest, state_, reason, changed_at in rows])
        written = self._write_anchor(data_key, current, found, last)
        self._conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('head', ?)",
                           (seal_head(data_key, written.saved.seq, written.saved.hash),))

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
        if params.weakened():
            raise StoreError("those key settings are weaker than the least this app uses")
        _, signing_key = self._keys()
        kdf_json = params.to_json().encode()
        wrapped = crypto.wrap_data_key(new_passphrase, params, data_key, self.store_id)
        key_seal = signing_key.sign(_key_settings_message(self.store_id, kdf_json, wrapped))
        with self._transaction():
            self._conn.executemany("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                                   [("kdf", kdf_json), ("wrapped_key", wrapped), ("key_seal", key_seal)])

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
        checks.printable(body, "visit")
        with self._transaction(anchored=True):
            if self._conn.execute("SELECT 1 FROM events WHERE visit_id = ? AND type = 'visit'",
                                  (visit.visit_id,)).fetchone():
                raise StoreError("a visit with this id is already recorded")
            self._append("visit", visit.visit_id, visit.council_id, visit.notice_id, body)
        return visit.visit_id

    def record_decision(self, decision: Decision) -> str:
        """Save a decision as a signed event (a change names the one it replaces); returns the event id."""
        body = decision.to_body()
        checks.printable(body, "decision")
        with self._mutex:
            with self._transaction(anchored=True):
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
        self._conn.execute("INSERT INTO outbox (seq, state, changed_at, mac) VALUES (?, 'waiting', ?, ?)",
                           (seq, now, self._outbox_seal(seq, env.hash, "waiting", None, now)))
        self._conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('head', ?)",
                           (seal_head(data_key, seq, env.hash),))
        return event_id, seq

    def _outbox_seal(self, seq: int, event_hash: str, state_: str, reason: str | None,
                     changed_at: float) -> str:
        data_key, _ = self._keys()
        return outbox_seal(crypto.subkey(data_key, "outbox"), seq, event_hash, state_, reason, changed_at)

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
        """Check everything that decides what syncs and what the worker sees; raises ChainBroken (or its
        SavesLost, IndexDamaged) naming the first problem.

        In one read snapshot: the chain, every signature, every outbox row's seal and (unlocked) every
        body; the store against its anchor (nothing acknowledged or confirmed may be missing); then
        ``PRAGMA integrity_check`` over every table and index. Locked, the seals are not checked but
        the anchor's claims are still compared: a forged claim can only make the store look worse.
        """
        with self._mutex:
            data_key = self._data_key
            self._conn.execute("BEGIN")  # one snapshot for all of it, whoever writes meanwhile
            try:
                chain = check_chain(self._conn, self.device_id, self._public_key, data_key)
                current, accepted = self._verify_anchor(chain, data_key)
                problems = db.integrity_problems(self._conn)
                if problems:
                    self._raise_damage(problems)
            except sqlite3.DatabaseError as exc:
                raise ChainBroken(0, f"{self.path}: the file is damaged ({exc})") from None
            finally:
                self._conn.execute("ROLLBACK")
        return VerifyReport(chain.events, chain.bodies_checked, chain.bodies_erased, chain.head_checked,
                            chain.outbox_sealed, None if current is None else current.saved.seq,
                            0 if current is None else current.confirmed.seq, True, accepted)

    def _verify_anchor(self, chain: ChainState, data_key: bytes | None
                       ) -> tuple[Anchor | None, tuple[str, ...]]:
        where, name = self.path, self.anchor_path.name
        try:
            current = anchor.read(self.anchor_path, self.store_id, data_key)
        except AnchorUnreadable as exc:
            raise SavesLost(0, f"{where}: {anchor.WHAT} ({name}) {exc}: lost saves cannot be ruled "
                               "out") from None
        if current is None:
            if chain.head_version >= HEAD_VERSION:
                raise SavesLost(0, f"{where}: {anchor.WHAT} ({name}) is missing: lost saves cannot be ruled "
                                   "out")
            return None, ()  # made before the anchor and not unlocked since: nothing to compare with
        if (found := anchor.behind(current, self._conn, chain.last_seq)) is not None:
            raise SavesLost(found[0], f"{where}: {found[1]}")
        if problems := current.open_problems():
            raise SavesLost(0, f"{where}: " + "; ".join(f"found at {p.found_at}: {p.what}" for p in problems)
                            + " (kept on record; 'familyprivacy records repair --accept-loss' accepts it)")
        return current, tuple(f"found at {p.found_at}, accepted at {p.accepted_at}: {p.what}"
                              for p in current.problems)

    def _raise_damage(self, problems: list[str]) -> None:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        indexes = db.damaged_indexes(self._conn, problems)
        if indexes:
            raise IndexDamaged(f"{self.path}: {db.describe_indexes(indexes)} "
                               f"{'is' if len(indexes) == 1 else 'are'} damaged ({shown}); the rows "
                               "themselves are intact: run 'familyprivacy records repair' to rebuild the "
                               "indexes from them")
        raise ChainBroken(0, f"{self.path}: the file is damaged ({len(problems)} problem(s): {shown})")

    # --- repair -----------------------------------------------------------------------------------

    def repair(self) -> list[str]:
        """Rebuild the indexes (REINDEX) from the rows when integrity_check finds damage in them alone.

        Returns what was found (empty: nothing to rebuild). Raises StoreCorrupt, changing nothing, when
        the damage lies elsewhere. The rows themselves are checked by ``verify``, which callers run next.
        """
        with self._mutex:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                problems = db.integrity_problems(self._conn)
                if problems:
                    if not db.damaged_indexes(self._conn, problems):
                        raise StoreCorrupt(f"{self.path}: the damage is not only in the indexes, so "
                                           f"rebuilding them cannot mend it ({'; '.join(problems[:3])}); "
                                           "nothing was changed")
                    self._conn.execute("REINDEX")
                    if left := db.integrity_problems(self._conn):
                        raise StoreCorrupt(f"{self.path}: still damaged after rebuilding the indexes "
                                           f"({'; '.join(left[:3])}); nothing was changed")
                self._conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self._conn.execute("ROLLBACK")
                raise StoreCorrupt(f"{self.path}: the indexes could not be rebuilt ({exc}); nothing was "
                                   "changed") from None
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._decision_cache, self._visit_cache = {}, {}
        return problems

    def accept_losses(self) -> int:
        """Mark every problem on record in the anchor (and any the store shows now) as accepted, and anchor
        the store where it stands. They stay on record: ``verify`` lists them beside OK. Returns how many."""
        data_key, _ = self._keys()
        with self._mutex:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                last = self._conn.execute(_LAST_SQL).fetchone()
                current, found = self._anchor_state(data_key, require=True, last=last)
                self._write_anchor(data_key, current, found, last, accept=True)
            finally:
                self._conn.execute("ROLLBACK")
        return len(found) + (len(current.open_problems()) if current is not None else 0)

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
    def _transaction(self, anchored: bool = False) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT (fsync'd): all of it is saved, or none of it.

        ``anchored`` (saves, and changes of sync state): the store is compared with its anchor before
        anything is written, and after the commit the anchor is brought level with it, before this
        returns. What the comparison finds is written into the anchor, never over it."""
        with self._mutex:
            data_key, _ = self._keys()
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                found = self._anchor_state(data_key, True, self._conn.execute(_LAST_SQL).fetchone())[1] \
                    if anchored else []
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            if anchored:
                self._anchor_after_commit(data_key, found)

    def _anchor_after_commit(self, data_key: bytes, found: list[str]) -> None:
        """Under the write lock again, so that two processes never move the anchor backwards."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            last = self._conn.execute(ANCHOR_SQL).fetchone()
            current, now_found = self._anchor_state(data_key, require=True, last=last)
            self._write_anchor(data_key, current, found or now_found, last)
        except OSError as exc:
            raise StoreCorrupt(f"{self.anchor_path}: cannot be written ({exc.strerror}); the save itself "
                               "is stored") from None
        finally:
            self._conn.execute("ROLLBACK")

    def _anchor_state(self, data_key: bytes, require: bool, last: Any) -> tuple[Anchor | None, list[str]]:
        """The anchor as it is (None if missing or unreadable), and how the store (whose newest event is
        the row ``last``) is behind it; ``require``: a missing anchor is a problem too."""
        name = self.anchor_path.name
        try:
            current = anchor.read(self.anchor_path, self.store_id, data_key)
        except AnchorUnreadable as exc:
            return None, [f"{anchor.WHAT} ({name}) {exc}"]
        if current is None:
            return None, [f"{anchor.WHAT} ({name}) was missing"] if require else []
        found = anchor.behind(current, self._conn, int(last[0]) if last else 0)
        return current, [] if found is None else [found[1]]

    def _write_anchor(self, data_key: bytes, current: Anchor | None, found: list[str], last: Any,
                      accept: bool = False) -> Anchor:
        """Anchor the store where it stands (its newest event the row ``last``; inside a transaction),
        keeping ``found`` on record."""
        now = utc_now()
        top = self._conn.execute(_CONFIRMED_SQL).fetchone()
        saved = (int(last[0]), str(last[1])) if last else (0, GENESIS)
        confirmed = (int(top[0]), str(top[1])) if top else (0, GENESIS)
        kept = current.problems if current is not None else ()
        new = Anchor(self.store_id,
                     _moved(current.saved if current else None, saved, now, bool(found)),
                     _moved(current.confirmed if current else None, confirmed, now, bool(found)),
                     kept + tuple(Problem(now, what) for what in found))
        if accept:
            new = new.accept(now)
        if new != current:
            anchor.write(self.anchor_path, new, data_key)
        return new


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


def _key_settings_message(store_id: str, kdf_json: bytes, wrapped: bytes) -> bytes:
    """What the device key signs so that changed key settings are told from a wrong passphrase."""
    return b"familyprivacy:key-settings|" + store_id.encode() + b"|" + bytes(kdf_json) + b"|" + bytes(wrapped)


def _moved(old: Mark | None, now_at: tuple[int, str], when: str, always: bool) -> Mark:
    """The mark for ``now_at``: the old one (with its time) if it names the same event, else a new one."""
    if old is not None and not always and (old.seq, old.hash) == now_at:
        return old
    return Mark(now_at[0], now_at[1], when)
