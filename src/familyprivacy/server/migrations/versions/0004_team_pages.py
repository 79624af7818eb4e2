"""The team's web pages: staff accounts, their sessions, sign-in limits, the access log, and a note
with each action.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), sa.ForeignKey("staff.name"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_staff_sessions_name", "staff_sessions", ["name"])
    op.create_table(
        "signin_limits",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("target", sa.String(400), nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
    )
    op.create_index("ix_access_log_target", "access_log", ["target", "at"])
    op.create_index("ix_access_log_name", "access_log", ["name", "at"])
    op.create_index("ix_access_log_at", "access_log", ["at"])
    op.add_column("actions", sa.Column("note", sa.Text, nullable=True))
    # The open decisions, indexed on their own: "withdrawals not yet actioned" reads only those.
    op.add_column("events", sa.Column("actioned", sa.Boolean, nullable=False, server_default=sa.false()))
    op.execute("UPDATE events SET actioned = TRUE WHERE event_id IN (SELECT event_id FROM actions)")
    # Written as each database writes the query's own condition (SQLAlchemy's ``actioned == false()``),
    # so the planner sees the index covers it: SQLite stores false as 0.
    op.create_index("ix_events_open_status_order", "events", ["type", "status", "recorded_at", "event_id"],
                    sqlite_where=sa.text("actioned = 0"), postgresql_where=sa.text("actioned = false"))


def downgrade() -> None:
    op.drop_index("ix_events_open_status_order", "events")
    op.drop_column("events", "actioned")
    op.drop_column("actions", "note")
    op.drop_table("access_log")
    op.drop_table("signin_limits")
    op.drop_index("ix_staff_sessions_name", "staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_table("staff")
