"""A visit id is one device's: at most one visit event per visit id, and decisions found by device.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    where = sa.text("type = 'visit'")
    op.create_index("uq_events_visit", "events", ["visit_id"], unique=True, sqlite_where=where,
                    postgresql_where=where)
    op.create_index("ix_events_device_visit", "events", ["device_id", "visit_id"])


def downgrade() -> None:
    op.drop_index("ix_events_device_visit", "events")
    op.drop_index("uq_events_visit", "events")
