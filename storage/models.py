"""SQLAlchemy tables. Rows stay inside storage/; repositories turn them into coach dataclasses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

# Named constraints let Alembic's batch mode find and alter them on SQLite.
NAMING_CONVENTION: Final = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Surrogate keys: BIGINT on PostgreSQL, but INTEGER on SQLite so it aliases the rowid.
SurrogateKey: Final = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base sharing one naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _person_fk(*, primary_key: bool = False, index: bool = False) -> Mapped[int]:
    """A chat_id column pointing at people, deleted with the person."""
    return mapped_column(
        BigInteger,
        ForeignKey("people.chat_id", ondelete="CASCADE"),
        primary_key=primary_key,
        index=index,
        nullable=False,
    )


class PersonRow(Base):
    """One person: settings, consent, screening, red flags and conversation state."""

    __tablename__ = "people"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str | None] = mapped_column(String(64))
    checkin_time: Mapped[str | None] = mapped_column(String(5))
    hang_times: Mapped[list[str]] = mapped_column(JSON)
    equipment: Mapped[list[str]] = mapped_column(JSON)
    gym_experienced: Mapped[bool]
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Screening answers; all None means not answered yet.
    screening_pregnant: Mapped[bool | None]
    screening_recent_spinal_surgery: Mapped[bool | None]
    screening_osteoporosis: Mapped[bool | None]
    screening_under_18: Mapped[bool | None]
    screening_cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    red_flag: Mapped[str | None] = mapped_column(String(16))
    red_flag_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    step: Mapped[str | None] = mapped_column(String(64))
    step_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    paused: Mapped[bool]
    active: Mapped[bool]
    registered: Mapped[bool]
    escalation_suggested_on: Mapped[date | None] = mapped_column(Date)
    quiet: Mapped[bool] = mapped_column(default=False)
    weekly_summary: Mapped[bool] = mapped_column(default=True)
    checkin_weekly: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(8))  # None: English
    # The local day reached before the last time-zone change: "today" never goes back.
    day_floor: Mapped[date | None] = mapped_column(Date)


class RatingRow(Base):
    """The final pain rating of one local day; re-rating the day replaces it."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("pain BETWEEN 0 AND 10", name="pain_range"),)

    chat_id: Mapped[int] = _person_fk(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    pain: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedbackRow(Base):
    """A *Done* or *Made it worse* on one move on one day, at most once each."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("chat_id", "day", "move", "kind"),)

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    chat_id: Mapped[int] = _person_fk()
    day: Mapped[date] = mapped_column(Date)
    move: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class SafetyEventRow(Base):
    """One entry of the safety log, kept for the person's export."""

    __tablename__ = "safety_events"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    chat_id: Mapped[int] = _person_fk(index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)


class ReminderRow(Base):
    """A schedule row: one kind of message for one person and its next due instant (UTC)."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    chat_id: Mapped[int] = _person_fk(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    slot: Mapped[int] = mapped_column(SmallInteger)
    local_time: Mapped[str] = mapped_column(String(5))
    due: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    day: Mapped[date] = mapped_column(Date)
    once: Mapped[bool]


class DeliveryRow(Base):
    """The delivery ledger: each occurrence of a reminder, once, and what became of it."""

    __tablename__ = "deliveries"
    __table_args__ = (
        # Also the walk back along a person's prompts, by day (migration 0012): each index
        # keyed by person costs a claim a page per row.
        UniqueConstraint("chat_id", "kind", "slot", "day", "attempt"),
    )

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    chat_id: Mapped[int] = _person_fk()
    kind: Mapped[str] = mapped_column(String(16))
    slot: Mapped[int] = mapped_column(SmallInteger)
    day: Mapped[date] = mapped_column(Date)
    attempt: Mapped[int] = mapped_column(SmallInteger)
    state: Mapped[str] = mapped_column(String(16), index=True)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[int | None] = mapped_column(BigInteger)


class HangMarkRow(Base):
    """A bar-hang reminder answered with *Done* or *Skip* on a local day."""

    __tablename__ = "hang_marks"

    chat_id: Mapped[int] = _person_fk(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    mark: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProfileChangeRow(Base):
    """Equipment and gym experience as they stood at the end of a local day; the stage
    replay uses, for each day, the latest change on or before it."""

    __tablename__ = "profile_changes"

    chat_id: Mapped[int] = _person_fk(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    equipment: Mapped[list[str]] = mapped_column(JSON)
    gym_experienced: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class HandledUpdateRow(Base):
    """A Telegram update taken in by some worker: a webhook retry of the same update is
    applied once. Until it is handled the row holds the update itself (the worker answered
    Telegram already: if it dies, another handles the update from here) and its chat (a
    chat's updates are handled in turn across workers); once handled, only the id stays.
    Pruned after a day (Telegram gives up retrying long before)."""

    __tablename__ = "handled_updates"
    __table_args__ = (Index("ix_handled_updates_done_at", "done", "at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Taken in, or taken over, or the lease renewed by its worker.
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    done: Mapped[bool] = mapped_column(default=False)  # handled to the end
    chat: Mapped[int | None] = mapped_column(BigInteger, index=True)  # not chat_id: see people
    worker: Mapped[str | None] = mapped_column(String(32))  # which worker holds it
    payload: Mapped[str | None] = mapped_column(Text)  # the update's JSON, until handled


class UploadedFileRow(Base):
    """A file the bot uploaded to Telegram once (a move's drawing, in one language), by the
    name of what it shows, and the file_id Telegram gave it: every later send passes the id,
    not the file. Nothing about a person."""

    __tablename__ = "uploaded_files"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    file_id: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


# Function (the Patient-Specific Functional Scale, coach/function.py): the activities a
# person's back gets in the way of, in their own words, and each week's 0-10 ratings.


class ActivityRow(Base):
    """An activity in the person's own typed words (health data, never logged); retiring
    it stops the weekly question and keeps its ratings."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(SurrogateKey, primary_key=True)
    chat_id: Mapped[int] = _person_fk(index=True)
    name: Mapped[str] = mapped_column(Text)
    added: Mapped[date] = mapped_column(Date)
    retired: Mapped[date | None] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActivityRatingRow(Base):
    """An activity's 0-10 rating for one week (its Monday); re-rating the week replaces it."""

    __tablename__ = "activity_ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),)

    activity_id: Mapped[int] = mapped_column(
        SurrogateKey,
        ForeignKey("activities.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    chat_id: Mapped[int] = _person_fk(index=True)
    score: Mapped[int] = mapped_column(SmallInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActivityInviteRow(Base):
    """When the person was last invited to name their activities (asked again two weeks
    after a "not now")."""

    __tablename__ = "activity_invites"

    chat_id: Mapped[int] = _person_fk(primary_key=True)
    asked_on: Mapped[date] = mapped_column(Date)
