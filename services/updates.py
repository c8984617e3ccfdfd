"""Updates Telegram posts to the webhook, shared by every worker (``storage.inbox``).

An update is taken in (its content held under the worker's lease, committed) before Telegram
is answered, and handled after: one posted twice (a retry, or two workers behind a load
balancer both handed it) is handled once; one whose worker died before finishing it is
taken over from the inbox once the lease runs out, so an update answered 200 is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from services.core import Core
from services.unit import unit
from storage.inbox import Taken

# Telegram stops retrying an update long before this; the ids are then forgotten.
REMEMBERED_FOR = timedelta(hours=24)
# A worker renews its lease on the updates it holds every third of this; one not renewed
# for this long lost its worker: another takes it over.
HANDLED_WITHIN = timedelta(seconds=30)

__all__ = [
    "HANDLED_WITHIN",
    "REMEMBERED_FOR",
    "Taken",
    "behind",
    "finish",
    "prune",
    "renew",
    "take_in",
    "take_over",
]


async def take_in(
    core: Core,
    update_id: int,
    *,
    chat: int | None = None,
    worker: str | None = None,
    payload: str | None = None,
) -> tuple[Taken, bool]:
    """Take the update in, holding ``payload`` for ``worker`` (committed before Telegram is
    answered): handle it, or drop this copy (handled, or held by a live worker), or ask for a
    retry later. With it, whether an earlier update of the chat is unfinished on another
    worker (so this one waits its turn)."""
    now = core.clock.now()
    async with unit(core, urgent=True) as work:  # Telegram's post waits for it
        inbox = work.uow.handled
        taken = await inbox.take(
            update_id, now, now - HANDLED_WITHIN, chat=chat, worker=worker, payload=payload
        )
        waits = False
        if taken is Taken.HANDLE and chat is not None and worker is not None:
            waits = await inbox.behind(chat, update_id, worker)
        await work.commit()
    return taken, waits


async def behind(core: Core, chat: int, update_id: int, worker: str) -> bool:
    """Whether an earlier update of ``chat`` is still unfinished on another worker."""
    async with unit(core) as work:
        return await work.uow.handled.behind(chat, update_id, worker)


async def finish(core: Core, update_ids: Iterable[int]) -> None:
    """These updates were handled to the end: a later copy of one is dropped."""
    async with unit(core) as work:
        await work.uow.handled.finish(update_ids)
        await work.commit()


async def renew(core: Core, worker: str) -> int:
    """Keep ``worker``'s lease on the updates it holds; how many it holds."""
    async with unit(core) as work:
        count = await work.uow.handled.renew(worker, core.clock.now())
        await work.commit()
    return count


async def take_over(core: Core, worker: str, *, starting: bool = False) -> list[tuple[int, str]]:
    """Updates whose worker died before finishing them, now ``worker``'s: (id, content).
    ``starting``: the worker's first look, when on SQLite (one process by design) whatever
    another worker left was left by a process that stopped."""
    now = core.clock.now()
    async with unit(core) as work:
        inbox = work.uow.handled
        taken = await inbox.take_over(worker, now, now - HANDLED_WITHIN, starting=starting)
        await work.commit()
    return taken


async def prune(core: Core, now: datetime) -> int:
    """Forget update ids older than REMEMBERED_FOR; how many went."""
    async with unit(core) as work:
        count = await work.uow.handled.prune(now - REMEMBERED_FOR)
        await work.commit()
    return count
