"""parse_mode=HTML the way Telegram (tdlib's parse_html) reads it: plain text plus entities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Tag name -> MessageEntity type; span is only allowed as <span class="tg-spoiler">.
TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\r\n"
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")


def _decode(match: re.Match[str]) -> str | None:
    dec, hexa, name = match.groups()
    if name:
        return _NAMED[name]
    code = int(dec) if dec else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None  # tdlib keeps such an "entity" as literal text
    return chr(code)


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; str() is tdlib's reason."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts offsets and limits in."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class _Parser:
    text: str
    strict: bool
    out: list[str] = field(default_factory=list)
    offset: int = 0  # UTF-16 offset of the plain text produced so far
    stack: list[_Open] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def byte(self, pos: int) -> int:
        return len(self.text[:pos].encode())

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.offset += utf16_len(chunk)

    def decode_entity(self, pos: int) -> tuple[str, int] | None:
        match = _ENTITY.match(self.text, pos)
        char = _decode(match) if match else None
        return None if char is None or match is None else (char, match.end())

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        pos, size = 0, len(self.text)
        while pos < size:
            char = self.text[pos]
            if char == "&":
                decoded = self.decode_entity(pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    pos = decoded[1]
                    continue
                if self.strict:  # Telegram keeps a bare "&"; the emulator flags the escaping bug
                    raise HtmlError(f'Unescaped "&" at byte offset {self.byte(pos)}')
            elif char == ">" and self.strict:
                raise HtmlError(f'Unescaped ">" at byte offset {self.byte(pos)}')
            if char != "<":
                self.emit(char)
                pos += 1
                continue
            closing = self.text.startswith("</", pos)
            pos = self.end_tag(pos) if closing else self.start_tag(pos)
        if self.stack:
            raise HtmlError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        pos = begin + 1
        while pos < len(self.text) and self.text[pos] not in _SPACE + ">":
            pos += 1
        if pos >= len(self.text):
            raise HtmlError(f"Unclosed start tag at byte offset {self.byte(begin)}")
        tag = self.text[begin + 1 : pos].lower()
        if tag not in TAGS:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {self.byte(begin)}')
        attrs: dict[str, str] = {}
        while True:
            while pos < len(self.text) and self.text[pos] in _SPACE:
                pos += 1
            if pos >= len(self.text):
                raise HtmlError(f"Unclosed start tag at byte offset {self.byte(begin)}")
            if self.text[pos] == ">":
                break
            pos = self.attribute(tag, begin, pos, attrs)
        argument = self.argument(tag, attrs, begin)
        self.stack.append(_Open(tag, argument, self.offset, attrs))
        return pos + 1

    def attribute(self, tag: str, begin: int, pos: int, attrs: dict[str, str]) -> int:
        start = pos
        while pos < len(self.text) and self.text[pos] not in _SPACE + "=>":
            pos += 1
        name = self.text[start:pos].lower()
        while pos < len(self.text) and self.text[pos] in _SPACE:
            pos += 1
        if pos >= len(self.text) or self.text[pos] != "=":
            if tag == "blockquote" and name == "expandable":
                attrs[name] = ""
                return pos
            raise HtmlError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {self.byte(begin)}"
            )
        pos += 1
        while pos < len(self.text) and self.text[pos] in _SPACE:
            pos += 1
        if pos >= len(self.text):
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {self.byte(begin)}')
        quote = self.text[pos]
        if quote not in "\"'":
            token = _NAME_TOKEN.match(self.text, pos)
            end = token.end() if token else pos
            if end >= len(self.text) or self.text[end] not in _SPACE + ">":
                raise HtmlError(f"Unexpected end of name token at byte offset {self.byte(pos)}")
            attrs[name] = self.text[pos:end].lower()
            return end
        end = self.text.find(quote, pos + 1)
        if end < 0:
            raise HtmlError(f"Unclosed start tag at byte offset {self.byte(begin)}")
        raw = self.text[pos + 1 : end]
        attrs[name] = _ENTITY.sub(lambda m: _decode(m) or m.group(0), raw)
        return end + 1

    def argument(self, tag: str, attrs: dict[str, str], begin: int) -> str:
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte(begin)}'
            )
        if tag == "a":
            return attrs.get("href", "")
        if tag == "tg-emoji":
            return attrs.get("emoji-id", "")
        if tag == "code" and attrs.get("class", "").startswith("language-"):
            return attrs["class"].removeprefix("language-")
        return ""

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {self.byte(begin)}")
        pos = begin + 2
        while pos < len(self.text) and self.text[pos] not in _SPACE + ">":
            pos += 1
        name = self.text[begin + 2 : pos].lower()
        while pos < len(self.text) and self.text[pos] in _SPACE:
            pos += 1
        if pos >= len(self.text) or self.text[pos] != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {self.byte(begin)}")
        opened = self.stack.pop()
        if name and name != opened.tag:
            raise HtmlError(
                f'Unmatched end tag at byte offset {self.byte(begin)}, expected "</{opened.tag}>", '
                f'found "</{name}>"'
            )
        self.add_entity(opened)
        return pos + 1

    def add_entity(self, opened: _Open) -> None:
        length = self.offset - opened.offset
        if length <= 0:
            return  # Telegram drops empty entities
        kind = TAGS[opened.tag]
        entity: dict[str, Any] = {"type": kind, "offset": opened.offset, "length": length}
        if kind == "text_link":
            entity["url"] = opened.argument
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = opened.argument
        elif kind == "blockquote" and "expandable" in opened.attrs:
            entity["type"] = "expandable_blockquote"
        elif kind == "code" and opened.argument and self.stack and self.stack[-1].tag == "pre":
            self.stack[-1].argument = opened.argument  # <pre><code class="language-x">
            return
        elif kind == "pre" and opened.argument:
            entity["language"] = opened.argument
        self.entities.append(entity)


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of ``text``; raises HtmlError like Telegram would.

    ``strict`` also rejects a bare ``&`` or ``>``, which Telegram passes through: text built
    from unescaped input works until the input holds a ``<``, so the emulator fails early.
    """
    return _Parser(text, strict).run()
