"""Sanitising member-written HTML and Markdown with nh3 against an allow-list.

Everything a member writes (practice case submissions, profile text, discussion messages) goes
through one of these functions before it is stored or rendered. Editors' rich text goes through
Wagtail's own editor whitelist instead.

Two profiles:
- ``RICH``: paragraphs, headings from h2 down, lists, quotes, code, tables, links.
- ``INLINE``: short formatted text (discussion messages): emphasis, code, links, lists, quotes.

Links keep only http, https and mailto URLs and always get ``rel="nofollow noopener noreferrer ugc"``;
no images, SVG, styles, forms, iframes or event-handler attributes survive.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

__all__ = ["INLINE", "RICH", "Profile", "html_to_text", "render_markdown", "sanitise_html"]


@dataclass(frozen=True)
class Profile:
    name: str
    tags: frozenset[str]
    attributes: dict[str, set[str]]


_INLINE_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "code", "pre", "a", "ul", "ol", "li", "blockquote", "del"}
)
INLINE = Profile(name="inline", tags=_INLINE_TAGS, attributes={"a": {"href", "title"}})
RICH = Profile(
    name="rich",
    tags=_INLINE_TAGS | {"h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "caption"},
    attributes={"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}},
)

URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer ugc"

# CommonMark without raw HTML: "<script>" typed in Markdown comes out as text, not as a tag.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table").enable("strikethrough")


def sanitise_html(value: str, *, profile: Profile = RICH) -> str:
    """Keep only the profile's tags and attributes; drop the content of script and style."""
    return nh3.clean(
        value or "",
        tags=set(profile.tags),
        attributes={tag: set(attrs) for tag, attrs in profile.attributes.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )


def render_markdown(text: str, *, profile: Profile = INLINE) -> str:
    """Markdown to sanitised HTML (raw HTML in the Markdown is shown as text)."""
    return sanitise_html(_markdown.render(text or ""), profile=profile)


def html_to_text(value: str) -> str:
    """The text of an HTML fragment, for excerpts, e-mails and search snippets."""
    return html.unescape(nh3.clean(value or "", tags=set())).strip()
