"""One tag per idea: "Co-design", "co design" and "co-design" are the same tag.

Tags are taggit's shared ``Tag`` (practice cases, policy briefs, toolkit entries and member interests
use the same ones). A tag is identified by its slug: two spellings whose slugs are equal are one tag,
and the first spelling used is kept as the displayed name (so "GDPR" stays upper case).

``parse_tags`` is installed as ``TAGGIT_TAGS_FROM_STRING``, so the Wagtail admin's tag fields (editors)
go through the same normalisation as members' tag forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.db.models import F, Q
from django.utils.text import slugify
from taggit.models import Tag
from taggit.utils import _parse_tags

MAX_TAG_LENGTH = 100
_SEPARATORS = re.compile(r"[\s_]+")
_EDGE_PUNCTUATION = " \t\n#,;.:!?'\"`"


def clean_tag_name(name: str) -> str:
    """Whitespace and underscores collapsed to single spaces, no surrounding punctuation or '#'."""
    return _SEPARATORS.sub(" ", name or "").strip(_EDGE_PUNCTUATION)[:MAX_TAG_LENGTH].strip()


def tag_slug(name: str) -> str:
    """The identity of a tag: case, spaces, hyphens and underscores do not matter."""
    return slugify(clean_tag_name(name).replace("-", " "), allow_unicode=True)


def normalise_tag_names(names) -> list[str]:
    """Cleaned names, one per slug, in the spelling of an existing tag when there is one.

    Names without letters or digits are dropped. Order of first appearance is kept.
    """
    by_slug: dict[str, str] = {}
    for raw in names:
        name = clean_tag_name(str(raw))
        slug = tag_slug(name)
        if slug and slug not in by_slug:
            by_slug[slug] = name
    if not by_slug:
        return []
    existing = {slug: name for slug, name in Tag.objects.filter(slug__in=by_slug).values_list("slug", "name")}
    # A tag created before the normaliser (or renamed by an editor) may have a slug of another shape.
    leftovers = [name for slug, name in by_slug.items() if slug not in existing]
    if leftovers:
        query = Q()
        for name in leftovers:
            query |= Q(name__iexact=name)
        for name in Tag.objects.filter(query).values_list("name", flat=True):
            existing.setdefault(tag_slug(name), name)
    return [existing.get(slug, name) for slug, name in by_slug.items()]


def split_tag_string(value: str) -> list[str]:
    """Split what a person typed: commas separate tags; quotes (Wagtail's widget) are honoured."""
    if '"' in (value or ""):
        return _parse_tags(value)
    return [part for part in (value or "").split(",") if part.strip()]


def parse_tags(value: str) -> list[str]:
    """TAGGIT_TAGS_FROM_STRING: the normalised tag names in a typed string."""
    return normalise_tag_names(split_tag_string(value))


# --- Tag pages list every kind of tagged content -----------------------------------------------------------
#
# The practice library's page per tag (/practices/tag/<slug>/) lists, section by section, every registered
# page type carrying that tag. An app registers its tagged page types in its AppConfig.ready():
#
#     from portal.tagging import register_tagged_page_type
#     register_tagged_page_type("learning.PolicyBriefPage", label=_("Policy briefs"), order=10)
#
# The model needs a taggit manager (ClusterTaggableManager) on the shared taggit Tag, by default named
# `tags`; pass tags_field="..." otherwise.


@dataclass(frozen=True)
class TaggedPageType:
    model_label: str
    label: str
    order: int = 100
    tags_field: str = "tags"

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def live_pages(self, tag: Tag):
        """Live, public pages of this type with the tag, newest first."""
        return (
            self.model.objects.live()
            .public()
            .filter(**{f"{self.tags_field}__slug": tag.slug})
            .order_by(F("first_published_at").desc(nulls_last=True), "-pk")
        )


_TAGGED_PAGE_TYPES: dict[str, TaggedPageType] = {}


def register_tagged_page_type(model_label: str, *, label, order: int = 100, tags_field: str = "tags") -> None:
    """List pages of this model on every tag page (idempotent; the last registration wins)."""
    _TAGGED_PAGE_TYPES[model_label.lower()] = TaggedPageType(model_label, label, order, tags_field)


def tagged_page_types() -> list[TaggedPageType]:
    return sorted(_TAGGED_PAGE_TYPES.values(), key=lambda entry: (entry.order, entry.model_label))
