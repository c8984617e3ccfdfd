"""Updates Telegram posts to the webhook, shared by every worker: one posted twice (a
retry, or two workers behind a load balancer both handed it) is handled once; one whose
worker died while handling it is handled again when Telegram posts it again."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.core import Core
from services.unit import unit
from storage.coordination import Taken

# Telegram stops retrying an update long before this; the ids are then forgotten.
REMEMBERED_FOR = timedelta(hours=24)
# An update still being handled after this long lost its worker: another may take it over.
HANDLED_WITHIN = timedelta(seconds=30)

__all__ = ["HANDLED_WITHIN", "REMEMBERED_FOR", "Taken", "finish", "prune", "take_in"]


async def take_in(core: Core, update_id: int) -> Taken:
    """Take the update in (committed before it is handled): handle it, drop this copy
    (handled before), or ask for a retry later (another worker is handling it now)."""
    now = core.clock.now()
    async with unit(core) as work:
        taken = await work.uow.handled.take(update_id, now, now - HANDLED_WITHIN)
        await work.commit()
    return taken


async def finish(core: Core, update_id: int) -> None:
    """The update was handled to the end: a later copy of it is dropped."""
    async with unit(core) as work:
        await work.uow.handled.finish(update_id)
        await work.commit()


async def prune(core: Core, now: datetime) -> int:
    """Forget update ids older than REMEMBERED_FOR; how many went."""
    async with unit(core) as work:
        count = await work.uow.handled.prune(now - REMEMBERED_FOR)
        await work.commit()
    return count
