"""Files the bot uploads once and then sends by the file_id Telegram gave them (the moves'
drawings): the ids are kept in the database, shared by every worker."""

from __future__ import annotations

from services.core import Core
from services.unit import unit


async def known_file(core: Core, name: str) -> str | None:
    """The file_id of the upload named ``name``, if it was uploaded before."""
    async with unit(core) as work:
        return await work.uow.uploads.get(name)


async def remember_file(core: Core, name: str, file_id: str) -> None:
    """Keep the file_id Telegram returned for the upload named ``name``."""
    async with unit(core) as work:
        await work.uow.uploads.put(name, file_id, core.clock.now())
        await work.commit()
