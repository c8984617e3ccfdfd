"""Each kind of reminder is one object of the registry, which says everything about it."""

from __future__ import annotations

from coach.schedule import Kind
from services.kinds import KINDS, ReminderKind


def test_every_kind_has_one_object_that_composes_its_message() -> None:
    assert set(KINDS) == set(Kind)
    for kind, behaviour in KINDS.items():
        assert behaviour.kind is kind
        for method in ("too_late", "skip_reason", "compose"):
            assert getattr(type(behaviour), method) is not getattr(ReminderKind, method), (
                f"{kind} does not say its own {method}"
            )
