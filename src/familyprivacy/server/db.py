"""The inbox's tables and engine. Every fact another server process needs lives here.

Several server processes may share one PostgreSQL behind a load balancer, so
device chain heads, rate-limit windows and tokens are rows, never process
memory. SQLite (one file, no set-up) serves a single team.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    false,
)
from sqlalchemy.pool import NullPool

metadata = MetaData()

devices = Table(
    "devices", metadata,
    Column("device_id", String(200), primary_key=True),
    Column("public_key", LargeBinary(32), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False, default=""),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("head_seq", Integer, nullable=False, default=0),
    Column("head_hash", String(64), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=True),
    Column("rate_window", Integer, nullable=False, default=0),
    Column("rate_count", Integer, nullable=False, default=0),
)

enrolment_codes = Table(
    "enrolment_codes", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Column("device_id", String(200), nullable=True),
)

team_tokens = Table(
    "team_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

events = Table(
    "events", metadata,
    Column("event_id", String(200), primary_key=True),
    Column("device_id", String(200), ForeignKey("devices.device_id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(20), nullable=False),
    Column("council_id", String(200), nullable=False),
    Column("notice_id", String(200), nullable=False),
    Column("recorded_at", String(40), nullable=False),  # normalised UTC, sorts as text
    Column("hash", String(64), nullable=False),
    Column("signature", String(100), nullable=False),
    Column("header", Text, nullable=False),  # canonical JSON
    Column("body", Text, nullable=True),  # canonical JSON, sealed (server/vault.py)
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("visit_id", String(200), nullable=True),
    Column("decision_id", String(200), nullable=True),
    Column("choice_id", String(200), nullable=True),
    Column("kind", String(40), nullable=True),
    Column("status", String(20), nullable=True),
    # A decision the team has marked actioned (the row in ``actions`` says who, when and why). Kept here
    # too so the open decisions have an index of their own (migration 0004): "withdrawals not yet
    # actioned" then reads only the open ones, however many were actioned before.
    Column("actioned", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("device_id", "seq", name="uq_events_device_seq"),
)
# Each filter of the export has an index ending in its order (recorded_at, event_id): migration 0003.
Index("ix_events_type_order", events.c.type, events.c.recorded_at, events.c.event_id)
Index("ix_events_type_status_order", events.c.type, events.c.status, events.c.recorded_at, events.c.event_id)
Index("ix_events_type_choice_order", events.c.type, events.c.choice_id, events.c.recorded_at,
      events.c.event_id)
Index("ix_events_type_choice_status_order", events.c.type, events.c.choice_id, events.c.status,
      events.c.recorded_at, events.c.event_id)
Index("ix_events_type_kind_status_order", events.c.type, events.c.kind, events.c.status, events.c.recorded_at,
      events.c.event_id)  # referrals given and waiting
Index("ix_events_type_visit", events.c.type, events.c.visit_id)
Index("ix_events_open_status_order", events.c.type, events.c.status, events.c.recorded_at, events.c.event_id,
      sqlite_where=events.c.actioned == false(), postgresql_where=events.c.actioned == false())
Index("ix_events_visit", events.c.visit_id)
Index("ix_events_device_visit", events.c.device_id, events.c.visit_id)
Index("uq_events_visit", events.c.visit_id, unique=True, sqlite_where=events.c.type == "visit",
      postgresql_where=events.c.type == "visit")  # a visit id is one device's (migration 0002)

actions = Table(
    "actions", metadata,
    Column("event_id", String(200), ForeignKey("events.event_id"), primary_key=True),
    Column("actioned_at", DateTime(timezone=True), nullable=False),
    Column("actioned_by", String(200), nullable=False),
    Column("note", Text, nullable=True),  # sealed (server/vault.py): it may name the family
)

# The team's web pages (server/web.py, server/staff.py): migration 0004.
staff = Table(
    "staff", metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),  # admin, team or governance
    Column("password_hash", Text, nullable=False),  # Argon2id, PHC string
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
)

staff_sessions = Table(
    "staff_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),  # the cookie's token is never stored
    Column("name", String(100), ForeignKey("staff.name"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
)
Index("ix_staff_sessions_name", staff_sessions.c.name)

signin_limits = Table(  # failed sign-ins per account and per address, shared by every server process
    "signin_limits", metadata,
    Column("key", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=True), nullable=False),
)

access_log = Table(
    "access_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("name", String(100), nullable=False),
    Column("what", String(40), nullable=False),
    Column("target", String(400), nullable=False),
    Column("address", String(100), nullable=False),
)
Index("ix_access_log_target", access_log.c.target, access_log.c.at)
Index("ix_access_log_name", access_log.c.name, access_log.c.at)
Index("ix_access_log_at", access_log.c.at)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> Engine:
    """An engine tuned for the backend: WAL and a long busy timeout on SQLite, a pool on PostgreSQL.

    ``hide_parameters`` keeps row values (personal content) out of database error messages and logs.
    """
    if is_sqlite(url):
        engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 60}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")  # a confirmed event must survive a power cut
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True)
