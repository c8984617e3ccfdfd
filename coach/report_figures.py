"""The doctor's report: a person's own course over the last 30 (up to 90) days, in figures.

Every figure comes from the functions behind /why, the chart, its caption and the weekly
summary (``explain.standing``, ``progress.series``, ``progress.averages``, the stage replay),
and the safety decisions the check-in makes (``safety.escalation``, ``safety.worse_again``),
so the report can never disagree with what the person was told or with /export. Pure: the
PDF is drawn by conversations/report_command.py. It holds no name or username on purpose. It is read
by a clinician, so it speaks of the person in the third person, never to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from coach import texts
from coach.doses import level_resets
from coach.explain import Standing, condition_text, standing, usual_text
from coach.function_report import FunctionTable
from coach.function_report import table as function_table
from coach.ladder import walk
from coach.model import (
    Feedback,
    History,
    MoveFeedback,
    Person,
    SafetyEvent,
    SafetyEventKind,
)
from coach.places import load_zone
from coach.program import Program
from coach.progress import WEEK, Series, averages, series
from coach.rules import Change, Day, Item, Status, day_items, in_maintenance, left_out
from coach.safety import escalation, hold, worse_again

HANG = "bar_hang"


@dataclass(frozen=True, slots=True)
class Week:
    """Seven days of the period (the oldest may be shorter): pain and sessions."""

    first: date
    last: date
    checkins: int
    median: float | None  # None: no check-in that week
    low: int | None
    high: int | None
    sessions: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated line of the report, already in words."""

    day: date
    text: str


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One move of the current plan: its name, today's dose, and what else to know."""

    name: str
    dose: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the doctor's report shows, in the person's time zone."""

    today: date
    zone: str
    series: Series  # the chart's days: the same as /progress for the same window
    weeks: tuple[Week, ...]  # oldest first
    summary: str  # the chart's caption's figures, in the third person (see ``summary``)
    start_stage: int
    start_name: str
    changes: tuple[Entry, ...]
    worse: tuple[Entry, ...]
    safety: tuple[Entry, ...]
    hold: str | None
    escalations: tuple[Entry, ...]
    stage: int
    stage_name: str
    plan: tuple[PlanLine, ...]
    # The activities the person named, by week (None: none rated in the period).
    function: FunctionTable | None = None

    @property
    def first(self) -> date:
        return self.series.days[0]

    @property
    def checkins(self) -> int:
        return self.series.checkins

    @property
    def sessions(self) -> int:
        return sum(self.series.session)


def build(
    program: Program,
    person: Person,
    history: History,
    events: tuple[SafetyEvent, ...],
    today: date,
    window: int,
) -> Report:
    """The report over the last ``window`` days up to ``today`` (from the first check-in at
    the earliest, like the chart). Needs at least one check-in."""
    at = standing(program, history, today)
    shown = series(at, window, program)
    first = shown.days[0]
    zone = person.timezone or "UTC"
    start_stage = shown.stage[0] if not _changed_on(at, first) else _stage_before(at, first)
    return Report(
        today=today,
        zone=zone,
        series=shown,
        weeks=weeks(shown),
        summary=summary(program, at),
        start_stage=start_stage,
        start_name=program.stage(start_stage).name,
        changes=stage_changes(program, at, first),
        worse=worse_lines(program, history.feedback, first, today),
        safety=safety_lines(events, zone, first),
        hold=_hold(person),
        escalations=escalations(program, history, at, first, events, zone),
        stage=at.stage,
        stage_name=at.stage_name,
        plan=plan_lines(program, history, at),
        function=function_table(history.function, first),
    )


def summary(program: Program, at: Standing) -> str:
    """Where things stand, for a clinician: the figures of the chart's caption (this week's
    average pain and last week's, the stage, what the next stage still needs), said of the
    person rather than to them."""
    lines = [averages(at), texts.REPORT_STAGE_NOW.format(stage=at.stage, name=at.stage_name)]
    if at.next_stage is None:
        lines.append(texts.REPORT_TOP)
    else:
        missing = [condition_text(program, c) for c in at.conditions if not c.met]
        if missing:
            needs = "; ".join(missing)
            lines.append(texts.PROGRESS_NEXT.format(stage=at.next_stage, needs=needs))
        else:
            lines.append(texts.REPORT_ALL_MET.format(stage=at.next_stage))
    return "\n".join(lines)


def weeks(shown: Series) -> tuple[Week, ...]:
    """Seven-day blocks counted back from the last day, like "this week" in the caption
    and the weekly summary; the oldest block holds what is left."""
    found: list[Week] = []
    end = len(shown.days)
    while end > 0:
        start = max(0, end - WEEK)
        pains = [p for p in shown.pain[start:end] if p is not None]
        found.append(
            Week(
                first=shown.days[start],
                last=shown.days[end - 1],
                checkins=len(pains),
                median=float(median(pains)) if pains else None,
                low=min(pains) if pains else None,
                high=max(pains) if pains else None,
                sessions=sum(shown.session[start:end]),
            )
        )
        end = start
    return tuple(reversed(found))


def _changed_on(at: Standing, day: date) -> bool:
    return any(d.day == day and d.change is not None for d in at.days)


def _stage_before(at: Standing, day: date) -> int:
    """The stage coached before ``day``'s change (1 before any check-in)."""
    earlier = [d for d in at.days if d.day < day]
    return earlier[-1].stage if earlier else 1


