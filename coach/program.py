"""The program as data: moves, cues, doses and the stage table, read from program.toml.

The file is loaded and validated once at start; a malformed file fails loudly, naming the
line at fault, so a typo in a threshold can never silently change what people are told.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from coach import i18n, texts
from coach.model import Equipment
from coach.quotes import marked_quotes

PROGRAM_FILE = Path(__file__).with_name("program.toml")

Pain = Annotated[int, Field(ge=0, le=10)]
Days = Annotated[int, Field(ge=1, le=365)]


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# The words a person reads, per model: in another language they read from the catalogue
# (context "program", keyed by the English text), like the constants of coach/texts.py.
MOVE_WORDS = frozenset(
    {"name", "tip", "equipment_text", "alternative", "dose", "gentle_dose", "levels", "cues"}
)
STAGE_WORDS = frozenset({"name"})
SPOKEN_MOVE_FIELDS = MOVE_WORDS | {"how"}


def in_language(value: Any) -> Any:
    """A program text (or a tuple of them) in the current language."""
    if isinstance(value, str):
        return i18n.gettext(i18n.PROGRAM, value)
    if isinstance(value, tuple):
        return tuple(i18n.gettext(i18n.PROGRAM, v) if isinstance(v, str) else v for v in value)
    return value


def _quotes_in_how(move: Move, how: str) -> str:
    """A translated *How?* ends with Cavaliere's words as the article gives them: the cues
    a person reads are translations, the original is one tap away."""
    cues = BaseModel.__getattribute__(move, "cues")
    originals = [quote for cue in cues for quote in marked_quotes(cue)]
    if not originals:
        return how
    lines = "\n".join(f"“{quote}” — Jeff Cavaliere" for quote in originals)
    return f"{how}\n\n{texts.QUOTES_ORIGINAL}\n{lines}"


class Rules(_Data):
    """Thresholds that apply on every day, whatever the stage."""

    flare_pain: Pain
    flare_rise_floor: Pain
    flare_rise: Annotated[int, Field(ge=1, le=10)]
    flare_window_days: Days
    flare_min_ratings: Days
    red_flag_pain: Pain
    red_flag_recheck_days: Days
    worse_leave_out_days: Days
    worse_repeat_days: Days
    escalate_pain: Pain
    escalate_days: Days
    escalate_window_days: Days
    escalate_improvement: Annotated[int, Field(ge=1, le=10)]
    escalate_after_days: Days
    escalate_repeat_days: Days
    escalate_floor: Pain
    escalate_done: Pain
    away_days: Days
    maintenance_days: Days
    lift_pain_max: Pain
    sustained_rise: Annotated[int, Field(ge=1, le=10)]
    sustained_days: Days
    sustained_window: Days
    # Doses that grow: this many *Easy* in a row (on different days) step a dose up a level.
    easy_to_step_up: Annotated[int, Field(ge=1, le=10)]


class Move(_Data):
    """One move of the progression, with the coach's words about it."""

    slug: Annotated[str, Field(pattern=r"^[a-z_]{1,20}$")]
    name: str
    # Back Coach's few words for the daily plan, which must fit a phone screen.
    tip: Annotated[str, Field(min_length=1, max_length=44)]
    # Any one of these sets is enough: [["band"], ["cable"]] means a band or a cable.
    equipment: tuple[tuple[Equipment, ...], ...] = Field(min_length=1)
    equipment_text: str
    alternative: str | None = None
    dose: str
    dose_source: Literal["article", "back_coach"]
    gentle_dose: str | None = None
    # The dose's levels, gentlest first; the person starts at ``start_level`` (1-based), whose
    # text is ``dose``. Without ``levels``: the gentle dose (if any) and the dose.
    levels: tuple[str, ...] = Field(default=(), min_length=1)
    start_level: Annotated[int, Field(ge=1, le=20)] = 1
    cues: tuple[str, ...] = Field(min_length=1)
    how: str
    how_source: Literal["article", "back_coach"]
    gym_experience_required: bool = False
    every_other_day: bool = False
    # Offered, never required: a session counts without it, and leaving it out after a
    # *Worse* never holds a stage back.
    optional: bool = False

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        # Most reads are of slugs, equipment and flags: the name decides before the language.
        if name not in SPOKEN_MOVE_FIELDS or i18n.current() == i18n.DEFAULT:
            return value
        if name == "how":
            return _quotes_in_how(self, in_language(value))
        return in_language(value)

    @model_validator(mode="before")
    @classmethod
    def _default_levels(cls, data: object) -> object:
        if isinstance(data, dict) and "levels" not in data and isinstance(data.get("dose"), str):
            gentle = data.get("gentle_dose")
            levels = [gentle, data["dose"]] if isinstance(gentle, str) else [data["dose"]]
            return {**data, "levels": levels, "start_level": data.get("start_level", len(levels))}
        return data

    @model_validator(mode="after")
    def _levels_fit(self) -> Move:
        if any(not level.strip() for level in self.levels):
            raise ValueError("a dose level must not be empty")
        if self.start_level > len(self.levels):
            raise ValueError(
                f"start_level {self.start_level} is above the top level ({len(self.levels)})"
            )
        if self.levels[self.start_level - 1] != self.dose:
            raise ValueError(f"the starting level (level {self.start_level}) must be the dose")
        if self.gentle_dose is not None and self.levels[0] != self.gentle_dose:
            raise ValueError("the first level must be the gentle dose")
        return self

    @property
    def top_level(self) -> int:
        """The highest dose level."""
        return len(self.levels)

    def possible_with(self, equipment: frozenset[Equipment]) -> bool:
        """Whether a person with this equipment can do the move."""
        return any(set(option) <= equipment for option in self.equipment)


