"""The anchor: what was acknowledged and what the inbox confirmed, kept outside the database file.

A save returns to the worker only once its transaction is committed (fsync'd) *and* the anchor beside
the store (``records.db.anchor``) names it: the newest acknowledged event's seq and hash, and the newest
event the council's inbox confirmed, under a MAC keyed by a subkey of the store's data key. Whatever
later takes saves out of the file leaves the store *behind* its anchor, and ``verify`` says so in plain
words: a ``-wal`` damaged after a crash (SQLite drops every frame from the first bad one on, and the
seal of the newest event goes with them), an older copy of the file put back, a confirmation undone.

Crash order. The anchor is written after the commit, so a crash in between leaves the store *ahead* of
its anchor, which is no loss; only a store behind it has lost something. The file holds two slots,
written in turn, each with a generation number and its own MAC: a save overwrites the older slot in
place and fsyncs once (no rename, no fsync of the folder: half the cost of replacing the file), so a
write torn by a crash leaves the other slot, one save older, which is again the store *ahead* of its
anchor. The newest slot whose MAC holds is the anchor. Writes come from a process holding the
database's write lock, so two processes never move it backwards. (A file of the first format, one
JSON object, is still read, and replaced by the two-slot form on the next save.)

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
    if raw.startswith(b"{"):
        return _read_one(raw, store_id, data_key)
    found: list[tuple[int, Anchor]] = []
    refusal: AnchorUnreadable | None = None
    for slot in _slots(raw):
        if slot is None:
            continue
        try:
            found.append((int(slot["gen"]), _read_one(canonical(slot), store_id, data_key)))
        except AnchorUnreadable as exc:
            refusal = refusal or exc
    if found:  # the newest slot that holds; the other is one save older (a torn write leaves that)
        return max(found, key=lambda item: item[0])[1]
    raise refusal or AnchorUnreadable("is damaged")


def _read_one(raw: bytes, store_id: str, data_key: bytes | None) -> Anchor:
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


SLOT = 64 * 1024  # bytes per slot: a length line, then the slot's JSON
_LENGTH = 9  # "%08x\n"


def _slots(raw: bytes) -> list[dict[str, Any] | None]:
    """The two slots' JSON objects (None for an empty, torn or unreadable slot)."""
    out: list[dict[str, Any] | None] = []
    for k in (0, 1):
        chunk = raw[k * SLOT:(k + 1) * SLOT]
        try:
            length = int(chunk[:_LENGTH - 1], 16)
            if chunk[_LENGTH - 1:_LENGTH] != b"\n" or not 0 < length <= SLOT - _LENGTH:
                raise ValueError
            data = json.loads(chunk[_LENGTH:_LENGTH + length])
            if not isinstance(data, dict) or not isinstance(data.get("gen"), int):
                raise ValueError
            out.append(data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            out.append(None)
    return out


def write(path: Path, anchor: Anchor, data_key: bytes) -> None:
    """Write the anchor into the older of its two slots, in place, and fsync once. Owner-only (0600).
    A missing file, or one of the first format, is made whole: temp file, fsync, rename, fsync of the
    folder."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = b""
    slots = [] if raw.startswith(b"{") else [d for d in _slots(raw) if d is not None]
    gen = max((int(d["gen"]) for d in slots), default=0) + 1
    data = dict(anchor._data(), gen=gen)
    data["mac"] = _mac(data_key, data)
    payload = canonical(data)
    if len(payload) > SLOT - _LENGTH:
        raise AnchorUnreadable(f"would be larger than {SLOT} bytes (too many problems on record)")
    blob = b"%08x\n" % len(payload) + payload
    if not raw or raw.startswith(b"{"):  # new, or the first format: the whole file, slot 1 first
        partial = path.with_name(path.name + ".tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"\0" * (SLOT * (gen % 2)) + blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
        db.fsync_dir(path.parent)
        return
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "wb") as fh:  # O_WRONLY without O_TRUNC: the other slot stays
        fh.seek(SLOT * (gen % 2))
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())


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
