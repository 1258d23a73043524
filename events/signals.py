"""When an editor publishes an event with more seats, the waitlist moves up at once."""

from wagtail.signals import page_published

from .models import EventPage


def promote_after_publish(sender, instance, **kwargs):
    from .services import waitlist_promote

    if instance.capacity is None or instance.capacity > 0:
        waitlist_promote(event=instance)


page_published.connect(promote_after_publish, sender=EventPage, dispatch_uid="events-promote-after-publish")
