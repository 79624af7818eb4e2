"""The first schema: devices, enrolment codes, team tokens, events, actions.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("device_id", sa.String(200), primary_key=True),
        sa.Column("public_key", sa.LargeBinary(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("enrolled_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("head_seq", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("last_seen_at", TZ, nullable=True),
        sa.Column("rate_window", sa.Integer, nullable=False),
        sa.Column("rate_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "enrolment_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.Column("device_id", sa.String(200), nullable=True),
    )
    op.create_table(
        "team_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
    )
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("device_id", sa.String(200), sa.ForeignKey("devices.device_id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("council_id", sa.String(200), nullable=False),
        sa.Column("notice_id", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(100), nullable=False),
        sa.Column("header", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("visit_id", sa.String(200), nullable=True),
        sa.Column("decision_id", sa.String(200), nullable=True),
        sa.Column("choice_id", sa.String(200), nullable=True),
        sa.Column("kind", sa.String(40), nullable=True),
        sa.Column("status", sa.String(20), nullable=True),
        sa.UniqueConstraint("device_id", "seq", name="uq_events_device_seq"),
    )
    op.create_index("ix_events_type_recorded", "events", ["type", "recorded_at"])
    op.create_index("ix_events_visit", "events", ["visit_id"])
    op.create_table(
        "actions",
        sa.Column("event_id", sa.String(200), sa.ForeignKey("events.event_id"), primary_key=True),
        sa.Column("actioned_at", TZ, nullable=False),
        sa.Column("actioned_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    for name in ("actions", "events", "team_tokens", "enrolment_codes", "devices"):
        op.drop_table(name)
