"""the local day a person had reached when they last changed time zone ("today" never goes
back before it); none stored means no change of zone yet

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Everyone keeps today as their zone says (null: no floor)."""
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("day_floor", sa.Date(), nullable=True))


def downgrade() -> None:
    """Drop the column: today is the zone's date again."""
    with op.batch_alter_table("people") as batch:
        batch.drop_column("day_floor")
