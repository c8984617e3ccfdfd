"""Every text Back Coach says, in one catalogue: English, the source of the translations.

Texts are Telegram HTML; values put into placeholders (str.format) are escaped by the caller.
Reading a constant (``texts.WELCOME``) gives it in the language of the person at hand
(coach/i18n.py): Russian and Spanish come from coach/locale/*/LC_MESSAGES/messages.po, which
``make extract translations`` keeps in step with this file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from coach import i18n

# Nouns counted with plural(); each is a plural message of the catalogues.
PLURAL_NOUNS = ("day", "more day", "more session")
# Nouns counted after "of" ("3 of 4 days"): their own plural messages, because Russian puts
# a count after «из» in the genitive ("из 4 дней", "из 21 дня").
PLURAL_OF_NOUNS = ("day",)


def plural(count: int, noun: str, *, after_of: bool = False) -> str:
    """'1 more day', '2 more days' (in Russian, three forms: 'ещё 1 день', '2 дня', '5 дней').
    ``after_of``: the count follows "of" ("3 of {4 days}"; Russian «из 4 дней»)."""
    context = i18n.PLURAL_OF if after_of else i18n.PLURAL
    english = (f"{{count}} {noun}", f"{{count}} {noun}s")
    return i18n.ngettext(*english, count, context=context).format(count=count)


# Dates in words, per language (Babel patterns): the weekday and the month in full, so that
# no abbreviation reads two ways (Spanish "mar" is both martes and marzo). English keeps its
# short form, which is unambiguous.
_day_patterns = {"ru": "EEEE, d MMMM", "es": "EEEE d 'de' MMMM"}
_day_year_patterns = {"ru": "EEEE, d MMMM y", "es": "EEEE d 'de' MMMM 'de' y"}


def day(value: date) -> str:
    """A date a reader takes in at once, in the person's language: 'Tue 3 Nov',
    'вторник, 3 ноября', 'martes 3 de noviembre'."""
    language = i18n.current()
    pattern = _day_patterns.get(language)
    if pattern is None:
        return f"{value:%a} {value.day} {value:%b}"
    return format_date(value, pattern, locale=language)


def day_month(value: date) -> str:
    """A date as short as a chart's axis needs: '3 Nov', '3 нояб.', '3 nov'."""
    language = i18n.current()
    if language == i18n.DEFAULT:
        return f"{value.day} {value:%b}"
    return format_date(value, "d MMM", locale=language)


def decimal(value: float) -> str:
    """A figure with one decimal, as the person writes it: '3.4', '3,4' in Russian and Spanish.
    Rounded as Python rounds it (so '3.45' is the same figure in every language), then
    written with Babel for the current language."""
    return format_decimal(Decimal(f"{value:.1f}"), "0.0", locale=i18n.current())


def country(code: str | None, english: str | None) -> str | None:
    """A country's name in the person's language (CLDR, through Babel): 'Россия', 'México'."""
    language = i18n.current()
    if language == i18n.DEFAULT or code is None:
        return english
    name = Locale.parse(language).territories.get(code.upper())
    return name if isinstance(name, str) else english


EQUIPMENT = {
    "pullup_bar": "a pull-up bar",
    "band": "a resistance band",
    "cable": "a cable machine",
    "bench": "a bench",
    "dumbbell": "a dumbbell",
    "barbell": "a barbell",
}

MET = "✅"
UNMET = "▫️"

NEED_STREAK = "pain ≤ {pain} on {target} days in a row: {have} of {target}{more}"
NEED_SESSIONS = "{target} stage-{stage} sessions: {have} of {target}{more}"
NEED_NO_LEFT_OUT = "no stage-{stage} move left out after “made it worse” (left out now: {names})"
NEED_EQUIPMENT = "equipment for the next moves (missing: {items})"
NEED_NO_FLARE = "no flare since entering this stage (flares: {flares})"

WHY_STAGE = "You are in stage {stage}: {name}."
WHY_NO_CHECKINS = "Every program starts here. Check in with /checkin to begin."
ENTERED_BY = {
    "start": "You started the program on {day}.",
    "advance": "You moved up on {day}: you met every condition of this stage.",
    "flare": "You moved down on {day} because of a flare: {what}.",
    "away": "You moved down on {day} after time away, to restart gently.",
    "sustained": (
        "You moved down on {day}: your pain has stayed higher than this stage suits, "
        "so you build up again from here."
    ),
}
WHY_MAINTENANCE = (
    "Four weeks at the top with no flare: you are in maintenance. "
    "A weekly check-in is enough now, if you prefer: switch in /settings."
)
BACK_TO_DAILY = (
    "While you build back up, I'll ask about your back every day again. "
    "Weekly check-ins come back as an option once you're in maintenance."
)
WHY_TOP = "This is the last stage of the progression. Keep it up at a weight that moves cleanly."
WHY_NEXT = "To reach stage {stage} ({name}), all of these must hold:"
WHY_ALL_MET = "Everything is met: you move up at your next check-in."
WHY_NO_SESSION = (
    "Your equipment fits none of this stage's moves yet, so no session can count toward the "
    "next stage. What they need: {needs}. Tell me in /settings when you have one."
)
WHY_KEPT = (
    "Without {what}, today's plan leaves out the moves that need it. You keep the stage you "
    "earned, and your dose levels: tell me in /settings when you have it again, and they "
    "are back in the plan at once."
)
WHY_CAP = (
    "Without a barbell the program tops out at stage {cap}. "
    "Tell me in /settings if you get access to one."
)

PLAN_REASON = {
    "flare": (
        "Pain {pain}/10 is high today. No exercises today: a gentle bar hang is optional, "
        "only if it eases the pain. Don't push through pain."
    ),
    "flare_drop": (
        "Pain {pain}/10 is high today, so you move back to stage {stage}. No exercises today: "
        "a gentle bar hang is optional, only if it eases the pain. Don't push through pain."
    ),
    "high": (
        "Pain {pain}/10 is lower than your last rating but still high: you keep stage {stage}. "
        "No exercises today: a gentle bar hang is optional, only if it eases the pain."
    ),
    "lighter": (
        "Pain {pain}/10 is above your usual {usual}, so today is a lighter day: doses a level "
        "down and the lifts rest. You keep stage {stage} and your dose levels."
    ),
    "away": (
        "Welcome back. After {days}+ days away you restart one stage lower, at stage {stage}, "
        "to ease back in."
    ),
    "advance": "You earned stage {stage}: {name}. New moves are marked below.",
    "no_bar": (
        "Stage 1 starts with the bar hang, and you have no bar yet. Back Coach's adaptation: "
        "meanwhile, the gentlest of the article's next moves that your equipment allows. A bar "
        "adds the hang, which lets the lower back relax and decompress (the article). Add it "
        "in /settings."
    ),
    "no_bar_none": (
        "Stage 1 starts with the bar hang, and you have no bar yet, nor the band, cable or "
        "bench of the article's next moves. A bar adds the hang, which lets the lower back "
        "relax and decompress (the article). Add it in /settings. Meanwhile keep moving: the "
        "article's advice is to work through back pain, not to rest it out."
    ),
    "rest": "Stage {stage}: {name}. The lifts rest today (every other day).",
    "same": "Stage {stage}: {name}.",
    "sustained": (
        "Your pain has stayed higher than this stage suits (≥ {pain}/10 on {days} of your last "
        "{window} check-ins), so you move back to stage {stage}: {name}, to build up again."
    ),
    "pain_rest": (
        "Stage {stage}: {name}. The lifts rest today: they wait until back pain has largely "
        "subsided (the article), which Back Coach measures as pain {pain_max}/10 or less."
    ),
}
# On a high-pain day, after the reason: the NHS's self-care advice, summed up with its source
# (no medicines: Back Coach gives no advice on them).
SELF_CARE = (
    "The NHS's advice for back pain (nhs.uk/conditions/back-pain), in short: keep moving "
    "gently and go on with your daily activities as far as you can, since resting for long "
    "periods is likely to make the pain worse; try short walks; heat, such as a heat pad or "
    "a hot water bottle wrapped in a towel, may ease the pain for a while."
)
# After a lost stage: what earns it back, from the stage table ({needs} joins the pieces).
EARN_BACK = "To earn stage {stage} back: {needs}. /why shows how far you are."
EARN_STREAK = "pain ≤ {pain_max} on {days} in a row, counted from tomorrow"
EARN_SESSIONS = "{target} stage-{stage} sessions"
EARN_DAYS = "{target} days in stage {stage}"


