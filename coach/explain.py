"""Explanations generated from the stage table: where a person stands and what unlocks more.

``standing`` is the one source of figures for /why, the progress chart's caption and the
weekly summary, so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean

from coach import texts
from coach.doses import level_resets, walk
from coach.model import History, profile_on
from coach.plan import Plan, Status
from coach.program import Program
from coach.rules import (
    STEP_BACKS,
    Change,
    Condition,
    Day,
    Need,
    entry_conditions,
    equipment_cap,
    in_maintenance,
    offered,
    progress_after,
    replay,
)


@dataclass(frozen=True, slots=True)
class Standing:
    """A person's stage today, why, and every condition of the next one."""

    today: date
    stage: int
    stage_name: str
    entered: date | None
    entered_by: Change | None  # None: the start of the program
    next_stage: int | None
    next_name: str | None
    conditions: tuple[Condition, ...]
    cap: int
    maintenance: bool
    week_average: float | None
    last_week_average: float | None
    days: tuple[Day, ...]
    # Moves of the stage the person has no equipment for, when none of them can be done:
    # then no session can count, and /why says what would unlock them.
    blocked_moves: tuple[str, ...] = ()
    # (slug, level, top) of each move of the stage's plan that has several dose levels.
    doses: tuple[tuple[str, int, int], ...] = ()


def standing(program: Program, history: History, today: date) -> Standing:
    """Where a person stands on ``today`` (with or without today's check-in)."""
    days = replay(program, history, today)
    progress = progress_after(program, days)
    ratings = {r.day: r.pain for r in history.ratings if r.day <= today}
    nxt = progress.stage + 1 if progress.stage < program.top else None
    conditions: tuple[Condition, ...] = ()
    if nxt is not None:
        latest = days[-1].day if days else today
        conditions = tuple(entry_conditions(program, history, ratings, progress, latest))
    return Standing(
        today=today,
        stage=progress.stage,
        stage_name=program.stage(progress.stage).name,
        entered=progress.entered,
        entered_by=_entered_by(days),
        next_stage=nxt,
        next_name=program.stage(nxt).name if nxt else None,
        conditions=conditions,
        cap=equipment_cap(program, profile_on(history, today).equipment),
        maintenance=in_maintenance(program, days, today),
        week_average=_average(ratings, today, 0),
        last_week_average=_average(ratings, today, 7),
        days=tuple(days),
        blocked_moves=_blocked(program, history, progress.stage, today),
        doses=_doses(program, history, progress.stage, days, today),
    )


def _doses(
    program: Program, history: History, stage: int, days: list[Day], today: date
) -> tuple[tuple[str, int, int], ...]:
    """Today's dose level of each move of the stage's plan that has more than one."""
    levels = walk(program, history.feedback, level_resets(days), today).levels
    moves = [program.move(s) for s in offered(program, profile_on(history, today), stage)]
    return tuple((m.slug, levels[m.slug], m.top_level) for m in moves if m.top_level > 1)


def _blocked(program: Program, history: History, stage: int, today: date) -> tuple[str, ...]:
    """The stage's moves (beyond the bar hang) if the person's equipment fits none of them."""
    profile = profile_on(history, today)
    moves = [program.move(s) for s in offered(program, profile, stage) if s != "bar_hang"]
    if any(m.possible_with(profile.equipment) for m in moves):
        return ()
    return tuple(m.slug for m in moves)


def _entered_by(days: list[Day]) -> Change | None:
    for day in reversed(days):
        if day.change is not None:
            return day.change
    return None


def _average(ratings: dict[date, int], today: date, back: int) -> float | None:
    end = today - timedelta(days=back)
    week = [p for d, p in ratings.items() if 0 <= (end - d).days < 7]
    return round(mean(week), 1) if week else None


def condition_text(program: Program, condition: Condition) -> str:
    """One condition in words, with what is still missing."""
    match condition.need:
        case Need.PAIN_STREAK:
            more = condition.target - condition.have
            return texts.NEED_STREAK.format(
                target=condition.target,
                pain=condition.pain_max,
                have=min(condition.have, condition.target),
                more=f" — {texts.plural(more, 'more day')}" if more > 0 else "",
            )
        case Need.SESSIONS:
            more = condition.target - condition.have
            return texts.NEED_SESSIONS.format(
                target=condition.target,
                stage=condition.stage,
                have=min(condition.have, condition.target),
                more=f" — {texts.plural(more, 'more session')}" if more > 0 else "",
            )
        case Need.MIN_DAYS:
            more = condition.target - condition.have
            return texts.NEED_MIN_DAYS.format(
                target=condition.target,
                stage=condition.stage,
                have=min(condition.have, condition.target),
                more=f" — {texts.plural(more, 'more day')}" if more > 0 else "",
            )
        case Need.NO_LEFT_OUT:
            names = ", ".join(program.move(m).name for m in condition.items) or texts.WORDS["none"]
            return texts.NEED_NO_LEFT_OUT.format(stage=condition.stage, names=names)
        case Need.EQUIPMENT:
            return texts.NEED_EQUIPMENT.format(
                items=", ".join(texts.EQUIPMENT[e] for e in condition.items) or texts.WORDS["none"]
            )
        case Need.NO_FLARE:
            return texts.NEED_NO_FLARE.format(flares=condition.have)


