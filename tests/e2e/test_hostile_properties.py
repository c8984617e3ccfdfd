"""Hostile input in every conversation state, generated: the real Application answers every
message and command, answers every button press, never reaches its error handler, and leaves
the stored data consistent.

Each conversation state is one test with its own bot. Every generated example is a new person
(a fresh chat id) brought into that state through the real conversation, then sent a short
sequence of generated inputs: texts, commands, stickers and other non-text messages,
locations, edits, and button presses (random data, real buttons, payloads signed for another
chat, another day, or with arguments the bot never sends). After each input the test waits
until the Application has finished that update, so what it sent is the answer to that input.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import traceback
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach import texts
from coach.model import Equipment
from coach.places import load_zone
from coach.safety import hold
from coach.schedule import Kind
from conversations.app import COMMANDS
from services.actions import Action
from services.steps import STEPS, Step, zone_choices
from tests.e2e.conftest import (
    TIMEOUT,
    Bot,
    Person,
    sticker_message,
    stored,
    to_safety_questions,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.sqlite_only("a second backend would double this file's ~90 s"),
]

# Examples per conversation state. Each is a new person walked into the state (up to ~20
# round trips) and then 1-4 generated inputs: 32 states x 6 examples (~370 inputs) and the
# failure property keep the file near 2.5 minutes on two cores, well inside `make test`'s
# budget. HOSTILE_EXAMPLES=n in the environment runs more (25: ~1,500 inputs, ~20 minutes).
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "6"))
MAX_INPUTS = 4

_chat_ids = itertools.count(7_000_001)


# --- Walking a new person into each state -------------------------------------------------


async def _consent(p: Person) -> None:
    await p.say("/start")
    await p.expect("Do you agree")


async def _screening(p: Person) -> None:
    await to_safety_questions(p)


async def _screening_ticked(p: Person) -> None:
    await _screening(p)
    await p.press("Pregnant")
    await p.emu.wait_until(
        lambda: any("☑️" in b["text"] for m in p.messages() for b in m.buttons) or None,
        TIMEOUT,
        lambda: "the tick never showed",
    )


async def _emergency(p: Person) -> None:
    await _screening(p)
    await p.press("None of these")
    await p.expect("groin")


async def _urgent(p: Person) -> None:
    await _emergency(p)
    await p.press("No")
    await p.expect("fever")


async def _soon(p: Person) -> None:
    await _urgent(p)
    await p.press("No")
    await p.expect("And last")


async def _held_in_onboarding(p: Person) -> None:
    await _emergency(p)
    await p.press("Yes")
    await p.expect("paused your program")


async def _zone(p: Person) -> None:
    await _consent(p)
    await p.press("I agree")
    await p.expect("Which time zone")


async def _zone_choice(p: Person) -> None:
    await _zone(p)
    await p.say("Springfield")  # several places: the choice step
    await p.expect(texts.TIMEZONE_CHOOSE)


async def _checkin_time(p: Person) -> None:
    await _soon(p)
    await p.press("No")
    await p.expect("When should I ask")


async def _equipment(p: Person) -> None:
    await _checkin_time(p)
    await p.press("08:00")
    await p.expect("What do you have")


async def _hangs(p: Person) -> None:
    await _equipment(p)
    await p.press("pull-up bar")
    await p.press("Done")
    await p.expect("When should I remind you")


async def _registered(p: Person) -> None:
    await p.onboard()


async def _plan(p: Person) -> None:
    await p.onboard()
    await p.press("3")
    await p.expect("Today's plan")


async def _settings_change(p: Person, label: str, fragment: str) -> None:
    await p.onboard()
    await p.say("/settings")
    await p.expect("Settings")
    await p.press(label)
    await p.expect(fragment)


async def _delete_asked(p: Person) -> None:
    await _plan(p)
    await p.say("/deletedata")
    await p.expect("Delete everything?")


async def _deleted(p: Person) -> None:
    await _delete_asked(p)
    await p.press(texts.BTN_DELETE)
    await p.expect("everything I stored about you is erased")


async def _red_flags_registered(p: Person) -> None:
    await _plan(p)
    await p.say("/redflags")
    await p.expect("groin")


async def _held_registered(p: Person) -> None:
    await _red_flags_registered(p)
    await p.press("Yes")
    await p.expect("paused your program")


async def _clearance_asked(p: Person) -> None:
    """Paused after an urgent answer, the all-clear's first question open."""
    await _red_flags_registered(p)
    await p.press("No")
    await p.expect("fever")
    await p.press("Yes")
    await p.expect("paused your program")
    await p.say("/cleared")
    await p.expect("When did a clinician examine you")


