"""The chart in Russian and Spanish: its title, axis, legend and stage bands in the person's
language, drawn with a font that has the glyphs (DejaVu Sans, which ships with matplotlib):
not one missing-glyph warning. The caption and the weekly summary read in the language too."""

from __future__ import annotations

import io
import warnings
from datetime import timedelta

import pytest
from PIL import Image

from coach import i18n
from coach.explain import standing
from coach.progress import caption, series, weekly_summary
from conversations.chart import figure_of, render
from tests.progress.test_progress import PROGRAM, START, coached

WORDS = [("ru", "Ваша спина", "Боль"), ("es", "Tu espalda", "Dolor")]


@pytest.mark.parametrize(("language", "title", "pain"), WORDS)
def test_the_chart_draws_its_words_in_the_persons_language_with_every_glyph(
    language: str, title: str, pain: str
) -> None:
    history = coached([max(0, 7 - day // 6) for day in range(40)])
    at = standing(PROGRAM, history, START + timedelta(days=39))
    with i18n.speaking(language), warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" fails the test
        figure = figure_of(series(at, 30))
        png = render(series(at, 30))
        words = caption(PROGRAM, at) + weekly_summary(PROGRAM, at)
    axes = figure.axes[0]
    assert title in axes.get_title()
    assert pain in axes.get_ylabel()
    legend = axes.get_legend()
    assert legend is not None
    assert any(pain in text.get_text() for text in legend.get_texts())
    assert Image.open(io.BytesIO(png)).size == (1200, 750)
    assert "Average pain" not in words and "Your week" not in words
    fonts = {text.get_fontname() for text in [axes.title, *legend.get_texts()]}
    assert fonts == {"DejaVu Sans"}
