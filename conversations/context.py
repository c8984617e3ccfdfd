"""What every handler can reach: the store, the clock, the program and the payload signer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from coach.program import Program
from conversations.clock import Clock
from conversations.payload import Signer
from storage.unit_of_work import Store


@dataclass(frozen=True)
class Deps:
    """The application's parts, built once by bootstrap."""

    store: Store
    clock: Clock
    program: Program
    signer: Signer


class Ctx(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context, with typed access to the application's parts."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def deps(self) -> Deps:
        deps: Deps = self.application.bot_data["deps"]
        return deps
