"""Slack requests already taken: a replayed signature or a retried event is not run twice.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "seen_slack_requests",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("expires_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_seen_slack_requests_expires_at", "seen_slack_requests", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_slack_requests_expires_at", "seen_slack_requests")
    op.drop_table("seen_slack_requests")
