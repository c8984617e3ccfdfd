"""The red flags, from one table (red_flags.toml): each sign's tier and its source, and
the questions and lists built from it in the person's language.

Three tiers: *emergency* (now), *urgent* (today) and *soon* (a GP within days). A "yes"
to the first two pauses the program until the all-clear; a "yes" to the last keeps it
going, gently, with the advice.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from coach import texts
from coach.model import RedFlagGroup

RED_FLAGS_FILE = Path(__file__).with_name("red_flags.toml")
TIERS = (RedFlagGroup.EMERGENCY, RedFlagGroup.URGENT, RedFlagGroup.SOON)
HOLDING = frozenset({RedFlagGroup.EMERGENCY, RedFlagGroup.URGENT})  # a "yes" pauses


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Sign:
    """One warning sign: its key (texts.RED_FLAGS_ITEMS), tier and where it comes from."""

    key: str
    tier: RedFlagGroup
    source: Source
    section: str
    note: str = ""


@functools.cache
def signs(path: Path = RED_FLAGS_FILE) -> tuple[Sign, ...]:
    """Every sign of the table, in its order."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = {key: Source(str(s["title"]), str(s["url"])) for key, s in raw["sources"].items()}
    return tuple(
        Sign(
            key=str(item["key"]),
            tier=RedFlagGroup(item["tier"]),
            source=sources[item["source"]],
            section=str(item["section"]),
            note=str(item.get("note", "")),
        )
        for item in raw["item"]
    )


def of_tier(tier: RedFlagGroup) -> tuple[Sign, ...]:
    return tuple(sign for sign in signs() if sign.tier is tier)


def bullets(tier: RedFlagGroup) -> str:
    """A tier's signs as a bulleted list, in the person's language."""
    return "\n".join(f"• {texts.RED_FLAGS_ITEMS[sign.key]}" for sign in of_tier(tier))


def question(tier: RedFlagGroup, *, since_cleared: bool) -> str:
    """The yes/no question of a tier: its lead line and its signs."""
    since = texts.SINCE_CLEARED if since_cleared else ""
    return f"{texts.RED_FLAGS_ASK[tier.value].format(since=since)}\n{bullets(tier)}"


def holds(tier: RedFlagGroup) -> bool:
    """Whether a "yes" in this tier pauses the program until the all-clear."""
    return tier in HOLDING
