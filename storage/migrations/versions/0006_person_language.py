"""the person's language (English, Russian, Spanish); none stored means English

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
# Merging after 0005 lands: this becomes "0005".
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Everyone already signed up keeps English (null), the language they have been using."""
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    """Drop the column: everyone speaks English again."""
    with op.batch_alter_table("people") as batch:
        batch.drop_column("language")