async def _clearance_confirm(p: Person) -> None:
    await _clearance_asked(p)
    await p.press(texts.BTN_CLEAR_AFTER)
    await p.expect("Did the clinician who examined you")


async def _declined(p: Person) -> None:
    await _consent(p)
    await p.press(texts.CONSENT_NO)
    await p.expect("I have stored nothing about you")


async def _stranger(p: Person) -> None:
    await p.say("hello")
    await p.expect("send /start")


def _change(label: str, fragment: str) -> Callable[[Person], Awaitable[None]]:
    async def walk(p: Person) -> None:
        await _settings_change(p, label, fragment)

    return walk


STATES: dict[str, Callable[[Person], Awaitable[None]]] = {
    "stranger": _stranger,
    "consent": _consent,
    "declined": _declined,
    "screening": _screening,
    "screening_ticked": _screening_ticked,
    "rf_emergency": _emergency,
    "rf_urgent": _urgent,
    "rf_soon": _soon,
    "rf_hold": _held_in_onboarding,
    "timezone": _zone,
    "tz_choice": _zone_choice,
    "checkin_time": _checkin_time,
    "equipment": _equipment,
    "hangs": _hangs,
    "registered": _registered,
    "plan": _plan,
    "settings_checkin_time": _change(texts.BTN_CHANGE_CHECKIN, "When should I ask"),
    "settings_hangs": _change(texts.BTN_CHANGE_HANGS, "When should I remind you"),
    "settings_timezone": _change(texts.BTN_CHANGE_ZONE, "Which time zone"),
    "settings_equipment": _change(texts.BTN_CHANGE_EQUIPMENT, "What do you have"),
    "delete_confirmation": _delete_asked,
    "deleted": _deleted,
    "red_flags_registered": _red_flags_registered,
    "red_flag_hold": _held_registered,
    "clear_when": _clearance_asked,
    "clear_ok": _clearance_confirm,
}


# --- Inputs --------------------------------------------------------------------------------

HOSTILE_TEXTS = [
    "",
    " ",
    "\n\t \r\n",
    "👍",
    "🏳️‍🌈👨‍👩‍👧‍👦",
    "مرحبا بالعالم",
    "\u202e3\u202c",
    "\u200f\u200e",
    "\u200b",
    "3\u200b",
    "\u00a0\u20037\u3000",
    "\x00",
    "\x01\x02\x1b[31m\x7f",
    "<b>",
    "<b>3</b>",
    "&amp;",
    "&lt;script&gt;",
    "</i><a href='x'>",
    "7" * 4096,
    "é" * 4096,
    "👍" * 2048,  # 4,096 UTF-16 units
    "a" * 201,
    "a" * 200,
    "3",
    " 10 ",
    "11",
    "-1",
    "3.5",
    "seven",
    "²",
    "٣",
    "08:00",
    "7:30 19:05",
    "08:30 13:00 19:00",
    "25:61",
    "Paris",
    "Europe/Berlin",
    "UTC+3",
    "UTC+99",
    "Etc/GMT-14",
    "Springfield",
    "0",
    "yes",
    "No",
]


def _text() -> st.SearchStrategy[str]:
    short = st.text(max_size=40)
    controls = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp"]))
    long_ = st.integers(201, 4096).map(lambda n: "x" * n)
    return st.one_of(st.sampled_from(HOSTILE_TEXTS), short, controls, long_)


def _command() -> st.SearchStrategy[str]:
    name = st.one_of(
        st.sampled_from(COMMANDS),
        st.sampled_from(COMMANDS).map(str.upper),
        st.from_regex(r"[A-Za-z0-9_]{1,32}", fullmatch=True),
    )
    mention = st.sampled_from(["", "@back_coach_bot", "@other_bot"])
    args = st.one_of(
        st.just(""),
        st.sampled_from([" 90", " 7", " 366", " ²", " -1", " 0", " yes", " 30 30", " <b>"]),
        st.text(max_size=30).map(lambda t: " " + t),
    )
    return st.builds(lambda n, m, a: f"/{n}{m}{a}", name, mention, args)


@dataclass
class Input:
    """One generated thing a person does."""

    kind: str  # text, command, sticker, photo, voice, contact, document, location, edit, press
    value: Any = None
    refused: bool = field(default=False)  # nothing stored may change

    def describe(self) -> str:
        shown = repr(self.value)
        return f"{self.kind}({shown[:120]}{'…' if len(shown) > 120 else ''})"


