"""Indexes on the creation times of issue threads and imported replies: the door reads
the rows made since its last look every few seconds (bot/store/followed.py).

Revision ID: followed_threads_created_at
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "followed_threads_created_at"
down_revision = "0007"


def upgrade() -> None:
    op.create_index("ix_issue_threads_created_at", "issue_threads", ["created_at"])
    op.create_index("ix_imported_replies_created_at", "imported_replies", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_imported_replies_created_at", "imported_replies")
    op.drop_index("ix_issue_threads_created_at", "issue_threads")
