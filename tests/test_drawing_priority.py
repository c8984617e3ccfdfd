"""The drawing process runs below the bot's priority: when the cores are busy, a reply to
someone is scheduled before a chart, a PDF or a drawing."""

from __future__ import annotations

import os

from conversations.rendering import NICENESS, Renderer


async def test_the_drawing_process_is_nicer_than_the_bot() -> None:
    renderer = Renderer()
    try:
        drawing = await renderer.run(os.nice, 0, language="en")
    finally:
        renderer.close()
    assert drawing == min(os.nice(0) + NICENESS, 19)
