"""Every button label the bot can send fits a phone, in every language we ship.

Two nets, so that a new long label fails the build wherever it comes from:

- the keyboards themselves, built by the functions that build them (every onboarding and
  settings step, with each toggle on and off; the settings and reminders menus in every
  state; the language menu; the pain question; the plan at every stage with every move done,
  rated and undone);
- every texts.py constant that the code passes as a button's label (read from the source of
  services/ and conversations/: the first argument of ``Button``, ``KeyboardButton``,
  ``InlineKeyboardButton``, the labels of the steps' yes/no questions and answer rows), each
  value of a dict, filled with the longest values its placeholders take.

Labels are counted in characters, as ``LABEL_LIMIT`` is (a label that fits a 360-px-wide
phone in a row of three).
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from coach import i18n, texts
from coach.model import Equipment, Feedback, MoveFeedback, Person, Profile
from conversations.payload import Signer
from conversations.render import plan_keyboard
from services.language import menu
from services.outcome import Say, pain_question
from services.settings import reminders_menu, settings_menu
from services.steps import SCREENING_KEYS, STEPS, Step
from tests.test_plan_fits_a_phone import LABEL_LIMIT, plans

ROOT = Path(__file__).parent.parent
LANGUAGES = list(i18n.LANGUAGES)
# Which arguments of a call are button labels, by the called function's name.
LABEL_ARGUMENTS = {
    "Button": (0,),
    "KeyboardButton": (0,),
    "InlineKeyboardButton": (0,),
    "_change": (0,),  # a settings-menu button
    "_toggle": (0,),  # a toggle of the screening or equipment question
    "_yes_no": (2, 3),  # the yes and no labels of a step's question
}
# Calls whose arguments are rows of (label, value) pairs: a step's answer buttons.
ROW_BUILDERS = {"_answers"}
# The clinician's button is being replaced by the all-clear flow, which its owner is
# building with its own short labels: its text is left to that change.
NOT_CHECKED = {"CLINICIAN_OK"}
# The longest values a label's placeholders take: a pain of 10/10, 3 bar hangs a day.
LABEL_SAMPLES = {"new": 10, "old": 10, "count": 3}


def texts_read(node: ast.AST) -> Iterator[str]:
    """The texts.py constants an expression reads (``texts.X``, ``texts.X[...]``,
    ``texts.X.format(...)``, ``a or texts.X``)."""
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Attribute)
            and isinstance(child.value, ast.Name)
            and child.value.id == "texts"
            and child.attr[:1].isupper()
        ):
            yield child.attr


def _called(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return node.func.attr if isinstance(node.func, ast.Attribute) else ""


def label_constants(source: str) -> set[str]:
    """The texts.py constants a module passes as a button's label, directly or through a
    variable assigned in the module (``weekly = texts.A if on else texts.B``)."""
    tree = ast.parse(source)
    assigned: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, set()).update(texts_read(node.value))

    def read(expression: ast.AST) -> set[str]:
        found = set(texts_read(expression))
        for name in ast.walk(expression):
            if isinstance(name, ast.Name):
                found |= assigned.get(name.id, set())
        return found

    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _called(node)
        for index in LABEL_ARGUMENTS.get(name, ()):
            if index < len(node.args):
                found |= read(node.args[index])
        if name in ROW_BUILDERS:
            for argument in node.args:
                for pair in ast.walk(argument):
                    if isinstance(pair, ast.Tuple) and pair.elts:
                        found |= read(pair.elts[0])
    return found


def labels_in_source() -> set[str]:
    sources = [
        path for folder in ("services", "conversations") for path in (ROOT / folder).glob("*.py")
    ]
    return set().union(*(label_constants(p.read_text(encoding="utf-8")) for p in sources))


def filled(template: str) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return template.format(**{name: LABEL_SAMPLES[name] for name in names})


def constant_labels(names: set[str]) -> Iterator[tuple[str, str]]:
    """(where, label) for each named constant in the current language: each value of a dict."""
    for name in sorted(names - NOT_CHECKED):
        value = getattr(texts, name)
        values = value.items() if isinstance(value, dict) else [("", value)]
        for key, template in values:
            yield f"{name}[{key}]" if key else name, filled(template)


def person(**state: object) -> Person:
    found = Person(1, datetime(2026, 1, 1, tzinfo=UTC), timezone="Europe/Berlin", registered=True)
    found.profile = Profile(frozenset(Equipment), gym_experienced=True)
    for name, value in state.items():
        setattr(found, name, value)
    return found


def step_people() -> Iterator[Person]:
    """People at every step, with each toggle of a toggle question off, then on."""
    everything = [e.value for e in Equipment]
    for step in STEPS:
        yield person(step=step.value, step_data={})
        if step is Step.SCREENING:
            yield person(
                step=step.value, step_data={"screening": dict.fromkeys(SCREENING_KEYS, True)}
            )
        if step is Step.EQUIPMENT:
            yield person(step=step.value, step_data={"equipment": [], "gym": False})
            yield person(step=step.value, step_data={"equipment": everything, "gym": True})


def menus() -> Iterator[Say]:
    """Every keyboard a service builds from a person's state, in every state it has."""
    for someone in step_people():
        step = Step(someone.step)
        if step is not Step.TZ_CHOICE:  # a choice of found places: their own names
            yield STEPS[step].ask(someone)
    for weekly in (False, True):
        for checkin_weekly in (False, True):
            someone = person(weekly_summary=weekly, checkin_weekly=checkin_weekly)
            for maintenance in (False, True):
                yield settings_menu(someone, maintenance)
    for paused in (False, True):
        yield reminders_menu(person(paused=paused))
    yield menu()
    yield pain_question(date(2026, 3, 2))


