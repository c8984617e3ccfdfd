"""Updates Telegram posts to the webhook, shared by every worker: one taken in twice (a
retry, or two workers behind a load balancer both handed it) is handled once."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.core import Core
from services.unit import unit

# Telegram stops retrying an update long before this; the ids are then forgotten.
REMEMBERED_FOR = timedelta(hours=24)


async def take_in(core: Core, update_id: int) -> bool:
    """Record the update as taken in (committed before it is handled); False if some
    worker took it in before, so this copy is dropped."""
    async with unit(core) as work:
        first = await work.uow.handled.first_time(update_id, core.clock.now())
        await work.commit()
    return first


async def prune(core: Core, now: datetime) -> int:
    """Forget update ids older than REMEMBERED_FOR; how many went."""
    async with unit(core) as work:
        count = await work.uow.handled.prune(now - REMEMBERED_FOR)
        await work.commit()
    return count