def stage_changes(program: Program, at: Standing, first: date) -> tuple[Entry, ...]:
    """Every stage change from ``first`` on, with the rule that made it, in words."""
    found: list[Entry] = []
    previous = 1
    for day in at.days:
        if day.change is not None and day.day >= first:
            found.append(Entry(day.day, _change_text(program, day, previous)))
        previous = day.stage
    return tuple(found)


def _change_text(program: Program, day: Day, before: int) -> str:
    assert day.change is not None
    what = ""
    if day.change is Change.FLARE and day.flare_kind is not None:
        what = texts.FLARE_WHAT[day.flare_kind.value].format(
            pain=day.pain, usual=usual_text(day.usual)
        )
    return texts.REPORT_CHANGE[day.change.value].format(old=before, new=day.stage, what=what)


def _worse(feedback: tuple[MoveFeedback, ...], first: date, today: date) -> list[MoveFeedback]:
    """Each "made it worse" of the period, once per move and day, in day order."""
    found = {
        (f.day, f.move): f for f in feedback if f.kind is Feedback.WORSE and first <= f.day <= today
    }
    return [found[key] for key in sorted(found)]


def worse_lines(
    program: Program, feedback: tuple[MoveFeedback, ...], first: date, today: date
) -> tuple[Entry, ...]:
    """Each "made it worse" of the period and what the plan did: the move left out until a
    date (``rules.left_out``), or shorter bar hangs."""
    found: list[Entry] = []
    for item in _worse(feedback, first, today):
        name = program.move(item.move).name
        if item.move == HANG:
            found.append(Entry(item.day, texts.REPORT_HANG_GENTLE.format(name=name)))
            continue
        gone = next(g for g in left_out(program, feedback, item.day) if g.move == item.move)
        until = texts.report_day(gone.until)
        found.append(Entry(item.day, texts.REPORT_LEFT_OUT.format(name=name, until=until)))
    return tuple(found)


def safety_lines(events: tuple[SafetyEvent, ...], zone: str, first: date) -> tuple[Entry, ...]:
    """Screening answers, red-flag answers and clearances on local dates: every one ever,
    except "no red flags" answers before the period (the routine ones)."""
    local = load_zone(zone)
    found: list[Entry] = []
    for event in sorted(events, key=lambda e: e.at):
        day = event.at.astimezone(local).date()
        if event.kind is SafetyEventKind.RED_FLAGS_NONE and day < first:
            continue
        found.append(Entry(day, _safety_text(event)))
    return tuple(found)