# --- Conversations -------------------------------------------------------------------------

CONSENT_VERSION = "2026-12-07"

WELCOME = (
    "👋 <b>Back Coach</b> guides you through Jeff Cavaliere's seven-move strength progression "
    "for lower back pain: bar hangs first, then rows, hip work, and, once pain has largely "
    "subsided, the deadlift and barbell row.\n\n"
    "Each day I ask how your back feels (0–10) and give you the moves you have earned. "
    "I never push you through pain.\n\n"
    "<b>What I am not:</b> a doctor or physical therapist. This is coaching, not medical "
    "advice; I can't diagnose anything. When in doubt, trust your doctor or physical therapist."
)
CONSENT = (
    "To coach you I store your pain ratings, sessions, feedback on moves, screening answers, "
    "time zone and settings, and, if you choose to name them later, up to three activities "
    "in your own words — nothing else: no name, no username, no other message texts. "
    "You can export or delete it all at any time (/privacy).\n\n"
    "Do you agree to me storing this health data?"
)
CONSENT_YES = "I agree"
CONSENT_NO = "No thanks"
CONSENT_DECLINED = (
    "Understood: I have stored nothing about you. If you change your mind, send /start."
)
SCREENING_ASK = (
    "A few safety questions first. Do any of these apply to you: pregnancy, spinal surgery in "
    "the last 6 months, diagnosed osteoporosis, or being under 18? Tap each one that does "
    "(a <b>Done</b> button then appears), or <b>None of these</b>."
)
TOGGLE_ON = "☑️"
TOGGLE_OFF = "⬜"
DONE = "Done"
NONE_OF_THESE = "None of these"
SCREENING_ITEMS = {
    "pregnant": "Pregnant",
    "recent_spinal_surgery": "Spinal surgery in the last 6 months",
    "osteoporosis": "Diagnosed osteoporosis",
    "under_18": "Under 18",
}
# The same items on the question's buttons, short enough for a phone (the question names
# each in full).
SCREENING_LABELS = {
    "pregnant": "Pregnant",
    "recent_spinal_surgery": "Spinal surgery",
    "osteoporosis": "Osteoporosis",
    "under_18": "Under 18",
}
SCREENING_HOLD = (
    "Thank you. With that, please get a clinician's go-ahead before starting these exercises. "
    "When you have it, press the button below. We'll finish setting up meanwhile."
)
CLINICIAN_OK = "A clinician has checked me and said exercise is OK"
# The wording of the red-flag questions; stored with each answer.
RED_FLAGS_VERSION = "2026-12-07"
# The lead line of each tier's question; the signs follow (coach/red_flags.toml's order).
RED_FLAGS_ASK = {
    "emergency": "Do you have any of these{since}?",
    "urgent": "And any of these{since}?",
    "soon": "And last, any of these{since}?",
}
# Each sign, by its key in coach/red_flags.toml (which holds its tier and source).
RED_FLAGS_ITEMS = {
    "saddle": (
        "numbness, tingling or pins and needles in the groin, around your genitals, buttocks or "
        "back passage, or in your inner thighs (the saddle area), or a changed feeling when you "
        "wipe after the toilet"
    ),
    "pee": (
        "new difficulty starting to pee, a weak stream, or not feeling when your bladder is full"
    ),
    "control": "new loss of bladder or bowel control, or not feeling when you pass stool",
    "sex": "new numbness or loss of feeling during sex, or new erection problems",
    "both_legs": "pain, tingling, weakness or numbness in <b>both</b> legs",
    "one_leg": "one leg getting weaker, or a foot that drops or drags when you walk",
    "walking": "new difficulty walking",
    "chest": "chest pain along with the back pain",
    "accident": "back pain that started after a serious fall or accident (such as a car crash)",
    "fever": "a fever (high temperature), chills or feeling very unwell along with the back pain",
    "infection": "injecting drugs, or a recent bacterial infection",
    "immunity": "a weakened immune system, or taking steroids for a long time",
    "cancer": "cancer, now or in the past",
    "weight": "weight loss you can't explain",
    "night": "pain that is constant at night or at rest, or doesn't ease with rest",
    "cough": "pain made worse by coughing, sneezing or straining on the toilet",
    "lump": "a lump or swelling in your back, or a change in its shape",
    "upper": "pain in the upper back, between the shoulder blades, rather than the lower back",
    "inflammatory": (
        "back pain for over 3 months that began before age 45, and is stiff in the morning, "
        "wakes you in the second half of the night, or eases with movement but not with rest"
    ),
    "age": "new back pain, and you are under 20 or over 50",
}
SINCE_CLEARED = " that are new or worse since a clinician saw you"
YES = "Yes"
NO = "No"
EMERGENCY_NUMBER = "{number} ({country})"
EMERGENCY_NUMBER_ALSO = "{number} or {also} ({country})"
EMERGENCY_NUMBER_HOW = (
    "\n\nTo have your country's number here, send /settings, choose <i>Change time zone</i> "
    "and send your city."
)
# Each piece of advice is a whole sentence for a known number ("number": {number} is
# "112 (Germany)" or "999 or 112 (United Kingdom)") and another for an unknown one, so no
# language has to fit a phrase into a sentence built for a number.
EMERGENCY_ADVICE = {
    "number": (
        "🚨 <b>Please go to an emergency department now, or call {number} for an "
        "ambulance.</b> These symptoms need to be checked straight away."
    ),
    "unknown": (
        "🚨 <b>Please go to an emergency department now, or call your local emergency number "
        "for an ambulance.</b> 112 works from mobile phones in many countries. These symptoms "
        "need to be checked straight away."
    ),
}
URGENT_ADVICE = {
    "number": (
        "⚠️ <b>Please see a doctor today</b> about these symptoms: a same-day appointment or "
        "urgent care. If you feel very unwell or get worse, call {number}."
    ),
    "unknown": (
        "⚠️ <b>Please see a doctor today</b> about these symptoms: a same-day appointment or "
        "urgent care. If you feel very unwell or get worse, call your local emergency number "
        "(112 works from mobile phones in many countries)."
    ),
}
# Where the country has a line for urgent medical advice that is not an emergency (the
# UK's NHS 111), said after the urgent advice: {urgent} is "111 (United Kingdom)".
URGENT_LINE = "For urgent medical advice you can also call {urgent}."
SOON_ADVICE = (
    "📋 <b>Please book an appointment with a GP (family doctor) in the next few days</b> "
    "and tell them about this. Your program goes on meanwhile, gently: stop any move that "
    "makes the pain worse. If any of the emergency signs appear, go to an emergency "
    "department straight away (/redflags lists them)."
)
RED_FLAG_PAUSED = (
    "I have paused your program and every reminder. When a clinician has examined you, "
    "send /cleared: two questions, and your program can go on."
)
PAUSED_FOR_RED_FLAG = (
    "Your program is paused until a clinician has examined you. "
    "When they have, send /cleared or press the button below: two questions first."
)
CLEARED_START = "A clinician saw me"
WAITING_FOR_SCREENING = (
    "Your program waits for a clinician's go-ahead (from the safety questions). "
    "When you have it, press the button below."
)
CLEARED = "Thank you. Your program is on again. Take it easy and listen to your back."
CLEARED_FIRST = "Thank you. Your program starts now. Take it easy and listen to your back."
CLEARED_SETUP = "Thank you. Let's go on setting you up."
NO_RED_FLAGS = (
    "Thank you: none of these apply today. If any of them appear, /redflags is here any time."
)
# The all-clear after a red-flag "yes" (services/red_flags.py): what was flagged and when,
# when the person was examined (only after the answer counts), and what the clinician said.
CLEAR_FLAGGED = {
    "emergency": "On {when} you answered yes to signs that need emergency care:\n{signs}",
    "urgent": "On {when} you answered yes to signs that need a doctor the same day:\n{signs}",
}
CLEAR_ASK_WHEN = "When did a clinician examine you for this?"
BTN_CLEAR_AFTER = "After my answer"
BTN_CLEAR_BEFORE = "Before my answer"
BTN_CLEAR_NOT_YET = "Not yet"
CLEAR_ASK_OK = "Did the clinician who examined you say that exercise is OK for your back now?"
BTN_CLEAR_YES = "Yes, exercise is OK"
BTN_CLEAR_NO = "No, or not sure"
CLEAR_BEFORE = (
    "An examination before you told me about these signs can't clear them. Your program "
    "stays paused. When a clinician has examined you since, send /cleared."
)
CLEAR_NOT_YET = (
    "Then your program stays paused. Please follow the advice above. When a clinician has "
    "examined you, send /cleared."
)
CLEAR_NOT_OK = (
    "Then your program stays paused: please follow your clinician's advice. When they say "
    "exercise is OK, send /cleared."
)
CLEAR_TOO_SOON = (
    "Less than an hour ago you answered yes to signs that need emergency care. Please go to "
    "an emergency department now if you haven't yet. Once a clinician has examined you, "
    "send /cleared (from {time})."
)
CLEAR_NOTHING = "Nothing to clear: your program is not paused for a warning sign."
# One line of the emergency signs, on the first plan of each week.
RED_FLAGS_WEEKLY = (
    "🚨 Emergency now: numbness or tingling around the genitals or buttocks, trouble "
    "peeing, loss of bladder or bowel control, weak or numb legs, chest pain (/redflags)."
)
RED_FLAGS_INFO = (
    "<b>Warning signs that need a doctor</b>\n\n"
    "<b>Go to an emergency department now</b> if you have any of these:\n"
    "{emergency}\n{call}\n\n"
    "<b>See a doctor today</b> (a same-day appointment or urgent care) if you have any of "
    "these:\n{urgent}\n\n"
    "<b>Book a GP (family doctor) appointment in the next few days</b> if you have any of "
    "these:\n{soon}\n\n"
    "Once you're set up (/start), /redflags asks you about them. The first two groups pause "
    "your program until a clinician has examined you."
)
# The {call} line of RED_FLAGS_INFO, a whole sentence for a known number and an unknown one.
RED_FLAGS_CALL = {
    "number": "For an ambulance, call {number}.",
    "unknown": (
        "For an ambulance, call your local emergency number (112 works from mobile phones in "
        "many countries)."
    ),
}
TIMEZONE_ASK = (
    "Which time zone are you in? Reminders then arrive on your clock, and safety advice "
    "comes with your country's emergency number. Send a city "
    "(e.g. <i>Berlin</i>), a zone name (<i>Europe/Berlin</i>), a UTC offset (<i>UTC+2</i>), "
    "or share your location with the button below."
)
SHARE_LOCATION = "📍 Share my location"
TIMEZONE_CHOOSE = "Several places match. Which one?"
TIMEZONE_NOT_FOUND = "I couldn't find that place or zone. {hint}"
# coach/places.py's {hint} when nothing matches: what the person can send instead.
TIMEZONE_HINT = (
    "Try a city near you (Berlin), a time zone name (Europe/Berlin), "
    "a UTC offset (UTC+2), or share your location."
)
TIMEZONE_SET = "Time zone set: {zone} (it's {local} there now)."
TIMEZONE_FIXED = (
    "Note: a fixed UTC offset does not follow daylight saving. "
    "A city or zone name will keep your reminders right all year."
)
CHECKIN_TIME_ASK = (
    "When should I ask how your back feels each day? Pick one or type a time (HH:MM)."
)
TIME_INVALID = "Please send a time, for example 07:30, 7:30am or 19h30."
HANGS_ASK = (
    "Cavaliere recommends a 60-second bar hang 2 to 3 times a day. When should I remind "
    "you? Pick 2 a day ({two}) or 3 a day ({three}), or type 2 or 3 times "
    "(e.g. 07:30 12:30 19:00)."
)
HANGS_OPTION = "{count} a day"
HANGS_INVALID = "Please send 2 or 3 different times, e.g. 07:30 19:00 or 7:30am 7pm."
EQUIPMENT_ASK_ALL = (
    "What do you have? Tap each to mark it, then <b>Done</b>. (Mark the gym line if you're "
    "comfortable with dumbbells and barbells.)"
)
# The equipment question's toggles (the equipment's names without an article).
EQUIPMENT_LABELS = {
    "pullup_bar": "pull-up bar",
    "band": "resistance band",
    "cable": "cable machine",
    "bench": "bench",
    "dumbbell": "dumbbell",
    "barbell": "barbell",
}
GYM_TOGGLE = "gym experience"
CHECKIN_SET = "Check-in time: {time} ✓"
HANGS_SET = "Bar-hang reminders: {times} ✓"
HANGS_NONE = (
    "No bar-hang reminders: you have no pull-up bar. Any sturdy bar works; add one in "
    "/settings (Change equipment) to get them."
)
EQUIPMENT_SET = "Equipment: {items} · gym experience: {gym} ✓"
SETUP_DONE = (
    "All set. I'll ask about your back at {checkin} and remind you to hang at {hangs} "
    "({zone}). Let's do your first check-in now."
)
SETUP_DONE_NO_HANGS = (
    "All set. I'll ask about your back at {checkin} ({zone}). Let's do your first check-in now."
)
SETUP_DONE_HELD_NO_HANGS = (
    "All set. Once a clinician has given you the go-ahead, I'll ask about your back at "
    "{checkin} ({zone})."
)
SETUP_DONE_HELD = (
    "All set. Once a clinician has given you the go-ahead, I'll ask about your back at "
    "{checkin} and remind you to hang at {hangs} ({zone})."
)
PAIN_ASK = "How does your back feel right now? 0 = no pain, 10 = worst imaginable."
PAIN_INVALID = "Please pick a number from 0 to 10 with the buttons (0 = no pain, 10 = worst)."
PLAN_TITLE = "<b>Today's plan</b> · stage {stage}: {name} · pain {pain}/10"
PLAN_FOOTER = (
    "✅ done · ❓ how · 😣 if it makes the pain exceedingly worse: not worth doing (the "
    "article), so a week off (the bar hang: shorter holds)."
)
PLAN_DONE_COUNT = "Done: {done} of {total}."
PLAN_OURS_MARK = "*"
PLAN_OURS_NOTE = "* Back Coach's dose (the article gives none)."
PLAN_TIPS_NOTE = "Tips in italics: Back Coach's words; ❓ How has the article's cues."
PLAN_GROUP = {
    "rest": "Rests today: {names} (the lifts are every other day).",
    "pain_rest": (
        "Rests today: {names} (until pain has largely subsided: ≤ {pain_max}/10, "
        "Back Coach's measure)."
    ),
    "left_out": "Left out: {names} (made it worse; back {until}; ↩️ undoes).",
    "no_equipment": "Not possible: {names} (needs {equipment}).",
    "no_equipment_many": (
        "Not possible with your equipment: {names} (/exercises says what each needs)."
    ),
}
STATUS_NOTE = {
    "gentle": "You said hangs made it worse: shorter holds for now.",
    "rest": "Rests today: the lifts are every other day.",
    "left_out": "Left out until {until}: you said it made things worse.",
    "pain_rest": "Rests today: the lifts wait until back pain has largely subsided.",
}
NEEDS = "Needs {equipment}."
NEW_MOVE = "🆕 "
BTN_DONE = "✅"
BTN_DONE_ALREADY = "✔️"
# An answered question turns into its answer: the button chosen comes first.
CHOSEN = "✔️ <b>{label}</b>"
BTN_WORSE = "😣 Worse"
BTN_WORSE_PICK = "😣 Worse…"
BTN_HOW_PICK = "❓ How…"
PICK_WORSE = "Which move made the pain worse?"
PICK_HOW = "How to do which move?"
BTN_UNDO = "↩️"
PLAN_MARK_DONE = "✅"
PLAN_MARK_TODO = "▫️"
BTN_HOW = "❓ How"
BTN_DOSE = {"easy": "Easy", "right": "Right", "hard": "Hard"}
DOSE_ACK = "Noted: {name} felt {what}. Two Easy in a row move it up a level; Hard moves it down."
DOSE_ACK_AGAIN = "Noted: {name}, {what}."
DOSE_ONLY_AFTER_DONE = "Press ✅ first: how it felt counts for a move you did today."
DONE_ACK = "Nice work: {name} done."
DONE_ALREADY = "Already marked done today."
SESSION_COMPLETE = "🎉 Session complete: every move of today's plan is done."
# The bar hang does not count toward a session: said when it is still open.
SESSION_COUNTED = "🎉 Session complete: every move that counts toward your next stage is done."
WORSE_ACK = "Thanks for telling me. {name} is left out for {days}. If it was a mis-tap, press Undo."
WORSE_TAKES_ADVANCE = (
    "That also takes back today's move up to stage {stage}: a stage is earned only with "
    "every move before it in the plan.\n\n"
    "{name} is back on {day}; from then stage {stage} can be earned again, if the other "
    "conditions still hold (/why). Undo restores it."
)
WORSE_HANG_ACK = (
    "Thanks for telling me. Keep the bar hangs shorter, 20–30 seconds (Back Coach's shorter "
    "hold), feet firmly on the ground. Tap Easy after hangs that feel easy: two bring it up."
)
WORSE_AGAIN = (
    "That's the second time {name} made things worse within a month. "
    "Please consider seeing a clinician or physical therapist before going on with it."
)
UNDO_ACK = "Undone: {name} is back in your plan."
NOTHING_TO_UNDO = "There is nothing to undo for that move."
STALE_BUTTON = "That button is from {day}. For today, use /checkin or /today."
INVALID_BUTTON = "That button isn't valid any more. Use /today for today's plan."
BUSY_PLAN = (
    "Saved: {pain}/10. So many people are checking in right now that your plan would be slow "
    "to come. Send /today in a minute to see it."
)
OLD_QUESTION = "That question was already answered. Here's where we are:"
NOT_NOW = "That isn't something I can do right now."
NO_CHECKIN_TODAY = "You haven't checked in today yet."
HOW_TITLE = "<b>How to do the {name}</b>"
# The moves' drawings (coach/poses.toml names which cues each shows): a few words each, on
# the picture itself, so short enough to read on a phone.
MOVE_CUE = {
    "feet_on_ground": "feet stay on the ground",
    "relax_back": "relax: let the lower back hang",
    "lean_stretch": "lean forward: the stretch",
    "sit_tall_pull": "sit up tall, pull to the ribs",
    "torso_on_bench": "torso face down on the bench",
    "hips_above_parallel": "legs up: hips above parallel",
    "legs_level": "glutes hold the legs level",
    "row_to_ribs": "row to the lower ribs",
    "hinge_hips": "hinge at the hips, soft knees",
    "stand_glutes": "stand tall with the glutes",
    "flat_back_hinge": "flat back, hinge at the hips",
    "bar_close": "bar close to the legs",
    "hold_torso": "flat back, torso stays still",
}
# The caption of a move's drawing: honest about what it is.
MOVE_CAPTION = (
    "<b>{name}</b>: Back Coach's drawing of how the move goes, from the article's "
    "description and standard technique. Not Jeff Cavaliere's video."
)
EXERCISES_SHEET = "Back Coach's drawings of the seven moves, in order"
ESCALATE = {
    "high_pain": (
        "Your pain has been 7 or more on most days this week. Please see a doctor or "
        "physical therapist: persistent high pain deserves a proper look."
    ),
    "no_improvement": (
        "After six weeks your pain hasn't improved by 2 points. That's a good moment to "
        "see a doctor or physical therapist, who can check what else might help."
    ),
}
GROUP_ONLY_PRIVATE = (
    "I coach people one to one, in a private chat: your health data stays between us. "
    "Open a private chat with me and send /start."
)
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."
NOT_REGISTERED = "Let's set you up first: send /start."
FINISH_SETUP = "Let's finish setting you up first."
TOO_LONG = "That message is too long for me. Please answer in a few words."
EDITS_NOT_READ = (
    "I don't read edited messages, so nothing changed. Please send your answer again as a "
    "new message."
)
DONT_UNDERSTAND = "I didn't understand that. /help lists what I can do."
UNEXPECTED_TEXT = "I'm not waiting for a message right now. Try /checkin, /today or /help."
# Typed words (coach/phrases.py): what each meaning answers.
TYPED_WORSE = (
    "Sorry it's hurting. How bad is it right now, 0 to 10? Today's plan follows your "
    "rating, so a bad day gets a lighter plan."
)
TYPED_BETTER = "Good to hear. How does your back feel right now, 0 to 10?"
TYPED_RATING_ASK = "Save {new}/10 as today's pain rating?"
BTN_RATING_YES = "Yes, save {new}/10"
BTN_RATING_NO = "No"
RATING_NOT_SAVED = "Not saved. /checkin rates today whenever you like."
TYPED_HANG_DONE = "Marked: your {time} bar hang is done. It counts toward today's plan."
TYPED_DONE_PLAN = "Tap ✅ under each move you did, so it counts:"
TYPED_DONE_NO_PLAN = "Rate today first, then tick off what you did in today's plan."
TYPED_PAUSE_ASK = "Pause every reminder and check-in prompt until you send /resume?"
BTN_PAUSE_YES = "Yes, pause"
BTN_PAUSE_NO = "No, keep them"
PAUSE_KEPT = "Reminders stay on."
TYPED_OTHER = (
    "I understand a pain rating (like “pain 4”), “worse”, “better”, “done”, “pause” and "
    "“help”. How does your back feel right now?"
)
TYPED_OTHER_RATED = (
    "I understand a pain rating (like “pain 4”), “worse”, “better”, “done”, “pause” and "
    "“help”. /today shows today's plan, /help everything else."
)
TYPED_DURING_QUESTION = "Thanks for writing. This question takes an answer with its buttons:"
ALREADY_REGISTERED = (
    "Welcome back! You're all set up, and your data is kept. /checkin to rate today, "
    "/help for everything else."
)
ERROR = "Sorry, something went wrong on my side. Please try again in a moment."
ERROR_STORAGE = (
    "Sorry, I couldn't save that just now, so nothing was changed. Please try again in a "
    "few minutes."
)
EXERCISES_TITLE = "<b>The seven moves</b> (you are in stage {stage}: {name})"
EXERCISES_STAGE = "Stage {stage}"
EXERCISES_NEED = "needs {equipment}"
EXERCISES_YOU_LACK = " — you don't have it"
EXERCISES_BEGINNER = " — not for people new to the gym"
HELP = (
    "<b>Back Coach</b>\n"
    "/checkin — rate your back and get today's plan\n"
    "/today — today's plan again\n"
    "/why — your stage, why, and what unlocks the next\n"
    "/exercises — all moves, cues and equipment\n"
    "/progress — your pain chart, stages and sessions (/progress 90)\n"
    "/report — a one-page PDF of your course for your doctor (/report 90)\n"
    "/reminders — your reminder times\n"
    "/settings — time zone, times, equipment, weekly summary\n"
    "/pause, /resume — stop and restart every reminder\n"
    "/redflags — the warning signs that need a doctor\n"
    "/cleared — after a warning sign: a clinician has examined you\n"
    "/export — everything I store about you, as a CSV file\n"
    "/deletedata — erase everything I store about you\n"
    "/privacy — what I store and how to export or delete it\n"
    "/language — English, Русский, Español\n"
    "/help — this list"
)
PRIVACY = (
    "<b>Privacy</b>\n"
    "I store only what coaching needs: your chat id, time zone, settings and equipment, "
    "pain ratings, sessions, feedback on moves, screening and red-flag answers, your "
    "consent (with its date and version {version}), and, if you name them, up to three "
    "activities your back gets in the way of, stored in your own typed words, with their "
    "weekly 0–10 ratings (a retired activity is kept with its ratings until you delete your "
    "data). Those words are health data: they are never written to the bot's logs. No "
    "names, usernames or other message texts.\n\n"
    "Why: to decide your stage and plan, and to remind you on your own clock.\n"
    "How long: while you use Back Coach. If you don't check in for 12 months, your data is "
    "deleted, with a warning a week before.\n"
    "Your rights: /export sends you everything I store; /deletedata erases it all."
)
COMMANDS = {
    "start": "Set up, or see that you're set up",
    "checkin": "Rate your back and get today's plan",
    "today": "Today's plan again",
    "why": "Your stage, and what unlocks the next",
    "exercises": "All moves, cues and equipment",
    "progress": "Your pain chart (/progress 90 for 90 days)",
    "report": "A PDF of your course for your doctor",
    "export": "All your data as a CSV file",
    "deletedata": "Erase everything stored about you",
    "reminders": "Reminder times",
    "settings": "Time zone, times, equipment, summary",
    "pause": "Stop all reminders for now",
    "resume": "Reminders on again",
    "redflags": "Warning signs that need a doctor",
    "cleared": "A clinician examined me after a warning sign",
    "privacy": "What is stored, export and deletion",
    "language": "Change the language",
    "help": "What I can do",
}
PLAN_REASON_AWAY_FIRST = (
    "Welcome back! It's been a while, so before any exercise, three quick safety questions."
)
RED_FLAGS_HIGH_PAIN_FIRST = (
    "Pain {pain}/10 is high. Before any exercise, three quick safety questions."
)
RED_FLAGS_STILL_OPEN = "Before anything else, please answer the safety question below."
RED_FLAGS_OPEN_TOAST = "Please answer the safety question first (it's in the chat)."
RERATE_ASK = "You already rated today {old}/10. Change today's {old}/10 to {new}/10?"
BTN_RERATE_YES = "Yes, change to {new}/10"
BTN_RERATE_NO = "No, keep {old}/10"
RERATE_KEPT = "Kept today's {old}/10."

