"""The stage rules (the table in program.toml), as a replay over a person's history.

The stage on any day is derived by replaying the final rating of every check-in day in
order, so re-rating a day can never skip a regression and nothing about stages is stored.
Time is an argument: callers pass ``today`` in the person's own zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from statistics import median

from coach import texts
from coach.ladder import walk
from coach.model import Equipment, Feedback, History, MoveFeedback, Profile, profile_on
from coach.program import Move, Program


class Change(StrEnum):
    """Why a stage changed on a day."""

    ADVANCE = "advance"
    FLARE = "flare"
    AWAY = "away"
    SUSTAINED = "sustained"  # pain stayed well above the stage's entry limit


# The rules that step a person back one stage (at most one a day, in this order).
STEP_BACKS = (Change.FLARE, Change.AWAY, Change.SUSTAINED)


class FlareKind(StrEnum):
    """Which rule made a flare: high pain (the only one since v3; a rise below it is a
    lighter day, which is no flare)."""

    HIGH = "high"  # pain >= flare_pain, not lower than the check-in before


@dataclass(frozen=True, slots=True)
class Flare:
    """A flare and the rule behind it."""

    kind: FlareKind
    usual: float | None = None


@dataclass(frozen=True, slots=True)
class Day:
    """One check-in day after the replay: the stage it was coached at and what happened."""

    day: date
    pain: int
    stage: int
    change: Change | None
    flare: bool
    away: bool
    session: bool
    entered: date  # when the person last entered ``stage``
    flare_kind: FlareKind | None = None  # which flare rule fired, if one did
    usual: float | None = None  # on a lighter day: the median of the previous days
    high: bool = False  # pain >= flare_pain (a flare, or high pain falling from the day before)
    lighter: bool = False  # a rise below flare_pain: the plan eases, stage and levels stay


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A move left out of the plan after "made it worse", until ``until`` (exclusive)."""

    move: str
    since: date
    until: date


def pain_before(ratings: dict[date, int], day: date) -> int | None:
    """The rating of the latest check-in before ``day``, if any."""
    earlier = [d for d in ratings if d < day]
    return ratings[max(earlier)] if earlier else None


def falling(ratings: dict[date, int], day: date) -> bool:
    """Whether ``day``'s rating is lower than the check-in before it."""
    before = pain_before(ratings, day)
    return before is not None and ratings[day] < before


def flare_of(program: Program, ratings: dict[date, int], day: date) -> Flare | None:
    """A flare, the one rating that costs a stage: today's pain >= 7, unless it is lower than
    the check-in before (pain on its way down is never a flare)."""
    if ratings[day] < program.rules.flare_pain or falling(ratings, day):
        return None
    return Flare(FlareKind.HIGH)


def is_flare(program: Program, ratings: dict[date, int], day: date) -> bool:
    """Whether the flare rule fires on ``day``."""
    return flare_of(program, ratings, day) is not None


def lighter_of(program: Program, ratings: dict[date, int], day: date) -> float | None:
    """A lighter day: pain below 7, >= 4 and 2 above the median of the previous 7 days, which
    needs >= 3 of them. Returns that median (the person's usual), or None on any other day.
    The plan eases that day; the stage and the dose levels stay."""
    rules = program.rules
    pain = ratings[day]
    if pain >= rules.flare_pain or pain < rules.flare_rise_floor:
        return None
    window = [
        ratings[d]
        for offset in range(1, rules.flare_window_days + 1)
        if (d := day - timedelta(days=offset)) in ratings
    ]
    if len(window) < rules.flare_min_ratings:
        return None
    usual = median(window)
    return usual if pain - usual >= rules.flare_rise else None


def streak(ratings: dict[date, int], day: date, pain_max: int, after: date | None = None) -> int:
    """Consecutive calendar days ending on ``day`` with a check-in at pain <= pain_max,
    counting only days after ``after`` (the last step back: that day never counts)."""
    count = 0
    while ratings.get(current := day - timedelta(days=count), 99) <= pain_max and (
        after is None or current > after
    ):
        count += 1
    return count


