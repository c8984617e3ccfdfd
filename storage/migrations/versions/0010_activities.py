"""activities and their weekly ratings (the Patient-Specific Functional Scale)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SURROGATE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _person(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["chat_id"], ["people.chat_id"], name=op.f(f"fk_{table}_chat_id_people"), ondelete="CASCADE"
    )


def upgrade() -> None:
    """Upgrade the schema."""
    op.create_table(
        "activities",
        sa.Column("id", SURROGATE, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("added", sa.Date(), nullable=False),
        sa.Column("retired", sa.Date(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _person("activities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index(op.f("ix_activities_chat_id"), "activities", ["chat_id"])
    op.create_table(
        "activity_ratings",
        sa.Column("activity_id", SURROGATE, autoincrement=False, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 0 AND 10", name=op.f("ck_activity_ratings_score_range")),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_ratings_activity_id_activities"),
            ondelete="CASCADE",
        ),
        _person("activity_ratings"),
        sa.PrimaryKeyConstraint("activity_id", "week", name=op.f("pk_activity_ratings")),
    )
    op.create_index(op.f("ix_activity_ratings_chat_id"), "activity_ratings", ["chat_id"])
    op.create_table(
        "activity_invites",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        _person("activity_invites"),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_activity_invites")),
    )


def downgrade() -> None:
    """Downgrade the schema."""
    op.drop_table("activity_invites")
    op.drop_index(op.f("ix_activity_ratings_chat_id"), table_name="activity_ratings")
    op.drop_table("activity_ratings")
    op.drop_index(op.f("ix_activities_chat_id"), table_name="activities")
    op.drop_table("activities")
