"""Properties of the replay over generated histories, and liveness from the table."""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from hypothesis import Phase, given, settings, target
from hypothesis import strategies as st

from coach.doses import level_resets, walk
from coach.model import (
    Equipment,
    Feedback,
    History,
    MoveFeedback,
    Profile,
    ProfileChange,
    Rating,
)
from coach.plan import Status, plan_for
from coach.program import PROGRAM_FILE, Program, default_program
from coach.rules import Change, Day, done_by_day, equipment_cap, left_out, offered, replay
from coach.safety import Escalation, escalation, falling_week
from tests.coach.conftest import (
    EVERYTHING,
    GYM,
    NO_BARBELL,
    START,
    coached,
    expected_entry_days,
)

PROGRAM = default_program()
SLUGS = [m.slug for m in PROGRAM.moves]
LIFTS = {m.slug for m in PROGRAM.moves if m.every_other_day}


@dataclass(frozen=True)
class Case:
    """A generated history and its replay, computed once."""

    history: History
    days: list[Day]

    @property
    def profile(self) -> Profile:
        return self.history.profile

    @property
    def ratings(self) -> dict[date, int]:
        return {r.day: r.pain for r in self.history.ratings}


# Low pain, sessions and unbroken days often (so the upper stages are reached); anything
# sometimes.
PAIN = st.one_of(st.integers(0, 1), st.integers(0, 2), st.integers(0, 10))
GAP = st.one_of(st.just(0), st.just(0), st.just(0), st.integers(1, 3), st.integers(12, 16))
SEGMENT = st.tuples(
    PAIN,
    st.integers(1, 12),  # days in a row at that pain
    st.sampled_from(["session", "session", "session", "some", "none"]),
    GAP,  # calendar days without a check-in after the segment
    st.none() | st.tuples(st.integers(0, 9), st.sampled_from(SLUGS)),  # a "worse"
    st.frozensets(st.sampled_from(SLUGS)),  # the moves done on "some" days
)
EQUIPMENT = st.one_of(
    st.just(EVERYTHING),
    st.just(EVERYTHING),
    st.just(NO_BARBELL),
    st.frozensets(st.sampled_from(list(Equipment))),
)


RECOVERY_DAYS = 40  # v2: min_days; stage 5 takes 38 days at pain 1 from stage 1


@st.composite
def cases(draw: st.DrawFn, recover: bool = False) -> Case:
    """Up to 120 check-in days (mostly 10-60): pains, missed days, time away, Done, "worse".

    With ``recover``, the history ends with RECOVERY_DAYS days at pain 1, every session done.
    """
    profile = Profile(equipment=draw(EQUIPMENT), gym_experienced=draw(st.booleans()))
    ratings: list[Rating] = []
    feedback: list[MoveFeedback] = []
    today = START
    lifted_yesterday = False
    segments = draw(st.lists(SEGMENT, min_size=1, max_size=10))
    if recover:
        segments.append((1, RECOVERY_DAYS, "session", 0, None, frozenset()))
    for pain, length, behaviour, gap, worse, some in segments:
        for offset in range(length):
            ratings.append(Rating(today, pain))
            done: set[str] = set()
            if behaviour == "session":  # everything, the lifts every other day
                done = set(SLUGS) - (LIFTS if lifted_yesterday else set())
            elif behaviour == "some":
                done = set(some)
            feedback += [MoveFeedback(today, slug, Feedback.DONE) for slug in sorted(done)]
            if worse is not None and worse[0] == offset:
                feedback.append(MoveFeedback(today, worse[1], Feedback.WORSE))
            lifted_yesterday = bool(done & LIFTS)
            today += timedelta(days=1)
        if gap:
            lifted_yesterday = False
        today += timedelta(days=gap)
    history = History(profile, tuple(ratings), tuple(feedback))
    return Case(history, replay(PROGRAM, history, today))


def pairs(days: list[Day]) -> list[tuple[Day, Day]]:
    return list(itertools.pairwise(days))


# --- safety of the path ---------------------------------------------------------------------------


