"""The drawn moves move as the article and Back Coach's technique say: checked on the joint
positions coach/poses.py computes from coach/poses.toml, over every frame that is drawn."""

from __future__ import annotations

import math
import tomllib

import pytest

from coach import texts
from coach.poses import (
    POSES_FILE,
    Point,
    Poses,
    angles_at,
    figure_at,
    frame_times,
    load,
    parse,
    segment_angle,
)
from coach.program import default_program

POSES = load()
FLOOR_TOLERANCE = 0.02  # metres: a foot within 2 cm of the floor stands on it


def frames(slug: str) -> list[dict[str, Point]]:
    return [figure_at(POSES, slug, t) for t in frame_times(POSES, slug)]


def at(slug: str, phase: str) -> dict[str, Point]:
    movement = POSES.moves[slug]
    return figure_at(POSES, slug, movement.phases[phase])


def lean(points: dict[str, Point]) -> float:
    """How far the line from the hips to the shoulders leans from vertical, in degrees
    (forward positive)."""
    return 90 - segment_angle(points["hip"], points["shoulder"])


def bend(a: Point, b: Point, c: Point) -> float:
    """The turn at b on the way a → b → c, in degrees (0: a straight line)."""
    turn = segment_angle(b, c) - segment_angle(a, b)
    return (turn + 180) % 360 - 180


def distance_to_segment(p: Point, a: Point, b: Point) -> float:
    ax, ay = b[0] - a[0], b[1] - a[1]
    share = max(0.0, min(1.0, ((p[0] - a[0]) * ax + (p[1] - a[1]) * ay) / (ax * ax + ay * ay)))
    return math.dist(p, (a[0] + share * ax, a[1] + share * ay))


def test_every_move_of_the_program_is_drawn_with_labelled_cues_in_two_to_four_seconds() -> None:
    assert set(POSES.moves) == {m.slug for m in default_program().moves}
    for slug, movement in POSES.moves.items():
        assert 2.0 <= movement.duration <= 4.0, slug
        assert 1 <= len(movement.cues) <= 2, slug
        assert all(cue in texts.MOVE_CUE for cue in movement.cues), slug


def test_the_bar_hang_keeps_the_feet_on_the_floor_while_the_body_sinks_from_the_bar() -> None:
    for points in frames("bar_hang"):
        for part in ("heel", "toe"):
            assert abs(points[part][1]) <= FLOOR_TOLERANCE, (part, points[part])
    grip, hang = at("bar_hang", "grip"), at("bar_hang", "hang")
    assert hang["hip"][1] < grip["hip"][1] - 0.08  # the body lets itself down ...
    assert hang["grip"] == pytest.approx(grip["grip"])  # ... hanging from the same bar
    assert bend(hang["hip"], hang["knee"], hang["ankle"]) < -30  # knees bent, feet down


def test_the_reverse_hyper_lifts_the_legs_above_the_bench_with_the_torso_on_it() -> None:
    bench = next(e for e in POSES.moves["reverse_hyper"].equipment if e.kind == "bench")
    top_of_bench = bench.points[0][1]
    for points in frames("reverse_hyper"):
        assert abs(lean(points) - 90) <= 3  # face down, horizontal
        for part in ("hip", "waist", "shoulder"):
            assert 0 < points[part][1] - top_of_bench <= 0.15  # lying on the bench
    down, top = at("reverse_hyper", "down"), at("reverse_hyper", "top")
    assert down["ankle"][1] < top_of_bench < top["ankle"][1]
    assert top["knee"][1] > top["hip"][1] and top["ankle"][1] > top["hip"][1]  # above parallel
    assert min(p[1] for p in (down["toe"], down["heel"])) >= -FLOOR_TOLERANCE


def test_the_deadlift_keeps_a_flat_back_and_the_bar_close_to_the_legs() -> None:
    for points in frames("deadlift"):
        # The back's shape never changes: the lower and upper back stay in one line, so the
        # angle between the back and the hips changes only at the hip joint.
        assert abs(bend(points["hip"], points["waist"], points["shoulder"])) <= 1
        legs = min(
            distance_to_segment(points["grip"], points["hip"], points["knee"]),
            distance_to_segment(points["grip"], points["knee"], points["ankle"]),
        )
        assert legs <= 0.12, points["grip"]
        middle_of_foot = (points["heel"][0] + points["toe"][0]) / 2
        assert abs(points["grip"][0] - middle_of_foot) <= 0.08  # the bar travels straight
    floor, top = at("deadlift", "floor"), at("deadlift", "top")
    assert floor["grip"][1] == pytest.approx(0.225, abs=0.02)  # the plates on the floor
    assert lean(floor) >= 45 and abs(lean(top)) <= 3  # from a hinge to standing tall


