"""Every text the bot can say is valid Telegram HTML and within Telegram's limits.

Each string of coach/texts.py (dict values included) is filled with realistic sample values
for its placeholders and parsed by the emulator's strict HTML parser; so are the plan, the
*How?* texts and the exercise list rendered from the shipped program. Limits: 4096 for a
message, 1024 for a caption, and for a button's toast 200 for its first paragraph (a longer
toast is sent whole as a message too, so the whole must fit a message).
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import date

import pytest

from coach import red_flags, texts
from coach.model import Equipment, Profile, RedFlagGroup
from coach.plan import Plan
from coach.program import Program, default_program
from conversations.render import exercises_text, how_text, plan_text
from emulator.html import HtmlError, parse_html, utf16_len
from tests.coach.conftest import coached, quick

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
TOAST_LIMIT = 200
COMMAND_DESCRIPTION = (3, 256)

# Texts sent as a button's toast (grep "toast" in services/ and conversations/).
TOASTS = {
    "DONE_ACK", "DONE_ALREADY", "SESSION_COMPLETE", "SESSION_COUNTED", "WORSE_ACK",
    "WORSE_HANG_ACK", "WORSE_AGAIN", "UNDO_ACK", "NOTHING_TO_UNDO", "STALE_BUTTON",
    "INVALID_BUTTON", "NOT_NOW",
    "HANG_DONE_ACK", "HANG_SKIP_ACK", "HANG_SNOOZE_ACK", "HANG_SNOOZED_ALREADY",
    "HANG_ALREADY", "HANG_SNOOZE_PAST_MIDNIGHT", "RED_FLAGS_OPEN_TOAST", "RERATE_KEPT",
    "WORSE_TAKES_ADVANCE",
}  # fmt: skip
# Texts sent as a caption: the export file's, and the chart's (escaped, so plain text).
CAPTIONS = {"EXPORT_CAPTION", "REPORT_CAPTION"}
PLAIN_CAPTIONS = {"PROGRESS_NO_WEEK", "PROGRESS_WEEK", "PROGRESS_WEEKS", "PROGRESS_NEXT"}

# Realistic, long-side sample values for every placeholder in texts.py.
SAMPLES: dict[str, object] = {
    "label": "Yes, change to 5/10",
    "pain": 8,
    "target": 7,
    "have": 5,
    "more": " (2 more days)",
    "stage": 4,
    "names": "Seated Row, Reverse Hyper",
    "items": "a resistance band or a cable machine",
    "flares": "Mon 3 Nov, Thu 6 Nov",
    "name": "Reverse Hyper",
    "day": "Mon 3 Nov",
    "what": "high pain that day (7/10)",
    "low": 1,
    "high": 9,
    "why": "Why: pain 7/10 is high today.",
    "needs": "a resistance band or a cable machine",
    "cap": 3,
    "days": 14,
    "usual": 3,
    "window": 5,
    "pain_max": 3,
    "since": texts.SINCE_CLEARED,
    "number": texts.EMERGENCY_NUMBER_ALSO.format(
        number="1122", also="115", country="Saint Vincent and the Grenadines"
    ),
    "also": "115",
    "country": "Saint Vincent and the Grenadines",
    "hint": texts.TIMEZONE_HINT,
    "zone": "America/Argentina/ComodRivadavia",
    "local": "08:15",
    "times": "08:00, 13:00 and 19:00",
    "two": "08:30, 18:30",
    "three": "08:30, 13:00, 19:00",
    "count": 3,
    "example": "08:00 13:00 19:00",
    "item": texts.EQUIPMENT["pullup_bar"],
    "checkin": "07:30",
    "hangs": "08:00, 13:00 and 19:00",
    "until": "Mon 10 Nov",
    "equipment": "a resistance band or a cable machine",
    "alternative": "A band anchored low behind you works in place of a cable.",
    "old": 4,
    "new": 6,
    "next": "Tue 4 Nov at 07:30",
    "state": texts.REMINDERS_OFF,
    "often": "daily",
    "gym": "yes",
    "weekly": "on",
    "week": 3.4,
    "last": 4.1,
    "checkins": 7,
    "sessions": 6,
    "drop": 1.5,
    "version": texts.CONSENT_VERSION,
    "done": 2,
    "time": "07:30",
    "page": 2,
    "total": 7,
    "emergency": red_flags.bullets(RedFlagGroup.EMERGENCY),
    "urgent": red_flags.bullets(RedFlagGroup.URGENT),
    "soon": red_flags.bullets(RedFlagGroup.SOON),
    "signs": red_flags.bullets(RedFlagGroup.EMERGENCY),
    "call": texts.RED_FLAGS_CALL["unknown"],
    "when": "Mon 3 Nov 14:05",
    # The activities (coach/function.py): the person's own words, at their longest.
    "score": 6,
    "index": 2,
    "first": 3,
    "latest": 6,
    "line": "tie my shoes: 3 → 6",
    "list": "• pick up my daughter from her car seat without help\n• tie my shoes",
    "question": "<b>sit through a whole film at the cinema without standing up</b>",
    "change": "+3",
    "verdict": "exceeds the detectable change",
    "mdc": 2,
    "changes": "tie my shoes: 3 → 6 (more than the scale's margin of error); "
    "sit through a film: 5 → 6",
}


def catalogue() -> Iterator[tuple[str, str, str]]:
    """(name, key, template) for every string constant and dict value of texts.py."""
    for name, value in sorted(vars(texts).items()):
        if not name.isupper():
            continue
        if isinstance(value, str):
            yield name, "", value
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str):
                    yield name, str(key), item


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def filled(template: str) -> str:
    names = placeholders(template)
    unknown = names - set(SAMPLES)
    assert not unknown, f"no sample value for {sorted(unknown)}: add one to SAMPLES"
    return template.format(**{n: SAMPLES[n] for n in names}) if names else template


def problems(text: str, limit: int) -> list[str]:
    found = []
    try:
        parse_html(text, strict=True)
    except HtmlError as exc:
        found.append(f"invalid HTML: {exc}")
    plain = parse_html(text, strict=False)[0] if not found else text
    if utf16_len(plain) > limit:
        found.append(f"{utf16_len(plain)} characters, over {limit}")
    if not plain.strip():
        found.append("empty")
    return found


CATALOGUE = list(catalogue())


def test_the_catalogue_is_found_whole() -> None:
    names = {name for name, _, _ in CATALOGUE}
    assert len(CATALOGUE) > 150
    assert names >= TOASTS | CAPTIONS | PLAIN_CAPTIONS
    assert {"PLAN_REASON", "ENTERED_BY", "ESCALATE", "COMMANDS", "FLARE_WHAT"} <= names


@pytest.mark.parametrize(("name", "key", "template"), CATALOGUE, ids=lambda v: str(v)[:40])
def test_every_text_is_valid_telegram_html_within_its_limit(
    name: str, key: str, template: str
) -> None:
    text = filled(template)
    if name in TOASTS:
        first = text.split("\n\n")[0]
        assert problems(text, MESSAGE_LIMIT) == []
        assert utf16_len(first) <= TOAST_LIMIT, f"toast's first paragraph: {len(first)}"
    elif name in CAPTIONS:
        assert problems(text, CAPTION_LIMIT) == []
    elif name in PLAIN_CAPTIONS:
        assert "<" not in text, "the chart's caption is escaped: no tags"
        assert utf16_len(text) <= CAPTION_LIMIT
    elif name == "COMMANDS":
        low, high = COMMAND_DESCRIPTION
        assert low <= len(text) <= high
    else:
        assert problems(text, MESSAGE_LIMIT) == []


def test_every_placeholder_has_a_sample_value() -> None:
    used = set().union(*(placeholders(t) for _, _, t in CATALOGUE))
    assert sorted(used - set(SAMPLES)) == []


def test_the_longest_toast_built_by_the_services_fits() -> None:
    """A second "worse" within a month on the day a stage was earned: the acknowledgement,
    the advance taken back and the advice, together."""
    worse = texts.WORSE_ACK.format(name="Reverse Hyper", days=7)
    taken = texts.WORSE_TAKES_ADVANCE.format(name="Reverse Hyper", stage=4, day="Mon 10 Nov")
    whole = f"{worse}\n\n{taken}\n\n{texts.WORSE_AGAIN.format(name='Reverse Hyper')}"
    assert problems(whole, MESSAGE_LIMIT) == []
    assert utf16_len(whole.split("\n\n", maxsplit=1)[0]) <= TOAST_LIMIT


def test_a_broken_text_is_caught() -> None:
    assert problems("<b>Today's plan</b", MESSAGE_LIMIT)
    assert problems("Pain < 3 & rising", MESSAGE_LIMIT)
    assert problems("x" * (MESSAGE_LIMIT + 1), MESSAGE_LIMIT)
    with pytest.raises(AssertionError, match="no sample value"):
        filled("Hello {nobody}")


# --- the program, as rendered -------------------------------------------------------------


@pytest.fixture(scope="module")
def program() -> Program:
    return default_program()


@pytest.mark.parametrize("slug", [m.slug for m in default_program().moves])
def test_every_how_text_is_valid_and_fits(program: Program, slug: str) -> None:
    assert problems(how_text(program.move(slug)), MESSAGE_LIMIT) == []


def plans() -> Iterator[tuple[str, Plan]]:
    top = quick([1] * 60)
    yield "top stage", top.plan()
    yield "first day", coached([5]).plan()
    yield "flare", coached([2, 2, 2, 9]).plan()
    gentle = quick([1] * 30).worse(quick([1] * 30).last, "bar_hang")
    yield "gentle hang", gentle.plan()
    # v3: a lighter day, high pain on its way down, a lost stage, stage 1 without a bar.
    yield "lighter day", quick([2] * 30).then([5]).plan()
    yield "high, lower", quick([1] * 30).then([9, 8]).plan()
    yield "lost stage", quick([1] * 30).then([7]).plan()
    no_bar = Profile(frozenset({Equipment.BAND, Equipment.BENCH}))
    yield "no bar", coached([3], profile=no_bar).plan()


@pytest.mark.parametrize(("label", "plan"), list(plans()), ids=lambda v: str(v)[:20])
def test_every_plan_is_valid_and_fits(program: Program, label: str, plan: Plan) -> None:
    text = plan_text(program, plan)
    assert problems(text, MESSAGE_LIMIT) == []
    # The whole plan fits with every cue: nothing was cut to make it fit.
    for item in plan.items:
        if item.actionable:
            assert item.move.name in text


def test_every_cue_of_every_move_is_one_tap_away(program: Program) -> None:
    """The daily plan shows a tip per move; its How? shows every cue."""
    plan = quick([1] * 60).plan()
    text = parse_html(plan_text(program, plan))[0]
    todo = [item.move for item in plan.items if item.actionable]
    assert len(todo) >= 5 and [m for m in todo if m.tip not in text] == []
    for move in program.moves:
        how = parse_html(how_text(move))[0]
        assert [cue for cue in move.cues if cue not in how] == [], move.slug


@pytest.mark.parametrize("stage", [1, 3, 5])
def test_the_exercise_list_is_valid_and_fits(program: Program, stage: int) -> None:
    for equipment in (frozenset(), frozenset(Equipment)):
        assert problems(exercises_text(program, stage, equipment), MESSAGE_LIMIT) == []


def test_dates_in_texts_use_the_short_form() -> None:
    assert texts.day(date(2026, 11, 3)) == "Tue 3 Nov"


# Values the services leave empty by design ("" when there is nothing to add): every text
# must read well without them. Any other value is never empty: where one could be (the
# hang times of a person without a bar), the services choose a text without its slot.
OPTIONAL = {"more", "since", "alternative"}
SLOT_FLAWS = ("  ", " .", " ,", " :", " ;", " )", "()", "( ", ": .", "at  (")


def slot_flaws(text: str) -> list[str]:
    found = [flaw for flaw in SLOT_FLAWS if flaw in text]
    return found + (["ends in a space"] if text != text.rstrip() else [])


@pytest.mark.parametrize(("name", "key", "template"), CATALOGUE, ids=lambda v: str(v)[:40])
def test_every_text_reads_well_with_each_optional_value_empty(
    name: str, key: str, template: str
) -> None:
    for slot in placeholders(template) & OPTIONAL:
        text = template.format(
            **{n: "" if n == slot else SAMPLES[n] for n in placeholders(template)}
        )
        assert slot_flaws(text) == [], f"{name}[{key}] with {{{slot}}} empty: {text!r}"


def test_the_slot_check_catches_the_old_set_up_text_without_hang_times() -> None:
    old = (
        "All set. I'll ask about your back at {checkin} and remind you to hang at {hangs} ({zone})."
    )
    assert slot_flaws(old.format(checkin="07:30", hangs="", zone="Europe/London"))
    for name in ("SETUP_DONE_NO_HANGS", "SETUP_DONE_HELD_NO_HANGS"):
        template = getattr(texts, name)
        assert "{hangs}" not in template
        assert slot_flaws(filled(template)) == []
