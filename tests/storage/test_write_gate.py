"""SQLite's writers take turns in order, an urgent one before the ordinary ones waiting;
a waiter cancelled leaves the queue, and a turn that came with the cancellation goes on."""

from __future__ import annotations

import asyncio

import pytest

from storage.write_gate import WriteGate


async def _writer(gate: WriteGate, name: str, order: list[str], urgent: bool = False) -> None:
    await gate.acquire(urgent)
    order.append(name)
    await asyncio.sleep(0)
    gate.release()


async def test_writers_take_turns_in_order_the_urgent_ones_first() -> None:
    gate, order = WriteGate(), []
    await gate.acquire()  # someone is writing
    tasks = [asyncio.create_task(_writer(gate, n, order)) for n in ("a", "b")]
    await asyncio.sleep(0.01)
    tasks.append(asyncio.create_task(_writer(gate, "urgent", order, urgent=True)))
    tasks.append(asyncio.create_task(_writer(gate, "c", order)))
    await asyncio.sleep(0.01)
    assert order == []  # nobody writes while the turn is held
    gate.release()
    await asyncio.gather(*tasks)
    assert order == ["urgent", "a", "b", "c"]
    assert not gate.locked()


async def test_a_free_gate_is_taken_at_once_and_an_urgent_writer_never_preempts() -> None:
    gate = WriteGate()
    await asyncio.wait_for(gate.acquire(), 0.1)
    urgent = asyncio.create_task(gate.acquire(urgent=True))
    await asyncio.sleep(0.01)
    assert not urgent.done()  # the one writing finishes its turn first
    gate.release()
    await asyncio.wait_for(urgent, 1)
    gate.release()
    assert not gate.locked()


async def test_a_cancelled_waiter_leaves_and_a_handed_turn_goes_on() -> None:
    gate, order = WriteGate(), []
    await gate.acquire()
    gone = asyncio.create_task(gate.acquire())
    after = asyncio.create_task(_writer(gate, "after", order))
    await asyncio.sleep(0.01)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    gate.release()
    await asyncio.wait_for(after, 1)
    assert order == ["after"] and not gate.locked()
    # The turn handed over in the same moment as the cancellation: passed to the next.
    await gate.acquire()
    handed = asyncio.create_task(gate.acquire())
    nxt = asyncio.create_task(_writer(gate, "next", order))
    await asyncio.sleep(0.01)
    gate.release()  # the turn is handed to ``handed`` ...
    handed.cancel()  # ... which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await handed
    await asyncio.wait_for(nxt, 1)
    assert order == ["after", "next"] and not gate.locked()
