"""The HTTP side: ``/bot<token>/<method>`` answered like api.telegram.org, faults applied."""

from __future__ import annotations

import asyncio
import logging
from typing import cast

from aiohttp import web

from emulator import errors
from emulator.faults import Fault, FaultKind, FaultQueue
from emulator.methods_misc import METHODS
from emulator.models import ApiCall
from emulator.params import read_params
from emulator.state import BotState

log = logging.getLogger(__name__)


def _error(error: errors.ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.code)


def _hang_up(request: web.Request) -> web.Response:
    """Close the connection without an answer; aiohttp then skips writing the response."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response()


class BotApiHandler:
    """One aiohttp handler for every Bot API route."""

    def __init__(self, state: BotState, faults: FaultQueue) -> None:
        self.state = state
        self.faults = faults

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one call."""
        method = request.match_info["method"]
        if request.match_info["token"] != self.state.token:
            return _error(errors.UNAUTHORIZED)
        try:
            params = await read_params(request)
        except errors.ApiError as error:
            return _error(error)
        call = ApiCall(method, params.logged())
        self.state.calls.append(call)
        self.state.notify()  # tests may wait for a call to arrive, e.g. a long poll
        implementation = METHODS.get(method.lower())
        if implementation is None:
            call.outcome = "404 method not found"
            return _error(errors.METHOD_NOT_FOUND)
        fault = self.faults.take(method, params.chat_id())
        if fault is not None:
            log.info("fault %s on %s", fault.kind, method)
            early = self._fault_before(fault, call, request)
            if early is not None:
                return early
        paid = self.state.paid.asked(method, params.get_bool("allow_paid_broadcast"))
        unpaid = self.state.paid.check() if paid else None
        if unpaid is not None:
            call.outcome = f"{unpaid.code} {unpaid.description} (paid broadcast)"
            return _error(unpaid)
        retry_after = self.state.flood.check(method, params.chat_id(), paid=paid)
        if retry_after is not None:
            flood = errors.too_many_requests(retry_after)
            call.outcome = f"{flood.code} {flood.description} (flood control)"
            return _error(flood)
        try:
            result = await implementation(self.state, params)
        except errors.ApiError as error:
            call.outcome = f"{error.code} {error.description}"
            response = _error(error)
        else:
            call.outcome = "ok, paid" if paid else "ok"
            if paid:
                self.state.paid.charge()
            response = web.json_response({"ok": True, "result": result})
        finally:
            self.state.notify()
        if fault is not None and fault.kind is FaultKind.DROP_AFTER_SEND:
            call.outcome += ", connection dropped"
            return _hang_up(request)
        if fault is not None and fault.kind is FaultKind.TRUNCATE:
            call.outcome += ", answer cut short"
            whole = cast(bytes, response.body)
            return web.Response(body=whole[: len(whole) // 2], content_type="application/json")
        if fault is not None and fault.kind is FaultKind.DELAY:
            call.outcome += f", answered after {fault.delay}s"
            await asyncio.sleep(fault.delay)
        return response

    def _fault_before(
        self, fault: Fault, call: ApiCall, request: web.Request
    ) -> web.StreamResponse | None:
        """Faults that answer instead of processing the call."""
        if fault.kind is FaultKind.REFUSE:
            call.outcome = "refused (connection closed, not processed)"
            return _hang_up(request)
        if fault.kind is FaultKind.RETRY_AFTER:
            error = errors.too_many_requests(fault.retry_after)
        elif fault.kind is FaultKind.BAD_GATEWAY:
            error = errors.BAD_GATEWAY
        else:
            return None
        call.outcome = f"{error.code} {error.description} (scripted)"
        return _error(error)


def build_app(state: BotState, faults: FaultQueue) -> web.Application:
    """The aiohttp application serving the Bot API for ``state``."""
    app = web.Application(client_max_size=50 * 1024 * 1024)  # Telegram's upload limit
    app.router.add_route("*", "/bot{token}/{method}", BotApiHandler(state, faults).handle)
    return app