# --- Reminders ------------------------------------------------------------------------------

REMINDER_CHECKIN = "How does your back feel today? 0 = no pain, 10 = worst imaginable."
REMINDER_CHECKIN_MORNING = f"Good morning! {REMINDER_CHECKIN}"
REMINDER_HANG = (
    "⏰ Bar hang time: hang about 60 seconds with your feet on the ground, and let the lower "
    "back relax (Cavaliere)."
)
REMINDER_HANG_HIGH = (
    "⏰ Bar hang time. Your pain is high today, so the hang is optional: only if it eases the "
    "pain, short and with your feet on the ground. Otherwise keep moving gently."
)
REMINDER_HANG_GENTLE = "⏰ Bar hang time: a shorter one today, {what}, feet firmly on the ground."
# The shortest level names the feet itself.
REMINDER_HANG_SHORTEST = "⏰ Bar hang time: a shorter one today, {what}."
STILL_THERE = (
    "Still there? I've asked about your back for a few days without an answer, so I'll stop "
    "asking for now. Whenever you want to pick up again, send /checkin: your progress is kept."
)
BTN_HANG_DONE = "✅ Done"
BTN_HANG_SNOOZE = "⏱ Snooze 15 min"
BTN_HANG_SKIP = "Skip"
HANG_DONE_ACK = "Nice: bar hang done. It counts toward today's plan."
HANG_SKIP_ACK = "Skipped. No problem; the next one comes at its time."
HANG_SNOOZE_ACK = "I'll remind you again in 15 minutes."
HANG_SNOOZED_ALREADY = "Already snoozed: I'll remind you once, 15 minutes after the first press."
HANG_SNOOZE_PAST_MIDNIGHT = (
    "Too close to midnight to snooze: the reminder would come tomorrow. Press ✅ Done if you "
    "hang now, or Skip."
)
HANG_ALREADY = "This bar hang is already marked."
PAUSED = "Paused: no reminders or check-in prompts until you send /resume."
ALREADY_PAUSED = "You're already paused. Send /resume to get reminders again."
RESUMED = "Welcome back: reminders are on again. Next check-in prompt: {next}."
NOT_PAUSED = "Reminders are already on."
RESUME_HELD = "Reminders stay off until a clinician has checked you."
SAVED = "Saved."
REMINDERS_TITLE = (
    "<b>Your reminders</b> ({zone})\nCheck-in prompt: {checkin}\nBar hangs: {hangs}\n{state}"
)
REMINDERS_ON = "Reminders are on."
REMINDERS_OFF = "Reminders are paused (/resume)."
BTN_CHANGE_CHECKIN = "Change check-in time"
BTN_CHANGE_HANGS = "Change hang times"
BTN_CHANGE_ZONE = "Change time zone"
BTN_CHANGE_EQUIPMENT = "Change equipment"
BTN_CHECKIN_WEEKLY = "Check in weekly"
BTN_CHECKIN_DAILY = "Check in daily"
BTN_WEEKLY_ON = "Turn summary on"
BTN_WEEKLY_OFF = "Turn summary off"
SETTINGS_TITLE = (
    "<b>Settings</b>\nTime zone: {zone}\nCheck-in prompt: {checkin} ({often})\n"
    "Bar hangs: {hangs}\n"
    "Equipment: {equipment}\nGym experience: {gym}\nWeekly summary: {weekly}"
)