def test_the_seated_row_leans_forward_for_the_stretch_and_pulls_sitting_upright() -> None:
    stretch, pull = at("seated_row", "stretch"), at("seated_row", "pull")
    assert lean(stretch) >= 20
    assert abs(lean(pull)) <= 5
    reach = math.dist(stretch["grip"], stretch["shoulder"])
    assert math.dist(pull["grip"], pull["shoulder"]) < reach - 0.2  # the hands come in
    assert pull["grip"][1] < pull["shoulder"][1] and pull["grip"][0] - pull["waist"][0] < 0.2
    for points in frames("seated_row"):
        assert points["hip"][1] == pytest.approx(0.10)  # sitting throughout


def test_the_pull_through_hinges_at_the_hips_not_the_knees() -> None:
    hinge, stand = at("pull_through", "hinge"), at("pull_through", "stand")
    assert lean(hinge) >= 45 and abs(lean(stand)) <= 5
    for points in frames("pull_through"):
        assert abs(bend(points["hip"], points["knee"], points["ankle"])) <= 25  # soft knees
        assert abs(bend(points["hip"], points["waist"], points["shoulder"])) <= 1  # flat back
        assert min(points["heel"][1], points["toe"][1]) >= -FLOOR_TOLERANCE


def test_the_barbell_row_holds_the_torso_still_while_the_bar_rises() -> None:
    leans = [lean(points) for points in frames("barbell_row")]
    assert max(leans) - min(leans) <= 1 and min(leans) >= 40
    hang, row = at("barbell_row", "hang"), at("barbell_row", "row")
    assert row["grip"][1] - hang["grip"][1] >= 0.25
    assert distance_to_segment(row["grip"], row["hip"], row["shoulder"]) <= 0.15  # to the ribs


def test_the_hyper_row_keeps_the_legs_level_as_one_arm_rows() -> None:
    for points in frames("hyper_row"):
        assert abs(points["ankle"][1] - points["hip"][1]) <= 0.05
        assert abs(lean(points) - 90) <= 3
    hang, row = at("hyper_row", "hang"), at("hyper_row", "row")
    assert row["grip"][1] - hang["grip"][1] >= 0.25


def test_key_poses_are_reached_and_the_loop_closes() -> None:
    for slug, movement in POSES.moves.items():
        for key in (k for k in movement.keys if not k.through):
            assert angles_at(movement, key.at) == pytest.approx(key.angles), (slug, key.at)
        almost_the_end = angles_at(movement, movement.duration - 1e-6)
        assert almost_the_end == pytest.approx(movement.keys[0].angles, abs=1e-3), slug


def test_the_motion_eases_only_at_stops() -> None:
    hang = POSES.moves["bar_hang"]
    through = [k for k in hang.keys if k.through]
    assert through
    # Half-way between two passed-through poses the knee is half-way too: an even pace.
    first, second = through[:2]
    middle = angles_at(hang, (first.at + second.at) / 2)["knee"]
    assert first.angles["knee"] < middle < second.angles["knee"]


def _raw() -> dict[str, object]:
    return tomllib.loads(POSES_FILE.read_text(encoding="utf-8"))


def test_a_mistake_in_the_file_is_named() -> None:
    raw = _raw()
    moves = raw["moves"]
    assert isinstance(moves, dict)
    moves["deadlift"]["keys"][1]["at"] = 0.0
    with pytest.raises(ValueError, match="deadlift"):
        parse(raw)
    raw = _raw()
    raw["moves"]["bar_hang"]["keys"][0]["elbw"] = 3  # type: ignore[index]
    with pytest.raises(ValueError, match="elbw"):
        parse(raw)


def test_the_file_parses_to_the_poses_loaded() -> None:
    assert isinstance(parse(_raw()), Poses)