def why_text(program: Program, at: Standing) -> str:
    """The /why text: the stage, why, and exactly what unlocks the next."""
    lines = [texts.WHY_STAGE.format(stage=at.stage, name=at.stage_name)]
    if at.entered is None:
        lines.append(texts.WHY_NO_CHECKINS)
    else:
        reason = texts.ENTERED_BY[at.entered_by.value if at.entered_by else "start"]
        lines.append(reason.format(day=texts.day(at.entered), what=_entered_what(program, at)))
    if at.maintenance:
        lines.append(texts.WHY_MAINTENANCE)
    if at.next_stage is None:
        lines.append(texts.WHY_TOP)
        return "\n".join([*lines, *_dose_lines(program, at)])
    lines.append(texts.WHY_NEXT.format(stage=at.next_stage, name=at.next_name))
    for condition in at.conditions:
        mark = texts.MET if condition.met else texts.UNMET
        lines.append(f"{mark} {condition_text(program, condition)}")
    if at.conditions and all(c.met for c in at.conditions):
        lines.append(texts.WHY_ALL_MET)
    if at.blocked_moves:
        needs = "; ".join(
            f"{program.move(s).name}: {program.move(s).equipment_text}" for s in at.blocked_moves
        )
        lines.append(texts.WHY_NO_SESSION.format(needs=needs))
    if at.stage > at.cap:
        lines.append(texts.WHY_KEPT.format(what=_missing_for(program, at.stage)))
    elif at.cap < program.top:
        lines.append(texts.WHY_CAP.format(cap=at.cap))
    return "\n".join([*lines, *_dose_lines(program, at)])


def _missing_for(program: Program, stage: int) -> str:
    """The equipment the stages up to ``stage`` ask for, in words ("a barbell")."""
    needed = dict.fromkeys(
        e.value for s in program.stages[1:stage] if s.enter for e in s.enter.equipment
    )
    return f" {texts.WORDS['and']} ".join(texts.EQUIPMENT[e] for e in needed)


def _dose_lines(program: Program, at: Standing) -> list[str]:
    """What moves a dose, and each move's level today."""
    lines = [texts.WHY_DOSES.format(count=program.rules.easy_to_step_up)]
    if at.doses:
        levels = ", ".join(
            texts.WHY_LEVEL.format(name=program.move(slug).name, have=level, target=top)
            for slug, level, top in at.doses
        )
        lines.append(texts.WHY_LEVELS.format(names=levels))
    return lines


def usual_text(value: float | None) -> str:
    """A median in words: '2', or '2.5' between two ratings ('2,5' in Russian and Spanish)."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else texts.decimal(value)


def _entered_what(program: Program, at: Standing) -> str:
    """What moved a person down: the flare, in the words of the rule that fired."""
    flared = next((d for d in reversed(at.days) if d.change is not None), None)
    if flared is None or flared.flare_kind is None:
        return ""
    return texts.FLARE_WHAT[flared.flare_kind.value].format(
        pain=flared.pain, usual=usual_text(flared.usual)
    )


def earn_back(program: Program, stage: int) -> str:
    """What earns back ``stage + 1`` after a step back to ``stage``, from the stage table:
    the pain streak (counted from the day after the step back), the sessions and the days
    in ``stage`` it asks for."""
    enter = program.stage(stage + 1).enter
    assert enter is not None
    needs = [
        texts.EARN_STREAK.format(
            pain_max=enter.pain_max, days=texts.plural(enter.days_in_row, "day")
        )
    ]
    if enter.sessions:
        needs.append(texts.EARN_SESSIONS.format(target=enter.sessions, stage=stage))
    if enter.min_days:
        needs.append(texts.EARN_DAYS.format(target=enter.min_days, stage=stage))
    return texts.EARN_BACK.format(stage=stage + 1, needs="; ".join(needs))


def plan_reason(program: Program, plan: Plan) -> str:
    """Why today's plan is what it is, in one or two sentences; after a lost stage, what
    earns it back; on a high-pain day, the NHS's self-care advice."""
    reason = _reason(program, plan)
    if plan.change in STEP_BACKS and plan.stage < program.top:
        reason = f"{reason} {earn_back(program, plan.stage)}"
    if plan.high:
        reason = f"{reason}\n\n{texts.SELF_CARE}"
    return reason


def _reason(program: Program, plan: Plan) -> str:
    if plan.high:
        key = "flare_drop" if plan.change is Change.FLARE else "flare" if plan.flare else "high"
        return texts.PLAN_REASON[key].format(pain=plan.pain, stage=plan.stage)
    if plan.change is Change.AWAY:
        return texts.PLAN_REASON["away"].format(days=program.rules.away_days, stage=plan.stage)
    if plan.change is Change.SUSTAINED:
        rules = program.rules
        enter = program.stage(plan.stage + 1).enter
        assert enter is not None
        return texts.PLAN_REASON["sustained"].format(
            pain=enter.pain_max + rules.sustained_rise,
            days=rules.sustained_days,
            window=rules.sustained_window,
            stage=plan.stage,
            name=plan.stage_name,
        )
    if plan.change is Change.ADVANCE:
        return texts.PLAN_REASON["advance"].format(stage=plan.stage, name=plan.stage_name)
    if plan.lighter:
        return texts.PLAN_REASON["lighter"].format(
            pain=plan.pain, usual=usual_text(plan.usual), stage=plan.stage
        )
    hang = plan.item("bar_hang")
    if plan.stage == 1 and hang is not None and hang.needs_equipment:
        return texts.PLAN_REASON["no_bar" if any(i.adapted for i in plan.items) else "no_bar_none"]
    if any(i.status is Status.PAIN_REST for i in plan.items):
        return texts.PLAN_REASON["pain_rest"].format(
            stage=plan.stage, name=plan.stage_name, pain_max=program.rules.lift_pain_max
        )
    if any(i.status is Status.REST for i in plan.items):
        return texts.PLAN_REASON["rest"].format(stage=plan.stage, name=plan.stage_name)
    return texts.PLAN_REASON["same"].format(stage=plan.stage, name=plan.stage_name)
