"""files uploaded to Telegram once, sent again by their file_id

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema."""
    op.create_table(
        "uploaded_files",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_uploaded_files")),
    )


def downgrade() -> None:
    """Downgrade the schema."""
    op.drop_table("uploaded_files")
