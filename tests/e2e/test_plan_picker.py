"""A plan with many moves keeps to 12 buttons: one Done per move, and one row of "Worse…"
and "How…" that asks which move; the legend comes with "How…", in the first days' plans
and with /today."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coach import i18n, texts
from coach.model import Feedback, MoveFeedback
from services.unit import unit
from tests.e2e.conftest import Bot, labels, stored
from tests.e2e.test_milestones import MONDAY, at_nine, check_in, rated
from tests.e2e.test_typed_words import seed

pytestmark = pytest.mark.e2e

STAGE_2_MOVES = ("bar_hang", "seated_row", "reverse_hyper")


async def at_stage_3_tomorrow(bot: Bot, chat_id: int) -> None:
    """Nine days at pain 2, every stage-2 move done from the third: stage 3 on the tenth."""
    days = [MONDAY + timedelta(days=n) for n in range(9)]
    await rated(bot, chat_id, dict.fromkeys(days, 2))
    async with unit(bot.app.dispatcher.deps) as work:
        for day in days[2:]:
            for slug in STAGE_2_MOVES:
                done = MoveFeedback(day, slug, Feedback.DONE)
                await work.feedback.add(chat_id, done, at_nine(day))
        await work.commit()


async def test_worse_and_how_ask_which_move_at_stage_3(bot: Bot) -> None:
    with i18n.speaking("en"):
        chat = await seed(bot, 9901, "en")
        await at_stage_3_tomorrow(bot, chat.user_id)
        await check_in(chat, MONDAY + timedelta(days=9), 2)
        plan = next(m for m in reversed(chat.messages()) if "Today's plan" in (m.text or ""))
        assert "stage 3" in (plan.text or "")
        assert len(plan.buttons) <= 12
        assert labels(plan)[-2:] == [texts.BTN_WORSE_PICK, texts.BTN_HOW_PICK]
        assert texts.PLAN_FOOTER not in (plan.text or "")  # past the first days

        await chat.press(texts.BTN_WORSE_PICK)
        pick = await chat.expect(texts.PICK_WORSE)
        assert "😣 Pull-through" in labels(pick)
        toast = await chat.press_data(pick.message_id, chat.button("😣 Pull-through")[1])
        assert toast is not None and "Pull-through is left out" in toast
        worse = [f for f in (await stored(bot, chat.user_id)).feedback if f.kind is Feedback.WORSE]
        assert [f.move for f in worse] == ["pull_through"]

        await chat.press(texts.BTN_HOW_PICK)
        pick = await chat.expect(texts.PICK_HOW)
        assert texts.PLAN_FOOTER.split(" · ")[0] in (pick.text or "")  # the legend, on demand
        await chat.press("❓ Seated Row")
        await chat.expect("How to do the Seated Row")

        await chat.say("/today")
        again = await chat.expect("Today's plan")
        assert len(again.buttons) <= 12


async def test_the_legend_in_the_first_days_then_not(bot: Bot) -> None:
    with i18n.speaking("en"):
        chat = await seed(bot, 9902, "en")
        await check_in(chat, MONDAY, 3)
        first = next(m for m in reversed(chat.messages()) if "Today's plan" in (m.text or ""))
        assert texts.PLAN_FOOTER in (first.text or "")
        assert labels(first) == ["✅ Bar Hang", texts.BTN_WORSE, texts.BTN_HOW]
        await rated(bot, chat.user_id, {MONDAY + timedelta(days=n): 3 for n in range(1, 4)})
        await check_in(chat, MONDAY + timedelta(days=4), 3)
        later = next(m for m in reversed(chat.messages()) if "Today's plan" in (m.text or ""))
        assert texts.PLAN_FOOTER not in (later.text or "")
