"""PTB's requests to the Bot API over aiohttp.

PTB's own ``HTTPXRequest`` goes through httpcore's connection pool, which on every request
walks all its connections and asks the kernel whether each idle one was closed (a ``poll``
and a ``getpeername`` per connection), and parses HTTP in pure Python (h11). With the 64
updates handled at once there are dozens of connections. aiohttp's connector takes the
first idle connection still open (a flag, no system call) without looking at the others,
and its parser is compiled. A press cost
5.7 ms of the bot's CPU over httpx and 2.2 ms over aiohttp on PostgreSQL (SQLite: 4.4 and
2.4 ms), in ``make bench``'s burst of presses.

PTB's four timeouts map onto aiohttp's three: waiting for a free connection and opening one
share the pool and connect timeouts added together (aiohttp times the two as one), and the
answer gets the write and read timeouts added together (aiohttp has no write timeout; its
read timer runs while the request is still being written).

The errors are PTB's: ``TimedOut`` for any timeout, ``NetworkError`` for the rest, each with
aiohttp's exception as its cause (``conversations/sending.py`` reads it to tell a request that
never left from one that may have been delivered). No message carries the request's URL,
which holds the token.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

import aiohttp
from telegram._utils.types import JSONDict
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

# aiohttp's errors raised before any byte of the request was written.
BEFORE_REQUEST: Final = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)

POOL_TIMEOUT: Final = (
    "Pool timeout: all connections were busy, or none could be opened in time. The request "
    "was not sent to Telegram."
)


class AiohttpRequest(BaseRequest):
    """Requests over one aiohttp session, opened by ``initialize`` on the running loop."""

    __slots__ = ("_connections", "_session", "_timeouts")

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._connections = connection_pool_size
        self._timeouts = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
            "media_write": media_write_timeout,
        }
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """Telegram's answer as JSON. One that is no JSON (cut short, or a proxy's page) is
        one line at WARNING, without its content: PTB's own logs the whole answer (people's
        messages and names) with a traceback, at ERROR."""
        try:
            data = json.loads(payload.decode("utf-8", "replace"))
        except ValueError as exc:
            log.warning(
                "an answer from Telegram could not be read (%d bytes, no JSON); what was asked "
                "may have been done",
                len(payload),
            )
            raise TelegramError("Invalid server response") from exc
        if not isinstance(data, dict):
            raise TelegramError("Invalid server response")
        return data

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # Telegram's certificate is checked against the system's bundle (the image's
            # ca-certificates), loaded once when aiohttp is imported.
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _timeout(self, value: Any, name: str) -> float | None:
        chosen = self._timeouts[name] if value is BaseRequest.DEFAULT_NONE else value
        return chosen if chosen is None else float(chosen)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        data: Any = request_data.json_parameters if request_data else None
        if files:
            form = aiohttp.FormData(quote_fields=False)
            for name, value in (data or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            data = form
        connect = self._timeout(connect_timeout, "connect")
        pool = self._timeout(pool_timeout, "pool")
        # aiohttp has no write timeout of its own: the read timeout starts once the request is
        # written, so writing and reading get the two together.
        write = self._timeout(write_timeout, "media_write" if files else "write")
        read = self._timeout(read_timeout, "read")
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=None if read is None or write is None else read + write,
        )
        try:
            # Redirects are not followed (nor are they by PTB's default transport): a
            # redirected request would go out twice.
            async with session.request(
                method, url, data=data, timeout=timeout, allow_redirects=False
            ) as response:
                payload = await response.read()
        except aiohttp.ConnectionTimeoutError as err:
            raise TimedOut(POOL_TIMEOUT) from err
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            if isinstance(err, aiohttp.InvalidURL):  # its text, and a traceback's, is the URL
                raise NetworkError("aiohttp.InvalidURL: the Bot API's URL is malformed") from None
            # aiohttp's other messages name the host and port at most, never the URL.
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
        # The Bot API method, never the URL: the URL carries the token.
        log.debug("HTTP Request: %s %s %d", method, url.rpartition("/")[2], response.status)
        return response.status, payload
