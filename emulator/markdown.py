"""parse_mode=MarkdownV2 and legacy Markdown the way Telegram (tdlib) reads them.

Both give plain text plus entities with UTF-16 offsets, like ``emulator.html``. The error
texts are tdlib's, so a test sees what Telegram would answer after "can't parse entities: ".

MarkdownV2: every one of ``_*[]()~`>#+-=|{}.!`` outside an entity marker must be escaped
with a backslash (inside code and pre only `````` and ``\\``); an entity left open is an error.
Legacy Markdown: ``*bold*``, ``_italic_``, ```code```, ``[text](url)`` and ```pre```; the
text up to the closing character is taken as is, and a missing closing character is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emulator.html import utf16_len

RESERVED = "_*[]()~`>#+-=|{}.!"
# tdlib's names for entity types, as its "Can't find end of X entity" errors spell them.
TYPES = {
    "Bold": "bold",
    "Italic": "italic",
    "Underline": "underline",
    "Strikethrough": "strikethrough",
    "Spoiler": "spoiler",
    "Code": "code",
    "Pre": "pre",
    "PreCode": "pre",
    "TextUrl": "text_link",
    "CustomEmoji": "custom_emoji",
}


class MarkdownError(ValueError):
    """The text is not valid Telegram Markdown; str() is tdlib's reason."""


def _byte(text: str, pos: int) -> int:
    return len(text[:pos].encode())


def _at(text: str, pos: int) -> str:
    return text[pos] if pos < len(text) else ""


def _reserved(char: str) -> MarkdownError:
    return MarkdownError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _url(url: str) -> str | None:
    """Telegram's URL check, roughly: a scheme or a dotted host; None drops the entity."""
    url = url.strip()
    if not url:
        return None
    if "://" in url or url.startswith(("tg:", "mailto:")):
        return url
    host = url.split("/", 1)[0]
    if "." not in host or host.startswith(".") or host.endswith("."):
        return None
    return f"http://{url}" if "/" in url else f"http://{url}/"


def _skip_pre_start(text: str, pos: int) -> tuple[int, str]:
    """After an opening ```: the optional language, then one line break, are skipped."""
    end = pos
    while end < len(text) and not text[end].isspace() and text[end] != "`":
        end += 1
    language = ""
    if end != pos and end < len(text) and text[end] != "`":
        language, pos = text[pos:end], end
    first, second = _at(text, pos), _at(text, pos + 1)
    if first in ("\n", "\r"):
        pos += 2 if second in ("\n", "\r") and second != first else 1
    return pos, language


@dataclass
class _Open:
    kind: str  # tdlib's type name
    offset: int  # UTF-16 offset in the plain text
    byte: int  # byte offset of the marker in the source
    begin: int  # length of the plain text (in characters) when opened
    argument: str = ""


