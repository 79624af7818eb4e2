"""Indexes that keep the export's pages and the team's lists from growing with the history.

Measured at a council year (50 laptops, 20,000 visits, 100,000 decisions): "withdrawals not yet
actioned" read every decision (a full scan on PostgreSQL), the choice filter read past thousands of
rows, and each page's visit lookup read every visit. Each filter now has an index that ends in the
export's order (recorded_at, event_id), so a page is read straight from it.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_events_type_recorded", "events")
    op.create_index("ix_events_type_order", "events", ["type", "recorded_at", "event_id"])
    op.create_index("ix_events_type_status_order", "events", ["type", "status", "recorded_at", "event_id"])
    op.create_index("ix_events_type_choice_order", "events", ["type", "choice_id", "recorded_at", "event_id"])
    op.create_index("ix_events_type_choice_status_order", "events",
                    ["type", "choice_id", "status", "recorded_at", "event_id"])
    op.create_index("ix_events_type_kind_status_order", "events",
                    ["type", "kind", "status", "recorded_at", "event_id"])
    op.create_index("ix_events_type_visit", "events", ["type", "visit_id"])


def downgrade() -> None:
    op.drop_index("ix_events_type_visit", "events")
    op.drop_index("ix_events_type_kind_status_order", "events")
    op.drop_index("ix_events_type_choice_status_order", "events")
    op.drop_index("ix_events_type_choice_order", "events")
    op.drop_index("ix_events_type_status_order", "events")
    op.drop_index("ix_events_type_order", "events")
    op.create_index("ix_events_type_recorded", "events", ["type", "recorded_at"])
