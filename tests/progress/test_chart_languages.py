"""The chart in Russian and Spanish: its title, axis, legend and stage bands in the person's
language, drawn with a font that has the glyphs (DejaVu Sans, shipped with Back Coach): not
one character the font lacks. The caption and the weekly summary read in the language too."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from fontTools.ttLib import TTFont
from PIL import Image

from coach import i18n, texts
from coach.explain import standing
from coach.progress import caption, encouragement, series, weekly_summary
from conversations import plot
from conversations.canvas import BOLD, FONT_NAME, REGULAR, Scene, Text
from conversations.chart import render, scene_of
from tests.progress.test_progress import PROGRAM, START, coached
from tests.progress.test_truthful_charts import clipped, long_history

WORDS = [("ru", "Ваша спина", "Боль"), ("es", "Tu espalda", "Dolor")]


@pytest.mark.parametrize(("language", "title", "pain"), WORDS)
def test_the_chart_draws_its_words_in_the_persons_language_with_every_glyph(
    language: str, title: str, pain: str
) -> None:
    history = coached([max(0, 7 - day // 6) for day in range(40)])
    at = standing(PROGRAM, history, START + timedelta(days=39))
    with i18n.speaking(language):
        scene = scene_of(series(at, 30))
        png = render(series(at, 30))
        words = caption(PROGRAM, at) + weekly_summary(PROGRAM, at)
    (shown,) = scene.texts("title")
    assert title in shown.text
    (axis,) = scene.texts("ylabel")
    assert pain in axis.text
    assert any(pain in text.text for text in scene.texts("legend"))
    assert Image.open(io.BytesIO(png)).size == (1200, 750)
    assert "Average pain" not in words and "Your week" not in words
    assert missing_glyphs(scene) == set()


def missing_glyphs(scene: Scene) -> set[str]:
    """The characters of the scene's words that its font cannot draw."""
    assert TTFont(str(REGULAR))["name"].getDebugName(1) == FONT_NAME
    drawable = set(TTFont(str(REGULAR)).getBestCmap()) & set(TTFont(str(BOLD)).getBestCmap())
    return {c for t in scene.texts() for c in t.text if ord(c) not in drawable and c != " "}


ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


@pytest.mark.parametrize("language", ["ru", "es"])
def test_the_date_ticks_read_in_the_persons_language(language: str) -> None:
    history = coached([max(0, 7 - day // 6) for day in range(40)])
    at = standing(PROGRAM, history, START + timedelta(days=39))
    with i18n.speaking(language):
        labels = [text.text for text in scene_of(series(at, 30)).texts("xtick")]
    written = {format_date(day, "d MMM", locale=language) for day in series(at, 30).days}
    assert len(labels) >= 4 and set(labels) <= written, labels
    assert not any(ENGLISH_MONTH.search(label) for label in labels)
    with i18n.speaking(i18n.DEFAULT):
        english = scene_of(series(at, 30)).texts("xtick")
        assert english and all(ENGLISH_MONTH.search(text.text) for text in english)


@pytest.mark.parametrize(("language", "point"), [("en", "."), ("ru", ","), ("es", ",")])
def test_averages_and_drops_are_written_with_the_languages_decimal_mark(
    language: str, point: str
) -> None:
    """Two weeks averaging 5.4 and then 2.3: the caption's averages and the weekly drop."""
    pains = [5, 6, 5, 6, 5, 6, 5, 2, 3, 2, 2, 3, 2, 2]  # a week, then the week after
    at = standing(PROGRAM, coached(pains), START + timedelta(days=13))
    assert at.week_average is not None and at.last_week_average is not None
    week, last = (f"{v:.1f}".replace(".", point) for v in (at.week_average, at.last_week_average))
    drop = f"{at.last_week_average - at.week_average:.1f}".replace(".", point)
    assert at.week_average != int(at.week_average)  # a figure with a decimal to write
    with i18n.speaking(language):
        words = caption(PROGRAM, at)
        cheer = encouragement(at, 0)
        expected = texts.CHEER_BETTER.format(drop=drop)
    assert f"{week}/10" in words and f"{last}/10" in words
    assert cheer == expected


def overlapping(boxes: list[tuple[float, float, float, float]]) -> list[int]:
    """The indices of boxes that overlap an earlier one."""
    return [
        j
        for j, b in enumerate(boxes)
        for a in boxes[:j]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


@pytest.mark.parametrize("language", ["ru", "es"])
@pytest.mark.parametrize("window", [14, 90, 365])
def test_the_longer_words_fit_nothing_clipped_nothing_overlapping(
    language: str, window: int
) -> None:
    """Russian and Spanish run longer than English: measured with the font, the legend, the
    ticks and the stage labels still fit inside the picture and do not run into each other."""
    with i18n.speaking(language):
        scene = scene_of(series(long_history(), window))
    assert clipped(scene) == []
    for role in ("legend", "xtick", "ytick", "stage"):
        boxes = [text.box() for text in scene.texts(role)]
        assert boxes and overlapping(boxes) == [], (role, [t.text for t in scene.texts(role)])
    legend = [t.box() for t in scene.texts("legend")]
    plot = scene.regions["plot"]
    assert all(box[1] > plot[3] for box in legend)  # below the plot, hiding nothing of it


def test_a_legend_too_wide_for_its_columns_takes_fewer() -> None:
    """Six entries whose words would not fit three abreast: two columns, or one, each
    entry whole, inside the picture, none over another."""
    keys = [
        plot.Key(f"Этап {n}: очень длинное название этапа", "#e0f2fe", "band") for n in range(6)
    ]
    frame = plot.frame("Title", "Pain", (0, 10), (0, 10), [(5.0, "5")], [0, 10], keys, 3)
    legend = [e for e in frame.edges if isinstance(e, Text) and e.role == "legend"]
    assert [t.text for t in legend] == [k.label for k in keys]  # whole, in order
    boxes = [t.box() for t in legend]
    assert overlapping(boxes) == []
    assert all(b[0] >= 0 and b[2] <= plot.SIZE[0] and b[3] <= plot.SIZE[1] for b in boxes)
    assert len({round(b[0]) for b in boxes}) < 3  # fewer than the three columns asked
