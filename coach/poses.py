"""The seven moves as movement: key poses (joint angles over time) and equipment, read from
coach/poses.toml, and the figure's joint positions at any instant (forward kinematics).

Pure and small on purpose: the drawing (conversations/animation.py) only draws what this
module computes, and the tests check the movement itself from the same numbers (the bar
hang's feet stay on the floor, the deadlift's back keeps its angle, ...).

The figure is seen from the side, facing right (+x); y is up; metres; the floor is y = 0.
Joint angles are degrees:

- ``trunk``: lean of the lower trunk (hips to mid-back) forward from vertical (0 upright,
  90 horizontal, face down);
- ``spine``: bend of the upper trunk (mid-back to shoulders) forward of the lower trunk
  (0: a neutral, flat back);
- ``neck``: the head's bend forward of the upper trunk;
- ``hip``: hip flexion, the thigh forward of the trunk's line (0 standing tall, 90 sitting,
  below 0 the leg behind the body);
- ``knee``: knee flexion (0 straight); ``ankle``: the foot turned up from a right angle to
  the shin (dorsiflexion);
- ``shoulder``: shoulder flexion, the arm forward of the trunk's line (0 at the side, 90
  straight ahead, 180 overhead, below 0 behind); ``elbow``: elbow flexion (0 straight).

A move's ``anchor`` names the point that stays where it is put (the ankle when standing, the
hips on a bench or the floor, the hands on a bar); every other point follows from the angles.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

POSES_FILE = Path(__file__).with_name("poses.toml")
ANGLES = ("trunk", "spine", "neck", "hip", "knee", "ankle", "shoulder", "elbow")
# The points of the figure, proximal to distal. "grip" is the middle of the closed hand.
POINTS = (
    "hip",
    "waist",
    "shoulder",
    "neck",
    "head",
    "knee",
    "ankle",
    "heel",
    "toe",
    "elbow",
    "grip",
)
Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Body:
    """Segment lengths (metres) of an adult about 1.75 m tall."""

    thigh: float
    shin: float
    ankle_height: float
    heel: float
    toe: float
    lower_trunk: float
    upper_trunk: float
    neck: float
    head: float  # the head's radius
    upper_arm: float
    forearm: float


@dataclass(frozen=True, slots=True)
class Key:
    """One key pose: its instant (seconds from the loop's start), its joint angles, and
    whether the motion passes through it without stopping."""

    at: float
    angles: dict[str, float]
    through: bool = False


@dataclass(frozen=True, slots=True)
class Equipment:
    """One piece of equipment: its kind and where it is (see poses.toml's header)."""

    kind: str
    points: tuple[Point, ...] = ()  # fixed points: a bar, a bench's ends, an anchor
    follows: str | None = None  # the figure's point it moves with (a handle, a bar)


@dataclass(frozen=True, slots=True)
class Movement:
    """A move's loop: key poses, the anchored point, the equipment and the labelled cues."""

    slug: str
    duration: float
    anchor: str
    anchor_at: Point
    keys: tuple[Key, ...]
    equipment: tuple[Equipment, ...]
    cues: tuple[str, ...]  # keys of texts.MOVE_CUE
    phases: dict[str, float]  # named instants the tests check ("stretch", "top", ...)
    poster: str  # the phase that stands for the move in a still (the contact sheet, docs)


@dataclass(frozen=True, slots=True)
class Poses:
    """Every move's movement and the body they share."""

    body: Body
    moves: dict[str, Movement]
    fps: int


def load(path: Path = POSES_FILE) -> Poses:
    """Read poses.toml."""
    return parse(tomllib.loads(path.read_text(encoding="utf-8")))


@cache
def default() -> Poses:
    """The poses of coach/poses.toml, read once."""
    return load()


def parse(raw: dict[str, Any]) -> Poses:
    """Poses from poses.toml's tables; a mistake in the file is a ValueError naming it."""
    body = Body(**{k: float(v) for k, v in raw["body"].items()})
    moves = {}
    for slug, table in raw["moves"].items():
        base = {name: 0.0 for name in ANGLES} | {
            k: float(v) for k, v in table.get("base", {}).items()
        }
        keys = []
        for key in table["keys"]:
            unknown = set(key) - {"at", "name", "through", *ANGLES}
            if unknown:
                raise ValueError(f"poses.toml: {slug}: unknown angles {sorted(unknown)}")
            angles = base | {k: float(v) for k, v in key.items() if k in ANGLES}
            keys.append(Key(float(key["at"]), angles, bool(key.get("through", False))))
        duration = float(table["duration"])
        if not keys or any(b.at <= a.at for a, b in itertools.pairwise(keys)):
            raise ValueError(f"poses.toml: {slug}: key poses must go forward in time")
        if keys[-1].at >= duration or keys[0].at != 0 or keys[0].through:
            raise ValueError(f"poses.toml: {slug}: key poses run from a stop at 0 to the end")
        phases = {k["name"]: float(k["at"]) for k in table["keys"] if "name" in k}
        anchor = table["anchor"]
        if anchor["point"] not in POINTS:
            raise ValueError(f"poses.toml: {slug}: unknown anchor {anchor['point']!r}")
        equipment = tuple(
            Equipment(
                e["kind"],
                tuple((float(x), float(y)) for x, y in e.get("points", [])),
                e.get("follows"),
            )
            for e in table.get("equipment", [])
        )
        moves[slug] = Movement(
            slug,
            duration,
            anchor["point"],
            (float(anchor["at"][0]), float(anchor["at"][1])),
            tuple(keys),
            equipment,
            tuple(table.get("cues", [])),
            phases,
            table["poster"],
        )
        if table["poster"] not in phases:
            raise ValueError(f"poses.toml: {slug}: the poster {table['poster']!r} is no phase")
    return Poses(body, moves, int(raw.get("fps", 12)))


def _ease(share: float) -> float:
    """Slow out of one pose and into the next, as a person moves under control."""
    return 0.5 - 0.5 * math.cos(math.pi * share)


def angles_at(movement: Movement, t: float) -> dict[str, float]:
    """The joint angles ``t`` seconds into the loop. Between two stops the motion eases out
    of the first and into the second, passing through the key poses between them at an
    even pace; the loop returns from the last key pose to the first by the end."""
    t %= movement.duration
    keys = [*movement.keys, Key(movement.duration, movement.keys[0].angles)]
    stops = [k.at for k in keys if not k.through]
    start = max(at for at in stops if at <= t)
    end = min(at for at in stops if at > t)
    eased = start + _ease((t - start) / (end - start)) * (end - start)
    for key, after in itertools.pairwise(keys):
        if key.at <= eased < after.at:
            share = (eased - key.at) / (after.at - key.at)
            return {
                name: key.angles[name] + (after.angles[name] - key.angles[name]) * share
                for name in ANGLES
            }
    return dict(keys[-1].angles)  # eased == end only through rounding: the loop's start


def _step(start: Point, direction: float, length: float) -> Point:
    rad = math.radians(direction)
    return (start[0] + length * math.cos(rad), start[1] + length * math.sin(rad))


def joints(body: Body, angles: dict[str, float]) -> dict[str, Point]:
    """Every point of the figure with the hip at the origin (see the module's conventions)."""
    a = angles
    lower = 90 - a["trunk"]  # directions in degrees from +x, counter-clockwise
    upper = lower - a["spine"]
    head = upper - a["neck"]
    thigh = lower - 180 + a["hip"]
    shin = thigh - a["knee"]
    foot = shin + 90 + a["ankle"]
    arm = upper - 180 + a["shoulder"]
    forearm = arm + a["elbow"]
    p: dict[str, Point] = {"hip": (0.0, 0.0)}
    p["waist"] = _step(p["hip"], lower, body.lower_trunk)
    p["shoulder"] = _step(p["waist"], upper, body.upper_trunk)
    p["neck"] = _step(p["shoulder"], head, body.neck)
    p["head"] = _step(p["neck"], head, body.head)
    p["knee"] = _step(p["hip"], thigh, body.thigh)
    p["ankle"] = _step(p["knee"], shin, body.shin)
    sole = _step(p["ankle"], shin, body.ankle_height)  # the sole, below the ankle
    p["heel"] = _step(sole, foot + 180, body.heel)
    p["toe"] = _step(sole, foot, body.toe)
    p["elbow"] = _step(p["shoulder"], arm, body.upper_arm)
    p["grip"] = _step(p["elbow"], forearm, body.forearm)
    return p


def figure_at(poses: Poses, slug: str, t: float) -> dict[str, Point]:
    """The figure's points ``t`` seconds into the move's loop, placed in the scene: the
    anchored point where the move puts it."""
    movement = poses.moves[slug]
    points = joints(poses.body, angles_at(movement, t))
    ax, ay = points[movement.anchor]
    dx, dy = movement.anchor_at[0] - ax, movement.anchor_at[1] - ay
    return {name: (x + dx, y + dy) for name, (x, y) in points.items()}


def frame_times(poses: Poses, slug: str) -> list[float]:
    """The instants drawn: ``fps`` a second over one loop."""
    movement = poses.moves[slug]
    count = max(1, round(movement.duration * poses.fps))
    return [movement.duration * i / count for i in range(count)]


def segment_angle(a: Point, b: Point) -> float:
    """The direction from a to b in degrees from +x (counter-clockwise)."""
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))
