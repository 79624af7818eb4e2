"""Bring a database to the newest schema with the Alembic scripts shipped in this package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 7_117_001  # one migration at a time when several servers start together


def analyze(conn: Connection) -> None:
    """Fresh planner statistics on PostgreSQL (after a migration or a bulk load): before its first
    statistics run it sorted everything after the cursor, 185 to 210 ms for a first page at 100,000
    decisions. Not on SQLite: there statistics are taken only when asked, and the plans above need none."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE events"))
        conn.execute(text("ANALYZE actions"))
        conn.commit()


def upgrade(engine: Engine) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
            analyze(conn)
        finally:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