@given(cases())
def test_the_stage_never_rises_on_a_flare_day(case: Case) -> None:
    for before, today in pairs(case.days):
        if today.flare:
            assert today.stage <= before.stage
            assert today.stage == max(1, before.stage - 1)


@given(cases())
def test_the_stage_changes_by_at_most_one_between_check_ins_and_never_skips(case: Case) -> None:
    assert case.days[0].stage == 1
    for before, today in pairs(case.days):
        assert abs(today.stage - before.stage) <= 1
        assert (today.stage != before.stage) == (today.change is not None)
        if today.change is Change.ADVANCE:
            assert today.stage == before.stage + 1
        elif today.change is not None:
            assert today.stage == before.stage - 1


@given(cases())
def test_the_stage_stays_between_1_and_the_equipment_cap(case: Case) -> None:
    cap = equipment_cap(PROGRAM, case.profile.equipment)
    assert all(1 <= d.stage <= cap for d in case.days)
    if Equipment.BARBELL not in case.profile.equipment:
        assert all(d.stage <= 3 for d in case.days)


@given(cases())
def test_the_stage_never_rises_while_a_move_of_the_plan_is_left_out(case: Case) -> None:
    for before, today in pairs(case.days):
        if today.change is Change.ADVANCE:
            plan = set(offered(PROGRAM, case.profile, before.stage))
            out = {i.move for i in left_out(PROGRAM, case.history.feedback, today.day)}
            assert not plan & out


@given(cases())
def test_every_rise_meets_every_condition_of_the_table(case: Case) -> None:
    target(float(max(d.stage for d in case.days)), label="highest stage")
    ratings = case.ratings
    for index, (before, today) in enumerate(pairs(case.days), start=1):
        if today.change is not Change.ADVANCE:
            continue
        enter = PROGRAM.stage(today.stage).enter
        assert enter is not None
        assert not today.flare and not today.away
        in_a_row = 0
        while ratings.get(today.day - timedelta(days=in_a_row), 11) <= enter.pain_max:
            in_a_row += 1
        assert in_a_row >= enter.days_in_row
        sessions = sum(d.session for d in case.days[:index] if d.day >= before.entered)
        assert sessions >= enter.sessions
        assert set(enter.equipment) <= case.profile.equipment
        if enter.no_flare_in_stage:
            since = [d for d in case.days[:index] if d.day > before.entered]
            assert not any(d.flare for d in since)


@given(cases())
def test_a_flare_time_away_or_sustained_rise_drops_exactly_one_stage_and_nothing_else_does(
    case: Case,
) -> None:
    for before, today in pairs(case.days):
        if today.flare or today.away:
            assert today.stage == max(1, before.stage - 1)
            assert today.change is (
                None if before.stage == 1 else Change.FLARE if today.flare else Change.AWAY
            )
        elif today.change is Change.SUSTAINED:  # v2
            assert today.stage == before.stage - 1 >= 1
        elif today.stage < before.stage:
            raise AssertionError(f"dropped without a flare or time away on {today.day}")


