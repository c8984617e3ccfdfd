"""The charts as pictures: each PNG decodes at the phone size, is far from blank, and shows
each series in its own colour where the scene puts it (the pain line's days, the session
stars, a stage's band; each activity's weekly marks), with smoothed edges."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image

from coach import i18n
from coach.explain import standing
from coach.function import Activity, ActivityRating, by_week
from coach.progress import series
from conversations import canvas, chart, function_chart
from conversations.canvas import Line, Point, Rect
from tests.progress.test_progress import PROGRAM, START, coached

NEAR = 40  # how far (summed over red, green and blue) a pixel may be from the colour drawn


def rgb(hex_colour: str) -> tuple[int, int, int]:
    red, green, blue, _ = canvas.colour(hex_colour)
    return red, green, blue


def near(image: Image.Image, at: Point, hex_colour: str) -> bool:
    pixel = image.getpixel((round(at[0]), round(at[1])))
    assert isinstance(pixel, tuple)
    return sum(abs(a - b) for a, b in zip(pixel, rgb(hex_colour), strict=False)) <= NEAR


def colours(image: Image.Image) -> int:
    return len(image.getcolors(1 << 16) or [])


def decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1200, 750)
    return image.convert("RGB")


def test_the_pain_chart_shows_the_pain_the_sessions_and_the_stage_in_their_colours() -> None:
    pains: list[int | None] = [7, 6, None, 6, 5, 5, 4, 4, 3, None, 3, 2]
    at = standing(PROGRAM, coached(pains), START + timedelta(days=len(pains) - 1))
    with i18n.speaking("ru"):
        drawn = series(at, 30)
        scene = chart.scene_of(drawn)
        image = decoded(chart.render(drawn))
    assert colours(image) > 20  # not blank: colours, and shades between them
    (pain,) = scene.find("series")
    (stars,) = scene.find("sessions")
    assert isinstance(pain, Line) and isinstance(stars, Line)
    shown = [p for p in pain.points if p is not None]
    assert len(shown) == 10 and all(near(image, p, chart.PAIN) for p in shown)
    assert stars.points and all(near(image, p, chart.SESSION) for p in stars.points)
    # Halfway between the plot's floor and the lowest mark, in each band: its stage's colour.
    for band in scene.find("band"):
        assert isinstance(band, Rect) and band.fill is not None
        x0, _, x1, bottom = band.box
        assert near(image, ((x0 + x1) / 2, bottom - 8), band.fill), band.label
    assert chart.PAIN != chart.SESSION


def test_the_activities_chart_draws_each_activity_in_its_own_colour() -> None:
    monday = date(2026, 3, 2)
    activities = (Activity(1, "tie my shoes", monday), Activity(2, "carry the shopping", monday))
    ratings = tuple(
        ActivityRating(a, monday + timedelta(weeks=w), score)
        for a, scores in ((1, (2, 4, 5)), (2, (8, 7, 9)))
        for w, score in enumerate(scores)
    )
    weeks = by_week(activities, ratings)
    scene = function_chart.scene_of(activities, weeks)
    image = decoded(function_chart.render(activities, weeks))
    lines = [e for e in scene.find("series") if isinstance(e, Line)]
    assert len({line.colour for line in lines}) == 2
    for line in lines:
        assert all(p is not None and near(image, p, line.colour) for p in line.points)


def test_edges_are_smoothed_not_stepped() -> None:
    """A slanted line drawn alone: besides its colour and the white, the shades between."""
    line = Line(points=((10.0, 10.0), (90.0, 40.0)), colour="#1d4ed8", width=3)
    image = canvas.paint(canvas.Scene((100, 50), (line,)))
    assert near(image, (50, 25), "#1d4ed8")
    assert colours(image) > 10