# --- Progress -------------------------------------------------------------------------------

PROGRESS_PERIOD = (
    "Last {days}: check-ins: {checkins} · day's plan done: {done} · average pain {week}/10 "
    "(lowest {low}, highest {high})."
)
PROGRESS_PERIOD_EMPTY = "Last {days}: no check-ins."
PROGRESS_NO_WEEK = "No check-ins this week yet."
# {week}, {last}, {drop}: figures with one decimal, written by texts.decimal ("3,4" in Russian).
PROGRESS_WEEK = "Average pain this week: {week}/10."
PROGRESS_WEEKS = "Average pain this week: {week}/10 (last week: {last}/10)."
PROGRESS_NEXT = "Next, stage {stage} needs: {needs}."
PROGRESS_TOO_FEW = (
    "I need at least two check-ins to draw your progress. Check in with /checkin, "
    "and ask again in a day or two."
)
PROGRESS_USAGE = "Use /progress for the last 30 days, or /progress 90 (any number from 7 to 365)."
CHART_TITLE = "Your back over the last {days}"
CHART_PAIN = "Pain (0–10)"
CHART_SESSION = "Day's plan done"
CHART_STAGE = "Stage {stage}"
WEEKLY_TITLE = "<b>Your week with Back Coach</b>"
CHEER_BETTER = "Your average pain is {drop} points lower than last week."
CHEER_SESSIONS = "{sessions} sessions this week. Well done for keeping at it."
CHEER_HARDER = (
    "A harder week than the last. That happens; keep the moves gentle and don't push through pain."
)
CHEER_FLARE = (
    "A week with a flare. That happens; keep the moves gentle and don't push through pain."
)
CHEER_RETURN = "A quiet week. Whenever you're ready, /checkin picks up right where you left off."
CHEER_STEADY = "Steady week. Keep showing up: every check-in and hang counts."

