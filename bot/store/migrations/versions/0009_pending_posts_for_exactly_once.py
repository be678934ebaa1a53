"""Posts recorded as pending before they go to Slack (exactly once across a kill -9).

Revision ID: pending_posts_for_exactly_once
Revises: followed_threads_created_at
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "pending_posts_for_exactly_once"
down_revision = "followed_threads_created_at"


def upgrade() -> None:
    op.create_table(
        "pending_posts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pending_posts")
