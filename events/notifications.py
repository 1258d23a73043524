"""Events in the portal's follows and digests (portal/notifications/registry.py).

Members follow an event to hear when an editor changes it (time, place, link); new events reach the
followers of their related practice cases and briefs through the portal's "new pages" source
(`EventPage.digest_topics`)."""

from datetime import datetime

from django.utils.translation import gettext as _

from portal.notifications.registry import DigestItem, register_digest_source, register_followable, topic_keys


def updated_events(*, since: datetime, until: datetime):
    """Events published before the window and published again (changed) within it, about themselves."""
    from .models import EventPage

    events = EventPage.objects.live().filter(
        first_published_at__lte=since, last_published_at__gt=since, last_published_at__lte=until
    )
    for event in events:
        yield DigestItem(
            kind=_("Updated events"),
            title=event.title,
            url=event.full_url or "",
            published_at=event.last_published_at,
            summary=event.summary,
            topics=topic_keys(event),
        )


def register() -> None:
    register_followable("events.EventPage")
    register_digest_source("events.updated", updated_events)