# --- Your data ------------------------------------------------------------------------------

EXPORT_CAPTION = (
    "Everything I store about you, one row per event, dates in your time zone ({zone})."
)
EXPORT_FILENAME = "back-coach-data-{day}.csv"
DELETE_ASK = (
    "This erases everything I store about you: ratings, sessions, feedback, answers, settings "
    "and every scheduled reminder. It can't be undone. (Consider /export first.)\n\n"
    "Delete everything?"
)
BTN_DELETE = "Yes, delete it all"
BTN_KEEP = "No, keep my data"
DELETED = (
    "Done: everything I stored about you is erased, and no reminder will come. "
    "The chat history itself stays in your Telegram until you clear it there. "
    "If you ever want to start again, send /start."
)
KEPT = "Nothing was deleted."
RETENTION_WARNING = (
    "You haven't checked in for almost a year. In 7 days I'll delete everything I store "
    "about you, as /privacy says. To keep your data, just check in (/checkin) before then; "
    "to keep a copy, send /export."
)

# --- v2: the words of the rule that fired ----------------------------------------------------

FLARE_WHAT = {
    "high": "high pain that day ({pain}/10)",
}

NEED_MIN_DAYS = "days in stage {stage}: {have} of {target}{more}"

# --- charts that tell the truth: the week counted from sign-up -------------------------------

