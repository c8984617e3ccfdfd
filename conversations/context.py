"""What every handler can reach, typed: the decisions' parts, and the payload signer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from conversations.payload import Signer
from services.core import Core

if TYPE_CHECKING:
    from conversations.app import BackCoachApplication


@dataclass(frozen=True)
class Deps(Core):
    """The application's parts, built once by bootstrap: the core and the button signer."""

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
    def app(self) -> BackCoachApplication:
        return cast("BackCoachApplication", self.application)

    @property
    def deps(self) -> Deps:
        return self.app.deps