NON_TEXT = ["sticker", "photo", "voice", "contact", "document", "dice"]


def _inputs(chat: int, today: date, moves: list[str]) -> st.SearchStrategy[Input]:
    """Everything a person may send, including forged and stale button data."""
    arg = st.one_of(
        st.sampled_from(
            [
                today.strftime("%Y%m%d"),
                (today - timedelta(days=1)).strftime("%Y%m%d"),
                (today + timedelta(days=1)).strftime("%Y%m%d"),
                "99999999",
                "20260230",
                *[s.value for s in Step],
                "y",
                "n",
                "ok",
                "yes",
                "no",
                "keep",
                "after",
                "before",
                "notyet",
                "ct",
                "hc",
                "tz",
                "eq",
                "ws",
                "cw",
                *[str(n) for n in range(-1, 13)],
                "0800",
                "2400",
                "²",
                "",
                *moves,
            ]
        ),
        st.text(st.characters(exclude_characters="|"), max_size=6),
    )
    action = st.one_of(st.sampled_from([a.value for a in Action]), st.sampled_from(["", "zz"]))
    own_fuzzed = st.tuples(action, st.lists(arg, max_size=3)).map(
        lambda t: ("own", t[0], tuple(t[1]))
    )
    days = st.integers(-400, 400).filter(bool).map(lambda n: today + timedelta(days=n))
    other_day = st.one_of(
        st.tuples(st.just("pn"), days, st.integers(0, 10)).map(lambda t: ("own", t[0], t[1:])),
        st.tuples(st.sampled_from(["dn", "wr", "un"]), days, st.sampled_from(moves)).map(
            lambda t: ("own", t[0], t[1:])
        ),
        st.tuples(st.sampled_from(["hd", "hz", "hs"]), days, st.integers(0, 2)).map(
            lambda t: ("own", t[0], t[1:])
        ),
        st.tuples(st.just("rr"), days, st.integers(0, 10)).map(lambda t: ("own", t[0], t[1:])),
    )
    other_chat = st.tuples(
        st.sampled_from([chat + 1, chat - 1, 1, -100123, 2**40]),
        st.sampled_from(
            [
                ("pn", (today, 3)),
                ("dd", ("yes",)),
                ("st", ("ct",)),
                ("ob", ("consent", "y")),
                ("cl", ()),
                ("dn", (today, "bar_hang")),
            ]
        ),
    ).map(lambda t: ("other", t[0], *t[1]))
    random_bytes = st.binary(min_size=1, max_size=64).map(
        lambda b: b.decode("utf-8", errors="ignore")
    )
    random_text = st.text(min_size=1, max_size=64).filter(lambda s: len(s.encode()) <= 64)
    forged = st.one_of(random_bytes, random_text).filter(bool).map(lambda s: ("raw", s))
    press = st.one_of(
        st.tuples(st.just("button"), st.integers(0, 10_000)),  # a real button, old or new
        own_fuzzed,
        other_day,
        other_chat,
        forged,
    )
    return st.one_of(
        st.builds(Input, st.just("text"), _text()),
        st.builds(Input, st.just("command"), _command()),
        st.builds(Input, st.sampled_from(NON_TEXT), st.none(), st.just(True)),
        st.builds(
            Input,
            st.just("location"),
            st.tuples(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)),
        ),
        st.builds(Input, st.just("edit"), _text(), st.just(True)),
        st.builds(Input, st.just("press"), press),
    )


def _non_text(emu: Any, chat: int, kind: str) -> dict[str, Any]:
    if kind == "sticker":
        message = sticker_message(emu, chat)
    else:
        message = emu._message(chat, "private", None)
    if kind == "photo":
        message["photo"] = [
            {"file_id": f"photo-{n}", "file_unique_id": f"uphoto-{n}", "width": n, "height": n}
            for n in (90, 320, 1280)
        ]
        message["caption"] = "3"
    elif kind == "voice":
        message["voice"] = {
            "file_id": "voice-1",
            "file_unique_id": "uvoice-1",
            "duration": 3,
            "mime_type": "audio/ogg",
        }
    elif kind == "contact":
        message["contact"] = {"phone_number": "+4930123456", "first_name": "Ann", "user_id": chat}
    elif kind == "document":
        message["document"] = {"file_id": "doc-1", "file_unique_id": "udoc-1", "file_name": "x"}
    elif kind == "dice":
        message["dice"] = {"emoji": "🎲", "value": 3}
    return emu.updates.push("message", message)