WEEKLY_CHECKINS_SINCE = "Check-ins: {checkins} of {days} · sessions: {sessions}."

# --- doses that grow ---------------------------------------------------------------------------

# Placeholders reuse the names of tests/test_every_text.py's samples.
DOSE_LEVEL = "{what} · level {count}"
WHY_DOSES = (
    "Doses: {count} Easy in a row on a move, on different days, step it up a level (a Right "
    "starts the count again); Hard steps it down one; Worse, or a lost stage, starts it again "
    "at level 1 (a lighter day only shows it a level down that day). The bar hang starts at "
    "its top, the article's 60 seconds; "
    "only Worse takes it back to its shortest holds. Every other level is Back Coach's own."
)
WHY_LEVELS = "Your doses today: {names}."
WHY_LEVEL = "{name} level {have} of {target}"

# --- /report: one page of the person's course for their doctor --------------------------------

# The PDF is plain text (no Telegram HTML); its caption is a Telegram caption.
REPORT_USAGE = "Use /report for the last 30 days, or /report 90 (any number from 7 to 90)."
REPORT_NO_CHECKINS = (
    "There is nothing to report yet: the report shows your check-ins. Check in with /checkin, "
    "and ask again in a few days."
)
REPORT_CAPTION = (
    "Your course over the last {days}, for your doctor or physical therapist. "
    "It carries no name: write yours on it if you like."
)
REPORT_FILENAME = "back-coach-report-{day}.pdf"
REPORT_TITLE = "Back pain self-management: course report"
REPORT_NAME_LINE = "Name: ______________________________"
REPORT_PERIOD = "{day} to {until} ({days}) · dates in {zone}"
REPORT_TOTALS = "Check-ins: {checkins} of {days} · sessions done: {sessions}"
REPORT_CHART = "Pain 0–10 each day (dots), stages shaded, sessions marked ▲"
REPORT_HEADINGS = {
    "weeks": "Pain and sessions per week",
    "now": "Where things stand",
    "changes": "Stage changes",
    "left_out": "Moves that made it worse",
    "safety": "Safety questions and clearance",
    "escalations": "Suggestions to see a clinician",
    "plan": "Current plan",
}
REPORT_COLUMNS = {
    "week": "Week",
    "checkins": "Check-ins",
    "median": "Median pain",
    "range": "Range",
    "sessions": "Sessions",
}
REPORT_NONE = "None in this period."
# The activities the person named (coach/function_report.py).
REPORT_FUNCTION_HEADING = "Activities the person named, rated weekly (0–10)"
REPORT_FUNCTION_ABOUT = (
    "Patient-Specific Functional Scale (Stratford et al. 1995): the person's own activities, "
    "each rated from 0 (unable to perform) to 10 (able to perform at the level before the "
    "problem); the week's score is the mean of the activities rated, and a dash is a week "
    "not rated. Minimal detectable change (90 percent confidence): 3 points for one "
    "activity, 2 for the mean. In chronic low back pain a change of 1.4 points in the mean "
    "was reported as the minimal clinically important difference (Maughan and Lewis 2010). "
    "Back Coach asks the questions in a chat, weekly; the scale was validated on paper or in "
    "person."
)
REPORT_FUNCTION_WEEK = "Week of"
REPORT_FUNCTION_MEAN = "Mean"
REPORT_FUNCTION_COLUMN = "A{number}"  # an activity's column, keyed below the heading
REPORT_FUNCTION_KEY = "A{number}: {name}"
REPORT_FUNCTION_RETIRED = "{name} (retired {day})"
REPORT_FUNCTION_ONCE = "{name}: rated once, {score} (week of {day})"
REPORT_FUNCTION_CHANGE = (
    "{name}: {first} (week of {day}) → {latest} (week of {until}), {change}: {verdict}"
)
REPORT_FUNCTION_AVERAGE = (
    "Mean change over the activities rated at least twice: {change} (detectable change "
    "for the mean: {mdc}): {verdict}"
)
REPORT_FUNCTION_BEYOND = "exceeds the detectable change"
REPORT_FUNCTION_WITHIN = "within the detectable change"
REPORT_STAGE_START = "Stage at the start of the period: {stage} ({name})."
# Where things stand, said of the person (the report is read by a clinician).
REPORT_STAGE_NOW = "Now in stage {stage}: {name}."
REPORT_TOP = "This is the last stage of the progression."
REPORT_ALL_MET = "Every condition of stage {stage} is met: it begins at the next check-in."
REPORT_CHANGE = {
    "advance": "Stage {old} → {new}: every condition of stage {new} met.",
    "flare": "Stage {old} → {new}: a flare, {what}.",
    "away": "Stage {old} → {new}: back after time away, restarting gently.",
    "sustained": "Stage {old} → {new}: pain stayed higher than stage {old} suits.",
}
REPORT_LEFT_OUT = "{name}: made it worse; left out until {until}."
REPORT_HANG_GENTLE = "{name}: made it worse; shorter holds until it is easy again."
REPORT_SCREENING_NONE = (
    "Screening: none of pregnancy, recent spinal surgery, osteoporosis, under 18."
)
REPORT_SCREENING_YES = "Screening: {items}. A clinician's go-ahead is needed before exercise."
REPORT_RED_FLAGS_NONE = "Red-flag questions: no to all."
REPORT_RED_FLAG = {
    "emergency": "Red-flag questions: yes to a sign that needs emergency care.",
    "urgent": "Red-flag questions: yes to a sign that needs a doctor the same day.",
    "soon": (
        "Red-flag questions: yes to a sign that needs a GP appointment within days; the "
        "program went on."
    ),
}
REPORT_ADVISED = {
    "emergency": "Red-flag answer: advised to go to an emergency department at once.",
    "urgent": "Red-flag answer: advised to see a doctor the same day.",
    "soon": "Red-flag answer: advised to see a GP within a few days.",
}
REPORT_CLEARED = "Clinician's all-clear for exercise (as reported by the person)."
REPORT_CLEARED_EXAMINED = (
    "Clinician's all-clear for exercise after an examination following the red-flag answer "
    "(as reported by the person)."
)
REPORT_SCREENING_CLEARED = "Clinician's go-ahead after screening (as reported by the person)."
REPORT_HOLD = {
    "red_flag": "Now: the program is paused after a red-flag answer, until a clinician clears it.",
    "screening": "Now: the program waits for a clinician's go-ahead after screening.",
}
REPORT_ESCALATED = {
    "high_pain": "Pain 7 or more on most days of a week: suggested seeing a clinician.",
    "no_improvement": "No 2-point improvement after six weeks: suggested seeing a clinician.",
}
REPORT_WORSE_AGAIN = "{name} made it worse twice within a month: suggested seeing a clinician."
REPORT_PLAN_STAGE = "Stage {stage}: {name}. Doses as of {day}:"
REPORT_PLAN_OURS = "Back Coach's default dose"
REPORT_PLAN_EVERY_OTHER = "every other day"
REPORT_PLAN_NO_EQUIPMENT = "not done: needs {equipment}"
REPORT_PLAN_LEFT_OUT = "left out until {until}"
REPORT_PLAN_GENTLE = "shorter holds for now"
REPORT_ABOUT = (
    "Back Coach is a self-management coach in Telegram, built on a public article (Jeff "
    "Cavaliere, Athlean-X: a seven-move strength progression for lower back pain). It is "
    "not a medical device and makes no diagnosis. The person rates their pain (0–10) each "
    "day; stages follow fixed rules from those ratings and the sessions done. Pain of 7 or "
    "more means no exercise that day (a bar hang only if it eases the pain) and, unless "
    "lower than the day before, one stage back; a one-day rise below 7 makes a lighter day; "
    "pain of 8 or more or a return after two weeks away asks the red-flag questions again. "
    "A red-flag answer that needs emergency care or a doctor the same day pauses exercise "
    "and reminders until the person reports a clinician's all-clear after an examination; "
    "one that needs a GP within days keeps the program going, with that advice. Every "
    "figure here is the person's own report."
)
REPORT_FOOTER = "Back Coach report · made {day} · page {page}"


