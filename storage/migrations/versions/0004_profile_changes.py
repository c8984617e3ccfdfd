"""dated profile changes, so a settings change never rewrites past days

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema; everyone registered gets their current profile as of the day
    before they signed up, so their history replays as it did before."""
    op.create_table(
        "profile_changes",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("gym_experienced", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["people.chat_id"],
            name=op.f("fk_profile_changes_chat_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "day", name=op.f("pk_profile_changes")),
    )
    people = sa.table(
        "people",
        sa.column("chat_id", sa.BigInteger()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("equipment", sa.JSON()),
        sa.column("gym_experienced", sa.Boolean()),
        sa.column("registered", sa.Boolean()),
    )
    changes = sa.table(
        "profile_changes",
        sa.column("chat_id", sa.BigInteger()),
        sa.column("day", sa.Date()),
        sa.column("equipment", sa.JSON()),
        sa.column("gym_experienced", sa.Boolean()),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            people.c.chat_id, people.c.created_at, people.c.equipment, people.c.gym_experienced
        ).where(people.c.registered)
    ).all()
    if rows:
        connection.execute(
            changes.insert(),
            [
                {
                    "chat_id": chat_id,
                    "day": _day_before(created_at),
                    "equipment": equipment,
                    "gym_experienced": gym,
                    "at": created_at,
                }
                for chat_id, created_at, equipment, gym in rows
            ],
        )


def _day_before(created_at: datetime | str) -> date:
    if isinstance(created_at, str):  # SQLite hands back text
        created_at = datetime.fromisoformat(created_at)
    return created_at.date() - timedelta(days=1)


def downgrade() -> None:
    """Downgrade the schema."""
    op.drop_table("profile_changes")
