"""Inactive people's data: deleted after 12 months without a check-in, warned a week before.

The warning is a ledger row of kind RETENTION, queued here and sent by the dispatcher with
every other message; the deletion waits until the warning is a week old.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from coach.places import load_zone
from coach.schedule import Kind, Reminder, State
from storage.unit_of_work import Store

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=365)
NOTICE = timedelta(days=7)


async def sweep(store: Store, now: datetime) -> int:
    """Queue warnings for people 358 days inactive; delete those warned a week ago. Returns
    how many people's data was deleted."""
    async with store.unit() as uow:
        stale = await uow.ratings.last_activity(now - (KEEP_FOR - NOTICE))
    deleted = 0
    for chat_id, last in stale:
        async with store.unit() as uow:
            recent = await uow.schedule.recent(chat_id, Kind.RETENTION, 5)
            warned = [d.due for d in recent if d.due > last]  # a check-in since resets it
            if warned and last <= now - KEEP_FOR and min(warned) <= now - NOTICE:
                await uow.people.delete_everything(chat_id)
                deleted += 1
                log.info("deleted an inactive person's data after 12 months")
            elif not warned:
                person = await uow.people.get(chat_id)
                zone = (person.timezone if person else None) or "UTC"
                day = now.astimezone(load_zone(zone)).date()
                item = Reminder(0, chat_id, Kind.RETENTION, 0, time(0), now, day)
                if person is not None and person.active:
                    await uow.schedule.record(item, State.QUEUED, now)
                else:  # blocked: the warning can't reach them, the deletion still comes
                    await uow.schedule.record(item, State.SKIPPED, now, "inactive")
            await uow.commit()
    return deleted
