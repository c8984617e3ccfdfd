"""reminders, delivery ledger and hang marks; quiet and weekly-summary flags on people

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _person() -> sa.Column[int]:
    return sa.Column("chat_id", sa.BigInteger(), nullable=False)


def _person_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["chat_id"],
        ["people.chat_id"],
        name=op.f(f"fk_{table}_chat_id_people"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Upgrade the schema."""
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("quiet", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("weekly_summary", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "reminders",
        sa.Column("id", KEY, nullable=False),
        _person(),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("once", sa.Boolean(), nullable=False),
        _person_fk("reminders"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index(op.f("ix_reminders_chat_id"), "reminders", ["chat_id"])
    op.create_index(op.f("ix_reminders_due"), "reminders", ["due"])
    op.create_table(
        "deliveries",
        sa.Column("id", KEY, nullable=False),
        _person(),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("attempt", sa.SmallInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        _person_fk("deliveries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint(
            "chat_id",
            "kind",
            "slot",
            "day",
            "attempt",
            name=op.f("uq_deliveries_chat_id_kind_slot_day_attempt"),
        ),
    )
    op.create_index(op.f("ix_deliveries_state"), "deliveries", ["state"])
    op.create_table(
        "hang_marks",
        _person(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("mark", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _person_fk("hang_marks"),
        sa.PrimaryKeyConstraint("chat_id", "day", "slot", name=op.f("pk_hang_marks")),
    )


def downgrade() -> None:
    """Downgrade the schema."""
    op.drop_table("hang_marks")
    op.drop_index(op.f("ix_deliveries_state"), table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index(op.f("ix_reminders_due"), table_name="reminders")
    op.drop_index(op.f("ix_reminders_chat_id"), table_name="reminders")
    op.drop_table("reminders")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("weekly_summary")
        batch.drop_column("quiet")