def sustained_rise(program: Program, stage: int, recent: list[int]) -> bool:
    """Pain >= the stage's entry pain_max + 2 on 3 of the last 5 check-in days since entering
    it (``recent``, today's included). Stage 1 has no entry limit and never steps back."""
    enter = program.stage(stage).enter
    if enter is None:
        return False
    rules = program.rules
    high = enter.pain_max + rules.sustained_rise
    window = recent[-rules.sustained_window :]
    return sum(pain >= high for pain in window) >= rules.sustained_days


def left_out(program: Program, feedback: tuple[MoveFeedback, ...], day: date) -> list[LeftOut]:
    """Moves left out on ``day`` after a "worse" (the bar hang is never left out)."""
    span = timedelta(days=program.rules.worse_leave_out_days)
    latest: dict[str, date] = {}
    for item in feedback:
        if item.kind is Feedback.WORSE and item.move != "bar_hang" and item.day <= day:
            latest[item.move] = max(latest.get(item.move, item.day), item.day)
    return [
        LeftOut(m, since, since + span) for m, since in sorted(latest.items()) if day < since + span
    ]


def gentle_hang(program: Program, feedback: tuple[MoveFeedback, ...], day: date) -> bool:
    """Whether "worse" on the bar hang asks for shorter holds on ``day``: from the *Worse*
    until *Easy* answers bring its dose back to the top level (coach/doses.py)."""
    return walk(program, feedback, {}, day).gentle_hang


def hang_level(program: Program, feedback: tuple[MoveFeedback, ...], day: date) -> int:
    """The bar hang's dose level on ``day`` (its top, the article's 60 s, unless stepped down)."""
    return walk(program, feedback, {}, day).levels["bar_hang"]


def lifts_rest(program: Program, done: dict[date, set[str]], day: date) -> bool:
    """The every-other-day lifts rest the day after one of them was done."""
    lifts = {m.slug for m in program.moves if m.every_other_day}
    return bool(lifts & done.get(day - timedelta(days=1), set()))


def done_by_day(feedback: tuple[MoveFeedback, ...]) -> dict[date, set[str]]:
    """The moves marked *Done*, by day."""
    done: dict[date, set[str]] = defaultdict(set)
    for item in feedback:
        if item.kind is Feedback.DONE:
            done[item.day].add(item.move)
    return done


def offered(program: Program, profile: Profile, stage: int) -> list[str]:
    """Moves a stage's plan offers this person (hyper row only to the gym-experienced)."""
    return [
        m.slug
        for m in program.moves_up_to(stage)
        if not m.gym_experience_required or profile.gym_experienced
    ]


class Status(StrEnum):
    """What the day's plan says about one move."""

    DO = "do"
    GENTLE = "gentle"  # the bar hang after "made it worse": shorter holds until back at the top
    REST = "rest"  # a lift on the day after lifting
    PAIN_REST = "pain_rest"  # a lift on a day with pain above lift_pain_max
    LEFT_OUT = "left_out"  # "made it worse" in the last 7 days
    NO_EQUIPMENT = "no_equipment"


@dataclass(frozen=True, slots=True)
class Item:
    """One move in the day's plan."""

    move: Move
    status: Status
    until: date | None = None  # for LEFT_OUT: the day it comes back
    needs_equipment: bool = False  # the bar hang without a pull-up bar: any sturdy bar works
    # LEFT_OUT by a "worse" given on this very day: the day's session still asked for it.
    left_today: bool = False
    # The dose level (1-based, coach/doses.py); None: the move's starting dose, no level shown.
    level: int | None = None
    # A lighter day: the dose shown is a level below the move's own (which stays).
    eased: bool = False
    # Back Coach's adaptation of stage 1 for a person without a bar: a move of stage 2 their
    # equipment allows, so that stage 1 is never a plan with nothing to do.
    adapted: bool = False

    @property
    def dose(self) -> str:
        """The dose the plan shows: the level's text, with the level once it has moved from
        where the move starts (e.g. "2 × 15, slow · level 2")."""
        if self.level is None:
            if self.status is Status.GENTLE and self.move.gentle_dose:
                return self.move.gentle_dose
            return self.move.dose
        text = self.move.levels[min(self.level, self.move.top_level) - 1]
        if self.move.top_level == 1 or (self.level == self.move.start_level and not self.eased):
            return text
        return texts.DOSE_LEVEL.format(what=text, count=self.level)

    @property
    def actionable(self) -> bool:
        """Whether the plan asks for this move today (and shows *Done*)."""
        return self.status in (Status.DO, Status.GENTLE)

    @property
    def required(self) -> bool:
        """Whether the day's session needs this move *Done* (a *Worse* is not a *Done*); an
        optional move (the hyper row) never is."""
        return (self.actionable or self.left_today) and not self.move.optional


