"""The 😣 toast counts the days a move is left out in the person's language, with the
catalogue's plural form ("на 7 дней", not «7 дн.»), and Spanish says it without a participle
that would have to agree with the move's name."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coach import i18n
from coach.model import Equipment, Profile
from services import checkin
from services.actions import Action
from services.clock import ManualClock
from services.core import Core
from tests.services.conftest import registered

START = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "Упражнение «Тяга сидя» исключено на 7 дней."),
        ("es", "Remo sentado sale de tu plan durante 7 días."),
        ("en", "Seated Row is left out for 7 days."),
    ],
)
async def test_the_worse_toast_counts_its_days_in_words(
    core: Core, language: str, expected: str
) -> None:
    await registered(core, 1, profile=Profile(frozenset(Equipment)), language=language)
    assert isinstance(core.clock, ManualClock)
    days = [START + timedelta(days=n) for n in range(3)]
    for day in days:  # stage 2, with the seated row, on the third day
        core.clock.current = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
        await checkin.rate_button(core, 1, day, 2)
    with i18n.speaking(language):  # as the update's edge speaks the person's language
        outcome = await checkin.feedback(core, 1, Action.WORSE, "seated_row", days[-1])
    assert outcome.toast is not None and expected in outcome.toast, outcome.toast
    assert "дн." not in outcome.toast
