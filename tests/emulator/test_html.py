"""The HTML parser on its own: plain text, entities and offsets in UTF-16."""

from __future__ import annotations

import pytest

from emulator.html import HtmlError, parse_html


def test_entities_and_utf16_offsets() -> None:
    text, entities = parse_html("\N{GRINNING FACE} <b>bold <i>both</i></b> <a href='x.org'>l</a>")
    assert text == "\N{GRINNING FACE} bold both l"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "text_link", "offset": 13, "length": 1, "url": "x.org"},
    ]


def test_pre_with_language_and_expandable_blockquote() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><blockquote expandable>q</blockquote>'
    )
    assert text == "x = 1q"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "expandable_blockquote", "offset": 5, "length": 1},
    ]


def test_tags_are_case_insensitive_and_closing_tag_may_be_empty() -> None:
    assert parse_html("<B>x</>")[0] == "x"


def test_byte_offsets_count_utf8_bytes() -> None:
    with pytest.raises(HtmlError, match="byte offset 3"):
        parse_html("é <x>")


def test_unknown_entity_is_literal_only_when_lenient() -> None:
    assert parse_html("&nbsp; &#0;", strict=False)[0] == "&nbsp; &#0;"
    with pytest.raises(HtmlError, match='Unescaped "&"'):
        parse_html("&nbsp;")
