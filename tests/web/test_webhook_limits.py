"""The webhook's limits on what a client may send, in process: a connection that sends no
whole request in time is closed; headers longer than Telegram ever sends are a 400; a body
over MAX_BODY is refused with 413 by its Content-Length before it is read, and when it comes
in chunks, once the limit is passed, with the rest never read; an update_id that cannot be
stored is a 400, and an id inside an update too large to store is answered: never a 500."""

from __future__ import annotations

import asyncio
import json
import logging
import select
import socket
import time

import pytest

from conversations.web import MAX_BODY, SECRET_HEADER
from conversations.web_guard import MAX_HEADER_BYTES, Limits
from tests.web.conftest import Served

pytestmark = pytest.mark.e2e

USER = 6101
PATH = "/telegram/updates"
SLOW = 0.5  # request_within here: a stalled connection is closed after this


@pytest.fixture
def limits() -> Limits:
    return Limits(request_within=SLOW)


def _connect(served: Served) -> socket.socket:
    return socket.create_connection(("127.0.0.1", served.server.port))


def _closed_within(conn: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed ``conn`` (end of file or a reset), or None."""
    started = time.monotonic()
    conn.settimeout(seconds)
    try:
        while conn.recv(4096):
            pass
    except ConnectionResetError:
        pass
    except TimeoutError:
        return None
    return time.monotonic() - started


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # opened, nothing sent
        b"POST /telegram/updates HTTP/1.1\r\nHost: coach\r\nX-Tele",  # half the headers
        # with the secret: a body is read only after it
        b"POST /telegram/updates HTTP/1.1\r\nHost: coach\r\nContent-Length: 300\r\n"
        b"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n\r\n{",
    ],
    ids=["nothing", "half-the-headers", "half-the-body"],
)
async def test_a_connection_that_stalls_is_closed_after_request_within(
    served: Served, sent: bytes
) -> None:
    conn = await asyncio.to_thread(_connect, served)
    with conn:
        conn.sendall(sent.replace(b"{secret}", served.secret.encode()))
        # Closed after SLOW: waiting twice as long (and the loop's turn) is enough.
        took = await asyncio.to_thread(_closed_within, conn, 2 * SLOW + 1)
    assert took is not None, "the stalled connection was never closed"
    assert took >= SLOW * 0.8
    assert served.server.guard.closed_slow == 1
    await served.say(USER, "/help", "this list")  # and the server serves on


async def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(
    served: Served,
) -> None:
    def declare() -> bytes:
        with _connect(served) as conn:
            conn.sendall(
                f"POST {PATH} HTTP/1.1\r\nHost: coach\r\n{SECRET_HEADER}: {served.secret}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {200 << 20}\r\n\r\n".encode()
            )
            conn.settimeout(5)
            answer = b""
            while chunk := conn.recv(4096):  # the answer, then the server closes
                answer += chunk
            return answer

    answer = await asyncio.to_thread(declare)  # not one byte of the body was sent
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:80]
    assert served.rows()["handled_updates"] == 0


async def test_a_chunked_body_is_read_no_further_than_the_limit(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    piece = b"x" * (64 << 10)
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    budget = 64 * MAX_BODY  # what a server reading everything would take without a word

    def stream() -> tuple[bytes, bool, int]:
        """Send chunks until the server answers or stops reading: its answer, whether it
        reset the connection (a close with the client's bytes unread: the answer may be lost
        with it), and the bytes sent."""
        sent, answer, reset = 0, b"", False
        with _connect(served) as conn:
            conn.sendall(
                f"POST {PATH} HTTP/1.1\r\nHost: coach\r\n{SECRET_HEADER}: {served.secret}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
            )
            conn.settimeout(5)
            try:
                while sent < budget and not answer:
                    conn.sendall(chunk)
                    sent += len(piece)
                    if select.select([conn], [], [], 0)[0]:
                        answer = conn.recv(4096)
            except (BrokenPipeError, ConnectionResetError):
                reset = True
        return answer, reset, sent

    with caplog.at_level(logging.WARNING):
        answer, reset, sent = await asyncio.to_thread(stream)
    assert sent < budget  # the server stopped reading long before the client was done
    assert answer.startswith(b"HTTP/1.1 413 ") or (reset and not answer), (answer[:80], sent)
    assert any("larger than" in r.getMessage() for r in caplog.records)  # it was the limit
    await served.say(USER, "/help", "this list")


@pytest.mark.parametrize("update_id", [1 << 63, 1 << 64, -1])
async def test_an_update_id_that_cannot_be_stored_is_a_400(served: Served, update_id: int) -> None:
    update = served.emu.send_text(USER, "/start")
    update["update_id"] = update_id
    response = await served.post(json.dumps(update).encode())
    assert response.status_code == 400
    assert served.rows()["handled_updates"] == 0
    assert served.rows()["people"] == 0
    await served.say(USER, "/help", "this list")


@pytest.mark.parametrize("where", ["chat", "from", "message_id"])
async def test_an_id_inside_the_update_too_large_to_store_is_answered_not_a_500(
    served: Served, where: str
) -> None:
    update = served.emu.send_text(USER, "/start")
    message = update["message"]
    if where == "message_id":
        message["message_id"] = 1 << 63
    else:
        message[where]["id"] = 1 << 63
    response = await served.post(json.dumps(update).encode())
    assert response.status_code in (200, 400), response.text
    await served.say(USER, "/help", "this list")


async def test_headers_longer_than_telegram_ever_sends_are_refused(served: Served) -> None:
    def send_long_headers() -> bytes:
        with _connect(served) as conn:
            padding = "x" * (MAX_HEADER_BYTES + 1024)
            conn.sendall(f"POST {PATH} HTTP/1.1\r\nHost: coach\r\nX-Padding: {padding}".encode())
            conn.settimeout(5)
            answer = b""
            while chunk := conn.recv(4096):  # the answer, then the server closes
                answer += chunk
            return answer

    answer = await asyncio.to_thread(send_long_headers)  # the headers never even ended
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]
    await served.say(USER, "/help", "this list")
