"""the ledger by person, kind and id, for a batch's latest prompts per person

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The dispatcher reads each person's latest few prompts of a batch in one query: an
    index seek per person instead of sorting their whole ledger."""
    op.create_index(
        "ix_deliveries_chat_id_kind_id", "deliveries", ["chat_id", "kind", "id"], unique=False
    )


def downgrade() -> None:
    """Downgrade the schema."""
    op.drop_index("ix_deliveries_chat_id_kind_id", table_name="deliveries")
