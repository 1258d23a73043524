"""What members can follow, and where digests find new content. Other apps register into both.

Following: only registered models can be followed (tags and authorities are registered by the portal):

    from portal.notifications.registry import register_followable
    register_followable("events.EventPage")              # in your AppConfig.ready()

Digests: a source is a function returning the items published in a time window, each with the objects it
is about ("topics": tags, authorities, the page itself...). The digest of a member keeps the items with a
topic the member follows, newest first, grouped by kind:

    from portal.notifications.registry import DigestItem, register_digest_source, topic_keys

    def new_events(*, since, until):
        events = EventPage.objects.live().filter(first_published_at__gt=since, first_published_at__lte=until)
        for event in events:
            yield DigestItem(kind=_("Events"), title=event.title, url=event.full_url,
                             published_at=event.first_published_at, summary=event.summary,
                             topics=topic_keys(event, *event.tags.all()))

    register_digest_source("events.new_events", new_events)

Wagtail pages need no source of their own: the built-in "pages" source (portal.notifications.sources)
includes every page first published in the window, with as topics the page itself, its parent (so
following a section such as the events index brings its new pages), its tags (a `tags` manager) and
whatever its optional `digest_topics()` method returns.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

TopicKey = tuple[int, int]  # (content type id, primary key)


@dataclass(frozen=True)
class DigestItem:
    kind: str
    title: str
    url: str
    published_at: datetime
    summary: str = ""
    topics: frozenset[TopicKey] = field(default_factory=frozenset)


DigestSource = Callable[..., Iterable[DigestItem]]

_followable: set[str] = set()
_sections: set[str] = set()
_sources: dict[str, DigestSource] = {}


def _label(model: type[models.Model] | str) -> str:
    if isinstance(model, str):
        return model.lower()
    return model._meta.label_lower


def register_followable(model: type[models.Model] | str, *, section: bool = False) -> None:
    """Allow members to follow instances of this model ("app_label.ModelName" or the class).

    `section=True` for index pages (the events, the practice library...): following one brings every new
    page published below it into the digest, and the follows page offers them in its "section" list.
    """
    _followable.add(_label(model))
    if section:
        _sections.add(_label(model))


def is_followable(model: type[models.Model]) -> bool:
    # A page subclass is followable when it or one of its concrete parents is registered.
    return any(_label(m) in _followable for m in (model, *model._meta.get_parent_list()))


def _installed(labels: set[str]) -> list[type[models.Model]]:
    found = []
    for label in sorted(labels):
        try:
            found.append(apps.get_model(label))
        except LookupError:  # registered by name, app or model not installed
            continue
    return found


def followable_models() -> list[type[models.Model]]:
    return _installed(_followable)


def section_models() -> list[type[models.Model]]:
    return _installed(_sections)


def topic_key(obj: models.Model) -> TopicKey:
    return (ContentType.objects.get_for_model(obj).pk, obj.pk)


def topic_keys(*objects: models.Model) -> frozenset[TopicKey]:
    return frozenset(topic_key(obj) for obj in objects if obj is not None)


def register_digest_source(key: str, source: DigestSource) -> None:
    """Register (or replace, by key) a function `source(*, since, until) -> iterable of DigestItem`."""
    _sources[key] = source


def digest_sources() -> dict[str, DigestSource]:
    return dict(_sources)
