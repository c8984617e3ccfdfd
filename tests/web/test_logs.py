"""LOG_FORMAT=json: one JSON object a line through the same redaction as the text format:
a token (or the webhook secret) in a message, its arguments or a traceback never appears;
the events logger speaks at INFO in JSON and stays quiet in text above DEBUG."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from conversations.logs import EVENTS, RepeatFilter, setup_logging

TOKEN = "7012345678:AAH4vSecretPartOfTheToken0123456789"
SECRET = "webhook-secret-0123456789-abcdefghijklmnop"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name in (EVENTS, "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def lines(err: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in err.splitlines() if line.strip()]


def test_json_lines_redact_the_token_and_secret_everywhere(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging("INFO", TOKEN, "json", [SECRET])
    log = logging.getLogger("backcoach.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning("secret part alone: %s; webhook secret: %s", TOKEN.split(":")[1], SECRET)
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed ({SECRET})")
    except RuntimeError:
        log.exception("it failed")
    err = capsys.readouterr().err
    found = lines(err)
    assert len(found) == 3
    assert found[0]["level"] == "INFO" and found[0]["logger"] == "backcoach.test"
    assert "<token>" in str(found[0]["message"])
    assert "RuntimeError" in str(found[2]["exc_info"])
    for hidden in (TOKEN, TOKEN.split(":")[1], SECRET):
        assert hidden not in err


def test_the_events_logger_speaks_in_json_and_keeps_quiet_in_text(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    events = logging.getLogger(EVENTS)
    setup_logging("INFO", TOKEN, "json")
    events.info("update 1 handled", extra={"event": "update", "kind": "text", "update_id": 1})
    (line,) = lines(capsys.readouterr().err)
    assert (line["event"], line["kind"], line["update_id"]) == ("update", "text", 1)

    setup_logging("INFO", TOKEN)  # the default: text, as before
    events.info("update 2 handled", extra={"event": "update"})
    logging.getLogger("backcoach.test").info("a text line")
    err = capsys.readouterr().err
    assert "update 2" not in err
    assert "INFO backcoach.test: a text line" in err

    setup_logging("DEBUG", TOKEN)
    events.info("update 3 handled")
    assert "update 3 handled" in capsys.readouterr().err


def test_a_repeated_warning_is_written_once_a_minute_with_the_count_left_out() -> None:
    now = [0.0]
    repeats = RepeatFilter(every=60.0, clock=lambda: now[0])

    def record(msg: str, *args: object, level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord("asyncio", level, __file__, 1, msg, args, None)

    passed = [repeats.filter(record("accept failed on fd %d", fd)) for fd in range(1000)]
    assert passed.count(True) == 1 and passed[0]
    assert repeats.filter(record("another failure"))  # another template is its own line
    assert repeats.filter(record("lower lines all pass", level=logging.INFO))
    assert repeats.filter(record("lower lines all pass", level=logging.INFO))
    now[0] = 61.0
    again = record("accept failed on fd %d", 5)
    assert repeats.filter(again)
    assert again.getMessage() == (
        "accept failed on fd 5 [999 more like this in the last 60 s not logged]"
    )
    assert not repeats.filter(record("accept failed on fd %d", 6))