def report_day(value: date) -> str:
    """A date with its year, for a document kept on file: 'Tue 3 Nov 2026',
    'вторник, 3 ноября 2026', 'martes 3 de noviembre de 2026'."""
    language = i18n.current()
    pattern = _day_year_patterns.get(language)
    if pattern is None:
        return f"{day(value)} {value.year}"
    return format_date(value, pattern, locale=language)


# Refusals of a typed UTC offset no zone uses.
OFFSET_MINUTES = "UTC offsets are whole hours, or :30 or :45 past (UTC+05:30)."
OFFSET_RANGE = "UTC offsets run from UTC-12 to UTC+14."

# --- languages ---------------------------------------------------------------------------------

LANGUAGE_ASK = "Which language should I speak? Your data and progress stay as they are."
LANGUAGE_SET = "From now on I speak English."
# A quote of Cavaliere in another language is a translation: its original is in How?.
QUOTES_ORIGINAL = "Jeff Cavaliere's words in the original English:"
# The export's column names (the values stay codes a spreadsheet can filter on).
EXPORT_COLUMNS = {
    "event": "event",
    "date": "date",
    "time": "time",
    "move": "move",
    "value": "value",
    "detail": "detail",
}

# Function: the activities a person's back gets in the way of (coach/function.py). The
# scale is the Patient-Specific Functional Scale (Stratford et al. 1995); its questions are
# paraphrased, and the way Back Coach asks them (weekly, in a chat) is Back Coach's own.
FUNCTION_INVITE = (
    "<b>What does your back get in the way of?</b>\n"
    "Name up to three important activities you can't do, or find hard, because of your "
    "back, in your own words: “tie my shoes”, “sit through a film”, “pick up my daughter”. "
    "Once a week, with your Sunday summary, you rate each from 0 (unable to do it) to 10 "
    "(able to do it as before): three presses. That shows progress in what matters to you, "
    "not only in pain.\n"
    "<i>This is the Patient-Specific Functional Scale (Stratford and colleagues, 1995). "
    "What you type is stored as you wrote it; see /privacy.</i>"
)
BTN_FUNCTION_NAME = "Name them"
BTN_FUNCTION_LATER = "Not now"
BTN_FUNCTION_DONE = "That's all"
FUNCTION_LATER = "All right. I'll ask again in a couple of weeks, and /settings has it any time."
FUNCTION_NAME_ASK = (
    "Type one activity your back makes hard, in a few words (one per message), e.g. “tie my shoes”."
)
FUNCTION_NAME_INVALID = (
    "Please type the activity in a few words, at most 60 characters, e.g. “tie my shoes”. "
    "Or press “That's all”."
)
FUNCTION_FULL = "You have three activities. Retire one in /settings to name another."
FUNCTION_RATE_ASK = (
    "<b>{name}</b>\nHow able are you to do this now? "
    "0 = unable to do it, 10 = able to do it as well as before your back problem."
)
FUNCTION_NEXT = "Saved: {name}, {score}/10.\nAnother activity? Type it, or press “That's all”."
FUNCTION_ALL_SET = (
    "Saved: {name}, {score}/10.\nThat's your list. I'll ask about it each week with your "
    "Sunday summary; change it any time in /settings."
)
FUNCTION_NONE_NAMED = "No activities named. You can name them any time in /settings → Activities."
FUNCTION_ALL_SET_SHORT = (
    "That's your list. I'll ask about it each week with your Sunday summary; change it any "
    "time in /settings."
)
FUNCTION_WEEKLY_ASK = "<b>Your activities this week</b> ({index} of {count})\n{question}"
FUNCTION_WEEKLY_DONE = "Your activities are saved for this week. Thank you."
FUNCTION_STALE = "That week is over. /settings → Activities rates this week's."
FUNCTION_NOT_CURRENT = "That activity is retired. /settings → Activities shows your list."
FUNCTION_CHANGES = "<b>Your activities</b> (0–10, first rating → latest):"
FUNCTION_CHANGE = "{name}: {first} → {latest}"
FUNCTION_DETECTABLE = "{line} (more than the scale's margin of error)"
FUNCTION_ONE_RATING = "{name}: {score}"
FUNCTION_MENU = (
    "<b>Activities</b>\nEach is rated 0–10 once a week, with your Sunday summary. To change "
    "one, retire it and name the new one: a retired activity keeps its history.\n{list}"
)
FUNCTION_MENU_EMPTY = "You haven't named any activities yet."
FUNCTION_RETIRED_LIST = "Retired (history kept): {names}"
FUNCTION_RETIRED = "Retired: {name}. Its ratings stay in your history."
FUNCTION_ALL_RATED = "All your activities are rated for this week."
BTN_ACTIVITIES = "Activities"
BTN_FUNCTION_ADD = "Name an activity"
BTN_FUNCTION_RETIRE = "Retire {count}"  # the number of the activity in the list
BTN_FUNCTION_RATE = "Rate this week"
CHART_FUNCTION_TITLE = "Your activities, week by week"
CHART_FUNCTION_AXIS = "0 unable · 10 as before"
CHART_FUNCTION_RETIRED = "{name} (retired)"
FUNCTION_CHART_CAPTION = (
    "Your activities by week since their first rating (0: unable to do it, 10: able to do it "
    "as before). A week you didn't rate is a gap, not a guess. A change of 3 or more on one "
    "activity is more than the scale's margin of error (Stratford and colleagues, 1995)."
)
WHY_FUNCTION = (
    "Your activities since their first rating: {changes}. A change of 3 or more on one "
    "activity is more than the scale's margin of error."
)


