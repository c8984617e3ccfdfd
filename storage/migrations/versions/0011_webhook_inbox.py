"""a webhook update is answered once taken in and handled after: until handled, its row
holds the update, its chat (a chat's updates are handled in turn across workers) and the
worker whose lease it is under

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Rows taken in before hold no update: they were handled before their answer."""
    with op.batch_alter_table("handled_updates") as batch:
        batch.add_column(sa.Column("chat", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("worker", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
    op.create_index(op.f("ix_handled_updates_chat"), "handled_updates", ["chat"])
    op.create_index("ix_handled_updates_done_at", "handled_updates", ["done", "at"])


def downgrade() -> None:
    """Back to ids alone (an update taken in but not yet handled is then lost)."""
    op.drop_index("ix_handled_updates_done_at", table_name="handled_updates")
    op.drop_index(op.f("ix_handled_updates_chat"), table_name="handled_updates")
    with op.batch_alter_table("handled_updates") as batch:
        batch.drop_column("payload")
        batch.drop_column("worker")
        batch.drop_column("chat")