APOLOGIES = {texts.ERROR, getattr(texts, "ERROR_STORAGE", texts.ERROR)}


# --- Watching the Application ---------------------------------------------------------------


class Finished:
    """Which updates the Application has finished (handlers and error handler included)."""

    def __init__(self, bot: Bot) -> None:
        self.ids: set[int] = set()
        app = bot.app
        inner = app.process_update

        async def process_update(update: object) -> None:
            try:
                await inner(update)
            finally:
                self.ids.add(getattr(update, "update_id", -1))
                bot.emu.notify()

        app.process_update = process_update


@dataclass
class Run:
    """One example: the person, what was sent, and what went wrong."""

    bot: Bot
    person: Person
    finished: Finished
    caplog: pytest.LogCaptureFixture
    state: str
    log: list[str] = field(default_factory=list)


def _errors(caplog: pytest.LogCaptureFixture, since: int) -> list[str]:
    found = []
    for record in caplog.records[since:]:
        if record.levelno >= logging.ERROR:
            trace = ""
            if record.exc_info and record.exc_info[1] is not None:
                trace = "".join(traceback.format_exception(record.exc_info[1]))[-3000:]
            found.append(f"{record.name}: {record.getMessage()}\n{trace}")
    return found


async def _send(run: Run, item: Input) -> None:
    """Send one input, wait until the Application is done with it, and check its answer."""
    bot, person, chat = run.bot, run.person, run.person.user_id
    emu = bot.emu
    sent_before = len(person.messages())
    answered_before = len(emu.answered_callbacks)
    logs_before = len(run.caplog.records)
    before = await stored(bot, chat)
    query_id: str | None = None
    if item.kind in ("text", "command"):
        update = emu.send_text(chat, item.value)
    elif item.kind in NON_TEXT:
        update = _non_text(emu, chat, item.kind)
    elif item.kind == "location":
        update = emu.share_location(chat, *item.value)
    elif item.kind == "edit":
        own = emu.inbox[max(key for key in emu.inbox if key[0] == chat)]
        edited = {key: own[key] for key in ("message_id", "from", "chat", "date")}
        edited["text"], edited["edit_date"] = item.value, own["date"] + 1
        update = emu.updates.push("edited_message", edited)
    else:
        update, query_id = _press(run, item)
    run.log.append(item.describe())
    update_id = update["update_id"]
    await emu.wait_until(
        lambda: True if update_id in run.finished.ids else None,
        TIMEOUT,
        lambda: f"the Application never finished {item.describe()}",
    )
    problems = []
    errors = _errors(run.caplog, logs_before)
    if errors:
        problems.append("an exception reached the error handler:\n" + "\n".join(errors))
    replies = person.messages()[sent_before:]
    if any(m.text in APOLOGIES for m in replies):
        problems.append(f"the bot apologised with texts.ERROR: {[m.text for m in replies]}")
    if query_id is not None:
        if not any(a.callback_query_id == query_id for a in emu.answered_callbacks):
            problems.append(
                f"the button press was never answered "
                f"(answers since: {emu.answered_callbacks[answered_before:]})"
            )
    elif not replies:
        problems.append("no answer at all")
    after = await stored(bot, chat)
    if item.refused and after != before:
        problems.append(f"a refused input changed stored data:\n  before {before}\n  after {after}")
    if problems:
        raise AssertionError(
            f"state {run.state!r}, chat {chat}, inputs {run.log}:\n" + "\n".join(problems)
        )


def _press(run: Run, item: Input) -> tuple[dict[str, Any], str]:
    """Press a button of one of the bot's messages to this person with generated data."""
    bot, chat = run.bot, run.person.user_id
    signer = bot.app.deps.signer
    messages = run.person.messages()
    assert messages, "every state leaves at least one bot message"
    how, *rest = item.value
    target = messages[-1]
    if how == "button":
        buttons = [(m, b) for m in messages for b in m.buttons if "callback_data" in b]
        if buttons:
            target, button = buttons[rest[0] % len(buttons)]
            data = str(button["callback_data"])
        else:
            data = signer.sign(chat, "pn", bot.clock.now().date(), 3)
    elif how == "raw":
        data = rest[0]
        item.refused = True
    else:
        signed_for, action, args = (chat, *rest) if how == "own" else rest
        if how == "other":
            item.refused = True
        elif action in ("pn", "dn", "wr", "un", "hd", "hz", "hs", "rr") and args:
            # another day (refused unless it is the person's today)
            item.refused = isinstance(args[0], date) and args[0] != run_today(run)
        try:
            data = signer.sign(signed_for, action, *args)
        except ValueError:  # over 64 bytes: the bot can't sign it either
            data = signer.sign(signed_for, action)
    item.value = (how, data)
    update = bot.emu.press_button(chat, target.message_id, data)
    return update, str(update["callback_query"]["id"])