# Words put into the settings and set-up summaries (services/settings.py, onboarding.py).
WORDS = {
    "none": "none",
    "yes": "yes",
    "no": "no",
    "new_to_gym": "new to the gym",
    "on": "on",
    "off": "off",
    "weekly": "weekly, Mondays",
    "daily": "daily",
    "and": "and",  # joins two pieces of equipment: "without a bench and a barbell"
}

i18n.speak(__name__)

# --- milestones: a stage earned or lost, a welcome back, what a week held ---------------------

MILESTONE_NEXT = "Next: stage {stage} ({name}), in {days} at the soonest. Still needed: {needs}."
MILESTONE_NEXT_NOW = "Next: stage {stage} ({name}). Still needed: {needs}."
STAGE_EARNED = (
    "🎉 <b>Stage {stage} earned: {name}</b>\n"
    "Why: pain ≤ {pain} on {days} in a row{sessions}.\n"
    "New in today's plan: {names}.\n"
    "{next}"
)
STAGE_EARNED_SESSIONS = ", and stage-{stage} sessions: {count}"
STAGE_LOST = "<b>Back to stage {stage} for now: {name}</b> (from stage {old}).\n{why}\n{next}"
STAGE_LOST_WHY = {
    "flare": "Why: a flare, {what}. Don't push through pain.",
    "sustained": "Why: your pain has stayed higher than the stage above suits.",
    "away": "Why: time away. You ease back in one stage lower.",
}
WELCOME_BACK = (
    "👋 Welcome back: {days} since your last check-in. You are in stage {stage}: {name}. "
    "Days in a row count again from today.\n{next}"
)
WEEK_EARNED = "⬆️ Stage {stage} earned on {day}: {name}."
WEEK_LOST = "⬇️ Back to stage {stage} on {day}: {name}."
WEEK_FLARES = "Flares this week: {flares}; the worst, {pain}/10 on {day}."
WEEK_BEST = "Best day: {day}, pain {pain}/10."