def day_items(
    program: Program,
    history: History,
    stage: int,
    day: date,
    high: bool,
    done: dict[date, set[str]] | None = None,
    pain: int | None = None,
    levels: Mapping[str, int] | None = None,
    lighter: bool = False,
) -> tuple[Item, ...]:
    """The one decision of what a day holds: each move to do, left out, resting or lacking
    equipment. The plan shows it; the session rule counts its required moves.

    ``high``: pain >= flare_pain, the plan is the bar hang alone. ``lighter``: a lighter day,
    the lifts rest and every dose but the bar hang's is shown a level down (the levels
    themselves stay). ``done`` is ``done_by_day(history.feedback)``, passed in when the
    caller has it already; ``pain`` is the day's rating (default: looked up in the history;
    none: the lifts rest); ``levels`` the day's dose levels (``coach.doses``): without them
    only the bar hang's level (which no flare or step back resets) is shown.
    """
    if pain is None:
        pain = next((r.pain for r in history.ratings if r.day == day), None)
    sore = pain is None or pain > program.rules.lift_pain_max or lighter
    profile = profile_on(history, day)
    hang = program.move("bar_hang")
    hang_doses = walk(program, history.feedback, {}, day)
    no_bar = not hang.possible_with(profile.equipment)
    first = Item(
        hang,
        Status.GENTLE if hang_doses.gentle_hang else Status.DO,
        needs_equipment=no_bar,
        level=hang_doses.levels["bar_hang"],
    )
    if high:
        return (first,)
    out = {i.move: i for i in left_out(program, history.feedback, day)}
    resting = lifts_rest(program, done_by_day(history.feedback) if done is None else done, day)
    items = [first]
    if stage == 1 and no_bar:
        for slug in adapted_moves(program, profile):
            level = None if levels is None else levels[slug]
            if slug in out:
                gone = out[slug]
                left = Item(program.move(slug), Status.LEFT_OUT, gone.until, adapted=True)
                items.append(replace(left, left_today=gone.since == day))
            else:
                items.append(Item(program.move(slug), Status.DO, level=level, adapted=True))
    for slug in offered(program, profile, stage):
        move = program.move(slug)
        if slug == "bar_hang":
            continue
        if not move.possible_with(profile.equipment):
            items.append(Item(move, Status.NO_EQUIPMENT))
        elif slug in out:
            gone = out[slug]
            items.append(Item(move, Status.LEFT_OUT, gone.until, left_today=gone.since == day))
        elif sore and move.every_other_day:
            items.append(Item(move, Status.PAIN_REST))
        elif resting and move.every_other_day:
            items.append(Item(move, Status.REST))
        else:
            level = None if levels is None else levels[slug]
            if lighter and level is not None:
                level = max(1, level - 1)
            items.append(Item(move, Status.DO, level=level, eased=lighter))
    return tuple(items)


def adapted_moves(program: Program, profile: Profile) -> list[str]:
    """Back Coach's stage 1 without a bar: the moves of stage 2 this equipment allows (the
    article starts with the bar hang; these are its next, gentlest moves)."""
    return [
        slug
        for slug in offered(program, profile, 2)
        if program.stage_of(slug) == 2 and program.move(slug).possible_with(profile.equipment)
    ]