def run_today(run: Run) -> date:
    return run.bot.clock.now().astimezone(load_zone("Europe/Berlin")).date()


# --- What the stored data must satisfy --------------------------------------------------------


async def check_invariants(run: Run, started: bool) -> None:
    bot, chat = run.bot, run.person.user_id
    s = await stored(bot, chat)
    async with bot.store.unit() as uow:
        rows = await uow.schedule.of(chat)
        marks = await uow.schedule.all_hang_marks(chat)
    moves = {m.slug for m in bot.app.deps.program.moves}
    broken: list[str] = []
    p = s.person

    def need(ok: bool, what: str) -> None:
        if not ok:
            broken.append(what)

    days = [r.day for r in s.ratings]
    need(all(0 <= r.pain <= 10 for r in s.ratings), f"ratings 0..10: {s.ratings}")
    need(len(days) == len(set(days)), f"one rating a day: {s.ratings}")
    need(all(f.move in moves for f in s.feedback), f"feedback on known moves: {s.feedback}")
    keys = [(f.day, f.move, f.kind) for f in s.feedback]
    need(len(keys) == len(set(keys)), f"feedback once per day, move and kind: {s.feedback}")
    if p is None:
        need(s.ratings == s.feedback == s.safety == (), f"rows of a person not stored: {s}")
        need(rows == [] and marks == [], f"reminders of a person not stored: {rows} {marks}")
    else:
        need(started, "a person was stored without /start")
        valid_steps = {step.value for step in Step}
        need(p.step is None or p.step in valid_steps, f"step {p.step!r} is a Step")
        step = Step(p.step) if p.step in valid_steps else None
        if p.registered:
            need(p.consent_version is not None, "a registered person consented")
            need(p.timezone is not None, "a registered person has a time zone")
            need(p.checkin_time is not None, "a registered person has a check-in time")
            if Equipment.PULLUP_BAR in p.profile.equipment:
                need(
                    len(p.hang_times) in (2, 3) and list(p.hang_times) == sorted(set(p.hang_times)),
                    f"2 or 3 different sorted hang times: {p.hang_times}",
                )
            else:
                need(p.hang_times == (), f"no bar, no hang times: {p.hang_times}")
            need(step is not Step.RF_HOLD, "a registered person is not in the onboarding hold")
            if p.active:
                regular = sorted(
                    (r.kind.value, r.slot)
                    for r in rows
                    if not r.once and r.kind is not Kind.RETENTION
                )
                prompt = Kind.WEEKLY_CHECKIN if p.checkin_weekly else Kind.CHECKIN
                wanted = sorted(
                    [(Kind.HANG.value, i) for i in range(len(p.hang_times))]
                    + [(prompt.value, 0)]
                    + ([(Kind.WEEKLY.value, 0)] if p.weekly_summary else [])
                )
                need(regular == wanted, f"reminders {regular} match the settings {wanted}")
            need(
                all(slot < len(p.hang_times) for _day, slot, _mark, _at in marks),
                f"hang marks only for existing slots: {marks}",
            )
        else:
            need(step is not None, f"an unregistered person is in a step: {p.step!r}")
            need(s.ratings == () and s.feedback == (), "no ratings before setup is complete")
            need(rows == [], f"no reminders before setup is complete: {rows}")
            if step is not None and step is not Step.CONSENT:
                need(p.consent_version is not None, f"consented before step {step}")
        if p.timezone is not None:
            try:
                load_zone(p.timezone)
            except Exception as exc:
                broken.append(f"time zone {p.timezone!r} loads: {exc!r}")
        if step is Step.TZ_CHOICE:
            need(bool(zone_choices(p)), f"a zone choice has choices: {p.step_data}")
        if step is Step.RF_HOLD:
            need(hold(p) is not None, "the onboarding hold is a hold")
        if step in (Step.CLEAR_WHEN, Step.CLEAR_OK):
            need(hold(p) is not None, "the all-clear's questions are asked only while paused")
        need(step is None or step in STEPS, f"step {step} has a question")
    if broken:
        raise AssertionError(
            f"state {run.state!r}, chat {chat}, inputs {run.log}: broken invariants:\n  "
            + "\n  ".join(broken)
        )


