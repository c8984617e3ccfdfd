"""Once started, the bot's process takes what start-up made out of the garbage collector's
full passes and makes its young collections rarer (bot.py calls settle_memory)."""

from __future__ import annotations

import gc

from bootstrap import GC_YOUNG, settle_memory


def test_start_up_objects_are_frozen_and_young_collections_are_rarer() -> None:
    threshold = gc.get_threshold()
    made_at_start = [object() for _ in range(1000)]
    try:
        settle_memory()
        assert gc.get_freeze_count() >= len(made_at_start)
        young, middle, old = gc.get_threshold()
        assert young == GC_YOUNG > threshold[0]
        assert (middle, old) == threshold[1:]
    finally:
        gc.unfreeze()  # this test process builds many applications: let them be collected
        gc.set_threshold(*threshold)