def required_moves(
    program: Program,
    history: History,
    stage: int,
    day: date,
    high: bool,
    done: dict[date, set[str]] | None = None,
    pain: int | None = None,
    lighter: bool = False,
) -> list[str]:
    """The moves whose *Done* make a session: the day's actionable moves, bar hang aside,
    and any left out by a *Worse* given that same day (which is not a *Done*)."""
    items = day_items(program, history, stage, day, high, done, pain, lighter=lighter)
    return [i.move.slug for i in items if i.required and i.move.slug != "bar_hang"]


def equipment_cap(program: Program, equipment: frozenset[Equipment]) -> int:
    """The highest stage this equipment lets a person earn (without a barbell, stage 3); a
    stage earned before equipment went is kept."""
    top = 1
    for stage in program.stages[1:]:
        assert stage.enter is not None
        if not set(stage.enter.equipment) <= equipment:
            break
        top = stage.number
    return top


class Need(StrEnum):
    """The kinds of condition a stage's entry can ask for."""

    PAIN_STREAK = "pain_streak"
    SESSIONS = "sessions"
    NO_LEFT_OUT = "no_left_out"
    EQUIPMENT = "equipment"
    NO_FLARE = "no_flare"
    MIN_DAYS = "min_days"


@dataclass(frozen=True, slots=True)
class Condition:
    """One entry condition of the next stage, and how far the person is toward it."""

    need: Need
    met: bool
    target: int = 0  # days in a row, or sessions
    have: int = 0
    pain_max: int = 0
    items: tuple[str, ...] = ()  # moves left out, or equipment missing
    stage: int = 0  # the stage whose sessions count


@dataclass(slots=True)
class Progress:
    """Where the replay stands: the stage, since when, and what counts toward the next."""

    stage: int = 1
    entered: date | None = None
    sessions: int = 0
    flares: int = 0
    stepped_back: date | None = None  # the last step back: entry streaks count days after it
    recent: list[int] = field(default_factory=list)  # pains of check-ins since entering


def entry_conditions(
    program: Program, history: History, ratings: dict[date, int], progress: Progress, day: date
) -> list[Condition]:
    """Every condition of entering the stage after ``progress.stage``, evaluated on ``day``."""
    enter = program.stage(progress.stage + 1).enter
    assert enter is not None
    profile = profile_on(history, day)
    found = [
        Condition(
            Need.PAIN_STREAK,
            (have := streak(ratings, day, enter.pain_max, progress.stepped_back))
            >= enter.days_in_row,
            enter.days_in_row,
            have,
            enter.pain_max,
        )
    ]
    if enter.sessions:
        found.append(
            Condition(
                Need.SESSIONS,
                progress.sessions >= enter.sessions,
                enter.sessions,
                progress.sessions,
                stage=progress.stage,
            )
        )
    if enter.min_days:
        # Whole days in the stage before ``day``: the entry day counts, ``day`` itself not.
        spent = (day - progress.entered).days if progress.entered else 0
        found.append(
            Condition(
                Need.MIN_DAYS,
                spent >= enter.min_days,
                enter.min_days,
                spent,
                stage=progress.stage,
            )
        )
    if enter.no_move_left_out:
        plan = {
            s for s in offered(program, profile, progress.stage) if not program.move(s).optional
        }
        out = tuple(i.move for i in left_out(program, history.feedback, day) if i.move in plan)
        found.append(Condition(Need.NO_LEFT_OUT, not out, items=out, stage=progress.stage))
    if enter.equipment:
        missing = tuple(e.value for e in enter.equipment if e not in profile.equipment)
        found.append(Condition(Need.EQUIPMENT, not missing, items=missing))
    if enter.no_flare_in_stage:
        found.append(Condition(Need.NO_FLARE, progress.flares == 0, have=progress.flares))
    return found


