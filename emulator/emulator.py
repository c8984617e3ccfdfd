"""BotApiEmulator: a local Telegram Bot API server with a Python API for tests."""

from __future__ import annotations

from types import TracebackType

from aiohttp import web

from emulator.faults import Fault, FaultKind, FaultQueue
from emulator.flood import (
    DEFAULT_CHAT_BURST,
    DEFAULT_CHAT_RATE,
    DEFAULT_GLOBAL_BURST,
    DEFAULT_GLOBAL_RATE,
    DEFAULT_PAID_BURST,
    DEFAULT_PAID_RATE,
    DEFAULT_PERSON_ACTION_SECONDS,
    FloodControl,
)
from emulator.paid import PaidBroadcasts
from emulator.server import build_app
from emulator.users import UserActions

DEFAULT_TOKEN = "123456789:EMULATOR-test-token"
# Telegram's clients stop waiting for an answer after roughly this long; generous for tests.
DEFAULT_CALLBACK_QUERY_TIMEOUT = 15.0


class BotApiEmulator(UserActions):
    """A fake api.telegram.org on 127.0.0.1; point PTB at ``base_url``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_name: str = "Back Coach",
        bot_username: str = "back_coach_bot",
        strict_html: bool = True,
        callback_query_timeout: float = DEFAULT_CALLBACK_QUERY_TIMEOUT,
        flood_control: bool = True,
        chat_burst: int = DEFAULT_CHAT_BURST,
        chat_rate: float = DEFAULT_CHAT_RATE,
        global_burst: int = DEFAULT_GLOBAL_BURST,
        global_rate: float = DEFAULT_GLOBAL_RATE,
        person_action_seconds: float = DEFAULT_PERSON_ACTION_SECONDS,
        paid_burst: int = DEFAULT_PAID_BURST,
        paid_rate: float = DEFAULT_PAID_RATE,
        stars_balance: float | None = None,
    ) -> None:
        flood = FloodControl(
            enabled=flood_control,
            chat_burst=chat_burst,
            chat_rate=chat_rate,
            global_burst=global_burst,
            global_rate=global_rate,
            person_action_seconds=person_action_seconds,
            paid_burst=paid_burst,
            paid_rate=paid_rate,
        )
        super().__init__(
            token,
            bot_name=bot_name,
            bot_username=bot_username,
            strict_html=strict_html,
            callback_query_timeout=callback_query_timeout,
            flood=flood,
            paid=PaidBroadcasts(stars_balance),
        )
        self.host = host
        self.port = port
        self.faults = FaultQueue()
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: PTB appends the token and ``/<method>``."""
        return f"http://{self.host}:{self.port}/bot"

    async def start(self) -> None:
        """Listen on ``host``:``port`` (port 0 picks a free one, then ``port`` is set)."""
        # A short shutdown timeout: stop() must not wait for a scripted DELAY to finish.
        runner = web.AppRunner(build_app(self, self.faults), access_log=None, shutdown_timeout=0.5)
        self.updates.reopen()
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = site.port

    async def stop(self) -> None:
        """Answer waiting long polls and stop listening."""
        self.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def fail(
        self,
        method: str,
        kind: FaultKind | str,
        *,
        chat_id: int | None = None,
        times: int = 1,
        retry_after: int = 1,
        delay: float = 1.0,
    ) -> Fault:
        """Script a fault for the next ``times`` calls of ``method`` (see emulator.faults)."""
        fault = Fault(method, FaultKind(kind), chat_id, times, retry_after, delay)
        return self.faults.add(fault)
