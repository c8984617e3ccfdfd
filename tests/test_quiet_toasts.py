"""After the first Easy/Right/Hard, its answer is a quiet pop-up in every language: short
enough that conversations/buttons.py does not turn it into an alert to dismiss."""

from __future__ import annotations

import pytest

from coach import i18n, texts
from coach.program import default_program

ALERT_AFTER = 60  # characters: a longer toast is shown as an alert (conversations/buttons.py)


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_every_repeated_dose_answer_is_a_quiet_pop_up(language: str) -> None:
    program = default_program()
    with i18n.speaking(language):
        for move in program.moves:
            for label in texts.BTN_DOSE.values():
                toast = texts.DOSE_ACK_AGAIN.format(name=move.name, what=label.lower())
                assert len(toast) <= ALERT_AFTER, toast
