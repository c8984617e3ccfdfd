""".dockerignore read the way Docker reads it, to list what a build would send.

Docker (moby's patternmatcher) cleans each pattern, matches it against a path relative to
the context's root with Go's filepath.Match plus ``**`` (any number of directories), and a
path is left out when the last pattern that matches it or one of its parent directories is
not an exception (``!``). A pattern without ``**/`` matches at the root only: ``.env`` leaves
out ``./.env`` but sends ``deploy/.env``."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rule:
    pattern: str
    exception: bool
    regex: re.Pattern[str]


def _regex(pattern: str) -> re.Pattern[str]:
    """Go's filepath.Match syntax with ``**``, as moby's patternmatcher compiles it."""
    out, i = "^", 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            if pattern[i + 1 : i + 2] == "*":
                i += 1
                if pattern[i + 1 : i + 2] == "/":
                    i += 1
                out += ".*" if i + 1 >= len(pattern) else "(.*/)?"
            else:
                out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = pattern.index("]", i)
            body = pattern[i + 1 : end]
            out += "[^" + body[1:] + "]" if body.startswith("^") else "[" + body + "]"
            i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(char)
        i += 1
    return re.compile(out + "$")


def rules(text: str) -> list[Rule]:
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line[1:].strip() if exception else line
        pattern = posixpath.normpath(pattern).lstrip("/")
        found.append(Rule(pattern, exception, _regex(pattern)))
    return found


def excluded(path: str, ruleset: list[Rule]) -> bool:
    """Whether Docker leaves ``path`` (relative, with /) out of the build context."""
    parents = path.split("/")
    candidates = ["/".join(parents[: n + 1]) for n in range(len(parents))]
    left_out = False
    for rule in ruleset:
        if any(rule.regex.match(candidate) for candidate in candidates):
            left_out = not rule.exception
    return left_out


def context(root: Path, ruleset: list[Rule]) -> Iterator[str]:
    """Every file a build with ``root`` as its context would send."""
    for folder, directories, files in os.walk(root):
        relative = Path(folder).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        directories[:] = [
            d for d in directories if not excluded(prefix + d, ruleset) or _has_exception(ruleset)
        ]
        for name in files:
            if not excluded(prefix + name, ruleset):
                yield prefix + name


def _has_exception(ruleset: list[Rule]) -> bool:
    """Docker still walks a left-out directory when an exception might bring a file back."""
    return any(rule.exception for rule in ruleset)
