"""Telegram's limits and error answers, checked byte for byte with a raw HTTP client."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken

from emulator import BotApiEmulator
from tests.emulator.conftest import USER


def bad(description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


def buttons(data: str) -> str:
    return json.dumps({"inline_keyboard": [[{"text": "Done", "callback_data": data}]]})


async def call(raw: httpx.AsyncClient, method: str, **params: Any) -> tuple[int, Any]:
    response = await raw.post(method, json=params)
    return response.status_code, response.json()


@pytest.fixture(autouse=True)
def known_chat(emu: BotApiEmulator) -> None:
    emu.send_text(USER, "hi")


async def test_text_length_is_counted_after_parsing(raw: httpx.AsyncClient) -> None:
    assert await call(raw, "sendMessage", chat_id=USER, text="x" * 4097) == (
        400,
        bad("message is too long"),
    )
    status, _ = await call(raw, "sendMessage", chat_id=USER, text="x" * 4096)
    assert status == 200
    status, _ = await call(
        raw, "sendMessage", chat_id=USER, text=f"<b>{'x' * 4096}</b>", parse_mode="HTML"
    )
    assert status == 200  # tags do not count
    emoji = "\N{GRINNING FACE}" * 2049  # two UTF-16 code units each, as Telegram counts
    assert (await call(raw, "sendMessage", chat_id=USER, text=emoji))[0] == 400


async def test_empty_text(raw: httpx.AsyncClient) -> None:
    for params in ({"text": ""}, {"text": "  \n"}, {"text": "<b></b>", "parse_mode": "HTML"}):
        assert await call(raw, "sendMessage", chat_id=USER, **params) == (
            400,
            bad("message text is empty"),
        )


async def test_caption_limit(emu: BotApiEmulator, raw: httpx.AsyncClient) -> None:
    files = {"document": ("a.txt", b"data", "text/plain")}
    form = {"chat_id": str(USER), "caption": "c" * 1025}
    response = await raw.post("sendDocument", data=form, files=files)
    assert (response.status_code, response.json()) == (400, bad("message caption is too long"))
    form["caption"] = "c" * 1024
    assert (await raw.post("sendDocument", data=form, files=files)).status_code == 200
    assert emu.sent(USER)[0].file == b"data"


async def test_callback_data_is_1_to_64_bytes(raw: httpx.AsyncClient) -> None:
    for data in ("x" * 65, "", "é" * 33):  # 66 bytes in UTF-8
        assert await call(
            raw, "sendMessage", chat_id=USER, text="t", reply_markup=buttons(data)
        ) == (
            400,
            bad("BUTTON_DATA_INVALID"),
        )
    ok = await call(raw, "sendMessage", chat_id=USER, text="t", reply_markup=buttons("x" * 64))
    assert ok[0] == 200
    assert ok[1]["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "x" * 64


async def test_reply_markup_as_a_json_string_in_a_form(
    emu: BotApiEmulator, raw: httpx.AsyncClient
) -> None:
    form = {"chat_id": str(USER), "text": "t", "reply_markup": buttons("done")}
    assert (await raw.post("sendMessage", data=form)).status_code == 200
    assert emu.sent(USER)[0].data_for("Done") == "done"
    form["reply_markup"] = "{not json"
    response = await raw.post("sendMessage", data=form)
    assert response.json() == bad("can't parse reply keyboard markup JSON object")


@pytest.mark.parametrize(
    "markup",
    [
        {"inline_keyboard": [{"text": "not in a row", "callback_data": "x"}]},
        {"inline_keyboard": [[{"text": "no action"}]]},
        {"inline_keyboard": [[{"text": "", "callback_data": "x"}]]},
        {"inline_keyboard": [[{"text": "x", "callback_data": "x"}] * 101]},
        {"something": "else"},
        ["not", "an", "object"],
    ],
)
async def test_malformed_keyboards_are_rejected(raw: httpx.AsyncClient, markup: Any) -> None:
    status, body = await call(raw, "sendMessage", chat_id=USER, text="t", reply_markup=markup)
    assert status == 400
    assert body["ok"] is False
    assert body["description"].startswith("Bad Request: ")


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<i>x</b>", 'Unmatched end tag at byte offset 4, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("fish & chips", 'Unescaped "&" at byte offset 5'),
        ("a > b", 'Unescaped ">" at byte offset 2'),
    ],
)
async def test_bad_html_is_rejected(raw: httpx.AsyncClient, html: str, reason: str) -> None:
    assert await call(raw, "sendMessage", chat_id=USER, text=html, parse_mode="HTML") == (
        400,
        bad(f"can't parse entities: {reason}"),
    )


async def test_good_html_is_accepted(emu: BotApiEmulator, raw: httpx.AsyncClient) -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        '<a href="https://example.org/?a=1&amp;b=2">l</a><code>c</code><pre>p</pre>'
        "<blockquote>q</blockquote> &lt;&gt;&amp;&quot;&#39;&#x41;"
    )
    status, body = await call(raw, "sendMessage", chat_id=USER, text=html, parse_mode="HTML")
    assert status == 200, body
    assert body["result"]["text"] == "bsieunskdpqlcpq <>&\"'A"
    assert body["result"]["entities"][11]["url"] == "https://example.org/?a=1&b=2"


async def test_lenient_html_mode_accepts_bare_ampersands() -> None:
    async with BotApiEmulator(strict_html=False) as emu, httpx.AsyncClient() as client:
        emu.send_text(USER, "hi")
        url = f"{emu.base_url}{emu.token}/sendMessage"
        params = {"chat_id": USER, "text": "fish & chips > peas", "parse_mode": "HTML"}
        response = await client.post(url, json=params)
        assert response.json()["result"]["text"] == "fish & chips > peas"


async def test_unknown_method_and_wrong_token(emu: BotApiEmulator, raw: httpx.AsyncClient) -> None:
    response = await raw.post("sendSticker", json={"chat_id": USER})
    assert (response.status_code, response.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{emu.base_url}123:wrong/getMe")
    assert (response.status_code, response.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    with pytest.raises(InvalidToken):
        async with Bot("123:wrong", base_url=emu.base_url):
            pass


async def test_get_and_form_requests_and_case_insensitive_names(raw: httpx.AsyncClient) -> None:
    response = await raw.get("getme")
    assert response.json()["result"]["is_bot"] is True
    response = await raw.get("sendMessage", params={"chat_id": USER, "text": "via GET"})
    assert response.json()["result"]["text"] == "via GET"


async def test_unknown_and_blocked_chats(emu: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "never wrote to the bot")
    emu.block_chat(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "reminder")
    update = emu.updates.pending[-1]
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    emu.send_text(USER, "/start")  # writing again unblocks
    assert (await bot.send_message(USER, "welcome back")).text == "welcome back"
    assert emu.calls[-2].outcome == "403 Forbidden: bot was blocked by the user"


@pytest.mark.parametrize(
    ("button", "reason"),
    [
        ({"text": "Plain"}, "Text buttons are unallowed in the inline keyboard"),
        (
            {"text": "Both", "url": "https://example.org", "callback_data": "x"},
            'exactly one of the optional fields must be used, found "callback_data", "url"',
        ),
        (
            {"text": "Both", "callback_data": "x", "copy_text": {"text": "c"}},
            'exactly one of the optional fields must be used, found "callback_data", "copy_text"',
        ),
    ],
)
async def test_an_inline_button_has_exactly_one_action(
    raw: httpx.AsyncClient, button: dict[str, Any], reason: str
) -> None:
    markup = {"inline_keyboard": [[{"text": "Fine", "callback_data": "ok"}], [button]]}
    assert await call(raw, "sendMessage", chat_id=USER, text="t", reply_markup=markup) == (
        400,
        bad(f"can't parse inline keyboard button: {reason}"),
    )
