"""Opening the SQLite file safely: never create, never write before we know it is ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from familyprivacy.consent.errors import NotAStore, StoreCorrupt

SQLITE_MAGIC = b"SQLite format 3\x00"


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """An autocommit connection (we issue BEGIN/COMMIT ourselves); refuses files that are not SQLite."""
    if not create:
        try:
            with path.open("rb") as fh:
                magic = fh.read(len(SQLITE_MAGIC))
        except FileNotFoundError:
            raise NotAStore(f"{path}: no records store here") from None
        except OSError as exc:
            raise NotAStore(f"{path}: cannot be read ({exc.strerror})") from None
        if magic != SQLITE_MAGIC:
            raise NotAStore(f"{path}: is not a records store (not a SQLite database)")
    mode = "rwc" if create else "rw"
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise NotAStore(f"{path}: cannot be opened ({exc})") from None
    return conn


def make_durable(conn: sqlite3.Connection, path: Path) -> None:
    """WAL with a full sync at every commit: a save that returned survives a power cut."""
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA busy_timeout=5000")
    except sqlite3.DatabaseError as exc:
        raise StoreCorrupt(f"{path}: cannot be prepared for writing ({exc})") from None
    if str(mode).lower() != "wal":
        raise StoreCorrupt(f"{path}: cannot use write-ahead logging here (journal mode {mode})")


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise StoreCorrupt(f"{path}: the file is damaged or truncated ({exc}); it was not changed") from None
    if [tuple(r) for r in result] != [("ok",)]:
        raise StoreCorrupt(f"{path}: the file is damaged ({len(result)} problem(s) found); "
                           "it was not changed")
