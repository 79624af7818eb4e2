"""What the sync reads and writes: the outbox rows beside the events.

Each event gets an outbox row in the same transaction. States move
waiting → sent → confirmed, or to problem (and back to sent on a retry);
confirmed is final. Nothing is erased before the council's inbox has confirmed
it, and then only a whole visit at once, keeping the header, hash and signature
so the chain still verifies.

Every row carries a seal (a MAC under the store's key over its seq, its event's
hash, state, reason and time) rewritten with each change, so ``verify`` catches
a state set by anyone but the app; and the newest confirmed event is kept in the
store's anchor (``consent.anchor``), so a confirmation undone by putting back an
older file is caught too.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from familyprivacy.consent.envelope import Envelope
from familyprivacy.consent.errors import UnknownRecord

STATES = ("waiting", "sent", "confirmed", "problem")
MAX_REASON = 500


class OutboxMixin:
    """The outbox half of ``Store``; see ``familyprivacy.sync`` for the other side."""

    _conn: sqlite3.Connection
    _mutex: threading.RLock
    _decision_cache: dict[str, Any]
    _visit_cache: dict[str, Any]

    def _body(self, seq: int, event_id: str, visit_id: str, blob: bytes) -> dict[str, Any]:
        raise NotImplementedError

    def _keys(self) -> object:
        raise NotImplementedError

    def _transaction(self, anchored: bool = False) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _outbox_seal(self, seq: int, event_hash: str, state: str, reason: str | None,
                     changed_at: float) -> str:
        raise NotImplementedError

    def outbox_pending(self, limit: int) -> list[Envelope]:
        """Events the council has not confirmed (waiting, sent or problem), oldest first by seq,
        with decrypted bodies. The inbox checks the chain in order, so nothing is skipped."""
        self._keys()
        if limit < 1:
            return []
        with self._mutex:
            rows = self._conn.execute(
                "SELECT e.seq, e.event_id, e.visit_id, e.header, e.hash, e.signature, e.body FROM outbox o "
                "JOIN events e ON e.seq = o.seq WHERE o.state != 'confirmed' ORDER BY o.seq LIMIT ?",
                (limit,)).fetchall()
            return [Envelope(json.loads(header), self._body(seq, event_id, visit_id, body), digest,
                             base64.b64encode(signature).decode("ascii"))
                    for seq, event_id, visit_id, header, digest, signature, body in rows]

    def mark_sent(self, event_ids: list[str]) -> None:
        """The events were handed to the inbox; an already confirmed event stays confirmed."""
        self._move(event_ids, "sent", None, ("waiting", "problem", "sent"))

    def mark_confirmed(self, event_ids: list[str]) -> None:
        """Only after the council's inbox confirmed it holds these events."""
        self._move(event_ids, "confirmed", None, ("waiting", "sent", "problem"))

    def mark_problem(self, event_ids: list[str], reason: str) -> None:
        """The inbox refused or could not take them; ``reason`` must not carry personal data."""
        self._move(event_ids, "problem", reason[:MAX_REASON], ("waiting", "sent", "problem"))

    def outbox_status(self) -> dict[str, int]:
        """Counts by state: waiting, sent, confirmed, problem (every key present)."""
        with self._mutex:
            counts = dict(self._conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
        return {s: int(counts.get(s, 0)) for s in STATES}

    def outbox_problems(self) -> list[tuple[str, str]]:
        """(event_id, reason) of events in the problem state, for the worker to see."""
        with self._mutex:
            rows = self._conn.execute("SELECT e.event_id, o.reason FROM outbox o JOIN events e "
                                      "ON e.seq = o.seq WHERE o.state = 'problem' ORDER BY o.seq")
            return [(str(a), str(b or "")) for a, b in rows]

    def erase_confirmed_bodies(self, older_than_seconds: float = 0) -> int:
        """Erase the encrypted bodies of visits whose every event was confirmed at least
        ``older_than_seconds`` ago; headers, hashes and signatures stay. Returns how many."""
        cutoff = time.time() - older_than_seconds
        with self._transaction():
            cursor = self._conn.execute(
                "UPDATE events SET body = NULL, erased_at = ? WHERE body IS NOT NULL AND visit_id IN ("
                " SELECT e.visit_id FROM events e JOIN outbox o ON o.seq = e.seq GROUP BY e.visit_id"
                " HAVING SUM(o.state != 'confirmed') = 0 AND MAX(o.changed_at) <= ?)",
                (time.time(), cutoff))
            self._decision_cache.clear()
            self._visit_cache.clear()
            return int(cursor.rowcount)

    def _move(self, event_ids: list[str], new: str, reason: str | None, allowed: tuple[str, ...]) -> None:
        ids = list(dict.fromkeys(event_ids))
        if not ids:
            return
        with self._transaction(anchored=True):
            seqs: list[int] = []
            for chunk in _chunked(ids):
                marks = ",".join("?" * len(chunk))
                seqs += [int(r[0]) for r in self._conn.execute(
                    f"SELECT seq FROM events WHERE event_id IN ({marks})", chunk)]  # noqa: S608
            if len(seqs) != len(ids):
                raise UnknownRecord(f"{len(ids) - len(seqs)} of the {len(ids)} event ids are not "
                                    "in this store; nothing was marked")
            states = ",".join("?" * len(allowed))
            now = time.time()
            for chunk in _chunked(seqs):
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT o.seq, e.hash FROM outbox o JOIN events e ON e.seq = o.seq "  # noqa: S608
                    f"WHERE o.seq IN ({marks}) AND o.state IN ({states})", (*chunk, *allowed)).fetchall()
                self._conn.executemany(
                    "UPDATE outbox SET state = ?, reason = ?, changed_at = ?, mac = ? WHERE seq = ?",
                    [(new, reason, now, self._outbox_seal(seq, str(digest), new, reason, now), seq)
                     for seq, digest in rows])


def _chunked(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
