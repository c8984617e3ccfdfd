"""initial tables

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema."""
    op.create_table(
        "people",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("checkin_time", sa.String(length=5), nullable=True),
        sa.Column("hang_times", sa.JSON(), nullable=False),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("gym_experienced", sa.Boolean(), nullable=False),
        sa.Column("consent_version", sa.String(length=32), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("screening_pregnant", sa.Boolean(), nullable=True),
        sa.Column("screening_recent_spinal_surgery", sa.Boolean(), nullable=True),
        sa.Column("screening_osteoporosis", sa.Boolean(), nullable=True),
        sa.Column("screening_under_18", sa.Boolean(), nullable=True),
        sa.Column("screening_cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("red_flag", sa.String(length=16), nullable=True),
        sa.Column("red_flag_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("step", sa.String(length=64), nullable=True),
        sa.Column("step_data", sa.JSON(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("escalation_suggested_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_people")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("move", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["people.chat_id"],
            name=op.f("fk_feedback_chat_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint(
            "chat_id", "day", "move", "kind", name=op.f("uq_feedback_chat_id_day_move_kind")
        ),
    )
    op.create_table(
        "ratings",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("pain", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("pain BETWEEN 0 AND 10", name=op.f("ck_ratings_pain_range")),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["people.chat_id"],
            name=op.f("fk_ratings_chat_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "day", name=op.f("pk_ratings")),
    )
    op.create_table(
        "safety_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["people.chat_id"],
            name=op.f("fk_safety_events_chat_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_events")),
    )
    op.create_index(op.f("ix_safety_events_chat_id"), "safety_events", ["chat_id"])


def downgrade() -> None:
    """Downgrade the schema."""
    op.drop_index(op.f("ix_safety_events_chat_id"), table_name="safety_events")
    op.drop_table("safety_events")
    op.drop_table("ratings")
    op.drop_table("feedback")
    op.drop_table("people")