@dataclass
class _V2:
    text: str
    out: list[str] = field(default_factory=list)
    offset: int = 0
    stack: list[_Open] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    quote: _Open | None = None  # the blockquote the current line belongs to

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.offset += utf16_len(chunk)

    def add(self, kind: str, offset: int, argument: str = "", expandable: bool = False) -> None:
        length = self.offset - offset
        if length <= 0:
            return  # Telegram drops empty entities
        entity: dict[str, Any] = {"type": TYPES.get(kind, kind), "offset": offset, "length": length}
        if kind == "TextUrl":
            entity["url"] = argument
        elif kind == "PreCode":
            entity["language"] = argument
        elif kind == "CustomEmoji":
            entity["custom_emoji_id"] = argument
        elif expandable:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)

    def in_code(self) -> bool:
        return bool(self.stack) and self.stack[-1].kind in ("Code", "Pre", "PreCode")

    def line_start(self, pos: int) -> int:
        """Handle a line's leading ``>`` or ``**>``; returns where its text begins."""
        text = self.text
        quoted = not self.in_code() and (
            _at(text, pos) == ">" or (text.startswith("**>", pos) and self.quote is None)
        )
        if not quoted:
            self.close_quote()
            return pos
        if self.quote is None:
            expandable = text.startswith("**>", pos)
            kind = "expandable" if expandable else "blockquote"
            self.quote = _Open(kind, self.offset, 0, len(self.stack))  # begin: entities open
            return pos + (3 if expandable else 1)
        return pos + 1

    def close_quote(self) -> None:
        if self.quote is not None:
            if len(self.stack) > self.quote.begin:  # opened in the quote, not closed in it
                last = self.stack[-1]
                raise MarkdownError(
                    f"Can't find end of {last.kind} entity at byte offset {last.byte}"
                )
            kind = self.quote.kind
            self.add("blockquote", self.quote.offset, expandable=kind == "expandable")
            self.quote = None

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text, pos = self.text, 0
        pos = self.line_start(0)
        while pos < len(text):
            char = text[pos]
            if char == "\\" and 0 < ord(_at(text, pos + 1) or "\0") <= 126:
                self.emit(text[pos + 1])
                pos += 2
                continue
            reserved = "`" if self.in_code() else RESERVED
            if char not in reserved:
                self.emit(char)
                pos += 1
                if char in "\n\r" and not self.in_code():
                    pos = self.line_start(pos)
                continue
            pos = self.close(pos) if self.closes(pos) else self.open(pos)
        if self.stack:
            last = self.stack[-1]
            raise MarkdownError(f"Can't find end of {last.kind} entity at byte offset {last.byte}")
        self.close_quote()
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def closes(self, pos: int) -> bool:
        if not self.stack:
            return False
        text, char, kind = self.text, self.text[pos], self.stack[-1].kind
        following = _at(text, pos + 1)
        return {
            "Bold": char == "*",
            "Italic": char == "_" and following != "_",
            "Underline": char == "_" and following == "_",
            "Strikethrough": char == "~",
            "Spoiler": char == "|" and following == "|",
            "Code": char == "`",
            "Pre": text.startswith("```", pos),
            "PreCode": text.startswith("```", pos),
            "TextUrl": char == "]",
            "CustomEmoji": char == "]",
        }[kind]

    def open(self, pos: int) -> int:
        text, char = self.text, self.text[pos]
        byte, following, argument = _byte(text, pos), _at(text, pos + 1), ""
        if char == "|" and following == "|" and self.quote is not None:
            after = _at(text, pos + 2)
            if after in ("", "\n", "\r"):
                self.quote.kind = "expandable"  # a quote ending in || is an expandable one
                return pos + 2
        if char == "_":
            kind, pos = ("Underline", pos + 2) if following == "_" else ("Italic", pos + 1)
        elif char in "*~":
            kind, pos = ("Bold" if char == "*" else "Strikethrough"), pos + 1
        elif char == "|" and following == "|":
            kind, pos = "Spoiler", pos + 2
        elif char == "[":
            kind, pos = "TextUrl", pos + 1
        elif char == "!" and following == "[":
            kind, pos = "CustomEmoji", pos + 2
        elif text.startswith("```", pos):
            pos, argument = _skip_pre_start(text, pos + 3)
            kind = "PreCode" if argument else "Pre"
        elif char == "`":
            kind, pos = "Code", pos + 1
        else:
            raise _reserved(char)
        self.stack.append(_Open(kind, self.offset, byte, len("".join(self.out)), argument))
        return pos

    def close(self, pos: int) -> int:
        opened = self.stack.pop()
        kind = opened.kind
        argument: str | None = opened.argument
        if kind in ("Underline", "Spoiler"):
            pos += 2
        elif kind in ("Pre", "PreCode"):
            pos += 3
        elif kind in ("TextUrl", "CustomEmoji"):
            pos, url = self.link_target(pos, kind, "".join(self.out)[opened.begin :])
            argument = _url(url) if kind == "TextUrl" else self.emoji_id(url)
        else:
            pos += 1
        if argument is not None:
            self.add(kind, opened.offset, argument)
        return pos

    def link_target(self, pos: int, kind: str, label: str) -> tuple[int, str]:
        """After ``]``: the ``(url)``, or the link text itself as its URL."""
        text = self.text
        if _at(text, pos + 1) != "(":
            if kind == "CustomEmoji":
                raise MarkdownError("Custom emoji entity must contain a tg://emoji URL")
            return pos + 1, label
        pos += 2
        begin, url = pos, []
        while pos < len(text) and text[pos] != ")":
            if text[pos] == "\\" and 0 < ord(_at(text, pos + 1) or "\0") <= 126:
                url.append(text[pos + 1])
                pos += 2
                continue
            url.append(text[pos])
            pos += 1
        if pos >= len(text):
            what = "a custom emoji URL" if kind == "CustomEmoji" else "a URL"
            raise MarkdownError(f"Can't find end of {what} at byte offset {_byte(text, begin)}")
        return pos + 1, "".join(url)

    @staticmethod
    def emoji_id(url: str) -> str:
        scheme, _, rest = url.partition("://")
        if scheme.lower() != "tg" or not rest.lower().startswith("emoji"):
            raise MarkdownError("Custom emoji URL must have scheme tg")
        for pair in rest.partition("?")[2].split("#")[0].split("&"):
            name, _, value = pair.partition("=")
            if name == "id" and value.isdigit() and not value.startswith("0"):
                return value
        raise MarkdownError("Custom emoji URL must have an emoji identifier")


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of MarkdownV2 ``text``; raises MarkdownError like Telegram."""
    return _V2(text).run()


def _legacy_link(text: str, pos: int, label: str) -> tuple[int, str]:
    """At the ``]`` of a legacy link: the ``(url)`` up to ``)``, or the label as the URL."""
    if _at(text, pos + 1) != "(":
        return pos, label
    end = text.find(")", pos + 2)
    end = len(text) if end < 0 else end
    return end, text[pos + 2 : end]


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of legacy Markdown ``text``; raises MarkdownError like Telegram."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    offset, pos, size = 0, 0, len(text)
    while pos < size:
        char = text[pos]
        if char == "\\" and _at(text, pos + 1) in ("_", "*", "`", "["):
            out.append(text[pos + 1])
            offset += 1
            pos += 2
            continue
        if char not in "_*`[":
            out.append(char)
            offset += utf16_len(char)
            pos += 1
            continue
        begin, end_char, pre, language = pos, "]" if char == "[" else char, False, ""
        pos += 1
        if char == "`" and text.startswith("``", pos):
            pre = True
            pos, language = _skip_pre_start(text, pos + 2)
        start, first = offset, len(out)
        while pos < size and (text[pos] != end_char or (pre and not text.startswith("```", pos))):
            out.append(text[pos])
            offset += utf16_len(text[pos])
            pos += 1
        if pos >= size:
            raise MarkdownError(
                f"Can't find end of the entity starting at byte offset {_byte(text, begin)}"
            )
        entity: dict[str, Any] = {"offset": start, "length": offset - start}
        if char == "[":
            pos, url = _legacy_link(text, pos, "".join(out[first:]))
            checked = _url(url)
            entity.update(type="text_link", url=checked)
            if checked is None:
                entity["length"] = 0
        elif char == "`":
            entity["type"] = "pre" if pre else "code"
            if language:
                entity["language"] = language
        else:
            entity["type"] = "bold" if char == "*" else "italic"
        if entity["length"] > 0:
            entities.append(entity)
        pos += 3 if pre else 1
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