@given(cases())
def test_replaying_more_days_never_changes_the_past(case: Case) -> None:
    middle = case.days[len(case.days) // 2].day
    assert replay(PROGRAM, case.history, middle) == [d for d in case.days if d.day <= middle]


# --- the plans ------------------------------------------------------------------------------------


@given(cases(), st.data())
def test_no_plan_offers_a_lift_before_its_gate_or_a_hyper_row_to_a_beginner(
    case: Case, data: st.DataObject
) -> None:
    done = done_by_day(case.history.feedback)
    picks = [*data.draw(st.lists(st.sampled_from(case.days), max_size=3)), case.days[-1]]
    for day in picks:
        plan = plan_for(PROGRAM, case.history, day.day)
        assert plan is not None
        assert plan.stage == day.stage
        slugs = {i.move.slug for i in plan.items}
        if not case.profile.gym_experienced:
            assert "hyper_row" not in slugs
        if "deadlift" in slugs:
            assert plan.stage >= 4
            assert Equipment.BARBELL in case.profile.equipment
        if "barbell_row" in slugs:
            assert plan.stage >= 5
        lifted_yesterday = bool(done.get(day.day - timedelta(days=1), set()) & LIFTS)
        for item in plan.items:
            if item.move.slug in LIFTS and item.status is Status.DO:
                assert not lifted_yesterday
        if plan.flare:
            assert [i.move.slug for i in plan.items] == ["bar_hang"]


@given(cases(), st.data())
def test_a_session_is_done_on_every_move_the_plan_asks_for_but_the_hang(
    case: Case, data: st.DataObject
) -> None:
    done = done_by_day(case.history.feedback)
    day = data.draw(st.sampled_from(case.days))
    plan = plan_for(PROGRAM, case.history, day.day)
    assert plan is not None
    asked = {i.move.slug for i in plan.items if i.required and i.move.slug != "bar_hang"}
    worse = {f.move for f in case.history.feedback if f.kind is Feedback.WORSE and f.day == day.day}
    assert day.session == (bool(asked) and asked <= done.get(day.day, set()) - worse)
    if day.session:  # every move the plan asks for is Done, and none was "worse"
        actionable = {i.move.slug for i in plan.items if i.actionable} - {"bar_hang"}
        assert actionable <= done.get(day.day, set())
        assert not asked & worse


@given(cases())
def test_every_move_of_the_stage_is_in_the_plan_whatever_its_status(case: Case) -> None:
    day = case.days[-1]
    plan = plan_for(PROGRAM, case.history, day.day)
    assert plan is not None
    if not plan.high:
        named = [i.move.slug for i in plan.items if not i.adapted]
        assert named == offered(PROGRAM, case.profile, day.stage)
        adapted = [i for i in plan.items if i.adapted]
        assert not adapted or (
            day.stage == 1 and Equipment.PULLUP_BAR not in case.profile.equipment
        )
        for item in plan.items:
            if not item.move.possible_with(case.profile.equipment) and item.move.slug != "bar_hang":
                assert item.status is Status.NO_EQUIPMENT


@given(cases(recover=True))
def test_whatever_happened_every_session_at_pain_1_leads_to_the_top_the_equipment_allows(
    case: Case,
) -> None:
    equipment = case.profile.equipment
    cap = equipment_cap(PROGRAM, equipment)
    can_train = any(
        PROGRAM.move(slug).possible_with(equipment)
        for slug in offered(PROGRAM, case.profile, 3)
        if slug != "bar_hang"
    )
    assert case.days[-1].stage == (cap if can_train else min(cap, 2))


def test_the_generated_histories_cover_every_stage_and_every_kind_of_change() -> None:
    seen: set[str] = set()

    @settings(max_examples=200, database=None, derandomize=True, phases=[Phase.generate])
    @given(cases())
    def collect(case: Case) -> None:
        for before, today in pairs(case.days):
            seen.add(f"stage {today.stage}")
            if today.change is not None:
                seen.add(f"{today.change.value} from {before.stage}")
        feedback = case.history.feedback
        if any(f.kind is Feedback.WORSE for f in feedback):
            seen.add("worse")

    collect()
    assert {f"stage {n}" for n in range(1, 6)} <= seen
    assert {f"advance from {n}" for n in range(1, 5)} <= seen
    assert {"flare from 5", "flare from 4", "away from 3", "worse"} <= seen


# --- liveness -------------------------------------------------------------------------------------


def test_a_person_who_does_everything_at_pain_1_reaches_each_stage_on_the_tables_day() -> None:
    story = coached([1] * 70, profile=GYM)
    expected = expected_entry_days(story.program)
    assert expected == {1: 1, 2: 3, 3: 10, 4: 24, 5: 38}  # v2: min_days
    assert {s: story.entered(s) for s in expected} == expected
    maintenance = expected[5] + story.program.rules.maintenance_days
    assert not story.standing(START + timedelta(days=maintenance - 2)).maintenance
    assert story.standing(START + timedelta(days=maintenance - 1)).maintenance


def table_program(changes: list[tuple[int, int]]) -> Program:
    """The shipped program with other days_in_row and sessions for stages 2-5.

    Stage 2 keeps asking for no sessions: stage 1 (the bar hang alone) has none to give.
    """
    raw: dict[str, Any] = tomllib.loads(PROGRAM_FILE.read_text(encoding="utf-8"))
    for stage, (in_a_row, sessions) in zip(raw["stages"][1:], changes, strict=True):
        stage["enter"]["days_in_row"] = in_a_row
        stage["enter"]["sessions"] = sessions if stage["number"] > 2 else 0
    return Program.model_validate(raw)


@settings(max_examples=30)
@given(
    st.lists(st.tuples(st.integers(1, 9), st.integers(0, 7)), min_size=4, max_size=4),
    st.booleans(),
)
def test_liveness_follows_any_table(changes: list[tuple[int, int]], gym: bool) -> None:
    program = table_program(changes)
    expected = expected_entry_days(program)
    story = coached([1] * (expected[5] + 1), program=program, profile=Profile(EVERYTHING, gym))
    assert {s: story.entered(s) for s in expected} == expected


# --- v2: dated profile changes, low-pain lifts, minimum days, streaks after a step back ----------

PROFILE = st.builds(Profile, EQUIPMENT, st.booleans())


@st.composite
def changing_cases(draw: st.DrawFn) -> Case:
    """A generated history with up to three dated profile changes after the first day."""
    case = draw(cases())
    first, last = case.days[0].day, case.days[-1].day
    span = (last - first).days
    changes = [ProfileChange(first, case.history.profile)]
    for _ in range(draw(st.integers(0, 3))):
        on = first + timedelta(days=draw(st.integers(1, max(1, span))))
        changes.append(ProfileChange(on, draw(PROFILE)))
    changes.sort(key=lambda c: c.day)
    history = replace(case.history, profile=changes[-1].profile, profile_changes=tuple(changes))
    return Case(history, replay(PROGRAM, history, last + timedelta(days=1)))


STEP_BACK = {Change.FLARE, Change.AWAY, Change.SUSTAINED}


@given(changing_cases())
def test_a_stage_drops_only_by_one_step_back_never_by_a_profile_change(case: Case) -> None:
    for before, today in pairs(case.days):
        if today.stage < before.stage:
            assert today.change in STEP_BACK
            assert today.stage == before.stage - 1


@given(changing_cases())
def test_a_profile_change_never_lowers_the_stage_earned(case: Case) -> None:
    """Replayed with every profile as it was before each change, the stage on the change's
    day is never higher than with the change."""
    changes = case.history.profile_changes
    target(float(len(changes)), label="profile changes")
    for new in changes[1:]:
        kept = tuple(c for c in changes if c.day < new.day)
        if not kept:
            continue
        unchanged = replace(case.history, profile=kept[-1].profile, profile_changes=kept)
        without = [d for d in replay(PROGRAM, unchanged, new.day) if d.day < new.day]
        with_it = [d for d in case.days if d.day < new.day]
        assert with_it == without, "a change reached back before its day"
        on_the_day = [d for d in case.days if d.day == new.day]
        if on_the_day and with_it:
            earned = with_it[-1].stage
            day = on_the_day[0]
            assert day.stage >= earned - 1
            if day.stage < earned:
                assert day.change in STEP_BACK


@given(changing_cases())
def test_adding_equipment_or_experience_changes_nothing_before_it_and_lowers_nothing_on_it(
    case: Case,
) -> None:
    changes = case.history.profile_changes
    for old, new in itertools.pairwise(changes):
        gained = new.profile.equipment >= old.profile.equipment and (
            new.profile.gym_experienced or not old.profile.gym_experienced
        )
        if not gained or old.day == new.day:
            continue
        kept = replace(case.history, profile_changes=tuple(c for c in changes if c != new))
        kept = replace(kept, profile=kept.profile_changes[-1].profile)
        without = replay(PROGRAM, kept, new.day)
        with_it = [d for d in case.days if d.day <= new.day]
        assert [d for d in with_it if d.day < new.day] == [d for d in without if d.day < new.day]
        if with_it and with_it[-1].day == new.day:
            # (New experience may offer a hyper row left out earlier, which holds a rise back.)
            same_moves = new.profile.gym_experienced == old.profile.gym_experienced
            assert not same_moves or with_it[-1].stage >= without[-1].stage


@given(changing_cases(), st.data())
def test_no_lift_is_asked_for_on_a_day_with_pain_above_the_limit(
    case: Case, data: st.DataObject
) -> None:
    for day in data.draw(st.lists(st.sampled_from(case.days), max_size=4)):
        plan = plan_for(PROGRAM, case.history, day.day)
        assert plan is not None
        if plan.pain > PROGRAM.rules.lift_pain_max:
            assert not [i for i in plan.items if i.move.slug in LIFTS and i.actionable]


@given(changing_cases())
def test_no_rise_before_the_minimum_days_in_the_stage(case: Case) -> None:
    for before, today in pairs(case.days):
        if today.change is Change.ADVANCE:
            enter = PROGRAM.stage(today.stage).enter
            assert enter is not None
            assert (today.day - before.entered).days >= enter.min_days


@given(changing_cases())
def test_after_a_step_back_a_rise_needs_a_whole_streak_after_it(case: Case) -> None:
    ratings = case.ratings
    back: date | None = None
    for today in case.days:
        if today.change in STEP_BACK:
            back = today.day
        elif today.change is Change.ADVANCE and back is not None:
            enter = PROGRAM.stage(today.stage).enter
            assert enter is not None
            run = [today.day - timedelta(days=n) for n in range(enter.days_in_row)]
            assert all(d > back and ratings.get(d, 11) <= enter.pain_max for d in run)


@given(changing_cases(), st.data())
def test_with_profile_changes_a_session_is_done_on_every_required_move(
    case: Case, data: st.DataObject
) -> None:
    done = done_by_day(case.history.feedback)
    day = data.draw(st.sampled_from(case.days))
    plan = plan_for(PROGRAM, case.history, day.day)
    assert plan is not None
    asked = {i.move.slug for i in plan.items if i.required and i.move.slug != "bar_hang"}
    worse = {f.move for f in case.history.feedback if f.kind is Feedback.WORSE and f.day == day.day}
    assert day.session == (bool(asked) and asked <= done.get(day.day, set()) - worse)


# --- v3: flares in proportion ---------------------------------------------------------------------


@given(changing_cases())
def test_a_rating_lower_than_the_check_in_before_is_never_a_flare(case: Case) -> None:
    target(float(sum(b.pain > t.pain >= 7 for b, t in pairs(case.days))), label="falling highs")
    for before, today in pairs(case.days):
        if today.pain < before.pain:
            assert not today.flare
            assert today.change is not Change.FLARE


@given(changing_cases())
def test_a_stage_is_lost_only_at_7_or_more_on_the_sustained_rule_or_after_time_away(
    case: Case,
) -> None:
    for before, today in pairs(case.days):
        if today.stage < before.stage:
            assert today.change in STEP_BACK
            if today.change is Change.FLARE:
                assert today.pain >= PROGRAM.rules.flare_pain
        if today.lighter:
            assert today.pain < PROGRAM.rules.flare_pain
            assert today.change in (None, Change.SUSTAINED, Change.AWAY)


@given(changing_cases())
def test_dose_levels_reset_only_when_a_stage_is_lost(case: Case) -> None:
    last = case.days[-1].day
    doses = walk(PROGRAM, case.history.feedback, level_resets(case.days), last)
    lost = {t.day for b, t in pairs(case.days) if t.stage < b.stage}
    for change in doses.changes:
        if change.why not in ("easy", "hard", "worse"):
            assert change.day in lost, f"{change.move} reset on {change.day} without a lost stage"


@given(cases(), st.data())
def test_no_escalation_on_a_day_rated_2_or_less_nor_no_improvement_in_a_falling_week(
    case: Case, data: st.DataObject
) -> None:
    rules = PROGRAM.rules
    for today in data.draw(st.lists(st.sampled_from(case.days), min_size=1, max_size=8)):
        found = escalation(PROGRAM, case.history.ratings, today.day, None)
        if today.pain <= rules.escalate_done:
            assert found is None
        week = [
            d.pain for d in case.days if 0 <= (today.day - d.day).days < rules.escalate_window_days
        ]
        if falling_week(week):
            assert found is not Escalation.NO_IMPROVEMENT