class Entry(_Data):
    """Every condition that must hold to enter a stage."""

    pain_max: Pain
    days_in_row: Days
    sessions: Annotated[int, Field(ge=0, le=100)] = 0
    no_move_left_out: bool = False
    no_flare_in_stage: bool = False
    equipment: tuple[Equipment, ...] = ()
    # Calendar days spent in the stage before (entry day counted, the day of moving up not).
    min_days: Annotated[int, Field(ge=0, le=365)] = 0


class Stage(_Data):
    """A stage: the moves it adds to the plan and what it takes to enter it."""

    number: Annotated[int, Field(ge=1, le=20)]
    name: str
    adds: tuple[str, ...] = Field(min_length=1)
    enter: Entry | None = None

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if name in STAGE_WORDS and i18n.current() != i18n.DEFAULT:
            return in_language(value)
        return value


class Program(_Data):
    """The whole program: rules, moves by slug, and the stage table in order."""

    version: int
    source: str
    rules: Rules
    moves: tuple[Move, ...] = Field(min_length=1)
    stages: tuple[Stage, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> Program:
        slugs = [m.slug for m in self.moves]
        twice = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if twice:
            raise _FaultAt(
                f"move slugs must be unique: {twice[0]} is defined twice",
                rf'\s*slug\s*=\s*"{twice[0]}"',
            )
        if [s.number for s in self.stages] != list(range(1, len(self.stages) + 1)):
            raise ValueError("stages must be numbered 1, 2, 3, ... in order")
        if self.stages[0].enter is not None or any(s.enter is None for s in self.stages[1:]):
            raise ValueError("stage 1 has no [stages.enter]; every later stage needs one")
        added = [slug for s in self.stages for slug in s.adds]
        unknown = sorted(set(added) - set(slugs))
        if unknown:
            raise _FaultAt(
                f"stages add unknown moves: {', '.join(unknown)}", rf'.*"{re.escape(unknown[0])}"'
            )
        lifts = {m.slug for m in self.moves if m.every_other_day}
        for stage in self.stages:
            lifting = stage.enter is not None and bool(lifts & set(stage.adds))
            if lifting and stage.enter and stage.enter.pain_max != self.rules.lift_pain_max:
                raise _FaultAt(
                    f"stage {stage.number} adds a lift: its pain_max must be lift_pain_max "
                    f"({self.rules.lift_pain_max}), the one number for 'largely subsided'",
                    r"\s*pain_max\s*=",
                )
        if sorted(added) != sorted(slugs):
            odd = next(slug for slug in slugs if added.count(slug) != 1)
            where = rf'.*"{odd}"' if odd in added else rf'\s*slug\s*=\s*"{odd}"'
            raise _FaultAt(f"every move must be added by exactly one stage: {odd}", where)
        return self

    def move(self, slug: str) -> Move:
        """The move with this slug (KeyError for an unknown one)."""
        for move in self.moves:
            if move.slug == slug:
                return move
        raise KeyError(slug)

    def stage(self, number: int) -> Stage:
        """The stage with this number (1-based)."""
        return self.stages[number - 1]

    @property
    def top(self) -> int:
        return len(self.stages)

    def stage_of(self, slug: str) -> int:
        """The stage that adds a move."""
        return next(s.number for s in self.stages if slug in s.adds)

    def moves_up_to(self, stage: int) -> tuple[Move, ...]:
        """All moves of a stage's plan, in program order (stages are cumulative)."""
        return tuple(m for m in self.moves if self.stage_of(m.slug) <= stage)


class _FaultAt(ValueError):
    """A whole-program error that knows its line: the last one matching ``pattern``."""

    def __init__(self, message: str, pattern: str) -> None:
        super().__init__(message)
        self.pattern = pattern


class ProgramError(Exception):
    """The program file is malformed; the message names the line at fault."""


def load_program_text(text: str, name: str = "program.toml") -> Program:
    """Parse and validate program text."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgramError(f"{name}: {exc}") from exc
    try:
        return Program.model_validate(raw)
    except ValidationError as exc:
        # A misspelt key is both "missing" and "extra": the extra one is on the line at fault.
        first = min(exc.errors(), key=lambda error: error["type"] == "missing")
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        fault = first.get("ctx", {}).get("error")
        if isinstance(fault, _FaultAt):
            line = _line_of_fault(text, fault.pattern)
        else:
            line = _line_of(text, first["loc"])
        raise ProgramError(f"{name} line {line}: {where}: {first['msg']}") from exc


def load_program(path: Path = PROGRAM_FILE) -> Program:
    """Read and validate a program file."""
    return load_program_text(path.read_text(encoding="utf-8"), path.name)


@cache
def default_program() -> Program:
    """The program shipped with Back Coach, loaded once."""
    return load_program()


def _line_of(text: str, loc: tuple[int | str, ...]) -> int:
    """Best-effort line number of a validation error's location in TOML text."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    parts = list(loc)
    while parts:
        part = parts.pop(0)
        if isinstance(part, str) and parts and isinstance(parts[0], int):
            headers = [i for i in range(start, end) if re.match(rf"\s*\[\[{part}\]\]", lines[i])]
            if not headers:  # an inline array: the error is on its key's line
                while parts and isinstance(parts[0], int):
                    parts.pop(0)
                parts.insert(0, part)
                continue
            index = int(parts.pop(0))
            if index >= len(headers):
                break
            start = headers[index]
            later = [i for i in range(start + 1, end) if re.match(r"\s*\[\[", lines[i])]
            end = later[0] if later else end
            continue
        key = re.escape(str(part))
        pattern = rf"\s*({key}\s*=|\[[\w.]*\b{key}\])"
        found = [i for i in range(start, end) if re.match(pattern, lines[i])]
        if not found:
            break
        start = found[0]
    return start + 1


def _line_of_fault(text: str, pattern: str) -> int:
    """The last line matching ``pattern`` (line 1 if none does)."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if re.match(pattern, line)]
    return found[-1] if found else 1
