"""Pure snippet building: cut a window of plain text around the query's words, escape it, mark the words.

The text is escaped first and only then wrapped in <mark>: no HTML from content ever reaches the page.
"""

from __future__ import annotations

import html
import re
import unicodedata

from .expansion import words

_TAGS = re.compile(r"<[A-Za-z/!][^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(value: str) -> str:
    """Text without HTML tags, entities decoded, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", value or ""))).strip()


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, its index in the original text."""
    if text.isascii():  # nothing to decompose, one character each: lower case is the folding
        return text.lower(), list(range(len(text)))
    folded_chars: list[str] = []
    index_map: list[int] = []
    for i, ch in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", ch)
        for part in decomposed:
            if unicodedata.combining(part):
                continue
            for lowered in part.casefold():
                folded_chars.append(lowered)
                index_map.append(i)
    return "".join(folded_chars), index_map


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Spans (start, end) in `text` of words that start with one of the terms (prefix match: plurals)."""
    if not terms:
        return []
    folded, index_map = _folded_with_map(text)
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(t) for t in terms) + r")[^\W_]*", re.UNICODE)
    spans = []
    for match in pattern.finditer(folded):
        start = index_map[match.start()]
        end = index_map[match.end() - 1] + 1
        spans.append((start, end))
    return spans


def highlight(text: str, query: str) -> str:
    """Escaped `text` with the query's words wrapped in <mark> (safe to output as HTML)."""
    terms = sorted({w for w in words(query) if len(w) > 1}, key=len, reverse=True)
    out = []
    position = 0
    for start, end in _spans(text, terms):
        if start < position:
            continue
        out.append(html.escape(text[position:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def snippet(text: str, query: str, *, length: int = 240) -> str:
    """A window of about `length` characters of plain `text` around the first match, highlighted."""
    text = plain_text(text)
    if not text:
        return ""
    terms = sorted({w for w in words(query) if len(w) > 1}, key=len, reverse=True)
    spans = _spans(text, terms)
    if len(text) <= length:
        return highlight(text, query)
    first = spans[0][0] if spans else 0
    start = max(0, first - length // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = text[start:end]
    return ("… " if start else "") + highlight(window, query) + (" …" if end < len(text) else "")