def plan_labels() -> Iterator[str]:
    """Every label of the plan's keyboard: each move to do, done (with how it felt), and
    undone after "made it worse", at every stage."""
    signer = Signer(b"k" * 32)
    for plan, feedback in plans():
        worse = tuple(MoveFeedback(plan.day, i.move.slug, Feedback.WORSE) for i in plan.items)
        for shown in (feedback, (*feedback, *worse)):
            for row in plan_keyboard(signer, 1, plan, shown).inline_keyboard:
                yield from (button.text for button in row)


def test_the_source_net_finds_labels_however_they_are_passed() -> None:
    source = (
        "Button(texts.BTN_KEEP, Action.DELETE)\n"
        "Button(texts.BTN_RERATE_YES.format(new=3), Action.RERATE)\n"
        "_yes_no(step, texts.CONSENT, texts.CONSENT_YES, texts.CONSENT_NO)\n"
        "_answers(step, [(yes or texts.YES, 'y'), (texts.NO, 'n')])\n"
        "weekly = texts.BTN_WEEKLY_OFF if on else texts.BTN_WEEKLY_ON\n"
        "_change(weekly, 'ws')\n"
        "Say(texts.SAVED, rows)\n"
    )
    assert label_constants(source) == {
        "BTN_KEEP", "BTN_RERATE_YES", "CONSENT_YES", "CONSENT_NO", "YES", "NO",
        "BTN_WEEKLY_OFF", "BTN_WEEKLY_ON",
    }  # fmt: skip


def test_the_source_net_sees_the_bots_buttons() -> None:
    """The net finds the labels of the hang reminder, /deletedata, the re-rating question,
    consent and the shared location: proof that it reads the source it is meant to."""
    found = labels_in_source()
    assert {
        "BTN_HANG_DONE", "BTN_HANG_SNOOZE", "BTN_HANG_SKIP", "BTN_DELETE", "BTN_KEEP",
        "BTN_RERATE_YES", "BTN_RERATE_NO", "CONSENT_YES", "CONSENT_NO", "YES", "NO",
        "SHARE_LOCATION", "SCREENING_LABELS", "BTN_CHECKIN_WEEKLY", "BTN_WEEKLY_ON",
    } <= found  # fmt: skip


def test_a_long_label_is_caught() -> None:
    long = "Spinal surgery in the last 6 months"
    assert len(long) > LABEL_LIMIT
    with_a_long_one = {"SCREENING_ITEMS"}  # the full wording, as the question says it
    assert any(len(label) > LABEL_LIMIT for _, label in constant_labels(with_a_long_one))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_in_the_source_fits_a_phone(language: str) -> None:
    with i18n.speaking(language):
        too_long = [
            (where, label)
            for where, label in constant_labels(labels_in_source())
            if len(label) > LABEL_LIMIT
        ]
    assert too_long == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_keyboard_the_bot_builds_fits_a_phone(language: str) -> None:
    with i18n.speaking(language):
        labels = [button.label for say in menus() for row in say.buttons for button in row]
        labels += list(plan_labels())
        labels += [texts.SHARE_LOCATION]
        skipped = {getattr(texts, name) for name in NOT_CHECKED}
    assert len(set(labels)) > 40
    too_long = sorted({label for label in labels if len(label) > LABEL_LIMIT} - skipped)
    assert too_long == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_toggles_and_hang_options_are_on_the_keyboards_checked(language: str) -> None:
    """The keyboards above hold every screening and equipment toggle, both states, and both
    hang options: the test checks the labels a person sees, not a list kept beside them."""
    with i18n.speaking(language):
        labels = {button.label for say in menus() for row in say.buttons for button in row}
        for item in [*texts.SCREENING_LABELS.values(), *texts.EQUIPMENT_LABELS.values()]:
            assert f"{texts.TOGGLE_ON} {item}" in labels
            assert f"{texts.TOGGLE_OFF} {item}" in labels
        assert f"{texts.TOGGLE_ON} {texts.GYM_TOGGLE}" in labels
        assert {texts.HANGS_OPTION.format(count=n) for n in (2, 3)} <= labels
