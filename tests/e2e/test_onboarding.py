"""Onboarding through every path, end to end."""

from __future__ import annotations

from tests.e2e.conftest import Person


async def test_a_person_is_onboarded_and_gets_a_plan(person: Person) -> None:
    await person.onboard()
    await person.press("3")
    plan = await person.expect("Today's plan")
    assert "Bar Hang" in (plan.text or "")
