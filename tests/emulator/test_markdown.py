"""parse_mode=MarkdownV2 and Markdown parsed like Telegram: reserved characters, open entities."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest

from emulator import BotApiEmulator
from emulator.markdown import MarkdownError, parse_markdown, parse_markdown_v2
from tests.emulator.conftest import USER

RESERVED = "Character '{}' is reserved and must be escaped with the preceding '\\'"


def bad(reason: str) -> tuple[int, dict[str, Any]]:
    description = f"Bad Request: can't parse entities: {reason}"
    return 400, {"ok": False, "error_code": 400, "description": description}


async def send(raw: httpx.AsyncClient, text: str, mode: str, **more: Any) -> tuple[int, Any]:
    response = await raw.post(
        "sendMessage", json={"chat_id": USER, "text": text, "parse_mode": mode, **more}
    )
    return response.status_code, response.json()


@pytest.fixture(autouse=True)
def known_chat(emu: BotApiEmulator) -> None:
    emu.send_text(USER, "hi")


@pytest.mark.parametrize("char", list("]()#+-=|{}.!"))
def test_v2_reserved_characters_must_be_escaped(char: str) -> None:
    with pytest.raises(MarkdownError) as raised:
        parse_markdown_v2(f"a{char}")
    assert str(raised.value) == RESERVED.format(char)
    assert parse_markdown_v2(f"a\\{char}") == (f"a{char}", [])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("\N{STADIUM} \N{STADIUM}_abacaba", "Can't find end of Italic entity at byte offset 9"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("a __u", "Can't find end of Underline entity at byte offset 2"),
        ("~s", "Can't find end of Strikethrough entity at byte offset 0"),
        ("a ||s", "Can't find end of Spoiler entity at byte offset 2"),
        ("`c", "Can't find end of Code entity at byte offset 0"),
        ("```py x", "Can't find end of PreCode entity at byte offset 0"),
        ("[link\\.org](x", "Can't find end of a URL at byte offset 12"),
        (">*b\n>ld\nld*", "Can't find end of Bold entity at byte offset 1"),
    ],
)
def test_v2_entities_must_end(text: str, reason: str) -> None:
    with pytest.raises(MarkdownError, match=f"^{reason}$".replace("\\", "\\\\")):
        parse_markdown_v2(text)


def test_v2_entities_and_utf16_offsets() -> None:
    text = (
        "\N{STADIUM} *Pain 3* today\\. _it __all__ ~counts~_ ||ok|| `x\\`y` "
        "[site](https://example.org/a\\)b) ```python\nprint(1)```"
    )
    plain, entities = parse_markdown_v2(text)
    assert plain == "\N{STADIUM} Pain 3 today. it all counts ok x`y site print(1)"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 6},
        {"type": "italic", "offset": 17, "length": 13},
        {"type": "underline", "offset": 20, "length": 3},
        {"type": "strikethrough", "offset": 24, "length": 6},
        {"type": "spoiler", "offset": 31, "length": 2},
        {"type": "code", "offset": 34, "length": 3},
        {"type": "text_link", "offset": 38, "length": 4, "url": "https://example.org/a)b"},
        {"type": "pre", "offset": 43, "length": 8, "language": "python"},
    ]


def test_v2_blockquotes() -> None:
    assert parse_markdown_v2("abc\n>q1\n>q2\ndef") == (
        "abc\nq1\nq2\ndef",
        [{"type": "blockquote", "offset": 4, "length": 6}],
    )
    assert parse_markdown_v2("**>long\n>quote||\nend")[1] == [
        {"type": "expandable_blockquote", "offset": 0, "length": 11}
    ]
    with pytest.raises(MarkdownError, match="'>' is reserved"):
        parse_markdown_v2("3 > 2")


@pytest.mark.parametrize(
    ("text", "byte"),
    [("*bold", 0), ("snake_case", 5), ("a `code", 2), ("\N{STADIUM} [link", 5), ("``` x", 0)],
)
def test_legacy_markdown_entities_must_end(text: str, byte: int) -> None:
    with pytest.raises(MarkdownError) as raised:
        parse_markdown(text)
    assert str(raised.value) == f"Can't find end of the entity starting at byte offset {byte}"


def test_legacy_markdown_entities() -> None:
    plain, entities = parse_markdown(
        "*b_old* _i_ `c*` [l](https://x.org) snake\\_case 1.5! ```py\nx=1```"
    )
    assert plain == "b_old i c* l snake_case 1.5! x=1"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 5},
        {"type": "italic", "offset": 6, "length": 1},
        {"type": "code", "offset": 8, "length": 2},
        {"type": "text_link", "offset": 11, "length": 1, "url": "https://x.org"},
        {"type": "pre", "offset": 29, "length": 3, "language": "py"},
    ]


async def test_send_refuses_unescaped_markdown_v2(
    emu: BotApiEmulator, raw: httpx.AsyncClient
) -> None:
    assert await send(raw, "Version 1.0", "MarkdownV2") == bad(RESERVED.format("."))
    status, body = await send(raw, "*Version* 1\\.0", "MarkdownV2")
    assert status == 200
    assert body["result"]["text"] == "Version 1.0"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 7}]
    assert emu.sent(USER)[-1].raw_text == "*Version* 1\\.0"


async def test_send_refuses_unbalanced_legacy_markdown(raw: httpx.AsyncClient) -> None:
    assert await send(raw, "Use snake_case", "Markdown") == bad(
        "Can't find end of the entity starting at byte offset 9"
    )
    status, body = await send(raw, "*Pain* 3.", "Markdown")
    assert (status, body["result"]["text"]) == (200, "Pain 3.")


async def test_captions_and_edits_are_parsed_too(emu: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_document(
            USER, b"x", filename="a.txt", caption="a.b", parse_mode="MarkdownV2"
        )
    message = await bot.send_message(USER, "plain")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.edit_message_text("*open", USER, message.message_id, parse_mode="Markdown")
    edited = await bot.edit_message_text("_done_", USER, message.message_id, parse_mode="Markdown")
    assert edited.text == "done"


async def test_markdown_text_that_parses_to_nothing_is_empty(raw: httpx.AsyncClient) -> None:
    assert (await send(raw, "**", "MarkdownV2"))[1]["description"] == (
        "Bad Request: message text is empty"
    )
    markup = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]})
    assert (await send(raw, "ok\\!", "MarkdownV2", reply_markup=markup))[0] == 200