def _safety_text(event: SafetyEvent) -> str:
    match event.kind:
        case SafetyEventKind.SCREENING:
            ticked = [k for k in event.detail.split(",") if k and k != "none"]
            if not ticked:
                return texts.REPORT_SCREENING_NONE
            items = ", ".join(texts.SCREENING_ITEMS.get(k, k) for k in ticked)
            return texts.REPORT_SCREENING_YES.format(items=items)
        case SafetyEventKind.SCREENING_CLEARED:
            return texts.REPORT_SCREENING_CLEARED
        case SafetyEventKind.RED_FLAGS_NONE:
            return texts.REPORT_RED_FLAGS_NONE
        case SafetyEventKind.RED_FLAG:
            group = event.detail.split(" ", 1)[0]
            return texts.REPORT_RED_FLAG.get(group, texts.REPORT_RED_FLAG["emergency"])
        case SafetyEventKind.CLINICIAN_CLEARED:
            if event.detail.startswith("examined after"):
                return texts.REPORT_CLEARED_EXAMINED
            return texts.REPORT_CLEARED


def _hold(person: Person) -> str | None:
    why = hold(person)
    return None if why is None else texts.REPORT_HOLD[why.value]


def escalations(
    program: Program,
    history: History,
    at: Standing,
    first: date,
    events: tuple[SafetyEvent, ...] = (),
    zone: str = "UTC",
) -> tuple[Entry, ...]:
    """The suggestions to see a clinician made in the period: each red-flag "yes" (the
    advice of its tier), the escalation rule replayed over every check-in day (as each
    rating was given), and every second "made it worse" on a move within a month."""
    local = load_zone(zone)
    found: list[Entry] = []
    for event in events:
        day_ = event.at.astimezone(local).date()
        if event.kind is SafetyEventKind.RED_FLAG and first <= day_ <= at.today:
            tier = event.detail.split(" ", 1)[0]
            found.append(
                Entry(day_, texts.REPORT_ADVISED.get(tier, texts.REPORT_ADVISED["emergency"]))
            )
    last: date | None = None
    days = list(at.days)
    for index, day in enumerate(days):
        calm = in_maintenance(program, days[: index + 1], day.day)
        reason = escalation(program, history.ratings, day.day, last, maintenance=calm)
        if reason is None:
            continue
        last = day.day
        if day.day >= first:
            found.append(Entry(day.day, texts.REPORT_ESCALATED[reason.value]))
    for item in _worse(history.feedback, first, at.today):
        if worse_again(program, history.feedback, item.move, item.day):
            name = program.move(item.move).name
            found.append(Entry(item.day, texts.REPORT_WORSE_AGAIN.format(name=name)))
    return tuple(sorted(found, key=lambda e: e.day))


def plan_lines(program: Program, history: History, at: Standing) -> tuple[PlanLine, ...]:
    """The stage's moves with today's dose levels (``coach.doses``), as the plan shows them,
    and what the plan says about each beyond its dose (left out, no equipment, gentle).
    The levels are walked over the standing's own replay of the history (``doses_on`` would
    replay it a second time to the same days)."""
    levels = walk(program, history.feedback, level_resets(at.days), at.today).levels
    items = day_items(program, history, at.stage, at.today, False, pain=0, levels=levels)
    return tuple(_plan_line(item, levels[item.move.slug]) for item in items)


def _plan_line(item: Item, level: int) -> PlanLine:
    move = item.move
    gentle = item.status is Status.GENTLE
    dose = Item(move, Status.GENTLE if gentle else Status.DO, level=level).dose
    notes: list[str] = []
    if move.every_other_day:
        notes.append(texts.REPORT_PLAN_EVERY_OTHER)
    if move.dose_source == "back_coach":
        notes.append(texts.REPORT_PLAN_OURS)
    if gentle:
        notes.append(texts.REPORT_PLAN_GENTLE)
    if item.status is Status.LEFT_OUT and item.until is not None:
        notes.append(texts.REPORT_PLAN_LEFT_OUT.format(until=texts.report_day(item.until)))
    if item.status is Status.NO_EQUIPMENT:
        notes.append(texts.REPORT_PLAN_NO_EQUIPMENT.format(equipment=move.equipment_text))
    return PlanLine(move.name, dose, tuple(notes))