# --- The property ------------------------------------------------------------------------------

CASES: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_cases(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    total = sum(CASES.values())
    detail = ", ".join(f"{state} {n}" for state, n in CASES.items())
    line = f"hostile properties: {total} generated inputs ran ({detail})"
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line, file=sys.stderr)
        return
    with capture.global_and_fixture_disabled():  # shown even when every test passes
        reporter.write_line("")
        reporter.write_line(line)


@pytest.mark.parametrize("state", list(STATES))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_every_input_in_every_state_is_answered_and_keeps_the_data_consistent(
    bot: Bot,
    caplog: pytest.LogCaptureFixture,
    record_property: Any,
    state: str,
    data: st.DataObject,
) -> None:
    if not hasattr(bot.app, "_finished"):
        bot.app._finished = Finished(bot)
    person = Person(bot, next(_chat_ids))
    run = Run(bot, person, bot.app._finished, caplog, state)
    logs_before = len(caplog.records)
    await STATES[state](person)
    setup_errors = _errors(caplog, logs_before)
    assert setup_errors == [], f"walking into {state!r} failed: {setup_errors}"
    started = state not in ("stranger", "declined", "deleted")
    await check_invariants(run, started)

    moves = sorted(m.slug for m in bot.app.deps.program.moves)
    items = data.draw(
        st.lists(_inputs(person.user_id, run_today(run), moves), min_size=1, max_size=MAX_INPUTS),
        label="inputs",
    )
    for item in items:
        await _send(run, item)
        if item.kind == "command" and str(item.value).lower().startswith("/start"):
            started = True
        CASES[state] = CASES.get(state, 0) + 1
        await check_invariants(run, started)
    record_property("cases", sum(CASES.values()))


# --- Even when the rest fails, a press is answered ----------------------------------------------


@settings(
    max_examples=max(EXAMPLES * 2, len(Action)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(action=st.sampled_from(list(Action)), fault=st.sampled_from(["service", "database"]))
async def test_a_press_is_answered_even_when_handling_it_fails(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, action: Action, fault: str
) -> None:
    """The service behind a button raises (a bug, a lost database): the spinner still stops."""
    from conversations import buttons

    if not hasattr(bot.app, "_finished"):
        bot.app._finished = Finished(bot)
    person = Person(bot, next(_chat_ids))
    await _plan(person)
    today = bot.clock.now().astimezone(load_zone("Europe/Berlin")).date()
    args: dict[Action, tuple[Any, ...]] = {
        Action.ANSWER: ("consent", "y"),
        Action.PAIN: (today, 3),
        Action.DONE: (today, "bar_hang"),
        Action.WORSE: (today, "bar_hang"),
        Action.UNDO: (today, "bar_hang"),
        Action.HOW: ("bar_hang",),
        Action.HANG_DONE: (today, 0),
        Action.HANG_SNOOZE: (today, 0),
        Action.HANG_SKIP: (today, 0),
        Action.DELETE: ("no",),
        Action.SETTINGS: ("ws",),
        Action.RERATE: (today, 4),
    }
    data = bot.app.deps.signer.sign(person.user_id, action.value, *args.get(action, ()))

    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("injected: the service failed")

    def unreachable() -> Any:
        raise ConnectionError("injected: the database is unreachable")

    with monkeypatch.context() as patch:
        if fault == "service":
            patch.setitem(buttons.ROUTES, action, broken)
        else:
            patch.setattr(bot.app.deps.store, "unit", unreachable)
        update = bot.emu.press_button(person.user_id, person.messages()[-1].message_id, data)
        query_id = str(update["callback_query"]["id"])
        await bot.emu.wait_until(
            lambda: True if update["update_id"] in bot.app._finished.ids else None,
            TIMEOUT,
            lambda: "the Application never finished the press",
        )
    CASES["press with a failure"] = CASES.get("press with a failure", 0) + 1
    answered = [a for a in bot.emu.answered_callbacks if a.callback_query_id == query_id]
    assert answered, (
        f"a press of {data!r} ({action.name}) was never answered when the {fault} failed; "
        f"the bot said {[m.text for m in person.messages()[-2:]]}"
    )