def replay(program: Program, history: History, until: date) -> list[Day]:
    """Replay every check-in day up to ``until``; the last element is the latest stage."""
    ratings = {r.day: r.pain for r in history.ratings if r.day <= until}
    done = done_by_day(history.feedback)
    # The rules below look up "worse" feedback for every day: keep only those rows, once.
    worse = tuple(f for f in history.feedback if f.kind is Feedback.WORSE)
    worse_on: dict[date, set[str]] = defaultdict(set)
    for item in worse:
        worse_on[item.day].add(item.move)
    history = replace(history, feedback=worse)
    days: list[Day] = []
    progress = Progress()
    previous: date | None = None
    for day in sorted(ratings):
        progress.entered = progress.entered or day
        fired = flare_of(program, ratings, day)
        flare = fired is not None
        high = ratings[day] >= program.rules.flare_pain
        usual = None if high else lighter_of(program, ratings, day)
        lighter = usual is not None
        away = previous is not None and (day - previous).days - 1 >= program.rules.away_days
        progress.recent.append(ratings[day])
        change = _change(program, history, ratings, progress, day, flare, away, lighter)
        stage = progress.stage + (1 if change is Change.ADVANCE else -1 if change else 0)
        if change in STEP_BACKS:
            progress.stepped_back = day
        # A profile change never lowers the stage earned: the day's plan leaves out what the
        # equipment doesn't allow (coach.rules.day_items), and adding it back restores it.
        if change is not None:
            progress.stage = stage
            progress.entered, progress.sessions, progress.flares = day, 0, 0
            progress.recent = []  # the day of a change is not "since entering"
        # The flare that moved a person down is not one "since entering".
        progress.flares += flare and change is None
        needed = required_moves(
            program, history, progress.stage, day, high, done, ratings[day], lighter
        )
        session = bool(needed) and set(needed) <= done.get(day, set()) - worse_on[day]
        days.append(
            Day(
                day,
                ratings[day],
                progress.stage,
                change,
                flare,
                away,
                session,
                progress.entered,
                fired.kind if fired else None,
                usual,
                high,
                lighter,
            )
        )
        progress.sessions += session
        previous = day
    return days


def progress_after(program: Program, days: list[Day]) -> Progress:
    """The counters toward the next stage after the last replayed day (its session included)."""
    if not days:
        return Progress()
    last = days[-1]
    in_stage = [d for d in days if d.day >= last.entered]
    flares = sum(d.flare and d.change is None for d in in_stage)
    back = [d.day for d in days if d.change in STEP_BACKS]
    return Progress(
        last.stage,
        last.entered,
        sum(d.session for d in in_stage),
        flares,
        back[-1] if back else None,
        [d.pain for d in in_stage if d.day > last.entered],
    )


def _change(
    program: Program,
    history: History,
    ratings: dict[date, int],
    progress: Progress,
    day: date,
    flare: bool,
    away: bool,
    lighter: bool = False,
) -> Change | None:
    """At most one stage change a day: one step back (a flare, time away or a sustained rise,
    whichever fires first), else a rise (never on a lighter day)."""
    if progress.stage > 1:
        if flare:
            return Change.FLARE
        if away:
            return Change.AWAY
        if sustained_rise(program, progress.stage, progress.recent):
            return Change.SUSTAINED
    if flare or away or lighter:
        return None
    if progress.stage >= program.top:
        return None
    conditions = entry_conditions(program, history, ratings, progress, day)
    return Change.ADVANCE if all(c.met for c in conditions) else None


def advance_taken_back(
    program: Program, before: list[Day], after: list[Day]
) -> tuple[int, date] | None:
    """A *Worse* that undid the day's move up: the stage it had earned, and the first day it
    can be earned again (when the move left out is back in the plan). ``before`` and
    ``after`` replay the same day without and with the *Worse*."""
    if not before or not after or before[-1].change is not Change.ADVANCE:
        return None
    if after[-1].day != before[-1].day or after[-1].stage >= before[-1].stage:
        return None
    back = before[-1].day + timedelta(days=program.rules.worse_leave_out_days)
    return before[-1].stage, back


def in_maintenance(program: Program, days: list[Day], today: date) -> bool:
    """Four weeks in the top stage with no flare."""
    if not days or days[-1].stage < program.top:
        return False
    last = days[-1]
    since = [d for d in days if d.day >= last.entered]
    return (today - last.entered).days >= program.rules.maintenance_days and not any(
        d.flare for d in since
    )
