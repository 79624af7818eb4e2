"""Opening the SQLite file safely: never create, never write before we know it is ours."""

from __future__ import annotations

import os
import re
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


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` durable (POSIX; Windows has no directory fsync)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# What SQLite's integrity_check says of an index whose entries no longer match the table's rows.
_INDEX_PROBLEM = re.compile(r"(?:row \d+ missing from|wrong # of entries in|non-unique entry in) index (\S+)")
_TREE_PROBLEM = re.compile(r"Tree (\d+) page")
# Plain names for the store's indexes, as a message names them.
INDEX_NAMES = {"events_by_visit": "events by visit", "sqlite_autoindex_events_1": "event ids",
               "outbox_by_state": "outbox by state", "sqlite_autoindex_meta_1": "the store's settings"}


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA integrity_check`` finds (tables, indexes, constraints, free pages), one line each;
    empty when the file is intact. Unlike ``quick_check``, it compares every index with its table."""
    lines = []
    for (text,) in conn.execute("PRAGMA integrity_check").fetchall():
        lines += [line.strip() for line in str(text).splitlines()
                  if line.strip() and not line.startswith("*** in database")]
    return [] if lines == ["ok"] else lines


def damaged_indexes(conn: sqlite3.Connection, problems: list[str]) -> list[str] | None:
    """The indexes that ``problems`` lie in, or None if any lies elsewhere (a table, the free pages...),
    which rebuilding the indexes cannot mend."""
    roots = {int(root): (kind, name) for kind, name, root in conn.execute(
        "SELECT type, name, rootpage FROM sqlite_master WHERE rootpage > 0")}
    names: list[str] = []
    for line in problems:
        if found := _INDEX_PROBLEM.search(line):
            name = found.group(1)
        elif (tree := _TREE_PROBLEM.match(line)) and roots.get(int(tree.group(1)), ("", ""))[0] == "index":
            name = roots[int(tree.group(1))][1]
        else:
            return None
        if name not in names:
            names.append(name)
    return names


def describe_indexes(names: list[str]) -> str:
    return ", ".join(f"the index of {INDEX_NAMES[n]} ({n})" if n in INDEX_NAMES else f"the index {n}"
                     for n in names)
