"""The anchor: what was acknowledged and what the inbox confirmed, kept outside the database file.

A save returns to the worker only once its transaction is committed (fsync'd) *and* the anchor beside
the store (``records.db.anchor``) names it: the newest acknowledged event's seq and hash, and the newest
event the council's inbox confirmed, under a MAC keyed by a subkey of the store's data key. Whatever
later takes saves out of the file leaves the store *behind* its anchor, and ``verify`` says so in plain
words: a ``-wal`` damaged after a crash (SQLite drops every frame from the first bad one on, and the
seal of the newest event goes with them), an older copy of the file put back, a confirmation undone.

Crash order. The anchor is written after the commit, so a crash in between leaves the store *ahead* of
its anchor, which is no loss; only a store behind it has lost something. The file is replaced whole
(temp file, fsync, rename, fsync of the folder), by a process holding the database's write lock, so two
processes never move it backwards.

A problem found while writing (the store behind its anchor, the anchor missing or not this store's) is
written into the new anchor (``problems``) before it moves on to the store's head, so saving again never
washes it away; ``records repair --accept-loss`` marks what is on record as accepted, and ``verify``
then lists it beside OK instead of failing.
"""

from __future__ import annotations

import hmac
import json
import os
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from familyprivacy.consent import crypto, db
from familyprivacy.consent.envelope import GENESIS, canonical

FORMAT = "familyprivacy-anchor"
VERSION = 1
SUFFIX = ".anchor"
WHAT = "the record of acknowledged saves"  # how messages name the anchor, with its file name


class AnchorUnreadable(Exception):
    """The anchor file is there but cannot be used: the message says why (never personal data)."""


@dataclass(frozen=True)
class Mark:
    """An event by seq and hash, and when it was recorded here (UTC). Seq 0 is "none yet"."""

    seq: int
    hash: str
    at: str


@dataclass(frozen=True)
class Problem:
    """Something found wrong while the anchor was written; kept until accepted, and after."""

    found_at: str
    what: str
    accepted_at: str | None = None


@dataclass(frozen=True)
class Anchor:
    store_id: str
    saved: Mark  # the newest save acknowledged to the worker
    confirmed: Mark  # the newest event the council's inbox confirmed
    problems: tuple[Problem, ...] = ()

    def open_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.accepted_at is None]

    def accept(self, when: str) -> Anchor:
        return replace(self, problems=tuple(p if p.accepted_at else replace(p, accepted_at=when)
                                            for p in self.problems))

    def _data(self) -> dict[str, Any]:
        return {"format": FORMAT, "v": VERSION, "store_id": self.store_id,
                "saved": vars(self.saved), "confirmed": vars(self.confirmed),
                "problems": [vars(p) for p in self.problems]}


def path_for(store: Path) -> Path:
    return store.with_name(store.name + SUFFIX)


def _mac(data_key: bytes, data: dict[str, Any]) -> str:
    return crypto.mac(crypto.subkey(data_key, "anchor"), canonical(data))


def read(path: Path, store_id: str, data_key: bytes | None) -> Anchor | None:
    """The anchor at ``path``, or None when there is no file. Raises ``AnchorUnreadable`` when it is damaged,
    belongs to another store or (with the key) was not written by this one. Without the key its claims are
    read unchecked: a forged claim can only make a store look worse, never better."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AnchorUnreadable(f"cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(raw)
        mac = str(data.pop("mac"))
        if data.get("format") != FORMAT or data.get("v") != VERSION:
            raise ValueError
        anchor = Anchor(str(data["store_id"]), _mark(data["saved"]), _mark(data["confirmed"]),
                        tuple(Problem(str(p["found_at"]), str(p["what"]),
                                      None if p.get("accepted_at") is None else str(p["accepted_at"]))
                              for p in data["problems"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise AnchorUnreadable("is damaged") from None
    if anchor.store_id != store_id:
        raise AnchorUnreadable("belongs to another store")
    if data_key is not None and not hmac.compare_digest(mac, _mac(data_key, data)):
        raise AnchorUnreadable("was not written by this store (its seal does not match)")
    return anchor


def _mark(data: Any) -> Mark:
    seq, digest, at = int(data["seq"]), str(data["hash"]), str(data["at"])
    if seq < 0 or len(digest) != len(GENESIS):
        raise ValueError
    return Mark(seq, digest, at)


def write(path: Path, anchor: Anchor, data_key: bytes) -> None:
    """Replace the anchor whole: temp file, fsync, rename, fsync of the folder. Owner-only (0600)."""
    data = anchor._data()
    data["mac"] = _mac(data_key, anchor._data())
    partial = path.with_name(path.name + ".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(canonical(data))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)
    db.fsync_dir(path.parent)


def behind(anchor: Anchor, conn: sqlite3.Connection, last_seq: int) -> tuple[int, str] | None:
    """The first way the store (whose newest event is ``last_seq``) is behind ``anchor``, as (the first
    seq missing or different, what to tell the worker); None when it is level with it or ahead."""
    saved, confirmed = anchor.saved, anchor.confirmed
    if saved.seq > last_seq:
        return last_seq + 1, (f"{last_seq} events present, {saved.seq} acknowledged: {saved.seq - last_seq} "
                              f"lost, last seen at {saved.at}")
    if saved.seq and _hash_at(conn, saved.seq) != saved.hash:
        return saved.seq, (f"event seq {saved.seq} is not the one acknowledged at {saved.at}: the file was "
                           "rolled back or replaced")
    if confirmed.seq > last_seq:
        return last_seq + 1, (f"{last_seq} events present, but the inbox confirmed events up to seq "
                              f"{confirmed.seq} at {confirmed.at}: {confirmed.seq - last_seq} lost")
    if confirmed.seq:
        row = conn.execute("SELECT e.hash, o.state FROM events e LEFT JOIN outbox o ON o.seq = e.seq "
                           "WHERE e.seq = ?", (confirmed.seq,)).fetchone()
        if row is None or _text(row[0]) != confirmed.hash:
            return confirmed.seq, (f"event seq {confirmed.seq} is not the one the inbox confirmed at "
                                   f"{confirmed.at}: the file was rolled back or replaced")
        if row[1] != "confirmed":
            return confirmed.seq, (f"the inbox confirmed events up to seq {confirmed.seq} at {confirmed.at}, "
                                   f"but this store shows seq {confirmed.seq} as {row[1]}: the file was "
                                   "rolled back")
    return None


def _hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else _text(row[0])


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
