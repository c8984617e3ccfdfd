"""The activities' chart tells the truth: one line per rated activity, a gap for a week not
rated, a retired activity dashed and named so, nothing for an activity never rated."""

from __future__ import annotations

import io
import math
from datetime import date

from PIL import Image

from coach import i18n, texts
from coach.function import Activity, ActivityRating, by_week
from conversations import plot
from conversations.canvas import Line
from conversations.function_chart import render, scene_of

MON1, MON2, MON3 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)
SHOES = Activity(1, "tie my shoes", MON1)
LIFT = Activity(2, "pick up my daughter", MON1, retired=MON3)
NEVER = Activity(3, "garden", MON3)
ACTIVITIES = (SHOES, LIFT, NEVER)
RATINGS = (
    ActivityRating(1, MON1, 3),
    ActivityRating(2, MON1, 2),
    ActivityRating(2, MON2, 4),
    ActivityRating(1, MON3, 6),
)


def test_one_line_per_rated_activity_with_gaps_kept() -> None:
    scene = scene_of(ACTIVITIES, by_week(ACTIVITIES, RATINGS))
    lines = {e.label: e for e in scene.find("series") if isinstance(e, Line)}
    retired = texts.CHART_FUNCTION_RETIRED.format(name="pick up my daughter")
    assert set(lines) == {"tie my shoes", retired}  # "garden" was never rated: no line
    shoes = [math.nan if y is None else y for y in lines["tie my shoes"].values]
    assert shoes[0] == 3 and math.isnan(shoes[1]) and shoes[2] == 6  # week 2: a gap
    assert lines["tie my shoes"].points[1] is None  # and the drawing breaks there
    lift = [math.nan if y is None else y for y in lines[retired].values]
    assert lift[:2] == [2, 4] and math.isnan(lift[2])
    assert lines[retired].dash is not None  # dashed
    assert lines["tie my shoes"].dash is None  # solid
    assert {t.text for t in scene.texts("legend")} == {"tie my shoes", retired}


def test_it_renders_a_phone_sized_png_in_each_language() -> None:
    for language in i18n.LANGUAGES:
        with i18n.speaking(language):
            png = render(ACTIVITIES, by_week(ACTIVITIES, RATINGS))
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.size == (1200, 750)


def test_a_name_too_long_for_the_picture_is_shortened_in_the_legend_not_cut_off() -> None:
    long = Activity(4, "carry two full bags of shopping up the stairs " * 3, MON1)
    with i18n.speaking("ru"):
        scene = scene_of((long,), by_week((long,), (ActivityRating(4, MON1, 5),)))
    (words,) = scene.texts("legend")
    assert words.label == long.name and words.text != long.name
    assert words.text.endswith("…") and long.name.startswith(words.text[:-1].rstrip())
    width, height = scene.size
    x0, y0, x1, y1 = words.box()
    assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height


def test_every_word_of_the_chart_fits_the_picture_in_each_language() -> None:
    """The title, the axis' label (upright, often longest in Russian), ticks and legend:
    inside the picture, in each language, drawn no larger than the English."""
    for language in i18n.LANGUAGES:
        with i18n.speaking(language):
            scene = scene_of(ACTIVITIES, by_week(ACTIVITIES, RATINGS))
        width, height = scene.size
        for words in scene.texts():
            x0, y0, x1, y1 = words.box()
            assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, (language, words.text)
        (axis,) = scene.texts("ylabel")
        assert axis.upright and axis.size <= plot.AXIS
