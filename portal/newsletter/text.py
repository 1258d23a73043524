"""HTML to plain text for the text part of e-mails: paragraphs, headings, lists and links kept readable.

Pure: no Django. Links become "text (address)" so that a plain-text reader can still follow them.
"""

import re
from html import unescape
from html.parser import HTMLParser

BLOCK_TAGS = {"p", "div", "section", "article", "header", "footer", "table", "tr", "blockquote", "figure"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED_TAGS = {"style", "script", "head", "title"}


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href_stack: list[str | None] = []
        self.link_text: list[str] = []
        self.skip_depth = 0
        self.list_stack: list[list[int]] = []  # [counter] for ol, [] for ul
        self.heading: str | None = None

    def _newline(self, count: int = 1) -> None:
        self.parts.append("\n" * count)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skip_depth += 1
        elif tag in BLOCK_TAGS:
            self._newline(2)
        elif tag in HEADING_TAGS:
            self._newline(2)
            self.heading = tag
            self.parts.append("\x00HEADING\x00")
        elif tag == "br":
            self._newline()
        elif tag == "ul":
            self.list_stack.append([])
            self._newline()
        elif tag == "ol":
            self.list_stack.append([0])
            self._newline()
        elif tag == "li":
            self._newline()
            if self.list_stack and self.list_stack[-1]:
                self.list_stack[-1][0] += 1
                self.parts.append(f"{self.list_stack[-1][0]}. ")
            else:
                self.parts.append("- ")
        elif tag == "a":
            self.href_stack.append(dict(attrs).get("href"))
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skip_depth = max(self.skip_depth - 1, 0)
        elif tag in BLOCK_TAGS:
            self._newline(2)
        elif tag in HEADING_TAGS:
            self._close_heading()
            self._newline(2)
        elif tag in ("ul", "ol"):
            if self.list_stack:
                self.list_stack.pop()
            self._newline()
        elif tag == "a" and self.href_stack:
            href = self.href_stack.pop()
            text = "".join(self.link_text).strip()
            if href and not href.startswith("#") and href != text:
                self.parts.append(f" ({href})")

    def _close_heading(self) -> None:
        if self.heading is None:
            return
        marker = "\x00HEADING\x00"
        index = len(self.parts) - 1 - self.parts[::-1].index(marker)
        text = " ".join("".join(self.parts[index + 1 :]).split())
        underline = ("=" if self.heading in ("h1", "h2") else "-") * len(text)
        self.parts[index:] = [f"{text}\n{underline}"]
        self.heading = None

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        text = re.sub(r"\s+", " ", data)
        self.parts.append(text)
        if self.href_stack:
            self.link_text.append(text)


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML fragment or document."""
    builder = _TextBuilder()
    builder.feed(html)
    builder.close()
    text = unescape("".join(builder.parts))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
