"""The store's SQLite schema and its forward migrations.

``PRAGMA user_version`` holds the schema version. Version 1 is the first
release; version 2 seals each outbox row (``outbox.mac``). Each later release
appends one migration to ``MIGRATIONS`` and keeps a fixture database of every
released version in ``tests/fixtures/consent/`` so the upgrade is tested. A
migration runs in one transaction, after a backup copy of the file is written
beside it; a store newer than this code is never touched.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from familyprivacy.consent.errors import SchemaTooNew, StoreCorrupt

FORMAT = b"familyprivacy-records"

SCHEMA_V1 = """
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
-- One row per event, append-only. Clear columns are routing facts only; the body is
-- nonce || AES-GCM(data key, canonical JSON body, associated data = event_id).
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
    event_id   TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL CHECK (type IN ('visit', 'decision')),
    visit_id   TEXT NOT NULL,
    header     TEXT NOT NULL,
    hash       TEXT NOT NULL,
    signature  BLOB NOT NULL,
    body       BLOB,
    erased_at  REAL
);
CREATE INDEX events_by_visit ON events (visit_id);
CREATE TRIGGER events_append_only BEFORE UPDATE OF seq, event_id, type, visit_id, header, hash, signature
ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_body_erase_only BEFORE UPDATE OF body ON events WHEN NEW.body IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an event body can only be erased'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are never deleted'); END;
-- What sync still has to do: written in the same transaction as its event.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY REFERENCES events (seq),
    state       TEXT NOT NULL DEFAULT 'waiting'
                CHECK (state IN ('waiting', 'sent', 'confirmed', 'problem')),
    reason      TEXT,
    changed_at  REAL NOT NULL
);
CREATE INDEX outbox_by_state ON outbox (state, seq);
"""

SCHEMA_V2 = """
-- Each outbox row's seal: a MAC under the store's key over its seq, its event's hash, state, reason and
-- time, rewritten with every change the app makes, so a state edited by anyone else no longer matches.
-- NULL only on rows written before version 2, until the store's first unlock by a release that seals them.
ALTER TABLE outbox ADD COLUMN mac TEXT;
"""


def _statements(script: str) -> list[str]:
    """Split a script into statements (executescript would commit the caller's transaction)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _to_v1(conn: sqlite3.Connection) -> None:
    for statement in _statements(SCHEMA_V1):
        conn.execute(statement)


def _to_v2(conn: sqlite3.Connection) -> None:
    for statement in _statements(SCHEMA_V2):
        conn.execute(statement)


# MIGRATIONS[n] brings a store from version n-1 to version n.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _to_v1, 2: _to_v2}


def current_version() -> int:
    return max(MIGRATIONS)


def read_version(conn: sqlite3.Connection, where: Path) -> int:
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError:
        raise StoreCorrupt(f"{where}: cannot read the schema version; the file is damaged") from None
    if version > current_version():
        raise SchemaTooNew(f"{where}: written by a newer version of Family Privacy (schema {version}, "
                           f"this version reads up to {current_version()}); update the app. "
                           "The file was not changed.")
    return version


def create(conn: sqlite3.Connection) -> None:
    """Build the newest schema in an empty database, inside the caller's transaction."""
    for version in sorted(MIGRATIONS):
        MIGRATIONS[version](conn)
    conn.execute(f"PRAGMA user_version = {current_version()}")


def upgrade(conn: sqlite3.Connection, path: Path) -> int:
    """Apply the missing migrations, each in its own transaction, after backing the file up."""
    version = read_version(conn, path)
    if version == current_version():
        return version
    if version < 1:
        raise StoreCorrupt(f"{path}: has no schema version; it is not a finished records store")
    backup = path.with_name(f"{path.stem}.schema-v{version}.backup{path.suffix}")
    if not backup.exists():
        os.close(os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # the worker's alone
        dest = sqlite3.connect(backup)
        try:
            conn.backup(dest)
        finally:
            dest.close()
    for target in range(version + 1, current_version() + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[target](conn)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreCorrupt(f"{path}: could not be upgraded to schema {target} ({exc}); it was left "
                               f"at schema {target - 1}, with a backup in {backup.name}") from None
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current_version()
