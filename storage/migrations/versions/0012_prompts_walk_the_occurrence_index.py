"""a person's latest prompts are walked along the ledger's unique index (person, kind,
slot, day, attempt): the index by person, kind and id goes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Every claimed reminder writes a ledger row into each of the ledger's indexes, and a
    peak's people are spread through them: each index keyed by person costs a page per row.
    The check-in prompts' walk back (the dispatcher's "still there?") reads the unique
    index, by day, as well as it read this one, by id."""
    op.drop_index("ix_deliveries_chat_id_kind_id", table_name="deliveries")


def downgrade() -> None:
    """Downgrade the schema."""
    op.create_index(
        "ix_deliveries_chat_id_kind_id", "deliveries", ["chat_id", "kind", "id"], unique=False
    )
