"""Two-way threads: `replies:on` subscriptions, the Slack replies imported as notes, and
threads linked to an existing issue.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(
            sa.Column("replies", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "imported_replies",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("message_ts", sa.String(32), primary_key=True),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("slack_user_id", sa.String(32), nullable=False),
        sa.Column("redmine_user_id", sa.Integer(), nullable=False),
        sa.Column("note_digest", sa.String(64), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_imported_replies_issue_id", "imported_replies", ["issue_id"])
    op.create_index("ix_imported_replies_journal_id", "imported_replies", ["journal_id"])
    op.create_table(
        "linked_threads",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("thread_ts", sa.String(32), primary_key=True),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("linked_by_slack_user", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("linked_threads")
    op.drop_index("ix_imported_replies_journal_id", "imported_replies")
    op.drop_index("ix_imported_replies_issue_id", "imported_replies")
    op.drop_table("imported_replies")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("replies")
